//! Commercials (rating::commercials): price pairs, a subject's totals, what if and compare on
//! the demo, with the arithmetic of each figure in a comment; the client's answers carry no BUY
//! figure, margin or internal name, checked on their JSON.

use std::sync::OnceLock;

use plansmith_core::model::*;
use plansmith_core::rating::commercials::{
    self, FigureUnit, PriceField, PriceOverride, TypedScenario, TypedUsage, price_pairs, subject_totals, what_if,
};
use plansmith_core::rating::{self, Scenario, Usage};
use plansmith_core::relations::Relations;
use plansmith_core::{Audience, Currency, Date, EntityKind, Id, Money, Scope, Snapshot, Stamp, demo};

const GB: i64 = 1_048_576;

fn demo() -> &'static Snapshot {
    static D: OnceLock<Snapshot> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp::new("Ava Nguyen", "2026-05-04T09:30:00Z".parse().unwrap());
        let cat = demo::write_demo(&dir.path().join("demo.plansmith"), &stamp).unwrap();
        Snapshot::load(cat.conn(), &Scope::All).unwrap()
    })
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn shared(s: &Snapshot) -> Id {
    s.structures.iter().find(|st| st.kind == StructureKind::SharedData).unwrap().id
}

fn sell(s: &Snapshot, kind: EntityKind, internal: &str) -> Id {
    s.plans_of(kind).iter().find(|p| p.side == Side::Sell && p.internal_name == internal).unwrap().id
}

/// Harbour Cafés: 6 sites, 620 GB a month, from 1 July 2026.
fn harbour(s: &Snapshot, name: &str) -> Scenario {
    let mut sc = Scenario::new(name, shared(s), day("2026-07-01"));
    sc.usage = vec![Usage { value_type: IncludedValueType::Kilobytes, amount: 620 * GB, period: None }];
    sc
}

/// Every BUY price of the demo that no SELL price shares (a shared figure, such as 5.00 on both
/// sides, says nothing about the BUY side), and every internal name that is not also public.
fn buy_figures(s: &Snapshot) -> (Vec<i64>, Vec<String>) {
    let prices = |p: &Plan| {
        let b = p.bolt_on();
        let ex = b.and_then(|b| b.excess_rate).or_else(|| p.service().and_then(|f| f.data_billing.excess_rate));
        [p.setup_fee, p.access_fee, b.and_then(|b| b.first_time_fee), ex]
            .into_iter()
            .flatten()
            .map(|m| m.0)
            .collect::<Vec<_>>()
    };
    let sell: Vec<i64> = s.plans().filter(|p| p.side == Side::Sell).flat_map(prices).collect();
    let mut amounts: Vec<i64> =
        s.plans().filter(|p| p.side == Side::Buy).flat_map(prices).filter(|m| !sell.contains(m)).collect();
    amounts.sort();
    amounts.dedup();
    // Likewise an internal name that is also a SELL external name ("Mobile Business 40").
    let external: Vec<&str> =
        s.plans().filter(|p| p.side == Side::Sell).filter_map(|p| p.external_name.as_deref()).collect();
    let names = s.plans().map(|p| p.internal_name.clone()).filter(|n| !external.contains(&n.as_str())).collect();
    (amounts, names)
}

