//! The catalog store: one SQLite file per catalog. This module opens and creates catalog files
//! safely and owns the single write connection.
//!
//! Why it looks like this:
//! - A file is checked *before* anything is written to it: not SQLite, another program's
//!   database, or a newer schema are refused with a clear message and left untouched.
//! - One writer per catalog: a process that opens a catalog for writing holds an OS lock on a
//!   sidecar `<file>.lock`; a second writer is refused with a clear message (readers may still
//!   open it read-only; WAL lets them read while the writer works).
//! - Every user-facing change runs in one `BEGIN IMMEDIATE` transaction (so it takes the write
//!   lock up front and can never fail half-way with SQLITE_BUSY after reading), is captured for
//!   undo (see `history`), and is durable when `change` returns: WAL with `synchronous=FULL`,
//!   so a killed process or a power cut loses no acknowledged edit.

pub(crate) mod history;
pub(crate) mod migrate;
pub(crate) mod schema;
pub(crate) mod starter_set;

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{Settings, Tier};
use crate::snapshot::Snapshot;
use crate::value::{Currency, Stamp};

/// An open catalog file.
pub struct Catalog {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
    /// Held for as long as the catalog is open for writing; dropping it releases the lock.
    _lock: Option<File>,
}

/// What a new catalog starts with.
#[derive(Debug, Clone)]
pub struct NewCatalog {
    /// A stable identity for the catalog (carried into bundles). Passed in, not generated here,
    /// so tests and demo files are reproducible.
    pub catalog_id: String,
    pub name: String,
    pub provider: String,
    pub tier: Tier,
    pub currency: String,
}

impl NewCatalog {
    /// What a catalog created at `path` starts with when nothing else is said: named after the
    /// file, wholesale, AUD (both editable in the settings afterwards), and an id derived from
    /// the file name and the creation instant, so the same file and instant give the same id.
    pub fn for_file(path: &Path, stamp: &Stamp) -> NewCatalog {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let slug: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        NewCatalog {
            catalog_id: format!("{slug}-{}", stamp.at.unix_seconds()),
            name: if name.trim().is_empty() { "Catalog".to_owned() } else { name },
            provider: String::new(),
            tier: Tier::Wholesale,
            currency: "AUD".to_owned(),
        }
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// Refuses anything that is not an SQLite file, without opening it as a database.
fn check_sqlite_header(path: &Path) -> Result<()> {
    let mut f = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CoreError::not_found(format!(
            "there is no catalog at {}; create one with `plansmith new {}`",
            path.display(),
            path.display()
        )),
        _ => CoreError::new(ErrorKind::Io, format!("cannot read {}: {e}", path.display())),
    })?;
    let mut head = [0u8; 16];
    let n = f.read(&mut head)?;
    if n < 16 || &head != b"SQLite format 3\0" {
        return Err(CoreError::new(
            ErrorKind::IncompatibleFile,
            format!(
                "{} is not a Plansmith catalog (it is not an SQLite file{}); nothing was changed",
                path.display(),
                if n == 0 { ", it is empty" } else { "" }
            ),
        ));
    }
    Ok(())
}

/// Reads `application_id` and `user_version` and refuses foreign or newer files.
fn check_identity(conn: &Connection, path: &Path) -> Result<i64> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if app_id != schema::APPLICATION_ID {
        return Err(CoreError::new(
            ErrorKind::IncompatibleFile,
            format!(
                "{} is an SQLite database of another program, not a Plansmith catalog; nothing was changed",
                path.display()
            ),
        ));
    }
    if version > schema::SCHEMA_VERSION {
        return Err(CoreError::new(
            ErrorKind::IncompatibleFile,
            format!(
                "{} was written by a newer Plansmith (catalog schema {version}, this program knows up to {}); update Plansmith to open it. Nothing was changed",
                path.display(),
                schema::SCHEMA_VERSION
            ),
        ));
    }
    Ok(version)
}

