//! Link candidates offer exactly what the rules accept: every offered add-on, bolt-on, member,
//! pool or BUY parent, once linked, draws no finding of the rule its slot guards, and what is
//! left out would; paging and search reach past any first batch; a slot that cannot offer
//! anything yet says why.

use plansmith_core::candidates::{CandidatePage, CandidateQuery, LinkSlot};
use plansmith_core::model::*;
use plansmith_core::query::FindingCounts;
use plansmith_core::{Catalog, Change, EntityKind, Id, NewCatalog, PlanField, Stamp, Timestamp, rules};

use EntityKind::{BoltOn as BO, BoltOnAddOn as AO, PackagePlan as PP, ServicePlan as SP};

fn stamp() -> Stamp {
    Stamp::new("t", Timestamp::from_unix_seconds(1_767_225_600))
}

struct Build {
    _dir: tempfile::TempDir,
    cat: Catalog,
}

impl Build {
    fn new() -> Build {
        let dir = tempfile::tempdir().unwrap();
        let new = NewCatalog {
            catalog_id: "c".into(),
            name: "C".into(),
            provider: "".into(),
            tier: Tier::Wholesale,
            currency: "AUD".into(),
        };
        let cat = Catalog::create(&dir.path().join("c.plansmith"), &new, &stamp()).unwrap();
        Build { _dir: dir, cat }
    }
    fn apply(&mut self, c: Change) -> Option<Id> {
        self.cat.apply(&c, &stamp()).unwrap_or_else(|e| panic!("{c:?}: {e}")).created
    }
    fn plan(&mut self, kind: EntityKind, side: Side, name: &str) -> Id {
        self.apply(Change::CreatePlan { kind, side, internal_name: name.into() }).unwrap()
    }
    fn set(&mut self, id: Id, edit: PlanField) {
        self.apply(Change::SetPlanField { id, edit });
    }
    fn typed(&mut self, kind: EntityKind, side: Side, name: &str, st: &str) -> Id {
        let id = self.plan(kind, side, name);
        self.set(id, PlanField::ServiceType(Some(st.into())));
        id
    }
    fn add_on(&mut self, side: Side, name: &str, st: &str, iv: IncludedValueType) -> Id {
        let id = self.typed(AO, side, name, st);
        self.set(id, PlanField::IncludedValueType(Some(iv)));
        id
    }
    fn page(&self, of: Id, slot: LinkSlot, add_on: Option<Id>, search: Option<&str>, offset: u64) -> CandidatePage {
        let q = CandidateQuery { of, slot, add_on, search: search.map(str::to_string), offset, limit: 50 };
        self.cat.candidates(&q, &FindingCounts::default()).unwrap()
    }
    fn ids(&self, of: Id, slot: LinkSlot) -> Vec<Id> {
        self.page(of, slot, None, None, 0).rows.into_iter().map(|r| r.id).collect()
    }
    fn findings_of(&self, id: Id, rule: &str) -> usize {
        rules::check(&self.cat.snapshot().unwrap()).iter().filter(|f| f.object == id && f.rule == rule).count()
    }
}

fn kb(gb: i64) -> i64 {
    gb * 1024 * 1024
}

#[test]
fn the_add_on_group_offers_only_the_bolt_ons_side_service_type_and_value_type() {
    let mut b = Build::new();
    let bo = b.typed(BO, Side::Sell, "Extra 8 GB", "MOBILE");
    let none = b.page(bo, LinkSlot::AddOn, None, None, 0);
    assert_eq!(none.total, 0);
    assert!(none.unavailable.as_deref().unwrap().contains("included_value"), "{none:?}");
    b.set(
        bo,
        PlanField::IncludedValue(Some(IncludedValue { value_type: IncludedValueType::Kilobytes, amount: kb(8) })),
    );
    let good = b.add_on(Side::Sell, "Top-up 1 GB", "MOBILE", IncludedValueType::Kilobytes);
    b.set(
        good,
        PlanField::Quotas(vec![Quota {
            value_type: IncludedValueType::Kilobytes,
            bonus_type: Some(BonusType::None),
            amount: kb(1),
            weight: Some(1),
        }]),
    );
    let other_side = b.add_on(Side::Buy, "Top-up 1 GB BUY", "MOBILE", IncludedValueType::Kilobytes);
    let other_type = b.add_on(Side::Sell, "Top-up 1 GB MBB", "MBB", IncludedValueType::Kilobytes);
    let other_value = b.add_on(Side::Sell, "100 SMS", "MOBILE", IncludedValueType::Units);
    let untyped = b.plan(AO, Side::Sell, "Untyped");
    let page = b.page(bo, LinkSlot::AddOn, None, None, 0);
    assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![good]);
    assert_eq!(page.rows[0].note.as_deref(), Some("1 GB"));
    assert!(page.unavailable.is_none());
    // What is offered joins without ADD-02, STR-02 or STR-05; each of the others breaks one.
    b.apply(Change::AddToAddOnGroup { bolt_on: bo, add_on: good });
    assert_eq!(b.findings_of(good, "ADD-02") + b.findings_of(good, "STR-05") + b.findings_of(bo, "STR-02"), 0);
    assert!(b.ids(bo, LinkSlot::AddOn).is_empty(), "a member is not offered again");
    for (left_out, rule, on) in
        [(other_side, "STR-02", bo), (other_type, "STR-05", other_type), (other_value, "ADD-02", other_value)]
    {
        b.apply(Change::AddToAddOnGroup { bolt_on: bo, add_on: left_out });
        assert!(b.findings_of(on, rule) > 0, "{left_out} left out because of {rule}");
        b.apply(Change::RemoveFromAddOnGroup { bolt_on: bo, add_on: left_out });
    }
    let _ = untyped;
}

