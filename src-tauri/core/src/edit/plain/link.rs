//! Plain edits of what ties plans together: bolt-on groups and their members, a bolt-on's
//! add-on group, bolt-on links (service plan → bolt-on, with a behaviour) and the allowances
//! under a link. Membership and link edits are guarded by the lifecycle of the plan that holds
//! them.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::edit::plain::check::{clean, guard, must_be, next_position, plan_state, required_text};
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{Behaviour, Side};

use EntityKind::{BoltOn as BO, BoltOnAddOn as AO, ServicePlan as SP};

pub(crate) fn create_group(tx: &Transaction, side: Side, name: &str) -> Result<Id> {
    let name = required_text("name", "a bolt-on group", name)?;
    tx.execute("INSERT INTO bolt_on_group (side, name) VALUES (?1, ?2)", params![side.as_str(), name])?;
    Ok(Id::new(EntityKind::BoltOnGroup, tx.last_insert_rowid()))
}

/// A new bolt-on group of the bolt-on's side, holding it.
pub(crate) fn create_group_for(tx: &Transaction, bolt_on: Id, name: &str) -> Result<Id> {
    let name = required_text("name", "a bolt-on group", name)?;
    let (_, side) = plan_state(tx, bolt_on.expect(BO, "bolt_on")?)?;
    tx.execute("INSERT INTO bolt_on_group (side, name) VALUES (?1, ?2)", params![side.as_str(), name])?;
    let group = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO bolt_on_group_member (bolt_on_group, bolt_on, position) VALUES (?1, ?2, 1)",
        params![group, bolt_on.n],
    )?;
    Ok(Id::new(EntityKind::BoltOnGroup, group))
}

pub(crate) fn update_group(tx: &Transaction, id: Id, name: &str, description: &Option<String>) -> Result<()> {
    must_be(tx, id, EntityKind::BoltOnGroup, "id")?;
    let name = required_text("name", "a bolt-on group", name)?;
    tx.execute(
        "UPDATE bolt_on_group SET name = ?1, description = ?2 WHERE id = ?3",
        params![name, clean(description), id.n],
    )?;
    Ok(())
}

pub(crate) fn delete_group(tx: &Transaction, id: Id) -> Result<()> {
    must_be(tx, id, EntityKind::BoltOnGroup, "id")?;
    tx.execute("DELETE FROM bolt_on_group_member WHERE bolt_on_group = ?1", [id.n])?;
    tx.execute("DELETE FROM bolt_on_group WHERE id = ?1", [id.n])?;
    Ok(())
}

pub(crate) fn add_group_member(tx: &Transaction, group: Id, bolt_on: Id) -> Result<()> {
    must_be(tx, group, EntityKind::BoltOnGroup, "group")?;
    must_be(tx, bolt_on, BO, "bolt_on")?;
    let pos = next_position(tx, "bolt_on_group_member", "bolt_on_group", group.n)?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO bolt_on_group_member (bolt_on_group, bolt_on, position) VALUES (?1, ?2, ?3)",
        params![group.n, bolt_on.n, pos],
    )?;
    if n == 0 {
        return Err(CoreError::conflict(format!("{bolt_on} is already in {group}")));
    }
    Ok(())
}

pub(crate) fn remove_group_member(tx: &Transaction, group: Id, bolt_on: Id) -> Result<()> {
    group.expect(EntityKind::BoltOnGroup, "group")?;
    let n = tx.execute(
        "DELETE FROM bolt_on_group_member WHERE bolt_on_group = ?1 AND bolt_on = ?2",
        params![group.n, bolt_on.n],
    )?;
    if n == 0 {
        return Err(CoreError::not_found(format!("{bolt_on} is not in {group}")));
    }
    Ok(())
}

pub(crate) fn add_to_add_on_group(tx: &Transaction, bolt_on: Id, add_on: Id) -> Result<()> {
    bolt_on.expect(BO, "bolt_on")?;
    must_be(tx, add_on, AO, "add_on")?;
    guard(tx, bolt_on, None, "its add-on group")?;
    let pos = next_position(tx, "add_on_group_member", "bolt_on", bolt_on.n)?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO add_on_group_member (bolt_on, add_on, position) VALUES (?1, ?2, ?3)",
        params![bolt_on.n, add_on.n, pos],
    )?;
    if n == 0 {
        return Err(CoreError::conflict(format!("{add_on} is already in the add-on group of {bolt_on}")));
    }
    Ok(())
}

pub(crate) fn remove_from_add_on_group(tx: &Transaction, bolt_on: Id, add_on: Id) -> Result<()> {
    bolt_on.expect(BO, "bolt_on")?;
    guard(tx, bolt_on, None, "its add-on group")?;
    let n =
        tx.execute("DELETE FROM add_on_group_member WHERE bolt_on = ?1 AND add_on = ?2", params![bolt_on.n, add_on.n])?;
    if n == 0 {
        return Err(CoreError::not_found(format!("{add_on} is not in the add-on group of {bolt_on}")));
    }
    Ok(())
}

