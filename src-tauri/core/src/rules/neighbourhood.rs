//! What the rules read about an object, found through SQLite's indexes, so one object can be
//! re-checked after an edit without reading the catalog (`check_objects`), and the other way
//! round, which objects read about an edited one (`affected`).
//!
//! Why it exists: the window re-checks after every keystroke-sized edit on catalogs of 100 000
//! entities; a full read and check takes far longer than an edit should. The rules are written
//! once, against a `Snapshot`; this module picks the rows such that running them on a partial
//! snapshot gives, for the objects asked for, exactly what a full check gives. It must mirror
//! what each rule family reads (the module docs of the families say what they read) — the
//! property tests compare both ways on random edits.
//!
//! What an object's findings read (besides the object itself and reference data):
//! - any plan: its BUY counterpart (with its contents) and its namesakes (same kind, side and
//!   internal name);
//! - package plan: its service plans;
//! - service plan: one package plan containing it; its pool; the shared-data structures holding
//!   it or its pool (directly or through a package plan), with the connecting package plans, the
//!   structure's customer and the customer's data package; its bolt-on links and their
//!   allowances, each with what a link or an allowance reads (LIF-01, LIF-03);
//! - bolt-on: the add-ons of its add-on group; its first link; the groups holding it, with their
//!   members;
//! - add-on: its first allowance; the bolt-ons whose add-on group holds it;
//! - bolt-on group: its members;
//! - bolt-on link: its service plan and bolt-on;
//! - allowance: its link, the link's service plan and bolt-on, its add-on, its BUY parent, the
//!   parent's link and that link's service plan.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rusqlite::{Connection, OptionalExtension, Params, params};

use crate::error::Result;
use crate::id::{EntityKind, Id};
use crate::snapshot::Scope;

use EntityKind::{
    Allowance as AL, BoltOn as BO, BoltOnAddOn as AO, BoltOnGroup as BG, BoltOnLink as BL, Customer as CU,
    PackagePlan as PP, ServicePlan as SP, Structure as ST,
};

/// Row ids of `kind` answered by `sql` with `params` (the first column; NULLs skipped).
fn ids(conn: &Connection, sql: &str, params: impl Params, kind: EntityKind) -> Result<Vec<Id>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(params, |r| r.get::<_, Option<i64>>(0))?;
    let mut out = Vec::new();
    for n in rows {
        if let Some(n) = n? {
            out.push(Id::new(kind, n));
        }
    }
    Ok(out)
}

/// The rows to load for a set of objects.
struct Needs<'c> {
    conn: &'c Connection,
    rows: BTreeMap<EntityKind, BTreeSet<i64>>,
    expanded: HashSet<Id>,
}

impl<'c> Needs<'c> {
    fn add(&mut self, id: Id) {
        self.rows.entry(id.kind).or_default().insert(id.n);
    }
    fn add_all(&mut self, ids: Vec<Id>) {
        for id in ids {
            self.add(id);
        }
    }
    fn ids(&self, sql: &str, id: Id, kind: EntityKind) -> Result<Vec<Id>> {
        ids(self.conn, sql, [id.n], kind)
    }

    /// Everything the findings on `id` read.
    fn object(&mut self, id: Id) -> Result<()> {
        if !self.expanded.insert(id) {
            return Ok(());
        }
        self.add(id);
        match id.kind {
            PP => self.package_plan(id),
            SP => self.service_plan(id),
            BO => self.bolt_on(id),
            AO => self.add_on(id),
            BG => self.group(id),
            BL => self.link(id),
            AL => self.allowance(id),
            _ => Ok(()),
        }
    }

