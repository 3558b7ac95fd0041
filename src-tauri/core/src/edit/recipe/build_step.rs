//! The build step recipe (`Change::BuildStep`): what taking an open step of a structure's
//! build checklist does. The checklist (domain.md §4) says which steps of a structure are
//! done; for each open step this module decides, from the catalog as it is, the small list of
//! plain changes that builds what the step describes (with sensible defaults and names taken
//! from the structure), or which object to open because only the consultant can supply what is
//! missing (a pool quota, an approval), or which earlier step must come first.
//!
//! The decision is a pure function of a snapshot ([`plan_step`]), so it is tested without a
//! window; [`step_actions`] offers it to the checklist, and applying `Change::BuildStep` runs
//! it as a [`Recipe`], one undoable transaction, so the window, the CLI and scripts take a step
//! the same way.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::edit::change::Change;
use crate::edit::plan_field::PlanField;
use crate::edit::recipe::{Edits, FreeNames, Recipe, Written};
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{Behaviour, BillingType, DataBillingMode, MemberRole, Side, Status, Structure, StructureKind, Tier};
use crate::progress::{self, Progress, StepState, StructureObjects};
use crate::relations::Relations;
use crate::snapshot::Snapshot;

use EntityKind::{BoltOn as BO, BoltOnAddOn as AO, PackagePlan as PP, ServicePlan as SP};

/// How the checklist offers an open step.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepActionKind {
    /// Applying `{"op": "build_step"}` creates what the step needs.
    Create,
    /// Only the consultant can finish it: open `open` (at `field`).
    Open,
    /// An earlier step must be done first; `label` says which.
    Blocked,
}

/// What an open step of the checklist does when taken.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepAction {
    pub number: u32,
    pub kind: StepActionKind,
    /// The words on the button ("Create the SELL counterpart of BO-3"), or why nothing can be
    /// done yet.
    pub label: String,
    /// `open`: the object to open. (`create`: the object to open is the one the change
    /// reports as created.)
    pub open: Option<Id>,
    /// The field to focus in the opened editor.
    pub field: Option<String>,
}

/// The decision for one open step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepPlan {
    /// Apply `changes` in order, in one transaction, then open `open` (a placeholder id when
    /// one of the changes creates it).
    Create { label: String, changes: Vec<Change>, open: Id, field: Option<String> },
    /// Nothing to create: the consultant finishes the step in `id`'s editor.
    Open { label: String, id: Id, field: Option<String> },
    /// An earlier step comes first.
    Blocked { reason: String },
}

/// Step `step` of the structure `structure`, taken: the body of `Change::BuildStep`.
pub(crate) struct BuildStep {
    pub structure: Id,
    pub step: u32,
}

impl Recipe for BuildStep {
    /// Reports the object to open as created.
    fn write(&self, s: &Snapshot) -> Result<Written> {
        let BuildStep { structure, step } = *self;
        structure.expect(EntityKind::Structure, "structure")?;
        let r = Relations::new(s);
        let st = s.structure(structure).ok_or_else(|| {
            CoreError::not_found(format!("there is no structure {structure} in this catalog")).with_field("structure")
        })?;
        match plan_step(&r, st, step)? {
            StepPlan::Create { changes, open, .. } => Ok(Written { edits: Edits { changes }, created: open }),
            StepPlan::Open { label, .. } => {
                Err(CoreError::conflict(format!("step {step} of {structure} has nothing to create: {label}"))
                    .with_field("step"))
            }
            StepPlan::Blocked { reason } => Err(CoreError::conflict(reason).with_field("step")),
        }
    }
}

/// The action of every open step of `st`, in order.
pub fn step_actions(r: &Relations, st: &Structure) -> Vec<StepAction> {
    let p = progress::progress(r, st);
    let open: Vec<u32> = p.steps.iter().filter(|s| s.state == StepState::Open).map(|s| s.number).collect();
    let mut ctx = Ctx::new(r, st, p);
    open.into_iter()
        .map(|number| match ctx.plan(number) {
            StepPlan::Create { label, open, field, .. } => {
                StepAction { number, kind: StepActionKind::Create, label, open: (open.n > 0).then_some(open), field }
            }
            StepPlan::Open { label, id, field } => {
                StepAction { number, kind: StepActionKind::Open, label, open: Some(id), field }
            }
            StepPlan::Blocked { reason } => {
                StepAction { number, kind: StepActionKind::Blocked, label: reason, open: None, field: None }
            }
        })
        .collect()
}

/// The actions of the open steps of the structure `id`.
pub fn step_actions_of(r: &Relations, id: Id) -> Result<Vec<StepAction>> {
    let st = id.expect(EntityKind::Structure, "id").ok().and_then(|id| r.snapshot.structure(id)).ok_or_else(|| {
        CoreError::not_found(format!(
            "there is no structure {id} in this catalog; `plansmith list FILE --kind structure` lists them"
        ))
        .with_field("id")
    })?;
    Ok(step_actions(r, st))
}

/// What taking step `number` of `st` does. Refused for a step that is not open.
pub fn plan_step(r: &Relations, st: &Structure, number: u32) -> Result<StepPlan> {
    let p = progress::progress(r, st);
    let step = p.steps.iter().find(|s| s.number == number).ok_or_else(|| {
        CoreError::invalid("step", format!("{} has steps 1 to {}; there is no step {number}", st.id, p.steps.len()))
    })?;
    match step.state {
        StepState::Open => Ok(Ctx::new(r, st, p).plan(number)),
        StepState::Done => {
            Err(CoreError::conflict(format!("step {number} of {} is already done", st.id)).with_field("step"))
        }
        StepState::Skipped => Err(CoreError::conflict(format!(
            "step {number} of {} is skipped: a retailer buying from an Emersion wholesaler builds no BUY objects",
            st.id
        ))
        .with_field("step")),
    }
}

