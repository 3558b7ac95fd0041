//! Value types with domain meaning: exact money in minor units, calendar dates, instants, and
//! the `Stamp` (who and when) that every change carries. Time is always passed in, never read
//! from the clock here, so the same inputs give the same catalog and the same bundle.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::CoreError;

/// An amount of money in integer minor units of the catalog's currency (cents for AUD).
/// Never a float. May be negative in storage so that rule FEE-01 can report it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

/// A currency: ISO code and the number of decimals of its minor unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    pub code: String,
    pub decimals: u32,
}

/// ISO 4217 currencies a consultant is likely to meet, with their minor-unit decimals.
const CURRENCIES: &[(&str, u32)] = &[
    ("AUD", 2),
    ("NZD", 2),
    ("USD", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("CAD", 2),
    ("SGD", 2),
    ("HKD", 2),
    ("ZAR", 2),
    ("INR", 2),
    ("CHF", 2),
    ("JPY", 0),
    ("KRW", 0),
    ("FJD", 2),
    ("PGK", 2),
    ("IDR", 2),
    ("MYR", 2),
    ("PHP", 2),
    ("BHD", 3),
    ("KWD", 3),
    ("OMR", 3),
];

/// A currency a catalog may be kept in, as the window offers it: its ISO code and how many
/// decimals its amounts have (JPY 0, AUD 2, BHD 3).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CurrencyChoice {
    pub code: &'static str,
    pub decimals: u32,
}

impl Currency {
    /// Every currency [`Currency::parse`] accepts, in the order a picker lists them.
    pub fn known() -> impl Iterator<Item = CurrencyChoice> {
        CURRENCIES.iter().map(|&(code, decimals)| CurrencyChoice { code, decimals })
    }

    pub fn parse(code: &str) -> Result<Currency, CoreError> {
        let up = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == up)
            .map(|(c, d)| Currency { code: (*c).to_string(), decimals: *d })
            .ok_or_else(|| {
                let known: Vec<&str> = CURRENCIES.iter().map(|(c, _)| *c).collect();
                CoreError::invalid(
                    "currency",
                    format!("unknown currency '{code}'; use an ISO code such as {}", known.join(", ")),
                )
            })
    }

    /// Formats minor units as a decimal amount ("12.50", "-0.05", "1200").
    pub fn format(&self, m: Money) -> String {
        if self.decimals == 0 {
            return m.0.to_string();
        }
        let scale = 10i64.pow(self.decimals);
        let sign = if m.0 < 0 { "-" } else { "" };
        let a = m.0.unsigned_abs();
        let s = scale as u64;
        format!("{sign}{}.{:0width$}", a / s, a % s, width = self.decimals as usize)
    }

    /// Parses a decimal amount typed by a person ("12.5", "12.50", "$1,200"). More decimals than
    /// the currency has is refused (rule FEE-01), since the amount could not be billed exactly.
    pub fn parse_amount(&self, field: &str, text: &str) -> Result<Money, CoreError> {
        let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '$' && *c != ' ').collect();
        let bad = || {
            CoreError::invalid(
                field,
                format!(
                    "{field}: '{text}' is not an amount of money; write it like 12.50 ({} with at most {} decimals)",
                    self.code, self.decimals
                ),
            )
        };
        let (neg, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > self.decimals as usize {
            return Err(CoreError::invalid(
                field,
                format!(
                    "FEE-01 {field}: '{text}' has {} decimals but {} has {}; round it to {} decimals",
                    frac.len(),
                    self.code,
                    self.decimals,
                    self.decimals
                ),
            ));
        }
        let scale = 10i64.pow(self.decimals);
        let w: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let f: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<width$}", width = self.decimals as usize).parse().map_err(|_| bad())?
        };
        let v = w.checked_mul(scale).and_then(|x| x.checked_add(f)).ok_or_else(bad)?;
        Ok(Money(if neg { -v } else { v }))
    }
}

