//! The Emersion plan model of domain.md §2–§3 as plain data: the four plan kinds with their
//! common and kind-specific fields, groups, links, allowances, reference data, customers,
//! sites and structures. These types are what the store reads and writes, what the rules
//! inspect and (serialised) what the interchange JSON holds, so every name here is canonical.

use serde::{Deserialize, Serialize};

use crate::id::{EntityKind, Id};
use crate::value::{Date, Money, Timestamp};

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident, $field:literal { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Result<$name, crate::error::CoreError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(crate::error::CoreError::invalid(
                        $field,
                        format!("{}: '{}' is not allowed; use one of: {}", $field, s, [$($text),+].join(", ")),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// BUY: what the provider pays a carrier; SELL: what it charges downstream.
    Side, "side" { Buy = "BUY", Sell = "SELL" }
);
text_enum!(
    /// Lifecycle status (domain.md §5).
    Status, "status" { Draft = "draft", Approved = "approved", Live = "live", Retired = "retired" }
);
text_enum!(
    /// How a bolt-on link behaves on a subscription.
    Behaviour, "behaviour" {
        ForcedIrremovable = "forced_irremovable",
        ForcedRemovable = "forced_removable",
        Optional = "optional",
    }
);
text_enum!(
    /// The fixed included value types of Emersion.
    IncludedValueType, "included_value_type" {
        Dollar = "dollar", Kilobytes = "kilobytes", Units = "units", Seconds = "seconds",
    }
);
text_enum!(
    /// When an add-on quota's bonus applies.
    BonusType, "bonus_type" { None = "none", AtStart = "at_start", AtEnd = "at_end" }
);
text_enum!(
    /// How a service plan bills data (decision in domain.md §3).
    DataBillingMode, "data_billing" { None = "none", Own = "own", Pooled = "pooled" }
);
text_enum!(
    /// Data billing type; Emersion's data billing uses volume.
    BillingType, "billing_type" { Volume = "volume" }
);
text_enum!(
    /// Service type category (reference data).
    ServiceCategory, "category" { Data = "data", Voice = "voice", Other = "other" }
);
text_enum!(
    /// Wholesale builds BUY and SELL; retail buys from a wholesaler on Emersion and builds SELL
    /// only (its BUY objects are reference-only).
    Tier, "tier" { Wholesale = "wholesale", Retail = "retail" }
);
text_enum!(
    /// The two structures of the source articles.
    StructureKind, "kind" { SharedData = "shared_data", BoltOnAddOn = "bolt_on_add_on" }
);
text_enum!(
    /// What a member plays in its structure: the data allowance or a tail (shared data), or
    /// simply a member (bolt-on add-on).
    MemberRole, "role" { Data = "data", Tail = "tail", Member = "member" }
);

/// KB in one GB: data amounts are stored in KB and shown and rated per GB (domain.md §9: the
/// demo's 500 GB pool is 524,288,000 KB).
pub const KB_PER_GB: i64 = 1_048_576;

/// An amount of included value of one type. Amounts are in the type's base unit: cents for
/// `dollar`, KB for `kilobytes`, count for `units`, seconds for `seconds`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncludedValue {
    pub value_type: IncludedValueType,
    pub amount: i64,
}

/// One quota of a bolt-on add-on (screen 2).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    pub value_type: IncludedValueType,
    pub bonus_type: Option<BonusType>,
    pub amount: i64,
    pub weight: Option<i64>,
}

/// A service plan's data billing. Flat so that switching the mode keeps what was typed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataBilling {
    pub mode: DataBillingMode,
    pub billing_type: Option<BillingType>,
    /// The quota (the pool, in the shared-data structure) in KB.
    pub quota_kb: Option<i64>,
    /// Rate per GB above the quota.
    pub excess_rate: Option<Money>,
    /// Whether usage inside the quota is charged.
    pub charge_in_quota: bool,
    pub bonus_kb: Option<i64>,
    /// For `pooled`: the data-allowance service plan whose `own` billing is the pool.
    pub pool: Option<Id>,
}

