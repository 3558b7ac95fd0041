//! What goes into a bundle, and what blocks it (rule LIF-03).
//!
//! A bundle holds the objects chosen (the structures named, or the whole catalog) and
//! everything they need: each plan's dependencies ([`Relations::dependencies`]), and every
//! object referenced by what is in, so that the bundle's `catalog.json` is a complete catalog
//! on its own (it loads, verifies and imports without the catalog it came from). Concretely
//! the closure follows, from each object: a plan's BUY counterpart, a package's service plans,
//! a service plan's pool and bolt-on links, a bolt-on's add-on group and the bolt-on groups
//! holding it, a group's members, a link's ends and allowances, an allowance's add-on and BUY
//! parent, a structure's members and customer, a customer's data package and sites, a site's
//! tail package.
//!
//! It is blocked when anything in it is a draft or retired plan (reference-only BUY plans of a
//! retailer excepted), or has error findings, in the catalog or in the bundle read on its own.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::interchange::Document;
use crate::lifecycle::Blocker;
use crate::model::{BoltOnCategory, ServiceType, Side, Status, Tariff, Tier};
use crate::progress;
use crate::relations::Relations;
use crate::rules::{self, Finding, Severity};
use crate::snapshot::Snapshot;

/// The objects of a bundle, every kind in one sorted set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contents {
    pub structures: Vec<Id>,
    pub objects: BTreeSet<Id>,
}

impl Contents {
    /// Objects per kind, by canonical kind name.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let mut m: BTreeMap<String, u64> = EntityKind::ALL.iter().map(|k| (k.name().to_string(), 0)).collect();
        for id in &self.objects {
            *m.entry(id.kind.name().to_string()).or_default() += 1;
        }
        m
    }
    pub fn plans(&self) -> impl Iterator<Item = Id> + '_ {
        self.objects.iter().copied().filter(|i| i.kind.is_plan())
    }
}

/// What the closure walks: the catalog's relations, and whether structures need walking.
struct Closure<'r, 'a> {
    r: &'r Relations<'a>,
    /// Whole-catalog export: every plan is a seed already, so structures need not be walked.
    whole: bool,
}

/// The objects `id` brings into a bundle with it (module doc).
fn needs(cl: &Closure, id: Id) -> Vec<Id> {
    let r = cl.r;
    let s = r.snapshot;
    let mut v = Vec::new();
    match id.kind {
        k if k.is_plan() => {
            let Some(p) = s.plan(id) else { return v };
            v.extend(r.dependencies(id));
            v.extend(p.buy_counterpart);
            if let Some(f) = p.package() {
                v.extend(&f.service_plans);
            }
            if let Some(f) = p.service() {
                v.extend(f.data_billing.pool);
                v.extend(r.links_of_service.get(&id).into_iter().flatten().map(|l| l.id));
            }
            if let Some(f) = p.bolt_on() {
                v.extend(&f.add_on_group);
                v.extend(r.groups_of.get(&id).into_iter().flatten());
            }
        }
        EntityKind::BoltOnGroup => v.extend(s.group(id).into_iter().flat_map(|g| g.members.iter().copied())),
        EntityKind::BoltOnLink => {
            if let Some(l) = s.link(id) {
                v.extend([l.service_plan, l.bolt_on]);
                v.extend(r.allowances_of_link.get(&id).into_iter().flatten());
            }
        }
        EntityKind::Allowance => {
            if let Some(a) = s.allowance(id) {
                v.extend([a.bolt_on_link, a.add_on]);
                v.extend(a.buy_parent);
            }
        }
        EntityKind::Customer => {
            if let Some(c) = s.customer(id) {
                v.extend(c.data_package);
                v.extend(r.sites_of.get(&id).into_iter().flatten());
            }
        }
        EntityKind::Site => {
            if let Some(x) = s.site(id) {
                v.push(x.customer);
                v.extend(x.tail_package);
            }
        }
        EntityKind::Structure => {
            if let Some(st) = s.structure(id) {
                v.extend(st.members.iter().map(|m| m.object));
                v.extend(st.customer);
                if !cl.whole {
                    // Retired plans reached only as counterparts stay out; a plan that needs
                    // one still brings it in (and is blocked by it).
                    v.extend(
                        progress::objects(r, st)
                            .all()
                            .filter(|i| s.plan(*i).is_none_or(|p| p.status != Status::Retired)),
                    );
                }
            }
        }
        _ => {}
    }
    v.retain(|d| s.exists(*d));
    v
}

