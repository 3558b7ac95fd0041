//! The `plansmith` binary as ops and scripts use it: real processes, real files, exit codes and
//! what is printed on stdout and stderr.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::run::{demo, plansmith, stderr, stdout};

fn with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_plansmith"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// A user error: exit 2 (or 1), one line on stderr starting "plansmith:", no panic or backtrace.
fn assert_clean_error(o: &Output, code: i32, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stdout: {}\nstderr: {err}", stdout(o));
    assert!(err.contains(needle), "stderr should mention {needle:?}: {err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
}

#[test]
fn the_demo_catalog_checks_clean() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let o = plansmith(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 error(s)"), "{}", stdout(&o));
    let o = plansmith(&["check", p.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 0);
}

#[test]
fn check_exits_1_on_errors_and_names_rule_object_and_field() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let ps = p.to_str().unwrap();
    assert!(plansmith(&["new", ps]).status.success());
    let o = with_stdin(
        &["apply", ps, "-"],
        r#"{"op":"create_plan","kind":"service_plan","side":"SELL","internal_name":"Mobile 40"}"#,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "ok 1 Create SELL service plan 'Mobile 40' -> SP-1");
    let o = plansmith(&["check", ps]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("STR-01") && out.contains("SP-1") && out.contains("buy_counterpart"), "{out}");
    assert!(out.contains("NAM-02") && out.contains("external_name"), "{out}");
    let o = plansmith(&["check", ps, "--json", "--object", "SP-1"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["object"] == "SP-1"));
}

#[test]
fn check_exits_2_when_it_cannot_run() {
    let d = tempfile::tempdir().unwrap();
    let missing = d.path().join("missing.plansmith");
    assert_clean_error(&plansmith(&["check", missing.to_str().unwrap()]), 2, "plansmith new");
    let text = d.path().join("notes.txt");
    std::fs::write(&text, "not a catalog").unwrap();
    assert_clean_error(&plansmith(&["check", text.to_str().unwrap()]), 2, "not a Plansmith catalog");
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "not a catalog");
}

#[test]
fn dump_load_dump_is_byte_identical() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let first = plansmith(&["dump", p.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    let json = d.path().join("demo.json");
    std::fs::write(&json, &first.stdout).unwrap();
    let copy = d.path().join("copy.plansmith");
    let o = plansmith(&["load", copy.to_str().unwrap(), json.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let second = plansmith(&["dump", copy.to_str().unwrap()]);
    assert_eq!(first.stdout, second.stdout);
    // load never overwrites
    assert_clean_error(&plansmith(&["load", copy.to_str().unwrap(), json.to_str().unwrap()]), 2, "already exists");
}

#[test]
fn load_reports_a_bad_field_with_its_path() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let dump = plansmith(&["dump", p.to_str().unwrap()]);
    let mut v: serde_json::Value = serde_json::from_slice(&dump.stdout).unwrap();
    v["service_plans"][0]["setup_fee"] = serde_json::json!("twelve");
    let json = d.path().join("bad.json");
    std::fs::write(&json, serde_json::to_string(&v).unwrap()).unwrap();
    let out = d.path().join("bad.plansmith");
    let o = plansmith(&["load", out.to_str().unwrap(), json.to_str().unwrap()]);
    assert_clean_error(&o, 2, "service_plans[0]");
    assert!(stderr(&o).contains("setup_fee"), "{}", stderr(&o));
    assert!(!out.exists(), "a failed load leaves no catalog behind");
}

#[test]
fn list_filters_by_kind_side_and_status() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let ps = p.to_str().unwrap();
    let o = plansmith(&["list", ps, "--kind", "bolt_on_add_on", "--side", "SELL", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(rows.len() >= 3);
    assert!(rows.iter().all(|r| r["kind"] == "bolt_on_add_on" && r["side"] == "SELL"));
    let o = plansmith(&["list", ps, "--kind", "structure"]);
    assert!(stdout(&o).contains("ST-1"), "{}", stdout(&o));
    assert_clean_error(&plansmith(&["list", ps, "--kind", "widget"]), 2, "unknown kind 'widget'");
    assert_clean_error(&plansmith(&["list", ps, "--status", "pending"]), 2, "draft, approved, live, retired");
}

#[test]
fn steps_show_every_article_step() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let ps = p.to_str().unwrap();
    let o = plansmith(&["list", ps, "--kind", "structure", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let mut totals = vec![];
    for r in rows {
        let id = r["id"].as_str().unwrap();
        let o = plansmith(&["steps", ps, id, "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        totals.push(v["steps"].as_array().unwrap().len());
        let text = stdout(&plansmith(&["steps", ps, id]));
        assert!(text.contains("[x]"), "{text}");
    }
    totals.sort();
    assert_eq!(totals, vec![9, 12]);
    assert_clean_error(&plansmith(&["steps", ps, "ST-99"]), 2, "no structure ST-99");
    assert_clean_error(&plansmith(&["steps", ps, "banana"]), 2, "ids look like PP-12");
}

#[test]
fn approve_reopen_undo_redo_and_the_audit_log() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let ps = p.to_str().unwrap();
    // Approving a SELL package plan approves everything it depends on.
    let o = plansmith(&["list", ps, "--kind", "package_plan", "--side", "SELL", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let pp = rows[0]["id"].as_str().unwrap().to_string();
    let o = plansmith(&["approve", ps, &pp, "--by", "Dana"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let approved_line = stdout(&o);
    assert!(approved_line.contains(&pp), "{approved_line}");
    let count = |status: &str| -> usize {
        let o = plansmith(&["list", ps, "--status", status, "--json"]);
        serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout).unwrap().len()
    };
    let n_approved = count("approved");
    assert!(n_approved >= 3, "the package, its service plan and the BUY counterparts: {n_approved}");
    // approve needs --by
    assert_clean_error(&plansmith(&["approve", ps, &pp]), 2, "--by");
    // Approved objects are read-only
    let o = with_stdin(
        &["apply", ps, "-"],
        &format!(r#"{{"op":"set_plan_field","id":"{pp}","edit":{{"field":"weighting","value":5}}}}"#),
    );
    assert_clean_error(&o, 1, "reopen it");
    // Reopen needs a reason; with one, it withdraws approval of what depends on it.
    assert_clean_error(&plansmith(&["reopen", ps, &pp, "--by", "Dana", "--reason", " "]), 2, "reason");
    let o = plansmith(&["reopen", ps, &pp, "--by", "Dana", "--reason", "client wants a 12 month term"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count("approved"), n_approved - 1);
    // Undo the reopening, then redo it.
    let o = plansmith(&["undo", ps]);
    assert!(stdout(&o).contains(&format!("undid: Reopen {pp}")), "{}", stdout(&o));
    assert_eq!(count("approved"), n_approved);
    let o = plansmith(&["redo", ps]);
    assert!(stdout(&o).contains(&format!("redid: Reopen {pp}")), "{}", stdout(&o));
    assert_eq!(count("approved"), n_approved - 1);
    let audit = stdout(&plansmith(&["audit", ps]));
    assert!(
        audit.contains("approve") && audit.contains("Dana") && audit.contains("client wants a 12 month term"),
        "{audit}"
    );
    assert!(audit.contains("undo") && audit.contains("redo"), "{audit}");
}

#[test]
fn approval_is_refused_with_the_blocking_findings() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let ps = p.to_str().unwrap();
    assert!(plansmith(&["new", ps]).status.success());
    let o = with_stdin(
        &["apply", ps, "-"],
        "{\"op\":\"create_plan\",\"kind\":\"package_plan\",\"side\":\"SELL\",\"internal_name\":\"Office 100\"}\n",
    );
    assert!(o.status.success());
    let o = plansmith(&["approve", ps, "PP-1", "--by", "Dana"]);
    assert_clean_error(&o, 1, "refused");
    let err = stderr(&o);
    assert!(err.contains("STR-03") && err.contains("saleable_from"), "{err}");
    let o = plansmith(&["approve", ps, "--all", "--by", "Dana"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("blocked"), "{}", stdout(&o));
}

#[test]
fn apply_stops_at_the_first_bad_line_and_keeps_the_earlier_ones() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let ps = p.to_str().unwrap();
    assert!(plansmith(&["new", ps]).status.success());
    let script = "{\"op\":\"create_customer\",\"name\":\"Harbour Cafes\"}\n{\"op\":\"create_customer\",\"nam\":\"x\"}\n{\"op\":\"create_customer\",\"name\":\"Never\"}\n";
    let o = with_stdin(&["apply", ps, "-"], script);
    assert_clean_error(&o, 1, "line 2");
    assert!(stdout(&o).contains("ok 1 Create customer 'Harbour Cafes' -> CU-1"));
    let rows = stdout(&plansmith(&["list", ps, "--kind", "customer"]));
    assert!(rows.contains("Harbour Cafes") && !rows.contains("Never"), "{rows}");
}

#[test]
fn a_second_writer_is_refused_but_readers_still_work() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let ps = p.to_str().unwrap();
    // Hold the catalog open for writing in this process.
    let _held = plansmith_core::Catalog::open(&p).unwrap();
    assert_clean_error(&plansmith(&["undo", ps]), 2, "already open for writing");
    let o = plansmith(&["check", ps]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn bad_arguments_get_usage_not_a_panic() {
    let o = plansmith(&["approve"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Usage"), "{}", stderr(&o));
    let o = plansmith(&["--help"]);
    assert!(o.status.success());
    for cmd in ["new", "check", "dump", "load", "list", "steps", "approve", "reopen", "undo", "redo", "apply"] {
        assert!(stdout(&o).contains(cmd), "help lists {cmd}");
    }
}

/// Runs `plansmith ARGS` with standard output sent to `out` (a closed pipe, /dev/full).
fn plansmith_into(args: &[&str], out: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plansmith"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("PLANSMITH_USER", "cli-test")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .expect("run plansmith")
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let ps = p.to_str().unwrap();
    for args in [&["rules"][..], &["list", ps], &["check", ps], &["dump", ps], &["steps", ps, "ST-1"]] {
        // A pipe whose reading end is closed before anything is written (`… | true`).
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = plansmith_into(args, writer.into());
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(141), "{args:?} into a closed pipe: {err}");
        assert_eq!(err, "", "{args:?} says nothing: whoever read the output stopped on purpose");
    }
}

#[test]
fn a_full_output_after_a_committed_change_is_a_sentence_not_a_crash() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let ps = p.to_str().unwrap();
    let o = plansmith(&["list", ps, "--kind", "package_plan", "--side", "SELL", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let pp = rows[0]["id"].as_str().unwrap().to_string();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = plansmith_into(&["approve", ps, &pp, "--by", "Dana"], full.into());
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("the output could not be written") && err.contains("is kept"), "{err}");
    // The approval itself was committed.
    let o = plansmith(&["list", ps, "--status", "approved", "--json"]);
    let approved: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(approved.iter().any(|r| r["id"] == pp.as_str()), "{pp} is approved");
}

/// A tmpfs of `kib` KiB mounted over a temporary folder, unmounted when dropped; none where
/// this user may not mount (the tests that need one then say so and pass nothing off).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Every name in the folder.
    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(self.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        v.sort();
        v
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_leaves_nothing_behind_and_says_what_was_not_written() {
    let Some(disk) = SmallDisk::mount(96) else {
        eprintln!("skipped: this user cannot mount a small disk (run as root to test a full disk)");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let demo_file = demo(d.path());
    let at = |name: &str| disk.path().join(name).to_str().unwrap().to_string();

    // The demo catalog (about 0.5 MB) cannot fit in 96 KiB.
    let o = plansmith(&["new", &at("demo.plansmith"), "--demo"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("the demo catalog {} was not created: the disk is full", at("demo.plansmith"))),
        "{}",
        stderr(&o)
    );
    assert_eq!(disk.names(), Vec::<String>::new(), "nothing is left behind");

    // Fill the disk but for a few KiB: a new empty catalog and a dump do not fit either.
    std::fs::write(disk.path().join("fill"), vec![0u8; 88 * 1024]).unwrap();
    let o = plansmith(&["new", &at("empty.plansmith"), "--name", "Empty"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("was not created: the disk is full"), "{}", stderr(&o));
    let o = plansmith(&["dump", demo_file.to_str().unwrap(), "--out", &at("dump.json")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("the disk is full"), "{}", stderr(&o));
    assert_eq!(disk.names(), vec!["fill".to_string()], "nothing is left behind");
    // And a retry where there is room succeeds at once: no stale file blocks it.
    std::fs::remove_file(disk.path().join("fill")).unwrap();
    let o = plansmith(&["dump", demo_file.to_str().unwrap(), "--out", &at("dump.json")]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_new_catalog_never_takes_in_side_files_it_did_not_write() {
    let d = tempfile::tempdir().unwrap();
    let demo_file = demo(d.path());
    let dump = d.path().join("dump.json");
    assert!(plansmith(&["dump", demo_file.to_str().unwrap(), "--out", dump.to_str().unwrap()]).status.success());
    // A catalog deleted after a crash leaves its write-ahead log behind.
    let stale = d.path().join("again.plansmith-wal");
    std::fs::write(&stale, b"rows of a catalog that is gone").unwrap();
    let again = d.path().join("again.plansmith");
    let a = again.to_str().unwrap();
    for args in [vec!["new", a, "--name", "Again"], vec!["new", a, "--demo"], vec!["load", a, dump.to_str().unwrap()]] {
        let o = plansmith(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("again.plansmith-wal is beside it") && err.contains("left over"), "{args:?}: {err}");
        assert!(!again.exists(), "{args:?} created the catalog anyway");
    }
    assert_eq!(std::fs::read(&stale).unwrap(), b"rows of a catalog that is gone", "the stale file is untouched");
    // Once it is moved away, the same command works. An empty log and an -shm index (what a
    // read-only open leaves) hold no rows and do not stand in the way.
    std::fs::remove_file(&stale).unwrap();
    std::fs::write(&stale, b"").unwrap();
    std::fs::write(d.path().join("again.plansmith-shm"), [0u8; 64]).unwrap();
    assert!(plansmith(&["new", a, "--name", "Again"]).status.success());
}

#[test]
fn a_catalog_on_read_only_media_is_read_and_refuses_changes_in_words() {
    let Some(disk) = SmallDisk::mount(4096) else {
        eprintln!("skipped: this user cannot mount a read-only disk (run as root to test one)");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let demo_file = demo(d.path());
    let on_disk = disk.path().join("demo.plansmith");
    std::fs::copy(&demo_file, &on_disk).unwrap();
    let remounted = Command::new("mount").args(["-o", "remount,ro"]).arg(disk.path()).status().unwrap();
    assert!(remounted.success());
    let p = on_disk.to_str().unwrap();
    for args in [vec!["check", p], vec!["list", p], vec!["dump", p], vec!["steps", p, "ST-1"]] {
        let o = plansmith(&args);
        assert!(o.status.success(), "{args:?} on read-only media: {}", stderr(&o));
    }
    assert!(stdout(&plansmith(&["list", p])).contains("PP-2"));
    let o = plansmith(&["approve", p, "PP-2", "--by", "Dana"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("read-only disk") && stderr(&o).contains("Copy it to a writable folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(disk.names(), vec!["demo.plansmith".to_string()]);
}
