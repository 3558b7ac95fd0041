//! Properties of the rules under random edits of the base catalog (fixtures/rules/base.json):
//! - re-checking objects through their neighbourhood (`check_objects`) gives exactly the full
//!   check's findings on those objects, for every object, one at a time and all at once;
//! - `check` is deterministic (same snapshot, same findings; a reloaded snapshot, same
//!   findings);
//! - `affected`, called before and after an edit on the objects it edits, names every object
//!   whose findings changed.
//!
//! Edits are random `Change`s over small id ranges (so they hit existing objects and each
//! other), plus raw status updates, since approvals and go-lives belong to the lifecycle code.
//! Changes the store refuses are simply skipped, as a user's refused edit would be.

use crate::rules_fixture;

use std::collections::{BTreeMap, BTreeSet};

use plansmith_core::model::*;
use plansmith_core::rules::{self, Finding};
use plansmith_core::{Catalog, Change, Date, EntityKind, Id, Money, PlanField};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rules_fixture::*;

/// One random edit.
#[derive(Debug, Clone)]
enum Edit {
    Change(Change),
    /// Sets a plan's status (and production id) directly, as the lifecycle would.
    Status(Id, Status, Option<String>),
}

const PLAN_KINDS: [EntityKind; 4] =
    [EntityKind::PackagePlan, EntityKind::ServicePlan, EntityKind::BoltOn, EntityKind::BoltOnAddOn];

fn id_of(kind: EntityKind, max: i64) -> impl Strategy<Value = Id> {
    (1..=max).prop_map(move |n| Id::new(kind, n))
}
fn plan_id() -> impl Strategy<Value = Id> {
    (0..4usize, 1..=8i64).prop_map(|(k, n)| Id::new(PLAN_KINDS[k], n))
}
fn sp() -> impl Strategy<Value = Id> {
    id_of(EntityKind::ServicePlan, 8)
}
fn pp() -> impl Strategy<Value = Id> {
    id_of(EntityKind::PackagePlan, 8)
}
fn bo() -> impl Strategy<Value = Id> {
    id_of(EntityKind::BoltOn, 4)
}
fn ao() -> impl Strategy<Value = Id> {
    id_of(EntityKind::BoltOnAddOn, 4)
}
fn link() -> impl Strategy<Value = Id> {
    id_of(EntityKind::BoltOnLink, 4)
}
fn allowance() -> impl Strategy<Value = Id> {
    id_of(EntityKind::Allowance, 4)
}
fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Buy), Just(Side::Sell)]
}
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Mobile 4G".to_string()),
        Just("IP-Line tail".to_string()),
        Just("New".to_string()),
        Just(" ".to_string())
    ]
}
fn money() -> impl Strategy<Value = Option<Money>> {
    prop_oneof![Just(None), (-500i64..100_000).prop_map(|m| Some(Money(m)))]
}
fn date() -> impl Strategy<Value = Option<Date>> {
    prop_oneof![Just(None), (1u32..=12).prop_map(|m| Date::new(2026, m, 1))]
}
fn service_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![Just(None), Just(Some("MOBILE".into())), Just(Some("IPLINE".into())), Just(Some("VOIP".into()))]
}
fn value_type() -> impl Strategy<Value = IncludedValueType> {
    prop::sample::select(IncludedValueType::ALL.to_vec())
}
fn quota() -> impl Strategy<Value = Quota> {
    (
        value_type(),
        prop::option::of(prop::sample::select(BonusType::ALL.to_vec())),
        -5i64..2_000_000,
        prop::option::of(0i64..20),
    )
        .prop_map(|(value_type, bonus_type, amount, weight)| Quota { value_type, bonus_type, amount, weight })
}
fn role() -> impl Strategy<Value = MemberRole> {
    prop::sample::select(MemberRole::ALL.to_vec())
}

