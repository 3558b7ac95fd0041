//! Contract test between the Rust commands and the TypeScript types of the UI.
//!
//! The UI's types are generated from Rust (`bindings.rs`); this test pins the *values* the
//! first screen depends on and the runtime guards (`ui/src/lib/guards.ts`) to what the core
//! really sends: it writes the demo catalog, serializes its `Overview` exactly as the
//! `catalog_overview` command does, and compares it with the fixture
//! `ui/src/lib/fixtures/overview.demo.json`. The UI test `ipc-contract.test.ts` checks the same
//! fixture against the TypeScript types with a runtime guard. A renamed or added field breaks
//! one of the two tests instead of the user's screen.
//!
//! The demo's diagrams are pinned the same way (`fixtures/diagram.demo.json`, exactly as the
//! `diagram` command sends them), so the UI's diagram tests draw the core's real layout.
//!
//! When the demo content or the `Overview` type changes on purpose, regenerate the fixture with
//! `PLANSMITH_BLESS=1 cargo test -p plansmith-app ipc_contract`, then run the UI tests.

use plansmith_core::{Stamp, Timestamp, demo};
use serde_json::Value;

use crate::test_folder::TestFolder;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/fixtures/overview.demo.json");

fn demo_overview() -> Value {
    let folder = TestFolder::new();
    let stamp = Stamp { by: "contract-test".into(), at: Timestamp::from_unix_seconds(1_767_225_600) };
    let catalog = demo::write_demo(&folder.file("demo.plansmith"), &stamp).expect("the core writes the demo catalog");
    let overview = catalog.overview().expect("the demo catalog has an overview");
    serde_json::to_value(&overview).unwrap()
}

/// The JSON type of every value, by path; arrays contribute the union of their items' shapes.
fn shape(value: &Value, path: &str, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            out.insert(format!("{path}: object"));
            for (key, item) in map {
                shape(item, &format!("{path}.{key}"), out);
            }
        }
        Value::Array(items) => {
            out.insert(format!("{path}: array"));
            for item in items {
                shape(item, &format!("{path}[]"), out);
            }
        }
        scalar => {
            let kind = match scalar {
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "boolean",
                _ => "null",
            };
            out.insert(format!("{path}: {kind}"));
        }
    }
}

fn shape_of(value: &Value) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    shape(value, "overview", &mut out);
    out
}

#[test]
fn overview_fixture_matches_what_the_core_sends() {
    let actual = demo_overview();
    if std::env::var_os("PLANSMITH_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
        std::fs::write(FIXTURE, text).unwrap();
        return;
    }
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).expect("the UI fixture exists"))
        .expect("the UI fixture is JSON");
    assert_eq!(
        shape_of(&actual),
        shape_of(&fixture),
        "the Overview sent to the UI no longer has the shape of {FIXTURE}; \
         regenerate the bindings, update ui/src/lib/guards.ts and bless the fixture (see the module doc)"
    );
    assert_eq!(
        actual, fixture,
        "the demo Overview changed; if that is intended, bless the fixture (see the module doc)"
    );
}

#[test]
fn shape_sees_renamed_fields() {
    let a = serde_json::json!({"counts": [{"kind": "bolt_on", "total": 1}]});
    let b = serde_json::json!({"counts": [{"kind": "bolt_on", "count": 1}]});
    assert_ne!(shape_of(&a), shape_of(&b));
}

/// The demo's diagrams exactly as the `diagram` command sends them: the UI's fake backend and
/// its diagram tests draw these, so the window's drawing code is tested on the core's real
/// layout. Blessed like the overview fixture.
const DIAGRAM_FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/fixtures/diagram.demo.json");

#[tokio::test]
async fn diagram_fixture_matches_what_the_diagram_command_sends() {
    use crate::launch::CatalogTarget;
    use crate::open_catalog::OpenCatalog;
    use plansmith_core::session::DiagramOf;
    use serde_json::json;

    let folder = TestFolder::new();
    let catalog = OpenCatalog::open(CatalogTarget { path: folder.file("demo.plansmith"), write_demo_if_missing: true });
    let mut actual = serde_json::Map::new();
    for (name, of) in [
        ("catalog", json!("catalog")),
        ("structure ST-1", json!({"structure": "ST-1"})),
        ("structure ST-2", json!({"structure": "ST-2"})),
        ("shared_data ST-1", json!({"shared_data": "ST-1"})),
    ] {
        // As the `diagram` command answers: its request decoded, drawn, serialized.
        let of: DiagramOf = serde_json::from_value(of).expect("a diagram request");
        let d = catalog.with_session(move |s| s.draw(of)).await.expect("the demo's diagrams draw");
        let d = serde_json::to_value(d).unwrap();
        actual.insert(name.to_string(), d);
    }
    let actual = Value::Object(actual);
    if std::env::var_os("PLANSMITH_BLESS").is_some() {
        std::fs::write(DIAGRAM_FIXTURE, serde_json::to_string(&actual).unwrap() + "\n").unwrap();
        return;
    }
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(DIAGRAM_FIXTURE).expect("the UI diagram fixture exists"))
            .expect("the UI diagram fixture is JSON");
    assert_eq!(
        actual, fixture,
        "the demo's diagrams changed; if that is intended, bless the fixture (see the module doc)"
    );
}

