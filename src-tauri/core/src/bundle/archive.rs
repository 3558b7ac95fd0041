//! The bundle's zip writer: the `zip` crate, held to what makes a bundle deterministic, so that
//! the same entries always give the same bytes and any unzip tool opens them.
//!
//! How:
//! - Every entry is compressed on its own by a [`zip::write::ZipFileBuilder`] (raw deflate,
//!   level 1) on whichever thread made it ([`PackWriter`], [`pack`]), hashed on the way (the
//!   manifest's SHA-256; the crate keeps the CRC-32), and handed to [`ZipWriter::add`], which
//!   copies the compressed bytes into the archive as they come. So the diagrams are compressed
//!   by the threads that draw them and catalog.json by the thread that writes it, while the
//!   archive goes to its file front to back.
//! - Every entry has the same options ([`options`]): the export's time (`created_at`, i.e.
//!   `SOURCE_DATE_EPOCH`), mode 0644 with "made by" Unix, no extra fields, no comments. The
//!   archive is written as a stream (the file is never sought), so each entry's CRC-32 and
//!   sizes follow its data in a data descriptor, and the central directory lists the entries
//!   in the order they were written. Nothing depends on the machine, the clock or the number of
//!   threads.
//! - No zip64: a bundle is refused beyond 4 GiB or 65 535 entries, with a clear error, rather
//!   than written in a form some tools misread.

use std::io::Write;

use rayon::prelude::*;
use sha2::Digest;
use zip::write::{PreparedZipFile, SimpleFileOptions, StreamWriter, ZipFileBuilder};
use zip::{CompressionMethod, DateTime};

use crate::error::{CoreError, Result};
use crate::value::Timestamp;

/// Deflate level of every entry: 1 (zlib-rs's quick strategy). Bundles are mailed, not
/// archived by the million; docs/bundle-format.md gives the sizes.
const LEVEL: i64 = 1;
/// rw-r--r--.
const UNIX_MODE: u32 = 0o644;
/// What a zip without zip64 can hold.
const MOST_ENTRIES: usize = u16::MAX as usize;
const MOST_BYTES: u64 = u32::MAX as u64;
/// Local header (30) and data descriptor (16) around each entry's name and data.
const ENTRY_OVERHEAD: u64 = 30 + 16;

/// One file of the archive, given whole.
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
}

/// An entry compressed and ready to be copied into an archive ([`ZipWriter::add`]).
pub struct Packed(PreparedZipFile);

impl Packed {
    /// The entry's name in the archive.
    pub fn name(&self) -> &str {
        std::str::from_utf8(self.0.file_name_raw()).unwrap_or_default()
    }
}

/// The time of every entry: `at` (UTC) as MS-DOS date and time. Zip cannot hold dates before
/// 1980 or after 2107: they are clamped.
fn dos_time(at: Timestamp) -> DateTime {
    let secs = at.unix_seconds().clamp(315_532_800, 4_354_819_198); // 1980-01-01 to 2107-12-31T23:59:58Z
    let d = Timestamp::from_unix_seconds(secs).date();
    let s = secs.rem_euclid(86_400);
    DateTime::from_date_and_time(
        d.year.clamp(1980, 2107) as u16,
        d.month as u8,
        d.day as u8,
        (s / 3600) as u8,
        ((s / 60) % 60) as u8,
        (s % 60) as u8,
    )
    .unwrap_or_default()
}

/// The options of every entry of a bundle made at `at` (module doc).
pub fn options(at: Timestamp) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(LEVEL))
        .last_modified_time(dos_time(at))
        .unix_permissions(UNIX_MODE)
        .large_file(false)
}

fn too_big(what: &str) -> CoreError {
    CoreError::invalid(
        "bundle",
        format!(
            "the bundle would hold {what}, more than a zip without zip64 can; export fewer structures at a time (--structure)"
        ),
    )
}

