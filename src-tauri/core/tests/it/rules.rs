//! The rules of domain.md §6, driven by fixtures: `fixtures/rules/base.json` builds a complete
//! wholesale catalog (both structures of the seed articles, both sides) that must have no
//! findings; `fixtures/rules/<RULE>.json` holds, for each rule, cases that make it fire and
//! cases that must not, as steps applied on top of the base:
//!
//! ```json
//! {"rule": "STR-01",
//!  "fires": [{"name": "…", "steps": [<change or {"set": id, field: value}>…], "sql": ["UPDATE …"],
//!             "expect": [{"rule": "STR-01", "object": "SP-2", "field": "buy_counterpart"}]}],
//!  "does_not_fire": [{"name": "…", "steps": […], "sql": […]}]}
//! ```
//!
//! A firing case passes when the findings of the file's rule, and of every rule named in
//! `expect`, are exactly `expect`; a non-firing case when the file's rule finds nothing. `sql`
//! runs after the steps, for states the change API cannot reach (approved or live objects).
//! Every case also checks that every message names its rule, object and field, and that
//! re-checking each object alone (`check_objects`) gives what the full check gives.

use crate::rules_fixture;

use std::collections::BTreeSet;

use plansmith_core::rules::{self, Finding, RULES, Severity};
use plansmith_core::{Id, Snapshot};
use rules_fixture::*;
use serde_json::Value;

type Key = (String, String, Option<String>);

fn expected_keys(case: &Value) -> Vec<Key> {
    let mut v: Vec<Key> = case["expect"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().expect("expect.rule").to_string(),
                e["object"].as_str().expect("expect.object").to_string(),
                e["field"].as_str().map(str::to_string),
            )
        })
        .collect();
    v.sort();
    v
}

/// Applies a case on a copy of the base; returns the full findings and the snapshot.
fn run_case(case: &Value) -> (Vec<Finding>, Snapshot, Case) {
    let mut c = base();
    let none = Vec::new();
    apply_steps(&mut c.catalog, case["steps"].as_array().unwrap_or(&none));
    run_sql(&c.catalog, case["sql"].as_array().unwrap_or(&none));
    let s = snapshot(&c.catalog);
    (rules::check(&s), s, c)
}

fn messages_name_what_they_are_about(findings: &[Finding]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in findings {
        let id = f.object.to_string();
        let field_ok = f.field.as_deref().is_none_or(|field| f.message.contains(field));
        if !f.message.contains(f.rule) || !f.message.contains(&id) || !field_ok {
            problems.push(format!("message does not name its rule, object and field: {f:?}"));
        }
        if f.message.matches(". ").count() > 0 || !f.message.ends_with('.') {
            problems.push(format!("message is not one sentence: {}", f.message));
        }
    }
    problems
}

fn recheck_matches(c: &Case, s: &Snapshot, findings: &[Finding]) -> Vec<String> {
    let mut problems = Vec::new();
    for id in all_ids(s) {
        let alone = rules::check_objects(c.catalog.conn(), &[id]).unwrap();
        let full: Vec<&Finding> = findings.iter().filter(|f| f.object == id).collect();
        if alone.iter().collect::<Vec<_>>() != full {
            problems.push(format!("check_objects({id}) = {alone:#?}\nbut the full check has {full:#?}"));
        }
    }
    problems
}

fn run_rule_file(rule: &str) -> Vec<String> {
    let path = fixtures().join(format!("{rule}.json"));
    if !path.exists() {
        return vec![format!("{rule}: no fixture file {}", path.display())];
    }
    let file = read_json(&path);
    let mut problems = Vec::new();
    let fires = file["fires"].as_array().cloned().unwrap_or_default();
    let holds = file["does_not_fire"].as_array().cloned().unwrap_or_default();
    if fires.is_empty() || holds.is_empty() {
        problems.push(format!("{rule}: needs at least one 'fires' case and one 'does_not_fire' case"));
    }
    for case in &fires {
        let name = case["name"].as_str().unwrap_or("?");
        let (findings, s, c) = run_case(case);
        let expect = expected_keys(case);
        let mut rules_in_scope: BTreeSet<String> = expect.iter().map(|k| k.0.clone()).collect();
        rules_in_scope.insert(rule.to_string());
        let mut got: Vec<Key> = findings.iter().filter(|f| rules_in_scope.contains(f.rule)).map(key).collect();
        got.sort();
        if got != expect {
            let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
            problems.push(format!(
                "{rule} fires / {name}: expected {expect:?}\n  got {got:?}\n  all findings: {messages:#?}"
            ));
        }
        if !findings.iter().any(|f| f.rule == rule) {
            problems.push(format!("{rule} fires / {name}: the rule did not fire"));
        }
        problems
            .extend(messages_name_what_they_are_about(&findings).into_iter().map(|p| format!("{rule} / {name}: {p}")));
        problems.extend(recheck_matches(&c, &s, &findings).into_iter().map(|p| format!("{rule} / {name}: {p}")));
    }
    for case in &holds {
        let name = case["name"].as_str().unwrap_or("?");
        let (findings, s, c) = run_case(case);
        let fired: Vec<&str> = findings.iter().filter(|f| f.rule == rule).map(|f| f.message.as_str()).collect();
        if !fired.is_empty() {
            problems.push(format!("{rule} does_not_fire / {name}: it fired: {fired:#?}"));
        }
        problems.extend(recheck_matches(&c, &s, &findings).into_iter().map(|p| format!("{rule} / {name}: {p}")));
    }
    problems
}

