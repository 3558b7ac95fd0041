//! The order ops key a bundle in: the build procedures of the two articles (domain.md §4),
//! structure by structure, then whatever is in the bundle outside any structure.
//!
//! Within a structure the article's steps give the order: for the bolt-on add-on structure,
//! BUY service and package plans, SELL ones, BUY bolt-on, SELL bolt-on, the bolt-on group,
//! BUY add-on, SELL add-on, each add-on into its bolt-on's add-on group (BUY, then SELL), the
//! BUY links, the BUY allowances, then the SELL links and SELL allowances; for shared data, the
//! data allowance's BUY and SELL service plans, then its packages, then the tail's. Anything
//! else follows the same pattern (BUY before SELL, service plans before the packages holding
//! them, groups before links, BUY allowance before SELL allowance). An object shared by two
//! structures is keyed once; the later structure points back at that step.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use serde::Serialize;

use crate::id::{EntityKind, Id, IdHasher};
use crate::model::{Side, StructureKind, Tier};
use crate::progress::{self, StructureObjects};
use crate::relations::Relations;
use crate::snapshot::Snapshot;

/// What one step asks ops to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Create this plan (package plan, service plan, bolt-on or add-on).
    Plan { id: Id },
    /// Create this bolt-on group with its members.
    Group { id: Id },
    /// Put `add_on` into the add-on group of `bolt_on`.
    Placement { bolt_on: Id, add_on: Id },
    /// Link a bolt-on to a service plan, with its behaviour.
    Link { id: Id },
    /// Add an allowance under a bolt-on link.
    Allowance { id: Id },
    /// Approve the structure's plans in Emersion.
    Approve { plans: Vec<Id> },
}

impl Action {
    /// The object the step is about (the bolt-on add-on of a placement).
    pub fn object(&self) -> Option<Id> {
        match self {
            Action::Plan { id } | Action::Group { id } | Action::Link { id } | Action::Allowance { id } => Some(*id),
            Action::Placement { add_on, .. } => Some(*add_on),
            Action::Approve { .. } => None,
        }
    }
    fn key(&self) -> Option<(Id, Option<Id>)> {
        match self {
            Action::Placement { bolt_on, add_on } => Some((*bolt_on, Some(*add_on))),
            a => a.object().map(|o| (o, None)),
        }
    }
}

/// One step of the build sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Running number over the whole sheet.
    pub number: u32,
    /// The article's step number, when the step is one of the article's.
    pub article_step: Option<u32>,
    pub title: &'static str,
    pub action: Action,
    /// Already keyed at this earlier step (an object shared with an earlier structure).
    pub keyed_at: Option<u32>,
    /// A retailer's BUY object: it exists at the wholesaler and is not keyed.
    pub reference_only: bool,
}

/// The steps of one structure (or of the objects outside every structure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub structure: Option<Id>,
    pub title: String,
    pub steps: Vec<Step>,
}

fn side(s: &Snapshot, id: Id) -> Side {
    match id.kind {
        EntityKind::BoltOnGroup => s.group(id).map(|g| g.side),
        EntityKind::BoltOnLink => s.link(id).and_then(|l| s.plan(l.service_plan)).map(|p| p.side),
        EntityKind::Allowance => s.allowance(id).and_then(|a| s.plan(a.add_on)).map(|p| p.side),
        _ => s.plan(id).map(|p| p.side),
    }
    .unwrap_or(Side::Sell)
}

/// The step's heading. One of a few fixed texts (a large sheet has 200 000 steps).
fn title(s: &Snapshot, a: &Action) -> &'static str {
    let buy = |id: Id| side(s, id) == Side::Buy;
    let by_side = |id: Id, [b, s]: [&'static str; 2]| if buy(id) { b } else { s };
    match a {
        Action::Plan { id } => by_side(
            *id,
            match id.kind {
                EntityKind::PackagePlan => ["Build the BUY package plan", "Build the SELL package plan"],
                EntityKind::ServicePlan => ["Build the BUY service plan", "Build the SELL service plan"],
                EntityKind::BoltOn => ["Build the BUY bolt-on", "Build the SELL bolt-on"],
                _ => ["Build the BUY bolt-on add-on", "Build the SELL bolt-on add-on"],
            },
        ),
        Action::Group { id } => by_side(
            *id,
            ["Place the BUY bolt-on(s) into a bolt-on group", "Place the SELL bolt-on(s) into a bolt-on group"],
        ),
        Action::Placement { bolt_on, .. } => by_side(
            *bolt_on,
            [
                "Place the BUY bolt-on add-on into the BUY bolt-on's add-on group",
                "Place the SELL bolt-on add-on into the SELL bolt-on's add-on group",
            ],
        ),
        Action::Link { id } => by_side(
            *id,
            [
                "Link the BUY bolt-on and bolt-on add-on to the BUY service plan",
                "Link the SELL bolt-on and bolt-on add-on to the SELL service plan",
            ],
        ),
        Action::Allowance { id } => by_side(*id, ["Construct the allowance - BUY", "Construct the allowance - SELL"]),
        Action::Approve { .. } => "Approve all plans ready for sale",
    }
}

