//! Stable, human-typable ids for every catalog entity ("PP-12", "BO-3"). The prefix names the
//! kind, so an id typed on the command line or found in a bundle is never ambiguous, and the
//! number is the row id in that kind's table, so ids survive dump/load unchanged.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::CoreError;

/// Every kind of entity that has an id of its own.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    PackagePlan,
    ServicePlan,
    BoltOn,
    BoltOnAddOn,
    BoltOnGroup,
    BoltOnLink,
    Allowance,
    Customer,
    Site,
    Structure,
}

impl EntityKind {
    pub const ALL: [EntityKind; 10] = [
        EntityKind::PackagePlan,
        EntityKind::ServicePlan,
        EntityKind::BoltOn,
        EntityKind::BoltOnAddOn,
        EntityKind::BoltOnGroup,
        EntityKind::BoltOnLink,
        EntityKind::Allowance,
        EntityKind::Customer,
        EntityKind::Site,
        EntityKind::Structure,
    ];
    /// The four plan kinds, which carry a side, a status and the common plan fields.
    pub const PLANS: [EntityKind; 4] =
        [EntityKind::PackagePlan, EntityKind::ServicePlan, EntityKind::BoltOn, EntityKind::BoltOnAddOn];

    pub fn prefix(self) -> &'static str {
        match self {
            EntityKind::PackagePlan => "PP",
            EntityKind::ServicePlan => "SP",
            EntityKind::BoltOn => "BO",
            EntityKind::BoltOnAddOn => "AO",
            EntityKind::BoltOnGroup => "BG",
            EntityKind::BoltOnLink => "BL",
            EntityKind::Allowance => "AL",
            EntityKind::Customer => "CU",
            EntityKind::Site => "SI",
            EntityKind::Structure => "ST",
        }
    }
    /// Canonical name, as in the database, the interchange JSON and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::PackagePlan => "package_plan",
            EntityKind::ServicePlan => "service_plan",
            EntityKind::BoltOn => "bolt_on",
            EntityKind::BoltOnAddOn => "bolt_on_add_on",
            EntityKind::BoltOnGroup => "bolt_on_group",
            EntityKind::BoltOnLink => "bolt_on_link",
            EntityKind::Allowance => "allowance",
            EntityKind::Customer => "customer",
            EntityKind::Site => "site",
            EntityKind::Structure => "structure",
        }
    }
    /// Words for messages ("bolt-on add-on").
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::PackagePlan => "package plan",
            EntityKind::ServicePlan => "service plan",
            EntityKind::BoltOn => "bolt-on",
            EntityKind::BoltOnAddOn => "bolt-on add-on",
            EntityKind::BoltOnGroup => "bolt-on group",
            EntityKind::BoltOnLink => "bolt-on link",
            EntityKind::Allowance => "allowance",
            EntityKind::Customer => "customer",
            EntityKind::Site => "site",
            EntityKind::Structure => "structure",
        }
    }
    /// The SQLite table holding this kind.
    pub fn table(self) -> &'static str {
        self.name()
    }
    pub fn is_plan(self) -> bool {
        EntityKind::PLANS.contains(&self)
    }
    pub fn from_name(s: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.name() == s)
    }
    fn from_prefix(s: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.prefix().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EntityKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, CoreError> {
        EntityKind::from_name(s).ok_or_else(|| {
            let names: Vec<&str> = EntityKind::ALL.iter().map(|k| k.name()).collect();
            CoreError::invalid("kind", format!("unknown kind '{s}'; use one of: {}", names.join(", ")))
        })
    }
}

/// A hash map keyed by [`Id`] with a cheap hasher (a multiply and a rotate per word, after
/// rustc's FxHash) instead of SipHash: the reverse indexes ([`crate::relations::Relations`])
/// are looked up hundreds of thousands of times in a large export, on our own data (no
/// attacker chooses the keys). Looked up, never iterated where order matters.
pub(crate) type IdMap<V> = std::collections::HashMap<Id, V, std::hash::BuildHasherDefault<IdHasher>>;

