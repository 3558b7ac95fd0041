//! Build progress follows the articles: building the bolt-on add-on structure step by step in
//! article order turns exactly that step done; a retailer's BUY steps are skipped; the shared
//! data steps are done on the demo.

use plansmith_core::model::*;
use plansmith_core::progress::{StepState, progress_of};
use plansmith_core::relations::Relations;
use plansmith_core::{Catalog, Change, EntityKind, Id, NewCatalog, Stamp, Timestamp};

fn stamp() -> Stamp {
    Stamp::new("t", Timestamp::from_unix_seconds(1_767_225_600))
}

fn states(cat: &Catalog, st: Id) -> Vec<StepState> {
    let s = cat.snapshot().unwrap();
    let r = Relations::new(&s);
    progress_of(&r, st).unwrap().steps.into_iter().map(|s| s.state).collect()
}

fn done_count(v: &[StepState]) -> usize {
    v.iter().filter(|s| **s == StepState::Done).count()
}

struct Build<'a> {
    cat: &'a mut Catalog,
}

impl Build<'_> {
    fn apply(&mut self, c: Change) -> Option<Id> {
        self.cat.apply(&c, &stamp()).unwrap_or_else(|e| panic!("{c:?}: {e}")).created
    }
    fn plan(&mut self, kind: EntityKind, side: Side, name: &str) -> Id {
        self.apply(Change::CreatePlan { kind, side, internal_name: name.into() }).unwrap()
    }
}

fn catalog(dir: &tempfile::TempDir, tier: Tier) -> Catalog {
    let new =
        NewCatalog { catalog_id: "p".into(), name: "P".into(), provider: "".into(), tier, currency: "AUD".into() };
    Catalog::create(&dir.path().join("p.plansmith"), &new, &stamp()).unwrap()
}

#[test]
fn each_article_step_turns_done_when_it_is_built_in_order() {
    let d = tempfile::tempdir().unwrap();
    let mut cat = catalog(&d, Tier::Wholesale);
    let mut b = Build { cat: &mut cat };
    let st = b
        .apply(Change::CreateStructure { kind: StructureKind::BoltOnAddOn, name: "Mobile".into(), customer: None })
        .unwrap();
    let check = |b: &Build, n: usize| {
        let v = states(b.cat, st);
        assert_eq!(v.len(), 12);
        assert_eq!(done_count(&v), n, "after step {n}: {v:?}");
        assert!(v[..n].iter().all(|s| *s == StepState::Done), "steps 1..={n} done: {v:?}");
    };
    check(&b, 0);
    // 1. BUY service plan and BUY package plan, linked.
    let buy_sp = b.plan(EntityKind::ServicePlan, Side::Buy, "Mobile BUY");
    let buy_pp = b.plan(EntityKind::PackagePlan, Side::Buy, "Mobile pkg BUY");
    b.apply(Change::AddStructureMember { structure: st, object: buy_pp, role: MemberRole::Member });
    b.apply(Change::AddServicePlan { package_plan: buy_pp, service_plan: buy_sp });
    check(&b, 1);
    // 2. SELL service plan and package plan, linked and tied to their BUY counterparts.
    let sell_sp = b.apply(Change::CreateSellCounterpart { of: buy_sp }).unwrap();
    let sell_pp = b.apply(Change::CreateSellCounterpart { of: buy_pp }).unwrap();
    check(&b, 2);
    assert_eq!(b.cat.snapshot().unwrap().plan(sell_pp).unwrap().package().unwrap().service_plans, vec![sell_sp]);
    // 3-4. Bolt-ons (members of the structure until they are linked).
    let buy_bo = b.plan(EntityKind::BoltOn, Side::Buy, "8 GB BUY");
    b.apply(Change::AddStructureMember { structure: st, object: buy_bo, role: MemberRole::Member });
    check(&b, 3);
    let sell_bo = b.apply(Change::CreateSellCounterpart { of: buy_bo }).unwrap();
    check(&b, 4);
    // 5. SELL bolt-on in a group.
    let g = b.apply(Change::CreateBoltOnGroup { side: Side::Sell, name: "Data".into() }).unwrap();
    b.apply(Change::AddGroupMember { group: g, bolt_on: sell_bo });
    check(&b, 5);
    // 6-7. Add-ons.
    let buy_ao = b.plan(EntityKind::BoltOnAddOn, Side::Buy, "1 GB BUY");
    b.apply(Change::AddStructureMember { structure: st, object: buy_ao, role: MemberRole::Member });
    check(&b, 6);
    let sell_ao = b.apply(Change::CreateSellCounterpart { of: buy_ao }).unwrap();
    check(&b, 7);
    // 8-9. Add-on groups.
    b.apply(Change::AddToAddOnGroup { bolt_on: buy_bo, add_on: buy_ao });
    check(&b, 8);
    b.apply(Change::AddToAddOnGroup { bolt_on: sell_bo, add_on: sell_ao });
    check(&b, 9);
    // 10. BUY link with its behaviour (a link without behaviour does not count).
    let buy_link = b.apply(Change::LinkBoltOn { service_plan: buy_sp, bolt_on: buy_bo, behaviour: None }).unwrap();
    check(&b, 9);
    b.apply(Change::SetBehaviour { link: buy_link, behaviour: Some(Behaviour::Optional) });
    check(&b, 10);
    // 11. BUY allowance.
    let buy_al = b
        .apply(Change::AddAllowance {
            link: buy_link,
            add_on: buy_ao,
            max_occurrence: 3,
            description: None,
            buy_parent: None,
        })
        .unwrap();
    check(&b, 11);
    // 12. SELL allowance, hanging off the BUY one.
    let sell_link = b
        .apply(Change::LinkBoltOn { service_plan: sell_sp, bolt_on: sell_bo, behaviour: Some(Behaviour::Optional) })
        .unwrap();
    let sell_al = b
        .apply(Change::AddAllowance {
            link: sell_link,
            add_on: sell_ao,
            max_occurrence: 3,
            description: None,
            buy_parent: None,
        })
        .unwrap();
    check(&b, 11);
    b.apply(Change::UpdateAllowance { id: sell_al, max_occurrence: 3, description: None, buy_parent: Some(buy_al) });
    check(&b, 12);
}

