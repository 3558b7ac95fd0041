//! A catalog document with every optional field set, every enum value used somewhere, and
//! names full of unicode, quotes, backslashes and control characters: the hardest input for a
//! byte-identical round trip. Shared by the interchange tests (included with `#[path]`); as a
//! test target of its own it checks that the fixture is what the loader accepts.

#![allow(dead_code)]

use plansmith_core::interchange::{Document, FORMAT, FORMAT_VERSION};
use plansmith_core::model::*;
use plansmith_core::rating::{AddOnPurchase, Scenario, Usage};
use plansmith_core::{EntityKind, Id, Money, Stamp, Timestamp};

pub fn stamp() -> Stamp {
    Stamp::new("Ava Nguyen", "2026-05-04T09:30:00Z".parse().unwrap())
}

fn id(kind: EntityKind, n: i64) -> Id {
    Id::new(kind, n)
}

pub const TRICKY: &str = "Café “Ünïcødé” \"quoted\" \\ back\\slash\ttab\nnew line — 東京 🚀 </script> \u{7f}\u{1}";

fn t(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[allow(clippy::too_many_arguments)]
fn plan(kind: EntityKind, n: i64, side: Side, status: Status, counterpart: Option<i64>, detail: PlanDetail) -> Plan {
    let label = kind.label();
    Plan {
        id: id(kind, n),
        side,
        internal_name: format!("{label} {n} {TRICKY}"),
        external_name: t(&format!("External {label} “{n}”")),
        reference_name: t("ref-name \"x\""),
        reference_key: t("REF/KEY\\1"),
        import_reference: t("IMP-0001"),
        description: t(&format!("Internal description of {label} {n}: ’quotes’ and \"doubles\".")),
        external_description: t("Customer-facing — £€¥ ✓"),
        service_type: if kind == EntityKind::PackagePlan { None } else { t("MÖBILE") },
        buy_counterpart: counterpart.map(|c| id(kind, c)),
        setup_fee: Some(Money(12_345)),
        access_fee: Some(Money(0)),
        recurring: n % 2 == 0,
        pro_rata: n % 2 == 1,
        saleable_from: Some("2026-07-01".parse().unwrap()),
        saleable_to: Some("2027-06-30".parse().unwrap()),
        status,
        production_id: t(&format!("10{n}29{n}")),
        detail,
    }
}

/// Every field set; ids deliberately sparse and out of order in the arrays.
pub fn full_document() -> Document {
    use EntityKind as K;
    let kb = |gb: i64| gb * 1024 * 1024;
    let package = |sps: Vec<i64>, w: i64, iv: IncludedValueType| {
        PlanDetail::PackagePlan(PackagePlanFields {
            service_plans: sps.into_iter().map(|n| id(K::ServicePlan, n)).collect(),
            weighting: w,
            included_value: Some(IncludedValue { value_type: iv, amount: 500 }),
        })
    };
    let service = |mode: DataBillingMode, pool: Option<i64>| {
        PlanDetail::ServicePlan(ServicePlanFields {
            data_billing: DataBilling {
                mode,
                billing_type: Some(BillingType::Volume),
                quota_kb: Some(kb(500)),
                excess_rate: Some(Money(250)),
                charge_in_quota: true,
                bonus_kb: Some(kb(5)),
                pool: pool.map(|p| id(K::ServicePlan, p)),
            },
            included_values: vec![
                IncludedValue { value_type: IncludedValueType::Dollar, amount: 250_000 },
                IncludedValue { value_type: IncludedValueType::Kilobytes, amount: kb(40) },
                IncludedValue { value_type: IncludedValueType::Units, amount: 100 },
                IncludedValue { value_type: IncludedValueType::Seconds, amount: 36_000 },
            ],
        })
    };
    let bolt_on = |aos: Vec<i64>| {
        PlanDetail::BoltOn(BoltOnFields {
            bolt_on_category: t("DÄTA"),
            tariff: t("MOB-DATA “x”"),
            included_value: Some(IncludedValue { value_type: IncludedValueType::Kilobytes, amount: kb(8) }),
            first_time_fee: Some(Money(500)),
            excess_rate: Some(Money(1_000)),
            add_on_group: aos.into_iter().map(|n| id(K::BoltOnAddOn, n)).collect(),
        })
    };
    let add_on = |gb: i64, bonus: BonusType| {
        PlanDetail::BoltOnAddOn(BoltOnAddOnFields {
            bolt_on_category: t("DÄTA"),
            tariff: t("MOB-DATA “x”"),
            included_value_type: Some(IncludedValueType::Kilobytes),
            is_provisioned: true,
            provisioning_key: t(&format!("TOPUP_{gb}GB")),
            quotas: vec![
                Quota {
                    value_type: IncludedValueType::Kilobytes,
                    bonus_type: Some(bonus),
                    amount: kb(gb),
                    weight: Some(gb * 10),
                },
                Quota {
                    value_type: IncludedValueType::Dollar,
                    bonus_type: Some(BonusType::AtEnd),
                    amount: 100,
                    weight: Some(1),
                },
            ],
            available_in_api: Some(true),
            available_in_user_portal: Some(false),
        })
    };
    Document {
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        settings: Settings {
            catalog_id: "cat-“ü”-42".to_string(),
            name: format!("Catalog {TRICKY}"),
            provider: "Prövider \"Pty\" Ltd".to_string(),
            tier: Tier::Retail,
            currency: "AUD".to_string(),
            created_at: ts("2026-03-01T09:30:00Z"),
        },
        service_types: vec![
            ServiceType {
                code: "MÖBILE".into(),
                name: "Möbile “voice”".into(),
                category: ServiceCategory::Voice,
                auto_provisioned: true,
            },
            ServiceType {
                code: "DATA-ST".into(),
                name: "Data".into(),
                category: ServiceCategory::Data,
                auto_provisioned: false,
            },
            ServiceType {
                code: "OTHER".into(),
                name: "Other".into(),
                category: ServiceCategory::Other,
                auto_provisioned: false,
            },
        ],
        bolt_on_categories: vec![BoltOnCategory { code: "DÄTA".into(), name: "Däta \\ \"bolt-ons\"".into() }],
        tariffs: vec![
            Tariff {
                code: "MOB-DATA “x”".into(),
                name: "Tariff\nwith newline".into(),
                service_type: "MÖBILE".into(),
                bolt_on_category: t("DÄTA"),
            },
            Tariff {
                code: "A-FIRST".into(),
                name: "First by code".into(),
                service_type: "DATA-ST".into(),
                bolt_on_category: None,
            },
        ],
        package_plans: vec![
            plan(
                K::PackagePlan,
                7,
                Side::Sell,
                Status::Live,
                Some(3),
                package(vec![12, 4], 2, IncludedValueType::Dollar),
            ),
            plan(K::PackagePlan, 3, Side::Buy, Status::Approved, None, package(vec![2], 1, IncludedValueType::Seconds)),
        ],
        service_plans: vec![
            plan(K::ServicePlan, 12, Side::Sell, Status::Live, Some(2), service(DataBillingMode::Pooled, Some(4))),
            plan(K::ServicePlan, 2, Side::Buy, Status::Retired, None, service(DataBillingMode::Own, None)),
            plan(K::ServicePlan, 4, Side::Sell, Status::Draft, Some(2), service(DataBillingMode::None, None)),
        ],
        bolt_ons: vec![
            plan(K::BoltOn, 9, Side::Sell, Status::Draft, Some(5), bolt_on(vec![11, 13])),
            plan(K::BoltOn, 5, Side::Buy, Status::Approved, None, bolt_on(vec![6])),
        ],
        bolt_on_add_ons: vec![
            plan(K::BoltOnAddOn, 13, Side::Sell, Status::Draft, Some(6), add_on(5, BonusType::None)),
            plan(K::BoltOnAddOn, 6, Side::Buy, Status::Live, None, add_on(1, BonusType::AtStart)),
            plan(K::BoltOnAddOn, 11, Side::Sell, Status::Draft, Some(6), add_on(1, BonusType::AtEnd)),
        ],
        bolt_on_groups: vec![
            BoltOnGroup {
                id: id(K::BoltOnGroup, 2),
                side: Side::Sell,
                name: "Grüppe “one”".into(),
                description: t("Alternatives\t\"tab\""),
                members: vec![id(K::BoltOn, 9)],
            },
            BoltOnGroup {
                id: id(K::BoltOnGroup, 1),
                side: Side::Buy,
                name: "BUY group".into(),
                description: t("d"),
                members: vec![id(K::BoltOn, 5)],
            },
        ],
        bolt_on_links: vec![
            BoltOnLink {
                id: id(K::BoltOnLink, 8),
                service_plan: id(K::ServicePlan, 12),
                bolt_on: id(K::BoltOn, 9),
                behaviour: Some(Behaviour::ForcedRemovable),
            },
            BoltOnLink {
                id: id(K::BoltOnLink, 3),
                service_plan: id(K::ServicePlan, 2),
                bolt_on: id(K::BoltOn, 5),
                behaviour: Some(Behaviour::ForcedIrremovable),
            },
            BoltOnLink {
                id: id(K::BoltOnLink, 4),
                service_plan: id(K::ServicePlan, 4),
                bolt_on: id(K::BoltOn, 9),
                behaviour: Some(Behaviour::Optional),
            },
        ],
        allowances: vec![
            Allowance {
                id: id(K::Allowance, 10),
                bolt_on_link: id(K::BoltOnLink, 8),
                add_on: id(K::BoltOnAddOn, 11),
                max_occurrence: 3,
                description: t("Up to 3 “top-ups”"),
                buy_parent: Some(id(K::Allowance, 2)),
            },
            Allowance {
                id: id(K::Allowance, 2),
                bolt_on_link: id(K::BoltOnLink, 3),
                add_on: id(K::BoltOnAddOn, 6),
                max_occurrence: 5,
                description: t("BUY"),
                buy_parent: None,
            },
        ],
        customers: vec![Customer {
            id: id(K::Customer, 4),
            name: "Harbour Cafés “HQ” Pty Ltd".into(),
            description: t("Many sites\nsharing one pool"),
            data_package: Some(id(K::PackagePlan, 7)),
        }],
        sites: vec![
            Site {
                id: id(K::Site, 3),
                customer: id(K::Customer, 4),
                name: "Site “B”".into(),
                technology: "SHDSL".into(),
                speed: "20/20 Mbps".into(),
                service_identifier: t("IPL-\"2\""),
                tail_package: Some(id(K::PackagePlan, 7)),
            },
            Site {
                id: id(K::Site, 1),
                customer: id(K::Customer, 4),
                name: "Site A".into(),
                technology: "NBN FTTP".into(),
                speed: "100/40 Mbps".into(),
                service_identifier: t("AVC000123"),
                tail_package: Some(id(K::PackagePlan, 3)),
            },
        ],
        structures: vec![
            Structure {
                id: id(K::Structure, 5),
                kind: StructureKind::SharedData,
                name: "Shared “data”".into(),
                customer: Some(id(K::Customer, 4)),
                members: vec![
                    StructureMember { object: id(K::ServicePlan, 2), role: MemberRole::Data },
                    StructureMember { object: id(K::PackagePlan, 7), role: MemberRole::Tail },
                ],
            },
            Structure {
                id: id(K::Structure, 1),
                kind: StructureKind::BoltOnAddOn,
                name: "Bolt-on ✓".into(),
                customer: Some(id(K::Customer, 4)),
                members: vec![
                    StructureMember { object: id(K::BoltOnAddOn, 13), role: MemberRole::Member },
                    StructureMember { object: id(K::BoltOn, 9), role: MemberRole::Member },
                ],
            },
        ],
        scenarios: vec![Scenario {
            name: "Two “services”".into(),
            subject: id(K::Structure, 1),
            start: "2026-07-15".parse().unwrap(),
            periods: 3,
            sites: None,
            services: Some(2),
            usage: vec![
                Usage { value_type: IncludedValueType::Kilobytes, amount: 5 * 1_048_576, period: None },
                Usage { value_type: IncludedValueType::Seconds, amount: 600, period: Some(2) },
            ],
            purchases: vec![AddOnPurchase { add_on: id(K::BoltOnAddOn, 13), count: 1, period: Some(1) }],
            top_ups_as_needed: true,
        }],
        audit_log: vec![
            AuditEntry {
                seq: 7,
                at: ts("2026-04-02T10:00:00Z"),
                by: "Bö \"ops\"".into(),
                action: "go_live".into(),
                object: Some(id(K::PackagePlan, 7)),
                detail: "production id 10729 — “ok”".into(),
            },
            AuditEntry {
                seq: 2,
                at: ts("2026-04-01T10:00:00Z"),
                by: "Ava".into(),
                action: "approve".into(),
                object: Some(id(K::ServicePlan, 99)),
                detail: "approved; object since deleted".into(),
            },
            AuditEntry {
                seq: 3,
                at: ts("2026-04-01T11:00:00Z"),
                by: "Ava".into(),
                action: "export".into(),
                object: None,
                detail: "bundle\nhand-over.zip".into(),
            },
        ],
    }
}

#[test]
fn the_fixture_is_accepted_by_the_loader_checks() {
    let doc = full_document();
    let parsed = plansmith_core::interchange::parse(&doc.to_json()).unwrap();
    let mut sorted = doc.clone();
    sorted.sort();
    assert_eq!(parsed, sorted);
}
