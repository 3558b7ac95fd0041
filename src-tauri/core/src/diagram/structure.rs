//! The structure diagram of the articles, drawn from the catalog: what goes in which lane and
//! row, what is inside which group box, and which lines join what.
//!
//! Why it exists apart from the layout: the layout only knows boxes, rows and lines; this is
//! where the domain is read. Package plans, service plans, bolt-ons, add-ons and allowances
//! each have their row; BUY objects go in the left lane and SELL objects in the right one (an
//! allowance sits on the side of its link's service plan). A bolt-on group is a box around its
//! bolt-ons, a bolt-on's add-on group a box around its add-ons, right below it. Shared service
//! plans and bolt-ons make the picture a graph: an object is drawn once, in the first group
//! that holds it (by id), and its other memberships are drawn as lines.
//!
//! The same reading serves one structure ([`super::structure()`]) and the whole catalog
//! ([`super::catalog()`]), which is cut into sections along the connected parts of the graph
//! so that no line runs between sections.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::id::{EntityKind, Id};
use crate::model::{DataBillingMode, Plan, Side, Structure};
use crate::progress;
use crate::relations::Relations;
use crate::snapshot::Snapshot;

use super::label::{self, CAPTION_SIZE, DETAIL_SIZE, NAME_SIZE};
use super::layout::{self, Draft};
use super::{Container, ContainerKind, Diagram, DiagramKind, Edge, EdgeKind, FindingCounts, Node, NodeKind};

/// Width of a plan or allowance box.
pub const NODE_W: i32 = 256;
/// Height of a plan or allowance box (caption, name, one line of facts).
pub const NODE_H: i32 = 64;
/// Text inset inside a box.
pub const TEXT_PAD: i32 = 10;

/// The rows of the structure diagram, top to bottom.
const ROWS: [&str; 5] = ["Package plans", "Service plans", "Bolt-ons", "Add-ons", "Allowances"];

fn row_of(kind: EntityKind) -> u32 {
    match kind {
        EntityKind::PackagePlan => 0,
        EntityKind::ServicePlan => 1,
        EntityKind::BoltOn => 2,
        EntityKind::BoltOnAddOn => 3,
        _ => 4,
    }
}

fn node_kind(kind: EntityKind) -> NodeKind {
    match kind {
        EntityKind::PackagePlan => NodeKind::PackagePlan,
        EntityKind::ServicePlan => NodeKind::ServicePlan,
        EntityKind::BoltOn => NodeKind::BoltOn,
        EntityKind::BoltOnAddOn => NodeKind::BoltOnAddOn,
        _ => NodeKind::Allowance,
    }
}

/// The objects a diagram draws.
#[derive(Debug, Clone, Default)]
pub(crate) struct Included {
    pub plans: BTreeSet<Id>,
    pub allowances: BTreeSet<Id>,
    pub links: BTreeSet<Id>,
    pub groups: BTreeSet<Id>,
}

impl Included {
    fn everything(s: &Snapshot) -> Included {
        Included {
            plans: s.plans().map(|p| p.id).collect(),
            allowances: s.allowances.iter().map(|a| a.id).collect(),
            links: s.bolt_on_links.iter().map(|l| l.id).collect(),
            groups: s.bolt_on_groups.iter().map(|g| g.id).collect(),
        }
    }
    fn of_structure(r: &Relations, st: &Structure) -> Included {
        let o = progress::objects(r, st);
        Included {
            plans: o.plans().collect(),
            allowances: o.allowances.clone(),
            links: o.bolt_on_links.clone(),
            groups: o.bolt_on_groups.clone(),
        }
    }
    /// The included plans of `kind`, by id (the snapshot's order), found in `s`: a structure's
    /// diagram costs what its objects cost, not a walk of the whole catalog.
    fn plans_of<'s>(&self, s: &'s Snapshot, kind: EntityKind) -> impl Iterator<Item = &'s Plan> + use<'s, '_> {
        self.plans.range(Id::new(kind, i64::MIN)..=Id::new(kind, i64::MAX)).filter_map(move |i| s.plan(*i))
    }
    /// The included allowances, by id, found in `s`.
    fn allowances<'s>(&self, s: &'s Snapshot) -> impl Iterator<Item = &'s crate::model::Allowance> + use<'s, '_> {
        self.allowances.iter().filter_map(move |i| s.allowance(*i))
    }
}

