//! Build progress of a structure: which steps of the articles' build procedures (domain.md §4)
//! the catalog already holds. A structure names some of its plans (with a role for shared
//! data); everything reachable from them through containment, links, groups and counterparts
//! belongs to it too, so a step is done as soon as the catalog holds what the step describes,
//! whichever order the consultant built things in. For a retailer buying from an Emersion
//! wholesaler the BUY steps are skipped.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{DataBillingMode, MemberRole, Side, Status, Structure, StructureKind, Tier};
use crate::relations::Relations;

/// The objects that make up one structure.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StructureObjects {
    pub package_plans: BTreeSet<Id>,
    pub service_plans: BTreeSet<Id>,
    pub bolt_ons: BTreeSet<Id>,
    pub add_ons: BTreeSet<Id>,
    pub bolt_on_groups: BTreeSet<Id>,
    pub bolt_on_links: BTreeSet<Id>,
    pub allowances: BTreeSet<Id>,
    /// Shared data: the data-allowance side of the structure (packages and service plans).
    pub data: BTreeSet<Id>,
    /// Shared data: the tails (packages and service plans).
    pub tails: BTreeSet<Id>,
}

impl StructureObjects {
    /// Every object of the structure.
    pub fn all(&self) -> impl Iterator<Item = Id> + '_ {
        self.package_plans
            .iter()
            .chain(&self.service_plans)
            .chain(&self.bolt_ons)
            .chain(&self.add_ons)
            .chain(&self.bolt_on_groups)
            .chain(&self.bolt_on_links)
            .chain(&self.allowances)
            .copied()
    }
    /// The plans of the structure (the objects with a lifecycle).
    pub fn plans(&self) -> impl Iterator<Item = Id> + '_ {
        self.package_plans.iter().chain(&self.service_plans).chain(&self.bolt_ons).chain(&self.add_ons).copied()
    }
    fn set_of(&mut self, kind: EntityKind) -> &mut BTreeSet<Id> {
        match kind {
            EntityKind::PackagePlan => &mut self.package_plans,
            EntityKind::ServicePlan => &mut self.service_plans,
            EntityKind::BoltOn => &mut self.bolt_ons,
            _ => &mut self.add_ons,
        }
    }
}

/// Collects a structure's objects: its members, then everything reachable from them.
pub fn objects(r: &Relations, st: &Structure) -> StructureObjects {
    let s = r.snapshot;
    let mut o = StructureObjects::default();
    let mut queue: Vec<(Id, Option<MemberRole>)> = st.members.iter().map(|m| (m.object, Some(m.role))).collect();
    if let Some(c) = st.customer.and_then(|c| s.customer(c)) {
        queue.extend(c.data_package.map(|p| (p, Some(MemberRole::Data))));
        // Through the index: scanning every site for each shared-data structure made a large
        // export quadratic.
        for site in r.sites_of.get(&c.id).into_iter().flatten().filter_map(|x| s.site(*x)) {
            queue.extend(site.tail_package.map(|p| (p, Some(MemberRole::Tail))));
        }
    }
    let mut seen: BTreeSet<Id> = BTreeSet::new();
    while let Some((id, role)) = queue.pop() {
        let Some(p) = s.plan(id) else { continue };
        match role {
            Some(MemberRole::Data) => {
                o.data.insert(id);
            }
            Some(MemberRole::Tail) => {
                o.tails.insert(id);
            }
            _ => {}
        }
        if !seen.insert(id) {
            continue;
        }
        o.set_of(id.kind).insert(id);
        // `Relations::counterparts` without its vector: this runs for every plan of every
        // structure, three times per structure in a bundle export.
        queue.extend(p.buy_counterpart.map(|c| (c, role)));
        queue.extend(r.sells_of.get(&id).into_iter().flatten().map(|c| (*c, role)));
        if let Some(f) = p.package() {
            queue.extend(f.service_plans.iter().map(|sp| (*sp, role)));
        }
        if p.service().is_some() && st.kind == StructureKind::BoltOnAddOn {
            for l in r.links_of_service.get(&id).into_iter().flatten() {
                o.bolt_on_links.insert(l.id);
                queue.push((l.bolt_on, None));
                for a in r.allowances_of_link.get(&l.id).into_iter().flatten() {
                    o.allowances.insert(*a);
                    if let Some(a) = s.allowance(*a) {
                        queue.push((a.add_on, None));
                    }
                }
            }
        }
        if let Some(f) = p.bolt_on() {
            queue.extend(f.add_on_group.iter().map(|a| (*a, None)));
            o.bolt_on_groups.extend(r.groups_of.get(&id).into_iter().flatten());
        }
    }
    // Links between a structure's service plans and bolt-ons that were reached another way.
    for sp in &o.service_plans {
        for l in r.links_of_service.get(sp).into_iter().flatten() {
            if o.bolt_ons.contains(&l.bolt_on) {
                o.bolt_on_links.insert(l.id);
                o.allowances.extend(r.allowances_of_link.get(&l.id).into_iter().flatten());
            }
        }
    }
    o
}

