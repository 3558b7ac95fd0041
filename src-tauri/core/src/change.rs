//! Every edit a user can make, as one typed value. The window, the CLI (`plansmith apply`),
//! the interchange loader's tests and the property tests all go through [`Catalog::apply`], so
//! each edit is validated, guarded by the lifecycle, captured for undo, and committed as one
//! transaction in exactly one place.
//!
//! What is refused here (hard errors) is only what cannot be stored meaningfully: unknown ids
//! or codes, ids of the wrong kind, edits of approved or retired objects, edits of live objects
//! outside their editable-when-live fields (LIF-02). Everything else a consultant may type in
//! any order; the rules report what is still wrong.

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, ErrorKind, Result};
use crate::id::{EntityKind, Id};
use crate::model::*;
use crate::store::Catalog;
use crate::value::{Currency, Date, Money, Stamp};

/// One field of a plan and its new value. `{"field": "setup_fee", "value": 1250}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case", deny_unknown_fields)]
pub enum PlanField {
    Side(Side),
    InternalName(String),
    ExternalName(Option<String>),
    ReferenceName(Option<String>),
    ReferenceKey(Option<String>),
    ImportReference(Option<String>),
    Description(Option<String>),
    ExternalDescription(Option<String>),
    ServiceType(Option<String>),
    BuyCounterpart(Option<Id>),
    SetupFee(Option<Money>),
    AccessFee(Option<Money>),
    Recurring(bool),
    ProRata(bool),
    SaleableFrom(Option<Date>),
    SaleableTo(Option<Date>),
    /// Package plan.
    Weighting(i64),
    /// Package plan (its one option) and bolt-on (its allocation).
    IncludedValue(Option<IncludedValue>),
    /// Service plan: up to four slots.
    IncludedValues(Vec<IncludedValue>),
    /// Service plan data billing.
    DataBilling(DataBillingMode),
    BillingType(Option<BillingType>),
    QuotaKb(Option<i64>),
    /// Service plan (data billing, per GB) and bolt-on (above the allocation).
    ExcessRate(Option<Money>),
    ChargeInQuota(bool),
    BonusKb(Option<i64>),
    Pool(Option<Id>),
    /// Bolt-on and add-on.
    BoltOnCategory(Option<String>),
    Tariff(Option<String>),
    /// Bolt-on.
    FirstTimeFee(Option<Money>),
    /// Add-on (screen 1).
    IncludedValueType(Option<IncludedValueType>),
    /// Add-on (screen 2).
    IsProvisioned(bool),
    ProvisioningKey(Option<String>),
    Quotas(Vec<Quota>),
    AvailableInApi(Option<bool>),
    AvailableInUserPortal(Option<bool>),
}

use EntityKind::{BoltOn as BO, BoltOnAddOn as AO, PackagePlan as PP, ServicePlan as SP};

impl PlanField {
    /// The canonical field name.
    pub fn name(&self) -> &'static str {
        match self {
            PlanField::Side(_) => "side",
            PlanField::InternalName(_) => "internal_name",
            PlanField::ExternalName(_) => "external_name",
            PlanField::ReferenceName(_) => "reference_name",
            PlanField::ReferenceKey(_) => "reference_key",
            PlanField::ImportReference(_) => "import_reference",
            PlanField::Description(_) => "description",
            PlanField::ExternalDescription(_) => "external_description",
            PlanField::ServiceType(_) => "service_type",
            PlanField::BuyCounterpart(_) => "buy_counterpart",
            PlanField::SetupFee(_) => "setup_fee",
            PlanField::AccessFee(_) => "access_fee",
            PlanField::Recurring(_) => "recurring",
            PlanField::ProRata(_) => "pro_rata",
            PlanField::SaleableFrom(_) => "saleable_from",
            PlanField::SaleableTo(_) => "saleable_to",
            PlanField::Weighting(_) => "weighting",
            PlanField::IncludedValue(_) => "included_value",
            PlanField::IncludedValues(_) => "included_values",
            PlanField::DataBilling(_) => "data_billing",
            PlanField::BillingType(_) => "billing_type",
            PlanField::QuotaKb(_) => "quota_kb",
            PlanField::ExcessRate(_) => "excess_rate",
            PlanField::ChargeInQuota(_) => "charge_in_quota",
            PlanField::BonusKb(_) => "bonus_kb",
            PlanField::Pool(_) => "pool",
            PlanField::BoltOnCategory(_) => "bolt_on_category",
            PlanField::Tariff(_) => "tariff",
            PlanField::FirstTimeFee(_) => "first_time_fee",
            PlanField::IncludedValueType(_) => "included_value_type",
            PlanField::IsProvisioned(_) => "is_provisioned",
            PlanField::ProvisioningKey(_) => "provisioning_key",
            PlanField::Quotas(_) => "quotas",
            PlanField::AvailableInApi(_) => "available_in_api",
            PlanField::AvailableInUserPortal(_) => "available_in_user_portal",
        }
    }

    /// The plan kinds that have this field.
    pub fn kinds(&self) -> &'static [EntityKind] {
        match self {
            PlanField::ServiceType(_) => &[SP, BO, AO],
            PlanField::Weighting(_) => &[PP],
            PlanField::IncludedValue(_) => &[PP, BO],
            PlanField::IncludedValues(_)
            | PlanField::DataBilling(_)
            | PlanField::BillingType(_)
            | PlanField::QuotaKb(_)
            | PlanField::ChargeInQuota(_)
            | PlanField::BonusKb(_)
            | PlanField::Pool(_) => &[SP],
            PlanField::ExcessRate(_) => &[SP, BO],
            PlanField::BoltOnCategory(_) | PlanField::Tariff(_) => &[BO, AO],
            PlanField::FirstTimeFee(_) => &[BO],
            PlanField::IncludedValueType(_)
            | PlanField::IsProvisioned(_)
            | PlanField::ProvisioningKey(_)
            | PlanField::Quotas(_)
            | PlanField::AvailableInApi(_)
            | PlanField::AvailableInUserPortal(_) => &[AO],
            _ => &[PP, SP, BO, AO],
        }
    }

    /// Fields a live object may still change (domain.md §5): names, reference name/key, import
    /// reference, descriptions, and the data billing quota and excess rates.
    pub fn editable_when_live(&self, kind: EntityKind) -> bool {
        match self {
            PlanField::InternalName(_)
            | PlanField::ExternalName(_)
            | PlanField::ReferenceName(_)
            | PlanField::ReferenceKey(_)
            | PlanField::ImportReference(_)
            | PlanField::Description(_)
            | PlanField::ExternalDescription(_) => true,
            PlanField::QuotaKb(_) | PlanField::ExcessRate(_) => kind == SP,
            _ => false,
        }
    }
}

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
    /// `build_step::plan_step` decides. `Applied.created` is the object to open.
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
    /// Saves a rating scenario of a structure or customer (replacing one of the same name).
    SaveScenario {
        scenario: crate::rating::Scenario,
    },
    /// Deletes the saved scenario `name` of `subject`.
    DeleteScenario {
        subject: Id,
        name: String,
    },
}

