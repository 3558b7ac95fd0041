//! The edit layer: the one write path for every user edit. The window, the CLI
//! (`plansmith apply`), the demo, the interchange loader's tests and the property tests all go
//! through [`Catalog::apply`], so each edit is validated, guarded by the lifecycle, captured for
//! undo, and committed as one transaction in exactly one place.
//!
//! Layers, each importing only those below it:
//! - `change` and `plan_field`: the [`Change`] type (its JSON is the wire format) and
//!   [`PlanField`], with no database code;
//! - `plain`: the plain edits, one file per row family, which know nothing of recipes;
//! - `recipe`: composite edits (the build step, the data pool), each writing a list of plain
//!   changes from a snapshot, applied inside the same transaction;
//! - this file: [`Catalog::apply`], which sends a change to its recipe or to `plain`.

use rusqlite::Transaction;
use serde::Serialize;

use crate::error::Result;
use crate::id::Id;
use crate::store::Catalog;
use crate::value::Stamp;

mod change;
pub(crate) mod plain;
mod plan_field;
pub mod recipe;

pub use change::Change;
pub use plan_field::PlanField;

/// What an applied change did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The undo label ("Set setup_fee of SP-3").
    pub label: String,
    /// The id of the object the change created, if any.
    pub created: Option<Id>,
}

impl Catalog {
    /// Applies one change as one undoable, durable transaction.
    pub fn apply(&mut self, change: &Change, stamp: &Stamp) -> Result<Applied> {
        let label = change.label();
        let created = self.change(&label, stamp, |tx| apply_in(tx, change))?;
        Ok(Applied { label, created })
    }
}

/// Applies `change` inside `tx`: a recipe's change as the list its recipe writes, any other
/// as its plain edit. Returns the id of the object it created, if any.
fn apply_in(tx: &Transaction, change: &Change) -> Result<Option<Id>> {
    match change {
        Change::BuildStep { structure, step } => {
            recipe::apply(tx, &recipe::build_step::BuildStep { structure: *structure, step: *step }).map(Some)
        }
        Change::CreateDataPool { customer, name, service_type, quota_kb, excess_rate, buy_excess_rate } => {
            let pool = recipe::data_pool::DataPool {
                customer: *customer,
                name,
                service_type,
                quota_kb: *quota_kb,
                excess_rate: *excess_rate,
                buy_excess_rate: *buy_excess_rate,
            };
            recipe::apply(tx, &pool).map(Some)
        }
        plain => plain::apply(tx, plain),
    }
}
