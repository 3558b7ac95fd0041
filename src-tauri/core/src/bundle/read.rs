//! Reading a zip archive that may be hostile: a bundle comes back from ops by mail or USB
//! stick, and `verify`, `diff` and `import` open whatever file they are given.
//!
//! The `zip` crate parses the archive; this module is the strict layer on top of it, and
//! decides everything from the central directory (and, for a bundle, the manifest) BEFORE any
//! entry is inflated:
//! - Everything is read into memory and checked there; nothing is ever extracted, so nothing
//!   can be written outside a private place (there is no place at all). Callers get names and
//!   bytes.
//! - [`Archive::open`] checks every entry of the central directory: names as paths a tool
//!   would extract to (no absolute paths, drive letters, backslashes, `..`, empty or `.`
//!   components, control characters, no duplicates, also when they differ only in case, which
//!   collide on Windows and macOS); no symbolic links or other non-regular files (from the
//!   Unix mode); stored or deflated only, no encryption, no zip64, no multi-disk archive;
//!   sizes within [`Limits`] (each, in total, and the unzipped/zipped ratio); every local
//!   header agreeing with the directory (same name, same method); entries neither overlapping
//!   (the "overlapping files" zip bomb) nor running past the directory. Nothing is inflated.
//! - [`Archive::read`] then inflates one entry into a buffer of the size the directory
//!   declares (one byte more tells a longer stream from a complete one), so no entry takes more
//!   memory than it declared; its CRC-32 must match.
//! - A bundle ([`Bundle::from_bytes`], and [`super::verify`]) first reads its manifest (at most
//!   [`MARGIN`] bytes) and refuses, still before inflating anything else, an entry the manifest
//!   does not list or lists with another size. So reading a bundle takes no more memory than
//!   its manifest declares, plus [`MARGIN`] (the manifest itself, its signature).
//!
//! Each refusal is a [`CoreError`] naming the entry and the problem; no input makes this code
//! panic (a fuzzer holds it to that).

use std::collections::HashSet;
use std::io::{Cursor, Read};
use std::path::Path;

use sha2::Digest;
use zip::System;
use zip::ZipArchive;
use zip::read::{ArchiveOffset, Config};
use zip::result::ZipError;

use super::manifest::Manifest;
use super::{MANIFEST, SIGNATURE};
use crate::error::{CoreError, ErrorKind, Result};
use crate::interchange::Document;

/// How much a bundle may hold. The defaults are far above any real bundle (a 10 000-structure
/// export is about 100 MB zipped and 360 MB unzipped) and far below what would hurt a laptop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the archive file itself.
    pub archive_bytes: u64,
    pub entries: usize,
    /// Unzipped size of one entry.
    pub entry_bytes: u64,
    /// Unzipped size of all entries together.
    pub total_bytes: u64,
    /// Largest unzipped/zipped ratio for entries above 1 MiB unzipped.
    pub ratio: u64,
    pub name_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            archive_bytes: 1 << 30,
            entries: 65_535,
            entry_bytes: 1 << 30,
            total_bytes: 2 << 30,
            ratio: 1000,
            name_bytes: 255,
        }
    }
}

/// What reading a bundle may take beyond the sizes its manifest lists: the manifest itself and
/// its signature are each read only when they declare at most this much (a 10 000-structure
/// bundle's manifest is about 2 MB, a signature a few hundred bytes).
pub const MARGIN: u64 = 16 << 20;

/// One file of an archive, in central-directory order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveEntry {
    pub name: String,
    pub data: Vec<u8>,
}

fn bad(message: impl Into<String>) -> CoreError {
    CoreError::new(ErrorKind::InvalidInput, message).with_field("bundle")
}

fn not_zip(why: &str) -> CoreError {
    CoreError::new(ErrorKind::IncompatibleFile, format!("the file is not a readable bundle: {why}"))
        .with_field("bundle")
}

/// Little-endian reads of the archive's own bytes (local headers, raw fields) that fail
/// instead of panicking past the end.
struct At<'a>(&'a [u8]);

