//! Build script of the desktop app. `tauri-build` embeds `tauri.conf.json`, resolves the
//! capabilities in `capabilities/` and generates one `allow-…`/`deny-…` permission per app
//! command listed here. A command that is not listed here has no permission, so no window can
//! call it: this list, `generate_handler!` in `lib.rs` and the `COMMANDS` map in
//! `ui/src/lib/backend.ts` must name the same commands (the UI test `ipc-contract.test.ts`
//! checks this list against the TypeScript side and the capability).

include!("command_list.rs");

fn main() {
    println!("cargo:rerun-if-changed=capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and capabilities/");
}
