//! Bundles through the core API: what goes in, what blocks, determinism, the round trip
//! through import, verification of changes, signatures, ID return sheets, diffs and deltas.

use crate::bundle_fixture as fixture;

use std::collections::BTreeSet;

use fixture::*;
use plansmith_core::bundle::read::ArchiveEntry;
use plansmith_core::bundle::verify::{ProblemKind, Signature};
use plansmith_core::bundle::{self, Bundle, ExportOptions, Limits, Manifest, sign};
use plansmith_core::model::Status;
use plansmith_core::{Catalog, Change, ErrorKind, Id, PlanField, Stamp, Timestamp};

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

fn verify(bytes: &[u8]) -> bundle::Verification {
    bundle::verify(bytes, None, &Limits::default()).unwrap()
}

#[test]
fn a_draft_catalog_is_refused_with_every_blocker_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = plansmith_core::demo::write_demo(&dir.path().join("d.plansmith"), &stamp()).unwrap();
    let p = cat.preview_bundle(&ExportOptions::default()).unwrap();
    assert_eq!(p.blockers.len(), 20, "{:#?}", p.blockers);
    assert!(p.blockers.iter().all(|b| b.rule == "LIF-03" && b.message.contains("is draft")));
    let out = dir.path().join("b.zip");
    let e = cat.export_bundle(&out, &ExportOptions::default(), None, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Lifecycle);
    assert!(e.message().contains("PP-1") && e.message().contains("approve it first"), "{e}");
    let left: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(left.iter().all(|n| !n.contains("b.zip")), "{left:?}");
}

#[test]
fn one_structure_brings_what_it_depends_on_and_is_blocked_by_a_draft_dependency() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let st2 = ExportOptions { structures: vec![id("ST-2")], ..Default::default() };
    let p = cat.preview_bundle(&st2).unwrap();
    assert!(p.blockers.is_empty(), "{:?}", p.blockers);
    let objects: BTreeSet<Id> = p.objects.iter().copied().collect();
    for o in ["PP-5", "PP-6", "SP-5", "SP-6", "BO-1", "BO-2", "AO-1", "AO-6", "BG-1", "BL-1", "BL-2", "AL-1", "ST-2"] {
        assert!(objects.contains(&id(o)), "{o} missing from {objects:?}");
    }
    assert!(!objects.contains(&id("SP-1")) && !objects.contains(&id("ST-1")));
    // Reopening the BUY bolt-on withdraws what depends on it: now drafts block ST-2.
    cat.reopen(id("BO-1"), "new price from the carrier", &stamp()).unwrap();
    let p = cat.preview_bundle(&st2).unwrap();
    let blocked: BTreeSet<Id> = p.blockers.iter().map(|b| b.object).collect();
    assert!(blocked.contains(&id("BO-1")) && blocked.contains(&id("BO-2")), "{blocked:?}");
    // …while ST-1 alone still exports.
    let st1 = ExportOptions { structures: vec![id("ST-1")], ..Default::default() };
    assert!(cat.preview_bundle(&st1).unwrap().blockers.is_empty());
    let e = cat.preview_bundle(&ExportOptions { structures: vec![id("ST-9")], ..Default::default() }).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn every_structure_alone_and_the_whole_catalog_verify_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    for structures in [vec![], vec![id("ST-1")], vec![id("ST-2")], vec![id("ST-2"), id("ST-1")]] {
        let bytes = export_bytes(&cat, &ExportOptions { structures: structures.clone(), ..Default::default() });
        let v = verify(&bytes);
        assert!(v.ok(), "{structures:?}: {:#?}", v.problems);
        assert_eq!(v.signature, Signature::Unsigned);
    }
}

