//! Timing of the rules on a 100 000-entity synthetic catalog, in the states the benchmark
//! (benches/catalog.rs) does not cover: every plan approved (the lifecycle rules at work) and
//! a catalog full of findings (every SELL plan without an external name, every link without a
//! behaviour). Ignored by default; run optimised:
//!
//! `cargo test --release -p plansmith-core --test it rules_perf -- --ignored --nocapture`
//!
//! It prints the figures and asserts only generous bounds (a 2-core shared machine is noisy).

use std::time::{Duration, Instant};

use plansmith_core::model::Tier;
use plansmith_core::rules;
use plansmith_core::synth::{self, SynthSpec};
use plansmith_core::{Catalog, NewCatalog, Scope, Snapshot, Stamp, Timestamp};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = None;
    let times = (0..runs)
        .map(|_| {
            let t = Instant::now();
            out = Some(f());
            t.elapsed()
        })
        .collect();
    (median(times), out.expect("at least one run"))
}

/// Scans the columns the rules read, as the in-process reference.
fn scan(cat: &Catalog) -> usize {
    let mut n = 0;
    for t in ["package_plan", "service_plan", "bolt_on", "bolt_on_add_on"] {
        let mut st = cat.conn().prepare(&format!("SELECT * FROM {t}")).unwrap();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            n += r.get::<_, i64>(0).unwrap() as usize & 1;
        }
    }
    n
}

fn report(label: &str, cat: &Catalog) {
    let (load, s) = time(3, || Snapshot::load(cat.conn(), &Scope::All).unwrap());
    let (check, findings) = time(5, || rules::check(&s));
    let (reference, _) = time(5, || scan(cat));
    let ids: Vec<_> = s.service_plans.iter().step_by(s.service_plans.len() / 50).map(|p| p.id).collect();
    let (recheck, _) = time(ids.len(), {
        let mut i = 0;
        move || {
            i = (i + 1) % ids.len();
            rules::check_objects(cat.conn(), &[ids[i]]).unwrap()
        }
    });
    println!(
        "{label}: {} findings; Snapshot::load {load:?}, rules::check {check:?}, plan-table scan {reference:?}, check_objects(one service plan) {recheck:?}",
        findings.len()
    );
    assert!(check < Duration::from_secs(2), "{label}: check took {check:?}");
    assert!(recheck < Duration::from_millis(200), "{label}: check_objects took {recheck:?}");
}

#[test]
#[ignore]
fn rules_on_a_100k_entity_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.plansmith");
    let stamp = Stamp::new("perf", Timestamp::from_unix_seconds(1_767_225_600));
    let new = NewCatalog {
        catalog_id: "perf".into(),
        name: "Perf".into(),
        provider: "Acme".into(),
        tier: Tier::Wholesale,
        currency: "AUD".into(),
    };
    let mut cat = Catalog::create(&path, &new, &stamp).unwrap();
    let summary = synth::generate(&mut cat, &SynthSpec::sized(100_000), 7).unwrap();
    println!("{} entities", summary.n_entities);
    report("drafts", &cat);
    synth::approve_every_plan(&mut cat).unwrap();
    report("all approved", &cat);
    cat.conn()
        .execute_batch(
            "UPDATE package_plan SET external_name = NULL WHERE side = 'SELL'; UPDATE service_plan SET external_name = NULL WHERE side = 'SELL';
             UPDATE bolt_on SET external_name = NULL WHERE side = 'SELL'; UPDATE bolt_on_add_on SET external_name = NULL WHERE side = 'SELL';
             UPDATE bolt_on_link SET behaviour = NULL;",
        )
        .unwrap();
    report("all approved, full of errors", &cat);
}
