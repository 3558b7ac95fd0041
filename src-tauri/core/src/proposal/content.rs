//! What the proposal says, gathered from the catalog for the client and nobody else: every text
//! here is read through [`Audience::Client`] (external names and descriptions), every amount is
//! a SELL plan's field or a SELL line or total of a rating. BUY objects, BUY lines, margins,
//! internal names and descriptions are never read into it, so the typesetter cannot print them.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::audience::Audience;
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{DataBillingMode, IncludedValue, IncludedValueType, Plan, Side, StructureKind};
use crate::progress;
use crate::rating::{self, Line, Rating, Scenario, SideTotals, Unit};
use crate::relations::Relations;
use crate::value::{Currency, Date, Money};

/// The proposal's content, as `data.json` hands it to the template: text only, formatted here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// The customer's name, else the structure's.
    pub title: String,
    /// What is offered, in a few words ("Shared data for your sites").
    pub offer: String,
    /// The date printed on it ("7 December 2026"), passed in.
    pub date: String,
    /// The currency's ISO code.
    pub currency: String,
    pub plans: Vec<PlanSheet>,
    pub scenarios: Vec<ScenarioSheet>,
    /// The rating's assumptions that concern the client, as sentences.
    pub notes: Vec<String>,
    /// The pictures (the diagram of what they buy, the charts), in print order.
    pub pictures: Vec<Picture>,
}

/// One SELL plan of the offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanSheet {
    /// "Package", "Service", "Bolt-on", "Add-on".
    pub kind: String,
    /// The external name.
    pub name: String,
    /// The external description.
    pub description: Option<String>,
    /// What is included, in people's units ("500 GB of data a month").
    pub included: Vec<String>,
    pub prices: Vec<Price>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Price {
    pub what: String,
    pub amount: String,
}

/// One scenario rated: a representative month's invoice and every month's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioSheet {
    pub name: String,
    /// What is ordered and used, as sentences.
    pub about: Vec<String>,
    /// The figures at a glance: a month, one-off, all months.
    pub summary: Vec<Price>,
    pub month: MonthInvoice,
    pub months: Vec<MonthRow>,
    pub total: MonthRow,
    /// Its charts, drawn for the client: what a month costs as usage grows, and each month.
    pub charts: Vec<Picture>,
}

/// The SELL invoice of one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthInvoice {
    pub label: String,
    pub lines: Vec<InvoiceLine>,
    pub totals: MonthRow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceLine {
    pub description: String,
    pub quantity: String,
    pub rate: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    pub label: String,
    pub one_off: String,
    pub monthly: String,
    pub total: String,
}

/// A picture and the virtual file that holds its SVG.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Picture {
    pub title: String,
    pub caption: String,
    /// Its path in the typesetter's world ("/picture-1.svg").
    pub file: String,
    /// Taller than the page's text area is wide for its height: fitted to the height, not the
    /// width.
    pub tall: bool,
    #[serde(skip)]
    pub svg: String,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "7 December 2026".
pub fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day, MONTHS[(d.month as usize).saturating_sub(1) % 12], d.year)
}

/// Money as the proposal prints it: the currency's sign or code and the amount with thousands
/// separators ("$1,793.00", "JPY 12,000"). Every amount of the proposal's own tables is written
/// by this function.
pub fn money(currency: &Currency, m: Money) -> String {
    let plain = currency.format(m);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", plain.as_str()),
    };
    let (whole, frac) = digits.split_once('.').map(|(w, f)| (w, Some(f))).unwrap_or((digits, None));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(f) = frac {
        grouped.push('.');
        grouped.push_str(f);
    }
    match currency.code.as_str() {
        "AUD" | "NZD" | "USD" | "CAD" | "SGD" | "HKD" | "FJD" => format!("{sign}${grouped}"),
        "EUR" => format!("{sign}€{grouped}"),
        "GBP" => format!("{sign}£{grouped}"),
        code => format!("{sign}{code} {grouped}"),
    }
}