/// Whether a step is done, still open, or not needed for this catalog's tier.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Done,
    Open,
    Skipped,
}

/// One step of a build procedure.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// 1-based, as in the article.
    pub number: u32,
    pub title: String,
    pub state: StepState,
    /// The objects that satisfy the step (when done).
    pub objects: Vec<Id>,
    /// When open: what the catalog still needs.
    pub missing: Option<String>,
}

/// The steps of one structure.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub structure: Id,
    pub kind: StructureKind,
    pub name: String,
    pub steps: Vec<Step>,
}

impl Progress {
    pub fn done(&self) -> u32 {
        self.steps.iter().filter(|s| s.state == StepState::Done).count() as u32
    }
    /// Steps that apply (not skipped).
    pub fn total(&self) -> u32 {
        self.steps.iter().filter(|s| s.state != StepState::Skipped).count() as u32
    }
}

struct Builder<'r, 'a> {
    r: &'r Relations<'a>,
    retail: bool,
    steps: Vec<Step>,
}

impl Builder<'_, '_> {
    /// Adds step `title`; `buy_only` steps are skipped for retail. `found` are the objects that
    /// satisfy it (empty: open, with `missing` saying what is needed).
    fn step(&mut self, title: &str, buy_only: bool, found: Vec<Id>, missing: &str) {
        let number = self.steps.len() as u32 + 1;
        let (state, missing) = if buy_only && self.retail {
            (StepState::Skipped, None)
        } else if found.is_empty() {
            (StepState::Open, Some(missing.to_string()))
        } else {
            (StepState::Done, None)
        };
        let objects = if state == StepState::Done { found } else { vec![] };
        self.steps.push(Step { number, title: title.to_string(), state, objects, missing });
    }

    fn side(&self, id: &Id) -> Option<Side> {
        self.r.side_of(*id)
    }
    /// `sell`'s counterpart is in `buys` (always true for retail, where BUY is reference-only).
    fn mirrors(&self, sell: Id, buys: &[Id]) -> bool {
        self.retail || self.r.plan(sell).and_then(|p| p.buy_counterpart).is_some_and(|b| buys.contains(&b))
    }
    fn of_side<'x>(&self, set: impl IntoIterator<Item = &'x Id>, side: Side) -> Vec<Id> {
        set.into_iter().filter(|i| self.side(i) == Some(side)).copied().collect()
    }
    /// Packages among `pks` that contain at least one of `sps`.
    fn containing(&self, pks: &[Id], sps: &[Id]) -> Vec<Id> {
        pks.iter()
            .filter(|p| {
                self.r
                    .plan(**p)
                    .and_then(|p| p.package())
                    .is_some_and(|f| f.service_plans.iter().any(|s| sps.contains(s)))
            })
            .copied()
            .collect()
    }
}

