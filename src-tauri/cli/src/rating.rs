//! The `rate` and `scenario` commands: a structure's or customer's months on both sides (text,
//! JSON or CSV) from a saved scenario or one typed on the command line, and saving, listing
//! and deleting saved scenarios (each save or delete one undoable change). The rating itself
//! is the core's; this module only reads arguments and prints.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, bail};
use clap::Args;
use plansmith_core::rating::{self, AddOnPurchase, LinePair, Margin, Rating, Scenario, Usage, store};
use plansmith_core::{Catalog, Change, Currency, Date, ErrorKind, Id, Money};

use crate::{Outcome, stamp};

/// What a scenario orders and uses, as typed on the command line.
#[derive(Args, Clone, Default)]
pub struct ScenarioArgs {
    /// Shared data: how many sites order the tail (default: the customer's own sites).
    #[arg(long, value_name = "N")]
    pub sites: Option<u32>,
    /// Bolt-on add-on: how many services are ordered (default 1).
    #[arg(long, value_name = "N")]
    pub services: Option<u32>,
    /// Usage per service per period (shared data: the customer's total), e.g. 620GB, 500MB,
    /// 300min, 50sms, $12.50; add @N for period N only. Repeat for several types or periods.
    #[arg(long = "usage", value_name = "AMOUNT", allow_hyphen_values = true)]
    pub usage: Vec<String>,
    /// An add-on bought per service: AO-n, AO-nxCOUNT, with @N for period N only.
    #[arg(long = "buy", value_name = "AO-n[xCOUNT][@N]")]
    pub buy: Vec<String>,
    /// Buy top-ups as needed (highest weight first, within max occurrence).
    #[arg(long)]
    pub top_ups: bool,
    /// The day the services start (YYYY-MM-DD; default: the 1st of this month).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// How many monthly periods (default 12).
    #[arg(long, value_name = "N")]
    pub periods: Option<u32>,
}

fn subject_of(s: &str) -> Result<Id> {
    let id: Id = s.parse()?;
    if !matches!(id.kind, plansmith_core::EntityKind::Structure | plansmith_core::EntityKind::Customer) {
        bail!("{id} is a {}; rate a structure (ST-n) or a customer (CU-n)", id.kind.label());
    }
    Ok(id)
}

fn purchase(text: &str) -> Result<AddOnPurchase> {
    let (body, period) = match text.split_once('@') {
        Some((b, p)) => (
            b,
            Some(p.trim().parse::<u32>().map_err(|_| {
                anyhow::anyhow!("--buy '{text}': the period after @ is not a number; write it like AO-4x2@3")
            })?),
        ),
        None => (text, None),
    };
    let (id, count) = match body.split_once(['x', '×']) {
        Some((id, n)) => (
            id,
            n.trim().parse::<u32>().map_err(|_| {
                anyhow::anyhow!("--buy '{text}': the count after x is not a whole number; write it like AO-4x2")
            })?,
        ),
        None => (body, 1),
    };
    Ok(AddOnPurchase { add_on: id.trim().parse()?, count, period })
}

/// The scenario to rate: the saved one named (changed by any option given), else one made of
/// the options alone.
fn scenario(cat: &Catalog, subject: Id, name: Option<&str>, a: &ScenarioArgs) -> Result<Scenario> {
    let currency = Currency::parse(&cat.settings()?.currency)?;
    let mut sc = match name {
        Some(n) => store::scenario(cat.conn(), subject, n)?,
        None => {
            let today = crate::now()?.date();
            Scenario::new("command line", subject, Date::new(today.year, today.month, 1).expect("the 1st"))
        }
    };
    if a.sites.is_some() {
        sc.sites = a.sites;
    }
    if a.services.is_some() {
        sc.services = a.services;
    }
    if !a.usage.is_empty() {
        sc.usage = a.usage.iter().map(|u| Usage::parse(u, &currency)).collect::<Result<_, _>>()?;
    }
    if !a.buy.is_empty() {
        sc.purchases = a.buy.iter().map(|b| purchase(b)).collect::<Result<_>>()?;
    }
    if a.top_ups {
        sc.top_ups_as_needed = true;
    }
    if let Some(s) = &a.start {
        sc.start = s.parse()?;
    }
    if let Some(p) = a.periods {
        sc.periods = p;
    }
    Ok(sc)
}