#[test]
fn price_pairs_of_the_tail_show_buy_and_margin_beside_each_sell_price() {
    let s = demo();
    let tail = sell(s, EntityKind::ServicePlan, "Business internet site tail");
    let p = price_pairs(s, tail, Audience::Consultant).unwrap();
    assert_eq!(p.buy_name.as_deref(), Some("AAPT IP-Line tail (buy)"));
    let setup = p.pairs.iter().find(|x| x.field == PriceField::SetupFee).unwrap();
    // Set-up: SELL 299.00 beside BUY 150.00, margin 149.00 = 49.83 % of SELL (149/299 = 0.49832…).
    assert_eq!((setup.sell, setup.buy), (Some(Money(29_900)), Some(Money(15_000))));
    let m = setup.margin.unwrap();
    assert_eq!((m.amount, m.margin_percent_bp, m.markup_percent_bp), (Money(14_900), Some(4_983), Some(9_933)));
    let access = p.pairs.iter().find(|x| x.field == PriceField::AccessFee).unwrap();
    // Access: 149.00 − 95.00 = 54.00 a month.
    assert_eq!((access.sell, access.buy, access.per), (Some(Money(14_900)), Some(Money(9_500)), "a month"));
    assert_eq!(access.margin.unwrap().amount, Money(5_400));

    // The pool's excess rate: 2.50 beside 1.50 per GB.
    let pool = sell(s, EntityKind::ServicePlan, "Business shared data 500 GB");
    let p = price_pairs(s, pool, Audience::Consultant).unwrap();
    let ex = p.pairs.iter().find(|x| x.field == PriceField::ExcessRate).unwrap();
    assert_eq!((ex.sell, ex.buy, ex.per), (Some(Money(250)), Some(Money(150)), "per GB"));
    assert_eq!(ex.margin.unwrap().amount, Money(100));
    // No set-up fee on either side: no pair.
    assert!(p.pairs.iter().all(|x| x.field != PriceField::SetupFee));

    // The client sees the SELL prices and the external name only.
    let c = price_pairs(s, tail, Audience::Client).unwrap();
    assert_eq!(c.name, "Business Internet Site Connection");
    assert!(c.pairs.iter().all(|x| x.buy.is_none() && x.margin.is_none()));
    assert!(c.buy_plan.is_none() && c.buy_name.is_none());
}

#[test]
fn a_sell_plan_without_counterpart_has_an_unknown_buy_price_not_zero() {
    let mut s = demo().clone();
    let tail = sell(&s, EntityKind::ServicePlan, "Business internet site tail");
    let i = s.service_plans.iter().position(|p| p.id == tail).unwrap();
    s.service_plans[i].buy_counterpart = None;
    let p = price_pairs(&s, tail, Audience::Consultant).unwrap();
    assert!(p.pairs.iter().all(|x| x.buy.is_none() && x.margin.is_none() && x.sell.is_some()));
    assert!(p.buy_unknown.unwrap().contains("no BUY counterpart"));
}

#[test]
fn subject_totals_rate_a_named_baseline() {
    let s = demo();
    let r = Relations::new(s);
    let st = shared(s);
    // No saved scenario: one month from 1 July without usage, the customer's 6 sites.
    // SELL monthly 599 + 6 × 149 = 1,493; set-up 6 × 299 = 1,794. BUY 350 + 6 × 95 = 920; 900.
    let t = subject_totals(&r, st, &[], day("2026-07-01"), Audience::Consultant).unwrap();
    assert_eq!(t.basis, "one month from 2026-07-01, no usage, the customer's 6 sites");
    assert_eq!((t.totals.sell.monthly, t.totals.sell.one_off), (Money(149_300), Money(179_400)));
    let buy = t.totals.buy.unwrap();
    assert_eq!((buy.monthly, buy.one_off), (Money(92_000), Money(90_000)));
    // A saved scenario is the baseline when there is one: 620 GB gives the figures.
    let saved = harbour(s, "6 sites, 620 GB");
    let t = subject_totals(&r, st, std::slice::from_ref(&saved), day("2026-07-01"), Audience::Consultant).unwrap();
    assert_eq!(t.basis, "period 1 of saved scenario '6 sites, 620 GB'");
    // SELL 599 + 6 × 149 + 120 × 2.50 = 1,793 a month + 1,794 set-up; BUY 350 + 570 + 180 = 1,100
    // (+ 900 set-up); margin 693 = 38.65 % of SELL (693 / 1,793 = 0.38650…).
    assert_eq!((t.totals.sell.monthly, t.totals.sell.one_off), (Money(179_300), Money(179_400)));
    let buy = t.totals.buy.unwrap();
    assert_eq!((buy.monthly, buy.one_off), (Money(110_000), Money(90_000)));
    let m = t.totals.margin.unwrap().monthly;
    assert_eq!((m.amount, m.margin_percent_bp), (Money(69_300), Some(3_865)));
    // The customer itself: its own sites, the same month.
    let cu = s.customers[0].id;
    let c = subject_totals(&r, cu, &[], day("2026-07-01"), Audience::Client).unwrap();
    assert_eq!(c.totals.sell.monthly, Money(149_300));
    assert!(c.totals.buy.is_none() && c.totals.margin.is_none());
}

