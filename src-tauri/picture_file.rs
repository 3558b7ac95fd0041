//! Saving a diagram as an SVG or PNG file where the person says: the layout is drawn first
//! (a bad request fails before any dialog), the save dialog suggests the diagram's title as a
//! safe file name, and the file is written whole or not at all.

use plansmith_core::diagram::{self, Diagram};

use crate::file_dialogs::{FileDialogs, Purpose};
use crate::ipc_error::IpcError;
use crate::open_catalog::OpenCatalog;
use crate::wire::{ExportDiagramRequest, PictureFormat, SavedPicture};

/// The name the save dialog starts with: the diagram's title without the characters file
/// systems refuse or treat as folders.
pub fn suggested_file_name(d: &Diagram, format: PictureFormat) -> String {
    let cleaned: String =
        d.title
            .chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let stem: String =
        words.join(" ").trim_matches(|c: char| c == '.' || c == '-' || c == ' ').chars().take(100).collect();
    let stem = if stem.trim().is_empty() { "diagram" } else { stem.trim_end() };
    let extension = match format {
        PictureFormat::Svg => "svg",
        PictureFormat::Png => "png",
    };
    format!("{stem}.{extension}")
}

/// `export_diagram`: lays out the picture (so a bad request fails before any dialog), asks
/// where to save it, renders it (SVG by the core's writer; PNG rasterised from that SVG) and
/// writes it atomically. A cancelled dialog writes nothing and answers `path: null`.
pub async fn export_diagram_with(
    catalog: &OpenCatalog,
    dialogs: &dyn FileDialogs,
    request: ExportDiagramRequest,
) -> Result<SavedPicture, IpcError> {
    let ExportDiagramRequest { of, format } = request;
    let d = catalog.with_session(move |s| s.draw(of)).await?;
    let purpose = match format {
        PictureFormat::Svg => Purpose::SaveSvg,
        PictureFormat::Png => Purpose::SavePng,
    };
    let Some(path) = dialogs.ask(purpose, &suggested_file_name(&d, format)).await else {
        return Ok(SavedPicture { path: None });
    };
    let shown = path.display().to_string();
    tauri::async_runtime::spawn_blocking(move || -> Result<(), IpcError> {
        let bytes = match format {
            PictureFormat::Svg => diagram::svg::write(&d).into_bytes(),
            PictureFormat::Png => diagram::png::write(&d)?,
        };
        // Whole or not at all; the error names the path, the cause and what to do.
        plansmith_core::new_file::write_replacing(&path, &bytes).map_err(|e| {
            let mut error = IpcError::from(e);
            error.field = Some("path".into());
            error
        })
    })
    .await
    .map_err(|error| IpcError::internal(format!("the export worker stopped: {error}")))??;
    Ok(SavedPicture { path: Some(shown) })
}
