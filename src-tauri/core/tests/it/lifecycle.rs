//! Lifecycle boundary tests on the demo catalog: approval closures and blockers, reopening
//! with withdrawal of dependants, the editable-when-live locks (LIF-02), retirement, and that
//! every transition is audited and undoable.

use plansmith_core::model::Status;
use plansmith_core::{Catalog, Change, EntityKind, ErrorKind, Id, PlanField, Stamp, Timestamp, demo};

fn stamp() -> Stamp {
    Stamp::new("Dana", Timestamp::from_unix_seconds(1_767_225_600))
}

fn demo_catalog(dir: &tempfile::TempDir) -> Catalog {
    demo::write_demo(&dir.path().join("demo.plansmith"), &stamp()).unwrap()
}

fn status(cat: &Catalog, id: Id) -> Status {
    cat.snapshot().unwrap().plan(id).unwrap().status
}

/// The SELL package plan of the bolt-on add-on structure and its BUY counterpart.
fn mobile_packages(cat: &Catalog) -> (Id, Id) {
    let s = cat.snapshot().unwrap();
    let sell =
        s.package_plans.iter().find(|p| p.internal_name.contains("Mobile") && p.buy_counterpart.is_some()).unwrap();
    (sell.id, sell.buy_counterpart.unwrap())
}

#[test]
fn approving_a_package_plan_approves_its_whole_structure() {
    let d = tempfile::tempdir().unwrap();
    let mut cat = demo_catalog(&d);
    let (sell_pp, buy_pp) = mobile_packages(&cat);
    let preview = cat.plan_approval(&[sell_pp]).unwrap();
    assert!(preview.blockers.is_empty(), "{:?}", preview.blockers);
    let approved = cat.approve(&[sell_pp], &stamp()).unwrap();
    assert_eq!(approved, preview.approves);
    let kinds: std::collections::BTreeSet<EntityKind> = approved.iter().map(|i| i.kind).collect();
    assert_eq!(kinds.len(), 4, "package, service plan, bolt-on and add-ons: {approved:?}");
    assert!(approved.contains(&buy_pp));
    for id in &approved {
        assert_eq!(status(&cat, *id), Status::Approved);
    }
    let log = cat.audit_log().unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "approve").count(), approved.len());
    assert!(log.iter().all(|e| e.by == "Dana"));
    // Already approved: a second approval is refused.
    let e = cat.approve(&[sell_pp], &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Lifecycle);
    // And undo takes the whole approval back in one step.
    cat.undo(&stamp()).unwrap().unwrap();
    assert!(approved.iter().all(|id| status(&cat, *id) == Status::Draft));
}

#[test]
fn approval_is_blocked_by_errors_anywhere_in_what_it_brings_along() {
    let d = tempfile::tempdir().unwrap();
    let mut cat = demo_catalog(&d);
    let (sell_pp, buy_pp) = mobile_packages(&cat);
    // Break the BUY package (a dependency): no saleable_from, and a negative fee (FEE-01).
    cat.apply(&Change::SetPlanField { id: buy_pp, edit: PlanField::SaleableFrom(None) }, &stamp()).unwrap();
    cat.apply(
        &Change::SetPlanField { id: buy_pp, edit: PlanField::SetupFee(Some(plansmith_core::Money(-100))) },
        &stamp(),
    )
    .unwrap();
    let e = cat.approve(&[sell_pp], &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Lifecycle);
    let m = e.message();
    assert!(m.contains("refused") && m.contains(&buy_pp.to_string()), "{m}");
    assert!(m.contains("saleable_from") && m.contains("FEE-01") && m.contains("setup_fee"), "{m}");
    assert_eq!(status(&cat, sell_pp), Status::Draft, "nothing approved");
    // approve --all approves the rest (the shared-data structure) and reports the blockers.
    let all = cat.approve_all(&stamp()).unwrap();
    assert!(!all.approved.is_empty());
    assert!(!all.approved.contains(&sell_pp) && !all.approved.contains(&buy_pp));
    assert!(all.blocked.iter().any(|b| b.object == buy_pp && b.rule == "FEE-01"));
}

#[test]
fn reopening_withdraws_the_approval_of_what_depends_on_it() {
    let d = tempfile::tempdir().unwrap();
    let mut cat = demo_catalog(&d);
    let (sell_pp, _) = mobile_packages(&cat);
    let approved = cat.approve(&[sell_pp], &stamp()).unwrap();
    let bolt_on = *approved.iter().find(|i| i.kind == EntityKind::BoltOn).unwrap();
    let e = cat.reopen(bolt_on, "  ", &stamp()).unwrap_err();
    assert_eq!(e.field(), Some("reason"));
    let reopened = cat.reopen(bolt_on, "8 GB becomes 10 GB", &stamp()).unwrap();
    assert!(reopened.contains(&bolt_on) && reopened.contains(&sell_pp), "{reopened:?}");
    assert!(reopened.iter().any(|i| i.kind == EntityKind::ServicePlan));
    for id in &reopened {
        assert_eq!(status(&cat, *id), Status::Draft);
    }
    let log = cat.audit_log().unwrap();
    let own = log.iter().find(|e| e.action == "reopen" && e.object == Some(bolt_on)).unwrap();
    assert_eq!(own.detail, "8 GB becomes 10 GB");
    assert_eq!(log.iter().filter(|e| e.action == "reopen").count(), reopened.len());
}

