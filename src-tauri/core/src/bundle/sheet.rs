//! The printable build sheet (`build-sheet.html`): what ops key into Emersion, step by step in
//! the articles' order, each object with the Emersion screen to use and every field as that
//! screen labels it, and a box to write the production id Emersion assigns.
//!
//! Why HTML and why like this: every ops desk has a browser and a printer. The page is
//! self-contained (inline CSS, no script, no image, no link, no font to fetch), prints one
//! structure per page run with no step split across pages, and every value is HTML-escaped.
//! Field labels are Emersion's own (the Bolt-On Add-On screens of seed 2; the other screens
//! use the same labels for the same fields). Money is shown with the catalog's currency, an
//! empty optional field says "(leave blank)" as the article asks, and other objects are named
//! by internal name and id, with their production id once they are live.
//!
//! How: the page is three compiled templates (`templates/sheet/`: `head.html`, `sections.html`
//! with `step.html`), which escape every value they are given with [`crate::markup`]. This
//! module works out what they show: the Emersion screens of each step with their rows, and
//! each field value as a [`Shown`], formatted as plain text straight into the page when the
//! template writes it (text borrowed from the snapshot; names, money and amounts formatted in
//! place), so a sheet of 200 000 steps builds no string per field.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write};

use askama::Template;

use crate::bundle::diff::FieldChange;
use crate::bundle::manifest::Manifest;
use crate::bundle::order::{Action, Section, Step};
use crate::id::{EntityKind, Id};
use crate::model::*;
use crate::snapshot::Snapshot;
use crate::value::{Currency, Date, Money};

pub(crate) const CSS: &str = "body{font:10.5pt/1.35 'DejaVu Sans',Arial,sans-serif;color:#111;margin:1.5cm}\
h1{font-size:17pt;margin:0 0 .3em}h2{font-size:13.5pt;border-bottom:2px solid #111;padding-bottom:.2em;margin-top:1.2em}\
h3{font-size:11pt;margin:0 0 .3em}table{border-collapse:collapse;width:100%}\
th,td{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}th{width:34%;background:#f1f1f1;font-weight:600}\
.step{border:1px solid #444;padding:.5em .7em;margin:.7em 0;break-inside:avoid;page-break-inside:avoid}\
.n{display:inline-block;min-width:1.8em;padding:0 .3em;margin-right:.4em;background:#111;color:#fff;text-align:center;border-radius:3px}\
.art{color:#555;font-weight:400;font-size:9.5pt}.obj{margin:0 0 .2em;font-weight:600}\
.scr{margin:.1em 0 .4em;font-family:'DejaVu Sans Mono',monospace;font-size:9.5pt;background:#eef3fb;padding:2px 5px}\
.sub{margin:.5em 0 .2em;font-weight:600;font-size:9.5pt}.e::after{content:'(leave blank)';color:#888;font-style:italic}\
.pid{margin-top:.5em;font-weight:600}.box{display:inline-block;width:16em;height:1.5em;border:1.5px solid #111;vertical-align:middle;margin-left:.5em}\
.done{color:#555;font-style:italic}.ref{color:#555;font-style:italic}.chg td{background:#fff6d6}\
section+section{break-before:page;page-break-before:always}.meta th{width:22%}.note{font-size:9.5pt;color:#333}\
@media print{body{margin:0}.step{border-color:#000}}";

/// A field value as shown: `None` is an empty field ("leave blank").
type Value<'a> = Option<Shown<'a>>;

/// A field's value, written (escaped by the template) straight into the page when its step is
/// rendered ([`Ctx::show`]).
enum Shown<'a> {
    Text(Cow<'a, str>),
    /// Another object by name and id, and its Emersion id once it is live ([`Ctx::name_of`]).
    Name(Id),
    /// Several, separated by "; ".
    Names(&'a [Id]),
    Money(Money),
    /// An included value amount in words ([`write_amount`]).
    Amount(IncludedValueType, i64),
    /// "Type: amount", as an included value slot reads.
    Typed(IncludedValue),
    Int(i64),
    Date(Date),
    /// "Name (CODE)".
    Coded(&'a str, &'a str),
}

fn borrowed(t: &str) -> Value<'_> {
    Some(Shown::Text(Cow::Borrowed(t)))
}

