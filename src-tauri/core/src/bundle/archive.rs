//! The bundle's zip writer: a small, deterministic writer of exactly the zip subset a bundle
//! needs, so that the same entries always give the same bytes and any unzip tool opens them.
//!
//! Why our own and not a general zip crate: determinism and speed are the point here.
//! - Every entry gets the same fixed timestamp (from the export's `created_at`, i.e.
//!   `SOURCE_DATE_EPOCH`), the same permissions (0644, "made by" Unix), no extra fields, no
//!   comments, no data descriptors; entries in the order they are added, listed in the
//!   central directory in the order the caller ranks them ([`ZipWriter`]). Nothing depends on
//!   the machine, the clock or the number of threads.
//! - Large entries are deflated in parallel like `pigz`: the data is cut into fixed 1 MiB
//!   chunks, each chunk is compressed on its own (raw deflate, sync-flushed to a byte boundary,
//!   the last one finished), and the pieces are concatenated, which is one valid deflate
//!   stream. Chunk boundaries depend only on the data, so the output does not depend on the
//!   number of cores; the two cores of a laptop both work on a large export.
//! - No zip64: a bundle is refused beyond 4 GiB or 65 535 entries, with a clear error, rather
//!   than written in a form some tools misread.

use std::sync::atomic::{AtomicUsize, Ordering};

use flate2::{Compress, Compression, FlushCompress, Status};
use sha2::Digest;

use crate::error::{CoreError, Result};
use crate::value::{Date, Timestamp};

/// Bytes per independently deflated chunk.
const CHUNK: usize = 1 << 20;
/// Deflate level of every entry: 1 (zlib-rs's quick strategy). For a 10k-structure bundle the
/// JSON and the build sheet are 34 MB instead of 27.6 MB at level 2, for 0.17 s less CPU; the
/// 15 000 diagrams (small streams of about 14 kB, where level 2's per-block Huffman trees cost
/// as much as the matching) 58.8 MB instead of 47.7 MB, in 0.31 s of CPU instead of 0.56 s.
/// Bundles are mailed, not archived by the million.
const LEVEL: u32 = 1;
/// Entries smaller than this are stored when deflate would not shrink them.
const VERSION_NEEDED: u16 = 20;
/// "Version made by": 3 = Unix (so unzip applies the permissions), spec version 2.0.
const MADE_BY: u16 = (3 << 8) | 20;
/// Regular file, rw-r--r--.
const UNIX_MODE: u32 = 0o100644;

/// One file of the archive, given whole.
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
}

/// An entry compressed and ready to be laid out (see [`pack`]).
pub struct Packed {
    pub name: String,
    method: u16,
    crc: u32,
    size: u32,
    body: Vec<u8>,
}

/// MS-DOS date and time of `at` (UTC). Zip cannot hold dates before 1980: they are clamped.
fn dos_time(at: Timestamp) -> (u16, u16) {
    let secs = at.unix_seconds().max(315_532_800); // 1980-01-01T00:00:00Z
    let d = Date::from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let year = (d.year - 1980).clamp(0, 127) as u16;
    let date = (year << 9) | ((d.month as u16) << 5) | d.day as u16;
    let time = (((s / 3600) as u16) << 11) | ((((s / 60) % 60) as u16) << 5) | (((s % 60) / 2) as u16);
    (date, time)
}

/// Deflates one chunk on its own; `last` finishes the stream, otherwise it ends sync-flushed
/// on a byte boundary so the next chunk's output can follow it.
fn deflate_chunk(c: &mut Compress, data: &[u8], last: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    deflate_chunk_into(c, data, last, &mut out);
    out
}

/// [`deflate_chunk`], appending to `out`.
fn deflate_chunk_into(c: &mut Compress, data: &[u8], last: bool, out: &mut Vec<u8>) {
    // One compressor per worker, reset between chunks: a new one allocates and clears its
    // window and hash tables, which cost more than deflating a small entry (a diagram).
    c.reset();
    out.reserve(data.len() / 3 + 64);
    let flush = if last { FlushCompress::Finish } else { FlushCompress::Sync };
    loop {
        let consumed = c.total_in() as usize;
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(4096));
        }
        let status = c.compress_vec(&data[consumed..], out, flush).expect("deflate of in-memory data cannot fail");
        let done_input = c.total_in() as usize == data.len();
        match status {
            Status::StreamEnd => break,
            _ if done_input && !last && out.capacity() > out.len() => break,
            _ => {}
        }
    }
}

