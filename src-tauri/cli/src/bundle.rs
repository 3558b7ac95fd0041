//! The bundle commands: `export`, `keygen`, `verify`, `import-ids`, `diff`, `import`. Each
//! reads its inputs, calls `plansmith_core::bundle`, and prints; the format and every check
//! live in the core. A bundle or ID sheet that says no (refused export, failed verification,
//! bad lines, differences) exits 1; a command that could not run exits 2.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use plansmith_core::bundle::{self, Bundle, ExportOptions, Limits, sign};
use plansmith_core::interchange::{self, Document};
use plansmith_core::{Catalog, CoreError, ErrorKind, Id, new_file};

use crate::{Outcome, stamp};

/// Arguments of `plansmith export`.
pub struct Export {
    pub file: PathBuf,
    pub out: Option<PathBuf>,
    pub structures: Vec<String>,
    pub sign: Option<PathBuf>,
    pub since: Option<PathBuf>,
    pub by: Option<String>,
    pub preview: bool,
    pub json: bool,
}

fn read_text(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read the {what} {}", path.display()))
}

fn structures(v: &[String]) -> Result<Vec<Id>> {
    Ok(v.iter().map(|s| s.parse::<Id>()).collect::<Result<Vec<_>, _>>()?)
}

/// A bundle that cannot be read as one is the bundle saying no (exit 1), unless the file is
/// simply missing or unreadable (exit 2).
fn bundle_refused(e: CoreError) -> Result<Outcome> {
    match e.kind() {
        ErrorKind::InvalidInput | ErrorKind::IncompatibleFile => {
            eprintln!("plansmith: {e}");
            Ok(Outcome::Refused)
        }
        _ => Err(e.into()),
    }
}

pub fn export(a: Export) -> Result<Outcome> {
    let ids = structures(&a.structures)?;
    let since = match &a.since {
        Some(p) => match Bundle::open(p, &Limits::default()) {
            Ok(b) => Some(b),
            Err(e) => return bundle_refused(e),
        },
        None => None,
    };
    let opts = ExportOptions { structures: ids, since };
    if a.preview {
        let cat = Catalog::open_read_only(&a.file)?;
        let p = cat.preview_bundle(&opts)?;
        if a.json {
            outln!("{}", serde_json::to_string_pretty(&p)?);
        } else {
            let counts: Vec<String> =
                p.counts.iter().filter(|(_, n)| **n > 0).map(|(k, n)| format!("{n} {k}")).collect();
            outln!("the bundle would hold {} object(s): {}", p.objects.len(), counts.join(", "));
            for b in &p.blockers {
                outln!("  blocked: {}", b.message);
            }
        }
        return Ok(if p.blockers.is_empty() { Outcome::Done } else { Outcome::Refused });
    }
    let Some(out) = a.out else { bail!("give the bundle's file name with --out BUNDLE.zip (or use --preview)") };
    let key = match &a.sign {
        Some(p) => {
            let password = std::env::var("PLANSMITH_SIGN_PASSWORD").ok();
            Some(sign::secret_key(&read_text(p, "secret key")?, password.as_deref())?)
        }
        None => None,
    };
    let st = stamp(a.by.as_deref())?;
    let mut cat = Catalog::open(&a.file)?;
    let done = cat.export_bundle(&out, &opts, key.as_ref(), &st)?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&done)?);
    } else {
        let counts: Vec<String> =
            done.counts.iter().filter(|(_, n)| **n > 0).map(|(k, n)| format!("{n} {k}")).collect();
        outln!(
            "exported bundle {} to {} ({} bytes{})",
            done.bundle_id,
            out.display(),
            done.bytes,
            if done.signed { ", signed" } else { "" }
        );
        outln!("  sha256 {}", done.sha256);
        outln!("  {}", counts.join(", "));
        if let Some(d) = &done.delta_of {
            outln!("  delta of bundle {d}");
        }
    }
    Ok(Outcome::Done)
}

pub fn keygen(out: &Path) -> Result<Outcome> {
    let mut pub_path = out.as_os_str().to_owned();
    pub_path.push(".pub");
    let pub_path = PathBuf::from(pub_path);
    for p in [out, pub_path.as_path()] {
        if p.exists() {
            bail!("{} already exists; choose another name (keygen never overwrites a key)", p.display());
        }
    }
    let (secret, public) = sign::keygen()?;
    // Each whole or not at all, never over another file; the secret key readable by its owner only.
    new_file::write_private(out, secret.as_bytes())?;
    new_file::write_new(&pub_path, public.as_bytes())?;
    outln!("wrote secret key {} (keep it private) and public key {}", out.display(), pub_path.display());
    Ok(Outcome::Done)
}

