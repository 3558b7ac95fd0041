//! NAM-01..02: names. Staff find plans by internal name in Emersion's lists (searched per kind
//! and side), so it must be there and unambiguous; the external name is what the customer reads
//! on the invoice and in the portals, so a SELL object cannot go without one.
//!
//! - NAM-01 (field `internal_name`): empty after trimming, or exactly equal to another plan's of
//!   the same kind and side. Both (all) namesakes get the finding, each naming the others. The
//!   comparison is exact on the stored name (the change API stores names trimmed), which is also
//!   what the (side, internal_name) index answers when one object is re-checked. Applies to
//!   reference-only BUY objects too: their name is what a retailer keys.
//! - NAM-02 (field `external_name`): a SELL plan of any of the four kinds without one.

use super::Finding;
use super::index::Index;
use crate::model::{Plan, Side};

pub(super) fn check(ix: &Index, out: &mut Vec<Finding>) {
    for p in ix.s.plans() {
        internal_name(ix, p, out);
        if p.side == Side::Sell {
            external_name(p, out);
        }
    }
}

/// NAM-01.
fn internal_name(ix: &Index, p: &Plan, out: &mut Vec<Finding>) {
    let kind = p.kind().label();
    if p.internal_name.trim().is_empty() {
        out.push(Finding::new(
            "NAM-01",
            p.id,
            &p.describe(),
            Some("internal_name"),
            "is empty".into(),
            format!("every {kind} has an internal name, which staff search for"),
            "enter an internal name".into(),
        ));
        return;
    }
    let namesakes = ix.namesakes(p);
    if namesakes.len() < 2 {
        return;
    }
    let others: Vec<String> = namesakes.iter().filter(|id| **id != p.id).map(|id| id.to_string()).collect();
    out.push(Finding::new(
        "NAM-01",
        p.id,
        &p.describe(),
        Some("internal_name"),
        format!("'{}' is also the name of {}", p.internal_name, others.join(", ")),
        format!("an internal name is unique among {} {kind}s", p.side),
        "give each of them a distinct internal name".into(),
    ));
}

/// NAM-02.
fn external_name(p: &Plan, out: &mut Vec<Finding>) {
    if p.external_name.as_deref().is_some_and(|n| !n.trim().is_empty()) {
        return;
    }
    out.push(Finding::new(
        "NAM-02",
        p.id,
        &p.describe(),
        Some("external_name"),
        "is empty".into(),
        "a SELL object has an external name, which is printed on the invoice and shown in the portals".into(),
        "enter the name the customer should read".into(),
    ));
}
