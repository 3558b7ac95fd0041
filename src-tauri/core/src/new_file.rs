//! The one way Plansmith writes a user's file: it appears at its path whole or not at all.
//!
//! Why: a bundle, a key, a picture or a dump that is half written (a full disk, a crash, a
//! killed process) must never sit at the path the user gave, and a file that must not be
//! overwritten (a bundle, a key, a catalog) must not be, even by a race. How: the bytes go to a
//! hidden `.NAME.partial` beside the path (`tempfile`, created new and locked while written, so
//! two writers cannot share it, and one left by a killed writer, its lock gone, is removed by
//! the next write instead of blocking it), then [`NewFile::commit`] flushes the
//! file to disk, renames it into place (without replacing an existing file, unless made with
//! [`NewFile::replacing`]) and flushes the folder, so the rename survives a power cut too.
//! Dropped without a commit (an error, a refusal, a panic), the partial file is removed and the
//! path was never touched. Every failure names the path, the cause and what to do.
//!
//! Files built by SQLite (a demo, a copy, a loaded catalog) are written by SQLite at a path of
//! their own and put in place by [`put_in_place`], with the same flushes and the same refusal.
//!
//! A large file (a 100 MB bundle) is written while it is made, and every [`SYNC_EVERY`] bytes
//! a thread of its own asks the disk to take what is written so far (the writer does not wait
//! for it): the flush before the rename then waits for the last pieces only.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use tempfile::NamedTempFile;

use crate::error::{CoreError, ErrorKind, Result};

/// Bytes written between two requests to put the file on disk.
pub const SYNC_EVERY: u64 = 16 << 20;

/// Who may read the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Readers {
    /// As the user's other files (0666 less the umask).
    Usual,
    /// The owner only (0600): a secret key.
    Owner,
}

pub struct NewFile {
    path: PathBuf,
    /// Whether an existing file at `path` is replaced (else the commit is refused).
    replace: bool,
    /// `None` once committed.
    file: Option<BufWriter<NamedTempFile>>,
    written: u64,
    synced: u64,
    /// The thread that puts the file on disk while it is written, and how to ask it to.
    syncer: Option<(mpsc::SyncSender<()>, JoinHandle<io::Result<()>>)>,
}

impl NewFile {
    /// Starts a file that must not exist yet (a bundle, a key, a dump). Refused when `path`
    /// exists, or when another write to the same path is under way.
    pub fn create(path: &Path) -> Result<NewFile> {
        NewFile::start(path, false, Readers::Usual)
    }

    /// Starts a file that replaces whatever is at `path` once committed (a picture drawn
    /// again, the recent-catalogs list).
    pub fn replacing(path: &Path) -> Result<NewFile> {
        NewFile::start(path, true, Readers::Usual)
    }

    /// Starts a new file only its owner may read (a secret key).
    pub fn private(path: &Path) -> Result<NewFile> {
        NewFile::start(path, false, Readers::Owner)
    }

    fn start(path: &Path, replace: bool, readers: Readers) -> Result<NewFile> {
        if path.is_dir() {
            return Err(CoreError::invalid(
                "path",
                format!("{} is a folder; give a file name inside it", path.display()),
            ));
        }
        if !replace && path.exists() {
            return Err(exists(path));
        }
        let dir = folder_of(path);
        let name = path
            .file_name()
            .ok_or_else(|| CoreError::invalid("path", format!("{} has no file name; give one", path.display())))?;
        let prefix = format!(".{}", name.to_string_lossy());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial").rand_bytes(0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if readers == Readers::Owner { 0o600 } else { 0o666 };
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        #[cfg(not(unix))]
        let _ = readers;
        let partial = dir.join(format!("{prefix}.partial"));
        // A partial file whose writer is gone (killed, crashed) is nobody's: its lock died
        // with the writer, so it is removed and the write goes ahead. One still locked belongs
        // to a write under way, which is waited for.
        if let Ok(left) = File::open(&partial)
            && left.try_lock().is_ok()
        {
            let _ = std::fs::remove_file(&partial);
        }
        let file = builder
            .tempfile_in(dir)
            .and_then(|f| f.as_file().try_lock().map(|()| f).map_err(io::Error::from))
            .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists | io::ErrorKind::WouldBlock => CoreError::conflict(format!(
                "another write to {} is under way ({} exists and is in use); wait for it to finish and try again",
                path.display(),
                partial.display(),
            )),
            io::ErrorKind::NotFound => CoreError::invalid(
                "path",
                format!(
                    "the folder {} does not exist; choose an existing folder for {}",
                    dir.display(),
                    name.display()
                ),
            ),
            _ => failed(path, e),
        })?;
        // A request made while one is under way is dropped: the one under way, or the next,
        // takes its bytes too.
        let syncer = file.as_file().try_clone().ok().and_then(|f| {
            let (ask, asked) = mpsc::sync_channel::<()>(1);
            let thread = std::thread::Builder::new()
                .name("file-sync".into())
                .spawn(move || asked.iter().try_for_each(|()| f.sync_data()))
                .ok()?;
            Some((ask, thread))
        });
        Ok(NewFile {
            path: path.to_path_buf(),
            replace,
            file: Some(BufWriter::with_capacity(1 << 20, file)),
            written: 0,
            synced: 0,
            syncer,
        })
    }

    /// Flushes the file to disk, renames it to its path and flushes the folder. On any failure
    /// the partial file is removed and the path is as it was.
    pub fn commit(mut self) -> Result<()> {
        let w = self.file.take().expect("a new file is committed once");
        let flushed = (|| -> io::Result<NamedTempFile> {
            let file = w.into_inner().map_err(|e| e.into_error())?;
            self.stop_syncing()?;
            file.as_file().sync_all()?;
            Ok(file)
        })();
        let file = flushed.map_err(|e| failed(&self.path, e))?;
        let placed = if self.replace { file.persist(&self.path) } else { file.persist_noclobber(&self.path) };
        // On an error the partial file is dropped with it, which removes it.
        placed.map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                exists(&self.path)
            } else {
                failed(&self.path, e.error)
            }
        })?;
        sync_folder(&self.path);
        Ok(())
    }

    /// Ends the syncing thread, once what it is doing is done.
    fn stop_syncing(&mut self) -> io::Result<()> {
        match self.syncer.take() {
            Some((ask, thread)) => {
                drop(ask);
                thread.join().unwrap_or(Ok(()))
            }
            None => Ok(()),
        }
    }
}

