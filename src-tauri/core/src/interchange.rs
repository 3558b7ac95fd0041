//! The canonical JSON interchange: the whole catalog as one plain-text file that can be diffed,
//! reviewed, mailed, kept in git and loaded back into a new catalog with the same ids.
//!
//! Why it exists: a catalog file is SQLite, which is safe but opaque. Consultants need a text
//! form to compare two designs, to hand a design to someone without Plansmith, to script
//! changes, and to recover from a damaged file. Emersion has no plan import/export, so this
//! format is ours; `schema/catalog.schema.json` at the repository root describes it.
//!
//! Invariants:
//! - **Canonical**: the same catalog content always gives the same bytes. Keys are in model
//!   struct order, top-level arrays are sorted by id (reference data by code, the audit log by
//!   seq), nested lists keep their meaningful order (a package's service plans, a group's
//!   members), every key is written (`null` when not set), 2-space indent, one trailing
//!   newline. Money stays integer minor units of `settings.currency`; ids stay "SP-3".
//! - **Round trip**: `dump` → [`load`] into a new file → `dump` gives identical bytes. The
//!   loaded catalog holds exactly the file's content (reference data and audit log included,
//!   no starter set) and starts with an empty undo history.
//! - **Refuse, never guess**: anything that cannot be stored exactly is refused before a file
//!   is created, with a message that names the JSON path of the problem and the fix. What is
//!   merely *wrong* for Emersion (a SELL plan without a counterpart, …) loads fine and is
//!   reported by the rules, like any draft.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use rusqlite::{Connection, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{CoreError, ErrorKind, Result};
use crate::id::{EntityKind, Id};
use crate::model::*;
use crate::rating::Scenario;
use crate::snapshot::{Scope, Snapshot};
use crate::store::Catalog;
use crate::value::{Currency, Money, Stamp};

/// The value of `"format"` in every catalog JSON.
pub const FORMAT: &str = "plansmith-catalog";
/// The newest `"format_version"` this program reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

/// The whole catalog as it appears in the JSON file. Field order is the file's key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written by this program.
    pub format_version: u32,
    pub settings: Settings,
    pub service_types: Vec<ServiceType>,
    pub bolt_on_categories: Vec<BoltOnCategory>,
    pub tariffs: Vec<Tariff>,
    pub package_plans: Vec<Plan>,
    pub service_plans: Vec<Plan>,
    pub bolt_ons: Vec<Plan>,
    pub bolt_on_add_ons: Vec<Plan>,
    pub bolt_on_groups: Vec<BoltOnGroup>,
    pub bolt_on_links: Vec<BoltOnLink>,
    pub allowances: Vec<Allowance>,
    pub customers: Vec<Customer>,
    pub sites: Vec<Site>,
    pub structures: Vec<Structure>,
    /// Saved rating scenarios, by subject and name; left out of the text when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    pub audit_log: Vec<AuditEntry>,
}

/// A [`Document`] borrowed: the same keys in the same order, so it serialises to the same
/// text, written from lists held elsewhere (a bundle export writes its `catalog.json` from
/// the catalog's snapshot without copying 200 000 objects into a document first). The lists
/// must be in canonical order already ([`Document::sort`]); snapshots are.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DocumentRef<'a> {
    pub format: &'a str,
    pub format_version: u32,
    pub settings: &'a Settings,
    pub service_types: &'a [ServiceType],
    pub bolt_on_categories: &'a [BoltOnCategory],
    pub tariffs: &'a [Tariff],
    pub package_plans: &'a [Plan],
    pub service_plans: &'a [Plan],
    pub bolt_ons: &'a [Plan],
    pub bolt_on_add_ons: &'a [Plan],
    pub bolt_on_groups: &'a [BoltOnGroup],
    pub bolt_on_links: &'a [BoltOnLink],
    pub allowances: &'a [Allowance],
    pub customers: &'a [Customer],
    pub sites: &'a [Site],
    pub structures: &'a [Structure],
    #[serde(skip_serializing_if = "<[Scenario]>::is_empty")]
    pub scenarios: &'a [Scenario],
    pub audit_log: &'a [AuditEntry],
}

impl<'a> DocumentRef<'a> {
    /// The document of snapshot `s` with no audit log, as [`Document::from_snapshot`] would
    /// give it.
    pub fn of_snapshot(s: &'a Snapshot) -> DocumentRef<'a> {
        DocumentRef {
            format: FORMAT,
            format_version: FORMAT_VERSION,
            settings: &s.settings,
            service_types: &s.service_types,
            bolt_on_categories: &s.bolt_on_categories,
            tariffs: &s.tariffs,
            package_plans: &s.package_plans,
            service_plans: &s.service_plans,
            bolt_ons: &s.bolt_ons,
            bolt_on_add_ons: &s.bolt_on_add_ons,
            bolt_on_groups: &s.bolt_on_groups,
            bolt_on_links: &s.bolt_on_links,
            allowances: &s.allowances,
            customers: &s.customers,
            sites: &s.sites,
            structures: &s.structures,
            scenarios: &[],
            audit_log: &[],
        }
    }
}

impl DocumentRef<'_> {
    /// The document, copied.
    pub fn to_document(&self) -> Document {
        Document {
            format: self.format.to_string(),
            format_version: self.format_version,
            settings: self.settings.clone(),
            service_types: self.service_types.to_vec(),
            bolt_on_categories: self.bolt_on_categories.to_vec(),
            tariffs: self.tariffs.to_vec(),
            package_plans: self.package_plans.to_vec(),
            service_plans: self.service_plans.to_vec(),
            bolt_ons: self.bolt_ons.to_vec(),
            bolt_on_add_ons: self.bolt_on_add_ons.to_vec(),
            bolt_on_groups: self.bolt_on_groups.to_vec(),
            bolt_on_links: self.bolt_on_links.to_vec(),
            allowances: self.allowances.to_vec(),
            customers: self.customers.to_vec(),
            sites: self.sites.to_vec(),
            structures: self.structures.to_vec(),
            scenarios: self.scenarios.to_vec(),
            audit_log: self.audit_log.to_vec(),
        }
    }
}

