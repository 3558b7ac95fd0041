//! The rating engine. First it resolves what a scenario orders into SELL objects, each with its
//! BUY counterpart: for a shared-data structure or a customer, the data package once and the
//! tail package per site (the tails' usage summed into the pool); for a bolt-on structure, its
//! SELL packages per service, their service plans, the bolt-ons linked to them and the add-ons
//! their allowances permit. Then it rates each period: fees (set-up in period 1, access every
//! period, prorated in period 1 where the plan says so, first-time fees), and per service and
//! included value type the usage drawn from the plan's own values, the data billing quota and
//! bonus, the bolt-ons' allocations, carried at_end bonuses and the add-ons bought (as many as
//! the scenario says, then as needed by weight within max occurrence), the rest at the excess
//! rate. Both sides are rated in the same pass so every SELL line has its BUY line beside it.
//!
//! Identical services (N sites, N services) are rated once and their quantities multiplied, so
//! each line is still one multiplication rounded once ([`super::amount`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{CoreError, ErrorKind, Result};
use crate::id::{EntityKind, Id};
use crate::model::{BonusType, DataBillingMode, IncludedValueType, MemberRole, Plan, Side, StructureKind, Tier};
use crate::progress;
use crate::relations::Relations;
use crate::snapshot::Snapshot;
use crate::value::{Currency, Date, Money};

use super::lines::{Charge, Line, LinePair, PeriodRating, Rating, Totals, Unit, assumption};
use super::scenario::Scenario;
use super::{KB_PER_GB, amount, round_div};

/// Rates `scenario` over the catalog `snapshot`.
pub fn rate(snapshot: &Snapshot, scenario: &Scenario) -> Result<Rating> {
    rate_with(&Relations::new(snapshot), scenario)
}

/// Rates `scenario` with relations already built (rating many subjects of one catalog).
pub fn rate_with(r: &Relations, scenario: &Scenario) -> Result<Rating> {
    let (mut rater, currency) = Rater::new(r, scenario)?;
    let order = rater.resolve()?;
    rater.check_prices(&order)?;
    rater.check_purchases(&order)?;
    let mut state: Vec<Vec<ServiceState>> =
        order.packages.iter().map(|p| p.services.iter().map(|_| ServiceState::default()).collect()).collect();
    let mut periods = Vec::with_capacity(scenario.periods as usize);
    for p in 1..=scenario.periods {
        let (from, to) = period_days(scenario.start, p);
        let mut lines = Vec::new();
        for (pi, op) in order.packages.iter().enumerate() {
            rater.package_period(op, p, from, to, &mut state[pi], &mut lines)?;
        }
        let totals = Totals::of_lines(&lines);
        periods.push(PeriodRating { period: p, from, to, lines, totals });
    }
    let totals = Totals::sum(periods.iter().map(|p| &p.totals));
    if totals.buy.is_some() {
        rater.note(18);
    }
    Ok(Rating {
        subject: scenario.subject,
        subject_name: order.subject_name,
        scenario: scenario.name.clone(),
        currency: currency.code,
        decimals: currency.decimals,
        periods,
        totals,
        assumptions: (1..32)
            .filter(|n| rater.used & (1 << n) != 0)
            .map(|n| assumption(&format!("RAT-{n:02}")))
            .collect(),
    })
}

/// What one ordered service that carries the scenario's usage includes of type `t` in a full
/// period (no pro rata): its plan's included values, its own data quota and bonus, and its
/// bolt-ons' allocations, on the SELL side. This is the pool or allocation a usage sweep runs
/// over (add-ons bought come on top). None when no ordered service carries usage.
pub fn included(r: &Relations, scenario: &Scenario, t: IncludedValueType) -> Result<Option<i64>> {
    let (mut rater, _) = Rater::new(r, scenario)?;
    let order = rater.resolve()?;
    let (from, to) = period_days(scenario.start, 2);
    let service = order.packages.iter().flat_map(|p| &p.services).find(|s| s.usage);
    Ok(service.map(|sv| {
        let bolt_ons: Vec<Option<&Plan>> = sv.bolt_ons.iter().map(|b| Some(b.plan)).collect();
        rater.allowances(sv.plan, &bolt_ons, t, 2, from, to)
    }))
}

