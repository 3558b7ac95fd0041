//! Shared by the diagram tests: random catalogs built in memory (shared service plans and
//! bolt-ons, objects in several groups, cross-side mistakes, dangling structures: everything
//! the editor lets a consultant type on the way to a correct design), and the geometric
//! invariants every laid-out diagram must satisfy.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use plansmith_core::diagram::{Diagram, Rect};
use plansmith_core::model::*;
use plansmith_core::{EntityKind, Id, Money, Snapshot, Timestamp};

/// splitmix64, so a seed names a catalog.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> Option<T> {
        if xs.is_empty() { None } else { Some(xs[self.below(xs.len())]) }
    }
}

const NAMES: &[&str] = &[
    "Mobile 40",
    "Business Internet Shared Data 500GB for every site of the group, billed monthly",
    "<script>alert(\"x\")</script>",
    "Tom & Jerry's \"best\" plan",
    "",
    "Café Ünïcödé — 数据 plan",
    "]]> <!-- -->",
    "a\u{7}b\u{1b}c",
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
];

fn plan(kind: EntityKind, n: i64, side: Side, name: &str, status: Status) -> Plan {
    Plan {
        id: Id::new(kind, n),
        side,
        internal_name: name.to_string(),
        external_name: Some(name.to_string()),
        reference_name: None,
        reference_key: None,
        import_reference: None,
        description: None,
        external_description: None,
        service_type: (kind != EntityKind::PackagePlan).then(|| "MOBILE".to_string()),
        buy_counterpart: None,
        setup_fee: None,
        access_fee: Some(Money(1500)),
        recurring: true,
        pro_rata: true,
        saleable_from: None,
        saleable_to: None,
        status,
        production_id: None,
        detail: PlanDetail::empty(kind).expect("plan kind"),
    }
}

fn distinct(rng: &mut Rng, from: &[Id], max: usize) -> Vec<Id> {
    let k = rng.below(max + 1);
    let mut out: Vec<Id> = Vec::new();
    for _ in 0..k {
        if let Some(x) = rng.pick(from).filter(|x| !out.contains(x)) {
            out.push(x);
        }
    }
    out
}

/// Mostly of `side`, sometimes any (the cross-side mistakes STR-02 reports).
fn mostly_same_side(rng: &mut Rng, plans: &[Plan], side: Side) -> Vec<Id> {
    if rng.chance(85) {
        let same: Vec<Id> = plans.iter().filter(|p| p.side == side).map(|p| p.id).collect();
        if !same.is_empty() {
            return same;
        }
    }
    plans.iter().map(|p| p.id).collect()
}