/// The catalog as one step's decision sees it.
struct Ctx<'r, 'a> {
    r: &'r Relations<'a>,
    st: &'r Structure,
    o: StructureObjects,
    p: Progress,
    retail: bool,
    /// Internal names taken, including those planned.
    names: FreeNames,
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

fn create(label: String, edits: Edits, open: Id, field: Option<&str>) -> StepPlan {
    StepPlan::Create { label, changes: edits.changes, open, field: field.map(str::to_string) }
}

fn open(label: String, id: Id, field: Option<&str>) -> StepPlan {
    StepPlan::Open { label, id, field: field.map(str::to_string) }
}

impl<'r, 'a> Ctx<'r, 'a> {
    fn new(r: &'r Relations<'a>, st: &'r Structure, p: Progress) -> Ctx<'r, 'a> {
        let names = FreeNames::of(r.snapshot);
        Ctx { r, st, o: progress::objects(r, st), p, retail: r.snapshot.settings.tier == Tier::Retail, names }
    }

    /// The objects of step `n` when it is done (empty otherwise).
    fn done(&self, n: u32) -> Vec<Id> {
        self.p.steps.iter().find(|s| s.number == n).map(|s| s.objects.clone()).unwrap_or_default()
    }

    fn blocked(&self, n: u32) -> StepPlan {
        let step = self.p.steps.iter().find(|s| s.number == n);
        let what = step.and_then(|s| s.missing.clone()).unwrap_or_default();
        StepPlan::Blocked { reason: format!("Do step {n} first: it needs {what}.") }
    }

    fn of_side<'x>(&self, set: impl IntoIterator<Item = &'x Id>, side: Side) -> Vec<Id> {
        set.into_iter().filter(|i| self.r.side_of(**i) == Some(side)).copied().collect()
    }

    /// The first SELL object naming `buy` as its counterpart.
    fn sell_of(&self, buy: Id) -> Option<Id> {
        self.r.sells_of.get(&buy).into_iter().flatten().copied().find(|s| self.r.side_of(*s) == Some(Side::Sell))
    }

    fn contains(&self, package: Id, service_plan: Id) -> bool {
        self.r.plan(package).and_then(|p| p.package()).is_some_and(|f| f.service_plans.contains(&service_plan))
    }

    /// A free internal name: `base`, or `base 2`, `base 3`, …
    fn name(&mut self, kind: EntityKind, side: Side, base: &str) -> String {
        self.names.take(kind, side, base)
    }

    /// "Mobile top-ups bolt-on (buy)" / "Mobile top-ups bolt-on".
    fn base(&self, what: &str, side: Side) -> String {
        match side {
            Side::Buy => format!("{} {what} (buy)", self.st.name.trim()),
            Side::Sell => format!("{} {what}", self.st.name.trim()),
        }
    }

    /// The service type of the structure's service plans (same side first).
    fn service_type(&self, side: Side) -> Option<String> {
        let of = |side: Side| {
            self.o
                .service_plans
                .iter()
                .filter_map(|i| self.r.plan(*i))
                .filter(|p| p.side == side)
                .find_map(|p| p.service_type.clone())
        };
        of(side).or_else(|| of(if side == Side::Buy { Side::Sell } else { Side::Buy }))
    }

    /// A new plan: named from the structure, with an external name on SELL, and a member of
    /// the structure with `role` when given.
    fn new_plan(
        &mut self,
        edits: &mut Edits,
        kind: EntityKind,
        side: Side,
        what: &str,
        role: Option<MemberRole>,
    ) -> Id {
        let base = self.base(what, side);
        let name = self.name(kind, side, &base);
        let id = edits.create(kind, Change::CreatePlan { kind, side, internal_name: name.clone() });
        if side == Side::Sell {
            edits.set(id, PlanField::ExternalName(Some(name)));
        }
        if let Some(role) = role {
            edits.add(Change::AddStructureMember { structure: self.st.id, object: id, role });
        }
        id
    }

    /// The SELL counterpart of `buy`, named like it without its "(buy)".
    fn sell_copy(&mut self, edits: &mut Edits, buy: Id) -> Id {
        let Some(plan) = self.r.plan(buy) else { return buy };
        let trimmed = plan.internal_name.trim();
        let stem = trimmed
            .strip_suffix("(buy)")
            .or_else(|| trimmed.strip_suffix("(BUY)"))
            .map(str::trim_end)
            .filter(|s| !s.is_empty())
            .unwrap_or(trimmed)
            .to_string();
        let name = self.name(buy.kind, Side::Sell, &stem);
        let id = edits.create(buy.kind, Change::CreateSellCounterpart { of: buy });
        if name != plan.internal_name {
            edits.set(id, PlanField::InternalName(name.clone()));
        }
        if plan.external_name.is_none() {
            edits.set(id, PlanField::ExternalName(Some(name)));
        }
        id
    }

    fn plan(&mut self, number: u32) -> StepPlan {
        match self.st.kind {
            StructureKind::BoltOnAddOn => self.bolt_on_add_on(number),
            // Step 9 of the shared-data article approves what steps 1 to 8 built.
            StructureKind::SharedData if number == 9 => self.approval(),
            StructureKind::SharedData => self.shared_data(number),
        }
    }

    fn approval(&self) -> StepPlan {
        if self.p.steps.iter().rev().skip(1).any(|s| s.state == StepState::Open) {
            return StepPlan::Blocked { reason: "Finish the steps above first; then approve the plans.".to_string() };
        }
        let pending: Vec<Id> = self
            .o
            .plans()
            .filter(|id| {
                self.r.plan(*id).is_some_and(|p| {
                    !(matches!(p.status, Status::Approved | Status::Live) || self.retail && p.side == Side::Buy)
                })
            })
            .collect();
        // Approving a SELL package plan approves everything it needs with it.
        let first = pending
            .iter()
            .find(|i| i.kind == PP && self.r.side_of(**i) == Some(Side::Sell))
            .or_else(|| pending.first())
            .copied();
        match first {
            Some(id) => open(format!("Open {id} and approve it (what it needs is approved with it)"), id, None),
            None => StepPlan::Blocked { reason: "The structure has no plans to approve yet.".to_string() },
        }
    }

    // -----------------------------------------------------------------------------------------
    // Bolt-on add-on (seed 2).