/// The first and last day of period `p` (1-based).
fn period_days(start: Date, p: u32) -> (Date, Date) {
    let months = start.month as i64 - 1 + (p as i64 - 1);
    let (y, m) = (start.year as i64 + months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
    let first = Date::new(y as i32, m, 1).expect("a month's first day");
    let last = Date::new(y as i32, m, first.days_in_month()).expect("a month's last day");
    (if p == 1 { start } else { first }, last)
}

/// What a scenario orders.
struct Order<'a> {
    subject_name: String,
    packages: Vec<Ordered<'a>>,
}

/// A SELL package plan ordered `count` times (services or sites).
struct Ordered<'a> {
    package: &'a Plan,
    count: i64,
    services: Vec<OrderedService<'a>>,
}

struct OrderedService<'a> {
    plan: &'a Plan,
    /// Whether the scenario's usage is drawn on it (the pool's plan, not the tails).
    usage: bool,
    bolt_ons: Vec<OrderedBoltOn<'a>>,
}

struct OrderedBoltOn<'a> {
    plan: &'a Plan,
    /// SELL add-ons its allowances permit, with their max occurrence.
    add_ons: Vec<(&'a Plan, i64)>,
}

/// What one ordered service carries from period to period, per side (0 SELL, 1 BUY).
#[derive(Default)]
struct ServiceState {
    /// at_end bonuses bought last period, per included value type, counting this period.
    carried: [[i64; 4]; 2],
    /// Add-ons already bought once (their set-up fee is charged once).
    set_up: BTreeSet<Id>,
}

const TYPES: [IncludedValueType; 4] =
    [IncludedValueType::Kilobytes, IncludedValueType::Seconds, IncludedValueType::Units, IncludedValueType::Dollar];

fn type_index(t: IncludedValueType) -> usize {
    TYPES.iter().position(|x| *x == t).expect("every type is listed")
}

struct Rater<'a, 's> {
    r: &'s Relations<'a>,
    sc: &'s Scenario,
    money_per_unit: i64,
    /// The assumptions that applied, as bits (bit n: RAT-n).
    used: u32,
}

/// The BUY counterpart that prices `sell` on the carrier's bill: its `buy_counterpart`, unless
/// the catalog is a retailer's and that BUY object carries no price (RAT-15: unknown, not zero).
/// The one link from SELL to BUY of rating and of the commercials built on it.
pub(crate) fn priced_counterpart<'a>(s: &'a Snapshot, sell: &Plan) -> Option<&'a Plan> {
    let buy = sell.buy_counterpart.and_then(|b| s.plan(b))?;
    (s.settings.tier != Tier::Retail || priced(buy)).then_some(buy)
}

/// A fee of one plan, as a field reader.
pub(crate) type Fee = fn(&Plan) -> Option<Money>;

pub(crate) fn setup_fee(p: &Plan) -> Option<Money> {
    p.setup_fee
}
pub(crate) fn access_fee(p: &Plan) -> Option<Money> {
    p.access_fee
}
pub(crate) fn first_time_fee(p: &Plan) -> Option<Money> {
    p.bolt_on().and_then(|b| b.first_time_fee)
}
pub(crate) fn excess_rate(p: &Plan) -> Option<Money> {
    p.bolt_on().and_then(|b| b.excess_rate).or_else(|| p.service().and_then(|s| s.data_billing.excess_rate))
}

/// Whether a plan carries any price at all.
fn priced(p: &Plan) -> bool {
    [setup_fee, access_fee, first_time_fee, excess_rate].iter().any(|f| f(p).is_some())
}

/// A line as the invoice prints it, "<name> — <what>": the external name (SELL), else the
/// internal one (a carrier's reference-only BUY object), else the id.
fn describe(p: &Plan, what: &str) -> String {
    let name = match (&p.external_name, p.side) {
        (Some(n), _) => n.as_str(),
        (None, Side::Buy) => p.internal_name.as_str(),
        (None, Side::Sell) => return format!("{} — {what}", p.id),
    };
    // Built in one allocation: a rating writes one per line, hundreds of thousands in a bench.
    let mut text = String::with_capacity(name.len() + " — ".len() + what.len());
    text.push_str(name);
    text.push_str(" — ");
    text.push_str(what);
    text
}