/// An entry packed as it is written, 1 MiB chunk by chunk (the catalog JSON, 150 MB on a large
/// export): each chunk is hashed (SHA-256 for the manifest, CRC-32 for the zip) and deflated
/// while it is still in the cache, and the whole text is never held. Same bytes as [`pack`] of
/// the text on one core.
pub struct PackWriter {
    name: String,
    z: Compress,
    chunk: Vec<u8>,
    body: Vec<u8>,
    crc: crc32fast::Hasher,
    sha: sha2::Sha256,
    size: usize,
}

impl PackWriter {
    pub fn new(name: &str) -> PackWriter {
        PackWriter {
            name: name.to_string(),
            z: Compress::new(Compression::new(LEVEL), false),
            chunk: Vec::with_capacity(CHUNK),
            body: Vec::new(),
            crc: crc32fast::Hasher::new(),
            sha: sha2::Sha256::new(),
            size: 0,
        }
    }

    fn flush_chunk(&mut self, last: bool) {
        self.sha.update(&self.chunk);
        self.crc.update(&self.chunk);
        deflate_chunk_into(&mut self.z, &self.chunk, last, &mut self.body);
        self.chunk.clear();
    }

    /// The entry's size, its SHA-256 (lowercase hex) and the packed entry. An entry of one
    /// chunk that deflate does not shrink is stored, as [`pack`] stores it (its text is still at
    /// hand); a longer one stays deflated, a few bytes over its size (JSON and HTML of a
    /// megabyte always shrink, so that is only a safe default).
    pub fn finish(mut self) -> Result<(u64, String, Packed)> {
        let one_chunk = (self.size <= CHUNK).then(|| self.chunk.clone());
        self.flush_chunk(true);
        if self.size > u32::MAX as usize {
            return Err(too_big(&format!("{} of {} bytes", self.name, self.size)));
        }
        let sha: String = self.sha.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let crc = self.crc.finalize();
        let size = self.size as u32;
        let packed = match one_chunk {
            Some(text) if self.body.len() >= self.size => Packed { name: self.name, method: 0, crc, size, body: text },
            _ => Packed { name: self.name, method: 8, crc, size, body: self.body },
        };
        Ok((self.size as u64, sha, packed))
    }
}

impl std::io::Write for PackWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut rest = data;
        while !rest.is_empty() {
            // A full chunk is deflated once more text follows it: the last one finishes the
            // stream (in `finish`).
            if self.chunk.len() == CHUNK {
                self.flush_chunk(false);
            }
            let take = (CHUNK - self.chunk.len()).min(rest.len());
            self.chunk.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
        }
        self.size += data.len();
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The chunks of every entry, compressed on up to `threads` cores. Entries of no data get one
/// empty last chunk (a valid empty deflate stream).
fn deflate_all(entries: &[&[u8]], threads: usize) -> Vec<Vec<Vec<u8>>> {
    let mut owner = Vec::new();
    let mut jobs: Vec<(&[u8], bool)> = Vec::new();
    for (e, data) in entries.iter().enumerate() {
        let n = data.len().div_ceil(CHUNK).max(1);
        for c in 0..n {
            owner.push(e);
            jobs.push((&data[(c * CHUNK).min(data.len())..((c + 1) * CHUNK).min(data.len())], c + 1 == n));
        }
    }
    let mut out: Vec<Vec<Vec<u8>>> = entries.iter().map(|_| Vec::new()).collect();
    for (e, bytes) in owner.into_iter().zip(deflate_jobs(&jobs, threads)) {
        out[e].push(bytes);
    }
    out
}