    fn bolt_on_add_on(&mut self, number: u32) -> StepPlan {
        match (number, self.retail) {
            (1, _) => self.pair(Side::Buy),
            (2, true) => self.pair(Side::Sell),
            (2, false) => self.sell_pair(),
            (3, _) => self.new_member(BO, Side::Buy, "bolt-on"),
            (4, true) => self.new_member(BO, Side::Sell, "bolt-on"),
            (4, false) => self.counterpart(BO, 3),
            (5, _) => self.group(),
            (6, _) => self.new_member(AO, Side::Buy, "add-on"),
            (7, true) => self.new_member(AO, Side::Sell, "add-on"),
            (7, false) => self.counterpart(AO, 6),
            (8, _) => self.add_on_group(Side::Buy),
            (9, _) => self.add_on_group(Side::Sell),
            (10, _) => self.link(),
            (11, _) => self.buy_allowance(),
            _ => self.sell_allowance(),
        }
    }

    /// Steps 1 (BUY) and, for a retailer, 2 (SELL): a service plan inside a package plan.
    fn pair(&mut self, side: Side) -> StepPlan {
        let sps = self.of_side(&self.o.service_plans, side);
        let pps = self.of_side(&self.o.package_plans, side);
        let mut edits = Edits::default();
        let sp = match sps.first() {
            Some(sp) => *sp,
            None => self.new_plan(&mut edits, SP, side, "service plan", None),
        };
        let pp = match pps.first() {
            Some(pp) => *pp,
            None => self.new_plan(&mut edits, PP, side, "package", Some(MemberRole::Member)),
        };
        if sps.is_empty() {
            let service_type = self.service_type(side);
            if let Some(t) = service_type {
                edits.set(sp, PlanField::ServiceType(Some(t)));
            }
        }
        edits.add(Change::AddServicePlan { package_plan: pp, service_plan: sp });
        let s = side_word(side);
        let label = match (sps.first(), pps.first()) {
            (None, None) => format!("Create a {s} service plan and a {s} package plan containing it"),
            (None, Some(pp)) => format!("Create a {s} service plan in {pp}"),
            (Some(sp), None) => format!("Create a {s} package plan containing {sp}"),
            (Some(sp), Some(pp)) => format!("Put {sp} in {pp}"),
        };
        let focus = if sps.is_empty() { sp } else { pp };
        create(label, edits, focus, Some("internal_name"))
    }

    /// Step 2 for a wholesaler: the SELL counterparts of step 1's service plan and package.
    fn sell_pair(&mut self) -> StepPlan {
        let Some(&bpp) = self.done(1).first() else { return self.blocked(1) };
        let buy_sps = self.of_side(&self.o.service_plans, Side::Buy);
        let Some(bsp) = self
            .r
            .plan(bpp)
            .and_then(|p| p.package())
            .and_then(|f| f.service_plans.iter().find(|s| buy_sps.contains(s)).copied())
        else {
            return self.blocked(1);
        };
        let mut edits = Edits::default();
        let mut made: Vec<String> = vec![];
        let ssp = match self.sell_of(bsp) {
            Some(s) => s,
            None => {
                made.push(bsp.to_string());
                self.sell_copy(&mut edits, bsp)
            }
        };
        match self.sell_of(bpp) {
            Some(spp) if !self.contains(spp, ssp) => {
                edits.add(Change::AddServicePlan { package_plan: spp, service_plan: ssp });
            }
            Some(spp) => {
                return open(format!("Open {spp}: {}", self.missing(2)), spp, None);
            }
            None => {
                // The copy of a package holds the first SELL counterpart of each of its
                // service plans, which is `ssp` (found first, or the only one, just made).
                made.push(bpp.to_string());
                self.sell_copy(&mut edits, bpp);
            }
        }
        let label = match made.as_slice() {
            [] => format!("Put {ssp} in the SELL counterpart of {bpp}"),
            [one] => format!("Create the SELL counterpart of {one}"),
            many => format!("Create the SELL counterparts of {}", many.join(" and ")),
        };
        create(label, edits, ssp, Some("internal_name"))
    }

    fn missing(&self, n: u32) -> String {
        self.p.steps.iter().find(|s| s.number == n).and_then(|s| s.missing.clone()).unwrap_or_default()
    }

    /// The same-side bolt-on an add-on takes its defaults from.
    fn bolt_on_of_side(&self, side: Side) -> Option<Id> {
        self.of_side(&self.o.bolt_ons, side).first().copied()
    }

    /// Steps 3 and 6 (and for a retailer 4 and 7): a new bolt-on or add-on in the structure,
    /// with the structure's service type and, for an add-on, its bolt-on's category, tariff and
    /// included value type.
    fn new_member(&mut self, kind: EntityKind, side: Side, what: &str) -> StepPlan {
        let mut edits = Edits::default();
        let id = self.new_plan(&mut edits, kind, side, what, Some(MemberRole::Member));
        let bolt_on = if kind == AO { self.bolt_on_of_side(side).and_then(|b| self.r.plan(b)) } else { None };
        let service_type = bolt_on.and_then(|b| b.service_type.clone()).or_else(|| self.service_type(side));
        if let Some(t) = service_type {
            edits.set(id, PlanField::ServiceType(Some(t)));
        }
        if let Some(f) = bolt_on.and_then(|b| b.bolt_on()) {
            if let Some(c) = &f.bolt_on_category {
                edits.set(id, PlanField::BoltOnCategory(Some(c.clone())));
            }
            if let Some(t) = &f.tariff {
                edits.set(id, PlanField::Tariff(Some(t.clone())));
            }
            if let Some(v) = f.included_value {
                edits.set(id, PlanField::IncludedValueType(Some(v.value_type)));
            }
        }
        let label = format!("Create a {} {}", side_word(side), kind.label());
        create(label, edits, id, Some("internal_name"))
    }