#[test]
fn candidates_page_past_any_first_batch_and_search_by_name_and_id() {
    let mut b = Build::new();
    let bo = b.typed(BO, Side::Buy, "Carrier 8 GB", "MOBILE");
    b.set(
        bo,
        PlanField::IncludedValue(Some(IncludedValue { value_type: IncludedValueType::Kilobytes, amount: kb(8) })),
    );
    let mut made = vec![];
    for i in 1..=130 {
        made.push(b.add_on(Side::Buy, &format!("Top-up {i} GB"), "MOBILE", IncludedValueType::Kilobytes));
    }
    let first = b.page(bo, LinkSlot::AddOn, None, None, 0);
    assert_eq!(first.total, 130);
    assert_eq!(first.rows.len(), 50);
    let last = b.page(bo, LinkSlot::AddOn, None, None, 100);
    assert_eq!(last.rows.iter().map(|r| r.id).collect::<Vec<_>>(), made[100..].to_vec());
    let hit = b.page(bo, LinkSlot::AddOn, None, Some("top-up 125"), 0);
    assert_eq!(hit.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![made[124]]);
    let by_id = b.page(bo, LinkSlot::AddOn, None, Some(&made[129].to_string()), 0);
    assert_eq!(by_id.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![made[129]]);
    assert_eq!(b.page(bo, LinkSlot::AddOn, None, Some("%"), 0).total, 0);
    let q = CandidateQuery { of: bo, slot: LinkSlot::AddOn, add_on: None, search: None, offset: 0, limit: 0 };
    assert_eq!(b.cat.candidates(&q, &FindingCounts::default()).unwrap_err().field(), Some("limit"));
}