/// A writing error of the zip crate as ours: the disk's own error (a full disk says so), or
/// what the crate refused to write.
fn written(e: zip::result::ZipError) -> CoreError {
    match e {
        zip::result::ZipError::Io(e) => CoreError::from(e),
        other => CoreError::internal(format!("the bundle's zip could not be written: {other}")),
    }
}

/// What a [`PackWriter`] gathers before it hashes and deflates it.
const PIECE: usize = 1 << 20;

/// An entry compressed as it is written (catalog.json, the build sheet: 150 and 200 MB on a
/// large export), hashed (SHA-256, for the manifest) on the way; the whole text is never held.
/// What is written is gathered into pieces of 1 MiB before it is hashed and deflated, so a
/// caller writing token by token (a JSON serializer) costs no more than one writing whole
/// pages, and the bytes do not depend on how the text was cut into writes.
pub struct PackWriter {
    builder: ZipFileBuilder,
    name: String,
    piece: Vec<u8>,
    sha: sha2::Sha256,
    size: u64,
}

impl PackWriter {
    /// An entry called `name`, dated `at`.
    pub fn new(name: &str, at: Timestamp) -> Result<PackWriter> {
        Ok(PackWriter {
            builder: ZipFileBuilder::new(name, options(at)).map_err(written)?,
            name: name.to_string(),
            piece: Vec::with_capacity(PIECE),
            sha: sha2::Sha256::new(),
            size: 0,
        })
    }

    /// Hashes and deflates the gathered piece.
    fn take_piece(&mut self) -> std::io::Result<()> {
        self.sha.update(&self.piece);
        self.builder.write_all(&self.piece)?;
        self.piece.clear();
        Ok(())
    }

    /// The entry's size, its SHA-256 (lowercase hex) and the packed entry.
    pub fn finish(mut self) -> Result<(u64, String, Packed)> {
        self.take_piece()?;
        if self.size > MOST_BYTES {
            return Err(too_big(&format!("{} of {} bytes", self.name, self.size)));
        }
        let sha = super::manifest::hex(&self.sha.finalize());
        Ok((self.size, sha, Packed(self.builder.finish().map_err(written)?)))
    }
}

impl Write for PackWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.piece.len() + data.len() > PIECE && !self.piece.is_empty() {
            self.take_piece()?;
        }
        if data.len() >= PIECE {
            self.sha.update(data);
            self.builder.write_all(data)?;
        } else {
            self.piece.extend_from_slice(data);
        }
        self.size += data.len() as u64;
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Compresses one entry on this thread. Refuses an entry a zip without zip64 cannot hold.
pub fn pack(name: &str, data: &[u8], at: Timestamp) -> Result<Packed> {
    if data.len() as u64 > MOST_BYTES {
        return Err(too_big(&format!("{name} of {} bytes", data.len())));
    }
    PreparedZipFile::from_data(name, options(at), data).map(Packed).map_err(written)
}

/// Compresses `entries` on every core, giving them back in their order.
pub fn pack_all(entries: &[Entry], at: Timestamp) -> Result<Vec<Packed>> {
    entries.par_iter().map(|e| pack(&e.name, &e.data, at)).collect()
}

/// Writes `entries`, in this order, as one zip archive, every entry dated `at`.
pub fn write(entries: &[Entry], at: Timestamp) -> Result<Vec<u8>> {
    let mut zip = ZipWriter::new(Vec::new());
    for p in pack_all(entries, at)? {
        zip.add(p)?;
    }
    zip.finish()
}

/// A zip archive written front to back as its entries come: each entry's local header, data
/// and data descriptor when it is added, the central directory (in the same order) at the end.
/// A bundle goes to its file while it is being made, so the final flush to disk waits for
/// little more than the last entries.
pub struct ZipWriter<W: Write> {
    zip: zip::ZipWriter<StreamWriter<W>>,
    entries: usize,
    /// Where the next entry starts.
    at: u64,
}

impl<W: Write> ZipWriter<W> {
    pub fn new(out: W) -> ZipWriter<W> {
        ZipWriter { zip: zip::ZipWriter::new_stream(out), entries: 0, at: 0 }
    }