struct Ctx<'a> {
    s: &'a Snapshot,
    currency: Currency,
    /// Each customer's sites, in the snapshot's order (found once: scanning every site for
    /// each customer made a large sheet quadratic).
    sites_of: HashMap<Id, Vec<&'a Site>>,
}

impl Ctx<'_> {
    fn money(&self, m: Option<Money>) -> Value<'static> {
        m.map(Shown::Money)
    }
    fn name_of(&self, id: Id) -> Value<'static> {
        Some(Shown::Name(id))
    }
    fn amount(&self, v: IncludedValue) -> Value<'static> {
        Some(Shown::Amount(v.value_type, v.amount))
    }

    /// Another object by name and id ("Name (SP-3)", "Name (SP-3, Emersion id 48213)").
    fn write_name(&self, out: &mut dyn Write, id: Id) -> fmt::Result {
        let (name, pid) = match self.s.plan(id) {
            Some(p) => (p.internal_name.as_str(), p.production_id.as_deref()),
            None => match id.kind {
                EntityKind::BoltOnGroup => (self.s.group(id).map(|g| g.name.as_str()).unwrap_or_default(), None),
                EntityKind::Allowance => ("allowance", None),
                _ => ("", None),
            },
        };
        out.write_str(name)?;
        out.write_str(" (")?;
        out.write_str(&id.text())?;
        if let Some(pid) = pid {
            out.write_str(", Emersion id ")?;
            out.write_str(pid)?;
        }
        out.write_char(')')
    }

    /// A value as plain text.
    fn write(&self, out: &mut dyn Write, v: &Shown) -> fmt::Result {
        match v {
            Shown::Text(t) => out.write_str(t),
            Shown::Name(id) => self.write_name(out, *id),
            Shown::Names(ids) => {
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        out.write_str("; ")?;
                    }
                    self.write_name(out, *id)?;
                }
                Ok(())
            }
            Shown::Money(m) => write_money(out, &self.currency, *m),
            Shown::Amount(t, a) => write_amount(out, &self.currency, *t, *a),
            Shown::Typed(v) => {
                out.write_str(iv_type(v.value_type))?;
                out.write_str(": ")?;
                write_amount(out, &self.currency, v.value_type, v.amount)
            }
            Shown::Int(n) => out.write_str(itoa::Buffer::new().format(*n)),
            Shown::Date(d) => write!(out, "{d}"),
            Shown::Coded(name, code) => {
                out.write_str(name)?;
                out.write_str(" (")?;
                out.write_str(code)?;
                out.write_char(')')
            }
        }
    }

    /// The value as text (for the few values that are composed of others).
    fn text_of(&self, v: &Shown) -> String {
        let mut out = String::new();
        let _ = self.write(&mut out, v);
        out
    }
}

/// A value, or anything else the templates show that is worked out as it is written, as a
/// `Display` the template escapes.
struct Showing<F: Fn(&mut dyn Write) -> fmt::Result>(F);

impl<F: Fn(&mut dyn Write) -> fmt::Result> fmt::Display for Showing<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// What the templates ask of the snapshot.
impl<'a> Ctx<'a> {
    fn show<'v>(&'v self, v: &'v Shown) -> impl fmt::Display + 'v {
        Showing(move |out: &mut dyn Write| self.write(out, v))
    }

