//! Rating (domain.md §9): hand-worked cases, each with its arithmetic in a comment, on the demo
//! and on small catalogs built here in memory; then property tests over generated scenarios.

use std::sync::OnceLock;

use plansmith_core::EntityKind::{self, self as K};
use plansmith_core::model::*;
use plansmith_core::rating::{self, AddOnPurchase, Charge, Rating, Scenario, Usage};
use plansmith_core::relations::Relations;
use plansmith_core::{Audience, Date, ErrorKind, Id, Money, Scope, Snapshot, Stamp, Timestamp, chart, demo};
use proptest::prelude::*;

const GB: i64 = 1_048_576;

fn stamp() -> Stamp {
    Stamp::new("Ava Nguyen", "2026-05-04T09:30:00Z".parse().unwrap())
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn demo() -> &'static Snapshot {
    static D: OnceLock<Snapshot> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cat = demo::write_demo(&dir.path().join("demo.plansmith"), &stamp()).unwrap();
        Snapshot::load(cat.conn(), &Scope::All).unwrap()
    })
}

fn structure(s: &Snapshot, kind: StructureKind) -> Id {
    s.structures.iter().find(|st| st.kind == kind).unwrap().id
}

fn gb(n: i64) -> Usage {
    Usage { value_type: IncludedValueType::Kilobytes, amount: n * GB, period: None }
}

fn money(r: &Rating, period: usize, charge: Charge, object: Id) -> (Money, Option<Money>) {
    let p = r.periods[period - 1].lines.iter().find(|l| l.charge == charge && l.sell.object == object);
    let p = p.unwrap_or_else(|| {
        panic!("no {charge:?} line of {object} in period {period}: {:#?}", r.periods[period - 1].lines)
    });
    (p.sell.amount, p.buy.as_ref().map(|b| b.amount))
}

// ---------------------------------------------------------------------------------------------
// The demo

#[test]
fn harbour_cafes_620_gb_on_a_500_gb_pool() {
    let s = demo();
    let st = structure(s, StructureKind::SharedData);
    let mut sc = Scenario::new("6 sites, 620 GB", st, day("2026-07-01"));
    sc.usage = vec![gb(620)];
    let r = rating::rate(s, &sc).unwrap();
    assert_eq!(r.periods.len(), 12);
    let t = r.periods[0].totals;
    // SELL monthly: 599 + 6 × 149 + 120 GB × 2.50 = 599 + 894 + 300 = 1,793.
    assert_eq!(t.sell.monthly, Money(179_300));
    // SELL set-up: 6 × 299 = 1,794.
    assert_eq!(t.sell.one_off, Money(179_400));
    let buy = t.buy.unwrap();
    // BUY monthly: 350 + 6 × 95 + 120 × 1.50 = 350 + 570 + 180 = 1,100; set-up 6 × 150 = 900.
    assert_eq!(buy.monthly, Money(110_000));
    assert_eq!(buy.one_off, Money(90_000));
    let m = t.margin.unwrap().monthly;
    // 1,793 − 1,100 = 693; 693 / 1,793 = 38.65 %; markup 693 / 1,100 = 63.00 %.
    assert_eq!(m.amount, Money(69_300));
    assert_eq!(m.margin_percent_bp, Some(3_865));
    assert_eq!(m.markup_percent_bp, Some(6_300));
    // Period 2 has no set-up; 12 periods of 1,793 plus 1,794 once.
    assert_eq!(r.periods[1].totals.sell.one_off, Money(0));
    assert_eq!(r.totals.sell.total, Money(12 * 179_300 + 179_400));
    // The excess line prints the SELL external name and 120 GB.
    let ex = r.periods[0].lines.iter().find(|l| l.charge == Charge::Excess).unwrap();
    assert_eq!(ex.sell.quantity_text, "120 GB");
    assert!(ex.sell.description.starts_with("Business Internet Shared Data 500GB"), "{}", ex.sell.description);
    // The same customer rated directly gives the same figures.
    let cu = s.customers[0].id;
    let mut by_customer = sc.clone();
    by_customer.subject = cu;
    assert_eq!(rating::rate(s, &by_customer).unwrap().totals, r.totals);
    let ids: Vec<&str> = r.assumptions.iter().map(|a| a.id).collect();
    assert!(ids.contains(&"RAT-04") && ids.contains(&"RAT-01"), "{ids:?}");
}

#[test]
fn pool_under_has_no_excess() {
    let s = demo();
    let mut sc = Scenario::new("quiet month", structure(s, StructureKind::SharedData), day("2026-07-01"));
    sc.usage = vec![gb(400)];
    let r = rating::rate(s, &sc).unwrap();
    // 400 GB < 500 GB: SELL 599 + 894 = 1,493; BUY 350 + 570 = 920.
    assert_eq!(r.periods[0].totals.sell.monthly, Money(149_300));
    assert_eq!(r.periods[0].totals.buy.unwrap().monthly, Money(92_000));
    assert!(r.periods[0].lines.iter().all(|l| l.charge != Charge::Excess));
}

#[test]
fn more_sites_than_the_customer_has() {
    let s = demo();
    let mut sc = Scenario::new("8 sites", structure(s, StructureKind::SharedData), day("2026-07-01"));
    sc.sites = Some(8);
    sc.usage = vec![gb(620)];
    let r = rating::rate(s, &sc).unwrap();
    // 599 + 8 × 149 + 300 = 2,091.
    assert_eq!(r.periods[0].totals.sell.monthly, Money(209_100));
    assert!(r.assumptions.iter().any(|a| a.id == "RAT-05"));
}