#[test]
fn approved_objects_are_read_only() {
    let d = tempfile::tempdir().unwrap();
    let mut cat = demo_catalog(&d);
    let (sell_pp, _) = mobile_packages(&cat);
    cat.approve(&[sell_pp], &stamp()).unwrap();
    let e = cat.apply(&Change::SetPlanField { id: sell_pp, edit: PlanField::Weighting(9) }, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
    assert!(e.message().contains("reopen it"), "{e}");
    let e = cat.apply(&Change::DeletePlan { id: sell_pp }, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
}

#[test]
fn live_objects_change_only_their_editable_when_live_fields() {
    let d = tempfile::tempdir().unwrap();
    let mut cat = demo_catalog(&d);
    let s = cat.snapshot().unwrap();
    let pool = s
        .service_plans
        .iter()
        .find(|p| p.service().is_some_and(|f| f.data_billing.quota_kb.is_some()) && p.buy_counterpart.is_some())
        .unwrap()
        .id;
    let approved = cat.approve(&[pool], &stamp()).unwrap();
    let e = cat.mark_live(pool, " ", &stamp()).unwrap_err();
    assert_eq!(e.field(), Some("production_id"));
    // What the ID return sheet refuses, `mark_live` refuses too: control characters, pasted essays.
    for pasted in ["SP\u{1b}[31m100234".to_string(), "7".repeat(101)] {
        let e = cat.mark_live(pool, &pasted, &stamp()).unwrap_err();
        assert_eq!(e.field(), Some("production_id"), "{e}");
        assert!(e.message().contains("not an id Emersion shows"), "{e}");
        assert_eq!(status(&cat, pool), Status::Approved);
    }
    cat.mark_live(pool, "SP-100234", &stamp()).unwrap();
    assert_eq!(status(&cat, pool), Status::Live);
    // Editable when live: names, descriptions, quota and excess rate.
    for edit in [
        PlanField::InternalName("Shared data 1 TB".into()),
        PlanField::ExternalDescription(Some("Now with 1 TB".into())),
        PlanField::QuotaKb(Some(1024 * 1024 * 1024)),
        PlanField::ExcessRate(Some(plansmith_core::Money(900))),
    ] {
        cat.apply(&Change::SetPlanField { id: pool, edit }, &stamp()).unwrap();
    }
    // Everything else is locked (LIF-02) and names the field.
    for edit in [
        PlanField::ServiceType(Some("NBN".into())),
        PlanField::Side(plansmith_core::model::Side::Buy),
        PlanField::SetupFee(None),
        PlanField::DataBilling(plansmith_core::model::DataBillingMode::None),
    ] {
        let name = edit.name();
        let e = cat.apply(&Change::SetPlanField { id: pool, edit }, &stamp()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Lifecycle);
        assert!(e.message().starts_with("LIF-02"), "{e}");
        assert_eq!(e.field(), Some(name));
    }
    // A second object cannot take the same production id.
    let other = *approved.iter().find(|i| i.kind == EntityKind::ServicePlan && **i != pool).unwrap();
    let e = cat.mark_live(other, "SP-100234", &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    // Live objects are not reopened; they are retired.
    assert_eq!(cat.reopen(pool, "x", &stamp()).unwrap_err().kind(), ErrorKind::Lifecycle);
    cat.retire(pool, &stamp()).unwrap();
    assert_eq!(status(&cat, pool), Status::Retired);
    let e =
        cat.apply(&Change::SetPlanField { id: pool, edit: PlanField::InternalName("x".into()) }, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
    let actions: Vec<String> = cat.audit_log().unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"live".to_string()) && actions.contains(&"retire".to_string()));
}

#[test]
fn lifecycle_steps_need_a_name() {
    let d = tempfile::tempdir().unwrap();
    let mut cat = demo_catalog(&d);
    let (sell_pp, _) = mobile_packages(&cat);
    let e = cat.approve(&[sell_pp], &Stamp::new(" ", Timestamp::from_unix_seconds(0))).unwrap_err();
    assert_eq!(e.field(), Some("by"));
}

#[test]
fn objects_without_a_status_are_refused_by_kind_not_reported_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = demo_catalog(&dir);
    for id in ["ST-1", "BG-1", "AL-1", "CU-1"] {
        let id: Id = id.parse().unwrap();
        let e = cat.approve(&[id], &stamp()).unwrap_err();
        assert_eq!((e.kind(), e.field()), (ErrorKind::InvalidInput, Some("id")), "{e}");
        assert!(e.message().contains(&format!("{id} ({})", id.kind.label())), "{e}");
        assert!(e.message().contains("has no status of its own"), "{e}");
        let e = cat.retire(id, &stamp()).unwrap_err();
        assert!(e.message().contains("has no status of its own"), "{e}");
    }
    // A plan id that does not exist is still reported missing.
    let e = cat.approve(&["PP-999".parse().unwrap()], &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.message().contains("there is no package plan PP-999"), "{e}");
}
