//! [`Change`]: every edit a user can make, as one typed value whose serde JSON is the wire
//! format of the window (IPC), `plansmith apply` and the test fixtures. Most variants are plain
//! edits (one row family each, applied by `plain`); `BuildStep` and `CreateDataPool` are
//! recipes, applied as the list of plain edits their recipe writes. This file is the type
//! only: its label for the undo menu and the walk over the ids it holds, which is how a
//! recipe's placeholder ids are resolved without ever touching user text.

use serde::{Deserialize, Serialize};

use crate::edit::plan_field::PlanField;
use crate::error::Result;
use crate::id::{EntityKind, Id};
use crate::model::*;
use crate::value::Money;

/// Every user-facing edit. `{"op": "set_plan_field", "id": "SP-3", "edit": {"field": …}}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    CreatePlan {
        kind: EntityKind,
        side: Side,
        internal_name: String,
    },
    /// A SELL copy of a BUY plan, tied to it as its counterpart.
    CreateSellCounterpart {
        of: Id,
    },
    SetPlanField {
        id: Id,
        edit: PlanField,
    },
    DeletePlan {
        id: Id,
    },
    AddServicePlan {
        package_plan: Id,
        service_plan: Id,
    },
    RemoveServicePlan {
        package_plan: Id,
        service_plan: Id,
    },
    CreateBoltOnGroup {
        side: Side,
        name: String,
    },
    /// A new bolt-on group of the bolt-on's side, holding it (article step 5 in one edit).
    CreateBoltOnGroupFor {
        bolt_on: Id,
        name: String,
    },
    UpdateBoltOnGroup {
        id: Id,
        name: String,
        description: Option<String>,
    },
    DeleteBoltOnGroup {
        id: Id,
    },
    AddGroupMember {
        group: Id,
        bolt_on: Id,
    },
    RemoveGroupMember {
        group: Id,
        bolt_on: Id,
    },
    /// Puts an add-on in a bolt-on's add-on group.
    AddToAddOnGroup {
        bolt_on: Id,
        add_on: Id,
    },
    RemoveFromAddOnGroup {
        bolt_on: Id,
        add_on: Id,
    },
    LinkBoltOn {
        service_plan: Id,
        bolt_on: Id,
        behaviour: Option<Behaviour>,
    },
    SetBehaviour {
        link: Id,
        behaviour: Option<Behaviour>,
    },
    UnlinkBoltOn {
        link: Id,
    },
    AddAllowance {
        link: Id,
        add_on: Id,
        max_occurrence: i64,
        description: Option<String>,
        buy_parent: Option<Id>,
    },
    UpdateAllowance {
        id: Id,
        max_occurrence: i64,
        description: Option<String>,
        buy_parent: Option<Id>,
    },
    RemoveAllowance {
        id: Id,
    },
    PutServiceType {
        service_type: ServiceType,
    },
    DeleteServiceType {
        code: String,
    },
    PutBoltOnCategory {
        category: BoltOnCategory,
    },
    DeleteBoltOnCategory {
        code: String,
    },
    PutTariff {
        tariff: Tariff,
    },
    DeleteTariff {
        code: String,
    },
    UpdateSettings {
        name: String,
        provider: String,
        tier: Tier,
        currency: String,
    },
    CreateCustomer {
        name: String,
    },
    UpdateCustomer {
        id: Id,
        name: String,
        description: Option<String>,
        data_package: Option<Id>,
    },
    DeleteCustomer {
        id: Id,
    },
    CreateSite {
        customer: Id,
        name: String,
        technology: String,
        speed: String,
        service_identifier: Option<String>,
        tail_package: Option<Id>,
    },
    UpdateSite {
        id: Id,
        name: String,
        technology: String,
        speed: String,
        service_identifier: Option<String>,
        tail_package: Option<Id>,
    },
    DeleteSite {
        id: Id,
    },
    CreateStructure {
        kind: StructureKind,
        name: String,
        customer: Option<Id>,
    },
    UpdateStructure {
        id: Id,
        name: String,
        customer: Option<Id>,
    },
    AddStructureMember {
        structure: Id,
        object: Id,
        role: MemberRole,
    },
    RemoveStructureMember {
        structure: Id,
        object: Id,
    },
    DeleteStructure {
        id: Id,
    },
    /// Takes an open step of a structure's build checklist: creates what the step needs, as
    /// the build step recipe (`recipe::build_step::plan_step`) decides. `Applied.created` is
    /// the object to open.
    BuildStep {
        structure: Id,
        step: u32,
    },
    /// A customer's data pool (domain.md §3): the data-allowance service plan with `own` data
    /// billing (the pool quota and excess rate) in a data package the customer orders once;
    /// BUY and SELL for a wholesaler (steps 1 to 4 of the shared-data article), SELL only for a
    /// retailer. `Applied.created` is the SELL service plan.
    CreateDataPool {
        customer: Id,
        name: String,
        service_type: Option<String>,
        quota_kb: Option<i64>,
        /// SELL, per GB above the pool.
        excess_rate: Option<Money>,
        /// BUY (wholesale): what the carrier charges per GB above the pool.
        buy_excess_rate: Option<Money>,
    },
}