/// The Commercials screen's answers on the demo, recorded from the real commands: the UI's fake
/// backend answers the screen's requests with them (it does no rating of its own), so the
/// screen's tests read the core's figures. Each entry is `{command, request, answer}`; a
/// request names its baseline day (1 July 2026) where the window would send none. Blessed like
/// the overview fixture.
const COMMERCIALS_FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/fixtures/commercials.demo.json");

#[tokio::test]
async fn commercials_fixture_matches_what_the_commands_send() {
    use crate::commands::dispatch;
    use crate::file_dialogs::ScriptedDialogs;
    use crate::launch::CatalogTarget;
    use crate::open_catalog::OpenCatalog;
    use crate::recent_catalogs::RecentCatalogs;
    use crate::workbench::Workbench;
    use serde_json::json;

    let folder = TestFolder::new();
    let bench = Workbench {
        catalog: OpenCatalog::open(CatalogTarget { path: folder.file("demo.plansmith"), write_demo_if_missing: true }),
        dialogs: Box::new(ScriptedDialogs::new(folder.file("answers"))),
        recent: RecentCatalogs::in_data_dir(&folder.file("data")),
        retitle: Box::new(|_| {}),
    };
    let typed = |usage: &str, sites: Value| {
        let usage = if usage.is_empty() { json!([]) } else { json!([{"value_type": "kilobytes", "text": usage}]) };
        json!({"name": "New scenario", "subject": "ST-1", "start": "2026-07-01", "periods": 12, "sites": sites,
               "services": null, "usage": usage, "purchases": [], "top_ups_as_needed": false})
    };
    let sell_plans: Vec<String> = bench
        .catalog
        .with(|c| {
            Ok(c.snapshot()?
                .plans()
                .filter(|p| p.side == plansmith_core::model::Side::Sell)
                .map(|p| p.id.to_string())
                .collect())
        })
        .await
        .unwrap();
    let mut requests: Vec<(&str, Value)> = vec![];
    for audience in ["consultant", "client"] {
        for subject in ["ST-1", "CU-1", "ST-2"] {
            let r = json!({"subject": subject, "audience": audience, "start": "2026-07-01"});
            requests.push(("scenario_form", r.clone()));
            requests.push(("subject_totals", r));
        }
        for usage in ["", "620"] {
            let r = json!({"scenario": {"by": "typed", "scenario": typed(usage, Value::Null)}, "audience": audience});
            requests.push(("rate_scenario", r.clone()));
            requests.push(("money_charts", r));
        }
        requests.push((
            "what_if",
            json!({"before": {"by": "typed", "scenario": typed("620", Value::Null)}, "after": typed("620", json!(8)), "prices": [], "audience": audience}),
        ));
        requests.push((
            "compare_scenarios",
            json!({"scenarios": [{"by": "typed", "scenario": typed("620", Value::Null)}, {"by": "typed", "scenario": typed("400", Value::Null)}], "audience": audience}),
        ));
        for id in &sell_plans {
            requests.push(("price_pairs", json!({"id": id, "audience": audience})));
        }
    }
    let mut entries = vec![];
    for (command, request) in requests {
        let answer = dispatch(&bench, command, Some(request.clone()))
            .await
            .unwrap_or_else(|e| panic!("{command} {request}: {e:?}"));
        entries.push(json!({"command": command, "request": request, "answer": answer}));
    }
    let actual = Value::Array(entries);
    if std::env::var_os("PLANSMITH_BLESS").is_some() {
        std::fs::write(COMMERCIALS_FIXTURE, serde_json::to_string(&actual).unwrap() + "\n").unwrap();
        return;
    }
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(COMMERCIALS_FIXTURE).expect("the UI commercials fixture exists"))
            .expect("the UI commercials fixture is JSON");
    assert_eq!(
        actual, fixture,
        "the demo's commercials changed; if that is intended, bless the fixture (see the module doc)"
    );
}
