//! Standard output for every command, written without panicking. `outln!` panics when the
//! write fails, so `plansmith list FILE | head` (a closed pipe) or `plansmith approve … >
//! /dev/full` (a full disk) ended in a crash, the second after its change was committed. Here
//! the first failed write is remembered and later output is dropped; `main` then ends quietly
//! with the shell's usual code for a closed pipe (141), or with one sentence that says the
//! output was lost and what the command saved is kept.

use std::io::{self, Write};
use std::sync::Mutex;

/// The first write to standard output that failed, if any.
static FAILED: Mutex<Option<io::ErrorKind>> = Mutex::new(None);

/// Writes to standard output unless an earlier write failed.
pub fn write_fmt(args: std::fmt::Arguments) {
    write_with(|out| out.write_fmt(args));
}

/// Writes bytes to standard output unless an earlier write failed.
pub fn write_all(bytes: &[u8]) {
    write_with(|out| out.write_all(bytes));
}

fn write_with(f: impl FnOnce(&mut io::StdoutLock) -> io::Result<()>) {
    let mut failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    if failed.is_none()
        && let Err(e) = f(&mut io::stdout().lock())
    {
        *failed = Some(e.kind());
    }
}

/// Flushes standard output; the first failure of the whole run, if any.
pub fn finish() -> Option<io::ErrorKind> {
    write_with(|out| out.flush());
    *FAILED.lock().unwrap_or_else(|e| e.into_inner())
}

/// `outln!` that never panics (see the module doc).
macro_rules! outln {
    () => {
        $crate::output::write_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that never panics (see the module doc).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_fmt(format_args!($($arg)*))
    };
}
