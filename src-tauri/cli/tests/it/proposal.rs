//! `plansmith proposal`: the client's PDF of the demo's Harbour Cafés written through the
//! atomic writer (SELL figures in it, no BUY figure), the same bytes twice, and one clear
//! sentence with the documented exit code for each kind of bad input.

use std::process::{Command, Output};

use crate::run::{demo, plansmith, stderr, stdout};

fn assert_clean_error(o: &Output, code: i32, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stdout: {}\nstderr: {err}", stdout(o));
    assert!(err.contains(needle), "stderr should mention {needle:?}: {err}");
    assert!(err.starts_with("plansmith: ") && err.trim_end().lines().count() == 1, "one sentence: {err}");
}

/// The demo with Harbour Cafés' "6 sites, 620 GB" saved on CU-1.
fn demo_with_scenario(dir: &std::path::Path) -> String {
    let p = demo(dir);
    let f = p.to_str().unwrap().to_string();
    let o =
        plansmith(&["scenario", "save", &f, "CU-1", "6 sites, 620 GB", "--usage", "620GB", "--start", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    f
}

#[test]
fn writes_harbour_cafes_proposal() {
    let d = tempfile::tempdir().unwrap();
    let f = demo_with_scenario(d.path());
    let out = d.path().join("harbour.pdf");
    let args = ["proposal", &f, "CU-1", "--scenario", "6 sites, 620 GB", "--date", "2026-12-07", "--out"];
    let o = plansmith(&[&args[..], &[out.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with(&format!("wrote {} (5 pages, ", out.display())), "{}", stdout(&o));
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "no partial file is left: {leftovers:?}");
    let text = Command::new("pdftotext").arg(&out).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("$1,793.00") && text.contains("Harbour Cafés Pty Ltd"), "{text}");
    assert!(!text.contains("1,100.00") && !text.contains("693.00"), "no BUY total or margin: {text}");
    // The same input, the same bytes (an existing file is replaced).
    let o = plansmith(&[&args[..], &[out.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read(&out).unwrap() == pdf, "the same proposal twice gives the same bytes");
}

#[test]
fn bad_input_gets_one_sentence_and_the_documented_exit_code() {
    let d = tempfile::tempdir().unwrap();
    let f = demo_with_scenario(d.path());
    let out = d.path().join("p.pdf");
    let o = out.to_str().unwrap();
    let sc = "6 sites, 620 GB";
    assert_clean_error(
        &plansmith(&["proposal", &f, "CU-1", "--scenario", "Nope", "--out", o]),
        2,
        "CU-1 has no saved scenario 'Nope'; its scenarios are '6 sites, 620 GB'",
    );
    assert_clean_error(
        &plansmith(&["proposal", &f, "ST-9", "--scenario", sc, "--out", o]),
        2,
        "there is no structure ST-9",
    );
    assert_clean_error(
        &plansmith(&["proposal", &f, "CU-7", "--scenario", sc, "--out", o]),
        2,
        "there is no customer CU-7",
    );
    assert_clean_error(
        &plansmith(&["proposal", &f, "SP-1", "--scenario", sc, "--out", o]),
        2,
        "a proposal is for a structure (ST-n) or a customer (CU-n)",
    );
    assert_clean_error(
        &plansmith(&["proposal", &f, "CU-1", "--out", o]),
        2,
        "name the scenarios to rate with --scenario NAME; CU-1 has '6 sites, 620 GB'",
    );
    assert_clean_error(
        &plansmith(&["proposal", &f, "ST-2", "--out", o]),
        2,
        "ST-2 has no saved scenario to rate; save one with `plansmith scenario save",
    );
    assert_clean_error(
        &plansmith(&["proposal", &f, "CU-1", "--scenario", sc, "--date", "7/12/2026", "--out", o]),
        2,
        "7/12/2026",
    );
    assert_clean_error(
        &plansmith(&["proposal", &f, "CU-1", "--scenario", sc, "--out", "p.docx"]),
        2,
        "a proposal is a PDF; name the file FILE.pdf",
    );
    let unwritable = d.path().join("no such folder").join("p.pdf");
    assert_clean_error(
        &plansmith(&["proposal", &f, "CU-1", "--scenario", sc, "--out", unwritable.to_str().unwrap()]),
        2,
        "no such folder",
    );
    assert!(!out.exists(), "nothing was written by a refusal");
    // Usage errors are clap's, exit 2.
    let o = plansmith(&["proposal", &f, "CU-1", "--scenario", sc]);
    assert_eq!(o.status.code(), Some(2), "--out is required: {}", stderr(&o));
}

#[test]
fn a_structure_without_sell_prices_is_refused_with_exit_1() {
    let d = tempfile::tempdir().unwrap();
    let f = demo_with_scenario(d.path());
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
    let o = plansmith(&["apply", &f, changes.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> =
        stdout(&o).lines().filter_map(|l| l.split_once(" -> ").map(|(_, id)| id.trim().to_string())).collect();
    let more = [
        format!(r#"{{"op":"add_service_plan","package_plan":"{}","service_plan":"{}"}}"#, ids[1], ids[2]),
        format!(r#"{{"op":"add_structure_member","structure":"{}","object":"{}","role":"member"}}"#, ids[0], ids[1]),
    ];
    std::fs::write(&changes, more.join("\n")).unwrap();
    assert!(plansmith(&["apply", &f, changes.to_str().unwrap()]).status.success());
    let o = plansmith(&["scenario", "save", &f, &ids[0], "One", "--start", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = d.path().join("p.pdf");
    assert_clean_error(
        &plansmith(&["proposal", &f, &ids[0], "--scenario", "One", "--out", out.to_str().unwrap()]),
        1,
        "has no prices",
    );
    assert!(!out.exists());
}

#[test]
fn help_lists_the_command() {
    let o = plansmith(&["--help"]);
    assert!(stdout(&o).contains("proposal"), "{}", stdout(&o));
    let o = plansmith(&["proposal", "--help"]);
    assert!(stdout(&o).contains("--scenario <NAME>") && stdout(&o).contains("--date <DATE>"), "{}", stdout(&o));
}