fn field() -> impl Strategy<Value = (Option<EntityKind>, PlanField)> {
    use PlanField as F;
    let every: Option<EntityKind> = None;
    prop_oneof![
        side().prop_map(move |s| (every, F::Side(s))),
        name().prop_map(move |n| (every, F::InternalName(n))),
        prop::option::of(name()).prop_map(move |n| (every, F::ExternalName(n))),
        service_type().prop_map(move |s| (every, F::ServiceType(s))),
        money().prop_map(move |m| (every, F::SetupFee(m))),
        money().prop_map(move |m| (every, F::AccessFee(m))),
        date().prop_map(move |d| (every, F::SaleableFrom(d))),
        date().prop_map(move |d| (every, F::SaleableTo(d))),
        prop::sample::select(DataBillingMode::ALL.to_vec())
            .prop_map(|m| (Some(EntityKind::ServicePlan), F::DataBilling(m))),
        prop::option::of(Just(BillingType::Volume)).prop_map(|b| (Some(EntityKind::ServicePlan), F::BillingType(b))),
        prop::option::of(-1i64..1_000_000).prop_map(|q| (Some(EntityKind::ServicePlan), F::QuotaKb(q))),
        money().prop_map(|m| (None, F::ExcessRate(m))),
        prop::option::of(sp()).prop_map(|p| (Some(EntityKind::ServicePlan), F::Pool(p))),
        money().prop_map(|m| (Some(EntityKind::BoltOn), F::FirstTimeFee(m))),
        prop::option::of(
            (value_type(), -5i64..10_000).prop_map(|(value_type, amount)| IncludedValue { value_type, amount })
        )
        .prop_map(|v| (None, F::IncludedValue(v))),
        prop::collection::vec(
            (value_type(), -5i64..100).prop_map(|(value_type, amount)| IncludedValue { value_type, amount }),
            0..3
        )
        .prop_map(|v| (Some(EntityKind::ServicePlan), F::IncludedValues(v))),
        prop::option::of(value_type()).prop_map(|t| (Some(EntityKind::BoltOnAddOn), F::IncludedValueType(t))),
        any::<bool>().prop_map(|b| (Some(EntityKind::BoltOnAddOn), F::IsProvisioned(b))),
        prop::option::of(Just("KEY".to_string())).prop_map(|k| (Some(EntityKind::BoltOnAddOn), F::ProvisioningKey(k))),
        prop::collection::vec(quota(), 0..4).prop_map(|q| (Some(EntityKind::BoltOnAddOn), F::Quotas(q))),
        prop::option::of(any::<bool>()).prop_map(|b| (Some(EntityKind::BoltOnAddOn), F::AvailableInApi(b))),
        prop::option::of(any::<bool>()).prop_map(|b| (Some(EntityKind::BoltOnAddOn), F::AvailableInUserPortal(b))),
    ]
}

fn set_field() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => (plan_id(), field()).prop_map(|(id, (kind, edit))| Change::SetPlanField { id: kind.map_or(id, |k| Id::new(k, id.n)), edit }),
        1 => (plan_id(), prop::option::of(1..=8i64)).prop_map(|(id, c)| Change::SetPlanField {
            id,
            edit: PlanField::BuyCounterpart(c.map(|n| Id::new(id.kind, n))),
        }),
    ]
}

