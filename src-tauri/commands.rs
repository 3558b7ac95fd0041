//! The Tauri commands: the whole API the UI can call.
//!
//! Each command is a thin async adapter: it takes the [`OpenCatalog`] state, runs one core call
//! through it (on a blocking worker), and returns the core's own serializable type or an
//! [`IpcError`]. No catalog logic lives here. Adding a command means adding it here, to
//! `generate_handler!` in `lib.rs`, to `COMMANDS` in `build.rs` (which creates its
//! `allow-…` permission), to `capabilities/main.json`, and to `ui/src/lib/backend.ts`.

use plansmith_core::Overview;
use tauri::State;

use crate::ipc_error::IpcError;
use crate::open_catalog::OpenCatalog;

/// The first screen: catalog header, object counts per kind, and build progress per structure.
#[tauri::command]
pub async fn catalog_overview(catalog: State<'_, OpenCatalog>) -> Result<Overview, IpcError> {
    catalog.with(|catalog| catalog.overview()).await
}
