//! Shared by the rules tests: builds the base catalog of `fixtures/rules/base.json` once, copies
//! it for each case, and applies fixture steps: a `Change` as JSON, the shorthand
//! `{"set": "SP-1", field: value, ...}` for one `set_plan_field` per field, or `{"sql": "…"}`
//! for what the change API cannot do.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plansmith_core::model::Tier;
use plansmith_core::rules::Finding;
use plansmith_core::{Catalog, Change, EntityKind, Id, NewCatalog, Snapshot, Stamp, Timestamp};
use serde_json::{Value, json};

pub fn stamp() -> Stamp {
    Stamp::new("tester", Timestamp::from_unix_seconds(1_767_225_600))
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One fixture step as changes.
pub fn changes(step: &Value) -> Vec<Change> {
    let Some(id) = step.get("set") else {
        return vec![serde_json::from_value(step.clone()).unwrap_or_else(|e| panic!("bad change {step}: {e}"))];
    };
    let fields = step.as_object().expect("a set step is an object");
    fields
        .iter()
        .filter(|(k, _)| *k != "set")
        .map(|(k, v)| {
            let c = json!({"op": "set_plan_field", "id": id, "edit": {"field": k, "value": v}});
            serde_json::from_value(c.clone()).unwrap_or_else(|e| panic!("bad set step {c}: {e}"))
        })
        .collect()
}

pub fn apply_steps(cat: &mut Catalog, steps: &[Value]) {
    for step in steps {
        if let Some(sql) = step.get("sql") {
            run_sql(cat, std::slice::from_ref(sql));
            continue;
        }
        for c in changes(step) {
            if let Err(e) = cat.apply(&c, &stamp()) {
                panic!("step {step} failed: {e}");
            }
        }
    }
}

pub fn run_sql(cat: &Catalog, sql: &[Value]) {
    for s in sql {
        let s = s.as_str().expect("sql entries are strings");
        cat.conn().execute_batch(s).unwrap_or_else(|e| panic!("sql {s} failed: {e}"));
    }
}

fn create(path: &Path) -> Catalog {
    let new = NewCatalog {
        catalog_id: "rules-test".into(),
        name: "Rules test".into(),
        provider: "Acme Telecom".into(),
        tier: Tier::Wholesale,
        currency: "AUD".into(),
    };
    let cat = Catalog::create(path, &new, &stamp()).unwrap();
    cat.conn().pragma_update(None, "synchronous", "OFF").unwrap();
    cat
}

/// The base catalog file, built once per test binary.
fn base_file() -> &'static Path {
    static BASE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = BASE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.plansmith");
        let mut cat = create(&path);
        let base = read_json(&fixtures().join("base.json"));
        apply_steps(&mut cat, base["steps"].as_array().expect("base.json has steps"));
        cat.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        drop(cat);
        (dir, path)
    });
    path
}

/// A fresh copy of the base catalog, open for writing.
pub struct Case {
    _dir: tempfile::TempDir,
    pub catalog: Catalog,
}

pub fn base() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.plansmith");
    std::fs::copy(base_file(), &path).unwrap();
    let catalog = Catalog::open(&path).unwrap();
    catalog.conn().pragma_update(None, "synchronous", "OFF").unwrap();
    Case { _dir: dir, catalog }
}

pub fn snapshot(cat: &Catalog) -> Snapshot {
    Snapshot::load(cat.conn(), &plansmith_core::Scope::All).unwrap()
}

/// Every entity id in the snapshot.
pub fn all_ids(s: &Snapshot) -> Vec<Id> {
    let mut v: Vec<Id> = s.plans().map(|p| p.id).collect();
    v.extend(s.bolt_on_groups.iter().map(|g| g.id));
    v.extend(s.bolt_on_links.iter().map(|l| l.id));
    v.extend(s.allowances.iter().map(|a| a.id));
    v.extend(s.customers.iter().map(|c| c.id));
    v.extend(s.sites.iter().map(|c| c.id));
    v.extend(s.structures.iter().map(|c| c.id));
    v
}

/// (rule, object, field) of a finding, as fixtures write it.
pub fn key(f: &Finding) -> (String, String, Option<String>) {
    (f.rule.to_string(), f.object.to_string(), f.field.clone())
}

pub fn is_plan(id: Id) -> bool {
    EntityKind::PLANS.contains(&id.kind)
}