#[test]
fn the_same_catalog_at_the_same_instant_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let a = export_bytes(&cat, &ExportOptions::default());
    let b = export_bytes(&cat, &ExportOptions::default());
    assert_eq!(a, b);
    let later = bundle::build(
        &cat.snapshot().unwrap(),
        &ExportOptions::default(),
        None,
        &Stamp::new("Dana Lee", Timestamp::from_unix_seconds(EPOCH + 60)),
    )
    .unwrap();
    assert_ne!(later.bytes, a);
    let m1 = Manifest::parse(entry(&entries(&a), "manifest.json")).unwrap();
    // Every structure's diagram is in it (and the shared-data picture of ST-1).
    let names: Vec<String> = entries(&a).into_iter().map(|e| e.name).collect();
    for d in ["diagrams/ST-1.svg", "diagrams/ST-1-shared-data.svg", "diagrams/ST-2.svg"] {
        assert!(names.iter().any(|n| n == d), "{d} missing: {names:?}");
    }
    assert!(
        entry(&entries(&a), "diagrams/ST-2.svg").starts_with(b"<svg")
            || entry(&entries(&a), "diagrams/ST-2.svg").starts_with(b"<?xml")
    );
    // catalog.json is exactly the interchange's canonical text of what it holds.
    let b1 = Bundle::from_bytes(&a, &Limits::default()).unwrap();
    assert_eq!(entry(&b1.entries, "catalog.json"), b1.catalog.to_json().as_bytes());
    assert_ne!(later.manifest.bundle_id, m1.bundle_id, "the bundle id includes created_at");
    assert!(m1.bundle_id.starts_with("PSB-") && m1.bundle_id.len() == 24);
}

#[test]
fn round_trip_export_import_export_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    // One plan live, so production ids travel too.
    cat.mark_live(id("SP-2"), "102920", &stamp()).unwrap();
    for structures in [vec![], vec![id("ST-2")], vec![id("ST-1")]] {
        let opts = ExportOptions { structures: structures.clone(), ..Default::default() };
        let first = export_bytes(&cat, &opts);
        let target = dir.path().join(format!(
            "imported-{}.plansmith",
            structures.len() + structures.first().map(|i| i.n as usize).unwrap_or(0)
        ));
        let imported = bundle::import(&first, &target, None, &stamp()).unwrap();
        let again = export_bytes(&imported, &opts);
        assert!(first == again, "{structures:?}: re-export differs");
        // The import is in the new catalog's audit log, and not in the bundle.
        let log = imported.audit_log().unwrap();
        assert_eq!(log.last().unwrap().action, "import");
    }
    // Importing never overwrites.
    let first = export_bytes(&cat, &ExportOptions::default());
    let e = bundle::import(&first, &dir.path().join("demo.plansmith"), None, &stamp()).err().expect("refused");
    assert_eq!(e.kind(), ErrorKind::Conflict);
}

#[test]
fn the_export_is_written_whole_and_recorded_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let out = dir.path().join("bundle.zip");
    let done = cat.export_bundle(&out, &ExportOptions::default(), None, &stamp()).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(done.sha256, plansmith_core::bundle::manifest::sha256_hex(&bytes));
    // The file, written piece by piece, holds exactly the bytes `build` gives.
    assert!(bytes == export_bytes(&cat, &ExportOptions::default()), "the file differs from bundle::build");
    assert_eq!(done.bytes, bytes.len() as u64);
    let last = cat.audit_log().unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.by.as_str()), ("export", "Dana Lee"));
    assert!(last.detail.contains(&done.bundle_id) && last.detail.contains(&done.sha256), "{}", last.detail);
    // No temporary file is left, and an existing file is never overwritten.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(!names.iter().any(|n| n.contains("partial")), "{names:?}");
    let e = cat.export_bundle(&out, &ExportOptions::default(), None, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    // Not undoable: undo does not take the export back out of the log.
    cat.undo(&stamp()).unwrap();
    assert!(cat.audit_log().unwrap().iter().any(|e| e.action == "export"));
}

#[test]
fn a_bundle_that_cannot_be_written_names_its_path_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let missing = dir.path().join("no such folder").join("b.zip");
    let e = cat.export_bundle(&missing, &ExportOptions::default(), None, &stamp()).unwrap_err();
    assert_eq!((e.kind(), e.field()), (ErrorKind::InvalidInput, Some("out")), "{e}");
    assert!(e.message().contains("no such folder") && e.message().contains("choose an existing folder"), "{e}");
    // A file where a folder should be: the file system's error, with the bundle's path.
    std::fs::write(dir.path().join("notes.txt"), "not a folder").unwrap();
    let under_a_file = dir.path().join("notes.txt").join("b.zip");
    let e = cat.export_bundle(&under_a_file, &ExportOptions::default(), None, &stamp()).unwrap_err();
    assert_eq!((e.kind(), e.field()), (ErrorKind::Io, Some("out")), "{e}");
    assert!(e.message().contains("notes.txt") && e.message().contains("nothing was left at that path"), "{e}");
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "not a folder");
    assert!(!cat.audit_log().unwrap().iter().any(|e| e.action == "export"));
}