#[test]
fn pro_rata_from_mid_july() {
    let s = demo();
    let mut sc = Scenario::new("from the 15th", structure(s, StructureKind::SharedData), day("2026-07-15"));
    sc.usage = vec![gb(620)];
    let r = rating::rate(s, &sc).unwrap();
    let p1 = &r.periods[0];
    assert_eq!((p1.from, p1.to), (day("2026-07-15"), day("2026-07-31")));
    // 17 of 31 days. SELL: 599 × 17/31 = 328.4838… → 328.48; 6 × 149 × 17/31 = 490.2580… → 490.26.
    // The pool is prorated with the fee: 524,288,000 KB × 17/31 = 287,512,774.19… → 287,512,774 KB;
    // 620 GB = 650,117,120 KB, so 362,604,346 KB above it × 2.50/GB = 864.5161… → 864.52.
    // 328.48 + 490.26 + 864.52 = 1,683.26.
    assert_eq!(p1.totals.sell.monthly, Money(168_326));
    // BUY: 350 × 17/31 = 191.935… → 191.94; 6 × 95 × 17/31 = 312.580… → 312.58;
    // 362,604,346 KB × 1.50/GB = 518.709… → 518.71. 191.94 + 312.58 + 518.71 = 1,023.23.
    assert_eq!(p1.totals.buy.unwrap().monthly, Money(102_323));
    // Set-up fees are never prorated: 6 × 299.
    assert_eq!(p1.totals.sell.one_off, Money(179_400));
    // Period 2 is all of August, in full.
    assert_eq!((r.periods[1].from, r.periods[1].to), (day("2026-08-01"), day("2026-08-31")));
    assert_eq!(r.periods[1].totals.sell.monthly, Money(179_300));
    assert!(r.assumptions.iter().any(|a| a.id == "RAT-02"));
}

fn mobile(s: &Snapshot) -> (Id, Id, Id, [Id; 3]) {
    let st = structure(s, StructureKind::BoltOnAddOn);
    let sell = |kind: EntityKind, name: &str| {
        s.plans_of(kind).iter().find(|p| p.side == Side::Sell && p.internal_name.starts_with(name)).unwrap().id
    };
    (
        st,
        sell(K::ServicePlan, "Mobile Business 40"),
        sell(K::BoltOn, "Mobile data 8 GB"),
        [
            sell(K::BoltOnAddOn, "Mobile data top-up 1"),
            sell(K::BoltOnAddOn, "Mobile data top-up 2"),
            sell(K::BoltOnAddOn, "Mobile data top-up 5"),
        ],
    )
}

/// The demo's mobile service using `used` GB a month, buying top-ups as needed.
fn mobile_with_top_ups(used: i64) -> Rating {
    let s = demo();
    let mut sc = Scenario::new(format!("{used} GB"), mobile(s).0, day("2026-07-01"));
    sc.usage = vec![gb(used)];
    sc.top_ups_as_needed = true;
    rating::rate(s, &sc).unwrap()
}

#[test]
fn top_ups_by_weight_as_needed() {
    let (_, sp, bo, [ao1, ao2, ao5]) = mobile(demo());
    let r = mobile_with_top_ups(50);
    // 40 GB in the plan + 8 GB bolt-on = 48 GB; 2 GB short. Highest weight first: the 1 GB
    // top-up (weight 30) × 2 covers it; the 2 GB (20) and 5 GB (10) are not bought.
    assert_eq!(money(&r, 1, Charge::AddOn, ao1), (Money(1_000), Some(Money(600))));
    assert!(r.periods[0].lines.iter().all(|l| l.sell.object != ao2 && l.sell.object != ao5));
    // SELL monthly 45 + 15 + 2 × 5 = 70; one-off: the bolt-on's first-time fee 5.
    assert_eq!(r.periods[0].totals.sell.monthly, Money(7_000));
    assert_eq!(money(&r, 1, Charge::FirstTime, bo), (Money(500), Some(Money(200))));
    assert_eq!(money(&r, 1, Charge::Access, sp), (Money(4_500), Some(Money(2_200))));
    // BUY monthly 22 + 6 + 2 × 3 = 34.
    assert_eq!(r.periods[0].totals.buy.unwrap().monthly, Money(3_400));
    // No first-time fee after period 1.
    assert!(r.periods[1].lines.iter().all(|l| l.charge != Charge::FirstTime));
}

#[test]
fn max_occurrence_reached_then_the_excess_rate() {
    let (_, _, bo, [ao1, ao2, ao5]) = mobile(demo());
    let r = mobile_with_top_ups(70);
    // 48 GB included, 22 GB short: 1 GB × 5 (max 5) → 17 short; 2 GB × 3 (max 3) → 11 short;
    // 5 GB × 2 (max 2) → 1 GB short, at the bolt-on's excess rate: SELL 10.00, BUY 3.00.
    assert_eq!(money(&r, 1, Charge::AddOn, ao1), (Money(2_500), Some(Money(1_500))));
    assert_eq!(money(&r, 1, Charge::AddOn, ao2), (Money(2_700), Some(Money(1_500))));
    assert_eq!(money(&r, 1, Charge::AddOn, ao5), (Money(4_000), Some(Money(2_000))));
    assert_eq!(money(&r, 1, Charge::Excess, bo), (Money(1_000), Some(Money(300))));
    // SELL 45 + 15 + 25 + 27 + 40 + 10 = 162; BUY 22 + 6 + 15 + 15 + 20 + 3 = 81.
    assert_eq!(r.periods[0].totals.sell.monthly, Money(16_200));
    assert_eq!(r.periods[0].totals.buy.unwrap().monthly, Money(8_100));
}

#[test]
fn explicit_purchase_above_max_occurrence_is_refused() {
    let s = demo();
    let (st, _, _, [ao1, ..]) = mobile(s);
    let mut sc = Scenario::new("too many", st, day("2026-07-01"));
    sc.purchases = vec![AddOnPurchase { add_on: ao1, count: 6, period: Some(2) }];
    let e = rating::rate(s, &sc).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("at most 5") && e.message().contains(&ao1.to_string()), "{e}");
}