pub fn verify(path: &Path, pubkey: Option<&Path>, json: bool) -> Result<Outcome> {
    let pk = pubkey.map(|p| read_text(p, "public key").and_then(|t| Ok(sign::public_key(&t)?))).transpose()?;
    let limits = Limits::default();
    let bytes = match bundle::read::read_file(path, &limits) {
        Ok(b) => b,
        Err(e) => return bundle_refused(e),
    };
    let v = match bundle::verify(&bytes, pk.as_ref(), &limits) {
        Ok(v) => v,
        Err(e) => return bundle_refused(e),
    };
    if json {
        outln!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for p in &v.problems {
            outln!("problem: {}", p.message);
        }
        for w in &v.warnings {
            outln!("warning: {w}");
        }
        let sig = match &v.signature {
            bundle::verify::Signature::Unsigned => "unsigned".to_string(),
            bundle::verify::Signature::NotChecked => {
                "signed, signature not checked (give --pubkey KEY.pub)".to_string()
            }
            bundle::verify::Signature::Valid(c) => format!("signature valid ({c})"),
            bundle::verify::Signature::Invalid(_) => "signature INVALID".to_string(),
        };
        let id = v.bundle_id.clone().unwrap_or_default();
        if v.ok() {
            outln!("bundle {id} verifies: {} entries, every hash matches, schema and rules hold; {sig}", v.entries);
        } else {
            outln!("bundle {id} does NOT verify: {} problem(s); {sig}", v.problems.len());
        }
    }
    Ok(if v.ok() { Outcome::Done } else { Outcome::Refused })
}

pub fn import_ids(file: &Path, csv: &Path, by: Option<&str>, json: bool) -> Result<Outcome> {
    // Bytes: the core names a line that is not UTF-8 by its line and column.
    let bytes = std::fs::read(csv).with_context(|| format!("cannot read the ID return sheet {}", csv.display()))?;
    let mut cat = Catalog::open(file)?;
    let r = cat.import_ids(&bytes, &stamp(by)?)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&r)?);
    } else if r.problems.is_empty() {
        for a in &r.assign {
            outln!("{} is live with production id {}", a.object, a.production_id);
        }
        outln!(
            "{} plan(s) went live, {} already live, {} without a production id yet",
            r.assign.len(),
            r.already_live.len(),
            r.blank.len()
        );
    } else {
        for p in &r.problems {
            eprintln!("plansmith: {p}");
        }
        eprintln!("plansmith: nothing was applied; fix the lines above and import the sheet again");
    }
    Ok(if r.problems.is_empty() { Outcome::Done } else { Outcome::Refused })
}

/// A catalog file, a bundle, or a catalog JSON dump, as a document.
fn document(path: &Path) -> Result<Document> {
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let head = &head[..n];
    if head.starts_with(b"PK") {
        return Ok(Bundle::open(path, &Limits::default())?.catalog);
    }
    if head.starts_with(b"SQLite format 3") {
        return Ok(interchange::document(&Catalog::open_read_only(path)?)?);
    }
    Ok(interchange::parse(&read_text(path, "catalog JSON")?)?)
}

pub fn diff(a: &Path, b: &Path, json: bool) -> Result<Outcome> {
    let (da, db) = match (document(a), document(b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => match e.downcast::<CoreError>() {
            Ok(c) => return bundle_refused(c),
            Err(e) => return Err(e),
        },
    };
    let d = bundle::diff(&da, &db);
    if json {
        outln!("{}", serde_json::to_string_pretty(&d)?);
    } else {
        for k in &d.added {
            outln!("added    {k}");
        }
        for k in &d.removed {
            outln!("removed  {k}");
        }
        for c in &d.changed {
            outln!("changed  {}", c.object);
            for f in &c.fields {
                outln!("    {}: {} -> {}", f.field, f.before, f.after);
            }
        }
        outln!("{} added, {} removed, {} changed", d.added.len(), d.removed.len(), d.changed.len());
    }
    Ok(if d.is_empty() { Outcome::Done } else { Outcome::Refused })
}

pub fn import(bundle_path: &Path, file: &Path, pubkey: Option<&Path>, by: Option<&str>) -> Result<Outcome> {
    let pk = pubkey.map(|p| read_text(p, "public key").and_then(|t| Ok(sign::public_key(&t)?))).transpose()?;
    let bytes = match bundle::read::read_file(bundle_path, &Limits::default()) {
        Ok(b) => b,
        Err(e) => return bundle_refused(e),
    };
    match bundle::import(&bytes, file, pk.as_ref(), &stamp(by)?) {
        Ok(_) => {
            outln!("created {} from bundle {}", file.display(), bundle_path.display());
            Ok(Outcome::Done)
        }
        Err(e) if matches!(e.kind(), ErrorKind::Lifecycle) => {
            eprintln!("plansmith: {e}");
            Ok(Outcome::Refused)
        }
        Err(e) => bundle_refused(e),
    }
}