/// `plansmith rate`.
pub fn rate(
    file: &Path,
    subject: &str,
    name: Option<&str>,
    a: &ScenarioArgs,
    json: bool,
    csv: bool,
) -> Result<Outcome> {
    let cat = Catalog::open_read_only(file)?;
    let subject = subject_of(subject)?;
    let sc = scenario(&cat, subject, name, a)?;
    let r = match rating::rate(&cat.snapshot()?, &sc) {
        Ok(r) => r,
        // The catalog cannot be rated as it is (no prices, nothing ordered): the catalog said no.
        Err(e) if e.kind() == ErrorKind::Conflict => {
            eprintln!("plansmith: {e}");
            return Ok(Outcome::Refused);
        }
        Err(e) => return Err(e.into()),
    };
    let currency = Currency::parse(&r.currency)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&r)?);
    } else if csv {
        out!("{}", to_csv(&r, &currency));
    } else {
        out!("{}", to_text(&r, &currency));
    }
    Ok(Outcome::Done)
}

/// `plansmith scenario save`.
pub fn save(file: &Path, subject: &str, name: &str, a: &ScenarioArgs, by: Option<&str>) -> Result<Outcome> {
    let mut cat = Catalog::open(file)?;
    let subject = subject_of(subject)?;
    let existing = store::scenario(cat.conn(), subject, name).ok();
    let mut sc = scenario(&cat, subject, existing.as_ref().map(|s| s.name.as_str()), a)?;
    sc.name = name.to_string();
    let applied = cat.apply(&Change::SaveScenario { scenario: sc }, &stamp(by)?)?;
    outln!("ok {}", applied.label);
    Ok(Outcome::Done)
}

/// `plansmith scenario delete`.
pub fn delete(file: &Path, subject: &str, name: &str, by: Option<&str>) -> Result<Outcome> {
    let mut cat = Catalog::open(file)?;
    let change = Change::DeleteScenario { subject: subject_of(subject)?, name: name.to_string() };
    outln!("ok {}", cat.apply(&change, &stamp(by)?)?.label);
    Ok(Outcome::Done)
}

/// `plansmith scenario list`.
pub fn list(file: &Path, subject: Option<&str>, json: bool) -> Result<Outcome> {
    let cat = Catalog::open_read_only(file)?;
    let all = match subject {
        Some(s) => store::scenarios_of(cat.conn(), subject_of(s)?)?,
        None => store::scenarios(cat.conn())?,
    };
    if json {
        outln!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(Outcome::Done);
    }
    for sc in &all {
        let mut what = vec![format!("from {}", sc.start), format!("{} periods", sc.periods)];
        what.extend(sc.sites.map(|n| format!("{n} sites")));
        what.extend(sc.services.map(|n| format!("{n} services")));
        if !sc.usage.is_empty() {
            what.push(format!("{} usage figures", sc.usage.len()));
        }
        if sc.top_ups_as_needed {
            what.push("top-ups as needed".into());
        }
        outln!("{:<6} {:<30} {}", sc.subject, sc.name, what.join(", "));
    }
    outln!("{} scenario(s)", all.len());
    Ok(Outcome::Done)
}

fn money(c: &Currency, m: Money) -> String {
    c.format(m)
}

fn percent(bp: Option<i64>) -> String {
    match bp {
        // One decimal, rounded half away from zero like every figure of rating.
        Some(bp) => {
            let tenths = rating::round_div(bp as i128, 10) as i64;
            format!("{}{}.{} %", if tenths < 0 { "-" } else { "" }, tenths.abs() / 10, tenths.abs() % 10)
        }
        None => "–".to_string(),
    }
}