    /// Steps 4 and 7 for a wholesaler: the SELL counterpart of the BUY bolt-on or add-on.
    fn counterpart(&mut self, kind: EntityKind, buy_step: u32) -> StepPlan {
        let Some(&buy) = self.done(buy_step).first() else { return self.blocked(buy_step) };
        let set = if kind == BO { &self.o.bolt_ons } else { &self.o.add_ons };
        let loose = self
            .of_side(set, Side::Sell)
            .into_iter()
            .find(|s| self.r.plan(*s).is_some_and(|p| p.buy_counterpart.is_none()));
        let mut edits = Edits::default();
        if let Some(sell) = loose {
            edits.set(sell, PlanField::BuyCounterpart(Some(buy)));
            return create(format!("Tie {sell} to its BUY counterpart {buy}"), edits, sell, Some("buy_counterpart"));
        }
        let id = self.sell_copy(&mut edits, buy);
        create(format!("Create the SELL counterpart of {buy}"), edits, id, Some("internal_name"))
    }

    /// Step 5: the SELL bolt-on in a bolt-on group (the structure's, or a new one).
    fn group(&mut self) -> StepPlan {
        let Some(&bolt_on) = self.done(4).first() else { return self.blocked(4) };
        let mut edits = Edits::default();
        let existing = self
            .o
            .bolt_on_groups
            .iter()
            .find(|g| self.r.snapshot.group(**g).is_some_and(|g| g.side == Side::Sell))
            .copied();
        let (group, label) = match existing {
            Some(g) => (g, format!("Put {bolt_on} in the bolt-on group {g}")),
            None => {
                let name = format!("{} bolt-ons", self.st.name.trim());
                let g = edits.create(
                    EntityKind::BoltOnGroup,
                    Change::CreateBoltOnGroup { side: Side::Sell, name: name.clone() },
                );
                (g, format!("Create the SELL bolt-on group '{name}' holding {bolt_on}"))
            }
        };
        edits.add(Change::AddGroupMember { group, bolt_on });
        create(label, edits, bolt_on, None)
    }

    /// Steps 8 and 9: an add-on in the add-on group of a bolt-on of its side (one with the
    /// add-on's service type and included value type when there is one, ADD-02).
    fn add_on_group(&mut self, side: Side) -> StepPlan {
        let (ao_step, bo_step) = if side == Side::Buy { (6, 3) } else { (7, 4) };
        let Some(&add_on) = self.done(ao_step).first() else { return self.blocked(ao_step) };
        let bolt_ons = if side == Side::Buy { self.done(3) } else { self.of_side(&self.o.bolt_ons, Side::Sell) };
        let fits = |b: &Id| {
            let (Some(b), Some(a)) = (self.r.plan(*b), self.r.plan(add_on)) else { return false };
            b.service_type == a.service_type
                && b.bolt_on().and_then(|f| f.included_value).map(|v| v.value_type)
                    == a.add_on().and_then(|f| f.included_value_type)
        };
        let Some(&bolt_on) = bolt_ons.iter().find(|b| fits(b)).or_else(|| bolt_ons.first()) else {
            return self.blocked(bo_step);
        };
        let mut edits = Edits::default();
        edits.add(Change::AddToAddOnGroup { bolt_on, add_on });
        create(format!("Put {add_on} in the add-on group of {bolt_on}"), edits, bolt_on, None)
    }

    /// Step 10: the BUY bolt-on linked to the BUY service plan, optional by default.
    fn link(&mut self) -> StepPlan {
        let sps = self.of_side(&self.o.service_plans, Side::Buy);
        let Some(&sp) = sps.first() else { return self.blocked(1) };
        let bolt_ons = self.done(3);
        let Some(&bolt_on) = bolt_ons.first() else { return self.blocked(3) };
        let mut edits = Edits::default();
        let unset = self
            .o
            .bolt_on_links
            .iter()
            .filter_map(|l| self.r.snapshot.link(*l))
            .find(|l| sps.contains(&l.service_plan) && bolt_ons.contains(&l.bolt_on) && l.behaviour.is_none());
        if let Some(l) = unset {
            edits.add(Change::SetBehaviour { link: l.id, behaviour: Some(Behaviour::Optional) });
            return create(
                format!("Make the link {} optional (change it in {})", l.id, l.service_plan),
                edits,
                l.service_plan,
                None,
            );
        }
        edits.add(Change::LinkBoltOn { service_plan: sp, bolt_on, behaviour: Some(Behaviour::Optional) });
        create(format!("Link {bolt_on} to {sp} as optional (change the behaviour in {sp})"), edits, sp, None)
    }

    /// The add-ons of `side` in `bolt_on`'s add-on group.
    fn group_add_ons(&self, bolt_on: Id, side: Side) -> Vec<Id> {
        self.r.plan(bolt_on).and_then(|p| p.bolt_on()).map(|f| self.of_side(&f.add_on_group, side)).unwrap_or_default()
    }

    /// Step 11: a BUY allowance (once) for an add-on of the linked bolt-on's add-on group.
    fn buy_allowance(&mut self) -> StepPlan {
        let links = self.done(10);
        if links.is_empty() {
            return self.blocked(10);
        }
        let found = links
            .iter()
            .filter_map(|l| self.r.snapshot.link(*l))
            .find_map(|l| self.group_add_ons(l.bolt_on, Side::Buy).first().map(|a| (l.id, l.service_plan, *a)));
        let Some((link, sp, add_on)) = found else { return self.blocked(8) };
        let mut edits = Edits::default();
        edits.add(Change::AddAllowance { link, add_on, max_occurrence: 1, description: None, buy_parent: None });
        create(format!("Allow {add_on} once under {link} (change it in {sp})"), edits, sp, None)
    }

