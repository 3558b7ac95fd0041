//! The Tauri commands: the whole API the UI can call.
//!
//! Each command is a thin async adapter: it takes the [`OpenCatalog`] state, runs one core call
//! through it (on a blocking worker), and returns the core's own serializable type or an
//! [`IpcError`]. No catalog logic lives here. Adding a command means adding it here (as a
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

use std::path::PathBuf;

use plansmith_core::bundle::{self, ExportOptions, Exported};
use plansmith_core::change::Applied;
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
        AddToAddOnGroup { bolt_on, .. } | RemoveFromAddOnGroup { bolt_on, .. } => Some(*bolt_on),
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

/// Runs one command by name: the single implementation behind every Tauri handler.
pub async fn dispatch(catalog: &OpenCatalog, command: &str, request: Option<Value>) -> Result<Value, IpcError> {
    fn json<T: Serialize>(value: T) -> Result<Value, IpcError> {
        serde_json::to_value(value).map_err(|e| IpcError::internal(format!("the answer could not be encoded: {e}")))
    }
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
        "reference_data" => json(
            catalog
                .with(|c| {
                    let s = c.snapshot_reference()?;
                    Ok(s)
                })
                .await?,
        ),
        "preview_bundle" => {
            let BundleRequest { structures } = decode(request)?;
            json(catalog.with(move |c| c.preview_bundle(&ExportOptions { structures, since: None })).await?)
        }
        other => Err(IpcError::new(ErrorKind::NotFound, format!("There is no command '{other}'."))),
    }
}

/// The commands that ask the person for a file: they need the [`FileDialogs`] as well.
/// Everything else goes to [`dispatch`].
pub async fn dispatch_with_dialogs(
    catalog: &OpenCatalog,
    dialogs: &dyn FileDialogs,
    command: &str,
    request: Option<Value>,
) -> Result<Value, IpcError> {
    fn json<T: Serialize>(value: T) -> Result<Value, IpcError> {
        serde_json::to_value(value).map_err(|e| IpcError::internal(format!("the answer could not be encoded: {e}")))
    }
    match command {
        "export_bundle" => json(export_bundle_with(catalog, dialogs, decode(request)?).await?),
        "choose_signing_key" => json(choose_signing_key_with(dialogs).await?),
        _ => dispatch(catalog, command, request).await,
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
        pub async fn $name(catalog: State<'_, OpenCatalog>, request: Option<Value>) -> Result<Value, IpcError> {
            dispatch(&catalog, stringify!($name), request).await
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
    preview_bundle,
);

/// The `export_bundle` command (see [`export_bundle_with`]).
#[tauri::command]
pub async fn export_bundle(
    catalog: State<'_, OpenCatalog>,
    dialogs: State<'_, Box<dyn FileDialogs>>,
    request: Option<Value>,
) -> Result<Value, IpcError> {
    dispatch_with_dialogs(&catalog, dialogs.as_ref(), "export_bundle", request).await
}

/// The `choose_signing_key` command (see [`choose_signing_key_with`]).
#[tauri::command]
pub async fn choose_signing_key(
    catalog: State<'_, OpenCatalog>,
    dialogs: State<'_, Box<dyn FileDialogs>>,
) -> Result<Value, IpcError> {
    dispatch_with_dialogs(&catalog, dialogs.as_ref(), "choose_signing_key", None).await
}

/// The first screen: catalog header, object counts per kind, and build progress per structure.
#[tauri::command]
pub async fn catalog_overview(catalog: State<'_, OpenCatalog>) -> Result<Overview, IpcError> {
    catalog.with(|catalog| catalog.overview()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file_dialogs::ScriptedDialogs;
    use crate::launch::CatalogTarget;
    use crate::test_folder::TestFolder;
    use serde_json::json;

    fn demo(folder: &TestFolder) -> OpenCatalog {
        OpenCatalog::open(CatalogTarget { path: folder.file("demo.plansmith"), write_demo_if_missing: true })
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
        let full = catalog.with(|c| Ok(rules::check(&c.snapshot()?))).await.unwrap();
        assert_eq!(cached, serde_json::to_value(&full).unwrap(), "patched findings equal a full check");
        let detail = dispatch(&catalog, "object_detail", Some(json!({"id": id}))).await.unwrap();
        assert_eq!(detail["plan"]["external_name"], "Extra 2 GB");
        dispatch(&catalog, "undo", None).await.unwrap();
        let undone = dispatch(&catalog, "undo", None).await.unwrap();
        assert_eq!(undone["history"]["redo"].is_null(), false);
        assert_eq!(undone["findings"].as_array().unwrap().len(), before);
    }

    /// A demo catalog (every plan approved when `approved`) and scripted dialogs answering
    /// `answers`, one line per question.
    async fn export_setup(folder: &TestFolder, approved: bool, answers: &str) -> (OpenCatalog, ScriptedDialogs) {
        let catalog = demo(folder);
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
        let preview = dispatch(&catalog, "preview_bundle", Some(json!({"structures": ["ST-2"]}))).await.unwrap();
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
            let e = dispatch(&catalog, "preview_bundle", payload.clone()).await.unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{payload:?}: {e:?}");
        }
        let e = dispatch(&catalog, "preview_bundle", Some(json!({"structures": ["ST-9"]}))).await.unwrap_err();
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
    }
}
