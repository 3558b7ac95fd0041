//! Recipes: edits made of other edits. A recipe reads the catalog as it is (a [`Snapshot`]
//! taken inside the change's transaction) and writes the list of plain [`Change`]s that makes
//! it ([`Written`]); [`apply`] applies that list in order inside the same transaction, so the
//! recipe undoes as one step and fails as a whole. A new composite edit (duplicate an object,
//! apply a template, a merge) is a new file here implementing [`Recipe`], and one arm in
//! `edit::apply_in`.
//!
//! Later changes of a list name what earlier ones create through placeholder ids: the object
//! created by change *k* (1-based) is named by an id of its kind with the number `-k`, written
//! `BO--3` ([`Edits::create`] returns it). Before each change is applied, the ids it holds are
//! replaced by the real ones through [`Change::ids_mut`], a typed walk over its id fields, so
//! names, descriptions and other text are never looked at. Placeholders never leave the core:
//! an id typed by a person or read from a file is always positive.

use std::collections::BTreeSet;

use rusqlite::Transaction;

use crate::edit::change::Change;
use crate::edit::plain;
use crate::edit::plan_field::PlanField;
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::Side;
use crate::snapshot::{Scope, Snapshot};

pub mod build_step;
pub(crate) mod data_pool;

/// A composite edit.
pub(crate) trait Recipe {
    /// The plain changes that make this edit in the catalog `s`, or why it cannot be made. A
    /// refusal here leaves the catalog untouched.
    fn write(&self, s: &Snapshot) -> Result<Written>;
}

/// What a recipe writes: its plain changes, in order, and the object the change reports as
/// created (a placeholder when one of the changes creates it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    pub edits: Edits,
    pub created: Id,
}

/// A list of plain changes in which later ones may name what earlier ones create.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Edits {
    pub changes: Vec<Change>,
}

