//! Commercials: the answers a consultant gives in the room, built on the rating engine. A
//! client asks "what does this cost a month?", "what is your margin?", "what if we add two
//! sites?", "option A or option B?"; the window's plan editor, structure and customer screens
//! and the Commercials screen ask this module, never the engine's pieces, so each answer is
//! decided once:
//!
//! - [`price_pairs`]: a SELL plan's prices beside its BUY counterpart's (the engine's one
//!   SELL→BUY link, [`priced_counterpart`]), with the margin per price; unknown, not zero,
//!   where the carrier's price is unknown (RAT-15/16).
//! - [`subject_totals`]: a structure's or customer's one-off and monthly totals on both sides,
//!   as the rating of a named baseline (its first saved scenario, else one month without usage).
//! - [`what_if`]: a scenario and a changed copy (sites, usage, add-ons, prices overridden on an
//!   in-memory snapshot, never the catalog) rated side by side with the differences.
//! - [`compare`]: several scenarios (of one subject or of two structures) side by side, each
//!   differing figure marked.
//! - [`TypedScenario`]: a scenario as the form holds it (usage as typed text), read by the
//!   core so the window never parses units.
//!
//! Every answer takes an [`Audience`]; for the client it is stripped here of every BUY figure,
//! margin and internal name ([`Rating::seen_by`]), so no screen can show what it never received.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::audience::Audience;
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{DataBillingMode, IncludedValueType, Plan, PlanDetail, Side, Structure, StructureKind};
use crate::progress;
use crate::relations::Relations;
use crate::snapshot::Snapshot;
use crate::value::{Currency, Date, Money};

use super::KB_PER_GB;
use super::engine::{Fee, access_fee, excess_rate, first_time_fee, priced_counterpart, rate_with, setup_fee};
use super::lines::{Charge, LinePair, Margin, Rating, SideTotals, Totals};
use super::scenario::{AddOnPurchase, Scenario, Usage};

// ---------------------------------------------------------------------------------------------
// Who sees what

/// Assumptions that speak of the carrier's bill or the margin; a client reads none of them.
const BUY_ASSUMPTIONS: &[&str] = &["RAT-10", "RAT-15", "RAT-16", "RAT-18"];

impl Rating {
    /// This rating as `audience` may see it: for the client, no BUY line, BUY total, margin or
    /// assumption about them (SELL lines already print external names, see `engine::describe`).
    pub fn seen_by(mut self, audience: Audience) -> Rating {
        if audience.sees_buy() {
            return self;
        }
        for p in &mut self.periods {
            for l in &mut p.lines {
                l.buy = None;
                l.margin = None;
            }
            p.totals = sell_only(p.totals);
        }
        self.totals = sell_only(self.totals);
        self.assumptions.retain(|a| !BUY_ASSUMPTIONS.contains(&a.id));
        self
    }
}

fn sell_only(t: Totals) -> Totals {
    Totals { sell: t.sell, buy: None, margin: None }
}

// ---------------------------------------------------------------------------------------------
// Price pairs

/// A price field of a plan that rating charges.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceField {
    SetupFee,
    AccessFee,
    FirstTimeFee,
    ExcessRate,
}

impl PriceField {
    pub const ALL: [PriceField; 4] =
        [PriceField::SetupFee, PriceField::AccessFee, PriceField::FirstTimeFee, PriceField::ExcessRate];

    fn reader(self) -> Fee {
        match self {
            PriceField::SetupFee => setup_fee,
            PriceField::AccessFee => access_fee,
            PriceField::FirstTimeFee => first_time_fee,
            PriceField::ExcessRate => excess_rate,
        }
    }

    /// The field's name as the plan editor labels it.
    pub fn label(self) -> &'static str {
        match self {
            PriceField::SetupFee => "Set-up fee",
            PriceField::AccessFee => "Access fee",
            PriceField::FirstTimeFee => "First-time fee",
            PriceField::ExcessRate => "Excess rate",
        }
    }

    /// Sets this price of `plan` (an override of a what-if, on a copy). A field the plan's kind
    /// does not have is refused.
    fn set(self, plan: &mut Plan, value: Option<Money>) -> Result<()> {
        let none = |plan: &Plan| {
            CoreError::invalid(
                "prices",
                format!("{} has no {}; override a price it has", plan.id, self.label().to_lowercase()),
            )
        };
        match self {
            PriceField::SetupFee => plan.setup_fee = value,
            PriceField::AccessFee => plan.access_fee = value,
            PriceField::FirstTimeFee => match &mut plan.detail {
                PlanDetail::BoltOn(f) => f.first_time_fee = value,
                _ => return Err(none(plan)),
            },
            PriceField::ExcessRate => match &mut plan.detail {
                PlanDetail::BoltOn(f) => f.excess_rate = value,
                PlanDetail::ServicePlan(f) if f.data_billing.mode == DataBillingMode::Own => {
                    f.data_billing.excess_rate = value
                }
                _ => return Err(none(plan)),
            },
        }
        Ok(())
    }
}

