//! The catalog benchmark: the performance goals of the issue, each measured beside a reference
//! taken in the same run on the same machine, so the ratio means something even on a noisy
//! shared box. Run with `cargo bench -p plansmith-core --bench catalog` (a plain `main`, no
//! harness); `docs/performance.md` holds the figures and how to read them.
//!
//! (a) full check of a 100k-entity catalog (load the snapshot + `rules::check`) vs the `sqlite3`
//!     command line and an in-process rusqlite scan of the same columns;
//! (b) one-object re-check after an edit (`rules::affected` before and after + `check_objects`);
//! (c) one committed edit through `Catalog::apply` vs a bare `BEGIN IMMEDIATE; UPDATE; COMMIT`
//!     with the same pragmas on a copy of the same catalog, interleaved to share the noise;
//! (c') `profile`: where an edit's time goes (bare, record, change, apply), diagnostic only.
//! (d) one page of link candidates (a bolt-on's add-on group, a service plan's bolt-ons, a SELL
//!     allowance's BUY parent) vs one page of the list screen of the same kind.
//!
//! Environment: `PLANSMITH_BENCH_ENTITIES` (default 100000), `PLANSMITH_BENCH_DIR` (where the
//! catalogs go; default the system temp dir, which should be a real disk for (c)), `SQLITE3`
//! (the sqlite3 binary). Arguments `a`, `b`, `c`, `profile`, `d` run only those parts. Nothing here
//! asserts a timing.

use std::path::Path;
use std::time::{Duration, Instant};

use plansmith_core::model::{Behaviour, Tier};
use plansmith_core::rules::{self, Severity};
use plansmith_core::snapshot::COMMON_COLUMNS;
use plansmith_core::synth::{self, SynthSpec};
use plansmith_core::{Catalog, Change, EntityKind, Id, NewCatalog, PlanField, Scope, Snapshot, Stamp, Timestamp};

fn stamp() -> Stamp {
    Stamp::new("bench", Timestamp::from_unix_seconds(1_795_305_600))
}

