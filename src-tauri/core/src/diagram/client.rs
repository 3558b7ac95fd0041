//! The diagram a client may see: what they buy, SELL only, under external names.
//!
//! Why apart from the consultant's diagram: that one shows the BUY lane (the carrier's plans and
//! prices), internal names, statuses and the rules' findings, none of which a client may see
//! (domain.md §9, "Client view"). Rather than a second layout, the client picture is the
//! consultant's, laid out as always and then cut down: only the SELL lane and the customer are
//! kept, every text of a kept box is written again from [`Audience::Client`] (external names,
//! SELL facts, no status, no findings), group boxes lose their (staff) names, the band where
//! the BUY lane stood is cut out and the legend (statuses, findings) is left off. The
//! consultant's diagram is not changed by any of this.

use std::collections::BTreeSet;

use crate::audience::Audience;
use crate::error::Result;
use crate::id::{EntityKind, Id};
use crate::model::{DataBillingMode, Plan, Side, StructureKind};
use crate::relations::Relations;
use crate::snapshot::Snapshot;
use crate::value::Money;

use super::label::{self, SMALL_SIZE};
use super::structure::text_lines;
use super::{ContainerKind, Diagram, FindingCounts, Node, NodeKind};

/// Space kept between the row labels and the SELL lane once the BUY lane is cut out.
const GAP: i32 = 16;

/// What a client reads under a plan's name.
fn facts(s: &Snapshot, p: &Plan) -> Vec<String> {
    let cur = &s.settings.currency;
    let money = |m: Money| label::money(cur, m);
    let mut parts: Vec<String> = Vec::new();
    if let Some(f) = p.package() {
        parts.extend(f.included_value.as_ref().map(|v| label::included_value(cur, v)));
    }
    if let Some(f) = p.service() {
        let d = &f.data_billing;
        match d.mode {
            DataBillingMode::Own => {
                parts.extend(d.quota_kb.map(|q| format!("{} a month", label::kilobytes(q))));
                parts.extend(d.excess_rate.map(|m| format!("then {}/GB", money(m))));
            }
            DataBillingMode::Pooled => parts.push("draws from the shared pool".into()),
            DataBillingMode::None => {}
        }
    }
    if let Some(f) = p.bolt_on() {
        parts.extend(f.included_value.as_ref().map(|v| label::included_value(cur, v)));
    }
    if let Some(f) = p.add_on() {
        parts.extend(f.quotas.first().map(|q| {
            label::included_value(cur, &crate::model::IncludedValue { value_type: q.value_type, amount: q.amount })
        }));
    }
    parts.extend(p.access_fee.map(|m| if p.recurring { format!("{} a month", money(m)) } else { money(m) }));
    vec![parts.join(" · ")]
}

/// A kept box's texts written again for the client.
fn rewrite(s: &Snapshot, n: &mut Node) {
    let client = Audience::Client;
    let (name, details): (String, Vec<String>) = match (n.kind, n.object) {
        (NodeKind::Customer, Some(c)) => {
            let sites = s.sites.iter().filter(|x| x.customer == c).count();
            let name = s.customer(c).map(|c| c.name.clone()).unwrap_or_default();
            (name, vec![format!("{sites} site{}", if sites == 1 { "" } else { "s" })])
        }
        (NodeKind::Tail, Some(site)) if site.kind == EntityKind::Site => {
            let x = s.site(site);
            let plan = x.and_then(|x| x.tail_package).and_then(|p| s.plan(p)).map(|p| client.name_of(p));
            let name = x.map(|x| x.name.clone()).unwrap_or_default();
            let first = x.map(|x| format!("{} · {}", x.technology, x.speed)).unwrap_or_default();
            (name, vec![first, plan.unwrap_or_default()])
        }
        (NodeKind::Allowance, _) => {
            let add_on = n.related.first().and_then(|a| s.plan(*a));
            let name = add_on.map(|a| client.name_of(a)).unwrap_or_default();
            let max = n.object.and_then(|a| s.allowance(a)).map(|a| a.max_occurrence).unwrap_or(0);
            (format!("up to {max} × {name}"), vec!["per service, each month".into()])
        }
        (_, Some(id)) => match s.plan(id) {
            Some(p) => (client.name_of(p), facts(s, p)),
            None => (id.to_string(), vec![]),
        },
        (_, None) => (String::new(), vec![]),
    };
    let (fitted, fitted_details) = text_lines(&name, &details, n.w);
    n.caption = label::fit(n.kind.label(), label::CAPTION_SIZE, false, (n.w - 20) as f64);
    n.name = name;
    n.label = fitted;
    n.details = fitted_details;
    n.status = None;
    n.errors = 0;
    n.warnings = 0;
    n.related.clear();
}

