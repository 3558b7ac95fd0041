//! The snapshot indexed for the rules: every relation the snapshot stores one way, indexed the
//! other way, once per check.
//!
//! Why it exists: the rules ask "which packages contain this service plan", "which bolt-ons'
//! add-on groups hold this add-on", "which objects share this name" for every object. Scanning
//! for each would be quadratic; here each reverse relation is built in one pass as a compact
//! adjacency list (`Reverse`, a counting sort keyed by the object's position in its sorted
//! list), so a lookup is a slice and the build allocates a handful of vectors, not one per
//! object. The same index serves a partial snapshot (see `neighbourhood`): it then indexes only
//! what was loaded, which is everything the rules read about the objects asked for.

use std::collections::HashMap;

use crate::id::{EntityKind, Id};
use crate::model::{
    Allowance, BoltOnGroup, BoltOnLink, MemberRole, Plan, Side, Status, Structure, StructureKind, Tier,
};
use crate::snapshot::Snapshot;
use crate::value::{Currency, Money};

/// Values grouped by a key that is a position in one of the snapshot's lists.
struct Reverse<V> {
    start: Vec<u32>,
    values: Vec<V>,
}

impl<V: Copy> Reverse<V> {
    /// `pairs` in the order values should be listed; keys are `< keys`.
    fn new(keys: usize, pairs: Vec<(u32, V)>) -> Reverse<V> {
        let mut start = vec![0u32; keys + 1];
        for (k, _) in &pairs {
            start[*k as usize + 1] += 1;
        }
        for i in 0..keys {
            start[i + 1] += start[i];
        }
        let Some(&(_, first)) = pairs.first() else {
            return Reverse { start, values: Vec::new() };
        };
        let mut next = start.clone();
        let mut values = vec![first; pairs.len()];
        for (k, v) in pairs {
            values[next[k as usize] as usize] = v;
            next[k as usize] += 1;
        }
        Reverse { start, values }
    }

    fn get(&self, key: Option<usize>) -> &[V] {
        match key {
            Some(k) if k + 1 < self.start.len() => &self.values[self.start[k] as usize..self.start[k + 1] as usize],
            _ => &[],
        }
    }
}

/// Position of the row with id number `n` in a list sorted by id. Row ids are usually dense
/// from 1, so the guess `n - 1` is tried before a binary search.
fn position<T>(list: &[T], n: i64, id_of: impl Fn(&T) -> i64) -> Option<usize> {
    if n >= 1 {
        let guess = (n - 1) as usize;
        if guess < list.len() && id_of(&list[guess]) == n {
            return Some(guess);
        }
    }
    list.binary_search_by_key(&n, id_of).ok()
}

/// The plans that share one (kind, side, internal name).
enum Namesakes {
    One(Id),
    Many(Vec<Id>),
}

pub(super) struct Index<'a> {
    pub s: &'a Snapshot,
    pub currency: Currency,
    retail: bool,
    /// Service plan → package plans containing it.
    packages_of: Reverse<u32>,
    /// Service plan → its bolt-on links.
    links_of_service: Reverse<u32>,
    /// Bolt-on → links to it.
    links_of_bolt_on: Reverse<u32>,
    /// Bolt-on → bolt-on groups holding it.
    groups_of: Reverse<u32>,
    /// Add-on → bolt-ons whose add-on group holds it.
    bolt_ons_of_add_on: Reverse<u32>,
    /// Bolt-on link → allowances under it.
    allowances_of_link: Reverse<u32>,
    /// Add-on → allowances naming it.
    allowances_of_add_on: Reverse<u32>,
    /// Service plan → shared-data structures holding it (directly or through a member package
    /// plan), with the role it plays there.
    memberships: Reverse<(u32, MemberRole)>,
    names: HashMap<(EntityKind, Side, &'a str), Namesakes>,
}

