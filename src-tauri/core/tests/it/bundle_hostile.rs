//! Reading bundles is safe against hostile files: a corpus of archives that escape, link,
//! collide, bomb, lie or are cut short, generated here byte by byte (and a few committed ones
//! written by Python's zipfile in fixtures/hostile), each refused with a clear error, nothing
//! written anywhere, no panic; reading one takes no more memory than its manifest declares
//! plus a fixed margin (measured by the allocator defined here for the whole test binary: the
//! system's, counting the bytes each thread holds). Then a deterministic mutation fuzzer over a real bundle.

use crate::bundle_fixture as fixture;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use fixture::*;
use plansmith_core::bundle::read::{ArchiveEntry, MARGIN, read_archive};
use plansmith_core::bundle::{self, Bundle, ExportOptions, Limits};
use plansmith_core::{ErrorKind, Timestamp};

/// The system allocator, counting the bytes each thread holds and the most it held.
struct Counting;

thread_local! {
    static HELD: Cell<i64> = const { Cell::new(0) };
    static MOST: Cell<i64> = const { Cell::new(0) };
}

fn held(change: i64) {
    let _ = HELD.try_with(|h| {
        h.set(h.get() + change);
        let _ = MOST.try_with(|m| m.set(m.get().max(h.get())));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            held(layout.size() as i64);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            held(layout.size() as i64);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        held(-(layout.size() as i64));
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, size) };
        if !q.is_null() {
            held(size as i64 - layout.size() as i64);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `f` gives, and the most memory this thread held at once while it ran, beyond what it
/// held before.
fn most_held<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = HELD.with(|h| h.get());
    MOST.with(|m| m.set(before));
    let out = f();
    (out, (MOST.with(|m| m.get()) - before).max(0) as u64)
}

/// One raw entry, every header field under the test's control.
#[derive(Clone)]
struct Raw {
    name: String,
    local_name: Option<String>,
    data: Vec<u8>,
    deflate: bool,
    flags: u16,
    method: Option<u16>,
    mode: u32,
    size: Option<u32>,
    crc: Option<u32>,
    local_offset: Option<u32>,
}

fn raw(name: &str, data: &[u8]) -> Raw {
    Raw {
        name: name.into(),
        local_name: None,
        data: data.to_vec(),
        deflate: true,
        flags: 0,
        method: None,
        mode: 0o100644,
        size: None,
        crc: None,
        local_offset: None,
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zip(entries: &[Raw]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let body = if e.deflate { deflate(&e.data) } else { e.data.clone() };
        let method = e.method.unwrap_or(if e.deflate { 8 } else { 0 });
        let crc = e.crc.unwrap_or_else(|| crc32fast::hash(&e.data));
        let size = e.size.unwrap_or(e.data.len() as u32);
        let offset = e.local_offset.unwrap_or(out.len() as u32);
        let local_name = e.local_name.clone().unwrap_or_else(|| e.name.clone());
        let head = |sig: u32, name: &str| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            h.extend(20u16.to_le_bytes());
            h.extend(e.flags.to_le_bytes());
            h.extend(method.to_le_bytes());
            h.extend([0u8; 4]);
            h.extend(crc.to_le_bytes());
            h.extend((body.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes());
            h
        };
        if e.local_offset.is_none() {
            out.extend(head(0x0403_4b50, &local_name));
            out.extend(local_name.as_bytes());
            out.extend(&body);
        }
        let mut c = vec![];
        c.extend(0x0201_4b50u32.to_le_bytes());
        c.extend(((3u16 << 8) | 20).to_le_bytes());
        c.extend(&head(0, &e.name)[4..]);
        c.extend([0u8; 6]); // comment length, disk, internal attributes
        c.extend((e.mode << 16).to_le_bytes());
        c.extend(offset.to_le_bytes());
        c.extend(e.name.as_bytes());
        central.push(c);
    }
    let cd_start = out.len() as u32;
    let n = central.len() as u16;
    for c in central {
        out.extend(c);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(n.to_le_bytes());
    out.extend(n.to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_start.to_le_bytes());
    out.extend([0u8; 2]);
    out
}

/// Refused by the reader with a message containing `needle`; and by verify and import too,
/// without a file appearing.
fn refused(bytes: &[u8], needle: &str) {
    let e = read_archive(bytes, &Limits::default()).expect_err(needle);
    assert!(matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::IncompatibleFile), "{e}");
    assert!(e.message().contains(needle), "expected '{needle}' in: {e}");
    assert!(bundle::verify(bytes, None, &Limits::default()).is_err());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("imported.plansmith");
    assert!(bundle::import(bytes, &target, None, &stamp()).is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "import of a hostile bundle left files");
}

#[test]
fn paths_escaping_the_archive_are_refused() {
    refused(&zip(&[raw("../../evil.txt", b"x")]), "escaping the archive");
    refused(&zip(&[raw("diagrams/../../evil.txt", b"x")]), "escaping the archive");
    refused(&zip(&[raw("/etc/cron.d/evil", b"x")]), "absolute path");
    refused(&zip(&[raw("C:/Windows/evil", b"x")]), "drive letter");
    refused(&zip(&[raw("..\\..\\evil", b"x")]), "backslash");
    refused(&zip(&[raw("a//b", b"x")]), "empty or '.'");
    refused(&zip(&[raw("evil\u{1b}[2J", b"x")]), "control characters");
}

#[test]
fn links_and_special_files_are_refused() {
    let mut link = raw("manifest.json", b"/etc/passwd");
    link.mode = 0o120777;
    refused(&zip(&[link]), "symbolic link");
    let mut fifo = raw("manifest.json", b"");
    fifo.mode = 0o010644;
    refused(&zip(&[fifo]), "special file");
}

#[test]
fn duplicate_names_are_refused_also_across_case() {
    refused(&zip(&[raw("manifest.json", b"{}"), raw("manifest.json", b"{}")]), "appears twice");
    refused(&zip(&[raw("catalog.json", b"{}"), raw("Catalog.JSON", b"{}")]), "appears twice");
}

#[test]
fn size_bombs_are_refused_before_and_while_inflating() {
    // Declares far more than the limits allow.
    let mut big = raw("catalog.json", b"{}");
    big.size = Some(u32::MAX - 1);
    refused(&zip(&[big]), "more than");
    // Zeros at ~1000:1.
    refused(&zip(&[raw("catalog.json", &vec![0u8; 64 << 20])]), "fold");
    // Declares 10 bytes, inflates to a megabyte.
    let mut liar = raw("catalog.json", &vec![b'a'; 1 << 20]);
    liar.size = Some(10);
    refused(&zip(&[liar]), "inflates beyond");
    // Many entries pointing at the same data (overlapping files).
    let mut a = raw("a.json", &vec![b'a'; 5000]);
    let mut b = a.clone();
    b.name = "b.json".into();
    b.local_name = Some("a.json".into());
    b.local_offset = Some(0);
    a.local_offset = None;
    let bytes = zip(&[a, b]);
    let e = read_archive(&bytes, &Limits::default()).unwrap_err();
    assert!(e.message().contains("disagrees") || e.message().contains("overlap"), "{e}");
    // Tighter limits apply as given.
    let tight = Limits { entry_bytes: 1000, ..Limits::default() };
    assert!(
        read_archive(&zip(&[raw("x.json", &[b' '; 2000])]), &tight)
            .unwrap_err()
            .message()
            .contains("more than the 1000")
    );
    let few = Limits { entries: 2, ..Limits::default() };
    assert!(
        read_archive(&zip(&[raw("a", b""), raw("b", b""), raw("c", b"")]), &few)
            .unwrap_err()
            .message()
            .contains("3 entries")
    );
}

#[test]
fn archives_that_lie_or_are_cut_short_are_refused() {
    let mut enc = raw("manifest.json", b"{}");
    enc.flags = 1;
    refused(&zip(&[enc]), "encrypted");
    let mut bzip = raw("manifest.json", b"{}");
    bzip.method = Some(12);
    refused(&zip(&[bzip]), "compression method 12");
    let mut crc = raw("manifest.json", b"{}");
    crc.crc = Some(0xDEAD_BEEF);
    refused(&zip(&[crc]), "CRC-32");
    let mut smuggled = raw("manifest.json", b"{}");
    smuggled.local_name = Some("../evil".into());
    refused(&zip(&[smuggled]), "disagrees with the directory");
    let mut z64 = raw("manifest.json", b"{}");
    z64.size = Some(0xFFFF_FFFF);
    refused(&zip(&[z64]), "zip64");
    let mut garbage = raw("manifest.json", b"");
    garbage.deflate = false;
    garbage.method = Some(8);
    garbage.data = b"\xff\xff\xff\xff".to_vec();
    garbage.size = Some(4);
    refused(&zip(&[garbage]), "manifest.json");
    refused(b"", "too short");
    refused(b"PK\x03\x04 this is not really a zip file at all", "no zip directory");
    // A real bundle cut at every 97th byte: always a clean refusal.
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let good = export_bytes(&cat, &ExportOptions::default());
    for cut in (0..good.len()).step_by(97) {
        assert!(read_archive(&good[..cut], &Limits::default()).is_err(), "cut at {cut}");
    }
}

#[test]
fn deep_or_huge_json_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let good = entries(&export_bytes(&cat, &ExportOptions::default()));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for (name, text) in [("catalog.json", deep.clone()), ("manifest.json", deep)] {
        let mut v = good.clone();
        v.iter_mut().find(|e| e.name == name).unwrap().data = text.into_bytes();
        let bytes = rezip(&v);
        let e = Bundle::from_bytes(&bytes, &Limits::default()).unwrap_err();
        assert!(e.message().contains(name) || e.message().contains("manifest"), "{e}");
        match bundle::verify(&bytes, None, &Limits::default()) {
            Ok(v) => assert!(v.problems.iter().any(|p| p.message.contains("recursion")), "{:?}", v.problems),
            Err(e) => assert!(e.message().contains("manifest.json"), "{e}"),
        }
    }
    // Larger than the limits allow, refused before parsing.
    let mut v = good.clone();
    v.iter_mut().find(|e| e.name == "catalog.json").unwrap().data = vec![b' '; 3 << 20];
    let tight = Limits { entry_bytes: 1 << 20, ..Limits::default() };
    assert!(Bundle::from_bytes(&rezip(&v), &tight).unwrap_err().message().contains("more than"));
}

/// Data that deflates about 2:1, so no ratio check refuses it: only its size matters.
fn noise(len: usize) -> Vec<u8> {
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b'a' + (x % 16) as u8
        })
        .collect()
}