/// What an applied change did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The undo label ("Set setup_fee of SP-3").
    pub label: String,
    /// The id of the object the change created, if any.
    pub created: Option<Id>,
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
            Change::SaveScenario { scenario } => format!("Save scenario '{}' of {}", scenario.name, scenario.subject),
            Change::DeleteScenario { subject, name } => format!("Delete scenario '{name}' of {subject}"),
        }
    }
}

impl Catalog {
    /// Applies one change as one undoable, durable transaction.
    pub fn apply(&mut self, change: &Change, stamp: &Stamp) -> Result<Applied> {
        let label = change.label();
        let created = self.change(&label, stamp, |tx| apply_in(tx, change))?;
        Ok(Applied { label, created })
    }
}

/// Text from a person: trimmed; empty means "not set".
fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn must_exist(tx: &Transaction, id: Id, field: &str) -> Result<()> {
    let found: bool = tx
        .prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE id = ?1)", id.kind.table()))?
        .query_row([id.n], |r| r.get(0))?;
    if found {
        Ok(())
    } else {
        Err(CoreError::not_found(format!("{field}: there is no {} {id} in this catalog", id.kind.label()))
            .with_field(field))
    }
}

fn must_be(tx: &Transaction, id: Id, kind: EntityKind, field: &str) -> Result<()> {
    id.expect(kind, field)?;
    must_exist(tx, id, field)
}

fn code_exists(tx: &Transaction, table: &str, code: &str, field: &str, what: &str) -> Result<()> {
    let found: bool =
        tx.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE code = ?1)",), [code], |r| r.get(0))?;
    if found {
        Ok(())
    } else {
        Err(CoreError::not_found(format!(
            "{field}: there is no {what} with code '{code}'; add it under reference data first"
        ))
        .with_field(field))
    }
}

