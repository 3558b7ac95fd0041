//! ADD-01..06: bolt-on add-ons, the best documented object (seed 2, two screens). An add-on only
//! exists under a bolt-on: it must sit in that bolt-on's add-on group before it can be offered
//! under a link, it must give the same kind of value as the bolt-on, its quotas must be
//! complete, provisioning must be possible, and the self-service flags make sense only on what
//! is sold.
//!
//! All on the add-on:
//! - ADD-01 (field `add_on_group`): an allowance names it, but no bolt-on of its side holds it
//!   in its add-on group (seed 2, steps 8–9). Whether the allowance's own bolt-on holds it is
//!   ALW-01's, on the allowance; an add-on in no group at all breaks both.
//! - ADD-02 (field `included_value_type`): a bolt-on whose add-on group holds it gives another
//!   included value type, or either has none. The service type half is STR-05's.
//! - ADD-03 (field `quotas`): no quota or more than four, two quotas of one value type, or a
//!   quota without a bonus type, with an amount ≤ 0 or without a weight; one finding each.
//! - ADD-04: provisioned without a key (field `provisioning_key`), or on a service type that is
//!   not `auto_provisioned` (field `is_provisioned`; a missing service type is STR-05's).
//! - ADD-05: a BUY add-on with an availability flag set, yes or no (fields
//!   `available_in_api`, `available_in_user_portal`).
//! - ADD-06 (warning, no single field): a SELL add-on available neither in the API nor in the
//!   user portal.

use super::Finding;
use super::index::Index;
use crate::model::{BoltOnAddOnFields, Plan, Side};

pub(super) fn check(ix: &Index, out: &mut Vec<Finding>) {
    for a in ix.s.bolt_on_add_ons.iter().filter(|a| !ix.reference_only(a.side)) {
        let Some(f) = a.add_on() else { continue };
        in_a_group(ix, a, out);
        same_value_type(ix, a, f, out);
        quotas(a, f, out);
        provisioning(ix, a, f, out);
        availability(a, f, out);
    }
}

/// ADD-01.
fn in_a_group(ix: &Index, a: &Plan, out: &mut Vec<Finding>) {
    let Some(first) = ix.allowances_of_add_on(a.id).next() else {
        return;
    };
    if ix.bolt_ons_of_add_on(a.id).any(|b| b.side == a.side) {
        return;
    }
    out.push(Finding::new(
        "ADD-01",
        a.id,
        &a.describe(),
        Some("add_on_group"),
        format!(
            "is empty (no {} bolt-on's add-on group holds it) while allowance {} under {} names it",
            a.side, first.id, first.bolt_on_link
        ),
        format!("an add-on is placed in its {} bolt-on's add-on group before it appears under a bolt-on link", a.side),
        "add it to the add-on group of the bolt-on it is bought with".into(),
    ));
}

/// ADD-02.
fn same_value_type(ix: &Index, a: &Plan, f: &BoltOnAddOnFields, out: &mut Vec<Finding>) {
    for b in ix.bolt_ons_of_add_on(a.id) {
        let theirs = b.bolt_on().and_then(|g| g.included_value).map(|v| v.value_type);
        if f.included_value_type.is_some() && f.included_value_type == theirs {
            continue;
        }
        let mine = f.included_value_type.map_or("empty", |t| t.as_str());
        let (found, fix) = match theirs {
            Some(t) => (
                format!("is {mine} while bolt-on {}, whose add-on group holds it, gives {t}", b.id),
                format!("set included_value_type to {t}, or take it out of the add-on group of {}", b.id),
            ),
            None => (
                format!("is {mine} while bolt-on {}, whose add-on group holds it, has no included value", b.id),
                format!("give {} its included value, and this add-on the same included value type", b.id),
            ),
        };
        out.push(Finding::new(
            "ADD-02",
            a.id,
            &a.describe(),
            Some("included_value_type"),
            found,
            "an add-on joins a bolt-on's add-on group only with the bolt-on's included value type".into(),
            fix,
        ));
    }
}

