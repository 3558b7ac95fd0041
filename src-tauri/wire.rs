//! The types that cross IPC, and how a command's request is read.
//!
//! The shell's own request types live here (one per command input, each decoded once, with
//! unknown fields refused); the core's answer types are re-exported beside them, so the command
//! list (`command_list.rs`) names every request and answer from this one module. All of them
//! derive `ts_rs::TS` in test builds and are generated into `ui/src/lib/bindings/`.
//!
//! A command's input arrives as one raw JSON `request` and is decoded here, so a missing,
//! empty or malformed payload is an [`IpcError`] of kind `invalid_input` naming the field at
//! fault, never a Tauri-level string error or a panic.

use std::path::PathBuf;

use plansmith_core::ErrorKind;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ipc_error::IpcError;

pub use crate::recent_catalogs::RecentCatalog;
pub use plansmith_core::bundle::{Exported, Preview};
pub use plansmith_core::candidates::{CandidatePage, CandidateQuery};
pub use plansmith_core::customers::{CustomerDetail, CustomerPage, CustomerQuery};
pub use plansmith_core::detail::ObjectDetail;
pub use plansmith_core::diagram::Diagram;
pub use plansmith_core::edit::recipe::build_step::StepAction;
pub use plansmith_core::lifecycle::ApprovalPlan;
pub use plansmith_core::progress::Progress;
pub use plansmith_core::query::{ListPage, ListQuery};
pub use plansmith_core::rating::Rating;
pub use plansmith_core::rating::commercials::{
    Comparison, MoneyCharts, PriceOverride, PricePairs, ScenarioChoice, ScenarioForm, SubjectTotals, TypedScenario,
    WhatIf,
};
pub use plansmith_core::session::{DiagramOf, EditOutcome, History, StepOutcome};
pub use plansmith_core::{Audience, Change, Date, Finding, Id, Overview, ReferenceData};

/// A command's input, read from the raw JSON the window sent.
pub trait Request: Sized {
    fn decode(request: Option<Value>) -> Result<Self, IpcError>;
}

/// Commands without input ignore whatever was sent.
impl Request for () {
    fn decode(_: Option<Value>) -> Result<Self, IpcError> {
        Ok(())
    }
}

macro_rules! json_requests {
    ($($t:ty),* $(,)?) => {$(
        impl Request for $t {
            fn decode(request: Option<Value>) -> Result<Self, IpcError> {
                decode(request)
            }
        }
    )*};
}

json_requests!(
    ListRequest,
    CustomersRequest,
    IdRequest,
    IdsRequest,
    CandidatesRequest,
    ChangeRequest,
    ReopenRequest,
    MarkLiveRequest,
    PathRequest,
    DiagramRequest,
    ExportDiagramRequest,
    BundleRequest,
    ExportRequest,
    ExportProposalRequest,
    SubjectRequest,
    RateRequest,
    SaveScenarioRequest,
    DeleteScenarioRequest,
    PricePairsRequest,
    WhatIfRequest,
    CompareRequest,
);

/// Decodes a command's `request`, or says which field is wrong.
pub fn decode<T: DeserializeOwned>(request: Option<Value>) -> Result<T, IpcError> {
    let value = request
        .ok_or_else(|| IpcError::new(ErrorKind::InvalidInput, "This command needs a request, and none was sent."))?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let mut ipc = IpcError::new(
            ErrorKind::InvalidInput,
            format!("The request could not be read at '{path}': {}", error.inner()),
        );
        ipc.field = (path != ".").then_some(path);
        ipc
    })
}

/// `list_objects`: one page of one kind.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRequest {
    pub query: ListQuery,
}

/// `list_customers`: one page of customers.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomersRequest {
    pub query: CustomerQuery,
}

/// Any command about one object.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdRequest {
    pub id: Id,
}

/// Any command about several objects.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdsRequest {
    pub ids: Vec<Id>,
}

/// `link_candidates`: what a link editor may offer for one slot, one page at a time.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidatesRequest {
    pub query: CandidateQuery,
}

/// `apply_change`: one typed edit.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequest {
    pub change: Change,
}

