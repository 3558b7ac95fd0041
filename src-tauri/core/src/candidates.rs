//! Link candidates: what a link editor may offer for one slot of one object. Emersion's pickers
//! offer only what the platform would accept (a bolt-on's *Bolt-On Add-Ons Group* tab lists only
//! add-ons of the bolt-on's service type and included value type; a SELL allowance's parent is
//! the BUY allowance on the BUY counterparts), and a consultant expects the same. The rules of
//! domain.md §6 decide what is valid, so the filtering lives here, in the core, next to them,
//! and not in the window.
//!
//! A catalog can hold 100k objects, so candidates are paged and searched by SQLite like the
//! list screens ([`crate::query`]): a picker never receives, or is limited to, a first batch.
//! When a slot cannot offer anything until something else is set (a bolt-on without a service
//! type, a SELL link whose service plan has no BUY counterpart), the page says why in
//! `unavailable`, naming the object, the field and the fix.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{IncludedValueType, KB_PER_GB, Side, Status};
use crate::query::{FindingCounts, like};
use crate::store::Catalog;

use EntityKind::{
    Allowance as AL, BoltOn as BO, BoltOnAddOn as AO, BoltOnGroup as BG, BoltOnLink as BL, PackagePlan as PP,
    ServicePlan as SP,
};

/// The link being picked.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkSlot {
    /// Package plan → a service plan of its side to contain.
    ServicePlan,
    /// Service plan → a package plan of its side to join.
    PackagePlan,
    /// Service plan → a bolt-on of its side and service type to link.
    BoltOn,
    /// Bolt-on group → a bolt-on of its side to hold.
    GroupMember,
    /// Bolt-on → a bolt-on group of its side to join.
    Group,
    /// Bolt-on → an add-on of its side, service type and included value type for its add-on
    /// group (ADD-02).
    AddOn,
    /// Bolt-on link → an add-on from the add-on group of the link's bolt-on, for a new
    /// allowance (ALW-01).
    AllowanceAddOn,
    /// SELL bolt-on link + SELL add-on → the BUY allowance on the BUY counterparts of its service
    /// plan, bolt-on and add-on (ALW-03).
    BuyParent,
    /// Service plan → a service plan of its side with `own` data billing to pool from (DAT-03).
    Pool,
    /// SELL plan → a BUY plan of the same kind (STR-01).
    BuyCounterpart,
}

/// What a link editor asks for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateQuery {
    /// The object being edited (for `buy_parent` and `allowance_add_on`: the bolt-on link).
    pub of: Id,
    pub slot: LinkSlot,
    /// `buy_parent` only: the SELL add-on the allowance names.
    pub add_on: Option<Id>,
    /// Words that must appear in the name or id (case-insensitive).
    pub search: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

/// One object a picker may offer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub id: Id,
    pub side: Option<Side>,
    pub status: Option<Status>,
    pub name: String,
    /// What tells candidates apart in the picker ("2 GB", "customer Harbour Freight", "max 3").
    pub note: Option<String>,
    pub errors: u32,
    pub warnings: u32,
}

/// One page of candidates.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidatePage {
    pub total: u64,
    pub offset: u64,
    pub rows: Vec<Candidate>,
    /// Why this slot can offer nothing yet, and what to set first.
    pub unavailable: Option<String>,
}

/// How the rows of one slot are read.
struct Source {
    kind: EntityKind,
    from: &'static str,
    name: &'static str,
    side: &'static str,
    status: &'static str,
    /// Up to three extra columns the note is made from.
    extra: [&'static str; 3],
    wheres: Vec<String>,
    params: Vec<Value>,
    /// Lower sorts first (the most likely choice); then by id. Empty: by id only.
    rank: String,
    note: fn(&[Value; 3]) -> Option<String>,
}

impl Source {
    fn plan(kind: EntityKind, from: &'static str) -> Source {
        Source {
            kind,
            from,
            name: "t.internal_name",
            side: "t.side",
            status: "t.status",
            extra: ["NULL", "NULL", "NULL"],
            wheres: vec!["t.status != 'retired'".into()],
            params: vec![],
            rank: String::new(),
            note: |_| None,
        }
    }
    /// Adds a parameter and returns its placeholder.
    fn param(&mut self, v: impl Into<Value>) -> String {
        self.params.push(v.into());
        format!("?{}", self.params.len())
    }
    fn filter(&mut self, clause: String) {
        self.wheres.push(clause);
    }
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(n) => Some(*n),
        _ => None,
    }
}

