//! Native file dialogs, behind a trait.
//!
//! A native dialog needs a person: under Xvfb (CI, end-to-end tests) it never answers. So
//! commands that ask for a file take a [`FileDialogs`] from managed state instead of calling
//! `rfd` themselves; the app manages [`NativeDialogs`], and tests manage an implementation that
//! answers from a script. (No command of this version asks for a file yet: the first one is
//! "open another catalog".)
//!
//! `rfd` with its GTK 3 backend must create the dialog on the main thread, the one that runs
//! the GTK loop (as Tauri's own dialog plugin does); only the answer is awaited elsewhere.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use tauri::{AppHandle, Manager};
use tokio::sync::oneshot;

use crate::main_window;

/// What a dialog future yields: the chosen file, or `None` when the person cancelled.
pub type Choice<'a> = Pin<Box<dyn Future<Output = Option<PathBuf>> + Send + 'a>>;

/// The file questions the app asks a person.
pub trait FileDialogs: Send + Sync + 'static {
    /// Asks for an existing catalog file (`*.plansmith`) to open.
    fn catalog_to_open(&self) -> Choice<'_>;
}

/// The operating system's own dialogs, parented to the main window.
pub struct NativeDialogs {
    app: AppHandle,
}

impl NativeDialogs {
    pub fn new(app: AppHandle) -> Self {
        NativeDialogs { app }
    }
}

impl FileDialogs for NativeDialogs {
    fn catalog_to_open(&self) -> Choice<'_> {
        let (answer, chosen) = oneshot::channel();
        let app = self.app.clone();
        let shown = self.app.run_on_main_thread(move || {
            let mut dialog = rfd::AsyncFileDialog::new()
                .set_title("Open a Plansmith catalog")
                .add_filter("Plansmith catalog", &["plansmith"]);
            if let Some(window) = app.get_webview_window(main_window::LABEL) {
                dialog = dialog.set_parent(&window);
            }
            let picked = dialog.pick_file();
            tauri::async_runtime::spawn(async move {
                let _ = answer.send(picked.await.map(|file| file.path().to_path_buf()));
            });
        });
        Box::pin(async move {
            shown.ok()?;
            chosen.await.ok().flatten()
        })
    }
}
