//! The catalog the app has open, as a core [`Session`]: the app's only state.
//!
//! The core's [`Catalog`] owns a SQLite connection: it is `Send` but not `Sync`, and it is the
//! single write connection of this process. It therefore sits behind one async mutex, and every
//! core call runs on a blocking worker thread with the lock held, so no command ever blocks the
//! UI thread or the async runtime while SQLite works, and calls are served in arrival order.
//!
//! The slot holds either the open catalog or the reason there is none (the file is missing,
//! another process holds it for writing, …), so that a failed start still shows a window that
//! says what went wrong instead of exiting. While there is no catalog, each command first tries
//! to open it again, so "Try again" in the window works once the cause is gone.
//!
//! [`OpenCatalog::switch`] replaces the catalog (open another, or a new one) only once the new
//! one is open: if it cannot be opened, the current one stays open and nothing is lost.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use plansmith_core::{Catalog, CoreError, Session};
use tokio::sync::Mutex;

use crate::ipc_error::IpcError;
use crate::launch::{CatalogTarget, stamp_now};

/// Managed Tauri state: the open catalog, or why none is open.
pub struct OpenCatalog {
    slot: Arc<Mutex<Slot>>,
}

/// The file the window is about, and its session or why there is none.
struct Slot {
    target: CatalogTarget,
    session: Result<Session, IpcError>,
}

