//! Importing a bundle into a new catalog file (`plansmith import`): the consultant who receives
//! a bundle (or gets back the one they sent) can open, check, diff and re-export it.
//!
//! Only a bundle that verifies is imported (hashes, signature when a key is given, schema,
//! rules), so a tampered or hostile file never becomes a catalog. The catalog is created by
//! the interchange loader with the bundle's ids, catalog id and settings, so exporting it
//! again with the same stamp gives the same bytes. The import itself is then recorded in the
//! new catalog's audit log (bundles never carry the audit log, so this does not leak into a
//! re-export).

use std::path::Path;

use minisign::PublicKey;

use super::read::{Bundle, Limits};
use super::verify::verify;
use crate::error::{CoreError, Result};
use crate::interchange;
use crate::lifecycle::audit;
use crate::store::Catalog;
use crate::value::Stamp;

/// Creates a NEW catalog at `path` from the bundle in `bytes` (refused if `path` exists or
/// the bundle does not verify).
pub fn import(bytes: &[u8], path: &Path, pk: Option<&PublicKey>, stamp: &Stamp) -> Result<Catalog> {
    let limits = Limits::default();
    let v = verify(bytes, pk, &limits)?;
    if !v.ok() {
        let lines: Vec<String> = v.problems.iter().map(|p| format!("  - {}", p.message)).collect();
        return Err(CoreError::lifecycle(format!(
            "the bundle does not verify, so it was not imported; `plansmith verify` shows the same:\n{}",
            lines.join("\n")
        )));
    }
    let bundle = Bundle::from_bytes(bytes, &limits)?;
    let text = std::str::from_utf8(&bundle.entry(super::CATALOG).map(|e| e.data.clone()).unwrap_or_default())
        .map_err(|_| CoreError::invalid("catalog.json", "catalog.json is not UTF-8"))?
        .to_string();
    let mut catalog = interchange::load(path, &text, stamp)?;
    let detail = format!(
        "created from bundle {} (exported {} by {})",
        bundle.manifest.bundle_id, bundle.manifest.created_at, bundle.manifest.created_by
    );
    catalog.record(|tx| audit(tx, stamp, "import", None, &detail))?;
    Ok(catalog)
}