/// "SELL · bolt-on · BO-2", fitted to leave room for the status word drawn at its right.
pub(crate) fn caption(side: Option<Side>, kind: NodeKind, id: &str, status_word: Option<&str>, w: i32) -> String {
    let text = match side {
        Some(s) => format!("{s} · {} · {id}", kind.label()),
        None => format!("{} · {id}", kind.label()),
    };
    let room = status_word.map(|s| label::width(s, CAPTION_SIZE, true) + 8.0).unwrap_or(0.0);
    label::fit(&text, CAPTION_SIZE, false, (w - 2 * TEXT_PAD) as f64 - room)
}

/// A fitted name line and fitted fact lines for a box of width `w`.
pub(crate) fn text_lines(name: &str, facts: &[String], w: i32) -> (String, Vec<String>) {
    let room = (w - 2 * TEXT_PAD) as f64;
    let shown = if name.trim().is_empty() { "(no name)" } else { name };
    (label::fit(shown, NAME_SIZE, true, room), facts.iter().map(|f| label::fit(f, DETAIL_SIZE, false, room)).collect())
}

/// The facts a plan's box shows under its name.
fn plan_facts(s: &Snapshot, p: &Plan) -> String {
    let cur = &s.settings.currency;
    let fee = p.access_fee.map(|m| label::money(cur, m));
    let mut parts: Vec<String> = Vec::new();
    if let Some(f) = p.package() {
        parts.push(format!("weighting {}", f.weighting));
        parts.push(match f.service_plans.len() {
            1 => "1 service plan".to_string(),
            k => format!("{k} service plans"),
        });
    }
    if let Some(f) = p.service() {
        parts.extend(p.service_type.clone());
        let d = &f.data_billing;
        match d.mode {
            DataBillingMode::Own => {
                parts.push(match d.quota_kb {
                    Some(q) => format!("data {}", label::kilobytes(q)),
                    None => "own data billing".to_string(),
                });
            }
            DataBillingMode::Pooled => {
                parts.push(match d.pool {
                    Some(pool) => format!("pooled on {pool}"),
                    None => "pooled".to_string(),
                });
            }
            DataBillingMode::None => {}
        }
        parts.extend(fee);
    } else if let Some(f) = p.bolt_on() {
        parts.extend(f.included_value.as_ref().map(|v| label::included_value(cur, v)));
        parts.extend(fee);
    } else if let Some(f) = p.add_on() {
        parts.extend(f.quotas.first().map(|q| {
            label::included_value(cur, &crate::model::IncludedValue { value_type: q.value_type, amount: q.amount })
        }));
        parts.extend(fee);
    }
    parts.join(" · ")
}

fn plan_node(s: &Snapshot, counts: &FindingCounts, p: &Plan) -> Node {
    let kind = node_kind(p.kind());
    let key = p.id.to_string();
    let (label, details) = text_lines(&p.internal_name, &[plan_facts(s, p)], NODE_W);
    let (errors, warnings) = counts.of(p.id);
    Node {
        caption: caption(Some(p.side), kind, &key, Some(p.status.as_str()), NODE_W),
        key,
        object: Some(p.id),
        related: vec![],
        kind,
        side: Some(p.side),
        status: Some(p.status),
        name: p.internal_name.clone(),
        label,
        details,
        errors,
        warnings,
        section: 0,
        row: row_of(p.kind()),
        container: None,
        x: 0,
        y: 0,
        w: NODE_W,
        h: NODE_H,
    }
}

fn edge(from: impl Into<String>, to: impl Into<String>, kind: EdgeKind) -> Edge {
    Edge {
        from: from.into(),
        to: to.into(),
        kind,
        object: None,
        label: None,
        dashed: matches!(kind, EdgeKind::Counterpart | EdgeKind::Member),
        errors: 0,
        warnings: 0,
        points: vec![],
        label_at: None,
    }
}

/// The side an allowance is drawn on: its link's service plan's, else its add-on's.
fn allowance_side(s: &Snapshot, a: &crate::model::Allowance) -> Side {
    s.link(a.bolt_on_link)
        .and_then(|l| s.plan(l.service_plan))
        .or_else(|| s.plan(a.add_on))
        .map(|p| p.side)
        .unwrap_or(Side::Buy)
}