/// An amount of an included value type in people's units: "500 GB", "120 minutes", "50 SMS",
/// "$25.00".
pub fn quantity(currency: &Currency, value_type: IncludedValueType, amount: i64) -> String {
    match value_type {
        IncludedValueType::Kilobytes => crate::diagram::label::kilobytes(amount),
        IncludedValueType::Seconds if amount % 60 == 0 => format!("{} minutes", group(amount / 60)),
        IncludedValueType::Seconds => format!("{} seconds", group(amount)),
        IncludedValueType::Units => format!("{} SMS", group(amount)),
        IncludedValueType::Dollar => money(currency, Money(amount)),
    }
}

fn group(n: i64) -> String {
    let c = Currency { code: "XXX".into(), decimals: 0 };
    money(&c, Money(n)).trim_start_matches("XXX ").to_string()
}

/// What a value type's rate is per: "/GB", "/min", "/SMS", "/$1".
fn per_unit(currency: &Currency, value_type: IncludedValueType) -> String {
    match value_type {
        IncludedValueType::Kilobytes => "per GB".into(),
        IncludedValueType::Seconds => "per minute".into(),
        IncludedValueType::Units => "per SMS".into(),
        IncludedValueType::Dollar => format!("per {}", money(currency, Money(10i64.pow(currency.decimals)))),
    }
}

fn included(currency: &Currency, v: &IncludedValue) -> String {
    let what = match v.value_type {
        IncludedValueType::Kilobytes => " of data",
        IncludedValueType::Seconds => " of calls",
        IncludedValueType::Units => "",
        IncludedValueType::Dollar => " of usage",
    };
    format!("{}{what} included", quantity(currency, v.value_type, v.amount))
}

fn kind_word(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::PackagePlan => "Package",
        EntityKind::ServicePlan => "Service",
        EntityKind::BoltOn => "Bolt-on",
        _ => "Add-on",
    }
}

/// `text` with a zero-width space after every 24 characters of a run of more than 30 without
/// a space: the typesetter breaks lines only between words, and a name typed without spaces
/// would otherwise run off the page. Invisible in print; other text is returned as it is.
pub fn breakable(text: &str) -> String {
    const RUN: usize = 24;
    if !text.split_whitespace().any(|w| w.chars().count() > 30) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut run = 0;
    for c in text.chars() {
        if c.is_whitespace() {
            run = 0;
        } else {
            if run == RUN {
                out.push('\u{200B}');
                run = 0;
            }
            run += 1;
        }
        out.push(c);
    }
    out
}

/// The subject's title and offer words, refusing a subject that is not in the catalog.
pub(crate) fn subject_words(r: &Relations, subject: Id) -> Result<(String, String)> {
    let s = r.snapshot;
    match subject.kind {
        EntityKind::Customer => {
            let c = s.customer(subject).ok_or_else(|| not_found(subject, "customer", "customer"))?;
            let sites = r.sites_of.get(&c.id).map(Vec::len).unwrap_or(0);
            Ok((c.name.clone(), format!("Shared data for your {} site{}", sites, if sites == 1 { "" } else { "s" })))
        }
        EntityKind::Structure => {
            let st = s.structure(subject).ok_or_else(|| not_found(subject, "structure", "structure"))?;
            // The customer's name; a structure without one is titled by what the client buys,
            // its SELL packages' external names (the structure's own name is the consultant's).
            let mut packages: Vec<String> = Vec::new();
            for p in progress::objects(r, st).package_plans.iter().filter_map(|p| s.plan(*p)) {
                let name = Audience::Client.name_of(p);
                if p.side == Side::Sell && !packages.contains(&name) {
                    packages.push(name);
                }
            }
            let title = match st.customer.and_then(|c| s.customer(c)) {
                Some(c) => c.name.clone(),
                None if !packages.is_empty() => packages.join(" · "),
                None => "Your plans".to_string(),
            };
            let offer = match st.kind {
                StructureKind::SharedData => "Shared data for your sites",
                StructureKind::BoltOnAddOn => "Plans, bolt-ons and add-ons",
            };
            Ok((title, offer.to_string()))
        }
        _ => Err(CoreError::invalid(
            "subject",
            format!(
                "subject: {subject} is a {}; a proposal is for a structure (ST-n) or a customer (CU-n)",
                subject.kind.label()
            ),
        )),
    }
}