/// The file holds catalog.json first, then the diagrams, the other entries, and the
/// manifest, which needs every other hash, last; the central directory (what `unzip -l`
/// lists) gives them in the same order.
#[test]
fn the_zip_holds_and_lists_the_manifest_last() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let (sk_text, _) = sign::keygen().unwrap();
    let sk = sign::secret_key(&sk_text, None).unwrap();
    let opts = ExportOptions::default();
    let bytes = bundle::build(&cat.snapshot().unwrap(), &opts, Some(&sk), &stamp()).unwrap().bytes;
    let listed: Vec<String> = entries(&bytes).into_iter().map(|e| e.name).collect();
    let expected = [
        "catalog.json",
        "diagrams/ST-1.svg",
        "diagrams/ST-1-shared-data.svg",
        "diagrams/ST-2.svg",
        "catalog.schema.json",
        "build-sheet.html",
        "id-return.csv",
        "manifest.json",
        "manifest.json.minisig",
    ];
    assert_eq!(listed, expected);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let starts: Vec<u64> = (0..zip.len()).map(|i| zip.by_index_raw(i).unwrap().header_start()).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "the directory's order is not the file's: {starts:?}");
}

/// A partial file left by an interrupted export to the same path is named, not overwritten,
/// and the export writes nothing.
#[test]
fn an_interrupted_export_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let out = dir.path().join("bundle.zip");
    let partial = dir.path().join(".bundle.zip.partial");
    std::fs::write(&partial, b"half a bundle").unwrap();
    let e = cat.export_bundle(&out, &ExportOptions::default(), None, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.message().contains(".bundle.zip.partial") && e.message().contains("delete that file"), "{e}");
    assert_eq!(std::fs::read(&partial).unwrap(), b"half a bundle");
    assert!(!out.exists());
    assert!(cat.audit_log().unwrap().iter().all(|e| e.action != "export"));
    std::fs::remove_file(&partial).unwrap();
    cat.export_bundle(&out, &ExportOptions::default(), None, &stamp()).unwrap();
    assert!(out.exists() && !partial.exists());
}

fn with(v: &[ArchiveEntry], f: impl FnOnce(&mut Vec<ArchiveEntry>)) -> Vec<u8> {
    let mut v = v.to_vec();
    f(&mut v);
    rezip(&v)
}

fn kinds(v: &bundle::Verification) -> Vec<(ProblemKind, String)> {
    v.problems.iter().map(|p| (p.kind, p.subject.clone())).collect()
}

#[test]
fn verify_names_every_changed_added_removed_and_renamed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let good = entries(&export_bytes(&cat, &ExportOptions::default()));
    let changed = with(&good, |v| {
        v.iter_mut().find(|e| e.name == "build-sheet.html").unwrap().data.extend_from_slice(b"<!-- x -->")
    });
    assert_eq!(kinds(&verify(&changed)), vec![(ProblemKind::Changed, "build-sheet.html".to_string())]);
    let added = with(&good, |v| v.push(ArchiveEntry { name: "extra.txt".into(), data: b"hi".to_vec() }));
    assert_eq!(kinds(&verify(&added)), vec![(ProblemKind::Added, "extra.txt".to_string())]);
    let removed = with(&good, |v| v.retain(|e| e.name != "id-return.csv"));
    assert_eq!(kinds(&verify(&removed)), vec![(ProblemKind::Removed, "id-return.csv".to_string())]);
    let renamed =
        with(&good, |v| v.iter_mut().find(|e| e.name == "build-sheet.html").unwrap().name = "sheet.html".into());
    let v = verify(&renamed);
    assert_eq!(kinds(&v), vec![(ProblemKind::Renamed, "build-sheet.html".to_string())]);
    assert!(v.problems[0].message.contains("renamed to sheet.html"));
    // A changed catalog.json is reported as changed, and the rules/schema run on what is there.
    let edited = with(&good, |v| {
        let e = v.iter_mut().find(|e| e.name == "catalog.json").unwrap();
        let text =
            String::from_utf8(e.data.clone()).unwrap().replacen("\"status\": \"approved\"", "\"status\": \"draft\"", 1);
        e.data = text.into_bytes();
    });
    let v = verify(&edited);
    let k = kinds(&v);
    assert!(k.contains(&(ProblemKind::Changed, "catalog.json".into())), "{k:?}");
    assert!(k.iter().any(|(kind, _)| *kind == ProblemKind::Manifest), "bundle id no longer derives: {k:?}");
    assert!(
        v.problems.iter().any(|p| p.kind == ProblemKind::Rules && p.message.contains("LIF-03")),
        "{:#?}",
        v.problems
    );
    let not_schema = with(&good, |v| {
        let e = v.iter_mut().find(|e| e.name == "catalog.json").unwrap();
        e.data = String::from_utf8(e.data.clone())
            .unwrap()
            .replacen("\"weighting\": ", "\"weighting\": \"x\", \"w\": ", 1)
            .into_bytes();
    });
    assert!(verify(&not_schema).problems.iter().any(|p| p.kind == ProblemKind::Schema), "schema problems reported");
}