fn behaviour() -> impl Strategy<Value = Option<Behaviour>> {
    prop::option::of(prop::sample::select(Behaviour::ALL.to_vec()))
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => set_field(),
        1 => (0..4usize, side(), name()).prop_map(|(k, side, internal_name)| Change::CreatePlan { kind: PLAN_KINDS[k], side, internal_name }),
        1 => plan_id().prop_map(|of| Change::CreateSellCounterpart { of }),
        1 => plan_id().prop_map(|id| Change::DeletePlan { id }),
        1 => (pp(), sp()).prop_map(|(package_plan, service_plan)| Change::AddServicePlan { package_plan, service_plan }),
        1 => (pp(), sp()).prop_map(|(package_plan, service_plan)| Change::RemoveServicePlan { package_plan, service_plan }),
        1 => side().prop_map(|side| Change::CreateBoltOnGroup { side, name: "Group".into() }),
        1 => bo().prop_map(|bolt_on| Change::CreateBoltOnGroupFor { bolt_on, name: "Group".into() }),
        1 => id_of(EntityKind::BoltOnGroup, 2).prop_map(|id| Change::DeleteBoltOnGroup { id }),
        1 => (id_of(EntityKind::BoltOnGroup, 2), bo()).prop_map(|(group, bolt_on)| Change::AddGroupMember { group, bolt_on }),
        1 => (id_of(EntityKind::BoltOnGroup, 2), bo()).prop_map(|(group, bolt_on)| Change::RemoveGroupMember { group, bolt_on }),
        1 => (bo(), ao()).prop_map(|(bolt_on, add_on)| Change::AddToAddOnGroup { bolt_on, add_on }),
        1 => (bo(), ao()).prop_map(|(bolt_on, add_on)| Change::RemoveFromAddOnGroup { bolt_on, add_on }),
        1 => (sp(), bo(), behaviour()).prop_map(|(service_plan, bolt_on, behaviour)| Change::LinkBoltOn { service_plan, bolt_on, behaviour }),
        1 => (link(), behaviour()).prop_map(|(link, behaviour)| Change::SetBehaviour { link, behaviour }),
        1 => link().prop_map(|link| Change::UnlinkBoltOn { link }),
        1 => (link(), ao(), -1i64..5, prop::option::of(allowance())).prop_map(|(link, add_on, max_occurrence, buy_parent)| {
            Change::AddAllowance { link, add_on, max_occurrence, description: None, buy_parent }
        }),
        1 => (allowance(), -1i64..5, prop::option::of(allowance())).prop_map(|(id, max_occurrence, buy_parent)| {
            Change::UpdateAllowance { id, max_occurrence, description: None, buy_parent }
        }),
        1 => allowance().prop_map(|id| Change::RemoveAllowance { id }),
        1 => prop::option::of(pp()).prop_map(|data_package| Change::UpdateCustomer {
            id: Id::new(EntityKind::Customer, 1),
            name: "Acme Retail".into(),
            description: None,
            data_package
        }),
        1 => (id_of(EntityKind::Structure, 2), prop::option::of(Just(Id::new(EntityKind::Customer, 1))))
            .prop_map(|(id, customer)| Change::UpdateStructure { id, name: "Structure".into(), customer }),
        1 => (id_of(EntityKind::Structure, 2), plan_id(), role()).prop_map(|(structure, object, role)| Change::AddStructureMember { structure, object, role }),
        1 => (id_of(EntityKind::Structure, 2), plan_id()).prop_map(|(structure, object)| Change::RemoveStructureMember { structure, object }),
        1 => id_of(EntityKind::Structure, 2).prop_map(|id| Change::DeleteStructure { id }),
        1 => Just(Change::DeleteCustomer { id: Id::new(EntityKind::Customer, 1) }),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => change().prop_map(Edit::Change),
        1 => (plan_id(), prop::sample::select(Status::ALL.to_vec()), prop::option::of(Just("102920".to_string())))
            .prop_map(|(id, s, p)| Edit::Status(id, s, p)),
    ]
}

/// Applies an edit; returns the ids it edited (empty if the store refused it).
fn apply(cat: &mut Catalog, e: &Edit) -> Vec<Id> {
    match e {
        Edit::Change(c) => match cat.apply(c, &stamp()) {
            Ok(applied) => edited(c).into_iter().chain(applied.created).collect(),
            Err(_) => vec![],
        },
        Edit::Status(id, status, production_id) => {
            let sql = format!("UPDATE \"{}\" SET status = ?1, production_id = ?2 WHERE id = ?3", id.kind.table());
            cat.conn().execute(&sql, rusqlite::params![status.as_str(), production_id, id.n]).unwrap();
            vec![*id]
        }
    }
}