/// An entry the manifest does not list, or that inflates beyond the size it declares, is
/// refused (or, by verify, reported) without being inflated: reading a hostile bundle takes no
/// more memory than its manifest declares, plus a fixed margin, however large the entry.
#[test]
fn a_hostile_bundle_takes_no_more_memory_than_its_manifest_declares() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let good = entries(&export_bytes(&cat, &ExportOptions::default()));
    let declared: u64 = good.iter().map(|e| e.data.len() as u64).sum();
    let bound = declared + MARGIN;
    let big = noise(40 << 20);
    assert!(big.len() as u64 > bound, "the entry must be larger than the bound for the test to tell");
    let limits = Limits::default();

    // An unlisted 40 MiB entry.
    let mut v = good.clone();
    v.push(ArchiveEntry { name: "extra.bin".into(), data: big.clone() });
    let unlisted = rezip(&v);
    // The measure sees an inflated entry: the archive reader, which reads every entry, holds it.
    let (all, most) = most_held(|| read_archive(&unlisted, &limits).map(|v| v.len()));
    assert_eq!(all.unwrap(), good.len() + 1);
    assert!(most > 40 << 20, "reading every entry held only {most} bytes");
    let (r, most) = most_held(|| Bundle::from_bytes(&unlisted, &limits).map(|_| ()));
    let e = r.unwrap_err();
    assert!(e.message().contains("'extra.bin' is not listed in manifest.json"), "{e}");
    assert!(most < bound, "reading held {most} bytes, more than the manifest's {declared} and the margin");
    let (r, most) = most_held(|| bundle::verify(&unlisted, None, &limits).map(|v| v.problems));
    let problems = r.unwrap();
    assert!(problems.iter().any(|p| p.subject == "extra.bin" && p.message.contains("was added")), "{problems:?}");
    assert!(most < bound, "verify held {most} bytes, more than the manifest's {declared} and the margin");

    // A listed entry that declares its listed size and inflates to 40 MiB.
    let mut raws: Vec<Raw> = good.iter().map(|e| raw(&e.name, &e.data)).collect();
    let liar = raws.iter_mut().find(|r| r.name == "id-return.csv").unwrap();
    liar.size = Some(liar.data.len() as u32);
    liar.data = big;
    let lying = zip(&raws);
    type Read<'a> = &'a dyn Fn(&[u8]) -> plansmith_core::Result<()>;
    let from_bytes: Read = &|b| Bundle::from_bytes(b, &limits).map(|_| ());
    let verify: Read = &|b| bundle::verify(b, None, &limits).map(|_| ());
    for (what, read) in [("from_bytes", from_bytes), ("verify", verify)] {
        let (r, most) = most_held(|| read(&lying));
        let e = r.unwrap_err();
        assert!(e.message().contains("'id-return.csv' inflates beyond"), "{what}: {e}");
        assert!(most < bound, "{what} held {most} bytes, more than the manifest's {declared} and the margin");
    }

    // The duplicate a zip library keeps only one of is named.
    let e = read_archive(&zip(&[raw("manifest.json", b"{}"), raw("manifest.json", b"{}")]), &limits).unwrap_err();
    assert!(e.message().contains("'manifest.json' appears twice"), "{e}");
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile").join(name)).unwrap()
}