#[test]
fn signatures_hold_for_the_right_key_only() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let (sk_text, pk_text) = sign::keygen().unwrap();
    let (_, other_pk) = sign::keygen().unwrap();
    let sk = sign::secret_key(&sk_text, None).unwrap();
    let built = bundle::build(&cat.snapshot().unwrap(), &ExportOptions::default(), Some(&sk), &stamp()).unwrap();
    let pk = sign::public_key(&pk_text).unwrap();
    let v = bundle::verify(&built.bytes, Some(&pk), &Limits::default()).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert!(matches!(&v.signature, Signature::Valid(c) if c.contains(&built.manifest.bundle_id)));
    assert_eq!(verify(&built.bytes).signature, Signature::NotChecked);
    let wrong = bundle::verify(&built.bytes, Some(&sign::public_key(&other_pk).unwrap()), &Limits::default()).unwrap();
    assert_eq!(kinds(&wrong), vec![(ProblemKind::Signature, "manifest.json.minisig".into())]);
    // A re-signed manifest with an edited field fails the signature.
    let mut v = entries(&built.bytes);
    let m = v.iter_mut().find(|e| e.name == "manifest.json").unwrap();
    m.data = String::from_utf8(m.data.clone()).unwrap().replace("Dana Lee", "Mallory").into_bytes();
    let tampered = bundle::verify(&rezip(&v), Some(&pk), &Limits::default()).unwrap();
    assert!(kinds(&tampered).contains(&(ProblemKind::Signature, "manifest.json.minisig".into())));
    // An unsigned bundle checked with a key is a problem.
    let unsigned = export_bytes(&cat, &ExportOptions::default());
    assert_eq!(kinds(&bundle::verify(&unsigned, Some(&pk), &Limits::default()).unwrap())[0].0, ProblemKind::Signature);
    // Signing is deterministic: the same catalog, time and key give the same bytes, signature
    // included; another time gives another signature (its trusted comment has the timestamp).
    let again = bundle::build(&cat.snapshot().unwrap(), &ExportOptions::default(), Some(&sk), &stamp()).unwrap();
    assert!(again.bytes == built.bytes, "two signed builds differ");
    let later = Stamp::new("Dana Lee", Timestamp::from_unix_seconds(EPOCH + 60));
    let other = bundle::build(&cat.snapshot().unwrap(), &ExportOptions::default(), Some(&sk), &later).unwrap();
    assert_ne!(
        entry(&entries(&other.bytes), "manifest.json.minisig"),
        entry(&entries(&built.bytes), "manifest.json.minisig")
    );
}