/// A random catalog of about `scale` plans per kind and side.
pub fn random_snapshot(seed: u64, scale: usize) -> Snapshot {
    let mut rng = Rng(seed);
    let statuses = [Status::Draft, Status::Approved, Status::Live, Status::Retired];
    let mut lists: BTreeMap<EntityKind, Vec<Plan>> = BTreeMap::new();
    for kind in EntityKind::PLANS {
        let count = rng.below(2 * scale + 1);
        let v: Vec<Plan> = (1..=count as i64)
            .map(|n| {
                let side = if rng.chance(50) { Side::Buy } else { Side::Sell };
                let name = if rng.chance(70) {
                    format!("{} {n}", ["Plan", "Bolt-on", "Top-up", "Pack"][rng.below(4)])
                } else {
                    NAMES[rng.below(NAMES.len())].to_string()
                };
                plan(kind, n, side, &name, statuses[rng.below(4)])
            })
            .collect();
        lists.insert(kind, v);
    }
    // Counterparts: a SELL plan names a plan of its kind, mostly a BUY one.
    for kind in EntityKind::PLANS {
        let all = lists[&kind].clone();
        for p in lists.get_mut(&kind).unwrap().iter_mut() {
            if p.side == Side::Sell && rng.chance(75) {
                let buys = mostly_same_side(&mut rng, &all, Side::Buy);
                p.buy_counterpart = rng.pick(&buys);
            }
        }
    }
    let sps = lists[&EntityKind::ServicePlan].clone();
    let aos = lists[&EntityKind::BoltOnAddOn].clone();
    let bos = lists[&EntityKind::BoltOn].clone();
    for p in lists.get_mut(&EntityKind::PackagePlan).unwrap().iter_mut() {
        let choice = mostly_same_side(&mut rng, &sps, p.side);
        let chosen = distinct(&mut rng, &choice, 3);
        if let PlanDetail::PackagePlan(f) = &mut p.detail {
            f.service_plans = chosen;
            f.weighting = rng.below(100) as i64;
        }
    }
    for p in lists.get_mut(&EntityKind::ServicePlan).unwrap().iter_mut() {
        let pool = mostly_same_side(&mut rng, &sps, p.side);
        let roll = rng.below(10);
        if let PlanDetail::ServicePlan(f) = &mut p.detail {
            if roll < 3 {
                f.data_billing.mode = DataBillingMode::Pooled;
                f.data_billing.pool = pool.get(rng.below(pool.len().max(1))).copied();
            } else if roll < 5 {
                f.data_billing.mode = DataBillingMode::Own;
                f.data_billing.quota_kb = Some(500 * 1024 * 1024);
                f.data_billing.excess_rate = Some(Money(250));
            }
        }
    }
    for p in lists.get_mut(&EntityKind::BoltOn).unwrap().iter_mut() {
        let choice = mostly_same_side(&mut rng, &aos, p.side);
        let chosen = distinct(&mut rng, &choice, 4);
        if let PlanDetail::BoltOn(f) = &mut p.detail {
            f.add_on_group = chosen;
            f.included_value =
                Some(IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 8 * 1024 * 1024 });
        }
    }
    let bo_ids: Vec<Id> = bos.iter().map(|p| p.id).collect();
    let mut groups = Vec::new();
    for n in 1..=rng.below(scale.min(4) + 1) as i64 {
        let side = if rng.chance(70) { Side::Sell } else { Side::Buy };
        let members = distinct(&mut rng, &bo_ids, 4);
        groups.push(BoltOnGroup {
            id: Id::new(EntityKind::BoltOnGroup, n),
            side,
            name: NAMES[rng.below(NAMES.len())].to_string(),
            description: None,
            members,
        });
    }
    let behaviours =
        [Some(Behaviour::Optional), Some(Behaviour::ForcedIrremovable), Some(Behaviour::ForcedRemovable), None];
    let mut links = Vec::new();
    let mut allowances: Vec<Allowance> = Vec::new();
    for sp in &sps {
        let choice = mostly_same_side(&mut rng, &bos, sp.side);
        for b in distinct(&mut rng, &choice, 2) {
            let id = Id::new(EntityKind::BoltOnLink, links.len() as i64 + 1);
            links.push(BoltOnLink { id, service_plan: sp.id, bolt_on: b, behaviour: behaviours[rng.below(4)] });
            let add_ons = mostly_same_side(&mut rng, &aos, sp.side);
            for a in distinct(&mut rng, &add_ons, 2) {
                let parents: Vec<Id> = allowances.iter().map(|x| x.id).collect();
                let buy_parent = if sp.side == Side::Sell && rng.chance(70) { rng.pick(&parents) } else { None };
                allowances.push(Allowance {
                    id: Id::new(EntityKind::Allowance, allowances.len() as i64 + 1),
                    bolt_on_link: id,
                    add_on: a,
                    max_occurrence: rng.below(6) as i64,
                    description: rng.chance(30).then(|| NAMES[rng.below(NAMES.len())].to_string()),
                    buy_parent,
                });
            }
        }
    }
    let pps: Vec<Id> = lists[&EntityKind::PackagePlan].iter().map(|p| p.id).collect();
    let mut customers = Vec::new();
    let mut sites = Vec::new();
    for n in 1..=rng.below(3) as i64 {
        let id = Id::new(EntityKind::Customer, n);
        customers.push(Customer {
            id,
            name: NAMES[rng.below(NAMES.len())].to_string(),
            description: None,
            data_package: rng.pick(&pps),
        });
        for _ in 0..rng.below(5) {
            let sid = Id::new(EntityKind::Site, sites.len() as i64 + 1);
            sites.push(Site {
                id: sid,
                customer: id,
                name: NAMES[rng.below(NAMES.len())].to_string(),
                technology: ["NBN", "SHDSL", "Fibre"][rng.below(3)].to_string(),
                speed: "100/40 Mbps".to_string(),
                service_identifier: rng.chance(50).then(|| "AVC000123".to_string()),
                tail_package: if rng.chance(80) { rng.pick(&pps) } else { None },
            });
        }
    }
    let all_plans: Vec<Id> = lists.values().flatten().map(|p| p.id).collect();
    let mut structures = Vec::new();
    for n in 1..=rng.below(4) as i64 {
        let shared = rng.chance(40);
        let members = distinct(&mut rng, &all_plans, 4)
            .into_iter()
            .map(|object| StructureMember {
                object,
                role: if shared { [MemberRole::Data, MemberRole::Tail][rng.below(2)] } else { MemberRole::Member },
            })
            .collect();
        let customer_ids: Vec<Id> = customers.iter().map(|c: &Customer| c.id).collect();
        structures.push(Structure {
            id: Id::new(EntityKind::Structure, n),
            kind: if shared { StructureKind::SharedData } else { StructureKind::BoltOnAddOn },
            name: NAMES[rng.below(NAMES.len())].to_string(),
            customer: if shared { rng.pick(&customer_ids) } else { None },
            members,
        });
    }
    Snapshot {
        settings: Settings {
            catalog_id: format!("random-{seed}"),
            name: "Random catalog <&>".to_string(),
            provider: String::new(),
            tier: if rng.chance(80) { Tier::Wholesale } else { Tier::Retail },
            currency: "AUD".to_string(),
            created_at: Timestamp::from_unix_seconds(1_767_225_600),
        },
        service_types: vec![],
        bolt_on_categories: vec![],
        tariffs: vec![],
        package_plans: lists.remove(&EntityKind::PackagePlan).unwrap(),
        service_plans: lists.remove(&EntityKind::ServicePlan).unwrap(),
        bolt_ons: lists.remove(&EntityKind::BoltOn).unwrap(),
        bolt_on_add_ons: lists.remove(&EntityKind::BoltOnAddOn).unwrap(),
        bolt_on_groups: groups,
        bolt_on_links: links,
        allowances,
        customers,
        sites,
        structures,
    }
}