impl Document {
    /// This document, borrowed.
    pub fn as_ref(&self) -> DocumentRef<'_> {
        DocumentRef {
            format: &self.format,
            format_version: self.format_version,
            settings: &self.settings,
            service_types: &self.service_types,
            bolt_on_categories: &self.bolt_on_categories,
            tariffs: &self.tariffs,
            package_plans: &self.package_plans,
            service_plans: &self.service_plans,
            bolt_ons: &self.bolt_ons,
            bolt_on_add_ons: &self.bolt_on_add_ons,
            bolt_on_groups: &self.bolt_on_groups,
            bolt_on_links: &self.bolt_on_links,
            allowances: &self.allowances,
            customers: &self.customers,
            sites: &self.sites,
            structures: &self.structures,
            scenarios: &self.scenarios,
            audit_log: &self.audit_log,
        }
    }
}

impl Document {
    /// The document of a snapshot and an audit log, in canonical order.
    pub fn from_snapshot(s: Snapshot, audit_log: Vec<AuditEntry>) -> Document {
        let mut d = Document {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            settings: s.settings,
            service_types: s.service_types,
            bolt_on_categories: s.bolt_on_categories,
            tariffs: s.tariffs,
            package_plans: s.package_plans,
            service_plans: s.service_plans,
            bolt_ons: s.bolt_ons,
            bolt_on_add_ons: s.bolt_on_add_ons,
            bolt_on_groups: s.bolt_on_groups,
            bolt_on_links: s.bolt_on_links,
            allowances: s.allowances,
            customers: s.customers,
            sites: s.sites,
            structures: s.structures,
            scenarios: Vec::new(),
            audit_log,
        };
        d.sort();
        d
    }

    /// Puts the top-level arrays in canonical order (ids, codes, seq). Nested lists keep their
    /// order: it is meaningful (the order of a package's service plans, of quotas, …).
    pub fn sort(&mut self) {
        self.service_types.sort_by(|a, b| a.code.cmp(&b.code));
        self.bolt_on_categories.sort_by(|a, b| a.code.cmp(&b.code));
        self.tariffs.sort_by(|a, b| a.code.cmp(&b.code));
        for list in [&mut self.package_plans, &mut self.service_plans, &mut self.bolt_ons, &mut self.bolt_on_add_ons] {
            list.sort_by_key(|p| p.id);
        }
        self.bolt_on_groups.sort_by_key(|g| g.id);
        self.bolt_on_links.sort_by_key(|l| l.id);
        self.allowances.sort_by_key(|a| a.id);
        self.customers.sort_by_key(|c| c.id);
        self.sites.sort_by_key(|s| s.id);
        self.structures.sort_by_key(|s| s.id);
        self.scenarios.sort_by(|a, b| {
            let rank = |id: Id| (id.kind != EntityKind::Customer, id.n);
            rank(a.subject).cmp(&rank(b.subject)).then_with(|| a.name.cmp(&b.name))
        });
        self.audit_log.sort_by_key(|e| e.seq);
    }

    /// The canonical text: pretty-printed with a 2-space indent and a trailing newline.
    pub fn to_json(&self) -> String {
        let mut d = self.clone();
        d.sort();
        let mut s = serde_json::to_string_pretty(&d).expect("the catalog model always serialises");
        s.push('\n');
        s
    }
}

/// Reads the whole catalog, in one read transaction so that it is one consistent state.
pub fn document(catalog: &Catalog) -> Result<Document> {
    let tx = catalog.conn().unchecked_transaction()?;
    let snapshot = Snapshot::load(&tx, &Scope::All)?;
    let audit = read_audit_log(&tx)?;
    let scenarios = crate::rating::store::scenarios(&tx)?;
    drop(tx);
    let mut doc = Document::from_snapshot(snapshot, audit);
    doc.scenarios = scenarios;
    doc.sort();
    Ok(doc)
}

/// The whole catalog as canonical JSON (see the module documentation).
pub fn dump(catalog: &Catalog) -> Result<String> {
    Ok(document(catalog)?.to_json())
}

fn read_audit_log(conn: &Connection) -> Result<Vec<AuditEntry>> {
    let mut st = conn.prepare("SELECT seq, at, by, action, object, detail FROM audit_log ORDER BY seq")?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let at: String = r.get(1)?;
        let object: Option<String> = r.get(4)?;
        out.push(AuditEntry {
            seq: r.get(0)?,
            at: at.parse()?,
            by: r.get(2)?,
            action: r.get(3)?,
            object: object.map(|o| o.parse()).transpose()?,
            detail: r.get(5)?,
        });
    }
    Ok(out)
}

/// Creates a NEW catalog file at `path` holding exactly the content of `json` (same ids,
/// catalog id, creation time, reference data and audit log), with an empty undo history.
///
/// Refuses an existing `path`. Everything is checked before any file is written; the file is
/// built beside `path` and renamed into place when complete, so a failed load leaves nothing.
/// `stamp` is not written into the catalog (that would break the byte-identical round trip);
/// callers that want a record of the load keep it themselves.
pub fn load(path: &Path, json: &str, stamp: &Stamp) -> Result<Catalog> {
    let _ = stamp;
    if path.exists() {
        return Err(CoreError::conflict(format!(
            "{} already exists; choose another file name (loading never overwrites a catalog)",
            path.display()
        )));
    }
    let doc = parse(json)?;
    write_new_file(path, &doc)?;
    Catalog::open(path)
}

