//! The canonical JSON interchange: byte-identical round trips, canonical form, and a clear
//! error (JSON path + fix) for every kind of bad input, with nothing left on disk.

use crate::interchange_fixture as fixture;

use std::path::Path;
use std::sync::OnceLock;

use plansmith_core::interchange::{self, Document};
use plansmith_core::{Catalog, ErrorKind, NewCatalog, model::Tier};
use serde_json::{Value, json};

use fixture::{full_document, stamp};

/// The demo catalog's dump, built once per test binary.
fn demo_json() -> &'static str {
    static DEMO: OnceLock<String> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cat = plansmith_core::demo::write_demo(&dir.path().join("demo.plansmith"), &stamp()).unwrap();
        interchange::dump(&cat).unwrap()
    })
}

fn load_dump(json: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let cat = interchange::load(&dir.path().join("loaded.plansmith"), json, &stamp()).unwrap();
    interchange::dump(&cat).unwrap()
}

/// Files left in `dir` (ignoring none: a failed load must leave nothing at all).
fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Loads `json` expecting failure; checks nothing was left on disk; returns the error.
fn load_err(json: &str) -> plansmith_core::CoreError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.plansmith");
    let e = match interchange::load(&path, json, &stamp()) {
        Ok(_) => panic!("the load should have failed"),
        Err(e) => e,
    };
    assert_eq!(files_in(dir.path()), Vec::<String>::new(), "a failed load left files behind ({e})");
    e
}

/// The demo dump with `edit` applied to its parsed JSON.
fn demo_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(demo_json()).unwrap();
    edit(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

fn assert_mentions(e: &plansmith_core::CoreError, parts: &[&str]) {
    for p in parts {
        assert!(e.message().contains(p), "expected {p:?} in the message:\n{}", e.message());
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips

#[test]
fn demo_round_trips_byte_identical() {
    let first = demo_json();
    let second = load_dump(first);
    assert_eq!(first, second);
    // and again, from the reloaded catalog
    assert_eq!(second, load_dump(&second));
}

#[test]
fn every_field_set_with_unicode_and_quotes_round_trips_byte_identical() {
    let text = full_document().to_json();
    assert!(
        text.contains("\\\"quoted\\\"") && text.contains("東京 🚀") && text.contains("\\n") && text.contains("\\u0001")
    );
    assert_eq!(load_dump(&text), text);
}

#[test]
fn an_empty_new_catalog_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let new = NewCatalog {
        catalog_id: "c-1".into(),
        name: "Empty".into(),
        provider: "P".into(),
        tier: Tier::Wholesale,
        currency: "NZD".into(),
    };
    let cat = Catalog::create(&dir.path().join("a.plansmith"), &new, &stamp()).unwrap();
    let text = interchange::dump(&cat).unwrap();
    assert_eq!(load_dump(&text), text);
}

#[test]
fn the_loaded_catalog_keeps_ids_identity_and_starts_with_no_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loaded.plansmith");
    let cat = interchange::load(&path, &full_document().to_json(), &stamp()).unwrap();
    let s = cat.settings().unwrap();
    assert_eq!(s.catalog_id, "cat-“ü”-42");
    assert_eq!(s.created_at.to_string(), "2026-03-01T09:30:00Z");
    assert_eq!(cat.undo_redo_labels().unwrap(), (None, None));
    assert!(cat.integrity_check().unwrap().is_empty());
    // No starter reference data: exactly the file's.
    let doc = interchange::document(&cat).unwrap();
    let codes: Vec<&str> = doc.service_types.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["DATA-ST", "MÖBILE", "OTHER"]);
    // Same ids, and the next object created continues after them.
    assert_eq!(doc.service_plans.iter().map(|p| p.id.to_string()).collect::<Vec<_>>(), ["SP-2", "SP-4", "SP-12"]);
    drop(cat);
    let mut cat = Catalog::open(&path).unwrap();
    let made = cat
        .apply(
            &plansmith_core::Change::CreatePlan {
                kind: plansmith_core::EntityKind::ServicePlan,
                side: plansmith_core::model::Side::Buy,
                internal_name: "next".into(),
            },
            &stamp(),
        )
        .unwrap();
    assert_eq!(made.created.unwrap().to_string(), "SP-13");
    // The first undo undoes that, not the load.
    assert!(cat.undo(&stamp()).unwrap().is_some());
    assert!(cat.undo(&stamp()).unwrap().is_none());
    let mut expected = full_document();
    expected.sort();
    assert_eq!(interchange::document(&cat).unwrap().service_plans, expected.service_plans);
}