/// `reopen`: back to draft, with the reason recorded in the audit log.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    pub id: Id,
    pub reason: String,
}

/// `mark_live`: ops reported the id Emersion assigned.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkLiveRequest {
    pub id: Id,
    pub production_id: String,
}

/// `open_recent`: one of the paths `recent_catalogs` listed.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathRequest {
    pub path: String,
}

/// The catalog file a command opened, created or wrote (`null` in TypeScript when the person
/// cancelled the dialog).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct CatalogFile {
    pub path: String,
    /// The file name, as the window title shows it.
    pub name: String,
}

impl CatalogFile {
    pub(crate) fn of(path: &std::path::Path) -> Self {
        CatalogFile {
            path: path.to_string_lossy().into_owned(),
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        }
    }
}

/// `diagram`: the laid-out picture, as the window draws it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagramRequest {
    pub of: DiagramOf,
}

/// The file format of an exported picture.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PictureFormat {
    Svg,
    Png,
}

/// `export_diagram`: asks where to save the picture, then writes it there.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportDiagramRequest {
    pub of: DiagramOf,
    pub format: PictureFormat,
}

/// What `export_diagram` wrote: the file, or nothing when the person cancelled the save dialog.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct SavedPicture {
    pub path: Option<String>,
}

/// `export_proposal`: the client's proposal of a structure or customer over saved scenarios
/// (by name, in print order), dated `date`; asks where to save the PDF.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportProposalRequest {
    pub subject: Id,
    pub scenarios: Vec<String>,
    /// The date printed on it (the window's today), "YYYY-MM-DD".
    pub date: Date,
}

/// What `export_proposal` wrote: the file and its page count, or nothing when the person
/// cancelled the save dialog.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct SavedProposal {
    pub path: Option<String>,
    pub pages: u32,
}

/// `preview_bundle`: what exporting these structures would hold (none: the whole catalog).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleRequest {
    pub structures: Vec<Id>,
}

/// `export_bundle`: the structures (none: the whole catalog), and the key to sign with.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    pub structures: Vec<Id>,
    /// `None`: an unsigned bundle.
    pub sign: Option<SignWith>,
}

/// A minisign secret key file, and its password when it has one (never printed: its `Debug`
/// leaves the password out).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignWith {
    #[cfg_attr(test, ts(type = "string"))]
    pub key: PathBuf,
    pub password: Option<String>,
}

impl std::fmt::Debug for SignWith {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignWith")
            .field("key", &self.key)
            .field("password", &self.password.as_ref().map(|_| "(given)"))
            .finish()
    }
}

/// `choose_signing_key`: the key file picked in the dialog.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ChosenKey {
    #[cfg_attr(test, ts(type = "string"))]
    pub path: PathBuf,
    /// The key is password-protected: the export needs its password.
    pub needs_password: bool,
}

/// `scenario_form`, `subject_totals`: one structure or customer, for whom.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectRequest {
    pub subject: Id,
    pub audience: Audience,
    /// The first day of the baseline month when nothing is saved; none: the 1st of this month
    /// (the window sends none; tests name a day so their answers do not follow the clock).
    pub start: Option<Date>,
}

/// `rate_scenario`: a saved or typed scenario, rated for whom.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    pub scenario: ScenarioChoice,
    pub audience: Audience,
}

/// `save_scenario`: the form's scenario, saved under its name (one undoable change).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveScenarioRequest {
    pub scenario: TypedScenario,
}

/// `delete_scenario`: a saved scenario of a subject (one undoable change).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteScenarioRequest {
    pub subject: Id,
    pub name: String,
}

/// `price_pairs`: a plan's prices beside its BUY counterpart's, for whom.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricePairsRequest {
    pub id: Id,
    pub audience: Audience,
}

/// `what_if`: a scenario and a changed copy, with prices overridden on a copy of the catalog.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatIfRequest {
    pub before: ScenarioChoice,
    pub after: TypedScenario,
    pub prices: Vec<PriceOverride>,
    pub audience: Audience,
}

/// `compare_scenarios`: two or more scenarios side by side.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    pub scenarios: Vec<ScenarioChoice>,
    pub audience: Audience,
}
