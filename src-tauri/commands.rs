//! The Tauri commands: the whole API the UI can call.
//!
//! Each command is a thin async adapter: it takes the [`Workbench`] state, runs one core call
//! through its [`OpenCatalog`](crate::open_catalog::OpenCatalog) (on a blocking worker), and returns the core's own serializable
//! type or an [`IpcError`]. The file commands (open, new, save a copy, recent) ask the
//! workbench's [`FileDialogs`](crate::file_dialogs::FileDialogs) for the file. No catalog logic lives here. Adding a command means adding it here (as a
//! handler and in [`dispatch`]), to `generate_handler!` in `lib.rs`, to `COMMANDS` in
//! `command_list.rs` (which build.rs turns into its `allow-…` permission), to
//! `capabilities/main.json`, and to `ui/src/lib/backend.ts`; the tests here and in
//! `ipc-contract.test.ts` check that they agree.
//!
//! Commands that take input take exactly one argument, `request`, as raw JSON, and decode it
//! themselves into their typed request struct: a missing, empty or malformed payload is then an
//! [`IpcError`] of kind `invalid_input` naming the field at fault, never a Tauri-level string
//! error or a panic. The request and response types are exported to TypeScript
//! (`ui/src/lib/bindings/`) by `bindings.rs`.

use plansmith_core::candidates::CandidateQuery;
use plansmith_core::edit::recipe::build_step::{StepAction, step_actions_of};
use std::path::PathBuf;

use plansmith_core::bundle::{self, ExportOptions, Exported};
use plansmith_core::customers::CustomerQuery;
use plansmith_core::diagram::{self, Diagram};
use plansmith_core::edit::Applied;
use plansmith_core::lifecycle::ApprovalPlan;
use plansmith_core::model::{BoltOnCategory, ServiceType, Settings, Tariff};
use plansmith_core::progress::{Progress, progress_of};
use plansmith_core::query::{FindingCounts, ListQuery};
use plansmith_core::relations::Relations;
use plansmith_core::rules;
use plansmith_core::store::history::Step;
use plansmith_core::{Change, CoreError, ErrorKind, Finding, Id, Overview};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::State;

use crate::file_dialogs::{FileDialogs, Purpose};
use crate::ipc_error::IpcError;
use crate::launch::stamp_now;
use crate::open_catalog::{OpenCatalog, Session};
use crate::workbench::Workbench;

include!("command_list.rs");

// ---------------------------------------------------------------------------------------------
// Request and response types.

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

/// What the undo and redo menu items say.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub undo: Option<Step>,
    pub redo: Option<Step>,
}

/// What an edit did, and the findings it changed.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct EditOutcome {
    pub applied: Applied,
    /// The objects whose findings were re-checked; `findings` replaces theirs.
    pub rechecked: Vec<Id>,
    /// True when the whole catalog was re-checked (`findings` is then the complete list).
    pub full: bool,
    pub findings: Vec<Finding>,
    pub history: History,
}

/// What undo, redo or a lifecycle action did; the findings are the whole catalog's.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    /// The undone or redone step (`None`: there was nothing to do).
    pub step: Option<Step>,
    /// Lifecycle actions: the objects whose status changed.
    pub changed: Vec<Id>,
    pub findings: Vec<Finding>,
    pub history: History,
}

/// Reference data and catalog settings.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceData {
    pub settings: Settings,
    pub service_types: Vec<ServiceType>,
    pub tariffs: Vec<Tariff>,
    pub bolt_on_categories: Vec<BoltOnCategory>,
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
    fn of(path: &std::path::Path) -> Self {
        CatalogFile {
            path: path.to_string_lossy().into_owned(),
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        }
    }
}

/// Which picture `diagram` and `export_diagram` draw.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DiagramOf {
    /// Every plan and allowance of the catalog, one section per group of connected structures.
    Catalog,
    /// One structure in its BUY and SELL lanes.
    Structure(Id),
    /// A shared-data structure as the customer sees it: customer, data pools, site tails.
    SharedData(Id),
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

// ---------------------------------------------------------------------------------------------
// Decoding.

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

fn history_of(session: &Session) -> Result<History, CoreError> {
    let (undo, redo) = session.catalog.undo_redo_labels()?;
    Ok(History { undo, redo })
}

fn full_findings(session: &mut Session) -> Result<Vec<Finding>, CoreError> {
    session.invalidate();
    Ok(session.findings()?.clone())
}

