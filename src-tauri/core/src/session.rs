//! A catalog held open by a front door (the window, a script's long-lived process), with the
//! findings of its latest check kept between calls.
//!
//! Lists show error counts per row and the findings panel shows them all, so the whole catalog
//! is checked once; each edit then re-checks only the objects it can affect ([`rules::affected`]
//! before and after it) and patches the kept list. Which edits reach further than their
//! subject (settings, reference data, recipes that create several objects) is decided here,
//! once, so every front door gets the same findings after the same edit.

use serde::{Deserialize, Serialize};

use crate::diagram::{self, Diagram};
use crate::edit::{Applied, Change};
use crate::error::Result;
use crate::id::Id;
use crate::query::FindingCounts;
use crate::rules::{self, Finding};
use crate::store::Catalog;
use crate::store::history::Step;
use crate::value::Stamp;

/// The open catalog and the findings of its latest whole check.
pub struct Session {
    catalog: Catalog,
    /// `None` until the first whole check, and again after a change it cannot patch.
    findings: Option<Vec<Finding>>,
}

/// What the undo and redo menu items say.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct History {
    pub undo: Option<Step>,
    pub redo: Option<Step>,
}

/// What an edit did, and the findings it changed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepOutcome {
    /// The undone or redone step (`None`: there was nothing to do).
    pub step: Option<Step>,
    /// Lifecycle actions: the objects whose status changed.
    pub changed: Vec<Id>,
    pub findings: Vec<Finding>,
    pub history: History,
}

/// Which picture to draw.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

impl Session {
    pub fn new(catalog: Catalog) -> Self {
        Session { catalog, findings: None }
    }

    /// The catalog, to read.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The catalog, to write by a path this session does not know: the kept findings are
    /// forgotten, and the next call to [`Session::findings`] checks the whole catalog.
    pub fn catalog_mut(&mut self) -> &mut Catalog {
        self.findings = None;
        &mut self.catalog
    }

    /// The findings of the whole catalog, checking it first if that has not happened yet.
    pub fn findings(&mut self) -> Result<&[Finding]> {
        if self.findings.is_none() {
            let snapshot = self.catalog.snapshot()?;
            self.findings = Some(rules::check(&snapshot));
        }
        Ok(self.findings.as_deref().expect("just checked"))
    }

    /// Error and warning counts per object, for the list screens and the pickers.
    pub fn finding_counts(&mut self) -> Result<FindingCounts> {
        Ok(FindingCounts::new(self.findings()?))
    }

    /// What undo and redo would do next.
    pub fn history(&self) -> Result<History> {
        let (undo, redo) = self.catalog.undo_redo_labels()?;
        Ok(History { undo, redo })
    }

    /// Applies one change and re-checks what it can affect: the subject's neighbourhood before
    /// and after the change, or the whole catalog after an edit whose effects reach anywhere.
    pub fn apply(&mut self, change: &Change, stamp: &Stamp) -> Result<EditOutcome> {
        let subject = subject_of(change);
        let before = match subject {
            // A subject that cannot be read is refused by `apply` below with the reason.
            Some(id) => rules::affected(self.catalog.conn(), id).unwrap_or_default(),
            None => vec![],
        };
        let applied = self.catalog.apply(change, stamp)?;
        let subject = subject.or(applied.created);
        let history = self.history()?;
        let Some(subject) = subject.filter(|_| !reaches_everything(change) && self.findings.is_some()) else {
            let findings = self.recheck_all()?;
            return Ok(EditOutcome { applied, rechecked: vec![], full: true, findings, history });
        };
        let mut ids = before;
        ids.extend(rules::affected(self.catalog.conn(), subject)?);
        ids.push(subject);
        ids.sort_unstable();
        ids.dedup();
        let findings = rules::check_objects(self.catalog.conn(), &ids)?;
        if let Some(kept) = self.findings.as_mut() {
            kept.retain(|f| ids.binary_search(&f.object).is_err());
            kept.extend(findings.iter().cloned());
        }
        Ok(EditOutcome { applied, rechecked: ids, full: false, findings, history })
    }

    /// Undoes the latest change; the whole catalog is re-checked.
    pub fn undo(&mut self, stamp: &Stamp) -> Result<StepOutcome> {
        let step = self.catalog.undo(stamp)?;
        self.step_outcome(step, vec![])
    }

    /// Redoes the latest undone change; the whole catalog is re-checked.
    pub fn redo(&mut self, stamp: &Stamp) -> Result<StepOutcome> {
        let step = self.catalog.redo(stamp)?;
        self.step_outcome(step, vec![])
    }

    /// Approves `ids` with every draft they depend on (see [`Catalog::approve`]).
    pub fn approve(&mut self, ids: &[Id], stamp: &Stamp) -> Result<StepOutcome> {
        let changed = self.catalog.approve(ids, stamp)?;
        self.step_outcome(None, changed)
    }

    /// Returns `id` to draft, withdrawing the approvals that depend on it.
    pub fn reopen(&mut self, id: Id, reason: &str, stamp: &Stamp) -> Result<StepOutcome> {
        let changed = self.catalog.reopen(id, reason, stamp)?;
        self.step_outcome(None, changed)
    }