fn take_writer_lock(path: &Path) -> Result<File> {
    let lp = lock_path(path);
    let f = OpenOptions::new().create(true).truncate(false).write(true).open(&lp)?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(CoreError::new(
            ErrorKind::Locked,
            format!(
                "{} is already open for writing in another Plansmith window or command; close it there first (read-only commands such as `plansmith check` still work)",
                path.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

fn set_write_pragmas(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // The edit path and a full snapshot load use a few dozen distinct statements; compiling an
    // UPDATE also compiles its undo trigger, so keeping them all prepared halves an edit's cost.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

impl Catalog {
    /// Opens an existing catalog for writing, upgrading an older schema in one transaction.
    pub fn open(path: &Path) -> Result<Catalog> {
        check_sqlite_header(path)?;
        let lock = take_writer_lock(path)?;
        let mut conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        let version = check_identity(&conn, path)?;
        set_write_pragmas(&conn)?;
        if version < schema::SCHEMA_VERSION {
            migrate::upgrade(&mut conn)?;
        }
        Ok(Catalog { conn, path: path.to_path_buf(), read_only: false, _lock: Some(lock) })
    }

    /// Opens an existing catalog read-only: no lock, no writes; works while another process
    /// has it open for writing.
    pub fn open_read_only(path: &Path) -> Result<Catalog> {
        check_sqlite_header(path)?;
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        let version = check_identity(&conn, path)?;
        if version < schema::SCHEMA_VERSION {
            return Err(CoreError::new(
                ErrorKind::IncompatibleFile,
                format!(
                    "{} uses an older catalog schema ({version}); open it once for writing (e.g. `plansmith undo` is not needed — any write command or the app upgrades it)",
                    path.display()
                ),
            ));
        }
        conn.pragma_update(None, "query_only", "ON")?;
        conn.set_prepared_statement_cache_capacity(128);
        Ok(Catalog { conn, path: path.to_path_buf(), read_only: true, _lock: None })
    }

    /// The whole catalog, read on this connection and a second read-only one at once (see
    /// [`Snapshot::load_on_two`]). Only for a catalog open for writing: its write lock is what
    /// keeps the two reads on the same content. A read-only catalog reads on its one connection.
    pub fn snapshot_on_two(&self) -> Result<Snapshot> {
        if self.read_only {
            return self.snapshot();
        }
        let second = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        second.pragma_update(None, "query_only", "ON")?;
        Snapshot::load_on_two(&self.conn, second)
    }

    /// Creates a new catalog file. Refuses to touch an existing file. The file appears at
    /// `path` only once it is complete (built beside it, then renamed).
    pub fn create(path: &Path, new: &NewCatalog, stamp: &Stamp) -> Result<Catalog> {
        if path.exists() {
            return Err(CoreError::conflict(format!(
                "{} already exists; choose another file name (Plansmith never overwrites a catalog)",
                path.display()
            )));
        }
        let currency = Currency::parse(&new.currency)?;
        if new.name.trim().is_empty() {
            return Err(CoreError::invalid("name", "the catalog needs a name"));
        }
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let file_name =
            path.file_name().ok_or_else(|| CoreError::invalid("path", "the catalog path has no file name"))?;
        let tmp = dir.join(format!(".{}.creating", file_name.to_string_lossy()));
        let _ = std::fs::remove_file(&tmp);
        {
            let mut conn = Connection::open(&tmp)?;
            // The file is private until renamed and discarded on failure, so the migrations
            // need not sync one by one; it is synced once, below, before it is renamed. Nor
            // do they need a journal file each: creating and deleting one per migration cost
            // about 0.8 ms apiece, most of a new catalog's time (rollback still works in memory).
            conn.pragma_update(None, "synchronous", "OFF")?;
            conn.pragma_update(None, "journal_mode", "MEMORY")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            migrate::upgrade(&mut conn)?;
            conn.execute(
                "INSERT INTO settings (id, catalog_id, name, provider, tier, currency, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    new.catalog_id,
                    new.name.trim(),
                    new.provider.trim(),
                    new.tier.as_str(),
                    currency.code,
                    stamp.at.to_string()
                ],
            )?;
            starter_set::seed_starter_set(&conn)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.close().map_err(|(_, e)| CoreError::from(e))?;
        }
        File::open(&tmp).and_then(|f| f.sync_all()).and_then(|()| std::fs::rename(&tmp, path)).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
        if let Ok(folder) = File::open(dir) {
            let _ = folder.sync_all();
        }
        Catalog::open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }
    /// Read access for queries. Writes go through [`Catalog::change`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` as one user-facing change: one `BEGIN IMMEDIATE` transaction, captured for
    /// undo under `label`, committed durably. A change that writes nothing leaves no undo step.
    /// On any error nothing is written.
    pub fn change<T>(&mut self, label: &str, stamp: &Stamp, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.ensure_writable()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hid = history::begin(&tx, label, stamp)?;
        let out = f(&tx)?;
        history::finish(&tx, hid)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in one transaction that is not an undo step (audit-only writes such as
    /// recording an export).
    pub fn record<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.ensure_writable()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Undoes the latest change (one transaction). `None`: nothing to undo.
    pub fn undo(&mut self, stamp: &Stamp) -> Result<Option<history::Step>> {
        self.ensure_writable()?;
        history::replay(&mut self.conn, history::Direction::Undo, stamp)
    }

    /// Redoes the latest undone change. `None`: nothing to redo.
    pub fn redo(&mut self, stamp: &Stamp) -> Result<Option<history::Step>> {
        self.ensure_writable()?;
        history::replay(&mut self.conn, history::Direction::Redo, stamp)
    }

    /// What undo and redo would do next (for menus: "Undo Set setup_fee of SP-3").
    pub fn undo_redo_labels(&self) -> Result<(Option<history::Step>, Option<history::Step>)> {
        Ok((history::peek(&self.conn, history::Direction::Undo)?, history::peek(&self.conn, history::Direction::Redo)?))
    }

    pub(crate) fn ensure_writable(&self) -> Result<()> {
        if self.read_only {
            return Err(CoreError::new(
                ErrorKind::ReadOnly,
                format!("{} is open read-only; open it for writing to change it", self.path.display()),
            ));
        }
        Ok(())
    }

    /// Writes a complete copy of this catalog (content and undo history) to `dest`, and keeps
    /// working on this one. The copy is built beside `dest` and renamed into place, so `dest`
    /// is either its old self or the complete copy, never half of one. Refused when `dest` is
    /// this catalog's own file or a catalog open for writing elsewhere.
    pub fn save_copy(&self, dest: &Path) -> Result<()> {
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        if same(dest, &self.path) {
            return Err(CoreError::invalid(
                "path",
                format!("{} is this catalog's own file; choose another name for the copy", dest.display()),
            ));
        }
        let dir = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let file_name =
            dest.file_name().ok_or_else(|| CoreError::invalid("path", "the copy's path has no file name"))?;
        if !dir.is_dir() {
            return Err(CoreError::new(
                ErrorKind::NotFound,
                format!("the folder {} does not exist; choose an existing folder for the copy", dir.display()),
            ));
        }
        // A catalog open for writing elsewhere must not be replaced under its writer.
        let _dest_lock = if dest.exists() { Some(take_writer_lock(dest)?) } else { None };
        let tmp = dir.join(format!(".{}.copying", file_name.to_string_lossy()));
        let _ = std::fs::remove_file(&tmp);
        let written = (|| -> Result<()> {
            let tmp_text = tmp.to_str().ok_or_else(|| {
                CoreError::invalid("path", "the copy's path is not valid UTF-8; choose a plainer name")
            })?;
            self.conn.execute("VACUUM INTO ?1", [tmp_text])?;
            // Flushed, renamed over the destination, the folder flushed.
            crate::new_file::put_in_place(&tmp, dest, true)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(|e| {
            let why = e.message().to_owned();
            CoreError::new(e.kind(), format!("could not save a copy to {}: {why}", dest.display()))
        })
    }

    pub fn settings(&self) -> Result<Settings> {
        crate::snapshot::read_settings(&self.conn)
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`: "ok" or the problems found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        for r in st.query_map([], |r| r.get::<_, String>(0))? {
            let r = r?;
            if r != "ok" {
                problems.push(r);
            }
        }
        let mut st = self.conn.prepare("PRAGMA foreign_key_check")?;
        for r in st.query_map([], |r| {
            Ok(format!("foreign key broken in {} row {:?}", r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
        })? {
            problems.push(r?);
        }
        Ok(problems)
    }
}
