//! The main window. It is declared in `tauri.conf.json` with `"create": false` and built here,
//! so that it opens with its final title (the file it edits) and so that the capability that
//! grants the commands (`capabilities/main.json`, window label `main`) has exactly one window
//! to apply to.

use std::path::Path;

use anyhow::Context;
use tauri::{App, WebviewWindowBuilder};

/// Label of the main window; `capabilities/main.json` grants the commands to this label only.
pub const LABEL: &str = "main";

/// "Plansmith — demo.plansmith": the product and the file being edited.
pub fn title(catalog_path: &Path) -> String {
    match catalog_path.file_name() {
        Some(name) => format!("Plansmith — {}", name.to_string_lossy()),
        None => "Plansmith".to_owned(),
    }
}

/// Builds the main window from its configuration, titled after the catalog file.
pub fn open(app: &App, catalog_path: &Path) -> anyhow::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == LABEL)
        .context("tauri.conf.json declares no window labelled \"main\"")?;
    WebviewWindowBuilder::from_config(app.handle(), config)?.title(title(catalog_path)).build()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_names_the_file_not_the_folder() {
        assert_eq!(title(Path::new("/home/ana/.local/share/plansmith/demo.plansmith")), "Plansmith — demo.plansmith");
    }
}
