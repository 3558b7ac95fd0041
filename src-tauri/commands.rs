//! The Tauri commands, generated from the one command list (`command_list.rs`).
//!
//! For every `name: Request => Answer` of the list this module has a Tauri handler `name`
//! (its one argument, `request`, is raw JSON decoded by [`Request::decode`] into the typed
//! request, so a bad payload is an [`IpcError`] naming the field, never a panic), an arm of
//! [`dispatch`] (the same call by name, for tests and any other front door), and an entry of
//! [`COMMANDS`]. The handler's body is `calls::name`; `lib.rs` registers the handlers from the
//! same list, build.rs makes their permissions and the capability from it, and `bindings.rs`
//! generates the TypeScript command map from it.

use serde::Serialize;
use serde_json::Value;
use tauri::State;

use crate::calls;
use crate::ipc_error::IpcError;
use crate::wire::*;
use crate::workbench::Workbench;

macro_rules! handlers_and_dispatch {
    ($($name:ident : $request:ty => $answer:ty),* $(,)?) => {
        $(
            #[doc = concat!("The `", stringify!($name), "` command: [`calls::", stringify!($name), "`].")]
            #[tauri::command]
            pub async fn $name(bench: State<'_, Workbench>, request: Option<Value>) -> Result<$answer, IpcError> {
                calls::$name(&bench, <$request as Request>::decode(request)?).await
            }
        )*

        /// Every command the window may invoke, in the list's order.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        /// Runs one command by name with its raw request, as its Tauri handler does.
        pub async fn dispatch(bench: &Workbench, command: &str, request: Option<Value>) -> Result<Value, IpcError> {
            match command {
                $(stringify!($name) => answer(calls::$name(bench, <$request as Request>::decode(request)?).await?),)*
                other => Err(IpcError::new(plansmith_core::ErrorKind::NotFound, format!("There is no command '{other}'."))),
            }
        }
    };
}

command_list!(handlers_and_dispatch);

/// The `generate_handler!` list of every command, for `tauri::Builder::invoke_handler`.
macro_rules! handler_list {
    ($($name:ident : $request:ty => $answer:ty),* $(,)?) => {
        tauri::generate_handler![$(crate::commands::$name),*]
    };
}
pub(crate) use handler_list;

