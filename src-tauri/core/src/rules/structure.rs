//! STR-01..05: the shape of a design. Every SELL object is built on a BUY one; links never cross
//! sides; packages and service plans hold each other; the SELL package structure mirrors the
//! BUY one; service types agree along every link. These are what make the design keyable in
//! Emersion's documented order (domain.md §4) at all.
//!
//! Where each finding goes:
//! - STR-01 on the plan (field `buy_counterpart`): a SELL object without a counterpart, or whose
//!   counterpart is itself SELL, and a BUY object that names one. Not checked in the retail tier.
//! - STR-02 on the object that holds the crossing link: the package plan (`service_plans`), the
//!   bolt-on (`add_on_group`), the bolt-on group (`members`), the bolt-on link (`bolt_on`) and
//!   the allowance (`add_on`). A pool on the other side is DAT-03's, a SELL allowance's BUY
//!   parent ALW-03's, a counterpart STR-01's.
//! - STR-03 on the package plan (`service_plans`) or the service plan (`package_plans`).
//! - STR-04 on the SELL package plan (`service_plans`).
//! - STR-05 (field `service_type` unless noted): a service plan, bolt-on or add-on without a
//!   service type (each is bound to exactly one); a SELL object whose service type differs from
//!   its BUY counterpart's; an add-on whose service type differs from that of a bolt-on whose
//!   add-on group holds it; and, on the bolt-on link (`bolt_on`), a bolt-on whose service type
//!   differs from its service plan's. Mismatches are reported only when both types are set (a
//!   missing one is its own finding). The included value type half of add-on group membership
//!   is ADD-02's.
//!
//! In the retail tier BUY objects are reference-only, so none of these look at them (or at BUY
//! links, groups and allowances).

use super::Finding;
use super::index::Index;
use crate::id::EntityKind;
use crate::model::{Allowance, BoltOnGroup, BoltOnLink, Plan, Side};

pub(super) fn check(ix: &Index, out: &mut Vec<Finding>) {
    for p in ix.s.plans().filter(|p| !ix.reference_only(p.side)) {
        counterpart(ix, p, out);
        service_type_present(p, out);
    }
    for p in ix.s.package_plans.iter().filter(|p| !ix.reference_only(p.side)) {
        package_contents(ix, p, out);
        mirror(ix, p, out);
    }
    for p in ix.s.service_plans.iter().filter(|p| !ix.reference_only(p.side)) {
        in_a_package(ix, p, out);
    }
    for b in ix.s.bolt_ons.iter().filter(|p| !ix.reference_only(p.side)) {
        add_on_group_sides(ix, b, out);
    }
    for a in ix.s.bolt_on_add_ons.iter().filter(|p| !ix.reference_only(p.side)) {
        add_on_service_type(ix, a, out);
    }
    for g in ix.s.bolt_on_groups.iter().filter(|g| !ix.reference_only(g.side)) {
        group_sides(ix, g, out);
    }
    for l in &ix.s.bolt_on_links {
        link(ix, l, out);
    }
    for a in &ix.s.allowances {
        allowance_side(ix, a, out);
    }
}

/// STR-01, and STR-05 between a SELL object and its BUY counterpart.
fn counterpart(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    let kind = p.kind().label();
    let field = Some("buy_counterpart");
    match (p.side, p.buy_counterpart.and_then(|c| ix.plan(c))) {
        (Side::Sell, None) if !ix.retail() && p.buy_counterpart.is_none() => out.push(Finding::new(
            "STR-01",
            p.id,
            &p.describe(),
            field,
            "is empty".into(),
            "a SELL object must name its BUY counterpart of the same kind".into(),
            format!("choose the BUY {kind} it is built on"),
        )),
        (Side::Sell, Some(c)) if c.side == Side::Sell && !ix.retail() => out.push(Finding::new(
            "STR-01",
            p.id,
            &p.describe(),
            field,
            format!("names {}", c.describe()),
            format!("the counterpart of a SELL object is a BUY {kind}"),
            format!("choose the BUY {kind} it is built on"),
        )),
        (Side::Sell, Some(c)) => counterpart_service_type(p, c, out),
        (Side::Buy, _) if p.buy_counterpart.is_some() && !ix.retail() => out.push(Finding::new(
            "STR-01",
            p.id,
            &p.describe(),
            field,
            format!("names {}", p.buy_counterpart.map(|c| c.to_string()).unwrap_or_default()),
            "only a SELL object has a BUY counterpart".into(),
            "clear buy_counterpart, or make this object SELL".into(),
        )),
        _ => {}
    }
}