// ---------------------------------------------------------------------------------------------
// Parsing and checking

fn bad(path: impl Into<String>, message: String) -> CoreError {
    let path = path.into();
    CoreError::new(ErrorKind::InvalidInput, format!("{path}: {message}")).with_field(path)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses and checks a catalog JSON without writing anything: syntax, `format` and
/// `format_version`, types and unknown fields (with the JSON path), ids (kind, duplicates) and
/// every reference (nothing may point outside the file).
pub fn parse(json: &str) -> Result<Document> {
    // Editors on Windows may save a byte order mark; it is not content.
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let value: Value = serde_json::from_str(json).map_err(|e| {
        CoreError::new(
            ErrorKind::InvalidInput,
            format!(
                "the file is not valid JSON: {} at line {}, column {}; fix the syntax there (a missing comma, quote or bracket is the usual cause)",
                syntax_reason(&e),
                e.line(),
                e.column()
            ),
        )
        .with_field(format!("line {}, column {}", e.line(), e.column()))
    })?;
    check_format(&value)?;
    let mut de = serde_json::Deserializer::from_str(json);
    let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = annotate_path(&value, e.path());
        let inner = e.into_inner();
        let mut reason = inner.to_string();
        // serde_json appends " at line L column C": keep it, it helps find the spot.
        if reason.starts_with("unknown field") {
            reason.push_str("; remove it or correct its spelling (the file format has no such field here)");
        } else if reason.starts_with("missing field") {
            reason.push_str("; add it (use null for a value that is not set, [] for an empty list)");
        } else {
            reason.push_str("; correct the value (see schema/catalog.schema.json for what each field takes)");
        }
        bad(path, reason)
    })?;
    check(&doc)?;
    Ok(doc)
}

fn syntax_reason(e: &serde_json::Error) -> String {
    // serde_json's Display adds " at line L column C"; we say it ourselves.
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn check_format(value: &Value) -> Result<()> {
    let incompatible = |m: String| CoreError::new(ErrorKind::IncompatibleFile, m);
    let Value::Object(top) = value else {
        return Err(incompatible(format!(
            "the file is not a Plansmith catalog JSON: its top level is {}, but a catalog is an object starting with \"format\": \"{FORMAT}\"",
            json_kind(value)
        )));
    };
    match top.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => {
            return Err(incompatible(format!(
                "format: the file says \"{f}\", but a Plansmith catalog says \"{FORMAT}\"; this is not a catalog file (or its format field was changed)"
            ))
            .with_field("format"));
        }
        Some(other) => {
            return Err(incompatible(format!(
                "format: expected the string \"{FORMAT}\", found {}; this is not a Plansmith catalog file",
                json_kind(other)
            ))
            .with_field("format"));
        }
        None => {
            return Err(incompatible(format!(
                "format: missing; a Plansmith catalog JSON has \"format\": \"{FORMAT}\" at the top level (is this a catalog file?)"
            ))
            .with_field("format"));
        }
    }
    match top.get("format_version") {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if v as u128 > FORMAT_VERSION as u128 => Err(incompatible(format!(
                "format_version: the file is format version {v}, but this Plansmith reads up to version {FORMAT_VERSION}; update Plansmith to load it"
            ))
            .with_field("format_version")),
            Some(v) if v >= 1 => Ok(()),
            _ => Err(bad(
                "format_version",
                format!("{n} is not a format version; it is a whole number from 1 to {FORMAT_VERSION}"),
            )),
        },
        Some(other) => Err(bad(
            "format_version",
            format!("expected a whole number (1 to {FORMAT_VERSION}), found {}; write \"format_version\": {FORMAT_VERSION}", json_kind(other)),
        )),
        None => Err(bad("format_version", format!("missing; add \"format_version\": {FORMAT_VERSION} after \"format\""))),
    }
}

/// "service_plans[3] (SP-4).detail.service_plan.data_billing.quota_kb": the serde path with the
/// id (or code, or seq) of the top-level element it is in, read from the raw JSON.
fn annotate_path(value: &Value, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let segs: Vec<&Segment> = path.iter().collect();
    if segs.is_empty() {
        return "(top level)".to_string();
    }
    let mut out = String::new();
    let mut node = Some(value);
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
                node = node.and_then(|n| n.get(*index));
                if i == 1 {
                    let label = node.and_then(|n| {
                        ["id", "code", "seq"].iter().find_map(|k| match n.get(*k) {
                            Some(Value::String(s)) => Some(s.clone()),
                            Some(Value::Number(x)) => Some(format!("seq {x}")),
                            _ => None,
                        })
                    });
                    if let Some(l) = label {
                        out.push_str(&format!(" ({l})"));
                    }
                }
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
                node = node.and_then(|n| n.get(key.as_str()));
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
                node = None;
            }
        }
    }
    out
}

/// Where a top-level element is: "package_plans[0] (PP-1)".
fn at(array: &str, i: usize, id: impl std::fmt::Display) -> String {
    format!("{array}[{i}] ({id})")
}

/// The ids and codes in the file, for reference checks.
struct Index {
    ids: HashMap<Id, String>,
    service_types: BTreeSet<String>,
    categories: BTreeSet<String>,
    tariffs: BTreeSet<String>,
}

