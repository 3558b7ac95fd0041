//! Build script of the desktop app. `tauri-build` embeds `tauri.conf.json`, resolves the
//! capabilities in `capabilities/` and generates one `allow-…`/`deny-…` permission per app
//! command. The commands come from the one command list (`command_list.rs`): a command not on
//! it has no permission, so no window can call it. `capabilities/main.json`, which grants every
//! command to the main window and nothing else, is written here from the same list (only when
//! it differs, so an unchanged list leaves the file alone).

include!("command_list.rs");

macro_rules! names {
    ($($name:ident : $request:ty => $answer:ty),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// Every command the window may invoke.
const COMMANDS: &[&str] = command_list!(names);

const CAPABILITY: &str = "capabilities/main.json";

/// The main window's capability: the app's own commands, nothing else.
fn capability() -> String {
    let permissions: Vec<String> = COMMANDS.iter().map(|c| format!("    \"allow-{}\"", c.replace('_', "-"))).collect();
    format!(
        r#"{{
  "identifier": "main",
  "description": "What the main window may call: the app's own catalog commands, nothing else (no file system, shell or HTTP access from the web view). Written by src-tauri/build.rs from src-tauri/command_list.rs: do not edit.",
  "local": true,
  "windows": [
    "main"
  ],
  "permissions": [
{}
  ]
}}
"#,
        permissions.join(",\n")
    )
}

fn main() {
    let text = capability();
    if std::fs::read_to_string(CAPABILITY).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(CAPABILITY, text).expect("cannot write capabilities/main.json");
    }
    println!("cargo:rerun-if-changed=capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and capabilities/");
}
