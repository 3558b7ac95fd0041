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

use std::fs::File;
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
    // The 100-byte database header: the magic string, then (big-endian) user_version at
    // offset 60 and application_id at 68. Deciding from these bytes refuses a foreign or newer
    // file before SQLite opens it, which would replay and checkpoint a leftover WAL into it.
    let mut head = [0u8; 100];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    if n < 16 || &head[..16] != b"SQLite format 3\0" {
        return Err(CoreError::new(
            ErrorKind::IncompatibleFile,
            format!(
                "{} is not a Plansmith catalog (it is not an SQLite file{}); nothing was changed",
                path.display(),
                if n == 0 { ", it is empty" } else { "" }
            ),
        ));
    }
    if n == head.len() {
        let word = |at: usize| i32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
        identity(word(68), word(60) as i64, path)?;
    }
    Ok(())
}

/// Reads `application_id` and `user_version` and refuses foreign or newer files.
fn check_identity(conn: &Connection, path: &Path) -> Result<i64> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    identity(app_id, version, path)
}

/// The schema version of a file with this application id and user version, or why it is
/// refused.
fn identity(app_id: i32, version: i64, path: &Path) -> Result<i64> {
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

/// Why `path` cannot be opened for writing, when the file or its folder is read-only (a
/// read-only mount, a read-only file or folder): SQLite's own message ("unable to open
/// database file") says neither why nor what to do. None when both look writable.
fn unwritable(path: &Path) -> Option<CoreError> {
    let file = std::fs::OpenOptions::new().write(true).open(path).err();
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let folder_ro = std::fs::metadata(folder).map(|m| m.permissions().readonly()).unwrap_or(false);
    let read_only = matches!(
        file.as_ref().map(|e| e.kind()),
        Some(std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied)
    );
    (read_only || folder_ro).then(|| {
        CoreError::new(
            ErrorKind::ReadOnly,
            format!(
                "{} is on a read-only disk or in a folder you cannot write to, so it cannot be changed here; it can still be read (`plansmith check`, `list`, `dump`, or the app's read-only open). Copy it to a writable folder to edit it",
                path.display()
            ),
        )
    })
}

/// An SQLite URI that reads `path` as immutable: no locks, no side files.
fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for b in absolute.as_os_str().as_encoded_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => uri.push(*b as char),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// The one-writer lock. It belongs to the file, not to the name it is opened by: an exclusive
/// `flock` on the database file itself, so a symlink or a hard link to an open catalog is
/// refused like its own name. (Linux keeps `flock` apart from the `fcntl` locks SQLite takes on
/// the same file.) Read-only opens take none.
fn take_writer_lock(path: &Path) -> Result<File> {
    let f = File::open(path)?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(CoreError::new(
            ErrorKind::Locked,
            format!(
                "{} is already open for writing in another Plansmith window or command (perhaps by another name: a link to the same file); close it there first (read-only commands such as `plansmith check` still work)",
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
        let opened =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(CoreError::from)
                .and_then(|conn| check_identity(&conn, path).map(|version| (conn, version)));
        let (mut conn, version) = opened.map_err(|e| unwritable(path).unwrap_or(e))?;
        set_write_pragmas(&conn).map_err(|e| unwritable(path).unwrap_or(e))?;
        if version < schema::SCHEMA_VERSION {
            migrate::upgrade(&mut conn)?;
        }
        Ok(Catalog { conn, path: path.to_path_buf(), read_only: false, _lock: Some(lock) })
    }

    /// Opens an existing catalog read-only: no lock, no writes; works while another process
    /// has it open for writing.
    pub fn open_read_only(path: &Path) -> Result<Catalog> {
        check_sqlite_header(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let opened = Connection::open_with_flags(path, flags)
            .map_err(CoreError::from)
            .and_then(|conn| check_identity(&conn, path).map(|version| (conn, version)));
        let (conn, version) = match opened {
            Ok(c) => c,
            // Reading a WAL catalog needs its -shm beside it. On read-only media (a CD, a
            // read-only mount or folder) none can be made; with no -wal there either, the file
            // alone is the whole catalog and is read as immutable.
            Err(e) if unwritable(path).is_some() && !crate::new_file::with_suffix(path, "-wal").exists() => {
                let conn = Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_URI)
                    .map_err(|_| e.clone())?;
                let version = check_identity(&conn, path).map_err(|_| e)?;
                (conn, version)
            }
            Err(e) => return Err(unwritable(path).map_or(e, |_| CoreError::new(
                ErrorKind::ReadOnly,
                format!(
                    "{} is on a read-only disk or folder and has a write-ahead log beside it ({}) that needs a writable folder to be read; copy the catalog and that file to a writable folder",
                    path.display(),
                    crate::new_file::with_suffix(path, "-wal").display()
                ),
            ))),
        };
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
        // Whatever fails (a full disk, most often), the half-built file and its side files go:
        // nothing is left beside `path`, and a retry starts clean.
        let discard = || crate::new_file::remove_built(&tmp);
        discard();
        let built = (|| -> Result<()> {
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
            crate::new_file::put_in_place(&tmp, path, false)
        })();
        if let Err(e) = built {
            discard();
            return Err(match e.kind() {
                ErrorKind::Io => CoreError::new(
                    ErrorKind::Io,
                    format!(
                        "{} was not created: {}",
                        path.display(),
                        e.message()
                            .replace("the last change was not saved (everything saved before it is intact); ", "")
                    ),
                ),
                _ => e,
            });
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
