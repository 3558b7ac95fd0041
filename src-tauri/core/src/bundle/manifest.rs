//! `manifest.json`: the bundle's table of contents and identity. It says what the bundle is
//! (format, version, bundle id, catalog, customer, who made it and when, with which program),
//! what it holds (counts per kind, the structures), and lists every other entry with its size
//! and SHA-256, so that `sha256sum`, `plansmith verify` or a reviewer can prove nothing was
//! changed, added, removed or renamed. Signing the manifest (minisign) signs the whole bundle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{CoreError, ErrorKind, Result};
use crate::value::Timestamp;

/// The value of `"format"` in every manifest.
pub const FORMAT: &str = "plansmith-bundle";
/// The newest manifest `"format_version"` this program reads, and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

/// The program that wrote a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    pub version: String,
}

/// One entry of the bundle other than the manifest and its signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRecord {
    pub name: String,
    pub size: u64,
    /// Lower-case hex, as `sha256sum` prints it.
    pub sha256: String,
}

/// What a delta bundle is relative to.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeltaOf {
    /// The earlier bundle's id.
    pub bundle_id: String,
    /// Its `created_at`.
    pub created_at: Timestamp,
    /// Objects new since then.
    pub added: Vec<String>,
    /// Objects whose fields changed since then.
    pub changed: Vec<String>,
    /// Objects in the earlier bundle and not in this one.
    pub removed: Vec<String>,
}

/// The manifest, in its key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub bundle_id: String,
    pub catalog_id: String,
    pub catalog_name: String,
    /// The service provider the catalog is designed for (the consultant's customer).
    pub customer: String,
    pub currency: String,
    pub created_at: Timestamp,
    pub created_by: String,
    pub application: Application,
    /// The structures exported (all of the catalog's when none were chosen).
    pub structures: Vec<String>,
    /// Objects per kind, by canonical kind name (sorted).
    pub counts: BTreeMap<String, u64>,
    /// Present on a delta bundle.
    pub delta_of: Option<DeltaOf>,
    pub entries: Vec<EntryRecord>,
}

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// `bytes` in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The bundle id: derived from what is exported and when, never random, so the same export
/// at the same instant has the same id. "PSB-" and 20 hex digits of
/// SHA-256("plansmith-bundle/1\n" created_at "\n" sha256(catalog.json) "\n" delta base).
pub fn bundle_id(created_at: Timestamp, catalog_sha256: &str, delta_of: Option<&str>) -> String {
    let seed = format!("{FORMAT}/{FORMAT_VERSION}\n{created_at}\n{catalog_sha256}\n{}", delta_of.unwrap_or(""));
    format!("PSB-{}", &sha256_hex(seed.as_bytes())[..20])
}

impl Manifest {
    /// Canonical text: pretty JSON, 2-space indent, trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("the manifest always serialises");
        s.push('\n');
        s
    }

    /// Parses a manifest, refusing another format or a newer version with a clear message.
    pub fn parse(bytes: &[u8]) -> Result<Manifest> {
        let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            CoreError::new(ErrorKind::InvalidInput, format!("manifest.json is not valid JSON ({e})"))
                .with_field("manifest.json")
        })?;
        match v.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            _ => {
                return Err(CoreError::new(
                    ErrorKind::IncompatibleFile,
                    format!("manifest.json does not say \"format\": \"{FORMAT}\"; this is not a Plansmith bundle"),
                )
                .with_field("manifest.json"));
            }
        }
        if let Some(n) = v.get("format_version").and_then(|n| n.as_u64())
            && n > FORMAT_VERSION as u64
        {
            return Err(CoreError::new(
                ErrorKind::IncompatibleFile,
                format!("the bundle is format version {n}, but this Plansmith reads up to {FORMAT_VERSION}; update Plansmith to read it"),
            )
            .with_field("manifest.json"));
        }
        serde_json::from_value(v).map_err(|e| {
            CoreError::new(
                ErrorKind::InvalidInput,
                format!("manifest.json does not have the bundle manifest's fields: {e}"),
            )
            .with_field("manifest.json")
        })
    }
}
