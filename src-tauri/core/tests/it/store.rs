//! Store boundary tests: what a catalog file accepts and refuses, and undo/redo that survives
//! closing the file.

use std::path::Path;

use plansmith_core::model::{Side, Tier};
use plansmith_core::{
    Catalog, Change, EntityKind, ErrorKind, Id, NewCatalog, PlanField, Scope, Snapshot, Stamp, Timestamp,
};

fn stamp() -> Stamp {
    Stamp::new("tester", Timestamp::from_unix_seconds(1_767_225_600))
}

fn new_catalog(path: &Path) -> Catalog {
    let new = NewCatalog {
        catalog_id: "test-1".into(),
        name: "Test".into(),
        provider: "Acme".into(),
        tier: Tier::Wholesale,
        currency: "AUD".into(),
    };
    Catalog::create(path, &new, &stamp()).unwrap()
}

fn refused_untouched(path: &Path, expect: &str) {
    let dir = path.parent().unwrap();
    let listing = || {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect();
        v.sort();
        v
    };
    let folder_before = listing();
    let before = std::fs::read(path).unwrap();
    let e = Catalog::open(path).err().expect("must be refused");
    assert_eq!(e.kind(), ErrorKind::IncompatibleFile, "{e}");
    assert!(e.message().contains(expect), "{e}");
    let e = Catalog::open_read_only(path).err().expect("must be refused read-only too");
    assert_eq!(e.kind(), ErrorKind::IncompatibleFile, "{e}");
    assert_eq!(std::fs::read(path).unwrap(), before, "the file must not be written");
    // Nothing beside it changes either: no lock file, no WAL appears, a leftover one stays.
    assert!(folder_before == listing(), "the folder must be left exactly as found");
}

/// A database at `path` whose last transaction is still in its WAL (the program that wrote it
/// was killed): a copy of the file and its -wal taken while the writer had it open.
fn with_leftover_wal(path: &Path, setup: &str) {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.db");
    let c = rusqlite::Connection::open(&live).unwrap();
    c.execute_batch(setup).unwrap();
    c.execute_batch("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; INSERT INTO t VALUES ('in the log');")
        .unwrap();
    std::fs::copy(&live, path).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::copy(dir.path().join("live.db-wal"), wal).unwrap();
    drop(c);
}

#[test]
fn a_foreign_file_with_a_leftover_wal_is_left_exactly_as_found() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("other.db");
    with_leftover_wal(&p, "PRAGMA application_id = 7; CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    refused_untouched(&p, "another program");
}

#[test]
fn a_newer_catalog_with_a_leftover_wal_is_left_exactly_as_found() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("future.plansmith");
    with_leftover_wal(&p, "PRAGMA application_id = 1347179341; PRAGMA user_version = 99; CREATE TABLE t(x);");
    refused_untouched(&p, "newer Plansmith");
}

#[test]
fn a_text_file_is_refused_and_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("notes.plansmith");
    std::fs::write(&p, "hello, this is not a database\n").unwrap();
    refused_untouched(&p, "not an SQLite file");
}

#[test]
fn an_empty_file_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("empty.plansmith");
    std::fs::write(&p, "").unwrap();
    refused_untouched(&p, "it is empty");
}

#[test]
fn another_programs_sqlite_file_is_refused_and_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    }
    refused_untouched(&p, "another program");
}

#[test]
fn a_newer_catalog_is_refused_and_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("future.plansmith");
    drop(new_catalog(&p));
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    refused_untouched(&p, "newer Plansmith");
}

#[test]
fn a_missing_file_says_how_to_create_one() {
    let d = tempfile::tempdir().unwrap();
    let e = Catalog::open(&d.path().join("nope.plansmith")).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.message().contains("plansmith new"), "{e}");
}

#[test]
fn create_never_overwrites() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    std::fs::write(&p, "precious").unwrap();
    let new = NewCatalog {
        catalog_id: "x".into(),
        name: "X".into(),
        provider: "".into(),
        tier: Tier::Retail,
        currency: "AUD".into(),
    };
    let e = Catalog::create(&p, &new, &stamp()).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "precious");
}

#[test]
fn a_new_catalog_is_a_wal_catalog_with_its_application_id() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let cat = new_catalog(&p);
    let app_id: i32 = cat.conn().query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    let mode: String = cat.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let fk: bool = cat.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(app_id, 0x504C_534D);
    assert_eq!(mode, "wal");
    assert!(fk);
    assert!(cat.integrity_check().unwrap().is_empty());
    assert_eq!(cat.settings().unwrap().name, "Test");
}

