//! What each command does: one async function per entry of the command list, typed request in,
//! typed answer out. Each runs one core call on the open catalog (on its blocking worker) or
//! asks the workbench's dialogs for a file; the decisions about the catalog are the core's
//! (`Session`, `Catalog`), so nothing here knows a rule, a kind or a lifecycle.

use std::path::PathBuf;

use plansmith_core::bundle::ExportOptions;
use plansmith_core::edit::recipe::build_step::step_actions_of;
use plansmith_core::progress::progress_of;
use plansmith_core::rating::commercials::{self, ScenarioChoice};
use plansmith_core::rating::{self, Scenario, store};
use plansmith_core::relations::Relations;
use plansmith_core::{Catalog, Change, Currency, ErrorKind, NewCatalog, rules};

use crate::file_dialogs::Purpose;
use crate::ipc_error::IpcError;
use crate::launch::stamp_now;
use crate::wire::*;
use crate::workbench::Workbench;
use crate::{bundle_file, picture_file, proposal_file};

pub async fn catalog_overview(bench: &Workbench, (): ()) -> Result<Overview, IpcError> {
    bench.catalog.with(|c| c.overview()).await
}

pub async fn list_objects(bench: &Workbench, ListRequest { query }: ListRequest) -> Result<ListPage, IpcError> {
    bench.catalog.with_session(move |s| s.finding_counts().and_then(|counts| s.catalog().list(&query, &counts))).await
}

pub async fn object_detail(bench: &Workbench, IdRequest { id }: IdRequest) -> Result<ObjectDetail, IpcError> {
    bench.catalog.with(move |c| c.object_detail(id)).await
}

pub async fn apply_change(bench: &Workbench, ChangeRequest { change }: ChangeRequest) -> Result<EditOutcome, IpcError> {
    bench.catalog.with_session(move |s| s.apply(&change, &stamp_now())).await
}

pub async fn undo(bench: &Workbench, (): ()) -> Result<StepOutcome, IpcError> {
    bench.catalog.with_session(|s| s.undo(&stamp_now())).await
}

pub async fn redo(bench: &Workbench, (): ()) -> Result<StepOutcome, IpcError> {
    bench.catalog.with_session(|s| s.redo(&stamp_now())).await
}

pub async fn history(bench: &Workbench, (): ()) -> Result<History, IpcError> {
    bench.catalog.with_session(|s| s.history()).await
}

pub async fn check_catalog(bench: &Workbench, (): ()) -> Result<Vec<Finding>, IpcError> {
    bench.catalog.with_session(|s| Ok(s.findings()?.to_vec())).await
}

pub async fn check_objects(bench: &Workbench, IdsRequest { ids }: IdsRequest) -> Result<Vec<Finding>, IpcError> {
    bench.catalog.with(move |c| rules::check_objects(c.conn(), &ids)).await
}

pub async fn affected_objects(bench: &Workbench, IdRequest { id }: IdRequest) -> Result<Vec<Id>, IpcError> {
    bench.catalog.with(move |c| rules::affected(c.conn(), id)).await
}

pub async fn structure_progress(bench: &Workbench, IdRequest { id }: IdRequest) -> Result<Progress, IpcError> {
    bench.catalog.with(move |c| progress_of(&Relations::new(&c.snapshot()?), id)).await
}

pub async fn plan_approval(bench: &Workbench, IdsRequest { ids }: IdsRequest) -> Result<ApprovalPlan, IpcError> {
    bench.catalog.with(move |c| c.plan_approval(&ids)).await
}

pub async fn approve(bench: &Workbench, IdsRequest { ids }: IdsRequest) -> Result<StepOutcome, IpcError> {
    bench.catalog.with_session(move |s| s.approve(&ids, &stamp_now())).await
}

pub async fn reopen(bench: &Workbench, ReopenRequest { id, reason }: ReopenRequest) -> Result<StepOutcome, IpcError> {
    bench.catalog.with_session(move |s| s.reopen(id, &reason, &stamp_now())).await
}

pub async fn mark_live(
    bench: &Workbench,
    MarkLiveRequest { id, production_id }: MarkLiveRequest,
) -> Result<StepOutcome, IpcError> {
    bench.catalog.with_session(move |s| s.mark_live(id, &production_id, &stamp_now())).await
}

pub async fn retire(bench: &Workbench, IdRequest { id }: IdRequest) -> Result<StepOutcome, IpcError> {
    bench.catalog.with_session(move |s| s.retire(id, &stamp_now())).await
}