    /// Step 12: the SELL bolt-on linked to the SELL service plan and a SELL allowance under
    /// it, on the SELL counterparts of the BUY allowance's plans and hanging off it.
    fn sell_allowance(&mut self) -> StepPlan {
        let parent = if self.retail {
            None
        } else {
            match self.done(11).first().and_then(|a| self.r.snapshot.allowance(*a)) {
                Some(a) => Some(a),
                None => return self.blocked(11),
            }
        };
        let parent_link = parent.and_then(|a| self.r.snapshot.link(a.bolt_on_link));
        let prefer = |candidates: Vec<Id>, buy: Option<Id>| -> Option<Id> {
            let twin = buy
                .and_then(|b| candidates.iter().find(|c| self.r.plan(**c).and_then(|p| p.buy_counterpart) == Some(b)));
            twin.or_else(|| candidates.first()).copied()
        };
        let Some(sp) = prefer(self.of_side(&self.o.service_plans, Side::Sell), parent_link.map(|l| l.service_plan))
        else {
            return self.blocked(2);
        };
        let grouped = self.done(5);
        let bolt_ons = if grouped.is_empty() { self.of_side(&self.o.bolt_ons, Side::Sell) } else { grouped };
        let Some(bolt_on) = prefer(bolt_ons, parent_link.map(|l| l.bolt_on)) else { return self.blocked(4) };
        let Some(add_on) = prefer(self.group_add_ons(bolt_on, Side::Sell), parent.map(|a| a.add_on)) else {
            return self.blocked(9);
        };
        let behaviour = parent_link.and_then(|l| l.behaviour).unwrap_or(Behaviour::Optional);
        let mut edits = Edits::default();
        let existing = self.r.links_of_service.get(&sp).into_iter().flatten().find(|l| l.bolt_on == bolt_on);
        let link = match existing {
            Some(l) => {
                if l.behaviour.is_none() {
                    edits.add(Change::SetBehaviour { link: l.id, behaviour: Some(behaviour) });
                }
                l.id
            }
            None => edits.create(
                EntityKind::BoltOnLink,
                Change::LinkBoltOn { service_plan: sp, bolt_on, behaviour: Some(behaviour) },
            ),
        };
        let max_occurrence = parent.map(|a| a.max_occurrence).unwrap_or(1);
        let buy_parent = parent.map(|a| a.id);
        let present = if link.n > 0 {
            self.r
                .allowances_of_link
                .get(&link)
                .into_iter()
                .flatten()
                .filter_map(|a| self.r.snapshot.allowance(*a))
                .find(|a| a.add_on == add_on)
        } else {
            None
        };
        match present {
            Some(a) => edits.add(Change::UpdateAllowance {
                id: a.id,
                max_occurrence: a.max_occurrence,
                description: a.description.clone(),
                buy_parent,
            }),
            None => edits.add(Change::AddAllowance { link, add_on, max_occurrence, description: None, buy_parent }),
        }
        let hanging = buy_parent.map(|p| format!(", hanging off {p}")).unwrap_or_default();
        let label = if existing.is_some() {
            format!("Allow {add_on} under the link of {bolt_on} to {sp}{hanging}")
        } else {
            format!("Link {bolt_on} to {sp} and allow {add_on} under it{hanging}")
        };
        create(label, edits, sp, None)
    }

    // -----------------------------------------------------------------------------------------
    // Shared data (seed 1).

    /// The service plans of a role: its own, and those of its packages.
    fn role_service_plans(&self, role: &BTreeSet<Id>) -> Vec<Id> {
        let mut v: BTreeSet<Id> = role.iter().filter(|i| i.kind == SP).copied().collect();
        for p in role.iter().filter(|i| i.kind == PP) {
            if let Some(f) = self.r.plan(*p).and_then(|p| p.package()) {
                v.extend(&f.service_plans);
            }
        }
        v.into_iter().collect()
    }

    fn role_packages(&self, role: &BTreeSet<Id>, side: Side) -> Vec<Id> {
        self.of_side(role.iter().filter(|i| i.kind == PP), side)
    }

    fn shared_data(&mut self, number: u32) -> StepPlan {
        let data = self.o.data.clone();
        let tails = self.o.tails.clone();
        match number {
            1 => self.new_data_plan(Side::Buy, "data pool", MemberRole::Data, None),
            2 => self.sell_data_plan(),
            3 => self.buy_package(&data, 1, "data pool package", MemberRole::Data),
            4 => self.sell_package(&data, 2, 3, "data pool package", MemberRole::Data),
            5 => {
                let pool = self.done(1).first().copied();
                self.new_data_plan(Side::Buy, "site tail", MemberRole::Tail, pool)
            }
            6 => self.sell_tail_plan(&tails),
            7 => self.buy_package(&tails, 5, "site package", MemberRole::Tail),
            _ => self.sell_package(&tails, 6, 7, "site package", MemberRole::Tail),
        }
    }

    /// A new data-allowance (`pool: None`, own billing by volume) or tail (`pooled` on `pool`)
    /// service plan of the structure.
    fn new_data_plan(&mut self, side: Side, what: &str, role: MemberRole, pool: Option<Id>) -> StepPlan {
        let mut edits = Edits::default();
        let id = self.new_plan(&mut edits, SP, side, what, Some(role));
        if let Some(t) = self.service_type(side) {
            edits.set(id, PlanField::ServiceType(Some(t)));
        }
        match (role, pool) {
            (MemberRole::Data, _) => {
                edits.set(id, PlanField::DataBilling(DataBillingMode::Own));
                edits.set(id, PlanField::BillingType(Some(BillingType::Volume)));
            }
            (_, Some(pool)) => {
                edits.set(id, PlanField::DataBilling(DataBillingMode::Pooled));
                edits.set(id, PlanField::Pool(Some(pool)));
            }
            _ => {}
        }
        let label = match role {
            MemberRole::Data => format!("Create a {} data-allowance service plan (own data billing)", side_word(side)),
            _ => format!("Create a {} tail service plan", side_word(side)),
        };
        let field = if role == MemberRole::Data && side == Side::Sell { "quota_kb" } else { "service_type" };
        create(label, edits, id, Some(field))
    }