    /// The step's object line: id, name and status.
    fn object_line(&self, id: &Id) -> impl fmt::Display + '_ {
        let id = *id;
        Showing(move |out: &mut dyn Write| {
            out.write_str(&id.text())?;
            out.write_str(" · ")?;
            match self.s.plan(id) {
                Some(p) => {
                    out.write_str(&p.internal_name)?;
                    out.write_str(" · ")?;
                    out.write_str(p.status.as_str())
                }
                None => out.write_str(&describe(self, id)),
            }
        })
    }

    /// The customer a shared-data section lists with its sites.
    fn customer_of(&self, sec: &Section) -> Option<&'a Customer> {
        sec.structure.and_then(|st| self.s.structure(st)).and_then(|x| x.customer).and_then(|cu| self.s.customer(cu))
    }

    fn sites_of(&self, customer: &Id) -> &[&'a Site] {
        self.sites_of.get(customer).map(Vec::as_slice).unwrap_or_default()
    }

    fn tail_package(&self, site: &Site) -> impl fmt::Display + '_ {
        let tail = site.tail_package;
        Showing(move |out: &mut dyn Write| match tail {
            Some(p) => self.write_name(out, p),
            None => out.write_str("no tail package"),
        })
    }

    /// The production id of the step's object, when it is live.
    fn live_production_id(&self, step: &Step) -> Option<&'a str> {
        let p = self.s.plan(step.action.object()?)?;
        if p.status == Status::Live { p.production_id.as_deref() } else { None }
    }

    fn changes_of<'c>(&self, step: &Step, changes: &'c BTreeMap<Id, Vec<FieldChange>>) -> Option<&'c [FieldChange]> {
        step.action.object().and_then(|o| changes.get(&o)).map(Vec::as_slice)
    }

    /// The Emersion screens of the step, with their rows.
    fn screens(&self, step: &Step) -> Vec<Screen<'a>> {
        match &step.action {
            Action::Plan { id } => self.s.plan(*id).map(|p| plan_screens(self, p)).unwrap_or_default(),
            Action::Group { id } => self.s.group(*id).map(|g| vec![group_screen(g)]).unwrap_or_default(),
            Action::Placement { bolt_on, add_on } => vec![placement_screen(self, *bolt_on, *add_on)],
            Action::Link { id } => self.s.link(*id).map(|l| vec![link_screen(self, l)]).unwrap_or_default(),
            Action::Allowance { id } => {
                self.s.allowance(*id).map(|a| vec![allowance_screen(self, a)]).unwrap_or_default()
            }
            Action::Approve { .. } => Vec::new(),
        }
    }

    /// Whether the step ends with the box for the production id (or the live one): a plan
    /// keyed here.
    fn asks_production_id(&self, step: &Step) -> bool {
        matches!(step.action, Action::Plan { .. }) && !step.reference_only
    }

    /// Ids as "PP-1, PP-2".
    fn ids<'i>(&self, ids: &'i [Id]) -> impl fmt::Display + 'i {
        Showing(move |out: &mut dyn Write| {
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                out.write_str(&id.text())?;
            }
            Ok(())
        })
    }
}

/// "AUD 12.50".
fn write_money(out: &mut dyn Write, currency: &Currency, m: Money) -> fmt::Result {
    out.write_str(&currency.code)?;
    out.write_char(' ')?;
    out.write_str(&currency.format(m))
}

/// An included value amount in the words ops type: "8 GB (8388608 KB)", "50 units",
/// "AUD 10.00", "2 minutes (120 seconds)".
fn write_amount(out: &mut dyn Write, currency: &Currency, t: IncludedValueType, a: i64) -> fmt::Result {
    const GB: i64 = crate::model::KB_PER_GB;
    match t {
        IncludedValueType::Kilobytes if a != 0 && a % GB == 0 => write!(out, "{} GB ({a} KB)", a / GB),
        IncludedValueType::Kilobytes if a != 0 && a % 1024 == 0 => write!(out, "{} MB ({a} KB)", a / 1024),
        IncludedValueType::Kilobytes => write!(out, "{a} KB"),
        IncludedValueType::Seconds if a != 0 && a % 60 == 0 => write!(out, "{} minutes ({a} seconds)", a / 60),
        IncludedValueType::Seconds => write!(out, "{a} seconds"),
        IncludedValueType::Dollar => write_money(out, currency, Money(a)),
        IncludedValueType::Units => write!(out, "{a} units"),
    }
}

fn yes_no(b: bool) -> Value<'static> {
    borrowed(if b { "Yes" } else { "No" })
}
fn text(t: &Option<String>) -> Value<'_> {
    t.as_deref().filter(|t| !t.trim().is_empty()).and_then(borrowed)
}
fn date(d: Option<Date>) -> Value<'static> {
    d.map(Shown::Date)
}
fn iv_type(t: IncludedValueType) -> &'static str {
    match t {
        IncludedValueType::Dollar => "Dollar",
        IncludedValueType::Kilobytes => "Kilobytes",
        IncludedValueType::Units => "Units",
        IncludedValueType::Seconds => "Seconds",
    }
}
fn behaviour(b: Behaviour) -> &'static str {
    match b {
        Behaviour::ForcedIrremovable => "Forced, irremovable",
        Behaviour::ForcedRemovable => "Forced, removable",
        Behaviour::Optional => "Completely Optional",
    }
}
fn bonus(b: BonusType) -> &'static str {
    match b {
        BonusType::None => "None",
        BonusType::AtStart => "At start",
        BonusType::AtEnd => "At end",
    }
}