/// Deflates each (chunk, last) on its own, on up to `threads` cores, in the order given.
fn deflate_jobs(jobs: &[(&[u8], bool)], threads: usize) -> Vec<Vec<u8>> {
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, jobs.len().max(1));
    let work = || {
        let mut z = Compress::new(Compression::new(LEVEL), false);
        let mut mine = Vec::new();
        loop {
            let j = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(piece, last)) = jobs.get(j) else { break };
            mine.push((j, deflate_chunk(&mut z, piece, last)));
        }
        mine
    };
    let mut done: Vec<(usize, Vec<u8>)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            workers.into_iter().flat_map(|w| w.join().expect("a deflate worker panicked")).collect()
        })
    };
    done.sort_by_key(|(j, _)| *j);
    done.into_iter().map(|(_, bytes)| bytes).collect()
}

/// The number of cores to deflate on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8)
}

fn packed(name: String, data: &[u8], chunks: Vec<Vec<u8>>) -> Packed {
    let crc = crc32fast::hash(data);
    let deflated: usize = chunks.iter().map(Vec::len).sum();
    if deflated >= data.len() {
        return Packed { name, method: 0, crc, size: data.len() as u32, body: data.to_vec() };
    }
    let mut body = Vec::with_capacity(deflated);
    for c in chunks {
        body.extend_from_slice(&c);
    }
    Packed { name, method: 8, crc, size: data.len() as u32, body }
}

/// Compresses one entry on up to `threads` cores (the bytes do not depend on `threads`).
/// Refuses an entry a zip without zip64 cannot hold.
pub fn pack(name: &str, data: &[u8], threads: usize) -> Result<Packed> {
    if data.len() > u32::MAX as usize {
        return Err(too_big(&format!("{name} of {} bytes", data.len())));
    }
    let chunks = deflate_all(&[data], threads).pop().unwrap_or_default();
    Ok(packed(name.to_string(), data, chunks))
}

/// Compresses entries one at a time on the calling thread with one reused compressor: for
/// workers that produce many small entries (the diagrams) and pack each as it is made. The
/// bytes are those of [`pack`].
pub struct Packer {
    z: Compress,
}

impl Default for Packer {
    fn default() -> Self {
        Packer { z: Compress::new(Compression::new(LEVEL), false) }
    }
}

impl Packer {
    pub fn pack(&mut self, name: &str, data: &[u8]) -> Result<Packed> {
        if data.len() > u32::MAX as usize {
            return Err(too_big(&format!("{name} of {} bytes", data.len())));
        }
        let n = data.len().div_ceil(CHUNK).max(1);
        let chunks = (0..n)
            .map(|c| deflate_chunk(&mut self.z, &data[c * CHUNK..((c + 1) * CHUNK).min(data.len())], c + 1 == n))
            .collect();
        Ok(packed(name.to_string(), data, chunks))
    }
}

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn too_big(what: &str) -> CoreError {
    CoreError::invalid(
        "bundle",
        format!(
            "the bundle would hold {what}, more than a zip without zip64 can; export fewer structures at a time (--structure)"
        ),
    )
}

/// Compresses `entries` together on every core (chunks of all entries share the workers).
pub fn pack_all(entries: &[Entry]) -> Result<Vec<Packed>> {
    if let Some(e) = entries.iter().find(|e| e.data.len() > u32::MAX as usize) {
        return Err(too_big(&format!("{} of {} bytes", e.name, e.data.len())));
    }
    let data: Vec<&[u8]> = entries.iter().map(|e| e.data.as_slice()).collect();
    let chunks = deflate_all(&data, cores());
    Ok(entries.iter().zip(chunks).map(|(e, c)| packed(e.name.clone(), &e.data, c)).collect())
}

/// Writes `entries`, in this order, as one zip archive, every entry dated `at`.
pub fn write(entries: &[Entry], at: Timestamp) -> Result<Vec<u8>> {
    write_packed(&pack_all(entries)?, at)
}

/// Lays out entries already compressed with [`pack`], in this order, every entry dated `at`.
pub fn write_packed(packed: &[Packed], at: Timestamp) -> Result<Vec<u8>> {
    let size = packed.iter().map(|p| p.body.len() + 2 * p.name.len() + 76).sum::<usize>() + 22;
    let mut zip = ZipWriter::new(Vec::with_capacity(size), at);
    for p in packed {
        zip.add(p)?;
    }
    zip.finish(|_| 0)
}

