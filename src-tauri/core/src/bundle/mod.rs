//! Approved plan bundles: what ops receive, verify, key in, and send back.
//!
//! A bundle is one zip file that any unzip tool opens. It holds `manifest.json` (identity,
//! counts, and the size and SHA-256 of every other entry), optionally its minisign signature
//! `manifest.json.minisig`, `catalog.json` (the approved objects and everything they depend
//! on, in the canonical interchange JSON) with `catalog.schema.json` beside it,
//! `build-sheet.html` (the printable keying sheet in the articles' order), `id-return.csv`
//! (the production ids ops send back), `changes.json` on a delta bundle, and the structure
//! diagrams under `diagrams/`. `docs/bundle-format.md` describes the format for people.
//!
//! Why it is built like this:
//! - **Refuse, never hand over half-right work** (LIF-03): an export is refused, with every
//!   blocking object and finding listed, when anything in it is not approved or live or has
//!   errors ([`select`]). [`preview`] says all of that without writing anything, for the
//!   export dialog.
//! - **Deterministic**: no clock, no randomness, no machine in the bytes. Time and identity
//!   come in as a [`crate::Stamp`]; the bundle id is derived from the content and that time; the zip
//!   crate writes the archive with fixed options ([`archive`]), so entry order, dates and
//!   attributes are fixed. The same
//!   catalog exported with the same `SOURCE_DATE_EPOCH` gives the same bytes, and so does an
//!   export of a catalog imported from the bundle.
//! - **Never a partial bundle**: written to a temporary file beside the target, flushed to
//!   disk, then renamed; then the export is recorded in the catalog's audit log.
//! - **Hostile input is expected** when reading ([`read`]): everything is checked in memory,
//!   nothing is extracted, every refusal is a clear error, nothing panics.

pub mod archive;
pub mod diagrams;
pub mod diff;
pub mod export;
pub mod ids_return;
pub mod import;
pub mod manifest;
pub use crate::new_file;
pub mod order;
pub mod read;
pub mod select;
pub mod sheet;
pub mod sign;
pub mod verify;

pub use diff::{Diff, diff};
pub use export::{ExportOptions, Exported, Preview, PreviewObject, build, preview};
pub use ids_return::IdsReturn;
pub use import::import;
pub use manifest::Manifest;
pub use read::{Bundle, Limits};
pub use verify::{Verification, verify};

/// Entry names, in the order they are written.
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.minisig";
pub const CATALOG: &str = "catalog.json";
pub const SCHEMA: &str = "catalog.schema.json";
pub const SHEET: &str = "build-sheet.html";
pub const IDS: &str = "id-return.csv";
pub const CHANGES: &str = "changes.json";
pub const DIAGRAMS_DIR: &str = "diagrams/";

/// The JSON Schema of `catalog.json` (the interchange format), as shipped in every bundle.
pub const CATALOG_SCHEMA: &str = include_str!("../../../../schema/catalog.schema.json");
