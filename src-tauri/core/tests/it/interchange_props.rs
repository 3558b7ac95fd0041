//! Property test of the interchange: any catalog a user can make with any sequence of edits
//! (and undos and redos, which write the audit log) dumps to JSON that loads into a new
//! catalog which dumps to exactly the same bytes, with the same content.

use plansmith_core::interchange;
use plansmith_core::model::*;
use plansmith_core::{
    Catalog, Change, Date, EntityKind, Id, Money, NewCatalog, PlanField, Scope, Snapshot, Stamp, Timestamp,
};
use proptest::prelude::*;

fn stamp() -> Stamp {
    Stamp::new("prop “tester”", Timestamp::from_unix_seconds(1_767_225_600))
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

fn any_plan() -> impl Strategy<Value = Id> {
    (plan_kind(), 1i64..5).prop_map(|(k, n)| Id::new(k, n))
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Buy), Just(Side::Sell)]
}

/// Text with unicode, quotes, backslashes and control characters.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 éü“”\"\\\\\t\n東🚀-]{1,10}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn money() -> impl Strategy<Value = Option<Money>> {
    proptest::option::of((-5i64..100_000).prop_map(Money))
}

fn date() -> impl Strategy<Value = Option<Date>> {
    proptest::option::of((2020i32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap()))
}

fn value_type() -> impl Strategy<Value = IncludedValueType> {
    proptest::sample::select(IncludedValueType::ALL.to_vec())
}

fn included_value() -> impl Strategy<Value = IncludedValue> {
    (value_type(), -1i64..10_000_000).prop_map(|(value_type, amount)| IncludedValue { value_type, amount })
}

fn quota() -> impl Strategy<Value = Quota> {
    (
        value_type(),
        proptest::option::of(proptest::sample::select(BonusType::ALL.to_vec())),
        0i64..9_000_000,
        proptest::option::of(-1i64..50),
    )
        .prop_map(|(value_type, bonus_type, amount, weight)| Quota { value_type, bonus_type, amount, weight })
}

fn code() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("MOBILE".to_string()),
        Just("IPLINE".to_string()),
        Just("NEW-Ü".to_string()),
        Just("NOPE".to_string())
    ]
}

fn field() -> impl Strategy<Value = PlanField> {
    prop_oneof![
        text().prop_map(PlanField::InternalName),
        opt_text().prop_map(PlanField::ExternalName),
        opt_text().prop_map(PlanField::ReferenceName),
        opt_text().prop_map(PlanField::ReferenceKey),
        opt_text().prop_map(PlanField::ImportReference),
        opt_text().prop_map(PlanField::Description),
        opt_text().prop_map(PlanField::ExternalDescription),
        proptest::option::of(code()).prop_map(PlanField::ServiceType),
        proptest::option::of(any_plan()).prop_map(PlanField::BuyCounterpart),
        money().prop_map(PlanField::SetupFee),
        money().prop_map(PlanField::AccessFee),
        any::<bool>().prop_map(PlanField::Recurring),
        any::<bool>().prop_map(PlanField::ProRata),
        date().prop_map(PlanField::SaleableFrom),
        date().prop_map(PlanField::SaleableTo),
        side().prop_map(PlanField::Side),
        (-3i64..9).prop_map(PlanField::Weighting),
        proptest::option::of(included_value()).prop_map(PlanField::IncludedValue),
        proptest::collection::vec(included_value(), 0..5).prop_map(PlanField::IncludedValues),
        proptest::sample::select(DataBillingMode::ALL.to_vec()).prop_map(PlanField::DataBilling),
        proptest::option::of(Just(BillingType::Volume)).prop_map(PlanField::BillingType),
        proptest::option::of(0i64..600_000_000).prop_map(PlanField::QuotaKb),
        money().prop_map(PlanField::ExcessRate),
        any::<bool>().prop_map(PlanField::ChargeInQuota),
        proptest::option::of(0i64..1_000_000).prop_map(PlanField::BonusKb),
        proptest::option::of(id(EntityKind::ServicePlan)).prop_map(PlanField::Pool),
        proptest::option::of(prop_oneof![Just("DATA".to_string()), Just("SMS".to_string())])
            .prop_map(PlanField::BoltOnCategory),
        proptest::option::of(prop_oneof![Just("MOB-DATA".to_string()), Just("IPL-STD".to_string())])
            .prop_map(PlanField::Tariff),
        money().prop_map(PlanField::FirstTimeFee),
        proptest::option::of(value_type()).prop_map(PlanField::IncludedValueType),
        any::<bool>().prop_map(PlanField::IsProvisioned),
        opt_text().prop_map(PlanField::ProvisioningKey),
        proptest::collection::vec(quota(), 0..5).prop_map(PlanField::Quotas),
        proptest::option::of(any::<bool>()).prop_map(PlanField::AvailableInApi),
        proptest::option::of(any::<bool>()).prop_map(PlanField::AvailableInUserPortal),
    ]
}

