//! Comparing two catalogs or bundles object by object: what was added, removed, and which
//! fields changed from what to what. `plansmith diff` prints it; a delta export uses it to
//! find what changed since an earlier bundle and to tell ops exactly which fields to edit.
//!
//! Objects are matched by id (ids survive dump, load, export and import), reference data by
//! code, settings as one object. Field names are the canonical JSON paths
//! ("detail.service_plan.data_billing.quota_kb"); values are shown as compact JSON. The audit
//! log is history, not content, and is not compared.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::interchange::Document;

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// One object present on both sides with different fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub object: String,
    pub fields: Vec<FieldChange>,
}

/// The differences from `a` to `b`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Changed>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("model values always serialise")
}

/// Every object of a document keyed the way diffs name it ("SP-3", "service_type IPLINE",
/// "settings"), in a stable order.
pub fn objects(d: &Document) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    m.insert("settings".to_string(), to_value(&d.settings));
    for t in &d.service_types {
        m.insert(format!("service_type {}", t.code), to_value(t));
    }
    for c in &d.bolt_on_categories {
        m.insert(format!("bolt_on_category {}", c.code), to_value(c));
    }
    for t in &d.tariffs {
        m.insert(format!("tariff {}", t.code), to_value(t));
    }
    for p in d.package_plans.iter().chain(&d.service_plans).chain(&d.bolt_ons).chain(&d.bolt_on_add_ons) {
        m.insert(p.id.to_string(), to_value(p));
    }
    macro_rules! each {
        ($($list:ident),+) => { $(for x in &d.$list { m.insert(x.id.to_string(), to_value(x)); })+ };
    }
    each!(bolt_on_groups, bolt_on_links, allowances, customers, sites, structures);
    m
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The fields of `a` and `b` that differ, as paths.
pub fn fields(a: &Value, b: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk("", a, b, &mut out);
    out
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<FieldChange>) {
    if a == b {
        return;
    }
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                walk(&join(k), x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{i}]"), p, q, out);
            }
        }
        _ => out.push(FieldChange { field: path.to_string(), before: compact(a), after: compact(b) }),
    }
}

/// What changed from `a` to `b`.
pub fn diff(a: &Document, b: &Document) -> Diff {
    let (x, y) = (objects(a), objects(b));
    let mut d = Diff::default();
    for (k, va) in &x {
        match y.get(k) {
            None => d.removed.push(k.clone()),
            Some(vb) if va != vb => d.changed.push(Changed { object: k.clone(), fields: fields(va, vb) }),
            Some(_) => {}
        }
    }
    d.added = y.keys().filter(|k| !x.contains_key(*k)).cloned().collect();
    d
}