/// What an excess rate of `plan` is charged per ("per GB", "per minute", …).
fn excess_per(plan: &Plan) -> &'static str {
    let t = plan.bolt_on().and_then(|f| f.included_value).map(|v| v.value_type);
    match t {
        Some(IncludedValueType::Seconds) => "per minute",
        Some(IncludedValueType::Units) => "per unit",
        Some(IncludedValueType::Dollar) => "per dollar of spend",
        _ => "per GB",
    }
}

/// One price of a SELL plan beside its BUY counterpart's.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricePair {
    pub field: PriceField,
    pub label: &'static str,
    /// "once", "a month", "per GB", …
    pub per: &'static str,
    /// The SELL price (none: blank, rated as zero).
    pub sell: Option<Money>,
    /// The BUY counterpart's price; none when unknown (no counterpart, a retailer's unpriced
    /// BUY object) or for the client. A wholesaler's blank BUY fee is zero (RAT-16).
    pub buy: Option<Money>,
    /// SELL − BUY with margin % and markup %; none when BUY is unknown or for the client.
    pub margin: Option<Margin>,
}

/// A plan's prices beside its BUY counterpart's.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricePairs {
    pub plan: Id,
    pub side: Side,
    /// The plan's name as the audience reads it.
    pub name: String,
    /// The BUY counterpart (consultant only).
    pub buy_plan: Option<Id>,
    pub buy_name: Option<String>,
    /// Why BUY prices are unknown, in a sentence (consultant only).
    pub buy_unknown: Option<String>,
    pub currency: String,
    pub decimals: u32,
    /// Only the prices either side has; empty for a BUY plan (it is the counterpart).
    pub pairs: Vec<PricePair>,
}

/// `plan`'s prices beside its BUY counterpart's, as `audience` may see them.
pub fn price_pairs(s: &Snapshot, plan: Id, audience: Audience) -> Result<PricePairs> {
    let currency = Currency::parse(&s.settings.currency)?;
    let p = s.plan(plan).ok_or_else(|| {
        CoreError::not_found(format!("there is no plan {plan} in this catalog; it may have been deleted"))
            .with_field("id")
    })?;
    let mut out = PricePairs {
        plan,
        side: p.side,
        name: audience.name_of(p),
        buy_plan: None,
        buy_name: None,
        buy_unknown: None,
        currency: currency.code,
        decimals: currency.decimals,
        pairs: vec![],
    };
    if p.side == Side::Buy {
        return Ok(out);
    }
    let buy = priced_counterpart(s, p);
    if audience.sees_buy() {
        out.buy_plan = buy.map(|b| b.id);
        out.buy_name = buy.map(|b| b.internal_name.clone());
        out.buy_unknown = match (p.buy_counterpart, buy) {
            (None, _) => Some(format!("{} has no BUY counterpart, so the carrier's prices are unknown", p.id)),
            (Some(b), None) => {
                Some(format!("{b} carries no prices (a retailer's BUY object), so the carrier's prices are unknown"))
            }
            _ => None,
        };
    }
    for field in PriceField::ALL {
        let read = field.reader();
        let sell = read(p);
        let buy_price = buy.map(|b| read(b).unwrap_or(Money(0)));
        let has = |x: &Plan| read(x).is_some();
        // A blank SELL price is shown beside a BUY one to the consultant, never to the client.
        if sell.is_none() && (!audience.sees_buy() || !buy.is_some_and(has)) {
            continue;
        }
        let per = match field {
            PriceField::SetupFee | PriceField::FirstTimeFee => "once",
            PriceField::AccessFee if !p.recurring => "once",
            PriceField::AccessFee => "a month",
            PriceField::ExcessRate => excess_per(p),
        };
        let (buy_price, margin) = match buy_price {
            Some(b) if audience.sees_buy() => (Some(b), Some(Margin::of(sell.unwrap_or(Money(0)), b))),
            _ => (None, None),
        };
        out.pairs.push(PricePair { field, label: field.label(), per, sell, buy: buy_price, margin });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// A scenario as the form holds it

/// A scenario as the Commercials form holds it: usage typed by a person ("620", "620 GB",
/// "500MB", "300 min", "$12.50", "700GB@3"), the start day as text. [`TypedScenario::read`]
/// turns it into a [`Scenario`] or one sentence naming the field at fault.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypedScenario {
    pub name: String,
    pub subject: Id,
    /// YYYY-MM-DD.
    pub start: String,
    pub periods: u32,
    pub sites: Option<u32>,
    pub services: Option<u32>,
    pub usage: Vec<TypedUsage>,
    pub purchases: Vec<AddOnPurchase>,
    pub top_ups_as_needed: bool,
}

/// Usage of one included value type as typed; a bare number is in the type's usual unit.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypedUsage {
    pub value_type: IncludedValueType,
    pub text: String,
}

