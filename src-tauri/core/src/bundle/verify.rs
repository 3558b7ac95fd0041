//! Verifying a bundle (`plansmith verify`): is it exactly what Plansmith wrote, signed by whom
//! it claims, and still a design ops may key in?
//!
//! Checked, each failure reported by entry name or object: every entry's size and SHA-256
//! against the manifest (an entry changed, added, removed, or renamed — removed under one name
//! and present with the same hash under another); the signature when present (with the public
//! key given); the manifest against the content (bundle id, catalog, counts); `catalog.json`
//! against the JSON Schema of the interchange format and the loader's reference checks; and
//! the design against the rules (errors, and LIF-03: only approved or live plans).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use minisign::PublicKey;
use serde::Serialize;

use super::manifest::{self, Manifest, sha256_hex};
use super::read::{Archive, Limits, Listed, MARGIN, manifest_of};
use super::{CATALOG, CATALOG_SCHEMA, MANIFEST, SIGNATURE, select, sign};
use crate::error::{CoreError, Result};
use crate::id::EntityKind;
use crate::interchange;
use crate::model::{Side, Status, Tier};
use crate::rules::{self, Severity};

/// What a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Changed,
    Added,
    Removed,
    Renamed,
    Signature,
    Manifest,
    Schema,
    Catalog,
    Rules,
}

/// One thing wrong with a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The entry (or, for rules, the object) it concerns.
    pub subject: String,
    pub message: String,
}

/// Whether and how the signature was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "detail")]
pub enum Signature {
    /// The bundle carries no signature.
    Unsigned,
    /// Signed, but no public key was given to check it.
    NotChecked,
    /// Signed and the signature holds; the trusted comment.
    Valid(String),
    /// The check failed (also listed in the problems).
    Invalid(String),
}

/// The outcome of a verification: no problems means the bundle is good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub bundle_id: Option<String>,
    pub entries: usize,
    pub signature: Signature,
    pub problems: Vec<Problem>,
    /// Warnings of the rules (they do not block).
    pub warnings: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn problem(kind: ProblemKind, subject: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { kind, subject: subject.into(), message: message.into() }
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema: serde_json::Value = serde_json::from_str(CATALOG_SCHEMA).expect("the embedded schema is JSON");
        jsonschema::draft202012::new(&schema).expect("the embedded schema compiles")
    })
}

/// Entries against the manifest: changed, added, removed, renamed. Only what the manifest
/// lists, with the size it lists, is inflated (hashed as it is inflated, never held, except
/// catalog.json, which is given back for the checks of its content); an entry it does not
/// list is reported from the directory alone, unless it may be a listed one renamed (same
/// size), which its hash then tells.
fn entries(m: &Manifest, a: &mut Archive, out: &mut Vec<Problem>) -> Result<Option<Vec<u8>>> {
    let listed: BTreeMap<&str, &manifest::EntryRecord> = m.entries.iter().map(|e| (e.name.as_str(), e)).collect();
    let present: BTreeMap<String, Listed> = a.entries().iter().map(|l| (l.name.clone(), l.clone())).collect();
    let unlisted = |n: &str| !listed.contains_key(n) && n != MANIFEST && n != SIGNATURE;
    let mut catalog = None;
    let mut renamed_to: Vec<String> = Vec::new();
    for (name, rec) in &listed {
        match present.get(*name) {
            Some(l) if l.size == rec.size => {
                let sha = if *name == CATALOG {
                    let data = a.read(l)?;
                    let sha = sha256_hex(&data);
                    catalog = Some(data);
                    sha
                } else {
                    a.sha256(l)?
                };
                if sha != rec.sha256 {
                    out.push(problem(
                        ProblemKind::Changed,
                        *name,
                        format!(
                            "{name} was changed: {} bytes with SHA-256 {sha}, but the manifest lists {} bytes with {}",
                            l.size, rec.size, rec.sha256
                        ),
                    ));
                }
            }
            Some(l) => {
                out.push(problem(
                    ProblemKind::Changed,
                    *name,
                    format!(
                        "{name} was changed: {} bytes, but the manifest lists {} bytes with SHA-256 {}",
                        l.size, rec.size, rec.sha256
                    ),
                ));
                // An edited catalog.json is still checked (schema, rules), within a margin.
                if *name == CATALOG {
                    if l.size <= rec.size.saturating_add(MARGIN) {
                        catalog = Some(a.read(l)?);
                    } else {
                        out.push(problem(
                            ProblemKind::Catalog,
                            CATALOG,
                            format!(
                                "catalog.json is {} bytes, far more than the {} the manifest lists, so it was not read",
                                l.size, rec.size
                            ),
                        ));
                    }
                }
            }
            None => {
                let mut twin = None;
                for (n, l) in present.iter().filter(|(n, l)| unlisted(n) && l.size == rec.size) {
                    if !renamed_to.contains(n) && a.sha256(l)? == rec.sha256 {
                        twin = Some(n.clone());
                        break;
                    }
                }
                match twin {
                    Some(to) => {
                        out.push(problem(ProblemKind::Renamed, *name, format!("{name} was renamed to {to}")));
                        renamed_to.push(to);
                    }
                    None => out.push(problem(
                        ProblemKind::Removed,
                        *name,
                        format!("{name} was removed (the manifest lists it)"),
                    )),
                }
            }
        }
    }
    for name in present.keys().filter(|n| unlisted(n) && !renamed_to.contains(n)) {
        out.push(problem(
            ProblemKind::Added,
            name.as_str(),
            format!("{name} was added (the manifest does not list it)"),
        ));
    }
    Ok(catalog)
}

