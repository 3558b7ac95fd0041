//! The object detail view: everything the editor window shows about one object, in one read.
//!
//! An editor needs more than the object's own row: who names it as BUY counterpart, which
//! package plans contain it, its bolt-on links and allowances, the groups that hold it, the
//! names of every object it points at (so a form can label links without more calls), its
//! findings, and which fields stay editable once it is live. A catalog can hold 100k objects,
//! so this reads only the object's neighbourhood (what [`crate::rules::affected`] names, plus
//! what those point at), never the whole catalog.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::candidates::link_label;
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{Allowance, BoltOnGroup, BoltOnLink, Customer, Plan, PlanDetail, Side, Site, Status};
use crate::relations::Relations;
use crate::rules::{self, Finding};
use crate::snapshot::{Scope, Snapshot};
use crate::store::Catalog;

/// How the editor labels an object it links to.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectName {
    pub id: Id,
    pub name: String,
    pub side: Option<Side>,
    pub status: Option<Status>,
    /// Service type code (plans that have one).
    pub service_type: Option<String>,
}

/// One object as the editor shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectDetail {
    pub id: Id,
    /// Set for the four plan kinds.
    pub plan: Option<Plan>,
    pub group: Option<BoltOnGroup>,
    pub link: Option<BoltOnLink>,
    pub allowance: Option<Allowance>,
    pub customer: Option<Customer>,
    pub site: Option<Site>,
    /// BUY object: the SELL objects naming it as counterpart.
    pub sell_counterparts: Vec<Id>,
    /// Service plan: the package plans containing it.
    pub in_package_plans: Vec<Id>,
    /// Service plan: its bolt-on links; bolt-on: the links to it.
    pub bolt_on_links: Vec<BoltOnLink>,
    /// Service plan: the allowances under its links.
    pub allowances: Vec<Allowance>,
    /// Bolt-on: the bolt-on groups holding it.
    pub in_groups: Vec<Id>,
    /// Add-on: the bolt-ons whose add-on group holds it.
    pub in_add_on_groups_of: Vec<Id>,
    /// Names of every object named above, sorted by id.
    pub names: Vec<ObjectName>,
    /// Findings on the object, its links and its allowances.
    pub findings: Vec<Finding>,
    /// Plans: the canonical names of the fields that stay editable once it is live.
    pub editable_when_live: Vec<String>,
}

fn scope_of(ids: impl IntoIterator<Item = Id>) -> Scope {
    let mut m: BTreeMap<EntityKind, Vec<i64>> = BTreeMap::new();
    for id in ids {
        m.entry(id.kind).or_default().push(id.n);
    }
    for v in m.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    Scope::Ids(m)
}

/// Every id an object points at.
fn pointed_at(s: &Snapshot, id: Id) -> Vec<Id> {
    let mut out = vec![];
    if let Some(p) = s.plan(id) {
        out.extend(p.buy_counterpart);
        match &p.detail {
            PlanDetail::PackagePlan(f) => out.extend(&f.service_plans),
            PlanDetail::ServicePlan(f) => out.extend(f.data_billing.pool),
            PlanDetail::BoltOn(f) => out.extend(&f.add_on_group),
            PlanDetail::BoltOnAddOn(_) => {}
        }
    }
    if let Some(g) = s.group(id) {
        out.extend(&g.members);
    }
    if let Some(l) = s.link(id) {
        out.extend([l.service_plan, l.bolt_on]);
    }
    if let Some(a) = s.allowance(id) {
        out.push(a.bolt_on_link);
        out.push(a.add_on);
        out.extend(a.buy_parent);
    }
    if let Some(c) = s.customer(id) {
        out.extend(c.data_package);
    }
    if let Some(site) = s.site(id) {
        out.push(site.customer);
        out.extend(site.tail_package);
    }
    out
}