/// The unit a bare number of `t` is read in, as the form shows it.
pub fn usual_unit(t: IncludedValueType) -> &'static str {
    match t {
        IncludedValueType::Kilobytes => "GB",
        IncludedValueType::Seconds => "min",
        IncludedValueType::Units => "units",
        IncludedValueType::Dollar => "$",
    }
}

impl TypedScenario {
    /// The scenario typed, or one sentence naming the field at fault.
    pub fn read(&self, currency: &Currency) -> Result<Scenario> {
        let start: Date = self.start.trim().parse().map_err(|_| {
            CoreError::invalid(
                "start",
                format!("start day '{}': write the day the services start as YYYY-MM-DD, e.g. 2026-07-01", self.start),
            )
        })?;
        let mut usage = Vec::new();
        for u in &self.usage {
            let t = u.text.trim();
            if t.is_empty() {
                continue;
            }
            let bare = t.split('@').next().unwrap_or("").trim().chars().all(|c| c.is_ascii_digit() || c == '.');
            let text = match (bare, u.value_type) {
                (true, IncludedValueType::Dollar) => format!("${t}"),
                (true, ty) => {
                    let (n, at) = t.split_once('@').map_or((t, String::new()), |(n, p)| (n, format!("@{p}")));
                    format!("{}{}{at}", n.trim(), usual_unit(ty))
                }
                (false, _) => t.to_string(),
            };
            let parsed = Usage::parse(&text, currency)?;
            if parsed.value_type != u.value_type {
                return Err(CoreError::invalid(
                    "usage",
                    format!(
                        "usage '{t}' is {} but was typed in the {} field; type {} there",
                        type_word(parsed.value_type),
                        type_word(u.value_type),
                        usual_unit(u.value_type)
                    ),
                ));
            }
            usage.push(parsed);
        }
        let sc = Scenario {
            name: self.name.trim().to_string(),
            subject: self.subject,
            start,
            periods: self.periods,
            sites: self.sites,
            services: self.services,
            usage,
            purchases: self.purchases.clone(),
            top_ups_as_needed: self.top_ups_as_needed,
        };
        sc.check()?;
        Ok(sc)
    }

    /// `sc` as the form shows it (usage in the largest whole unit).
    pub fn of(sc: &Scenario, currency: &Currency) -> TypedScenario {
        TypedScenario {
            name: sc.name.clone(),
            subject: sc.subject,
            start: sc.start.to_string(),
            periods: sc.periods,
            sites: sc.sites,
            services: sc.services,
            usage: sc
                .usage
                .iter()
                .map(|u| TypedUsage { value_type: u.value_type, text: usage_text(u, currency) })
                .collect(),
            purchases: sc.purchases.clone(),
            top_ups_as_needed: sc.top_ups_as_needed,
        }
    }
}

fn type_word(t: IncludedValueType) -> &'static str {
    match t {
        IncludedValueType::Kilobytes => "data",
        IncludedValueType::Seconds => "call time",
        IncludedValueType::Units => "units",
        IncludedValueType::Dollar => "spend",
    }
}

/// Usage as it would be typed: "620 GB", "500 MB", "300 min", "50 units", "$12.50", "@3".
fn usage_text(u: &Usage, currency: &Currency) -> String {
    let body = match u.value_type {
        IncludedValueType::Kilobytes if u.amount % KB_PER_GB == 0 => format!("{} GB", u.amount / KB_PER_GB),
        IncludedValueType::Kilobytes if u.amount % 1024 == 0 => format!("{} MB", u.amount / 1024),
        IncludedValueType::Kilobytes => format!("{} KB", u.amount),
        IncludedValueType::Seconds if u.amount % 60 == 0 => format!("{} min", u.amount / 60),
        IncludedValueType::Seconds => format!("{} s", u.amount),
        IncludedValueType::Units => format!("{} units", u.amount),
        IncludedValueType::Dollar => format!("${}", currency.format(Money(u.amount))),
    };
    match u.period {
        Some(p) => format!("{body}@{p}"),
        None => body,
    }
}

// ---------------------------------------------------------------------------------------------
// What the form offers

/// An included value type the subject's plans include, for the form's usage fields.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageField {
    pub value_type: IncludedValueType,
    /// "Data", "Call time", …
    pub label: &'static str,
    /// The unit a bare number is read in.
    pub unit: &'static str,
}

/// A SELL add-on the subject's services may buy.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddOnChoice {
    pub add_on: Id,
    /// Its name as the audience reads it.
    pub name: String,
}

/// Whether a scenario of the subject counts sites (shared data) or services (bolt-on).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    Sites,
    Services,
}