#[test]
fn three_services_multiply_every_line_once() {
    let s = demo();
    let (st, sp, bo, _) = mobile(s);
    let mut sc = Scenario::new("3 services", st, day("2026-07-01"));
    sc.services = Some(3);
    sc.usage = vec![gb(49)];
    let r = rating::rate(s, &sc).unwrap();
    // Each service uses 49 GB, 1 GB above 48 GB: 3 GB × 10.00 = 30; access 3 × 45 and 3 × 15.
    assert_eq!(money(&r, 1, Charge::Excess, bo).0, Money(3_000));
    assert_eq!(money(&r, 1, Charge::Access, sp).0, Money(13_500));
    assert_eq!(r.periods[0].totals.sell.monthly, Money(13_500 + 4_500 + 3_000));
}

// ---------------------------------------------------------------------------------------------
// Small catalogs built in memory

fn plan(kind: EntityKind, n: i64, side: Side, name: &str) -> Plan {
    Plan {
        id: Id::new(kind, n),
        side,
        internal_name: format!("{name} (internal)"),
        external_name: Some(name.to_string()),
        reference_name: None,
        reference_key: None,
        import_reference: None,
        description: None,
        external_description: None,
        service_type: Some("MOBILE".into()),
        buy_counterpart: None,
        setup_fee: None,
        access_fee: None,
        recurring: true,
        pro_rata: false,
        saleable_from: None,
        saleable_to: None,
        status: Status::Draft,
        production_id: None,
        detail: PlanDetail::empty(kind).unwrap(),
    }
}

/// A bolt-on structure on both sides: PP-1/SP-1/BO-1 (BUY) and PP-2/SP-2/BO-2 (SELL) with the
/// add-ons given as (quota amount, weight, bonus, BUY price, SELL price, max occurrence).
struct Mini {
    s: Snapshot,
}

impl Mini {
    fn new(
        currency: &str,
        tier: Tier,
        allocation: IncludedValue,
        add_ons: &[(i64, i64, BonusType, i64, i64, i64)],
    ) -> Mini {
        let mut pps = vec![];
        let mut sps = vec![];
        let mut bos = vec![];
        let mut aos = vec![];
        for (n, side) in [(1, Side::Buy), (2, Side::Sell)] {
            let cp = |k: EntityKind| (side == Side::Sell).then_some(Id::new(k, 1));
            let mut pp = plan(K::PackagePlan, n, side, "Mobile package");
            pp.detail = PlanDetail::PackagePlan(PackagePlanFields {
                service_plans: vec![Id::new(K::ServicePlan, n)],
                weighting: 0,
                included_value: None,
            });
            pp.buy_counterpart = cp(K::PackagePlan);
            let mut sp = plan(K::ServicePlan, n, side, "Mobile service");
            sp.buy_counterpart = cp(K::ServicePlan);
            sp.access_fee = Some(Money(if side == Side::Sell { 3_000 } else { 2_000 }));
            let mut bo = plan(K::BoltOn, n, side, "Data bolt-on");
            bo.buy_counterpart = cp(K::BoltOn);
            let ids: Vec<Id> = (0..add_ons.len()).map(|i| Id::new(K::BoltOnAddOn, 2 * i as i64 + n)).collect();
            bo.detail = PlanDetail::BoltOn(BoltOnFields {
                bolt_on_category: None,
                tariff: None,
                included_value: Some(allocation),
                first_time_fee: None,
                excess_rate: Some(Money(if side == Side::Sell { 1_000 } else { 400 })),
                add_on_group: ids.clone(),
            });
            for (i, (amount, weight, bonus, buy, sell, _)) in add_ons.iter().enumerate() {
                let mut ao = plan(K::BoltOnAddOn, ids[i].n, side, &format!("Top-up {i}"));
                ao.buy_counterpart = (side == Side::Sell).then_some(Id::new(K::BoltOnAddOn, ids[i].n - 1));
                ao.access_fee = Some(Money(if side == Side::Sell { *sell } else { *buy }));
                ao.recurring = false;
                ao.detail = PlanDetail::BoltOnAddOn(BoltOnAddOnFields {
                    bolt_on_category: None,
                    tariff: None,
                    included_value_type: Some(allocation.value_type),
                    is_provisioned: false,
                    provisioning_key: None,
                    quotas: vec![Quota {
                        value_type: allocation.value_type,
                        bonus_type: Some(*bonus),
                        amount: *amount,
                        weight: Some(*weight),
                    }],
                    available_in_api: None,
                    available_in_user_portal: None,
                });
                aos.push(ao);
            }
            pps.push(pp);
            sps.push(sp);
            bos.push(bo);
        }
        aos.sort_by_key(|p| p.id.n);
        let links: Vec<BoltOnLink> = (1..=2)
            .map(|n| BoltOnLink {
                id: Id::new(K::BoltOnLink, n),
                service_plan: Id::new(K::ServicePlan, n),
                bolt_on: Id::new(K::BoltOn, n),
                behaviour: Some(Behaviour::Optional),
            })
            .collect();
        let mut allowances = vec![];
        for (i, a) in add_ons.iter().enumerate() {
            for n in 1..=2 {
                allowances.push(Allowance {
                    id: Id::new(K::Allowance, (2 * i + n) as i64),
                    bolt_on_link: Id::new(K::BoltOnLink, n as i64),
                    add_on: Id::new(K::BoltOnAddOn, (2 * i + n) as i64),
                    max_occurrence: a.5,
                    description: None,
                    buy_parent: None,
                });
            }
        }
        let s = Snapshot {
            settings: Settings {
                catalog_id: "mini".into(),
                name: "mini".into(),
                provider: String::new(),
                tier,
                currency: currency.into(),
                created_at: Timestamp::from_unix_seconds(0),
            },
            service_types: vec![],
            bolt_on_categories: vec![],
            tariffs: vec![],
            package_plans: pps,
            service_plans: sps,
            bolt_ons: bos,
            bolt_on_add_ons: aos,
            bolt_on_groups: vec![],
            bolt_on_links: links,
            allowances,
            customers: vec![],
            sites: vec![],
            structures: vec![Structure {
                id: Id::new(K::Structure, 1),
                kind: StructureKind::BoltOnAddOn,
                name: "Mini".into(),
                customer: None,
                members: vec![StructureMember { object: Id::new(K::PackagePlan, 2), role: MemberRole::Member }],
            }],
        };
        Mini { s }
    }