impl Catalog {
    /// The detail view of `id`.
    pub fn object_detail(&self, id: Id) -> Result<ObjectDetail> {
        let conn = self.conn();
        let near = rules::affected(conn, id)?;
        let first = Snapshot::load(conn, &scope_of(near.iter().copied().chain([id])))?;
        if !first.exists(id) {
            return Err(CoreError::not_found(format!("there is no {} {id} in this catalog", id.kind.label())));
        }
        let mut wanted: BTreeSet<Id> = near.iter().copied().chain([id]).collect();
        for &n in &near {
            wanted.extend(pointed_at(&first, n));
        }
        wanted.extend(pointed_at(&first, id));
        let s = Snapshot::load(conn, &scope_of(wanted.iter().copied()))?;
        let r = Relations::new(&s);
        let get = |m: &crate::id::IdMap<Vec<Id>>| m.get(&id).cloned().unwrap_or_default();
        let bolt_on_links: Vec<BoltOnLink> = match id.kind {
            EntityKind::ServicePlan => r.links_of_service.get(&id).map(|v| v.iter().map(|l| (*l).clone()).collect()),
            EntityKind::BoltOn => r.links_of_bolt_on.get(&id).map(|v| v.iter().map(|l| (*l).clone()).collect()),
            _ => None,
        }
        .unwrap_or_default();
        let allowances: Vec<Allowance> = if id.kind == EntityKind::ServicePlan {
            let links: BTreeSet<Id> = bolt_on_links.iter().map(|l| l.id).collect();
            s.allowances.iter().filter(|a| links.contains(&a.bolt_on_link)).cloned().collect()
        } else {
            vec![]
        };
        let mut checked: Vec<Id> = vec![id];
        if id.kind == EntityKind::ServicePlan {
            checked.extend(bolt_on_links.iter().map(|l| l.id));
            checked.extend(allowances.iter().map(|a| a.id));
        }
        let findings = rules::check_objects(conn, &checked)?;
        let mut detail = ObjectDetail {
            id,
            plan: s.plan(id).cloned(),
            group: s.group(id).cloned(),
            link: s.link(id).cloned(),
            allowance: s.allowance(id).cloned(),
            customer: s.customer(id).cloned(),
            site: s.site(id).cloned(),
            sell_counterparts: get(&r.sells_of),
            in_package_plans: get(&r.packages_of),
            bolt_on_links,
            allowances,
            in_groups: get(&r.groups_of),
            in_add_on_groups_of: get(&r.bolt_ons_of_add_on),
            names: vec![],
            findings,
            editable_when_live: crate::live_fields::fields_editable_when_live(id.kind),
        };
        let mut named: BTreeSet<Id> = pointed_at(&s, id).into_iter().collect();
        named.extend(detail.sell_counterparts.iter().chain(&detail.in_package_plans).chain(&detail.in_groups));
        named.extend(detail.in_add_on_groups_of.iter().copied());
        for l in &detail.bolt_on_links {
            named.extend([l.service_plan, l.bolt_on]);
        }
        for a in &detail.allowances {
            named.insert(a.add_on);
            named.extend(a.buy_parent);
        }
        detail.names =
            named.into_iter().map(|n| name_in(conn, &s, n)).filter_map(|r| r.transpose()).collect::<Result<_>>()?;
        Ok(detail)
    }
}

/// How the editor names `id` (links and allowances read their ends from the catalog, since a
/// neighbourhood snapshot may not hold them).
fn name_in(conn: &rusqlite::Connection, s: &Snapshot, id: Id) -> Result<Option<ObjectName>> {
    if matches!(id.kind, EntityKind::BoltOnLink | EntityKind::Allowance) {
        return Ok(link_label(conn, id)?.map(|(name, side)| ObjectName {
            id,
            name,
            side: Some(side),
            status: None,
            service_type: None,
        }));
    }
    Ok(name_of(s, id))
}

/// How a person reads `id` in `s`: its name, side, status and service type.
pub(crate) fn name_of(s: &Snapshot, id: Id) -> Option<ObjectName> {
    if let Some(p) = s.plan(id) {
        return Some(ObjectName {
            id,
            name: p.internal_name.clone(),
            side: Some(p.side),
            status: Some(p.status),
            service_type: p.service_type.clone(),
        });
    }
    let (name, side) = match id.kind {
        EntityKind::BoltOnGroup => s.group(id).map(|g| (g.name.clone(), Some(g.side)))?,
        EntityKind::Customer => s.customer(id).map(|c| (c.name.clone(), None))?,
        EntityKind::Site => s.site(id).map(|c| (c.name.clone(), None))?,
        EntityKind::Structure => s.structure(id).map(|c| (c.name.clone(), None))?,
        EntityKind::BoltOnLink | EntityKind::Allowance if s.exists(id) => (s.describe(id), None),
        _ => return None,
    };
    Some(ObjectName { id, name, side, status: None, service_type: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, Catalog) {
        crate::demo::in_temp_dir()
    }

    #[test]
    fn a_service_plan_shows_its_packages_links_and_names() {
        let (_d, c) = demo();
        let s = c.snapshot().unwrap();
        let r = Relations::new(&s);
        let sp =
            s.service_plans.iter().find(|p| r.links_of_service.contains_key(&p.id)).expect("a linked service plan");
        let d = c.object_detail(sp.id).unwrap();
        assert_eq!(d.plan.as_ref().unwrap().id, sp.id);
        assert_eq!(d.in_package_plans, r.packages_of.get(&sp.id).cloned().unwrap_or_default());
        assert_eq!(d.bolt_on_links.len(), r.links_of_service[&sp.id].len());
        for l in &d.bolt_on_links {
            assert!(d.names.iter().any(|n| n.id == l.bolt_on), "the linked bolt-on is named");
        }
        assert!(d.editable_when_live.contains(&"quota_kb".to_string()));
    }

    #[test]
    fn findings_match_a_full_check() {
        let (_d, c) = demo();
        let s = c.snapshot().unwrap();
        let all = rules::check(&s);
        for p in s.plans().take(12) {
            let d = c.object_detail(p.id).unwrap();
            let mine: Vec<&Finding> = all.iter().filter(|f| f.object == p.id).collect();
            let got: Vec<&Finding> = d.findings.iter().filter(|f| f.object == p.id).collect();
            assert_eq!(got, mine, "{}", p.id);
        }
    }

    #[test]
    fn a_missing_object_is_not_found() {
        let (_d, c) = demo();
        let e = c.object_detail(Id::new(EntityKind::BoltOn, 99_999)).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::NotFound);
    }
}
