//! The diagram benchmark: how long the whole-catalog layout takes for 100, 1 000 and 5 000
//! nodes (goal: 5 000 in ≤ 50 ms), each beside references measured in the same run on the same
//! machine, so the ratio means something on a noisy shared box: loading the snapshot from
//! SQLite (what any diagram needs first), and a plain sort of the node keys (the least any
//! deterministic layout does).
//!
//! Two shapes per size: the synthetic catalog as generated (independent structures: many
//! small sections), and the same catalog made into ONE connected graph (every service plan
//! also links the first bolt-on of its side, so one section holds every node): the worst case
//! for ordering and coordinates.
//!
//! Run: `cargo bench -p plansmith-core --bench diagram` (a plain `main`, no harness).
//! `PLANSMITH_BENCH_DIR` chooses where the catalogs go (default: the system temp dir).

use std::time::{Duration, Instant};

use plansmith_core::diagram;
use plansmith_core::model::{Behaviour, BoltOnLink, Side, Tier};
use plansmith_core::rules;
use plansmith_core::synth::{self, SynthSpec};
use plansmith_core::{Catalog, EntityKind, Id, NewCatalog, Scope, Snapshot, Stamp, Timestamp};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut times = Vec::with_capacity(runs);
    let mut out = None;
    for _ in 0..runs {
        drop(out.take()); // the previous result is freed outside the timed region
        let t = Instant::now();
        let r = std::hint::black_box(f());
        times.push(t.elapsed());
        out = Some(r);
    }
    (out.expect("at least one run"), median(times))
}

/// A synthetic catalog of about `nodes` diagram nodes (plans and allowances), half in each
/// kind of structure: a bolt-on structure draws 18 nodes, a shared-data structure 12.
fn build(dir: &std::path::Path, nodes: usize) -> std::path::PathBuf {
    let path = dir.join(format!("diagram-{nodes}.plansmith"));
    let _ = std::fs::remove_file(&path);
    let new = NewCatalog {
        catalog_id: format!("bench-{nodes}"),
        name: "Diagram benchmark".into(),
        provider: "Bench Telco".into(),
        tier: Tier::Wholesale,
        currency: "AUD".into(),
    };
    let mut cat = Catalog::create(&path, &new, &Stamp::new("bench", Timestamp::from_unix_seconds(1_767_225_600)))
        .expect("create");
    let spec = SynthSpec {
        bolt_on_structures: (nodes / 2).div_ceil(18),
        shared_data_structures: (nodes / 2).div_ceil(12),
        add_ons_per_bolt_on: 3,
        tails_per_shared_data: 2,
        sites_per_customer: 4,
    };
    synth::generate(&mut cat, &spec, 42).expect("generate");
    path
}

/// The same catalog as one connected graph: every service plan also links the first bolt-on of
/// its side.
fn connected(mut s: Snapshot) -> Snapshot {
    let first = |side: Side| s.bolt_ons.iter().find(|b| b.side == side).map(|b| b.id);
    let (buy, sell) = (first(Side::Buy), first(Side::Sell));
    let mut next = s.bolt_on_links.iter().map(|l| l.id.n).max().unwrap_or(0);
    let extra: Vec<BoltOnLink> = s
        .service_plans
        .iter()
        .filter_map(|sp| {
            let bo = if sp.side == Side::Buy { buy } else { sell }?;
            next += 1;
            Some(BoltOnLink {
                id: Id::new(EntityKind::BoltOnLink, next),
                service_plan: sp.id,
                bolt_on: bo,
                behaviour: Some(Behaviour::Optional),
            })
        })
        .collect();
    s.bolt_on_links.extend(extra);
    s
}

fn main() {
    let dir =
        std::env::var("PLANSMITH_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| std::env::temp_dir());
    let tmp = tempfile::tempdir_in(&dir).expect("temp dir");
    println!("Diagram layout (whole catalog: order, coordinates, routing), median of the runs, same process");
    println!("references: loading the snapshot from SQLite; sorting the node keys");
    println!();
    println!(
        "{:<10} {:>6} {:>6} {:>8} | {:>10} {:>10} {:>10} | {:>9} {:>9} | {:>10} {:>10}",
        "shape",
        "nodes",
        "edges",
        "sections",
        "layout ms",
        "load ms",
        "sort ms",
        "÷ load",
        "÷ sort",
        "svg ms",
        "check ms"
    );
    let mut worst_5000: f64 = 0.0;
    for target in [100usize, 1_000, 5_000] {
        let path = build(tmp.path(), target);
        let cat = Catalog::open_read_only(&path).expect("open");
        let runs = if target >= 5_000 { 9 } else { 21 };
        let (s, load) = time(runs, || Snapshot::load(cat.conn(), &Scope::All).expect("load"));
        let (findings, check) = time(runs, || rules::check(&s));
        for (shape, snap) in [("sections", s.clone()), ("one graph", connected(s.clone()))] {
            let findings = if shape == "sections" { findings.clone() } else { rules::check(&snap) };
            let (d, layout) = time(runs, || diagram::catalog(&snap, &findings));
            let keys: Vec<String> = d.nodes.iter().map(|n| n.key.clone()).collect();
            let (_, sort) = time(runs, || {
                let mut k = keys.clone();
                k.sort();
                k
            });
            let (_, svg) = time(runs, || diagram::svg::write(&d));
            println!(
                "{:<10} {:>6} {:>6} {:>8} | {:>10.2} {:>10.2} {:>10.3} | {:>8.2}x {:>8.0}x | {:>10.2} {:>10.2}",
                shape,
                d.nodes.len(),
                d.edges.len(),
                d.sections.len(),
                ms(layout),
                ms(load),
                ms(sort),
                ms(layout) / ms(load),
                ms(layout) / ms(sort),
                ms(svg),
                ms(check)
            );
            if target == 5_000 {
                worst_5000 = worst_5000.max(ms(layout));
            }
        }
    }
    println!();
    let verdict = if worst_5000 <= 50.0 { "met" } else { "NOT met" };
    println!("goal: 5 000 nodes laid out in ≤ 50 ms: {verdict} (worst shape: {worst_5000:.2} ms)");
}