fn behaviour() -> impl Strategy<Value = Option<Behaviour>> {
    proptest::option::of(proptest::sample::select(Behaviour::ALL.to_vec()))
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => (plan_kind(), side(), text()).prop_map(|(kind, side, internal_name)| Change::CreatePlan { kind, side, internal_name }),
        12 => (any_plan(), field()).prop_map(|(id, edit)| Change::SetPlanField { id, edit }),
        1 => any_plan().prop_map(|id| Change::DeletePlan { id }),
        2 => any_plan().prop_map(|of| Change::CreateSellCounterpart { of }),
        2 => (id(EntityKind::PackagePlan), id(EntityKind::ServicePlan))
            .prop_map(|(package_plan, service_plan)| Change::AddServicePlan { package_plan, service_plan }),
        1 => (id(EntityKind::PackagePlan), id(EntityKind::ServicePlan))
            .prop_map(|(package_plan, service_plan)| Change::RemoveServicePlan { package_plan, service_plan }),
        2 => (id(EntityKind::ServicePlan), id(EntityKind::BoltOn), behaviour())
            .prop_map(|(service_plan, bolt_on, behaviour)| Change::LinkBoltOn { service_plan, bolt_on, behaviour }),
        1 => (id(EntityKind::BoltOnLink), behaviour()).prop_map(|(link, behaviour)| Change::SetBehaviour { link, behaviour }),
        1 => id(EntityKind::BoltOnLink).prop_map(|link| Change::UnlinkBoltOn { link }),
        2 => (id(EntityKind::BoltOn), id(EntityKind::BoltOnAddOn)).prop_map(|(bolt_on, add_on)| Change::AddToAddOnGroup { bolt_on, add_on }),
        2 => (id(EntityKind::BoltOnLink), id(EntityKind::BoltOnAddOn), 0i64..6, opt_text(), proptest::option::of(id(EntityKind::Allowance)))
            .prop_map(|(link, add_on, max_occurrence, description, buy_parent)| Change::AddAllowance { link, add_on, max_occurrence, description, buy_parent }),
        1 => (id(EntityKind::Allowance), 0i64..6, opt_text(), proptest::option::of(id(EntityKind::Allowance)))
            .prop_map(|(id, max_occurrence, description, buy_parent)| Change::UpdateAllowance { id, max_occurrence, description, buy_parent }),
        1 => (side(), text()).prop_map(|(side, name)| Change::CreateBoltOnGroup { side, name }),
        1 => (id(EntityKind::BoltOnGroup), text(), opt_text()).prop_map(|(id, name, description)| Change::UpdateBoltOnGroup { id, name, description }),
        1 => (id(EntityKind::BoltOnGroup), id(EntityKind::BoltOn)).prop_map(|(group, bolt_on)| Change::AddGroupMember { group, bolt_on }),
        1 => (text(), proptest::sample::select(ServiceCategory::ALL.to_vec()), any::<bool>()).prop_map(|(name, category, auto_provisioned)| {
            Change::PutServiceType { service_type: ServiceType { code: "NEW-Ü".into(), name, category, auto_provisioned } }
        }),
        1 => text().prop_map(|name| Change::PutBoltOnCategory { category: BoltOnCategory { code: "CAT “x”".into(), name } }),
        1 => (text(), code()).prop_map(|(name, service_type)| Change::PutTariff {
            tariff: Tariff { code: "T-Ü".into(), name, service_type, bolt_on_category: Some("DATA".into()) }
        }),
        1 => Just(Change::DeleteTariff { code: "VOIP-STD".into() }),
        1 => (text(), text(), proptest::sample::select(Tier::ALL.to_vec()), prop_oneof![Just("AUD"), Just("JPY"), Just("BHD")])
            .prop_map(|(name, provider, tier, currency)| Change::UpdateSettings { name, provider, tier, currency: currency.into() }),
        1 => text().prop_map(|name| Change::CreateCustomer { name }),
        1 => (id(EntityKind::Customer), text(), opt_text(), proptest::option::of(id(EntityKind::PackagePlan)))
            .prop_map(|(id, name, description, data_package)| Change::UpdateCustomer { id, name, description, data_package }),
        2 => (id(EntityKind::Customer), text(), text(), text(), opt_text(), proptest::option::of(id(EntityKind::PackagePlan)))
            .prop_map(|(customer, name, technology, speed, service_identifier, tail_package)| Change::CreateSite {
                customer, name, technology, speed, service_identifier, tail_package
            }),
        1 => id(EntityKind::Site).prop_map(|id| Change::DeleteSite { id }),
        1 => (proptest::sample::select(StructureKind::ALL.to_vec()), text(), proptest::option::of(id(EntityKind::Customer)))
            .prop_map(|(kind, name, customer)| Change::CreateStructure { kind, name, customer }),
        2 => (id(EntityKind::Structure), any_plan(), proptest::sample::select(MemberRole::ALL.to_vec()))
            .prop_map(|(structure, object, role)| Change::AddStructureMember { structure, object, role }),
    ]
}