fn csv_with_ids(cat: &Catalog, ids: &[(&str, &str)]) -> String {
    let bytes = export_bytes(cat, &ExportOptions::default());
    let csv = String::from_utf8(entry(&entries(&bytes), "id-return.csv").to_vec()).unwrap();
    csv.lines()
        .map(|l| {
            let key = l.split(',').next().unwrap();
            match ids.iter().find(|(i, _)| *i == key) {
                Some((_, pid)) => format!("{l}{pid}"),
                None => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_name_that_looks_like_a_formula_reaches_the_id_sheet_as_text_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.plansmith");
    let mut cat = plansmith_core::demo::write_demo(&path, &stamp()).unwrap();
    let hostile = "=HYPERLINK(\"http://example.invalid\",\"Click\")";
    cat.apply(&Change::SetPlanField { id: id("SP-1"), edit: PlanField::InternalName(hostile.into()) }, &stamp())
        .unwrap();
    assert!(cat.approve_all(&stamp()).unwrap().blocked.is_empty());
    let csv =
        String::from_utf8(entry(&entries(&export_bytes(&cat, &ExportOptions::default())), "id-return.csv").to_vec())
            .unwrap();
    let line = csv.lines().find(|l| l.starts_with("SP-1,")).unwrap();
    // Quoted for the comma and the quotes, and led by ' so a spreadsheet shows it as text.
    assert_eq!(line, "SP-1,service_plan,BUY,\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"Click\"\")\",");
    // The catalog keeps the name as typed, and the sheet still goes back in.
    assert_eq!(cat.snapshot().unwrap().plan(id("SP-1")).unwrap().internal_name, hostile);
    let r = cat.import_ids(format!("{}\r\n{line}102001\r\n", csv.lines().next().unwrap()), &stamp()).unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(cat.snapshot().unwrap().plan(id("SP-1")).unwrap().production_id.as_deref(), Some("102001"));
}

#[test]
fn returned_ids_turn_plans_live_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let good = csv_with_ids(&cat, &[("SP-1", "102001"), ("SP-2", "102002"), ("BO-1", "102919"), ("BO-2", "102920")]);
    let r = cat.import_ids(&good, &stamp()).unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.assign.len(), 4);
    let s = cat.snapshot().unwrap();
    assert_eq!(s.plan(id("BO-2")).unwrap().status, Status::Live);
    assert_eq!(s.plan(id("BO-2")).unwrap().production_id.as_deref(), Some("102920"));
    // Sending the same sheet back again changes nothing and is fine.
    let r = cat.import_ids(&good, &stamp()).unwrap();
    assert!(r.problems.is_empty() && r.assign.is_empty() && r.already_live.len() == 4, "{r:?}");
    // A bad sheet: every problem by line, nothing applied.
    let bad = [
        "object_id,kind,side,internal_name,production_id",
        "SP-3,service_plan,BUY,x,200003",   // 2: fine on its own
        "SP-99,service_plan,BUY,x,1",       // 3: unknown
        "SP-4,package_plan,SELL,x,2",       // 4: wrong kind
        "SP-3,service_plan,BUY,x,200004",   // 5: duplicate object
        "SP-5,service_plan,BUY,x,200003",   // 6: duplicate production id
        "SP-6,service_plan,SELL",           // 7: malformed
        "SP-1,service_plan,BUY,x,999",      // 8: live with another id
        "PP-1,package_plan,SELL,x,5",       // 9: wrong side
        "AO-1,bolt_on_add_on,BUY,x,102919", // 10: fine (ids are per kind)
    ]
    .join("\r\n");
    let before = cat.snapshot().unwrap();
    let r = cat.import_ids(&bad, &stamp()).unwrap();
    let lines: Vec<&str> = r.problems.iter().map(|p| p.split([':', ',']).next().unwrap()).collect();
    assert_eq!(lines, ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9"], "{:#?}", r.problems);
    assert!(r.problems[0].contains("SP-99") && r.problems[2].contains("first on line 2"), "{:#?}", r.problems);
    assert_eq!(cat.snapshot().unwrap(), before, "nothing applied");
    // A draft cannot go live; a bad header or quote is reported.
    cat.reopen(id("AO-2"), "typo", &stamp()).unwrap();
    let draft_line = "object_id,kind,side,internal_name,production_id\nAO-2,bolt_on_add_on,SELL,x,7\n";
    assert!(cat.import_ids(draft_line, &stamp()).unwrap().problems[0].contains("only approved plans go live"));
    assert!(cat.import_ids("id,name\n", &stamp()).unwrap().problems[0].starts_with("line 1: the header"));
    assert!(
        cat.import_ids("object_id,kind,side,internal_name,production_id\n\"SP-3,x", &stamp()).unwrap().problems[0]
            .starts_with("line 2")
    );
}

#[test]
fn diff_names_objects_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let a = Bundle::from_bytes(&export_bytes(&cat, &ExportOptions::default()), &Limits::default()).unwrap();
    cat.reopen(id("SP-6"), "rename", &stamp()).unwrap();
    cat.apply(
        &Change::SetPlanField { id: id("SP-6"), edit: PlanField::ExternalName(Some("Mobile Biz 40".into())) },
        &stamp(),
    )
    .unwrap();
    // A catalog against a bundle: the catalog also holds the reference data no plan uses.
    let whole = plansmith_core::interchange::document(&cat).unwrap();
    let d = bundle::diff(&a.catalog, &whole);
    assert!(
        d.added
            .iter()
            .all(|k| k.starts_with("service_type") || k.starts_with("tariff") || k.starts_with("bolt_on_category")),
        "{:?}",
        d.added
    );
    let sp6 = d.changed.iter().find(|c| c.object == "SP-6").expect("SP-6 changed");
    let fields: Vec<&str> = sp6.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["external_name", "status"]);
    // Two bundles.
    cat.approve_all(&stamp()).unwrap();
    let b = Bundle::from_bytes(&export_bytes(&cat, &ExportOptions::default()), &Limits::default()).unwrap().catalog;
    let d = bundle::diff(&a.catalog, &b);
    assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["external_name"]);
    assert_eq!(sp6.fields[0].after, "\"Mobile Biz 40\"");
    assert!(bundle::diff(&a.catalog, &a.catalog).is_empty());
}