    fn sell_mut(&mut self, kind: EntityKind, n: i64) -> &mut Plan {
        match kind {
            K::ServicePlan => &mut self.s.service_plans[n as usize - 1],
            K::BoltOn => &mut self.s.bolt_ons[n as usize - 1],
            K::PackagePlan => &mut self.s.package_plans[n as usize - 1],
            _ => &mut self.s.bolt_on_add_ons[n as usize - 1],
        }
    }

    fn scenario(&self, usage: Vec<Usage>) -> Scenario {
        let mut sc = Scenario::new("mini", Id::new(K::Structure, 1), day("2026-03-01"));
        sc.periods = 3;
        sc.usage = usage;
        sc
    }
}

const AT_START: BonusType = BonusType::AtStart;
const AT_END: BonusType = BonusType::AtEnd;

#[test]
fn bonus_at_start_counts_now_and_at_end_next_period() {
    // 2 GB bolt-on; add-on AO-1/2: 1 GB at_start (weight 5), AO-3/4: 3 GB at_end (weight 9).
    let m = Mini::new(
        "AUD",
        Tier::Wholesale,
        IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 2 * GB },
        &[(GB, 5, AT_START, 200, 400, 3), (3 * GB, 9, AT_END, 500, 900, 1)],
    );
    let mut sc = m.scenario(vec![gb(4)]);
    // Period 1: one of each bought. 4 GB used, 2 GB bolt-on + 1 GB at_start = 3 GB: 1 GB excess
    // at 10.00 (SELL) and 4.00 (BUY); the 3 GB at_end bonus does not count yet.
    // Period 2: nothing bought; 2 GB bolt-on + 3 GB carried = 5 GB ≥ 4 GB: no excess.
    // Period 3: the carry is spent: 4 − 2 = 2 GB excess = 20.00.
    sc.purchases = vec![
        AddOnPurchase { add_on: Id::new(K::BoltOnAddOn, 2), count: 1, period: Some(1) },
        AddOnPurchase { add_on: Id::new(K::BoltOnAddOn, 4), count: 1, period: Some(1) },
    ];
    let r = rating::rate(&m.s, &sc).unwrap();
    let bo = Id::new(K::BoltOn, 2);
    assert_eq!(money(&r, 1, Charge::Excess, bo), (Money(1_000), Some(Money(400))));
    assert!(r.periods[1].lines.iter().all(|l| l.charge != Charge::Excess));
    assert_eq!(money(&r, 3, Charge::Excess, bo), (Money(2_000), Some(Money(800))));
    // Period 1 SELL: 30 + 4 + 9 + 10 = 53.
    assert_eq!(r.periods[0].totals.sell.monthly, Money(5_300));
    assert!(r.assumptions.iter().any(|a| a.id == "RAT-09"));
}

#[test]
fn as_needed_skips_quotas_that_count_next_period() {
    // The at_end add-on has the higher weight, but it cannot cover this period: the at_start
    // one is bought instead (2 × 1 GB for 2 GB short).
    let m = Mini::new(
        "AUD",
        Tier::Wholesale,
        IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 2 * GB },
        &[(GB, 5, AT_START, 200, 400, 3), (3 * GB, 9, AT_END, 500, 900, 1)],
    );
    let mut sc = m.scenario(vec![gb(4)]);
    sc.top_ups_as_needed = true;
    let r = rating::rate(&m.s, &sc).unwrap();
    assert_eq!(money(&r, 1, Charge::AddOn, Id::new(K::BoltOnAddOn, 2)), (Money(800), Some(Money(400))));
    assert!(r.periods[0].lines.iter().all(|l| l.sell.object != Id::new(K::BoltOnAddOn, 4)));
    assert!(r.assumptions.iter().any(|a| a.id == "RAT-17"));
}

#[test]
fn usage_inside_the_quota_is_charged_when_the_plan_says_so() {
    // SP-2 bills data itself: quota 10 GB + bonus 1 GB, excess 2.00/GB, charge in quota; no
    // bolt-on of data (the allocation is SMS). 12.5 GB used: 11 GB inside × 2.00 = 22.00 and
    // 1.5 GB above × 2.00 = 3.00. BUY: quota 10 GB at 1.00, not charged in quota: 2.5 GB × 1.00.
    let mut m =
        Mini::new("AUD", Tier::Wholesale, IncludedValue { value_type: IncludedValueType::Units, amount: 100 }, &[]);
    for (n, rate, in_quota, bonus) in [(1, 100, false, None), (2, 200, true, Some(GB))] {
        if let PlanDetail::ServicePlan(f) = &mut m.sell_mut(K::ServicePlan, n).detail {
            f.data_billing = DataBilling {
                mode: DataBillingMode::Own,
                billing_type: Some(BillingType::Volume),
                quota_kb: Some(10 * GB),
                excess_rate: Some(Money(rate)),
                charge_in_quota: in_quota,
                bonus_kb: bonus,
                pool: None,
            };
        }
    }
    let sc =
        m.scenario(vec![Usage { value_type: IncludedValueType::Kilobytes, amount: 12 * GB + GB / 2, period: None }]);
    let r = rating::rate(&m.s, &sc).unwrap();
    let sp = Id::new(K::ServicePlan, 2);
    assert_eq!(money(&r, 1, Charge::InQuota, sp), (Money(2_200), Some(Money(0))));
    assert_eq!(money(&r, 1, Charge::Excess, sp), (Money(300), Some(Money(250))));
    assert!(r.assumptions.iter().any(|a| a.id == "RAT-11"));
}