fn sp_name(cat: &Catalog, n: i64) -> String {
    cat.conn().query_row("SELECT internal_name FROM service_plan WHERE id = ?1", [n], |r| r.get(0)).unwrap()
}

#[test]
fn undo_and_redo_survive_closing_the_catalog() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let mut cat = new_catalog(&p);
    let a = cat
        .apply(
            &Change::CreatePlan { kind: EntityKind::ServicePlan, side: Side::Buy, internal_name: "Mobile BUY".into() },
            &stamp(),
        )
        .unwrap();
    let sp = a.created.unwrap();
    assert_eq!(sp, Id::new(EntityKind::ServicePlan, 1));
    cat.apply(&Change::SetPlanField { id: sp, edit: PlanField::InternalName("Mobile 40 BUY".into()) }, &stamp())
        .unwrap();
    drop(cat);

    let mut cat = Catalog::open(&p).unwrap();
    let (undo, redo) = cat.undo_redo_labels().unwrap();
    assert_eq!(undo.unwrap().label, "Set internal_name of SP-1");
    assert!(redo.is_none());
    cat.undo(&stamp()).unwrap().unwrap();
    assert_eq!(sp_name(&cat, 1), "Mobile BUY");
    drop(cat);

    let mut cat = Catalog::open(&p).unwrap();
    cat.redo(&stamp()).unwrap().unwrap();
    assert_eq!(sp_name(&cat, 1), "Mobile 40 BUY");
    cat.undo(&stamp()).unwrap();
    cat.undo(&stamp()).unwrap();
    let n: i64 = cat.conn().query_row("SELECT COUNT(*) FROM service_plan", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
    assert!(cat.undo(&stamp()).unwrap().is_none(), "nothing left to undo");
    // A new change drops the redo stack.
    cat.apply(&Change::CreateBoltOnGroup { side: Side::Sell, name: "Data".into() }, &stamp()).unwrap();
    assert!(cat.redo(&stamp()).unwrap().is_none());
}

#[test]
fn a_refused_change_writes_nothing_and_leaves_no_undo_step() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let mut cat = new_catalog(&p);
    let before = Snapshot::load(cat.conn(), &Scope::All).unwrap();
    let e = cat
        .apply(
            &Change::SetPlanField {
                id: Id::new(EntityKind::ServicePlan, 7),
                edit: PlanField::InternalName("x".into()),
            },
            &stamp(),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let sp = cat
        .apply(
            &Change::CreatePlan { kind: EntityKind::ServicePlan, side: Side::Buy, internal_name: "A".into() },
            &stamp(),
        )
        .unwrap()
        .created
        .unwrap();
    let e = cat.apply(&Change::SetPlanField { id: sp, edit: PlanField::Weighting(3) }, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.field(), Some("weighting"));
    assert!(e.message().contains("has no field 'weighting'"), "{e}");
    let e = cat
        .apply(&Change::SetPlanField { id: sp, edit: PlanField::ServiceType(Some("NOPE".into())) }, &stamp())
        .unwrap_err();
    assert!(e.message().contains("no service type with code 'NOPE'"), "{e}");
    cat.undo(&stamp()).unwrap().unwrap();
    assert_eq!(Snapshot::load(cat.conn(), &Scope::All).unwrap(), before);
}

#[test]
fn a_read_only_catalog_refuses_changes() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    drop(new_catalog(&p));
    let mut ro = Catalog::open_read_only(&p).unwrap();
    let e = ro.apply(&Change::CreateCustomer { name: "X".into() }, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
}

#[test]
fn currency_change_rescales_money_or_refuses_when_it_would_round() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let mut cat = new_catalog(&p);
    let sp = cat
        .apply(
            &Change::CreatePlan { kind: EntityKind::ServicePlan, side: Side::Buy, internal_name: "A".into() },
            &stamp(),
        )
        .unwrap()
        .created
        .unwrap();
    cat.apply(&Change::SetPlanField { id: sp, edit: PlanField::SetupFee(Some(plansmith_core::Money(1250))) }, &stamp())
        .unwrap();
    let to = |c: &str| Change::UpdateSettings {
        name: "Test".into(),
        provider: "Acme".into(),
        tier: Tier::Wholesale,
        currency: c.into(),
    };
    let e = cat.apply(&to("JPY"), &stamp()).unwrap_err();
    assert!(e.message().contains("more decimals than JPY allows"), "{e}");
    cat.apply(&to("BHD"), &stamp()).unwrap();
    let fee: i64 = cat.conn().query_row("SELECT setup_fee FROM service_plan WHERE id = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(fee, 12500, "12.50 in 3 decimals");
}

