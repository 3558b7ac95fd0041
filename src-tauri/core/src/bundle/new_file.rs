//! A new file that appears at its path whole or not at all: the bundle being exported.
//!
//! Why it exists: ops must never find a half-written bundle at the path they were given, and
//! an export must never overwrite a file. The bytes go to a hidden `.NAME.partial` beside the
//! path (created new, so two exports cannot share it); [`NewFile::commit`] flushes it to disk
//! and renames it into place, refusing a path that appeared meanwhile. Dropped without a
//! commit (an error, a refusal, a panic), the partial file is removed and the path was never
//! touched.
//!
//! A large bundle (100 MB) is written while it is made, and every [`SYNC_EVERY`] bytes a thread
//! of its own asks the disk to take what is written so far (the writer does not wait for it):
//! the flush before the rename then waits for the last pieces only, not for the whole file.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use crate::error::{CoreError, Result};

/// Bytes written between two requests to put the file on disk.
pub const SYNC_EVERY: u64 = 16 << 20;

pub struct NewFile {
    path: PathBuf,
    partial: PathBuf,
    /// `None` once committed.
    file: Option<BufWriter<File>>,
    written: u64,
    synced: u64,
    /// The thread that puts the file on disk while it is written, and how to ask it to.
    syncer: Option<(mpsc::SyncSender<()>, JoinHandle<io::Result<()>>)>,
}

impl NewFile {
    /// Starts the file for `path`. Refused when `path` exists (an export never overwrites),
    /// or when another export to the same path is under way.
    pub fn create(path: &Path) -> Result<NewFile> {
        if path.exists() {
            return Err(exists(path));
        }
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().ok_or_else(|| CoreError::invalid("out", "the bundle path has no file name"))?;
        let partial = dir.join(format!(".{}.partial", name.to_string_lossy()));
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&partial).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                CoreError::conflict(format!(
                    "{} exists: another export to {} is under way, or one was interrupted; \
                     wait for it, or delete that file and export again",
                    partial.display(),
                    path.display()
                ))
            } else if e.kind() == io::ErrorKind::NotFound {
                CoreError::invalid(
                    "out",
                    format!("the folder {} does not exist; choose an existing folder for the bundle", dir.display()),
                )
            } else {
                CoreError::from(e)
            }
        })?;
        // A request made while one is under way is dropped: the one under way, or the next,
        // takes its bytes too.
        let syncer = file.try_clone().ok().and_then(|f| {
            let (ask, asked) = mpsc::sync_channel::<()>(1);
            let thread = std::thread::Builder::new()
                .name("bundle-sync".into())
                .spawn(move || asked.iter().try_for_each(|()| f.sync_data()))
                .ok()?;
            Some((ask, thread))
        });
        Ok(NewFile {
            path: path.to_path_buf(),
            partial,
            file: Some(BufWriter::with_capacity(1 << 20, file)),
            written: 0,
            synced: 0,
            syncer,
        })
    }

    /// Flushes the file to disk and renames it to its path (the directory is flushed too).
    pub fn commit(mut self) -> Result<()> {
        let mut w = self.file.take().expect("a new file is committed once");
        let done = (|| -> io::Result<()> {
            w.flush()?;
            self.stop_syncing()?;
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            drop(f);
            if self.path.exists() {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, "exists"));
            }
            std::fs::rename(&self.partial, &self.path)?;
            if let Some(dir) = self.path.parent().filter(|p| !p.as_os_str().is_empty())
                && let Ok(d) = File::open(dir)
            {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        done.map_err(|e| {
            let _ = std::fs::remove_file(&self.partial);
            if e.kind() == io::ErrorKind::AlreadyExists { exists(&self.path) } else { CoreError::from(e) }
        })
    }
}

impl NewFile {
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

fn exists(path: &Path) -> CoreError {
    CoreError::conflict(format!(
        "{} already exists; choose another file name (an export never overwrites a file)",
        path.display()
    ))
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
            drop(w.into_parts());
            let _ = self.stop_syncing();
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}
