//! Native file dialogs, behind a trait.
//!
//! A native dialog needs a person: under Xvfb (CI, end-to-end tests) it never answers. So
//! commands that ask for a file take the [`FileDialogs`] from managed state instead of calling
//! `rfd` themselves. The app manages [`NativeDialogs`]; when the environment variable
//! [`ANSWERS_ENV`] names a file, it manages [`ScriptedDialogs`] instead, which answers each
//! question with the next line of that file (the end-to-end tests write it before they click).
//! Unit tests manage their own implementation.
//!
//! `rfd` with its GTK 3 backend must create the dialog on the main thread, the one that runs
//! the GTK loop (as Tauri's own dialog plugin does); only the answer is awaited elsewhere.

use std::fs;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Mutex;

use tauri::{AppHandle, Manager};
use tokio::sync::oneshot;

use crate::main_window;

/// Names the answers file of [`ScriptedDialogs`].
pub const ANSWERS_ENV: &str = "PLANSMITH_DIALOG_ANSWERS";

/// What a dialog future yields: the chosen file, or `None` when the person cancelled.
pub type Choice<'a> = Pin<Box<dyn Future<Output = Option<PathBuf>> + Send + 'a>>;

/// Why the app asks for a file; decides the title and the file filter of the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// An existing catalog to open.
    OpenCatalog,
    /// Where to create a new, empty catalog.
    NewCatalog,
    /// Where to save a copy of the open catalog.
    CopyCatalog,
    /// Where to write an approved plan bundle.
    SaveBundle,
    /// Where to write a diagram as SVG.
    SaveSvg,
    /// Where to write a diagram as PNG.
    SavePng,
    /// Where to write the client's proposal (PDF).
    SaveProposal,
    /// The minisign secret key to sign a bundle with (read, never written).
    SigningKey,
}

impl Purpose {
    /// The dialog's title.
    pub fn title(self) -> &'static str {
        match self {
            Purpose::OpenCatalog => "Open a Plansmith catalog",
            Purpose::NewCatalog => "Create a new Plansmith catalog",
            Purpose::CopyCatalog => "Save a copy of this catalog",
            Purpose::SaveBundle => "Export an approved plan bundle",
            Purpose::SaveSvg => "Export the diagram as SVG",
            Purpose::SavePng => "Export the diagram as PNG",
            Purpose::SaveProposal => "Save the client's proposal as PDF",
            Purpose::SigningKey => "Choose the secret key to sign the bundle with",
        }
    }

    /// The file filter: its name and the extensions it shows.
    pub fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Purpose::OpenCatalog | Purpose::NewCatalog | Purpose::CopyCatalog => ("Plansmith catalog", &["plansmith"]),
            Purpose::SaveBundle => ("Plan bundle", &["zip"]),
            Purpose::SaveSvg => ("SVG picture", &["svg"]),
            Purpose::SavePng => ("PNG picture", &["png"]),
            Purpose::SaveProposal => ("PDF document", &["pdf"]),
            Purpose::SigningKey => ("minisign secret key", &["key"]),
        }
    }

    /// True for the dialogs that ask for a file to write.
    pub fn saves(self) -> bool {
        !matches!(self, Purpose::OpenCatalog | Purpose::SigningKey)
    }

    /// Stable name, written to the scripted dialogs' log.
    pub fn name(self) -> &'static str {
        match self {
            Purpose::OpenCatalog => "open_catalog",
            Purpose::NewCatalog => "new_catalog",
            Purpose::CopyCatalog => "copy_catalog",
            Purpose::SaveBundle => "save_bundle",
            Purpose::SaveSvg => "save_svg",
            Purpose::SavePng => "save_png",
            Purpose::SaveProposal => "save_proposal",
            Purpose::SigningKey => "signing_key",
        }
    }
}

/// The file questions the app asks a person.
pub trait FileDialogs: Send + Sync + 'static {
    /// Asks for a file for `purpose`; save dialogs start with `suggested_name` filled in.
    fn ask(&self, purpose: Purpose, suggested_name: &str) -> Choice<'_>;
}

/// Adds the purpose's extension when the person typed a name without one (GTK does not).
pub fn with_extension(mut path: PathBuf, purpose: Purpose) -> PathBuf {
    let (_, extensions) = purpose.filter();
    let has_one = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|wanted| e.eq_ignore_ascii_case(wanted)));
    if purpose.saves() && !has_one {
        let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".");
        name.push(extensions[0]);
        path.set_file_name(name);
    }
    path
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
    fn ask(&self, purpose: Purpose, suggested_name: &str) -> Choice<'_> {
        let (answer, chosen) = oneshot::channel();
        let app = self.app.clone();
        let suggested_name = suggested_name.to_owned();
        let shown = self.app.run_on_main_thread(move || {
            let (filter, extensions) = purpose.filter();
            let mut dialog = rfd::AsyncFileDialog::new().set_title(purpose.title()).add_filter(filter, extensions);
            if let Some(window) = app.get_webview_window(main_window::LABEL) {
                dialog = dialog.set_parent(&window);
            }
            let picked: Pin<Box<dyn Future<Output = Option<rfd::FileHandle>> + Send>> = if purpose.saves() {
                Box::pin(dialog.set_file_name(suggested_name).save_file())
            } else {
                Box::pin(dialog.pick_file())
            };
            tauri::async_runtime::spawn(async move {
                let _ = answer.send(picked.await.map(|file| file.path().to_path_buf()));
            });
        });
        Box::pin(async move {
            shown.ok()?;
            chosen.await.ok().flatten().map(|path| with_extension(path, purpose))
        })
    }
}