fn answer<T: Serialize>(value: T) -> Result<Value, IpcError> {
    serde_json::to_value(value).map_err(|e| IpcError::internal(format!("the answer could not be encoded: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle_file::{choose_signing_key_with, export_bundle_with, suggested_bundle_name};
    use crate::file_dialogs::{FileDialogs, ScriptedDialogs};
    use crate::launch::CatalogTarget;
    use crate::launch::stamp_now;
    use crate::open_catalog::OpenCatalog;
    use crate::picture_file::{export_diagram_with, suggested_file_name};
    use crate::recent_catalogs::RecentCatalogs;
    use crate::test_folder::TestFolder;
    use crate::wire::decode;
    use plansmith_core::bundle::{self, ExportOptions};
    use plansmith_core::{ErrorKind, diagram, rules};
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
            catalog.with_session(|s| s.catalog_mut().approve_all(&stamp_now())).await.unwrap();
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

    /// `export_diagram` as `dispatch` runs it, with the dialogs given.
    async fn export_picture(
        catalog: &OpenCatalog,
        dialogs: &dyn FileDialogs,
        request: Option<Value>,
    ) -> Result<Value, IpcError> {
        answer(export_diagram_with(catalog, dialogs, decode(request)?).await?)
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
        let svg = export_picture(&catalog.catalog, &dialogs, export("svg")).await.unwrap();
        let svg_path = out.join("mobile.svg");
        assert_eq!(svg["path"], svg_path.display().to_string(), "the extension is added");
        let written = std::fs::read_to_string(&svg_path).unwrap();
        let d = dispatch(&catalog, "diagram", diagram_of(json!({"structure": "ST-2"}))).await.unwrap();
        let d: Diagram = serde_json::from_value(d).unwrap();
        assert_eq!(written, diagram::svg::write(&d), "the core's SVG of the same layout");
        let png = export_picture(&catalog.catalog, &dialogs, export("png")).await.unwrap();
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
        let answer = export_picture(&catalog.catalog, &dialogs, export("svg")).await.unwrap();
        assert_eq!(answer, json!({"path": null}));
        let after: Vec<_> = std::fs::read_dir(folder.file(""))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "answers.log")
            .collect();
        assert_eq!(before.len(), after.len(), "nothing written: {after:?}");
        std::fs::remove_file(&log).unwrap();
        let e =
            export_picture(&catalog.catalog, &dialogs, Some(json!({"of": {"structure": "ST-77"}, "format": "png"})))
                .await
                .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("ST-77"));
        let e = export_picture(&catalog.catalog, &dialogs, Some(json!({"of": "catalog", "format": "gif"})))
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
        let e = export_picture(&catalog.catalog, &dialogs, export("svg")).await.unwrap_err();
        // The folder chosen is what is wrong: the message names it and says what to do.
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::InvalidInput, Some("path")));
        assert!(e.message.contains("no such folder") && e.message.contains("choose an existing folder"), "{e:?}");
        assert!(!folder.file("no such folder").exists());
    }

    #[tokio::test]
    async fn suggested_names_are_safe_file_names() {
        let folder = TestFolder::new();
        let catalog = demo(&folder);
        let mut d = catalog.catalog.with_session(|s| s.draw(DiagramOf::Catalog)).await.unwrap();
        d.title = "Acme / Co: <Plans> — whole catalog".into();
        assert_eq!(suggested_file_name(&d, PictureFormat::Png), "Acme Co Plans — whole catalog.png");
        d.title = "../..".into();
        assert_eq!(suggested_file_name(&d, PictureFormat::Svg), "diagram.svg");
    }

    /// The client's proposal through `dispatch`: written where the scripted dialog says, with
    /// the suggested name; a cancelled dialog writes nothing; a request that cannot be proposed
    /// fails before any dialog.
    #[tokio::test]
    async fn export_proposal_writes_the_clients_pdf_where_the_dialog_says() {
        let folder = TestFolder::new();
        let bench = demo(&folder);
        let scenario = json!({
            "name": "6 sites, 620 GB",
            "subject": "CU-1",
            "start": "2026-01-01",
            "usage": [{"value_type": "kilobytes", "amount": 620 * 1_048_576_i64}],
        });
        let save = json!({"change": {"op": "save_scenario", "scenario": scenario}});
        dispatch(&bench, "apply_change", Some(save)).await.unwrap();
        std::fs::write(folder.file("answers"), format!("{}\n\n", folder.file("harbour").display())).unwrap();
        let request = json!({"subject": "CU-1", "scenarios": ["6 sites, 620 GB"], "date": "2026-12-07"});
        let answer = dispatch(&bench, "export_proposal", Some(request.clone())).await.unwrap();
        let pdf = folder.file("harbour.pdf");
        assert_eq!(answer, json!({"path": pdf.display().to_string(), "pages": 5}), "the extension is added");
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
        let log = std::fs::read_to_string(folder.file("answers.log")).unwrap();
        assert!(log.starts_with("save_proposal\tHarbour Cafés Pty Ltd proposal.pdf\t"), "{log}");
        let answer = dispatch(&bench, "export_proposal", Some(request)).await.unwrap();
        assert_eq!(answer, json!({"path": null, "pages": 0}), "cancelled");
        std::fs::remove_file(folder.file("answers.log")).unwrap();
        let nope = json!({"subject": "CU-1", "scenarios": ["Nope"], "date": "2026-12-07"});
        let e = dispatch(&bench, "export_proposal", Some(nope)).await.unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::NotFound, Some("scenario")), "{e:?}");
        let none = json!({"subject": "CU-1", "scenarios": [], "date": "2026-12-07"});
        let e = dispatch(&bench, "export_proposal", Some(none)).await.unwrap_err();
        assert!(e.message.contains("needs at least one saved scenario"), "{e:?}");
        let bad_date = json!({"subject": "CU-1", "scenarios": [], "date": "7/12/2026"});
        let e = dispatch(&bench, "export_proposal", Some(bad_date)).await.unwrap_err();
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::InvalidInput, Some("date")), "{e:?}");
        assert!(!folder.file("answers.log").exists(), "no dialog for a request that cannot be proposed");
    }
}