/// Median, p95, mean, min and max of a set of durations.
struct Stats {
    median: Duration,
    p95: Duration,
    mean: Duration,
    min: Duration,
    max: Duration,
    n: usize,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let n = v.len();
    let at = |q: f64| v[((n as f64 * q).ceil() as usize).clamp(1, n) - 1];
    Stats {
        median: if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2 },
        p95: at(0.95),
        mean: v.iter().sum::<Duration>() / n as u32,
        min: v[0],
        max: v[n - 1],
        n,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn row(what: &str, s: &Stats) {
    println!(
        "  {what:<52} median {:>11}  p95 {:>11}  mean {:>11}  min {:>11}  max {:>11}  (n={})",
        ms(s.median),
        ms(s.p95),
        ms(s.mean),
        ms(s.min),
        ms(s.max),
        s.n
    );
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

/// Builds the synthetic catalog once and closes it (which checkpoints the WAL into the file).
fn build(dir: &Path, n: usize) -> std::path::PathBuf {
    let path = dir.join("bench.plansmith");
    let new = NewCatalog {
        catalog_id: "bench".into(),
        name: "Benchmark".into(),
        provider: "Bench Telco".into(),
        tier: Tier::Wholesale,
        currency: "AUD".into(),
    };
    let spec = SynthSpec::sized(n);
    let mut cat = Catalog::create(&path, &new, &stamp()).expect("create catalog");
    let (sum, t) = time(|| synth::generate(&mut cat, &spec, 1).expect("generate"));
    drop(cat);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "catalog: {} entities ({} plans, {} groups, {} links, {} allowances, {} customers, {} sites, {} structures), {} rows, {:.1} MB; generated in {}",
        sum.n_entities,
        sum.plans(),
        sum.bolt_on_groups,
        sum.bolt_on_links,
        sum.allowances,
        sum.customers,
        sum.sites,
        sum.structures,
        sum.n_rows,
        size as f64 / 1e6,
        ms(t)
    );
    path
}

/// The statements `Snapshot::load` runs for a full check: the same tables, columns and order.
fn scan_sql() -> Vec<String> {
    let c = COMMON_COLUMNS;
    vec![
        "SELECT code, name, category, auto_provisioned FROM service_type ORDER BY code".into(),
        "SELECT code, name FROM bolt_on_category ORDER BY code".into(),
        "SELECT code, name, service_type, bolt_on_category FROM tariff ORDER BY code".into(),
        "SELECT catalog_id, name, provider, tier, currency, created_at FROM settings WHERE id = 1".into(),
        "SELECT package_plan, service_plan FROM package_plan_service_plan ORDER BY package_plan, position".into(),
        format!("SELECT {c}, weighting, iv_type, iv_amount FROM package_plan ORDER BY id"),
        "SELECT service_plan, value_type, amount FROM service_plan_included_value ORDER BY service_plan, slot".into(),
        format!(
            "SELECT {c}, service_type, data_billing, billing_type, quota_kb, excess_rate, charge_in_quota, bonus_kb, pool FROM service_plan ORDER BY id"
        ),
        "SELECT bolt_on, add_on FROM add_on_group_member ORDER BY bolt_on, position".into(),
        format!(
            "SELECT {c}, service_type, bolt_on_category, tariff, iv_type, iv_amount, first_time_fee, excess_rate FROM bolt_on ORDER BY id"
        ),
        "SELECT add_on, value_type, bonus_type, amount, weight FROM add_on_quota ORDER BY add_on, slot".into(),
        format!(
            "SELECT {c}, service_type, bolt_on_category, tariff, iv_type, is_provisioned, provisioning_key, available_in_api, available_in_user_portal FROM bolt_on_add_on ORDER BY id"
        ),
        "SELECT bolt_on_group, bolt_on FROM bolt_on_group_member ORDER BY bolt_on_group, position".into(),
        "SELECT id, side, name, description FROM bolt_on_group ORDER BY id".into(),
        "SELECT id, service_plan, bolt_on, behaviour FROM bolt_on_link ORDER BY id".into(),
        "SELECT id, bolt_on_link, add_on, max_occurrence, description, buy_parent FROM allowance ORDER BY id".into(),
        "SELECT id, name, description, data_package FROM customer ORDER BY id".into(),
        "SELECT id, customer, name, technology, speed, service_identifier, tail_package FROM site ORDER BY id".into(),
        "SELECT structure, object, role FROM structure_member ORDER BY structure, position".into(),
        "SELECT id, kind, name, customer FROM structure ORDER BY id".into(),
    ]
}

/// (a) Full check vs the sqlite3 command line and an in-process scan of the same columns.
fn full_check(path: &Path, repeats: usize) {
    println!(
        "\n(a) full check of the whole catalog, {repeats} runs each, interleaved (goal: within 3x of the sqlite3 scan)"
    );
    let sql = scan_sql();
    let script = sql.join(";\n") + ";";
    let sqlite3 = std::env::var("SQLITE3").unwrap_or_else(|_| "sqlite3".into());
    let mut t_load = Vec::new();
    let mut t_check = Vec::new();
    let mut t_total = Vec::new();
    let mut t_cli = Vec::new();
    let mut t_scan = Vec::new();
    let mut last = None;
    let mut cli_ok = true;
    for i in 0..repeats + 1 {
        // Check: what `plansmith check` does after opening the file.
        let (total, dt) = time(|| {
            let cat = Catalog::open_read_only(path).expect("open read-only");
            let (snap, dl) = time(|| Snapshot::load(cat.conn(), &Scope::All).expect("load"));
            let (findings, dc) = time(|| rules::check(&snap));
            (findings, dl, dc)
        });
        let (findings, dl, dc) = total;
        // sqlite3 CLI: a fresh process, like a fresh `plansmith check`.
        let cli = time(|| {
            std::process::Command::new(&sqlite3)
                .arg("-readonly")
                .arg(path)
                .arg(&script)
                .stdout(std::process::Stdio::null())
                .status()
        });
        // In-process: open, step every row, touch every column.
        let (sum, ds) = time(|| {
            let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
            let mut sum = 0usize;
            for q in &sql {
                let mut st = conn.prepare(q).unwrap();
                let cols = st.column_count();
                let mut rows = st.query([]).unwrap();
                while let Some(r) = rows.next().unwrap() {
                    for c in 0..cols {
                        sum += match r.get_ref(c).unwrap() {
                            rusqlite::types::ValueRef::Integer(v) => v as usize & 1,
                            rusqlite::types::ValueRef::Text(t) => t.len(),
                            _ => 0,
                        };
                    }
                }
            }
            sum
        });
        std::hint::black_box(sum);
        match cli {
            (Ok(st), d) if st.success() => {
                if i > 0 {
                    t_cli.push(d)
                }
            }
            (r, _) => {
                if cli_ok {
                    println!("  sqlite3 command line unavailable ({r:?}); set SQLITE3=/path/to/sqlite3");
                }
                cli_ok = false;
            }
        }
        if i > 0 {
            // The first run of each warms the OS page cache.
            t_load.push(dl);
            t_check.push(dc);
            t_total.push(dt);
            t_scan.push(ds);
        }
        last = Some(findings);
    }
    let findings = last.unwrap();
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    println!("  findings: {} ({errors} errors, {} warnings)", findings.len(), findings.len() - errors);
    let total = stats(t_total);
    row("open + Snapshot::load + rules::check", &total);
    row("  of which Snapshot::load", &stats(t_load));
    row("  of which rules::check", &stats(t_check));
    let scan = stats(t_scan);
    row("reference: in-process rusqlite scan, same columns", &scan);
    if cli_ok {
        let cli = stats(t_cli);
        row("reference: sqlite3 CLI, same SELECTs, to /dev/null", &cli);
        println!(
            "  ratio check/sqlite3 CLI: median {:.2}x; check/in-process scan: median {:.2}x",
            total.median.as_secs_f64() / cli.median.as_secs_f64(),
            total.median.as_secs_f64() / scan.median.as_secs_f64()
        );
    } else {
        println!(
            "  ratio check/in-process scan: median {:.2}x",
            total.median.as_secs_f64() / scan.median.as_secs_f64()
        );
    }
}

/// (b) Re-check after one edit: what the window does — `affected` before and after the edit,
/// then `check_objects` on the union. The edit itself is not timed (that is (c)).
fn recheck(path: &Path, edits: usize) {
    println!(
        "\n(b) re-check after one edit, {edits} edits of plans, links and allowances (goal: median and p95 <= 10 ms)"
    );
    let mut cat = Catalog::open(path).expect("open catalog");
    let stamp = stamp();
    let ids = |cat: &Catalog, table: &str| -> Vec<i64> {
        let mut st = cat.conn().prepare(&format!("SELECT id FROM {table} ORDER BY id")).unwrap();
        st.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let kinds = [
        EntityKind::PackagePlan,
        EntityKind::ServicePlan,
        EntityKind::BoltOn,
        EntityKind::BoltOnAddOn,
        EntityKind::BoltOnLink,
        EntityKind::Allowance,
    ];
    let all: Vec<Vec<i64>> = kinds.iter().map(|k| ids(&cat, k.table())).collect();
    let mut t_total = Vec::with_capacity(edits);
    let mut t_check = Vec::with_capacity(edits);
    let mut t_affected = Vec::with_capacity(edits);
    let mut sizes = 0usize;
    let mut findings = 0usize;
    for i in 0..edits + 5 {
        let k = i % kinds.len();
        let list = &all[k];
        let id = Id::new(kinds[k], list[(i * 7919 + 101) % list.len()]);
        let change = match id.kind {
            EntityKind::BoltOnLink => {
                let b = [Behaviour::Optional, Behaviour::ForcedRemovable, Behaviour::ForcedIrremovable][i % 3];
                Change::SetBehaviour { link: id, behaviour: Some(b) }
            }
            EntityKind::Allowance => {
                let (max, parent): (i64, Option<i64>) = cat
                    .conn()
                    .query_row("SELECT max_occurrence, buy_parent FROM allowance WHERE id = ?1", [id.n], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .unwrap();
                Change::UpdateAllowance {
                    id,
                    max_occurrence: max,
                    description: Some(format!("recheck {i}")),
                    buy_parent: parent.map(|p| Id::new(EntityKind::Allowance, p)),
                }
            }
            _ => {
                let name: String = cat
                    .conn()
                    .query_row(&format!("SELECT internal_name FROM {} WHERE id = ?1", id.kind.table()), [id.n], |r| {
                        r.get(0)
                    })
                    .unwrap();
                Change::SetPlanField { id, edit: PlanField::InternalName(format!("{name} r{i}")) }
            }
        };
        let (before, d_before) = time(|| rules::affected(cat.conn(), id).unwrap());
        cat.apply(&change, &stamp).unwrap();
        let (after, d_after) = time(|| rules::affected(cat.conn(), id).unwrap());
        let mut union = before;
        union.extend(after);
        union.sort();
        union.dedup();
        let (found, d_check) = time(|| rules::check_objects(cat.conn(), &union).unwrap());
        if i >= 5 {
            sizes += union.len();
            findings += found.len();
            t_affected.push(d_before + d_after);
            t_check.push(d_check);
            t_total.push(d_before + d_after + d_check);
        }
    }
    row("affected (before + after) + check_objects", &stats(t_total));
    row("  of which rules::affected, twice", &stats(t_affected));
    row("  of which rules::check_objects", &stats(t_check));
    println!(
        "  objects re-checked per edit: {:.1} on average; findings on them: {findings} in all",
        sizes as f64 / edits as f64
    );
}

/// (c) `Catalog::apply(SetPlanField)` vs a bare committed UPDATE with the same pragmas.
fn edits(path: &Path, rounds: usize) {
    println!("\n(c) one committed edit, {rounds} edits each, interleaved (goal: apply within 2x of bare)");
    let bare_path = path.with_file_name("bare.sqlite");
    std::fs::copy(path, &bare_path).expect("copy catalog");
    let mut cat = Catalog::open(path).expect("open catalog");
    let bare = rusqlite::Connection::open(&bare_path).expect("open copy");
    bare.pragma_update(None, "journal_mode", "WAL").unwrap();
    bare.pragma_update(None, "synchronous", "FULL").unwrap();
    bare.pragma_update(None, "foreign_keys", "ON").unwrap();

    let ids: Vec<i64> = {
        let mut st = cat.conn().prepare("SELECT id FROM service_plan ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let stamp = stamp();
    let mut t_apply = Vec::with_capacity(rounds);
    let mut t_bare = Vec::with_capacity(rounds);
    // Warm both into their steady state: page and statement caches, and a WAL that has been
    // checkpointed once (1000 pages) and is now rewritten in place. A WAL that is still growing
    // costs every commit a file-size change in the file system's journal, which would handicap
    // whichever side writes fewer pages per commit (the bare one).
    for i in 0..WARM_UP {
        let id = ids[(i * 7919) % ids.len()];
        let ch = Change::SetPlanField {
            id: Id::new(EntityKind::ServicePlan, id),
            edit: PlanField::Description(Some(format!("warm-{i}"))),
        };
        cat.apply(&ch, &stamp).unwrap();
        bare_edit(&bare, id, &format!("warm-{i}"));
    }
    for i in 0..rounds {
        let id = ids[(i * 7919 + 13) % ids.len()];
        let text = format!("edit-{i}");
        let ch = Change::SetPlanField {
            id: Id::new(EntityKind::ServicePlan, id),
            edit: PlanField::Description(Some(text.clone())),
        };
        let mut run_apply = || t_apply.push(time(|| cat.apply(&ch, &stamp).unwrap()).1);
        if i % 2 == 0 {
            run_apply();
            t_bare.push(time(|| bare_edit(&bare, id, &text)).1);
        } else {
            t_bare.push(time(|| bare_edit(&bare, id, &text)).1);
            run_apply();
        }
    }
    let a = stats(t_apply);
    let b = stats(t_bare);
    row("Catalog::apply(SetPlanField description)", &a);
    row("reference: bare BEGIN IMMEDIATE; UPDATE; COMMIT", &b);
    println!(
        "  ratio apply/bare: median {:.2}x, p95 {:.2}x",
        a.median.as_secs_f64() / b.median.as_secs_f64(),
        a.p95.as_secs_f64() / b.p95.as_secs_f64()
    );
    // What a commit's fsync costs on this disk: the smaller it is, the more the CPU work of a
    // change shows in the ratio (a laptop SSD honouring flushes takes 0.2–2 ms).
    let fsync = {
        use std::io::Write;
        let p = path.with_file_name("fsync.probe");
        let mut f = std::fs::File::create(&p).unwrap();
        let page = [0u8; 4096];
        let t: Vec<Duration> = (0..200)
            .map(|_| {
                time(|| {
                    f.write_all(&page).unwrap();
                    f.sync_all().unwrap();
                })
                .1
            })
            .collect();
        let _ = std::fs::remove_file(&p);
        stats(t)
    };
    row("context: append 4 KB + fsync, same directory", &fsync);
    drop(bare);
    let _ = std::fs::remove_file(&bare_path);
}

/// Where the time of an edit goes: the same UPDATE through successively more of the store,
/// round-robin so every variant sees the same noise. Diagnostic only (no goal).
fn edit_profile(path: &Path, rounds: usize) {
    println!("\n(c') where an edit's time goes, {rounds} edits per variant, round-robin");
    let bare_path = path.with_file_name("bare-profile.sqlite");
    std::fs::copy(path, &bare_path).expect("copy catalog");
    let mut cat = Catalog::open(path).expect("open catalog");
    let bare = rusqlite::Connection::open(&bare_path).expect("open copy");
    bare.pragma_update(None, "journal_mode", "WAL").unwrap();
    bare.pragma_update(None, "synchronous", "FULL").unwrap();
    bare.pragma_update(None, "foreign_keys", "ON").unwrap();
    let n_sp: i64 = cat.conn().query_row("SELECT MAX(id) FROM service_plan", [], |r| r.get(0)).unwrap();
    let stamp = stamp();
    const SQL: &str = "UPDATE service_plan SET description = ?1 WHERE id = ?2";
    let names = [
        "bare, cached UPDATE (reference)",
        "bare, UPDATE prepared each time",
        "Catalog::record, cached UPDATE (no undo capture)",
        "Catalog::change, cached UPDATE (undo capture)",
        "Catalog::apply(SetPlanField description)",
    ];
    let mut t: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); names.len()];
    for i in 0..rounds + WARM_UP {
        let id = 1 + ((i as i64) * 7919 + 29) % n_sp;
        for k in 0..names.len() {
            let v = (k + i) % names.len();
            // Distinct per variant: SQLite skips rewriting a row to identical content, and a
            // commit with nothing dirty never reaches the disk.
            let text = format!("profile-{i}-{v}");
            let (_, d) = time(|| match v {
                0 => bare_edit(&bare, id, &text),
                1 => {
                    bare.execute_batch("BEGIN IMMEDIATE").unwrap();
                    bare.execute(SQL, rusqlite::params![text, id]).unwrap();
                    bare.execute_batch("COMMIT").unwrap();
                }
                2 => cat
                    .record(|tx| {
                        tx.prepare_cached(SQL)?.execute(rusqlite::params![text, id])?;
                        Ok(())
                    })
                    .unwrap(),
                3 => cat
                    .change("profile", &stamp, |tx| {
                        tx.prepare_cached(SQL)?.execute(rusqlite::params![text, id])?;
                        Ok(())
                    })
                    .unwrap(),
                _ => {
                    let ch = Change::SetPlanField {
                        id: Id::new(EntityKind::ServicePlan, id),
                        edit: PlanField::Description(Some(text.clone())),
                    };
                    cat.apply(&ch, &stamp).unwrap();
                }
            });
            if i >= WARM_UP {
                t[v].push(d);
            }
        }
    }
    let all: Vec<Stats> = t.into_iter().map(stats).collect();
    for (name, s) in names.iter().zip(&all) {
        row(name, s);
    }
    let base = all[0].median.as_secs_f64();
    println!(
        "  medians relative to bare: {}",
        all.iter().map(|s| format!("{:.2}x", s.median.as_secs_f64() / base)).collect::<Vec<_>>().join(", ")
    );
    drop(bare);
    let _ = std::fs::remove_file(&bare_path);
}

/// Warm-up commits per side before timing: enough for the bare side (1–2 WAL pages per
/// commit) to pass the 1000-page auto-checkpoint once.
const WARM_UP: usize = 1200;

fn bare_edit(conn: &rusqlite::Connection, id: i64, text: &str) {
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn.prepare_cached("UPDATE service_plan SET description = ?1 WHERE id = ?2")
        .unwrap()
        .execute(rusqlite::params![text, id])
        .unwrap();
    conn.execute_batch("COMMIT").unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let want = |p: &str| args.is_empty() || args.iter().any(|a| a == p);
    let n: usize = std::env::var("PLANSMITH_BENCH_ENTITIES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = match std::env::var_os("PLANSMITH_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("temp dir");
    println!(
        "plansmith-core catalog benchmark ({} cores, {})",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        dir.path().display()
    );
    let path = build(dir.path(), n);
    if want("a") {
        full_check(&path, 7);
    }
    if want("b") {
        recheck(&path, 200);
    }
    if want("c") {
        edits(&path, 300);
    }
    if want("profile") || args.is_empty() {
        edit_profile(&path, 200);
    }
    if want("d") {
        candidates(&path, 200);
    }
}

/// (d) Link candidates, first page of 20 with a search word and without, interleaved with the
/// list screen's first page of the same kind (the reference: the page a list shows).
fn candidates(path: &Path, rounds: usize) {
    use plansmith_core::candidates::{CandidateQuery, LinkSlot};
    use plansmith_core::query::{FindingCounts, ListQuery};
    let cat = Catalog::open_read_only(path).expect("open");
    let s = cat.snapshot().expect("snapshot");
    let counts = FindingCounts::new(&rules::check(&s));
    let bolt_ons: Vec<Id> = s.bolt_ons.iter().map(|p| p.id).collect();
    let services: Vec<Id> = s.service_plans.iter().map(|p| p.id).collect();
    let sell_links: Vec<(Id, Id)> =
        s.allowances.iter().filter(|a| a.buy_parent.is_some()).map(|a| (a.bolt_on_link, a.add_on)).collect();
    println!("\n(d) one page (20) of link candidates, {rounds} rounds, interleaved with a list page of the same kind");
    let q = |of: Id, slot: LinkSlot, add_on: Option<Id>, search: Option<&str>| CandidateQuery {
        of,
        slot,
        add_on,
        search: search.map(str::to_string),
        offset: 0,
        limit: 20,
    };
    let list = |kind: EntityKind, search: Option<&str>| ListQuery {
        kind,
        side: None,
        status: None,
        service_type: None,
        search: search.map(str::to_string),
        has_errors: None,
        offset: 0,
        limit: 20,
    };
    let (mut add_on, mut add_on_search, mut bolt_on, mut parent, mut reference, mut reference_search) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for i in 0..rounds {
        let bo = bolt_ons[(i * 7919) % bolt_ons.len()];
        let sp = services[(i * 104_729) % services.len()];
        add_on.push(time(|| cat.candidates(&q(bo, LinkSlot::AddOn, None, None), &counts).unwrap()).1);
        add_on_search.push(time(|| cat.candidates(&q(bo, LinkSlot::AddOn, None, Some("1")), &counts).unwrap()).1);
        bolt_on.push(time(|| cat.candidates(&q(sp, LinkSlot::BoltOn, None, None), &counts).unwrap()).1);
        if let Some((link, ao)) = sell_links.get(i % sell_links.len().max(1)) {
            parent.push(time(|| cat.candidates(&q(*link, LinkSlot::BuyParent, Some(*ao), None), &counts).unwrap()).1);
        }
        reference.push(time(|| cat.list(&list(EntityKind::BoltOnAddOn, None), &counts).unwrap()).1);
        reference_search.push(time(|| cat.list(&list(EntityKind::BoltOnAddOn, Some("1")), &counts).unwrap()).1);
    }
    row("add-on group candidates of a bolt-on", &stats(add_on));
    row("  … with a search word", &stats(add_on_search));
    row("bolt-on candidates of a service plan", &stats(bolt_on));
    if !parent.is_empty() {
        row("BUY parent of a SELL allowance", &stats(parent));
    }
    row("reference: add-on list page", &stats(reference));
    row("reference: add-on list page with a search word", &stats(reference_search));
}