impl At<'_> {
    fn bytes(&self, at: u64, len: usize) -> Result<&[u8]> {
        let at = usize::try_from(at).map_err(|_| not_zip("offset overflow"))?;
        self.0
            .get(at..at.checked_add(len).ok_or_else(|| not_zip("offset overflow"))?)
            .ok_or_else(|| not_zip("it is truncated"))
    }
    fn u16(&self, at: u64) -> Result<u16> {
        let b = self.bytes(at, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&self, at: u64) -> Result<u32> {
        let b = self.bytes(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// Why `name` could not be extracted safely, if it could not.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an empty name");
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("control characters in the name");
    }
    if name.contains('\\') {
        return Some("a backslash in the name (a Windows path)");
    }
    if name.starts_with('/') {
        return Some("an absolute path");
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return Some("a drive letter (an absolute Windows path)");
    }
    let parts: Vec<&str> = name.trim_end_matches('/').split('/').collect();
    if parts.contains(&"..") {
        return Some("a path escaping the archive (..)");
    }
    if parts.iter().any(|p| p.is_empty() || *p == ".") {
        return Some("an empty or '.' path component");
    }
    None
}

/// What the central directory says of one entry, checked.
#[derive(Debug, Clone)]
pub struct Listed {
    pub name: String,
    /// Unzipped size, as declared.
    pub size: u64,
    /// The entry's index in the crate's archive.
    index: usize,
}

/// The zip crate's refusal to open an archive, said for a person.
fn unopened(e: ZipError) -> CoreError {
    match e {
        ZipError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            not_zip("it is truncated (its directory runs past the end of the file)")
        }
        ZipError::UnsupportedArchive(why) if why.contains("disk") => {
            bad("the archive is split over several disks; a bundle is one file")
        }
        ZipError::UnsupportedArchive(_) => {
            not_zip("it uses zip features a bundle never uses (it was not written by Plansmith)")
        }
        _ => not_zip("no zip directory at its end, or a damaged one (it is not a zip file, or it was cut short)"),
    }
}

/// The name of the first directory record the crate left out (it keeps one entry per name):
/// the records it kept are walked in the directory's order up to the first gap.
fn hidden_name(z: &At, zip: &ZipArchive<Cursor<&[u8]>>) -> Option<String> {
    let mut kept: Vec<u64> =
        (0..zip.len()).filter_map(|i| zip.by_index_data(i).ok().map(|e| e.central_header_start())).collect();
    kept.sort_unstable();
    let mut at = zip.central_directory_start();
    for start in kept {
        if start != at {
            break;
        }
        let lengths = [z.u16(at + 28).ok()?, z.u16(at + 30).ok()?, z.u16(at + 32).ok()?];
        at += 46 + lengths.iter().map(|n| *n as u64).sum::<u64>();
    }
    let n = z.u16(at + 28).ok()? as usize;
    Some(String::from_utf8_lossy(z.bytes(at + 46, n).ok()?).escape_debug().to_string())
}

/// A zip archive in memory whose central directory passed every check (module doc), entries
/// not yet inflated.
pub struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    listed: Vec<Listed>,
}