/// ADD-03.
fn quotas(a: &Plan, f: &BoltOnAddOnFields, out: &mut Vec<Finding>) {
    let mut report = |found: String, fix: &str| {
        out.push(Finding::new(
            "ADD-03",
            a.id,
            &a.describe(),
            Some("quotas"),
            found,
            "an add-on has 1 to 4 quotas of distinct included value types, each with a bonus type, an amount > 0 and a weight".into(),
            fix.into(),
        ))
    };
    match f.quotas.len() {
        0 => report("is empty".into(), "add its quota: value type, bonus type, amount and weight"),
        n if n > 4 => report(format!("has {n} quotas"), "keep at most four quotas"),
        _ => {}
    }
    for (i, q) in f.quotas.iter().enumerate() {
        let slot = i + 1;
        let vt = q.value_type;
        if let Some(j) = f.quotas[..i].iter().position(|p| p.value_type == vt) {
            report(
                format!("slot {slot} repeats the {vt} quota of slot {}", j + 1),
                "merge them into one quota per value type",
            );
        }
        if q.bonus_type.is_none() {
            report(format!("slot {slot} ({vt}) has no bonus type"), "choose none, at_start or at_end");
        }
        if q.amount <= 0 {
            report(format!("slot {slot} ({vt}) has amount {}", q.amount), "enter the amount the quota gives");
        }
        if q.weight.is_none() {
            report(format!("slot {slot} ({vt}) has no weight"), "enter a weight (the higher weight is used first)");
        }
    }
}

/// ADD-04.
fn provisioning(ix: &Index, a: &Plan, f: &BoltOnAddOnFields, out: &mut Vec<Finding>) {
    if !f.is_provisioned {
        return;
    }
    if f.provisioning_key.as_deref().is_none_or(|k| k.trim().is_empty()) {
        out.push(Finding::new(
            "ADD-04",
            a.id,
            &a.describe(),
            Some("provisioning_key"),
            "is empty while is_provisioned is yes".into(),
            "a provisioned add-on sends the carrier's provisioning key".into(),
            "enter the provisioning key the carrier gave, or set is_provisioned to no".into(),
        ));
    }
    let Some(st) = a.service_type.as_deref().and_then(|c| ix.s.service_type(c)) else {
        return;
    };
    if !st.auto_provisioned {
        out.push(Finding::new(
            "ADD-04",
            a.id,
            &a.describe(),
            Some("is_provisioned"),
            format!("is yes on service type {}, which is not auto_provisioned", st.code),
            "add-ons are provisioned only where the carrier link provisions them automatically".into(),
            "set is_provisioned to no, or mark the service type auto_provisioned if the carrier does it".into(),
        ));
    }
}

/// ADD-05 and ADD-06.
fn availability(a: &Plan, f: &BoltOnAddOnFields, out: &mut Vec<Finding>) {
    if a.side == Side::Buy {
        for (field, value) in
            [("available_in_api", f.available_in_api), ("available_in_user_portal", f.available_in_user_portal)]
        {
            if let Some(v) = value {
                out.push(Finding::new(
                    "ADD-05",
                    a.id,
                    &a.describe(),
                    Some(field),
                    format!("is set ({})", if v { "yes" } else { "no" }),
                    "availability flags apply to SELL add-ons only".into(),
                    format!("clear {field}"),
                ));
            }
        }
    } else if f.available_in_api != Some(true) && f.available_in_user_portal != Some(true) {
        out.push(Finding::new(
            "ADD-06",
            a.id,
            &a.describe(),
            None,
            "is available neither in the API (available_in_api) nor in the user portal (available_in_user_portal)"
                .into(),
            "a SELL add-on that customers cannot reach can only be sold by staff".into(),
            "tick available_in_user_portal or available_in_api, unless only staff should sell it".into(),
        ));
    }
}