/// The client's diagram of structure `st`: the shared-data picture for a shared-data
/// structure, the plans of its SELL lane for a bolt-on structure.
pub fn structure(r: &Relations, st: Id) -> Result<Diagram> {
    let s = r.snapshot;
    let structure = super::find_structure(s, st)?;
    let none = FindingCounts::new(&[]);
    let d = match structure.kind {
        StructureKind::SharedData => super::shared_data::shared_data_diagram(r, &none, structure),
        StructureKind::BoltOnAddOn => super::structure::structure_diagram(r, &none, structure),
    };
    let title = match structure.customer.and_then(|c| s.customer(c)) {
        Some(c) => c.name.clone(),
        None => "Your plans".to_string(),
    };
    Ok(for_client(s, d, title))
}

/// `d` cut down to what a client may see (see the module's doc).
fn for_client(s: &Snapshot, mut d: Diagram, title: String) -> Diagram {
    d.nodes.retain(|n| n.side == Some(Side::Sell) || n.kind == NodeKind::Customer);
    for n in &mut d.nodes {
        rewrite(s, n);
    }
    d.containers.retain(|c| c.side == Side::Sell);
    for c in &mut d.containers {
        let words = match c.kind {
            ContainerKind::BoltOnGroup => "choose one bolt-on",
            ContainerKind::AddOnGroup => "add-ons",
            ContainerKind::Sites => "your sites",
        };
        c.name = words.to_string();
        c.label = label::fit(words, SMALL_SIZE, true, (c.w - 16) as f64);
        c.object = None;
        c.errors = 0;
        c.warnings = 0;
    }
    let kept: BTreeSet<String> =
        d.nodes.iter().map(|n| n.key.clone()).chain(d.containers.iter().map(|c| c.key.clone())).collect();
    d.edges.retain(|e| kept.contains(&e.from) && kept.contains(&e.to));
    for e in &mut d.edges {
        e.object = None;
        e.errors = 0;
        e.warnings = 0;
    }
    // Cut out the band of the BUY lane: from its left edge to just before the leftmost thing
    // kept (the SELL lane, or a customer box that straddles the axis).
    let buy_x = d.lanes.iter().filter(|l| l.side == Side::Buy).map(|l| l.x).min();
    d.lanes.retain(|l| l.side == Side::Sell);
    for l in &mut d.lanes {
        l.label = "What you buy".into();
    }
    let kept_x = d
        .lanes
        .iter()
        .map(|l| l.x)
        .chain(d.nodes.iter().map(|n| n.x))
        .chain(d.containers.iter().map(|c| c.x))
        .chain(d.edges.iter().flat_map(|e| e.points.iter().chain(e.label_at.iter()).map(|p| p.x)))
        .min();
    if let (Some(from), Some(to)) = (buy_x, kept_x) {
        let shift = (to - GAP - from).max(0);
        for l in &mut d.lanes {
            l.x -= shift;
        }
        for n in &mut d.nodes {
            n.x -= shift;
        }
        for c in &mut d.containers {
            c.x -= shift;
        }
        for e in &mut d.edges {
            for p in e.points.iter_mut().chain(e.label_at.iter_mut()) {
                p.x -= shift;
            }
        }
        for sec in &mut d.sections {
            sec.w -= shift;
            sec.title.clear();
        }
        d.width -= shift;
    }
    let bottom = d
        .lanes
        .iter()
        .map(|l| l.y + l.h)
        .chain(d.nodes.iter().map(|n| n.y + n.h))
        .chain(d.sections.iter().map(|x| x.y + x.h))
        .max()
        .unwrap_or(d.height);
    d.height = bottom + 24;
    d.legend = super::Legend { x: 0, y: 0, w: 0, h: 0, statuses: vec![], edges: vec![] };
    d.subtitle = "Your services and how they fit together".into();
    let title_w = label::width(&title, 18.0, true).max(label::width(&d.subtitle, 12.0, false)) as i32 + 48;
    d.width = d.width.max(title_w);
    d.title = title;
    d
}