#[test]
fn yen_has_no_minor_unit() {
    // JPY: amounts are whole yen. 1 GB bolt-on, excess ¥1,000/GB (SELL) and ¥400 (BUY); access
    // ¥3,000 (SELL) / ¥2,000 (BUY); from 2026-03-10, 22 of 31 days, pro rata on the service:
    // ¥3,000 × 22/31 = 2,129.03… → ¥2,129; BUY ¥2,000 × 22/31 = 1,419.35… → ¥1,419.
    // 1.3 GB used = 1,363,149 KB (rounded down from 1,363,148.8); 314,573 KB above 1 GB
    // × ¥1,000 / 1,048,576 = 299.99… → ¥300; BUY × ¥400 = 119.99… → ¥120.
    let mut m =
        Mini::new("JPY", Tier::Wholesale, IncludedValue { value_type: IncludedValueType::Kilobytes, amount: GB }, &[]);
    m.sell_mut(K::ServicePlan, 1).pro_rata = true;
    m.sell_mut(K::ServicePlan, 2).pro_rata = true;
    let mut sc = m.scenario(vec![Usage { value_type: IncludedValueType::Kilobytes, amount: 1_363_149, period: None }]);
    sc.start = day("2026-03-10");
    let r = rating::rate(&m.s, &sc).unwrap();
    assert_eq!(r.decimals, 0);
    assert_eq!(money(&r, 1, Charge::Access, Id::new(K::ServicePlan, 2)), (Money(2_129), Some(Money(1_419))));
    assert_eq!(money(&r, 1, Charge::Excess, Id::new(K::BoltOn, 2)), (Money(300), Some(Money(120))));
    // Period 2, all of April, in full: ¥3,000 + ¥300.
    assert_eq!(r.periods[1].totals.sell.monthly, Money(3_300));
}

#[test]
fn a_retailer_without_buy_prices_shows_buy_as_unknown() {
    // A retailer's BUY objects are reference-only: no prices. BUY is unknown, never zero, and
    // so are the margins; SELL is rated as usual (30.00 + 1 GB × 10.00 above the 1 GB bolt-on).
    let mut m =
        Mini::new("AUD", Tier::Retail, IncludedValue { value_type: IncludedValueType::Kilobytes, amount: GB }, &[]);
    m.sell_mut(K::ServicePlan, 1).access_fee = None;
    if let PlanDetail::BoltOn(f) = &mut m.sell_mut(K::BoltOn, 1).detail {
        f.excess_rate = None;
    }
    let r = rating::rate(&m.s, &m.scenario(vec![gb(2)])).unwrap();
    let t = r.periods[0].totals;
    assert_eq!(t.sell.monthly, Money(4_000));
    assert_eq!(t.buy, None);
    assert_eq!(t.margin, None);
    assert!(r.periods[0].lines.iter().all(|l| l.buy.is_none() && l.margin.is_none()));
    assert_eq!(r.totals.buy, None);
    assert!(r.assumptions.iter().any(|a| a.id == "RAT-15"));
}

#[test]
fn a_structure_without_prices_is_refused_naming_a_plan_and_the_fix() {
    let mut m =
        Mini::new("AUD", Tier::Wholesale, IncludedValue { value_type: IncludedValueType::Kilobytes, amount: GB }, &[]);
    m.sell_mut(K::ServicePlan, 2).access_fee = None;
    if let PlanDetail::BoltOn(f) = &mut m.sell_mut(K::BoltOn, 2).detail {
        f.excess_rate = None;
    }
    let e = rating::rate(&m.s, &m.scenario(vec![])).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(
        e.message().contains("has no prices") && e.message().contains("SP-2") && e.message().contains("access fee"),
        "{e}"
    );
}