fn not_found(subject: Id, label: &str, kind: &str) -> CoreError {
    CoreError::not_found(format!(
        "subject: there is no {label} {subject} in this catalog; `plansmith list FILE --kind {kind}` lists them"
    ))
    .with_field("subject")
}

/// The structures a subject's offer is drawn from: the structure, or the customer's.
pub(crate) fn structures_of(r: &Relations, subject: Id) -> Vec<Id> {
    match subject.kind {
        EntityKind::Structure => vec![subject],
        _ => r.snapshot.structures.iter().filter(|st| st.customer == Some(subject)).map(|st| st.id).collect(),
    }
}

/// The SELL plans of the offer, packages first, then services, bolt-ons and add-ons, by id.
fn offered_plans<'a>(r: &Relations<'a>, subject: Id) -> Vec<&'a Plan> {
    let s = r.snapshot;
    let mut ids: BTreeSet<Id> = BTreeSet::new();
    for st in structures_of(r, subject).into_iter().filter_map(|id| s.structure(id)) {
        ids.extend(progress::objects(r, st).plans());
    }
    // (Snapshot lookups go by number: only a customer id is looked up as a customer.)
    if let Some(c) = s.customer(subject).filter(|_| subject.kind == EntityKind::Customer) {
        ids.extend(c.data_package);
        for site in r.sites_of.get(&c.id).into_iter().flatten().filter_map(|x| s.site(*x)) {
            ids.extend(site.tail_package);
        }
    }
    // A package's service plans and a pooled service's pool come with it.
    let packages: Vec<Id> = ids.iter().filter(|i| i.kind == EntityKind::PackagePlan).copied().collect();
    for p in packages.into_iter().filter_map(|p| s.plan(p)) {
        ids.extend(p.package().map(|f| f.service_plans.clone()).unwrap_or_default());
    }
    let pools: Vec<Id> =
        ids.iter().filter_map(|i| s.plan(*i)).filter_map(|p| p.service().and_then(|f| f.data_billing.pool)).collect();
    ids.extend(pools);
    let mut plans: Vec<&Plan> = ids.into_iter().filter_map(|i| s.plan(i)).filter(|p| p.side == Side::Sell).collect();
    plans.sort_by_key(|p| (EntityKind::PLANS.iter().position(|k| *k == p.id.kind), p.id.n));
    plans
}