#[test]
fn the_dump_is_canonical() {
    let text = demo_json();
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
    assert!(text.starts_with(
        "{\n  \"format\": \"plansmith-catalog\",\n  \"format_version\": 1,\n  \"settings\": {\n    \"catalog_id\""
    ));
    let v: Value = serde_json::from_str(text).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    // serde_json's map keeps insertion order only with preserve_order; check order in the text.
    let order = [
        "format",
        "format_version",
        "settings",
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
    ];
    assert_eq!(keys.len(), order.len());
    let positions: Vec<usize> = order.iter().map(|k| text.find(&format!("\n  \"{k}\": ")).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "top-level keys out of order");
    // Arrays sorted by id number (not text: SP-10 after SP-9).
    let doc = interchange::parse(text).unwrap();
    for list in [&doc.package_plans, &doc.service_plans, &doc.bolt_ons, &doc.bolt_on_add_ons] {
        assert!(list.windows(2).all(|w| w[0].id.n < w[1].id.n));
    }
    assert!(doc.service_types.windows(2).all(|w| w[0].code < w[1].code));
    // A shuffled but equivalent file loads to the same canonical text.
    let shuffled = {
        let mut d: Document = doc.clone();
        d.service_plans.reverse();
        d.tariffs.reverse();
        d.sites.reverse();
        serde_json::to_string(&d).unwrap()
    };
    assert_eq!(load_dump(&shuffled), text);
    // Parsing and re-serialising is the identity on canonical text.
    assert_eq!(doc.to_json(), text);
}

#[test]
fn missing_optional_keys_read_as_null() {
    let text = demo_with(|v| {
        v["package_plans"][0].as_object_mut().unwrap().remove("reference_name");
        v["sites"][0].as_object_mut().unwrap().remove("service_identifier");
    });
    let doc = interchange::parse(&text).unwrap();
    assert_eq!(doc.package_plans[0].reference_name, None);
    assert_eq!(doc.sites[0].service_identifier, None);
}

#[test]
fn load_refuses_an_existing_file_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("there.plansmith");
    std::fs::write(&path, b"precious").unwrap();
    let e = interchange::load(&path, demo_json(), &stamp()).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_mentions(&e, &["already exists", "another file name"]);
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
    assert_eq!(files_in(dir.path()), ["there.plansmith"]);
}

// ---------------------------------------------------------------------------------------------
// Bad input: each names the JSON path and the fix, and leaves nothing on disk.

#[test]
fn malformed_json_names_line_and_column() {
    let text = demo_json().replacen("\"tier\": \"wholesale\",", "\"tier\": \"wholesale\"", 1);
    let e = load_err(&text);
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_mentions(&e, &["not valid JSON", "line 9, column 5", "fix the syntax"]);
    let e = load_err("");
    assert_mentions(&e, &["not valid JSON", "line 1"]);
}

#[test]
fn a_file_that_is_not_a_catalog_is_refused() {
    let e = load_err("[1, 2]");
    assert_eq!(e.kind(), ErrorKind::IncompatibleFile);
    assert_mentions(&e, &["not a Plansmith catalog", "top level is an array"]);

    let e = load_err(&demo_with(|v| v["format"] = json!("kill-bill-catalog")));
    assert_eq!(e.kind(), ErrorKind::IncompatibleFile);
    assert_eq!(e.field(), Some("format"));
    assert_mentions(&e, &["format:", "\"kill-bill-catalog\"", "\"plansmith-catalog\""]);

    let e = load_err(&demo_with(|v| {
        v.as_object_mut().unwrap().remove("format");
    }));
    assert_mentions(&e, &["format: missing", "\"format\": \"plansmith-catalog\""]);

    let e = load_err(&demo_with(|v| v["format"] = json!(1)));
    assert_mentions(&e, &["format: expected the string", "found a number"]);
}