/// Reads the included objects into an unplaced section with the five rows of the articles.
pub(crate) fn draft(s: &Snapshot, counts: &FindingCounts, inc: &Included) -> Draft {
    let mut d = Draft { rows: ROWS.iter().map(|r| r.to_string()).collect(), ..Draft::default() };
    // Nodes: plans by kind then id, then allowances.
    for kind in EntityKind::PLANS {
        for p in inc.plans_of(s, kind) {
            d.nodes.push(plan_node(s, counts, p));
        }
    }
    for a in inc.allowances(s) {
        let side = allowance_side(s, a);
        let add_on = s.plan(a.add_on).map(|p| p.internal_name.as_str()).unwrap_or("?");
        let shown = format!("max {} per service", a.max_occurrence);
        let via = match s.link(a.bolt_on_link) {
            Some(l) => format!("{} under {} ({} → {})", a.add_on, l.id, l.service_plan, l.bolt_on),
            None => format!("{} under {}", a.add_on, a.bolt_on_link),
        };
        let mut name = format!("max {} × {add_on}, {via}", a.max_occurrence);
        if let Some(desc) = a.description.as_deref().filter(|d| !d.trim().is_empty()) {
            name = format!("{name}: {desc}");
        }
        let (label, details) = text_lines(&shown, &[via], NODE_W);
        let (errors, warnings) = counts.of(a.id);
        let key = a.id.to_string();
        d.nodes.push(Node {
            caption: caption(Some(side), NodeKind::Allowance, &key, None, NODE_W),
            key,
            object: Some(a.id),
            related: vec![a.add_on, a.bolt_on_link],
            kind: NodeKind::Allowance,
            side: Some(side),
            status: None,
            name,
            label,
            details,
            errors,
            warnings,
            section: 0,
            row: 4,
            container: None,
            x: 0,
            y: 0,
            w: NODE_W,
            h: NODE_H,
        });
    }
    // Looked up, never iterated: a hash map is deterministic here.
    let index: HashMap<Id, usize> = d.nodes.iter().enumerate().filter_map(|(i, n)| n.object.map(|o| (o, i))).collect();
    let drawn = |id: Id| index.contains_key(&id);
    let side_of = |id: Id| s.plan(id).map(|p| p.side);

    // Bolt-on groups: a box around the members of the group's side not already in an earlier
    // group; other memberships as lines from the box.
    let mut placed_in: BTreeMap<Id, String> = BTreeMap::new();
    for g in inc.groups.iter().filter_map(|g| s.group(*g)) {
        let key = g.id.to_string();
        let mine: Vec<Id> = g
            .members
            .iter()
            .copied()
            .filter(|m| drawn(*m) && side_of(*m) == Some(g.side) && !placed_in.contains_key(m))
            .collect();
        if mine.is_empty() {
            continue;
        }
        for m in &mine {
            placed_in.insert(*m, key.clone());
            d.nodes[index[m]].container = Some(key.clone());
        }
        let (errors, warnings) = counts.of(g.id);
        d.containers.push(Container {
            key: key.clone(),
            object: Some(g.id),
            kind: ContainerKind::BoltOnGroup,
            side: g.side,
            name: format!("Bolt-on group {} · {}", g.id, g.name),
            label: String::new(),
            members: vec![],
            errors,
            warnings,
            section: 0,
            row: 2,
            x: 0,
            y: 0,
            w: 0,
            h: 0,
        });
        for m in g.members.iter().filter(|m| drawn(**m) && !mine.contains(m)) {
            d.edges.push(edge(key.clone(), m.to_string(), EdgeKind::Member));
        }
    }

    // Add-on groups: a box under each bolt-on around its add-ons (same side) not already in an
    // earlier bolt-on's box; the bolt-on points at its box; other memberships as lines.
    let mut add_on_in: BTreeMap<Id, Id> = BTreeMap::new();
    for b in inc.plans_of(s, EntityKind::BoltOn) {
        let Some(f) = b.bolt_on() else { continue };
        let key = format!("add-on-group:{}", b.id);
        let mine: Vec<Id> = f
            .add_on_group
            .iter()
            .copied()
            .filter(|a| drawn(*a) && side_of(*a) == Some(b.side) && !add_on_in.contains_key(a))
            .collect();
        if !mine.is_empty() {
            for a in &mine {
                add_on_in.insert(*a, b.id);
                d.nodes[index[a]].container = Some(key.clone());
            }
            d.containers.push(Container {
                key: key.clone(),
                object: None,
                kind: ContainerKind::AddOnGroup,
                side: b.side,
                name: format!("Add-on group of {}", b.id),
                label: String::new(),
                members: vec![],
                errors: 0,
                warnings: 0,
                section: 0,
                row: 3,
                x: 0,
                y: 0,
                w: 0,
                h: 0,
            });
            d.edges.push(edge(b.id.to_string(), key, EdgeKind::Contains));
        }
        for a in f.add_on_group.iter().filter(|a| drawn(**a) && !mine.contains(a)) {
            d.edges.push(edge(b.id.to_string(), a.to_string(), EdgeKind::Member));
        }
    }

    // Containment, links, allowances, pools, counterparts.
    for p in inc.plans_of(s, EntityKind::PackagePlan) {
        for sp in p.package().map(|f| f.service_plans.as_slice()).unwrap_or(&[]) {
            if drawn(*sp) {
                d.edges.push(edge(p.id.to_string(), sp.to_string(), EdgeKind::Contains));
            }
        }
    }
    for l in inc.links.iter().filter_map(|l| s.link(*l)) {
        if drawn(l.service_plan) && drawn(l.bolt_on) {
            let (errors, warnings) = counts.of(l.id);
            let mut e = edge(l.service_plan.to_string(), l.bolt_on.to_string(), EdgeKind::Link);
            e.object = Some(l.id);
            e.label = Some(label::behaviour(l.behaviour).to_string());
            e.errors = errors;
            e.warnings = warnings;
            d.edges.push(e);
        }
    }
    for a in inc.allowances(s) {
        if drawn(a.add_on) {
            d.edges.push(edge(a.add_on.to_string(), a.id.to_string(), EdgeKind::Allowance));
        }
    }
    for p in inc.plans_of(s, EntityKind::ServicePlan) {
        let pool =
            p.service().filter(|f| f.data_billing.mode == DataBillingMode::Pooled).and_then(|f| f.data_billing.pool);
        if let Some(pool) = pool.filter(|x| drawn(*x) && *x != p.id) {
            let mut e = edge(p.id.to_string(), pool.to_string(), EdgeKind::Pool);
            e.label = Some("draws from pool".to_string());
            d.edges.push(e);
        }
    }
    for kind in EntityKind::PLANS {
        for p in inc.plans_of(s, kind) {
            if let Some(b) = p.buy_counterpart.filter(|b| drawn(*b) && *b != p.id) {
                d.edges.push(edge(p.id.to_string(), b.to_string(), EdgeKind::Counterpart));
            }
        }
    }
    for a in inc.allowances(s) {
        if let Some(b) = a.buy_parent.filter(|b| drawn(*b) && *b != a.id) {
            d.edges.push(edge(a.id.to_string(), b.to_string(), EdgeKind::Counterpart));
        }
    }
    d
}