/// Status and side of a plan.
pub(crate) fn plan_state(tx: &Transaction, id: Id) -> Result<(Status, Side)> {
    if !id.kind.is_plan() {
        return Err(CoreError::invalid(
            "id",
            format!("{id} is not a plan (package plan, service plan, bolt-on or add-on)"),
        ));
    }
    let row: Option<(String, String)> = tx
        .prepare_cached(&format!("SELECT status, side FROM \"{}\" WHERE id = ?1", id.kind.table()))?
        .query_row([id.n], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (status, side) =
        row.ok_or_else(|| CoreError::not_found(format!("there is no {} {id} in this catalog", id.kind.label())))?;
    Ok((Status::parse(&status)?, Side::parse(&side)?))
}

/// Lifecycle guard for an edit of `id`. `field` is the plan field being set, if any; link and
/// membership edits pass `None` (they are never editable once approved or live).
fn guard(tx: &Transaction, id: Id, field: Option<&PlanField>, what: &str) -> Result<()> {
    let (status, _) = plan_state(tx, id)?;
    match status {
        Status::Draft => Ok(()),
        Status::Approved => Err(CoreError::new(
            ErrorKind::ReadOnly,
            format!("{id} is approved and read-only, so {what} cannot change; reopen it (with a reason) to edit it"),
        )
        .with_field(field.map(|f| f.name()).unwrap_or("status"))),
        Status::Live => match field {
            Some(f) if f.editable_when_live(id.kind) => Ok(()),
            _ => Err(CoreError::new(
                ErrorKind::Lifecycle,
                format!(
                    "LIF-02 {id} is live, so {what} cannot change; only names, reference name/key, import reference, descriptions{} may change on a live object. Build a new plan for this change",
                    if id.kind == SP { " and the data billing quota and excess rate" } else { "" }
                ),
            )
            .with_field(field.map(|f| f.name()).unwrap_or("status"))),
        },
        Status::Retired => Err(CoreError::new(
            ErrorKind::ReadOnly,
            format!("{id} is retired and kept for history only, so {what} cannot change; build a new plan instead"),
        )
        .with_field(field.map(|f| f.name()).unwrap_or("status"))),
    }
}

fn next_position(tx: &Transaction, table: &str, parent_col: &str, parent: i64) -> Result<i64> {
    Ok(tx.query_row(
        &format!("SELECT COALESCE(MAX(position), 0) + 1 FROM {table} WHERE {parent_col} = ?1"),
        [parent],
        |r| r.get(0),
    )?)
}

fn insert_plan(tx: &Transaction, kind: EntityKind, side: Side, name: &str) -> Result<Id> {
    let sql = match kind {
        PP => {
            "INSERT INTO package_plan (side, internal_name, recurring, pro_rata, status, weighting) VALUES (?1, ?2, 1, 0, 'draft', 0)"
        }
        SP => {
            "INSERT INTO service_plan (side, internal_name, recurring, pro_rata, status, data_billing, charge_in_quota) VALUES (?1, ?2, 1, 0, 'draft', 'none', 0)"
        }
        BO => "INSERT INTO bolt_on (side, internal_name, recurring, pro_rata, status) VALUES (?1, ?2, 1, 0, 'draft')",
        AO => {
            "INSERT INTO bolt_on_add_on (side, internal_name, recurring, pro_rata, status, is_provisioned) VALUES (?1, ?2, 1, 0, 'draft', 0)"
        }
        _ => {
            return Err(CoreError::invalid(
                "kind",
                format!(
                    "{} is not a plan kind; plans are package_plan, service_plan, bolt_on, bolt_on_add_on",
                    kind.name()
                ),
            ));
        }
    };
    tx.execute(sql, params![side.as_str(), name.trim()])?;
    Ok(Id::new(kind, tx.last_insert_rowid()))
}

fn set_column(tx: &Transaction, id: Id, column: &str, value: &dyn rusqlite::ToSql) -> Result<()> {
    tx.prepare_cached(&format!("UPDATE \"{}\" SET {column} = ?1 WHERE id = ?2", id.kind.table()))?
        .execute(params![value, id.n])?;
    Ok(())
}

fn check_included_values(field: &str, ivs: &[IncludedValue]) -> Result<()> {
    if ivs.len() > 4 {
        return Err(CoreError::invalid(
            field,
            format!("{field}: {} slots given; Emersion allows at most 4", ivs.len()),
        ));
    }
    Ok(())
}

fn set_field(tx: &Transaction, id: Id, edit: &PlanField) -> Result<()> {
    let name = edit.name();
    if !edit.kinds().contains(&id.kind) {
        let on: Vec<&str> = edit.kinds().iter().map(|k| k.label()).collect();
        return Err(CoreError::invalid(
            name,
            format!("{id} is a {} and has no field '{name}' (it belongs to: {})", id.kind.label(), on.join(", ")),
        ));
    }
    guard(tx, id, Some(edit), &format!("its {name}"))?;
    let money = |m: &Option<Money>| m.map(|m| m.0);
    match edit {
        PlanField::Side(s) => set_column(tx, id, "side", &s.as_str()),
        PlanField::InternalName(s) => set_column(tx, id, "internal_name", &s.trim()),
        PlanField::ExternalName(s) => set_column(tx, id, "external_name", &clean(s)),
        PlanField::ReferenceName(s) => set_column(tx, id, "reference_name", &clean(s)),
        PlanField::ReferenceKey(s) => set_column(tx, id, "reference_key", &clean(s)),
        PlanField::ImportReference(s) => set_column(tx, id, "import_reference", &clean(s)),
        PlanField::Description(s) => set_column(tx, id, "description", &clean(s)),
        PlanField::ExternalDescription(s) => set_column(tx, id, "external_description", &clean(s)),
        PlanField::ServiceType(code) => {
            let code = clean(code);
            if let Some(c) = &code {
                code_exists(tx, "service_type", c, name, "service type")?;
            }
            set_column(tx, id, "service_type", &code)
        }
        PlanField::BuyCounterpart(other) => {
            if let Some(o) = other {
                must_be(tx, *o, id.kind, name)?;
                if *o == id {
                    return Err(CoreError::invalid(name, format!("{id} cannot be its own BUY counterpart")));
                }
            }
            set_column(tx, id, "buy_counterpart", &other.map(|o| o.n))
        }
        PlanField::SetupFee(m) => set_column(tx, id, "setup_fee", &money(m)),
        PlanField::AccessFee(m) => set_column(tx, id, "access_fee", &money(m)),
        PlanField::Recurring(b) => set_column(tx, id, "recurring", b),
        PlanField::ProRata(b) => set_column(tx, id, "pro_rata", b),
        PlanField::SaleableFrom(d) => set_column(tx, id, "saleable_from", &d.map(|d| d.to_string())),
        PlanField::SaleableTo(d) => set_column(tx, id, "saleable_to", &d.map(|d| d.to_string())),
        PlanField::Weighting(w) => set_column(tx, id, "weighting", w),
        PlanField::IncludedValue(v) => {
            // One statement: the table's CHECK wants type and amount both set or both empty.
            tx.execute(
                &format!("UPDATE \"{}\" SET iv_type = ?1, iv_amount = ?2 WHERE id = ?3", id.kind.table()),
                params![v.map(|v| v.value_type.as_str()), v.map(|v| v.amount), id.n],
            )?;
            Ok(())
        }
        PlanField::IncludedValues(ivs) => {
            check_included_values(name, ivs)?;
            tx.execute("DELETE FROM service_plan_included_value WHERE service_plan = ?1", [id.n])?;
            for (i, v) in ivs.iter().enumerate() {
                tx.execute(
                    "INSERT INTO service_plan_included_value (service_plan, slot, value_type, amount) VALUES (?1, ?2, ?3, ?4)",
                    params![id.n, i as i64 + 1, v.value_type.as_str(), v.amount],
                )?;
            }
            Ok(())
        }
        PlanField::DataBilling(m) => set_column(tx, id, "data_billing", &m.as_str()),
        PlanField::BillingType(b) => set_column(tx, id, "billing_type", &b.map(|b| b.as_str())),
        PlanField::QuotaKb(q) => set_column(tx, id, "quota_kb", q),
        PlanField::ExcessRate(m) => set_column(tx, id, "excess_rate", &money(m)),
        PlanField::ChargeInQuota(b) => set_column(tx, id, "charge_in_quota", b),
        PlanField::BonusKb(q) => set_column(tx, id, "bonus_kb", q),
        PlanField::Pool(p) => {
            if let Some(p) = p {
                must_be(tx, *p, SP, name)?;
                if *p == id {
                    return Err(CoreError::invalid(
                        name,
                        format!("{id} cannot pool data from itself; choose the data-allowance service plan"),
                    ));
                }
            }
            set_column(tx, id, "pool", &p.map(|p| p.n))
        }
        PlanField::BoltOnCategory(c) => {
            let c = clean(c);
            if let Some(c) = &c {
                code_exists(tx, "bolt_on_category", c, name, "bolt-on category")?;
            }
            set_column(tx, id, "bolt_on_category", &c)
        }
        PlanField::Tariff(c) => {
            let c = clean(c);
            if let Some(c) = &c {
                code_exists(tx, "tariff", c, name, "tariff")?;
            }
            set_column(tx, id, "tariff", &c)
        }
        PlanField::FirstTimeFee(m) => set_column(tx, id, "first_time_fee", &money(m)),
        PlanField::IncludedValueType(t) => set_column(tx, id, "iv_type", &t.map(|t| t.as_str())),
        PlanField::IsProvisioned(b) => set_column(tx, id, "is_provisioned", b),
        PlanField::ProvisioningKey(s) => set_column(tx, id, "provisioning_key", &clean(s)),
        PlanField::Quotas(qs) => {
            if qs.len() > 4 {
                return Err(CoreError::invalid(
                    name,
                    format!("quotas: {} given; an add-on has at most 4 quotas", qs.len()),
                ));
            }
            tx.execute("DELETE FROM add_on_quota WHERE add_on = ?1", [id.n])?;
            for (i, q) in qs.iter().enumerate() {
                tx.execute(
                    "INSERT INTO add_on_quota (add_on, slot, value_type, bonus_type, amount, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id.n, i as i64 + 1, q.value_type.as_str(), q.bonus_type.map(|b| b.as_str()), q.amount, q.weight],
                )?;
            }
            Ok(())
        }
        PlanField::AvailableInApi(b) => set_column(tx, id, "available_in_api", b),
        PlanField::AvailableInUserPortal(b) => set_column(tx, id, "available_in_user_portal", b),
    }
}

/// Objects that point at `id` in a way that forbids deleting it, as "SP-4 (its BUY counterpart)".
fn referrers(tx: &Transaction, id: Id) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut collect = |sql: &str, what: &str| -> Result<()> {
        let mut st = tx.prepare(sql)?;
        for r in st.query_map([id.n], |r| r.get::<_, String>(0))? {
            out.push(format!("{} ({what})", r?));
        }
        Ok(())
    };
    let t = id.kind.table();
    let p = id.kind.prefix();
    collect(&format!("SELECT '{p}-' || id FROM \"{t}\" WHERE buy_counterpart = ?1"), "names it as BUY counterpart")?;
    match id.kind {
        PP => {
            collect("SELECT 'CU-' || id FROM customer WHERE data_package = ?1", "orders it as data package")?;
            collect("SELECT 'SI-' || id FROM site WHERE tail_package = ?1", "orders it as tail package")?;
        }
        SP => {
            collect("SELECT 'SP-' || id FROM service_plan WHERE pool = ?1", "pools data from it")?;
        }
        _ => {}
    }
    Ok(out)
}

