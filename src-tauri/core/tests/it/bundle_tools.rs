//! Bundles checked by tools we did not write: Info-ZIP `unzip -t` and extraction, coreutils
//! `sha256sum -c` against the manifest, the stock `minisign -V`, Python's `jsonschema`
//! validator, and Chromium rendering the build sheet to PNG and PDF.
//!
//! These need Debian packages (`unzip minisign python3-jsonschema chromium`, installed by
//! .ci/setup.sh); a missing tool fails the test with the package to install. The rendered
//! sheet is kept at `target/tmp/bundle-build-sheet.png` / `.pdf` to look at.

use crate::bundle_fixture as fixture;

use std::path::{Path, PathBuf};
use std::process::Command;

use fixture::*;
use plansmith_core::bundle::{ExportOptions, Manifest, sign};

struct Exported {
    _dir: tempfile::TempDir,
    zip: PathBuf,
    out: PathBuf,
    pubkey: PathBuf,
}

/// A signed export of the approved demo, and its contents unzipped by Info-ZIP.
fn exported() -> Exported {
    require_tool("unzip", "unzip");
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let (sk, pk) = sign::keygen().unwrap();
    let pubkey = dir.path().join("key.pub");
    std::fs::write(&pubkey, pk).unwrap();
    let zip = dir.path().join("bundle.zip");
    let sk = sign::secret_key(&sk, None).unwrap();
    cat.export_bundle(&zip, &ExportOptions::default(), Some(&sk), &stamp()).unwrap();
    let out = dir.path().join("unzipped");
    let o = Command::new("unzip").arg("-q").arg(&zip).arg("-d").arg(&out).output().unwrap();
    assert!(o.status.success(), "unzip: {}", String::from_utf8_lossy(&o.stderr));
    Exported { _dir: dir, zip, out, pubkey }
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{cmd:?} failed:\n{text}");
    text
}

#[test]
fn unzip_tests_the_archive_and_sha256sum_agrees_with_the_manifest() {
    let e = exported();
    let t = run(Command::new("unzip").arg("-t").arg(&e.zip));
    assert!(t.contains("No errors detected"), "{t}");
    require_tool("sha256sum", "coreutils");
    let m = Manifest::parse(&std::fs::read(e.out.join("manifest.json")).unwrap()).unwrap();
    let sums: String = m.entries.iter().map(|x| format!("{}  {}\n", x.sha256, x.name)).collect();
    std::fs::write(e.out.join("SHA256SUMS"), sums).unwrap();
    let t = run(Command::new("sha256sum").arg("--check").arg("--strict").arg("SHA256SUMS").current_dir(&e.out));
    assert_eq!(t.matches(": OK").count(), m.entries.len(), "{t}");
    for x in &m.entries {
        assert_eq!(std::fs::metadata(e.out.join(&x.name)).unwrap().len(), x.size, "{}", x.name);
    }
}

#[test]
fn the_stock_minisign_verifies_the_signature() {
    require_tool("minisign", "minisign");
    let e = exported();
    let t = run(Command::new("minisign")
        .args(["-V", "-p"])
        .arg(&e.pubkey)
        .args(["-m", "manifest.json", "-x", "manifest.json.minisig"])
        .current_dir(&e.out));
    assert!(t.contains("Signature and comment signature verified"), "{t}");
    assert!(t.contains("file:manifest.json"), "{t}");
    // And rejects an altered manifest.
    let m = e.out.join("manifest.json");
    let text = std::fs::read_to_string(&m).unwrap().replace("Dana Lee", "Mallory");
    std::fs::write(&m, text).unwrap();
    let o = Command::new("minisign")
        .args(["-V", "-p"])
        .arg(&e.pubkey)
        .args(["-m", "manifest.json", "-x", "manifest.json.minisig"])
        .current_dir(&e.out)
        .output()
        .unwrap();
    assert!(!o.status.success());
}

#[test]
fn pythons_jsonschema_validates_the_catalog_against_the_bundled_schema() {
    // Debian's interpreter: that is where `apt-get install python3-jsonschema` puts the module
    // (a `python3` earlier on PATH, such as pyenv's, would not see it).
    let python = if std::path::Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
    require_tool(python, "python3");
    let e = exported();
    let script = "import json,sys\n\
        try:\n    import jsonschema\nexcept ImportError:\n    sys.exit('python3-jsonschema is not installed: apt-get install -y python3-jsonschema')\n\
        schema=json.load(open('catalog.schema.json'))\n\
        jsonschema.Draft202012Validator.check_schema(schema)\n\
        v=jsonschema.Draft202012Validator(schema)\n\
        errors=list(v.iter_errors(json.load(open('catalog.json'))))\n\
        [print(x.message) for x in errors]\n\
        bad=json.load(open('catalog.json')); bad['package_plans'][0]['weighting']='heavy'\n\
        assert list(v.iter_errors(bad)), 'a broken catalog must not validate'\n\
        sys.exit(1 if errors else 0)\n";
    let t = run(Command::new(python).arg("-c").arg(script).current_dir(&e.out));
    assert!(t.trim().is_empty(), "{t}");
}

fn chromium() -> &'static str {
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new("sh").arg("-c").arg(format!("command -v {c}")).output().is_ok_and(|o| o.status.success()) {
            return c;
        }
    }
    panic!("this test renders the build sheet with Chromium: apt-get install -y chromium (it is in .ci/setup.sh)");
}

fn render(sheet: &Path, flag: &str, out: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ])
        .args(["--disable-sync", "--no-first-run", "--no-pdf-header-footer", "--window-size=1100,2200"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("{flag}={}", out.display()))
        .arg(format!("file://{}", sheet.display()))
        .output()
        .unwrap();
    assert!(o.status.success() && out.exists(), "chromium {flag}: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn chromium_renders_the_build_sheet_to_png_and_pdf() {
    let e = exported();
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let png = keep.join("bundle-build-sheet.png");
    let pdf = keep.join("bundle-build-sheet.pdf");
    let _ = std::fs::remove_file(&png);
    let _ = std::fs::remove_file(&pdf);
    let sheet = e.out.join("build-sheet.html");
    render(&sheet, "--screenshot", &png);
    render(&sheet, "--print-to-pdf", &pdf);
    let png_bytes = std::fs::read(&png).unwrap();
    assert!(
        png_bytes.starts_with(b"\x89PNG") && png_bytes.len() > 50_000,
        "a screenshot with content: {} bytes",
        png_bytes.len()
    );
    let pdf_bytes = std::fs::read(&pdf).unwrap();
    assert!(pdf_bytes.starts_with(b"%PDF"));
    let pages = pdf_bytes.windows(11).filter(|w| *w == b"/Type /Page" || *w == b"/Type/Page\n").count();
    assert!(pages >= 3, "one page run per structure at least: {pages} pages");
    eprintln!("build sheet rendered to {} and {}", png.display(), pdf.display());
}
