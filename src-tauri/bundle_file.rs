//! Exporting a bundle from the window: the signing key is read and the export checked before
//! the save dialog opens (a refusal lists every blocker and asks for no file), the dialog
//! suggests a name from the catalog and the structures, and the core writes the file.

use plansmith_core::bundle::{self, ExportOptions, Exported};
use plansmith_core::{CoreError, Id};

use crate::file_dialogs::{FileDialogs, Purpose};
use crate::ipc_error::IpcError;
use crate::launch::stamp_now;
use crate::open_catalog::OpenCatalog;
use crate::wire::{ChosenKey, ExportRequest, SignWith};

/// Exports a bundle where the person says: the key is read first and the export is checked
/// (a refusal lists every blocker, and no dialog opens), then the save dialog asks where; a
/// cancelled dialog writes nothing (`None`). The core writes the file (never partially, never
/// over an existing one) and records the export in the audit log.
pub async fn export_bundle_with(
    catalog: &OpenCatalog,
    dialogs: &dyn FileDialogs,
    request: ExportRequest,
) -> Result<Option<Exported>, IpcError> {
    let ExportRequest { structures, sign } = request;
    let key = match sign {
        Some(SignWith { key, password }) => Some(
            tauri::async_runtime::spawn_blocking(move || -> Result<bundle::sign::SecretKey, CoreError> {
                let text = std::fs::read_to_string(&key).map_err(|e| {
                    CoreError::invalid("key", format!("cannot read the secret key {}: {e}", key.display()))
                })?;
                bundle::sign::secret_key(&text, password.as_deref().filter(|p| !p.is_empty()))
            })
            .await
            .map_err(|e| IpcError::internal(format!("the key reader stopped: {e}")))??,
        ),
        None => None,
    };
    let opts = ExportOptions { structures, since: None };
    let checked = opts.clone();
    let suggested = catalog
        .with(move |c| {
            let preview = c.preview_bundle(&checked)?;
            if !preview.blockers.is_empty() {
                return Err(bundle::export::refused(&preview.blockers));
            }
            let settings = c.reference_data()?.settings;
            Ok(suggested_bundle_name(&settings.catalog_id, &preview.structures, checked.structures.is_empty()))
        })
        .await?;
    let Some(path) = dialogs.ask(Purpose::SaveBundle, &suggested).await else {
        return Ok(None);
    };
    let exported =
        catalog.with_session(move |s| s.catalog_mut().export_bundle(&path, &opts, key.as_ref(), &stamp_now())).await?;
    Ok(Some(exported))
}

/// The save dialog's suggestion: `CATALOG-ST-1-ST-2-2026-01-01.zip`, `CATALOG-catalog-….zip`
/// for the whole catalog, `CATALOG-12-structures-….zip` for many.
pub fn suggested_bundle_name(catalog_id: &str, structures: &[Id], whole: bool) -> String {
    let safe: String = catalog_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '-' })
        .collect();
    let safe = if safe.trim_matches(['-', '.']).is_empty() { "bundle".to_string() } else { safe };
    let what = match structures.len() {
        _ if whole => "catalog".to_string(),
        0..=3 => structures.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("-"),
        n => format!("{n}-structures"),
    };
    let day = stamp_now().at.to_string().chars().take(10).collect::<String>();
    format!("{safe}-{what}-{day}.zip")
}

/// Asks for the secret key to sign with, and says whether it needs a password. A file that
/// is not a minisign secret key is refused at once; `None`: cancelled.
pub async fn choose_signing_key_with(dialogs: &dyn FileDialogs) -> Result<Option<ChosenKey>, IpcError> {
    let Some(path) = dialogs.ask(Purpose::SigningKey, "").await else {
        return Ok(None);
    };
    tauri::async_runtime::spawn_blocking(move || -> Result<Option<ChosenKey>, CoreError> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| CoreError::invalid("key", format!("cannot read {} as a secret key: {e}", path.display())))?;
        let needs_password = bundle::sign::needs_password(&text).map_err(|e| {
            CoreError::invalid(
                "key",
                format!(
                    "{} is not a minisign secret key ({}); `plansmith keygen --out ops.key` makes one",
                    path.display(),
                    e.message()
                ),
            )
        })?;
        Ok(Some(ChosenKey { path, needs_password }))
    })
    .await
    .map_err(|e| IpcError::internal(format!("the key reader stopped: {e}")))?
    .map_err(IpcError::from)
}