pub async fn reference_data(bench: &Workbench, (): ()) -> Result<ReferenceData, IpcError> {
    bench.catalog.with(|c| c.reference_data()).await
}

pub async fn recent_catalogs(bench: &Workbench, (): ()) -> Result<Vec<RecentCatalog>, IpcError> {
    Ok(bench.recent.list())
}

pub async fn open_catalog(bench: &Workbench, (): ()) -> Result<Option<CatalogFile>, IpcError> {
    match bench.dialogs.ask(Purpose::OpenCatalog, "").await {
        Some(path) => Ok(Some(switch_to(bench, path, false).await?)),
        None => Ok(None),
    }
}

/// Reopens a path of the recent list, and only such a path: the window never names a file the
/// person did not choose in a dialog.
pub async fn open_recent(bench: &Workbench, PathRequest { path }: PathRequest) -> Result<CatalogFile, IpcError> {
    let path = PathBuf::from(path);
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
    switch_to(bench, path, false).await
}

pub async fn new_catalog(bench: &Workbench, (): ()) -> Result<Option<CatalogFile>, IpcError> {
    match bench.dialogs.ask(Purpose::NewCatalog, "New catalog.plansmith").await {
        Some(path) => Ok(Some(switch_to(bench, path, true).await?)),
        None => Ok(None),
    }
}

pub async fn save_catalog_copy(bench: &Workbench, (): ()) -> Result<Option<CatalogFile>, IpcError> {
    let current = bench.catalog.path().await;
    let stem = current.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let Some(dest) = bench.dialogs.ask(Purpose::CopyCatalog, &format!("{stem} copy.plansmith")).await else {
        return Ok(None);
    };
    let written = dest.clone();
    bench.catalog.with(move |c| c.save_copy(&written)).await?;
    bench.recent.record(&dest);
    Ok(Some(CatalogFile::of(&dest)))
}

pub async fn link_candidates(
    bench: &Workbench,
    CandidatesRequest { query }: CandidatesRequest,
) -> Result<CandidatePage, IpcError> {
    bench
        .catalog
        .with_session(move |s| s.finding_counts().and_then(|counts| s.catalog().candidates(&query, &counts)))
        .await
}

pub async fn step_actions(bench: &Workbench, IdRequest { id }: IdRequest) -> Result<Vec<StepAction>, IpcError> {
    bench.catalog.with(move |c| step_actions_of(&Relations::new(&c.snapshot()?), id)).await
}

pub async fn list_customers(
    bench: &Workbench,
    CustomersRequest { query }: CustomersRequest,
) -> Result<CustomerPage, IpcError> {
    bench.catalog.with(move |c| c.customers(&query)).await
}

pub async fn customer_detail(bench: &Workbench, IdRequest { id }: IdRequest) -> Result<CustomerDetail, IpcError> {
    bench.catalog.with(move |c| c.customer_detail(id)).await
}

pub async fn diagram(bench: &Workbench, DiagramRequest { of }: DiagramRequest) -> Result<Diagram, IpcError> {
    bench.catalog.with_session(move |s| s.draw(of)).await
}

pub async fn export_diagram(bench: &Workbench, request: ExportDiagramRequest) -> Result<SavedPicture, IpcError> {
    picture_file::export_diagram_with(&bench.catalog, &*bench.dialogs, request).await
}

pub async fn preview_bundle(
    bench: &Workbench,
    BundleRequest { structures }: BundleRequest,
) -> Result<Preview, IpcError> {
    bench.catalog.with(move |c| c.preview_bundle(&ExportOptions { structures, since: None })).await
}

pub async fn export_bundle(bench: &Workbench, request: ExportRequest) -> Result<Option<Exported>, IpcError> {
    bundle_file::export_bundle_with(&bench.catalog, &*bench.dialogs, request).await
}

pub async fn choose_signing_key(bench: &Workbench, (): ()) -> Result<Option<ChosenKey>, IpcError> {
    bundle_file::choose_signing_key_with(&*bench.dialogs).await
}

pub async fn scenario_form(
    bench: &Workbench,
    SubjectRequest { subject, audience, start }: SubjectRequest,
) -> Result<ScenarioForm, IpcError> {
    bench
        .catalog
        .with(move |c| {
            let s = c.snapshot()?;
            let saved = store::scenarios_of(c.conn(), subject)?;
            commercials::scenario_form(&Relations::new(&s), subject, &saved, start.unwrap_or_else(this_month), audience)
        })
        .await
}