fn counterpart_service_type(p: &Plan, c: &Plan, out: &mut Vec<Finding>) {
    if let (Some(mine), Some(theirs)) = (&p.service_type, &c.service_type)
        && mine != theirs
    {
        out.push(Finding::new(
            "STR-05",
            p.id,
            &p.describe(),
            Some("service_type"),
            format!("is {mine} while its BUY counterpart {} has {theirs}", c.id),
            "a SELL object has the service type of its BUY counterpart".into(),
            format!("set service_type to {theirs}, or choose a BUY counterpart of service type {mine}"),
        ));
    }
}

/// STR-05: a service plan, bolt-on or add-on is bound to exactly one service type.
fn service_type_present(p: &Plan, out: &mut Vec<Finding>) {
    if p.kind() != EntityKind::PackagePlan && p.service_type.is_none() {
        let kind = p.kind().label();
        out.push(Finding::new(
            "STR-05",
            p.id,
            &p.describe(),
            Some("service_type"),
            "is empty".into(),
            format!("a {kind} is bound to exactly one service type, which everything linked to it must share"),
            "choose its service type".into(),
        ));
    }
}

/// STR-03 (empty package) and STR-02 (a service plan of the other side).
fn package_contents(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    let Some(f) = p.package() else { return };
    if f.service_plans.is_empty() {
        out.push(Finding::new(
            "STR-03",
            p.id,
            &p.describe(),
            Some("service_plans"),
            "is empty".into(),
            "a package plan contains at least one service plan".into(),
            format!("add the {} service plan(s) it bundles", p.side),
        ));
    }
    for sp in f.service_plans.iter().filter_map(|id| ix.plan(*id)) {
        if sp.side != p.side {
            out.push(Finding::new(
                "STR-02",
                p.id,
                &p.describe(),
                Some("service_plans"),
                format!("holds {} service plan {}", sp.side, sp.id),
                format!("a {} package plan contains only {} service plans", p.side, p.side),
                format!("replace {} by its {} counterpart", sp.id, p.side),
            ));
        }
    }
}

/// STR-04: the BUY counterpart of a SELL package contains the BUY counterparts of its service
/// plans.
fn mirror(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    if p.side != Side::Sell || ix.retail() {
        return;
    }
    let (Some(f), Some(buy)) = (p.package(), p.buy_counterpart.and_then(|c| ix.plan(c))) else {
        return;
    };
    let Some(buy_contents) = buy.package().filter(|_| buy.side == Side::Buy) else {
        return;
    };
    for sp in f.service_plans.iter().filter_map(|id| ix.plan(*id)).filter(|sp| sp.side == Side::Sell) {
        let Some(bc) = sp.buy_counterpart else {
            continue;
        };
        if !buy_contents.service_plans.contains(&bc) {
            out.push(Finding::new(
                "STR-04",
                p.id,
                &p.describe(),
                Some("service_plans"),
                format!("holds {} whose BUY counterpart {bc} is not in the BUY counterpart {}", sp.id, buy.id),
                "the BUY counterpart of a SELL package plan contains the BUY counterparts of its service plans".into(),
                format!("add {bc} to {}, or remove {} from this package", buy.id, sp.id),
            ));
        }
    }
}

/// STR-03: a service plan is in at least one package plan.
fn in_a_package(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    if ix.packages_of(p.id).next().is_none() {
        out.push(Finding::new(
            "STR-03",
            p.id,
            &p.describe(),
            Some("package_plans"),
            "is empty (no package plan contains it)".into(),
            "a service plan is in at least one package plan, which is what customers order".into(),
            format!("add it to a {} package plan", p.side),
        ));
    }
}