#[test]
fn a_delta_bundle_covers_only_what_changed_and_names_live_objects_by_production_id() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let first = Bundle::from_bytes(&export_bytes(&cat, &ExportOptions::default()), &Limits::default()).unwrap();
    cat.mark_live(id("SP-2"), "48213", &stamp()).unwrap();
    cat.apply(
        &Change::SetPlanField { id: id("SP-2"), edit: PlanField::Description(Some("Pool for every café".into())) },
        &stamp(),
    )
    .unwrap();
    let opts = ExportOptions { since: Some(first.clone()), ..Default::default() };
    let built = bundle::build(&cat.snapshot().unwrap(), &opts, None, &stamp()).unwrap();
    let d = built.manifest.delta_of.as_ref().unwrap();
    assert_eq!(
        (d.bundle_id.as_str(), d.changed.clone(), d.added.len(), d.removed.len()),
        (first.manifest.bundle_id.as_str(), vec!["SP-2".to_string()], 0, 0)
    );
    let v = entries(&built.bytes);
    let sheet = String::from_utf8(entry(&v, "build-sheet.html").to_vec()).unwrap();
    assert!(sheet.contains("Live in Emersion as id 48213") && sheet.contains("Pool for every café"), "delta sheet");
    assert_eq!(sheet.matches("class=step").count(), 2, "one change step and the approval step");
    let csv = String::from_utf8(entry(&v, "id-return.csv").to_vec()).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("SP-2,service_plan,SELL,Business shared data 500 GB,48213"));
    assert!(entry(&v, "changes.json").starts_with(b"{"));
    assert!(verify(&built.bytes).ok(), "{:?}", verify(&built.bytes).problems);
}

#[test]
fn the_build_sheet_is_in_the_articles_order_and_escapes_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    cat.reopen(id("BO-2"), "name", &stamp()).unwrap();
    cat.apply(
        &Change::SetPlanField {
            id: id("BO-2"),
            edit: PlanField::Description(Some("<script>alert('x')</script> & \"q\"".into())),
        },
        &stamp(),
    )
    .unwrap();
    cat.approve(&[id("BO-2"), id("SP-6"), id("PP-6")], &stamp()).unwrap();
    let bytes = export_bytes(&cat, &ExportOptions { structures: vec![id("ST-2")], ..Default::default() });
    let html = String::from_utf8(entry(&entries(&bytes), "build-sheet.html").to_vec()).unwrap();
    assert!(
        !html.contains("<script")
            && html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
    );
    assert!(!html.contains("http") && !html.contains("src=") && !html.contains("href="), "self-contained");
    let pos = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle} not in the sheet"));
    // BUY before SELL, bolt-on group before links, BUY allowance before SELL allowance.
    let order = [
        "SP-5 · ", "PP-5 · ", "SP-6 · ", "PP-6 · ", "BO-1 · ", "BO-2 · ", "BG-1 · ", "AO-1 · ", "AO-2 · ", "BL-1 · ",
        "AL-1 · ", "AL-3 · ", "BL-2 · ", "AL-4 · ", "AL-6 · ",
    ];
    let at: Vec<usize> = order.iter().map(|n| pos(n)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{order:?} at {at:?}");
    for label in [
        "Packages &amp; Plans › Management › Bolt-On Add-On › Create New (screen 1)",
        "Included Value Type",
        "Is Provisioned",
        "Bonus type",
        "Weight",
        "Available In API",
        "Available In User Portal",
        "Completely Optional",
        "Bolt-On Add-On Max Occurrence",
        "Production id:",
    ] {
        assert!(html.contains(label), "{label}");
    }
    assert!(html.contains("AUD "), "money with the currency");
}