/// One screen (or tab) of Emersion with its fields.
struct Screen<'a> {
    path: Cow<'static, str>,
    rows: Vec<(&'static str, Value<'a>)>,
}

/// A screen path under *Packages & Plans › Management*.
macro_rules! mgmt {
    ($path:literal) => {
        Cow::Borrowed(concat!("Packages & Plans › Management › ", $path))
    };
}

fn names(p: &Plan) -> Vec<(&'static str, Value<'_>)> {
    vec![
        ("Name", borrowed(&p.internal_name)),
        ("External Name", text(&p.external_name)),
        ("Reference Name", text(&p.reference_name)),
        ("Reference Key", text(&p.reference_key)),
        ("Import Reference", text(&p.import_reference)),
        ("Description", text(&p.description)),
        ("External Description", text(&p.external_description)),
        ("Buy or Sell", borrowed(p.side.as_str())),
    ]
}

fn pricing(c: &Ctx, p: &Plan) -> Vec<(&'static str, Value<'static>)> {
    vec![
        ("Recurring Plan", yes_no(p.recurring)),
        ("Set up fee", c.money(p.setup_fee)),
        ("Access fee", c.money(p.access_fee)),
        ("Pro Rata", yes_no(p.pro_rata)),
        ("Saleable from", date(p.saleable_from)),
        ("Saleable to", date(p.saleable_to)),
    ]
}

fn counterpart(c: &Ctx, p: &Plan, label: &'static str) -> Option<(&'static str, Value<'static>)> {
    (p.side == Side::Sell).then(|| (label, p.buy_counterpart.and_then(|b| c.name_of(b))))
}

fn service_type<'a>(c: &Ctx<'a>, p: &'a Plan) -> Value<'a> {
    p.service_type.as_ref().map(|code| match c.s.service_type(code) {
        Some(t) => Shown::Coded(&t.name, code),
        None => Shown::Text(Cow::Borrowed(code.as_str())),
    })
}

/// A code with its name ("Name (CODE)"), or the code alone when the list does not hold it.
fn coded<'a>(mut list: impl Iterator<Item = (&'a str, &'a str)>, code: &'a Option<String>) -> Value<'a> {
    code.as_ref().map(|code| match list.find(|(c, _)| c == code) {
        Some((_, name)) => Shown::Coded(name, code),
        None => Shown::Text(Cow::Borrowed(code.as_str())),
    })
}

fn category<'a>(c: &Ctx<'a>, code: &'a Option<String>) -> Value<'a> {
    coded(c.s.bolt_on_categories.iter().map(|x| (x.code.as_str(), x.name.as_str())), code)
}

fn tariff<'a>(c: &Ctx<'a>, code: &'a Option<String>) -> Value<'a> {
    coded(c.s.tariffs.iter().map(|x| (x.code.as_str(), x.name.as_str())), code)
}

fn package_screens<'a>(c: &Ctx<'a>, p: &'a Plan, f: &'a PackagePlanFields) -> Vec<Screen<'a>> {
    let mut rows = names(p);
    rows.extend(counterpart(c, p, "Buy Package Plan"));
    rows.extend(pricing(c, p));
    rows.push(("Weighting", Some(Shown::Int(f.weighting))));
    rows.push(("Included Value Type", f.included_value.and_then(|v| borrowed(iv_type(v.value_type)))));
    rows.push(("Included Value", f.included_value.and_then(|v| c.amount(v))));
    vec![
        Screen { path: mgmt!("Package Plan › Create New"), rows },
        Screen {
            path: mgmt!("Package Plan › (this plan) › Service Plans"),
            rows: vec![("Service Plans", Some(Shown::Names(&f.service_plans)))],
        },
    ]
}

