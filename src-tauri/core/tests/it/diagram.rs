//! The demo's diagrams: golden layouts (committed under `tests/golden/`; a change to the
//! layout shows up as a diff in review; `PLANSMITH_BLESS=1 cargo test -p plansmith-core --test
//! it diagram::` rewrites them), and what the articles' pictures say, checked on the layout itself:
//! BUY left and SELL right, rows in the articles' order, counterparts level and mirrored, the
//! SELL bolt-on inside its group, add-ons inside their bolt-on's add-on group, links labelled
//! with their behaviour, and the shared-data picture's customer, pools and site tails.

use crate::diagram_catalogs;

use std::path::PathBuf;
use std::sync::OnceLock;

use diagram_catalogs::assert_well_formed;
use plansmith_core::diagram::{self, ContainerKind, Diagram, EdgeKind, NodeKind};
use plansmith_core::model::Side;
use plansmith_core::{EntityKind, Id, Snapshot, Stamp, demo, rules};

fn demo() -> &'static Snapshot {
    static S: OnceLock<Snapshot> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp::new("Ava Nguyen", "2026-05-04T09:30:00Z".parse().unwrap());
        let cat = demo::write_demo(&dir.path().join("demo.plansmith"), &stamp).unwrap();
        cat.snapshot().unwrap()
    })
}

const SHARED: Id = Id::new(EntityKind::Structure, 1);
const BOLT_ON: Id = Id::new(EntityKind::Structure, 2);

fn structure(id: Id) -> Diagram {
    let s = demo();
    diagram::structure(s, &rules::check(s), id).unwrap()
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `d` with the golden file `name`, or rewrites it under `PLANSMITH_BLESS=1`.
fn golden(name: &str, d: &Diagram) {
    let path = golden_dir().join(name);
    let json = serde_json::to_string_pretty(d).unwrap() + "\n";
    if std::env::var("PLANSMITH_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, &json).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; run with PLANSMITH_BLESS=1 to create it", path.display()));
    if want != json {
        let line = want
            .lines()
            .zip(json.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(json.lines().count()));
        panic!(
            "{} differs from the layout at line {}:\n  golden: {}\n  now:    {}\nIf the change is intended, rerun with PLANSMITH_BLESS=1 and commit the file.",
            path.display(),
            line + 1,
            want.lines().nth(line).unwrap_or("<end>"),
            json.lines().nth(line).unwrap_or("<end>")
        );
    }
    let back: Diagram = serde_json::from_str(&want).unwrap();
    assert_eq!(&back, d, "the golden file reads back as the diagram");
}

#[test]
fn golden_layouts_of_the_demo() {
    let s = demo();
    let findings = rules::check(s);
    golden("structure-ST-1.json", &structure(SHARED));
    golden("structure-ST-2.json", &structure(BOLT_ON));
    golden("shared-data-ST-1.json", &diagram::shared_data(s, &findings, SHARED).unwrap());
    golden("catalog-demo.json", &diagram::catalog(s, &findings));
}

#[test]
fn the_demo_diagrams_are_well_formed() {
    let s = demo();
    let findings = rules::check(s);
    assert_well_formed(&structure(SHARED), "ST-1");
    assert_well_formed(&structure(BOLT_ON), "ST-2");
    assert_well_formed(&diagram::shared_data(s, &findings, SHARED).unwrap(), "shared data ST-1");
    assert_well_formed(&diagram::catalog(s, &findings), "catalog");
}