/// A zip archive written front to back as its entries come: each entry's local header and
/// body when it is added, the central directory at the end. A bundle goes to its file while
/// it is being made (the diagrams as they are drawn), so the final flush to disk waits for
/// little more than the last entries.
///
/// The central directory may list the entries in another order than the file holds them
/// (zip readers, ours included, find each entry through its offset): a bundle lists its
/// manifest first, though it is written last, when every other entry's hash is known.
pub struct ZipWriter<W: std::io::Write> {
    out: W,
    date: u16,
    time: u16,
    /// Where the next entry starts.
    at: u64,
    /// The central directory's records, in the order the entries were written.
    written: Vec<Central>,
}

/// What the central directory says of one entry.
struct Central {
    name: String,
    method: u16,
    crc: u32,
    packed: u32,
    size: u32,
    offset: u32,
}

impl<W: std::io::Write> ZipWriter<W> {
    pub fn new(out: W, at: Timestamp) -> ZipWriter<W> {
        let (date, time) = dos_time(at);
        ZipWriter { out, date, time, at: 0, written: Vec::new() }
    }

    /// Writes `p` (its local header and its compressed body). Refuses what a zip without
    /// zip64 cannot hold: more than 65 535 entries, or 4 GiB.
    pub fn add(&mut self, p: &Packed) -> Result<()> {
        if self.written.len() >= u16::MAX as usize {
            return Err(too_big(&format!("more than {} files", u16::MAX)));
        }
        let end = self.at + 30 + p.name.len() as u64 + p.body.len() as u64;
        if end > u32::MAX as u64 {
            return Err(too_big(&format!("{end} bytes or more")));
        }
        let c = Central {
            name: p.name.clone(),
            method: p.method,
            crc: p.crc,
            packed: p.body.len() as u32,
            size: p.size,
            offset: self.at as u32,
        };
        let mut header = Vec::with_capacity(30 + p.name.len());
        u32le(&mut header, 0x0403_4b50);
        self.header_common(&mut header, &c);
        u16le(&mut header, 0); // extra field length
        header.extend_from_slice(p.name.as_bytes());
        self.out.write_all(&header)?;
        self.out.write_all(&p.body)?;
        self.at = end;
        self.written.push(c);
        Ok(())
    }

    /// Writes the central directory, listing the entries by `rank` of their name (ties in the
    /// order written), and the end record; gives the output back.
    pub fn finish<K: Ord>(mut self, rank: impl Fn(&str) -> K) -> Result<W> {
        let mut listed: Vec<&Central> = self.written.iter().collect();
        listed.sort_by_key(|c| rank(&c.name));
        let mut cd: Vec<u8> = Vec::with_capacity(listed.iter().map(|c| 46 + c.name.len()).sum::<usize>() + 22);
        for c in &listed {
            u32le(&mut cd, 0x0201_4b50);
            u16le(&mut cd, MADE_BY);
            self.header_common(&mut cd, c);
            u16le(&mut cd, 0); // extra field length
            u16le(&mut cd, 0); // comment length
            u16le(&mut cd, 0); // disk number
            u16le(&mut cd, 0); // internal attributes
            u32le(&mut cd, UNIX_MODE << 16);
            u32le(&mut cd, c.offset);
            cd.extend_from_slice(c.name.as_bytes());
        }
        let cd_size = cd.len();
        if self.at + cd_size as u64 + 22 > u32::MAX as u64 {
            return Err(too_big(&format!("{} bytes or more", self.at + cd_size as u64)));
        }
        u32le(&mut cd, 0x0605_4b50);
        u16le(&mut cd, 0);
        u16le(&mut cd, 0);
        u16le(&mut cd, listed.len() as u16);
        u16le(&mut cd, listed.len() as u16);
        u32le(&mut cd, cd_size as u32);
        u32le(&mut cd, self.at as u32);
        u16le(&mut cd, 0);
        self.out.write_all(&cd)?;
        Ok(self.out)
    }