#[test]
fn bad_scenarios_name_the_field_and_the_fix() {
    let m =
        Mini::new("AUD", Tier::Wholesale, IncludedValue { value_type: IncludedValueType::Kilobytes, amount: GB }, &[]);
    let neg = m.scenario(vec![Usage { value_type: IncludedValueType::Kilobytes, amount: -1, period: None }]);
    let e = rating::rate(&m.s, &neg).unwrap_err();
    assert_eq!((e.kind(), e.field()), (ErrorKind::InvalidInput, Some("usage")));
    assert!(e.message().contains("negative"), "{e}");
    let mut none = m.scenario(vec![]);
    none.periods = 0;
    assert_eq!(rating::rate(&m.s, &none).unwrap_err().field(), Some("periods"));
    let mut missing = m.scenario(vec![]);
    missing.subject = Id::new(K::Structure, 9);
    let e = rating::rate(&m.s, &missing).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.message().contains("ST-9"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Properties

fn mini_for(pro_rata: bool, retail: bool) -> Mini {
    let mut m = Mini::new(
        "AUD",
        if retail { Tier::Retail } else { Tier::Wholesale },
        IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 2 * GB },
        &[(GB, 5, AT_START, 200, 400, 3), (3 * GB, 9, AT_END, 500, 900, 2), (2 * GB, 7, BonusType::None, 300, 650, 2)],
    );
    for n in 1..=2 {
        m.sell_mut(K::ServicePlan, n).pro_rata = pro_rata;
        m.sell_mut(K::BoltOn, n).pro_rata = pro_rata;
        m.sell_mut(K::ServicePlan, n).setup_fee = Some(Money(1_999 * n));
    }
    m
}

prop_compose! {
    fn scenarios()(kb in proptest::collection::vec(0i64..12 * GB, 1..4), start in 1u32..=28,
                   services in 1u32..4, as_needed in any::<bool>(), bought in 0u32..3) -> (Vec<i64>, u32, u32, bool, u32) {
        (kb, start, services, as_needed, bought)
    }
}

fn build(m: &Mini, (kb, start, services, as_needed, bought): &(Vec<i64>, u32, u32, bool, u32)) -> Scenario {
    let mut sc = m.scenario(vec![]);
    sc.start = Date::new(2026, 2, *start).unwrap();
    sc.periods = kb.len() as u32;
    sc.usage = kb
        .iter()
        .enumerate()
        .map(|(i, k)| Usage { value_type: IncludedValueType::Kilobytes, amount: *k, period: Some(i as u32 + 1) })
        .collect();
    sc.services = Some(*services);
    sc.top_ups_as_needed = *as_needed;
    sc.purchases = vec![AddOnPurchase { add_on: Id::new(K::BoltOnAddOn, 2), count: *bought, period: None }];
    sc
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn lines_add_up_and_margins_are_sell_minus_buy(input in scenarios(), pro_rata in any::<bool>(), retail in any::<bool>()) {
        let m = mini_for(pro_rata, retail);
        let r = rating::rate(&m.s, &build(&m, &input)).unwrap();
        for p in &r.periods {
            let sell: i64 = p.lines.iter().map(|l| l.sell.amount.0).sum();
            prop_assert_eq!(p.totals.sell.total, Money(sell));
            let one_off: i64 = p.lines.iter().filter(|l| l.one_off).map(|l| l.sell.amount.0).sum();
            prop_assert_eq!(p.totals.sell.one_off, Money(one_off));
            for l in &p.lines {
                match &l.buy {
                    Some(b) => prop_assert_eq!(l.margin, Some(Money(l.sell.amount.0 - b.amount.0))),
                    None => prop_assert_eq!(l.margin, None),
                }
            }
            match p.totals.buy {
                Some(b) => {
                    let buy: i64 = p.lines.iter().map(|l| l.buy.as_ref().unwrap().amount.0).sum();
                    prop_assert_eq!(b.total, Money(buy));
                    prop_assert_eq!(p.totals.margin.unwrap().total.amount, Money(sell - buy));
                }
                None => prop_assert!(p.lines.iter().any(|l| l.buy.is_none()) || retail),
            }
        }
        let all: i64 = r.periods.iter().map(|p| p.totals.sell.total.0).sum();
        prop_assert_eq!(r.totals.sell.total, Money(all));
    }

    #[test]
    fn more_usage_never_costs_less(input in scenarios(), extra in 0i64..8 * GB, at in 0usize..3, pro_rata in any::<bool>()) {
        let m = mini_for(pro_rata, false);
        let base = rating::rate(&m.s, &build(&m, &input)).unwrap();
        let mut more = input.clone();
        let i = at % more.0.len();
        more.0[i] += extra;
        let r = rating::rate(&m.s, &build(&m, &more)).unwrap();
        prop_assert!(r.totals.sell.total >= base.totals.sell.total, "{:?} < {:?}", r.totals.sell, base.totals.sell);
        prop_assert!(r.totals.buy.unwrap().total >= base.totals.buy.unwrap().total);
    }

    #[test]
    fn the_same_input_gives_the_same_bytes(input in scenarios(), pro_rata in any::<bool>()) {
        let m = mini_for(pro_rata, false);
        let sc = build(&m, &input);
        let a = serde_json::to_vec(&rating::rate(&m.s, &sc).unwrap()).unwrap();
        let b = serde_json::to_vec(&rating::rate(&m.s.clone(), &sc.clone()).unwrap()).unwrap();
        prop_assert_eq!(a, b);
    }
}

// ---------------------------------------------------------------------------------------------
// Saved scenarios

#[test]
fn scenarios_are_saved_undone_dumped_loaded_and_go_with_their_structure() {
    use plansmith_core::rating::store;
    use plansmith_core::{Change, interchange};
    let dir = tempfile::tempdir().unwrap();
    let mut cat = demo::write_demo(&dir.path().join("demo.plansmith"), &stamp()).unwrap();
    let st = structure(demo(), StructureKind::SharedData);
    let mut sc = Scenario::new("6 sites, 620 GB", st, day("2026-07-01"));
    sc.usage = vec![gb(620)];
    cat.apply(&Change::SaveScenario { scenario: sc.clone() }, &stamp()).unwrap();
    let mut b = sc.clone();
    b.name = "8 sites".into();
    b.sites = Some(8);
    cat.apply(&Change::SaveScenario { scenario: b.clone() }, &stamp()).unwrap();
    assert_eq!(store::scenarios_of(cat.conn(), st).unwrap(), vec![sc.clone(), b.clone()]);
    // Saving under the same name replaces it.
    let mut b2 = b.clone();
    b2.sites = Some(9);
    cat.apply(&Change::SaveScenario { scenario: b2.clone() }, &stamp()).unwrap();
    assert_eq!(store::scenario(cat.conn(), st, "8 sites").unwrap().sites, Some(9));
    // Undo brings the replaced one back; undo again removes the second scenario.
    cat.undo(&stamp()).unwrap();
    assert_eq!(store::scenario(cat.conn(), st, "8 sites").unwrap().sites, Some(8));
    cat.undo(&stamp()).unwrap();
    let e = store::scenario(cat.conn(), st, "8 sites").unwrap_err();
    assert!(e.message().contains("'6 sites, 620 GB'"), "the missing name lists the saved ones: {e}");
    cat.redo(&stamp()).unwrap();
    // The canonical JSON holds them, and a catalog loaded from it has them again.
    let json = interchange::dump(&cat).unwrap();
    assert!(json.contains("\"scenarios\": [") && json.contains("\"8 sites\""));
    let loaded = interchange::load(&dir.path().join("loaded.plansmith"), &json, &stamp()).unwrap();
    assert_eq!(interchange::dump(&loaded).unwrap(), json);
    // Bad scenarios are refused by the change, naming the field.
    let mut bad = sc.clone();
    bad.usage = vec![Usage { value_type: IncludedValueType::Kilobytes, amount: -3, period: None }];
    let e = cat.apply(&Change::SaveScenario { scenario: bad }, &stamp()).unwrap_err();
    assert_eq!(e.field(), Some("usage"));
    let e = cat.apply(&Change::DeleteScenario { subject: st, name: "nope".into() }, &stamp()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // Deleting the structure deletes its scenarios; undoing it brings both back.
    cat.apply(&Change::DeleteStructure { id: st }, &stamp()).unwrap();
    assert!(store::scenarios(cat.conn()).unwrap().is_empty());
    cat.undo(&stamp()).unwrap();
    assert_eq!(store::scenarios_of(cat.conn(), st).unwrap().len(), 2);
    cat.apply(&Change::DeleteScenario { subject: st, name: "8 sites".into() }, &stamp()).unwrap();
    assert_eq!(store::scenarios_of(cat.conn(), st).unwrap(), vec![sc]);
}

// ---------------------------------------------------------------------------------------------
// An independent rater (tests/rating_reference/rater.py, written from domain.md §9) agrees
// with the engine on generated catalogs.

#[test]
fn an_independent_rater_agrees_on_generated_catalogs() {
    use plansmith_core::synth::{self, SynthSpec};
    use plansmith_core::{Catalog, NewCatalog, interchange};
    let dir = tempfile::tempdir().unwrap();
    for (seed, tier, start) in
        [(7u64, Tier::Wholesale, "2026-07-01"), (11, Tier::Wholesale, "2026-02-17"), (3, Tier::Retail, "2026-05-09")]
    {
        let path = dir.path().join(format!("synth-{seed}.plansmith"));
        let new = NewCatalog {
            catalog_id: format!("synth-{seed}"),
            name: "synth".into(),
            provider: String::new(),
            tier,
            currency: "AUD".into(),
        };
        let mut cat = Catalog::create(&path, &new, &stamp()).unwrap();
        synth::generate(&mut cat, &SynthSpec::sized(1_500), seed).unwrap();
        let snapshot = cat.snapshot().unwrap();
        let mut scenarios = Vec::new();
        for (i, st) in snapshot.structures.iter().enumerate() {
            for (j, usage_gb) in [0i64, 7, 45, 900].into_iter().enumerate() {
                let mut sc = Scenario::new(format!("s{i}-{j}"), st.id, day(start));
                sc.periods = 3;
                sc.usage = vec![
                    Usage {
                        value_type: IncludedValueType::Kilobytes,
                        amount: usage_gb * GB + 12_345 * j as i64,
                        period: None,
                    },
                    Usage { value_type: IncludedValueType::Kilobytes, amount: usage_gb * GB / 3, period: Some(2) },
                    Usage { value_type: IncludedValueType::Seconds, amount: 7_000 * j as i64, period: None },
                ];
                sc.top_ups_as_needed = j % 2 == 1;
                sc.services = (j == 2).then_some(3);
                sc.sites = (j == 3 && st.kind == StructureKind::SharedData).then_some(5);
                scenarios.push(sc);
            }
        }
        let mut expected = Vec::new();
        for sc in &scenarios {
            let r = rating::rate(&snapshot, sc).unwrap_or_else(|e| panic!("{}: {e}", sc.name));
            let periods: Vec<serde_json::Value> = r
                .periods
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "sell": {"one_off": p.totals.sell.one_off, "monthly": p.totals.sell.monthly},
                        "buy": p.totals.buy.map(|b| serde_json::json!({"one_off": b.one_off, "monthly": b.monthly})),
                    })
                })
                .collect();
            expected.push(serde_json::Value::Array(periods));
        }
        let catalog_json = dir.path().join(format!("synth-{seed}.json"));
        std::fs::write(&catalog_json, interchange::dump(&cat).unwrap()).unwrap();
        let scenarios_json = dir.path().join(format!("scenarios-{seed}.json"));
        std::fs::write(&scenarios_json, serde_json::to_string(&scenarios).unwrap()).unwrap();
        let rater = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rating_reference/rater.py");
        let out = std::process::Command::new("python3")
            .arg(rater)
            .arg(&catalog_json)
            .arg(&scenarios_json)
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let theirs: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(theirs.len(), expected.len());
        let mut priced = 0;
        for ((sc, ours), theirs) in scenarios.iter().zip(&expected).zip(&theirs) {
            assert_eq!(ours, theirs, "seed {seed}, scenario {} of {}", sc.name, sc.subject);
            priced += ours[0]["sell"]["monthly"].as_i64().unwrap().signum();
        }
        assert!(priced > 0, "the generated catalog has prices to compare");
    }
}

