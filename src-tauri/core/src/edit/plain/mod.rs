//! The plain edits: every variant of [`Change`] that writes one row family directly, grouped
//! by family (plans, links, reference data, customers, structures), with the checks they
//! share in `check`. [`apply`] is the one match from a plain change to its edit, and runs
//! inside the caller's transaction.
//!
//! What is refused here (hard errors) is only what cannot be stored meaningfully: unknown ids
//! or codes, ids of the wrong kind, edits of approved or retired objects, edits of live objects
//! outside their editable-when-live fields (LIF-02). Everything else a consultant may type in
//! any order; the rules report what is still wrong.
//!
//! Nothing here knows the recipes: a recipe is a list of these edits, never the other way.

use rusqlite::Transaction;

use crate::edit::change::Change;
use crate::error::{CoreError, Result};
use crate::id::Id;

pub(crate) mod check;
mod customer;
mod link;
mod plan;
mod reference;
mod structure;

/// Applies one plain change inside `tx`; returns the id of the object it created, if any.
/// A recipe's change (`BuildStep`, `CreateDataPool`) is refused: recipes are applied as the
/// list of plain changes they write, and never nest.
pub(crate) fn apply(tx: &Transaction, change: &Change) -> Result<Option<Id>> {
    use Change::*;
    let created = |id: Result<Id>| id.map(Some);
    let done = |r: Result<()>| r.map(|()| None);
    match change {
        CreatePlan { kind, side, internal_name } => created(plan::create_plan(tx, *kind, *side, internal_name)),
        CreateSellCounterpart { of } => created(plan::copy_sell_counterpart(tx, *of)),
        SetPlanField { id, edit } => done(plan::set_field(tx, *id, edit)),
        DeletePlan { id } => done(plan::delete_plan(tx, *id)),
        AddServicePlan { package_plan, service_plan } => done(plan::add_service_plan(tx, *package_plan, *service_plan)),
        RemoveServicePlan { package_plan, service_plan } => {
            done(plan::remove_service_plan(tx, *package_plan, *service_plan))
        }
        CreateBoltOnGroup { side, name } => created(link::create_group(tx, *side, name)),
        CreateBoltOnGroupFor { bolt_on, name } => created(link::create_group_for(tx, *bolt_on, name)),
        UpdateBoltOnGroup { id, name, description } => done(link::update_group(tx, *id, name, description)),
        DeleteBoltOnGroup { id } => done(link::delete_group(tx, *id)),
        AddGroupMember { group, bolt_on } => done(link::add_group_member(tx, *group, *bolt_on)),
        RemoveGroupMember { group, bolt_on } => done(link::remove_group_member(tx, *group, *bolt_on)),
        AddToAddOnGroup { bolt_on, add_on } => done(link::add_to_add_on_group(tx, *bolt_on, *add_on)),
        RemoveFromAddOnGroup { bolt_on, add_on } => done(link::remove_from_add_on_group(tx, *bolt_on, *add_on)),
        LinkBoltOn { service_plan, bolt_on, behaviour } => {
            created(link::link_bolt_on(tx, *service_plan, *bolt_on, *behaviour))
        }
        SetBehaviour { link, behaviour } => done(link::set_behaviour(tx, *link, *behaviour)),
        UnlinkBoltOn { link } => done(link::unlink_bolt_on(tx, *link)),
        AddAllowance { link, add_on, max_occurrence, description, buy_parent } => {
            created(link::add_allowance(tx, *link, *add_on, *max_occurrence, description, *buy_parent))
        }
        UpdateAllowance { id, max_occurrence, description, buy_parent } => {
            done(link::update_allowance(tx, *id, *max_occurrence, description, *buy_parent))
        }
        RemoveAllowance { id } => done(link::remove_allowance(tx, *id)),
        PutServiceType { service_type } => done(reference::put_service_type(tx, service_type)),
        DeleteServiceType { code } => done(reference::delete_reference(tx, "service_type", "service type", code)),
        PutBoltOnCategory { category } => done(reference::put_bolt_on_category(tx, category)),
        DeleteBoltOnCategory { code } => {
            done(reference::delete_reference(tx, "bolt_on_category", "bolt-on category", code))
        }
        PutTariff { tariff } => done(reference::put_tariff(tx, tariff)),
        DeleteTariff { code } => done(reference::delete_reference(tx, "tariff", "tariff", code)),
        UpdateSettings { name, provider, tier, currency } => {
            done(reference::update_settings(tx, name, provider, *tier, currency))
        }
        CreateCustomer { name } => created(customer::create_customer(tx, name)),
        UpdateCustomer { id, name, description, data_package } => {
            done(customer::update_customer(tx, *id, name, description, *data_package))
        }
        DeleteCustomer { id } => done(customer::delete_customer(tx, *id)),
        CreateSite { customer, name, technology, speed, service_identifier, tail_package } => {
            created(customer::create_site(tx, *customer, name, technology, speed, service_identifier, *tail_package))
        }
        UpdateSite { id, name, technology, speed, service_identifier, tail_package } => {
            done(customer::update_site(tx, *id, name, technology, speed, service_identifier, *tail_package))
        }
        DeleteSite { id } => done(customer::delete_site(tx, *id)),
        CreateStructure { kind, name, customer } => created(structure::create_structure(tx, *kind, name, *customer)),
        UpdateStructure { id, name, customer } => done(structure::update_structure(tx, *id, name, *customer)),
        AddStructureMember { structure, object, role } => done(structure::add_member(tx, *structure, *object, *role)),
        RemoveStructureMember { structure, object } => done(structure::remove_member(tx, *structure, *object)),
        DeleteStructure { id } => done(structure::delete_structure(tx, *id)),
        SaveScenario { scenario } => done(crate::rating::store::save_in(tx, scenario)),
        DeleteScenario { subject, name } => done(crate::rating::store::delete_in(tx, *subject, name)),
        BuildStep { .. } | CreateDataPool { .. } => Err(CoreError::internal(format!(
            "'{}' is a recipe, not a plain edit; a recipe's list holds plain edits only",
            change.label()
        ))),
    }
}