impl<'a> Archive<'a> {
    /// Reads and checks the central directory of the archive in `bytes`; inflates nothing.
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Archive<'a>> {
        if bytes.len() as u64 > limits.archive_bytes {
            return Err(bad(format!(
                "the bundle is {} bytes, more than the {} a bundle may be",
                bytes.len(),
                limits.archive_bytes
            )));
        }
        if bytes.len() < 22 {
            return Err(not_zip("it is too short to be a zip archive (is it truncated?)"));
        }
        let config = Config { archive_offset: ArchiveOffset::Known(0) };
        let zip = ZipArchive::with_config(config, Cursor::new(bytes)).map_err(unopened)?;
        let z = At(bytes);
        if zip.has_duplicate_names() {
            let name = hidden_name(&z, &zip).unwrap_or_else(|| "of an entry".to_string());
            return Err(bad(format!(
                "the name '{name}' appears twice in the archive; which one is meant cannot be told"
            )));
        }
        // The end record is the last 22 bytes before the archive's comment; a zip64 archive
        // has its locator right before it.
        let end = (bytes.len() as u64).saturating_sub(22 + zip.comment().len() as u64);
        if end >= 20 && z.u32(end - 20)? == 0x0706_4b50 {
            return Err(bad("the archive is a zip64 archive; a bundle never needs zip64, so this is not one of ours"));
        }
        if zip.len() > limits.entries {
            return Err(bad(format!(
                "the archive holds {} entries, more than the {} a bundle may",
                zip.len(),
                limits.entries
            )));
        }
        let directory = zip.central_directory_start();
        let mut listed = Vec::with_capacity(zip.len());
        let mut spans: Vec<(u64, u64, usize)> = Vec::with_capacity(zip.len());
        let mut seen = HashSet::new();
        let mut total: u64 = 0;
        for index in 0..zip.len() {
            let e = zip.by_index_data(index).map_err(unopened)?;
            let raw = e.name_raw();
            let shown = String::from_utf8_lossy(raw).chars().take(80).collect::<String>();
            if raw.len() > limits.name_bytes {
                return Err(bad(format!(
                    "an entry name is {} bytes long (more than {}): '{shown}…'",
                    raw.len(),
                    limits.name_bytes
                )));
            }
            let name = std::str::from_utf8(raw).map_err(|_| bad(format!("the entry name '{shown}' is not UTF-8")))?;
            if let Some(why) = unsafe_name(name) {
                return Err(bad(format!("the entry '{}' is refused: {why}", name.escape_debug())));
            }
            if e.encrypted() {
                return Err(bad(format!("the entry '{name}' is encrypted; bundles are never encrypted")));
            }
            let method = z.u16(e.central_header_start() + 10)?;
            if method != 0 && method != 8 {
                return Err(bad(format!(
                    "the entry '{name}' uses compression method {method}; bundles use only stored (0) or deflate (8)"
                )));
            }
            let (size, packed, local) = (e.size(), e.compressed_size(), e.header_start());
            if size >= 0xFFFF_FFFF || packed >= 0xFFFF_FFFF || local >= 0xFFFF_FFFF {
                return Err(bad(format!("the entry '{name}' needs zip64; a bundle never does")));
            }
            if e.system() == System::Unix {
                let mode = e.external_attributes() >> 16;
                let kind = mode & 0o170_000;
                if kind == 0o120_000 {
                    return Err(bad(format!("the entry '{name}' is a symbolic link; bundles hold only plain files")));
                }
                if mode != 0 && kind != 0o100_000 && kind != 0o040_000 && kind != 0 {
                    return Err(bad(format!(
                        "the entry '{name}' is a special file (mode {mode:o}); bundles hold only plain files"
                    )));
                }
            }
            if !seen.insert(name.to_lowercase()) {
                return Err(bad(format!(
                    "the name '{name}' appears twice in the archive (perhaps in another case); which one is meant cannot be told"
                )));
            }
            if size > limits.entry_bytes {
                return Err(bad(format!(
                    "the entry '{name}' would unzip to {size} bytes, more than the {} allowed",
                    limits.entry_bytes
                )));
            }
            total += size;
            if total > limits.total_bytes {
                return Err(bad(format!(
                    "the archive would unzip to more than {} bytes (a zip bomb?)",
                    limits.total_bytes
                )));
            }
            if size > (1 << 20) && size > packed.saturating_mul(limits.ratio) {
                return Err(bad(format!(
                    "the entry '{name}' claims to unzip {}-fold (a zip bomb?)",
                    size / packed.max(1)
                )));
            }
            if method == 0 && packed != size {
                return Err(bad(format!(
                    "the stored entry '{name}' has different packed and unpacked sizes (damaged archive)"
                )));
            }
            // The local header: where the directory says, with the same name and method.
            if z.u32(local)? != 0x0403_4b50 {
                return Err(bad(format!(
                    "the entry '{name}' has no local header where the directory says (damaged archive)"
                )));
            }
            let (n, x) = (z.u16(local + 26)? as usize, z.u16(local + 28)? as u64);
            let local_name = z.bytes(local + 30, n)?;
            if local_name != raw || z.u16(local + 8)? != method {
                return Err(bad(format!(
                    "the entry '{name}' has a local header that disagrees with the directory (name '{}'); the archive was tampered with",
                    String::from_utf8_lossy(local_name).escape_debug()
                )));
            }
            let data_end = (local + 30 + n as u64 + x).saturating_add(packed);
            if data_end > directory {
                return Err(bad(format!(
                    "the data of '{name}' runs past the end of the archive's contents (truncated or damaged archive)"
                )));
            }
            spans.push((local, data_end, index));
            listed.push(Listed { name: name.to_string(), size, index });
        }
        spans.sort_unstable();
        for w in spans.windows(2) {
            if w[1].0 < w[0].1 {
                return Err(bad(format!(
                    "the entries '{}' and '{}' overlap in the archive (a zip bomb or a tampered archive)",
                    listed[w[0].2].name, listed[w[1].2].name
                )));
            }
        }
        Ok(Archive { zip, listed })
    }

    /// The entries, in central-directory order.
    pub fn entries(&self) -> &[Listed] {
        &self.listed
    }

    /// The entry called `name`.
    pub fn get(&self, name: &str) -> Option<&Listed> {
        self.listed.iter().find(|l| l.name == name)
    }

    /// Inflates the entry `l` (of [`Archive::entries`]) into a buffer of its declared size.
    pub fn read(&mut self, l: &Listed) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(l.size as usize + 1);
        self.inflate(l, |piece| out.extend_from_slice(piece))?;
        Ok(out)
    }

    /// The SHA-256 (lowercase hex) of the entry `l`, inflated piece by piece and never held.
    pub fn sha256(&mut self, l: &Listed) -> Result<String> {
        let mut sha = sha2::Sha256::new();
        self.inflate(l, |piece| sha.update(piece))?;
        Ok(super::manifest::hex(&sha.finalize()))
    }

    /// Inflates `l` in pieces of at most 64 KiB handed to `each`: exactly its declared size,
    /// its CRC-32 checked; a stream longer than declared is refused at the first byte beyond.
    fn inflate(&mut self, l: &Listed, mut each: impl FnMut(&[u8])) -> Result<()> {
        let name = &l.name;
        let corrupt = || {
            bad(format!(
                "the entry '{name}' is corrupt: its compressed data does not inflate (the file was damaged on the way; ask for the bundle again)"
            ))
        };
        let f = self.zip.by_index(l.index).map_err(|_| corrupt())?;
        let mut limited = f.take(l.size + 1);
        let mut buf = vec![0u8; 64 << 10];
        let mut got: u64 = 0;
        loop {
            let n = match limited.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if e.to_string().contains("checksum") => {
                    return Err(bad(format!("the entry '{name}' fails its CRC-32 check (damaged or altered)")));
                }
                Err(e) if e.to_string().contains("larger than its declared") => {
                    got = l.size + 1;
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Err(bad(format!("the entry '{name}' is cut short (truncated or damaged archive)")));
                }
                Err(_) => return Err(corrupt()),
            };
            got += n as u64;
            if got > l.size {
                break;
            }
            each(&buf[..n]);
        }
        if got > l.size {
            return Err(bad(format!(
                "the entry '{name}' inflates beyond the {} bytes its header declares (a zip bomb?)",
                l.size
            )));
        }
        if got != l.size {
            return Err(bad(format!("the entry '{name}' holds {got} bytes, but its header declares {}", l.size)));
        }
        Ok(())
    }
}