/// "2 GB", "50 units", "600 s", "1000 ¢": an amount in its included value type's base unit.
pub fn amount_text(value_type: IncludedValueType, amount: i64) -> String {
    match value_type {
        IncludedValueType::Kilobytes if amount % KB_PER_GB == 0 => format!("{} GB", amount / KB_PER_GB),
        IncludedValueType::Kilobytes if amount % 1024 == 0 => format!("{} MB", amount / 1024),
        IncludedValueType::Kilobytes => format!("{amount} KB"),
        IncludedValueType::Units => format!("{amount} units"),
        IncludedValueType::Seconds => format!("{amount} s"),
        IncludedValueType::Dollar => format!("{amount} cents"),
    }
}

fn value_note(v: &[Value; 3]) -> Option<String> {
    let t = IncludedValueType::parse(text(&v[0])?).ok()?;
    Some(amount_text(t, int(&v[1])?))
}

/// The side and a text column of a plan (or None when it does not exist).
fn plan_row(conn: &Connection, id: Id, column: &str) -> Result<Option<(Side, Option<String>)>> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached(&format!("SELECT side, {column} FROM \"{}\" WHERE id = ?1", id.kind.table()))?
        .query_row([id.n], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(s, c)| Ok((Side::parse(&s)?, c))).transpose()
}

fn missing(id: Id) -> CoreError {
    CoreError::not_found(format!("there is no {} {id} in this catalog", id.kind.label())).with_field("of")
}

fn counterpart(conn: &Connection, id: Id) -> Result<Option<Id>> {
    let n: Option<Option<i64>> = conn
        .prepare_cached(&format!("SELECT buy_counterpart FROM \"{}\" WHERE id = ?1", id.kind.table()))?
        .query_row([id.n], |r| r.get(0))
        .optional()?;
    Ok(n.flatten().map(|n| Id::new(id.kind, n)))
}

