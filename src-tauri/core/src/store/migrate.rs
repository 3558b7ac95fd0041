//! Applies the schema migrations. All pending migrations, the version bump, the
//! `application_id` and the regenerated undo triggers commit together or not at all, so an
//! interrupted upgrade leaves the catalog at its old version, intact.

use rusqlite::{Connection, TransactionBehavior};

use super::{history, schema};
use crate::error::{CoreError, Result};

pub(crate) fn upgrade(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let from: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if from > schema::SCHEMA_VERSION {
        return Err(CoreError::internal("upgrade called on a newer catalog"));
    }
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.execute_batch(sql).map_err(|e| CoreError::internal(format!("catalog migration {} failed: {e}", i + 1)))?;
    }
    history::install_triggers(&tx)?;
    tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", schema::SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}
