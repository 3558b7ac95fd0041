//! Plansmith's core: everything the desktop app and the `plansmith` command line share, with
//! no Tauri in it. It holds the Emersion plan model (domain.md §2–§3), the SQLite catalog store
//! with undo/redo, the rules of §6, the lifecycle of §5, the build progress of §4, and the
//! canonical JSON interchange.
//!
//! Architecture invariant: this crate never depends on Tauri, a window or a clock; time and
//! identity are passed in as a [`Stamp`].

pub mod audience;
pub mod bundle;
pub mod candidates;
pub mod chart;
pub mod customers;
#[cfg(any(test, feature = "demo"))]
pub mod demo;
pub mod detail;
pub mod diagram;
pub mod edit;
mod error;
mod id;
pub mod interchange;
pub mod lifecycle;
mod live_fields;
pub mod markup;
pub mod model;
pub mod new_file;
mod overview;
pub mod progress;
pub mod query;
pub mod rating;
mod reference;
pub mod relations;
pub mod rules;
pub mod session;
pub mod snapshot;
mod store;
#[cfg(any(test, feature = "synth"))]
pub mod synth;
mod value;

pub use audience::Audience;
pub use edit::{Applied, Change, PlanField};
pub use error::{CoreError, ErrorKind, Result};
pub use id::{EntityKind, Id};
pub use overview::Overview;
pub use reference::ReferenceData;
pub use rules::{Finding, Severity};
pub use session::Session;
pub use snapshot::{Scope, Snapshot};
pub use store::{Catalog, NewCatalog};
pub use value::{Currency, CurrencyChoice, Date, Money, Stamp, Timestamp};