    /// Ops reported the id Emersion assigned: `id` goes live.
    pub fn mark_live(&mut self, id: Id, production_id: &str, stamp: &Stamp) -> Result<StepOutcome> {
        self.catalog.mark_live(id, production_id, stamp)?;
        self.step_outcome(None, vec![id])
    }

    /// Retires an approved or live object.
    pub fn retire(&mut self, id: Id, stamp: &Stamp) -> Result<StepOutcome> {
        self.catalog.retire(id, stamp)?;
        self.step_outcome(None, vec![id])
    }

    /// Lays out the picture asked for, with the error counts of the kept findings.
    pub fn draw(&mut self, of: DiagramOf) -> Result<Diagram> {
        let snapshot = self.catalog.snapshot()?;
        let findings = self.findings()?;
        match of {
            DiagramOf::Catalog => Ok(diagram::catalog(&snapshot, findings)),
            DiagramOf::Structure(id) => diagram::structure(&snapshot, findings, id),
            DiagramOf::SharedData(id) => diagram::shared_data(&snapshot, findings, id),
        }
    }

    fn recheck_all(&mut self) -> Result<Vec<Finding>> {
        self.findings = None;
        Ok(self.findings()?.to_vec())
    }

    fn step_outcome(&mut self, step: Option<Step>, changed: Vec<Id>) -> Result<StepOutcome> {
        let findings = self.recheck_all()?;
        Ok(StepOutcome { step, changed, findings, history: self.history()? })
    }
}

/// Edits whose effects reach any object: reference data and settings are read by rules all
/// over the catalog, and recipes create several objects at once.
fn reaches_everything(change: &Change) -> bool {
    matches!(
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
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::PlanField;
    use crate::model::Side;
    use crate::value::Timestamp;
    use crate::{EntityKind, demo};

    fn stamp() -> Stamp {
        Stamp { by: "test".into(), at: Timestamp::from_unix_seconds(1_800_000_000) }
    }

    fn demo_session(dir: &tempfile::TempDir) -> Session {
        Session::new(demo::write_demo(&dir.path().join("demo.plansmith"), &stamp()).unwrap())
    }

    fn whole_check(session: &Session) -> Vec<Finding> {
        rules::check(&session.catalog().snapshot().unwrap())
    }

    #[test]
    fn an_edit_rechecks_its_neighbourhood_and_the_kept_findings_equal_a_whole_check() {
        let dir = tempfile::tempdir().unwrap();
        let mut session = demo_session(&dir);
        session.findings().unwrap();
        let create = Change::CreatePlan { kind: EntityKind::BoltOn, side: Side::Sell, internal_name: "Extra".into() };
        let created = session.apply(&create, &stamp()).unwrap();
        let id = created.applied.created.unwrap();
        assert!(!created.full && created.rechecked.contains(&id), "{created:?}");
        let named = Change::SetPlanField { id, edit: PlanField::InternalName(String::new()) };
        let edit = session.apply(&named, &stamp()).unwrap();
        assert!(!edit.full);
        assert!(edit.findings.iter().any(|f| f.object == id), "an emptied name is a finding: {edit:?}");
        let whole = whole_check(&session);
        assert_eq!(session.findings().unwrap(), whole, "patched = whole check");
        assert!(edit.history.undo.unwrap().label.contains(&id.to_string()));
        let undone = session.undo(&stamp()).unwrap();
        assert!(undone.step.is_some() && undone.history.redo.is_some());
        assert_eq!(undone.findings, whole_check(&session));
    }

    #[test]
    fn settings_and_reference_edits_and_the_first_edit_recheck_everything() {
        let dir = tempfile::tempdir().unwrap();
        let mut session = demo_session(&dir);
        let create = Change::CreatePlan { kind: EntityKind::ServicePlan, side: Side::Buy, internal_name: "X".into() };
        let first = session.apply(&create, &stamp()).unwrap();
        assert!(first.full, "nothing kept yet: the whole catalog is checked");
        assert_eq!(first.findings, whole_check(&session));
        let settings = session.catalog().reference_data().unwrap().settings;
        let rename = Change::UpdateSettings {
            name: format!("{} (renamed)", settings.name),
            provider: settings.provider,
            tier: settings.tier,
            currency: settings.currency,
        };
        let renamed = session.apply(&rename, &stamp()).unwrap();
        assert!(renamed.full && renamed.rechecked.is_empty(), "{renamed:?}");
        assert_eq!(renamed.findings, whole_check(&session));
    }

    #[test]
    fn writing_through_catalog_mut_forgets_the_kept_findings() {
        let dir = tempfile::tempdir().unwrap();
        let mut session = demo_session(&dir);
        session.findings().unwrap();
        session.catalog_mut().approve_all(&stamp()).unwrap();
        assert!(session.findings.is_none());
        let whole = whole_check(&session);
        assert_eq!(session.findings().unwrap(), whole);
    }
}