/// Lowers this thread's scheduling priority (Linux: `nice` is per thread), so the window's
/// start-up runs first when the cores are busy. Elsewhere it does nothing.
fn yield_to_window_start() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take no pointers; a failure only leaves the priority as is.
    unsafe {
        let tid = libc::gettid();
        let _ = libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

impl OpenCatalog {
    /// Opens the catalog the app was started for; a failure is kept to be shown in the window.
    pub fn open(target: CatalogTarget) -> Self {
        let session = target.open(stamp_now).map(Session::new).map_err(IpcError::from);
        OpenCatalog { slot: Arc::new(Mutex::new(Slot { target, session })) }
    }

    /// Like [`OpenCatalog::open`], but opens (and for the demo, first writes) the catalog on a
    /// blocking worker, so the window is built and its page loads meanwhile; the first command
    /// waits for it. `then` runs on that worker once the file is open (or has failed to).
    pub fn open_in_background(target: CatalogTarget, then: impl FnOnce(&Path) + Send + 'static) -> Self {
        let slot = Arc::new(Mutex::new(Slot {
            target: target.clone(),
            session: Err(IpcError::internal("the catalog is still being opened")),
        }));
        let mut first = Arc::clone(&slot).try_lock_owned().expect("nobody else holds a new slot");
        let open = move || {
            // Behind the window's own start-up: the page needs the catalog only once it has
            // loaded, and on two cores writing the demo competed with WebKit starting.
            yield_to_window_start();
            first.session = target.open(stamp_now).map(Session::new).map_err(IpcError::from);
            // The window may use the catalog now; `then` (the recent list) needs no lock.
            drop(first);
            then(&target.path);
        };
        // Its own thread, not the blocking pool: the lowered priority must not stay with a
        // pool thread that later runs the window's commands.
        if std::thread::Builder::new().name("catalog-open".into()).spawn(open).is_err() {
            // No thread to be had: the closure and its lock are dropped, and the first command
            // opens the catalog itself (while none is open, every call retries the open).
        }
        OpenCatalog { slot }
    }

    /// The catalog file this window is about.
    pub async fn path(&self) -> PathBuf {
        self.slot.lock().await.target.path.clone()
    }

    /// Makes `path` the open catalog, opened (or created) by `open` on a blocking worker. The
    /// current catalog is closed only once the new one is open; if `open` fails, it stays open
    /// and the error is returned. Asking for the file that is already open changes nothing.
    pub async fn switch<F>(&self, path: PathBuf, open: F) -> Result<PathBuf, IpcError>
    where
        F: FnOnce(&Path) -> Result<Catalog, CoreError> + Send + 'static,
    {
        let mut slot = Arc::clone(&self.slot).lock_owned().await;
        tauri::async_runtime::spawn_blocking(move || {
            let already_open = slot.session.is_ok() && same_file(&slot.target.path, &path);
            if !already_open {
                let catalog = open(&path).map_err(IpcError::from)?;
                let path = catalog.path().to_path_buf();
                *slot = Slot {
                    target: CatalogTarget { path, write_demo_if_missing: false },
                    session: Ok(Session::new(catalog)),
                };
            }
            Ok(slot.target.path.clone())
        })
        .await
        .map_err(|error| IpcError::internal(format!("the catalog worker stopped: {error}")))?
    }

    /// Runs a read of the open catalog on a blocking worker thread.
    pub async fn with<T, F>(&self, work: F) -> Result<T, IpcError>
    where
        F: FnOnce(&Catalog) -> Result<T, CoreError> + Send + 'static,
        T: Send + 'static,
    {
        self.with_session(move |session| work(session.catalog())).await
    }

    /// Runs a call on the open catalog's [`Session`] (its kept findings, its edits) on a
    /// blocking worker thread.
    pub async fn with_session<T, F>(&self, work: F) -> Result<T, IpcError>
    where
        F: FnOnce(&mut Session) -> Result<T, CoreError> + Send + 'static,
        T: Send + 'static,
    {
        let mut slot = Arc::clone(&self.slot).lock_owned().await;
        tauri::async_runtime::spawn_blocking(move || {
            let slot = &mut *slot;
            if slot.session.is_err() {
                slot.session = slot.target.open(stamp_now).map(Session::new).map_err(IpcError::from);
            }
            match slot.session.as_mut() {
                Ok(session) => work(session).map_err(IpcError::from),
                Err(why) => Err(why.clone()),
            }
        })
        .await
        .map_err(|error| IpcError::internal(format!("the catalog worker stopped: {error}")))?
    }
}

/// True when `a` and `b` name the same file (compared after resolving links and `..`).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_folder::TestFolder;
    use plansmith_core::{ErrorKind, Stamp, Timestamp, demo};

    fn target(path: std::path::PathBuf, write_demo_if_missing: bool) -> CatalogTarget {
        CatalogTarget { path, write_demo_if_missing }
    }

    #[tokio::test]
    async fn demo_target_is_written_then_read() {
        let folder = TestFolder::new();
        let path = folder.file("nested").join("demo.plansmith");
        let catalog = OpenCatalog::open(target(path.clone(), true));
        let overview = catalog.with(|c| c.overview()).await.expect("the demo opens");
        assert!(path.exists());
        assert!(!overview.name.is_empty());
        assert!(!overview.structures.is_empty(), "the demo shows at least one structure");
    }

    #[tokio::test]
    async fn a_missing_file_is_reported_and_retried() {
        let folder = TestFolder::new();
        let path = folder.file("acme.plansmith");
        let catalog = OpenCatalog::open(target(path.clone(), false));
        let error = catalog.with(|c| c.overview()).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::NotFound, "{error:?}");
        assert!(!path.exists(), "opening never creates a catalog that was not asked for");

        let stamp = Stamp { by: "test".into(), at: Timestamp::from_unix_seconds(0) };
        drop(demo::write_demo(&path, &stamp).unwrap());
        assert!(catalog.with(|c| c.overview()).await.is_ok(), "the next call opens it");
    }

    #[tokio::test]
    async fn a_catalog_open_in_another_window_is_reported_as_locked() {
        let folder = TestFolder::new();
        let path = folder.file("shared.plansmith");
        let first = OpenCatalog::open(target(path.clone(), true));
        assert!(first.with(|c| c.overview()).await.is_ok());
        let second = OpenCatalog::open(target(path, true));
        let error = second.with(|c| c.overview()).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Locked, "{error:?}");
        drop(first);
        assert!(second.with(|c| c.overview()).await.is_ok(), "free again once the first closes");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_never_overlap() {
        use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
        let folder = TestFolder::new();
        let catalog = Arc::new(OpenCatalog::open(target(folder.file("demo.plansmith"), true)));
        let busy = Arc::new(AtomicBool::new(false));
        let overlaps = Arc::new(AtomicU32::new(0));
        let calls: Vec<_> = (0..4)
            .map(|_| {
                let (catalog, busy, overlaps) = (Arc::clone(&catalog), Arc::clone(&busy), Arc::clone(&overlaps));
                tokio::spawn(async move {
                    catalog
                        .with(move |c| {
                            if busy.swap(true, Ordering::SeqCst) {
                                overlaps.fetch_add(1, Ordering::SeqCst);
                            }
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            let overview = c.overview();
                            busy.store(false, Ordering::SeqCst);
                            overview
                        })
                        .await
                })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        assert_eq!(overlaps.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn switching_keeps_the_current_catalog_when_the_new_one_cannot_open() {
        let folder = TestFolder::new();
        let first = folder.file("first.plansmith");
        let catalog = OpenCatalog::open(target(first.clone(), true));
        let name = catalog.with(|c| c.overview()).await.unwrap().name;

        let junk = folder.file("junk.plansmith");
        std::fs::write(&junk, b"not a catalog").unwrap();
        let error = catalog.switch(junk, Catalog::open).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::IncompatibleFile, "{error:?}");
        assert_eq!(catalog.path().await, first, "still on the first catalog");
        assert_eq!(catalog.with(|c| c.overview()).await.unwrap().name, name);

        let same = catalog.switch(first.clone(), Catalog::open).await.unwrap();
        assert_eq!(same, first, "the open file is not reopened (its own lock would refuse it)");

        let second = folder.file("second.plansmith");
        let stamp = Stamp { by: "test".into(), at: Timestamp::from_unix_seconds(0) };
        drop(demo::write_demo(&second, &stamp).unwrap());
        assert_eq!(catalog.switch(second.clone(), Catalog::open).await.unwrap(), second);
        assert_eq!(catalog.path().await, second);
        assert!(Catalog::open(&first).is_ok(), "the first catalog was closed, its lock released");
    }

    #[tokio::test]
    async fn a_catalog_opened_in_the_background_is_there_for_the_first_command() {
        let folder = TestFolder::new();
        let path = folder.file("background.plansmith");
        let (told, heard) = std::sync::mpsc::channel();
        let catalog = OpenCatalog::open_in_background(target(path.clone(), true), move |p| {
            told.send(p.exists()).unwrap();
        });
        let overview = catalog.with(|c| c.overview()).await.expect("the first command waits for the open");
        assert!(!overview.structures.is_empty());
        assert!(heard.recv().unwrap(), "`then` runs once the demo is written");
    }
}