/// What the Commercials form of one structure or customer offers.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioForm {
    pub subject: Id,
    pub subject_name: String,
    pub counted: Counted,
    /// The customer's own number of sites, where there is a customer.
    pub own_sites: Option<u32>,
    pub usage: Vec<UsageField>,
    pub add_ons: Vec<AddOnChoice>,
    /// The subject's saved scenarios, as the form shows them, by name.
    pub saved: Vec<TypedScenario>,
    /// A new scenario: the first saved one's copy, else one month's defaults from `start`.
    pub fresh: TypedScenario,
    /// The prices of the subject's SELL plans beside their BUY counterparts' (for a what-if's
    /// price change), packages first.
    pub prices: Vec<PricePairs>,
    pub currency: String,
    pub decimals: u32,
}

/// The subject's structure objects (a customer's: its data package and its sites' tails).
fn subject_objects(r: &Relations, subject: Id) -> Result<(String, Structure)> {
    let s = r.snapshot;
    match subject.kind {
        EntityKind::Customer => {
            let c = s.customer(subject).ok_or_else(|| missing(subject))?;
            let st = Structure {
                id: subject,
                kind: StructureKind::SharedData,
                name: c.name.clone(),
                customer: Some(c.id),
                members: vec![],
            };
            Ok((c.name.clone(), st))
        }
        EntityKind::Structure => {
            let st = s.structure(subject).ok_or_else(|| missing(subject))?;
            Ok((st.name.clone(), st.clone()))
        }
        _ => Err(CoreError::invalid(
            "subject",
            format!(
                "{subject} is a {}; open the commercials of a structure (ST-n) or a customer (CU-n)",
                subject.kind.label()
            ),
        )),
    }
}

fn missing(subject: Id) -> CoreError {
    CoreError::not_found(format!(
        "there is no {} {subject} in this catalog; it may have been deleted",
        subject.kind.label()
    ))
    .with_field("subject")
}

/// The scenario a subject is rated with when nobody saved one: one month from `start`, no
/// usage, the customer's own sites (or 1 site without a customer), 1 service.
pub fn baseline(r: &Relations, subject: Id, start: Date) -> Result<(Scenario, String)> {
    let (_, st) = subject_objects(r, subject)?;
    let mut sc = Scenario::new("one month, no usage", subject, start);
    sc.periods = 1;
    let label = match st.kind {
        StructureKind::SharedData => match st.customer.map(|c| r.sites_of.get(&c).map_or(0, Vec::len)) {
            Some(n) => format!("one month from {start}, no usage, the customer's {n} sites"),
            None => {
                sc.sites = Some(1);
                format!("one month from {start}, no usage, 1 site")
            }
        },
        StructureKind::BoltOnAddOn => {
            sc.services = Some(1);
            format!("one month from {start}, no usage, 1 service")
        }
    };
    Ok((sc, label))
}

/// What the Commercials form of `subject` offers; `saved` are its saved scenarios.
pub fn scenario_form(
    r: &Relations,
    subject: Id,
    saved: &[Scenario],
    start: Date,
    audience: Audience,
) -> Result<ScenarioForm> {
    let s = r.snapshot;
    let currency = Currency::parse(&s.settings.currency)?;
    let (name, st) = subject_objects(r, subject)?;
    let objects = progress::objects(r, &st);
    let mut types: Vec<IncludedValueType> = vec![];
    let sells = objects.all().filter_map(|id| s.plan(id)).filter(|p| p.side == Side::Sell);
    for p in sells {
        let mut add = |t| {
            if !types.contains(&t) {
                types.push(t)
            }
        };
        match &p.detail {
            PlanDetail::ServicePlan(f) => {
                f.included_values.iter().for_each(|v| add(v.value_type));
                if f.data_billing.mode != DataBillingMode::None {
                    add(IncludedValueType::Kilobytes);
                }
            }
            PlanDetail::BoltOn(f) => f.included_value.iter().for_each(|v| add(v.value_type)),
            PlanDetail::BoltOnAddOn(f) => f.quotas.iter().for_each(|q| add(q.value_type)),
            PlanDetail::PackagePlan(_) => {}
        }
    }
    if types.is_empty() {
        types.push(IncludedValueType::Kilobytes);
    }
    types.sort_by_key(|t| {
        [IncludedValueType::Kilobytes, IncludedValueType::Seconds, IncludedValueType::Units, IncludedValueType::Dollar]
            .iter()
            .position(|x| x == t)
    });
    let usage = types
        .into_iter()
        .map(|t| UsageField {
            value_type: t,
            label: match t {
                IncludedValueType::Kilobytes => "Data",
                IncludedValueType::Seconds => "Call time",
                IncludedValueType::Units => "SMS and other units",
                IncludedValueType::Dollar => "Spend",
            },
            unit: usual_unit(t),
        })
        .collect();
    let add_ons = objects
        .add_ons
        .iter()
        .filter_map(|id| s.plan(*id))
        .filter(|p| p.side == Side::Sell)
        .map(|p| AddOnChoice { add_on: p.id, name: audience.name_of(p) })
        .collect();
    let prices = objects
        .all()
        .filter_map(|id| s.plan(id))
        .filter(|p| p.side == Side::Sell)
        .map(|p| price_pairs(s, p.id, audience))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|p| !p.pairs.is_empty())
        .collect();
    let own_sites = st.customer.map(|c| r.sites_of.get(&c).map_or(0, Vec::len) as u32);
    let fresh = match saved.first() {
        Some(first) => first.clone(),
        None => {
            let (mut sc, _) = baseline(r, subject, start)?;
            sc.name = "New scenario".to_string();
            sc.periods = 12;
            sc
        }
    };
    Ok(ScenarioForm {
        subject,
        subject_name: name,
        counted: if st.kind == StructureKind::BoltOnAddOn { Counted::Services } else { Counted::Sites },
        own_sites,
        usage,
        add_ons,
        saved: saved.iter().map(|sc| TypedScenario::of(sc, &currency)).collect(),
        fresh: TypedScenario::of(&fresh, &currency),
        prices,
        currency: currency.code,
        decimals: currency.decimals,
    })
}

