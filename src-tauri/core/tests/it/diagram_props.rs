//! Properties of the diagram layout over random catalogs: shared service plans and bolt-ons,
//! objects in several groups, cross-side links, dangling structures.
//! - no two nodes overlap; no container overlaps a node it does not hold; containers hold
//!   their members and never overlap each other; nodes sit in their side's lane; every edge
//!   joins drawn things along a route on the page ([`assert_well_formed`]);
//! - the layout is deterministic: the same catalog gives the same diagram, and its JSON reads
//!   back to the same diagram;
//! - the catalog diagram draws every plan and allowance exactly once;
//! - catalogs from `synth` (the shape of real ones) lay out the same way, with no errors shown.

use crate::diagram_catalogs;

use diagram_catalogs::{assert_well_formed, random_snapshot};
use plansmith_core::diagram::{self, Diagram};
use plansmith_core::model::StructureKind;
use plansmith_core::synth::{self, SynthSpec};
use plansmith_core::{Catalog, NewCatalog, Snapshot, Stamp, Timestamp, rules};
use proptest::prelude::*;

fn all_diagrams(s: &Snapshot) -> Vec<(String, Diagram)> {
    let findings = rules::check(s);
    let mut v = vec![("catalog".to_string(), diagram::catalog(s, &findings))];
    for st in &s.structures {
        v.push((format!("structure {}", st.id), diagram::structure(s, &findings, st.id).unwrap()));
        if st.kind == StructureKind::SharedData {
            v.push((format!("shared data {}", st.id), diagram::shared_data(s, &findings, st.id).unwrap()));
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_catalogs_lay_out_without_overlaps(seed in any::<u64>(), scale in 1usize..9) {
        let s = random_snapshot(seed, scale);
        for (what, d) in all_diagrams(&s) {
            assert_well_formed(&d, &format!("seed {seed}, scale {scale}, {what}"));
        }
    }

    #[test]
    fn the_layout_is_deterministic(seed in any::<u64>(), scale in 1usize..9) {
        let s = random_snapshot(seed, scale);
        let first = all_diagrams(&s);
        let again = all_diagrams(&random_snapshot(seed, scale));
        prop_assert_eq!(&first, &again);
        for (_, d) in &first {
            let json = serde_json::to_string(d).unwrap();
            let back: Diagram = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, d);
            prop_assert_eq!(diagram::svg::write(&back), diagram::svg::write(d));
        }
    }

    #[test]
    fn the_catalog_diagram_draws_every_plan_and_allowance_once(seed in any::<u64>(), scale in 1usize..9) {
        let s = random_snapshot(seed, scale);
        let d = diagram::catalog(&s, &rules::check(&s));
        let mut drawn: Vec<String> = d.nodes.iter().map(|n| n.key.clone()).collect();
        drawn.sort();
        let mut want: Vec<String> = s.plans().map(|p| p.id.to_string()).chain(s.allowances.iter().map(|a| a.id.to_string())).collect();
        want.sort();
        prop_assert_eq!(drawn, want);
    }
}

fn stamp() -> Stamp {
    Stamp::new("diagram-test", Timestamp::from_unix_seconds(1_767_225_600))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn synthetic_catalogs_lay_out_cleanly(seed in any::<u64>(), bolt_ons in 0usize..4, shared in 0usize..3, add_ons in 1usize..5) {
        let dir = tempfile::tempdir().unwrap();
        let new = NewCatalog { catalog_id: "synth".into(), name: "Synth".into(), provider: String::new(), tier: plansmith_core::model::Tier::Wholesale, currency: "AUD".into() };
        let mut cat = Catalog::create(&dir.path().join("s.plansmith"), &new, &stamp()).unwrap();
        let spec = SynthSpec { bolt_on_structures: bolt_ons, shared_data_structures: shared, add_ons_per_bolt_on: add_ons, tails_per_shared_data: 2, sites_per_customer: 3 };
        synth::generate(&mut cat, &spec, seed).unwrap();
        let s = cat.snapshot().unwrap();
        for (what, d) in all_diagrams(&s) {
            assert_well_formed(&d, &format!("synth seed {seed}, {what}"));
            let flagged: Vec<&str> = d.nodes.iter().filter(|n| n.errors > 0).map(|n| n.key.as_str()).collect();
            prop_assert!(flagged.is_empty(), "{}: a clean synthetic catalog shows errors on {:?}", what, flagged);
        }
        // One section per structure: synthetic structures share nothing.
        let d = diagram::catalog(&s, &[]);
        prop_assert_eq!(d.sections.len(), bolt_ons + shared);
    }
}
