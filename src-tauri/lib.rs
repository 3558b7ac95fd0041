//! Plansmith desktop app: a thin Tauri layer over `plansmith-core`.
//!
//! Architecture invariant: no catalog logic lives in this crate. It decides what to open at
//! start ([`launch`]), holds the open catalog ([`open_catalog`]), exposes core calls as async
//! commands generated from one list ([`commands`], bodies in [`calls`], types in [`wire`]) with
//! one error shape ([`ipc_error`]), saves pictures and bundles where the person says
//! ([`picture_file`], [`bundle_file`]), builds the window
//! ([`main_window`]), keeps native dialogs behind a trait ([`file_dialogs`]) and remembers the
//! recently opened catalogs ([`recent_catalogs`]); [`workbench`] bundles what commands reach.
//!
//! The UI in `ui/` is a static bundle embedded at compile time from `ui/dist` (there is no dev
//! server URL in `tauri.conf.json`, so a plain `cargo build` serves it too): build the UI
//! before `cargo build`.

/// The one list of the commands the window may invoke (`command_list!`), with each command's
/// request and answer types; every other list of commands is generated from it.
#[macro_use]
mod command_list;

pub mod bundle_file;
pub mod calls;
pub mod commands;
pub mod file_dialogs;
pub mod ipc_error;
pub mod launch;
pub mod main_window;
pub mod open_catalog;
pub mod picture_file;
pub mod proposal_file;
pub mod recent_catalogs;
pub mod wire;
pub mod workbench;

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod ipc_contract;
#[cfg(test)]
mod test_folder;

use anyhow::Context;
use tauri::Manager;

use crate::commands::handler_list;
use crate::file_dialogs::{FileDialogs, NativeDialogs, ScriptedDialogs};
use crate::open_catalog::OpenCatalog;
use crate::recent_catalogs::RecentCatalogs;
use crate::workbench::Workbench;

/// Starts the app with the process's command line and blocks until the last window closes.
pub fn run() -> anyhow::Result<()> {
    let choice = launch::parse_args(std::env::args_os().skip(1))?;
    tauri::Builder::default()
        .invoke_handler(command_list!(handler_list))
        .setup(move |app| {
            let data_dir = app.path().data_dir().context("cannot find the user's data folder for the demo catalog")?;
            let target = choice.target(&data_dir);
            let path = target.path.clone();
            let recent = RecentCatalogs::in_data_dir(&data_dir);
            let remember = recent.clone();
            // Writing the demo and opening the file overlap with building the window.
            let catalog = OpenCatalog::open_in_background(target, move |path| {
                if path.exists() {
                    remember.record(path);
                }
            });
            let dialogs: Box<dyn FileDialogs> = match ScriptedDialogs::from_env() {
                Some(scripted) => Box::new(scripted),
                None => Box::new(NativeDialogs::new(app.handle().clone())),
            };
            let handle = app.handle().clone();
            let retitle = Box::new(move |path: &std::path::Path| {
                if let Some(window) = handle.get_webview_window(main_window::LABEL) {
                    let _ = window.set_title(&main_window::title(path));
                }
            });
            app.manage(Workbench { catalog, dialogs, recent, retitle });
            main_window::open(app, &path)?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .context("the app stopped with an error")
}
