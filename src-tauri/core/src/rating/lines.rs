//! The answer of a rating: per period, line pairs (the SELL line as the customer's invoice
//! prints it beside the BUY line of the carrier's bill for the same charge), totals per side
//! split into one-off and monthly, and the margin (SELL − BUY) with margin % (of SELL) and
//! markup % (on BUY) as separately named fields. BUY is `None` (unknown), never zero, where the
//! catalog does not say what the carrier charges. Assumptions that applied travel with it.

use serde::Serialize;

use crate::id::Id;
use crate::value::{Date, Money};

use super::round_div;

/// What a line charges for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Charge {
    /// Set-up fee, period 1.
    Setup,
    /// A bolt-on's first-time fee, the first period it is active.
    FirstTime,
    /// An add-on's set-up fee, the first period it is bought.
    AddOnSetup,
    /// Access fee, every period (once for a plan that does not recur).
    Access,
    /// Add-ons bought this period (their access fee).
    AddOn,
    /// Data inside the quota, where the plan charges it.
    InQuota,
    /// Usage above every allowance, at the excess rate.
    Excess,
}

impl Charge {
    /// Set-up, first-time and add-on set-up fees are one-off; the rest recur monthly.
    pub fn is_one_off(self) -> bool {
        matches!(self, Charge::Setup | Charge::FirstTime | Charge::AddOnSetup)
    }
}

/// What a line's quantity counts.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Ordered packages, service plans or bolt-ons (services or sites).
    Service,
    /// Add-ons bought.
    AddOn,
    /// Kilobytes, rated per GB.
    Kilobyte,
    /// Seconds, rated per minute.
    Second,
    /// Units (SMS, …), rated per unit.
    Unit,
    /// Minor units of money, rated per whole currency unit.
    MinorUnit,
}

/// One charge on one side: `amount = round(rate × quantity ÷ per)`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The plan charged (SELL on the invoice, its BUY counterpart on the carrier's bill).
    pub object: Id,
    /// As the invoice prints it (external names on the SELL side).
    pub description: String,
    /// How much, in `unit`s; a prorated fee counts services × days (`per` = days in the month).
    pub quantity: i64,
    pub unit: Unit,
    /// How many quantity units the rate is for (1; 1,048,576 KB per GB; 60 s per minute; the
    /// days of the month for a prorated fee).
    pub per: i64,
    /// The quantity as a person reads it ("6", "120 GB", "6 × 17/31 days").
    pub quantity_text: String,
    pub rate: Money,
    pub amount: Money,
}

/// A SELL line beside the BUY line of the same charge; `margin` = SELL − BUY.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinePair {
    pub charge: Charge,
    pub one_off: bool,
    pub sell: Line,
    /// None: the carrier's charge is unknown (no BUY counterpart, or a retailer's BUY object
    /// without prices).
    pub buy: Option<Line>,
    pub margin: Option<Money>,
}

/// One side's totals: one-off, monthly (access, add-ons, usage) and both.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SideTotals {
    pub one_off: Money,
    pub monthly: Money,
    pub total: Money,
}

/// SELL − BUY, with the two percentages named so nobody confuses them. Percentages are in
/// basis points (hundredths of a percent), rounded half away from zero; none where the divisor
/// is zero.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Margin {
    pub amount: Money,
    /// Margin as a share of SELL (margin ÷ SELL), in basis points.
    pub margin_percent_bp: Option<i64>,
    /// Markup on BUY (margin ÷ BUY), in basis points.
    pub markup_percent_bp: Option<i64>,
}

impl Margin {
    pub fn of(sell: Money, buy: Money) -> Margin {
        let m = sell.0 - buy.0;
        let bp = |d: i64| (d != 0).then(|| round_div(m as i128 * 10_000, d as i128) as i64);
        Margin { amount: Money(m), margin_percent_bp: bp(sell.0), markup_percent_bp: bp(buy.0) }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MarginTotals {
    pub one_off: Margin,
    pub monthly: Margin,
    pub total: Margin,
}

/// Both sides' totals and the margin; BUY and margin are none when any BUY line is unknown.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub sell: SideTotals,
    pub buy: Option<SideTotals>,
    pub margin: Option<MarginTotals>,
}

impl Totals {
    /// Sums of the lines (never rounded again).
    pub fn of_lines<'a>(pairs: impl IntoIterator<Item = &'a LinePair>) -> Totals {
        let mut sell = SideTotals::default();
        let mut buy = Some(SideTotals::default());
        for p in pairs {
            add(&mut sell, p.one_off, p.sell.amount);
            match (&mut buy, &p.buy) {
                (Some(b), Some(l)) => add(b, p.one_off, l.amount),
                _ => buy = None,
            }
        }
        Totals::from_sides(sell, buy)
    }

