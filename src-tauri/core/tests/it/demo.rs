//! The workshop demo catalog: complete on both sides for both structures of the articles,
//! every field ops would key in filled, clean under the rules, reproducible, and with an empty
//! undo history.

use std::sync::OnceLock;

use plansmith_core::demo::{self, DEMO_CATALOG_ID};
use plansmith_core::interchange::{self, Document};
use plansmith_core::model::*;
use plansmith_core::{EntityKind, ErrorKind, Id, Money, Scope, Severity, Snapshot, Stamp};

fn stamp() -> Stamp {
    Stamp::new("Ava Nguyen", "2026-05-04T09:30:00Z".parse().unwrap())
}

/// The demo, built once per test binary, as its document and snapshot.
fn demo() -> &'static (Document, Snapshot) {
    static D: OnceLock<(Document, Snapshot)> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cat = demo::write_demo(&dir.path().join("demo.plansmith"), &stamp()).unwrap();
        (interchange::document(&cat).unwrap(), Snapshot::load(cat.conn(), &Scope::All).unwrap())
    })
}

fn doc() -> &'static Document {
    &demo().0
}

fn plan(id: Id) -> &'static Plan {
    demo().1.plan(id).unwrap_or_else(|| panic!("{id} is not in the demo"))
}

fn of_side(list: &'static [Plan], side: Side) -> Vec<&'static Plan> {
    list.iter().filter(|p| p.side == side).collect()
}

#[test]
fn settings_name_the_demo() {
    let s = &doc().settings;
    assert_eq!(s.catalog_id, DEMO_CATALOG_ID);
    assert!(s.catalog_id.starts_with("demo-"));
    assert_eq!(s.name, "Northwind Telecom — workshop demo");
    assert_eq!(s.tier, Tier::Wholesale);
    assert_eq!(s.currency, "AUD");
    assert_eq!(s.created_at, stamp().at);
    // The starter reference data the demo uses.
    for code in ["IPLINE", "MOBILE"] {
        assert!(doc().service_types.iter().any(|t| t.code == code));
    }
    assert!(doc().tariffs.iter().any(|t| t.code == "MOB-DATA"));
}

#[test]
fn the_demo_has_no_rule_findings() {
    let findings = plansmith_core::rules::check(&demo().1);
    let errors: Vec<&str> =
        findings.iter().filter(|f| f.severity == Severity::Error).map(|f| f.message.as_str()).collect();
    assert!(errors.is_empty(), "the demo has errors:\n{}", errors.join("\n"));
    let warnings: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert!(warnings.is_empty(), "the demo has warnings:\n{}", warnings.join("\n"));
    // Negative control: the same check does see a broken demo (the SELL bolt-on out of its
    // group, a SELL price below BUY).
    let mut broken = demo().1.clone();
    broken.bolt_on_groups.iter_mut().for_each(|g| g.members.clear());
    let sell = broken.service_plans.iter_mut().find(|p| p.side == Side::Sell).unwrap();
    sell.access_fee = Some(Money(1));
    let rules: Vec<&str> = plansmith_core::rules::check(&broken).iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"BOL-01") && rules.contains(&"FEE-02"), "{rules:?}");
}

