//! Running the real `plansmith` binary as a script would, shared by the command-line tests:
//! a fixed clock (`SOURCE_DATE_EPOCH`) and user, no standard input, and the demo catalog.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `plansmith ARGS` with the tests' clock and user, and no standard input.
pub fn plansmith(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plansmith"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("PLANSMITH_USER", "cli-test")
        .stdin(Stdio::null())
        .output()
        .expect("run plansmith")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes the demo catalog into `dir` and gives its path.
pub fn demo(dir: &Path) -> PathBuf {
    let p = dir.join("demo.plansmith");
    let o = plansmith(&["new", p.to_str().unwrap(), "--demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    p
}