#[test]
fn the_base_catalog_has_no_findings() {
    let c = base();
    let s = snapshot(&c.catalog);
    let findings = rules::check(&s);
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert!(findings.is_empty(), "{messages:#?}");
    assert_eq!(s.service_plans.len(), 6);
    assert_eq!(s.allowances.len(), 2);
}

#[test]
fn every_rule_has_fixtures_that_fire_and_that_do_not() {
    let mut problems = Vec::new();
    for r in RULES {
        problems.extend(run_rule_file(r.id));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn no_fixture_file_names_an_unknown_rule() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(rule) = name.strip_suffix(".json") else {
            continue;
        };
        assert!(rule == "base" || rules::rule_info(rule).is_some(), "fixture {name} names no rule");
    }
}

#[test]
fn findings_are_sorted_and_serialise_with_their_ids() {
    let mut c = base();
    apply_steps(
        &mut c.catalog,
        &[
            serde_json::json!({"set": "SP-2", "external_name": null, "buy_counterpart": null}),
            serde_json::json!({"set": "AO-2", "available_in_api": false, "available_in_user_portal": null}),
        ],
    );
    let findings = rules::check(&snapshot(&c.catalog));
    let order: Vec<(Id, &str, Option<&str>)> =
        findings.iter().map(|f| (f.object, f.rule, f.field.as_deref())).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let v = serde_json::to_value(&findings).unwrap();
    let warning = v.as_array().unwrap().iter().find(|f| f["rule"] == "ADD-06").expect("ADD-06 fires");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["object"], "AO-2");
    assert!(warning["field"].is_null());
    let error = v.as_array().unwrap().iter().find(|f| f["rule"] == "STR-01").expect("STR-01 fires");
    assert_eq!(error["severity"], "error");
    assert_eq!(error["field"], "buy_counterpart");
    for key in ["message", "expected", "found", "fix"] {
        assert!(error[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    assert!(findings.iter().any(|f| f.severity == Severity::Error));
}

#[test]
fn the_documented_example_reads_as_one_sentence() {
    let mut c = base();
    apply_steps(&mut c.catalog, &[serde_json::json!({"set": "SP-5", "buy_counterpart": null})]);
    let findings = rules::check(&snapshot(&c.catalog));
    let f = findings.iter().find(|f| f.rule == "STR-01").unwrap();
    assert!(
        f.message.starts_with("STR-01 SELL service plan SP-5 'IP-Line data pool 500 GB': buy_counterpart is empty, but a SELL object must name its BUY counterpart"),
        "{}",
        f.message
    );
}

#[test]
fn affected_names_the_neighbours_of_an_edit() {
    let c = base();
    let conn = c.catalog.conn();
    let ids = |s: &[&str]| -> Vec<Id> { s.iter().map(|s| s.parse().unwrap()).collect() };
    let got = rules::affected(conn, "SP-1".parse().unwrap()).unwrap();
    for want in ids(&["SP-1", "SP-2", "PP-1", "BL-1", "AL-1", "AL-2"]) {
        assert!(got.contains(&want), "affected(SP-1) lacks {want}: {got:?}");
    }
    let got = rules::affected(conn, "SP-5".parse().unwrap()).unwrap();
    for want in ids(&["SP-5", "SP-6", "PP-5"]) {
        assert!(got.contains(&want), "affected(SP-5) lacks {want}: {got:?}");
    }
    let got = rules::affected(conn, "BG-1".parse().unwrap()).unwrap();
    assert_eq!(got, ids(&["BO-2", "BG-1"]));
    assert_eq!(rules::affected(conn, "SI-1".parse().unwrap()).unwrap(), ids(&["SI-1"]));
    assert_eq!(rules::affected(conn, "SP-99".parse().unwrap()).unwrap(), ids(&["SP-99"]));
}

#[test]
fn check_objects_of_unknown_ids_finds_nothing() {
    let c = base();
    let none = rules::check_objects(c.catalog.conn(), &["SP-99".parse().unwrap(), "CU-1".parse().unwrap()]).unwrap();
    assert!(none.is_empty());
}

/// `cargo test -p plansmith-core --test it -- --ignored --nocapture print_every_message`: every message the
/// firing fixtures produce, to proofread them.
#[test]
#[ignore]
fn print_every_message() {
    for r in RULES {
        let file = read_json(&fixtures().join(format!("{}.json", r.id)));
        for case in file["fires"].as_array().unwrap() {
            let (findings, _, _) = run_case(case);
            for f in findings.iter().filter(|f| f.rule == r.id) {
                println!("{}\n", f.message);
            }
        }
    }
}
