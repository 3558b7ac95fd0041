//! Shared by the bundle tests: an approved demo catalog, stamps, and reading entries back.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use plansmith_core::bundle::read::{ArchiveEntry, read_archive};
use plansmith_core::bundle::{self, ExportOptions, Limits};
use plansmith_core::{Catalog, Stamp, Timestamp};

pub const EPOCH: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

pub fn stamp() -> Stamp {
    Stamp::new("Dana Lee", Timestamp::from_unix_seconds(EPOCH))
}

/// The demo catalog, every plan approved, at `dir/demo.plansmith`.
pub fn approved_demo(dir: &Path) -> (Catalog, PathBuf) {
    let path = dir.join("demo.plansmith");
    let mut cat = plansmith_core::demo::write_demo(&path, &stamp()).unwrap();
    let all = cat.approve_all(&stamp()).unwrap();
    assert!(all.blocked.is_empty(), "{:?}", all.blocked);
    (cat, path)
}

/// The bytes of an export of `cat` (whole catalog unless structures are named).
pub fn export_bytes(cat: &Catalog, opts: &ExportOptions) -> Vec<u8> {
    bundle::build(&cat.snapshot().unwrap(), opts, None, &stamp()).unwrap().bytes
}

pub fn entries(bytes: &[u8]) -> Vec<ArchiveEntry> {
    read_archive(bytes, &Limits::default()).unwrap()
}

pub fn entry<'a>(v: &'a [ArchiveEntry], name: &str) -> &'a [u8] {
    &v.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no {name}")).data
}

/// Rewrites an archive from entries (our deterministic writer).
pub fn rezip(v: &[ArchiveEntry]) -> Vec<u8> {
    let e: Vec<bundle::archive::Entry> =
        v.iter().map(|x| bundle::archive::Entry { name: x.name.clone(), data: x.data.clone() }).collect();
    bundle::archive::write(&e, Timestamp::from_unix_seconds(EPOCH)).unwrap()
}

/// Fails with a clear message when an outside tool the test relies on is missing.
pub fn require_tool(tool: &str, package: &str) {
    let found = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "this test needs `{tool}` (Debian package `{package}`): apt-get install -y {package} (it is in .ci/setup.sh)"
    );
}