// ---------------------------------------------------------------------------------------------
// Usage sweeps and their charts

#[test]
fn harbour_cafes_swept_from_nothing_to_twice_the_pool() {
    let s = demo();
    let mut sc = Scenario::new("6 sites, 620 GB", structure(s, StructureKind::SharedData), day("2026-07-15"));
    sc.usage = vec![gb(620)];
    let w = rating::sweep::sweep(&Relations::new(s), &sc, 40).unwrap();
    // The pool is 500 GB; the sweep runs 0 to 1,000 GB in steps of 25 GB.
    assert_eq!((w.value_type, w.unit.as_str(), w.per, w.capacity), (IncludedValueType::Kilobytes, "GB", GB, 500 * GB));
    assert_eq!(w.points.len(), 41);
    assert_eq!(w.points[1].usage, 25 * GB);
    // A full month (no pro rata though the scenario starts on the 15th), recurring only: at
    // 0 GB SELL 599 + 6 × 149 = 1,493, BUY 350 + 6 × 95 = 920.
    assert_eq!(
        (w.points[0].sell, w.points[0].buy, w.points[0].margin),
        (Money(149_300), Some(Money(92_000)), Some(Money(57_300)))
    );
    // At 1,000 GB: 500 GB above the pool, SELL + 500 × 2.50 = 2,743, BUY + 500 × 1.50 = 1,670.
    assert_eq!((w.points[40].sell, w.points[40].buy), (Money(274_300), Some(Money(167_000))));
    // 500 GB is inside the pool; 525 GB is the first point charged excess.
    assert_eq!(w.excess_from, Some(525 * GB));
    assert_eq!(w.negative_margin_from, None);
    assert!(w.points.windows(2).all(|p| p[0].sell <= p[1].sell), "more usage never costs less");

    let cur = plansmith_core::Currency::parse("AUD").unwrap();
    keep_for_looking("sweep-consultant.svg", &chart::sweep_svg(&w, &cur, Audience::Consultant));
    keep_for_looking("sweep-client.svg", &chart::sweep_svg(&w, &cur, Audience::Client));
    let client = w.clone().for_audience(Audience::Client);
    assert!(client.points.iter().all(|p| p.buy.is_none() && p.margin.is_none()));
    assert_eq!(
        client.points.iter().map(|p| p.sell).collect::<Vec<_>>(),
        w.points.iter().map(|p| p.sell).collect::<Vec<_>>()
    );
}