#[test]
fn a_newer_format_version_is_refused_with_update_advice() {
    let e = load_err(&demo_with(|v| v["format_version"] = json!(2)));
    assert_eq!(e.kind(), ErrorKind::IncompatibleFile);
    assert_eq!(e.field(), Some("format_version"));
    assert_mentions(&e, &["format_version:", "version 2", "reads up to version 1", "update Plansmith"]);

    let e = load_err(&demo_with(|v| v["format_version"] = json!("1")));
    assert_mentions(&e, &["format_version:", "found a string", "\"format_version\": 1"]);
    let e = load_err(&demo_with(|v| v["format_version"] = json!(0)));
    assert_mentions(&e, &["format_version:", "whole number from 1 to 1"]);
    let e = load_err(&demo_with(|v| {
        v.as_object_mut().unwrap().remove("format_version");
    }));
    assert_mentions(&e, &["format_version: missing", "add \"format_version\": 1"]);
}

#[test]
fn unknown_fields_are_refused_with_their_path() {
    let e = load_err(&demo_with(|v| {
        v["service_plans"][0]["detail"]["service_plan"]["data_billing"]["quota_gb"] = json!(500)
    }));
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_mentions(
        &e,
        &[
            "service_plans[0] (SP-1).detail.service_plan.data_billing.quota_gb:",
            "unknown field `quota_gb`",
            "remove it or correct its spelling",
        ],
    );
    let e = load_err(&demo_with(|v| v["colour"] = json!("blue")));
    assert_mentions(&e, &["colour: unknown field `colour`", "remove it"]);
    let e = load_err(&demo_with(|v| v["settings"]["owner"] = json!("x")));
    assert_mentions(&e, &["settings.owner: unknown field `owner`"]);
}

#[test]
fn wrong_types_name_the_path_and_what_was_expected() {
    let e = load_err(&demo_with(|v| {
        v["service_plans"][0]["detail"]["service_plan"]["data_billing"]["quota_kb"] = json!("lots")
    }));
    assert_eq!(e.field(), Some("service_plans[0] (SP-1).detail.service_plan.data_billing.quota_kb"));
    assert_mentions(
        &e,
        &[
            "service_plans[0] (SP-1).detail.service_plan.data_billing.quota_kb: invalid type: string \"lots\", expected i64",
            "correct the value",
        ],
    );
    // Money is integer minor units, never a decimal.
    let e = load_err(&demo_with(|v| v["package_plans"][1]["setup_fee"] = json!(12.5)));
    assert_mentions(&e, &["package_plans[1] (PP-2).setup_fee: invalid type: floating point `12.5`, expected i64"]);
    // A text enum.
    let e = load_err(&demo_with(|v| v["bolt_on_links"][0]["behaviour"] = json!("mandatory")));
    assert_mentions(&e, &["bolt_on_links[0] (BL-1).behaviour: unknown variant `mandatory`", "forced_irremovable"]);
    // A malformed id.
    let e = load_err(&demo_with(|v| v["sites"][2]["customer"] = json!("customer 1")));
    assert_mentions(&e, &["sites[2] (SI-3).customer:", "ids look like PP-12"]);
    // A date.
    let e = load_err(&demo_with(|v| v["bolt_ons"][0]["saleable_from"] = json!("1/7/2026")));
    assert_mentions(&e, &["bolt_ons[0] (BO-1).saleable_from:", "YYYY-MM-DD"]);
    // Missing required field.
    let e = load_err(&demo_with(|v| {
        v["customers"][0].as_object_mut().unwrap().remove("name");
    }));
    assert_mentions(&e, &["customers[0] (CU-1): missing field `name`", "add it"]);
    // A whole array missing.
    let e = load_err(&demo_with(|v| {
        v.as_object_mut().unwrap().remove("audit_log");
    }));
    assert_mentions(&e, &["(top level): missing field `audit_log`"]);
}