    /// The sum of several totals (the periods of a rating).
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Totals>) -> Totals {
        let mut sell = SideTotals::default();
        let mut buy = Some(SideTotals::default());
        for t in all {
            add(&mut sell, true, t.sell.one_off);
            add(&mut sell, false, t.sell.monthly);
            match (&mut buy, &t.buy) {
                (Some(b), Some(x)) => {
                    add(b, true, x.one_off);
                    add(b, false, x.monthly);
                }
                _ => buy = None,
            }
        }
        Totals::from_sides(sell, buy)
    }

    fn from_sides(sell: SideTotals, buy: Option<SideTotals>) -> Totals {
        let margin = buy.map(|b| MarginTotals {
            one_off: Margin::of(sell.one_off, b.one_off),
            monthly: Margin::of(sell.monthly, b.monthly),
            total: Margin::of(sell.total, b.total),
        });
        Totals { sell, buy, margin }
    }
}

fn add(t: &mut SideTotals, one_off: bool, m: Money) {
    if one_off {
        t.one_off.0 += m.0;
    } else {
        t.monthly.0 += m.0;
    }
    t.total.0 += m.0;
}

/// One period (a calendar month; period 1 from the start day).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodRating {
    pub period: u32,
    pub from: Date,
    pub to: Date,
    pub lines: Vec<LinePair>,
    pub totals: Totals,
}

/// A decision the sources leave open, as rating applied it (docs/rating.md lists them all).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assumption {
    pub id: &'static str,
    pub text: &'static str,
}

/// The rating of one scenario.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    pub subject: Id,
    pub subject_name: String,
    pub scenario: String,
    pub currency: String,
    /// Decimals of the currency's minor unit (0 for JPY).
    pub decimals: u32,
    pub periods: Vec<PeriodRating>,
    /// All periods together.
    pub totals: Totals,
    pub assumptions: Vec<Assumption>,
}

/// Every assumption rating may apply, in id order; the text is what docs/rating.md says.
pub const ASSUMPTIONS: &[(&str, &str)] = &[
    ("RAT-01", "A period is a calendar month; period 1 runs from the start day to the end of its month."),
    (
        "RAT-02",
        "Pro rata: in period 1 the access fee and the allocation are scaled by the days from the start day to the month's end (both included) over the days in the month; the prorated allocation is rounded to a whole KB, second, unit or cent, half away from zero.",
    ),
    ("RAT-03", "A plan that does not recur charges its access fee once, in period 1."),
    (
        "RAT-04",
        "Shared data: the scenario's data usage is the customer's total across all sites; it is rated once against the pool's service plan.",
    ),
    (
        "RAT-05",
        "With a number of sites given, every site orders the same tail package (the first site's, else the structure's SELL tail package).",
    ),
    (
        "RAT-06",
        "Every ordered service uses the scenario's usage and buys the same add-ons; a package with several service plans gives each of them that usage.",
    ),
    ("RAT-07", "Bolt-ons in one bolt-on group are alternatives: a service takes the first one linked from each group."),
    (
        "RAT-08",
        "An add-on bought in a period counts and is charged in full for that period: the scenario does not say on which day it is bought.",
    ),
    (
        "RAT-09",
        "An add-on quota with bonus type none counts at once, like at_start; an at_end quota counts in the next period only, and one bought in the last period falls outside the scenario.",
    ),
    (
        "RAT-10",
        "The carrier's bill holds the BUY counterparts of the add-ons the customer bought, as many, even above the BUY allowance's max occurrence.",
    ),
    (
        "RAT-11",
        "Usage inside the quota (quota plus bonus) is charged at the excess rate when the plan charges usage in the quota; the excess above it is charged as well.",
    ),
    ("RAT-12", "Usage above every allowance on a plan that names no excess rate is not charged."),
    ("RAT-13", "An add-on's set-up fee is charged once, in the first period it is bought."),
    (
        "RAT-14",
        "Excess rates are per GB (1 GB = 1,048,576 KB) for data, per minute for seconds, per unit for units, and per whole currency unit for dollar values, rated to the KB, second, unit or cent.",
    ),
    (
        "RAT-15",
        "The carrier's charge is unknown (not zero) for a SELL object without a BUY counterpart and for a retailer's BUY object that carries no prices; BUY totals and margins are then unknown too.",
    ),
    ("RAT-16", "A blank fee on a BUY object of a wholesaler means no fee (zero)."),
    ("RAT-17", "Buying top-ups as needed skips add-ons whose quota counts only next period (at_end)."),
    ("RAT-18", "Margin % is margin ÷ SELL and markup % is margin ÷ BUY, in basis points rounded half away from zero."),
];

/// The assumption with `id`.
pub fn assumption(id: &str) -> Assumption {
    let (id, text) = ASSUMPTIONS.iter().find(|(i, _)| *i == id).copied().expect("a known assumption id");
    Assumption { id, text }
}
