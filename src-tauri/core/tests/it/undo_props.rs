//! Property tests of undo/redo: for any sequence of edits, undoing them all restores the
//! catalog exactly, and redoing them all restores the edited catalog exactly.

use plansmith_core::model::*;
use plansmith_core::{
    Catalog, Change, EntityKind, Id, Money, NewCatalog, PlanField, Scope, Snapshot, Stamp, Timestamp,
};
use proptest::prelude::*;

fn stamp() -> Stamp {
    Stamp::new("prop", Timestamp::from_unix_seconds(1_767_225_600))
}

fn id(kind: EntityKind) -> impl Strategy<Value = Id> {
    (1i64..5).prop_map(move |n| Id::new(kind, n))
}

fn plan_kind() -> impl Strategy<Value = EntityKind> {
    prop_oneof![
        Just(EntityKind::PackagePlan),
        Just(EntityKind::ServicePlan),
        Just(EntityKind::BoltOn),
        Just(EntityKind::BoltOnAddOn)
    ]
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Buy), Just(Side::Sell)]
}

fn any_plan() -> impl Strategy<Value = Id> {
    (plan_kind(), 1i64..5).prop_map(|(k, n)| Id::new(k, n))
}

fn field() -> impl Strategy<Value = PlanField> {
    prop_oneof![
        "[a-z ]{0,8}".prop_map(PlanField::InternalName),
        proptest::option::of("[A-Za-z]{1,6}").prop_map(PlanField::ExternalName),
        proptest::option::of(-5i64..5000).prop_map(|m| PlanField::SetupFee(m.map(Money))),
        any::<bool>().prop_map(PlanField::ProRata),
        side().prop_map(PlanField::Side),
        proptest::option::of(Just("MOBILE".to_string())).prop_map(PlanField::ServiceType),
        (0i64..9).prop_map(PlanField::Weighting),
        proptest::option::of(0i64..10_000_000).prop_map(PlanField::QuotaKb),
        prop_oneof![Just(DataBillingMode::None), Just(DataBillingMode::Own), Just(DataBillingMode::Pooled)]
            .prop_map(PlanField::DataBilling),
        proptest::collection::vec(
            (0i64..100).prop_map(|a| IncludedValue { value_type: IncludedValueType::Units, amount: a }),
            0..4
        )
        .prop_map(PlanField::IncludedValues),
        proptest::collection::vec(
            (1i64..9).prop_map(|a| Quota {
                value_type: IncludedValueType::Kilobytes,
                bonus_type: Some(BonusType::None),
                amount: a,
                weight: Some(1)
            }),
            0..2
        )
        .prop_map(PlanField::Quotas),
        proptest::option::of(any::<bool>()).prop_map(PlanField::AvailableInApi),
    ]
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (plan_kind(), side(), "[A-Z][a-z]{0,6}")
            .prop_map(|(kind, side, internal_name)| { Change::CreatePlan { kind, side, internal_name } }),
        (any_plan(), field()).prop_map(|(id, edit)| Change::SetPlanField { id, edit }),
        any_plan().prop_map(|id| Change::DeletePlan { id }),
        any_plan().prop_map(|of| Change::CreateSellCounterpart { of }),
        (id(EntityKind::PackagePlan), id(EntityKind::ServicePlan))
            .prop_map(|(package_plan, service_plan)| Change::AddServicePlan { package_plan, service_plan }),
        (id(EntityKind::ServicePlan), id(EntityKind::BoltOn)).prop_map(|(service_plan, bolt_on)| Change::LinkBoltOn {
            service_plan,
            bolt_on,
            behaviour: Some(Behaviour::Optional)
        }),
        (id(EntityKind::BoltOn), id(EntityKind::BoltOnAddOn))
            .prop_map(|(bolt_on, add_on)| Change::AddToAddOnGroup { bolt_on, add_on }),
        (id(EntityKind::BoltOnLink), id(EntityKind::BoltOnAddOn)).prop_map(|(link, add_on)| {
            Change::AddAllowance { link, add_on, max_occurrence: 2, description: None, buy_parent: None }
        }),
        id(EntityKind::BoltOnLink).prop_map(|link| Change::UnlinkBoltOn { link }),
        side().prop_map(|side| Change::CreateBoltOnGroup { side, name: "G".into() }),
        (id(EntityKind::BoltOnGroup), id(EntityKind::BoltOn))
            .prop_map(|(group, bolt_on)| Change::AddGroupMember { group, bolt_on }),
        Just(Change::CreateCustomer { name: "Cust".into() }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn undo_all_restores_and_redo_all_replays(changes in proptest::collection::vec(change(), 1..40)) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("p.plansmith");
        let new = NewCatalog { catalog_id: "p".into(), name: "P".into(), provider: "".into(), tier: Tier::Wholesale, currency: "AUD".into() };
        let mut cat = Catalog::create(&p, &new, &stamp()).unwrap();
        let start = Snapshot::load(cat.conn(), &Scope::All).unwrap();
        // A fixed prefix so that the random edits mostly hit objects that exist.
        let mut prefix = Vec::new();
        for kind in [EntityKind::PackagePlan, EntityKind::ServicePlan, EntityKind::BoltOn, EntityKind::BoltOnAddOn] {
            for (side, name) in [(Side::Buy, "B"), (Side::Sell, "S")] {
                prefix.push(Change::CreatePlan { kind, side, internal_name: format!("{name}{}", kind.prefix()) });
            }
        }
        prefix.push(Change::LinkBoltOn { service_plan: Id::new(EntityKind::ServicePlan, 1), bolt_on: Id::new(EntityKind::BoltOn, 1), behaviour: None });
        let mut applied = 0;
        for c in prefix.iter().chain(&changes) {
            // Many random changes are refused (unknown ids, wrong kinds): that must write nothing.
            let before = Snapshot::load(cat.conn(), &Scope::All).unwrap();
            match cat.apply(c, &stamp()) {
                Ok(_) => applied += 1,
                Err(_) => prop_assert_eq!(Snapshot::load(cat.conn(), &Scope::All).unwrap(), before),
            }
        }
        let end = Snapshot::load(cat.conn(), &Scope::All).unwrap();
        let mut undone = 0;
        while cat.undo(&stamp()).unwrap().is_some() { undone += 1; }
        prop_assert!(undone <= applied);
        prop_assert!(applied >= prefix.len());
        prop_assert_eq!(Snapshot::load(cat.conn(), &Scope::All).unwrap(), start);
        prop_assert!(cat.integrity_check().unwrap().is_empty());
        while cat.redo(&stamp()).unwrap().is_some() {}
        prop_assert_eq!(Snapshot::load(cat.conn(), &Scope::All).unwrap(), end);
        prop_assert!(cat.integrity_check().unwrap().is_empty());
    }
}