/// Rank in the generic order (module doc).
fn rank(s: &Snapshot, a: &Action) -> (u8, Id) {
    let buy = |id: Id| side(s, id) == Side::Buy;
    match a {
        Action::Plan { id } => {
            let r = match id.kind {
                EntityKind::ServicePlan => 0,
                EntityKind::PackagePlan => 1,
                EntityKind::BoltOn => 4,
                _ => 7,
            };
            let sell = u8::from(!buy(*id));
            (if r < 4 { r + 2 * sell } else { r + sell }, *id)
        }
        Action::Group { id } => (6, *id),
        Action::Placement { bolt_on, add_on } => (if buy(*bolt_on) { 9 } else { 10 }, *add_on),
        Action::Link { id } => (if buy(*id) { 11 } else { 13 }, *id),
        Action::Allowance { id } => (if buy(*id) { 12 } else { 14 }, *id),
        Action::Approve { .. } => (255, Id::new(EntityKind::Structure, 0)),
    }
}

/// Every keying action for the objects of `ids`, in the generic order.
fn actions_of(s: &Snapshot, ids: &BTreeSet<Id>, within: &BTreeSet<Id>) -> Vec<Action> {
    let mut v: Vec<Action> = Vec::new();
    for id in ids {
        match id.kind {
            k if k.is_plan() => {
                v.push(Action::Plan { id: *id });
                if let Some(f) = s.plan(*id).and_then(|p| p.bolt_on()) {
                    v.extend(
                        f.add_on_group
                            .iter()
                            .filter(|a| within.contains(a))
                            .map(|a| Action::Placement { bolt_on: *id, add_on: *a }),
                    );
                }
            }
            EntityKind::BoltOnGroup => v.push(Action::Group { id: *id }),
            EntityKind::BoltOnLink => v.push(Action::Link { id: *id }),
            EntityKind::Allowance => v.push(Action::Allowance { id: *id }),
            _ => {}
        }
    }
    v.sort_by_cached_key(|a| rank(s, a));
    v
}

/// The article step of an action in a bolt-on add-on structure.
fn bolt_on_step(s: &Snapshot, a: &Action) -> Option<u32> {
    Some(match rank(s, a).0 {
        0 | 1 => 1,
        2 | 3 => 2,
        4 => 3,
        5 => 4,
        6 => 5,
        7 => 6,
        8 => 7,
        9 => 8,
        10 => 9,
        11 => 10,
        12 => 11,
        13 | 14 => 12,
        _ => return None,
    })
}

/// The service plans of a role set: its own, and those of its packages.
fn role_service_plans(s: &Snapshot, role: &BTreeSet<Id>) -> BTreeSet<Id> {
    let mut v: BTreeSet<Id> = role.iter().filter(|i| i.kind == EntityKind::ServicePlan).copied().collect();
    for p in role.iter().filter_map(|i| s.plan(*i)) {
        v.extend(p.package().into_iter().flat_map(|f| f.service_plans.iter().copied()));
    }
    v
}

/// The article step of an action in a shared-data structure, given the structure's data and
/// tail service plans.
fn shared_data_step(
    s: &Snapshot,
    o: &StructureObjects,
    roles: &(BTreeSet<Id>, BTreeSet<Id>),
    a: &Action,
) -> Option<u32> {
    let Action::Plan { id } = a else { return None };
    let (data_sp, tail_sp) = roles;
    let sell = u32::from(side(s, *id) == Side::Sell);
    let base = match id.kind {
        EntityKind::ServicePlan if data_sp.contains(id) => 1,
        EntityKind::PackagePlan if o.data.contains(id) => 3,
        EntityKind::ServicePlan if tail_sp.contains(id) => 5,
        EntityKind::PackagePlan if o.tails.contains(id) => 7,
        _ => return None,
    };
    Some(base + sell)
}

struct Sheet<'s> {
    s: &'s Snapshot,
    retail: bool,
    /// The step where each object (or placement) was keyed; looked up, never iterated.
    keyed: HashMap<(Id, Option<Id>), u32, BuildHasherDefault<IdHasher>>,
    next: u32,
}