/// Compares a built bundle (its manifest, every entry's size and SHA-256, and the SHA-256 of
/// the zip) with the golden file `name`, or rewrites it under `PLANSMITH_BLESS=1`.
fn assert_golden(built: &bundle::export::Built, name: &str) {
    let now = format!("{}zip sha256 {}\n", built.manifest.to_json(), built.sha256);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var("PLANSMITH_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &now).unwrap();
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; run with PLANSMITH_BLESS=1 to create it", path.display()));
    assert!(
        golden == now,
        "the bundle's bytes changed ({name}):\n--- golden\n{golden}\n--- now\n{now}\nIf intended, rerun with PLANSMITH_BLESS=1 and commit the file."
    );
}

/// The approved demo's bundles, pinned: the whole catalog, one structure, and a delta after a
/// go-live and an edit. A speed-up must not change a byte by accident; a change meant to alter
/// the bytes (format, sheet, diagrams, compression) is blessed knowingly with
/// `PLANSMITH_BLESS=1 cargo test -p plansmith-core --test it golden_bytes` and shows in review.
#[test]
fn the_demo_bundle_matches_its_golden_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let built = bundle::build(&cat.snapshot().unwrap(), &ExportOptions::default(), None, &stamp()).unwrap();
    assert_golden(&built, "bundle-demo.manifest.txt");
}

#[test]
fn a_one_structure_bundle_matches_its_golden_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let opts = ExportOptions { structures: vec![id("ST-2")], ..Default::default() };
    let built = bundle::build(&cat.snapshot().unwrap(), &opts, None, &stamp()).unwrap();
    assert_golden(&built, "bundle-demo-ST-2.manifest.txt");
}

#[test]
fn a_delta_bundle_matches_its_golden_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let first = Bundle::from_bytes(&export_bytes(&cat, &ExportOptions::default()), &Limits::default()).unwrap();
    cat.mark_live(id("SP-2"), "48213", &stamp()).unwrap();
    cat.apply(
        &Change::SetPlanField { id: id("SP-2"), edit: PlanField::Description(Some("Pool for every café".into())) },
        &stamp(),
    )
    .unwrap();
    let opts = ExportOptions { since: Some(first), ..Default::default() };
    let built = bundle::build(&cat.snapshot().unwrap(), &opts, None, &stamp()).unwrap();
    assert_golden(&built, "bundle-demo-delta.manifest.txt");
}

/// The window's preview names every object once, keyed ones in the build sheet's order (each
/// with its step), then the rest (structures, customers, sites) by id.
#[test]
fn the_preview_lists_every_object_by_name_in_build_order() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let p = cat.preview_bundle(&ExportOptions { structures: vec![id("ST-2")], ..Default::default() }).unwrap();
    let listed: Vec<Id> = p.build_order.iter().map(|o| o.id).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(sorted, p.objects, "every object once");
    assert!(p.build_order.iter().all(|o| !o.name.is_empty()), "{:?}", p.build_order);
    let steps: Vec<u32> = p.build_order.iter().filter_map(|o| o.step).collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
    let first: Vec<&str> = p.build_order.iter().take(4).map(|o| o.name.as_str()).collect();
    assert_eq!(
        first,
        [
            "Wholesale mobile 40 (buy)",
            "Wholesale mobile 40 package (buy)",
            "Mobile Business 40",
            "Mobile Business 40 package"
        ]
    );
    let keyed = p.build_order.iter().position(|o| o.step.is_none()).unwrap();
    assert!(p.build_order[keyed..].iter().all(|o| o.step.is_none()), "unkeyed objects come last");
    assert!(p.build_order[keyed..].iter().any(|o| o.id == id("ST-2")));
    let bo1 = p.build_order.iter().find(|o| o.id == id("BO-1")).unwrap();
    assert_eq!((bo1.side, bo1.status), (Some(plansmith_core::model::Side::Buy), Some(Status::Approved)));
}