    /// Copies `p` into the archive. Refuses what a zip without zip64 cannot hold: more than
    /// 65 535 entries, or 4 GiB.
    pub fn add(&mut self, p: Packed) -> Result<()> {
        if self.entries >= MOST_ENTRIES {
            return Err(too_big(&format!("more than {MOST_ENTRIES} files")));
        }
        let end = self.at + ENTRY_OVERHEAD + p.0.file_name_raw().len() as u64 + p.0.compressed_size();
        if end > MOST_BYTES {
            return Err(too_big(&format!("{end} bytes or more")));
        }
        self.zip.add_prepared_file(p.0).map_err(written)?;
        self.entries += 1;
        self.at = end;
        Ok(())
    }

    /// Writes the central directory and the end record; gives the output back.
    pub fn finish(self) -> Result<W> {
        // The central directory: 46 bytes and the name per entry, within the limit checked as
        // the entries came (their names are far shorter than their data and headers).
        Ok(self.zip.finish().map_err(written)?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn read_back(zip: Vec<u8>) -> Vec<(String, Vec<u8>)> {
        let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        (0..a.len())
            .map(|i| {
                let mut f = a.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (f.name().unwrap().to_string(), data)
            })
            .collect()
    }

    #[test]
    fn an_entry_packed_as_written_is_the_entry_packed_whole() {
        let at = Timestamp::from_unix_seconds(1_767_225_600);
        let big: Vec<u8> = (0..(2 << 20) + 777).map(|i| (i % 251) as u8 ^ (i / 7919) as u8).collect();
        let bytes = |p: Packed| {
            let mut z = ZipWriter::new(Vec::new());
            z.add(p).unwrap();
            z.finish().unwrap()
        };
        let whole = bytes(pack("e", &big, at).unwrap());
        // Written in large pieces, and token by token as a serializer writes: the same bytes.
        for cut in [333_333, 7] {
            let mut w = PackWriter::new("e", at).unwrap();
            for piece in big.chunks(cut) {
                w.write_all(piece).unwrap();
            }
            let (size, sha, streamed) = w.finish().unwrap();
            assert_eq!((size, sha.as_str()), (big.len() as u64, crate::bundle::manifest::sha256_hex(&big).as_str()));
            assert!(bytes(streamed) == whole, "the entry written in pieces of {cut} differs from it packed whole");
        }
        assert_eq!(read_back(whole), vec![("e".to_string(), big)]);
    }

    #[test]
    fn the_same_entries_give_the_same_bytes_in_the_order_given() {
        let at = Timestamp::from_unix_seconds(1_767_225_600);
        let entries: Vec<Entry> = (0..40)
            .map(|i| Entry {
                name: format!("diagrams/ST-{i}.svg"),
                data: format!("<svg>{i}</svg>").repeat(i + 1).into(),
            })
            .collect();
        let (one, two) = (write(&entries, at).unwrap(), write(&entries, at).unwrap());
        assert!(one == two);
        let back = read_back(one);
        assert_eq!(
            back.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            entries.iter().map(|e| e.name.as_str()).collect::<Vec<_>>()
        );
        assert!(back.iter().zip(&entries).all(|((_, d), e)| *d == e.data));
        // Another time gives other bytes (the entries' dates), the same content.
        assert!(write(&entries, Timestamp::from_unix_seconds(1_767_225_602)).unwrap() != two);
    }

    #[test]
    fn entries_are_dated_as_given_with_mode_0644() {
        // 2026-01-01T00:00:00Z, and before 1980 (clamped).
        let zip =
            write(&[Entry { name: "a".into(), data: b"x".to_vec() }], Timestamp::from_unix_seconds(1_767_225_600))
                .unwrap();
        let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        let f = a.by_index_raw(0).unwrap();
        let t = f.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()), (2026, 1, 1, 0, 0, 0));
        assert_eq!(f.unix_mode(), Some(0o100644));
        let t = dos_time(Timestamp::from_unix_seconds(0));
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
    }
}