/// A calendar day (no time zone): saleable from/to are days, not instants.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    /// How many days this date's month has.
    pub fn days_in_month(self) -> u32 {
        days_in_month(self.year, self.month)
    }
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn to_days(self) -> i64 {
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    pub fn from_days(z: i64) -> Date {
        let z = z + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Date { year: (if m <= 2 { y + 1 } else { y }) as i32, month: m, day: d }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Date, CoreError> {
        let bad =
            || CoreError::invalid("date", format!("'{s}' is not a date; write it as YYYY-MM-DD, e.g. 2026-07-01"));
        let parts: Vec<&str> = s.trim().split('-').collect();
        if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
            return Err(bad());
        }
        let y = parts[0].parse().map_err(|_| bad())?;
        let m = parts[1].parse().map_err(|_| bad())?;
        let d = parts[2].parse().map_err(|_| bad())?;
        Date::new(y, m, d).ok_or_else(bad)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|e: CoreError| serde::de::Error::custom(e.message().to_string()))
    }
}

/// An instant, in whole seconds since the Unix epoch, UTC. Shown as RFC 3339 ("…Z").
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_unix_seconds(s: i64) -> Timestamp {
        Timestamp(s)
    }
    pub fn unix_seconds(self) -> i64 {
        self.0
    }
    /// The UTC calendar day of this instant.
    pub fn date(self) -> Date {
        Date::from_days(self.0.div_euclid(86400))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(86400);
        let d = self.date();
        write!(f, "{d}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

impl FromStr for Timestamp {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Timestamp, CoreError> {
        let bad = || CoreError::invalid("at", format!("'{s}' is not a UTC time; write it as 2026-07-01T09:30:00Z"));
        let s2 = s.trim().strip_suffix('Z').ok_or_else(bad)?;
        let (d, t) = s2.split_once('T').ok_or_else(bad)?;
        let date: Date = d.parse().map_err(|_| bad())?;
        let hms: Vec<i64> = t.split(':').map(|p| p.parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
        if hms.len() != 3 || hms[0] > 23 || hms[1] > 59 || hms[2] > 59 || hms.iter().any(|v| *v < 0) {
            return Err(bad());
        }
        Ok(Timestamp(date.to_days() * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2]))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|e: CoreError| serde::de::Error::custom(e.message().to_string()))
    }
}

/// Who makes a change and when. Passed into every mutation.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub by: String,
    pub at: Timestamp,
}

impl Stamp {
    pub fn new(by: impl Into<String>, at: Timestamp) -> Stamp {
        Stamp { by: by.into(), at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_and_formats_exactly() {
        let aud = Currency::parse("aud").unwrap();
        assert_eq!(aud.parse_amount("f", "12.5").unwrap(), Money(1250));
        assert_eq!(aud.parse_amount("f", "$1,200").unwrap(), Money(120000));
        assert_eq!(aud.parse_amount("f", ".05").unwrap(), Money(5));
        assert_eq!(aud.format(Money(-5)), "-0.05");
        assert_eq!(aud.format(Money(123456)), "1234.56");
        let e = aud.parse_amount("setup_fee", "1.005").unwrap_err();
        assert!(e.message().contains("FEE-01") && e.field() == Some("setup_fee"), "{e}");
        assert!(aud.parse_amount("f", "abc").is_err());
        assert!(aud.parse_amount("f", "").is_err());
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(jpy.format(Money(1200)), "1200");
        assert!(jpy.parse_amount("f", "1.5").is_err());
    }

    #[test]
    fn dates_and_instants_round_trip() {
        for days in [-1000i64, 0, 59, 60, 365, 11016, 20000, 2932896] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        let d: Date = "2024-02-29".parse().unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2023-2-1".parse::<Date>().is_err());
        let t: Timestamp = "2026-11-22T01:40:15Z".parse().unwrap();
        assert_eq!(t.to_string(), "2026-11-22T01:40:15Z");
        assert_eq!(Timestamp::from_unix_seconds(0).to_string(), "1970-01-01T00:00:00Z");
    }
}