impl Default for DataBilling {
    fn default() -> Self {
        DataBilling {
            mode: DataBillingMode::None,
            billing_type: None,
            quota_kb: None,
            excess_rate: None,
            charge_in_quota: false,
            bonus_kb: None,
            pool: None,
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackagePlanFields {
    /// The service plans it contains, in order.
    pub service_plans: Vec<Id>,
    /// Upgrade/downgrade order.
    pub weighting: i64,
    /// At most one included value option.
    pub included_value: Option<IncludedValue>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePlanFields {
    pub data_billing: DataBilling,
    /// Included value slots (up to four).
    pub included_values: Vec<IncludedValue>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoltOnFields {
    pub bolt_on_category: Option<String>,
    pub tariff: Option<String>,
    pub included_value: Option<IncludedValue>,
    /// Charged once, on first use.
    pub first_time_fee: Option<Money>,
    /// Rate above the allocation: per GB for kilobytes, per minute for seconds, per unit
    /// otherwise.
    pub excess_rate: Option<Money>,
    /// The bolt-on's add-on group: add-ons that may be bought with it (same side).
    pub add_on_group: Vec<Id>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoltOnAddOnFields {
    pub bolt_on_category: Option<String>,
    pub tariff: Option<String>,
    pub included_value_type: Option<IncludedValueType>,
    pub is_provisioned: bool,
    pub provisioning_key: Option<String>,
    pub quotas: Vec<Quota>,
    /// SELL only.
    pub available_in_api: Option<bool>,
    /// SELL only.
    pub available_in_user_portal: Option<bool>,
}

/// The kind-specific part of a plan.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PlanDetail {
    PackagePlan(PackagePlanFields),
    ServicePlan(ServicePlanFields),
    BoltOn(BoltOnFields),
    BoltOnAddOn(BoltOnAddOnFields),
}

impl PlanDetail {
    pub fn kind(&self) -> EntityKind {
        match self {
            PlanDetail::PackagePlan(_) => EntityKind::PackagePlan,
            PlanDetail::ServicePlan(_) => EntityKind::ServicePlan,
            PlanDetail::BoltOn(_) => EntityKind::BoltOn,
            PlanDetail::BoltOnAddOn(_) => EntityKind::BoltOnAddOn,
        }
    }

    /// Empty kind-specific fields for a new plan of `kind`.
    pub fn empty(kind: EntityKind) -> Option<PlanDetail> {
        Some(match kind {
            EntityKind::PackagePlan => {
                PlanDetail::PackagePlan(PackagePlanFields { service_plans: vec![], weighting: 0, included_value: None })
            }
            EntityKind::ServicePlan => PlanDetail::ServicePlan(ServicePlanFields {
                data_billing: DataBilling::default(),
                included_values: vec![],
            }),
            EntityKind::BoltOn => PlanDetail::BoltOn(BoltOnFields {
                bolt_on_category: None,
                tariff: None,
                included_value: None,
                first_time_fee: None,
                excess_rate: None,
                add_on_group: vec![],
            }),
            EntityKind::BoltOnAddOn => PlanDetail::BoltOnAddOn(BoltOnAddOnFields {
                bolt_on_category: None,
                tariff: None,
                included_value_type: None,
                is_provisioned: false,
                provisioning_key: None,
                quotas: vec![],
                available_in_api: None,
                available_in_user_portal: None,
            }),
            _ => return None,
        })
    }
}

/// One plan object of any of the four kinds: the common fields, then the kind's own.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: Id,
    pub side: Side,
    pub internal_name: String,
    pub external_name: Option<String>,
    pub reference_name: Option<String>,
    pub reference_key: Option<String>,
    pub import_reference: Option<String>,
    pub description: Option<String>,
    pub external_description: Option<String>,
    /// Service type code; service plans, bolt-ons and add-ons only.
    pub service_type: Option<String>,
    /// SELL only: the BUY object of the same kind.
    pub buy_counterpart: Option<Id>,
    pub setup_fee: Option<Money>,
    pub access_fee: Option<Money>,
    pub recurring: bool,
    pub pro_rata: bool,
    pub saleable_from: Option<Date>,
    pub saleable_to: Option<Date>,
    pub status: Status,
    pub production_id: Option<String>,
    pub detail: PlanDetail,
}

impl Plan {
    pub fn kind(&self) -> EntityKind {
        self.id.kind
    }
    pub fn package(&self) -> Option<&PackagePlanFields> {
        match &self.detail {
            PlanDetail::PackagePlan(f) => Some(f),
            _ => None,
        }
    }
    pub fn service(&self) -> Option<&ServicePlanFields> {
        match &self.detail {
            PlanDetail::ServicePlan(f) => Some(f),
            _ => None,
        }
    }
    pub fn bolt_on(&self) -> Option<&BoltOnFields> {
        match &self.detail {
            PlanDetail::BoltOn(f) => Some(f),
            _ => None,
        }
    }
    pub fn add_on(&self) -> Option<&BoltOnAddOnFields> {
        match &self.detail {
            PlanDetail::BoltOnAddOn(f) => Some(f),
            _ => None,
        }
    }
    /// "SELL service plan SP-4 'Data pool 500 GB'": how messages name the object.
    pub fn describe(&self) -> String {
        format!("{} {} {} '{}'", self.side, self.kind().label(), self.id, self.internal_name)
    }
}

/// A group of SELL (or BUY) bolt-ons that are alternatives to each other.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoltOnGroup {
    pub id: Id,
    pub side: Side,
    pub name: String,
    pub description: Option<String>,
    pub members: Vec<Id>,
}

/// Service plan → bolt-on, with its behaviour.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoltOnLink {
    pub id: Id,
    pub service_plan: Id,
    pub bolt_on: Id,
    pub behaviour: Option<Behaviour>,
}

/// Under a bolt-on link: which add-on may be bought and how often.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowance {
    pub id: Id,
    pub bolt_on_link: Id,
    pub add_on: Id,
    pub max_occurrence: i64,
    pub description: Option<String>,
    /// SELL only: the BUY allowance it hangs off.
    pub buy_parent: Option<Id>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceType {
    pub code: String,
    pub name: String,
    pub category: ServiceCategory,
    /// Whether add-ons can be provisioned automatically on the carrier's network.
    pub auto_provisioned: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    pub code: String,
    pub name: String,
    pub service_type: String,
    pub bolt_on_category: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoltOnCategory {
    pub code: String,
    pub name: String,
}

/// A customer with many sites sharing one data pool.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    pub id: Id,
    pub name: String,
    pub description: Option<String>,
    /// The SELL data package the customer orders once.
    pub data_package: Option<Id>,
}

/// One customer location with its tail.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: Id,
    pub customer: Id,
    pub name: String,
    /// NBN, SHDSL, ADSL, Fibre, …
    pub technology: String,
    /// e.g. "100/40 Mbps".
    pub speed: String,
    /// The carrier's service identifier of the tail.
    pub service_identifier: Option<String>,
    /// The SELL tail package this site orders.
    pub tail_package: Option<Id>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructureMember {
    pub object: Id,
    pub role: MemberRole,
}

/// A structure of the articles that the consultant builds step by step.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Structure {
    pub id: Id,
    pub kind: StructureKind,
    pub name: String,
    /// Shared data: the customer whose sites share the pool.
    pub customer: Option<Id>,
    pub members: Vec<StructureMember>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub catalog_id: String,
    pub name: String,
    pub provider: String,
    pub tier: Tier,
    pub currency: String,
    pub created_at: Timestamp,
}

/// One line of the audit log: approvals, reopenings, go-lives, retirements, exports, undo.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Timestamp,
    pub by: String,
    pub action: String,
    pub object: Option<Id>,
    pub detail: String,
}