impl Write for NewFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let w = self.file.as_mut().expect("a committed file is not written");
        let n = w.write(data)?;
        self.written += n as u64;
        if self.written - self.synced >= SYNC_EVERY
            && let Some((ask, _)) = &self.syncer
        {
            w.flush()?;
            let _ = ask.try_send(());
            self.synced = self.written;
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), |w| w.flush())
    }
}

impl Drop for NewFile {
    fn drop(&mut self) {
        if let Some(w) = self.file.take() {
            // The partial file is removed when its `NamedTempFile` is dropped.
            let (file, _) = w.into_parts();
            let _ = self.stop_syncing();
            drop(file);
        }
    }
}

/// Writes `bytes` as a new file at `path` (refused if it exists), whole or not at all.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = NewFile::create(path)?;
    f.write_all(bytes).map_err(|e| failed(path, e))?;
    f.commit()
}

/// Writes `bytes` as a new file at `path` (refused if it exists) that only its owner may read
/// (a secret key), whole or not at all.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = NewFile::private(path)?;
    f.write_all(bytes).map_err(|e| failed(path, e))?;
    f.commit()
}

/// Writes `bytes` to `path`, replacing what is there, whole or not at all.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = NewFile::replacing(path)?;
    f.write_all(bytes).map_err(|e| failed(path, e))?;
    f.commit()
}

/// Puts a file already written at `built` (by SQLite: a demo, a copy, a loaded catalog) in
/// place at `path`: flushed to disk, renamed (replacing a file at `path` only when `replace`),
/// the folder flushed. On a failure `built` is left for its writer to remove.
///
/// A catalog must not land beside side files it did not write: SQLite would take a `-wal` or
/// `-journal` left by an earlier catalog at that path (deleted after a crash) into the new one,
/// and replacing a catalog that has them may be replacing one in use. Such a path is refused,
/// with the reason and the fix, before anything moves.
pub fn put_in_place(built: &Path, path: &Path, replace: bool) -> Result<()> {
    refuse_side_files(path)?;
    let placed = (|| -> io::Result<()> {
        File::open(built)?.sync_all()?;
        // `TempPath` would remove `built` when dropped; its writer removes it (with its
        // side files) on a failure.
        let temp = tempfile::TempPath::try_from_path(built)?;
        let done = if replace { temp.persist(path) } else { temp.persist_noclobber(path) };
        done.map_err(|e| {
            let _ = e.path.keep();
            e.error
        })
    })();
    placed.map_err(|e| if e.kind() == io::ErrorKind::AlreadyExists { exists(path) } else { failed(path, e) })?;
    sync_folder(path);
    Ok(())
}

/// `path` with `suffix` appended to its name (`demo.plansmith` + `-wal`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Removes a catalog SQLite was building at `built` (a private path of ours) with its side
/// files: what a failed or finished build leaves behind. Best effort.
pub(crate) fn remove_built(built: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(built, suffix));
    }
}