/// The hasher of [`IdMap`].
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.add(u64::from(*b));
        }
    }
    fn write_u8(&mut self, v: u8) {
        self.add(u64::from(v));
    }
    fn write_u32(&mut self, v: u32) {
        self.add(u64::from(v));
    }
    fn write_u64(&mut self, v: u64) {
        self.add(v);
    }
    fn write_i64(&mut self, v: i64) {
        self.add(v as u64);
    }
    fn write_isize(&mut self, v: isize) {
        self.add(v as u64);
    }
    fn write_usize(&mut self, v: usize) {
        self.add(v as u64);
    }
}

/// The id of one entity: its kind and its row id.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    pub kind: EntityKind,
    pub n: i64,
}

impl Id {
    pub const fn new(kind: EntityKind, n: i64) -> Id {
        Id { kind, n }
    }
    /// Checks that the id is of the expected kind; `field` names the field for the message.
    pub fn expect(self, kind: EntityKind, field: &str) -> Result<Id, CoreError> {
        if self.kind == kind {
            Ok(self)
        } else {
            Err(CoreError::invalid(
                field,
                format!(
                    "{field} must be a {} id ({}-…), but {self} is a {}",
                    kind.label(),
                    kind.prefix(),
                    self.kind.label()
                ),
            ))
        }
    }
}

impl Id {
    /// The id as text ("PP-12") in a buffer on the stack: a large export writes millions of ids
    /// (JSON, sheet, diagrams), and going through the formatting machinery for each cost
    /// several times this.
    pub fn text(self) -> IdText {
        let mut bytes = [0u8; IdText::CAPACITY];
        let prefix = self.kind.prefix().as_bytes();
        let mut n = itoa::Buffer::new();
        let n = n.format(self.n).as_bytes();
        bytes[..prefix.len()].copy_from_slice(prefix);
        bytes[prefix.len()] = b'-';
        bytes[prefix.len() + 1..prefix.len() + 1 + n.len()].copy_from_slice(n);
        IdText { bytes, len: (prefix.len() + 1 + n.len()) as u8 }
    }
}

/// An id's text, held on the stack ([`Id::text`]).
#[derive(Clone, Copy)]
pub struct IdText {
    bytes: [u8; IdText::CAPACITY],
    len: u8,
}

impl IdText {
    /// A two-letter prefix, the dash and an `i64` (at most 20 characters with its sign).
    const CAPACITY: usize = 24;
}

impl std::ops::Deref for IdText {
    type Target = str;
    fn deref(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("a prefix and digits are ASCII")
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl FromStr for Id {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Id, CoreError> {
        let bad = || {
            CoreError::invalid(
                "id",
                format!(
                    "'{s}' is not an object id; ids look like PP-12 (PP package plan, SP service plan, BO bolt-on, AO bolt-on add-on, BG bolt-on group, BL bolt-on link, AL allowance, CU customer, SI site, ST structure)"
                ),
            )
        };
        let (p, n) = s.trim().split_once('-').ok_or_else(bad)?;
        let kind = EntityKind::from_prefix(p).ok_or_else(bad)?;
        let n: i64 = n.parse().map_err(|_| bad())?;
        if n <= 0 {
            return Err(bad());
        }
        Ok(Id { kind, n })
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|e: CoreError| serde::de::Error::custom(e.message().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        for k in EntityKind::ALL {
            let id = Id::new(k, 42);
            assert_eq!(id.to_string().parse::<Id>().unwrap(), id);
        }
        assert_eq!("pp-7".parse::<Id>().unwrap(), Id::new(EntityKind::PackagePlan, 7));
    }

    #[test]
    fn ids_serialise_as_their_text() {
        for k in EntityKind::ALL {
            for n in [1, 42, i64::MAX] {
                let id = Id::new(k, n);
                assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{}-{n}\"", k.prefix()));
                assert_eq!(serde_json::from_str::<Id>(&serde_json::to_string(&id).unwrap()).unwrap(), id);
            }
        }
    }

    #[test]
    fn malformed_ids_are_refused_with_the_format() {
        for s in ["", "PP", "PP-", "PP-x", "XX-1", "PP-0", "PP--1"] {
            let e = s.parse::<Id>().unwrap_err();
            assert!(e.message().contains("ids look like PP-12"), "{s}: {e}");
        }
    }
}