#[test]
fn dangling_references_name_the_path_and_the_missing_id() {
    let e = load_err(&demo_with(|v| {
        v["package_plans"][0]["detail"]["package_plan"]["service_plans"].as_array_mut().unwrap().push(json!("SP-99"))
    }));
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.field(), Some("package_plans[0] (PP-1).detail.package_plan.service_plans[1]"));
    assert_mentions(
        &e,
        &[
            "package_plans[0] (PP-1).detail.package_plan.service_plans[1]: SP-99 is not in the file",
            "add service plan SP-99 to service_plans or remove the reference",
        ],
    );
    let e = load_err(&demo_with(|v| v["service_plans"][1]["buy_counterpart"] = json!("SP-40")));
    assert_mentions(&e, &["service_plans[1] (SP-2).buy_counterpart: SP-40 is not in the file"]);
    let e = load_err(&demo_with(|v| v["allowances"][3]["buy_parent"] = json!("AL-77")));
    assert_mentions(
        &e,
        &["allowances[3] (AL-4).buy_parent: AL-77 is not in the file", "add allowance AL-77 to allowances"],
    );
    let e = load_err(&demo_with(|v| v["structures"][0]["members"][0]["object"] = json!("AO-123")));
    assert_mentions(&e, &["structures[0] (ST-1).members[0].object: AO-123 is not in the file"]);
    // Reference data codes.
    let e = load_err(&demo_with(|v| v["service_plans"][0]["service_type"] = json!("FIBRE")));
    assert_mentions(
        &e,
        &[
            "service_plans[0] (SP-1).service_type: service type 'FIBRE' is not in the file's service_types",
            "add it there or use one of: EQUIP, IPLINE",
        ],
    );
    let e = load_err(&demo_with(|v| v["bolt_ons"][0]["detail"]["bolt_on"]["tariff"] = json!("NOPE")));
    assert_mentions(&e, &["bolt_ons[0] (BO-1).detail.bolt_on.tariff: tariff 'NOPE' is not in the file's tariffs"]);
    let e = load_err(&demo_with(|v| {
        v["service_types"].as_array_mut().unwrap().retain(|s| s["code"] != "MBB");
    }));
    assert_mentions(&e, &["tariffs[1] (MBB-DATA).service_type: service type 'MBB' is not in the file's service_types"]);
}

#[test]
fn references_of_the_wrong_kind_are_refused() {
    let e =
        load_err(&demo_with(|v| v["package_plans"][0]["detail"]["package_plan"]["service_plans"][0] = json!("PP-2")));
    assert_mentions(
        &e,
        &[
            "package_plans[0] (PP-1).detail.package_plan.service_plans[0]: PP-2 is a package plan id, but this field takes a service plan id (SP-…)",
        ],
    );
    let e = load_err(&demo_with(|v| v["customers"][0]["data_package"] = json!("SP-2")));
    assert_mentions(
        &e,
        &["customers[0] (CU-1).data_package: SP-2 is a service plan id, but this field takes a package plan id"],
    );
    let e = load_err(&demo_with(|v| v["structures"][0]["members"][0]["object"] = json!("CU-1")));
    assert_mentions(&e, &["structures[0] (ST-1).members[0].object: CU-1 is a customer; structures hold plans only"]);
}

#[test]
fn an_id_in_the_wrong_array_is_refused() {
    let e = load_err(&demo_with(|v| v["service_plans"][0]["id"] = json!("PP-9")));
    assert_eq!(e.field(), Some("service_plans[0].id"));
    assert_mentions(
        &e,
        &[
            "service_plans[0].id: PP-9 is a package plan id, but service_plans holds service plan ids (SP-…)",
            "move the object to package_plans or give it a SP id",
        ],
    );
    let e = load_err(&demo_with(|v| v["sites"][0]["id"] = json!("CU-9")));
    assert_mentions(&e, &["sites[0].id: CU-9 is a customer id, but sites holds site ids"]);
    // The detail must match the array too.
    let e = load_err(&demo_with(|v| {
        let sp_detail = v["service_plans"][0]["detail"].clone();
        v["package_plans"][0]["detail"] = sp_detail;
    }));
    assert_mentions(
        &e,
        &[
            "package_plans[0] (PP-1).detail: a package plan holds a \"package_plan\" detail, but this one is \"service_plan\"",
        ],
    );
}

