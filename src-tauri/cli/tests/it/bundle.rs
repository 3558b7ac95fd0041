//! The bundle commands as ops and scripts run them: real processes, files, exit codes (0 done,
//! 1 the catalog or bundle said no, 2 could not run) and what is printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn plansmith_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plansmith"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("PLANSMITH_USER", "cli-test")
        .stdin(Stdio::null())
        .output()
        .expect("run plansmith")
}

fn out(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = plansmith_in(dir, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", out(&o));
    out(&o)
}

fn code(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = plansmith_in(dir, args);
    let text = out(&o);
    assert!(!text.contains("panicked"), "{text}");
    (o.status.code().unwrap_or(-1), text)
}

/// An approved demo catalog in a fresh folder.
fn approved() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["new", "demo.plansmith", "--demo"]);
    ok(d.path(), &["approve", "demo.plansmith", "--all", "--by", "Dana"]);
    let p = d.path().to_path_buf();
    (d, p)
}

#[test]
fn export_is_refused_with_the_blockers_while_drafts_remain() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["new", "demo.plansmith", "--demo"]);
    let (c, text) = code(d.path(), &["export", "demo.plansmith", "--out", "b.zip"]);
    assert_eq!(c, 1, "{text}");
    assert!(text.contains("export was refused") && text.contains("LIF-03") && text.contains("SP-6"), "{text}");
    assert!(!d.path().join("b.zip").exists());
    let (c, text) = code(d.path(), &["export", "demo.plansmith", "--preview"]);
    assert_eq!(c, 1);
    assert!(text.contains("blocked: LIF-03"), "{text}");
    let (c, text) = code(d.path(), &["export", "demo.plansmith"]);
    assert_eq!(c, 2, "no --out: {text}");
}

#[test]
fn export_verify_and_the_same_bytes_twice() {
    let (_d, dir) = approved();
    let text = ok(&dir, &["export", "demo.plansmith", "--out", "a.zip"]);
    assert!(text.contains("exported bundle PSB-"), "{text}");
    ok(&dir, &["export", "demo.plansmith", "--out", "b.zip"]);
    assert_eq!(std::fs::read(dir.join("a.zip")).unwrap(), std::fs::read(dir.join("b.zip")).unwrap());
    let text = ok(&dir, &["verify", "a.zip"]);
    assert!(text.contains("verifies") && text.contains("unsigned"), "{text}");
    let (c, text) = code(&dir, &["export", "demo.plansmith", "--out", "a.zip"]);
    assert_eq!(c, 2, "never overwrites: {text}");
    let audit = ok(&dir, &["audit", "demo.plansmith"]);
    assert_eq!(audit.matches(" export ").count(), 2, "{audit}");
    let (c, text) = code(&dir, &["export", "demo.plansmith", "--out", "c.zip", "--structure", "ST-2", "ST-1"]);
    assert_eq!(c, 0, "{text}");
    let (c, text) = code(&dir, &["export", "demo.plansmith", "--out", "d.zip", "--structure", "ST-7"]);
    assert_eq!(c, 2, "{text}");
    assert!(text.contains("no structure ST-7"), "{text}");
}