pub async fn rate_scenario(
    bench: &Workbench,
    RateRequest { scenario, audience }: RateRequest,
) -> Result<Rating, IpcError> {
    bench
        .catalog
        .with(move |c| {
            let s = c.snapshot()?;
            let sc = chosen(c, &scenario)?;
            Ok(rating::rate(&s, &sc)?.seen_by(audience))
        })
        .await
}

pub async fn save_scenario(
    bench: &Workbench,
    SaveScenarioRequest { scenario }: SaveScenarioRequest,
) -> Result<EditOutcome, IpcError> {
    bench
        .catalog
        .with_session(move |s| {
            let sc = chosen(s.catalog(), &ScenarioChoice::Typed { scenario })?;
            s.apply(&Change::SaveScenario { scenario: sc }, &stamp_now())
        })
        .await
}

pub async fn delete_scenario(
    bench: &Workbench,
    DeleteScenarioRequest { subject, name }: DeleteScenarioRequest,
) -> Result<EditOutcome, IpcError> {
    bench.catalog.with_session(move |s| s.apply(&Change::DeleteScenario { subject, name }, &stamp_now())).await
}

pub async fn subject_totals(
    bench: &Workbench,
    SubjectRequest { subject, audience, start }: SubjectRequest,
) -> Result<SubjectTotals, IpcError> {
    bench
        .catalog
        .with(move |c| {
            let s = c.snapshot()?;
            let saved = store::scenarios_of(c.conn(), subject)?;
            commercials::subject_totals(
                &Relations::new(&s),
                subject,
                &saved,
                start.unwrap_or_else(this_month),
                audience,
            )
        })
        .await
}

pub async fn price_pairs(
    bench: &Workbench,
    PricePairsRequest { id, audience }: PricePairsRequest,
) -> Result<PricePairs, IpcError> {
    bench.catalog.with(move |c| commercials::price_pairs(&c.snapshot()?, id, audience)).await
}

pub async fn what_if(
    bench: &Workbench,
    WhatIfRequest { before, after, prices, audience }: WhatIfRequest,
) -> Result<WhatIf, IpcError> {
    bench
        .catalog
        .with(move |c| {
            let s = c.snapshot()?;
            let before = chosen(c, &before)?;
            let after = chosen(c, &ScenarioChoice::Typed { scenario: after })?;
            commercials::what_if(&s, &before, &after, &prices, audience)
        })
        .await
}

pub async fn compare_scenarios(
    bench: &Workbench,
    CompareRequest { scenarios, audience }: CompareRequest,
) -> Result<Comparison, IpcError> {
    bench
        .catalog
        .with(move |c| {
            let s = c.snapshot()?;
            let all = scenarios.iter().map(|x| chosen(c, x)).collect::<plansmith_core::Result<Vec<_>>>()?;
            commercials::compare(&Relations::new(&s), &all, audience)
        })
        .await
}

pub async fn money_charts(
    bench: &Workbench,
    RateRequest { scenario, audience }: RateRequest,
) -> Result<MoneyCharts, IpcError> {
    bench
        .catalog
        .with(move |c| {
            let s = c.snapshot()?;
            let sc = chosen(c, &scenario)?;
            commercials::money_charts(&Relations::new(&s), &sc, audience)
        })
        .await
}

/// The scenario the window named, read with the catalog's currency.
fn chosen(c: &Catalog, choice: &ScenarioChoice) -> plansmith_core::Result<Scenario> {
    choice.read(c.conn(), &Currency::parse(&c.settings()?.currency)?)
}

/// The 1st of this month: the start of a subject's baseline month (the core has no clock).
fn this_month() -> Date {
    let today = stamp_now().at.date();
    Date::new(today.year, today.month, 1).unwrap_or(today)
}

/// Opens (or, with `create`, creates) the catalog at `path` in place of the open one, then
/// puts it first in the recent list and names it in the window title.
async fn switch_to(bench: &Workbench, path: PathBuf, create: bool) -> Result<CatalogFile, IpcError> {
    let opened = bench
        .catalog
        .switch(path, move |path| {
            if create {
                let stamp = stamp_now();
                Catalog::create(path, &NewCatalog::for_file(path, &stamp), &stamp)
            } else {
                Catalog::open(path)
            }
        })
        .await?;
    bench.recent.record(&opened);
    (bench.retitle)(&opened);
    Ok(CatalogFile::of(&opened))
}

pub async fn export_proposal(bench: &Workbench, request: ExportProposalRequest) -> Result<SavedProposal, IpcError> {
    proposal_file::export_proposal_with(&bench.catalog, &*bench.dialogs, request).await
}
