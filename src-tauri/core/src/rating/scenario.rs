//! A scenario: what a customer orders and uses, for rating (domain.md §9). It names its subject
//! (a structure ST-n or a customer CU-n), how many sites or services, the usage per service per
//! period in the base units of the included value types, the add-ons bought, the start day and
//! the number of periods. It is plain data (saved in the catalog, sent over IPC, typed on the
//! command line); [`Scenario::check`] refuses what cannot be rated, naming the field and the fix.

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::IncludedValueType;
use crate::value::{Currency, Date};

use super::KB_PER_GB;

/// The most periods a scenario may rate (ten years of months).
pub const MAX_PERIODS: u32 = 120;

/// What one customer orders and uses, period by period.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Unique per subject ("6 sites, 620 GB").
    pub name: String,
    /// The structure (ST-n) or customer (CU-n) rated.
    pub subject: Id,
    /// The day the services start; period 1 runs from it to the end of its month.
    pub start: Date,
    /// How many monthly periods to rate (default 12).
    #[serde(default = "twelve")]
    pub periods: u32,
    /// Shared data: how many sites order the tail; none = the customer's actual sites.
    #[serde(default)]
    pub sites: Option<u32>,
    /// Bolt-on add-on: how many services are ordered (none = 1).
    #[serde(default)]
    pub services: Option<u32>,
    /// Usage per service per period (for shared data: the customer's total across its sites).
    #[serde(default)]
    pub usage: Vec<Usage>,
    /// Add-ons bought explicitly.
    #[serde(default)]
    pub purchases: Vec<AddOnPurchase>,
    /// Buy top-ups as needed (within max occurrence) to cover usage above the allocations.
    #[serde(default)]
    pub top_ups_as_needed: bool,
}

fn twelve() -> u32 {
    12
}

/// An amount used of one included value type, in its base unit (KB, seconds, units, minor
/// units of money), in every period or in one.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    pub value_type: IncludedValueType,
    pub amount: i64,
    /// Only this period (1-based); none = every period. A period's own figure replaces the
    /// every-period one of the same type.
    #[serde(default)]
    pub period: Option<u32>,
}

/// Add-ons (SELL, by id) bought per service in every period or in one.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddOnPurchase {
    pub add_on: Id,
    pub count: u32,
    #[serde(default)]
    pub period: Option<u32>,
}

impl Scenario {
    /// A scenario of `subject` from `start` with the defaults: 12 periods, the customer's own
    /// sites, one service, no usage, no add-ons.
    pub fn new(name: impl Into<String>, subject: Id, start: Date) -> Scenario {
        Scenario {
            name: name.into(),
            subject,
            start,
            periods: 12,
            sites: None,
            services: None,
            usage: vec![],
            purchases: vec![],
            top_ups_as_needed: false,
        }
    }

    /// Refuses what cannot be rated: a subject that is neither a structure nor a customer, no
    /// name, no period or too many, negative usage or counts, a period outside the scenario.
    pub fn check(&self) -> Result<()> {
        let who = format!("scenario '{}'", self.name);
        if self.name.trim().is_empty() {
            return Err(CoreError::invalid(
                "name",
                "scenario name: it is empty; give the scenario a name, e.g. '6 sites, 620 GB'",
            ));
        }
        if !matches!(self.subject.kind, EntityKind::Structure | EntityKind::Customer) {
            return Err(CoreError::invalid(
                "subject",
                format!(
                    "{who}: subject {} is a {}; rate a structure (ST-n) or a customer (CU-n)",
                    self.subject,
                    self.subject.kind.label()
                ),
            ));
        }
        if self.periods == 0 || self.periods > MAX_PERIODS {
            return Err(CoreError::invalid(
                "periods",
                format!("{who}: periods is {}; give a number of months from 1 to {MAX_PERIODS}", self.periods),
            ));
        }
        if self.sites == Some(0) {
            return Err(CoreError::invalid(
                "sites",
                format!("{who}: sites is 0; give at least 1 site, or leave it out to use the customer's sites"),
            ));
        }
        if self.services == Some(0) {
            return Err(CoreError::invalid("services", format!("{who}: services is 0; order at least 1 service")));
        }
        let in_range = |field: &str, p: Option<u32>| -> Result<()> {
            match p {
                Some(p) if p == 0 || p > self.periods => Err(CoreError::invalid(
                    field,
                    format!(
                        "{who}: {field} names period {p}, but the scenario has periods 1 to {}; pick one of them",
                        self.periods
                    ),
                )),
                _ => Ok(()),
            }
        };
        for u in &self.usage {
            if u.amount < 0 {
                return Err(CoreError::invalid(
                    "usage",
                    format!("{who}: usage of {} is negative ({}); usage is 0 or more", u.value_type, u.amount),
                ));
            }
            in_range("usage.period", u.period)?;
        }
        for b in &self.purchases {
            if b.add_on.kind != EntityKind::BoltOnAddOn {
                return Err(CoreError::invalid(
                    "purchases.add_on",
                    format!("{who}: {} is not a bolt-on add-on; name a SELL add-on (AO-n)", b.add_on),
                ));
            }
            in_range("purchases.period", b.period)?;
        }
        Ok(())
    }

