//! Reading a zip archive that may be hostile: a bundle comes back from ops by mail or USB
//! stick, and `verify`, `diff` and `import` open whatever file they are given.
//!
//! Why it looks like this:
//! - Everything is read into memory and checked there; nothing is ever extracted, so nothing
//!   can be written outside a private place (there is no place at all). Callers get names and
//!   bytes.
//! - The central directory is the table of contents; every entry's local header must agree
//!   with it (same name, same method), entries may not overlap (the "overlapping files" zip
//!   bomb), and their data must lie inside the archive (a truncated archive is refused).
//! - Names are checked like paths a tool would extract to: no absolute paths, drive letters,
//!   backslashes, `..`, empty or `.` components, control characters, or duplicates (also
//!   when they differ only in case, which collide on Windows and macOS). Symbolic links and
//!   other non-regular files (from the Unix mode) are refused.
//! - Sizes are bounded before anything is inflated ([`Limits`]) and again while inflating: an
//!   entry may not inflate beyond the size its header declares, nor past the limits, nor at an
//!   absurd ratio; its CRC-32 must match.
//! - Only what a bundle can be is accepted: stored or deflated entries, no encryption, no
//!   zip64, no multi-disk archives. Each refusal is a [`CoreError`] naming the entry and the
//!   problem; no input makes this code panic (a fuzzer holds it to that).

use std::collections::HashSet;

use flate2::{Decompress, FlushDecompress, Status};

use std::path::Path;

use super::manifest::Manifest;
use crate::error::{CoreError, ErrorKind, Result};
use crate::interchange::Document;

/// How much a bundle may hold. The defaults are far above any real bundle (a 10 000-structure
/// export is about 40 MB zipped and 300 MB unzipped) and far below what would hurt a laptop.
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

/// Little-endian reads that fail instead of panicking past the end.
struct At<'a>(&'a [u8]);

impl At<'_> {
    fn u16(&self, at: usize) -> Result<u16> {
        let b = self
            .0
            .get(at..at.checked_add(2).ok_or_else(|| not_zip("offset overflow"))?)
            .ok_or_else(|| not_zip("it is truncated"))?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&self, at: usize) -> Result<u32> {
        let b = self
            .0
            .get(at..at.checked_add(4).ok_or_else(|| not_zip("offset overflow"))?)
            .ok_or_else(|| not_zip("it is truncated"))?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn bytes(&self, at: usize, len: usize) -> Result<&[u8]> {
        self.0
            .get(at..at.checked_add(len).ok_or_else(|| not_zip("offset overflow"))?)
            .ok_or_else(|| not_zip("it is truncated"))
    }
}

/// The end-of-central-directory record: (entries, cd size, cd offset, its own offset).
fn end_record(z: &At) -> Result<(usize, usize, usize, usize)> {
    let len = z.0.len();
    if len < 22 {
        return Err(not_zip("it is too short to be a zip archive (is it truncated?)"));
    }
    let lowest = len.saturating_sub(22 + 65_535);
    let mut pos = len - 22;
    loop {
        if z.u32(pos)? == 0x0605_4b50 && pos + 22 + z.u16(pos + 20)? as usize == len {
            break;
        }
        if pos == lowest {
            return Err(not_zip("no zip directory at its end (it is not a zip file, or it was cut short)"));
        }
        pos -= 1;
    }
    let (disk, cd_disk) = (z.u16(pos + 4)?, z.u16(pos + 6)?);
    let (here, total) = (z.u16(pos + 8)?, z.u16(pos + 10)?);
    let (size, offset) = (z.u32(pos + 12)?, z.u32(pos + 16)?);
    if disk != 0 || cd_disk != 0 || here != total {
        return Err(bad("the archive is split over several disks; a bundle is one file"));
    }
    if total == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        return Err(bad("the archive is a zip64 archive; a bundle never needs zip64, so this is not one of ours"));
    }
    let (size, offset) = (size as usize, offset as usize);
    if offset.checked_add(size).is_none_or(|end| end > pos) {
        return Err(not_zip("its directory points outside the file (it is truncated or damaged)"));
    }
    Ok((total as usize, size, offset, pos))
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

struct Central {
    name: String,
    method: u16,
    crc: u32,
    packed: usize,
    size: usize,
    local: usize,
}

