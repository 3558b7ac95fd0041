//! Plain edits of structures: the named groupings whose build checklist the home screen shows
//! (domain.md §4), their customer, and the plans that are members of them with their role.

use rusqlite::{Transaction, params};

use crate::edit::plain::check::{must_be, must_exist, next_position, required_text};
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{MemberRole, StructureKind};

pub(crate) fn create_structure(tx: &Transaction, kind: StructureKind, name: &str, customer: Option<Id>) -> Result<Id> {
    let name = required_text("name", "a structure", name)?;
    if let Some(c) = customer {
        must_be(tx, c, EntityKind::Customer, "customer")?;
    }
    tx.execute(
        "INSERT INTO structure (kind, name, customer) VALUES (?1, ?2, ?3)",
        params![kind.as_str(), name, customer.map(|c| c.n)],
    )?;
    Ok(Id::new(EntityKind::Structure, tx.last_insert_rowid()))
}

pub(crate) fn update_structure(tx: &Transaction, id: Id, name: &str, customer: Option<Id>) -> Result<()> {
    must_be(tx, id, EntityKind::Structure, "id")?;
    let name = required_text("name", "a structure", name)?;
    if let Some(c) = customer {
        must_be(tx, c, EntityKind::Customer, "customer")?;
    }
    tx.execute(
        "UPDATE structure SET name = ?1, customer = ?2 WHERE id = ?3",
        params![name, customer.map(|c| c.n), id.n],
    )?;
    Ok(())
}

/// Adds a plan to a structure, last, with its role.
pub(crate) fn add_member(tx: &Transaction, structure: Id, object: Id, role: MemberRole) -> Result<()> {
    must_be(tx, structure, EntityKind::Structure, "structure")?;
    if !object.kind.is_plan() {
        return Err(CoreError::invalid(
            "object",
            format!("{object} is not a plan; structures hold package plans, service plans, bolt-ons and add-ons"),
        ));
    }
    must_exist(tx, object, "object")?;
    let pos = next_position(tx, "structure_member", "structure", structure.n)?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO structure_member (structure, object, role, position) VALUES (?1, ?2, ?3, ?4)",
        params![structure.n, object.to_string(), role.as_str(), pos],
    )?;
    if n == 0 {
        return Err(CoreError::conflict(format!("{object} is already in {structure}")));
    }
    Ok(())
}

pub(crate) fn remove_member(tx: &Transaction, structure: Id, object: Id) -> Result<()> {
    structure.expect(EntityKind::Structure, "structure")?;
    let n = tx.execute(
        "DELETE FROM structure_member WHERE structure = ?1 AND object = ?2",
        params![structure.n, object.to_string()],
    )?;
    if n == 0 {
        return Err(CoreError::not_found(format!("{object} is not in {structure}")));
    }
    Ok(())
}

/// Deletes a structure; its plans stay.
pub(crate) fn delete_structure(tx: &Transaction, id: Id) -> Result<()> {
    must_be(tx, id, EntityKind::Structure, "id")?;
    tx.execute("DELETE FROM structure_member WHERE structure = ?1", [id.n])?;
    tx.execute("DELETE FROM structure WHERE id = ?1", [id.n])?;
    Ok(())
}