#[test]
fn signed_bundles_verify_with_the_key_and_with_stock_minisign() {
    let (_d, dir) = approved();
    let text = ok(&dir, &["keygen", "--out", "ops.key"]);
    assert!(text.contains("ops.key.pub"), "{text}");
    let (c, _) = code(&dir, &["keygen", "--out", "ops.key"]);
    assert_eq!(c, 2, "never overwrites a key");
    ok(&dir, &["export", "demo.plansmith", "--out", "s.zip", "--sign", "ops.key"]);
    // Same catalog, same SOURCE_DATE_EPOCH, same key: the same bytes, signature included.
    ok(&dir, &["export", "demo.plansmith", "--out", "s2.zip", "--sign", "ops.key"]);
    assert!(
        std::fs::read(dir.join("s.zip")).unwrap() == std::fs::read(dir.join("s2.zip")).unwrap(),
        "two signed exports of the same catalog at the same time differ"
    );
    let text = ok(&dir, &["verify", "s.zip", "--pubkey", "ops.key.pub"]);
    assert!(text.contains("signature valid"), "{text}");
    ok(&dir, &["keygen", "--out", "other.key"]);
    let (c, text) = code(&dir, &["verify", "s.zip", "--pubkey", "other.key.pub"]);
    assert_eq!(c, 1, "{text}");
    assert!(text.contains("manifest.json.minisig") || text.contains("signature"), "{text}");
    let have_minisign =
        Command::new("sh").arg("-c").arg("command -v minisign").output().is_ok_and(|o| o.status.success());
    assert!(have_minisign, "this test needs the stock minisign: apt-get install -y minisign (it is in .ci/setup.sh)");
    let x = dir.join("x");
    let o = Command::new("unzip").arg("-q").arg(dir.join("s.zip")).arg("-d").arg(&x).output().unwrap();
    assert!(o.status.success());
    let o = Command::new("minisign")
        .args(["-V", "-p", "../ops.key.pub", "-m", "manifest.json", "-x", "manifest.json.minisig"])
        .current_dir(&x)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    // A key pair made by the stock minisign (no password) signs too, and minisign agrees.
    let o = Command::new("minisign")
        .args(["-G", "-W", "-p", "stock.pub", "-s", "stock.key"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "minisign -G: {}", out(&o));
    ok(&dir, &["export", "demo.plansmith", "--out", "m.zip", "--sign", "stock.key"]);
    let text = ok(&dir, &["verify", "m.zip", "--pubkey", "stock.pub"]);
    assert!(text.contains("signature valid"), "{text}");
    let y = dir.join("y");
    let o = Command::new("unzip").arg("-q").arg(dir.join("m.zip")).arg("-d").arg(&y).output().unwrap();
    assert!(o.status.success());
    let o = Command::new("minisign")
        .args(["-V", "-p", "../stock.pub", "-m", "manifest.json", "-x", "manifest.json.minisig"])
        .current_dir(&y)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o));
}

#[test]
fn a_tampered_bundle_fails_verification_naming_the_entry() {
    let (_d, dir) = approved();
    ok(&dir, &["export", "demo.plansmith", "--out", "a.zip"]);
    let x = dir.join("x");
    assert!(
        Command::new("unzip").arg("-q").arg("a.zip").arg("-d").arg(&x).current_dir(&dir).status().unwrap().success()
    );
    let sheet = x.join("build-sheet.html");
    let html = std::fs::read_to_string(&sheet).unwrap().replace("AUD 599.00", "AUD 5.99");
    std::fs::write(&sheet, html).unwrap();
    std::fs::rename(x.join("id-return.csv"), x.join("ids.csv")).unwrap();
    let o = Command::new("zip").args(["-q", "-r", "../t.zip", "."]).current_dir(&x).status();
    assert!(o.is_ok_and(|s| s.success()), "this test needs Info-ZIP `zip` (apt-get install -y zip)");
    let (c, text) = code(&dir, &["verify", "t.zip"]);
    assert_eq!(c, 1, "{text}");
    assert!(text.contains("build-sheet.html was changed"), "{text}");
    assert!(text.contains("id-return.csv was renamed to ids.csv"), "{text}");
    let (c, text) = code(&dir, &["verify", "missing.zip"]);
    assert_eq!(c, 2, "{text}");
    std::fs::write(dir.join("evil.zip"), b"PK\x03\x04 not a zip").unwrap();
    let (c, text) = code(&dir, &["verify", "evil.zip"]);
    assert_eq!(c, 1, "{text}");
    assert!(text.contains("not a readable bundle"), "{text}");
    // A tampered bundle is not imported.
    let (c, text) = code(&dir, &["import", "t.zip", "new.plansmith"]);
    assert_eq!(c, 1, "{text}");
    assert!(!dir.join("new.plansmith").exists());
}

