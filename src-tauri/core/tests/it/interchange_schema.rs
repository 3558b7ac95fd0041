//! `schema/catalog.schema.json` describes exactly what `interchange::dump` writes and
//! `interchange::load` reads: real dumps validate, broken ones do not, and every object's
//! property set, required set, enum values and id patterns match what serde produces, so a new
//! model field fails here until the schema describes it.

use crate::interchange_fixture as fixture;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use plansmith_core::interchange::{self, Document};
use plansmith_core::model::*;
use plansmith_core::rating::{AddOnPurchase, Scenario, Usage};
use plansmith_core::{EntityKind, Id};
use serde_json::{Value, json};

fn schema() -> &'static Value {
    static S: OnceLock<Value> = OnceLock::new();
    S.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/catalog.schema.json");
        let text = std::fs::read_to_string(path).expect("schema/catalog.schema.json at the repository root");
        serde_json::from_str(&text).expect("the schema is JSON")
    })
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| jsonschema::draft202012::new(schema()).expect("the schema compiles"))
}

fn demo_value() -> &'static Value {
    static D: OnceLock<Value> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cat = plansmith_core::demo::write_demo(&dir.path().join("demo.plansmith"), &fixture::stamp()).unwrap();
        serde_json::from_str(&interchange::dump(&cat).unwrap()).unwrap()
    })
}

fn full_value() -> Value {
    serde_json::from_str(&fixture::full_document().to_json()).unwrap()
}

fn errors(instance: &Value) -> Vec<String> {
    validator().iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    assert_eq!(schema()["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::draft202012::meta::validate(schema()).expect("valid against the 2020-12 meta-schema");
}

#[test]
fn the_demo_dump_and_the_every_field_fixture_validate() {
    assert_eq!(errors(demo_value()), Vec::<String>::new());
    assert_eq!(errors(&full_value()), Vec::<String>::new());
    // An empty catalog too.
    let mut empty = full_value();
    for k in [
        "service_types",
        "bolt_on_categories",
        "tariffs",
        "package_plans",
        "service_plans",
        "bolt_ons",
        "bolt_on_add_ons",
        "bolt_on_groups",
        "bolt_on_links",
        "allowances",
        "customers",
        "sites",
        "structures",
        "audit_log",
    ] {
        empty[k] = json!([]);
    }
    assert_eq!(errors(&empty), Vec::<String>::new());
}

#[test]
fn invalid_documents_are_rejected() {
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("an unknown top-level key", Box::new(|v| v["extra"] = json!(1))),
        ("an unknown plan key", Box::new(|v| v["service_plans"][0]["colour"] = json!("red"))),
        (
            "an unknown detail key",
            Box::new(|v| v["service_plans"][0]["detail"]["service_plan"]["data_billing"]["quota_gb"] = json!(1)),
        ),
        ("a foreign format", Box::new(|v| v["format"] = json!("kill-bill"))),
        ("a newer format version", Box::new(|v| v["format_version"] = json!(2))),
        (
            "a missing array",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("sites");
            }),
        ),
        ("a decimal amount of money", Box::new(|v| v["package_plans"][0]["setup_fee"] = json!(12.5))),
        ("money as text", Box::new(|v| v["service_plans"][0]["access_fee"] = json!("35000"))),
        ("an unknown side", Box::new(|v| v["bolt_ons"][0]["side"] = json!("buy"))),
        ("an unknown behaviour", Box::new(|v| v["bolt_on_links"][0]["behaviour"] = json!("mandatory"))),
        ("an unknown status", Box::new(|v| v["bolt_ons"][0]["status"] = json!("published"))),
        (
            "an unknown bonus type",
            Box::new(|v| {
                v["bolt_on_add_ons"][0]["detail"]["bolt_on_add_on"]["quotas"][0]["bonus_type"] = json!("later")
            }),
        ),
        ("a service plan id in package_plans", Box::new(|v| v["package_plans"][0]["id"] = json!("SP-1"))),
        (
            "a package plan id where a service plan id goes",
            Box::new(|v| v["package_plans"][0]["detail"]["package_plan"]["service_plans"][0] = json!("PP-2")),
        ),
        ("a non-canonical id", Box::new(|v| v["sites"][0]["id"] = json!("SI-01"))),
        (
            "a service plan detail in package_plans",
            Box::new(|v| {
                let d = v["service_plans"][0]["detail"].clone();
                v["package_plans"][0]["detail"] = d;
            }),
        ),
        (
            "two detail kinds at once",
            Box::new(|v| {
                let d = v["service_plans"][0]["detail"]["service_plan"].clone();
                v["package_plans"][0]["detail"]["service_plan"] = d;
            }),
        ),
        ("a service type on a package plan", Box::new(|v| v["package_plans"][0]["service_type"] = json!("IPLINE"))),
        ("a bad date", Box::new(|v| v["package_plans"][0]["saleable_from"] = json!("01/07/2026"))),
        ("a bad timestamp", Box::new(|v| v["settings"]["created_at"] = json!("2026-07-01 09:00"))),
        (
            "five quotas",
            Box::new(|v| {
                let q = v["bolt_on_add_ons"][0]["detail"]["bolt_on_add_on"]["quotas"][0].clone();
                v["bolt_on_add_ons"][0]["detail"]["bolt_on_add_on"]["quotas"] = json!([q, q, q, q, q]);
            }),
        ),
        (
            "a duplicate service plan in a package",
            Box::new(|v| {
                v["package_plans"][0]["detail"]["package_plan"]["service_plans"] = json!(["SP-1", "SP-1"]);
            }),
        ),
        ("a customer as a structure member", Box::new(|v| v["structures"][0]["members"][0]["object"] = json!("CU-1"))),
        (
            "an audit seq of 0",
            Box::new(
                |v| v["audit_log"] = json!([{"seq": 0, "at": "2026-01-01T00:00:00Z", "by": "a", "action": "x", "object": null, "detail": ""}]),
            ),
        ),
    ];
    for (what, edit) in cases {
        let mut v = demo_value().clone();
        edit(&mut v);
        assert!(!validator().is_valid(&v), "the schema accepted {what}");
    }
}