fn bolt_on_add_on_steps(b: &mut Builder, o: &StructureObjects) {
    let s = b.r.snapshot;
    let buy_sp = b.of_side(&o.service_plans, Side::Buy);
    let sell_sp = b.of_side(&o.service_plans, Side::Sell);
    let buy_pp = b.containing(&b.of_side(&o.package_plans, Side::Buy), &buy_sp);
    let sell_pp: Vec<Id> = b
        .containing(&b.of_side(&o.package_plans, Side::Sell), &sell_sp)
        .into_iter()
        .filter(|p| b.mirrors(*p, &buy_pp))
        .filter(|p| {
            s.plan(*p)
                .and_then(|p| p.package())
                .is_some_and(|f| f.service_plans.iter().any(|sp| sell_sp.contains(sp) && b.mirrors(*sp, &buy_sp)))
        })
        .collect();
    b.step(
        "Build the BUY service plan and BUY package plan and link them",
        true,
        buy_pp.clone(),
        "a BUY package plan containing a BUY service plan",
    );
    b.step(
        "Build the SELL service plan and SELL package plan and link them",
        false,
        sell_pp,
        "a SELL package plan containing a SELL service plan, each tied to its BUY counterpart",
    );
    let buy_bo = b.of_side(&o.bolt_ons, Side::Buy);
    let sell_bo: Vec<Id> = b.of_side(&o.bolt_ons, Side::Sell).into_iter().filter(|x| b.mirrors(*x, &buy_bo)).collect();
    b.step("Build the BUY bolt-on", true, buy_bo.clone(), "a BUY bolt-on");
    b.step("Build the SELL bolt-on", false, sell_bo.clone(), "a SELL bolt-on tied to its BUY bolt-on");
    let grouped: Vec<Id> = sell_bo.iter().filter(|x| b.r.groups_of.contains_key(x)).copied().collect();
    b.step("Place the SELL bolt-on(s) into a bolt-on group", false, grouped, "a SELL bolt-on inside a bolt-on group");
    let buy_ao = b.of_side(&o.add_ons, Side::Buy);
    let sell_ao: Vec<Id> = b.of_side(&o.add_ons, Side::Sell).into_iter().filter(|x| b.mirrors(*x, &buy_ao)).collect();
    b.step("Build the BUY bolt-on add-on", true, buy_ao.clone(), "a BUY bolt-on add-on");
    b.step("Build the SELL bolt-on add-on", false, sell_ao.clone(), "a SELL bolt-on add-on tied to its BUY add-on");
    let in_group = |aos: &[Id], bos: &[Id]| -> Vec<Id> {
        aos.iter()
            .filter(|a| b.r.bolt_ons_of_add_on.get(a).is_some_and(|v| v.iter().any(|x| bos.contains(x))))
            .copied()
            .collect()
    };
    let all_sell_bo = b.of_side(&o.bolt_ons, Side::Sell);
    b.step(
        "Place the BUY bolt-on add-on into the BUY bolt-on's add-on group",
        true,
        in_group(&buy_ao, &buy_bo),
        "a BUY add-on in the add-on group of a BUY bolt-on",
    );
    b.step(
        "Place the SELL bolt-on add-on into the SELL bolt-on's add-on group",
        false,
        in_group(&sell_ao, &all_sell_bo),
        "a SELL add-on in the add-on group of a SELL bolt-on",
    );
    let links_on = |sps: &[Id]| -> Vec<Id> {
        o.bolt_on_links
            .iter()
            .filter(|l| s.link(**l).is_some_and(|l| sps.contains(&l.service_plan) && l.behaviour.is_some()))
            .copied()
            .collect()
    };
    let buy_links = links_on(&buy_sp);
    b.step(
        "Link the BUY bolt-on and bolt-on add-on to the BUY service plan",
        true,
        buy_links.clone(),
        "a link from a BUY service plan to a BUY bolt-on, with its behaviour",
    );
    let allowances_under = |links: &[Id], need_parent: bool| -> Vec<Id> {
        o.allowances
            .iter()
            .filter(|a| {
                s.allowance(**a)
                    .is_some_and(|a| links.contains(&a.bolt_on_link) && (!need_parent || a.buy_parent.is_some()))
            })
            .copied()
            .collect()
    };
    b.step(
        "Construct the BUY allowance",
        true,
        allowances_under(&buy_links, false),
        "a BUY allowance (max occurrence) under the BUY bolt-on link",
    );
    let sell_links = links_on(&sell_sp);
    b.step(
        "Construct the SELL allowance: SELL service plan > SELL bolt-on > SELL add-on",
        false,
        allowances_under(&sell_links, !b.retail),
        "a SELL allowance under a SELL bolt-on link, hanging off its BUY allowance",
    );
}