/// Deletes a draft plan and what belongs to it (its links, allowances, memberships).
fn delete_plan(tx: &Transaction, id: Id) -> Result<()> {
    guard(tx, id, None, "it")?;
    let refs = referrers(tx, id)?;
    if !refs.is_empty() {
        return Err(CoreError::conflict(format!(
            "{id} cannot be deleted while other objects point at it: {}; change those first",
            refs.join(", ")
        )));
    }
    // Containers that are not draft would change by losing this member.
    let containers: Vec<Id> = match id.kind {
        SP => ids(tx, "SELECT package_plan FROM package_plan_service_plan WHERE service_plan = ?1", id.n, PP)?,
        BO => ids(tx, "SELECT service_plan FROM bolt_on_link WHERE bolt_on = ?1", id.n, SP)?,
        AO => {
            let mut v = ids(tx, "SELECT bolt_on FROM add_on_group_member WHERE add_on = ?1", id.n, BO)?;
            v.extend(ids(
                tx,
                "SELECT l.service_plan FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE a.add_on = ?1",
                id.n,
                SP,
            )?);
            v
        }
        _ => vec![],
    };
    for c in containers {
        guard(tx, c, None, &format!("its content (it holds {id})"))?;
    }
    let n = id.n;
    match id.kind {
        PP => {
            tx.execute("DELETE FROM package_plan_service_plan WHERE package_plan = ?1", [n])?;
        }
        SP => {
            tx.execute("DELETE FROM package_plan_service_plan WHERE service_plan = ?1", [n])?;
            tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent IN (SELECT a.id FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE l.service_plan = ?1)", [n])?;
            tx.execute(
                "DELETE FROM allowance WHERE bolt_on_link IN (SELECT id FROM bolt_on_link WHERE service_plan = ?1)",
                [n],
            )?;
            tx.execute("DELETE FROM bolt_on_link WHERE service_plan = ?1", [n])?;
            tx.execute("DELETE FROM service_plan_included_value WHERE service_plan = ?1", [n])?;
        }
        BO => {
            tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent IN (SELECT a.id FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE l.bolt_on = ?1)", [n])?;
            tx.execute(
                "DELETE FROM allowance WHERE bolt_on_link IN (SELECT id FROM bolt_on_link WHERE bolt_on = ?1)",
                [n],
            )?;
            tx.execute("DELETE FROM bolt_on_link WHERE bolt_on = ?1", [n])?;
            tx.execute("DELETE FROM bolt_on_group_member WHERE bolt_on = ?1", [n])?;
            tx.execute("DELETE FROM add_on_group_member WHERE bolt_on = ?1", [n])?;
        }
        AO => {
            tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent IN (SELECT id FROM allowance WHERE add_on = ?1)", [n])?;
            tx.execute("DELETE FROM allowance WHERE add_on = ?1", [n])?;
            tx.execute("DELETE FROM add_on_group_member WHERE add_on = ?1", [n])?;
            tx.execute("DELETE FROM add_on_quota WHERE add_on = ?1", [n])?;
        }
        _ => {}
    }
    tx.execute("DELETE FROM structure_member WHERE object = ?1", [id.to_string()])?;
    tx.execute(&format!("DELETE FROM \"{}\" WHERE id = ?1", id.kind.table()), [n])?;
    Ok(())
}

