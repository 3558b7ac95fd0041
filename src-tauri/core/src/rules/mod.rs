//! The rules of domain.md §6: what must hold before a design can be approved and handed to
//! operations. Each rule has a stable id and a severity; an error blocks approval and export, a
//! warning does not. A finding names the object, the field, what was expected, what was found
//! and how to fix it, in one sentence a consultant can act on.
//!
//! Why it looks like this:
//! - [`check`] walks a whole [`Snapshot`] once. Every relation the snapshot stores one way
//!   (package → service plans, link → bolt-on, bolt-on → add-on group, …) is indexed the other
//!   way once ([`index::Index`]), so each rule is a constant amount of work per object and the
//!   whole check is linear in the catalog.
//! - [`check_objects`] re-checks a few objects after an edit without reading the catalog: it
//!   asks SQLite (through its indexes) for exactly the rows the rules read about those objects
//!   ([`neighbourhood`]), loads only them, runs the same code, and keeps the findings on the
//!   objects asked for. The result is identical to filtering a full check; the property tests
//!   hold it to that.
//! - [`affected`] is the other direction: which objects may see their findings change when one
//!   object is edited, so the window re-checks exactly those.
//! - One file per rule family; each finding belongs to the object whose field is wrong (links,
//!   allowances and groups carry their own findings). Where two rules of the table describe the
//!   same fact, one of them owns it, so one mistake gives one finding; each family's module doc
//!   says which.
//!
//! - Retired objects are history: no finding is reported on them (or on the links and
//!   allowances of a retired service plan); an approved or live object that still depends on
//!   one gets LIF-03.
//! - `saleable_from` ("required before approval") is not a finding on a draft: the lifecycle
//!   refuses the approval, and an approved or live plan without it gets LIF-01.
//!
//! Order of findings: by object, then rule id, then field (then message), so output is stable.

mod add_on;
mod allowance;
mod bolt_on;
mod data;
mod fees;
mod index;
mod lifecycle;
mod names;
mod neighbourhood;
mod structure;

use std::collections::HashSet;

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::id::Id;
use crate::snapshot::Snapshot;
use index::Index;

/// An error blocks approval and export; a warning does not.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One broken rule on one object.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule id ("STR-01").
    pub rule: &'static str,
    pub severity: Severity,
    /// The object the finding is on (a plan, a bolt-on link, an allowance or a bolt-on group).
    pub object: Id,
    /// The field of `object` that is wrong, by its canonical name.
    pub field: Option<String>,
    /// One sentence naming the rule, the object, the field, what was expected and found, and
    /// the fix.
    pub message: String,
    /// What the rule expects.
    pub expected: String,
    /// What is there, phrased to follow the field name ("is empty").
    pub found: String,
    /// How to fix it.
    pub fix: String,
}

/// A rule of the table, for listings and documentation.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const fn rule(id: &'static str, severity: Severity, summary: &'static str) -> RuleInfo {
    RuleInfo { id, severity, summary }
}

use Severity::{Error as E, Warning as W};