#[test]
fn shared_data_structure_is_complete_on_both_sides() {
    let s = &demo().1;
    let st = s.structures.iter().find(|x| x.kind == StructureKind::SharedData).expect("a shared_data structure");
    let customer = s.customer(st.customer.expect("the structure names its customer")).unwrap();
    assert_eq!(customer.name, "Harbour Cafés Pty Ltd");
    assert!(customer.description.is_some());

    // Members: data and tail packages and service plans, BUY and SELL.
    let members = |role: MemberRole, kind: EntityKind, side: Side| -> Vec<&Plan> {
        st.members
            .iter()
            .filter(|m| m.role == role && m.object.kind == kind)
            .map(|m| plan(m.object))
            .filter(|p| p.side == side)
            .collect()
    };
    let mut found = Vec::new();
    for role in [MemberRole::Data, MemberRole::Tail] {
        for kind in [EntityKind::PackagePlan, EntityKind::ServicePlan] {
            for side in [Side::Buy, Side::Sell] {
                let m = members(role, kind, side);
                assert_eq!(m.len(), 1, "{role} {side} {kind}");
                found.push(m[0].id);
            }
        }
    }
    assert_eq!(st.members.len(), 8);
    let one = |role, kind, side| members(role, kind, side)[0];
    let (buy_data, sell_data) = (
        one(MemberRole::Data, EntityKind::ServicePlan, Side::Buy),
        one(MemberRole::Data, EntityKind::ServicePlan, Side::Sell),
    );
    let (buy_tail, sell_tail) = (
        one(MemberRole::Tail, EntityKind::ServicePlan, Side::Buy),
        one(MemberRole::Tail, EntityKind::ServicePlan, Side::Sell),
    );
    let sell_data_pp = one(MemberRole::Data, EntityKind::PackagePlan, Side::Sell);
    let sell_tail_pp = one(MemberRole::Tail, EntityKind::PackagePlan, Side::Sell);

    // Data billing: own 500 GB pools, tails pooled on their side's pool.
    for (sp, excess) in [(buy_data, 150), (sell_data, 250)] {
        assert_eq!(sp.service_type.as_deref(), Some("IPLINE"));
        let b = &sp.service().unwrap().data_billing;
        assert_eq!(b.mode, DataBillingMode::Own);
        assert_eq!(b.billing_type, Some(BillingType::Volume));
        assert_eq!(b.quota_kb, Some(500 * 1024 * 1024));
        assert_eq!(b.excess_rate, Some(Money(excess)));
    }
    assert_eq!(sell_data.buy_counterpart, Some(buy_data.id));
    for (tail, pool) in [(buy_tail, buy_data), (sell_tail, sell_data)] {
        let b = &tail.service().unwrap().data_billing;
        assert_eq!((b.mode, b.pool), (DataBillingMode::Pooled, Some(pool.id)));
    }
    assert_eq!(sell_tail.buy_counterpart, Some(buy_tail.id));
    assert_eq!(sell_data_pp.package().unwrap().service_plans, [sell_data.id]);
    assert_eq!(sell_tail_pp.package().unwrap().service_plans, [sell_tail.id]);

    // The customer orders the data package once; each site the tail package.
    assert_eq!(customer.data_package, Some(sell_data_pp.id));
    let sites: Vec<&Site> = s.sites.iter().filter(|x| x.customer == customer.id).collect();
    assert!(sites.len() >= 5, "only {} sites", sites.len());
    for site in &sites {
        assert_eq!(site.tail_package, Some(sell_tail_pp.id), "{}", site.name);
        assert!(site.service_identifier.is_some(), "{}", site.name);
    }
    let technologies: std::collections::BTreeSet<&str> = sites.iter().map(|x| x.technology.as_str()).collect();
    assert!(technologies.len() >= 5, "technologies: {technologies:?}");
    for t in ["NBN FTTP", "SHDSL", "ADSL2+", "Fibre", "NBN HFC"] {
        assert!(technologies.contains(t), "no {t} site");
    }
    let speeds: std::collections::BTreeSet<&str> = sites.iter().map(|x| x.speed.as_str()).collect();
    assert!(speeds.contains("100/40 Mbps") && speeds.contains("20/20 Mbps") && speeds.contains("1000/1000 Mbps"));
}

#[test]
fn bolt_on_add_on_structure_is_complete_on_both_sides() {
    let s = &demo().1;
    let st = s.structures.iter().find(|x| x.kind == StructureKind::BoltOnAddOn).expect("a bolt_on_add_on structure");
    let in_structure = |kind: EntityKind, side: Side| -> Vec<&Plan> {
        st.members.iter().filter(|m| m.object.kind == kind).map(|m| plan(m.object)).filter(|p| p.side == side).collect()
    };
    for side in [Side::Buy, Side::Sell] {
        assert_eq!(in_structure(EntityKind::PackagePlan, side).len(), 1);
        assert_eq!(in_structure(EntityKind::ServicePlan, side).len(), 1);
        assert_eq!(in_structure(EntityKind::BoltOn, side).len(), 1);
        assert_eq!(in_structure(EntityKind::BoltOnAddOn, side).len(), 3, "3 add-ons on {side}");
    }
    assert!(st.members.iter().all(|m| m.role == MemberRole::Member));

    let sp = |side| in_structure(EntityKind::ServicePlan, side)[0];
    let bo = |side| in_structure(EntityKind::BoltOn, side)[0];
    for side in [Side::Buy, Side::Sell] {
        assert_eq!(sp(side).service_type.as_deref(), Some("MOBILE"));
        assert!(!sp(side).service().unwrap().included_values.is_empty());
        let b = bo(side).bolt_on().unwrap();
        assert_eq!(bo(side).service_type.as_deref(), Some("MOBILE"));
        assert_eq!(b.bolt_on_category.as_deref(), Some("DATA"));
        assert_eq!(b.tariff.as_deref(), Some("MOB-DATA"));
        assert_eq!(
            b.included_value,
            Some(IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 8 * 1024 * 1024 })
        );
        assert!(b.excess_rate.is_some() && b.first_time_fee.is_some());
        // The add-on group holds the 1, 2 and 5 GB add-ons of the same side.
        let group: Vec<&Plan> = b.add_on_group.iter().map(|a| plan(*a)).collect();
        assert_eq!(group.len(), 3);
        let mut gbs: Vec<i64> = Vec::new();
        for a in &group {
            assert_eq!(a.side, side);
            let f = a.add_on().unwrap();
            assert_eq!(f.included_value_type, Some(IncludedValueType::Kilobytes));
            assert_eq!(f.quotas.len(), 1);
            let q = &f.quotas[0];
            assert!(q.bonus_type.is_some() && q.weight.is_some() && q.amount > 0);
            gbs.push(q.amount / (1024 * 1024));
            assert!(f.is_provisioned && f.provisioning_key.is_some());
            match side {
                Side::Sell => assert_eq!((f.available_in_api, f.available_in_user_portal), (Some(true), Some(true))),
                Side::Buy => assert_eq!((f.available_in_api, f.available_in_user_portal), (None, None)),
            }
        }
        gbs.sort();
        assert_eq!(gbs, [1, 2, 5]);
    }
    assert_eq!(bo(Side::Sell).buy_counterpart, Some(bo(Side::Buy).id));

    // The SELL bolt-on is in a SELL bolt-on group.
    let group = s
        .bolt_on_groups
        .iter()
        .find(|g| g.members.contains(&bo(Side::Sell).id))
        .expect("a group holding the SELL bolt-on");
    assert_eq!(group.side, Side::Sell);
    assert_eq!(group.name, "Mobile data bolt-ons");

    // Links, both sides, with a behaviour; allowances per add-on; SELL ones hang off BUY ones.
    for side in [Side::Buy, Side::Sell] {
        let link =
            s.bolt_on_links.iter().find(|l| l.service_plan == sp(side).id && l.bolt_on == bo(side).id).expect("a link");
        assert_eq!(link.behaviour, Some(Behaviour::Optional));
        let allowances: Vec<&Allowance> = s.allowances.iter().filter(|a| a.bolt_on_link == link.id).collect();
        assert_eq!(allowances.len(), 3);
        for a in allowances {
            assert!(a.max_occurrence >= 1);
            match side {
                Side::Buy => assert_eq!(a.buy_parent, None),
                Side::Sell => {
                    let parent = s.allowance(a.buy_parent.expect("a SELL allowance names its BUY parent")).unwrap();
                    assert_eq!(Some(parent.add_on), plan(a.add_on).buy_counterpart);
                    assert!(a.max_occurrence <= parent.max_occurrence);
                }
            }
        }
    }
}