    /// Counterpart and namesakes.
    fn plan(&mut self, id: Id) -> Result<()> {
        let t = id.kind.table();
        let row: Option<(Option<i64>, String, String)> = self
            .conn
            .prepare_cached(&format!("SELECT buy_counterpart, side, internal_name FROM \"{t}\" WHERE id = ?1"))?
            .query_row([id.n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((counterpart, side, name)) = row else {
            return Ok(());
        };
        if let Some(c) = counterpart {
            self.add(Id::new(id.kind, c));
        }
        let same = ids(
            self.conn,
            &format!("SELECT id FROM \"{t}\" WHERE side = ?1 AND internal_name = ?2"),
            params![side, name],
            id.kind,
        )?;
        self.add_all(same);
        Ok(())
    }

    fn package_plan(&mut self, id: Id) -> Result<()> {
        self.plan(id)?;
        let sps = self.ids("SELECT service_plan FROM package_plan_service_plan WHERE package_plan = ?1", id, SP)?;
        self.add_all(sps);
        Ok(())
    }

    fn service_plan(&mut self, id: Id) -> Result<()> {
        self.plan(id)?;
        let one =
            self.ids("SELECT MIN(package_plan) FROM package_plan_service_plan WHERE service_plan = ?1", id, PP)?;
        self.add_all(one);
        self.structures_of(id)?;
        for pool in self.ids("SELECT pool FROM service_plan WHERE id = ?1", id, SP)? {
            self.add(pool);
            self.structures_of(pool)?;
        }
        for l in self.ids("SELECT id FROM bolt_on_link WHERE service_plan = ?1", id, BL)? {
            self.object(l)?;
        }
        let allowances = self.ids(
            "SELECT a.id FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE l.service_plan = ?1",
            id,
            AL,
        )?;
        for a in allowances {
            self.object(a)?;
        }
        Ok(())
    }

    /// The structures holding a service plan, directly or through a package plan, with their
    /// customer and its data package.
    fn structures_of(&mut self, sp: Id) -> Result<()> {
        let text = sp.to_string();
        let mut structures = ids(self.conn, "SELECT structure FROM structure_member WHERE object = ?1", [&text], ST)?;
        let mut st = self.conn.prepare_cached(
            "SELECT m.structure, p.package_plan FROM package_plan_service_plan p
             JOIN structure_member m ON m.object = 'PP-' || p.package_plan WHERE p.service_plan = ?1",
        )?;
        let rows = st.query_map([sp.n], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (s, p) = row?;
            structures.push(Id::new(ST, s));
            self.add(Id::new(PP, p));
        }
        for s in structures {
            self.add(s);
            let row: Option<(i64, Option<i64>)> = self
                .conn
                .prepare_cached(
                    "SELECT c.id, c.data_package FROM structure s JOIN customer c ON c.id = s.customer WHERE s.id = ?1",
                )?
                .query_row([s.n], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((c, data_package)) = row {
                self.add(Id::new(CU, c));
                if let Some(p) = data_package {
                    self.add(Id::new(PP, p));
                }
            }
        }
        Ok(())
    }

    fn bolt_on(&mut self, id: Id) -> Result<()> {
        self.plan(id)?;
        let group = self.ids("SELECT add_on FROM add_on_group_member WHERE bolt_on = ?1", id, AO)?;
        self.add_all(group);
        let first = self.ids("SELECT MIN(id) FROM bolt_on_link WHERE bolt_on = ?1", id, BL)?;
        self.add_all(first);
        for g in self.ids("SELECT bolt_on_group FROM bolt_on_group_member WHERE bolt_on = ?1", id, BG)? {
            self.object(g)?;
        }
        Ok(())
    }

    fn add_on(&mut self, id: Id) -> Result<()> {
        self.plan(id)?;
        let first = self.ids("SELECT MIN(id) FROM allowance WHERE add_on = ?1", id, AL)?;
        self.add_all(first);
        let bolt_ons = self.ids("SELECT bolt_on FROM add_on_group_member WHERE add_on = ?1", id, BO)?;
        self.add_all(bolt_ons);
        Ok(())
    }

    fn group(&mut self, id: Id) -> Result<()> {
        let members = self.ids("SELECT bolt_on FROM bolt_on_group_member WHERE bolt_on_group = ?1", id, BO)?;
        self.add_all(members);
        Ok(())
    }

    fn link(&mut self, id: Id) -> Result<()> {
        let row: Option<(i64, i64)> = self
            .conn
            .prepare_cached("SELECT service_plan, bolt_on FROM bolt_on_link WHERE id = ?1")?
            .query_row([id.n], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((sp, bo)) = row {
            self.add(Id::new(SP, sp));
            self.add(Id::new(BO, bo));
        }
        Ok(())
    }

    fn allowance(&mut self, id: Id) -> Result<()> {
        let row: Option<(i64, i64, Option<i64>, i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT a.bolt_on_link, a.add_on, a.buy_parent, l.service_plan, l.bolt_on
                 FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE a.id = ?1",
            )?
            .query_row([id.n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .optional()?;
        let Some((link, add_on, parent, sp, bo)) = row else {
            return Ok(());
        };
        self.add_all(vec![Id::new(BL, link), Id::new(AO, add_on), Id::new(SP, sp), Id::new(BO, bo)]);
        let Some(parent) = parent else { return Ok(()) };
        self.add(Id::new(AL, parent));
        let row: Option<(i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT p.bolt_on_link, l.service_plan FROM allowance p JOIN bolt_on_link l ON l.id = p.bolt_on_link WHERE p.id = ?1",
            )?
            .query_row([parent], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((link, sp)) = row {
            self.add(Id::new(BL, link));
            self.add(Id::new(SP, sp));
        }
        Ok(())
    }
}

/// The rows to load so that the findings on `ids` come out as in a full check.
pub(super) fn scope(conn: &Connection, ids: &[Id]) -> Result<Scope> {
    let mut needs = Needs { conn, rows: BTreeMap::new(), expanded: HashSet::new() };
    for id in ids {
        needs.object(*id)?;
    }
    Ok(Scope::Ids(needs.rows.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect()))
}

/// The objects whose findings read `id` (the inverse of [`scope`]). Links and allowances among
/// them go with `id` when it is deleted, so what reads those is added too; then the plans whose
/// LIF-01 counts the findings of links, allowances and groups.
pub(super) fn affected(conn: &Connection, id: Id) -> Result<Vec<Id>> {
    let mut out = readers(conn, id)?;
    let cascade: Vec<Id> = out.iter().copied().filter(|c| *c != id && matches!(c.kind, BL | AL)).collect();
    for c in cascade {
        out.extend(readers(conn, c)?);
    }
    lifecycle_owners(conn, &mut out)?;
    Ok(out.into_iter().collect())
}

/// `id` and the objects whose findings read it directly.
fn readers(conn: &Connection, id: Id) -> Result<BTreeSet<Id>> {
    let q = |sql: &str, kind: EntityKind| ids(conn, sql, [id.n], kind);
    let mut out: BTreeSet<Id> = BTreeSet::from([id]);
    if id.kind.is_plan() {
        out.extend(counterparts_and_namesakes(conn, id)?);
    }
    match id.kind {
        PP => {
            out.extend(q("SELECT service_plan FROM package_plan_service_plan WHERE package_plan = ?1", SP)?);
            out.extend(q(
                "SELECT id FROM service_plan WHERE pool IN (SELECT service_plan FROM package_plan_service_plan WHERE package_plan = ?1)",
                SP,
            )?);
        }
        SP => {
            out.extend(q("SELECT package_plan FROM package_plan_service_plan WHERE service_plan = ?1", PP)?);
            out.extend(q("SELECT id FROM service_plan WHERE pool = ?1", SP)?);
            out.extend(q("SELECT id FROM bolt_on_link WHERE service_plan = ?1", BL)?);
            out.extend(q(
                "SELECT a.id FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE l.service_plan = ?1",
                AL,
            )?);
        }
        BO => {
            out.extend(q("SELECT id FROM bolt_on_link WHERE bolt_on = ?1", BL)?);
            out.extend(q(
                "SELECT a.id FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE l.bolt_on = ?1",
                AL,
            )?);
            out.extend(q("SELECT bolt_on_group FROM bolt_on_group_member WHERE bolt_on = ?1", BG)?);
            out.extend(q("SELECT add_on FROM add_on_group_member WHERE bolt_on = ?1", AO)?);
        }
        AO => {
            out.extend(q("SELECT bolt_on FROM add_on_group_member WHERE add_on = ?1", BO)?);
            out.extend(q("SELECT id FROM allowance WHERE add_on = ?1", AL)?);
        }
        BG => out.extend(q("SELECT bolt_on FROM bolt_on_group_member WHERE bolt_on_group = ?1", BO)?),
        BL => {
            out.extend(q("SELECT bolt_on FROM bolt_on_link WHERE id = ?1", BO)?);
            out.extend(q("SELECT id FROM allowance WHERE bolt_on_link = ?1", AL)?);
        }
        AL => {
            out.extend(q("SELECT add_on FROM allowance WHERE id = ?1", AO)?);
            out.extend(q("SELECT id FROM allowance WHERE buy_parent = ?1", AL)?);
        }
        CU => {
            let structures = q("SELECT id FROM structure WHERE customer = ?1", ST)?;
            for s in structures {
                out.extend(held_by_structure(conn, s)?);
            }
        }
        ST => {
            let held = held_by_structure(conn, id)?;
            for sp in &held {
                out.extend(ids(conn, "SELECT id FROM service_plan WHERE pool = ?1", [sp.n], SP)?);
            }
            out.extend(held);
        }
        _ => {}
    }
    Ok(out)
}

/// SELL objects naming `id` as counterpart, and plans sharing its kind, side and name.
fn counterparts_and_namesakes(conn: &Connection, id: Id) -> Result<Vec<Id>> {
    let t = id.kind.table();
    let mut out = ids(conn, &format!("SELECT id FROM \"{t}\" WHERE buy_counterpart = ?1"), [id.n], id.kind)?;
    let row: Option<(String, String)> = conn
        .prepare_cached(&format!("SELECT side, internal_name FROM \"{t}\" WHERE id = ?1"))?
        .query_row([id.n], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((side, name)) = row {
        out.extend(ids(
            conn,
            &format!("SELECT id FROM \"{t}\" WHERE side = ?1 AND internal_name = ?2"),
            params![side, name],
            id.kind,
        )?);
    }
    Ok(out)
}

/// Service plans a structure holds, directly or through its member package plans.
fn held_by_structure(conn: &Connection, structure: Id) -> Result<Vec<Id>> {
    let mut out = Vec::new();
    let mut st = conn.prepare_cached("SELECT object FROM structure_member WHERE structure = ?1")?;
    let members: Vec<String> = st.query_map([structure.n], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for m in members {
        let Ok(member) = m.parse::<Id>() else {
            continue;
        };
        match member.kind {
            SP => out.push(member),
            PP => out.extend(ids(
                conn,
                "SELECT service_plan FROM package_plan_service_plan WHERE package_plan = ?1",
                [member.n],
                SP,
            )?),
            _ => {}
        }
    }
    Ok(out)
}

/// LIF-01 of a service plan counts the errors of its links and allowances, that of a bolt-on
/// the errors of the groups holding it: add those owners.
fn lifecycle_owners(conn: &Connection, out: &mut BTreeSet<Id>) -> Result<()> {
    let mut owners = Vec::new();
    for id in out.iter() {
        match id.kind {
            BL => owners.extend(ids(conn, "SELECT service_plan FROM bolt_on_link WHERE id = ?1", [id.n], SP)?),
            AL => owners.extend(ids(
                conn,
                "SELECT l.service_plan FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE a.id = ?1",
                [id.n],
                SP,
            )?),
            BG => owners.extend(ids(
                conn,
                "SELECT bolt_on FROM bolt_on_group_member WHERE bolt_on_group = ?1",
                [id.n],
                BO,
            )?),
            _ => {}
        }
    }
    out.extend(owners);
    Ok(())
}