fn shared_data_steps(b: &mut Builder, o: &StructureObjects) {
    let s = b.r.snapshot;
    // The role of a service plan: its own, or that of a package containing it.
    let role_sps = |role: &BTreeSet<Id>| -> BTreeSet<Id> {
        let mut v: BTreeSet<Id> = role.iter().filter(|i| i.kind == EntityKind::ServicePlan).copied().collect();
        for p in role.iter().filter(|i| i.kind == EntityKind::PackagePlan) {
            if let Some(f) = s.plan(*p).and_then(|p| p.package()) {
                v.extend(&f.service_plans);
            }
        }
        v
    };
    let pks = |role: &BTreeSet<Id>| -> Vec<Id> {
        role.iter().filter(|i| i.kind == EntityKind::PackagePlan).copied().collect()
    };
    let data_sp = role_sps(&o.data);
    let tail_sp = role_sps(&o.tails);
    let billing = |id: &Id| s.plan(*id).and_then(|p| p.service()).map(|f| &f.data_billing);

    let buy_data_sp = b.of_side(&data_sp, Side::Buy);
    let sell_data_sp: Vec<Id> = b
        .of_side(&data_sp, Side::Sell)
        .into_iter()
        .filter(|x| billing(x).is_some_and(|d| d.mode == DataBillingMode::Own && d.quota_kb.is_some_and(|q| q > 0)))
        .filter(|x| b.mirrors(*x, &buy_data_sp))
        .collect();
    b.step(
        "BUY service plan for the data allowance, with the carrier's buy prices",
        true,
        buy_data_sp.clone(),
        "a BUY service plan for the data allowance",
    );
    b.step(
        "SELL service plan for the data allowance, with data billing (pool quota and excess rates)",
        false,
        sell_data_sp.clone(),
        "a SELL data-allowance service plan with own data billing and a quota",
    );
    let buy_data_pp = b.containing(&b.of_side(&pks(&o.data), Side::Buy), &buy_data_sp);
    b.step(
        "BUY package plan for the data allowance, containing the BUY data service plan",
        true,
        buy_data_pp.clone(),
        "a BUY data package plan containing the BUY data service plan",
    );
    let sell_data_pp: Vec<Id> = b
        .containing(&b.of_side(&pks(&o.data), Side::Sell), &sell_data_sp)
        .into_iter()
        .filter(|p| b.mirrors(*p, &buy_data_pp))
        .collect();
    b.step(
        "SELL package plan for the data allowance, containing the SELL data service plan",
        false,
        sell_data_pp,
        "a SELL data package plan containing the SELL data service plan, tied to the BUY data package",
    );
    let buy_tail_sp = b.of_side(&tail_sp, Side::Buy);
    b.step("BUY service plan for the tail only, with buy prices", true, buy_tail_sp.clone(), "a BUY tail service plan");
    let sell_tail_sp: Vec<Id> = b
        .of_side(&tail_sp, Side::Sell)
        .into_iter()
        .filter(|x| {
            billing(x)
                .is_some_and(|d| d.mode == DataBillingMode::Pooled && d.pool.is_some_and(|p| sell_data_sp.contains(&p)))
        })
        .filter(|x| b.mirrors(*x, &buy_tail_sp))
        .collect();
    b.step(
        "SELL service plan for the tail only, drawing on the data pool (no data billing of its own)",
        false,
        sell_tail_sp.clone(),
        "a SELL tail service plan with pooled data billing on the SELL data service plan",
    );
    let buy_tail_pp = b.containing(&b.of_side(&pks(&o.tails), Side::Buy), &buy_tail_sp);
    b.step(
        "BUY package plan for the tail only, containing the BUY tail service plan",
        true,
        buy_tail_pp.clone(),
        "a BUY tail package plan containing the BUY tail service plan",
    );
    let sell_tail_pp: Vec<Id> = b
        .containing(&b.of_side(&pks(&o.tails), Side::Sell), &sell_tail_sp)
        .into_iter()
        .filter(|p| b.mirrors(*p, &buy_tail_pp))
        .collect();
    b.step(
        "SELL package plan for the tail only, containing the SELL tail service plan",
        false,
        sell_tail_pp,
        "a SELL tail package plan containing the SELL tail service plan, tied to the BUY tail package",
    );
    approval_step(b, o, "Approve all plans ready for sale");
}

/// The closing step: every plan of the structure approved (or live), once the rest is built.
fn approval_step(b: &mut Builder, o: &StructureObjects, title: &str) {
    let built = b.steps.iter().all(|s| s.state != StepState::Open);
    let plans: Vec<Id> = o.plans().collect();
    let pending: Vec<Id> = plans
        .iter()
        .filter(|p| {
            b.r.plan(**p).is_some_and(|p| {
                // A retailer's BUY plans are reference-only: they are never approved here.
                let settled = matches!(p.status, Status::Approved | Status::Live);
                let reference_only = b.retail && p.side == Side::Buy;
                !settled && !reference_only
            })
        })
        .copied()
        .collect();
    let number = b.steps.len() as u32 + 1;
    let (state, missing) = if built && !plans.is_empty() && pending.is_empty() {
        (StepState::Done, None)
    } else if !built {
        (StepState::Open, Some("the steps above first".to_string()))
    } else {
        let list: Vec<String> = pending.iter().map(|p| p.to_string()).collect();
        (StepState::Open, Some(format!("approval of {}", list.join(", "))))
    };
    let objects = if state == StepState::Done { plans } else { vec![] };
    b.steps.push(Step { number, title: title.to_string(), state, objects, missing });
}

/// The progress of one structure.
pub fn progress(r: &Relations, st: &Structure) -> Progress {
    let o = objects(r, st);
    let mut b = Builder { r, retail: r.snapshot.settings.tier == Tier::Retail, steps: vec![] };
    match st.kind {
        StructureKind::SharedData => shared_data_steps(&mut b, &o),
        StructureKind::BoltOnAddOn => bolt_on_add_on_steps(&mut b, &o),
    }
    Progress { structure: st.id, kind: st.kind, name: st.name.clone(), steps: b.steps }
}

/// The progress of the structure `id`.
pub fn progress_of(r: &Relations, id: Id) -> Result<Progress> {
    let st = id.expect(EntityKind::Structure, "structure").ok().and_then(|id| r.snapshot.structure(id)).ok_or_else(
        || {
            CoreError::not_found(format!(
                "there is no structure {id} in this catalog; `plansmith list FILE --kind structure` lists them"
            ))
        },
    )?;
    Ok(progress(r, st))
}