/// Reads every entry of the zip archive in `bytes`, refusing anything unsafe (module doc): at
/// most the sizes its directory declares, within `limits`.
pub fn read_archive(bytes: &[u8], limits: &Limits) -> Result<Vec<ArchiveEntry>> {
    let mut a = Archive::open(bytes, limits)?;
    let listed = a.entries().to_vec();
    listed.iter().map(|l| Ok(ArchiveEntry { name: l.name.clone(), data: a.read(l)? })).collect()
}

/// The manifest of the bundle in `a`: its bytes and what they say. Refused when missing, or
/// when it declares more than [`MARGIN`] (it is then not inflated).
pub fn manifest_of(a: &mut Archive) -> Result<(Vec<u8>, Manifest)> {
    let l = a.get(MANIFEST).cloned().ok_or_else(|| {
        CoreError::new(ErrorKind::IncompatibleFile, "the archive has no manifest.json, so it is not a Plansmith bundle")
            .with_field(MANIFEST)
    })?;
    if l.size > MARGIN {
        return Err(bad(format!(
            "manifest.json would unzip to {} bytes; a bundle's manifest is far smaller (at most {MARGIN}), so this is not one of ours",
            l.size
        )));
    }
    let bytes = a.read(&l)?;
    let m = Manifest::parse(&bytes)?;
    Ok((bytes, m))
}

