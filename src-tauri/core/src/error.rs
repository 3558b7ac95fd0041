//! The one error type of the core. Every failure a user can cause names what went wrong,
//! the field involved (when there is one) and what to do about it, so the CLI, the window and
//! scripts can show it as is. `kind` is a small closed set that callers branch on.

use serde::Serialize;

/// What sort of failure this is; the UI and the CLI branch on it (and nothing else).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The object, file or id named does not exist.
    NotFound,
    /// A value does not fit the field (wrong format, out of range, wrong kind of object).
    InvalidInput,
    /// The change collides with existing data (duplicate, still referenced).
    Conflict,
    /// Another process holds the catalog open for writing.
    Locked,
    /// The catalog was opened read-only, or the object is approved/retired and cannot change.
    ReadOnly,
    /// A lifecycle transition is not allowed (blocking findings, wrong status, live locks).
    Lifecycle,
    /// The file is not a Plansmith catalog, or is newer than this program.
    IncompatibleFile,
    /// The disk or the operating system failed (full disk, permission denied).
    Io,
    /// A bug: an invariant of the core did not hold.
    Internal,
}

/// A core failure: kind + one human sentence + the field it concerns.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct CoreError {
    kind: ErrorKind,
    message: String,
    field: Option<String>,
}

impl CoreError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CoreError { kind, message: message.into(), field: None }
    }
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message).with_field(field)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }
    pub fn lifecycle(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Lifecycle, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                ErrorCode::DiskFull => {
                    return CoreError::new(
                        ErrorKind::Io,
                        "the disk is full: the last change was not saved (everything saved before it is intact); free some space and try again",
                    );
                }
                ErrorCode::ReadOnly => {
                    return CoreError::new(
                        ErrorKind::ReadOnly,
                        "the catalog file cannot be written (read-only file or folder); copy it somewhere writable or fix its permissions",
                    );
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    return CoreError::new(
                        ErrorKind::Locked,
                        "the catalog is busy in another process; close it there and try again",
                    );
                }
                ErrorCode::NotADatabase => {
                    return CoreError::new(
                        ErrorKind::IncompatibleFile,
                        "the file is not a Plansmith catalog (not an SQLite database)",
                    );
                }
                ErrorCode::DatabaseCorrupt => {
                    return CoreError::new(
                        ErrorKind::IncompatibleFile,
                        "the catalog file is damaged (SQLite reports corruption); restore it from a copy or a dump",
                    );
                }
                ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                    return CoreError::new(ErrorKind::Io, format!("the catalog file cannot be opened: {e}"));
                }
                _ => {}
            }
        }
        CoreError::internal(format!("database error: {e}"))
    }
}

impl From<std::io::Error> for CoreError {
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind as Io;
        let message = match e.kind() {
            Io::StorageFull | Io::QuotaExceeded => {
                "the disk is full; free some space, or choose another disk, and try again".to_string()
            }
            Io::ReadOnlyFilesystem => "the disk is read-only; choose a folder on another disk".to_string(),
            Io::PermissionDenied => {
                "no permission for that file or folder; choose one you may read and write".to_string()
            }
            _ => format!("file system error: {}", os_words(&e)),
        };
        CoreError::new(ErrorKind::Io, message)
    }
}

/// What the operating system says about `e`, in its words and without the error number or the
/// temporary path a library may have added ("No such file or directory").
fn os_words(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => {
            let text = std::io::Error::from_raw_os_error(code).to_string();
            text.split(" (os error").next().unwrap_or(&text).to_string()
        }
        None => e.to_string(),
    }
}