#[test]
fn the_clients_answers_hold_no_buy_amount_margin_or_internal_name() {
    let s = demo();
    let r = Relations::new(s);
    let st = shared(s);
    let sc = harbour(s, "6 sites, 620 GB");
    let mut eight = sc.clone();
    eight.sites = Some(8);
    let rating = rating::rate(s, &sc).unwrap().seen_by(Audience::Client);
    let wi = what_if(s, &sc, &eight, &[], Audience::Client).unwrap();
    let cmp = commercials::compare(&r, &[sc.clone(), eight.clone()], Audience::Client).unwrap();
    let tot = subject_totals(&r, st, std::slice::from_ref(&sc), day("2026-07-01"), Audience::Client).unwrap();
    let form =
        commercials::scenario_form(&r, st, std::slice::from_ref(&sc), day("2026-07-01"), Audience::Client).unwrap();
    let pairs: Vec<_> =
        s.plans().filter(|p| p.side == Side::Sell).map(|p| price_pairs(s, p.id, Audience::Client).unwrap()).collect();
    let json = serde_json::to_string(&(rating, wi, cmp, tot, form, pairs)).unwrap();
    let (amounts, names) = buy_figures(s);
    // The demo's BUY amounts in minor units: 350.00 → 35000, 95.00 → 9500, 150.00 → 15000, …
    assert!(amounts.contains(&35_000) && amounts.contains(&9_500) && amounts.contains(&150), "{amounts:?}");
    for a in &amounts {
        let at = json.find(&format!(":{a},")).or_else(|| json.find(&format!(":{a}}}")));
        assert!(
            at.is_none(),
            "BUY amount {a} in the client's answer: …{}…",
            &json[at.unwrap().saturating_sub(200)..at.unwrap() + 20]
        );
    }
    // BUY totals of the 620 GB month: 1,100.00 and 900.00; the margin 693.00.
    for a in ["110000", "90000", "69300"] {
        assert!(!json.contains(a), "{a} in the client's answer");
    }
    assert!(names.len() > 10, "{names:?}");
    for n in &names {
        assert!(!json.contains(&format!("\"{n}\"")), "internal name {n} in the client's answer");
    }
    for key in ["\"buy\":{", "\"margin\":{", "margin_percent_bp", "RAT-15", "RAT-18"] {
        assert!(!json.contains(key), "{key} in the client's answer");
    }
    // The consultant's answer does hold them, so the search above can fail.
    let c = serde_json::to_string(&rating::rate(s, &sc).unwrap()).unwrap();
    assert!(c.contains("110000") && c.contains("\"buy\":{"));
}