fn margin_text(c: &Currency, m: &Margin) -> String {
    format!(
        "{} (margin {} of SELL, markup {} on BUY)",
        money(c, m.amount),
        percent(m.margin_percent_bp),
        percent(m.markup_percent_bp)
    )
}

fn line_text(out: &mut String, c: &Currency, l: &LinePair) {
    let buy = l.buy.as_ref().map_or("unknown".to_string(), |b| money(c, b.amount));
    let margin = l.margin.map_or("unknown".to_string(), |m| money(c, m));
    let _ = writeln!(
        out,
        "  {:<58} {:>18} × {:>8} = {:>10}   BUY {:>10}   margin {:>10}",
        l.sell.description,
        l.sell.quantity_text,
        money(c, l.sell.rate),
        money(c, l.sell.amount),
        buy,
        margin
    );
}

fn to_text(r: &Rating, c: &Currency) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} — scenario '{}' ({}, {} periods)",
        r.subject,
        r.subject_name,
        r.scenario,
        r.currency,
        r.periods.len()
    );
    for p in &r.periods {
        let _ = writeln!(out, "\nPeriod {} ({} to {})", p.period, p.from, p.to);
        for l in &p.lines {
            line_text(&mut out, c, l);
        }
        let t = &p.totals;
        let _ = writeln!(out, "  SELL: one-off {}, monthly {}", money(c, t.sell.one_off), money(c, t.sell.monthly));
        match (&t.buy, &t.margin) {
            (Some(b), Some(m)) => {
                let _ = writeln!(out, "  BUY:  one-off {}, monthly {}", money(c, b.one_off), money(c, b.monthly));
                let _ = writeln!(out, "  Monthly margin: {}", margin_text(c, &m.monthly));
            }
            _ => {
                let _ = writeln!(out, "  BUY:  unknown (the catalog does not say what the carrier charges)");
            }
        }
    }
    let t = &r.totals;
    let _ = writeln!(out, "\nAll {} periods", r.periods.len());
    let _ = writeln!(
        out,
        "  SELL: one-off {}, monthly {}, total {}",
        money(c, t.sell.one_off),
        money(c, t.sell.monthly),
        money(c, t.sell.total)
    );
    match (&t.buy, &t.margin) {
        (Some(b), Some(m)) => {
            let _ = writeln!(
                out,
                "  BUY:  one-off {}, monthly {}, total {}",
                money(c, b.one_off),
                money(c, b.monthly),
                money(c, b.total)
            );
            let _ = writeln!(out, "  Margin: one-off {}", margin_text(c, &m.one_off));
            let _ = writeln!(out, "          monthly {}", margin_text(c, &m.monthly));
            let _ = writeln!(out, "          total {}", margin_text(c, &m.total));
        }
        _ => {
            let _ = writeln!(out, "  BUY:  unknown; margin unknown");
        }
    }
    let _ = writeln!(out, "\nAssumptions:");
    for a in &r.assumptions {
        let _ = writeln!(out, "  {} {}", a.id, a.text);
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// One row per line pair: the SELL line beside its BUY line, amounts in the currency.
fn to_csv(r: &Rating, c: &Currency) -> String {
    let mut out = String::from(
        "period,from,to,charge,one_off,object,description,quantity,sell_rate,sell_amount,buy_object,buy_rate,buy_amount,margin\n",
    );
    for p in &r.periods {
        for l in &p.lines {
            let charge =
                serde_json::to_value(l.charge).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let (bo, br, ba) = match &l.buy {
                Some(b) => (b.object.to_string(), money(c, b.rate), money(c, b.amount)),
                None => (String::new(), String::new(), String::new()),
            };
            let row = [
                p.period.to_string(),
                p.from.to_string(),
                p.to.to_string(),
                charge,
                l.one_off.to_string(),
                l.sell.object.to_string(),
                l.sell.description.clone(),
                l.sell.quantity_text.clone(),
                money(c, l.sell.rate),
                money(c, l.sell.amount),
                bo,
                br,
                ba,
                l.margin.map(|m| money(c, m)).unwrap_or_default(),
            ];
            out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
    }
    out
}
