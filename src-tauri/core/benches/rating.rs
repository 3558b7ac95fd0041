//! The rating benchmark: every structure of the 100k-entity synthetic catalog rated for 12
//! periods (one scenario each: usage above the allocations, top-ups as needed), beside the
//! reference of the same run: the full rule check (`rules::check`) of the same snapshot. The
//! goal is within 3× of the reference. Both start from the same loaded snapshot; rating builds
//! its relations once for the whole catalog. Prints figures, asserts none.
//!
//! Run with `cargo bench -p plansmith-core --bench rating`; `PLANSMITH_BENCH_ENTITIES` sets the
//! size (default 100000).

use std::time::{Duration, Instant};

use plansmith_core::model::{IncludedValueType, StructureKind, Tier};
use plansmith_core::rating::{self, Scenario, Usage};
use plansmith_core::relations::Relations;
use plansmith_core::rules;
use plansmith_core::synth::{self, SynthSpec};
use plansmith_core::{Catalog, Date, NewCatalog, Stamp, Timestamp};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::var("PLANSMITH_BENCH_ENTITIES").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rating.plansmith");
    let stamp = Stamp::new("bench", Timestamp::from_unix_seconds(1_795_305_600));
    let new = NewCatalog {
        catalog_id: "bench-rating".into(),
        name: "bench".into(),
        provider: String::new(),
        tier: Tier::Wholesale,
        currency: "AUD".into(),
    };
    let mut cat = Catalog::create(&path, &new, &stamp).unwrap();
    synth::generate(&mut cat, &SynthSpec::sized(n), 42).unwrap();
    let snapshot = cat.snapshot().unwrap();
    let start = Date::new(2026, 7, 15).unwrap();
    let scenarios: Vec<Scenario> = snapshot
        .structures
        .iter()
        .map(|st| {
            let mut sc = Scenario::new("bench", st.id, start);
            let gb = if st.kind == StructureKind::SharedData { 900 } else { 60 };
            sc.usage = vec![
                Usage { value_type: IncludedValueType::Kilobytes, amount: gb * rating::KB_PER_GB, period: None },
                Usage { value_type: IncludedValueType::Seconds, amount: 30_000, period: None },
            ];
            sc.top_ups_as_needed = true;
            sc
        })
        .collect();
    println!("rating bench: {n} entities, {} structures, 12 periods each", scenarios.len());

    let mut check = Vec::new();
    let mut rate = Vec::new();
    let mut lines = 0usize;
    // Interleaved, so both share the machine's noise.
    for _ in 0..5 {
        let t = Instant::now();
        let findings = rules::check(&snapshot);
        check.push(t.elapsed());
        std::hint::black_box(findings);
        let t = Instant::now();
        let r = Relations::new(&snapshot);
        lines = 0;
        for sc in &scenarios {
            let rated = rating::rate_with(&r, sc).unwrap();
            lines += rated.periods.iter().map(|p| p.lines.len()).sum::<usize>();
            std::hint::black_box(rated);
        }
        rate.push(t.elapsed());
    }
    let (c, r) = (median(check), median(rate));
    println!("  full rule check (reference)       median {:>9.1} ms", c.as_secs_f64() * 1e3);
    println!("  rate every structure, 12 periods  median {:>9.1} ms  ({lines} line pairs)", r.as_secs_f64() * 1e3);
    println!("  ratio rating / check              {:.2}x (goal: within 3x)", r.as_secs_f64() / c.as_secs_f64());
}
