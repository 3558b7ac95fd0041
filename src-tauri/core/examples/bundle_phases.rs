//! Where a large export's time goes, phase by phase (a profiling aid for docs/performance.md):
//! builds (once, kept at PLANSMITH_PHASES_CATALOG) the benchmark's 10k-structure catalog, then
//! times each phase of `bundle::build` on its own, single-threaded where the real export uses
//! two cores, and prints the sizes of the entries.
//!
//! `cargo run --release -p plansmith-core --example bundle_phases`

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use plansmith_core::bundle::{archive, diagrams, ids_return, order, select, sheet};
use plansmith_core::model::Tier;
use plansmith_core::relations::Relations;
use plansmith_core::synth::{self, SynthSpec};
use plansmith_core::{Catalog, NewCatalog, Stamp, Timestamp};

fn main() {
    let stamp = Stamp::new("bench", Timestamp::from_unix_seconds(1_767_225_600));
    let path = std::env::var_os("PLANSMITH_PHASES_CATALOG")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("plansmith-phases.plansmith"));
    if !path.exists() {
        let new = NewCatalog {
            catalog_id: "bench".into(),
            name: "Bundle benchmark".into(),
            provider: "Bench Telco".into(),
            tier: Tier::Wholesale,
            currency: "AUD".into(),
        };
        let spec = SynthSpec { bolt_on_structures: 5000, shared_data_structures: 5000, ..SynthSpec::default() };
        let mut cat = Catalog::create(&path, &new, &stamp).unwrap();
        synth::generate(&mut cat, &spec, 7).unwrap();
        synth::approve_every_plan(&mut cat).unwrap();
    }
    let last = std::cell::Cell::new(Instant::now());
    let lap = |what: &str| {
        println!("{what:<40} {:>8.3} s", last.get().elapsed().as_secs_f64());
        last.set(Instant::now());
    };
    let writable = Catalog::open(&path).unwrap();
    last.set(Instant::now());
    let two = writable.snapshot_on_two().unwrap();
    lap("snapshot on two connections (the export's)");
    drop((two, writable));
    let cat = Catalog::open_read_only(&path).unwrap();
    last.set(Instant::now());
    let s = cat.snapshot().unwrap();
    lap("snapshot on one connection");
    let r = Relations::new(&s);
    lap("relations");
    let c = select::contents(&r, &[]).unwrap();
    lap("contents");
    let doc = select::document(&s, &c);
    lap("document");
    let alone = select::snapshot_of(&doc);
    lap("snapshot_of");
    // The export draws the diagrams from the catalog's snapshot early when the bundle holds
    // every object of it (it leaves out only unused reference data).
    let same = alone.plans().eq(s.plans()) && alone.sites == s.sites && alone.structures == s.structures;
    lap(&format!("bundle objects == catalog's: {same}"));
    let b = select::blockers(&s, &c, &alone);
    assert!(b.is_empty());
    lap("blockers (rules on the bundle)");
    let mut json = serde_json::to_vec_pretty(&doc).unwrap();
    json.push(b'\n');
    lap("catalog.json");
    let sha = plansmith_core::bundle::manifest::sha256_hex(&json);
    lap("sha256 catalog.json");
    let within: BTreeSet<_> = c.objects.clone();
    let sections = order::sections(&alone, &c.structures, &within);
    lap("order::sections");
    let body = sheet::render_sections(&alone, &sections, true, &Default::default());
    lap("sheet sections");
    let svgs = diagrams::diagrams(&alone, &c.structures);
    lap("diagrams (one core, with the rules once)");
    let csv = ids_return::write(&alone, &[]);
    lap("ids");
    let entries = vec![
        archive::Entry { name: "catalog.json".into(), data: json.clone() },
        archive::Entry { name: "sheet".into(), data: body.clone().into_bytes() },
    ];
    let svg_entries: Vec<archive::Entry> =
        svgs.iter().map(|(n, d)| archive::Entry { name: n.clone(), data: d.clone().into_bytes() }).collect();
    lap("copies (not in the export)");
    let packed_main: usize = archive::write(&entries, stamp.at).unwrap().len();
    lap("deflate json + sheet (all cores)");
    let packed_svgs: usize = archive::write(&svg_entries, stamp.at).unwrap().len();
    println!("zipped: json + sheet {:.1} MB, svgs {:.1} MB", packed_main as f64 / 1e6, packed_svgs as f64 / 1e6);
    lap("deflate svgs (all cores)");
    for e in &svg_entries {
        let _ = plansmith_core::bundle::manifest::sha256_hex(&e.data);
    }
    lap("sha256 svgs");
    // The diagrams' parts, one core: the indexes once, then each structure laid out and written.
    let (mut layout, mut write) = (0.0, 0.0);
    let rr = Relations::new(&alone);
    let counts = plansmith_core::diagram::FindingCounts::new(&[]);
    for id in &c.structures {
        let t0 = Instant::now();
        let d = plansmith_core::diagram::structure_in(&rr, &counts, *id).unwrap();
        let t1 = Instant::now();
        let text = plansmith_core::diagram::svg::write(&d);
        let t2 = Instant::now();
        std::hint::black_box(text);
        layout += (t1 - t0).as_secs_f64();
        write += (t2 - t1).as_secs_f64();
    }
    println!("diagram parts (one core, structure diagrams only): draft + layout {layout:.3} s, svg {write:.3} s");
    let svg_bytes: usize = svgs.iter().map(|(_, d)| d.len()).sum();
    println!(
        "sizes: catalog.json {:.1} MB, sheet {:.1} MB, {} svgs {:.1} MB, csv {} B, sha {}",
        json.len() as f64 / 1e6,
        body.len() as f64 / 1e6,
        svgs.len(),
        svg_bytes as f64 / 1e6,
        csv.len(),
        &sha[..8]
    );
    // The whole build as the export runs it (both cores), and the SHA-256 of its bytes: a
    // change meant to keep the bytes must keep this hash.
    drop(rr);
    drop((svgs, body, entries, svg_entries, alone, doc));
    let t = Instant::now();
    let built = plansmith_core::bundle::build(&s, &Default::default(), None, &stamp).unwrap();
    println!(
        "bundle::build (all cores)               {:>8.3} s, {:.1} MB, sha256 {}",
        t.elapsed().as_secs_f64(),
        built.bytes.len() as f64 / 1e6,
        built.sha256
    );
}