#[test]
fn what_if_two_more_sites_equals_rating_the_eight_site_scenario() {
    let s = demo();
    let sc = harbour(s, "6 sites, 620 GB");
    let mut eight = sc.clone();
    eight.sites = Some(8);
    let wi = what_if(s, &sc, &eight, &[], Audience::Consultant).unwrap();
    let direct = rating::rate(s, &eight).unwrap();
    assert_eq!(wi.after.totals, direct.totals);
    assert_eq!(wi.after.periods, direct.periods);
    // +2 sites: SELL +2 × 149 = +298 a month, +2 × 299 = +598 set-up; BUY +2 × 95 = +190.
    let p1 = wi.periods[0].totals;
    assert_eq!(p1.sell.monthly.difference, Some(Money(29_800)));
    assert_eq!(p1.sell.one_off.difference, Some(Money(59_800)));
    assert_eq!(p1.buy.unwrap().monthly.difference, Some(Money(19_000)));
    // Margin +298 − 190 = +108 a month.
    assert_eq!(p1.margin.unwrap().monthly.difference, Some(Money(10_800)));
    // Changed lines are the tail's set-up and access; the pool and the excess are not.
    let changed: Vec<_> = wi.lines.iter().filter(|l| l.period == 1 && l.changed).map(|l| l.charge).collect();
    assert_eq!(changed.len(), 2, "{:#?}", wi.lines);
    // Whole scenario: 12 × 298 + 598 more.
    assert_eq!(wi.totals.sell.total.difference, Some(Money(12 * 29_800 + 59_800)));
}

#[test]
fn what_if_a_price_changes_a_copy_never_the_catalog() {
    let s = demo();
    let before = s.clone();
    let sc = harbour(s, "6 sites, 620 GB");
    let tail = sell(s, EntityKind::ServicePlan, "Business internet site tail");
    let o = PriceOverride { plan: tail, field: PriceField::AccessFee, value: Some(Money(12_900)) };
    let wi = what_if(s, &sc, &sc, &[o], Audience::Consultant).unwrap();
    // 6 × (129 − 149) = −120 a month; BUY unchanged; margin −120.
    assert_eq!(wi.periods[0].totals.sell.monthly.difference, Some(Money(-12_000)));
    assert_eq!(wi.periods[0].totals.buy.unwrap().monthly.difference, Some(Money(0)));
    assert_eq!(wi.periods[0].totals.margin.unwrap().monthly.difference, Some(Money(-12_000)));
    assert_eq!(wi.price_changes, vec![format!("{tail} access fee: 149.00 → 129.00")]);
    assert_eq!(s, &before);
    // A price the plan has no field for is refused, naming the field.
    let bad = PriceOverride { plan: tail, field: PriceField::FirstTimeFee, value: Some(Money(1)) };
    let e = what_if(s, &sc, &sc, &[bad], Audience::Consultant).unwrap_err();
    assert_eq!(e.field(), Some("prices"));
}

#[test]
fn compare_marks_exactly_the_differing_figures() {
    let s = demo();
    let r = Relations::new(s);
    let six = harbour(s, "6 sites, 620 GB");
    let mut quiet = six.clone();
    quiet.name = "6 sites, 400 GB".into();
    quiet.usage[0].amount = 400 * GB;
    let cmp = commercials::compare(&r, &[six, quiet], Audience::Consultant).unwrap();
    let row = |k: &str| cmp.rows.iter().find(|r| r.key == k).unwrap_or_else(|| panic!("no row {k}: {:#?}", cmp.rows));
    // Only usage differs: set-up and access equal; monthly 1,793 vs 1,493 (no excess at 400 GB).
    let differing: Vec<&str> = cmp.rows.iter().filter(|r| r.differs).map(|r| r.key.as_str()).collect();
    assert_eq!(
        differing,
        [
            "sell.monthly",
            "sell.charge.excess",
            "sell.total",
            "buy.monthly",
            "buy.charge.excess",
            "buy.total",
            "margin.monthly",
            "margin.total",
            "margin.monthly_percent",
            "margin.monthly_markup"
        ]
    );
    assert_eq!(row("sell.monthly").values, [Some(179_300), Some(149_300)]);
    assert_eq!(row("sell.monthly").different, [false, true]);
    assert_eq!(row("sell.one_off").values, [Some(179_400), Some(179_400)]);
    // Margin % 693 / 1,793 = 38.65 % against 573 / 1,493 = 38.38 %.
    assert_eq!(row("margin.monthly_percent").values, [Some(3_865), Some(3_838)]);
    assert_eq!(row("margin.monthly_percent").unit, FigureUnit::BasisPoints);
    // Two structures side by side: the shared pool and the mobile plan.
    let mobile = s.structures.iter().find(|st| st.kind == StructureKind::BoltOnAddOn).unwrap().id;
    let m = Scenario::new("one service", mobile, day("2026-07-01"));
    let two = commercials::compare(&r, &[harbour(s, "A"), m], Audience::Client).unwrap();
    assert_eq!(two.columns.len(), 2);
    assert!(two.rows.iter().all(|r| r.key.starts_with("sell.")));
    assert!(commercials::compare(&r, &[harbour(s, "A")], Audience::Client).is_err());
}

