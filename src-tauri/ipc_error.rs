//! The one error shape that crosses IPC to the UI: `{kind, message, field}`.
//!
//! `kind` is the core's [`ErrorKind`], a closed snake_case set the UI can branch on
//! (`not_found`, `locked`, `conflict`, …); `message` is the human sentence to show as is;
//! `field` names the input at fault when there is one, so a form can mark it. Core errors keep
//! their kind; failures of the app glue itself (a worker thread that died, a data folder that
//! cannot be resolved) are `internal` or `io`. The UI mirror is `BackendError` in
//! `ui/src/lib/types.ts`.

use plansmith_core::{CoreError, ErrorKind};
use serde::Serialize;

/// An error as the UI receives it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
    pub field: Option<String>,
}

impl IpcError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        IpcError { kind, message: message.into(), field: None }
    }

    /// The app could not do its own part of the job (not the core's): a bug or a broken host.
    pub fn internal(message: impl Into<String>) -> Self {
        IpcError::new(ErrorKind::Internal, message)
    }
}

impl From<CoreError> for IpcError {
    fn from(error: CoreError) -> Self {
        IpcError { kind: error.kind(), message: error.to_string(), field: error.field().map(str::to_owned) }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_message_field() {
        let mut error = IpcError::new(ErrorKind::InvalidInput, "Internal name is required");
        error.field = Some("internal_name".into());
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "invalid_input",
                "message": "Internal name is required",
                "field": "internal_name"
            })
        );
    }

    #[test]
    fn absent_field_is_null() {
        let json = serde_json::to_value(IpcError::internal("worker stopped")).unwrap();
        assert_eq!(json["kind"], "internal");
        assert_eq!(json["field"], serde_json::Value::Null);
    }
}