impl<'a> Index<'a> {
    pub(super) fn new(s: &'a Snapshot) -> Index<'a> {
        let currency = Currency::parse(&s.settings.currency)
            .unwrap_or(Currency { code: s.settings.currency.clone(), decimals: 2 });
        Index {
            s,
            currency,
            retail: s.settings.tier == Tier::Retail,
            packages_of: packages_of(s),
            links_of_service: by_link_end(
                s,
                |l| position(&s.service_plans, l.service_plan.n, |p| p.id.n),
                s.service_plans.len(),
            ),
            links_of_bolt_on: by_link_end(s, |l| position(&s.bolt_ons, l.bolt_on.n, |p| p.id.n), s.bolt_ons.len()),
            groups_of: groups_of(s),
            bolt_ons_of_add_on: bolt_ons_of_add_on(s),
            allowances_of_link: by_allowance(
                s,
                |a| position(&s.bolt_on_links, a.bolt_on_link.n, |l| l.id.n),
                s.bolt_on_links.len(),
            ),
            allowances_of_add_on: by_allowance(
                s,
                |a| position(&s.bolt_on_add_ons, a.add_on.n, |p| p.id.n),
                s.bolt_on_add_ons.len(),
            ),
            memberships: memberships(s),
            names: names(s),
        }
    }

    /// Retail tier: BUY objects are reference-only (name and production id), so only the name
    /// and lifecycle rules look at them.
    pub(super) fn reference_only(&self, side: Side) -> bool {
        self.retail && side == Side::Buy
    }
    pub(super) fn retail(&self) -> bool {
        self.retail
    }

    pub(super) fn plan(&self, id: Id) -> Option<&'a Plan> {
        let list = self.s.plans_of(id.kind);
        position(list, id.n, |p| p.id.n).map(|i| &list[i])
    }
    pub(super) fn link(&self, id: Id) -> Option<&'a BoltOnLink> {
        if id.kind != EntityKind::BoltOnLink {
            return None;
        }
        let list = &self.s.bolt_on_links;
        position(list, id.n, |l| l.id.n).map(|i| &list[i])
    }
    pub(super) fn allowance(&self, id: Id) -> Option<&'a Allowance> {
        if id.kind != EntityKind::Allowance {
            return None;
        }
        let list = &self.s.allowances;
        position(list, id.n, |a| a.id.n).map(|i| &list[i])
    }
    fn plan_position(&self, id: Id) -> Option<usize> {
        position(self.s.plans_of(id.kind), id.n, |p| p.id.n)
    }

    pub(super) fn packages_of(&self, service_plan: Id) -> impl Iterator<Item = &'a Plan> + '_ {
        let list = &self.s.package_plans;
        self.packages_of.get(self.plan_position(service_plan)).iter().map(move |i| &list[*i as usize])
    }
    pub(super) fn links_of_service(&self, service_plan: Id) -> impl Iterator<Item = &'a BoltOnLink> + '_ {
        let list = &self.s.bolt_on_links;
        self.links_of_service.get(self.plan_position(service_plan)).iter().map(move |i| &list[*i as usize])
    }
    pub(super) fn links_of_bolt_on(&self, bolt_on: Id) -> impl Iterator<Item = &'a BoltOnLink> + '_ {
        let list = &self.s.bolt_on_links;
        self.links_of_bolt_on.get(self.plan_position(bolt_on)).iter().map(move |i| &list[*i as usize])
    }
    pub(super) fn groups_of(&self, bolt_on: Id) -> impl Iterator<Item = &'a BoltOnGroup> + '_ {
        let list = &self.s.bolt_on_groups;
        self.groups_of.get(self.plan_position(bolt_on)).iter().map(move |i| &list[*i as usize])
    }
    pub(super) fn bolt_ons_of_add_on(&self, add_on: Id) -> impl Iterator<Item = &'a Plan> + '_ {
        let list = &self.s.bolt_ons;
        self.bolt_ons_of_add_on.get(self.plan_position(add_on)).iter().map(move |i| &list[*i as usize])
    }
    pub(super) fn allowances_of_link(&self, link: Id) -> impl Iterator<Item = &'a Allowance> + '_ {
        let list = &self.s.allowances;
        let key = position(&self.s.bolt_on_links, link.n, |l| l.id.n);
        self.allowances_of_link.get(key).iter().map(move |i| &list[*i as usize])
    }
    pub(super) fn allowances_of_add_on(&self, add_on: Id) -> impl Iterator<Item = &'a Allowance> + '_ {
        let list = &self.s.allowances;
        self.allowances_of_add_on.get(self.plan_position(add_on)).iter().map(move |i| &list[*i as usize])
    }
    /// Shared-data structures holding the service plan, directly or through a package plan.
    /// A structure may appear more than once (held both ways, or in two roles).
    pub(super) fn memberships(&self, service_plan: Id) -> impl Iterator<Item = (&'a Structure, MemberRole)> + '_ {
        let list = &self.s.structures;
        self.memberships.get(self.plan_position(service_plan)).iter().map(move |(i, r)| (&list[*i as usize], *r))
    }

    /// The plans of the same kind and side with exactly the same internal name, `p` included,
    /// by id; empty when the name is unique.
    pub(super) fn namesakes(&self, p: &'a Plan) -> &[Id] {
        match self.names.get(&(p.kind(), p.side, p.internal_name.as_str())) {
            Some(Namesakes::Many(ids)) => ids,
            _ => &[],
        }
    }

    /// A retired plan, or a link or allowance of a retired service plan: history, which no
    /// finding is reported on.
    pub(super) fn retired(&self, id: Id) -> bool {
        let service_plan = match id.kind {
            EntityKind::BoltOnLink => self.link(id).map(|l| l.service_plan),
            EntityKind::Allowance => self.allowance(id).and_then(|a| self.link(a.bolt_on_link)).map(|l| l.service_plan),
            _ => Some(id),
        };
        service_plan.and_then(|p| self.plan(p)).is_some_and(|p| p.status == Status::Retired)
    }

    /// The side of a link: its service plan's.
    pub(super) fn link_side(&self, l: &BoltOnLink) -> Option<Side> {
        self.plan(l.service_plan).map(|p| p.side)
    }

    /// How messages name an object: "SELL service plan SP-4 'Data pool 500 GB'", "bolt-on link
    /// BL-3 (SP-1 → BO-2)", "allowance AL-4 (AO-3 under BL-2)".
    pub(super) fn who(&self, id: Id) -> String {
        if let Some(p) = self.plan(id) {
            return p.describe();
        }
        match id.kind {
            EntityKind::BoltOnLink => match self.link(id) {
                Some(l) => format!("bolt-on link {id} ({} → {})", l.service_plan, l.bolt_on),
                None => format!("bolt-on link {id}"),
            },
            EntityKind::Allowance => match self.allowance(id) {
                Some(a) => format!("allowance {id} ({} under {})", a.add_on, a.bolt_on_link),
                None => format!("allowance {id}"),
            },
            EntityKind::BoltOnGroup => match self.s.group(id) {
                Some(g) => format!("{} bolt-on group {id} '{}'", g.side, g.name),
                None => format!("bolt-on group {id}"),
            },
            _ => self.s.describe(id),
        }
    }

    /// "12.50 AUD".
    pub(super) fn money(&self, m: Money) -> String {
        format!("{} {}", self.currency.format(m), self.currency.code)
    }
}