/// Drops the rows nothing is drawn in and renumbers the rest.
pub(crate) fn compress_rows(d: &mut Draft) {
    let mut used = vec![false; d.rows.len()];
    for n in &d.nodes {
        used[n.row as usize] = true;
    }
    for c in &d.containers {
        used[c.row as usize] = true;
    }
    let mut map = vec![0u32; d.rows.len()];
    let mut next = 0;
    for (r, u) in used.iter().enumerate() {
        map[r] = next;
        if *u {
            next += 1;
        }
    }
    for n in &mut d.nodes {
        n.row = map[n.row as usize];
    }
    for c in &mut d.containers {
        c.row = map[c.row as usize];
    }
    let rows = std::mem::take(&mut d.rows);
    d.rows = rows.into_iter().zip(used).filter(|(_, u)| *u).map(|(r, _)| r).collect();
}

fn structure_title(st: &Structure) -> String {
    format!("{} · {}", st.id, st.name)
}

/// The diagram of one structure, over the indexes `r` of its snapshot (built once when many
/// structures are drawn from one snapshot, as a bundle does).
pub(crate) fn structure_diagram(r: &Relations, counts: &FindingCounts, st: &Structure) -> Diagram {
    let s = r.snapshot;
    let inc = Included::of_structure(r, st);
    let mut d = draft(s, counts, &inc);
    d.structures = vec![st.id];
    compress_rows(&mut d);
    let placed = layout::arrange(d);
    let kind = match st.kind {
        crate::model::StructureKind::SharedData => "Shared-data structure",
        crate::model::StructureKind::BoltOnAddOn => "Bolt-on add-on structure",
    };
    layout::assemble(
        DiagramKind::Structure,
        format!("Structure {}", structure_title(st)),
        format!("{kind} · {} · BUY lane left, SELL lane right", s.settings.name),
        vec![placed],
    )
}

/// Union-find over node indexes, smallest index as the root (deterministic).
struct Parts(Vec<usize>);

impl Parts {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi] = lo;
        }
    }
}