/// Refuses `path` when an SQLite log with content (`-wal`, `-journal`) is beside it. An empty
/// log and the `-shm` index hold no rows (read-only opens leave them behind; SQLite rebuilds
/// the index from the log), so they are no reason to refuse.
pub fn refuse_side_files(path: &Path) -> Result<()> {
    for suffix in ["-wal", "-journal"] {
        let side = with_suffix(path, suffix);
        if std::fs::metadata(&side).is_ok_and(|m| m.len() > 0) {
            let why = if path.exists() {
                "the catalog there may be open in Plansmith or another program, or was not closed cleanly"
            } else {
                "it is left over from a catalog that was at this path before (deleted after a crash?), and SQLite would mix its rows into the new catalog"
            };
            return Err(CoreError::conflict(format!(
                "{} cannot be written: {} is beside it; {why}. Close whatever has the catalog open, or move {} away if nothing does, or choose another file name",
                path.display(),
                side.display(),
                side.display()
            ))
            .with_field("path"));
        }
    }
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Flushes the folder of `path`, so a rename into it survives a power cut. Best effort: some
/// file systems cannot open a folder for that.
fn sync_folder(path: &Path) {
    if let Ok(d) = File::open(folder_of(path)) {
        let _ = d.sync_all();
    }
}

fn exists(path: &Path) -> CoreError {
    CoreError::conflict(format!(
        "{} already exists; choose another file name (Plansmith never overwrites this file)",
        path.display()
    ))
}

/// A failure to write `path`: the path, the cause and the fix, and that nothing was left.
fn failed(path: &Path, e: io::Error) -> CoreError {
    let why = match e.kind() {
        io::ErrorKind::NotADirectory => {
            format!("part of the path is a file, not a folder ({e}); choose an existing folder")
        }
        _ => CoreError::from(e).message().to_string(),
    };
    CoreError::new(
        ErrorKind::Io,
        format!("{} could not be written: {why}; nothing was left at that path", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_new_file_appears_whole_on_commit_and_never_over_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        let mut f = NewFile::create(&path).unwrap();
        f.write_all(b"{}").unwrap();
        assert_eq!(names(dir.path()), [".out.json.partial"], "written beside the path until the commit");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        assert_eq!(names(dir.path()), ["out.json"]);
        let e = write_new(&path, b"other").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert!(e.message().contains("already exists") && e.message().contains("out.json"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        // A path that appears while the file is written is not replaced either.
        let late = dir.path().join("late.txt");
        let mut f = NewFile::create(&late).unwrap();
        f.write_all(b"mine").unwrap();
        std::fs::write(&late, b"theirs").unwrap();
        assert_eq!(f.commit().unwrap_err().kind(), ErrorKind::Conflict);
        assert_eq!(std::fs::read(&late).unwrap(), b"theirs");
        assert_eq!(names(dir.path()), ["late.txt", "out.json"], "the partial file is gone");
    }

    #[test]
    fn a_replacing_file_replaces_and_an_abandoned_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("picture.svg");
        std::fs::write(&path, b"old").unwrap();
        write_replacing(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let mut f = NewFile::replacing(&path).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["picture.svg"]);
    }

    #[test]
    fn failures_name_the_path_the_cause_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_new(&dir.path().join("no such folder/out.zip"), b"x").unwrap_err();
        assert!(e.message().contains("no such folder") && e.message().contains("choose an existing folder"), "{e}");
        let e = write_replacing(dir.path(), b"x").unwrap_err();
        assert!(e.message().contains("is a folder"), "{e}");
        std::fs::write(dir.path().join("notes.txt"), b"a file").unwrap();
        let e = write_new(&dir.path().join("notes.txt/out.svg"), b"x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(
            e.message().contains("notes.txt/out.svg could not be written")
                && e.message().contains("not a folder")
                && e.message().contains("nothing was left"),
            "{e}"
        );
        // A partial file left by an interrupted write (its writer gone) does not block a retry.
        let path = dir.path().join("key");
        std::fs::write(dir.path().join(".key.partial"), b"half").unwrap();
        write_new(&path, b"x").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
        assert!(!dir.path().join(".key.partial").exists());
        // One whose writer is still at work (it holds the partial file's lock) is waited for.
        let busy = dir.path().join("busy");
        let under_way = NewFile::create(&busy).unwrap();
        let e = write_new(&busy, b"y").unwrap_err();
        assert!(e.message().contains("another write to") && e.message().contains("under way"), "{e}");
        drop(under_way);
        write_new(&busy, b"y").unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_private_file_is_its_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        write_private(&path, b"secret").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let usual = dir.path().join("public.key");
        write_new(&usual, b"public").unwrap();
        assert_ne!(std::fs::metadata(&usual).unwrap().permissions().mode() & 0o044, 0, "others may read it");
    }

    #[test]
    fn a_file_built_elsewhere_is_put_in_place_without_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let built = dir.path().join(".c.building");
        let path = dir.path().join("c.plansmith");
        std::fs::write(&built, b"db").unwrap();
        put_in_place(&built, &path, false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"db");
        std::fs::write(&built, b"db2").unwrap();
        assert_eq!(put_in_place(&built, &path, false).unwrap_err().kind(), ErrorKind::Conflict);
        assert!(built.exists(), "left for its writer to remove");
        put_in_place(&built, &path, true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"db2");
    }
}