/// STR-02: a bolt-on's add-on group holds add-ons of its side only.
fn add_on_group_sides(ix: &Index, b: &Plan, out: &mut Vec<Finding>) {
    let Some(f) = b.bolt_on() else { return };
    for a in f.add_on_group.iter().filter_map(|id| ix.plan(*id)).filter(|a| a.side != b.side) {
        out.push(Finding::new(
            "STR-02",
            b.id,
            &b.describe(),
            Some("add_on_group"),
            format!("holds {} bolt-on add-on {}", a.side, a.id),
            "BUY add-ons go in the BUY bolt-on's add-on group and SELL add-ons in the SELL one's".into(),
            format!("remove {} from the group, or put its {} counterpart in instead", a.id, b.side),
        ));
    }
}

/// STR-05: an add-on has the service type of the bolt-ons whose add-on group holds it.
fn add_on_service_type(ix: &Index, a: &Plan, out: &mut Vec<Finding>) {
    let Some(mine) = &a.service_type else { return };
    for b in ix.bolt_ons_of_add_on(a.id) {
        if let Some(theirs) = b.service_type.as_ref().filter(|t| *t != mine) {
            out.push(Finding::new(
                "STR-05",
                a.id,
                &a.describe(),
                Some("service_type"),
                format!("is {mine} while bolt-on {}, whose add-on group holds it, has {theirs}", b.id),
                "an add-on has the service type of its bolt-on".into(),
                format!("set service_type to {theirs}, or take it out of the add-on group of {}", b.id),
            ));
        }
    }
}

/// STR-02: a bolt-on group holds bolt-ons of its side only.
fn group_sides(ix: &Index, g: &BoltOnGroup, out: &mut Vec<Finding>) {
    for b in g.members.iter().filter_map(|id| ix.plan(*id)).filter(|b| b.side != g.side) {
        out.push(Finding::new(
            "STR-02",
            g.id,
            &ix.who(g.id),
            Some("members"),
            format!("holds {} bolt-on {}", b.side, b.id),
            format!("a {} bolt-on group holds only {} bolt-ons", g.side, g.side),
            format!("remove {} from the group, or put its {} counterpart in instead", b.id, g.side),
        ));
    }
}

/// STR-02 and STR-05 on a bolt-on link.
fn link(ix: &Index, l: &BoltOnLink, out: &mut Vec<Finding>) {
    let (Some(sp), Some(bo)) = (ix.plan(l.service_plan), ix.plan(l.bolt_on)) else {
        return;
    };
    if ix.reference_only(sp.side) {
        return;
    }
    if sp.side != bo.side {
        out.push(Finding::new(
            "STR-02",
            l.id,
            &ix.who(l.id),
            Some("bolt_on"),
            format!("is {} bolt-on {} on {} service plan {}", bo.side, bo.id, sp.side, sp.id),
            "a service plan links bolt-ons of its own side".into(),
            format!("link the {} counterpart of {} instead", sp.side, bo.id),
        ));
    }
    if let (Some(theirs), Some(mine)) = (&sp.service_type, &bo.service_type)
        && theirs != mine
    {
        out.push(Finding::new(
            "STR-05",
            l.id,
            &ix.who(l.id),
            Some("bolt_on"),
            format!("is {} of service type {mine} on service plan {} of service type {theirs}", bo.id, sp.id),
            "a bolt-on has the service type of the service plans it is linked to".into(),
            format!("link a bolt-on of service type {theirs}, or change the service type of {}", bo.id),
        ));
    }
}

/// STR-02: an allowance names an add-on of its service plan's side.
fn allowance_side(ix: &Index, a: &Allowance, out: &mut Vec<Finding>) {
    let Some(side) = ix.link(a.bolt_on_link).and_then(|l| ix.link_side(l)) else {
        return;
    };
    let Some(ao) = ix.plan(a.add_on) else { return };
    if ix.reference_only(side) || ao.side == side {
        return;
    }
    out.push(Finding::new(
        "STR-02",
        a.id,
        &ix.who(a.id),
        Some("add_on"),
        format!("is {} bolt-on add-on {} under a {side} bolt-on link", ao.side, ao.id),
        format!("a {side} allowance names a {side} add-on"),
        format!("name the {side} counterpart of {} instead", ao.id),
    ));
}