fn service_screens<'a>(c: &Ctx<'a>, p: &'a Plan, f: &'a ServicePlanFields) -> Vec<Screen<'a>> {
    let mut rows = names(p);
    rows.push(("Service type", service_type(c, p)));
    rows.extend(counterpart(c, p, "Buy Service Plan"));
    rows.extend(pricing(c, p));
    for (i, v) in f.included_values.iter().enumerate() {
        rows.push((
            ["Included Value 1", "Included Value 2", "Included Value 3", "Included Value 4"][i.min(3)],
            Some(Shown::Typed(*v)),
        ));
    }
    let mut screens = vec![Screen { path: mgmt!("Service Plan › Create New"), rows }];
    let b = &f.data_billing;
    let billing = match b.mode {
        DataBillingMode::None => vec![("Data Billing", None)],
        DataBillingMode::Pooled => vec![(
            "Data Billing",
            Some(Shown::Text(Cow::Owned(format!(
                "Leave empty: this plan draws on the shared pool of {}",
                b.pool.map(|x| c.text_of(&Shown::Name(x))).unwrap_or_else(|| "(no pool named)".into())
            )))),
        )],
        DataBillingMode::Own => vec![
            (
                "Billing Type",
                b.billing_type.and_then(|t| borrowed(if t == BillingType::Volume { "Volume" } else { t.as_str() })),
            ),
            ("Quota", b.quota_kb.map(|q| Shown::Amount(IncludedValueType::Kilobytes, q))),
            ("Excess Rate (per GB)", c.money(b.excess_rate)),
            ("Charge Usage Within Quota", yes_no(b.charge_in_quota)),
            ("Bonus", b.bonus_kb.map(|q| Shown::Amount(IncludedValueType::Kilobytes, q))),
        ],
    };
    if b.mode != DataBillingMode::None
        || p.service_type
            .as_deref()
            .and_then(|t| c.s.service_type(t))
            .is_some_and(|t| t.category == ServiceCategory::Data)
    {
        screens.push(Screen { path: mgmt!("Service Plan › (this plan) › Data Billing"), rows: billing });
    }
    screens
}

fn bolt_on_screens<'a>(c: &Ctx<'a>, p: &'a Plan, f: &'a BoltOnFields) -> Vec<Screen<'a>> {
    let mut rows = names(p);
    rows.push(("Service type", service_type(c, p)));
    rows.push(("Bolt-On Category", category(c, &f.bolt_on_category)));
    rows.push(("Tariff", tariff(c, &f.tariff)));
    rows.extend(counterpart(c, p, "Bolt-On Plan (Buy)"));
    rows.push(("Included Value Type", f.included_value.and_then(|v| borrowed(iv_type(v.value_type)))));
    rows.push(("Included Value", f.included_value.and_then(|v| c.amount(v))));
    rows.extend(pricing(c, p));
    rows.push(("First time fee", c.money(f.first_time_fee)));
    let per = match f.included_value.map(|v| v.value_type) {
        Some(IncludedValueType::Kilobytes) => "Excess rate (per GB)",
        Some(IncludedValueType::Seconds) => "Excess rate (per minute)",
        _ => "Excess rate (per unit)",
    };
    rows.push((per, c.money(f.excess_rate)));
    vec![Screen { path: mgmt!("Bolt-ons › Create New"), rows }]
}