pub(crate) fn link_bolt_on(
    tx: &Transaction,
    service_plan: Id,
    bolt_on: Id,
    behaviour: Option<Behaviour>,
) -> Result<Id> {
    service_plan.expect(SP, "service_plan")?;
    must_be(tx, bolt_on, BO, "bolt_on")?;
    guard(tx, service_plan, None, "its bolt-on links")?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO bolt_on_link (service_plan, bolt_on, behaviour) VALUES (?1, ?2, ?3)",
        params![service_plan.n, bolt_on.n, behaviour.map(|b| b.as_str())],
    )?;
    if n == 0 {
        return Err(CoreError::conflict(format!("{bolt_on} is already linked to {service_plan}")));
    }
    Ok(Id::new(EntityKind::BoltOnLink, tx.last_insert_rowid()))
}

pub(crate) fn set_behaviour(tx: &Transaction, link: Id, behaviour: Option<Behaviour>) -> Result<()> {
    let sp = link_service_plan(tx, link)?;
    guard(tx, sp, None, "its bolt-on links")?;
    tx.execute("UPDATE bolt_on_link SET behaviour = ?1 WHERE id = ?2", params![behaviour.map(|b| b.as_str()), link.n])?;
    Ok(())
}

/// Removes a link with its allowances (SELL allowances hanging off them lose their parent).
pub(crate) fn unlink_bolt_on(tx: &Transaction, link: Id) -> Result<()> {
    let sp = link_service_plan(tx, link)?;
    guard(tx, sp, None, "its bolt-on links")?;
    tx.execute(
        "UPDATE allowance SET buy_parent = NULL WHERE buy_parent IN (SELECT id FROM allowance WHERE bolt_on_link = ?1)",
        [link.n],
    )?;
    tx.execute("DELETE FROM allowance WHERE bolt_on_link = ?1", [link.n])?;
    tx.execute("DELETE FROM bolt_on_link WHERE id = ?1", [link.n])?;
    Ok(())
}

pub(crate) fn add_allowance(
    tx: &Transaction,
    link: Id,
    add_on: Id,
    max_occurrence: i64,
    description: &Option<String>,
    buy_parent: Option<Id>,
) -> Result<Id> {
    let sp = link_service_plan(tx, link)?;
    must_be(tx, add_on, AO, "add_on")?;
    check_parent_allowance(tx, buy_parent)?;
    guard(tx, sp, None, "its allowances")?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO allowance (bolt_on_link, add_on, max_occurrence, description, buy_parent) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![link.n, add_on.n, max_occurrence, clean(description), buy_parent.map(|p| p.n)],
    )?;
    if n == 0 {
        return Err(CoreError::conflict(format!("{link} already has an allowance for {add_on}")));
    }
    Ok(Id::new(EntityKind::Allowance, tx.last_insert_rowid()))
}

pub(crate) fn update_allowance(
    tx: &Transaction,
    id: Id,
    max_occurrence: i64,
    description: &Option<String>,
    buy_parent: Option<Id>,
) -> Result<()> {
    let sp = allowance_service_plan(tx, id)?;
    check_parent_allowance(tx, buy_parent)?;
    if buy_parent == Some(id) {
        return Err(CoreError::invalid("buy_parent", format!("{id} cannot be its own BUY parent")));
    }
    guard(tx, sp, None, "its allowances")?;
    tx.execute(
        "UPDATE allowance SET max_occurrence = ?1, description = ?2, buy_parent = ?3 WHERE id = ?4",
        params![max_occurrence, clean(description), buy_parent.map(|p| p.n), id.n],
    )?;
    Ok(())
}

pub(crate) fn remove_allowance(tx: &Transaction, id: Id) -> Result<()> {
    let sp = allowance_service_plan(tx, id)?;
    guard(tx, sp, None, "its allowances")?;
    tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent = ?1", [id.n])?;
    tx.execute("DELETE FROM allowance WHERE id = ?1", [id.n])?;
    Ok(())
}

fn link_service_plan(tx: &Transaction, link: Id) -> Result<Id> {
    link.expect(EntityKind::BoltOnLink, "link")?;
    let sp: Option<i64> =
        tx.query_row("SELECT service_plan FROM bolt_on_link WHERE id = ?1", [link.n], |r| r.get(0)).optional()?;
    sp.map(|n| Id::new(SP, n)).ok_or_else(|| {
        CoreError::not_found(format!("there is no bolt-on link {link} in this catalog")).with_field("link")
    })
}

fn allowance_service_plan(tx: &Transaction, id: Id) -> Result<Id> {
    id.expect(EntityKind::Allowance, "id")?;
    let sp: Option<i64> = tx
        .query_row(
            "SELECT l.service_plan FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE a.id = ?1",
            [id.n],
            |r| r.get(0),
        )
        .optional()?;
    sp.map(|n| Id::new(SP, n))
        .ok_or_else(|| CoreError::not_found(format!("there is no allowance {id} in this catalog")).with_field("id"))
}

fn check_parent_allowance(tx: &Transaction, buy_parent: Option<Id>) -> Result<()> {
    if let Some(p) = buy_parent {
        must_be(tx, p, EntityKind::Allowance, "buy_parent")?;
    }
    Ok(())
}