#[test]
fn a_copy_has_the_same_content_and_history_and_the_original_stays_open() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let mut cat = new_catalog(&p);
    let sp = cat
        .apply(
            &Change::CreatePlan { kind: EntityKind::ServicePlan, side: Side::Buy, internal_name: "Mobile BUY".into() },
            &stamp(),
        )
        .unwrap()
        .created
        .unwrap();
    let copy = d.path().join("copy.plansmith");
    cat.save_copy(&copy).unwrap();
    // The original keeps working after the copy.
    cat.apply(&Change::SetPlanField { id: sp, edit: PlanField::InternalName("Edited after".into()) }, &stamp())
        .unwrap();
    let mut copied = Catalog::open(&copy).unwrap();
    assert_eq!(sp_name(&copied, 1), "Mobile BUY", "the copy is the catalog as it was when copied");
    assert_eq!(copied.settings().unwrap().catalog_id, "test-1");
    assert_eq!(
        copied.undo_redo_labels().unwrap().0.unwrap().label,
        "Create BUY service plan 'Mobile BUY'",
        "the history comes along"
    );
    copied.undo(&stamp()).unwrap().unwrap();
    assert!(copied.integrity_check().unwrap().is_empty());
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("copying"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_copy_never_replaces_its_own_file_or_a_catalog_open_elsewhere() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.plansmith");
    let cat = new_catalog(&p);
    let e = cat.save_copy(&d.path().join(".").join("c.plansmith")).unwrap_err();
    assert_eq!((e.kind(), e.field()), (ErrorKind::InvalidInput, Some("path")), "{e}");

    let other = d.path().join("other.plansmith");
    let held = new_catalog(&other);
    let before = std::fs::read(&other).unwrap();
    let e = cat.save_copy(&other).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Locked, "{e}");
    assert_eq!(std::fs::read(&other).unwrap(), before, "the open catalog is untouched");
    drop(held);
    cat.save_copy(&other).unwrap();
    assert_eq!(Catalog::open(&other).unwrap().settings().unwrap().catalog_id, "test-1", "replaced once free");

    let e = cat.save_copy(&d.path().join("no-such-folder").join("x.plansmith")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.message().contains("no-such-folder"), "{e}");
}

#[test]
fn new_catalog_defaults_come_from_the_file_name() {
    let new = NewCatalog::for_file(Path::new("/tmp/Acme Mobile.plansmith"), &stamp());
    assert_eq!(new.name, "Acme Mobile");
    assert_eq!(new.catalog_id, "acme-mobile-1767225600");
    assert_eq!((new.tier, new.currency.as_str()), (Tier::Wholesale, "AUD"));
}

/// The export reads a writable catalog on two connections at once; what it reads is exactly
/// what one connection reads (the demo has every kind of row), and a read-only catalog reads
/// the same on its one connection.
#[test]
fn reading_on_two_connections_reads_the_same_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.plansmith");
    let cat = plansmith_core::demo::write_demo(&path, &stamp()).unwrap();
    let one = cat.snapshot().unwrap();
    assert!(!one.sites.is_empty() && !one.allowances.is_empty() && !one.bolt_on_groups.is_empty());
    assert_eq!(cat.snapshot_on_two().unwrap(), one);
    drop(cat);
    assert_eq!(Catalog::open_read_only(&path).unwrap().snapshot_on_two().unwrap(), one);
}

#[test]
fn one_writer_per_file_whatever_name_opens_it() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("shared.plansmith");
    let held = new_catalog(&p);
    let hard = d.path().join("hard-link.plansmith");
    std::fs::hard_link(&p, &hard).unwrap();
    let soft = d.path().join("symlink.plansmith");
    std::os::unix::fs::symlink(&p, &soft).unwrap();
    for other in [&p, &hard, &soft] {
        let e = Catalog::open(other).err().expect("a second writer must be refused");
        assert_eq!(e.kind(), ErrorKind::Locked, "{}: {e}", other.display());
        assert!(e.message().contains("another name"), "{e}");
        // Reading is never refused.
        Catalog::open_read_only(other).unwrap();
    }
    // No lock file is left beside the catalog: the lock is on the file itself.
    assert!(!d.path().join("shared.plansmith.lock").exists());
    drop(held);
    drop(Catalog::open(&hard).expect("free again once the first writer closes"));
}