/// Applies one change and re-checks what it can affect (the whole catalog after settings or
/// reference-data edits, whose effects reach anywhere).
pub fn apply(session: &mut Session, change: &Change) -> Result<EditOutcome, CoreError> {
    let subject = subject_of(change);
    let before = match subject {
        Some(id) => rules::affected(session.catalog.conn(), id).unwrap_or_default(),
        None => vec![],
    };
    let applied = session.catalog.apply(change, &stamp_now())?;
    let subject = subject.or(applied.created);
    let global = matches!(
        change,
        Change::PutServiceType { .. }
            | Change::DeleteServiceType { .. }
            | Change::PutBoltOnCategory { .. }
            | Change::DeleteBoltOnCategory { .. }
            | Change::PutTariff { .. }
            | Change::DeleteTariff { .. }
            | Change::UpdateSettings { .. }
            | Change::BuildStep { .. }
            | Change::CreateDataPool { .. }
    );
    let history = history_of(session)?;
    if global || subject.is_none() || session.findings.is_none() {
        let findings = full_findings(session)?;
        return Ok(EditOutcome { applied, rechecked: vec![], full: true, findings, history });
    }
    let mut ids = before;
    if let Some(id) = subject {
        ids.extend(rules::affected(session.catalog.conn(), id)?);
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    let findings = rules::check_objects(session.catalog.conn(), &ids)?;
    if let Some(cached) = session.findings.as_mut() {
        cached.retain(|f| ids.binary_search(&f.object).is_err());
        cached.extend(findings.iter().cloned());
    }
    Ok(EditOutcome { applied, rechecked: ids, full: false, findings, history })
}

/// The object a change is about, before it is applied (creations: none yet).
fn subject_of(change: &Change) -> Option<Id> {
    use Change::*;
    match change {
        CreateSellCounterpart { of } => Some(*of),
        SetPlanField { id, .. } | DeletePlan { id } | UpdateBoltOnGroup { id, .. } | DeleteBoltOnGroup { id } => {
            Some(*id)
        }
        AddServicePlan { package_plan, .. } | RemoveServicePlan { package_plan, .. } => Some(*package_plan),
        AddGroupMember { group, .. } | RemoveGroupMember { group, .. } => Some(*group),
        AddToAddOnGroup { bolt_on, .. }
        | RemoveFromAddOnGroup { bolt_on, .. }
        | CreateBoltOnGroupFor { bolt_on, .. } => Some(*bolt_on),
        LinkBoltOn { service_plan, .. } => Some(*service_plan),
        SetBehaviour { link, .. } | UnlinkBoltOn { link } | AddAllowance { link, .. } => Some(*link),
        UpdateAllowance { id, .. } | RemoveAllowance { id } => Some(*id),
        UpdateCustomer { id, .. } | DeleteCustomer { id } | UpdateSite { id, .. } | DeleteSite { id } => Some(*id),
        CreateSite { customer, .. } => Some(*customer),
        UpdateStructure { id, .. } | DeleteStructure { id } => Some(*id),
        AddStructureMember { structure, .. } | RemoveStructureMember { structure, .. } => Some(*structure),
        _ => None,
    }
}

fn lifecycle_outcome(session: &mut Session, changed: Vec<Id>) -> Result<StepOutcome, CoreError> {
    let findings = full_findings(session)?;
    Ok(StepOutcome { step: None, changed, findings, history: history_of(session)? })
}

/// Opens (or, with `create`, creates) the catalog at `path` in place of the open one, then
/// puts it first in the recent list and names it in the window title.
async fn switch_to(bench: &Workbench, path: std::path::PathBuf, create: bool) -> Result<CatalogFile, IpcError> {
    let opened = bench
        .catalog
        .switch(path, move |path| {
            if create {
                let stamp = stamp_now();
                plansmith_core::Catalog::create(path, &plansmith_core::NewCatalog::for_file(path, &stamp), &stamp)
            } else {
                plansmith_core::Catalog::open(path)
            }
        })
        .await?;
    bench.recent.record(&opened);
    (bench.retitle)(&opened);
    Ok(CatalogFile::of(&opened))
}

/// Lays out the picture asked for, with the error counts of the session's latest check.
pub fn draw(session: &mut Session, of: DiagramOf) -> Result<Diagram, CoreError> {
    let snapshot = session.catalog.snapshot()?;
    let findings = session.findings()?;
    match of {
        DiagramOf::Catalog => Ok(diagram::catalog(&snapshot, findings)),
        DiagramOf::Structure(id) => diagram::structure(&snapshot, findings, id),
        DiagramOf::SharedData(id) => diagram::shared_data(&snapshot, findings, id),
    }
}

/// The name the save dialog starts with: the diagram's title without the characters file
/// systems refuse or treat as folders.
pub fn suggested_file_name(d: &Diagram, format: PictureFormat) -> String {
    let cleaned: String =
        d.title
            .chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let stem: String =
        words.join(" ").trim_matches(|c: char| c == '.' || c == '-' || c == ' ').chars().take(100).collect();
    let stem = if stem.trim().is_empty() { "diagram" } else { stem.trim_end() };
    let extension = match format {
        PictureFormat::Svg => "svg",
        PictureFormat::Png => "png",
    };
    format!("{stem}.{extension}")
}

/// `export_diagram`: lays out the picture (so a bad request fails before any dialog), asks
/// where to save it, renders it (SVG by the core's writer; PNG rasterised from that SVG) and
/// writes it atomically. A cancelled dialog writes nothing and answers `path: null`.
pub async fn export_diagram_with(
    catalog: &OpenCatalog,
    dialogs: &dyn FileDialogs,
    request: Option<Value>,
) -> Result<Value, IpcError> {
    let ExportDiagramRequest { of, format } = decode(request)?;
    let d = catalog.with_session(move |s| draw(s, of)).await?;
    let purpose = match format {
        PictureFormat::Svg => Purpose::SaveSvg,
        PictureFormat::Png => Purpose::SavePng,
    };
    let Some(path) = dialogs.ask(purpose, &suggested_file_name(&d, format)).await else {
        return serde_json::to_value(SavedPicture { path: None }).map_err(|e| IpcError::internal(e.to_string()));
    };
    let shown = path.display().to_string();
    tauri::async_runtime::spawn_blocking(move || -> Result<(), IpcError> {
        let bytes = match format {
            PictureFormat::Svg => diagram::svg::write(&d).into_bytes(),
            PictureFormat::Png => diagram::png::write(&d)?,
        };
        // Whole or not at all; the error names the path, the cause and what to do.
        plansmith_core::new_file::write_replacing(&path, &bytes).map_err(|e| {
            let mut error = IpcError::from(e);
            error.field = Some("path".into());
            error
        })
    })
    .await
    .map_err(|error| IpcError::internal(format!("the export worker stopped: {error}")))??;
    serde_json::to_value(SavedPicture { path: Some(shown) }).map_err(|e| IpcError::internal(e.to_string()))
}

/// Runs one command by name: the single implementation behind every Tauri handler.
pub async fn dispatch(bench: &Workbench, command: &str, request: Option<Value>) -> Result<Value, IpcError> {
    fn json<T: Serialize>(value: T) -> Result<Value, IpcError> {
        serde_json::to_value(value).map_err(|e| IpcError::internal(format!("the answer could not be encoded: {e}")))
    }
    let catalog = &bench.catalog;
    match command {
        "catalog_overview" => json(catalog.with(|c| c.overview()).await?),
        "list_objects" => {
            let ListRequest { query } = decode(request)?;
            json(
                catalog
                    .with_session(move |s| {
                        let counts = FindingCounts::new(s.findings()?);
                        s.catalog.list(&query, &counts)
                    })
                    .await?,
            )
        }
        "link_candidates" => {
            let CandidatesRequest { query } = decode(request)?;
            json(
                catalog
                    .with_session(move |s| {
                        let counts = FindingCounts::new(s.findings()?);
                        s.catalog.candidates(&query, &counts)
                    })
                    .await?,
            )
        }
        "object_detail" => {
            let IdRequest { id } = decode(request)?;
            json(catalog.with(move |c| c.object_detail(id)).await?)
        }
        "apply_change" => {
            let ChangeRequest { change } = decode(request)?;
            json(catalog.with_session(move |s| apply(s, &change)).await?)
        }
        "undo" | "redo" => {
            let undo = command == "undo";
            json(
                catalog
                    .with_session(move |s| {
                        let stamp = stamp_now();
                        let step = if undo { s.catalog.undo(&stamp)? } else { s.catalog.redo(&stamp)? };
                        let findings = full_findings(s)?;
                        Ok(StepOutcome { step, changed: vec![], findings, history: history_of(s)? })
                    })
                    .await?,
            )
        }
        "history" => json(catalog.with_session(|s| history_of(s)).await?),
        "check_catalog" => json(catalog.with_session(|s| Ok(s.findings()?.clone())).await?),
        "check_objects" => {
            let IdsRequest { ids } = decode(request)?;
            json(catalog.with(move |c| rules::check_objects(c.conn(), &ids)).await?)
        }
        "affected_objects" => {
            let IdRequest { id } = decode(request)?;
            json(catalog.with(move |c| rules::affected(c.conn(), id)).await?)
        }
        "structure_progress" => {
            let IdRequest { id } = decode(request)?;
            json(
                catalog
                    .with(move |c| -> Result<Progress, CoreError> {
                        let s = c.snapshot()?;
                        progress_of(&Relations::new(&s), id)
                    })
                    .await?,
            )
        }
        "plan_approval" => {
            let IdsRequest { ids } = decode(request)?;
            json(catalog.with(move |c| -> Result<ApprovalPlan, CoreError> { c.plan_approval(&ids) }).await?)
        }
        "approve" => {
            let IdsRequest { ids } = decode(request)?;
            json(
                catalog
                    .with_session(move |s| {
                        let changed = s.catalog.approve(&ids, &stamp_now())?;
                        lifecycle_outcome(s, changed)
                    })
                    .await?,
            )
        }
        "reopen" => {
            let ReopenRequest { id, reason } = decode(request)?;
            json(
                catalog
                    .with_session(move |s| {
                        let changed = s.catalog.reopen(id, &reason, &stamp_now())?;
                        lifecycle_outcome(s, changed)
                    })
                    .await?,
            )
        }
        "mark_live" => {
            let MarkLiveRequest { id, production_id } = decode(request)?;
            json(
                catalog
                    .with_session(move |s| {
                        s.catalog.mark_live(id, &production_id, &stamp_now())?;
                        lifecycle_outcome(s, vec![id])
                    })
                    .await?,
            )
        }
        "retire" => {
            let IdRequest { id } = decode(request)?;
            json(
                catalog
                    .with_session(move |s| {
                        s.catalog.retire(id, &stamp_now())?;
                        lifecycle_outcome(s, vec![id])
                    })
                    .await?,
            )
        }
        "step_actions" => {
            let IdRequest { id } = decode(request)?;
            json(
                catalog
                    .with(move |c| -> Result<Vec<StepAction>, CoreError> {
                        let s = c.snapshot()?;
                        step_actions_of(&Relations::new(&s), id)
                    })
                    .await?,
            )
        }
        "list_customers" => {
            let CustomersRequest { query } = decode(request)?;
            json(catalog.with(move |c| c.customers(&query)).await?)
        }
        "customer_detail" => {
            let IdRequest { id } = decode(request)?;
            json(catalog.with(move |c| c.customer_detail(id)).await?)
        }
        "reference_data" => json(
            catalog
                .with(|c| {
                    let s = c.snapshot_reference()?;
                    Ok(s)
                })
                .await?,
        ),
        "recent_catalogs" => json(bench.recent.list()),
        "open_catalog" => match bench.dialogs.ask(Purpose::OpenCatalog, "").await {
            Some(path) => json(Some(switch_to(bench, path, false).await?)),
            None => json(None::<CatalogFile>),
        },
        "open_recent" => {
            let PathRequest { path } = decode(request)?;
            let path = std::path::PathBuf::from(path);
            if !bench.recent.contains(&path) {
                let mut e = IpcError::new(
                    ErrorKind::InvalidInput,
                    format!("{} is not in the recent catalogs; open it with Open… instead.", path.display()),
                );
                e.field = Some("path".into());
                return Err(e);
            }
            if !path.is_file() {
                bench.recent.forget(&path);
                return Err(IpcError::new(
                    ErrorKind::NotFound,
                    format!(
                        "{} is no longer there (moved or deleted), so it was taken off the recent catalogs; open it with Open… from where it is now.",
                        path.display()
                    ),
                ));
            }
            json(switch_to(bench, path, false).await?)
        }
        "new_catalog" => match bench.dialogs.ask(Purpose::NewCatalog, "New catalog.plansmith").await {
            Some(path) => json(Some(switch_to(bench, path, true).await?)),
            None => json(None::<CatalogFile>),
        },
        "save_catalog_copy" => {
            let current = catalog.path().await;
            let stem = current.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            match bench.dialogs.ask(Purpose::CopyCatalog, &format!("{stem} copy.plansmith")).await {
                Some(dest) => {
                    let written = dest.clone();
                    catalog.with(move |c| c.save_copy(&written)).await?;
                    bench.recent.record(&dest);
                    json(Some(CatalogFile::of(&dest)))
                }
                None => json(None::<CatalogFile>),
            }
        }
        "diagram" => {
            let DiagramRequest { of } = decode(request)?;
            json(catalog.with_session(move |s| draw(s, of)).await?)
        }
        "export_diagram" => export_diagram_with(catalog, &*bench.dialogs, request).await,
        "preview_bundle" => {
            let BundleRequest { structures } = decode(request)?;
            json(catalog.with(move |c| c.preview_bundle(&ExportOptions { structures, since: None })).await?)
        }
        "export_bundle" => json(export_bundle_with(catalog, &*bench.dialogs, decode(request)?).await?),
        "choose_signing_key" => json(choose_signing_key_with(&*bench.dialogs).await?),
        other => Err(IpcError::new(ErrorKind::NotFound, format!("There is no command '{other}'."))),
    }
}

/// Exports a bundle where the person says: the key is read first and the export is checked
/// (a refusal lists every blocker, and no dialog opens), then the save dialog asks where; a
/// cancelled dialog writes nothing (`None`). The core writes the file (never partially, never
/// over an existing one) and records the export in the audit log.
pub async fn export_bundle_with(
    catalog: &OpenCatalog,
    dialogs: &dyn FileDialogs,
    request: ExportRequest,
) -> Result<Option<Exported>, IpcError> {
    let ExportRequest { structures, sign } = request;
    let key = match sign {
        Some(SignWith { key, password }) => Some(
            tauri::async_runtime::spawn_blocking(move || -> Result<bundle::sign::SecretKey, CoreError> {
                let text = std::fs::read_to_string(&key).map_err(|e| {
                    CoreError::invalid("key", format!("cannot read the secret key {}: {e}", key.display()))
                })?;
                bundle::sign::secret_key(&text, password.as_deref().filter(|p| !p.is_empty()))
            })
            .await
            .map_err(|e| IpcError::internal(format!("the key reader stopped: {e}")))??,
        ),
        None => None,
    };
    let opts = ExportOptions { structures, since: None };
    let checked = opts.clone();
    let suggested = catalog
        .with(move |c| {
            let preview = c.preview_bundle(&checked)?;
            if !preview.blockers.is_empty() {
                return Err(bundle::export::refused(&preview.blockers));
            }
            let settings = c.snapshot_reference()?.settings;
            Ok(suggested_bundle_name(&settings.catalog_id, &preview.structures, checked.structures.is_empty()))
        })
        .await?;
    let Some(path) = dialogs.ask(Purpose::SaveBundle, &suggested).await else {
        return Ok(None);
    };
    let exported = catalog.with(move |c| c.export_bundle(&path, &opts, key.as_ref(), &stamp_now())).await?;
    Ok(Some(exported))
}

/// The save dialog's suggestion: `CATALOG-ST-1-ST-2-2026-01-01.zip`, `CATALOG-catalog-….zip`
/// for the whole catalog, `CATALOG-12-structures-….zip` for many.
pub fn suggested_bundle_name(catalog_id: &str, structures: &[Id], whole: bool) -> String {
    let safe: String = catalog_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '-' })
        .collect();
    let safe = if safe.trim_matches(['-', '.']).is_empty() { "bundle".to_string() } else { safe };
    let what = match structures.len() {
        _ if whole => "catalog".to_string(),
        0..=3 => structures.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("-"),
        n => format!("{n}-structures"),
    };
    let day = stamp_now().at.to_string().chars().take(10).collect::<String>();
    format!("{safe}-{what}-{day}.zip")
}