// ---------------------------------------------------------------------------------------------
// Totals of a structure or customer

/// A structure's or customer's totals, from the rating of a named baseline.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectTotals {
    pub subject: Id,
    pub subject_name: String,
    /// What was rated, in words ("period 1 of saved scenario '6 sites, 620 GB'").
    pub basis: String,
    /// The saved scenario rated, if one was.
    pub scenario: Option<String>,
    /// Period 1: one-off (set-up) and monthly, both sides and margin (none for the client).
    pub totals: Totals,
    pub currency: String,
    pub decimals: u32,
}

/// `subject`'s one-off and monthly totals: period 1 of its first saved scenario (by name), else
/// of [`baseline`] from `start`.
pub fn subject_totals(
    r: &Relations,
    subject: Id,
    saved: &[Scenario],
    start: Date,
    audience: Audience,
) -> Result<SubjectTotals> {
    let (sc, basis) = match saved.first() {
        Some(sc) => (sc.clone(), format!("period 1 of saved scenario '{}'", sc.name)),
        None => baseline(r, subject, start)?,
    };
    let rating = rate_with(r, &sc)?.seen_by(audience);
    let first = rating.periods.first().map(|p| p.totals).unwrap_or(rating.totals);
    Ok(SubjectTotals {
        subject,
        subject_name: rating.subject_name,
        basis,
        scenario: saved.first().map(|s| s.name.clone()),
        totals: first,
        currency: rating.currency,
        decimals: rating.decimals,
    })
}

// ---------------------------------------------------------------------------------------------
// What if

/// One price changed for a what-if, on an in-memory copy of the catalog.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceOverride {
    pub plan: Id,
    pub field: PriceField,
    pub value: Option<Money>,
}

/// A figure before and after; none where it is unknown (BUY) or hidden (client).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Delta {
    pub before: Option<Money>,
    pub after: Option<Money>,
    /// after − before, when both are known.
    pub difference: Option<Money>,
}

impl Delta {
    fn of(before: Option<Money>, after: Option<Money>) -> Delta {
        let difference = before.zip(after).map(|(b, a)| Money(a.0 - b.0));
        Delta { before, after, difference }
    }

    fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// One side's totals before and after.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SideDelta {
    pub one_off: Delta,
    pub monthly: Delta,
    pub total: Delta,
}

/// Totals before and after: SELL, BUY and margin (none for the client).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TotalsDelta {
    pub sell: SideDelta,
    pub buy: Option<SideDelta>,
    pub margin: Option<SideDelta>,
}

impl TotalsDelta {
    fn of(before: &Totals, after: &Totals, audience: Audience) -> TotalsDelta {
        let side = |b: Option<SideTotals>, a: Option<SideTotals>| SideDelta {
            one_off: Delta::of(b.map(|x| x.one_off), a.map(|x| x.one_off)),
            monthly: Delta::of(b.map(|x| x.monthly), a.map(|x| x.monthly)),
            total: Delta::of(b.map(|x| x.total), a.map(|x| x.total)),
        };
        let margin = |t: &Totals| {
            t.margin.map(|m| SideTotals { one_off: m.one_off.amount, monthly: m.monthly.amount, total: m.total.amount })
        };
        TotalsDelta {
            sell: side(Some(before.sell), Some(after.sell)),
            buy: audience.sees_buy().then(|| side(before.buy, after.buy)),
            margin: audience.sees_buy().then(|| side(margin(before), margin(after))),
        }
    }
}

