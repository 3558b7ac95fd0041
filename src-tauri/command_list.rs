// The one list of the commands the UI may invoke, in snake_case as registered with Tauri.
// Included by build.rs (which makes their `allow-…` permissions) and by commands.rs (which
// dispatches them); lib.rs's `generate_handler!`, capabilities/main.json and
// ui/src/lib/backend.ts must name the same ones, which ui/src/lib/ipc-contract.test.ts checks.

/// Every command the UI may invoke.
pub const COMMANDS: &[&str] = &[
    "catalog_overview",
    "list_objects",
    "object_detail",
    "apply_change",
    "undo",
    "redo",
    "history",
    "check_catalog",
    "check_objects",
    "affected_objects",
    "structure_progress",
    "plan_approval",
    "approve",
    "reopen",
    "mark_live",
    "retire",
    "reference_data",
    "recent_catalogs",
    "open_catalog",
    "open_recent",
    "new_catalog",
    "save_catalog_copy",
    "link_candidates",
    "step_actions",
    "list_customers",
    "customer_detail",
    "diagram",
    "export_diagram",
    "preview_bundle",
    "export_bundle",
    "choose_signing_key",
];