/// The size the manifest `m` lets entry `name` unzip to: its listed size, [`MARGIN`] for the
/// manifest and its signature, none for an entry it does not list.
pub fn allowed(m: &Manifest, name: &str) -> Option<u64> {
    match name {
        MANIFEST | SIGNATURE => Some(MARGIN),
        _ => m.entries.iter().find(|e| e.name == name).map(|e| e.size),
    }
}

/// A bundle read from disk or memory: its entries, its manifest and its catalog. Reading
/// checks that it is a safe archive and that the manifest and `catalog.json` parse; whether
/// the hashes, signature and rules hold is [`super::verify`]'s job.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub entries: Vec<ArchiveEntry>,
    pub manifest: Manifest,
    pub catalog: Document,
}

impl Bundle {
    /// The entry called `name`.
    pub fn entry(&self, name: &str) -> Option<&ArchiveEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Reads a bundle from its bytes: the archive's directory checked ([`Archive::open`]), the
    /// manifest read, and every other entry refused unless the manifest lists it with the size
    /// the directory declares, all before any of them is inflated.
    pub fn from_bytes(bytes: &[u8], limits: &Limits) -> Result<Bundle> {
        let mut a = Archive::open(bytes, limits)?;
        let (manifest_bytes, manifest) = manifest_of(&mut a)?;
        for l in a.entries() {
            match allowed(&manifest, &l.name) {
                None => {
                    return Err(bad(format!(
                        "the entry '{}' is not listed in manifest.json, so the bundle was altered; `plansmith verify` names every difference",
                        l.name
                    )));
                }
                Some(most) if l.size > most || (l.size != most && l.name != MANIFEST && l.name != SIGNATURE) => {
                    return Err(bad(format!(
                        "the entry '{}' would unzip to {} bytes, but manifest.json lists {most}, so the bundle was altered; `plansmith verify` names every difference",
                        l.name, l.size
                    )));
                }
                Some(_) => {}
            }
        }
        let listed = a.entries().to_vec();
        let mut manifest_bytes = Some(manifest_bytes);
        let mut entries = Vec::with_capacity(listed.len());
        for l in &listed {
            let data = match (l.name.as_str(), manifest_bytes.take_if(|_| l.name == MANIFEST)) {
                (MANIFEST, Some(bytes)) => bytes,
                _ => a.read(l)?,
            };
            entries.push(ArchiveEntry { name: l.name.clone(), data });
        }
        let get = |name: &str| {
            entries.iter().find(|e| e.name == name).ok_or_else(|| {
                CoreError::new(
                    ErrorKind::IncompatibleFile,
                    format!("the archive has no {name}, so it is not a Plansmith bundle"),
                )
                .with_field(name)
            })
        };
        let text = std::str::from_utf8(&get(super::CATALOG)?.data)
            .map_err(|_| bad(format!("{} is not UTF-8 text", super::CATALOG)))?;
        let catalog = crate::interchange::parse(text).map_err(|e| {
            CoreError::new(e.kind(), format!("{}: {}", super::CATALOG, e.message())).with_field(super::CATALOG)
        })?;
        Ok(Bundle { entries, manifest, catalog })
    }

    /// Reads the bundle file at `path` (refusing files larger than the limits allow before
    /// reading them).
    pub fn open(path: &Path, limits: &Limits) -> Result<Bundle> {
        Bundle::from_bytes(&read_file(path, limits)?, limits)
    }
}

/// Reads a bundle file's bytes, refusing one larger than the limits before reading it.
pub fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CoreError::not_found(format!("there is no bundle at {}", path.display())),
        _ => CoreError::from(e),
    })?;
    if !meta.is_file() {
        return Err(CoreError::invalid("bundle", format!("{} is not a file", path.display())));
    }
    if meta.len() > limits.archive_bytes {
        return Err(bad(format!(
            "{} is {} bytes, more than the {} a bundle may be",
            path.display(),
            meta.len(),
            limits.archive_bytes
        )));
    }
    Ok(std::fs::read(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_escape_or_confuse_are_refused() {
        for n in ["", "/etc/passwd", "../x", "a/../../x", "C:/x", "c:x", "a\\b", "a//b", "./a", "a\u{0}b", "a\nb"] {
            assert!(unsafe_name(n).is_some(), "{n:?}");
        }
        for n in ["manifest.json", "diagrams/ST-1.svg", "a..b", "..a"] {
            assert_eq!(unsafe_name(n), None, "{n:?}");
        }
    }
}
