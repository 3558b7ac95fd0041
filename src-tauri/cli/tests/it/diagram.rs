//! `plansmith diagram` as scripts and bundles use it: the SVG file (replaced whole when it
//! exists), the layout JSON (the same layout the core's golden files hold, so the window, the
//! command line and the tests agree), clear refusals, and an SVG that a standard renderer
//! (rsvg-convert, Debian package librsvg2-bin) turns into a picture of the right size.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::run::{demo, plansmith, stderr, stdout};

fn assert_refused(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stdout: {}\nstderr: {err}", stdout(o));
    assert!(err.starts_with("plansmith: ") && err.contains(needle), "stderr should mention {needle:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn svg_size(svg: &str) -> (u32, u32) {
    let header = svg.lines().nth(1).unwrap();
    let attr = |name: &str| -> u32 {
        let start = header.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        header[start..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn writes_a_structure_diagram_and_replaces_it_whole() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let out = d.path().join("mobile.svg");
    let o = plansmith(&["diagram", p.to_str().unwrap(), "--structure", "ST-2", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with(&format!("wrote {} (18 boxes", out.display())), "{}", stdout(&o));
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.starts_with("<?xml") && first.trim_end().ends_with("</svg>"));
    assert!(first.contains("Mobile data 8 GB bolt-on"));
    // Drawing again over the file replaces it, through a temporary file that does not stay.
    std::fs::write(&out, "old picture").unwrap();
    let o = plansmith(&["diagram", p.to_str().unwrap(), "--structure", "st-2", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first, "same catalog, same picture");
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn the_layout_json_is_the_cores_golden_layout() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    for (args, golden) in [
        (vec!["--structure", "ST-1"], "structure-ST-1.json"),
        (vec!["--structure", "ST-2"], "structure-ST-2.json"),
        (vec!["--structure", "ST-1", "--shared-data"], "shared-data-ST-1.json"),
        (vec![], "catalog-demo.json"),
    ] {
        let mut all = vec!["diagram", p.to_str().unwrap(), "--json"];
        all.extend(args.iter().copied());
        let o = plansmith(&all);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/golden").join(golden);
        let want: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(got, want, "{args:?} prints the layout of {}", path.display());
    }
}

#[test]
fn the_whole_catalog_and_the_shared_data_picture() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let whole = d.path().join("catalog.svg");
    let o = plansmith(&["diagram", p.to_str().unwrap(), "--out", whole.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&whole).unwrap();
    assert!(
        svg.contains("ST-1 · Harbour Cafés") && svg.contains("ST-2 · Mobile Business 40"),
        "both structures have a section"
    );
    let shared = d.path().join("shared.svg");
    let o = plansmith(&[
        "diagram",
        p.to_str().unwrap(),
        "--structure",
        "ST-1",
        "--shared-data",
        "--out",
        shared.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&shared).unwrap();
    for site in ["Circular Quay flagship", "Bondi Beach café", "500 GB a month"] {
        assert!(svg.contains(site), "{site}");
    }
}

#[test]
fn refusals_say_what_to_do() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let ps = p.to_str().unwrap();
    assert_refused(&plansmith(&["diagram", ps]), "--out FILE.svg");
    assert_refused(&plansmith(&["diagram", ps, "--structure", "XX-1", "--json"]), "ids look like PP-12");
    assert_refused(&plansmith(&["diagram", ps, "--structure", "ST-9", "--json"]), "no structure ST-9");
    assert_refused(&plansmith(&["diagram", ps, "--structure", "PP-1", "--json"]), "structure must be a structure id");
    assert_refused(
        &plansmith(&["diagram", ps, "--structure", "ST-2", "--shared-data", "--json"]),
        "shared-data structures only",
    );
    assert_refused(&plansmith(&["diagram", ps, "--shared-data", "--json"]), "--structure ST-");
    assert_refused(&plansmith(&["diagram", ps, "--out", d.path().to_str().unwrap()]), "is a folder");
    assert_refused(
        &plansmith(&["diagram", d.path().join("missing.plansmith").to_str().unwrap(), "--json"]),
        "missing.plansmith",
    );
}

/// The SVG renders with a standard renderer. rsvg-convert comes with Debian's librsvg2-bin,
/// which the project's setup installs; without it this test fails and says so.
#[test]
fn the_svg_renders_with_rsvg_convert() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    for (name, args) in [
        ("mobile", vec!["--structure", "ST-2"]),
        ("shared", vec!["--structure", "ST-1", "--shared-data"]),
        ("catalog", vec![]),
    ] {
        let svg = d.path().join(format!("{name}.svg"));
        let png = d.path().join(format!("{name}.png"));
        let mut all = vec!["diagram", p.to_str().unwrap(), "--out", svg.to_str().unwrap()];
        all.extend(args);
        let o = plansmith(&all);
        assert!(o.status.success(), "{}", stderr(&o));
        let run = Command::new("rsvg-convert").arg(&svg).arg("-o").arg(&png).output();
        let run = match run {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "rsvg-convert is not installed: install the Debian package librsvg2-bin (apt-get install librsvg2-bin; .ci/setup.sh installs it) to check that diagrams render"
            ),
            Err(e) => panic!("cannot run rsvg-convert: {e}"),
        };
        assert!(run.status.success(), "rsvg-convert failed on {name}: {}", String::from_utf8_lossy(&run.stderr));
        assert!(run.stderr.is_empty(), "rsvg-convert warned on {name}: {}", String::from_utf8_lossy(&run.stderr));
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name}.png is a PNG");
        let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
        assert_eq!((w, h), svg_size(&std::fs::read_to_string(&svg).unwrap()), "{name}.png has the diagram's size");
        assert!(bytes.len() > 20_000, "{name}.png has content ({} bytes)", bytes.len());
    }
}

/// `--out FILE.png` writes the same picture as a PNG, twice the diagram's size.
#[test]
fn a_png_out_is_the_picture_at_twice_its_size() {
    let d = tempfile::tempdir().unwrap();
    let p = demo(d.path());
    let png = d.path().join("mobile.PNG");
    let o = plansmith(&["diagram", p.to_str().unwrap(), "--structure", "ST-2", "--out", png.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    let svg = d.path().join("mobile.svg");
    assert!(
        plansmith(&["diagram", p.to_str().unwrap(), "--structure", "ST-2", "--out", svg.to_str().unwrap()])
            .status
            .success()
    );
    let (sw, sh) = svg_size(&std::fs::read_to_string(&svg).unwrap());
    assert_eq!((w, h), (sw * 2, sh * 2));
    assert!(stdout(&o).contains(&format!("{w}×{h} px")), "{}", stdout(&o));
}

/// `new --synthetic N` makes a large catalog without errors, the same one for the same seed.
#[test]
fn a_synthetic_catalog_for_load_tests() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.plansmith");
    let o = plansmith(&["new", a.to_str().unwrap(), "--synthetic", "500"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("generated "), "{}", stdout(&o));
    let check = plansmith(&["check", a.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let b = d.path().join("b.plansmith");
    assert!(plansmith(&["new", b.to_str().unwrap(), "--synthetic", "500", "--seed", "42"]).status.success());
    let dump = |f: &Path| stdout(&plansmith(&["list", f.to_str().unwrap(), "--json"]));
    assert_eq!(dump(&a), dump(&b), "the same seed gives the same catalog");
    let layout = plansmith(&["diagram", a.to_str().unwrap(), "--json"]);
    let layout: serde_json::Value = serde_json::from_slice(&layout.stdout).unwrap();
    assert!(layout["nodes"].as_array().unwrap().len() >= 300, "about 500 objects draw hundreds of boxes");
    let zero = d.path().join("zero.plansmith");
    assert_refused(&plansmith(&["new", zero.to_str().unwrap(), "--synthetic", "0"]), "--synthetic 0");
    assert!(!zero.exists(), "nothing is created when refused");
    let both = plansmith(&["new", zero.to_str().unwrap(), "--demo", "--synthetic", "10"]);
    assert_eq!(both.status.code(), Some(2));
    assert!(stderr(&both).contains("cannot be used with"), "{}", stderr(&both));
    assert!(!zero.exists());
}