#[test]
fn service_plans_bolt_ons_groups_and_members_stay_on_one_side() {
    let mut b = Build::new();
    let buy_sp = b.typed(SP, Side::Buy, "Mobile BUY", "MOBILE");
    let buy_pp = b.plan(PP, Side::Buy, "Mobile pkg BUY");
    let sell_sp = b.apply(Change::CreateSellCounterpart { of: buy_sp }).unwrap();
    let other_sell_sp = b.typed(SP, Side::Sell, "Other SELL", "MOBILE");
    let sell_pp = b.plan(PP, Side::Sell, "Mobile pkg SELL");
    assert_eq!(b.ids(buy_pp, LinkSlot::ServicePlan), vec![buy_sp]);
    b.apply(Change::AddServicePlan { package_plan: buy_pp, service_plan: buy_sp });
    assert!(b.ids(buy_pp, LinkSlot::ServicePlan).is_empty());
    b.set(sell_pp, PlanField::BuyCounterpart(Some(buy_pp)));
    let other_sell_pp = b.plan(PP, Side::Sell, "Another SELL package");
    let joinable = b.page(sell_sp, LinkSlot::PackagePlan, None, None, 0);
    assert_eq!(
        joinable.rows.iter().map(|r| (r.id, r.note.clone())).collect::<Vec<_>>(),
        vec![(sell_pp, Some("empty".into())), (other_sell_pp, Some("empty".into()))],
        "SELL packages, the one reselling its BUY counterpart's first"
    );
    assert!(b.ids(buy_sp, LinkSlot::PackagePlan).is_empty(), "already in the only BUY package");
    // The SELL service plan mirroring the BUY package's comes first (STR-04).
    assert_eq!(b.ids(sell_pp, LinkSlot::ServicePlan), vec![sell_sp, other_sell_sp]);

    let untyped = b.plan(SP, Side::Sell, "No type yet");
    assert!(b.page(untyped, LinkSlot::BoltOn, None, None, 0).unavailable.unwrap().contains("service_type"));
    let buy_bo = b.typed(BO, Side::Buy, "Carrier 2 GB", "MOBILE");
    let sell_bo = b.apply(Change::CreateSellCounterpart { of: buy_bo }).unwrap();
    let other_type = b.typed(BO, Side::Sell, "MBB 2 GB", "MBB");
    assert_eq!(b.ids(buy_sp, LinkSlot::BoltOn), vec![buy_bo]);
    let sell = b.page(sell_sp, LinkSlot::BoltOn, None, None, 0);
    assert_eq!(sell.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![sell_bo]);
    assert!(sell.rows[0].note.as_deref().unwrap().contains("BOL-01"), "not grouped yet: {:?}", sell.rows[0]);
    let _ = other_type;

    let group = b.apply(Change::CreateBoltOnGroupFor { bolt_on: sell_bo, name: "Data bolt-ons".into() }).unwrap();
    assert_eq!(group.kind, EntityKind::BoltOnGroup);
    let s = b.cat.snapshot().unwrap();
    assert_eq!((s.group(group).unwrap().side, s.group(group).unwrap().members.clone()), (Side::Sell, vec![sell_bo]));
    assert!(!b.page(sell_sp, LinkSlot::BoltOn, None, None, 0).rows[0].note.as_deref().unwrap_or("").contains("BOL-01"));
    assert_eq!(b.ids(group, LinkSlot::GroupMember), vec![other_type], "SELL bolt-ons not yet in it");
    assert!(b.ids(sell_bo, LinkSlot::Group).is_empty(), "already in the only SELL group");
    let other_group = b.apply(Change::CreateBoltOnGroup { side: Side::Sell, name: "Alternatives".into() }).unwrap();
    b.apply(Change::CreateBoltOnGroup { side: Side::Buy, name: "BUY group".into() });
    let offered = b.page(sell_bo, LinkSlot::Group, None, None, 0);
    assert_eq!(
        offered.rows.iter().map(|r| (r.id, r.note.clone())).collect::<Vec<_>>(),
        vec![(other_group, Some("0 bolt-ons".into()))]
    );
}