#[test]
fn the_bolt_on_structure_reads_like_the_article() {
    let d = structure(BOLT_ON);
    let s = demo();
    // Every plan and allowance of the structure, once; kinds in the articles' row order.
    assert_eq!(d.nodes.len(), 18, "2 packages, 2 service plans, 2 bolt-ons, 6 add-ons, 6 allowances");
    let row = |k: NodeKind| {
        let rows: Vec<u32> = d.nodes.iter().filter(|n| n.kind == k).map(|n| n.row).collect();
        assert!(rows.windows(2).all(|w| w[0] == w[1]), "{k:?} share a row");
        rows[0]
    };
    let order =
        [NodeKind::PackagePlan, NodeKind::ServicePlan, NodeKind::BoltOn, NodeKind::BoltOnAddOn, NodeKind::Allowance];
    let rows: Vec<u32> = order.iter().map(|k| row(*k)).collect();
    assert_eq!(rows, vec![0, 1, 2, 3, 4]);
    assert_eq!(
        d.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
        ["Package plans", "Service plans", "Bolt-ons", "Add-ons", "Allowances"]
    );
    // BUY left of the axis, SELL right of it.
    let buy = d.lanes.iter().find(|l| l.side == Side::Buy).unwrap();
    let sell = d.lanes.iter().find(|l| l.side == Side::Sell).unwrap();
    assert!(buy.x + buy.w < sell.x);
    for n in &d.nodes {
        match n.side {
            Some(Side::Buy) => assert!(n.x + n.w <= buy.x + buy.w, "{} is in the BUY lane", n.key),
            Some(Side::Sell) => assert!(n.x >= sell.x, "{} is in the SELL lane", n.key),
            None => panic!("{} has a side", n.key),
        }
    }
    // Counterparts at every level, SELL → BUY, dashed, level, and mirrored about the axis.
    let axis2 = buy.x + buy.w + sell.x;
    let counterparts: Vec<_> = d.edges.iter().filter(|e| e.kind == EdgeKind::Counterpart).collect();
    assert_eq!(counterparts.len(), 9, "2 plans per level + 3 add-ons + 3 allowances, SELL to BUY");
    for e in &counterparts {
        let (a, b) = (d.node(&e.from).unwrap(), d.node(&e.to).unwrap());
        assert!(e.dashed);
        assert_eq!((a.side, b.side), (Some(Side::Sell), Some(Side::Buy)), "{} → {}", a.key, b.key);
        assert_eq!(a.y, b.y, "{} and {} on one level", a.key, b.key);
        assert_eq!(a.x + a.w / 2 + b.x + b.w / 2, axis2, "{} mirrors {}", a.key, b.key);
    }
    assert!(
        counterparts.iter().any(|e| e.from.starts_with("AL-") && e.to.starts_with("AL-")),
        "SELL allowance → BUY allowance"
    );
    // The SELL bolt-on in its bolt-on group; add-ons in their bolt-on's add-on group.
    let group = d.containers.iter().find(|c| c.kind == ContainerKind::BoltOnGroup).unwrap();
    assert_eq!(group.side, Side::Sell);
    let sell_bo = s.bolt_ons.iter().find(|b| b.side == Side::Sell).unwrap();
    assert_eq!(group.members, vec![sell_bo.id.to_string()]);
    let add_on_groups: Vec<_> = d.containers.iter().filter(|c| c.kind == ContainerKind::AddOnGroup).collect();
    assert_eq!(add_on_groups.len(), 2);
    for g in add_on_groups {
        assert_eq!(g.members.len(), 3);
        let owner = g.key.strip_prefix("add-on-group:").unwrap();
        assert!(
            d.edges.iter().any(|e| e.kind == EdgeKind::Contains && e.from == owner && e.to == g.key),
            "{owner} points at its add-on group"
        );
        let bolt_on = d.node(owner).unwrap();
        assert!(bolt_on.y + bolt_on.h < g.y, "the add-on group is below its bolt-on");
    }
    // Links labelled with their behaviour, arrows into the bolt-ons.
    let links: Vec<_> = d.edges.iter().filter(|e| e.kind == EdgeKind::Link).collect();
    assert_eq!(links.len(), 2);
    assert!(links.iter().all(|e| e.label.as_deref() == Some("optional") && e.label_at.is_some()));
    // Nothing is wrong in the demo.
    assert!(d.nodes.iter().all(|n| n.errors == 0 && n.warnings == 0));
}