impl Sheet<'_> {
    fn push(&mut self, steps: &mut Vec<Step>, action: Action, article_step: Option<u32>) {
        let number = self.next;
        self.next += 1;
        let keyed_at = action.key().and_then(|k| self.keyed.get(&k).copied());
        if let (Some(k), None) = (action.key(), keyed_at) {
            self.keyed.insert(k, number);
        }
        let reference_only = self.retail
            && matches!(&action, Action::Plan { id } | Action::Link { id } | Action::Allowance { id } if side(self.s, *id) == Side::Buy);
        let title = title(self.s, &action);
        steps.push(Step { number, article_step, title, action, keyed_at, reference_only });
    }

    fn structure(&mut self, st: &crate::model::Structure, o: StructureObjects, within: &BTreeSet<Id>) -> Section {
        let mine: BTreeSet<Id> = o.all().filter(|i| within.contains(i)).collect();
        let roles = match st.kind {
            StructureKind::SharedData => (role_service_plans(self.s, &o.data), role_service_plans(self.s, &o.tails)),
            StructureKind::BoltOnAddOn => Default::default(),
        };
        let mut actions: Vec<(Option<u32>, Action)> = actions_of(self.s, &mine, within)
            .into_iter()
            .map(|a| {
                let n = match st.kind {
                    StructureKind::BoltOnAddOn => bolt_on_step(self.s, &a),
                    StructureKind::SharedData => shared_data_step(self.s, &o, &roles, &a),
                };
                (n, a)
            })
            .collect();
        // Article steps first, in their order; the rest after them, in the generic order.
        actions.sort_by_cached_key(|(n, a)| (n.unwrap_or(u32::MAX), rank(self.s, a)));
        let mut steps = Vec::new();
        for (n, a) in actions {
            self.push(&mut steps, a, n);
        }
        let plans: Vec<Id> = o.plans().filter(|p| within.contains(p)).collect();
        let approve_step = match st.kind {
            StructureKind::SharedData => Some(9),
            StructureKind::BoltOnAddOn => None,
        };
        self.push(&mut steps, Action::Approve { plans }, approve_step);
        Section { structure: Some(st.id), title: format!("{} {} ({})", st.id, st.name, article_name(st.kind)), steps }
    }
}

fn article_name(kind: StructureKind) -> &'static str {
    match kind {
        StructureKind::SharedData => "Sharing data across services",
        StructureKind::BoltOnAddOn => "Bolt-on add-on",
    }
}

/// The build sheet's sections for the objects in `within` (the bundle's), structure by
/// structure in the order given, then the objects outside those structures.
pub fn sections(s: &Snapshot, structures: &[Id], within: &BTreeSet<Id>) -> Vec<Section> {
    sections_in(&Relations::new(s), structures, within)
}

/// [`sections`] over the indexes `r` of the snapshot, made once for the whole export.
pub fn sections_in(r: &Relations, structures: &[Id], within: &BTreeSet<Id>) -> Vec<Section> {
    let s = r.snapshot;
    let mut sheet = Sheet { s, retail: s.settings.tier == Tier::Retail, keyed: HashMap::default(), next: 1 };
    let mut out = Vec::new();
    let chosen: Vec<&crate::model::Structure> = structures.iter().filter_map(|id| s.structure(*id)).collect();
    // Each structure's objects on its own (the costly part, independent per structure) on two
    // cores; the steps are then numbered in order.
    let half = chosen.len().div_ceil(2);
    let objects: Vec<StructureObjects> = std::thread::scope(|scope| {
        let (a, b) = chosen.split_at(half);
        let second = scope.spawn(move || b.iter().map(|st| progress::objects(r, st)).collect::<Vec<_>>());
        let mut v: Vec<StructureObjects> = a.iter().map(|st| progress::objects(r, st)).collect();
        v.extend(second.join().expect("structure objects do not panic"));
        v
    });
    for (st, o) in chosen.into_iter().zip(objects) {
        let section = sheet.structure(st, o, within);
        // A structure with nothing to key (a delta that does not touch it) gets no section.
        if section.steps.iter().any(|x| !matches!(x.action, Action::Approve { .. })) {
            out.push(section);
        } else {
            sheet.next -= section.steps.len() as u32;
        }
    }
    let rest: BTreeSet<Id> = within.iter().filter(|i| !sheet.keyed.contains_key(&(**i, None))).copied().collect();
    let rest_actions: Vec<Action> = actions_of(s, &rest, within)
        .into_iter()
        .filter(|a| a.key().is_some_and(|k| !sheet.keyed.contains_key(&k)))
        .collect();
    if !rest_actions.is_empty() {
        let mut steps = Vec::new();
        let plans: Vec<Id> = rest.iter().filter(|i| i.kind.is_plan()).copied().collect();
        for a in rest_actions {
            sheet.push(&mut steps, a, None);
        }
        if !plans.is_empty() {
            sheet.push(&mut steps, Action::Approve { plans }, None);
        }
        out.push(Section { structure: None, title: "Objects outside the structures above".to_string(), steps });
    }
    out
}