impl Change {
    /// The words shown in the undo menu and the history.
    pub fn label(&self) -> String {
        match self {
            Change::CreatePlan { kind, side, internal_name } => {
                format!("Create {side} {} '{internal_name}'", kind.label())
            }
            Change::CreateSellCounterpart { of } => format!("Create SELL counterpart of {of}"),
            Change::SetPlanField { id, edit } => format!("Set {} of {id}", edit.name()),
            Change::DeletePlan { id } => format!("Delete {id}"),
            Change::AddServicePlan { package_plan, service_plan } => format!("Add {service_plan} to {package_plan}"),
            Change::RemoveServicePlan { package_plan, service_plan } => {
                format!("Remove {service_plan} from {package_plan}")
            }
            Change::CreateBoltOnGroup { name, .. } => format!("Create bolt-on group '{name}'"),
            Change::CreateBoltOnGroupFor { bolt_on, name } => format!("Create bolt-on group '{name}' with {bolt_on}"),
            Change::UpdateBoltOnGroup { id, .. } => format!("Edit {id}"),
            Change::DeleteBoltOnGroup { id } => format!("Delete {id}"),
            Change::AddGroupMember { group, bolt_on } => format!("Add {bolt_on} to {group}"),
            Change::RemoveGroupMember { group, bolt_on } => {
                format!("Remove {bolt_on} from {group}")
            }
            Change::AddToAddOnGroup { bolt_on, add_on } => {
                format!("Add {add_on} to the add-on group of {bolt_on}")
            }
            Change::RemoveFromAddOnGroup { bolt_on, add_on } => {
                format!("Remove {add_on} from the add-on group of {bolt_on}")
            }
            Change::LinkBoltOn { service_plan, bolt_on, .. } => format!("Link {bolt_on} to {service_plan}"),
            Change::SetBehaviour { link, .. } => format!("Set behaviour of {link}"),
            Change::UnlinkBoltOn { link } => format!("Remove link {link}"),
            Change::AddAllowance { link, add_on, .. } => {
                format!("Add allowance for {add_on} under {link}")
            }
            Change::UpdateAllowance { id, .. } => format!("Edit {id}"),
            Change::RemoveAllowance { id } => format!("Remove {id}"),
            Change::PutServiceType { service_type } => {
                format!("Save service type {}", service_type.code)
            }
            Change::DeleteServiceType { code } => format!("Delete service type {code}"),
            Change::PutBoltOnCategory { category } => {
                format!("Save bolt-on category {}", category.code)
            }
            Change::DeleteBoltOnCategory { code } => format!("Delete bolt-on category {code}"),
            Change::PutTariff { tariff } => format!("Save tariff {}", tariff.code),
            Change::DeleteTariff { code } => format!("Delete tariff {code}"),
            Change::UpdateSettings { .. } => "Edit catalog settings".to_string(),
            Change::CreateCustomer { name } => format!("Create customer '{name}'"),
            Change::UpdateCustomer { id, .. } => format!("Edit {id}"),
            Change::DeleteCustomer { id } => format!("Delete {id}"),
            Change::CreateSite { name, .. } => format!("Create site '{name}'"),
            Change::UpdateSite { id, .. } => format!("Edit {id}"),
            Change::DeleteSite { id } => format!("Delete {id}"),
            Change::CreateStructure { name, .. } => format!("Create structure '{name}'"),
            Change::UpdateStructure { id, .. } => format!("Edit {id}"),
            Change::AddStructureMember { structure, object, .. } => format!("Add {object} to {structure}"),
            Change::RemoveStructureMember { structure, object } => {
                format!("Remove {object} from {structure}")
            }
            Change::DeleteStructure { id } => format!("Delete {id}"),
            Change::BuildStep { structure, step } => format!("Build step {step} of {structure}"),
            Change::CreateDataPool { customer, name, .. } => format!("Create data pool '{name}' for {customer}"),
        }
    }