#[test]
fn duplicate_ids_and_codes_are_refused() {
    let e = load_err(&demo_with(|v| v["service_plans"][3]["id"] = json!("SP-1")));
    assert_eq!(e.field(), Some("service_plans[3].id"));
    assert_mentions(
        &e,
        &["service_plans[3].id: SP-1 appears twice in the file (also at service_plans[0])", "renumber one"],
    );
    let e = load_err(&demo_with(|v| v["tariffs"][1]["code"] = json!("IPL-STD")));
    assert_mentions(&e, &["tariffs[1] (IPL-STD).code: 'IPL-STD' appears twice in tariffs", "remove or rename one"]);
    let e = load_err(&demo_with(|v| {
        v["audit_log"] = json!([
            {"seq": 1, "at": "2026-01-01T00:00:00Z", "by": "a", "action": "approve", "object": null, "detail": ""},
            {"seq": 1, "at": "2026-01-01T00:00:00Z", "by": "a", "action": "approve", "object": null, "detail": ""}
        ])
    }));
    assert_mentions(&e, &["audit_log[1] (seq 1).seq: seq 1 appears twice (also at audit_log[0])"]);
}

#[test]
fn duplicate_memberships_links_and_allowances_are_refused() {
    let e = load_err(&demo_with(|v| {
        let members = v["bolt_ons"][0]["detail"]["bolt_on"]["add_on_group"].as_array_mut().unwrap();
        let first = members[0].clone();
        members.push(first);
    }));
    assert_mentions(
        &e,
        &[
            "bolt_ons[0] (BO-1).detail.bolt_on.add_on_group[3]: AO-1 appears twice in this list (also at bolt_ons[0] (BO-1).detail.bolt_on.add_on_group[0])",
        ],
    );
    let e = load_err(&demo_with(|v| {
        let mut l = v["bolt_on_links"][0].clone();
        l["id"] = json!("BL-9");
        v["bolt_on_links"].as_array_mut().unwrap().push(l);
    }));
    assert_mentions(&e, &["bolt_on_links[2] (BL-9): BO-1 is linked to SP-5 twice (also by BL-1)", "remove one link"]);
    let e = load_err(&demo_with(|v| {
        let mut a = v["allowances"][0].clone();
        a["id"] = json!("AL-50");
        v["allowances"].as_array_mut().unwrap().push(a);
    }));
    assert_mentions(&e, &["allowances[6] (AL-50): BL-1 already has an allowance for AO-1 (AL-1)"]);
}

#[test]
fn what_the_store_cannot_hold_is_refused() {
    let e = load_err(&demo_with(|v| v["package_plans"][0]["service_type"] = json!("IPLINE")));
    assert_mentions(
        &e,
        &["package_plans[0] (PP-1).service_type: a package plan has no service type", "set it to null"],
    );
    let e = load_err(&demo_with(|v| {
        let q = v["bolt_on_add_ons"][0]["detail"]["bolt_on_add_on"]["quotas"][0].clone();
        v["bolt_on_add_ons"][0]["detail"]["bolt_on_add_on"]["quotas"] = json!([q, q, q, q, q]);
    }));
    assert_mentions(
        &e,
        &["bolt_on_add_ons[0] (AO-1).detail.bolt_on_add_on.quotas: 5 quotas given; an add-on has at most 4"],
    );
    let e = load_err(&demo_with(|v| v["service_plans"][0]["buy_counterpart"] = json!("SP-1")));
    assert_mentions(&e, &["service_plans[0] (SP-1).buy_counterpart: SP-1 cannot be its own BUY counterpart"]);
    let e = load_err(&demo_with(|v| v["settings"]["currency"] = json!("aud")));
    assert_mentions(&e, &["settings.currency: write the currency code as 'AUD'"]);
    let e = load_err(&demo_with(|v| v["settings"]["currency"] = json!("XXX")));
    assert_mentions(&e, &["settings.currency: unknown currency 'XXX'"]);
    let e = load_err(&demo_with(|v| v["settings"]["name"] = json!("  ")));
    assert_mentions(&e, &["settings.name: the catalog needs a name"]);
}

#[test]
fn parse_checks_without_writing() {
    assert!(interchange::parse(demo_json()).is_ok());
    // A byte order mark (Windows editors) is not content.
    assert_eq!(interchange::parse(&format!("\u{feff}{}", demo_json())).unwrap().to_json(), demo_json());
    let e = interchange::parse("{").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}