/// A bolt-on link's service plan, bolt-on and side.
fn link_ends(conn: &Connection, link: Id) -> Result<(Id, Id, Side)> {
    let row: Option<(i64, i64, String)> = conn
        .prepare_cached(
            "SELECT l.service_plan, l.bolt_on, s.side FROM bolt_on_link l JOIN service_plan s ON s.id = l.service_plan WHERE l.id = ?1",
        )?
        .query_row([link.n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (sp, bo, side) = row.ok_or_else(|| missing(link))?;
    Ok((Id::new(SP, sp), Id::new(BO, bo), Side::parse(&side)?))
}

/// The rows a slot draws from, or why it can offer nothing yet.
fn source(conn: &Connection, q: &CandidateQuery) -> Result<std::result::Result<Source, String>> {
    let of = q.of;
    let need = |kind: EntityKind| of.expect(kind, "of");
    Ok(Ok(match q.slot {
        LinkSlot::ServicePlan => {
            need(PP)?;
            let (side, _) = plan_row(conn, of, "NULL")?.ok_or_else(|| missing(of))?;
            let mut s = Source::plan(SP, "service_plan t");
            let p = s.param(side.as_str().to_string());
            s.filter(format!("t.side = {p}"));
            let me = s.param(of.n);
            s.filter(format!(
                "t.id NOT IN (SELECT service_plan FROM package_plan_service_plan WHERE package_plan = {me})"
            ));
            s.extra = ["t.service_type", "NULL", "NULL"];
            s.note = |v| text(&v[0]).map(|t| format!("service type {t}"));
            // A SELL package's likeliest service plans mirror its BUY counterpart's (STR-04).
            if let Some(buy) = counterpart(conn, of)? {
                let b = s.param(buy.n);
                s.rank = format!(
                    "CASE WHEN t.buy_counterpart IN (SELECT service_plan FROM package_plan_service_plan WHERE package_plan = {b}) THEN 0 ELSE 1 END"
                );
            }
            s
        }
        LinkSlot::PackagePlan => {
            need(SP)?;
            let (side, _) = plan_row(conn, of, "NULL")?.ok_or_else(|| missing(of))?;
            let mut s = Source::plan(PP, "package_plan t");
            let p = s.param(side.as_str().to_string());
            s.filter(format!("t.side = {p}"));
            let me = s.param(of.n);
            s.filter(format!(
                "t.id NOT IN (SELECT package_plan FROM package_plan_service_plan WHERE service_plan = {me})"
            ));
            s.extra =
                ["(SELECT COUNT(*) FROM package_plan_service_plan m WHERE m.package_plan = t.id)", "NULL", "NULL"];
            s.note = |v| {
                int(&v[0]).map(|n| match n {
                    0 => "empty".to_string(),
                    1 => "1 service plan".to_string(),
                    n => format!("{n} service plans"),
                })
            };
            // A SELL service plan's likeliest package resells the one holding its BUY counterpart.
            if let Some(buy) = counterpart(conn, of)? {
                let b = s.param(buy.n);
                s.rank = format!(
                    "CASE WHEN t.buy_counterpart IN (SELECT package_plan FROM package_plan_service_plan WHERE service_plan = {b}) THEN 0 ELSE 1 END"
                );
            }
            s
        }
        LinkSlot::BoltOn => {
            need(SP)?;
            let (side, st) = plan_row(conn, of, "service_type")?.ok_or_else(|| missing(of))?;
            let Some(st) = st else {
                return Ok(Err(format!(
                    "{of} has no service type yet: set its service_type, and the {side} bolt-ons of that service type are offered (a bolt-on has the service type of the service plans it is linked to)"
                )));
            };
            let mut s = Source::plan(BO, "bolt_on t");
            let p = s.param(side.as_str().to_string());
            s.filter(format!("t.side = {p}"));
            let p = s.param(st);
            s.filter(format!("t.service_type = {p}"));
            let me = s.param(of.n);
            s.filter(format!("t.id NOT IN (SELECT bolt_on FROM bolt_on_link WHERE service_plan = {me})"));
            s.extra = [
                "t.iv_type",
                "t.iv_amount",
                "CASE WHEN t.side = 'SELL' AND NOT EXISTS (SELECT 1 FROM bolt_on_group_member m WHERE m.bolt_on = t.id) THEN 1 ELSE 0 END",
            ];
            s.note = |v| {
                let mut parts: Vec<String> = value_note(v).into_iter().collect();
                if int(&v[2]) == Some(1) {
                    parts.push("in no bolt-on group yet (BOL-01)".into());
                }
                (!parts.is_empty()).then(|| parts.join(" · "))
            };
            // A SELL service plan's likeliest bolt-ons resell those linked to its BUY counterpart.
            if let Some(buy) = counterpart(conn, of)? {
                let b = s.param(buy.n);
                s.rank = format!(
                    "CASE WHEN t.buy_counterpart IN (SELECT bolt_on FROM bolt_on_link WHERE service_plan = {b}) THEN 0 ELSE 1 END"
                );
            }
            s
        }
        LinkSlot::GroupMember => {
            need(BG)?;
            let side: String = conn
                .prepare_cached("SELECT side FROM bolt_on_group WHERE id = ?1")?
                .query_row([of.n], |r| r.get(0))
                .optional()?
                .ok_or_else(|| missing(of))?;
            let mut s = Source::plan(BO, "bolt_on t");
            let p = s.param(side);
            s.filter(format!("t.side = {p}"));
            let me = s.param(of.n);
            s.filter(format!("t.id NOT IN (SELECT bolt_on FROM bolt_on_group_member WHERE bolt_on_group = {me})"));
            s.extra = ["t.iv_type", "t.iv_amount", "t.service_type"];
            s.note = |v| {
                let parts: Vec<String> =
                    text(&v[2]).map(|t| format!("service type {t}")).into_iter().chain(value_note(v)).collect();
                (!parts.is_empty()).then(|| parts.join(" · "))
            };
            s
        }
        LinkSlot::Group => {
            need(BO)?;
            let (side, _) = plan_row(conn, of, "service_type")?.ok_or_else(|| missing(of))?;
            let mut s = Source {
                kind: BG,
                from: "bolt_on_group t",
                name: "t.name",
                side: "t.side",
                status: "NULL",
                extra: ["(SELECT COUNT(*) FROM bolt_on_group_member m WHERE m.bolt_on_group = t.id)", "NULL", "NULL"],
                wheres: vec![],
                params: vec![],
                rank: String::new(),
                note: |v| int(&v[0]).map(|n| if n == 1 { "1 bolt-on".to_string() } else { format!("{n} bolt-ons") }),
            };
            let p = s.param(side.as_str().to_string());
            s.filter(format!("t.side = {p}"));
            let me = s.param(of.n);
            s.filter(format!("t.id NOT IN (SELECT bolt_on_group FROM bolt_on_group_member WHERE bolt_on = {me})"));
            s
        }
        LinkSlot::AddOn => {
            need(BO)?;
            let row: Option<(String, Option<String>, Option<String>)> = conn
                .prepare_cached("SELECT side, service_type, iv_type FROM bolt_on WHERE id = ?1")?
                .query_row([of.n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let (side, st, iv) = row.ok_or_else(|| missing(of))?;
            let (Some(st), Some(iv)) = (st, iv) else {
                return Ok(Err(format!(
                    "{of} has no service type or included value yet: set both (service_type, included_value), and the {side} add-ons with the same service type and included value type are offered, as Emersion's add-on group tab does (ADD-02)"
                )));
            };
            let mut s = Source::plan(AO, "bolt_on_add_on t");
            let p = s.param(side);
            s.filter(format!("t.side = {p}"));
            let p = s.param(st);
            s.filter(format!("t.service_type = {p}"));
            let p = s.param(iv);
            s.filter(format!("t.iv_type = {p}"));
            let me = s.param(of.n);
            s.filter(format!("t.id NOT IN (SELECT add_on FROM add_on_group_member WHERE bolt_on = {me})"));
            s.extra = [
                "t.iv_type",
                "(SELECT q.amount FROM add_on_quota q WHERE q.add_on = t.id AND q.value_type = t.iv_type ORDER BY q.slot LIMIT 1)",
                "NULL",
            ];
            s.note = value_note;
            // A SELL bolt-on's likeliest add-ons resell those in its BUY counterpart's group.
            if let Some(buy) = counterpart(conn, of)? {
                let b = s.param(buy.n);
                s.rank = format!(
                    "CASE WHEN t.buy_counterpart IN (SELECT add_on FROM add_on_group_member WHERE bolt_on = {b}) THEN 0 ELSE 1 END"
                );
            }
            s
        }
        LinkSlot::AllowanceAddOn => {
            need(BL)?;
            let (_, bo, side) = link_ends(conn, of)?;
            let in_group: i64 = conn
                .prepare_cached("SELECT COUNT(*) FROM add_on_group_member WHERE bolt_on = ?1")?
                .query_row([bo.n], |r| r.get(0))?;
            if in_group == 0 {
                return Ok(Err(format!(
                    "the add-on group of {bo} is empty: put its {side} add-ons in it first (add_on_group); an allowance names an add-on from that group (ALW-01)"
                )));
            }
            let mut s = Source::plan(AO, "bolt_on_add_on t JOIN add_on_group_member g ON g.add_on = t.id");
            let b = s.param(bo.n);
            s.filter(format!("g.bolt_on = {b}"));
            let p = s.param(side.as_str().to_string());
            s.filter(format!("t.side = {p}"));
            let me = s.param(of.n);
            s.filter(format!("t.id NOT IN (SELECT add_on FROM allowance WHERE bolt_on_link = {me})"));
            s.extra = [
                "t.iv_type",
                "(SELECT q.amount FROM add_on_quota q WHERE q.add_on = t.id AND q.value_type = t.iv_type ORDER BY q.slot LIMIT 1)",
                "NULL",
            ];
            s.note = value_note;
            s.rank = "g.position".into();
            s
        }
        LinkSlot::BuyParent => {
            need(BL)?;
            let add_on = q.add_on.ok_or_else(|| {
                CoreError::invalid("add_on", "add_on: name the SELL add-on of the allowance whose BUY parent is picked")
            })?;
            add_on.expect(AO, "add_on")?;
            let (sp, bo, side) = link_ends(conn, of)?;
            if side != Side::Sell {
                return Ok(Err(format!(
                    "{of} is a BUY link: only a SELL allowance hangs off a BUY allowance (buy_parent stays empty)"
                )));
            }
            if plan_row(conn, add_on, "service_type")?.is_none() {
                return Err(CoreError::not_found(format!("there is no bolt-on add-on {add_on} in this catalog"))
                    .with_field("add_on"));
            }
            let mut want = Vec::new();
            for id in [sp, bo, add_on] {
                match counterpart(conn, id)? {
                    Some(c) => want.push(c),
                    None => {
                        return Ok(Err(format!(
                            "{} {id} has no BUY counterpart yet: set its buy_counterpart, and the BUY allowance on the BUY counterparts is offered (ALW-03)",
                            id.kind.label()
                        )));
                    }
                }
            }
            let mut s = Source {
                kind: AL,
                from: "allowance t JOIN bolt_on_link l ON l.id = t.bolt_on_link JOIN service_plan s ON s.id = l.service_plan \
                       JOIN bolt_on b ON b.id = l.bolt_on JOIN bolt_on_add_on a ON a.id = t.add_on",
                name: "s.internal_name || ' › ' || b.internal_name || ' › ' || a.internal_name",
                side: "s.side",
                status: "NULL",
                extra: ["t.max_occurrence", "NULL", "NULL"],
                wheres: vec!["s.side = 'BUY'".into()],
                params: vec![],
                rank: String::new(),
                note: |v| int(&v[0]).map(|n| format!("max {n}")),
            };
            let (a, b, c) = (s.param(want[0].n), s.param(want[1].n), s.param(want[2].n));
            s.filter(format!("l.service_plan = {a} AND l.bolt_on = {b} AND t.add_on = {c}"));
            let exists: bool = {
                let sql = format!("SELECT EXISTS (SELECT 1 FROM {} WHERE {})", s.from, s.wheres.join(" AND "));
                conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(s.params.iter()), |r| r.get(0))?
            };
            if !exists {
                return Ok(Err(format!(
                    "there is no BUY allowance for {} under the link of {} to {} yet: build it first (step 11), then pick it here (ALW-03)",
                    want[2], want[1], want[0]
                )));
            }
            s
        }
        LinkSlot::Pool => {
            need(SP)?;
            let (side, _) = plan_row(conn, of, "service_type")?.ok_or_else(|| missing(of))?;
            let mut s = Source::plan(SP, "service_plan t");
            let p = s.param(side.as_str().to_string());
            s.filter(format!("t.side = {p}"));
            s.filter("t.data_billing = 'own'".into());
            let me = s.param(of.n);
            s.filter(format!("t.id != {me}"));
            s.extra = [
                "t.quota_kb",
                "(SELECT group_concat(c.name, ', ') FROM customer c JOIN package_plan_service_plan m ON m.package_plan = c.data_package WHERE m.service_plan = t.id)",
                "NULL",
            ];
            s.note = |v| {
                let mut parts: Vec<String> = vec![];
                if let Some(q) = int(&v[0]) {
                    parts.push(format!("{} pool", amount_text(IncludedValueType::Kilobytes, q)));
                }
                if let Some(c) = text(&v[1]) {
                    parts.push(format!("customer {c}"));
                }
                (!parts.is_empty()).then(|| parts.join(" · "))
            };
            // Pools per customer: first the data plans of the customers whose sites order a tail
            // package holding this plan.
            s.rank = format!(
                "CASE WHEN t.id IN (SELECT m2.service_plan FROM site si \
                   JOIN package_plan_service_plan m1 ON m1.package_plan = si.tail_package \
                   JOIN customer c ON c.id = si.customer \
                   JOIN package_plan_service_plan m2 ON m2.package_plan = c.data_package \
                   WHERE m1.service_plan = {me}) THEN 0 ELSE 1 END"
            );
            s
        }
        LinkSlot::BuyCounterpart => {
            if !of.kind.is_plan() {
                return Err(CoreError::invalid(
                    "of",
                    format!(
                        "{of} is not a plan; only package plans, service plans, bolt-ons and add-ons have a BUY counterpart"
                    ),
                ));
            }
            let (side, st) =
                plan_row(conn, of, if of.kind == PP { "NULL" } else { "service_type" })?.ok_or_else(|| missing(of))?;
            if side == Side::Buy {
                return Ok(Err(format!("{of} is a BUY object: only a SELL object has a BUY counterpart")));
            }
            let from = match of.kind {
                PP => "package_plan t",
                SP => "service_plan t",
                BO => "bolt_on t",
                _ => "bolt_on_add_on t",
            };
            let mut s = Source::plan(of.kind, from);
            s.filter("t.side = 'BUY'".into());
            if of.kind != PP {
                s.extra = ["t.service_type", "NULL", "NULL"];
                s.note = |v| text(&v[0]).map(|t| format!("service type {t}"));
                if let Some(st) = st {
                    let p = s.param(st);
                    s.rank = format!("CASE WHEN t.service_type = {p} THEN 0 ELSE 1 END");
                }
            }
            s
        }
    }))
}

/// One page of the candidates of `q`. `counts` are the latest check's finding counts.
pub fn candidates(conn: &Connection, q: &CandidateQuery, counts: &FindingCounts) -> Result<CandidatePage> {
    if q.limit == 0 || q.limit > 1000 {
        return Err(CoreError::invalid("limit", "limit: ask for 1 to 1000 candidates per page"));
    }
    let mut s = match source(conn, q)? {
        Ok(s) => s,
        Err(why) => return Ok(CandidatePage { total: 0, offset: q.offset, rows: vec![], unavailable: Some(why) }),
    };
    let prefix = s.kind.prefix();
    for word in q.search.as_deref().unwrap_or("").split_whitespace() {
        let p = s.param(like(word));
        let name = s.name;
        s.filter(format!("({name} LIKE {p} ESCAPE '\\' OR '{prefix}-' || t.id LIKE {p} ESCAPE '\\')"));
    }
    let filter = if s.wheres.is_empty() { String::new() } else { format!(" WHERE {}", s.wheres.join(" AND ")) };
    // The rank is in the count too, so the count binds the same parameters as the page.
    let rank = if s.rank.is_empty() { "0" } else { s.rank.as_str() };
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM (SELECT {rank} FROM {}{filter})", s.from))?
        .query_row(rusqlite::params_from_iter(s.params.iter()), |r| r.get(0))?;
    let limit = s.param(q.limit as i64);
    let offset = s.param(q.offset as i64);
    let sql = format!(
        "SELECT t.id, {side}, {status}, {name}, {e0}, {e1}, {e2} FROM {from}{filter} ORDER BY {rank}t.id LIMIT {limit} OFFSET {offset}",
        side = s.side,
        status = s.status,
        name = s.name,
        e0 = s.extra[0],
        e1 = s.extra[1],
        e2 = s.extra[2],
        from = s.from,
        rank = if s.rank.is_empty() { String::new() } else { format!("{}, ", s.rank) },
    );
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = st.query(rusqlite::params_from_iter(s.params.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id = Id::new(s.kind, r.get(0)?);
        let (errors, warnings) = counts.of(id);
        let extra: [Value; 3] = [r.get(4)?, r.get(5)?, r.get(6)?];
        out.push(Candidate {
            id,
            side: r.get::<_, Option<String>>(1)?.map(|s| Side::parse(&s)).transpose()?,
            status: r.get::<_, Option<String>>(2)?.map(|s| Status::parse(&s)).transpose()?,
            name: r.get(3)?,
            note: (s.note)(&extra),
            errors,
            warnings,
        });
    }
    Ok(CandidatePage { total: total as u64, offset: q.offset, rows: out, unavailable: None })
}

/// How a bolt-on link or an allowance is named where a person reads it:
/// "Mobile 10 GB › Extra 2 GB" or "Mobile 10 GB › Extra 2 GB › Top-up 1 GB ×3", with its side.
pub fn link_label(conn: &Connection, id: Id) -> Result<Option<(String, Side)>> {
    let row: Option<(String, String)> = match id.kind {
        BL => conn
            .prepare_cached(
                "SELECT s.internal_name || ' › ' || b.internal_name, s.side FROM bolt_on_link t \
                 JOIN service_plan s ON s.id = t.service_plan JOIN bolt_on b ON b.id = t.bolt_on WHERE t.id = ?1",
            )?
            .query_row(params![id.n], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
        AL => conn
            .prepare_cached(
                "SELECT s.internal_name || ' › ' || b.internal_name || ' › ' || a.internal_name || ' ×' || t.max_occurrence, s.side \
                 FROM allowance t JOIN bolt_on_link l ON l.id = t.bolt_on_link JOIN service_plan s ON s.id = l.service_plan \
                 JOIN bolt_on b ON b.id = l.bolt_on JOIN bolt_on_add_on a ON a.id = t.add_on WHERE t.id = ?1",
            )?
            .query_row(params![id.n], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
        _ => None,
    };
    row.map(|(name, side)| Ok((name, Side::parse(&side)?))).transpose()
}

impl Catalog {
    /// One page of link candidates (see [`candidates`]).
    pub fn candidates(&self, q: &CandidateQuery, counts: &FindingCounts) -> Result<CandidatePage> {
        candidates(self.conn(), q, counts)
    }
}