impl Index {
    fn refer(&self, path: &str, id: Id, kind: EntityKind) -> Result<()> {
        if id.kind != kind {
            return Err(bad(
                path,
                format!(
                    "{id} is a {} id, but this field takes a {} id ({}-…); point it at a {}",
                    id.kind.label(),
                    kind.label(),
                    kind.prefix(),
                    kind.label()
                ),
            ));
        }
        if !self.ids.contains_key(&id) {
            return Err(bad(
                path,
                format!(
                    "{id} is not in the file; add {} {id} to {} or remove the reference",
                    kind.label(),
                    array_of(kind)
                ),
            ));
        }
        Ok(())
    }

    fn code(&self, path: &str, set: &BTreeSet<String>, what: &str, array: &str, code: &str) -> Result<()> {
        if set.contains(code) {
            return Ok(());
        }
        let known: Vec<&str> = set.iter().map(|s| s.as_str()).collect();
        Err(bad(
            path,
            format!(
                "{what} '{code}' is not in the file's {array}; add it there or use one of: {}",
                if known.is_empty() { "(none defined)".to_string() } else { known.join(", ") }
            ),
        ))
    }
}

/// The top-level array that holds ids of `kind`.
pub fn array_of(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::PackagePlan => "package_plans",
        EntityKind::ServicePlan => "service_plans",
        EntityKind::BoltOn => "bolt_ons",
        EntityKind::BoltOnAddOn => "bolt_on_add_ons",
        EntityKind::BoltOnGroup => "bolt_on_groups",
        EntityKind::BoltOnLink => "bolt_on_links",
        EntityKind::Allowance => "allowances",
        EntityKind::Customer => "customers",
        EntityKind::Site => "sites",
        EntityKind::Structure => "structures",
    }
}

fn no_duplicates<K: Ord + std::fmt::Display>(path: &str, items: impl IntoIterator<Item = K>, what: &str) -> Result<()> {
    let mut seen: BTreeMap<K, usize> = BTreeMap::new();
    for (i, k) in items.into_iter().enumerate() {
        if let Some(first) = seen.get(&k) {
            return Err(bad(
                format!("{path}[{i}]"),
                format!("{k} appears twice in this list (also at {path}[{first}]); {what}, so remove one"),
            ));
        }
        seen.insert(k, i);
    }
    Ok(())
}