impl<'a, 's> Rater<'a, 's> {
    /// A rater of `scenario` (checked) over the catalog's currency and tier.
    fn new(r: &'s Relations<'a>, scenario: &'s Scenario) -> Result<(Self, Currency)> {
        scenario.check()?;
        let currency = Currency::parse(&r.snapshot.settings.currency)?;
        let rater = Rater { r, sc: scenario, money_per_unit: 10i64.pow(currency.decimals), used: 1 << 1 };
        Ok((rater, currency))
    }
}

impl<'a> Rater<'a, '_> {
    /// Records that assumption RAT-`n` applied.
    fn note(&mut self, n: u32) {
        self.used |= 1 << n;
    }

    fn snapshot(&self) -> &'a Snapshot {
        self.r.snapshot
    }

    /// The BUY counterpart that prices `sell` on the carrier's bill, or none when unknown.
    fn buy_of(&mut self, sell: &Plan) -> Option<&'a Plan> {
        let buy = priced_counterpart(self.snapshot(), sell);
        if buy.is_none() {
            self.note(15);
        }
        buy
    }

    fn resolve(&mut self) -> Result<Order<'a>> {
        let s = self.snapshot();
        let subject = self.sc.subject;
        match subject.kind {
            EntityKind::Customer => {
                let c = s.customer(subject).ok_or_else(|| {
                    CoreError::not_found(format!(
                        "subject: there is no customer {subject} in this catalog; `plansmith list FILE --kind customer` lists them"
                    ))
                    .with_field("subject")
                })?;
                self.shared_data(c.name.clone(), Some(c.id), None, None)
            }
            _ => {
                let st = s.structure(subject).ok_or_else(|| {
                    CoreError::not_found(format!(
                        "subject: there is no structure {subject} in this catalog; `plansmith list FILE --kind structure` lists them"
                    ))
                    .with_field("subject")
                })?;
                let objects = progress::objects(self.r, st);
                match st.kind {
                    StructureKind::SharedData => {
                        let role = |role: MemberRole| {
                            let set = if role == MemberRole::Data { &objects.data } else { &objects.tails };
                            set.iter().filter(|id| id.kind == EntityKind::PackagePlan).find_map(|id| sell_plan(s, *id))
                        };
                        self.shared_data(st.name.clone(), st.customer, role(MemberRole::Data), role(MemberRole::Tail))
                    }
                    StructureKind::BoltOnAddOn => {
                        self.note(6);
                        let count = self.sc.services.unwrap_or(1) as i64;
                        let packages = objects
                            .package_plans
                            .iter()
                            .filter_map(|id| sell_plan(s, *id))
                            .map(|pp| self.ordered(pp, count, true))
                            .collect();
                        Ok(Order { subject_name: st.name.clone(), packages })
                    }
                }
            }
        }
    }

    /// A customer's data package once and a tail package per site (the customer's, or N).
    fn shared_data(
        &mut self,
        name: String,
        customer: Option<Id>,
        data: Option<&'a Plan>,
        tail: Option<&'a Plan>,
    ) -> Result<Order<'a>> {
        self.note(4);
        let s = self.snapshot();
        let c = customer.and_then(|c| s.customer(c));
        let data = c.and_then(|c| c.data_package).and_then(|p| sell_plan(s, p)).or(data);
        let mut tails: Vec<(&'a Plan, i64)> = Vec::new();
        let site_tails: Vec<&'a Plan> = c
            .map(|c| {
                self.r
                    .sites_of
                    .get(&c.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|x| s.site(*x).and_then(|x| x.tail_package).and_then(|p| sell_plan(s, p)))
                    .collect()
            })
            .unwrap_or_default();
        match self.sc.sites {
            Some(n) => {
                self.note(5);
                let tail = site_tails.first().copied().or(tail).ok_or_else(|| {
                    CoreError::new(
                        ErrorKind::Conflict,
                        format!("{name} has no SELL tail package to order for its sites; build its tail package (steps 5 to 8) first"),
                    )
                    .with_field("sites")
                })?;
                tails.push((tail, n as i64));
            }
            None => {
                if c.is_none() {
                    return Err(CoreError::invalid(
                        "sites",
                        format!(
                            "{name} has no customer, so there are no sites to count; give the number of sites (--sites N)"
                        ),
                    ));
                }
                for t in site_tails {
                    match tails.iter_mut().find(|(p, _)| p.id == t.id) {
                        Some((_, n)) => *n += 1,
                        None => tails.push((t, 1)),
                    }
                }
            }
        }
        let mut packages = Vec::new();
        if let Some(d) = data {
            packages.push(self.ordered(d, 1, true));
        }
        for (t, n) in tails {
            packages.push(self.ordered(t, n, false));
        }
        Ok(Order { subject_name: name, packages })
    }

    fn ordered(&mut self, package: &'a Plan, count: i64, usage: bool) -> Ordered<'a> {
        let s = self.snapshot();
        let services = package
            .package()
            .map(|f| f.service_plans.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|id| sell_plan(s, *id))
            .map(|sp| {
                // Shared data: the usage is the pool's (own billing), never the tails'.
                let usage = usage && sp.service().is_some_and(|f| f.data_billing.mode != DataBillingMode::Pooled);
                OrderedService { plan: sp, usage, bolt_ons: self.bolt_ons_of(sp) }
            })
            .collect();
        Ordered { package, count, services }
    }

    /// The SELL bolt-ons linked to `sp`, the first of each bolt-on group, with their add-ons.
    fn bolt_ons_of(&mut self, sp: &Plan) -> Vec<OrderedBoltOn<'a>> {
        let s = self.snapshot();
        let mut out: Vec<OrderedBoltOn<'a>> = Vec::new();
        let mut groups: BTreeSet<Id> = BTreeSet::new();
        for l in self.r.links_of_service.get(&sp.id).into_iter().flatten() {
            let Some(bo) = sell_plan(s, l.bolt_on) else { continue };
            let its_groups: Vec<Id> = self.r.groups_of.get(&bo.id).cloned().unwrap_or_default();
            if its_groups.iter().any(|g| groups.contains(g)) || out.iter().any(|b| b.plan.id == bo.id) {
                self.note(7);
                continue;
            }
            groups.extend(its_groups);
            let add_ons = self
                .r
                .allowances_of_link
                .get(&l.id)
                .into_iter()
                .flatten()
                .filter_map(|a| s.allowance(*a))
                .filter_map(|a| sell_plan(s, a.add_on).map(|ao| (ao, a.max_occurrence.max(0))))
                .collect();
            out.push(OrderedBoltOn { plan: bo, add_ons });
        }
        out
    }

    fn check_prices(&self, order: &Order) -> Result<()> {
        let mut plans = order.packages.iter().flat_map(|p| {
            std::iter::once(p.package).chain(p.services.iter().flat_map(|sv| {
                std::iter::once(sv.plan).chain(
                    sv.bolt_ons.iter().flat_map(|b| std::iter::once(b.plan).chain(b.add_ons.iter().map(|a| a.0))),
                )
            }))
        });
        let subject = self.snapshot().describe(self.sc.subject);
        let Some(first) = order.packages.first() else {
            return Err(CoreError::new(
                ErrorKind::Conflict,
                format!(
                    "{subject} orders nothing yet: it has no SELL package plan; take its build steps (`plansmith steps FILE {}`) first",
                    self.sc.subject
                ),
            ));
        };
        if plans.any(priced) {
            return Ok(());
        }
        let example = first.services.first().map(|s| s.plan).unwrap_or(first.package);
        Err(CoreError::new(
            ErrorKind::Conflict,
            format!(
                "{subject} has no prices: none of its SELL plans has a set-up fee, access fee, first-time fee or excess rate; key in the access fee of {} (and its other SELL plans), then rate it again",
                example.describe()
            ),
        )
        .with_field("access_fee"))
    }

    fn check_purchases(&self, order: &Order) -> Result<()> {
        for b in &self.sc.purchases {
            let allowed = order.packages.iter().any(|p| {
                p.services.iter().any(|s| s.bolt_ons.iter().any(|bo| bo.add_ons.iter().any(|(a, _)| a.id == b.add_on)))
            });
            if !allowed {
                return Err(CoreError::invalid(
                    "purchases",
                    format!(
                        "scenario '{}': no ordered service may buy {}: no SELL allowance under the bolt-ons of {} names it; pick an add-on one of its allowances names",
                        self.sc.name, b.add_on, self.sc.subject
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The fraction of period `p` a plan is charged for: (days, days in month) in period 1 of a
    /// pro-rata plan that starts after the 1st, else none (in full).
    fn prorata(&mut self, plan: &Plan, p: u32, from: Date, to: Date) -> Option<(i64, i64)> {
        if p != 1 || !plan.pro_rata || from.day == 1 {
            return None;
        }
        self.note(2);
        Some((to.to_days() - from.to_days() + 1, to.day as i64))
    }

    /// A fee pair of `sell` (and its BUY counterpart), or nothing when neither has the fee.
    #[allow(clippy::too_many_arguments)]
    fn fee(
        &mut self,
        out: &mut Vec<LinePair>,
        charge: Charge,
        sell: &Plan,
        fee: Fee,
        count: i64,
        unit: Unit,
        fraction: Option<(i64, i64)>,
        what: &str,
    ) {
        let buy = self.buy_of(sell);
        if count == 0 || (fee(sell).is_none() && buy.and_then(fee).is_none()) {
            return;
        }
        let (quantity, per, text) = match fraction {
            Some((days, of)) => (count * days, of, format!("{count} × {days}/{of} days")),
            None => (count, 1, count.to_string()),
        };
        let line = |p: &Plan, used: &mut u32| {
            let rate = fee(p).unwrap_or_else(|| {
                if p.side == Side::Buy {
                    *used |= 1 << 16;
                }
                Money(0)
            });
            Line {
                object: p.id,
                description: describe(p, what),
                quantity,
                unit,
                per,
                quantity_text: text.clone(),
                rate,
                amount: amount(rate, quantity, per),
            }
        };
        let s = line(sell, &mut self.used);
        let b = buy.map(|b| line(b, &mut self.used));
        out.push(pair(charge, s, b));
    }

    fn package_period(
        &mut self,
        op: &Ordered<'a>,
        p: u32,
        from: Date,
        to: Date,
        state: &mut [ServiceState],
        out: &mut Vec<LinePair>,
    ) -> Result<()> {
        let c = op.count;
        self.plan_fees(out, op.package, c, p, from, to);
        for (si, sv) in op.services.iter().enumerate() {
            self.plan_fees(out, sv.plan, c, p, from, to);
            for bo in &sv.bolt_ons {
                self.plan_fees(out, bo.plan, c, p, from, to);
                if p == 1 {
                    self.fee(out, Charge::FirstTime, bo.plan, first_time_fee, c, Unit::Service, None, "first-time fee");
                }
            }
            self.service_usage(sv, c, p, from, to, &mut state[si], out)?;
        }
        Ok(())
    }

    /// Set-up (period 1) and access fees of one plan ordered `count` times.
    fn plan_fees(&mut self, out: &mut Vec<LinePair>, plan: &Plan, count: i64, p: u32, from: Date, to: Date) {
        if p == 1 {
            self.fee(out, Charge::Setup, plan, setup_fee, count, Unit::Service, None, "set-up fee");
        }
        if !plan.recurring {
            self.note(3);
            if p != 1 {
                return;
            }
        }
        let fraction = self.prorata(plan, p, from, to);
        let what = if fraction.is_some() { "access fee, pro rata" } else { "monthly access fee" };
        self.fee(out, Charge::Access, plan, access_fee, count, Unit::Service, fraction, what);
    }

    /// One ordered service's add-ons and usage in period `p`, on both sides.
    #[allow(clippy::too_many_arguments)]
    fn service_usage(
        &mut self,
        sv: &OrderedService<'a>,
        c: i64,
        p: u32,
        from: Date,
        to: Date,
        st: &mut ServiceState,
        out: &mut Vec<LinePair>,
    ) -> Result<()> {
        // The SELL plans and their BUY counterparts (None: unknown).
        let sp_buy = self.buy_of(sv.plan);
        let bolt_ons: Vec<(&'a Plan, Option<&'a Plan>)> =
            sv.bolt_ons.iter().map(|b| (b.plan, self.buy_of(b.plan))).collect();
        let add_ons: Vec<(&'a Plan, i64)> = sv.bolt_ons.iter().flat_map(|b| b.add_ons.iter().copied()).collect();

        // Add-ons bought this period: the scenario's, checked against max occurrence.
        let mut bought: BTreeMap<Id, i64> = BTreeMap::new();
        for b in self.sc.purchases.iter().filter(|b| b.period.is_none_or(|q| q == p)) {
            if let Some((ao, max)) = add_ons.iter().find(|(a, _)| a.id == b.add_on) {
                let n = bought.entry(ao.id).or_default();
                *n += b.count as i64;
                if *n > *max {
                    return Err(CoreError::invalid(
                        "purchases",
                        format!(
                            "scenario '{}': {} × {} in period {p}, but its allowance under {} allows at most {max} per service per period; buy at most {max}",
                            self.sc.name, n, ao.id, sv.plan.id
                        ),
                    ));
                }
            }
        }

        let sell_sp = sv.plan;
        let sell_bos: Vec<Option<&Plan>> = bolt_ons.iter().map(|b| Some(b.0)).collect();
        let buy_bos: Vec<Option<&Plan>> = bolt_ons.iter().map(|b| b.1).collect();
        let mut next_carry = [[0i64; 4]; 2];
        for t in TYPES {
            let ti = type_index(t);
            let used = if sv.usage { self.sc.usage_in(t, p) } else { 0 };
            // What covers usage on the SELL side before buying as needed.
            let sell_cover = |rater: &mut Self, bought: &BTreeMap<Id, i64>| {
                rater.allowances(sell_sp, &sell_bos, t, p, from, to)
                    + st.carried[0][ti]
                    + add_ons
                        .iter()
                        .map(|(a, _)| quota_now(a, t) * bought.get(&a.id).copied().unwrap_or(0))
                        .sum::<i64>()
            };
            let mut covered = sell_cover(self, &bought);
            if self.sc.top_ups_as_needed && used > covered && sv.usage {
                let mut by_weight: Vec<(i64, &(&'a Plan, i64))> =
                    add_ons.iter().filter_map(|a| quota_weight(a.0, t).map(|w| (w, a))).collect();
                if add_ons.iter().any(|a| quota_of(a.0, t).is_some_and(|q| q.bonus_type == Some(BonusType::AtEnd))) {
                    self.note(17);
                }
                by_weight.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.0.id.cmp(&y.1.0.id)));
                for (_, (ao, max)) in by_weight {
                    let per = quota_now(ao, t);
                    if per <= 0 || used <= covered {
                        continue;
                    }
                    let have = bought.get(&ao.id).copied().unwrap_or(0);
                    let need = (used - covered + per - 1) / per;
                    let n = need.min(max - have).max(0);
                    if n > 0 {
                        *bought.entry(ao.id).or_default() += n;
                        covered += n * per;
                    }
                }
            }
            // BUY: its own allowances and the counterparts of what was bought.
            let buy_cover = |rater: &mut Self| -> Option<i64> {
                let sp = sp_buy?;
                let mut n = rater.allowances(sp, &buy_bos, t, p, from, to) + st.carried[1][ti];
                for (a, _) in &add_ons {
                    let k = bought.get(&a.id).copied().unwrap_or(0);
                    if k > 0 {
                        n += quota_now(rater.buy_of(a)?, t) * k;
                    }
                }
                Some(n)
            };
            let buy_covered = buy_cover(self);
            if used > 0 {
                self.usage_lines(out, sv, &bolt_ons, sp_buy, t, used, covered, buy_covered, c, p, from, to);
            }
            // at_end bonuses of what was bought count next period.
            for (a, _) in &add_ons {
                let k = bought.get(&a.id).copied().unwrap_or(0);
                if k > 0 {
                    next_carry[0][ti] += quota_later(a, t) * k;
                    if let Some(b) = sell_buy(self, a) {
                        next_carry[1][ti] += quota_later(b, t) * k;
                    }
                }
            }
        }
        st.carried = next_carry;

        // The add-ons bought, as lines (set-up the first time).
        for (ao, _) in &add_ons {
            let k = bought.get(&ao.id).copied().unwrap_or(0);
            if k == 0 {
                continue;
            }
            self.note(8);
            self.note(10);
            if ao.add_on().is_some_and(|f| f.quotas.iter().any(|q| q.bonus_type != Some(BonusType::AtStart))) {
                self.note(9);
            }
            if st.set_up.insert(ao.id)
                && (ao.setup_fee.is_some() || self.buy_of(ao).and_then(|b| b.setup_fee).is_some())
            {
                self.note(13);
                self.fee(out, Charge::AddOnSetup, ao, setup_fee, k * c, Unit::AddOn, None, "set-up fee");
            }
            self.fee(out, Charge::AddOn, ao, access_fee, k * c, Unit::AddOn, None, "add-on");
        }
        Ok(())
    }

    /// What a service plan and its bolt-ons include of type `t` in period `p` (prorated where
    /// the plan says so): the plan's included values, its own data billing quota and bonus,
    /// the bolt-ons' allocations.
    fn allowances(
        &mut self,
        sp: &Plan,
        bolt_ons: &[Option<&Plan>],
        t: IncludedValueType,
        p: u32,
        from: Date,
        to: Date,
    ) -> i64 {
        let mut n: i64 = 0;
        if let Some(f) = sp.service() {
            n += f.included_values.iter().filter(|v| v.value_type == t).map(|v| v.amount.max(0)).sum::<i64>();
            if t == IncludedValueType::Kilobytes && f.data_billing.mode == DataBillingMode::Own {
                n += f.data_billing.quota_kb.unwrap_or(0).max(0) + f.data_billing.bonus_kb.unwrap_or(0).max(0);
            }
        }
        n = self.scaled(sp, n, p, from, to);
        for bo in bolt_ons.iter().flatten() {
            let a = bo
                .bolt_on()
                .and_then(|f| f.included_value)
                .filter(|v| v.value_type == t)
                .map_or(0, |v| v.amount.max(0));
            n += self.scaled(bo, a, p, from, to);
        }
        n
    }

    fn scaled(&mut self, plan: &Plan, n: i64, p: u32, from: Date, to: Date) -> i64 {
        match self.prorata(plan, p, from, to) {
            Some((days, of)) if n != 0 => round_div(n as i128 * days as i128, of as i128) as i64,
            _ => n,
        }
    }

    /// The in-quota and excess lines of usage `used` of type `t` on one service.
    #[allow(clippy::too_many_arguments)]
    fn usage_lines(
        &mut self,
        out: &mut Vec<LinePair>,
        sv: &OrderedService<'a>,
        bolt_ons: &[(&'a Plan, Option<&'a Plan>)],
        sp_buy: Option<&'a Plan>,
        t: IncludedValueType,
        used: i64,
        covered: i64,
        buy_covered: Option<i64>,
        c: i64,
        p: u32,
        from: Date,
        to: Date,
    ) {
        self.note(14);
        let (unit, per, what) = match t {
            IncludedValueType::Kilobytes => (Unit::Kilobyte, KB_PER_GB, "data"),
            IncludedValueType::Seconds => (Unit::Second, 60, "call time"),
            IncludedValueType::Units => (Unit::Unit, 1, "units"),
            IncludedValueType::Dollar => (Unit::MinorUnit, self.money_per_unit, "spend"),
        };
        let money_per_unit = self.money_per_unit;
        let text = |q: i64| quantity_text(q, t, money_per_unit);
        let line = |p: &Plan, rate: Money, q: i64, label: &str| Line {
            object: p.id,
            description: describe(p, label),
            quantity: q,
            unit,
            per,
            quantity_text: text(q),
            rate,
            amount: amount(rate, q, per),
        };
        // Usage inside the quota, where the plan charges it (data billing, own).
        let db = |sp: &Plan| sp.service().map(|f| &f.data_billing).filter(|d| d.mode == DataBillingMode::Own).cloned();
        if t == IncludedValueType::Kilobytes
            && let Some(d) = db(sv.plan).filter(|d| d.charge_in_quota)
        {
            self.note(11);
            let quota = |rater: &mut Self, sp: &Plan, d: &crate::model::DataBilling| {
                let q = d.quota_kb.unwrap_or(0).max(0) + d.bonus_kb.unwrap_or(0).max(0);
                used.min(rater.scaled(sp, q, p, from, to)) * c
            };
            let q = quota(self, sv.plan, &d);
            let s = line(sv.plan, d.excess_rate.unwrap_or(Money(0)), q, &format!("{what} in quota"));
            let b = sp_buy.map(|b| {
                let bd = db(b).unwrap_or_default();
                let q = if bd.charge_in_quota { quota(self, b, &bd) } else { 0 };
                line(b, bd.excess_rate.unwrap_or(Money(0)), q, &format!("{what} in quota"))
            });
            out.push(pair(Charge::InQuota, s, b));
        }
        // Above everything: the first bolt-on of this type with an excess rate, else the
        // plan's own data billing.
        let source = bolt_ons
            .iter()
            .find(|(bo, _)| {
                bo.bolt_on()
                    .is_some_and(|f| f.excess_rate.is_some() && f.included_value.is_some_and(|v| v.value_type == t))
            })
            .map(|(s, b)| (*s, *b))
            .or_else(|| {
                (t == IncludedValueType::Kilobytes && db(sv.plan).is_some_and(|d| d.excess_rate.is_some()))
                    .then_some((sv.plan, sp_buy))
            });
        let sell_excess = (used - covered).max(0) * c;
        let buy_excess = buy_covered.map(|b| (used - b).max(0) * c);
        let Some((src, src_buy)) = source else {
            if sell_excess > 0 {
                self.note(12);
            }
            return;
        };
        if sell_excess == 0 && buy_excess.unwrap_or(0) == 0 {
            return;
        }
        let label = format!("{what} above the allowance");
        let s = line(src, excess_rate(src).unwrap_or(Money(0)), sell_excess, &label);
        let b = match (src_buy, buy_excess) {
            (Some(b), Some(q)) => Some(line(b, excess_rate(b).unwrap_or(Money(0)), q, &label)),
            _ => {
                self.note(15);
                None
            }
        };
        out.push(pair(Charge::Excess, s, b));
    }
}

/// The BUY counterpart of an add-on, for carrying its bonuses (unknown counterparts carry none).
fn sell_buy<'a>(rater: &mut Rater<'a, '_>, a: &Plan) -> Option<&'a Plan> {
    rater.buy_of(a)
}

/// A SELL plan by id (a BUY id names nothing a scenario orders).
fn sell_plan(s: &Snapshot, id: Id) -> Option<&Plan> {
    s.plan(id).filter(|p| p.side == Side::Sell)
}

fn quota_of(ao: &Plan, t: IncludedValueType) -> Option<&crate::model::Quota> {
    ao.add_on().and_then(|f| f.quotas.iter().find(|q| q.value_type == t))
}

/// An add-on's quota of type `t` that counts in the period it is bought (none or at_start).
fn quota_now(ao: &Plan, t: IncludedValueType) -> i64 {
    quota_of(ao, t).filter(|q| q.bonus_type != Some(BonusType::AtEnd)).map_or(0, |q| q.amount.max(0))
}

/// An add-on's quota of type `t` that counts in the next period (at_end).
fn quota_later(ao: &Plan, t: IncludedValueType) -> i64 {
    quota_of(ao, t).filter(|q| q.bonus_type == Some(BonusType::AtEnd)).map_or(0, |q| q.amount.max(0))
}

/// The weight of an add-on that covers type `t` this period (for buying as needed).
fn quota_weight(ao: &Plan, t: IncludedValueType) -> Option<i64> {
    quota_of(ao, t).filter(|q| q.bonus_type != Some(BonusType::AtEnd) && q.amount > 0).map(|q| q.weight.unwrap_or(0))
}

fn pair(charge: Charge, sell: Line, buy: Option<Line>) -> LinePair {
    let margin = buy.as_ref().map(|b| Money(sell.amount.0 - b.amount.0));
    LinePair { charge, one_off: charge.is_one_off(), sell, buy, margin }
}

/// "120 GB", "1.5 GB", "300 min", "50 units", "12.50": exact where it can be, else to the KB.
fn quantity_text(q: i64, t: IncludedValueType, money_per_unit: i64) -> String {
    let frac = |q: i64, per: i64, unit: &str| {
        if q % per == 0 {
            format!("{} {unit}", q / per)
        } else {
            // Two decimals, rounded by the one rule (display only; amounts use exact values).
            let hundredths = round_div(q as i128 * 100, per as i128);
            format!("{}.{:02} {unit}", hundredths / 100, hundredths % 100)
        }
    };
    match t {
        IncludedValueType::Kilobytes => frac(q, KB_PER_GB, "GB"),
        IncludedValueType::Seconds => frac(q, 60, "min"),
        IncludedValueType::Units => format!("{q} units"),
        IncludedValueType::Dollar => frac(q, money_per_unit, "of spend"),
    }
}