/// Every rule of domain.md §6, in the table's order.
pub const RULES: &[RuleInfo] = &[
    rule(
        "STR-01",
        E,
        "A SELL object names a BUY counterpart of the same kind (not for retailers buying from an Emersion wholesaler, whose BUY objects are reference-only: name and production id).",
    ),
    rule(
        "STR-02",
        E,
        "Links stay on one side: BUY with BUY, SELL with SELL (package↔service, service↔bolt-on, bolt-on↔add-on, group members, allowances).",
    ),
    rule(
        "STR-03",
        E,
        "A package plan contains at least one service plan; a service plan is in at least one package plan.",
    ),
    rule(
        "STR-04",
        E,
        "Mirror: the BUY counterpart of a SELL package plan contains the BUY counterparts of its service plans.",
    ),
    rule(
        "STR-05",
        E,
        "A SELL object has the same service type as its BUY counterpart; a bolt-on or add-on has the service type of what it is linked to.",
    ),
    rule("NAM-01", E, "internal_name is present and unique per kind and side."),
    rule("NAM-02", E, "SELL objects have an external_name (it is printed on the invoice)."),
    rule("BOL-01", E, "A SELL bolt-on is in a bolt-on group before it is linked to a service plan."),
    rule("BOL-02", E, "Every bolt-on link has exactly one behaviour."),
    rule("ADD-01", E, "An add-on is in its bolt-on's add-on group (same side) before it appears under a bolt-on link."),
    rule(
        "ADD-02",
        E,
        "An add-on joins a bolt-on's add-on group only with the same service type and included value type as the bolt-on.",
    ),
    rule(
        "ADD-03",
        E,
        "An add-on has 1 to 4 quotas with distinct included value types, each with a bonus type, a positive value and a weight.",
    ),
    rule("ADD-04", E, "is_provisioned needs a provisioning_key and a service type that is auto_provisioned."),
    rule("ADD-05", E, "Availability flags (API, user portal) are set on SELL add-ons only."),
    rule("ADD-06", W, "A SELL add-on available neither in the API nor in the user portal can only be sold by staff."),
    rule("ALW-01", E, "An allowance names an add-on in the add-on group of the link's bolt-on."),
    rule("ALW-02", E, "max_occurrence is a whole number ≥ 1."),
    rule(
        "ALW-03",
        E,
        "A SELL allowance names its parent BUY allowance, on the BUY counterparts of its service plan, bolt-on and add-on.",
    ),
    rule("ALW-04", W, "A SELL allowance allows more occurrences than its BUY allowance."),
    rule("DAT-01", E, "A service plan on a data service type has data billing, own or pooled."),
    rule("DAT-02", E, "own data billing has a billing type, a quota > 0 and excess rates ≥ 0."),
    rule("DAT-03", E, "pooled points at a service plan of the same side and customer structure with own billing."),
    rule("DAT-04", W, "A tail inside a shared-data structure has own data billing (it will not share the pool)."),
    rule("FEE-01", E, "Money is ≥ 0 with no more decimals than the currency has; saleable_to is after saleable_from."),
    rule("FEE-02", W, "A SELL price or excess rate is below its BUY counterpart's (loss on every sale)."),
    rule("LIF-01", E, "Approval needs no errors on the object and on everything it depends on."),
    rule("LIF-02", E, "A live object changes only its editable-when-live fields (§5)."),
    rule("LIF-03", E, "A bundle holds only approved or live objects, and everything they depend on."),
];

/// Error and warning counts per object, from one check: what lists, diagrams and the overview
/// show beside each object.
#[derive(Debug, Clone, Default)]
pub struct FindingCounts(crate::id::IdMap<(u32, u32)>);

impl FindingCounts {
    pub fn new(findings: &[Finding]) -> FindingCounts {
        let mut m: crate::id::IdMap<(u32, u32)> = Default::default();
        for f in findings {
            let e = m.entry(f.object).or_default();
            match f.severity {
                Severity::Error => e.0 += 1,
                Severity::Warning => e.1 += 1,
            }
        }
        FindingCounts(m)
    }
    /// (errors, warnings) on `id`.
    pub fn of(&self, id: Id) -> (u32, u32) {
        self.0.get(&id).copied().unwrap_or_default()
    }
    /// Row ids of the objects of `kind` with at least one error, sorted.
    pub fn with_errors(&self, kind: crate::id::EntityKind) -> Vec<i64> {
        let mut v: Vec<i64> =
            self.0.iter().filter(|(id, (e, _))| id.kind == kind && *e > 0).map(|(id, _)| id.n).collect();
        v.sort_unstable();
        v
    }
}

/// The rule with this id.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

impl Finding {
    /// A finding of `rule` on `object` (described as `who`). `found` is phrased to follow the
    /// field name ("is empty", "holds BUY service plan SP-2"); `expected` is a clause; `fix` an
    /// imperative. The message joins them into one sentence.
    pub(crate) fn new(
        rule: &'static str,
        object: Id,
        who: &str,
        field: Option<&str>,
        found: String,
        expected: String,
        fix: String,
    ) -> Finding {
        let severity = rule_info(rule).map(|r| r.severity).expect("every rule the checks raise is in RULES");
        let message = match field {
            Some(f) => format!("{rule} {who}: {f} {found}, but {expected}; {fix}."),
            None => format!("{rule} {who} {found}, but {expected}; {fix}."),
        };
        Finding { rule, severity, object, field: field.map(str::to_string), message, expected, found, fix }
    }
}