/// What one SELL plan includes and costs.
fn plan_sheet(r: &Relations, currency: &Currency, p: &Plan) -> PlanSheet {
    let s = r.snapshot;
    let client = Audience::Client;
    let mut inc: Vec<String> = Vec::new();
    let mut prices: Vec<Price> = Vec::new();
    let mut price = |what: String, m: Option<Money>| {
        if let Some(m) = m {
            prices.push(Price { what, amount: money(currency, m) });
        }
    };
    price("Set-up, once".into(), p.setup_fee);
    let access = match (p.recurring, p.pro_rata) {
        (false, _) => "Access, once".to_string(),
        (true, true) => "Access, a month (pro rata in the first month)".to_string(),
        (true, false) => "Access, a month".to_string(),
    };
    price(access, p.access_fee);
    if let Some(f) = p.package() {
        inc.extend(f.included_value.as_ref().map(|v| included(currency, v)));
        let names: Vec<String> =
            f.service_plans.iter().filter_map(|sp| s.plan(*sp)).map(|sp| client.name_of(sp)).collect();
        // A package named as its one service says nothing more by listing it.
        if !names.is_empty() && names != [client.name_of(p)] {
            inc.push(format!("Services: {}", names.join(", ")));
        }
    }
    if let Some(f) = p.service() {
        inc.extend(f.included_values.iter().map(|v| included(currency, v)));
        let d = &f.data_billing;
        match d.mode {
            DataBillingMode::Own => {
                if let Some(q) = d.quota_kb {
                    inc.push(format!("{} of data a month", quantity(currency, IncludedValueType::Kilobytes, q)));
                }
                if let Some(b) = d.bonus_kb.filter(|b| *b > 0) {
                    inc.push(format!("plus {} bonus data", quantity(currency, IncludedValueType::Kilobytes, b)));
                }
                if d.charge_in_quota {
                    inc.push("Data inside the quota is charged at the data rate".into());
                }
                price("Data above the quota, per GB".into(), d.excess_rate);
            }
            DataBillingMode::Pooled => {
                let pool = d.pool.and_then(|x| s.plan(x)).map(|x| client.name_of(x));
                inc.push(match pool {
                    Some(name) => format!("Data drawn from the shared pool ({name})"),
                    None => "Data drawn from the shared pool".into(),
                });
            }
            DataBillingMode::None => {}
        }
    }
    if let Some(f) = p.bolt_on() {
        inc.extend(f.included_value.as_ref().map(|v| included(currency, v)));
        price("First-time fee, once".into(), f.first_time_fee);
        let per =
            f.included_value.as_ref().map(|v| per_unit(currency, v.value_type)).unwrap_or_else(|| "per unit".into());
        price(format!("Usage above the allowance, {per}"), f.excess_rate);
        // The add-ons its allowances let a service buy, each up to its max a month.
        let mut allowed: Vec<(Id, i64)> = Vec::new();
        for link in r.links_of_bolt_on.get(&p.id).into_iter().flatten() {
            for a in r.allowances_of_link.get(&link.id).into_iter().flatten().filter_map(|a| s.allowance(*a)) {
                if !allowed.iter().any(|(id, _)| *id == a.add_on) {
                    allowed.push((a.add_on, a.max_occurrence));
                }
            }
        }
        for (add_on, max) in allowed {
            if let Some(ao) = s.plan(add_on).filter(|ao| ao.side == Side::Sell) {
                inc.push(format!("Top-up: up to {max} × {} a month", client.name_of(ao)));
            }
        }
    }
    if let Some(f) = p.add_on() {
        for q in &f.quotas {
            let when = match q.bonus_type {
                Some(crate::model::BonusType::AtEnd) => ", counted from the next month",
                _ => "",
            };
            inc.push(format!("{} top-up{when}", quantity(currency, q.value_type, q.amount)));
        }
    }
    PlanSheet {
        kind: kind_word(p.id.kind).to_string(),
        name: client.name_of(p),
        description: client.description_of(p).map(str::to_string),
        included: inc,
        prices,
    }
}

/// The scenario's order and usage as the client reads it.
fn about(r: &Relations, currency: &Currency, sc: &Scenario) -> Vec<String> {
    let s = r.snapshot;
    let mut out = Vec::new();
    if let Some(n) = sc.sites {
        out.push(format!("{n} site{}", if n == 1 { "" } else { "s" }));
    } else if let Some(c) = customer_of(r, sc.subject) {
        let n = r.sites_of.get(&c).map(Vec::len).unwrap_or(0);
        out.push(format!("{n} site{}", if n == 1 { "" } else { "s" }));
    }
    if let Some(n) = sc.services {
        out.push(format!("{n} service{}", if n == 1 { "" } else { "s" }));
    }
    for u in &sc.usage {
        let q = quantity(currency, u.value_type, u.amount);
        let what = match u.value_type {
            IncludedValueType::Kilobytes => "of data",
            IncludedValueType::Seconds => "of calls",
            IncludedValueType::Units => "",
            IncludedValueType::Dollar => "of usage",
        };
        let when = match u.period {
            Some(p) => format!("in month {p}"),
            None => "a month".into(),
        };
        out.push(
            [q.as_str(), what, when.as_str()].iter().filter(|w| !w.is_empty()).cloned().collect::<Vec<_>>().join(" "),
        );
    }
    for b in &sc.purchases {
        let name = s.plan(b.add_on).map(|p| Audience::Client.name_of(p)).unwrap_or_else(|| b.add_on.to_string());
        let when = match b.period {
            Some(p) => format!("in month {p}"),
            None => "every month".into(),
        };
        out.push(format!("{} × {name} {when}", b.count));
    }
    if sc.top_ups_as_needed {
        out.push("top-ups bought as needed".into());
    }
    out.push(format!("{} month{} from {}", sc.periods, if sc.periods == 1 { "" } else { "s" }, long_date(sc.start)));
    out
}

