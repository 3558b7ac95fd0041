//! Undo and redo that survive closing the catalog, kept inside the catalog file itself.
//!
//! Every content table has three triggers that, while a change is being captured, write the
//! SQL statement that inverts each row change (`DELETE` for an insert, the old values for an
//! update, the old row for a delete) into `history_entry`. Undoing a change runs its
//! statements newest first; the triggers capture *their* inverses into the same history row,
//! which become the redo statements, and redo works the same way back. The technique is
//! SQLite's "automatic undo/redo with triggers"; it is generic, so a new column or table is
//! covered by regenerating the triggers (done after every migration).
//!
//! Invariants: the history is linear (a new change drops the redo stack); foreign keys are
//! deferred while replaying, since a replay restores an exact earlier state; the audit log is
//! not content and is never undone (undo and redo of lifecycle steps are themselves audited).

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::schema::CONTENT_TABLES;
use crate::error::{CoreError, Result};
use crate::value::{Stamp, Timestamp};

/// How many undo steps a catalog keeps.
pub(crate) const MAX_UNDO: i64 = 1000;

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let cols = st.query_map([], |r| r.get::<_, String>(1))?.collect::<Result<Vec<_>, _>>()?;
    Ok(cols)
}

/// (Re)creates the capture triggers of every content table from its current columns.
pub(crate) fn install_triggers(conn: &Connection) -> Result<()> {
    for t in CONTENT_TABLES {
        let cols = columns(conn, t)?;
        let set = cols.iter().map(|c| format!("'\"{c}\"='||quote(old.\"{c}\")")).collect::<Vec<_>>().join("||','||");
        let names = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(",");
        let values = cols.iter().map(|c| format!("quote(old.\"{c}\")")).collect::<Vec<_>>().join("||','||");
        let capture = |stmt: String| {
            format!(
                "INSERT INTO history_entry (history, stmt) SELECT history, {stmt} FROM history_capture WHERE history IS NOT NULL;"
            )
        };
        let sql = format!(
            "DROP TRIGGER IF EXISTS \"undo_{t}_insert\";
             DROP TRIGGER IF EXISTS \"undo_{t}_update\";
             DROP TRIGGER IF EXISTS \"undo_{t}_delete\";
             CREATE TRIGGER \"undo_{t}_insert\" AFTER INSERT ON \"{t}\" BEGIN {ins} END;
             CREATE TRIGGER \"undo_{t}_update\" AFTER UPDATE ON \"{t}\" BEGIN {upd} END;
             CREATE TRIGGER \"undo_{t}_delete\" BEFORE DELETE ON \"{t}\" BEGIN {del} END;",
            ins = capture(format!("'DELETE FROM \"{t}\" WHERE rowid='||new.rowid")),
            upd = capture(format!("'UPDATE \"{t}\" SET '||{set}||' WHERE rowid='||old.rowid")),
            del = capture(format!("'INSERT INTO \"{t}\" (rowid,{names}) VALUES ('||old.rowid||','||{values}||')'")),
        );
        conn.execute_batch(&sql)?;
    }
    Ok(())
}

/// Starts capturing a change: drops the redo stack and opens a history row.
pub(crate) fn begin(tx: &Transaction, label: &str, stamp: &Stamp) -> Result<i64> {
    if tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM history WHERE undone = 1)")?
        .query_row([], |r| r.get::<_, bool>(0))?
    {
        tx.prepare_cached("DELETE FROM history_entry WHERE history IN (SELECT id FROM history WHERE undone = 1)")?
            .execute([])?;
        tx.prepare_cached("DELETE FROM history WHERE undone = 1")?.execute([])?;
    }
    tx.prepare_cached("INSERT INTO history (label, at, by, undone) VALUES (?1, ?2, ?3, 0)")?.execute(params![
        label,
        stamp.at.to_string(),
        stamp.by
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("UPDATE history_capture SET history = ?1 WHERE id = 1")?.execute([id])?;
    Ok(id)
}

/// Stops capturing. A change that captured nothing is no undo step. Keeps at most `MAX_UNDO`.
pub(crate) fn finish(tx: &Transaction, hid: i64) -> Result<()> {
    tx.prepare_cached("UPDATE history_capture SET history = NULL WHERE id = 1")?.execute([])?;
    let captured: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM history_entry WHERE history = ?1)")?
        .query_row([hid], |r| r.get(0))?;
    if !captured {
        tx.prepare_cached("DELETE FROM history WHERE id = ?1")?.execute([hid])?;
    } else if hid % 64 == 0 {
        let cutoff = hid - MAX_UNDO;
        tx.prepare_cached("DELETE FROM history_entry WHERE history <= ?1")?.execute([cutoff])?;
        tx.prepare_cached("DELETE FROM history WHERE id <= ?1")?.execute([cutoff])?;
    }
    Ok(())
}

/// Forgets every undo and redo step (for a freshly built catalog, such as the demo, whose
/// first Ctrl+Z must not start taking it apart).
#[cfg(any(test, feature = "demo"))]
pub(crate) fn clear(tx: &Transaction) -> Result<()> {
    tx.execute("DELETE FROM history_entry", [])?;
    tx.execute("DELETE FROM history", [])?;
    Ok(())
}

/// One entry of the undo or redo stack.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HistoryStep"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: i64,
    pub label: String,
    pub at: Timestamp,
    pub by: String,
}

/// Which way to move through the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Undo,
    Redo,
}

fn next_step(conn: &Connection, dir: Direction) -> Result<Option<Step>> {
    let sql = match dir {
        Direction::Undo => "SELECT id, label, at, by FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1",
        Direction::Redo => "SELECT id, label, at, by FROM history WHERE undone = 1 ORDER BY id ASC LIMIT 1",
    };
    conn.query_row(sql, [], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })
    .optional()?
    .map(|(id, label, at, by)| Ok(Step { id, label, at: at.parse()?, by }))
    .transpose()
}

/// The step that undo (or redo) would apply next, if any.
pub(crate) fn peek(conn: &Connection, dir: Direction) -> Result<Option<Step>> {
    next_step(conn, dir)
}

/// Undoes the latest change, or redoes the latest undone one, in one transaction. Returns the
/// step moved over, or `None` when there is nothing to move over.
pub(crate) fn replay(conn: &mut Connection, dir: Direction, stamp: &Stamp) -> Result<Option<Step>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(step) = next_step(&tx, dir)? else {
        return Ok(None);
    };
    let stmts: Vec<(i64, String)> = {
        let mut st = tx.prepare("SELECT id, stmt FROM history_entry WHERE history = ?1 ORDER BY id DESC")?;
        st.query_map([step.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    tx.execute("DELETE FROM history_entry WHERE history = ?1", [step.id])?;
    tx.pragma_update(None, "defer_foreign_keys", "ON")?;
    tx.execute("UPDATE history_capture SET history = ?1 WHERE id = 1", [step.id])?;
    for (_, stmt) in &stmts {
        tx.execute_batch(stmt).map_err(|e| CoreError::internal(format!("could not replay '{}': {e}", step.label)))?;
    }
    tx.execute("UPDATE history_capture SET history = NULL WHERE id = 1", [])?;
    let undone = matches!(dir, Direction::Undo);
    tx.execute("UPDATE history SET undone = ?1 WHERE id = ?2", params![undone, step.id])?;
    let action = if undone { "undo" } else { "redo" };
    tx.execute(
        "INSERT INTO audit_log (at, by, action, object, detail) VALUES (?1, ?2, ?3, NULL, ?4)",
        params![stamp.at.to_string(), stamp.by, action, step.label],
    )?;
    tx.commit()?;
    Ok(Some(step))
}
