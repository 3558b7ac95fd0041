//! [`PlanField`]: one field of a plan and its new value, the payload of
//! `Change::SetPlanField`. It knows its canonical name, which plan kinds have it and whether a
//! live plan may still change it (domain.md §5); it holds no database code, so the change type,
//! the plain edits and the recipes can all name it.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::id::{EntityKind, Id};
use crate::model::*;
use crate::value::{Date, Money};

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
        crate::live_fields::editable_when_live(self.name(), kind)
    }
}
impl PlanField {
    /// Calls `f` on every id the value holds (a BUY counterpart, a pool). One arm per field and
    /// no catch-all, so a new field holding an id cannot be forgotten by the placeholder walk.
    pub(crate) fn ids_mut(&mut self, f: &mut impl FnMut(&mut Id) -> Result<()>) -> Result<()> {
        match self {
            PlanField::BuyCounterpart(id) | PlanField::Pool(id) => id.as_mut().map_or(Ok(()), f),
            PlanField::Side(_)
            | PlanField::InternalName(_)
            | PlanField::ExternalName(_)
            | PlanField::ReferenceName(_)
            | PlanField::ReferenceKey(_)
            | PlanField::ImportReference(_)
            | PlanField::Description(_)
            | PlanField::ExternalDescription(_)
            | PlanField::ServiceType(_)
            | PlanField::SetupFee(_)
            | PlanField::AccessFee(_)
            | PlanField::Recurring(_)
            | PlanField::ProRata(_)
            | PlanField::SaleableFrom(_)
            | PlanField::SaleableTo(_)
            | PlanField::Weighting(_)
            | PlanField::IncludedValue(_)
            | PlanField::IncludedValues(_)
            | PlanField::DataBilling(_)
            | PlanField::BillingType(_)
            | PlanField::QuotaKb(_)
            | PlanField::ExcessRate(_)
            | PlanField::ChargeInQuota(_)
            | PlanField::BonusKb(_)
            | PlanField::BoltOnCategory(_)
            | PlanField::Tariff(_)
            | PlanField::FirstTimeFee(_)
            | PlanField::IncludedValueType(_)
            | PlanField::IsProvisioned(_)
            | PlanField::ProvisioningKey(_)
            | PlanField::Quotas(_)
            | PlanField::AvailableInApi(_)
            | PlanField::AvailableInUserPortal(_) => Ok(()),
        }
    }
}