    /// Step 2: the SELL data-allowance service plan with own data billing and the pool quota.
    fn sell_data_plan(&mut self) -> StepPlan {
        let mut edits = Edits::default();
        let (id, existing) = if self.retail {
            let sells = self.of_side(&self.role_service_plans(&self.o.data), Side::Sell);
            match sells.first() {
                Some(s) => (*s, true),
                None => return self.new_data_plan(Side::Sell, "data pool", MemberRole::Data, None),
            }
        } else {
            let Some(&buy) = self.done(1).first() else { return self.blocked(1) };
            match self.sell_of(buy) {
                Some(s) => (s, true),
                None => (self.sell_copy(&mut edits, buy), false),
            }
        };
        // A copy takes the BUY plan's data billing and quota; an existing plan keeps its own.
        let source = if existing { Some(id) } else { self.done(1).first().copied() };
        let billing = source.and_then(|s| self.r.plan(s)).and_then(|p| p.service()).map(|f| f.data_billing.clone());
        let billing = billing.unwrap_or_default();
        if billing.mode != DataBillingMode::Own {
            edits.set(id, PlanField::DataBilling(DataBillingMode::Own));
        }
        if billing.billing_type.is_none() {
            edits.set(id, PlanField::BillingType(Some(BillingType::Volume)));
        }
        let needs_quota = billing.quota_kb.is_none_or(|q| q <= 0);
        if edits.is_empty() {
            return open(format!("Open {id} and enter the pool quota"), id, Some("quota_kb"));
        }
        let label = if existing {
            format!("Give {id} own data billing by volume")
        } else {
            format!("Create the SELL counterpart of {}", source.map(|s| s.to_string()).unwrap_or_default())
        };
        create(label, edits, id, Some(if needs_quota { "quota_kb" } else { "excess_rate" }))
    }

    /// Steps 3 and 7: the BUY package of a role containing the BUY service plan of `sp_step`.
    fn buy_package(&mut self, role: &BTreeSet<Id>, sp_step: u32, what: &str, member: MemberRole) -> StepPlan {
        let Some(&sp) = self.done(sp_step).first() else { return self.blocked(sp_step) };
        let mut edits = Edits::default();
        let (pp, label) = match self.role_packages(role, Side::Buy).first() {
            Some(pp) => (*pp, format!("Put {sp} in {pp}")),
            None => {
                let pp = self.new_plan(&mut edits, PP, Side::Buy, what, Some(member));
                (pp, format!("Create a BUY package plan containing {sp}"))
            }
        };
        edits.add(Change::AddServicePlan { package_plan: pp, service_plan: sp });
        create(label, edits, pp, Some("internal_name"))
    }

    /// Steps 4 and 8: the SELL package of a role containing the SELL service plan of
    /// `sp_step`, counterpart of the BUY package of `buy_step`; the customer orders it (the data
    /// package once; each site without a tail package, the tail package).
    fn sell_package(
        &mut self,
        role: &BTreeSet<Id>,
        sp_step: u32,
        buy_step: u32,
        what: &str,
        member: MemberRole,
    ) -> StepPlan {
        let Some(&sp) = self.done(sp_step).first() else { return self.blocked(sp_step) };
        let mut edits = Edits::default();
        let (pp, label) = if self.retail {
            match self.role_packages(role, Side::Sell).first() {
                Some(pp) => (*pp, format!("Put {sp} in {pp}")),
                None => {
                    let pp = self.new_plan(&mut edits, PP, Side::Sell, what, Some(member));
                    (pp, format!("Create a SELL package plan containing {sp}"))
                }
            }
        } else {
            let Some(&buy) = self.done(buy_step).first() else { return self.blocked(buy_step) };
            match self.sell_of(buy) {
                Some(pp) => (pp, format!("Put {sp} in {pp}")),
                None => {
                    let pp = self.sell_copy(&mut edits, buy);
                    (pp, format!("Create the SELL counterpart of {buy}"))
                }
            }
        };
        // A copy of the BUY package holds the first SELL counterpart of each of its service plans.
        let copied = pp.n < 0
            && !self.retail
            && self
                .done(buy_step)
                .first()
                .and_then(|b| self.r.plan(*b))
                .and_then(|p| p.package())
                .is_some_and(|f| f.service_plans.iter().any(|m| self.sell_of(*m) == Some(sp)));
        let held = copied || pp.n > 0 && self.contains(pp, sp);
        if !held {
            edits.add(Change::AddServicePlan { package_plan: pp, service_plan: sp });
        }
        let s = self.r.snapshot;
        if let Some(c) = self.st.customer.and_then(|c| s.customer(c)) {
            if member == MemberRole::Data && c.data_package.is_none() {
                edits.add(Change::UpdateCustomer {
                    id: c.id,
                    name: c.name.clone(),
                    description: c.description.clone(),
                    data_package: Some(pp),
                });
            }
            if member == MemberRole::Tail {
                for site in s.sites.iter().filter(|x| x.customer == c.id && x.tail_package.is_none()) {
                    edits.add(Change::UpdateSite {
                        id: site.id,
                        name: site.name.clone(),
                        technology: site.technology.clone(),
                        speed: site.speed.clone(),
                        service_identifier: site.service_identifier.clone(),
                        tail_package: Some(pp),
                    });
                }
            }
        }
        if edits.is_empty() {
            return open(format!("Open {pp}: {}", self.missing(buy_step + 1)), pp, None);
        }
        create(label, edits, pp, Some("internal_name"))
    }