/// The contents of a bundle of `structures` (none: the whole catalog, less retired plans
/// nothing needs).
pub fn contents(r: &Relations, structures: &[Id]) -> Result<Contents> {
    let s = r.snapshot;
    let mut seeds: Vec<Id> = Vec::new();
    let chosen: Vec<Id> = if structures.is_empty() {
        seeds.extend(s.plans().filter(|p| p.status != Status::Retired).map(|p| p.id));
        seeds.extend(s.customers.iter().map(|c| c.id));
        s.structures.iter().map(|x| x.id).collect()
    } else {
        for id in structures {
            let ok = id.kind == EntityKind::Structure && s.structure(*id).is_some();
            if !ok {
                return Err(CoreError::not_found(format!(
                    "there is no structure {id} in this catalog; `plansmith list FILE --kind structure` lists them"
                ))
                .with_field("structure"));
            }
        }
        let mut v = structures.to_vec();
        v.sort();
        v.dedup();
        v
    };
    seeds.extend(&chosen);
    let objects = Closer::new(r).close(seeds, structures.is_empty());
    Ok(Contents { structures: chosen, objects })
}

/// Closes sets of objects over what they need (module doc), over the indexes of one
/// [`Relations`], so many closures (one per structure, for its diagram) cost what their
/// objects cost.
pub struct Closer<'r, 'a> {
    r: &'r Relations<'a>,
}

impl<'r, 'a> Closer<'r, 'a> {
    pub fn new(r: &'r Relations<'a>) -> Closer<'r, 'a> {
        Closer { r }
    }

    /// `seeds` and everything they need. `whole`: every plan is among the seeds already, so
    /// structures need not be walked.
    pub fn close(&self, mut seeds: Vec<Id>, whole: bool) -> BTreeSet<Id> {
        let cl = Closure { r: self.r, whole };
        let mut objects = BTreeSet::new();
        while let Some(id) = seeds.pop() {
            if objects.insert(id) {
                seeds.extend(needs(&cl, id));
            }
        }
        objects
    }
}

/// Is `p` a reference-only BUY plan (retail tier), which needs no approval of its own?
fn reference_only(s: &Snapshot, side: Side) -> bool {
    s.settings.tier == Tier::Retail && side == Side::Buy
}

/// Draft and retired plans in the bundle (LIF-03).
fn status_blockers(s: &Snapshot, c: &Contents) -> Vec<Blocker> {
    let mut v = Vec::new();
    for p in c.plans().filter_map(|id| s.plan(id)) {
        let fix = match p.status {
            Status::Approved | Status::Live => continue,
            _ if reference_only(s, p.side) => continue,
            Status::Draft => {
                format!("approve it first (`plansmith approve FILE {}`), or leave out what needs it", p.id)
            }
            Status::Retired => "it is retired: link a current plan instead, or leave out what needs it".to_string(),
        };
        v.push(Blocker {
            object: p.id,
            rule: "LIF-03".into(),
            field: Some("status".into()),
            message: format!(
                "LIF-03 {} is {}, but a bundle holds only approved or live objects; {fix}",
                p.describe(),
                p.status
            ),
        });
    }
    v
}

fn blocker(f: &Finding, alone: bool) -> Blocker {
    let message = if alone {
        format!(
            "{} (in the bundle on its own, without the rest of the catalog: add the structure it belongs to, or export the whole catalog)",
            f.message
        )
    } else {
        f.message.clone()
    };
    Blocker { object: f.object, rule: f.rule.to_string(), field: f.field.clone(), message }
}

/// Everything that blocks exporting `c`: LIF-03 status, error findings on its objects in the
/// catalog, and error findings of the bundle read on its own. Sorted, without duplicates.
pub fn blockers(s: &Snapshot, c: &Contents, alone: &Snapshot) -> Vec<Blocker> {
    blockers_and_findings(s, c, alone).0
}

/// [`blockers`], and the findings of the bundle read on its own (which the export draws on
/// its diagrams), so the rules run once.
pub fn blockers_and_findings(s: &Snapshot, c: &Contents, alone: &Snapshot) -> (Vec<Blocker>, Vec<Finding>) {
    blockers_and_findings_known(s, c, alone, None)
}

/// [`blockers_and_findings`], given the rules' findings on `alone` when they are already
/// known (`rules::check` of a snapshot with the same objects and settings: the rules read
/// reference data only through the codes the objects name, which a bundle keeps).
pub fn blockers_and_findings_known(
    s: &Snapshot,
    c: &Contents,
    alone: &Snapshot,
    on_its_own: Option<Vec<Finding>>,
) -> (Vec<Blocker>, Vec<Finding>) {
    let mut v = status_blockers(s, c);
    let whole = c.objects.len() == entity_count(s);
    let in_catalog: Vec<Finding> = if whole { Vec::new() } else { rules::check(s) };
    let mut seen: BTreeSet<(Id, &str, Option<String>)> = BTreeSet::new();
    for f in in_catalog.iter().filter(|f| f.severity == Severity::Error && c.objects.contains(&f.object)) {
        seen.insert((f.object, f.rule, f.field.clone()));
        v.push(blocker(f, false));
    }
    let on_its_own = on_its_own.unwrap_or_else(|| rules::check(alone));
    for f in on_its_own.iter().filter(|f| f.severity == Severity::Error) {
        if seen.insert((f.object, f.rule, f.field.clone())) {
            v.push(blocker(f, !whole));
        }
    }
    v.sort_by(|a, b| (a.object, &a.rule, &a.field, &a.message).cmp(&(b.object, &b.rule, &b.field, &b.message)));
    v.dedup();
    (v, on_its_own)
}

