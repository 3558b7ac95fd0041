//! Rating: what a customer's months cost on both sides (domain.md §9). A consultant asks "what
//! will this cost a month, and what is our margin?" in the room; this module answers from the
//! catalog and a [`Scenario`] alone, as a pure calculation: no clock (the start day comes in),
//! no database (it reads a [`Snapshot`](crate::Snapshot)), no floats.
//!
//! - `scenario`: what is ordered, how many, the usage and the add-on purchases, and its checks.
//! - `engine`: resolves what the scenario orders (packages, service plans, bolt-ons, add-ons,
//!   each SELL object beside its BUY counterpart) and rates every period on both sides.
//! - `lines`: the answer (line pairs, totals, margins) and the assumptions shown beside it.
//! - `store`: scenarios saved in the catalog, one undoable change each.
//! - `sweep`: a full month's cost and margin as usage runs from nothing to twice the pool.
//! - `commercials`: the answers built on a rating (price pairs, a subject's totals, what if,
//!   compare), each for an [`Audience`](crate::Audience).
//!
//! Money is rounded in exactly one place, [`amount`]: rate × quantity ÷ per, computed exactly
//! in 128-bit integers and rounded once, half away from zero, to the currency's minor unit.
//! Totals are sums of lines, so they never round again.

pub mod commercials;
pub mod engine;
pub mod lines;
pub mod scenario;
pub mod store;
pub mod sweep;

pub use engine::{included, rate, rate_with};
pub use lines::{
    Assumption, Charge, Line, LinePair, Margin, MarginTotals, PeriodRating, Rating, SideTotals, Totals, Unit,
};
pub use scenario::{AddOnPurchase, Scenario, Usage};

use crate::value::Money;

pub use crate::model::KB_PER_GB;

/// `n / d` rounded half away from zero (d > 0). The one rounding rule of rating: money in
/// [`amount`], and the prorated allocations and percentages that use the same rule.
pub fn round_div(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

/// The amount of a line: `rate × quantity ÷ per` (per is how many quantity units the rate is
/// for: 1 for a fee, 1,048,576 KB for a rate per GB, 60 seconds for a rate per minute, the days
/// of the month for a prorated fee), exact in i128, rounded once, half away from zero, to the
/// currency's minor unit. Saturates at the i64 range rather than wrapping.
pub fn amount(rate: Money, quantity: i64, per: i64) -> Money {
    let v = round_div(rate.0 as i128 * quantity as i128, per as i128);
    Money(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_once() {
        assert_eq!(amount(Money(250), 120 * KB_PER_GB, KB_PER_GB), Money(30_000));
        // 1 KB at $2.50 per GB = 0.000238… cents → 0.
        assert_eq!(amount(Money(250), 1, KB_PER_GB), Money(0));
        // Half a GB at 3 cents = 1.5 cents → 2; negative → -2.
        assert_eq!(amount(Money(3), KB_PER_GB / 2, KB_PER_GB), Money(2));
        assert_eq!(amount(Money(-3), KB_PER_GB / 2, KB_PER_GB), Money(-2));
        // 149.00 × 17/31 = 81.709… → 81.71.
        assert_eq!(amount(Money(14_900), 17, 31), Money(8_171));
        assert_eq!(round_div(5, 2), 3);
        assert_eq!(round_div(-5, 2), -3);
        assert_eq!(round_div(4, 3), 1);
    }
}