/// Answers each question with the first line of a file, which it then removes; an empty line,
/// an empty or a missing file is "cancelled". Every question and its answer is appended to
/// `FILE.log` as `purpose<TAB>suggested name<TAB>answer`, so a test can check what was asked.
pub struct ScriptedDialogs {
    answers: PathBuf,
    lock: Mutex<()>,
}

impl ScriptedDialogs {
    pub fn new(answers: PathBuf) -> Self {
        ScriptedDialogs { answers, lock: Mutex::new(()) }
    }

    /// The scripted dialogs, when [`ANSWERS_ENV`] names a file.
    pub fn from_env() -> Option<Self> {
        std::env::var_os(ANSWERS_ENV).filter(|v| !v.is_empty()).map(|v| ScriptedDialogs::new(PathBuf::from(v)))
    }

    fn next_answer(&self, purpose: Purpose, suggested_name: &str) -> Option<PathBuf> {
        let _one_at_a_time = self.lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let script = fs::read_to_string(&self.answers).unwrap_or_default();
        let (first, rest) = script.split_once('\n').unwrap_or((script.as_str(), ""));
        let answer = first.trim_end_matches('\r').to_owned();
        let _ = fs::write(&self.answers, rest);
        let log = log_path(&self.answers);
        if let Ok(mut file) = fs::OpenOptions::new().create(true).append(true).open(log) {
            let _ = writeln!(file, "{}\t{}\t{}", purpose.name(), suggested_name, answer);
        }
        (!answer.is_empty()).then(|| PathBuf::from(answer))
    }
}

fn log_path(answers: &Path) -> PathBuf {
    let mut name = answers.as_os_str().to_os_string();
    name.push(".log");
    PathBuf::from(name)
}

impl FileDialogs for ScriptedDialogs {
    fn ask(&self, purpose: Purpose, suggested_name: &str) -> Choice<'_> {
        let answer = self.next_answer(purpose, suggested_name).map(|path| with_extension(path, purpose));
        Box::pin(async move { answer })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_folder::TestFolder;

    #[tokio::test]
    async fn scripted_answers_are_used_in_order_then_cancel() {
        let folder = TestFolder::new();
        let answers = folder.file("answers");
        fs::write(&answers, "/tmp/a.plansmith\n\n/tmp/bundle\n").unwrap();
        let dialogs = ScriptedDialogs::new(answers.clone());
        assert_eq!(dialogs.ask(Purpose::OpenCatalog, "").await, Some(PathBuf::from("/tmp/a.plansmith")));
        assert_eq!(dialogs.ask(Purpose::NewCatalog, "new.plansmith").await, None, "an empty line cancels");
        assert_eq!(
            dialogs.ask(Purpose::SaveBundle, "b.zip").await,
            Some(PathBuf::from("/tmp/bundle.zip")),
            "a save answer without the extension gets it"
        );
        assert_eq!(dialogs.ask(Purpose::SaveSvg, "d.svg").await, None, "nothing left: cancelled");
        let log = fs::read_to_string(log_path(&answers)).unwrap();
        assert_eq!(
            log,
            "open_catalog\t\t/tmp/a.plansmith\nnew_catalog\tnew.plansmith\t\nsave_bundle\tb.zip\t/tmp/bundle\nsave_svg\td.svg\t\n"
        );
    }

    #[test]
    fn extensions_are_added_only_to_save_answers_that_lack_them() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(with_extension(p("/x/acme"), Purpose::CopyCatalog), p("/x/acme.plansmith"));
        assert_eq!(with_extension(p("/x/acme.PLANSMITH"), Purpose::CopyCatalog), p("/x/acme.PLANSMITH"));
        assert_eq!(with_extension(p("/x/diagram.v2"), Purpose::SavePng), p("/x/diagram.v2.png"));
        assert_eq!(with_extension(p("/x/anything"), Purpose::OpenCatalog), p("/x/anything"));
        assert_eq!(
            with_extension(p("/home/ops/.minisign/minisign"), Purpose::SigningKey),
            p("/home/ops/.minisign/minisign")
        );
    }
}
