//! ALW-01..04: allowances, the last step of the bolt-on add-on structure (seed 2, steps 11–12):
//! under a bolt-on link, which add-on may be bought and how often. Emersion only offers the
//! add-ons of the link's bolt-on's add-on group, counts occurrences in whole numbers, and ties
//! each SELL allowance to the BUY allowance it resells.
//!
//! All on the allowance:
//! - ALW-01 (field `add_on`): the add-on is not in the add-on group of the link's bolt-on.
//! - ALW-02 (field `max_occurrence`): below 1.
//! - ALW-03 (field `buy_parent`): a SELL allowance without a BUY parent, with a parent that is
//!   itself SELL, or with a parent that does not sit on the BUY counterparts of its service
//!   plan, bolt-on and add-on (one finding listing every mismatch; a counterpart that is missing
//!   is STR-01's and is not compared); a BUY allowance that names a parent.
//! - ALW-04 (warning, field `max_occurrence`): more occurrences than the BUY parent allows.
//!
//! ALW-03 and ALW-04 are skipped in the retail tier, where BUY allowances are not built.

use super::Finding;
use super::index::Index;
use crate::model::{Allowance, BoltOnLink, Plan, Side};

/// An allowance with the objects it hangs on.
struct Context<'a> {
    a: &'a Allowance,
    service_plan: &'a Plan,
    bolt_on: &'a Plan,
    add_on: Option<&'a Plan>,
}

pub(super) fn check(ix: &Index, out: &mut Vec<Finding>) {
    for a in &ix.s.allowances {
        let Some(l) = ix.link(a.bolt_on_link) else {
            continue;
        };
        let (Some(service_plan), Some(bolt_on)) = (ix.plan(l.service_plan), ix.plan(l.bolt_on)) else {
            continue;
        };
        if ix.reference_only(service_plan.side) {
            continue;
        }
        let c = Context { a, service_plan, bolt_on, add_on: ix.plan(a.add_on) };
        in_the_group(ix, &c, out);
        occurrences(ix, a, out);
        if !ix.retail() {
            parent(ix, &c, out);
            more_than_parent(ix, &c, out);
        }
    }
}

/// ALW-01.
fn in_the_group(ix: &Index, c: &Context, out: &mut Vec<Finding>) {
    let Some(group) = c.bolt_on.bolt_on().map(|f| &f.add_on_group) else {
        return;
    };
    if group.contains(&c.a.add_on) {
        return;
    }
    out.push(Finding::new(
        "ALW-01",
        c.a.id,
        &ix.who(c.a.id),
        Some("add_on"),
        format!("is {}, which is not in the add-on group of bolt-on {}", c.a.add_on, c.bolt_on.id),
        "an allowance names an add-on from the add-on group of its link's bolt-on".into(),
        format!("add {} to the add-on group of {}, or name one of the add-ons in that group", c.a.add_on, c.bolt_on.id),
    ));
}

/// ALW-02.
fn occurrences(ix: &Index, a: &Allowance, out: &mut Vec<Finding>) {
    if a.max_occurrence >= 1 {
        return;
    }
    out.push(Finding::new(
        "ALW-02",
        a.id,
        &ix.who(a.id),
        Some("max_occurrence"),
        format!("is {}", a.max_occurrence),
        "max_occurrence is a whole number ≥ 1: how many of the add-on may be bought against the service".into(),
        "enter 1 or more".into(),
    ));
}

/// The BUY parent allowance with its link, when it exists.
fn parent_of<'a>(ix: &Index<'a>, a: &Allowance) -> Option<(&'a Allowance, &'a BoltOnLink)> {
    let p = ix.allowance(a.buy_parent?)?;
    Some((p, ix.link(p.bolt_on_link)?))
}

/// ALW-03.
fn parent(ix: &Index, c: &Context, out: &mut Vec<Finding>) {
    let a = c.a;
    let side = c.service_plan.side;
    let report = |out: &mut Vec<Finding>, found: String, expected: &str, fix: String| {
        out.push(Finding::new("ALW-03", a.id, &ix.who(a.id), Some("buy_parent"), found, expected.into(), fix))
    };
    let expected =
        "a SELL allowance hangs off the BUY allowance on the BUY counterparts of its service plan, bolt-on and add-on";
    match (side, a.buy_parent) {
        (Side::Buy, Some(p)) => {
            report(out, format!("names {p}"), "only a SELL allowance has a BUY parent", "clear buy_parent".into())
        }
        (Side::Sell, None) => report(
            out,
            "is empty".into(),
            expected,
            format!(
                "choose the BUY allowance of {}'s BUY counterpart, under the BUY counterpart of {}",
                a.add_on, c.bolt_on.id
            ),
        ),
        (Side::Sell, Some(p)) => {
            let Some((parent, link)) = parent_of(ix, a) else {
                return;
            };
            match ix.link_side(link) {
                Some(Side::Sell) => report(
                    out,
                    format!("names {p}, which is a SELL allowance"),
                    expected,
                    "choose the BUY allowance it resells".into(),
                ),
                Some(Side::Buy) => {
                    let wrong = mismatches(c, parent, link);
                    if !wrong.is_empty() {
                        report(
                            out,
                            format!("names {p}, whose {}", wrong.join(" and ")),
                            expected,
                            "choose the BUY allowance on those BUY counterparts".into(),
                        );
                    }
                }
                None => {}
            }
        }
        _ => {}
    }
}

/// Where the BUY parent does not sit on the BUY counterparts: "service plan is SP-3 (not SP-1)".
fn mismatches(c: &Context, parent: &Allowance, link: &BoltOnLink) -> Vec<String> {
    let pairs = [
        ("service plan", link.service_plan, c.service_plan.buy_counterpart),
        ("bolt-on", link.bolt_on, c.bolt_on.buy_counterpart),
        ("add-on", parent.add_on, c.add_on.and_then(|p| p.buy_counterpart)),
    ];
    pairs
        .into_iter()
        .filter_map(|(what, is, should)| should.filter(|s| *s != is).map(|s| format!("{what} is {is} (not {s})")))
        .collect()
}

/// ALW-04.
fn more_than_parent(ix: &Index, c: &Context, out: &mut Vec<Finding>) {
    if c.service_plan.side != Side::Sell {
        return;
    }
    let Some((parent, link)) = parent_of(ix, c.a) else {
        return;
    };
    if ix.link_side(link) != Some(Side::Buy) || c.a.max_occurrence <= parent.max_occurrence {
        return;
    }
    out.push(Finding::new(
        "ALW-04",
        c.a.id,
        &ix.who(c.a.id),
        Some("max_occurrence"),
        format!("is {} while its BUY allowance {} allows {}", c.a.max_occurrence, parent.id, parent.max_occurrence),
        "a SELL allowance allows no more occurrences than the BUY allowance it resells".into(),
        format!("lower it to {}, or raise the BUY allowance", parent.max_occurrence),
    ));
}
