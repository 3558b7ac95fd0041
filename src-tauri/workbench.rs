//! Everything a command can reach: the open catalog, the file dialogs, the recent-catalogs
//! list and the window's title. Managed as one Tauri state so that `commands::dispatch` (and
//! its tests) get all of it from one place, and tests build it with scripted dialogs and a
//! title they can read.

use std::path::Path;

use crate::file_dialogs::FileDialogs;
use crate::open_catalog::OpenCatalog;
use crate::recent_catalogs::RecentCatalogs;

/// Sets the window's title after the catalog file changes.
pub type Retitle = Box<dyn Fn(&Path) + Send + Sync>;

/// Managed Tauri state behind every command.
pub struct Workbench {
    pub catalog: OpenCatalog,
    pub dialogs: Box<dyn FileDialogs>,
    pub recent: RecentCatalogs,
    pub retitle: Retitle,
}