#[test]
fn a_sweep_marks_where_the_margin_turns_negative() {
    // 2 GB bolt-on; excess SELL 10.00/GB but the carrier charges 25.00/GB (BO-1 is BUY).
    // Margin at no usage: 30 − 20 = 10. Swept 0 to 4 GB in 8 steps of 0.5 GB: at 2.5 GB the
    // excess is 0.5 GB: 10 + 5.00 − 12.50 = 2.50; at 3 GB: 10 + 10 − 25 = −5: below zero.
    let mut m = Mini::new(
        "AUD",
        Tier::Wholesale,
        IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 2 * GB },
        &[],
    );
    if let PlanDetail::BoltOn(f) = &mut m.sell_mut(K::BoltOn, 1).detail {
        f.excess_rate = Some(Money(2_500));
    }
    let sc = m.scenario(vec![gb(1)]);
    let w = rating::sweep::sweep(&Relations::new(&m.s), &sc, 8).unwrap();
    assert_eq!(w.capacity, 2 * GB);
    assert_eq!(w.excess_from, Some(5 * GB / 2));
    assert_eq!(w.points[5].margin, Some(Money(250)));
    assert_eq!(w.negative_margin_from, Some(3 * GB));
    assert_eq!(w.points[6].margin, Some(Money(-500)));

    let cur = plansmith_core::Currency::parse("AUD").unwrap();
    let consultant = chart::sweep_svg(&w, &cur, Audience::Consultant);
    let client = chart::sweep_svg(&w.clone().for_audience(Audience::Client), &cur, Audience::Client);
    // The client's chart is drawn even from the consultant's data: the audience decides.
    assert_eq!(client, chart::sweep_svg(&w, &cur, Audience::Client));
    for svg in [&consultant, &client] {
        resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).expect("a well-formed SVG");
    }
    assert!(consultant.contains("BUY: the carrier") && consultant.contains("margin below zero from 3 GB"));
    for word in ["BUY", "argin", "carrier", "(internal)"] {
        assert!(!client.contains(word), "the client's chart shows '{word}'");
    }
    assert!(client.contains("excess charged from 2.5 GB"), "{client}");
    keep_for_looking("sweep-loss.svg", &consultant);
}

#[test]
fn twelve_periods_as_bars_the_same_bytes_every_time() {
    let s = demo();
    let mut sc = Scenario::new("6 sites, 620 GB", structure(s, StructureKind::SharedData), day("2026-07-01"));
    sc.usage = vec![gb(620)];
    let r = rating::rate(s, &sc).unwrap();
    let cur = plansmith_core::Currency::parse("AUD").unwrap();
    let consultant = chart::periods_svg(&r, &cur, Audience::Consultant);
    assert_eq!(consultant, chart::periods_svg(&rating::rate(s, &sc).unwrap(), &cur, Audience::Consultant));
    // 12 SELL bars and 12 BUY bars, plus a legend swatch of each.
    assert_eq!(consultant.matches("fill=\"#1F5FA8\"").count(), 13, "{consultant}");
    assert_eq!(consultant.matches("fill=\"#A84A00\"").count(), 13);
    let client = chart::periods_svg(&r, &cur, Audience::Client);
    keep_for_looking("periods-consultant.svg", &consultant);
    keep_for_looking("periods-client.svg", &client);
    assert_eq!(client.matches("fill=\"#A84A00\"").count(), 0);
    assert!(!client.contains("BUY") && !client.contains("carrier"));
    resvg::usvg::Tree::from_str(&client, &resvg::usvg::Options::default()).expect("a well-formed SVG");
}

/// Writes a chart into `$PLANSMITH_LOOK_DIR`, when set, for a person to look at.
fn keep_for_looking(name: &str, svg: &str) {
    if let Some(dir) = std::env::var_os("PLANSMITH_LOOK_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(name), svg).unwrap();
    }
}