#[test]
fn a_retailer_skips_the_buy_steps() {
    let d = tempfile::tempdir().unwrap();
    let mut cat = catalog(&d, Tier::Retail);
    let mut b = Build { cat: &mut cat };
    let st = b
        .apply(Change::CreateStructure {
            kind: StructureKind::BoltOnAddOn,
            name: "Retail mobile".into(),
            customer: None,
        })
        .unwrap();
    let v = states(b.cat, st);
    let skipped: Vec<usize> =
        v.iter().enumerate().filter(|(_, s)| **s == StepState::Skipped).map(|(i, _)| i + 1).collect();
    assert_eq!(skipped, vec![1, 3, 6, 8, 10, 11]);
    let sp = b.plan(EntityKind::ServicePlan, Side::Sell, "Mobile");
    let pp = b.plan(EntityKind::PackagePlan, Side::Sell, "Mobile pkg");
    b.apply(Change::AddServicePlan { package_plan: pp, service_plan: sp });
    b.apply(Change::AddStructureMember { structure: st, object: pp, role: MemberRole::Member });
    assert_eq!(states(b.cat, st)[1], StepState::Done, "SELL without a BUY counterpart is enough for a retailer");
}

#[test]
fn the_demo_structures_are_built_but_not_yet_approved() {
    let d = tempfile::tempdir().unwrap();
    let cat = plansmith_core::demo::write_demo(&d.path().join("demo.plansmith"), &stamp()).unwrap();
    let s = cat.snapshot().unwrap();
    for st in &s.structures {
        let v = states(&cat, st.id);
        match st.kind {
            StructureKind::SharedData => {
                assert_eq!(v.len(), 9);
                assert_eq!(done_count(&v), 8, "{v:?}");
                assert_eq!(v[8], StepState::Open, "approval is the consultant's step");
            }
            StructureKind::BoltOnAddOn => assert_eq!(done_count(&v), 12, "{v:?}"),
        }
    }
}