fn ids(tx: &Transaction, sql: &str, n: i64, kind: EntityKind) -> Result<Vec<Id>> {
    let mut st = tx.prepare(sql)?;
    let v = st.query_map([n], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(v.into_iter().map(|n| Id::new(kind, n)).collect())
}

fn link_service_plan(tx: &Transaction, link: Id) -> Result<Id> {
    link.expect(EntityKind::BoltOnLink, "link")?;
    let sp: Option<i64> =
        tx.query_row("SELECT service_plan FROM bolt_on_link WHERE id = ?1", [link.n], |r| r.get(0)).optional()?;
    sp.map(|n| Id::new(SP, n)).ok_or_else(|| {
        CoreError::not_found(format!("there is no bolt-on link {link} in this catalog")).with_field("link")
    })
}

fn allowance_service_plan(tx: &Transaction, id: Id) -> Result<Id> {
    id.expect(EntityKind::Allowance, "id")?;
    let sp: Option<i64> = tx
        .query_row(
            "SELECT l.service_plan FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE a.id = ?1",
            [id.n],
            |r| r.get(0),
        )
        .optional()?;
    sp.map(|n| Id::new(SP, n))
        .ok_or_else(|| CoreError::not_found(format!("there is no allowance {id} in this catalog")).with_field("id"))
}

fn check_parent_allowance(tx: &Transaction, buy_parent: Option<Id>) -> Result<()> {
    if let Some(p) = buy_parent {
        must_be(tx, p, EntityKind::Allowance, "buy_parent")?;
    }
    Ok(())
}

fn required_text(field: &str, what: &str, s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(CoreError::invalid(field, format!("{what} needs a {field}")));
    }
    Ok(t.to_string())
}

fn copy_sell_counterpart(tx: &Transaction, of: Id) -> Result<Id> {
    let (_, side) = plan_state(tx, of)?;
    if side != Side::Buy {
        return Err(CoreError::invalid(
            "of",
            format!("{of} is a SELL object; a SELL counterpart is made from a BUY object"),
        ));
    }
    let t = of.kind.table();
    let cols: Vec<String> = {
        let mut st = tx.prepare(&format!("PRAGMA table_info(\"{t}\")"))?;
        st.query_map([], |r| r.get::<_, String>(1))?.collect::<Result<_, _>>()?
    };
    let copied: Vec<&String> = cols
        .iter()
        .filter(|c| !matches!(c.as_str(), "id" | "side" | "buy_counterpart" | "status" | "production_id"))
        .collect();
    let list = copied.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    tx.execute(
        &format!(
            "INSERT INTO \"{t}\" (side, buy_counterpart, status, {list}) SELECT 'SELL', id, 'draft', {list} FROM \"{t}\" WHERE id = ?1"
        ),
        [of.n],
    )?;
    let new = Id::new(of.kind, tx.last_insert_rowid());
    // SELL needs an external name (NAM-02): start from the BUY one's, or its internal name.
    tx.execute(
        &format!("UPDATE \"{t}\" SET external_name = COALESCE(external_name, internal_name) WHERE id = ?1"),
        [new.n],
    )?;
    match of.kind {
        SP => {
            tx.execute(
                "INSERT INTO service_plan_included_value (service_plan, slot, value_type, amount) SELECT ?2, slot, value_type, amount FROM service_plan_included_value WHERE service_plan = ?1",
                [of.n, new.n],
            )?;
            // A pooled BUY plan's SELL copy pools from the SELL counterpart of the BUY pool.
            tx.execute(
                "UPDATE service_plan SET pool = (SELECT s.id FROM service_plan s WHERE s.buy_counterpart = service_plan.pool AND s.side = 'SELL' ORDER BY s.id LIMIT 1) WHERE id = ?1",
                [new.n],
            )?;
        }
        AO => {
            tx.execute(
                "INSERT INTO add_on_quota (add_on, slot, value_type, bonus_type, amount, weight) SELECT ?2, slot, value_type, bonus_type, amount, weight FROM add_on_quota WHERE add_on = ?1",
                [of.n, new.n],
            )?;
            tx.execute(
                "UPDATE bolt_on_add_on SET available_in_api = 0, available_in_user_portal = 0 WHERE id = ?1",
                [new.n],
            )?;
        }
        PP => {
            // Contain the SELL counterparts of the BUY package's service plans, where one exists.
            tx.execute(
                "INSERT INTO package_plan_service_plan (package_plan, service_plan, position)
                 SELECT ?2, (SELECT s.id FROM service_plan s WHERE s.buy_counterpart = m.service_plan AND s.side = 'SELL' ORDER BY s.id LIMIT 1), m.position
                 FROM package_plan_service_plan m
                 WHERE m.package_plan = ?1 AND EXISTS (SELECT 1 FROM service_plan s WHERE s.buy_counterpart = m.service_plan AND s.side = 'SELL')",
                [of.n, new.n],
            )?;
        }
        _ => {}
    }
    // Put it in the structures its BUY counterpart is in, with the same role.
    tx.execute(
        "INSERT OR IGNORE INTO structure_member (structure, object, role, position)
         SELECT m.structure, ?2, m.role, (SELECT MAX(position) + 1 FROM structure_member WHERE structure = m.structure)
         FROM structure_member m WHERE m.object = ?1",
        params![of.to_string(), new.to_string()],
    )?;
    Ok(new)
}

/// Money columns: (table, column, extra condition) converted when the currency's decimals change.
const MONEY_COLUMNS: &[(&str, &str, &str)] = &[
    ("package_plan", "setup_fee", ""),
    ("package_plan", "access_fee", ""),
    ("package_plan", "iv_amount", "iv_type = 'dollar'"),
    ("service_plan", "setup_fee", ""),
    ("service_plan", "access_fee", ""),
    ("service_plan", "excess_rate", ""),
    ("bolt_on", "setup_fee", ""),
    ("bolt_on", "access_fee", ""),
    ("bolt_on", "first_time_fee", ""),
    ("bolt_on", "excess_rate", ""),
    ("bolt_on", "iv_amount", "iv_type = 'dollar'"),
    ("bolt_on_add_on", "setup_fee", ""),
    ("bolt_on_add_on", "access_fee", ""),
    ("service_plan_included_value", "amount", "value_type = 'dollar'"),
    ("add_on_quota", "amount", "value_type = 'dollar'"),
];