fn packages_of(s: &Snapshot) -> Reverse<u32> {
    let mut pairs = Vec::new();
    for (i, p) in s.package_plans.iter().enumerate() {
        for sp in p.package().map(|f| f.service_plans.as_slice()).unwrap_or(&[]) {
            if let Some(k) = position(&s.service_plans, sp.n, |p| p.id.n) {
                pairs.push((k as u32, i as u32));
            }
        }
    }
    Reverse::new(s.service_plans.len(), pairs)
}

fn by_link_end(s: &Snapshot, end: impl Fn(&BoltOnLink) -> Option<usize>, keys: usize) -> Reverse<u32> {
    let pairs = s.bolt_on_links.iter().enumerate().filter_map(|(i, l)| end(l).map(|k| (k as u32, i as u32))).collect();
    Reverse::new(keys, pairs)
}

fn by_allowance(s: &Snapshot, key: impl Fn(&Allowance) -> Option<usize>, keys: usize) -> Reverse<u32> {
    let pairs = s.allowances.iter().enumerate().filter_map(|(i, a)| key(a).map(|k| (k as u32, i as u32))).collect();
    Reverse::new(keys, pairs)
}

fn groups_of(s: &Snapshot) -> Reverse<u32> {
    let mut pairs = Vec::new();
    for (i, g) in s.bolt_on_groups.iter().enumerate() {
        for b in &g.members {
            if let Some(k) = position(&s.bolt_ons, b.n, |p| p.id.n) {
                pairs.push((k as u32, i as u32));
            }
        }
    }
    Reverse::new(s.bolt_ons.len(), pairs)
}