#[test]
fn import_then_export_gives_the_same_bundle_and_diff_finds_nothing() {
    let (_d, dir) = approved();
    ok(&dir, &["export", "demo.plansmith", "--out", "a.zip"]);
    ok(&dir, &["import", "a.zip", "copy.plansmith"]);
    ok(&dir, &["export", "copy.plansmith", "--out", "b.zip"]);
    assert_eq!(std::fs::read(dir.join("a.zip")).unwrap(), std::fs::read(dir.join("b.zip")).unwrap());
    let text = ok(&dir, &["diff", "a.zip", "b.zip"]);
    assert!(text.contains("0 added, 0 removed, 0 changed"), "{text}");
    ok(&dir, &["reopen", "copy.plansmith", "SP-2", "--by", "Dana", "--reason", "price"]);
    let e = r#"{"op":"set_plan_field","id":"SP-2","edit":{"field":"access_fee","value":64900}}"#;
    std::fs::write(dir.join("e.jsonl"), e).unwrap();
    ok(&dir, &["apply", "copy.plansmith", "e.jsonl"]);
    let (c, text) = code(&dir, &["diff", "a.zip", "copy.plansmith"]);
    assert_eq!(c, 1, "{text}");
    assert!(text.contains("changed  SP-2") && text.contains("access_fee: 59900 -> 64900"), "{text}");
}

#[test]
fn import_ids_turns_plans_live_or_reports_every_bad_line() {
    let (_d, dir) = approved();
    ok(&dir, &["export", "demo.plansmith", "--out", "a.zip"]);
    let x = dir.join("x");
    assert!(
        Command::new("unzip").arg("-q").arg("a.zip").arg("-d").arg(&x).current_dir(&dir).status().unwrap().success()
    );
    let csv = std::fs::read_to_string(x.join("id-return.csv")).unwrap();
    let filled: String = csv
        .lines()
        .map(|l| match l.split(',').next() {
            Some("SP-1") => format!("{l}5001"),
            Some("SP-2") => format!("{l}5002"),
            _ => l.to_string(),
        })
        .map(|l| l + "\n")
        .collect();
    std::fs::write(dir.join("back.csv"), &filled).unwrap();
    let bad = filled.replace("SP-3,", "SP-33,").replace("PP-1,package_plan,BUY", "PP-1,package_plan,BUY,extra")
        + "SP-2,service_plan,SELL,x,5009\n";
    std::fs::write(dir.join("bad.csv"), bad).unwrap();
    let (c, text) = code(&dir, &["import-ids", "demo.plansmith", "bad.csv", "--by", "Ops"]);
    assert_eq!(c, 1, "{text}");
    assert!(
        text.contains("line 4: 6 fields")
            && text.contains("line 6, column object_id:")
            && text.contains("nothing was applied"),
        "{text}"
    );
    assert!(text.contains("SP-2 appears again (first on line 3)"), "{text}");
    assert!(!ok(&dir, &["list", "demo.plansmith", "--status", "live"]).contains("SP-"));
    let text = ok(&dir, &["import-ids", "demo.plansmith", "back.csv", "--by", "Ops"]);
    assert!(text.contains("2 plan(s) went live"), "{text}");
    let live = ok(&dir, &["list", "demo.plansmith", "--status", "live"]);
    assert!(live.contains("SP-1") && live.contains("5002"), "{live}");
}

#[test]
fn a_delta_export_holds_only_what_changed() {
    let (_d, dir) = approved();
    ok(&dir, &["export", "demo.plansmith", "--out", "v1.zip"]);
    ok(&dir, &["live", "demo.plansmith", "SP-6", "--production-id", "777", "--by", "Ops"]);
    let e = r#"{"op":"set_plan_field","id":"SP-6","edit":{"field":"description","value":"Now with more data"}}"#;
    std::fs::write(dir.join("e.jsonl"), e).unwrap();
    ok(&dir, &["apply", "demo.plansmith", "e.jsonl"]);
    let text = ok(&dir, &["export", "demo.plansmith", "--out", "v2.zip", "--since", "v1.zip", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(v["delta_of"].as_str().unwrap().starts_with("PSB-"));
    ok(&dir, &["verify", "v2.zip"]);
    let x = dir.join("x");
    assert!(
        Command::new("unzip").arg("-q").arg("v2.zip").arg("-d").arg(&x).current_dir(&dir).status().unwrap().success()
    );
    let csv = std::fs::read_to_string(x.join("id-return.csv")).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    let changes = std::fs::read_to_string(x.join("changes.json")).unwrap();
    assert!(changes.contains("Now with more data"), "{changes}");
}