fn add_on_screens<'a>(c: &Ctx<'a>, p: &'a Plan, f: &'a BoltOnAddOnFields) -> Vec<Screen<'a>> {
    let mut one = names(p);
    one.retain(|(l, _)| *l != "External Description");
    one.push(("Service type", service_type(c, p)));
    one.push(("Bolt-On Category", category(c, &f.bolt_on_category)));
    one.push(("Tariff", tariff(c, &f.tariff)));
    one.push(("Included Value Type", f.included_value_type.and_then(|t| borrowed(iv_type(t)))));
    one.extend(counterpart(c, p, "Bolt-On Add-On Plan (Buy)"));
    let mut two = vec![("Is Provisioned", yes_no(f.is_provisioned))];
    if f.is_provisioned {
        two.push(("Provisioning Key", text(&f.provisioning_key)));
    }
    two.extend(pricing(c, p).into_iter().filter(|(l, _)| *l != "Saleable to"));
    const Q: [[&str; 4]; 4] = [
        ["Quota 1: Included Value Type", "Quota 1: Bonus type", "Quota 1: Included value", "Quota 1: Weight"],
        ["Quota 2: Included Value Type", "Quota 2: Bonus type", "Quota 2: Included value", "Quota 2: Weight"],
        ["Quota 3: Included Value Type", "Quota 3: Bonus type", "Quota 3: Included value", "Quota 3: Weight"],
        ["Quota 4: Included Value Type", "Quota 4: Bonus type", "Quota 4: Included value", "Quota 4: Weight"],
    ];
    for (q, labels) in f.quotas.iter().zip(Q.iter()) {
        two.push((labels[0], borrowed(iv_type(q.value_type))));
        two.push((labels[1], q.bonus_type.and_then(|b| borrowed(bonus(b)))));
        two.push((labels[2], c.amount(IncludedValue { value_type: q.value_type, amount: q.amount })));
        two.push((labels[3], q.weight.map(Shown::Int)));
    }
    if p.side == Side::Sell {
        two.push(("Available In API", yes_no(f.available_in_api.unwrap_or(false))));
        two.push(("Available In User Portal", yes_no(f.available_in_user_portal.unwrap_or(false))));
    }
    vec![
        Screen { path: mgmt!("Bolt-On Add-On › Create New (screen 1)"), rows: one },
        Screen { path: mgmt!("Bolt-On Add-On › Next (screen 2)"), rows: two },
    ]
}

fn plan_screens<'a>(c: &Ctx<'a>, p: &'a Plan) -> Vec<Screen<'a>> {
    match &p.detail {
        PlanDetail::PackagePlan(f) => package_screens(c, p, f),
        PlanDetail::ServicePlan(f) => service_screens(c, p, f),
        PlanDetail::BoltOn(f) => bolt_on_screens(c, p, f),
        PlanDetail::BoltOnAddOn(f) => add_on_screens(c, p, f),
    }
}

fn link_screen<'a>(c: &Ctx<'a>, l: &'a BoltOnLink) -> Screen<'a> {
    let side = c.s.plan(l.service_plan).map(|p| p.side.as_str()).unwrap_or_default();
    Screen {
        path: Cow::Owned(format!(
            "Packages and Plans › Management › Service Plan › search ({side}) › Associated Plan Bolt-on › Link Bolt-on"
        )),
        rows: vec![
            ("Service Plan", c.name_of(l.service_plan)),
            ("Bolt-on", c.name_of(l.bolt_on)),
            ("Behaviour", l.behaviour.and_then(|b| borrowed(behaviour(b)))),
        ],
    }
}

fn allowance_screen<'a>(c: &Ctx<'a>, a: &'a Allowance) -> Screen<'a> {
    let link = c.s.link(a.bolt_on_link);
    let mut rows = vec![
        ("Service Plan", link.and_then(|l| c.name_of(l.service_plan))),
        ("Bolt-On Plan", link.and_then(|l| c.name_of(l.bolt_on))),
        ("Bolt-On Add-On Plan", c.name_of(a.add_on)),
        ("Bolt-On Add-On Max Occurrence", Some(Shown::Int(a.max_occurrence))),
        ("Bolt-On Add-On Description", text(&a.description)),
    ];
    if let Some(parent) = a.buy_parent {
        let add_on = c.s.allowance(parent).map(|pa| c.text_of(&Shown::Name(pa.add_on))).unwrap_or_default();
        rows.insert(
            0,
            (
                "Parent Bolt-On Add-On Plan Allow",
                Some(Shown::Text(Cow::Owned(format!("allowance {parent}: {add_on}")))),
            ),
        );
    }
    Screen {
        path: "Packages and Plans › Management › Service Plan › (the plan) › Associated Plan Bolt-on › Bolt-On Add-On Plan Information › Add bolt-on Allowance".into(),
        rows,
    }
}

fn group_screen(g: &BoltOnGroup) -> Screen<'_> {
    Screen {
        path: mgmt!("Bolt-On Groups › Create New"),
        rows: vec![
            ("Name", borrowed(g.name.as_str())),
            ("Description", text(&g.description)),
            ("Buy or Sell", borrowed(g.side.as_str())),
            ("Bolt-ons in the group", Some(Shown::Names(&g.members))),
        ],
    }
}