#[test]
fn allowance_add_ons_come_from_the_links_add_on_group_and_the_buy_parent_is_the_valid_one() {
    let mut b = Build::new();
    let iv = Some(IncludedValue { value_type: IncludedValueType::Kilobytes, amount: kb(8) });
    let buy_sp = b.typed(SP, Side::Buy, "Mobile BUY", "MOBILE");
    let buy_bo = b.typed(BO, Side::Buy, "8 GB BUY", "MOBILE");
    b.set(buy_bo, PlanField::IncludedValue(iv));
    let buy_ao = b.add_on(Side::Buy, "1 GB BUY", "MOBILE", IncludedValueType::Kilobytes);
    let buy_ao2 = b.add_on(Side::Buy, "2 GB BUY", "MOBILE", IncludedValueType::Kilobytes);
    let buy_link = b.apply(Change::LinkBoltOn { service_plan: buy_sp, bolt_on: buy_bo, behaviour: None }).unwrap();
    let empty = b.page(buy_link, LinkSlot::AllowanceAddOn, None, None, 0);
    assert!(empty.unavailable.unwrap().contains("add-on group"));
    b.apply(Change::AddToAddOnGroup { bolt_on: buy_bo, add_on: buy_ao });
    b.apply(Change::AddToAddOnGroup { bolt_on: buy_bo, add_on: buy_ao2 });
    assert_eq!(b.ids(buy_link, LinkSlot::AllowanceAddOn), vec![buy_ao, buy_ao2]);
    let buy_al = b
        .apply(Change::AddAllowance {
            link: buy_link,
            add_on: buy_ao,
            max_occurrence: 3,
            description: None,
            buy_parent: None,
        })
        .unwrap();
    assert_eq!(b.ids(buy_link, LinkSlot::AllowanceAddOn), vec![buy_ao2], "one allowance per add-on");
    // A decoy: the same BUY add-on under another BUY service plan's link.
    let decoy_sp = b.typed(SP, Side::Buy, "Decoy BUY", "MOBILE");
    let decoy_link = b.apply(Change::LinkBoltOn { service_plan: decoy_sp, bolt_on: buy_bo, behaviour: None }).unwrap();
    b.apply(Change::AddAllowance {
        link: decoy_link,
        add_on: buy_ao,
        max_occurrence: 1,
        description: None,
        buy_parent: None,
    });

    let sell_sp = b.apply(Change::CreateSellCounterpart { of: buy_sp }).unwrap();
    let sell_bo = b.apply(Change::CreateSellCounterpart { of: buy_bo }).unwrap();
    let sell_ao = b.plan(AO, Side::Sell, "1 GB SELL");
    let sell_link = b.apply(Change::LinkBoltOn { service_plan: sell_sp, bolt_on: sell_bo, behaviour: None }).unwrap();
    let why = b.page(sell_link, LinkSlot::BuyParent, Some(sell_ao), None, 0).unavailable.unwrap();
    assert!(why.contains(&sell_ao.to_string()) && why.contains("buy_counterpart"), "{why}");
    b.set(sell_ao, PlanField::BuyCounterpart(Some(buy_ao)));
    let page = b.page(sell_link, LinkSlot::BuyParent, Some(sell_ao), None, 0);
    assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![buy_al], "only the valid parent");
    assert_eq!(page.rows[0].name, "Mobile BUY › 8 GB BUY › 1 GB BUY");
    assert_eq!(page.rows[0].note.as_deref(), Some("max 3"));
    let sell_al = b
        .apply(Change::AddAllowance {
            link: sell_link,
            add_on: sell_ao,
            max_occurrence: 2,
            description: None,
            buy_parent: Some(buy_al),
        })
        .unwrap();
    assert_eq!(b.findings_of(sell_al, "ALW-03"), 0, "the offered parent satisfies ALW-03");
    // No BUY allowance for the second add-on yet: nothing to offer, and why.
    let sell_ao2 = b.apply(Change::CreateSellCounterpart { of: buy_ao2 }).unwrap();
    let none = b.page(sell_link, LinkSlot::BuyParent, Some(sell_ao2), None, 0);
    assert!(none.rows.is_empty() && none.unavailable.unwrap().contains("step 11"));
    // A BUY link has no BUY parent; the add-on must be named.
    assert!(b.page(buy_link, LinkSlot::BuyParent, Some(buy_ao), None, 0).unavailable.is_some());
    let q =
        CandidateQuery { of: sell_link, slot: LinkSlot::BuyParent, add_on: None, search: None, offset: 0, limit: 5 };
    assert_eq!(b.cat.candidates(&q, &FindingCounts::default()).unwrap_err().field(), Some("add_on"));
}

#[test]
fn pools_are_own_billing_plans_of_the_side_with_the_customers_own_first() {
    let mut b = Build::new();
    let tail = b.typed(SP, Side::Sell, "NBN tail", "NBN");
    let pool = |b: &mut Build, name: &str, gb: i64| {
        let p = b.typed(SP, Side::Sell, name, "NBN");
        b.set(p, PlanField::DataBilling(DataBillingMode::Own));
        b.set(p, PlanField::QuotaKb(Some(kb(gb))));
        p
    };
    let other = pool(&mut b, "Pool other customer", 5120);
    let mine = pool(&mut b, "Pool 500 GB", 500);
    let not_own = b.typed(SP, Side::Sell, "No billing", "NBN");
    let buy_own = b.typed(SP, Side::Buy, "BUY pool", "NBN");
    b.set(buy_own, PlanField::DataBilling(DataBillingMode::Own));
    let _ = not_own;
    assert_eq!(b.ids(tail, LinkSlot::Pool), vec![other, mine]);
    // The customer orders the data package once; its site orders the tail package.
    let data_pp = b.plan(PP, Side::Sell, "Data package");
    b.apply(Change::AddServicePlan { package_plan: data_pp, service_plan: mine });
    let tail_pp = b.plan(PP, Side::Sell, "Tail package");
    b.apply(Change::AddServicePlan { package_plan: tail_pp, service_plan: tail });
    let cu = b.apply(Change::CreateCustomer { name: "Harbour Freight".into() }).unwrap();
    b.apply(Change::UpdateCustomer {
        id: cu,
        name: "Harbour Freight".into(),
        description: None,
        data_package: Some(data_pp),
    });
    b.apply(Change::CreateSite {
        customer: cu,
        name: "Depot".into(),
        technology: "NBN".into(),
        speed: "100/40".into(),
        service_identifier: None,
        tail_package: Some(tail_pp),
    });
    let page = b.page(tail, LinkSlot::Pool, None, None, 0);
    assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![mine, other], "the customer's pool first");
    assert_eq!(page.rows[0].note.as_deref(), Some("500 GB pool · customer Harbour Freight"));
    b.set(tail, PlanField::DataBilling(DataBillingMode::Pooled));
    b.set(tail, PlanField::Pool(Some(mine)));
    assert_eq!(b.findings_of(tail, "DAT-03"), 0);
}