fn bolt_ons_of_add_on(s: &Snapshot) -> Reverse<u32> {
    let mut pairs = Vec::new();
    for (i, b) in s.bolt_ons.iter().enumerate() {
        for a in b.bolt_on().map(|f| f.add_on_group.as_slice()).unwrap_or(&[]) {
            if let Some(k) = position(&s.bolt_on_add_ons, a.n, |p| p.id.n) {
                pairs.push((k as u32, i as u32));
            }
        }
    }
    Reverse::new(s.bolt_on_add_ons.len(), pairs)
}

fn memberships(s: &Snapshot) -> Reverse<(u32, MemberRole)> {
    let mut pairs = Vec::new();
    for (i, st) in s.structures.iter().enumerate().filter(|(_, st)| st.kind == StructureKind::SharedData) {
        for m in &st.members {
            match m.object.kind {
                EntityKind::ServicePlan => {
                    if let Some(k) = position(&s.service_plans, m.object.n, |p| p.id.n) {
                        pairs.push((k as u32, (i as u32, m.role)));
                    }
                }
                EntityKind::PackagePlan => {
                    let Some(pp) = position(&s.package_plans, m.object.n, |p| p.id.n) else {
                        continue;
                    };
                    for sp in s.package_plans[pp].package().map(|f| f.service_plans.as_slice()).unwrap_or(&[]) {
                        if let Some(k) = position(&s.service_plans, sp.n, |p| p.id.n) {
                            pairs.push((k as u32, (i as u32, m.role)));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Reverse::new(s.service_plans.len(), pairs)
}

fn names(s: &Snapshot) -> HashMap<(EntityKind, Side, &str), Namesakes> {
    let mut names: HashMap<(EntityKind, Side, &str), Namesakes> = HashMap::with_capacity(s.plans().size_hint().0);
    for p in s.plans() {
        names
            .entry((p.kind(), p.side, p.internal_name.as_str()))
            .and_modify(|n| match n {
                Namesakes::One(first) => *n = Namesakes::Many(vec![*first, p.id]),
                Namesakes::Many(ids) => ids.push(p.id),
            })
            .or_insert(Namesakes::One(p.id));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_lists_values_per_key_in_insertion_order() {
        let r = Reverse::new(4, vec![(2, 10u32), (0, 11), (2, 12), (3, 13), (2, 14)]);
        assert_eq!(r.get(Some(0)), &[11]);
        assert_eq!(r.get(Some(1)), &[] as &[u32]);
        assert_eq!(r.get(Some(2)), &[10, 12, 14]);
        assert_eq!(r.get(Some(3)), &[13]);
        assert_eq!(r.get(Some(4)), &[] as &[u32], "a key beyond the list has nothing");
        assert_eq!(r.get(None), &[] as &[u32]);
        assert_eq!(Reverse::<u32>::new(2, vec![]).get(Some(1)), &[] as &[u32]);
    }

    #[test]
    fn position_finds_dense_and_sparse_ids() {
        let dense = [1i64, 2, 3, 4];
        let sparse = [2i64, 5, 9, 40];
        for (i, n) in dense.iter().enumerate() {
            assert_eq!(position(&dense, *n, |x| *x), Some(i));
        }
        for (i, n) in sparse.iter().enumerate() {
            assert_eq!(position(&sparse, *n, |x| *x), Some(i));
        }
        for n in [0, -3, 3, 41, 1] {
            assert_eq!(position(&sparse, n, |x| *x), None, "{n}");
        }
    }
}
