// The one list of the commands the window may invoke: each command's name (snake_case, as
// registered with Tauri), its request type and its answer type, all named in `wire.rs`
// (`()`: the command takes no input). Everything else that names commands is made from it:
//   - build.rs: the `allow-…` permission of each command (tauri-build) and
//     capabilities/main.json, which grants them all to the main window;
//   - commands.rs: one Tauri handler per command, `dispatch` by name, and `COMMANDS`;
//   - lib.rs: the `generate_handler!` list;
//   - bindings.rs: ui/src/lib/bindings/commands.ts, the TypeScript map of each command to its
//     request and answer types, which ui/src/lib/backend.ts is typed against.
// Adding a command: one line here and its body in `calls.rs`.
// (Plain comments, not `//!`: build.rs includes this file with `include!`.)

/// Calls macro `$then!` with every command, as `name: Request => Answer,`.
macro_rules! command_list {
    ($then:ident) => {
        $then! {
            catalog_overview: () => Overview,
            list_objects: ListRequest => ListPage,
            object_detail: IdRequest => ObjectDetail,
            apply_change: ChangeRequest => EditOutcome,
            undo: () => StepOutcome,
            redo: () => StepOutcome,
            history: () => History,
            check_catalog: () => Vec<Finding>,
            check_objects: IdsRequest => Vec<Finding>,
            affected_objects: IdRequest => Vec<Id>,
            structure_progress: IdRequest => Progress,
            plan_approval: IdsRequest => ApprovalPlan,
            approve: IdsRequest => StepOutcome,
            reopen: ReopenRequest => StepOutcome,
            mark_live: MarkLiveRequest => StepOutcome,
            retire: IdRequest => StepOutcome,
            reference_data: () => ReferenceData,
            recent_catalogs: () => Vec<RecentCatalog>,
            open_catalog: () => Option<CatalogFile>,
            open_recent: PathRequest => CatalogFile,
            new_catalog: () => Option<CatalogFile>,
            save_catalog_copy: () => Option<CatalogFile>,
            link_candidates: CandidatesRequest => CandidatePage,
            step_actions: IdRequest => Vec<StepAction>,
            list_customers: CustomersRequest => CustomerPage,
            customer_detail: IdRequest => CustomerDetail,
            diagram: DiagramRequest => Diagram,
            export_diagram: ExportDiagramRequest => SavedPicture,
            preview_bundle: BundleRequest => Preview,
            export_bundle: ExportRequest => Option<Exported>,
            choose_signing_key: () => Option<ChosenKey>,
            export_proposal: ExportProposalRequest => SavedProposal,
            scenario_form: SubjectRequest => ScenarioForm,
            rate_scenario: RateRequest => Rating,
            save_scenario: SaveScenarioRequest => EditOutcome,
            delete_scenario: DeleteScenarioRequest => EditOutcome,
            subject_totals: SubjectRequest => SubjectTotals,
            price_pairs: PricePairsRequest => PricePairs,
            what_if: WhatIfRequest => WhatIf,
            compare_scenarios: CompareRequest => Comparison,
            money_charts: RateRequest => MoneyCharts,
        }
    };
}