#[test]
fn every_plan_has_what_ops_key_in() {
    for p in demo().1.plans() {
        let who = p.describe();
        assert!(p.external_name.is_some(), "{who}: external_name");
        assert!(p.description.is_some(), "{who}: description");
        assert!(p.external_description.is_some(), "{who}: external_description");
        assert!(p.saleable_from.is_some(), "{who}: saleable_from");
        assert_eq!(p.status, Status::Draft, "{who}");
        if p.kind() != EntityKind::PackagePlan {
            assert!(p.service_type.is_some(), "{who}: service_type");
        }
        if p.kind() == EntityKind::BoltOn || p.kind() == EntityKind::BoltOnAddOn {
            assert!(p.access_fee.is_some(), "{who}: access_fee");
        }
        match p.side {
            Side::Sell => {
                let buy = plan(p.buy_counterpart.unwrap_or_else(|| panic!("{who}: buy_counterpart")));
                assert_eq!(buy.side, Side::Buy);
                // No loss on any sale.
                for (s, b) in [(p.setup_fee, buy.setup_fee), (p.access_fee, buy.access_fee)] {
                    assert!(s.unwrap_or_default() >= b.unwrap_or_default(), "{who}: SELL price below BUY");
                }
            }
            Side::Buy => assert!(p.import_reference.is_some(), "{who}: import_reference (carrier code)"),
        }
    }
    let s = &demo().1;
    assert_eq!(of_side(&s.package_plans, Side::Buy).len(), of_side(&s.package_plans, Side::Sell).len());
    assert_eq!(of_side(&s.bolt_on_add_ons, Side::Buy).len(), 3);
    assert_eq!(of_side(&s.bolt_on_add_ons, Side::Sell).len(), 3);
}

#[test]
fn the_demo_starts_with_an_empty_history_and_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.plansmith");
    let mut cat = demo::write_demo(&path, &stamp()).unwrap();
    assert_eq!(cat.undo_redo_labels().unwrap(), (None, None));
    assert!(cat.undo(&stamp()).unwrap().is_none(), "the first Ctrl+Z must not dismantle the demo");
    assert!(cat.integrity_check().unwrap().is_empty());
    assert!(doc().audit_log.is_empty());
    // Same stamp, same bytes.
    assert_eq!(interchange::dump(&cat).unwrap(), doc().to_json());
    // Nothing but the catalog (and SQLite/lock sidecars of the open catalog) beside it.
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("demo.plansmith"), "left behind: {name}");
    }
    drop(cat);
    // A consultant's first edit is the first undo step.
    let mut cat = plansmith_core::Catalog::open(&path).unwrap();
    let sp = doc().service_plans[0].id;
    cat.apply(
        &plansmith_core::Change::SetPlanField { id: sp, edit: plansmith_core::PlanField::AccessFee(Some(Money(1))) },
        &stamp(),
    )
    .unwrap();
    assert!(cat.undo(&stamp()).unwrap().is_some());
    assert!(cat.undo(&stamp()).unwrap().is_none());
}

#[test]
fn write_demo_refuses_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.plansmith");
    std::fs::write(&path, b"mine").unwrap();
    let e = demo::write_demo(&path, &stamp()).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.message().contains("already exists"));
    assert_eq!(std::fs::read(&path).unwrap(), b"mine");
}
