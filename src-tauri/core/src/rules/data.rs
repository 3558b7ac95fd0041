//! DAT-01..04: data billing and shared data (domain.md §3, seed 1). A data service that bills no
//! data loses every byte; a quota without its billing type, size or excess rate cannot be keyed;
//! a tail must draw from its own customer's pool (a carrier pool shared with other customers is
//! out of scope), and a tail with a quota of its own silently stops sharing.
//!
//! All on the service plan:
//! - DAT-01 (field `data_billing`): `none` on a service type of category `data`.
//! - DAT-02 (`own` billing): no billing type (field `billing_type`), no quota or one ≤ 0
//!   (`quota_kb`), no excess rate (`excess_rate`). A negative excess rate is FEE-01's, which owns
//!   every negative amount.
//! - DAT-03 (field `pool`, `pooled` billing): no pool; a pool on the other side; a pool whose
//!   billing is not `own`; and, for each shared-data structure holding the plan (directly or
//!   through a member package plan), a pool that is neither in that structure nor in the data
//!   package of the structure's customer.
//! - DAT-04 (warning, field `data_billing`): `own` billing on a tail, i.e. a plan held in a
//!   shared-data structure with role `tail` (directly or through its package plan).

use super::Finding;
use super::index::Index;
use crate::id::Id;
use crate::model::{DataBilling, DataBillingMode, MemberRole, Plan, ServiceCategory, Structure};

pub(super) fn check(ix: &Index, out: &mut Vec<Finding>) {
    for p in ix.s.service_plans.iter().filter(|p| !ix.reference_only(p.side)) {
        let Some(db) = p.service().map(|f| &f.data_billing) else {
            continue;
        };
        match db.mode {
            DataBillingMode::None => billed(ix, p, out),
            DataBillingMode::Own => {
                own(p, db, out);
                tail_with_own(ix, p, out);
            }
            DataBillingMode::Pooled => pooled(ix, p, db, out),
        }
    }
}

/// DAT-01.
fn billed(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    let Some(st) = p.service_type.as_deref().and_then(|c| ix.s.service_type(c)) else {
        return;
    };
    if st.category != ServiceCategory::Data {
        return;
    }
    out.push(Finding::new(
        "DAT-01",
        p.id,
        &p.describe(),
        Some("data_billing"),
        format!("is none on data service type {}", st.code),
        "a service plan on a data service type bills its data: own (it holds the quota) or pooled (it draws from a data-allowance plan)".into(),
        "set data_billing to own with a quota and excess rate, or to pooled with its pool".into(),
    ));
}

/// DAT-02.
fn own(p: &Plan, db: &DataBilling, out: &mut Vec<Finding>) {
    let mut report = |field: &'static str, found: String, fix: &str| {
        out.push(Finding::new(
            "DAT-02",
            p.id,
            &p.describe(),
            Some(field),
            found,
            "own data billing has a billing type, a quota > 0 and an excess rate ≥ 0".into(),
            fix.into(),
        ))
    };
    if db.billing_type.is_none() {
        report("billing_type", "is empty".into(), "choose the billing type (volume)");
    }
    match db.quota_kb {
        None => report("quota_kb", "is empty".into(), "enter the quota in KB (the pool, for a data-allowance plan)"),
        Some(q) if q <= 0 => {
            report("quota_kb", format!("is {q}"), "enter the quota in KB (the pool, for a data-allowance plan)")
        }
        Some(_) => {}
    }
    if db.excess_rate.is_none() {
        report("excess_rate", "is empty".into(), "enter the rate per GB charged above the quota (0 if none)");
    }
}

/// DAT-03.
fn pooled(ix: &Index, p: &Plan, db: &DataBilling, out: &mut Vec<Finding>) {
    let mut report = |found: String, expected: String, fix: String| {
        out.push(Finding::new("DAT-03", p.id, &p.describe(), Some("pool"), found, expected, fix))
    };
    let side = p.side;
    let Some(pool) = db.pool else {
        report(
            "is empty".into(),
            "pooled data billing draws from a data-allowance service plan whose own billing is the pool".into(),
            format!("choose the {side} data-allowance service plan, or set data_billing to own or none"),
        );
        return;
    };
    let Some(t) = ix.plan(pool) else { return };
    if t.side != side {
        report(
            format!("is {} service plan {}", t.side, t.id),
            format!("a {side} service plan pools from a {side} data-allowance service plan"),
            format!("choose the {side} counterpart of {}", t.id),
        );
    }
    let t_mode = t.service().map(|f| f.data_billing.mode);
    if t_mode != Some(DataBillingMode::Own) {
        report(
            format!("is {}, whose data billing is {}", t.id, t_mode.map_or("none", |m| m.as_str())),
            "the pool is a service plan with own data billing (it holds the quota)".into(),
            format!("choose the data-allowance service plan, or give {} own data billing", t.id),
        );
    }
    let mut seen: Vec<Id> = Vec::new();
    for (st, _) in ix.memberships(p.id) {
        if seen.contains(&st.id) {
            continue;
        }
        seen.push(st.id);
        if ix.memberships(t.id).any(|(other, _)| other.id == st.id) || customer_data_package_holds(ix, st, t.id) {
            continue;
        }
        report(
            format!(
                "is {}, which is neither in {} that holds this plan nor in its customer's data package",
                t.id,
                ix.s.describe(st.id)
            ),
            "a pooled plan draws from the pool of its own customer structure".into(),
            format!("choose the data-allowance service plan of {}, or add {} to it", st.id, t.id),
        );
    }
}

fn customer_data_package_holds(ix: &Index, st: &Structure, service_plan: Id) -> bool {
    st.customer
        .and_then(|c| ix.s.customer(c))
        .and_then(|c| c.data_package)
        .and_then(|pp| ix.plan(pp))
        .and_then(|pp| pp.package())
        .is_some_and(|f| f.service_plans.contains(&service_plan))
}

/// DAT-04.
fn tail_with_own(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    let Some((st, _)) = ix.memberships(p.id).find(|(_, role)| *role == MemberRole::Tail) else {
        return;
    };
    out.push(Finding::new(
        "DAT-04",
        p.id,
        &p.describe(),
        Some("data_billing"),
        format!("is own while it is a tail of {}", ix.s.describe(st.id)),
        "a tail shares its customer's pool through pooled data billing, and with a quota of its own it does not".into(),
        "set data_billing to pooled on the structure's data-allowance plan, unless this tail really has its own quota"
            .into(),
    ));
}