/// The schema definition of `name`.
fn def(name: &str) -> &'static Value {
    let d = &schema()["$defs"][name];
    assert!(d.is_object(), "no $defs/{name} in the schema");
    d
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

fn required(d: &Value) -> BTreeSet<String> {
    d["required"].as_array().map(|a| a.iter().map(|k| k.as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

type Accepts = fn(Value) -> bool;

fn accepts<T: serde::de::DeserializeOwned>(v: Value) -> bool {
    serde_json::from_value::<T>(v).is_ok()
}

/// (schema definition, a serde-produced instance with every field, "does the model type accept it")
fn object_defs() -> Vec<(&'static str, Value, Accepts)> {
    let d = full_value();
    let pp = &d["package_plans"][0];
    let sp = &d["service_plans"][0];
    let bo = &d["bolt_ons"][0];
    let ao = &d["bolt_on_add_ons"][0];
    vec![
        ("settings", d["settings"].clone(), accepts::<Settings>),
        ("service_type", d["service_types"][0].clone(), accepts::<ServiceType>),
        ("bolt_on_category", d["bolt_on_categories"][0].clone(), accepts::<BoltOnCategory>),
        ("tariff", d["tariffs"][0].clone(), accepts::<Tariff>),
        ("plan", pp.clone(), accepts::<Plan>),
        ("plan", sp.clone(), accepts::<Plan>),
        ("plan", bo.clone(), accepts::<Plan>),
        ("plan", ao.clone(), accepts::<Plan>),
        ("package_plan_fields", pp["detail"]["package_plan"].clone(), accepts::<PackagePlanFields>),
        ("included_value", pp["detail"]["package_plan"]["included_value"].clone(), accepts::<IncludedValue>),
        ("service_plan_fields", sp["detail"]["service_plan"].clone(), accepts::<ServicePlanFields>),
        ("data_billing", sp["detail"]["service_plan"]["data_billing"].clone(), accepts::<DataBilling>),
        ("bolt_on_fields", bo["detail"]["bolt_on"].clone(), accepts::<BoltOnFields>),
        ("bolt_on_add_on_fields", ao["detail"]["bolt_on_add_on"].clone(), accepts::<BoltOnAddOnFields>),
        ("quota", ao["detail"]["bolt_on_add_on"]["quotas"][0].clone(), accepts::<Quota>),
        ("bolt_on_group", d["bolt_on_groups"][0].clone(), accepts::<BoltOnGroup>),
        ("bolt_on_link", d["bolt_on_links"][0].clone(), accepts::<BoltOnLink>),
        ("allowance", d["allowances"][0].clone(), accepts::<Allowance>),
        ("customer", d["customers"][0].clone(), accepts::<Customer>),
        ("site", d["sites"][0].clone(), accepts::<Site>),
        ("structure", d["structures"][0].clone(), accepts::<Structure>),
        ("structure_member", d["structures"][0]["members"][0].clone(), accepts::<StructureMember>),
        ("audit_entry", d["audit_log"][0].clone(), accepts::<AuditEntry>),
        ("scenario", d["scenarios"][0].clone(), accepts::<Scenario>),
        ("usage", d["scenarios"][0]["usage"][0].clone(), accepts::<Usage>),
        ("add_on_purchase", d["scenarios"][0]["purchases"][0].clone(), accepts::<AddOnPurchase>),
    ]
}

/// Checks one object schema against a full instance: same properties, closed, and `required`
/// is exactly the set of keys serde refuses to do without.
fn check_object(name: &str, d: &Value, instance: &Value, accepts: Accepts) {
    assert_eq!(d["type"], "object", "{name}: not an object schema");
    assert_eq!(d["additionalProperties"], false, "{name}: additionalProperties must be false");
    let props = keys(&d["properties"]);
    let fields = keys(instance);
    assert_eq!(
        props, fields,
        "{name}: the schema's properties differ from what serde writes (update schema/catalog.schema.json)"
    );
    assert!(accepts(instance.clone()), "{name}: the model refuses its own instance");
    let serde_required: BTreeSet<String> = fields
        .iter()
        .filter(|k| {
            let mut v = instance.clone();
            v.as_object_mut().unwrap().remove(k.as_str());
            !accepts(v)
        })
        .cloned()
        .collect();
    assert_eq!(required(d), serde_required, "{name}: `required` differs from the fields serde cannot do without");
}

#[test]
fn every_object_schema_matches_what_serde_produces() {
    let mut checked = BTreeSet::new();
    for (name, instance, acc) in object_defs() {
        check_object(name, def(name), &instance, acc);
        checked.insert(name.to_string());
    }
    // The top level.
    check_object("(top level)", schema(), &full_value(), accepts::<Document>);
    // Every closed object definition is covered above (a new one must be added there).
    for (name, d) in schema()["$defs"].as_object().unwrap() {
        if d.get("properties").is_some() && d.get("$ref").is_none() {
            assert!(checked.contains(name), "$defs/{name} is not compared with serde output in this test");
        }
    }
    // The plan detail: one branch per plan kind, keyed by the kind's canonical name.
    let branches = def("plan_detail")["oneOf"].as_array().unwrap();
    let names: BTreeSet<String> = branches.iter().flat_map(|b| keys(&b["properties"])).collect();
    let kinds: BTreeSet<String> = EntityKind::PLANS.iter().map(|k| k.name().to_string()).collect();
    assert_eq!(names, kinds);
    for b in branches {
        assert_eq!(b["additionalProperties"], false);
        assert_eq!(keys(&b["properties"]), required(b));
    }
    // Each plan array refines `plan` to its kind.
    for k in EntityKind::PLANS {
        let d = def(k.name());
        assert_eq!(d["$ref"], "#/$defs/plan");
        assert_eq!(d["properties"]["id"]["$ref"], format!("#/$defs/{}_id", k.name()));
        assert_eq!(d["properties"]["detail"]["required"], json!([k.name()]));
        let array = interchange::array_of(k);
        assert_eq!(schema()["properties"][array]["items"]["$ref"], format!("#/$defs/{}", k.name()));
    }
}

#[test]
fn enums_match_the_model() {
    fn check<T: Copy>(name: &str, all: &[T], as_str: fn(T) -> &'static str) {
        let schema_values: Vec<&str> =
            def(name)["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let model: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
        assert_eq!(schema_values, model, "$defs/{name}.enum differs from the model");
    }
    check("side", Side::ALL, Side::as_str);
    check("status", Status::ALL, Status::as_str);
    check("behaviour", Behaviour::ALL, Behaviour::as_str);
    check("included_value_type", IncludedValueType::ALL, IncludedValueType::as_str);
    check("bonus_type", BonusType::ALL, BonusType::as_str);
    check("data_billing_mode", DataBillingMode::ALL, DataBillingMode::as_str);
    check("billing_type", BillingType::ALL, BillingType::as_str);
    check("service_category", ServiceCategory::ALL, ServiceCategory::as_str);
    check("tier", Tier::ALL, Tier::as_str);
    check("structure_kind", StructureKind::ALL, StructureKind::as_str);
    check("member_role", MemberRole::ALL, MemberRole::as_str);
}

#[test]
fn id_patterns_match_each_kind_and_no_other() {
    for k in EntityKind::ALL {
        let pattern = def(&format!("{}_id", k.name()));
        let v = jsonschema::draft202012::new(pattern).unwrap();
        for other in EntityKind::ALL {
            for n in [1, 9, 10, 12345] {
                let id = Id::new(other, n).to_string();
                assert_eq!(v.is_valid(&json!(id)), other == k, "{}_id vs {id}", k.name());
            }
        }
        assert!(!v.is_valid(&json!(format!("{}-0", k.prefix()))));
        assert!(!v.is_valid(&json!(format!("{}-01", k.prefix()))));
        assert!(!v.is_valid(&json!(format!("{}-1", k.prefix().to_lowercase()))));
    }
    let plan = jsonschema::draft202012::new(def("plan_id")).unwrap();
    for k in EntityKind::ALL {
        assert_eq!(plan.is_valid(&json!(Id::new(k, 3).to_string())), k.is_plan());
    }
}

#[test]
fn money_and_units_are_documented() {
    let money = def("money")["description"].as_str().unwrap();
    assert!(money.contains("minor units") && money.contains("settings.currency") && money.contains("cents"));
    assert_eq!(def("money")["type"], "integer");
    let quota = def("data_billing")["properties"]["quota_kb"]["description"].as_str().unwrap();
    assert!(quota.contains("KB") && quota.contains("1048576"));
    for (d, p) in [
        ("plan", "setup_fee"),
        ("plan", "access_fee"),
        ("data_billing", "excess_rate"),
        ("bolt_on_fields", "first_time_fee"),
    ] {
        let desc = def(d)["properties"][p]["description"].as_str().unwrap();
        assert!(desc.contains("minor units"), "{d}.{p} does not say money is minor units");
    }
}