/// The diagram of the whole catalog: the connected parts of the graph, each part in the
/// section of the structures drawn in it (structures sharing objects share a section), and the
/// parts without a structure together in a last section.
pub(crate) fn catalog_diagram(s: &Snapshot, counts: &FindingCounts) -> Diagram {
    let full = draft(s, counts, &Included::everything(s));
    let n = full.nodes.len();
    // Looked up, never iterated: hash maps are deterministic here.
    let node_ix: HashMap<&str, usize> = full.nodes.iter().enumerate().map(|(i, x)| (x.key.as_str(), i)).collect();
    let mut parts = Parts((0..n).collect());
    let mut first_member: HashMap<&str, usize> = HashMap::new();
    for (i, x) in full.nodes.iter().enumerate() {
        if let Some(c) = x.container.as_deref() {
            match first_member.get(c) {
                Some(f) => parts.join(*f, i),
                None => {
                    first_member.insert(c, i);
                }
            }
        }
    }
    let end = |k: &str| node_ix.get(k).or_else(|| first_member.get(k)).copied();
    for e in &full.edges {
        if let (Some(a), Some(b)) = (end(&e.from), end(&e.to)) {
            parts.join(a, b);
        }
    }
    // Which structures are drawn in which part.
    let mut structures_of: BTreeMap<usize, Vec<Id>> = BTreeMap::new();
    for st in &s.structures {
        let mut roots: BTreeSet<usize> = BTreeSet::new();
        let mut objects: Vec<Id> = st.members.iter().map(|m| m.object).collect();
        if let Some(c) = st.customer.and_then(|c| s.customer(c)) {
            objects.extend(c.data_package);
            objects.extend(s.sites.iter().filter(|x| x.customer == c.id).filter_map(|x| x.tail_package));
        }
        for o in objects {
            if let Some(i) = node_ix.get(o.to_string().as_str()) {
                roots.insert(parts.find(*i));
            }
        }
        for r in roots {
            structures_of.entry(r).or_default().push(st.id);
        }
    }
    // Sections: by their first structure, then the rest together.
    let mut section_of_root: BTreeMap<usize, usize> = BTreeMap::new();
    let mut keyed: Vec<(Id, usize)> = structures_of.iter().map(|(root, sts)| (sts[0], *root)).collect();
    keyed.sort();
    for (k, (_, root)) in keyed.iter().enumerate() {
        section_of_root.insert(*root, k);
    }
    let rest = keyed.len();
    let mut section_of = vec![0; n];
    let mut any_rest = false;
    for (i, slot) in section_of.iter_mut().enumerate() {
        let root = parts.find(i);
        *slot = match section_of_root.get(&root) {
            Some(k) => *k,
            None => {
                any_rest = true;
                rest
            }
        };
    }
    let count = rest + usize::from(any_rest);
    let mut drafts: Vec<Draft> = (0..count).map(|_| Draft { rows: full.rows.clone(), ..Draft::default() }).collect();
    for (k, (_, root)) in keyed.iter().enumerate() {
        let sts = &structures_of[root];
        drafts[k].structures = sts.clone();
        drafts[k].title =
            sts.iter().filter_map(|id| s.structure(*id)).map(structure_title).collect::<Vec<_>>().join("  +  ");
    }
    if any_rest {
        drafts[rest].title = "Objects in no structure".to_string();
    }
    let mut container_section: HashMap<String, usize> = HashMap::new();
    for (i, x) in full.nodes.iter().enumerate() {
        if let Some(c) = &x.container {
            container_section.entry(c.clone()).or_insert(section_of[i]);
        }
    }
    let Draft { nodes, containers, edges, .. } = full;
    let node_section: HashMap<String, usize> =
        nodes.iter().enumerate().map(|(i, x)| (x.key.clone(), section_of[i])).collect();
    for (i, x) in nodes.into_iter().enumerate() {
        drafts[section_of[i]].nodes.push(x);
    }
    for c in containers {
        if let Some(k) = container_section.get(&c.key) {
            drafts[*k].containers.push(c);
        }
    }
    for e in edges {
        let k = node_section.get(&e.from).or_else(|| container_section.get(&e.from)).copied();
        if let Some(k) = k {
            drafts[k].edges.push(e);
        }
    }
    let placed: Vec<layout::Placed> = drafts
        .into_iter()
        .map(|mut d| {
            compress_rows(&mut d);
            layout::arrange(d)
        })
        .collect();
    let objects = s.plans().count() + s.allowances.len();
    layout::assemble(
        DiagramKind::Catalog,
        format!("{} — whole catalog", s.settings.name),
        format!(
            "{} structure(s) · {objects} plans and allowances · BUY lanes left, SELL lanes right",
            s.structures.len()
        ),
        placed,
    )
}
