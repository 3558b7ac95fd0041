//! The bundle export benchmark: exporting a 10 000-structure catalog and a realistic
//! 300-structure one, each timed beside a reference pipeline on the same data in the same run,
//! interleaved so both share the machine's noise. Goals: the 10 000-structure export within 2×
//! of the reference, the 300-structure one within 1.5×.
//!
//! - export: `Catalog::export_bundle` end to end: read the snapshot, close over the
//!   structures, check the rules, write catalog.json, the build sheet, the ID return sheet and
//!   the manifest, zip them, write and fsync the file, rename, record the audit entry.
//! - reference: `sqlite3 -json` of every content table of the same catalog into one file,
//!   `zip -6` of it, `openssl dgst -sha256` of the zip.
//!
//! Beside the wall-clock times it prints the CPU time each side used (ours: this process's
//! user + system time; the reference: its child processes'), from `/proc/self/stat`: on a
//! machine shared with other work the CPU time moves much less than the wall clock, and the
//! export uses every core while the reference pipeline mostly uses one.
//!
//! Run: `cargo bench -p plansmith-core --bench bundle`. Environment:
//! `PLANSMITH_BENCH_STRUCTURES` (default `10000,300`: the catalogs' sizes, half of each
//! article's structure), `PLANSMITH_BENCH_RUNS` (default 5; three times as many for a catalog
//! under 1 000 structures, whose rounds are short), `PLANSMITH_BENCH_DIR` (default the system
//! temp dir).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use plansmith_core::bundle::ExportOptions;
use plansmith_core::model::Tier;
use plansmith_core::synth::{self, SynthSpec};
use plansmith_core::{Catalog, NewCatalog, Stamp, Timestamp};

/// The allocator the app and the CLI ship with (the workspace's Cargo.toml says why).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TABLES: &[&str] = &[
    "settings",
    "service_type",
    "bolt_on_category",
    "tariff",
    "package_plan",
    "package_plan_service_plan",
    "service_plan",
    "service_plan_included_value",
    "bolt_on",
    "add_on_group_member",
    "bolt_on_add_on",
    "add_on_quota",
    "bolt_on_group",
    "bolt_on_group_member",
    "bolt_on_link",
    "allowance",
    "customer",
    "site",
    "structure",
    "structure_member",
];