    /// The usage of `value_type` in `period`: that period's own figure, else the every-period
    /// one, else nothing.
    pub fn usage_in(&self, value_type: IncludedValueType, period: u32) -> i64 {
        let own =
            self.usage.iter().filter(|u| u.value_type == value_type && u.period == Some(period)).map(|u| u.amount);
        let every = self.usage.iter().filter(|u| u.value_type == value_type && u.period.is_none()).map(|u| u.amount);
        let own: Vec<i64> = own.collect();
        if own.is_empty() {
            every.fold(0i64, |a, b| a.saturating_add(b))
        } else {
            own.into_iter().fold(0, |a, b| a.saturating_add(b))
        }
    }
}

impl Usage {
    /// Reads usage as a person types it: "620GB", "500 MB", "1024KB", "300min", "90s",
    /// "50sms" or "50units", "$12.50" (money in the catalog's currency). A period may follow
    /// after '@': "700GB@3".
    pub fn parse(text: &str, currency: &Currency) -> Result<Usage> {
        let bad = |why: &str| {
            CoreError::invalid(
                "usage",
                format!(
                    "usage '{text}': {why}; write it like 620GB, 500MB, 300min, 50sms or $12.50 (add @N for period N only)"
                ),
            )
        };
        let (body, period) = match text.split_once('@') {
            Some((b, p)) => (b, Some(p.trim().parse::<u32>().map_err(|_| bad("the period after @ is not a number"))?)),
            None => (text, None),
        };
        let t = body.trim();
        if t.starts_with('-') {
            return Err(bad("usage is 0 or more, never negative"));
        }
        if let Some(money) = t.strip_prefix('$').or_else(|| t.strip_suffix('$')) {
            let m = currency.parse_amount("usage", money)?;
            return Ok(Usage { value_type: IncludedValueType::Dollar, amount: m.0, period });
        }
        let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
        let (num, unit) = (t[..split].trim(), t[split..].trim().to_ascii_lowercase());
        if num.is_empty() {
            return Err(bad("there is no number"));
        }
        let (value_type, scale): (IncludedValueType, i64) = match unit.as_str() {
            "gb" => (IncludedValueType::Kilobytes, KB_PER_GB),
            "mb" => (IncludedValueType::Kilobytes, 1024),
            "kb" => (IncludedValueType::Kilobytes, 1),
            "min" | "mins" | "minutes" => (IncludedValueType::Seconds, 60),
            "s" | "sec" | "seconds" => (IncludedValueType::Seconds, 1),
            "sms" | "unit" | "units" => (IncludedValueType::Units, 1),
            "" => return Err(bad("there is no unit")),
            _ => return Err(bad(&format!("'{unit}' is not a unit"))),
        };
        let amount = decimal_times(num, scale).ok_or_else(|| bad("the number is not exact in that unit"))?;
        Ok(Usage { value_type, amount, period })
    }
}

/// `text` (a decimal number) × `scale`, exact and whole, or None.
fn decimal_times(text: &str, scale: i64) -> Option<i64> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    let w: i128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let f: i128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let den = 10i128.pow(frac.len() as u32);
    let n = (w * den + f) * scale as i128;
    if n % den != 0 {
        return None;
    }
    i64::try_from(n / den).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_reads_as_typed() {
        let aud = Currency::parse("AUD").unwrap();
        let u = Usage::parse("620GB", &aud).unwrap();
        assert_eq!((u.value_type, u.amount, u.period), (IncludedValueType::Kilobytes, 620 * KB_PER_GB, None));
        assert_eq!(Usage::parse("1.5 GB@3", &aud).unwrap().amount, 3 * KB_PER_GB / 2);
        assert_eq!(Usage::parse("1.5 GB@3", &aud).unwrap().period, Some(3));
        assert_eq!(Usage::parse("300min", &aud).unwrap().amount, 18_000);
        assert_eq!(Usage::parse("50sms", &aud).unwrap().value_type, IncludedValueType::Units);
        assert_eq!(Usage::parse("$12.50", &aud).unwrap().amount, 1_250);
        assert!(Usage::parse("-5GB", &aud).unwrap_err().message().contains("never negative"));
        assert!(Usage::parse("5 parsecs", &aud).is_err());
        assert!(Usage::parse("0.5kb", &aud).is_err());
    }
}