fn entity_count(s: &Snapshot) -> usize {
    s.plans().count()
        + s.bolt_on_groups.len()
        + s.bolt_on_links.len()
        + s.allowances.len()
        + s.customers.len()
        + s.sites.len()
        + s.structures.len()
}

/// The reference data the plans of `s` that `has` holds use (service types, bolt-on
/// categories, tariffs, each in `s`'s order): a bundle carries those and no others.
fn reference_used(s: &Snapshot, has: impl Fn(&Id) -> bool) -> (Vec<ServiceType>, Vec<BoltOnCategory>, Vec<Tariff>) {
    let mut tariffs: BTreeSet<&str> = BTreeSet::new();
    let mut types: BTreeSet<&str> = BTreeSet::new();
    let mut categories: BTreeSet<&str> = BTreeSet::new();
    for p in s.service_plans.iter().chain(&s.bolt_ons).chain(&s.bolt_on_add_ons).filter(|p| has(&p.id)) {
        types.extend(p.service_type.as_deref());
        let (cat, tar) = match (p.bolt_on(), p.add_on()) {
            (Some(f), _) => (f.bolt_on_category.as_deref(), f.tariff.as_deref()),
            (_, Some(f)) => (f.bolt_on_category.as_deref(), f.tariff.as_deref()),
            _ => (None, None),
        };
        categories.extend(cat);
        tariffs.extend(tar);
    }
    for t in s.tariffs.iter().filter(|t| tariffs.contains(t.code.as_str())) {
        types.insert(&t.service_type);
        categories.extend(t.bolt_on_category.as_deref());
    }
    (
        s.service_types.iter().filter(|t| types.contains(t.code.as_str())).cloned().collect(),
        s.bolt_on_categories.iter().filter(|t| categories.contains(t.code.as_str())).cloned().collect(),
        s.tariffs.iter().filter(|t| tariffs.contains(t.code.as_str())).cloned().collect(),
    )
}

/// The catalog restricted to `c`, with the reference data it uses: the bundle read on its own
/// (what its `catalog.json` holds, in the same order).
pub fn part(s: &Snapshot, c: &Contents) -> Snapshot {
    let has = |id: &Id| c.objects.contains(id);
    let (service_types, bolt_on_categories, tariffs) = reference_used(s, has);
    let plans = |v: &[crate::model::Plan]| v.iter().filter(|p| has(&p.id)).cloned().collect::<Vec<_>>();
    Snapshot {
        settings: s.settings.clone(),
        service_types,
        bolt_on_categories,
        tariffs,
        package_plans: plans(&s.package_plans),
        service_plans: plans(&s.service_plans),
        bolt_ons: plans(&s.bolt_ons),
        bolt_on_add_ons: plans(&s.bolt_on_add_ons),
        bolt_on_groups: s.bolt_on_groups.iter().filter(|x| has(&x.id)).cloned().collect(),
        bolt_on_links: s.bolt_on_links.iter().filter(|x| has(&x.id)).cloned().collect(),
        allowances: s.allowances.iter().filter(|x| has(&x.id)).cloned().collect(),
        customers: s.customers.iter().filter(|x| has(&x.id)).cloned().collect(),
        sites: s.sites.iter().filter(|x| has(&x.id)).cloned().collect(),
        structures: s.structures.iter().filter(|x| has(&x.id)).cloned().collect(),
    }
}

/// Whether `c` is every object of `s`: the bundle read on its own is then the catalog itself
/// but for reference data nothing uses, so the export reads it from `s` without a copy.
pub fn holds_everything(s: &Snapshot, c: &Contents) -> bool {
    c.objects.len() == entity_count(s)
}

/// The reference data a bundle of every object of `s` carries (see [`holds_everything`]): what
/// [`part`] keeps of it.
pub fn reference_of_whole(s: &Snapshot) -> (Vec<ServiceType>, Vec<BoltOnCategory>, Vec<Tariff>) {
    reference_used(s, |_| true)
}

/// The catalog restricted to `c`, with the reference data it uses and no audit log: the
/// bundle's `catalog.json`.
pub fn document(s: &Snapshot, c: &Contents) -> Document {
    Document::from_snapshot(part(s, c), Vec::new())
}

/// A document read back as a snapshot (for the rules, the build sheet and diffs).
pub fn snapshot_of(d: &Document) -> Snapshot {
    let mut d = d.clone();
    d.sort();
    Snapshot {
        settings: d.settings,
        service_types: d.service_types,
        bolt_on_categories: d.bolt_on_categories,
        tariffs: d.tariffs,
        package_plans: d.package_plans,
        service_plans: d.service_plans,
        bolt_ons: d.bolt_ons,
        bolt_on_add_ons: d.bolt_on_add_ons,
        bolt_on_groups: d.bolt_on_groups,
        bolt_on_links: d.bolt_on_links,
        allowances: d.allowances,
        customers: d.customers,
        sites: d.sites,
        structures: d.structures,
    }
}