#[test]
fn the_shared_data_picture_shows_customer_pools_and_every_site_on_both_sides() {
    let s = demo();
    let d = diagram::shared_data(s, &rules::check(s), SHARED).unwrap();
    let customer = d.nodes.iter().find(|n| n.kind == NodeKind::Customer).unwrap();
    assert_eq!(customer.name, "Harbour Cafés Pty Ltd");
    let pools: Vec<_> = d.nodes.iter().filter(|n| n.kind == NodeKind::DataPool).collect();
    assert_eq!(pools.len(), 2);
    for p in &pools {
        assert!(p.details[0].starts_with("500 GB a month · excess $"), "{:?}", p.details);
        assert!(customer.y + customer.h < p.y, "the customer is above the pools");
    }
    let tails: Vec<_> = d.nodes.iter().filter(|n| n.kind == NodeKind::Tail).collect();
    assert_eq!(tails.len(), 12, "6 sites, BUY and SELL");
    let sell_pool = pools.iter().find(|p| p.side == Some(Side::Sell)).unwrap();
    for site in &s.sites {
        for side in ["BUY", "SELL"] {
            let key = format!("{}/{side}", site.id);
            let t = d.node(&key).unwrap_or_else(|| panic!("{key} is drawn"));
            assert!(t.details[0].contains(&site.technology) && t.details[0].contains(&site.speed), "{:?}", t.details);
            assert!(d.edges.iter().any(|e| e.kind == EdgeKind::Pool && e.from == key), "{key} draws from its pool");
        }
        let (b, sl) = (d.node(&format!("{}/BUY", site.id)).unwrap(), d.node(&format!("{}/SELL", site.id)).unwrap());
        assert_eq!(b.y, sl.y, "a site's tails face each other");
    }
    assert!(d.edges.iter().any(|e| e.kind == EdgeKind::Orders && e.from == customer.key && e.to == sell_pool.key));
    // Asked of a structure of the other kind, it says why not.
    let e = diagram::shared_data(s, &[], BOLT_ON).unwrap_err();
    assert!(e.message().contains("shared-data structures only"), "{e}");
    let e = diagram::structure(s, &[], Id::new(EntityKind::Structure, 99)).unwrap_err();
    assert!(e.message().contains("no structure ST-99"), "{e}");
}

#[test]
fn errors_are_counted_on_their_nodes() {
    let mut s = demo().clone();
    // Break the SELL bolt-on (no external name, NAM-02) and a link (no behaviour, BOL-02).
    let sell_bo = s.bolt_ons.iter_mut().find(|b| b.side == Side::Sell).unwrap();
    sell_bo.external_name = None;
    let bo = sell_bo.id;
    s.bolt_on_links[0].behaviour = None;
    let link = s.bolt_on_links[0].id;
    let findings = rules::check(&s);
    let d = diagram::structure(&s, &findings, BOLT_ON).unwrap();
    let want = |id: Id| {
        findings.iter().filter(|f| f.object == id && f.severity == plansmith_core::Severity::Error).count() as u32
    };
    assert!(want(bo) > 0 && want(link) > 0);
    assert_eq!(d.node(&bo.to_string()).unwrap().errors, want(bo));
    let e = d.edges.iter().find(|e| e.object == Some(link)).unwrap();
    assert_eq!(e.errors, want(link));
    assert_eq!(e.label.as_deref(), Some("no behaviour"));
}

#[test]
fn an_empty_structure_and_an_empty_catalog_still_draw_their_lanes() {
    let mut s = demo().clone();
    s.structures[1].members.clear();
    let d = diagram::structure(&s, &[], BOLT_ON).unwrap();
    assert!(d.nodes.is_empty() && d.edges.is_empty());
    assert_eq!(d.lanes.len(), 2, "BUY and SELL, empty");
    assert_well_formed(&d, "empty structure");
    let mut empty = demo().clone();
    empty.package_plans.clear();
    empty.service_plans.clear();
    empty.bolt_ons.clear();
    empty.bolt_on_add_ons.clear();
    empty.bolt_on_groups.clear();
    empty.bolt_on_links.clear();
    empty.allowances.clear();
    empty.structures.clear();
    empty.sites.clear();
    empty.customers.clear();
    let d = diagram::catalog(&empty, &[]);
    assert!(d.nodes.is_empty() && d.sections.is_empty());
    assert!(d.legend.y > 0 && d.height > d.legend.y);
    assert!(diagram::svg::write(&d).contains("whole catalog"));
}