fn central_entry(z: &At, at: usize, limits: &Limits) -> Result<(Central, usize)> {
    if z.u32(at)? != 0x0201_4b50 {
        return Err(not_zip("its directory is damaged (an entry header is missing)"));
    }
    let made_by = z.u16(at + 4)?;
    let flags = z.u16(at + 8)?;
    let method = z.u16(at + 10)?;
    let crc = z.u32(at + 16)?;
    let (packed, size) = (z.u32(at + 20)?, z.u32(at + 24)?);
    let (n, e, c) = (z.u16(at + 28)? as usize, z.u16(at + 30)? as usize, z.u16(at + 32)? as usize);
    let external = z.u32(at + 38)?;
    let local = z.u32(at + 42)?;
    let raw = z.bytes(at + 46, n)?;
    let shown = String::from_utf8_lossy(raw).chars().take(80).collect::<String>();
    if n > limits.name_bytes {
        return Err(bad(format!("an entry name is {n} bytes long (more than {}): '{shown}…'", limits.name_bytes)));
    }
    let name = std::str::from_utf8(raw).map_err(|_| bad(format!("the entry name '{shown}' is not UTF-8")))?.to_string();
    if let Some(why) = unsafe_name(&name) {
        return Err(bad(format!("the entry '{}' is refused: {why}", name.escape_debug())));
    }
    if flags & 1 != 0 {
        return Err(bad(format!("the entry '{name}' is encrypted; bundles are never encrypted")));
    }
    if method != 0 && method != 8 {
        return Err(bad(format!(
            "the entry '{name}' uses compression method {method}; bundles use only stored (0) or deflate (8)"
        )));
    }
    if packed == 0xFFFF_FFFF || size == 0xFFFF_FFFF || local == 0xFFFF_FFFF {
        return Err(bad(format!("the entry '{name}' needs zip64; a bundle never does")));
    }
    let mode = external >> 16;
    if made_by >> 8 == 3 && mode != 0 {
        let kind = mode & 0o170_000;
        if kind == 0o120_000 {
            return Err(bad(format!("the entry '{name}' is a symbolic link; bundles hold only plain files")));
        }
        if kind != 0o100_000 && kind != 0o040_000 && kind != 0 {
            return Err(bad(format!(
                "the entry '{name}' is a special file (mode {mode:o}); bundles hold only plain files"
            )));
        }
    }
    let next = at + 46 + n + e + c;
    Ok((Central { name, method, crc, packed: packed as usize, size: size as usize, local: local as usize }, next))
}

/// Where the data of `c` starts, after checking its local header agrees with the directory.
fn data_start(z: &At, c: &Central) -> Result<usize> {
    if z.u32(c.local)? != 0x0403_4b50 {
        return Err(bad(format!(
            "the entry '{}' has no local header where the directory says (damaged archive)",
            c.name
        )));
    }
    let method = z.u16(c.local + 8)?;
    let (n, e) = (z.u16(c.local + 26)? as usize, z.u16(c.local + 28)? as usize);
    let local_name = z.bytes(c.local + 30, n)?;
    if local_name != c.name.as_bytes() || method != c.method {
        return Err(bad(format!(
            "the entry '{}' has a local header that disagrees with the directory (name '{}'); the archive was tampered with",
            c.name,
            String::from_utf8_lossy(local_name).escape_debug()
        )));
    }
    Ok(c.local + 30 + n + e)
}

fn inflate(name: &str, input: &[u8], size: usize) -> Result<Vec<u8>> {
    let mut d = Decompress::new(false);
    // One byte of room beyond the declared size tells a longer stream from a complete one;
    // `decompress_vec` never grows the vector, so this is also the memory bound.
    let mut out = Vec::with_capacity(size + 1);
    loop {
        let (consumed, before) = (d.total_in() as usize, d.total_out());
        let status = d
            .decompress_vec(input.get(consumed..).unwrap_or(&[]), &mut out, FlushDecompress::Finish)
            .map_err(|e| bad(format!("the entry '{name}' is corrupt ({e})")))?;
        if out.len() > size {
            return Err(bad(format!(
                "the entry '{name}' inflates beyond the {size} bytes its header declares (a zip bomb?)"
            )));
        }
        if status == Status::StreamEnd {
            break;
        }
        if d.total_out() == before && d.total_in() as usize == consumed {
            return Err(bad(format!("the entry '{name}' is cut short (truncated or damaged archive)")));
        }
    }
    if out.len() != size {
        return Err(bad(format!("the entry '{name}' holds {} bytes, but its header declares {size}", out.len())));
    }
    Ok(out)
}

