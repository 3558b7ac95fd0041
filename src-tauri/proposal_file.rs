//! Saving the client's proposal as a PDF where the person says: the content is gathered and
//! rated first (an unknown scenario or a catalog without prices fails before any dialog), the
//! save dialog suggests "<customer> proposal.pdf", and the PDF is typeset on the blocking pool
//! and written whole or not at all. The proposal itself is the core's
//! (`plansmith_core::proposal`); this only asks where it goes.

use plansmith_core::proposal::{self, Request};
use plansmith_core::rating::store;

use crate::file_dialogs::{FileDialogs, Purpose};
use crate::ipc_error::IpcError;
use crate::open_catalog::OpenCatalog;
use crate::wire::{ExportProposalRequest, SavedProposal};

/// The name the save dialog starts with: "<title> proposal.pdf" without the characters file
/// systems refuse or treat as folders.
pub fn suggested_file_name(title: &str) -> String {
    let cleaned: String =
        title
            .chars()
            .filter(|c| *c != '\u{200B}')
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
    let stem: String = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let stem: String = stem.trim_matches(|c: char| c == '.' || c == '-' || c == ' ').chars().take(80).collect();
    if stem.trim().is_empty() { "proposal.pdf".to_string() } else { format!("{} proposal.pdf", stem.trim_end()) }
}

/// `export_proposal`: gathers the proposal of the subject over its saved scenarios, asks where
/// to save it, typesets it and writes it atomically. A cancelled dialog writes nothing and
/// answers `path: null`.
pub async fn export_proposal_with(
    catalog: &OpenCatalog,
    dialogs: &dyn FileDialogs,
    request: ExportProposalRequest,
) -> Result<SavedProposal, IpcError> {
    let ExportProposalRequest { subject, scenarios, date } = request;
    let content = catalog
        .with_session(move |s| {
            let cat = s.catalog();
            let chosen =
                scenarios.iter().map(|n| store::scenario(cat.conn(), subject, n)).collect::<Result<Vec<_>, _>>()?;
            proposal::content(&cat.snapshot()?, &Request { subject, scenarios: &chosen, date })
        })
        .await?;
    let Some(path) = dialogs.ask(Purpose::SaveProposal, &suggested_file_name(&content.title)).await else {
        return Ok(SavedProposal { path: None, pages: 0 });
    };
    let shown = path.display().to_string();
    let pages = tauri::async_runtime::spawn_blocking(move || -> Result<u32, IpcError> {
        let pdf = proposal::pdf(&content)?;
        // Whole or not at all; the error names the path, the cause and what to do.
        plansmith_core::new_file::write_replacing(&path, &pdf.bytes).map_err(|e| {
            let mut error = IpcError::from(e);
            error.field = Some("path".into());
            error
        })?;
        Ok(pdf.pages as u32)
    })
    .await
    .map_err(|error| IpcError::internal(format!("the proposal worker stopped: {error}")))??;
    Ok(SavedProposal { path: Some(shown), pages })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_names_are_safe_file_names() {
        assert_eq!(suggested_file_name("Harbour Cafés Pty Ltd"), "Harbour Cafés Pty Ltd proposal.pdf");
        assert_eq!(suggested_file_name("a/b:c*d?"), "a b c d proposal.pdf");
        assert_eq!(suggested_file_name("  ..  "), "proposal.pdf");
    }
}