fn placement_screen(c: &Ctx, bolt_on: Id, add_on: Id) -> Screen<'static> {
    Screen {
        path: mgmt!(
            "Bolt-ons › (the bolt-on) › Bolt-On Add-Ons Group › Display list of available Bolt-on Add-ons › Save"
        ),
        rows: vec![("Bolt-on", c.name_of(bolt_on)), ("Bolt-On Add-On to select", c.name_of(add_on))],
    }
}

/// How a group, link or allowance is named on its step.
fn describe(c: &Ctx, id: Id) -> String {
    let name = |i: Id| c.s.plan(i).map(|p| p.internal_name.clone()).unwrap_or_else(|| i.to_string());
    match id.kind {
        EntityKind::BoltOnGroup => c.s.group(id).map(|g| g.name.clone()).unwrap_or_default(),
        EntityKind::BoltOnLink => {
            c.s.link(id).map(|l| format!("{} → {}", name(l.service_plan), name(l.bolt_on))).unwrap_or_default()
        }
        EntityKind::Allowance => {
            c.s.allowance(id)
                .map(|a| format!("{} (max {}) under link {}", name(a.add_on), a.max_occurrence, a.bolt_on_link))
                .unwrap_or_default()
        }
        _ => id.to_string(),
    }
}

/// A run of the sheet's sections (`templates/sheet/sections.html`).
#[derive(Template)]
#[template(path = "sheet/sections.html")]
struct Sections<'a> {
    c: &'a Ctx<'a>,
    sections: &'a [Section],
    /// The run that continues the header's page.
    first: bool,
    changes: &'a BTreeMap<Id, Vec<FieldChange>>,
}

/// The page's head and the sheet's header (`templates/sheet/head.html`).
#[derive(Template)]
#[template(path = "sheet/head.html")]
struct Head<'a> {
    m: &'a Manifest,
    nothing_to_key: bool,
    diagrams: &'a [String],
}

impl Head<'_> {
    fn header_rows(&self) -> [(&'static str, String); 8] {
        let m = self.m;
        let delta = m.delta_of.as_ref().map(|d| format!("changes since bundle {} ({})", d.bundle_id, d.created_at));
        [
            ("Bundle", m.bundle_id.clone()),
            ("Catalog", format!("{} ({})", m.catalog_name, m.catalog_id)),
            ("Customer", m.customer.clone()),
            ("Currency", m.currency.clone()),
            ("Created", format!("{} by {}", m.created_at, m.created_by)),
            ("Application", format!("{} {}", m.application.name, m.application.version)),
            ("Structures", if m.structures.is_empty() { "(none)".into() } else { m.structures.join(", ") }),
            ("Kind", delta.unwrap_or_else(|| "full bundle".into())),
        ]
    }
}

/// The body of the build sheet for `sections` (a run of the sheet's sections; the first of the
/// whole sheet continues the header's page, later ones start a page each). Runs of sections
/// render independently, so a large sheet renders on every core.
pub fn render_sections(
    s: &Snapshot,
    sections: &[Section],
    first: bool,
    changes: &BTreeMap<Id, Vec<FieldChange>>,
) -> String {
    let currency =
        Currency::parse(&s.settings.currency).unwrap_or(Currency { code: s.settings.currency.clone(), decimals: 2 });
    let mut sites_of: HashMap<Id, Vec<&Site>> = HashMap::new();
    for site in &s.sites {
        sites_of.entry(site.customer).or_default().push(site);
    }
    let c = Ctx { s, currency, sites_of };
    let mut out = String::with_capacity(sections.iter().map(|x| x.steps.len() * 1600).sum::<usize>());
    Sections { c: &c, sections, first, changes }
        .render_into(&mut out)
        .expect("rendering the build sheet into a String cannot fail");
    out
}

/// What comes before the body: the page's head and the sheet's header. The sheet is this
/// head, the runs of [`render_sections`] in order, and [`TAIL`] (the export writes them into
/// the bundle as pieces, never joined).
/// `nothing_to_key`: the body is empty (no section).
pub fn render_head(m: &Manifest, nothing_to_key: bool, diagrams: &[String]) -> String {
    let mut out = String::with_capacity(8192);
    Head { m, nothing_to_key, diagrams }
        .render_into(&mut out)
        .expect("rendering the build sheet into a String cannot fail");
    out
}

/// What ends the sheet, after the last run of [`render_sections`].
pub const TAIL: &str = "</section></body></html>\n";