/// The objects a change edits (what the window would pass to `affected`).
fn edited(c: &Change) -> Vec<Id> {
    use Change::*;
    match c {
        CreateSellCounterpart { of } => vec![*of],
        SetPlanField { id, .. } | DeletePlan { id } => vec![*id],
        AddServicePlan { package_plan, .. } | RemoveServicePlan { package_plan, .. } => {
            vec![*package_plan]
        }
        UpdateBoltOnGroup { id, .. } | DeleteBoltOnGroup { id } => vec![*id],
        AddGroupMember { group, .. } | RemoveGroupMember { group, .. } => vec![*group],
        AddToAddOnGroup { bolt_on, .. }
        | RemoveFromAddOnGroup { bolt_on, .. }
        | CreateBoltOnGroupFor { bolt_on, .. } => {
            vec![*bolt_on]
        }
        SetBehaviour { link, .. } | UnlinkBoltOn { link } => vec![*link],
        UpdateAllowance { id, .. } | RemoveAllowance { id } => vec![*id],
        UpdateCustomer { id, .. } | DeleteCustomer { id } => vec![*id],
        UpdateStructure { id, .. } | DeleteStructure { id } => vec![*id],
        AddStructureMember { structure, .. } | RemoveStructureMember { structure, .. } => {
            vec![*structure]
        }
        _ => vec![],
    }
}

fn by_object(findings: &[Finding]) -> BTreeMap<Id, Vec<&Finding>> {
    let mut m: BTreeMap<Id, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        m.entry(f.object).or_default().push(f);
    }
    m
}

fn affected_all(cat: &Catalog, ids: &[Id]) -> BTreeSet<Id> {
    ids.iter().flat_map(|id| rules::affected(cat.conn(), *id).unwrap()).collect()
}

fn retail(cat: &mut Catalog) {
    let c = Change::UpdateSettings {
        name: "Rules test".into(),
        provider: "Acme Telecom".into(),
        tier: Tier::Retail,
        currency: "AUD".into(),
    };
    cat.apply(&c, &stamp()).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/fixtures/rules/proptest-regressions.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn rechecking_objects_agrees_with_the_full_check(edits in prop::collection::vec(edit(), 1..20), is_retail in prop::bool::weighted(0.2)) {
        let mut c = base();
        if is_retail {
            retail(&mut c.catalog);
        }
        for e in &edits {
            apply(&mut c.catalog, e);
        }
        let s = snapshot(&c.catalog);
        let full = rules::check(&s);
        prop_assert_eq!(&full, &rules::check(&s), "check is not deterministic");
        prop_assert_eq!(&full, &rules::check(&snapshot(&c.catalog)), "check differs on a reloaded snapshot");
        let grouped = by_object(&full);
        let mut ids = all_ids(&s);
        ids.extend([Id::new(EntityKind::ServicePlan, 99), Id::new(EntityKind::Allowance, 99)]);
        for id in &ids {
            let alone = rules::check_objects(c.catalog.conn(), &[*id]).unwrap();
            let want: Vec<&Finding> = grouped.get(id).cloned().unwrap_or_default();
            prop_assert_eq!(alone.iter().collect::<Vec<_>>(), want, "check_objects({}) differs from the full check", id);
        }
        prop_assert_eq!(rules::check_objects(c.catalog.conn(), &ids).unwrap(), full);
    }

    #[test]
    fn affected_names_every_object_whose_findings_change(edits in prop::collection::vec(edit(), 1..14), is_retail in prop::bool::weighted(0.2)) {
        let mut c = base();
        if is_retail {
            retail(&mut c.catalog);
        }
        let mut before = rules::check(&snapshot(&c.catalog));
        for e in &edits {
            let candidates: Vec<Id> = match e {
                Edit::Change(ch) => edited(ch),
                Edit::Status(id, ..) => vec![*id],
            };
            let mut covered = affected_all(&c.catalog, &candidates);
            let done = apply(&mut c.catalog, e);
            covered.extend(affected_all(&c.catalog, &done));
            let after = rules::check(&snapshot(&c.catalog));
            let (b, a) = (by_object(&before), by_object(&after));
            let changed: BTreeSet<Id> = b.keys().chain(a.keys()).copied().filter(|id| b.get(id) != a.get(id)).collect();
            let missed: Vec<&Id> = changed.iter().filter(|id| !covered.contains(id)).collect();
            prop_assert!(missed.is_empty(), "edit {:?} changed the findings of {:?}, which affected() did not name ({:?})", e, missed, covered);
            before = after;
        }
    }
}