    /// Calls `f` on every id the change holds, in field order. One arm per variant, every
    /// field named and no catch-all: a new variant, or a new field, must say here whether it
    /// holds an id, or the crate does not compile. Names, descriptions and codes are never
    /// visited.
    pub(crate) fn ids_mut(&mut self, f: &mut impl FnMut(&mut Id) -> Result<()>) -> Result<()> {
        fn some(id: &mut Option<Id>, f: &mut impl FnMut(&mut Id) -> Result<()>) -> Result<()> {
            id.as_mut().map_or(Ok(()), f)
        }
        match self {
            Change::CreatePlan { kind: _, side: _, internal_name: _ } => Ok(()),
            Change::CreateSellCounterpart { of } => f(of),
            Change::SetPlanField { id, edit } => {
                f(id)?;
                edit.ids_mut(f)
            }
            Change::DeletePlan { id } => f(id),
            Change::AddServicePlan { package_plan, service_plan }
            | Change::RemoveServicePlan { package_plan, service_plan } => {
                f(package_plan)?;
                f(service_plan)
            }
            Change::CreateBoltOnGroup { side: _, name: _ } => Ok(()),
            Change::CreateBoltOnGroupFor { bolt_on, name: _ } => f(bolt_on),
            Change::UpdateBoltOnGroup { id, name: _, description: _ } => f(id),
            Change::DeleteBoltOnGroup { id } => f(id),
            Change::AddGroupMember { group, bolt_on } | Change::RemoveGroupMember { group, bolt_on } => {
                f(group)?;
                f(bolt_on)
            }
            Change::AddToAddOnGroup { bolt_on, add_on } | Change::RemoveFromAddOnGroup { bolt_on, add_on } => {
                f(bolt_on)?;
                f(add_on)
            }
            Change::LinkBoltOn { service_plan, bolt_on, behaviour: _ } => {
                f(service_plan)?;
                f(bolt_on)
            }
            Change::SetBehaviour { link, behaviour: _ } => f(link),
            Change::UnlinkBoltOn { link } => f(link),
            Change::AddAllowance { link, add_on, max_occurrence: _, description: _, buy_parent } => {
                f(link)?;
                f(add_on)?;
                some(buy_parent, f)
            }
            Change::UpdateAllowance { id, max_occurrence: _, description: _, buy_parent } => {
                f(id)?;
                some(buy_parent, f)
            }
            Change::RemoveAllowance { id } => f(id),
            Change::PutServiceType { service_type: _ }
            | Change::DeleteServiceType { code: _ }
            | Change::PutBoltOnCategory { category: _ }
            | Change::DeleteBoltOnCategory { code: _ }
            | Change::PutTariff { tariff: _ }
            | Change::DeleteTariff { code: _ }
            | Change::UpdateSettings { name: _, provider: _, tier: _, currency: _ }
            | Change::CreateCustomer { name: _ } => Ok(()),
            Change::UpdateCustomer { id, name: _, description: _, data_package } => {
                f(id)?;
                some(data_package, f)
            }
            Change::DeleteCustomer { id } => f(id),
            Change::CreateSite { customer, name: _, technology: _, speed: _, service_identifier: _, tail_package } => {
                f(customer)?;
                some(tail_package, f)
            }
            Change::UpdateSite { id, name: _, technology: _, speed: _, service_identifier: _, tail_package } => {
                f(id)?;
                some(tail_package, f)
            }
            Change::DeleteSite { id } => f(id),
            Change::CreateStructure { kind: _, name: _, customer } => some(customer, f),
            Change::UpdateStructure { id, name: _, customer } => {
                f(id)?;
                some(customer, f)
            }
            Change::AddStructureMember { structure, object, role: _ } => {
                f(structure)?;
                f(object)
            }
            Change::RemoveStructureMember { structure, object } => {
                f(structure)?;
                f(object)
            }
            Change::DeleteStructure { id } => f(id),
            Change::BuildStep { structure, step: _ } => f(structure),
            Change::CreateDataPool {
                customer,
                name: _,
                service_type: _,
                quota_kb: _,
                excess_rate: _,
                buy_excess_rate: _,
            } => f(customer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityKind::{Customer as CU, PackagePlan as PP, ServicePlan as SP};

    fn visited(mut change: Change) -> Vec<Id> {
        let mut seen = Vec::new();
        change
            .ids_mut(&mut |id: &mut Id| {
                seen.push(*id);
                Ok(())
            })
            .unwrap();
        seen
    }

    /// The JSON the window, `plansmith apply` and the fixtures send, pinned to the letter.
    #[test]
    fn the_wire_format_is_the_documented_json() {
        let cases = [
            (
                Change::SetPlanField { id: Id::new(SP, 3), edit: PlanField::Pool(Some(Id::new(SP, 2))) },
                r#"{"op":"set_plan_field","id":"SP-3","edit":{"field":"pool","value":"SP-2"}}"#,
            ),
            (
                Change::BuildStep { structure: Id::new(EntityKind::Structure, 1), step: 4 },
                r#"{"op":"build_step","structure":"ST-1","step":4}"#,
            ),
            (
                Change::CreateDataPool {
                    customer: Id::new(CU, 1),
                    name: "SP--1".into(),
                    service_type: None,
                    quota_kb: Some(5),
                    excess_rate: Some(Money(200)),
                    buy_excess_rate: None,
                },
                r#"{"op":"create_data_pool","customer":"CU-1","name":"SP--1","service_type":null,"quota_kb":5,"excess_rate":200,"buy_excess_rate":null}"#,
            ),
        ];
        for (change, json) in cases {
            assert_eq!(serde_json::to_string(&change).unwrap(), json);
            assert_eq!(serde_json::from_str::<Change>(json).unwrap(), change);
        }
    }

    #[test]
    fn the_id_walk_visits_ids_and_never_text() {
        let site = Change::CreateSite {
            customer: Id::new(CU, 1),
            name: "SP--1".into(),
            technology: "PP--2".into(),
            speed: "1".into(),
            service_identifier: Some("CU--1".into()),
            tail_package: Some(Id::new(PP, 4)),
        };
        assert_eq!(visited(site), [Id::new(CU, 1), Id::new(PP, 4)]);
        let pooled = Change::SetPlanField { id: Id::new(SP, 3), edit: PlanField::Pool(Some(Id::new(SP, 2))) };
        assert_eq!(visited(pooled), [Id::new(SP, 3), Id::new(SP, 2)]);
        let named = Change::SetPlanField { id: Id::new(SP, 3), edit: PlanField::InternalName("SP--1".into()) };
        assert_eq!(visited(named), [Id::new(SP, 3)]);
        assert_eq!(visited(Change::CreateCustomer { name: "PP--2".into() }), []);
    }
}