/// One line of one period before and after (a line missing on one side charged nothing there).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineDelta {
    pub period: u32,
    pub charge: Charge,
    /// The SELL object charged.
    pub object: Id,
    pub description: String,
    pub quantity_before: Option<String>,
    pub quantity_after: Option<String>,
    pub sell: Delta,
    /// None for the client.
    pub buy: Option<Delta>,
    pub margin: Option<Delta>,
    /// Whether any figure of the line differs.
    pub changed: bool,
}

/// One period's totals before and after.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PeriodDelta {
    pub period: u32,
    pub totals: TotalsDelta,
}

/// A scenario and a changed copy, rated side by side.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhatIf {
    pub before: Rating,
    pub after: Rating,
    /// The prices overridden, in words ("PP-4 access fee 149.00 → 129.00").
    pub price_changes: Vec<String>,
    pub lines: Vec<LineDelta>,
    pub periods: Vec<PeriodDelta>,
    /// All periods together.
    pub totals: TotalsDelta,
}

/// Rates `before` on the catalog and `after` on a copy with `prices` overridden, and the
/// differences per line, per period and in total.
pub fn what_if(
    s: &Snapshot,
    before: &Scenario,
    after: &Scenario,
    prices: &[PriceOverride],
    audience: Audience,
) -> Result<WhatIf> {
    let currency = Currency::parse(&s.settings.currency)?;
    let base = rate_with(&Relations::new(s), before)?.seen_by(audience);
    let mut price_changes = vec![];
    let changed = if prices.is_empty() {
        rate_with(&Relations::new(s), after)?
    } else {
        let mut copy = s.clone();
        for o in prices {
            let plan = plan_mut(&mut copy, o.plan).ok_or_else(|| {
                CoreError::invalid("prices", format!("there is no plan {} to change the price of", o.plan))
            })?;
            if plan.side == Side::Buy && !audience.sees_buy() {
                return Err(CoreError::invalid("prices", "client view: change SELL prices only"));
            }
            let was = o.field.reader()(plan);
            o.field.set(plan, o.value)?;
            let show = |m: Option<Money>| m.map_or("blank".to_string(), |m| currency.format(m));
            let name = if audience.sees_internal_names() { plan.id.to_string() } else { audience.name_of(plan) };
            price_changes.push(format!("{name} {}: {} → {}", o.field.label().to_lowercase(), show(was), show(o.value)));
        }
        rate_with(&Relations::new(&copy), after)?
    }
    .seen_by(audience);
    let lines = line_deltas(&base, &changed, audience);
    let periods = (1..=base.periods.len().max(changed.periods.len()) as u32)
        .map(|p| {
            let t =
                |r: &Rating| r.periods.get(p as usize - 1).map(|x| x.totals).unwrap_or_else(|| Totals::of_lines(&[]));
            PeriodDelta { period: p, totals: TotalsDelta::of(&t(&base), &t(&changed), audience) }
        })
        .collect();
    let totals = TotalsDelta::of(&base.totals, &changed.totals, audience);
    Ok(WhatIf { before: base, after: changed, price_changes, lines, periods, totals })
}

fn plan_mut(s: &mut Snapshot, id: Id) -> Option<&mut Plan> {
    let list = match id.kind {
        EntityKind::PackagePlan => &mut s.package_plans,
        EntityKind::ServicePlan => &mut s.service_plans,
        EntityKind::BoltOn => &mut s.bolt_ons,
        EntityKind::BoltOnAddOn => &mut s.bolt_on_add_ons,
        _ => return None,
    };
    list.iter_mut().find(|p| p.id == id)
}