fn change_currency(tx: &Transaction, from: &Currency, to: &Currency) -> Result<()> {
    if from.decimals == to.decimals {
        return Ok(());
    }
    if to.decimals > from.decimals {
        let f = 10i64.pow(to.decimals - from.decimals);
        for (t, c, cond) in MONEY_COLUMNS {
            let w = if cond.is_empty() { String::new() } else { format!(" AND {cond}") };
            tx.execute(&format!("UPDATE {t} SET {c} = {c} * {f} WHERE {c} IS NOT NULL{w}"), [])?;
        }
    } else {
        let f = 10i64.pow(from.decimals - to.decimals);
        for (t, c, cond) in MONEY_COLUMNS {
            let w = if cond.is_empty() { String::new() } else { format!(" AND {cond}") };
            let inexact: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM {t} WHERE {c} IS NOT NULL AND {c} % {f} != 0{w}"),
                [],
                |r| r.get(0),
            )?;
            if inexact > 0 {
                return Err(CoreError::invalid(
                    "currency",
                    format!(
                        "cannot switch from {} to {}: {inexact} amount(s) in {t}.{c} have more decimals than {} allows; round them first",
                        from.code, to.code, to.code
                    ),
                ));
            }
            tx.execute(&format!("UPDATE {t} SET {c} = {c} / {f} WHERE {c} IS NOT NULL{w}"), [])?;
        }
    }
    Ok(())
}