#[test]
fn archives_written_by_pythons_zipfile_are_refused_too() {
    refused(&fixture("traversal.zip"), "escaping the archive");
    refused(&fixture("absolute.zip"), "absolute path");
    refused(&fixture("symlink.zip"), "symbolic link");
    refused(&fixture("duplicate.zip"), "appears twice");
    refused(&fixture("truncated.zip"), "no zip directory");
}

/// splitmix64, as in `synth`: stable across platforms, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len());
        match rng.below(7) {
            0 => v[at] ^= 1 << rng.below(8),
            1 => v[at] = rng.next() as u8,
            2 => v.truncate(at),
            3 => v.insert(at, rng.next() as u8),
            4 => {
                let end = (at + rng.below(64)).min(v.len());
                let piece = v[at..end].to_vec();
                let to = rng.below(v.len());
                v.splice(to..to, piece);
            }
            5 => {
                // Header fields: sizes, offsets, counts (near a PK signature).
                if let Some(p) = v.windows(2).skip(at).position(|w| w == b"PK") {
                    let f = (at + p + 4 + rng.below(40)).min(v.len().saturating_sub(4));
                    let val = [0u32, 1, 0xFFFF, 0xFFFF_FFFF, rng.next() as u32][rng.below(5)];
                    let n = 4.min(v.len() - f);
                    v[f..f + n].copy_from_slice(&val.to_le_bytes()[..n]);
                }
            }
            _ => {
                let end = (at + rng.below(256)).min(v.len());
                v.drain(at..end);
            }
        }
        if v.is_empty() {
            break;
        }
    }
    v
}