/// Lines matched by (period, charge, SELL object), in the order of the later rating.
fn line_deltas(before: &Rating, after: &Rating, audience: Audience) -> Vec<LineDelta> {
    type Key = (u32, Charge, Id);
    fn index(r: &Rating) -> BTreeMap<(u32, Charge, Id), &LinePair> {
        r.periods.iter().flat_map(|p| p.lines.iter().map(move |l| ((p.period, l.charge, l.sell.object), l))).collect()
    }
    let (b, a) = (index(before), index(after));
    let mut keys: Vec<Key> = vec![];
    for r in [after, before] {
        for p in &r.periods {
            for l in &p.lines {
                let k = (p.period, l.charge, l.sell.object);
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
    }
    keys.sort_by_key(|k| k.0);
    keys.into_iter()
        .map(|k| {
            let (lb, la) = (b.get(&k), a.get(&k));
            let sell = |l: Option<&&LinePair>| Some(l.map_or(Money(0), |l| l.sell.amount));
            let buy = |l: Option<&&LinePair>| match l {
                None => Some(Money(0)),
                Some(l) => l.buy.as_ref().map(|x| x.amount),
            };
            let margin = |l: Option<&&LinePair>| match l {
                None => Some(Money(0)),
                Some(l) => l.margin,
            };
            let sell_d = Delta::of(sell(lb), sell(la));
            let (buy_d, margin_d) = if audience.sees_buy() {
                (Some(Delta::of(buy(lb), buy(la))), Some(Delta::of(margin(lb), margin(la))))
            } else {
                (None, None)
            };
            let qb = lb.map(|l| l.sell.quantity_text.clone());
            let qa = la.map(|l| l.sell.quantity_text.clone());
            let changed = sell_d.changed()
                || buy_d.is_some_and(|d| d.changed())
                || margin_d.is_some_and(|d| d.changed())
                || qb != qa;
            LineDelta {
                period: k.0,
                charge: k.1,
                object: k.2,
                description: la.or(lb).map(|l| l.sell.description.clone()).unwrap_or_default(),
                quantity_before: qb,
                quantity_after: qa,
                sell: sell_d,
                buy: buy_d,
                margin: margin_d,
                changed,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Compare

/// How a compared figure reads.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureUnit {
    /// Minor units of the currency.
    Money,
    /// Hundredths of a percent.
    BasisPoints,
}

/// One compared scenario.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComparedColumn {
    pub subject: Id,
    pub subject_name: String,
    pub scenario: String,
    pub periods: u32,
}

/// One figure across the compared scenarios; `differs` marks a row whose values are not all
/// equal, `different[i]` the values that differ from the first column's.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComparedRow {
    /// A stable key ("sell.monthly", "sell.charge.excess", …).
    pub key: String,
    pub label: String,
    pub unit: FigureUnit,
    /// Per column; none where unknown (BUY) or not defined (a percentage of zero).
    pub values: Vec<Option<i64>>,
    pub different: Vec<bool>,
    pub differs: bool,
}

/// Scenarios side by side.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub columns: Vec<ComparedColumn>,
    pub rows: Vec<ComparedRow>,
    pub currency: String,
    pub decimals: u32,
}

fn charge_label(c: Charge) -> &'static str {
    match c {
        Charge::Setup => "set-up fees",
        Charge::FirstTime => "first-time fees",
        Charge::AddOnSetup => "add-on set-up fees",
        Charge::Access => "access fees",
        Charge::AddOn => "add-ons",
        Charge::InQuota => "usage in the quota",
        Charge::Excess => "usage above the allowance",
    }
}

/// Rates each of `scenarios` (two or more; of one subject, or of several structures) and sets
/// their figures side by side: period 1 one-off and monthly, per kind of charge, all periods;
/// for the consultant the same for BUY and the margin with margin % and markup %.
pub fn compare(r: &Relations, scenarios: &[Scenario], audience: Audience) -> Result<Comparison> {
    if scenarios.len() < 2 {
        return Err(CoreError::invalid("scenarios", "compare needs two or more scenarios; pick another one"));
    }
    let currency = Currency::parse(&r.snapshot.settings.currency)?;
    let ratings: Vec<Rating> =
        scenarios.iter().map(|sc| rate_with(r, sc).map(|x| x.seen_by(audience))).collect::<Result<_>>()?;
    let mut rows: Vec<ComparedRow> = vec![];
    let mut row = |key: String, label: String, unit: FigureUnit, f: &dyn Fn(&Rating) -> Option<i64>| {
        let values: Vec<Option<i64>> = ratings.iter().map(f).collect();
        let different: Vec<bool> = values.iter().map(|v| *v != values[0]).collect();
        let differs = different.iter().any(|d| *d);
        rows.push(ComparedRow { key, label, unit, values, different, differs });
    };
    let first = |r: &Rating| r.periods.first().map(|p| p.totals).unwrap_or(r.totals);
    let charges: Vec<Charge> = {
        let mut c: Vec<Charge> =
            ratings.iter().flat_map(|r| r.periods.first()).flat_map(|p| p.lines.iter().map(|l| l.charge)).collect();
        c.sort();
        c.dedup();
        c
    };
    let sides: &[(&str, &str)] = if audience.sees_buy() {
        &[("sell", "SELL"), ("buy", "BUY"), ("margin", "Margin")]
    } else {
        &[("sell", "Price")]
    };
    use FigureUnit::{BasisPoints, Money as M};
    for &(side, name) in sides {
        let pick = move |t: Totals| -> Option<SideTotals> {
            match side {
                "sell" => Some(t.sell),
                "buy" => t.buy,
                _ => t.margin.map(|m| SideTotals {
                    one_off: m.one_off.amount,
                    monthly: m.monthly.amount,
                    total: m.total.amount,
                }),
            }
        };
        row(format!("{side}.one_off"), format!("{name}: one-off, period 1"), M, &|r| {
            pick(first(r)).map(|t| t.one_off.0)
        });
        row(format!("{side}.monthly"), format!("{name}: monthly, period 1"), M, &|r| {
            pick(first(r)).map(|t| t.monthly.0)
        });
        if side != "margin" {
            for &c in &charges {
                let b = side == "buy";
                row(
                    format!(
                        "{side}.charge.{}",
                        serde_json::to_value(c).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                    ),
                    format!("{name}: {}, period 1", charge_label(c)),
                    M,
                    &move |r: &Rating| {
                        let p = r.periods.first()?;
                        let mut sum = 0i64;
                        for l in p.lines.iter().filter(|l| l.charge == c) {
                            sum += if b { l.buy.as_ref()?.amount.0 } else { l.sell.amount.0 };
                        }
                        Some(sum)
                    },
                );
            }
        }
        row(format!("{side}.total"), format!("{name}: all periods"), M, &|r| pick(r.totals).map(|t| t.total.0));
        if side == "margin" {
            row("margin.monthly_percent".into(), "Margin % (of SELL), monthly".into(), BasisPoints, &|r| {
                first(r).margin.and_then(|m| m.monthly.margin_percent_bp)
            });
            row("margin.monthly_markup".into(), "Markup % (on BUY), monthly".into(), BasisPoints, &|r| {
                first(r).margin.and_then(|m| m.monthly.markup_percent_bp)
            });
        }
    }
    let columns = ratings
        .iter()
        .map(|r| ComparedColumn {
            subject: r.subject,
            subject_name: r.subject_name.clone(),
            scenario: r.scenario.clone(),
            periods: r.periods.len() as u32,
        })
        .collect();
    Ok(Comparison { columns, rows, currency: currency.code, decimals: currency.decimals })
}

// ---------------------------------------------------------------------------------------------
// Which scenario

/// A scenario named by the window: a saved one of a subject, or one typed in the form.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScenarioChoice {
    Saved { subject: Id, name: String },
    Typed { scenario: TypedScenario },
}