fn stamp() -> Stamp {
    Stamp::new("bench", Timestamp::from_unix_seconds(1_767_225_600))
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// The synthetic catalog, every plan approved (one bulk UPDATE: approving 120 000 plans one
/// closure at a time is not what is measured here).
fn build(dir: &Path, structures: usize) -> PathBuf {
    let path = dir.join(format!("bundle-bench-{structures}.plansmith"));
    let new = NewCatalog {
        catalog_id: "bench".into(),
        name: "Bundle benchmark".into(),
        provider: "Bench Telco".into(),
        tier: Tier::Wholesale,
        currency: "AUD".into(),
    };
    let spec = SynthSpec {
        bolt_on_structures: structures / 2,
        shared_data_structures: structures - structures / 2,
        ..SynthSpec::default()
    };
    let mut cat = Catalog::create(&path, &new, &stamp()).expect("create");
    let t = Instant::now();
    let sum = synth::generate(&mut cat, &spec, 7).expect("generate");
    synth::approve_every_plan(&mut cat).expect("approve");
    drop(cat);
    println!(
        "catalog: {} structures, {} entities ({} plans), {:.1} MB; generated and approved in {:.1} s",
        sum.structures,
        sum.n_entities,
        sum.plans(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    path
}

/// (this process's, its waited-for children's) user + system CPU seconds so far.
fn cpu() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    // utime, stime, cutime, cstime are fields 14-17, i.e. 11-14 after the name; 100 ticks/s.
    let tick = |i: usize| f.get(i).copied().unwrap_or(0.0) / 100.0;
    (tick(11) + tick(12), tick(13) + tick(14))
}

fn export(catalog: &Path, out: &Path) -> (Duration, u64, f64) {
    let _ = std::fs::remove_file(out);
    let (c0, _) = cpu();
    let t = Instant::now();
    let mut cat = Catalog::open(catalog).expect("open");
    let done = cat.export_bundle(out, &ExportOptions::default(), None, &stamp()).expect("export");
    let d = t.elapsed();
    (d, done.bytes, cpu().0 - c0)
}

fn reference(catalog: &Path, dir: &Path) -> (Duration, u64, f64) {
    let json = dir.join("reference.json");
    let zip = dir.join("reference.zip");
    let _ = std::fs::remove_file(&zip);
    let sql: String = TABLES.iter().map(|t| format!("SELECT * FROM {t};")).collect::<Vec<_>>().join("\n");
    let (_, c0) = cpu();
    let t = Instant::now();
    let dump = Command::new("sqlite3").arg("-json").arg("-readonly").arg(catalog).arg(&sql).output().expect("sqlite3");
    assert!(dump.status.success(), "sqlite3: {}", String::from_utf8_lossy(&dump.stderr));
    std::fs::write(&json, &dump.stdout).unwrap();
    let z = Command::new("zip").args(["-6", "-q", "-j"]).arg(&zip).arg(&json).status().expect("zip");
    assert!(z.success());
    let h = Command::new("openssl").args(["dgst", "-sha256"]).arg(&zip).output().expect("openssl");
    assert!(h.status.success());
    let d = t.elapsed();
    (d, std::fs::metadata(&zip).map(|m| m.len()).unwrap_or(0), cpu().1 - c0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The goal of a catalog of `structures`: within 2× of the reference at 10 000 structures,
/// 1.5× for a realistic catalog of a few hundred.
fn goal(structures: usize) -> f64 {
    if structures >= 1000 { 2.0 } else { 1.5 }
}

fn main() {
    for tool in ["sqlite3", "zip", "openssl"] {
        let ok =
            Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success());
        assert!(ok, "the reference pipeline needs `{tool}` (apt-get install -y sqlite3 zip openssl)");
    }
    let sizes: Vec<usize> = std::env::var("PLANSMITH_BENCH_STRUCTURES")
        .unwrap_or_else(|_| "10000,300".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let base = std::env::var_os("PLANSMITH_BENCH_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::Builder::new().prefix("plansmith-bundle-bench").tempdir_in(base).expect("temp dir");
    for structures in sizes {
        let runs = env_or("PLANSMITH_BENCH_RUNS", 5).max(1) * if structures < 1000 { 3 } else { 1 };
        bench(dir.path(), structures, runs);
    }
}

/// Exports a catalog of `structures` `runs` times, each beside a reference run, and prints
/// the figures.
fn bench(dir: &Path, structures: usize, runs: usize) {
    println!();
    let catalog = build(dir, structures);
    let out = dir.join("bundle.zip");
    // One untimed round each, to warm the page cache the same way for both.
    export(&catalog, &out);
    reference(&catalog, dir);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut our_cpu, mut their_cpu) = (Vec::new(), Vec::new());
    let (mut our_size, mut their_size) = (0, 0);
    for _ in 0..runs {
        let (d, n, c) = export(&catalog, &out);
        ours.push(d);
        our_cpu.push(Duration::from_secs_f64(c));
        our_size = n;
        let (d, n, c) = reference(&catalog, dir);
        theirs.push(d);
        their_cpu.push(Duration::from_secs_f64(c));
        their_size = n;
    }
    let (a, b) = (median(ours.clone()), median(theirs.clone()));
    println!(
        "export (plansmith export_bundle)                  median {:>8.3} s  runs {:?}  bundle {:.1} MB",
        a.as_secs_f64(),
        ours.iter().map(|d| format!("{:.3}", d.as_secs_f64())).collect::<Vec<_>>(),
        our_size as f64 / 1e6
    );
    println!(
        "reference (sqlite3 -json + zip -6 + openssl sha256) median {:>8.3} s  runs {:?}  zip {:.1} MB",
        b.as_secs_f64(),
        theirs.iter().map(|d| format!("{:.3}", d.as_secs_f64())).collect::<Vec<_>>(),
        their_size as f64 / 1e6
    );
    println!(
        "ratio export / reference ({structures} structures): {:.2}× (goal ≤ {}×)",
        a.as_secs_f64() / b.as_secs_f64(),
        goal(structures)
    );
    // Each export is timed right before its reference run, so the ratio within a round cancels
    // the slow drifts of a shared machine (its speed wanders by ±15 % over minutes here).
    let paired: Vec<f64> = ours.iter().zip(&theirs).map(|(o, t)| o.as_secs_f64() / t.as_secs_f64()).collect();
    let mut sorted = paired.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "ratio within each round: median {:.2}×  rounds {:?}",
        sorted[sorted.len() / 2],
        paired.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>()
    );
    let (ca, cb) = (median(our_cpu), median(their_cpu));
    println!(
        "CPU time (user + system), median: export {:.3} s, reference {:.3} s, ratio {:.2}×",
        ca.as_secs_f64(),
        cb.as_secs_f64(),
        ca.as_secs_f64() / cb.as_secs_f64()
    );
}
