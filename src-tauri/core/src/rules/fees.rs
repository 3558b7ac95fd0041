//! FEE-01..02: money and sale dates. Prices are exact integers in the currency's minor unit, so
//! "no more decimals than the currency has" is enforced where amounts are typed (the parser
//! refuses them, and a currency switch refuses to round); what can still be wrong in a stored
//! catalog is a negative amount, a sale window that ends before it starts, and a SELL price
//! that loses money against what the provider pays for the same thing.
//!
//! - FEE-01 (error): a negative `setup_fee`, `access_fee`, `first_time_fee`, `excess_rate`
//!   (data billing or bolt-on), or dollar included value (`included_value`, `included_values`,
//!   `quotas`); a `saleable_to` on or before `saleable_from`.
//! - FEE-02 (warning): on a SELL plan, a `setup_fee`, `access_fee`, `first_time_fee` or
//!   `excess_rate` below its BUY counterpart's (a blank price counts as 0).
//!
//! A missing `saleable_from` ("required before approval", domain.md §2) is not a finding on a
//! draft: the lifecycle refuses the approval (as LIF-01), and an approved or live plan without
//! one is reported by LIF-01 (see `lifecycle`).

use super::Finding;
use super::index::Index;
use crate::model::{IncludedValue, IncludedValueType, Plan, PlanDetail, Side};
use crate::value::Money;

pub(super) fn check(ix: &Index, out: &mut Vec<Finding>) {
    for p in ix.s.plans().filter(|p| !ix.reference_only(p.side)) {
        negative_prices(ix, p, out);
        negative_dollar_values(ix, p, out);
        sale_window(p, out);
        if p.side == Side::Sell {
            below_buy(ix, p, out);
        }
    }
}

/// The priced fields of a plan: (field, amount); fields the kind lacks are `None`.
fn prices(p: &Plan) -> [(&'static str, Option<Money>); 4] {
    let (first_time_fee, excess_rate) = match &p.detail {
        PlanDetail::ServicePlan(f) => (None, f.data_billing.excess_rate),
        PlanDetail::BoltOn(f) => (f.first_time_fee, f.excess_rate),
        _ => (None, None),
    };
    [
        ("setup_fee", p.setup_fee),
        ("access_fee", p.access_fee),
        ("first_time_fee", first_time_fee),
        ("excess_rate", excess_rate),
    ]
}

/// FEE-01: negative prices.
fn negative_prices(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    for (field, amount) in prices(p) {
        if let Some(m) = amount.filter(|m| m.0 < 0) {
            out.push(negative(ix, p, field, format!("is {}", ix.money(m))));
        }
    }
}

/// FEE-01: negative dollar included values.
fn negative_dollar_values(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    let dollars = |v: &IncludedValue| v.value_type == IncludedValueType::Dollar && v.amount < 0;
    match &p.detail {
        PlanDetail::PackagePlan(f) => {
            if let Some(v) = f.included_value.filter(dollars) {
                out.push(negative(ix, p, "included_value", format!("is {}", ix.money(Money(v.amount)))));
            }
        }
        PlanDetail::BoltOn(f) => {
            if let Some(v) = f.included_value.filter(dollars) {
                out.push(negative(ix, p, "included_value", format!("is {}", ix.money(Money(v.amount)))));
            }
        }
        PlanDetail::ServicePlan(f) => {
            for (i, v) in f.included_values.iter().enumerate().filter(|(_, v)| dollars(v)) {
                out.push(negative(
                    ix,
                    p,
                    "included_values",
                    format!("slot {} is {}", i + 1, ix.money(Money(v.amount))),
                ));
            }
        }
        PlanDetail::BoltOnAddOn(f) => {
            for (i, q) in f.quotas.iter().enumerate() {
                if q.value_type == IncludedValueType::Dollar && q.amount < 0 {
                    out.push(negative(ix, p, "quotas", format!("slot {} is {}", i + 1, ix.money(Money(q.amount)))));
                }
            }
        }
    }
}

fn negative(ix: &Index, p: &Plan, field: &'static str, found: String) -> Finding {
    Finding::new(
        "FEE-01",
        p.id,
        &p.describe(),
        Some(field),
        found,
        format!("money is ≥ 0 (in {})", ix.currency.code),
        "enter the amount without a minus sign (a discount is a plan or credit of its own)".into(),
    )
}

/// FEE-01: the sale window.
fn sale_window(p: &Plan, out: &mut Vec<Finding>) {
    let (Some(from), Some(to)) = (p.saleable_from, p.saleable_to) else {
        return;
    };
    if to > from {
        return;
    }
    out.push(Finding::new(
        "FEE-01",
        p.id,
        &p.describe(),
        Some("saleable_to"),
        format!("is {to}, not after saleable_from {from}"),
        "saleable_to is after saleable_from".into(),
        format!("set saleable_to to a day after {from}, or clear it"),
    ));
}

/// FEE-02.
fn below_buy(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    let Some(buy) = p.buy_counterpart.and_then(|c| ix.plan(c)).filter(|c| c.side == Side::Buy) else {
        return;
    };
    for ((field, sell), (_, cost)) in prices(p).into_iter().zip(prices(buy)) {
        let (sell, cost) = (sell.unwrap_or(Money(0)), cost.unwrap_or(Money(0)));
        if sell.0 >= cost.0 {
            continue;
        }
        out.push(Finding::new(
            "FEE-02",
            p.id,
            &p.describe(),
            Some(field),
            format!("is {} while its BUY counterpart {} costs {}", ix.money(sell), buy.id, ix.money(cost)),
            "a SELL price covers the BUY price it resells, or every sale loses money".into(),
            format!("raise it to at least {}, unless the loss is intended", ix.money(cost)),
        ));
    }
}
