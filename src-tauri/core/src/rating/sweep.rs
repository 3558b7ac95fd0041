//! A usage sweep: what one full month costs on both sides as the usage of one included value
//! type runs from nothing to twice what the services include (the pool of a shared-data
//! structure, a bolt-on's allocation). It answers the client's "what if we use more?" and the
//! consultant's "where does excess start, and where does our margin turn negative?" with the
//! same engine that rates the scenario: each point is a one-period rating of a copy of it.
//!
//! The month rated is a full calendar month (the scenario's start month from its first day,
//! so no pro rata) and only its recurring charges count: set-up and first-time fees are the
//! same at every usage and would only shift the curves. Add-on purchases and "buy top-ups as
//! needed" stay as the scenario says; quotas counting only next period (`at_end`) do not show.

use serde::Serialize;

use crate::Audience;
use crate::error::{CoreError, Result};
use crate::id::Id;
use crate::model::IncludedValueType;
use crate::relations::Relations;
use crate::value::{Currency, Date, Money};

use super::engine::{included, rate_with};
use super::lines::Charge;
use super::scenario::{Scenario, Usage};
use super::{KB_PER_GB, round_div};

/// The value types a sweep may run over, in the order one is chosen when none is asked for.
const PREFERENCE: [IncludedValueType; 4] =
    [IncludedValueType::Kilobytes, IncludedValueType::Seconds, IncludedValueType::Units, IncludedValueType::Dollar];

/// Points a sweep takes unless asked otherwise: fine enough to see where excess starts on a
/// 640-pixel chart, cheap enough to redraw as the consultant types.
pub const DEFAULT_STEPS: u32 = 40;

/// The most points a sweep takes.
pub const MAX_STEPS: u32 = 400;

/// One usage and what a full month costs at it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepPoint {
    /// Usage in the value type's base unit (KB, seconds, units, minor units of money).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub usage: i64,
    /// The customer's recurring invoice total.
    pub sell: Money,
    /// The carrier's recurring bill total; none when unknown (or hidden from a client).
    pub buy: Option<Money>,
    /// SELL − BUY; none when BUY is unknown (or hidden from a client).
    pub margin: Option<Money>,
}

/// The curves of cost and margin over usage.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sweep {
    pub subject: Id,
    pub scenario: String,
    pub value_type: IncludedValueType,
    /// The unit usage is shown in ("GB", "min", "units", the currency code).
    pub unit: String,
    /// Base units per shown unit (1,048,576 KB per GB, 60 seconds per minute, …).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub per: i64,
    /// What one service includes in a full month (the pool or the allocation), base units.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub capacity: i64,
    pub points: Vec<SweepPoint>,
    /// The first point's usage at which the excess rate is charged, if any point reaches it.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub excess_from: Option<i64>,
    /// The first point's usage at which the margin is below zero, if any.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub negative_margin_from: Option<i64>,
}

impl Sweep {
    /// The sweep as `audience` may see it: a client's has no BUY figure and no margin.
    pub fn for_audience(mut self, audience: Audience) -> Sweep {
        if !audience.sees_buy() {
            for p in &mut self.points {
                p.buy = None;
                p.margin = None;
            }
            self.negative_margin_from = None;
        }
        self
    }
}

/// Sweeps the usage type the scenario is most about: the first of data, voice, units and
/// dollars that the services include or the scenario uses.
pub fn sweep(r: &Relations, sc: &Scenario, steps: u32) -> Result<Sweep> {
    for t in PREFERENCE {
        let capacity = included(r, sc, t)?.unwrap_or(0);
        if capacity > 0 || (1..=sc.periods).any(|p| sc.usage_in(t, p) > 0) {
            return sweep_of(r, sc, t, steps);
        }
    }
    Err(CoreError::invalid(
        "usage",
        format!(
            "scenario '{}': {} includes no allowance and the scenario uses nothing, so there is no usage to sweep; type a usage (for example 100GB)",
            sc.name, sc.subject
        ),
    ))
}

/// Sweeps the usage of `t` from nothing to twice what one service includes (or, when it
/// includes nothing, twice the scenario's largest monthly usage) in `steps` equal steps.
pub fn sweep_of(r: &Relations, sc: &Scenario, t: IncludedValueType, steps: u32) -> Result<Sweep> {
    if steps == 0 || steps > MAX_STEPS {
        return Err(CoreError::invalid("steps", format!("steps: {steps} is out of range; give 1 to {MAX_STEPS}")));
    }
    let mut month = sc.clone();
    month.start = Date::new(sc.start.year, sc.start.month, 1).expect("a month's first day");
    month.periods = 1;
    let most_used = (1..=sc.periods).map(|p| sc.usage_in(t, p)).max().unwrap_or(0);
    month.usage.retain(|u| u.value_type != t);
    let capacity = included(r, &month, t)?.unwrap_or(0);
    let top = 2 * if capacity > 0 { capacity } else { most_used };
    if top <= 0 {
        return Err(CoreError::invalid(
            "usage",
            format!(
                "scenario '{}': {} includes no {} and the scenario uses none, so there is nothing to sweep; type a usage",
                sc.name,
                sc.subject,
                t.as_str()
            ),
        ));
    }
    let mut points = Vec::with_capacity(steps as usize + 1);
    let (mut excess_from, mut negative_margin_from) = (None, None);
    for i in 0..=steps {
        let usage = round_div(top as i128 * i as i128, steps as i128) as i64;
        month.usage.retain(|u| u.value_type != t);
        month.usage.push(Usage { value_type: t, amount: usage, period: None });
        let rating = rate_with(r, &month)?;
        let period = &rating.periods[0];
        let buy = period.totals.buy.as_ref().map(|b| b.monthly);
        let margin = period.totals.margin.as_ref().map(|m| m.monthly.amount);
        if excess_from.is_none() && period.lines.iter().any(|l| l.charge == Charge::Excess && l.sell.quantity > 0) {
            excess_from = Some(usage);
        }
        if negative_margin_from.is_none() && margin.is_some_and(|m| m.0 < 0) {
            negative_margin_from = Some(usage);
        }
        points.push(SweepPoint { usage, sell: period.totals.sell.monthly, buy, margin });
    }
    let currency = Currency::parse(&r.snapshot.settings.currency)?;
    let (unit, per) = unit_of(t, &currency);
    Ok(Sweep {
        subject: sc.subject,
        scenario: sc.name.clone(),
        value_type: t,
        unit,
        per,
        capacity,
        points,
        excess_from,
        negative_margin_from,
    })
}

/// The unit usage of `t` is shown in, and its base units per shown unit.
pub fn unit_of(t: IncludedValueType, currency: &Currency) -> (String, i64) {
    match t {
        IncludedValueType::Kilobytes => ("GB".into(), KB_PER_GB),
        IncludedValueType::Seconds => ("min".into(), 60),
        IncludedValueType::Units => ("units".into(), 1),
        IncludedValueType::Dollar => (currency.code.clone(), 10i64.pow(currency.decimals)),
    }
}