impl Edits {
    pub(crate) fn add(&mut self, change: Change) {
        self.changes.push(change);
    }
    /// Adds a change that creates an object of `kind`; returns its placeholder.
    pub(crate) fn create(&mut self, kind: EntityKind, change: Change) -> Id {
        self.changes.push(change);
        Id::new(kind, -(self.changes.len() as i64))
    }
    /// Sets one field of the plan `id` (real or placeholder).
    pub(crate) fn set(&mut self, id: Id, edit: PlanField) {
        self.add(Change::SetPlanField { id, edit });
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Internal names taken per plan kind and side (lower case), including those a recipe has
/// already given: [`FreeNames::take`] never hands out a name twice (NAM-01).
pub(crate) struct FreeNames(BTreeSet<(EntityKind, Side, String)>);

impl FreeNames {
    pub(crate) fn of(s: &Snapshot) -> FreeNames {
        FreeNames(s.plans().map(|p| (p.kind(), p.side, p.internal_name.trim().to_lowercase())).collect())
    }
    /// `base`, or `base 2`, `base 3`, …: the first that no plan of `kind` and `side` has.
    pub(crate) fn take(&mut self, kind: EntityKind, side: Side, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 1;
        while self.0.contains(&(kind, side, name.to_lowercase())) {
            n += 1;
            name = format!("{base} {n}");
        }
        self.0.insert((kind, side, name.to_lowercase()));
        name
    }
}

/// What each change of a list created, in order: the real ids behind its placeholders.
struct Created(Vec<Option<Id>>);

impl Created {
    /// The real id of `id`: itself, or what the change its placeholder names created.
    fn real(&self, id: Id) -> Result<Id> {
        if id.n > 0 {
            return Ok(id);
        }
        let k = id.n.unsigned_abs() as usize;
        match self.0.get(k.wrapping_sub(1)).copied().flatten() {
            Some(real) if real.kind == id.kind => Ok(real),
            _ => Err(CoreError::internal(format!(
                "recipe: {id} names change {k}, which created no {} before it",
                id.kind.label()
            ))),
        }
    }

    /// `change` with every placeholder among its ids replaced by the real id.
    fn resolve(&self, mut change: Change) -> Result<Change> {
        change.ids_mut(&mut |id: &mut Id| {
            *id = self.real(*id)?;
            Ok(())
        })?;
        Ok(change)
    }
}

/// Applies `recipe` inside `tx`: reads the catalog, writes the list, applies each change in
/// order with its placeholders resolved. Returns the real id of the object the recipe reports
/// as created. The first refused change fails the whole list (the caller's transaction rolls
/// back).
pub(crate) fn apply(tx: &Transaction, recipe: &dyn Recipe) -> Result<Id> {
    let s = Snapshot::load(tx, &Scope::All)?;
    let written = recipe.write(&s)?;
    drop(s);
    let mut created = Created(Vec::with_capacity(written.edits.changes.len()));
    for change in written.edits.changes {
        let real = created.resolve(change)?;
        created.0.push(plain::apply(tx, &real)?);
    }
    created.real(written.created)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Side, Tier};
    use crate::store::{Catalog, NewCatalog};
    use crate::value::{Stamp, Timestamp};

    use EntityKind::{PackagePlan as PP, ServicePlan as SP};

    fn stamp() -> Stamp {
        Stamp::new("t", Timestamp::from_unix_seconds(0))
    }

    fn catalog(dir: &tempfile::TempDir) -> Catalog {
        let new = NewCatalog {
            catalog_id: "r".into(),
            name: "R".into(),
            provider: "".into(),
            tier: Tier::Wholesale,
            currency: "AUD".into(),
        };
        Catalog::create(&dir.path().join("r.plansmith"), &new, &stamp()).unwrap()
    }

    /// A recipe that writes a fixed list.
    struct Fixed(Vec<Change>, Id);

    impl Recipe for Fixed {
        fn write(&self, _: &Snapshot) -> Result<Written> {
            Ok(Written { edits: Edits { changes: self.0.clone() }, created: self.1 })
        }
    }

    fn create(kind: EntityKind, name: &str) -> Change {
        Change::CreatePlan { kind, side: Side::Buy, internal_name: name.into() }
    }

    #[test]
    fn placeholders_are_resolved_by_kind_and_position_and_text_is_left_alone() {
        let created = Created(vec![Some(Id::new(SP, 7)), None, Some(Id::new(PP, 3))]);
        let change = Change::AddServicePlan { package_plan: Id::new(PP, -3), service_plan: Id::new(SP, -1) };
        assert_eq!(
            created.resolve(change).unwrap(),
            Change::AddServicePlan { package_plan: Id::new(PP, 3), service_plan: Id::new(SP, 7) }
        );
        let named = Change::CreateCustomer { name: "SP--1".into() };
        assert_eq!(created.resolve(named.clone()).unwrap(), named);
        let field = Change::SetPlanField { id: Id::new(SP, -1), edit: PlanField::Pool(Some(Id::new(SP, -1))) };
        let pooled = Change::SetPlanField { id: Id::new(SP, 7), edit: PlanField::Pool(Some(Id::new(SP, 7))) };
        assert_eq!(created.resolve(field).unwrap(), pooled);
        assert_eq!(created.real(Id::new(SP, 12)).unwrap(), Id::new(SP, 12), "a real id stays");
        let mut edits = Edits::default();
        edits.add(create(SP, "Data (buy)"));
        assert_eq!(edits.create(PP, create(PP, "Data package (buy)")).to_string(), "PP--2");
        for wrong in [Id::new(SP, -2), Id::new(SP, -3), Id::new(SP, -4), Id::new(SP, 0)] {
            let e = created.resolve(Change::DeletePlan { id: wrong }).unwrap_err();
            assert_eq!(e.kind(), crate::error::ErrorKind::Internal, "{wrong}");
        }
    }

    /// The third change fails: the two before it are rolled back with it, and no undo step is
    /// left behind.
    #[test]
    fn a_recipe_that_fails_half_way_leaves_nothing_applied() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d);
        let before = cat.undo_redo_labels().unwrap();
        let list = vec![
            create(SP, "Data (buy)"),
            create(PP, "Data package (buy)"),
            Change::AddServicePlan { package_plan: Id::new(PP, -2), service_plan: Id::new(SP, 99) },
        ];
        let recipe = Fixed(list, Id::new(PP, -2));
        let e = cat.change("Fixed", &stamp(), |tx| apply(tx, &recipe)).unwrap_err();
        assert_eq!(e.field(), Some("service_plan"), "{e}");
        let s = cat.snapshot().unwrap();
        assert_eq!(s.plans().count(), 0, "nothing of the list is left");
        assert_eq!(cat.undo_redo_labels().unwrap(), before, "no undo step");
    }

    #[test]
    fn a_recipe_undoes_as_one_step_and_reports_the_real_id() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d);
        let list = vec![
            create(SP, "Data (buy)"),
            create(PP, "Data package (buy)"),
            Change::AddServicePlan { package_plan: Id::new(PP, -2), service_plan: Id::new(SP, -1) },
        ];
        let recipe = Fixed(list, Id::new(PP, -2));
        let pp = cat.change("Fixed", &stamp(), |tx| apply(tx, &recipe)).unwrap();
        let s = cat.snapshot().unwrap();
        assert_eq!(s.plan(pp).unwrap().package().unwrap().service_plans, vec![s.service_plans[0].id]);
        cat.undo(&stamp()).unwrap();
        assert_eq!(cat.snapshot().unwrap().plans().count(), 0, "one undo takes the whole list back");
    }

    #[test]
    fn a_recipe_inside_a_recipe_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d);
        let inner = Change::BuildStep { structure: Id::new(EntityKind::Structure, 1), step: 1 };
        let recipe = Fixed(vec![create(SP, "Data (buy)"), inner], Id::new(SP, -1));
        let e = cat.change("Fixed", &stamp(), |tx| apply(tx, &recipe)).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Internal);
        assert_eq!(cat.snapshot().unwrap().plans().count(), 0);
    }

    #[test]
    fn free_names_count_up_per_kind_and_side() {
        let d = tempfile::tempdir().unwrap();
        let mut cat = catalog(&d);
        cat.apply(&create(SP, "Data"), &stamp()).unwrap();
        let mut names = FreeNames::of(&cat.snapshot().unwrap());
        assert_eq!(names.take(SP, Side::Buy, "DATA"), "DATA 2");
        assert_eq!(names.take(SP, Side::Buy, "Data"), "Data 3");
        assert_eq!(names.take(SP, Side::Sell, "Data"), "Data");
        assert_eq!(names.take(PP, Side::Buy, "Data"), "Data");
    }
}