/// Checks everything the store needs to hold the document exactly, in the file's own terms.
fn check(doc: &Document) -> Result<()> {
    // Settings.
    let s = &doc.settings;
    if s.name.trim().is_empty() {
        return Err(bad(
            "settings.name",
            "the catalog needs a name; write one, e.g. \"Northwind Telecom plans\"".into(),
        ));
    }
    let cur = Currency::parse(&s.currency).map_err(|e| bad("settings.currency", e.message().to_string()))?;
    if cur.code != s.currency {
        return Err(bad(
            "settings.currency",
            format!("write the currency code as '{}', not '{}'", cur.code, s.currency),
        ));
    }

    // Reference data: unique codes, tariffs point at known codes.
    let mut index = Index {
        ids: HashMap::new(),
        service_types: BTreeSet::new(),
        categories: BTreeSet::new(),
        tariffs: BTreeSet::new(),
    };
    for (array, codes, set) in [
        ("service_types", doc.service_types.iter().map(|x| &x.code).collect::<Vec<_>>(), &mut index.service_types),
        ("bolt_on_categories", doc.bolt_on_categories.iter().map(|x| &x.code).collect(), &mut index.categories),
        ("tariffs", doc.tariffs.iter().map(|x| &x.code).collect(), &mut index.tariffs),
    ] {
        for (i, code) in codes.into_iter().enumerate() {
            if code.trim().is_empty() {
                return Err(bad(
                    format!("{array}[{i}].code"),
                    "the code is empty; give it a short code such as IPLINE".into(),
                ));
            }
            if !set.insert(code.clone()) {
                return Err(bad(
                    format!("{array}[{i}] ({code}).code"),
                    format!("'{code}' appears twice in {array}; codes are unique, so remove or rename one"),
                ));
            }
        }
    }
    for (i, t) in doc.tariffs.iter().enumerate() {
        let p = at("tariffs", i, &t.code);
        index.code(
            &format!("{p}.service_type"),
            &index.service_types,
            "service type",
            "service_types",
            &t.service_type,
        )?;
        if let Some(c) = &t.bolt_on_category {
            index.code(
                &format!("{p}.bolt_on_category"),
                &index.categories,
                "bolt-on category",
                "bolt_on_categories",
                c,
            )?;
        }
    }

    // Ids: the kind of each array, no duplicates anywhere.
    let mut register = |array: &str, kind: EntityKind, ids: Vec<Id>| -> Result<()> {
        for (i, id) in ids.into_iter().enumerate() {
            if id.kind != kind {
                return Err(bad(
                    format!("{array}[{i}].id"),
                    format!(
                        "{id} is a {} id, but {array} holds {} ids ({}-…); move the object to {} or give it a {} id",
                        id.kind.label(),
                        kind.label(),
                        kind.prefix(),
                        array_of(id.kind),
                        kind.prefix()
                    ),
                ));
            }
            if let Some(first) = index.ids.get(&id) {
                return Err(bad(
                    format!("{array}[{i}].id"),
                    format!(
                        "{id} appears twice in the file (also at {first}); every object needs its own id, so renumber one"
                    ),
                ));
            }
            index.ids.insert(id, format!("{array}[{i}]"));
        }
        Ok(())
    };
    let plan_ids = |l: &[Plan]| l.iter().map(|p| p.id).collect::<Vec<_>>();
    register("package_plans", EntityKind::PackagePlan, plan_ids(&doc.package_plans))?;
    register("service_plans", EntityKind::ServicePlan, plan_ids(&doc.service_plans))?;
    register("bolt_ons", EntityKind::BoltOn, plan_ids(&doc.bolt_ons))?;
    register("bolt_on_add_ons", EntityKind::BoltOnAddOn, plan_ids(&doc.bolt_on_add_ons))?;
    register("bolt_on_groups", EntityKind::BoltOnGroup, doc.bolt_on_groups.iter().map(|x| x.id).collect())?;
    register("bolt_on_links", EntityKind::BoltOnLink, doc.bolt_on_links.iter().map(|x| x.id).collect())?;
    register("allowances", EntityKind::Allowance, doc.allowances.iter().map(|x| x.id).collect())?;
    register("customers", EntityKind::Customer, doc.customers.iter().map(|x| x.id).collect())?;
    register("sites", EntityKind::Site, doc.sites.iter().map(|x| x.id).collect())?;
    register("structures", EntityKind::Structure, doc.structures.iter().map(|x| x.id).collect())?;

    // Plans.
    for (array, kind, list) in [
        ("package_plans", EntityKind::PackagePlan, &doc.package_plans),
        ("service_plans", EntityKind::ServicePlan, &doc.service_plans),
        ("bolt_ons", EntityKind::BoltOn, &doc.bolt_ons),
        ("bolt_on_add_ons", EntityKind::BoltOnAddOn, &doc.bolt_on_add_ons),
    ] {
        for (i, p) in list.iter().enumerate() {
            check_plan(&index, &at(array, i, p.id), kind, p)?;
        }
    }

    // Groups, links, allowances.
    for (i, g) in doc.bolt_on_groups.iter().enumerate() {
        let p = at("bolt_on_groups", i, g.id);
        if g.name.trim().is_empty() {
            return Err(bad(format!("{p}.name"), "a bolt-on group needs a name".into()));
        }
        for (j, m) in g.members.iter().enumerate() {
            index.refer(&format!("{p}.members[{j}]"), *m, EntityKind::BoltOn)?;
        }
        no_duplicates(&format!("{p}.members"), g.members.iter(), "a bolt-on is in a group once")?;
    }
    let mut link_pairs: HashMap<(Id, Id), Id> = HashMap::new();
    for (i, l) in doc.bolt_on_links.iter().enumerate() {
        let p = at("bolt_on_links", i, l.id);
        index.refer(&format!("{p}.service_plan"), l.service_plan, EntityKind::ServicePlan)?;
        index.refer(&format!("{p}.bolt_on"), l.bolt_on, EntityKind::BoltOn)?;
        if let Some(other) = link_pairs.insert((l.service_plan, l.bolt_on), l.id) {
            return Err(bad(
                p,
                format!(
                    "{} is linked to {} twice (also by {other}); a bolt-on is linked to a service plan once, so remove one link",
                    l.bolt_on, l.service_plan
                ),
            ));
        }
    }
    let mut allowance_pairs: HashMap<(Id, Id), Id> = HashMap::new();
    for (i, a) in doc.allowances.iter().enumerate() {
        let p = at("allowances", i, a.id);
        index.refer(&format!("{p}.bolt_on_link"), a.bolt_on_link, EntityKind::BoltOnLink)?;
        index.refer(&format!("{p}.add_on"), a.add_on, EntityKind::BoltOnAddOn)?;
        if let Some(parent) = a.buy_parent {
            index.refer(&format!("{p}.buy_parent"), parent, EntityKind::Allowance)?;
            if parent == a.id {
                return Err(bad(
                    format!("{p}.buy_parent"),
                    format!("{} cannot be its own BUY parent; point it at the BUY allowance or use null", a.id),
                ));
            }
        }
        if let Some(other) = allowance_pairs.insert((a.bolt_on_link, a.add_on), a.id) {
            return Err(bad(
                p,
                format!(
                    "{} already has an allowance for {} ({other}); one allowance per add-on under a link, so remove one",
                    a.bolt_on_link, a.add_on
                ),
            ));
        }
    }

    // Customers, sites, structures.
    for (i, c) in doc.customers.iter().enumerate() {
        let p = at("customers", i, c.id);
        if let Some(pp) = c.data_package {
            index.refer(&format!("{p}.data_package"), pp, EntityKind::PackagePlan)?;
        }
    }
    for (i, s) in doc.sites.iter().enumerate() {
        let p = at("sites", i, s.id);
        index.refer(&format!("{p}.customer"), s.customer, EntityKind::Customer)?;
        if let Some(pp) = s.tail_package {
            index.refer(&format!("{p}.tail_package"), pp, EntityKind::PackagePlan)?;
        }
    }
    for (i, s) in doc.structures.iter().enumerate() {
        let p = at("structures", i, s.id);
        if let Some(c) = s.customer {
            index.refer(&format!("{p}.customer"), c, EntityKind::Customer)?;
        }
        for (j, m) in s.members.iter().enumerate() {
            let mp = format!("{p}.members[{j}].object");
            if !m.object.kind.is_plan() {
                return Err(bad(
                    mp,
                    format!(
                        "{} is a {}; structures hold plans only (package plans, service plans, bolt-ons, add-ons)",
                        m.object,
                        m.object.kind.label()
                    ),
                ));
            }
            index.refer(&mp, m.object, m.object.kind)?;
        }
        no_duplicates(&format!("{p}.members"), s.members.iter().map(|m| m.object), "an object is in a structure once")?;
    }

    // Scenarios: a structure or customer of the document, a unique name per subject, rateable.
    let mut names: BTreeSet<(Id, &str)> = BTreeSet::new();
    for (i, sc) in doc.scenarios.iter().enumerate() {
        let p = format!("scenarios[{i}] ({} '{}')", sc.subject, sc.name);
        sc.check().map_err(|e| bad(format!("{p}.{}", e.field().unwrap_or("name")), e.message().to_string()))?;
        index.refer(&format!("{p}.subject"), sc.subject, sc.subject.kind)?;
        for (j, b) in sc.purchases.iter().enumerate() {
            index.refer(&format!("{p}.purchases[{j}].add_on"), b.add_on, EntityKind::BoltOnAddOn)?;
        }
        if !names.insert((sc.subject, sc.name.as_str())) {
            return Err(bad(
                format!("{p}.name"),
                format!("{} has two scenarios named '{}'; rename one", sc.subject, sc.name),
            ));
        }
    }

    // Audit log: unique positive sequence numbers (objects may name deleted plans: history).
    let mut seqs: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, e) in doc.audit_log.iter().enumerate() {
        let p = format!("audit_log[{i}] (seq {})", e.seq);
        if e.seq < 1 {
            return Err(bad(format!("{p}.seq"), "the sequence number must be 1 or more".into()));
        }
        if let Some(first) = seqs.insert(e.seq, i) {
            return Err(bad(
                format!("{p}.seq"),
                format!("seq {} appears twice (also at audit_log[{first}]); renumber one", e.seq),
            ));
        }
    }
    Ok(())
}