/// Reads every entry of the zip archive in `bytes`, refusing anything unsafe (module doc).
pub fn read_archive(bytes: &[u8], limits: &Limits) -> Result<Vec<ArchiveEntry>> {
    if bytes.len() as u64 > limits.archive_bytes {
        return Err(bad(format!(
            "the bundle is {} bytes, more than the {} a bundle may be",
            bytes.len(),
            limits.archive_bytes
        )));
    }
    let z = At(bytes);
    let (count, cd_size, cd_offset, _) = end_record(&z)?;
    if count > limits.entries {
        return Err(bad(format!("the archive holds {count} entries, more than the {} a bundle may", limits.entries)));
    }
    let mut centrals = Vec::with_capacity(count);
    let mut at = cd_offset;
    let mut seen = HashSet::new();
    let mut total: u64 = 0;
    for _ in 0..count {
        let (c, next) = central_entry(&z, at, limits)?;
        if next > cd_offset + cd_size {
            return Err(not_zip("its directory runs past its end (damaged archive)"));
        }
        if !seen.insert(c.name.to_lowercase()) {
            return Err(bad(format!(
                "the name '{}' appears twice in the archive (perhaps in another case); which one is meant cannot be told",
                c.name
            )));
        }
        if c.size as u64 > limits.entry_bytes {
            return Err(bad(format!(
                "the entry '{}' would unzip to {} bytes, more than the {} allowed",
                c.name, c.size, limits.entry_bytes
            )));
        }
        total += c.size as u64;
        if total > limits.total_bytes {
            return Err(bad(format!(
                "the archive would unzip to more than {} bytes (a zip bomb?)",
                limits.total_bytes
            )));
        }
        if c.size > (1 << 20) && (c.size as u64) > (c.packed as u64).saturating_mul(limits.ratio) {
            return Err(bad(format!(
                "the entry '{}' claims to unzip {}-fold (a zip bomb?)",
                c.name,
                c.size / c.packed.max(1)
            )));
        }
        if c.method == 0 && c.packed != c.size {
            return Err(bad(format!(
                "the stored entry '{}' has different packed and unpacked sizes (damaged archive)",
                c.name
            )));
        }
        centrals.push(c);
        at = next;
    }
    let mut spans: Vec<(usize, usize, &str)> = Vec::with_capacity(count);
    let mut out = Vec::with_capacity(count);
    for c in &centrals {
        let start = data_start(&z, c)?;
        let end = start.checked_add(c.packed).filter(|e| *e <= cd_offset).ok_or_else(|| {
            bad(format!(
                "the data of '{}' runs past the end of the archive's contents (truncated or damaged archive)",
                c.name
            ))
        })?;
        spans.push((c.local, end, &c.name));
        let input = &bytes[start..end];
        let data = if c.method == 0 { input.to_vec() } else { inflate(&c.name, input, c.size)? };
        if crc32fast::hash(&data) != c.crc {
            return Err(bad(format!("the entry '{}' fails its CRC-32 check (damaged or altered)", c.name)));
        }
        out.push(ArchiveEntry { name: c.name.clone(), data });
    }
    spans.sort();
    for w in spans.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(bad(format!(
                "the entries '{}' and '{}' overlap in the archive (a zip bomb or a tampered archive)",
                w[0].2, w[1].2
            )));
        }
    }
    Ok(out)
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

    /// Reads a bundle from its bytes.
    pub fn from_bytes(bytes: &[u8], limits: &Limits) -> Result<Bundle> {
        let entries = read_archive(bytes, limits)?;
        let get = |name: &str| {
            entries.iter().find(|e| e.name == name).ok_or_else(|| {
                CoreError::new(
                    ErrorKind::IncompatibleFile,
                    format!("the archive has no {name}, so it is not a Plansmith bundle"),
                )
                .with_field(name)
            })
        };
        let manifest = Manifest::parse(&get(super::MANIFEST)?.data)?;
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