#[derive(Debug, Clone)]
enum Step {
    Apply(Change),
    Undo,
    Redo,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        20 => change().prop_map(Step::Apply),
        1 => Just(Step::Undo),
        1 => Just(Step::Redo),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn random_catalogs_round_trip_byte_identical(steps in proptest::collection::vec(step(), 1..60)) {
        let d = tempfile::tempdir().unwrap();
        let new = NewCatalog { catalog_id: "prop-“1”".into(), name: "P \"q\"".into(), provider: "Ü".into(), tier: Tier::Wholesale, currency: "AUD".into() };
        let mut cat = Catalog::create(&d.path().join("a.plansmith"), &new, &stamp()).unwrap();
        // Test speed: no fsync per change (durability is not what this test is about).
        cat.conn().pragma_update(None, "synchronous", "OFF").unwrap();
        // A few objects of every kind first, so that the random edits mostly hit something.
        let mut prefix = Vec::new();
        for kind in [EntityKind::PackagePlan, EntityKind::ServicePlan, EntityKind::BoltOn, EntityKind::BoltOnAddOn] {
            for (side, name) in [(Side::Buy, "B"), (Side::Sell, "S")] {
                prefix.push(Change::CreatePlan { kind, side, internal_name: format!("{name} {}", kind.label()) });
            }
        }
        prefix.push(Change::LinkBoltOn { service_plan: Id::new(EntityKind::ServicePlan, 1), bolt_on: Id::new(EntityKind::BoltOn, 1), behaviour: None });
        prefix.push(Change::CreateCustomer { name: "C".into() });
        prefix.push(Change::CreateStructure { kind: StructureKind::SharedData, name: "S".into(), customer: Some(Id::new(EntityKind::Customer, 1)) });
        for c in &prefix {
            cat.apply(c, &stamp()).unwrap();
        }
        for s in &steps {
            // Refused changes write nothing; that is fine here.
            match s {
                Step::Apply(c) => { let _ = cat.apply(c, &stamp()); }
                Step::Undo => { cat.undo(&stamp()).unwrap(); }
                Step::Redo => { cat.redo(&stamp()).unwrap(); }
            }
        }
        let first = interchange::dump(&cat).unwrap();
        let loaded = interchange::load(&d.path().join("b.plansmith"), &first, &stamp()).unwrap();
        let second = interchange::dump(&loaded).unwrap();
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(Snapshot::load(loaded.conn(), &Scope::All).unwrap(), Snapshot::load(cat.conn(), &Scope::All).unwrap());
        prop_assert!(loaded.integrity_check().unwrap().is_empty());
        prop_assert_eq!(loaded.undo_redo_labels().unwrap(), (None, None));
    }
}