fn check_plan(index: &Index, p: &str, kind: EntityKind, plan: &Plan) -> Result<()> {
    if plan.detail.kind() != kind {
        return Err(bad(
            format!("{p}.detail"),
            format!(
                "a {} holds a \"{}\" detail, but this one is \"{}\"; use {{\"{}\": {{…}}}} or move the object to {}",
                kind.label(),
                kind.name(),
                plan.detail.kind().name(),
                kind.name(),
                array_of(plan.detail.kind())
            ),
        ));
    }
    if let Some(c) = plan.buy_counterpart {
        index.refer(&format!("{p}.buy_counterpart"), c, kind)?;
        if c == plan.id {
            return Err(bad(
                format!("{p}.buy_counterpart"),
                format!("{} cannot be its own BUY counterpart; name the BUY {} or use null", plan.id, kind.label()),
            ));
        }
    }
    match &plan.service_type {
        Some(_) if kind == EntityKind::PackagePlan => {
            return Err(bad(
                format!("{p}.service_type"),
                "a package plan has no service type (its service plans do); set it to null".into(),
            ));
        }
        Some(code) => {
            index.code(&format!("{p}.service_type"), &index.service_types, "service type", "service_types", code)?
        }
        None => {}
    }
    let d = format!("{p}.detail.{}", kind.name());
    match &plan.detail {
        PlanDetail::PackagePlan(f) => {
            for (j, sp) in f.service_plans.iter().enumerate() {
                index.refer(&format!("{d}.service_plans[{j}]"), *sp, EntityKind::ServicePlan)?;
            }
            no_duplicates(
                &format!("{d}.service_plans"),
                f.service_plans.iter(),
                "a package plan contains a service plan once",
            )?;
        }
        PlanDetail::ServicePlan(f) => {
            if f.included_values.len() > 4 {
                return Err(bad(
                    format!("{d}.included_values"),
                    format!(
                        "{} slots given; Emersion allows at most 4, so remove {}",
                        f.included_values.len(),
                        f.included_values.len() - 4
                    ),
                ));
            }
            if let Some(pool) = f.data_billing.pool {
                index.refer(&format!("{d}.data_billing.pool"), pool, EntityKind::ServicePlan)?;
                if pool == plan.id {
                    return Err(bad(
                        format!("{d}.data_billing.pool"),
                        format!(
                            "{} cannot pool data from itself; name the data-allowance service plan or use null",
                            plan.id
                        ),
                    ));
                }
            }
        }
        PlanDetail::BoltOn(f) => {
            category_and_tariff(index, &d, f.bolt_on_category.as_deref(), f.tariff.as_deref())?;
            for (j, ao) in f.add_on_group.iter().enumerate() {
                index.refer(&format!("{d}.add_on_group[{j}]"), *ao, EntityKind::BoltOnAddOn)?;
            }
            no_duplicates(
                &format!("{d}.add_on_group"),
                f.add_on_group.iter(),
                "an add-on is in a bolt-on's add-on group once",
            )?;
        }
        PlanDetail::BoltOnAddOn(f) => {
            category_and_tariff(index, &d, f.bolt_on_category.as_deref(), f.tariff.as_deref())?;
            if f.quotas.len() > 4 {
                return Err(bad(
                    format!("{d}.quotas"),
                    format!(
                        "{} quotas given; an add-on has at most 4, so remove {}",
                        f.quotas.len(),
                        f.quotas.len() - 4
                    ),
                ));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Writing

/// A bolt-on's or add-on's category and tariff must be codes the file holds.
fn category_and_tariff(index: &Index, d: &str, category: Option<&str>, tariff: Option<&str>) -> Result<()> {
    if let Some(c) = category {
        index.code(&format!("{d}.bolt_on_category"), &index.categories, "bolt-on category", "bolt_on_categories", c)?;
    }
    if let Some(t) = tariff {
        index.code(&format!("{d}.tariff"), &index.tariffs, "tariff", "tariffs", t)?;
    }
    Ok(())
}

/// Builds the catalog file beside `path` and renames it into place once complete.
fn write_new_file(path: &Path, doc: &Document) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().ok_or_else(|| CoreError::invalid("path", "the catalog path has no file name"))?;
    let tmp = dir.join(format!(".{}.loading", file_name.to_string_lossy()));
    let cleanup = || crate::new_file::remove_built(&tmp);
    cleanup();
    let built = (|| -> Result<()> {
        let mut conn = Connection::open(&tmp)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        crate::store::migrate::upgrade(&mut conn)?;
        let tx = conn.transaction()?;
        // Rows reference each other in cycles (counterparts, pools, parents): check at commit.
        tx.pragma_update(None, "defer_foreign_keys", "ON")?;
        write_rows(&tx, doc)?;
        tx.commit().map_err(|e| {
            CoreError::internal(format!(
                "the loaded rows do not hold together ({e}); this is a bug in the loader's checks"
            ))
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.close().map_err(|(_, e)| CoreError::from(e))?;
        Ok(())
    })();
    if let Err(e) = built {
        cleanup();
        return Err(e);
    }
    // Flushed, renamed into place unless a file appeared there meanwhile, the folder flushed.
    crate::new_file::put_in_place(&tmp, path, false).inspect_err(|_| cleanup())
}

/// Inserts every row of `doc` with its explicit id. Crate-internal: the one way rows are
/// written without going through a `Change` (and so without undo capture, which is off
/// outside `Catalog::change`). The document must have passed [`check`].
pub(crate) fn write_rows(tx: &Transaction, doc: &Document) -> Result<()> {
    let s = &doc.settings;
    tx.execute(
        "INSERT INTO settings (id, catalog_id, name, provider, tier, currency, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![s.catalog_id, s.name, s.provider, s.tier.as_str(), s.currency, s.created_at.to_string()],
    )?;
    for t in &doc.service_types {
        tx.execute(
            "INSERT INTO service_type (code, name, category, auto_provisioned) VALUES (?1, ?2, ?3, ?4)",
            params![t.code, t.name, t.category.as_str(), t.auto_provisioned],
        )?;
    }
    for c in &doc.bolt_on_categories {
        tx.execute("INSERT INTO bolt_on_category (code, name) VALUES (?1, ?2)", params![c.code, c.name])?;
    }
    for t in &doc.tariffs {
        tx.execute(
            "INSERT INTO tariff (code, name, service_type, bolt_on_category) VALUES (?1, ?2, ?3, ?4)",
            params![t.code, t.name, t.service_type, t.bolt_on_category],
        )?;
    }
    for p in doc.package_plans.iter().chain(&doc.service_plans).chain(&doc.bolt_ons).chain(&doc.bolt_on_add_ons) {
        write_plan(tx, p)?;
    }
    for g in &doc.bolt_on_groups {
        tx.execute(
            "INSERT INTO bolt_on_group (id, side, name, description) VALUES (?1, ?2, ?3, ?4)",
            params![g.id.n, g.side.as_str(), g.name, g.description],
        )?;
        for (i, m) in g.members.iter().enumerate() {
            tx.execute(
                "INSERT INTO bolt_on_group_member (bolt_on_group, bolt_on, position) VALUES (?1, ?2, ?3)",
                params![g.id.n, m.n, i as i64 + 1],
            )?;
        }
    }
    for l in &doc.bolt_on_links {
        tx.execute(
            "INSERT INTO bolt_on_link (id, service_plan, bolt_on, behaviour) VALUES (?1, ?2, ?3, ?4)",
            params![l.id.n, l.service_plan.n, l.bolt_on.n, l.behaviour.map(|b| b.as_str())],
        )?;
    }
    for a in &doc.allowances {
        tx.execute(
            "INSERT INTO allowance (id, bolt_on_link, add_on, max_occurrence, description, buy_parent) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![a.id.n, a.bolt_on_link.n, a.add_on.n, a.max_occurrence, a.description, a.buy_parent.map(|p| p.n)],
        )?;
    }
    for c in &doc.customers {
        tx.execute(
            "INSERT INTO customer (id, name, description, data_package) VALUES (?1, ?2, ?3, ?4)",
            params![c.id.n, c.name, c.description, c.data_package.map(|p| p.n)],
        )?;
    }
    for s in &doc.sites {
        tx.execute(
            "INSERT INTO site (id, customer, name, technology, speed, service_identifier, tail_package) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s.id.n, s.customer.n, s.name, s.technology, s.speed, s.service_identifier, s.tail_package.map(|p| p.n)],
        )?;
    }
    for s in &doc.structures {
        tx.execute(
            "INSERT INTO structure (id, kind, name, customer) VALUES (?1, ?2, ?3, ?4)",
            params![s.id.n, s.kind.as_str(), s.name, s.customer.map(|c| c.n)],
        )?;
        for (i, m) in s.members.iter().enumerate() {
            tx.execute(
                "INSERT INTO structure_member (structure, object, role, position) VALUES (?1, ?2, ?3, ?4)",
                params![s.id.n, m.object.to_string(), m.role.as_str(), i as i64 + 1],
            )?;
        }
    }
    for sc in &doc.scenarios {
        crate::rating::store::write(tx, sc)?;
    }
    for e in &doc.audit_log {
        tx.execute(
            "INSERT INTO audit_log (seq, at, by, action, object, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![e.seq, e.at.to_string(), e.by, e.action, e.object.map(|o| o.to_string()), e.detail],
        )?;
    }
    Ok(())
}

fn write_plan(tx: &Transaction, p: &Plan) -> Result<()> {
    let money = |m: Option<Money>| m.map(|m| m.0);
    let mut cols: Vec<&str> = vec![
        "id",
        "side",
        "internal_name",
        "external_name",
        "reference_name",
        "reference_key",
        "import_reference",
        "description",
        "external_description",
        "buy_counterpart",
        "setup_fee",
        "access_fee",
        "recurring",
        "pro_rata",
        "saleable_from",
        "saleable_to",
        "status",
        "production_id",
    ];
    let mut vals: Vec<Box<dyn rusqlite::ToSql>> = vec![
        Box::new(p.id.n),
        Box::new(p.side.as_str()),
        Box::new(p.internal_name.clone()),
        Box::new(p.external_name.clone()),
        Box::new(p.reference_name.clone()),
        Box::new(p.reference_key.clone()),
        Box::new(p.import_reference.clone()),
        Box::new(p.description.clone()),
        Box::new(p.external_description.clone()),
        Box::new(p.buy_counterpart.map(|c| c.n)),
        Box::new(money(p.setup_fee)),
        Box::new(money(p.access_fee)),
        Box::new(p.recurring),
        Box::new(p.pro_rata),
        Box::new(p.saleable_from.map(|d| d.to_string())),
        Box::new(p.saleable_to.map(|d| d.to_string())),
        Box::new(p.status.as_str()),
        Box::new(p.production_id.clone()),
    ];
    let mut add = |c: &'static str, v: Box<dyn rusqlite::ToSql>| {
        cols.push(c);
        vals.push(v);
    };
    let iv_type = |v: &Option<IncludedValue>| v.map(|v| v.value_type.as_str());
    let iv_amount = |v: &Option<IncludedValue>| v.map(|v| v.amount);
    match &p.detail {
        PlanDetail::PackagePlan(f) => {
            add("weighting", Box::new(f.weighting));
            add("iv_type", Box::new(iv_type(&f.included_value)));
            add("iv_amount", Box::new(iv_amount(&f.included_value)));
        }
        PlanDetail::ServicePlan(f) => {
            let b = &f.data_billing;
            add("service_type", Box::new(p.service_type.clone()));
            add("data_billing", Box::new(b.mode.as_str()));
            add("billing_type", Box::new(b.billing_type.map(|t| t.as_str())));
            add("quota_kb", Box::new(b.quota_kb));
            add("excess_rate", Box::new(money(b.excess_rate)));
            add("charge_in_quota", Box::new(b.charge_in_quota));
            add("bonus_kb", Box::new(b.bonus_kb));
            add("pool", Box::new(b.pool.map(|x| x.n)));
        }
        PlanDetail::BoltOn(f) => {
            add("service_type", Box::new(p.service_type.clone()));
            add("bolt_on_category", Box::new(f.bolt_on_category.clone()));
            add("tariff", Box::new(f.tariff.clone()));
            add("iv_type", Box::new(iv_type(&f.included_value)));
            add("iv_amount", Box::new(iv_amount(&f.included_value)));
            add("first_time_fee", Box::new(money(f.first_time_fee)));
            add("excess_rate", Box::new(money(f.excess_rate)));
        }
        PlanDetail::BoltOnAddOn(f) => {
            add("service_type", Box::new(p.service_type.clone()));
            add("bolt_on_category", Box::new(f.bolt_on_category.clone()));
            add("tariff", Box::new(f.tariff.clone()));
            add("iv_type", Box::new(f.included_value_type.map(|t| t.as_str())));
            add("is_provisioned", Box::new(f.is_provisioned));
            add("provisioning_key", Box::new(f.provisioning_key.clone()));
            add("available_in_api", Box::new(f.available_in_api));
            add("available_in_user_portal", Box::new(f.available_in_user_portal));
        }
    }
    let table = p.id.kind.table();
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let sql = format!("INSERT INTO \"{table}\" ({}) VALUES ({})", cols.join(", "), marks.join(", "));
    let refs: Vec<&dyn rusqlite::ToSql> = vals.iter().map(|b| b.as_ref()).collect();
    tx.execute(&sql, refs.as_slice())?;

    match &p.detail {
        PlanDetail::PackagePlan(f) => {
            for (i, sp) in f.service_plans.iter().enumerate() {
                tx.execute(
                    "INSERT INTO package_plan_service_plan (package_plan, service_plan, position) VALUES (?1, ?2, ?3)",
                    params![p.id.n, sp.n, i as i64 + 1],
                )?;
            }
        }
        PlanDetail::ServicePlan(f) => {
            for (i, v) in f.included_values.iter().enumerate() {
                tx.execute(
                    "INSERT INTO service_plan_included_value (service_plan, slot, value_type, amount) VALUES (?1, ?2, ?3, ?4)",
                    params![p.id.n, i as i64 + 1, v.value_type.as_str(), v.amount],
                )?;
            }
        }
        PlanDetail::BoltOn(f) => {
            for (i, ao) in f.add_on_group.iter().enumerate() {
                tx.execute(
                    "INSERT INTO add_on_group_member (bolt_on, add_on, position) VALUES (?1, ?2, ?3)",
                    params![p.id.n, ao.n, i as i64 + 1],
                )?;
            }
        }
        PlanDetail::BoltOnAddOn(f) => {
            for (i, q) in f.quotas.iter().enumerate() {
                tx.execute(
                    "INSERT INTO add_on_quota (add_on, slot, value_type, bonus_type, amount, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![p.id.n, i as i64 + 1, q.value_type.as_str(), q.bonus_type.map(|b| b.as_str()), q.amount, q.weight],
                )?;
            }
        }
    }
    Ok(())
}