/// The export draws a whole catalog's diagrams before it knows the bundle's own content (and
/// throws them away when that content turns out different). Either way each diagram entry is
/// exactly what the bundle's own catalog draws: the demo as it is (drawn early), one structure
/// of it (drawn from the bundle), and the demo with a bolt-on group nothing reaches (left out
/// of the bundle, so the early drawings are thrown away).
#[test]
fn the_bundle_diagrams_are_those_its_own_catalog_draws() {
    use plansmith_core::model::Side;
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, _) = approved_demo(dir.path());
    let check = |cat: &Catalog, structures: Vec<Id>| {
        let bytes = export_bytes(cat, &ExportOptions { structures, ..Default::default() });
        let b = Bundle::from_bytes(&bytes, &Limits::default()).unwrap();
        let own = bundle::select::snapshot_of(&b.catalog);
        let ids: Vec<Id> = b.manifest.structures.iter().map(|s| id(s)).collect();
        let drawn = bundle::diagrams::diagrams(&own, &ids);
        let in_bundle: Vec<&ArchiveEntry> = b.entries.iter().filter(|e| e.name.starts_with("diagrams/")).collect();
        assert_eq!(in_bundle.len(), drawn.len());
        for (e, (name, svg)) in in_bundle.iter().zip(&drawn) {
            assert_eq!(e.name, format!("diagrams/{name}"));
            assert!(e.data == svg.as_bytes(), "{name} differs from its catalog's drawing");
        }
        (own, bytes)
    };
    let (own, before) = check(&cat, vec![]);
    assert_eq!(own.structures.len(), 2);
    check(&cat, vec![id("ST-2")]);
    cat.apply(&Change::CreateBoltOnGroup { side: Side::Sell, name: "Nobody's".into() }, &stamp()).unwrap();
    let (own, after) = check(&cat, vec![]);
    assert!(own.bolt_on_groups.iter().all(|g| g.name != "Nobody's"), "an empty group is in no bundle");
    let diagrams = |bytes: &[u8]| -> Vec<ArchiveEntry> {
        entries(bytes).into_iter().filter(|e| e.name.starts_with("diagrams/")).collect()
    };
    assert_eq!(diagrams(&before), diagrams(&after));
}

/// The export takes the rules' findings on the catalog for those on the bundle when both hold
/// the same objects and settings (a whole catalog without retired plans): the bundle differs
/// only by leaving out reference data nothing uses, which the rules must not read.
#[test]
fn the_rules_read_no_reference_data_that_no_object_names() {
    use plansmith_core::model::{BoltOnCategory, ServiceCategory, ServiceType, Tariff};
    use plansmith_core::rules;
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = approved_demo(dir.path());
    let s = cat.snapshot().unwrap();
    let bytes = export_bytes(&cat, &ExportOptions::default());
    let own = bundle::select::snapshot_of(&Bundle::from_bytes(&bytes, &Limits::default()).unwrap().catalog);
    assert_eq!((&own.package_plans, &own.service_plans, &own.sites), (&s.package_plans, &s.service_plans, &s.sites));
    assert_eq!(rules::check(&own), rules::check(&s));
    // Reference data nobody names, some of it odd (a namesake, a tariff of an unknown type).
    let mut more = s.clone();
    let first = more.service_types[0].clone();
    more.service_types.push(ServiceType {
        code: "ZZ-UNUSED".into(),
        name: first.name.clone(),
        category: ServiceCategory::Data,
        auto_provisioned: !first.auto_provisioned,
    });
    more.tariffs.push(Tariff {
        code: "ZZ-TARIFF".into(),
        name: "Nobody's".into(),
        service_type: "NO-SUCH-TYPE".into(),
        bolt_on_category: Some("NO-SUCH-CATEGORY".into()),
    });
    more.bolt_on_categories.push(BoltOnCategory { code: "ZZ-CAT".into(), name: String::new() });
    // Every list of a snapshot is sorted by code.
    more.service_types.sort_by(|a, b| a.code.cmp(&b.code));
    more.tariffs.sort_by(|a, b| a.code.cmp(&b.code));
    more.bolt_on_categories.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(rules::check(&more), rules::check(&s));
}
