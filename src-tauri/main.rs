//! Entry point of the `plansmith-app` binary. It only hands over to the library so that the
//! app's behaviour lives in `lib.rs`, where it can be tested, and so that release builds on
//! Windows do not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

/// mimalloc, as in the CLI: see the workspace's Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match plansmith_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("plansmith-app: {error:#}");
            ExitCode::FAILURE
        }
    }
}