#[test]
fn a_typed_scenario_reads_usage_in_its_usual_unit_and_back() {
    let s = demo();
    let aud = Currency::parse("AUD").unwrap();
    let t = TypedScenario {
        name: " 6 sites, 620 GB ".into(),
        subject: shared(s),
        start: "2026-07-01".into(),
        periods: 12,
        sites: None,
        services: None,
        usage: vec![TypedUsage { value_type: IncludedValueType::Kilobytes, text: "620".into() }],
        purchases: vec![],
        top_ups_as_needed: false,
    };
    let sc = t.read(&aud).unwrap();
    assert_eq!(sc, harbour(s, "6 sites, 620 GB"));
    let back = TypedScenario::of(&sc, &aud);
    assert_eq!(back.usage[0].text, "620 GB");
    let mut mb = t.clone();
    mb.usage[0].text = "512 MB@2".into();
    assert_eq!(
        mb.read(&aud).unwrap().usage[0],
        Usage { value_type: IncludedValueType::Kilobytes, amount: 512 * 1024, period: Some(2) }
    );
    let mut wrong = t.clone();
    wrong.usage[0].text = "300 min".into();
    let e = wrong.read(&aud).unwrap_err();
    assert_eq!(e.field(), Some("usage"));
    assert!(e.message().contains("typed in the data field"), "{}", e.message());
    let mut date = t.clone();
    date.start = "1 July".into();
    assert_eq!(date.read(&aud).unwrap_err().field(), Some("start"));
    let mut neg = t;
    neg.usage[0].text = "-5".into();
    assert!(neg.read(&aud).is_err());
}

#[test]
fn the_charts_are_the_proposals_and_the_clients_show_sell_only() {
    let s = demo();
    let r = Relations::new(s);
    let sc = harbour(s, "6 sites, 620 GB");
    let c = commercials::money_charts(&r, &sc, Audience::Consultant).unwrap();
    let svg = c.sweep_svg.unwrap();
    assert!(svg.starts_with("<svg") && c.periods_svg.starts_with("<svg"));
    // The pool is 500 GB: excess from just above it (the sweep runs 0 to 1,000 GB in 24 steps).
    assert_eq!(c.sweep_notes[0], "Included in a month: 500 GB.");
    assert!(c.sweep_notes[1].starts_with("The excess rate is charged from "), "{:?}", c.sweep_notes);
    let client = commercials::money_charts(&r, &sc, Audience::Client).unwrap();
    let client_svg = client.sweep_svg.unwrap();
    assert_ne!(svg, client_svg, "the consultant's chart draws BUY and margin, the client's does not");
    assert_eq!(
        client_svg,
        plansmith_core::chart::sweep_svg(
            &plansmith_core::rating::sweep::sweep(&r, &sc, commercials::SWEEP_STEPS)
                .unwrap()
                .for_audience(Audience::Client),
            &Currency::parse("AUD").unwrap(),
            Audience::Client,
        )
    );
    assert!(client.sweep_notes.iter().all(|n| !n.contains("margin")));
}