    /// The fields shared by local and central headers, from "version needed" to the name
    /// length.
    fn header_common(&self, out: &mut Vec<u8>, c: &Central) {
        u16le(out, VERSION_NEEDED);
        u16le(out, 1 << 11); // UTF-8 names
        u16le(out, c.method);
        u16le(out, self.time);
        u16le(out, self.date);
        u32le(out, c.crc);
        u32le(out, c.packed);
        u32le(out, c.size);
        u16le(out, c.name.len() as u16);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn an_entry_packed_as_written_is_the_entry_packed_whole() {
        use std::io::Write;
        let big: Vec<u8> = (0..(2 * CHUNK + 777)).map(|i| (i % 251) as u8 ^ (i / 7919) as u8).collect();
        for data in [&big[..], &big[..CHUNK], &big[..2 * CHUNK], b"{}\n".repeat(50).as_slice()] {
            let whole = pack("e", data, 1).unwrap();
            let mut w = PackWriter::new("e");
            // Writes of every size, across chunk boundaries.
            for piece in data.chunks(CHUNK / 3 + 1) {
                w.write_all(piece).unwrap();
            }
            let (size, sha, packed) = w.finish().unwrap();
            assert_eq!((size, sha.as_str()), (data.len() as u64, crate::bundle::manifest::sha256_hex(data).as_str()));
            assert_eq!((packed.method, packed.crc, packed.size), (whole.method, whole.crc, whole.size));
            assert!(packed.body == whole.body, "{} bytes", data.len());
        }
        // What deflate cannot shrink is stored, as `pack` stores it…
        let mut w = PackWriter::new("s");
        w.write_all(b"x").unwrap();
        let (stored, whole) = (w.finish().unwrap().2, pack("s", b"x", 1).unwrap());
        assert_eq!((stored.method, stored.crc, &stored.body[..]), (0, whole.crc, &b"x"[..]));
        // …unless it was longer than a chunk: then it stays deflated, and inflates back whole.
        let mut noise = vec![0u8; 2 * CHUNK + 5];
        let mut x = 0x9e37_79b9_u32;
        for b in &mut noise {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        let mut w = PackWriter::new("n");
        w.write_all(&noise).unwrap();
        let (_, _, deflated) = w.finish().unwrap();
        assert_eq!(deflated.method, 8);
        assert!(deflated.body.len() >= noise.len(), "noise shrank: the case is not tested");
        let mut back = Vec::new();
        flate2::read::DeflateDecoder::new(&deflated.body[..]).read_to_end(&mut back).unwrap();
        assert!(back == noise);
    }

    #[test]
    fn chunked_deflate_is_one_valid_stream() {
        let data: Vec<u8> = (0..(3 * CHUNK + 12345)).map(|i| (i % 251) as u8 ^ (i / 7919) as u8).collect();
        let n = data.len().div_ceil(CHUNK);
        let mut stream = Vec::new();
        let mut z = Compress::new(Compression::new(LEVEL), false);
        for c in 0..n {
            stream.extend(deflate_chunk(&mut z, &data[c * CHUNK..((c + 1) * CHUNK).min(data.len())], c + 1 == n));
        }
        let mut back = Vec::new();
        flate2::read::DeflateDecoder::new(&stream[..]).read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_number_of_cores() {
        let data: Vec<u8> = (0..(2 * CHUNK + 999)).map(|i| (i * 7 % 253) as u8).collect();
        let one = pack("a", &data, 1).unwrap();
        let many = pack("a", &data, 5).unwrap();
        assert_eq!((one.body, one.crc, one.method), (many.body, many.crc, many.method));
    }

    #[test]
    fn a_packer_gives_the_bytes_of_pack() {
        let data: Vec<u8> = (0..(CHUNK + 4321)).map(|i| (i * 13 % 241) as u8).collect();
        let mut packer = Packer::default();
        for d in [&data[..], b"", b"<svg/>", &data[..100]] {
            let (a, b) = (pack("x", d, 2).unwrap(), packer.pack("x", d).unwrap());
            assert_eq!((a.body, a.crc, a.method, a.size), (b.body, b.crc, b.method, b.size));
        }
    }

    #[test]
    fn dos_time_of_2026() {
        // 2026-01-01T00:00:00Z
        let (d, t) = dos_time(Timestamp::from_unix_seconds(1_767_225_600));
        assert_eq!((d >> 9, (d >> 5) & 15, d & 31, t), (46, 1, 1, 0));
    }
}