#[test]
fn buy_counterparts_are_buy_plans_of_the_same_kind() {
    let mut b = Build::new();
    let buy = b.typed(BO, Side::Buy, "Carrier 2 GB", "MOBILE");
    let buy_other = b.typed(BO, Side::Buy, "Carrier MBB", "MBB");
    b.typed(BO, Side::Sell, "Another SELL", "MOBILE");
    b.typed(AO, Side::Buy, "An add-on", "MOBILE");
    let sell = b.typed(BO, Side::Sell, "Extra 2 GB", "MBB");
    assert_eq!(b.ids(sell, LinkSlot::BuyCounterpart), vec![buy_other, buy], "same service type first");
    assert!(b.page(buy, LinkSlot::BuyCounterpart, None, None, 0).unavailable.is_some());
    let q = CandidateQuery {
        of: Id::new(EntityKind::Customer, 1),
        slot: LinkSlot::BuyCounterpart,
        add_on: None,
        search: None,
        offset: 0,
        limit: 5,
    };
    assert_eq!(b.cat.candidates(&q, &FindingCounts::default()).unwrap_err().field(), Some("of"));
    let q =
        CandidateQuery { of: Id::new(BO, 999), slot: LinkSlot::AddOn, add_on: None, search: None, offset: 0, limit: 5 };
    assert_eq!(
        b.cat.candidates(&q, &FindingCounts::default()).unwrap_err().kind(),
        plansmith_core::ErrorKind::NotFound
    );
}

#[test]
fn the_approval_preview_and_the_editor_name_what_they_list() {
    let mut b = Build::new();
    let sp = b.typed(SP, Side::Buy, "Mobile BUY", "MOBILE");
    let pp = b.plan(PP, Side::Buy, "Mobile package BUY");
    b.apply(Change::AddServicePlan { package_plan: pp, service_plan: sp });
    let bo = b.typed(BO, Side::Buy, "Carrier 2 GB", "MOBILE");
    let ao = b.add_on(Side::Buy, "Top-up 1 GB", "MOBILE", IncludedValueType::Kilobytes);
    b.apply(Change::AddToAddOnGroup { bolt_on: bo, add_on: ao });
    let link = b.apply(Change::LinkBoltOn { service_plan: sp, bolt_on: bo, behaviour: None }).unwrap();
    let al = b
        .apply(Change::AddAllowance { link, add_on: ao, max_occurrence: 2, description: None, buy_parent: None })
        .unwrap();
    let plan = b.cat.plan_approval(&[pp]).unwrap();
    assert!(plan.approves.contains(&pp) && plan.approves.contains(&ao), "{plan:?}");
    for id in plan.approves.iter().chain(plan.blockers.iter().map(|x| &x.object)) {
        assert!(plan.names.iter().any(|n| n.id == *id && n.side == Some(Side::Buy)), "{id} named");
    }
    assert_eq!(plan.names.iter().find(|n| n.id == pp).unwrap().name, "Mobile package BUY");
    let d = b.cat.object_detail(sp).unwrap();
    let named = |id: Id| d.names.iter().find(|n| n.id == id).map(|n| n.name.clone());
    assert_eq!(named(ao).as_deref(), Some("Top-up 1 GB"));
    let d = b.cat.object_detail(al).unwrap();
    assert_eq!(d.allowance.unwrap().add_on, ao);
    let sell_sp = b.apply(Change::CreateSellCounterpart { of: sp }).unwrap();
    let sell_bo = b.apply(Change::CreateSellCounterpart { of: bo }).unwrap();
    let sell_ao = b.apply(Change::CreateSellCounterpart { of: ao }).unwrap();
    let sell_link = b.apply(Change::LinkBoltOn { service_plan: sell_sp, bolt_on: sell_bo, behaviour: None }).unwrap();
    b.apply(Change::AddAllowance {
        link: sell_link,
        add_on: sell_ao,
        max_occurrence: 1,
        description: None,
        buy_parent: Some(al),
    });
    let d = b.cat.object_detail(sell_sp).unwrap();
    assert_eq!(
        d.names.iter().find(|n| n.id == al).map(|n| (n.name.as_str(), n.side)),
        Some(("Mobile BUY › Carrier 2 GB › Top-up 1 GB ×2", Some(Side::Buy))),
        "the BUY parent reads as its path"
    );
}
