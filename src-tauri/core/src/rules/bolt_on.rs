//! BOL-01..02: bolt-ons and their links. Emersion refuses to link a SELL bolt-on that is in no
//! bolt-on group (seed 2, step 5), and a link without a behaviour cannot be keyed: the
//! behaviour (forced irremovable, forced removable, optional) is what the order screens act on.
//!
//! - BOL-01 on the SELL bolt-on (field `bolt_on_group`): it is linked to a service plan (the
//!   message names its first link) but no bolt-on group holds it. A group of the other side
//!   counts as a group here; its side is STR-02's.
//! - BOL-02 on the bolt-on link (field `behaviour`): no behaviour. (The store keeps at most one,
//!   so "exactly one" means "not none".)

use super::Finding;
use super::index::Index;
use crate::model::{BoltOnLink, Plan, Side};

pub(super) fn check(ix: &Index, out: &mut Vec<Finding>) {
    for b in ix.s.bolt_ons.iter().filter(|b| b.side == Side::Sell) {
        in_a_group(ix, b, out);
    }
    for l in &ix.s.bolt_on_links {
        behaviour(ix, l, out);
    }
}

/// BOL-01.
fn in_a_group(ix: &Index, b: &Plan, out: &mut Vec<Finding>) {
    let Some(first) = ix.links_of_bolt_on(b.id).next() else {
        return;
    };
    if ix.groups_of(b.id).next().is_some() {
        return;
    }
    out.push(Finding::new(
        "BOL-01",
        b.id,
        &b.describe(),
        Some("bolt_on_group"),
        format!("is empty while it is linked to service plan {} ({})", first.service_plan, first.id),
        "a SELL bolt-on is placed in a bolt-on group before it is linked to a service plan".into(),
        "add it to a SELL bolt-on group (bolt-ons in one group are alternatives to each other)".into(),
    ));
}

/// BOL-02.
fn behaviour(ix: &Index, l: &BoltOnLink, out: &mut Vec<Finding>) {
    if l.behaviour.is_some() || ix.link_side(l).is_none_or(|side| ix.reference_only(side)) {
        return;
    }
    out.push(Finding::new(
        "BOL-02",
        l.id,
        &ix.who(l.id),
        Some("behaviour"),
        "is empty".into(),
        "every bolt-on link has exactly one behaviour: forced_irremovable, forced_removable or optional".into(),
        "choose the behaviour".into(),
    ));
}