/// Asks for the secret key to sign with, and says whether it needs a password. A file that
/// is not a minisign secret key is refused at once; `None`: cancelled.
pub async fn choose_signing_key_with(dialogs: &dyn FileDialogs) -> Result<Option<ChosenKey>, IpcError> {
    let Some(path) = dialogs.ask(Purpose::SigningKey, "").await else {
        return Ok(None);
    };
    tauri::async_runtime::spawn_blocking(move || -> Result<Option<ChosenKey>, CoreError> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| CoreError::invalid("key", format!("cannot read {} as a secret key: {e}", path.display())))?;
        let needs_password = bundle::sign::needs_password(&text).map_err(|e| {
            CoreError::invalid(
                "key",
                format!(
                    "{} is not a minisign secret key ({}); `plansmith keygen --out ops.key` makes one",
                    path.display(),
                    e.message()
                ),
            )
        })?;
        Ok(Some(ChosenKey { path, needs_password }))
    })
    .await
    .map_err(|e| IpcError::internal(format!("the key reader stopped: {e}")))?
    .map_err(IpcError::from)
}

/// Reference data without the plans.
trait ReferenceRead {
    fn snapshot_reference(&self) -> Result<ReferenceData, CoreError>;
}

impl ReferenceRead for plansmith_core::Catalog {
    fn snapshot_reference(&self) -> Result<ReferenceData, CoreError> {
        let s = plansmith_core::Snapshot::load(
            self.conn(),
            &plansmith_core::Scope::Ids(std::collections::BTreeMap::new()),
        )?;
        Ok(ReferenceData {
            settings: s.settings,
            service_types: s.service_types,
            tariffs: s.tariffs,
            bolt_on_categories: s.bolt_on_categories,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The Tauri handlers. Each is one line: decoding and work live in `dispatch`.

macro_rules! handlers {
    ($($name:ident),* $(,)?) => {$(
        #[doc = concat!("The `", stringify!($name), "` command (see [`dispatch`]).")]
        #[tauri::command]
        pub async fn $name(bench: State<'_, Workbench>, request: Option<Value>) -> Result<Value, IpcError> {
            dispatch(&bench, stringify!($name), request).await
        }
    )*};
}

handlers!(
    list_objects,
    object_detail,
    apply_change,
    undo,
    redo,
    history,
    check_catalog,
    check_objects,
    affected_objects,
    structure_progress,
    plan_approval,
    approve,
    reopen,
    mark_live,
    retire,
    reference_data,
    recent_catalogs,
    open_catalog,
    open_recent,
    new_catalog,
    save_catalog_copy,
    link_candidates,
    step_actions,
    list_customers,
    customer_detail,
    diagram,
    export_diagram,
    preview_bundle,
    export_bundle,
    choose_signing_key,
);

/// The first screen: catalog header, object counts per kind, and build progress per structure.
#[tauri::command]
pub async fn catalog_overview(bench: State<'_, Workbench>) -> Result<Overview, IpcError> {
    bench.catalog.with(|catalog| catalog.overview()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file_dialogs::ScriptedDialogs;
    use crate::launch::CatalogTarget;
    use crate::open_catalog::OpenCatalog;
    use crate::recent_catalogs::RecentCatalogs;
    use crate::test_folder::TestFolder;
    use serde_json::json;
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};

    /// A workbench on a fresh demo catalog, with scripted dialogs (answers in
    /// `folder/answers`), the recent list in `folder/data`, and the window titles it set.
    fn bench_with_titles(folder: &TestFolder) -> (Workbench, Arc<Mutex<Vec<PathBuf>>>) {
        let titles = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&titles);
        let bench = Workbench {
            catalog: OpenCatalog::open(CatalogTarget {
                path: folder.file("demo.plansmith"),
                write_demo_if_missing: true,
            }),
            dialogs: Box::new(ScriptedDialogs::new(folder.file("answers"))),
            recent: RecentCatalogs::in_data_dir(&folder.file("data")),
            retitle: Box::new(move |path| seen.lock().unwrap().push(path.to_path_buf())),
        };
        (bench, titles)
    }

    fn demo(folder: &TestFolder) -> Workbench {
        bench_with_titles(folder).0
    }

    #[test]
    fn every_listed_command_is_registered_with_tauri() {
        let lib = include_str!("lib.rs");
        for c in COMMANDS {
            assert!(
                lib.contains(&format!("commands::{c},")) || lib.contains(&format!("commands::{c}]")),
                "{c} not in generate_handler!"
            );
        }
    }

    /// Malformed, empty or hostile payloads: every command answers, with an IpcError where the
    /// input is wrong, and never panics.
    #[tokio::test]
    async fn malformed_payloads_get_an_error_never_a_panic() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let payloads = [
            None,
            Some(Value::Null),
            Some(json!(42)),
            Some(json!("SP-1")),
            Some(json!([])),
            Some(json!({})),
            Some(json!({"id": "XX-1"})),
            Some(json!({"id": "SP-0"})),
            Some(json!({"id": 5})),
            Some(json!({"ids": [1, 2]})),
            Some(json!({"change": {"op": "no_such_op"}})),
            Some(
                json!({"change": {"op": "set_plan_field", "id": "SP-1", "edit": {"field": "setup_fee", "value": "lots"}}}),
            ),
            Some(json!({"query": {"kind": "plan", "offset": -1, "limit": 10}})),
            Some(json!({"query": {"kind": "service_plan", "offset": 0, "limit": 0}})),
            Some(json!({"id": "SP-1", "reason": null})),
            Some(json!({"id": "SP-1", "production_id": 7, "extra": true})),
        ];
        for command in COMMANDS {
            for payload in &payloads {
                let answer = dispatch(&catalog, command, payload.clone()).await;
                if let Err(e) = &answer {
                    assert!(!e.message.is_empty(), "{command} {payload:?}: empty message");
                }
            }
        }
        let e = dispatch(&catalog, "object_detail", None).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        let e = dispatch(&catalog, "object_detail", Some(json!({"id": "XX-1"}))).await.unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::InvalidInput, Some("id")));
        let e = dispatch(&catalog, "apply_change", Some(json!({"change": {"op": "set_plan_field", "id": "SP-1", "edit": {"field": "setup_fee", "value": "lots"}}}))).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.field.as_deref().unwrap_or("").starts_with("change"), "{e:?}");
        let e = dispatch(&catalog, "no_such_command", None).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn an_edit_updates_the_findings_like_a_full_check_and_undo_restores_them() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let before = dispatch(&catalog, "check_catalog", None).await.unwrap().as_array().unwrap().len();
        let created = dispatch(
            &catalog,
            "apply_change",
            Some(json!({"change": {"op": "create_plan", "kind": "bolt_on", "side": "SELL", "internal_name": "Extra 2 GB"}})),
        )
        .await
        .unwrap();
        let id = created["applied"]["created"].as_str().unwrap().to_string();
        let edit = dispatch(
            &catalog,
            "apply_change",
            Some(json!({"change": {"op": "set_plan_field", "id": id, "edit": {"field": "external_name", "value": "Extra 2 GB"}}})),
        )
        .await
        .unwrap();
        assert_eq!(edit["full"], false);
        assert_eq!(edit["history"]["undo"]["label"].as_str().map(|l| l.contains(&id)), Some(true));
        let cached = dispatch(&catalog, "check_catalog", None).await.unwrap();
        let full = catalog.catalog.with(|c| Ok(rules::check(&c.snapshot()?))).await.unwrap();
        assert_eq!(cached, serde_json::to_value(&full).unwrap(), "patched findings equal a full check");
        let detail = dispatch(&catalog, "object_detail", Some(json!({"id": id}))).await.unwrap();
        assert_eq!(detail["plan"]["external_name"], "Extra 2 GB");
        dispatch(&catalog, "undo", None).await.unwrap();
        let undone = dispatch(&catalog, "undo", None).await.unwrap();
        assert!(!undone["history"]["redo"].is_null());
        assert_eq!(undone["findings"].as_array().unwrap().len(), before);
    }

    /// A demo catalog (every plan approved when `approved`) and scripted dialogs answering
    /// `answers`, one line per question.
    async fn export_setup(folder: &TestFolder, approved: bool, answers: &str) -> (OpenCatalog, ScriptedDialogs) {
        let Workbench { catalog, .. } = demo(folder);
        if approved {
            catalog.with(|c| c.approve_all(&stamp_now())).await.unwrap();
        }
        let file = folder.file("answers");
        std::fs::write(&file, answers).unwrap();
        (catalog, ScriptedDialogs::new(file))
    }

    fn asked(folder: &TestFolder) -> String {
        std::fs::read_to_string(folder.file("answers.log")).unwrap_or_default()
    }

    fn zips(folder: &TestFolder) -> Vec<String> {
        let dir = folder.file("demo.plansmith").parent().unwrap().to_path_buf();
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.contains(".zip"))
            .collect()
    }

    /// The bundle commands on a bare catalog, with the dialogs given (`dispatch` runs them with
    /// the workbench's).
    async fn dispatch_with_dialogs(
        catalog: &OpenCatalog,
        dialogs: &dyn FileDialogs,
        command: &str,
        request: Option<Value>,
    ) -> Result<Value, IpcError> {
        let answer = match command {
            "export_bundle" => serde_json::to_value(export_bundle_with(catalog, dialogs, decode(request)?).await?),
            "choose_signing_key" => serde_json::to_value(choose_signing_key_with(dialogs).await?),
            // As `dispatch` answers it.
            "preview_bundle" => {
                let BundleRequest { structures } = decode(request)?;
                serde_json::to_value(
                    catalog.with(move |c| c.preview_bundle(&ExportOptions { structures, since: None })).await?,
                )
            }
            other => panic!("{other} is not one of the bundle commands"),
        };
        Ok(answer.unwrap())
    }

    async fn audited_exports(catalog: &OpenCatalog) -> usize {
        catalog.with(|c| c.audit_log()).await.unwrap().iter().filter(|e| e.action == "export").count()
    }

    #[tokio::test]
    async fn a_cancelled_save_dialog_writes_nothing() {
        let folder = TestFolder::new();
        let (catalog, dialogs) = export_setup(&folder, true, "\n").await;
        let answer =
            dispatch_with_dialogs(&catalog, &dialogs, "export_bundle", Some(json!({"structures": [], "sign": null})))
                .await
                .unwrap();
        assert_eq!(answer, Value::Null);
        assert!(zips(&folder).is_empty(), "{:?}", zips(&folder));
        assert_eq!(audited_exports(&catalog).await, 0);
        let log = asked(&folder);
        assert!(log.starts_with("save_bundle\tdemo-northwind-workshop-catalog-"), "{log}");
    }

    #[tokio::test]
    async fn a_refused_export_lists_its_blockers_and_asks_for_no_file() {
        let folder = TestFolder::new();
        let (catalog, dialogs) = export_setup(&folder, false, &format!("{}\n", folder.file("b.zip").display())).await;
        let preview =
            dispatch_with_dialogs(&catalog, &dialogs, "preview_bundle", Some(json!({"structures": ["ST-2"]})))
                .await
                .unwrap();
        assert!(!preview["blockers"].as_array().unwrap().is_empty());
        let names: Vec<&str> =
            preview["build_order"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"Mobile Business 40 package"), "{names:?}");
        let e = dispatch_with_dialogs(
            &catalog,
            &dialogs,
            "export_bundle",
            Some(json!({"structures": ["ST-2"], "sign": null})),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Lifecycle, "{e:?}");
        for id in ["PP-5", "PP-6", "BO-1", "AO-6"] {
            assert!(e.message.contains(id), "{id} not named: {}", e.message);
        }
        assert!(e.message.contains("approve it first"), "{}", e.message);
        assert_eq!(asked(&folder), "", "no dialog for a refused export");
        assert!(zips(&folder).is_empty());
    }

    #[tokio::test]
    async fn an_export_writes_a_bundle_that_verifies_signed_with_the_chosen_key() {
        let folder = TestFolder::new();
        let (secret, public) = bundle::sign::keygen().unwrap();
        std::fs::write(folder.file("ops.key"), secret).unwrap();
        std::fs::write(folder.file("not-a-key.txt"), "hello").unwrap();
        let out = folder.file("ST-2.zip");
        let answers = format!(
            "{}\n{}\n\n{}\n",
            folder.file("not-a-key.txt").display(),
            folder.file("ops.key").display(),
            out.display()
        );
        let (catalog, dialogs) = export_setup(&folder, true, &answers).await;
        let e = dispatch_with_dialogs(&catalog, &dialogs, "choose_signing_key", None).await.unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::InvalidInput, Some("key")), "{e:?}");
        let chosen = dispatch_with_dialogs(&catalog, &dialogs, "choose_signing_key", None).await.unwrap();
        assert_eq!(chosen["needs_password"], false);
        assert_eq!(dispatch_with_dialogs(&catalog, &dialogs, "choose_signing_key", None).await.unwrap(), Value::Null);
        let request = json!({"structures": ["ST-2"], "sign": {"key": chosen["path"], "password": null}});
        let done = dispatch_with_dialogs(&catalog, &dialogs, "export_bundle", Some(request)).await.unwrap();
        assert_eq!(done["signed"], true);
        assert_eq!(done["structures"], json!(["ST-2"]));
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(done["bytes"], bytes.len());
        let pk = bundle::sign::public_key(&public).unwrap();
        let v = bundle::verify(&bytes, Some(&pk), &bundle::Limits::default()).unwrap();
        assert!(v.ok(), "{:?}", v.problems);
        assert!(matches!(v.signature, bundle::verify::Signature::Valid(_)), "{:?}", v.signature);
        assert_eq!(audited_exports(&catalog).await, 1);
        assert!(asked(&folder).contains("save_bundle\tdemo-northwind-workshop-ST-2-"), "{}", asked(&folder));
        // The same file again is refused: an export never overwrites.
        std::fs::write(folder.file("answers"), format!("{}\n", out.display())).unwrap();
        let e =
            dispatch_with_dialogs(&catalog, &dialogs, "export_bundle", Some(json!({"structures": [], "sign": null})))
                .await
                .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Conflict, "{e:?}");
        assert_eq!(std::fs::read(&out).unwrap(), bytes);
    }

    #[tokio::test]
    async fn bundle_commands_refuse_bad_requests_and_bad_keys_before_any_dialog() {
        let folder = TestFolder::new();
        let (catalog, dialogs) = export_setup(&folder, true, "").await;
        for payload in
            [None, Some(json!({})), Some(json!({"structures": "ST-1"})), Some(json!({"structures": ["XX-1"]}))]
        {
            let e = dispatch_with_dialogs(&catalog, &dialogs, "export_bundle", payload.clone()).await.unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{payload:?}: {e:?}");
            let e = dispatch_with_dialogs(&catalog, &dialogs, "preview_bundle", payload.clone()).await.unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{payload:?}: {e:?}");
        }
        let e = dispatch_with_dialogs(&catalog, &dialogs, "preview_bundle", Some(json!({"structures": ["ST-9"]})))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        let missing = json!({"structures": [], "sign": {"key": folder.file("nope.key"), "password": null}});
        let e = dispatch_with_dialogs(&catalog, &dialogs, "export_bundle", Some(missing)).await.unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::InvalidInput, Some("key")), "{e:?}");
        assert_eq!(asked(&folder), "");
        assert_eq!(suggested_bundle_name("a/b c", &[], true).split_once("-catalog-").unwrap().0, "a-b-c");
        let many: Vec<Id> = (1..=5).map(|n| format!("ST-{n}").parse().unwrap()).collect();
        assert!(suggested_bundle_name("x", &many, false).starts_with("x-5-structures-"));
    }

    #[tokio::test]
    async fn customers_step_actions_and_a_built_step_answer_with_every_finding() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let page =
            dispatch(&catalog, "list_customers", Some(json!({"query": {"search": null, "offset": 0, "limit": 10}})))
                .await
                .unwrap();
        assert_eq!(page["total"], 1);
        let detail = dispatch(&catalog, "customer_detail", Some(json!({"id": page["rows"][0]["id"]}))).await.unwrap();
        assert_eq!(detail["sites"].as_array().unwrap().len(), 6);
        assert!(detail["pool"]["quota_kb"].as_i64().unwrap() > 0);
        let created = dispatch(
            &catalog,
            "apply_change",
            Some(json!({"change": {"op": "create_structure", "kind": "bolt_on_add_on", "name": "Top-ups", "customer": null}})),
        )
        .await
        .unwrap();
        let st = created["applied"]["created"].clone();
        let actions = dispatch(&catalog, "step_actions", Some(json!({"id": st}))).await.unwrap();
        assert_eq!(actions[0]["kind"], "create");
        assert_eq!(actions[1]["kind"], "blocked");
        let built = dispatch(
            &catalog,
            "apply_change",
            Some(json!({"change": {"op": "build_step", "structure": st, "step": 1}})),
        )
        .await
        .unwrap();
        assert_eq!(built["full"], true, "a step creates several objects: everything is re-checked");
        let cached = dispatch(&catalog, "check_catalog", None).await.unwrap();
        let full = catalog.catalog.with(|c| Ok(rules::check(&c.snapshot()?))).await.unwrap();
        assert_eq!(cached, serde_json::to_value(&full).unwrap());
        let e = dispatch(&catalog, "step_actions", Some(json!({"id": "ST-99"}))).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn lists_pages_progress_and_reference_data_answer() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let page = dispatch(
            &catalog,
            "list_objects",
            Some(json!({"query": {"kind": "service_plan", "side": null, "status": null, "service_type": null, "search": null, "has_errors": null, "offset": 0, "limit": 50}})),
        )
        .await
        .unwrap();
        assert!(page["total"].as_u64().unwrap() > 0);
        let overview = dispatch(&catalog, "catalog_overview", None).await.unwrap();
        let structure = overview["structures"][0]["id"].clone();
        let progress = dispatch(&catalog, "structure_progress", Some(json!({"id": structure}))).await.unwrap();
        assert!(!progress["steps"].as_array().unwrap().is_empty());
        let reference = dispatch(&catalog, "reference_data", None).await.unwrap();
        assert!(!reference["service_types"].as_array().unwrap().is_empty());
        // The demo's SELL 8 GB bolt-on holds its add-ons already: the picker offers none of them
        // again, and says nothing is missing.
        let bolt_ons = dispatch(
            &catalog,
            "list_objects",
            Some(json!({"query": {"kind": "bolt_on", "side": "SELL", "status": null, "service_type": null, "search": null, "has_errors": null, "offset": 0, "limit": 5}})),
        )
        .await
        .unwrap();
        let bolt_on = bolt_ons["rows"][0]["id"].clone();
        let page = dispatch(
            &catalog,
            "link_candidates",
            Some(json!({"query": {"of": bolt_on, "slot": "add_on", "add_on": null, "search": null, "offset": 0, "limit": 20}})),
        )
        .await
        .unwrap();
        assert!(page["unavailable"].is_null(), "{page}");
        let detail = dispatch(&catalog, "object_detail", Some(json!({"id": bolt_on}))).await.unwrap();
        let group = detail["plan"]["detail"]["bolt_on"]["add_on_group"].as_array().unwrap().clone();
        assert!(!group.is_empty());
        for row in page["rows"].as_array().unwrap() {
            assert!(!group.contains(&row["id"]), "{row} is already in the group");
            assert_eq!(row["side"], "SELL");
        }
        let e = dispatch(
            &catalog,
            "link_candidates",
            Some(json!({"query": {"of": bolt_on, "slot": "buy_parent", "add_on": null, "search": null, "offset": 0, "limit": 20}})),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[tokio::test]
    async fn new_open_and_copy_go_through_the_dialogs_and_the_recent_list() {
        let folder = TestFolder::new();
        let (bench, titles) = bench_with_titles(&folder);
        let answers = folder.file("answers");
        let demo_path = folder.file("demo.plansmith");

        // Cancelled dialogs change nothing.
        for command in ["open_catalog", "new_catalog", "save_catalog_copy"] {
            assert_eq!(dispatch(&bench, command, None).await.unwrap(), Value::Null, "{command}");
        }
        assert_eq!(bench.catalog.path().await, demo_path);

        // Save a copy: the demo stays open, the copy is a complete catalog on the recent list.
        let copy = folder.file("workshop copy.plansmith");
        std::fs::write(&answers, format!("{}\n", folder.file("workshop copy").display())).unwrap();
        let answer = dispatch(&bench, "save_catalog_copy", None).await.unwrap();
        assert_eq!(answer["name"], "workshop copy.plansmith", "the extension is added: {answer}");
        assert_eq!(bench.catalog.path().await, demo_path);
        drop(plansmith_core::Catalog::open(&copy).expect("the copy opens"));

        // New: an empty catalog named after its file becomes the open one and titles the window.
        let fresh = folder.file("Acme.plansmith");
        std::fs::write(&answers, format!("{}\n", fresh.display())).unwrap();
        let answer = dispatch(&bench, "new_catalog", None).await.unwrap();
        assert_eq!(answer["name"], "Acme.plansmith");
        let overview = dispatch(&bench, "catalog_overview", None).await.unwrap();
        assert_eq!(overview["name"], "Acme");
        assert_eq!(titles.lock().unwrap().last(), Some(&fresh));
        assert!(plansmith_core::Catalog::open(&demo_path).is_ok(), "the demo was closed");

        // New never overwrites: the current catalog stays open.
        std::fs::write(&answers, format!("{}\n", copy.display())).unwrap();
        let e = dispatch(&bench, "new_catalog", None).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Conflict, "{e:?}");
        assert_eq!(bench.catalog.path().await, fresh);

        // Open through the dialog, then back through the recent list.
        std::fs::write(&answers, format!("{}\n", demo_path.display())).unwrap();
        dispatch(&bench, "open_catalog", None).await.unwrap();
        assert_eq!(bench.catalog.path().await, demo_path);
        let recent = dispatch(&bench, "recent_catalogs", None).await.unwrap();
        let names: Vec<&str> = recent.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["demo.plansmith", "Acme.plansmith", "workshop copy.plansmith"]);
        dispatch(&bench, "open_recent", Some(json!({"path": fresh.to_string_lossy()}))).await.unwrap();
        assert_eq!(bench.catalog.path().await, fresh);

        // Only listed paths may be reopened; a listed file that has gone is taken off the list.
        let e = dispatch(&bench, "open_recent", Some(json!({"path": "/etc/passwd"}))).await.unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::InvalidInput, Some("path")));
        std::fs::remove_file(&copy).unwrap();
        let e = dispatch(&bench, "open_recent", Some(json!({"path": copy.to_string_lossy()}))).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("no longer there"), "{e:?}");
        assert!(!bench.recent.contains(&copy));
        assert_eq!(bench.catalog.path().await, fresh, "a failed open leaves the catalog open");

        // A file that is not a catalog is refused, and the open catalog stays.
        let junk = folder.file("notes.plansmith");
        std::fs::write(&junk, "shopping list").unwrap();
        std::fs::write(&answers, format!("{}\n", junk.display())).unwrap();
        let e = dispatch(&bench, "open_catalog", None).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::IncompatibleFile, "{e:?}");
        assert_eq!(std::fs::read_to_string(&junk).unwrap(), "shopping list");
        assert_eq!(bench.catalog.path().await, fresh);
    }

    /// The demo's ST-2 structure ("Mobile Business 40") and a scripted save dialog.
    fn diagram_of(value: Value) -> Option<Value> {
        Some(json!({ "of": value }))
    }

    #[tokio::test]
    async fn diagrams_of_a_structure_the_shared_data_and_the_whole_catalog() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let whole = dispatch(&catalog, "diagram", diagram_of(json!("catalog"))).await.unwrap();
        assert_eq!(whole["kind"], "catalog");
        let st2 = dispatch(&catalog, "diagram", diagram_of(json!({"structure": "ST-2"}))).await.unwrap();
        assert_eq!(st2["kind"], "structure");
        assert_eq!(st2["nodes"].as_array().unwrap().len(), 18);
        assert!(whole["nodes"].as_array().unwrap().len() > 18, "the catalog holds ST-1 too");
        let shared = dispatch(&catalog, "diagram", diagram_of(json!({"shared_data": "ST-1"}))).await.unwrap();
        assert_eq!(shared["kind"], "shared_data");
        let same = catalog
            .catalog
            .with(|c| {
                let s = c.snapshot()?;
                diagram::structure(&s, &rules::check(&s), "ST-2".parse().unwrap())
            })
            .await
            .unwrap();
        assert_eq!(st2, serde_json::to_value(&same).unwrap(), "the command sends the core's layout as it is");
    }

    #[tokio::test]
    async fn node_errors_follow_the_sessions_findings_after_an_edit() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let errors_of = |d: &Value, key: &str| {
            d["nodes"].as_array().unwrap().iter().find(|n| n["key"] == key).map(|n| n["errors"].as_u64().unwrap())
        };
        let before = dispatch(&catalog, "diagram", diagram_of(json!({"structure": "ST-2"}))).await.unwrap();
        assert_eq!(errors_of(&before, "BO-1"), Some(0));
        dispatch(
            &catalog,
            "apply_change",
            Some(json!({"change": {"op": "set_plan_field", "id": "BO-1", "edit": {"field": "internal_name", "value": ""}}})),
        )
        .await
        .unwrap();
        let after = dispatch(&catalog, "diagram", diagram_of(json!({"structure": "ST-2"}))).await.unwrap();
        assert!(errors_of(&after, "BO-1").unwrap() > 0, "the emptied name is an error on its box");
    }

    #[tokio::test]
    async fn a_bad_diagram_request_gets_a_clear_error() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let e = dispatch(&catalog, "diagram", diagram_of(json!({"structure": "ST-99"}))).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("ST-99"), "{e:?}");
        let e = dispatch(&catalog, "diagram", diagram_of(json!({"structure": "PP-1"}))).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
        let e = dispatch(&catalog, "diagram", diagram_of(json!({"shared_data": "ST-2"}))).await.unwrap_err();
        assert!(e.message.contains("shared-data structures only"), "{e:?}");
        let e = dispatch(&catalog, "diagram", diagram_of(json!("everything"))).await.unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::InvalidInput, Some("of")));
    }

    fn scripted(folder: &TestFolder, answers: &str) -> (crate::file_dialogs::ScriptedDialogs, std::path::PathBuf) {
        let file = folder.file("answers");
        std::fs::write(&file, answers).unwrap();
        (crate::file_dialogs::ScriptedDialogs::new(file.clone()), folder.file("answers.log"))
    }

    fn export(format: &str) -> Option<Value> {
        Some(json!({"of": {"structure": "ST-2"}, "format": format}))
    }

    #[tokio::test]
    async fn export_writes_the_svg_and_the_png_where_the_dialog_says() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let out = folder.file("pictures");
        std::fs::create_dir_all(&out).unwrap();
        let answers = format!("{0}/mobile\n{0}/mobile.png\n", out.display());
        let (dialogs, log) = scripted(&folder, &answers);
        let svg = export_diagram_with(&catalog.catalog, &dialogs, export("svg")).await.unwrap();
        let svg_path = out.join("mobile.svg");
        assert_eq!(svg["path"], svg_path.display().to_string(), "the extension is added");
        let written = std::fs::read_to_string(&svg_path).unwrap();
        let d = dispatch(&catalog, "diagram", diagram_of(json!({"structure": "ST-2"}))).await.unwrap();
        let d: Diagram = serde_json::from_value(d).unwrap();
        assert_eq!(written, diagram::svg::write(&d), "the core's SVG of the same layout");
        let png = export_diagram_with(&catalog.catalog, &dialogs, export("png")).await.unwrap();
        let png_path = out.join("mobile.png");
        assert_eq!(png["path"], png_path.display().to_string());
        let bytes = std::fs::read(&png_path).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let mut names: Vec<String> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, ["mobile.png", "mobile.svg"], "no temporary file is left");
        let asked = std::fs::read_to_string(log).unwrap();
        let suggested = "Structure ST-2 · Mobile Business 40 — 8 GB data bolt-on with top-ups";
        assert!(asked.starts_with(&format!("save_svg\t{suggested}.svg\t")), "{asked}");
        assert!(asked.contains(&format!("save_png\t{suggested}.png\t")), "{asked}");
    }

    #[tokio::test]
    async fn a_cancelled_export_writes_nothing_and_a_bad_one_asks_nothing() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let (dialogs, log) = scripted(&folder, "\n");
        let before: Vec<_> = std::fs::read_dir(folder.file("")).unwrap().map(|e| e.unwrap().file_name()).collect();
        let answer = export_diagram_with(&catalog.catalog, &dialogs, export("svg")).await.unwrap();
        assert_eq!(answer, json!({"path": null}));
        let after: Vec<_> = std::fs::read_dir(folder.file(""))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "answers.log")
            .collect();
        assert_eq!(before.len(), after.len(), "nothing written: {after:?}");
        std::fs::remove_file(&log).unwrap();
        let e = export_diagram_with(
            &catalog.catalog,
            &dialogs,
            Some(json!({"of": {"structure": "ST-77"}, "format": "png"})),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("ST-77"));
        let e = export_diagram_with(&catalog.catalog, &dialogs, Some(json!({"of": "catalog", "format": "gif"})))
            .await
            .unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::InvalidInput, Some("format")));
        assert!(!log.exists(), "no dialog was shown for a request that cannot be drawn");
    }

    #[tokio::test]
    async fn an_export_into_a_missing_folder_says_so_and_leaves_nothing() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let target = folder.file("no such folder").join("x.svg");
        let (dialogs, _) = scripted(&folder, &format!("{}\n", target.display()));
        let e = export_diagram_with(&catalog.catalog, &dialogs, export("svg")).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(e.message.contains("no such folder") && e.message.contains("Choose another folder"), "{e:?}");
        assert!(!folder.file("no such folder").exists());
    }

    #[tokio::test]
    async fn suggested_names_are_safe_file_names() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let mut d = catalog.catalog.with_session(|s| draw(s, DiagramOf::Catalog)).await.unwrap();
        d.title = "Acme / Co: <Plans> — whole catalog".into();
        assert_eq!(suggested_file_name(&d, PictureFormat::Png), "Acme Co Plans — whole catalog.png");
        d.title = "../..".into();
        assert_eq!(suggested_file_name(&d, PictureFormat::Svg), "diagram.svg");
    }
}
