//! The checks every plain edit shares: text from a person (trimmed, required), ids that must
//! exist with the right kind, reference codes that must exist, positions at the end of a list,
//! and the lifecycle guard (approved and retired objects are read-only, live ones keep only
//! their editable-when-live fields, LIF-02). Each refusal names the field and what to do.

use rusqlite::{OptionalExtension, Transaction};

use crate::edit::plan_field::PlanField;
use crate::error::{CoreError, ErrorKind, Result};
use crate::id::{EntityKind, Id};
use crate::model::{Side, Status};

/// Text from a person: trimmed; empty means "not set".
pub(crate) fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub(crate) fn must_exist(tx: &Transaction, id: Id, field: &str) -> Result<()> {
    let found: bool = tx
        .prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE id = ?1)", id.kind.table()))?
        .query_row([id.n], |r| r.get(0))?;
    if found {
        Ok(())
    } else {
        Err(CoreError::not_found(format!("{field}: there is no {} {id} in this catalog", id.kind.label()))
            .with_field(field))
    }
}

pub(crate) fn must_be(tx: &Transaction, id: Id, kind: EntityKind, field: &str) -> Result<()> {
    id.expect(kind, field)?;
    must_exist(tx, id, field)
}

pub(crate) fn code_exists(tx: &Transaction, table: &str, code: &str, field: &str, what: &str) -> Result<()> {
    let found: bool =
        tx.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE code = ?1)",), [code], |r| r.get(0))?;
    if found {
        Ok(())
    } else {
        Err(CoreError::not_found(format!(
            "{field}: there is no {what} with code '{code}'; add it under reference data first"
        ))
        .with_field(field))
    }
}

/// Status and side of a plan.
pub(crate) fn plan_state(tx: &Transaction, id: Id) -> Result<(Status, Side)> {
    if !id.kind.is_plan() {
        return Err(CoreError::invalid(
            "id",
            format!("{id} is not a plan (package plan, service plan, bolt-on or add-on)"),
        ));
    }
    let row: Option<(String, String)> = tx
        .prepare_cached(&format!("SELECT status, side FROM \"{}\" WHERE id = ?1", id.kind.table()))?
        .query_row([id.n], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (status, side) =
        row.ok_or_else(|| CoreError::not_found(format!("there is no {} {id} in this catalog", id.kind.label())))?;
    Ok((Status::parse(&status)?, Side::parse(&side)?))
}

/// Lifecycle guard for an edit of `id`. `field` is the plan field being set, if any; link and
/// membership edits pass `None` (they are never editable once approved or live).
pub(crate) fn guard(tx: &Transaction, id: Id, field: Option<&PlanField>, what: &str) -> Result<()> {
    let (status, _) = plan_state(tx, id)?;
    match status {
        Status::Draft => Ok(()),
        Status::Approved => Err(CoreError::new(
            ErrorKind::ReadOnly,
            format!("{id} is approved and read-only, so {what} cannot change; reopen it (with a reason) to edit it"),
        )
        .with_field(field.map(|f| f.name()).unwrap_or("status"))),
        Status::Live => match field {
            Some(f) if f.editable_when_live(id.kind) => Ok(()),
            _ => Err(CoreError::new(
                ErrorKind::Lifecycle,
                format!(
                    "LIF-02 {id} is live, so {what} cannot change; only names, reference name/key, import reference, descriptions{} may change on a live object. Build a new plan for this change",
                    if id.kind == EntityKind::ServicePlan { " and the data billing quota and excess rate" } else { "" }
                ),
            )
            .with_field(field.map(|f| f.name()).unwrap_or("status"))),
        },
        Status::Retired => Err(CoreError::new(
            ErrorKind::ReadOnly,
            format!("{id} is retired and kept for history only, so {what} cannot change; build a new plan instead"),
        )
        .with_field(field.map(|f| f.name()).unwrap_or("status"))),
    }
}

pub(crate) fn next_position(tx: &Transaction, table: &str, parent_col: &str, parent: i64) -> Result<i64> {
    Ok(tx.query_row(
        &format!("SELECT COALESCE(MAX(position), 0) + 1 FROM {table} WHERE {parent_col} = ?1"),
        [parent],
        |r| r.get(0),
    )?)
}

pub(crate) fn required_text(field: &str, what: &str, s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(CoreError::invalid(field, format!("{what} needs a {field}")));
    }
    Ok(t.to_string())
}