pub(crate) fn customer_of(r: &Relations, subject: Id) -> Option<Id> {
    match subject.kind {
        EntityKind::Customer => Some(subject),
        _ => r.snapshot.structure(subject).and_then(|st| st.customer),
    }
}

fn row(currency: &Currency, label: String, t: &SideTotals) -> MonthRow {
    MonthRow {
        label,
        one_off: money(currency, t.one_off),
        monthly: money(currency, t.monthly),
        total: money(currency, t.total),
    }
}

fn rate_text(currency: &Currency, l: &Line) -> String {
    let m = money(currency, l.rate);
    match l.unit {
        Unit::Kilobyte => format!("{m} per GB"),
        Unit::Second => format!("{m} per minute"),
        Unit::Unit => format!("{m} per SMS"),
        Unit::MinorUnit => format!("{m} per {}", money(currency, Money(10i64.pow(currency.decimals)))),
        Unit::Service | Unit::AddOn if l.per > 1 => format!("{m} a month"),
        Unit::Service | Unit::AddOn => m,
    }
}

/// The SELL side of a rating, as the client's sheet.
fn scenario_sheet(r: &Relations, currency: &Currency, sc: &Scenario, rating: &Rating) -> ScenarioSheet {
    // A representative month: the second (a full month without one-off charges) where there is
    // one, else the first.
    let shown = rating.periods.get(1).or(rating.periods.first());
    let month = match shown {
        Some(p) => MonthInvoice {
            label: format!("Month {}: {} to {}", p.period, long_date(p.from), long_date(p.to)),
            lines: p
                .lines
                .iter()
                .map(|pair| InvoiceLine {
                    description: pair.sell.description.clone(),
                    quantity: pair.sell.quantity_text.clone(),
                    rate: rate_text(currency, &pair.sell),
                    amount: money(currency, pair.sell.amount),
                })
                .collect(),
            totals: row(currency, "Total".into(), &p.totals.sell),
        },
        None => MonthInvoice {
            label: String::new(),
            lines: vec![],
            totals: row(currency, "Total".into(), &SideTotals::default()),
        },
    };
    let months = rating
        .periods
        .iter()
        .map(|p| {
            row(
                currency,
                format!("Month {} ({} {})", p.period, &MONTHS[(p.from.month as usize - 1) % 12][..3], p.from.year),
                &p.totals.sell,
            )
        })
        .collect();
    let mut summary = Vec::new();
    if let Some(p) = shown {
        summary.push(Price { what: "A month".into(), amount: money(currency, p.totals.sell.monthly) });
    }
    summary.push(Price { what: "One-off".into(), amount: money(currency, rating.totals.sell.one_off) });
    summary.push(Price {
        what: format!("{} month{} in all", rating.periods.len(), if rating.periods.len() == 1 { "" } else { "s" }),
        amount: money(currency, rating.totals.sell.total),
    });
    ScenarioSheet {
        name: sc.name.clone(),
        about: about(r, currency, sc),
        charts: charts(r, currency, sc, rating),
        summary,
        month,
        months,
        total: row(currency, format!("{} months", rating.periods.len()), &rating.totals.sell),
    }
}

/// The scenario's charts for the client: the same pictures the window's client view shows
/// (`chart`, drawn for [`Audience::Client`]: SELL only). A scenario with no usage to sweep
/// has no sweep chart.
fn charts(r: &Relations, currency: &Currency, sc: &Scenario, rating: &Rating) -> Vec<Picture> {
    let mut out = Vec::new();
    if let Ok(sweep) = rating::sweep::sweep(r, sc, rating::sweep::DEFAULT_STEPS) {
        let sweep = sweep.for_audience(Audience::Client);
        let what = match sweep.value_type {
            IncludedValueType::Kilobytes => "data",
            IncludedValueType::Seconds => "calls",
            IncludedValueType::Units => "SMS",
            IncludedValueType::Dollar => "usage",
        };
        let caption = if sweep.capacity > 0 {
            format!(
                "One full month's charges as your {what} runs from nothing to twice the {} included; one-off charges are left out.",
                quantity(currency, sweep.value_type, sweep.capacity)
            )
        } else {
            format!(
                "One full month's charges as your {what} runs from nothing to twice this example's; one-off charges are left out."
            )
        };
        out.push(Picture {
            title: format!("If you use more or less {what}"),
            caption,
            file: String::new(),
            tall: false,
            svg: crate::chart::sweep_svg(&sweep, currency, Audience::Client),
        });
    }
    out.push(Picture {
        title: "Each month at a glance".into(),
        caption: "What each month of this example costs; the first month includes the one-off charges.".into(),
        file: String::new(),
        tall: false,
        svg: crate::chart::periods_svg(rating, currency, Audience::Client),
    });
    out
}

