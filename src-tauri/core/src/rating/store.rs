//! Scenarios saved in the catalog: several per structure or customer, keyed by subject and
//! name, stored as their canonical JSON in the `scenario` table (migration 2). Saving and
//! deleting are `Change::SaveScenario` / `Change::DeleteScenario`, so they are undoable like
//! any edit (the table is content: its undo triggers are generated with the others). A
//! structure's or customer's scenarios go with it when it is deleted (SQL triggers of the
//! migration), so the catalog never holds a scenario of nothing.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};

use super::scenario::Scenario;

/// Every saved scenario, by subject (kind, then number) and name.
pub fn scenarios(conn: &Connection) -> Result<Vec<Scenario>> {
    read(conn, None)
}

/// The saved scenarios of one structure or customer, by name.
pub fn scenarios_of(conn: &Connection, subject: Id) -> Result<Vec<Scenario>> {
    read(conn, Some(subject))
}

fn read(conn: &Connection, subject: Option<Id>) -> Result<Vec<Scenario>> {
    let mut st = conn.prepare_cached(
        "SELECT body FROM scenario WHERE ?1 IS NULL OR subject = ?1 ORDER BY subject_kind, subject_n, name",
    )?;
    let bodies = st.query_map([subject.map(|s| s.to_string())], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for b in bodies {
        let b = b?;
        out.push(
            serde_json::from_str(&b)
                .map_err(|e| CoreError::internal(format!("a saved scenario cannot be read ({e}): {b}")))?,
        );
    }
    Ok(out)
}

/// The saved scenario `name` of `subject`; a missing one is refused naming those saved.
pub fn scenario(conn: &Connection, subject: Id, name: &str) -> Result<Scenario> {
    let all = scenarios_of(conn, subject)?;
    if let Some(s) = all.iter().find(|s| s.name == name.trim()) {
        return Ok(s.clone());
    }
    let names: Vec<String> = all.iter().map(|s| format!("'{}'", s.name)).collect();
    Err(CoreError::not_found(if names.is_empty() {
        format!("scenario: {subject} has no saved scenario '{name}' (it has none yet); save one with `plansmith scenario save`, or rate with --sites/--services and --usage")
    } else {
        format!("scenario: {subject} has no saved scenario '{name}'; its scenarios are {}", names.join(", "))
    })
    .with_field("scenario"))
}

fn subject_exists(tx: &Transaction, subject: Id) -> Result<()> {
    let found: bool = tx.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE id = ?1)", subject.kind.table()),
        [subject.n],
        |r| r.get(0),
    )?;
    if found {
        Ok(())
    } else {
        Err(CoreError::not_found(format!("subject: there is no {} {subject} in this catalog", subject.kind.label()))
            .with_field("subject"))
    }
}

/// Saves `scenario` (a new one, or replacing the saved one of the same subject and name).
pub fn save_in(tx: &Transaction, scenario: &Scenario) -> Result<()> {
    let mut sc = scenario.clone();
    sc.name = sc.name.trim().to_string();
    sc.check()?;
    subject_exists(tx, sc.subject)?;
    for b in &sc.purchases {
        let side: Option<String> =
            tx.query_row("SELECT side FROM bolt_on_add_on WHERE id = ?1", [b.add_on.n], |r| r.get(0)).optional()?;
        if side.as_deref() != Some("SELL") {
            return Err(CoreError::invalid(
                "purchases",
                format!(
                    "scenario '{}': {} is not a SELL add-on of this catalog; name the SELL add-on the customer buys",
                    sc.name, b.add_on
                ),
            ));
        }
    }
    write(tx, &sc)
}

/// Inserts or replaces one scenario row (also used by the interchange loader).
pub(crate) fn write(tx: &Transaction, sc: &Scenario) -> Result<()> {
    let body = serde_json::to_string(sc).expect("a scenario serialises");
    tx.execute(
        "INSERT INTO scenario (subject, subject_kind, subject_n, name, body) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (subject, name) DO UPDATE SET body = excluded.body",
        params![sc.subject.to_string(), kind_rank(sc.subject.kind), sc.subject.n, sc.name, body],
    )?;
    Ok(())
}

fn kind_rank(k: EntityKind) -> i64 {
    if k == EntityKind::Customer { 0 } else { 1 }
}

/// Deletes the saved scenario `name` of `subject`.
pub fn delete_in(tx: &Transaction, subject: Id, name: &str) -> Result<()> {
    let n =
        tx.execute("DELETE FROM scenario WHERE subject = ?1 AND name = ?2", params![subject.to_string(), name.trim()])?;
    if n == 0 {
        return Err(CoreError::not_found(format!(
            "scenario: {subject} has no saved scenario '{name}'; `plansmith scenario list FILE {subject}` lists them"
        ))
        .with_field("scenario"));
    }
    Ok(())
}

/// The table, its ordering columns and the triggers that delete a subject's scenarios with it.
pub(crate) const MIGRATION: &str = r#"
CREATE TABLE scenario (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    subject_kind INTEGER NOT NULL,
    subject_n INTEGER NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (subject, name)
);
CREATE TRIGGER scenario_of_structure AFTER DELETE ON structure
BEGIN DELETE FROM scenario WHERE subject = 'ST-' || old.id; END;
CREATE TRIGGER scenario_of_customer AFTER DELETE ON customer
BEGIN DELETE FROM scenario WHERE subject = 'CU-' || old.id; END;
"#;