impl ScenarioChoice {
    /// The scenario chosen: read from the catalog, or from what was typed.
    pub fn read(&self, conn: &rusqlite::Connection, currency: &Currency) -> Result<Scenario> {
        match self {
            ScenarioChoice::Saved { subject, name } => super::store::scenario(conn, *subject, name),
            ScenarioChoice::Typed { scenario } => scenario.read(currency),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Charts

/// The money charts of a scenario as SVG, the same pictures the proposal carries: the cost
/// (and for the consultant the carrier cost and margin) of a full month as usage runs from
/// nothing to twice the allowance, and the totals per period.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyCharts {
    /// None when there is nothing to sweep; `sweep_missing` says why.
    pub sweep_svg: Option<String>,
    pub sweep_missing: Option<String>,
    /// Where excess starts and (consultant only) where the margin turns negative, in words.
    pub sweep_notes: Vec<String>,
    pub periods_svg: String,
}

/// Sweep steps of the window's chart (the proposal's too).
pub const SWEEP_STEPS: u32 = 24;

/// The charts of `sc` for `audience`.
pub fn money_charts(r: &Relations, sc: &Scenario, audience: Audience) -> Result<MoneyCharts> {
    let currency = Currency::parse(&r.snapshot.settings.currency)?;
    let rating = rate_with(r, sc)?.seen_by(audience);
    let periods_svg = crate::chart::periods_svg(&rating, &currency, audience);
    let (sweep, missing) = match super::sweep::sweep(r, sc, SWEEP_STEPS) {
        Ok(s) => (Some(s.for_audience(audience)), None),
        Err(e) => (None, Some(e.message().to_string())),
    };
    let mut sweep_notes = vec![];
    if let Some(s) = &sweep {
        let shown = |u: i64| {
            let hundredths = super::round_div(u as i128 * 100, s.per.max(1) as i128);
            let text = if hundredths % 100 == 0 {
                format!("{}", hundredths / 100)
            } else {
                format!("{}.{:02}", hundredths / 100, hundredths % 100)
            };
            format!("{text} {}", s.unit)
        };
        sweep_notes.push(format!("Included in a month: {}.", shown(s.capacity)));
        if let Some(u) = s.excess_from {
            sweep_notes.push(format!("The excess rate is charged from {}.", shown(u)));
        }
        if let Some(u) = s.negative_margin_from {
            sweep_notes.push(format!("The margin turns negative from {}.", shown(u)));
        } else if audience.sees_buy() && s.points.iter().all(|p| p.margin.is_some()) {
            sweep_notes.push("The margin stays positive over the whole sweep.".to_string());
        }
    }
    Ok(MoneyCharts {
        sweep_svg: sweep.as_ref().map(|s| crate::chart::sweep_svg(s, &currency, audience)),
        sweep_missing: missing,
        sweep_notes,
        periods_svg,
    })
}