/// Whether an assumption's sentence is for the client: those about the carrier's side, BUY or
/// margins are the consultant's.
fn for_client(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    !["buy", "carrier", "margin", "markup"].iter().any(|w| t.contains(w))
}

/// The proposal's content for `subject` over the rated `scenarios`, dated `date`; pictures are
/// added by the caller.
pub(crate) fn gather(r: &Relations, subject: Id, scenarios: &[(Scenario, Rating)], date: Date) -> Result<Proposal> {
    let s = r.snapshot;
    let currency = Currency::parse(&s.settings.currency)?;
    let (title, offer) = subject_words(r, subject)?;
    let plans = offered_plans(r, subject).into_iter().map(|p| plan_sheet(r, &currency, p)).collect();
    let mut notes: Vec<(&'static str, &'static str)> = Vec::new();
    for (_, rating) in scenarios {
        for a in &rating.assumptions {
            if for_client(a.text) && !notes.iter().any(|(id, _)| *id == a.id) {
                notes.push((a.id, a.text));
            }
        }
    }
    notes.sort();
    let mut p = Proposal {
        title,
        offer,
        date: long_date(date),
        currency: currency.code.clone(),
        plans,
        scenarios: scenarios.iter().map(|(sc, rating)| scenario_sheet(r, &currency, sc, rating)).collect(),
        notes: notes.into_iter().map(|(_, t)| t.to_string()).collect(),
        pictures: vec![],
    };
    let b = |s: &mut String| *s = breakable(s);
    b(&mut p.title);
    for plan in &mut p.plans {
        b(&mut plan.name);
        plan.description.iter_mut().chain(plan.included.iter_mut()).for_each(b);
    }
    for sc in &mut p.scenarios {
        b(&mut sc.name);
        sc.about.iter_mut().chain(sc.month.lines.iter_mut().map(|l| &mut l.description)).for_each(b);
    }
    Ok(p)
}

/// Rates each scenario (each must be of `subject`).
pub(crate) fn rate_all(r: &Relations, subject: Id, scenarios: &[Scenario]) -> Result<Vec<(Scenario, Rating)>> {
    let mut out = Vec::with_capacity(scenarios.len());
    for sc in scenarios {
        if sc.subject != subject {
            return Err(CoreError::invalid(
                "scenario",
                format!(
                    "scenario '{}' is a scenario of {}, not of {subject}; pick one of {subject}'s scenarios",
                    sc.name, sc.subject
                ),
            ));
        }
        out.push((sc.clone(), rating::rate_with(r, sc)?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_with_the_currency_sign() {
        let aud = Currency::parse("AUD").unwrap();
        assert_eq!(money(&aud, Money(179_300)), "$1,793.00");
        assert_eq!(money(&aud, Money(-5)), "-$0.05");
        assert_eq!(money(&aud, Money(123_456_789)), "$1,234,567.89");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(money(&jpy, Money(1_200_000)), "JPY 1,200,000");
        assert_eq!(long_date(Date::new(2026, 12, 7).unwrap()), "7 December 2026");
        assert_eq!(quantity(&aud, IncludedValueType::Seconds, 7_200), "120 minutes");
    }

    #[test]
    fn long_runs_get_invisible_break_opportunities() {
        assert_eq!(breakable("Business Internet 500GB"), "Business Internet 500GB");
        let long = "x".repeat(50);
        let b = breakable(&format!("a {long} b"));
        assert_eq!(b.replace('\u{200B}', ""), format!("a {long} b"));
        assert_eq!(b.matches('\u{200B}').count(), 2);
    }
}