fn signature(m_bytes: &[u8], sig: Option<&[u8]>, pk: Option<&PublicKey>, out: &mut Vec<Problem>) -> Signature {
    match (sig, pk) {
        (None, None) => Signature::Unsigned,
        (None, Some(_)) => {
            out.push(problem(
                ProblemKind::Signature,
                SIGNATURE,
                "a public key was given, but the bundle is not signed (no manifest.json.minisig)",
            ));
            Signature::Unsigned
        }
        (Some(_), None) => Signature::NotChecked,
        (Some(sig), Some(pk)) => {
            let text = String::from_utf8_lossy(sig);
            match sign::verify(m_bytes, &text, pk) {
                Ok(comment) => Signature::Valid(comment),
                Err(why) => {
                    out.push(problem(ProblemKind::Signature, SIGNATURE, why.clone()));
                    Signature::Invalid(why)
                }
            }
        }
    }
}

fn catalog(m: &Manifest, bytes: &[u8], out: &mut Vec<Problem>, warnings: &mut Vec<String>) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.push(problem(ProblemKind::Catalog, CATALOG, "catalog.json is not UTF-8 text"));
        return;
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => {
            for e in validator().iter_errors(&v).take(50) {
                out.push(problem(
                    ProblemKind::Schema,
                    CATALOG,
                    format!("catalog.json does not match its schema at {}: {e}", e.instance_path()),
                ));
            }
        }
        Err(e) => {
            out.push(problem(ProblemKind::Catalog, CATALOG, format!("catalog.json is not valid JSON ({e})")));
            return;
        }
    }
    let doc = match interchange::parse(text) {
        Ok(d) => d,
        Err(e) => {
            out.push(problem(ProblemKind::Catalog, CATALOG, format!("catalog.json: {}", e.message())));
            return;
        }
    };
    let catalog_sha = sha256_hex(bytes);
    let since = m.delta_of.as_ref().map(|d| d.bundle_id.as_str());
    if manifest::bundle_id(m.created_at, &catalog_sha, since) != m.bundle_id {
        out.push(problem(
            ProblemKind::Manifest,
            MANIFEST,
            format!(
                "the bundle id {} does not derive from catalog.json and created_at; the manifest was edited",
                m.bundle_id
            ),
        ));
    }
    if doc.settings.catalog_id != m.catalog_id || doc.settings.name != m.catalog_name {
        out.push(problem(
            ProblemKind::Manifest,
            MANIFEST,
            "the manifest names another catalog than catalog.json holds",
        ));
    }
    let s = select::snapshot_of(&doc);
    let mut counts: BTreeMap<String, u64> = EntityKind::ALL.iter().map(|k| (k.name().to_string(), 0)).collect();
    for (k, n) in [
        (EntityKind::PackagePlan, s.package_plans.len()),
        (EntityKind::ServicePlan, s.service_plans.len()),
        (EntityKind::BoltOn, s.bolt_ons.len()),
        (EntityKind::BoltOnAddOn, s.bolt_on_add_ons.len()),
        (EntityKind::BoltOnGroup, s.bolt_on_groups.len()),
        (EntityKind::BoltOnLink, s.bolt_on_links.len()),
        (EntityKind::Allowance, s.allowances.len()),
        (EntityKind::Customer, s.customers.len()),
        (EntityKind::Site, s.sites.len()),
        (EntityKind::Structure, s.structures.len()),
    ] {
        counts.insert(k.name().to_string(), n as u64);
    }
    if counts != m.counts {
        out.push(problem(
            ProblemKind::Manifest,
            MANIFEST,
            "the counts per kind in the manifest do not match catalog.json",
        ));
    }
    for p in s.plans().filter(|p| !matches!(p.status, Status::Approved | Status::Live)) {
        if s.settings.tier == Tier::Retail && p.side == Side::Buy {
            continue;
        }
        out.push(problem(
            ProblemKind::Rules,
            p.id.to_string(),
            format!("LIF-03 {} is {}, but a bundle holds only approved or live objects", p.describe(), p.status),
        ));
    }
    for f in rules::check(&s) {
        match f.severity {
            Severity::Error => out.push(problem(ProblemKind::Rules, f.object.to_string(), f.message)),
            Severity::Warning => warnings.push(f.message),
        }
    }
}

/// Verifies the bundle in `bytes` (module doc). `Err` only when it cannot be read as a bundle
/// at all (not a zip, unsafe or damaged archive, no readable manifest); everything else is a
/// [`Problem`] in the result. Takes no more memory than the manifest declares, plus
/// [`MARGIN`] ([`super::read`]).
pub fn verify(bytes: &[u8], pk: Option<&PublicKey>, limits: &Limits) -> Result<Verification> {
    let mut a = Archive::open(bytes, limits)?;
    let (m_bytes, m) = manifest_of(&mut a)?;
    let sig = match a.get(SIGNATURE).cloned() {
        Some(l) if l.size <= MARGIN => Some(a.read(&l)?),
        Some(l) => {
            return Err(CoreError::invalid(
                SIGNATURE,
                format!(
                    "{SIGNATURE} would unzip to {} bytes; a signature is a few hundred, so this is not one of ours",
                    l.size
                ),
            ));
        }
        None => None,
    };
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let signature = signature(&m_bytes, sig.as_deref(), pk, &mut problems);
    match entries(&m, &mut a, &mut problems)? {
        Some(c) => catalog(&m, &c, &mut problems, &mut warnings),
        None => {
            if !problems.iter().any(|p| p.subject == CATALOG) {
                problems.push(problem(ProblemKind::Removed, CATALOG, "catalog.json is missing"));
            }
        }
    }
    Ok(Verification { bundle_id: Some(m.bundle_id.clone()), entries: a.entries().len(), signature, problems, warnings })
}
