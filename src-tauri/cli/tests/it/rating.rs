//! `plansmith rate` and `plansmith scenario` as a consultant and scripts use them: the demo's
//! month as text, JSON and CSV, saved scenarios, and one clear sentence with the documented
//! exit code for bad input.

use std::process::Output;

use crate::run::{demo, plansmith, stderr, stdout};

fn assert_clean_error(o: &Output, code: i32, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stdout: {}\nstderr: {err}", stdout(o));
    assert!(err.contains(needle), "stderr should mention {needle:?}: {err}");
    assert!(err.starts_with("plansmith: ") && err.trim_end().lines().count() == 1, "one sentence: {err}");
}

#[test]
fn rates_harbour_cafes_as_text_json_and_csv() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let f = p.to_str().unwrap();
    let o = plansmith(&["rate", f, "ST-1", "--usage", "620GB", "--periods", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // SELL 599 + 6 × 149 + 120 GB × 2.50 = 1,793 plus 1,794 set-up; BUY 1,100; margin 693.
    assert!(text.contains("SELL: one-off 1794.00, monthly 1793.00"), "{text}");
    assert!(text.contains("BUY:  one-off 900.00, monthly 1100.00"), "{text}");
    assert!(text.contains("Monthly margin: 693.00 (margin 38.7 % of SELL, markup 63.0 % on BUY)"), "{text}");
    assert!(text.contains("120 GB"), "{text}");
    assert!(text.contains("Period 1 (2026-01-01 to 2026-01-31)"), "{text}");
    assert!(text.contains("RAT-04"), "assumptions are shown: {text}");

    let o = plansmith(&["rate", f, "CU-1", "--usage", "620GB", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["periods"].as_array().unwrap().len(), 12);
    assert_eq!(v["periods"][0]["totals"]["sell"]["monthly"], 179_300);
    assert_eq!(v["periods"][0]["totals"]["buy"]["monthly"], 110_000);
    assert_eq!(v["periods"][0]["totals"]["margin"]["monthly"]["margin_percent_bp"], 3_865);
    assert!(v["assumptions"].as_array().unwrap().iter().any(|a| a["id"] == "RAT-01"));
    // The same input gives the same bytes.
    assert_eq!(plansmith(&["rate", f, "CU-1", "--usage", "620GB", "--json"]).stdout, o.stdout);

    let o = plansmith(&["rate", f, "ST-1", "--usage", "620GB", "--periods", "1", "--csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = stdout(&o);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("period,from,to,charge,one_off,object,description"), "{csv}");
    let excess = rows.iter().find(|r| r.contains(",excess,")).expect("an excess row");
    assert!(excess.ends_with(",300.00,SP-1,1.50,180.00,120.00"), "{excess}");
    let sell: i64 = rows[1..]
        .iter()
        .map(|r| {
            let cols: Vec<&str> = r.rsplitn(6, ',').collect();
            cols[4].replace('.', "").parse::<i64>().unwrap()
        })
        .sum();
    assert_eq!(sell, 179_300 + 179_400, "the rows add up to SELL's monthly and one-off totals: {csv}");
}

#[test]
fn rates_the_mobile_structure_with_top_ups() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let o =
        plansmith(&["rate", p.to_str().unwrap(), "ST-2", "--usage", "70GB", "--top-ups", "--periods", "1", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // 45 + 15 + 5 × 5 + 3 × 9 + 2 × 20 + 1 GB × 10 = 162 (see the core's hand-worked case).
    assert_eq!(v["periods"][0]["totals"]["sell"]["monthly"], 16_200);
}

#[test]
fn saves_lists_uses_and_deletes_scenarios() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let f = p.to_str().unwrap();
    let o = plansmith(&[
        "scenario",
        "save",
        f,
        "ST-1",
        "Eight sites",
        "--sites",
        "8",
        "--usage",
        "620GB",
        "--start",
        "2026-07-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ok Save scenario 'Eight sites' of ST-1"), "{}", stdout(&o));
    let o = plansmith(&["scenario", "list", f]);
    assert!(stdout(&o).contains("Eight sites") && stdout(&o).contains("8 sites"), "{}", stdout(&o));
    let o = plansmith(&["rate", f, "ST-1", "--scenario", "Eight sites", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // 599 + 8 × 149 + 300 = 2,091.
    assert_eq!(v["periods"][0]["totals"]["sell"]["monthly"], 209_100);
    assert_eq!(v["periods"][0]["from"], "2026-07-01");
    // What if: the saved scenario with another usage, without saving it.
    let o = plansmith(&["rate", f, "ST-1", "--scenario", "Eight sites", "--usage", "400GB", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["periods"][0]["totals"]["sell"]["monthly"], 179_100);
    // Undo removes the saved scenario.
    assert!(plansmith(&["undo", f]).status.success());
    assert_clean_error(
        &plansmith(&["rate", f, "ST-1", "--scenario", "Eight sites"]),
        2,
        "no saved scenario 'Eight sites'",
    );
    assert!(plansmith(&["redo", f]).status.success());
    let o = plansmith(&["scenario", "delete", f, "ST-1", "Eight sites"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&plansmith(&["scenario", "list", f])).contains("0 scenario(s)"));
}

#[test]
fn bad_input_gets_one_sentence_and_the_documented_exit_code() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let f = p.to_str().unwrap();
    assert_clean_error(&plansmith(&["rate", f, "ST-1", "--scenario", "Nope"]), 2, "ST-1 has no saved scenario 'Nope'");
    assert_clean_error(&plansmith(&["rate", f, "ST-1", "--usage", "-5GB"]), 2, "never negative");
    assert_clean_error(&plansmith(&["rate", f, "ST-1", "--usage", "5 parsecs"]), 2, "is not a unit");
    assert_clean_error(&plansmith(&["rate", f, "ST-9"]), 2, "no structure ST-9");
    assert_clean_error(&plansmith(&["rate", f, "SP-1"]), 2, "rate a structure (ST-n) or a customer (CU-n)");
    assert_clean_error(&plansmith(&["rate", f, "ST-2", "--buy", "AO-2x6"]), 2, "at most 5");
    assert_clean_error(&plansmith(&["rate", f, "ST-1", "--periods", "0"]), 2, "periods");
    // A structure without prices: the catalog says no (exit 1), naming a plan and the fix.
    let changes = d.path().join("changes.jsonl");
    std::fs::write(
        &changes,
        [
            r#"{"op":"create_structure","kind":"bolt_on_add_on","name":"Unpriced","customer":null}"#,
            r#"{"op":"create_plan","kind":"package_plan","side":"SELL","internal_name":"Bare package"}"#,
            r#"{"op":"create_plan","kind":"service_plan","side":"SELL","internal_name":"Bare service"}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let o = plansmith(&["apply", f, changes.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> =
        stdout(&o).lines().filter_map(|l| l.split_once(" -> ").map(|(_, id)| id.trim().to_string())).collect();
    let more = [
        format!(r#"{{"op":"add_service_plan","package_plan":"{}","service_plan":"{}"}}"#, ids[1], ids[2]),
        format!(r#"{{"op":"add_structure_member","structure":"{}","object":"{}","role":"member"}}"#, ids[0], ids[1]),
    ];
    std::fs::write(&changes, more.join("\n")).unwrap();
    let o = plansmith(&["apply", f, changes.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_clean_error(&plansmith(&["rate", f, &ids[0]]), 1, "has no prices");
}