pub(crate) fn apply_in(tx: &Transaction, change: &Change) -> Result<Option<Id>> {
    use Change::*;
    match change {
        CreatePlan { kind, side, internal_name } => return insert_plan(tx, *kind, *side, internal_name).map(Some),
        CreateSellCounterpart { of } => return copy_sell_counterpart(tx, *of).map(Some),
        SetPlanField { id, edit } => set_field(tx, *id, edit)?,
        DeletePlan { id } => delete_plan(tx, *id)?,
        AddServicePlan { package_plan, service_plan } => {
            package_plan.expect(PP, "package_plan")?;
            must_be(tx, *service_plan, SP, "service_plan")?;
            guard(tx, *package_plan, None, "its service plans")?;
            let pos = next_position(tx, "package_plan_service_plan", "package_plan", package_plan.n)?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO package_plan_service_plan (package_plan, service_plan, position) VALUES (?1, ?2, ?3)",
                params![package_plan.n, service_plan.n, pos],
            )?;
            if n == 0 {
                return Err(CoreError::conflict(format!("{package_plan} already contains {service_plan}")));
            }
        }
        RemoveServicePlan { package_plan, service_plan } => {
            package_plan.expect(PP, "package_plan")?;
            guard(tx, *package_plan, None, "its service plans")?;
            let n = tx.execute(
                "DELETE FROM package_plan_service_plan WHERE package_plan = ?1 AND service_plan = ?2",
                params![package_plan.n, service_plan.n],
            )?;
            if n == 0 {
                return Err(CoreError::not_found(format!("{package_plan} does not contain {service_plan}")));
            }
        }
        CreateBoltOnGroup { side, name } => {
            let name = required_text("name", "a bolt-on group", name)?;
            tx.execute("INSERT INTO bolt_on_group (side, name) VALUES (?1, ?2)", params![side.as_str(), name])?;
            return Ok(Some(Id::new(EntityKind::BoltOnGroup, tx.last_insert_rowid())));
        }
        CreateBoltOnGroupFor { bolt_on, name } => {
            let name = required_text("name", "a bolt-on group", name)?;
            let (_, side) = plan_state(tx, bolt_on.expect(BO, "bolt_on")?)?;
            tx.execute("INSERT INTO bolt_on_group (side, name) VALUES (?1, ?2)", params![side.as_str(), name])?;
            let group = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO bolt_on_group_member (bolt_on_group, bolt_on, position) VALUES (?1, ?2, 1)",
                params![group, bolt_on.n],
            )?;
            return Ok(Some(Id::new(EntityKind::BoltOnGroup, group)));
        }
        UpdateBoltOnGroup { id, name, description } => {
            must_be(tx, *id, EntityKind::BoltOnGroup, "id")?;
            let name = required_text("name", "a bolt-on group", name)?;
            tx.execute(
                "UPDATE bolt_on_group SET name = ?1, description = ?2 WHERE id = ?3",
                params![name, clean(description), id.n],
            )?;
        }
        DeleteBoltOnGroup { id } => {
            must_be(tx, *id, EntityKind::BoltOnGroup, "id")?;
            tx.execute("DELETE FROM bolt_on_group_member WHERE bolt_on_group = ?1", [id.n])?;
            tx.execute("DELETE FROM bolt_on_group WHERE id = ?1", [id.n])?;
        }
        AddGroupMember { group, bolt_on } => {
            must_be(tx, *group, EntityKind::BoltOnGroup, "group")?;
            must_be(tx, *bolt_on, BO, "bolt_on")?;
            let pos = next_position(tx, "bolt_on_group_member", "bolt_on_group", group.n)?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO bolt_on_group_member (bolt_on_group, bolt_on, position) VALUES (?1, ?2, ?3)",
                params![group.n, bolt_on.n, pos],
            )?;
            if n == 0 {
                return Err(CoreError::conflict(format!("{bolt_on} is already in {group}")));
            }
        }
        RemoveGroupMember { group, bolt_on } => {
            group.expect(EntityKind::BoltOnGroup, "group")?;
            let n = tx.execute(
                "DELETE FROM bolt_on_group_member WHERE bolt_on_group = ?1 AND bolt_on = ?2",
                params![group.n, bolt_on.n],
            )?;
            if n == 0 {
                return Err(CoreError::not_found(format!("{bolt_on} is not in {group}")));
            }
        }
        AddToAddOnGroup { bolt_on, add_on } => {
            bolt_on.expect(BO, "bolt_on")?;
            must_be(tx, *add_on, AO, "add_on")?;
            guard(tx, *bolt_on, None, "its add-on group")?;
            let pos = next_position(tx, "add_on_group_member", "bolt_on", bolt_on.n)?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO add_on_group_member (bolt_on, add_on, position) VALUES (?1, ?2, ?3)",
                params![bolt_on.n, add_on.n, pos],
            )?;
            if n == 0 {
                return Err(CoreError::conflict(format!("{add_on} is already in the add-on group of {bolt_on}")));
            }
        }
        RemoveFromAddOnGroup { bolt_on, add_on } => {
            bolt_on.expect(BO, "bolt_on")?;
            guard(tx, *bolt_on, None, "its add-on group")?;
            let n = tx.execute(
                "DELETE FROM add_on_group_member WHERE bolt_on = ?1 AND add_on = ?2",
                params![bolt_on.n, add_on.n],
            )?;
            if n == 0 {
                return Err(CoreError::not_found(format!("{add_on} is not in the add-on group of {bolt_on}")));
            }
        }
        LinkBoltOn { service_plan, bolt_on, behaviour } => {
            service_plan.expect(SP, "service_plan")?;
            must_be(tx, *bolt_on, BO, "bolt_on")?;
            guard(tx, *service_plan, None, "its bolt-on links")?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO bolt_on_link (service_plan, bolt_on, behaviour) VALUES (?1, ?2, ?3)",
                params![service_plan.n, bolt_on.n, behaviour.map(|b| b.as_str())],
            )?;
            if n == 0 {
                return Err(CoreError::conflict(format!("{bolt_on} is already linked to {service_plan}")));
            }
            return Ok(Some(Id::new(EntityKind::BoltOnLink, tx.last_insert_rowid())));
        }
        SetBehaviour { link, behaviour } => {
            let sp = link_service_plan(tx, *link)?;
            guard(tx, sp, None, "its bolt-on links")?;
            tx.execute(
                "UPDATE bolt_on_link SET behaviour = ?1 WHERE id = ?2",
                params![behaviour.map(|b| b.as_str()), link.n],
            )?;
        }
        UnlinkBoltOn { link } => {
            let sp = link_service_plan(tx, *link)?;
            guard(tx, sp, None, "its bolt-on links")?;
            tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent IN (SELECT id FROM allowance WHERE bolt_on_link = ?1)", [link.n])?;
            tx.execute("DELETE FROM allowance WHERE bolt_on_link = ?1", [link.n])?;
            tx.execute("DELETE FROM bolt_on_link WHERE id = ?1", [link.n])?;
        }
        AddAllowance { link, add_on, max_occurrence, description, buy_parent } => {
            let sp = link_service_plan(tx, *link)?;
            must_be(tx, *add_on, AO, "add_on")?;
            check_parent_allowance(tx, *buy_parent)?;
            guard(tx, sp, None, "its allowances")?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO allowance (bolt_on_link, add_on, max_occurrence, description, buy_parent) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![link.n, add_on.n, max_occurrence, clean(description), buy_parent.map(|p| p.n)],
            )?;
            if n == 0 {
                return Err(CoreError::conflict(format!("{link} already has an allowance for {add_on}")));
            }
            return Ok(Some(Id::new(EntityKind::Allowance, tx.last_insert_rowid())));
        }
        UpdateAllowance { id, max_occurrence, description, buy_parent } => {
            let sp = allowance_service_plan(tx, *id)?;
            check_parent_allowance(tx, *buy_parent)?;
            if *buy_parent == Some(*id) {
                return Err(CoreError::invalid("buy_parent", format!("{id} cannot be its own BUY parent")));
            }
            guard(tx, sp, None, "its allowances")?;
            tx.execute(
                "UPDATE allowance SET max_occurrence = ?1, description = ?2, buy_parent = ?3 WHERE id = ?4",
                params![max_occurrence, clean(description), buy_parent.map(|p| p.n), id.n],
            )?;
        }
        RemoveAllowance { id } => {
            let sp = allowance_service_plan(tx, *id)?;
            guard(tx, sp, None, "its allowances")?;
            tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent = ?1", [id.n])?;
            tx.execute("DELETE FROM allowance WHERE id = ?1", [id.n])?;
        }
        PutServiceType { service_type: s } => {
            let code = required_text("code", "a service type", &s.code)?;
            let name = required_text("name", "a service type", &s.name)?;
            tx.execute(
                "INSERT INTO service_type (code, name, category, auto_provisioned) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, category = excluded.category, auto_provisioned = excluded.auto_provisioned",
                params![code, name, s.category.as_str(), s.auto_provisioned],
            )?;
        }
        DeleteServiceType { code } => delete_reference(tx, "service_type", "service type", code)?,
        PutBoltOnCategory { category: c } => {
            let code = required_text("code", "a bolt-on category", &c.code)?;
            let name = required_text("name", "a bolt-on category", &c.name)?;
            tx.execute(
                "INSERT INTO bolt_on_category (code, name) VALUES (?1, ?2) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                params![code, name],
            )?;
        }
        DeleteBoltOnCategory { code } => delete_reference(tx, "bolt_on_category", "bolt-on category", code)?,
        PutTariff { tariff: t } => {
            let code = required_text("code", "a tariff", &t.code)?;
            let name = required_text("name", "a tariff", &t.name)?;
            code_exists(tx, "service_type", &t.service_type, "service_type", "service type")?;
            if let Some(c) = &t.bolt_on_category {
                code_exists(tx, "bolt_on_category", c, "bolt_on_category", "bolt-on category")?;
            }
            tx.execute(
                "INSERT INTO tariff (code, name, service_type, bolt_on_category) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, service_type = excluded.service_type, bolt_on_category = excluded.bolt_on_category",
                params![code, name, t.service_type, t.bolt_on_category],
            )?;
        }
        DeleteTariff { code } => delete_reference(tx, "tariff", "tariff", code)?,
        UpdateSettings { name, provider, tier, currency } => {
            let name = required_text("name", "the catalog", name)?;
            let to = Currency::parse(currency)?;
            let from_code: String = tx.query_row("SELECT currency FROM settings WHERE id = 1", [], |r| r.get(0))?;
            let from = Currency::parse(&from_code)?;
            change_currency(tx, &from, &to)?;
            tx.execute(
                "UPDATE settings SET name = ?1, provider = ?2, tier = ?3, currency = ?4 WHERE id = 1",
                params![name, provider.trim(), tier.as_str(), to.code],
            )?;
        }
        CreateCustomer { name } => {
            let name = required_text("name", "a customer", name)?;
            tx.execute("INSERT INTO customer (name) VALUES (?1)", [name])?;
            return Ok(Some(Id::new(EntityKind::Customer, tx.last_insert_rowid())));
        }
        UpdateCustomer { id, name, description, data_package } => {
            must_be(tx, *id, EntityKind::Customer, "id")?;
            let name = required_text("name", "a customer", name)?;
            if let Some(p) = data_package {
                must_be(tx, *p, PP, "data_package")?;
            }
            tx.execute(
                "UPDATE customer SET name = ?1, description = ?2, data_package = ?3 WHERE id = ?4",
                params![name, clean(description), data_package.map(|p| p.n), id.n],
            )?;
        }
        DeleteCustomer { id } => {
            must_be(tx, *id, EntityKind::Customer, "id")?;
            tx.execute("UPDATE structure SET customer = NULL WHERE customer = ?1", [id.n])?;
            tx.execute("DELETE FROM site WHERE customer = ?1", [id.n])?;
            tx.execute("DELETE FROM customer WHERE id = ?1", [id.n])?;
        }
        CreateSite { customer, name, technology, speed, service_identifier, tail_package } => {
            must_be(tx, *customer, EntityKind::Customer, "customer")?;
            let (name, technology, speed) = site_texts(name, technology, speed)?;
            if let Some(p) = tail_package {
                must_be(tx, *p, PP, "tail_package")?;
            }
            tx.execute(
                "INSERT INTO site (customer, name, technology, speed, service_identifier, tail_package) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![customer.n, name, technology, speed, clean(service_identifier), tail_package.map(|p| p.n)],
            )?;
            return Ok(Some(Id::new(EntityKind::Site, tx.last_insert_rowid())));
        }
        UpdateSite { id, name, technology, speed, service_identifier, tail_package } => {
            must_be(tx, *id, EntityKind::Site, "id")?;
            let (name, technology, speed) = site_texts(name, technology, speed)?;
            if let Some(p) = tail_package {
                must_be(tx, *p, PP, "tail_package")?;
            }
            tx.execute(
                "UPDATE site SET name = ?1, technology = ?2, speed = ?3, service_identifier = ?4, tail_package = ?5 WHERE id = ?6",
                params![name, technology, speed, clean(service_identifier), tail_package.map(|p| p.n), id.n],
            )?;
        }
        DeleteSite { id } => {
            must_be(tx, *id, EntityKind::Site, "id")?;
            tx.execute("DELETE FROM site WHERE id = ?1", [id.n])?;
        }
        CreateStructure { kind, name, customer } => {
            let name = required_text("name", "a structure", name)?;
            if let Some(c) = customer {
                must_be(tx, *c, EntityKind::Customer, "customer")?;
            }
            tx.execute(
                "INSERT INTO structure (kind, name, customer) VALUES (?1, ?2, ?3)",
                params![kind.as_str(), name, customer.map(|c| c.n)],
            )?;
            return Ok(Some(Id::new(EntityKind::Structure, tx.last_insert_rowid())));
        }
        UpdateStructure { id, name, customer } => {
            must_be(tx, *id, EntityKind::Structure, "id")?;
            let name = required_text("name", "a structure", name)?;
            if let Some(c) = customer {
                must_be(tx, *c, EntityKind::Customer, "customer")?;
            }
            tx.execute(
                "UPDATE structure SET name = ?1, customer = ?2 WHERE id = ?3",
                params![name, customer.map(|c| c.n), id.n],
            )?;
        }
        AddStructureMember { structure, object, role } => {
            must_be(tx, *structure, EntityKind::Structure, "structure")?;
            if !object.kind.is_plan() {
                return Err(CoreError::invalid(
                    "object",
                    format!(
                        "{object} is not a plan; structures hold package plans, service plans, bolt-ons and add-ons"
                    ),
                ));
            }
            must_exist(tx, *object, "object")?;
            let pos = next_position(tx, "structure_member", "structure", structure.n)?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO structure_member (structure, object, role, position) VALUES (?1, ?2, ?3, ?4)",
                params![structure.n, object.to_string(), role.as_str(), pos],
            )?;
            if n == 0 {
                return Err(CoreError::conflict(format!("{object} is already in {structure}")));
            }
        }
        RemoveStructureMember { structure, object } => {
            structure.expect(EntityKind::Structure, "structure")?;
            let n = tx.execute(
                "DELETE FROM structure_member WHERE structure = ?1 AND object = ?2",
                params![structure.n, object.to_string()],
            )?;
            if n == 0 {
                return Err(CoreError::not_found(format!("{object} is not in {structure}")));
            }
        }
        DeleteStructure { id } => {
            must_be(tx, *id, EntityKind::Structure, "id")?;
            tx.execute("DELETE FROM structure_member WHERE structure = ?1", [id.n])?;
            tx.execute("DELETE FROM structure WHERE id = ?1", [id.n])?;
        }
        BuildStep { structure, step } => return crate::build_step::build_in(tx, *structure, *step).map(Some),
        CreateDataPool { customer, name, service_type, quota_kb, excess_rate, buy_excess_rate } => {
            let pool = crate::customers::NewPool {
                name,
                service_type: clean(service_type),
                quota_kb: *quota_kb,
                excess_rate: *excess_rate,
                buy_excess_rate: *buy_excess_rate,
            };
            return crate::customers::create_pool_in(tx, *customer, &pool).map(Some);
        }
        SaveScenario { scenario } => crate::rating::store::save_in(tx, scenario)?,
        DeleteScenario { subject, name } => crate::rating::store::delete_in(tx, *subject, name)?,
    }
    Ok(None)
}

fn site_texts(name: &str, technology: &str, speed: &str) -> Result<(String, String, String)> {
    Ok((
        required_text("name", "a site", name)?,
        required_text("technology", "a site", technology)?,
        required_text("speed", "a site", speed)?,
    ))
}

fn delete_reference(tx: &Transaction, table: &str, what: &str, code: &str) -> Result<()> {
    let n = tx.execute(&format!("DELETE FROM {table} WHERE code = ?1"), [code]).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            CoreError::conflict(format!(
                "{what} '{code}' is still used by plans or tariffs; change them to another {what} first"
            ))
        }
        e => e.into(),
    })?;
    if n == 0 {
        return Err(CoreError::not_found(format!("there is no {what} with code '{code}'")));
    }
    Ok(())
}