    /// Step 6: the SELL tail service plan, pooled on the SELL data-allowance plan.
    fn sell_tail_plan(&mut self, tails: &BTreeSet<Id>) -> StepPlan {
        let Some(&pool) = self.done(2).first() else { return self.blocked(2) };
        let mut edits = Edits::default();
        let (id, existing) = if self.retail {
            match self.of_side(&self.role_service_plans(tails), Side::Sell).first() {
                Some(s) => (*s, true),
                None => return self.new_data_plan(Side::Sell, "site tail", MemberRole::Tail, Some(pool)),
            }
        } else {
            let Some(&buy) = self.done(5).first() else { return self.blocked(5) };
            match self.sell_of(buy) {
                Some(s) => (s, true),
                None => (self.sell_copy(&mut edits, buy), false),
            }
        };
        let billing = self.r.plan(id).and_then(|p| p.service()).map(|f| f.data_billing.clone()).unwrap_or_default();
        if !existing || billing.mode != DataBillingMode::Pooled {
            edits.set(id, PlanField::DataBilling(DataBillingMode::Pooled));
        }
        if !existing || billing.pool != Some(pool) {
            edits.set(id, PlanField::Pool(Some(pool)));
        }
        if edits.is_empty() {
            return open(format!("Open {id}: {}", self.missing(6)), id, Some("pool"));
        }
        let label = if existing {
            format!("Let {id} draw from the pool of {pool}")
        } else {
            format!("Create the SELL counterpart of {}, drawing from the pool of {pool}", self.done(5)[0])
        };
        create(label, edits, id, Some("internal_name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IncludedValue;
    use crate::model::IncludedValueType;
    use crate::store::{Catalog, NewCatalog};
    use crate::value::{Stamp, Timestamp};

    fn stamp() -> Stamp {
        Stamp::new("t", Timestamp::from_unix_seconds(0))
    }

    fn catalog(dir: &tempfile::TempDir, tier: Tier) -> Catalog {
        let new =
            NewCatalog { catalog_id: "b".into(), name: "B".into(), provider: "".into(), tier, currency: "AUD".into() };
        Catalog::create(&dir.path().join("b.plansmith"), &new, &stamp()).unwrap()
    }

    fn structure(cat: &mut Catalog, kind: StructureKind, customer: Option<Id>) -> Id {
        let c = Change::CreateStructure { kind, name: "Mobile top-ups".into(), customer };
        cat.apply(&c, &stamp()).unwrap().created.unwrap()
    }

    fn progress(cat: &Catalog, st: Id) -> Progress {
        let s = cat.snapshot().unwrap();
        progress::progress_of(&Relations::new(&s), st).unwrap()
    }

    fn plan(cat: &Catalog, st: Id, n: u32) -> StepPlan {
        let s = cat.snapshot().unwrap();
        let r = Relations::new(&s);
        plan_step(&r, s.structure(st).unwrap(), n).unwrap()
    }

    fn build(cat: &mut Catalog, st: Id, n: u32) -> Id {
        let c = Change::BuildStep { structure: st, step: n };
        cat.apply(&c, &stamp()).unwrap_or_else(|e| panic!("step {n}: {e}")).created.unwrap()
    }

    fn first_open(cat: &Catalog, st: Id) -> Option<u32> {
        progress(cat, st).steps.iter().find(|s| s.state == StepState::Open).map(|s| s.number)
    }

    /// Customer and site names are user text: names shaped like placeholder ids go through the
    /// shared-data steps (which make the customer and its sites order the new packages) as typed.
    #[test]
    fn names_shaped_like_placeholder_ids_are_kept_through_the_steps() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d, Tier::Wholesale);
        let cu = cat.apply(&Change::CreateCustomer { name: "PP--2".into() }, &stamp()).unwrap().created.unwrap();
        for name in ["SP--1", "PP--3"] {
            let site = Change::CreateSite {
                customer: cu,
                name: name.into(),
                technology: "SP--2".into(),
                speed: "100/40 Mbps".into(),
                service_identifier: Some("PP--1".into()),
                tail_package: None,
            };
            cat.apply(&site, &stamp()).unwrap();
        }
        let st = structure(&mut cat, StructureKind::SharedData, Some(cu));
        build(&mut cat, st, 1);
        let sell_sp = build(&mut cat, st, 2);
        let quota = Change::SetPlanField { id: sell_sp, edit: PlanField::QuotaKb(Some(500 << 20)) };
        cat.apply(&quota, &stamp()).unwrap();
        for n in 3..=8 {
            build(&mut cat, st, n);
        }
        let s = cat.snapshot().unwrap();
        let c = s.customer(cu).unwrap();
        assert_eq!(c.name, "PP--2");
        assert!(c.data_package.is_some());
        let sites: Vec<(&str, &str, Option<&str>)> =
            s.sites.iter().map(|x| (x.name.as_str(), x.technology.as_str(), x.service_identifier.as_deref())).collect();
        assert_eq!(sites, [("SP--1", "SP--2", Some("PP--1")), ("PP--3", "SP--2", Some("PP--1"))]);
        assert!(s.sites.iter().all(|x| x.tail_package.is_some()));
    }

    #[test]
    fn a_new_structure_offers_to_create_step_1_and_blocks_what_needs_it() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d, Tier::Wholesale);
        let st = structure(&mut cat, StructureKind::BoltOnAddOn, None);
        let StepPlan::Create { changes, open, label, .. } = plan(&cat, st, 1) else { panic!() };
        assert_eq!(label, "Create a BUY service plan and a BUY package plan containing it");
        assert_eq!(
            changes,
            vec![
                Change::CreatePlan {
                    kind: SP,
                    side: Side::Buy,
                    internal_name: "Mobile top-ups service plan (buy)".into()
                },
                Change::CreatePlan { kind: PP, side: Side::Buy, internal_name: "Mobile top-ups package (buy)".into() },
                Change::AddStructureMember { structure: st, object: Id::new(PP, -2), role: MemberRole::Member },
                Change::AddServicePlan { package_plan: Id::new(PP, -2), service_plan: Id::new(SP, -1) },
            ]
        );
        assert_eq!(open, Id::new(SP, -1));
        let StepPlan::Blocked { reason } = plan(&cat, st, 2) else { panic!() };
        assert!(reason.starts_with("Do step 1 first"), "{reason}");
        let s = cat.snapshot().unwrap();
        let actions = step_actions(&Relations::new(&s), s.structure(st).unwrap());
        assert_eq!(actions.len(), 12);
        assert_eq!(
            (actions[0].kind, actions[0].open, actions[0].field.as_deref()),
            (StepActionKind::Create, None, Some("internal_name"))
        );
        assert_eq!(actions[3].kind, StepActionKind::Blocked);
        assert_eq!(actions[2].kind, StepActionKind::Create, "step 3 (BUY bolt-on) needs nothing before it");
    }

    /// Taking every open step in order builds the whole article: each build turns its step
    /// done and leaves the earlier ones done, as one undoable change each.
    #[test]
    fn taking_each_open_step_builds_the_bolt_on_add_on_article() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d, Tier::Wholesale);
        let st = structure(&mut cat, StructureKind::BoltOnAddOn, None);
        for n in 1..=12 {
            assert_eq!(first_open(&cat, st), Some(n));
            let opened = build(&mut cat, st, n);
            assert!(opened.n > 0);
            let p = progress(&cat, st);
            assert!(p.steps[..n as usize].iter().all(|s| s.state == StepState::Done), "after step {n}: {p:?}");
            if n == 3 {
                // Give the BUY bolt-on an allocation: the add-ons then take its included value type.
                let iv = IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 8 << 20 };
                let edit = Change::SetPlanField { id: opened, edit: PlanField::IncludedValue(Some(iv)) };
                cat.apply(&edit, &stamp()).unwrap();
            }
        }
        let s = cat.snapshot().unwrap();
        assert_eq!(s.bolt_on_groups.len(), 1);
        assert_eq!(s.bolt_on_groups[0].name, "Mobile top-ups bolt-ons");
        let sell_allowance = s.allowances.iter().find(|a| a.buy_parent.is_some()).expect("a SELL allowance");
        assert_eq!(s.allowance(sell_allowance.buy_parent.unwrap()).unwrap().max_occurrence, 1);
        let names: Vec<(&str, Side)> = s.bolt_ons.iter().map(|p| (p.internal_name.as_str(), p.side)).collect();
        assert_eq!(names, [("Mobile top-ups bolt-on (buy)", Side::Buy), ("Mobile top-ups bolt-on", Side::Sell)]);
        assert_eq!(s.bolt_ons[1].external_name.as_deref(), Some("Mobile top-ups bolt-on"));
        for a in &s.bolt_on_add_ons {
            assert_eq!(a.add_on().unwrap().included_value_type, Some(IncludedValueType::Kilobytes), "{}", a.id);
        }
        assert_eq!(first_open(&cat, st), None, "the article is built; approval comes next");
        let e = cat.apply(&Change::BuildStep { structure: st, step: 13 }, &stamp()).unwrap_err();
        assert_eq!(e.field(), Some("step"));
        let e = cat.apply(&Change::BuildStep { structure: st, step: 3 }, &stamp()).unwrap_err();
        assert!(e.message().contains("already done"), "{e}");
        // Each step was one undoable change.
        cat.undo(&stamp()).unwrap();
        assert_eq!(first_open(&cat, st), Some(12));
    }

    #[test]
    fn a_retailer_builds_sell_objects_only() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d, Tier::Retail);
        let st = structure(&mut cat, StructureKind::BoltOnAddOn, None);
        while let Some(n) = first_open(&cat, st) {
            build(&mut cat, st, n);
        }
        let p = progress(&cat, st);
        let skipped: Vec<u32> = p.steps.iter().filter(|s| s.state == StepState::Skipped).map(|s| s.number).collect();
        assert_eq!(skipped, [1, 3, 6, 8, 10, 11], "the BUY steps");
        assert!(p.steps.iter().all(|s| s.state != StepState::Open), "{p:?}");
        let s = cat.snapshot().unwrap();
        assert!(s.plans().all(|p| p.side == Side::Sell), "no BUY object for a retailer");
        assert!(s.plans().all(|p| p.external_name.is_some()), "SELL objects get an external name (NAM-02)");
        let e = cat.apply(&Change::BuildStep { structure: st, step: 3 }, &stamp()).unwrap_err();
        assert!(e.message().contains("skipped"), "{e}");
    }

    #[test]
    fn shared_data_steps_build_the_pool_for_the_customer_and_ask_for_the_quota() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d, Tier::Wholesale);
        let cu =
            cat.apply(&Change::CreateCustomer { name: "Harbour Cafés".into() }, &stamp()).unwrap().created.unwrap();
        for name in ["Quay", "Manly"] {
            let site = Change::CreateSite {
                customer: cu,
                name: name.into(),
                technology: "NBN".into(),
                speed: "100/40 Mbps".into(),
                service_identifier: None,
                tail_package: None,
            };
            cat.apply(&site, &stamp()).unwrap();
        }
        let st = structure(&mut cat, StructureKind::SharedData, Some(cu));
        let buy_sp = build(&mut cat, st, 1);
        // Step 2: the SELL copy takes the BUY billing; with no quota anywhere it asks for one.
        let StepPlan::Blocked { reason } = plan(&cat, st, 9) else { panic!() };
        assert!(reason.contains("steps above"), "{reason}");
        let StepPlan::Create { field, .. } = plan(&cat, st, 2) else { panic!() };
        assert_eq!(field.as_deref(), Some("quota_kb"));
        let sell_sp = build(&mut cat, st, 2);
        assert_eq!(first_open(&cat, st), Some(2), "no quota yet");
        let StepPlan::Open { id, field, .. } = plan(&cat, st, 2) else { panic!() };
        assert_eq!((id, field.as_deref()), (sell_sp, Some("quota_kb")));
        let quota = Change::SetPlanField { id: sell_sp, edit: PlanField::QuotaKb(Some(500 << 20)) };
        cat.apply(&quota, &stamp()).unwrap();
        for n in 3..=8 {
            assert_eq!(first_open(&cat, st), Some(n));
            build(&mut cat, st, n);
        }
        assert_eq!(first_open(&cat, st), Some(9));
        let s = cat.snapshot().unwrap();
        // The approval step opens the SELL package plan: approving it approves what it needs.
        let StepPlan::Open { id, .. } = plan(&cat, st, 9) else { panic!() };
        assert_eq!((id.kind, s.plan(id).unwrap().side), (PP, Side::Sell));
        let e = cat.apply(&Change::BuildStep { structure: st, step: 9 }, &stamp()).unwrap_err();
        assert!(e.message().contains("nothing to create"), "{e}");
        let tail = s.service_plans.iter().find(|p| p.side == Side::Sell && p.id != sell_sp).unwrap();
        assert_eq!(tail.service().unwrap().data_billing.pool, Some(sell_sp));
        let buy_tail = s.service_plans.iter().find(|p| p.side == Side::Buy && p.id != buy_sp).unwrap();
        assert_eq!(buy_tail.service().unwrap().data_billing.pool, Some(buy_sp), "the BUY tail pools on the BUY pool");
        let customer = s.customer(cu).unwrap();
        let data_package = customer.data_package.expect("the customer orders the data package");
        assert!(s.plan(data_package).unwrap().package().unwrap().service_plans.contains(&sell_sp));
        let tail_package = s.sites[0].tail_package.expect("each site orders the tail package");
        assert!(s.sites.iter().all(|x| x.tail_package == Some(tail_package)));
        assert_eq!(s.plan(tail_package).unwrap().side, Side::Sell);
    }
}