fn show(r: &Rect) -> String {
    format!("({}, {}) {}×{}", r.x, r.y, r.w, r.h)
}

/// The geometric invariants of a laid-out diagram; panics naming the first one broken.
pub fn assert_well_formed(d: &Diagram, what: &str) {
    let keys: BTreeSet<&str> = d.nodes.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys.len(), d.nodes.len(), "{what}: node keys are unique");
    let ckeys: BTreeSet<&str> = d.containers.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(ckeys.len(), d.containers.len(), "{what}: container keys are unique");
    assert!(keys.is_disjoint(&ckeys), "{what}: node and container keys differ");
    let page = Rect { x: 0, y: 0, w: d.width, h: d.height };
    for n in &d.nodes {
        assert!(n.w > 0 && n.h > 0, "{what}: {} has a size", n.key);
        assert!(page.contains(&n.rect()), "{what}: {} {} lies on the page {}", n.key, show(&n.rect()), show(&page));
    }
    // No two nodes overlap (sorted sweep over x, so big diagrams stay quick).
    let mut by_x: Vec<&plansmith_core::diagram::Node> = d.nodes.iter().collect();
    by_x.sort_by_key(|n| (n.x, n.y));
    for (i, a) in by_x.iter().enumerate() {
        for b in &by_x[i + 1..] {
            if b.x >= a.x + a.w {
                break;
            }
            assert!(
                !a.rect().overlaps(&b.rect()),
                "{what}: nodes {} {} and {} {} overlap",
                a.key,
                show(&a.rect()),
                b.key,
                show(&b.rect())
            );
        }
    }
    // Containers: hold their members, overlap no foreign node, nest or stay apart.
    for c in &d.containers {
        let cr = c.rect();
        assert!(c.w > 0 && c.h > 0, "{what}: container {} has a size", c.key);
        assert!(page.contains(&cr), "{what}: container {} lies on the page", c.key);
        for m in &c.members {
            let n = d.node(m).unwrap_or_else(|| panic!("{what}: member {m} of {} is a node", c.key));
            assert_eq!(n.container.as_deref(), Some(c.key.as_str()), "{what}: {m} knows its container {}", c.key);
            assert!(cr.contains(&n.rect()), "{what}: {m} {} lies inside {} {}", show(&n.rect()), c.key, show(&cr));
        }
        for n in &d.nodes {
            if n.container.as_deref() != Some(c.key.as_str()) {
                assert!(
                    !cr.overlaps(&n.rect()),
                    "{what}: container {} {} overlaps foreign node {} {}",
                    c.key,
                    show(&cr),
                    n.key,
                    show(&n.rect())
                );
            }
        }
    }
    for n in &d.nodes {
        if let Some(c) = &n.container {
            let c = d.container(c).unwrap_or_else(|| panic!("{what}: {}'s container {c} exists", n.key));
            assert!(c.members.contains(&n.key), "{what}: {} is listed in {}", n.key, c.key);
        }
    }
    for (i, a) in d.containers.iter().enumerate() {
        for b in &d.containers[i + 1..] {
            let (ra, rb) = (a.rect(), b.rect());
            assert!(
                !ra.overlaps(&rb) || ra.contains(&rb) || rb.contains(&ra),
                "{what}: containers {} and {} overlap without nesting",
                a.key,
                b.key
            );
        }
    }
    // Nodes sit in their side's lane of their section.
    for n in &d.nodes {
        if let Some(side) = n.side {
            let lane = d
                .lanes
                .iter()
                .find(|l| l.section == n.section && l.side == side)
                .unwrap_or_else(|| panic!("{what}: {}'s section has a {side} lane", n.key));
            let lr = Rect { x: lane.x, y: lane.y, w: lane.w, h: lane.h };
            assert!(
                lr.contains(&n.rect()),
                "{what}: {} {} lies in its {side} lane {}",
                n.key,
                show(&n.rect()),
                show(&lr)
            );
        }
        let s = &d.sections[n.section as usize];
        assert!(Rect { x: s.x, y: s.y, w: s.w, h: s.h }.contains(&n.rect()), "{what}: {} lies in its section", n.key);
    }
    for (i, a) in d.sections.iter().enumerate() {
        for b in &d.sections[i + 1..] {
            let (ra, rb) = (Rect { x: a.x, y: a.y, w: a.w, h: a.h }, Rect { x: b.x, y: b.y, w: b.w, h: b.h });
            assert!(!ra.overlaps(&rb), "{what}: sections {} and {} overlap", a.title, b.title);
        }
    }
    // Edges join things that are drawn, along at least one segment, on the page.
    for e in &d.edges {
        for end in [&e.from, &e.to] {
            assert!(
                keys.contains(end.as_str()) || ckeys.contains(end.as_str()),
                "{what}: edge {} → {} ends at {end}, which is drawn",
                e.from,
                e.to
            );
        }
        assert!(e.points.len() >= 2, "{what}: edge {} → {} has a route", e.from, e.to);
        for p in &e.points {
            assert!(
                p.x >= 0 && p.y >= 0 && p.x <= d.width && p.y <= d.height,
                "{what}: edge {} → {} stays on the page",
                e.from,
                e.to
            );
        }
    }
}
