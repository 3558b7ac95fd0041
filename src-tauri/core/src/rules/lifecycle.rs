//! LIF-01..03: the lifecycle (domain.md §5) as a state the catalog is in. The lifecycle code
//! refuses a bad approval or a live edit when it is attempted; these findings report an
//! approved or live object that is nonetheless not fit (its content changed underneath it,
//! through a shared object, a group, an import or an undo), so it is never handed to ops as is.
//!
//! How the three split (one fact, one finding):
//! - LIF-01 (field `status`) is about the object itself: it is approved or live while it has
//!   errors of its own (for a service plan, also on its bolt-on links and their allowances; for
//!   a bolt-on, also on the bolt-on groups holding it — the objects whose approval is that
//!   plan's). The message lists them. Errors of the objects it depends on are reported on those
//!   objects (each approved one carries its own LIF-01), not repeated here. LIF-01 also reports
//!   an approved or live plan without `saleable_from` (field `saleable_from`): "from is required
//!   before approval" (domain.md §2); on a draft it is not a finding, the approval refuses it.
//! - LIF-03 is about what it depends on: an approved or live object that depends on a draft or
//!   retired one, which a bundle would then not hold. Dependencies: a SELL object's BUY
//!   counterpart (`buy_counterpart`), a package plan's service plans (`service_plans`), a service
//!   plan's linked bolt-ons (`bolt_on_links`), the add-ons of its allowances (`allowances`) and
//!   its pool (`pool`), an add-on's bolt-ons whose add-on group holds it (`add_on_group`).
//! - LIF-02 (field `production_id`): a live object without the production id ops reported. The
//!   edit locks of a live object are enforced when an edit is attempted (the change API refuses
//!   it with LIF-02); the finding covers the state.
//!
//! LIF findings are not counted as errors by LIF-01. Reference-only BUY objects (retail tier)
//! are checked for LIF-01 and LIF-02 only, and are nobody's dependency.

use std::collections::HashMap;

use super::index::Index;
use super::{Finding, Severity};
use crate::id::{EntityKind, Id};
use crate::model::{Plan, Side, Status};

/// Error rules found so far, per object.
type Errors = HashMap<Id, Vec<&'static str>>;

pub(super) fn check(ix: &Index, out: &mut Vec<Finding>) {
    let signed_off = |p: &&Plan| matches!(p.status, Status::Approved | Status::Live);
    if !ix.s.plans().any(|p| signed_off(&p)) {
        return;
    }
    let errors = errors(out);
    let mut found = Vec::new();
    for p in ix.s.plans().filter(signed_off) {
        errors_held(ix, p, &errors, &mut found);
        if !ix.reference_only(p.side) {
            saleable_from(p, &mut found);
            dependencies(ix, p, &mut found);
        }
        if p.status == Status::Live {
            production_id(p, &mut found);
        }
    }
    out.extend(found);
}

fn errors(findings: &[Finding]) -> Errors {
    let mut m: Errors = HashMap::new();
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        m.entry(f.object).or_default().push(f.rule);
    }
    m
}

/// The objects whose errors hold `p` back: itself, and for a service plan its links and their
/// allowances, for a bolt-on the groups holding it.
fn held_by(ix: &Index, p: &Plan) -> Vec<Id> {
    let mut v = vec![p.id];
    match p.kind() {
        EntityKind::ServicePlan => {
            for l in ix.links_of_service(p.id) {
                v.push(l.id);
                v.extend(ix.allowances_of_link(l.id).map(|a| a.id));
            }
        }
        EntityKind::BoltOn => v.extend(ix.groups_of(p.id).map(|g| g.id)),
        _ => {}
    }
    v
}

/// LIF-01: errors on an approved or live object.
fn errors_held(ix: &Index, p: &Plan, errors: &Errors, out: &mut Vec<Finding>) {
    let mut listed: Vec<String> = Vec::new();
    for id in held_by(ix, p) {
        let Some(rules) = errors.get(&id) else {
            continue;
        };
        for rule in rules {
            listed.push(if id == p.id { rule.to_string() } else { format!("{rule} on {id}") });
        }
    }
    if listed.is_empty() {
        return;
    }
    listed.sort();
    listed.dedup();
    out.push(Finding::new(
        "LIF-01",
        p.id,
        &p.describe(),
        Some("status"),
        format!("is {} while it has errors: {}", p.status, listed.join(", ")),
        "an approved or live object has no errors (approval needs none)".into(),
        "reopen it, fix the errors, and approve it again".into(),
    ));
}

/// LIF-01: saleable_from is required before approval.
fn saleable_from(p: &Plan, out: &mut Vec<Finding>) {
    if p.saleable_from.is_some() {
        return;
    }
    out.push(Finding::new(
        "LIF-01",
        p.id,
        &p.describe(),
        Some("saleable_from"),
        format!("is empty on {} plan", if p.status == Status::Live { "a live" } else { "an approved" }),
        "saleable_from is required before approval".into(),
        "reopen it and enter the date it may first be sold".into(),
    ));
}

/// LIF-02.
fn production_id(p: &Plan, out: &mut Vec<Finding>) {
    if p.production_id.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        return;
    }
    out.push(Finding::new(
        "LIF-02",
        p.id,
        &p.describe(),
        Some("production_id"),
        "is empty on a live plan".into(),
        "a live object carries the id Emersion assigned, and from then on changes only its editable-when-live fields"
            .into(),
        "enter the production id ops reported back".into(),
    ));
}

/// What `p` depends on, as (field, object).
fn depends_on(ix: &Index, p: &Plan) -> Vec<(&'static str, Id)> {
    let mut v: Vec<(&'static str, Id)> = Vec::new();
    if p.side == Side::Sell
        && let Some(c) = p.buy_counterpart
    {
        v.push(("buy_counterpart", c));
    }
    if let Some(f) = p.package() {
        v.extend(f.service_plans.iter().map(|sp| ("service_plans", *sp)));
    }
    if let Some(f) = p.service() {
        for l in ix.links_of_service(p.id) {
            v.push(("bolt_on_links", l.bolt_on));
            v.extend(ix.allowances_of_link(l.id).map(|a| ("allowances", a.add_on)));
        }
        v.extend(f.data_billing.pool.map(|t| ("pool", t)));
    }
    if p.add_on().is_some() {
        v.extend(ix.bolt_ons_of_add_on(p.id).map(|b| ("add_on_group", b.id)));
    }
    v.sort();
    v.dedup();
    v
}

/// LIF-03.
fn dependencies(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    for (field, id) in depends_on(ix, p) {
        let Some(d) = ix.plan(id).filter(|d| !ix.reference_only(d.side)) else {
            continue;
        };
        let fix = match d.status {
            Status::Draft => format!("approve {} too, or reopen this {}", d.id, p.kind().label()),
            Status::Retired => format!("use a current plan instead of {}, or reopen this {}", d.id, p.kind().label()),
            Status::Approved | Status::Live => continue,
        };
        out.push(Finding::new(
            "LIF-03",
            p.id,
            &p.describe(),
            Some(field),
            format!("names {}, which is {}", d.describe(), d.status),
            "an approved or live object depends only on approved or live objects, so that a bundle holds everything it needs".into(),
            fix,
        ));
    }
}