/// The deterministic fuzzer: thousands of mutated bundles, each read, opened and verified
/// without a panic. (`fuzz/` holds the same target for cargo-fuzz, to run for hours.)
#[test]
fn mutated_bundles_never_panic_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let seeds = [
        export_bytes(&cat, &ExportOptions { structures: vec!["ST-2".parse().unwrap()], ..Default::default() }),
        zip(&[raw("manifest.json", b"{\"format\":\"plansmith-bundle\"}"), raw("catalog.json", b"{}")]),
    ];
    let iterations: usize =
        std::env::var("PLANSMITH_FUZZ_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let mut rng = Rng(0x5EED_B0B5);
    let limits = Limits::default();
    let (mut read_ok, mut verified) = (0, 0);
    for i in 0..iterations {
        let input = mutate(&mut rng, &seeds[i % seeds.len()]);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let r = read_archive(&input, &limits);
            let _ = Bundle::from_bytes(&input, &limits);
            if r.is_ok() {
                let _ = bundle::verify(&input, None, &limits);
            }
            r.is_ok()
        }));
        match outcome {
            Ok(true) => read_ok += 1,
            Ok(false) => {}
            Err(_) => {
                let path = std::env::temp_dir().join(format!("plansmith-fuzz-crash-{i}.zip"));
                std::fs::write(&path, &input).unwrap();
                panic!("iteration {i} panicked; the input is saved at {}", path.display());
            }
        }
        verified += 1;
    }
    assert_eq!(verified, iterations);
    eprintln!("{iterations} mutated bundles: {read_ok} still read as archives, none panicked");
    let _ = Timestamp::from_unix_seconds(0);
}