/// Checks the whole catalog in `s`. Deterministic: sorted by object, rule, field.
pub fn check(s: &Snapshot) -> Vec<Finding> {
    let mut findings = run(&Index::new(s));
    sort(&mut findings);
    findings
}

/// Re-checks `ids` after an edit: exactly the findings whose object is in `ids`, identical to
/// filtering [`check`] of the whole catalog, reading only the rows those findings depend on.
pub fn check_objects(conn: &Connection, ids: &[Id]) -> Result<Vec<Finding>> {
    let scope = neighbourhood::scope(conn, ids)?;
    let s = Snapshot::load(conn, &scope)?;
    let wanted: HashSet<Id> = ids.iter().copied().collect();
    let mut findings = run(&Index::new(&s));
    findings.retain(|f| wanted.contains(&f.object));
    sort(&mut findings);
    Ok(findings)
}

/// The objects whose findings may change when `id` is edited: itself, what names it as BUY
/// counterpart, what contains, links, groups or pools from it, what shares its name, and the
/// service plans whose links and allowances are among those. Sorted, without duplicates.
///
/// An edit can also break a relation (a rename leaves its old namesakes, a removed member its
/// old container), which only the catalog before the edit shows: call it before and after the
/// edit and re-check the union with [`check_objects`]. Edits of settings (the tier) or of
/// reference data (a service type's category) can change findings anywhere: re-check the whole
/// catalog with [`check`] after those.
pub fn affected(conn: &Connection, id: Id) -> Result<Vec<Id>> {
    neighbourhood::affected(conn, id)
}

/// Every rule over the indexed snapshot, unsorted. The lifecycle rules go last: they read what
/// the others found. Retired objects are history, kept as they were: nothing is reported on
/// them (what still depends on them is, by LIF-03).
fn run(ix: &Index) -> Vec<Finding> {
    let mut out = Vec::new();
    structure::check(ix, &mut out);
    names::check(ix, &mut out);
    bolt_on::check(ix, &mut out);
    add_on::check(ix, &mut out);
    allowance::check(ix, &mut out);
    data::check(ix, &mut out);
    fees::check(ix, &mut out);
    lifecycle::check(ix, &mut out);
    out.retain(|f| !ix.retired(f.object));
    out
}

fn sort(findings: &mut [Finding]) {
    findings.sort_unstable_by(|a, b| {
        (a.object, a.rule, &a.field, &a.message).cmp(&(b.object, b.rule, &b.field, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_is_one_sentence_naming_rule_object_field_expectation_and_fix() {
        let id: Id = "SP-4".parse().unwrap();
        let f = Finding::new(
            "STR-01",
            id,
            "SELL service plan SP-4 'Data pool 500 GB'",
            Some("buy_counterpart"),
            "is empty".into(),
            "a SELL object must name its BUY counterpart of the same kind".into(),
            "choose the BUY service plan it is built on".into(),
        );
        assert_eq!(
            f.message,
            "STR-01 SELL service plan SP-4 'Data pool 500 GB': buy_counterpart is empty, but a SELL object must name its BUY counterpart of the same kind; choose the BUY service plan it is built on."
        );
        assert_eq!(f.severity, Severity::Error);
        let w = Finding::new("ADD-06", id, "x", None, "is y".into(), "z".into(), "w".into());
        assert_eq!((w.severity, w.message.as_str()), (Severity::Warning, "ADD-06 x is y, but z; w."));
    }

    #[test]
    fn the_table_has_every_rule_once() {
        assert_eq!(RULES.len(), 28, "domain.md §6 lists 28 rules");
        let ids: HashSet<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), RULES.len());
    }
}
