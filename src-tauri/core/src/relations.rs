//! Reverse indexes over a [`Snapshot`]: who contains, links, groups or mirrors whom. Built once
//! per snapshot in O(n), so structure progress, approval closures and diagrams walk the graph
//! with map lookups instead of scanning every list for every object.

use crate::id::{Id, IdMap};
use crate::model::{BoltOnLink, Plan, Side};
use crate::snapshot::Snapshot;

/// Relations that the snapshot stores one way, indexed the other way.
pub struct Relations<'a> {
    pub snapshot: &'a Snapshot,
    /// BUY object → SELL objects naming it as counterpart.
    pub sells_of: IdMap<Vec<Id>>,
    /// Service plan → package plans containing it.
    pub packages_of: IdMap<Vec<Id>>,
    /// Service plan → its bolt-on links.
    pub links_of_service: IdMap<Vec<&'a BoltOnLink>>,
    /// Bolt-on → links to it.
    pub links_of_bolt_on: IdMap<Vec<&'a BoltOnLink>>,
    /// Bolt-on link → allowances under it.
    pub allowances_of_link: IdMap<Vec<Id>>,
    /// Bolt-on → bolt-on groups holding it.
    pub groups_of: IdMap<Vec<Id>>,
    /// Add-on → bolt-ons whose add-on group holds it.
    pub bolt_ons_of_add_on: IdMap<Vec<Id>>,
    /// Add-on → allowances naming it.
    pub allowances_of_add_on: IdMap<Vec<Id>>,
    /// Data-allowance service plan → service plans pooling from it.
    pub pooled_from: IdMap<Vec<Id>>,
    /// Customer → its sites, in site order.
    pub sites_of: IdMap<Vec<Id>>,
}

impl<'a> Relations<'a> {
    pub fn new(s: &'a Snapshot) -> Relations<'a> {
        let mut r = Relations {
            snapshot: s,
            sells_of: IdMap::default(),
            packages_of: IdMap::default(),
            links_of_service: IdMap::default(),
            links_of_bolt_on: IdMap::default(),
            allowances_of_link: IdMap::default(),
            groups_of: IdMap::default(),
            bolt_ons_of_add_on: IdMap::default(),
            allowances_of_add_on: IdMap::default(),
            pooled_from: IdMap::default(),
            sites_of: IdMap::default(),
        };
        for p in s.plans() {
            if let Some(b) = p.buy_counterpart {
                r.sells_of.entry(b).or_default().push(p.id);
            }
            if let Some(f) = p.package() {
                for sp in &f.service_plans {
                    r.packages_of.entry(*sp).or_default().push(p.id);
                }
            }
            if let Some(f) = p.bolt_on() {
                for ao in &f.add_on_group {
                    r.bolt_ons_of_add_on.entry(*ao).or_default().push(p.id);
                }
            }
            if let Some(pool) = p.service().and_then(|f| f.data_billing.pool) {
                r.pooled_from.entry(pool).or_default().push(p.id);
            }
        }
        for l in &s.bolt_on_links {
            r.links_of_service.entry(l.service_plan).or_default().push(l);
            r.links_of_bolt_on.entry(l.bolt_on).or_default().push(l);
        }
        for a in &s.allowances {
            r.allowances_of_link.entry(a.bolt_on_link).or_default().push(a.id);
            r.allowances_of_add_on.entry(a.add_on).or_default().push(a.id);
        }
        for g in &s.bolt_on_groups {
            for m in &g.members {
                r.groups_of.entry(*m).or_default().push(g.id);
            }
        }
        for x in &s.sites {
            r.sites_of.entry(x.customer).or_default().push(x.id);
        }
        r
    }

    pub fn plan(&self, id: Id) -> Option<&'a Plan> {
        self.snapshot.plan(id)
    }

    pub fn side_of(&self, id: Id) -> Option<Side> {
        self.plan(id).map(|p| p.side)
    }

    /// The objects tied to `id` as counterparts, both ways (its BUY one, the SELL ones on it).
    pub fn counterparts(&self, id: Id) -> Vec<Id> {
        let mut v: Vec<Id> = self.plan(id).and_then(|p| p.buy_counterpart).into_iter().collect();
        v.extend(self.sells_of.get(&id).into_iter().flatten().copied());
        v
    }

    /// What approving `id` needs approved with it, and what exporting it must carry along:
    /// its BUY counterpart; a package's service plans; a service plan's linked bolt-ons, the
    /// add-ons of its allowances and its data pool; an add-on's bolt-ons (it cannot exist
    /// without them).
    pub fn dependencies(&self, id: Id) -> Vec<Id> {
        let Some(p) = self.plan(id) else {
            return vec![];
        };
        let mut v: Vec<Id> = p.buy_counterpart.into_iter().collect();
        if let Some(f) = p.package() {
            v.extend(&f.service_plans);
        }
        if let Some(f) = p.service() {
            for l in self.links_of_service.get(&id).into_iter().flatten() {
                v.push(l.bolt_on);
                for a in self.allowances_of_link.get(&l.id).into_iter().flatten() {
                    if let Some(a) = self.snapshot.allowance(*a) {
                        v.push(a.add_on);
                    }
                }
            }
            v.extend(f.data_billing.pool);
        }
        if p.add_on().is_some() {
            v.extend(self.bolt_ons_of_add_on.get(&id).into_iter().flatten());
        }
        v.retain(|d| self.snapshot.plan(*d).is_some());
        v
    }

    /// The reverse of [`Relations::dependencies`]: the plans that depend on `id`.
    pub fn dependants(&self, id: Id) -> Vec<Id> {
        let mut v: Vec<Id> = self.sells_of.get(&id).cloned().unwrap_or_default();
        use crate::id::EntityKind::*;
        match id.kind {
            ServicePlan => {
                v.extend(self.packages_of.get(&id).into_iter().flatten());
                v.extend(self.pooled_from.get(&id).into_iter().flatten());
            }
            BoltOn => {
                v.extend(self.links_of_bolt_on.get(&id).into_iter().flatten().map(|l| l.service_plan));
                if let Some(f) = self.plan(id).and_then(|p| p.bolt_on()) {
                    v.extend(&f.add_on_group);
                }
            }
            BoltOnAddOn => {
                for a in self.allowances_of_add_on.get(&id).into_iter().flatten() {
                    if let Some(l) = self.snapshot.allowance(*a).and_then(|a| self.snapshot.link(a.bolt_on_link)) {
                        v.push(l.service_plan);
                    }
                }
            }
            _ => {}
        }
        v.sort();
        v.dedup();
        v
    }
}
