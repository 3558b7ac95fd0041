//! Paged, filtered lists of one kind of object for the list screens. A catalog can hold 100k
//! objects, so the window never receives a whole list: it asks for one page (offset, limit) of
//! the rows matching the filters, and SQLite does the filtering, ordering and counting through
//! the same indexes the rules use. Error and warning counts come from the caller's latest
//! check, so a page costs a query, not a check.

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{Side, Status};
pub use crate::rules::FindingCounts;
use crate::store::Catalog;

/// What a list screen asks for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub kind: EntityKind,
    pub side: Option<Side>,
    pub status: Option<Status>,
    /// Service type code (service plans, bolt-ons, add-ons).
    pub service_type: Option<String>,
    /// Words that must appear in the name, external name or id (case-insensitive).
    pub search: Option<String>,
    /// Only objects with (true) or without (false) error findings.
    pub has_errors: Option<bool>,
    pub offset: u64,
    pub limit: u64,
}

/// One row of a list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListRow {
    pub id: Id,
    pub side: Option<Side>,
    pub status: Option<Status>,
    pub name: String,
    pub external_name: Option<String>,
    pub service_type: Option<String>,
    pub errors: u32,
    pub warnings: u32,
}

/// One page of a list and how many rows match in all.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListPage {
    pub total: u64,
    pub offset: u64,
    pub rows: Vec<ListRow>,
}

/// How one kind's rows are read: its table and the SQL for each listed column.
struct Source {
    from: &'static str,
    name: &'static str,
    external: &'static str,
    side: &'static str,
    status: &'static str,
    service_type: &'static str,
}

fn source(kind: EntityKind) -> Source {
    let plan = |from| Source {
        from,
        name: "t.internal_name",
        external: "t.external_name",
        side: "t.side",
        status: "t.status",
        service_type: if from == "package_plan t" { "NULL" } else { "t.service_type" },
    };
    let plain = |from, name, side| Source { from, name, external: "NULL", side, status: "NULL", service_type: "NULL" };
    match kind {
        EntityKind::PackagePlan => plan("package_plan t"),
        EntityKind::ServicePlan => plan("service_plan t"),
        EntityKind::BoltOn => plan("bolt_on t"),
        EntityKind::BoltOnAddOn => plan("bolt_on_add_on t"),
        EntityKind::BoltOnGroup => plain("bolt_on_group t", "t.name", "t.side"),
        EntityKind::BoltOnLink => plain(
            "bolt_on_link t JOIN service_plan s ON s.id = t.service_plan JOIN bolt_on b ON b.id = t.bolt_on",
            "s.internal_name || ' → ' || b.internal_name",
            "s.side",
        ),
        EntityKind::Allowance => plain(
            "allowance t JOIN bolt_on_add_on a ON a.id = t.add_on JOIN bolt_on_link l ON l.id = t.bolt_on_link JOIN service_plan s ON s.id = l.service_plan",
            "s.internal_name || ' › ' || a.internal_name || ' ×' || t.max_occurrence",
            "a.side",
        ),
        EntityKind::Customer => plain("customer t", "t.name", "NULL"),
        EntityKind::Site => plain("site t", "t.name || ' (' || t.technology || ' ' || t.speed || ')'", "NULL"),
        EntityKind::Structure => plain("structure t", "t.name", "NULL"),
    }
}

/// `%word%` for LIKE, with the wildcards of the user's text escaped.
pub(crate) fn like(word: &str) -> String {
    let mut s = String::from("%");
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// Reads one page of `q`. `counts` are the latest check's finding counts.
pub fn list(conn: &rusqlite::Connection, q: &ListQuery, counts: &FindingCounts) -> Result<ListPage> {
    if q.limit == 0 || q.limit > 1000 {
        return Err(CoreError::invalid("limit", "limit: ask for 1 to 1000 rows per page"));
    }
    let src = source(q.kind);
    let prefix = q.kind.prefix();
    let mut wheres: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let param = |v: Value, params: &mut Vec<Value>| {
        params.push(v);
        format!("?{}", params.len())
    };
    if let Some(side) = q.side {
        let p = param(Value::Text(side.as_str().into()), &mut params);
        wheres.push(format!("{} = {p}", src.side));
    }
    if let Some(status) = q.status {
        let p = param(Value::Text(status.as_str().into()), &mut params);
        wheres.push(format!("{} = {p}", src.status));
    }
    if let Some(st) = q.service_type.as_deref().filter(|s| !s.is_empty()) {
        let p = param(Value::Text(st.into()), &mut params);
        wheres.push(format!("{} = {p}", src.service_type));
    }
    for word in q.search.as_deref().unwrap_or("").split_whitespace() {
        let p = param(Value::Text(like(word)), &mut params);
        wheres.push(format!(
            "({name} LIKE {p} ESCAPE '\\' OR COALESCE({ext}, '') LIKE {p} ESCAPE '\\' OR '{prefix}-' || t.id LIKE {p} ESCAPE '\\')",
            name = src.name,
            ext = src.external
        ));
    }
    if let Some(has) = q.has_errors {
        let ids = serde_json::to_string(&counts.with_errors(q.kind)).expect("ids serialise");
        let p = param(Value::Text(ids), &mut params);
        let not = if has { "" } else { "NOT " };
        wheres.push(format!("t.id {not}IN (SELECT value FROM json_each({p}))"));
    }
    let filter = if wheres.is_empty() { String::new() } else { format!(" WHERE {}", wheres.join(" AND ")) };
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM {}{filter}", src.from))?
        .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
    let limit = param(Value::Integer(q.limit as i64), &mut params);
    let offset = param(Value::Integer(q.offset as i64), &mut params);
    let sql = format!(
        "SELECT t.id, {side}, {status}, {name}, {ext}, {st} FROM {from}{filter} ORDER BY t.id LIMIT {limit} OFFSET {offset}",
        side = src.side,
        status = src.status,
        name = src.name,
        ext = src.external,
        st = src.service_type,
        from = src.from,
    );
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id = Id::new(q.kind, r.get(0)?);
        let (errors, warnings) = counts.of(id);
        out.push(ListRow {
            id,
            side: r.get::<_, Option<String>>(1)?.map(|s| Side::parse(&s)).transpose()?,
            status: r.get::<_, Option<String>>(2)?.map(|s| Status::parse(&s)).transpose()?,
            name: r.get(3)?,
            external_name: r.get(4)?,
            service_type: r.get(5)?,
            errors,
            warnings,
        });
    }
    Ok(ListPage { total: total as u64, offset: q.offset, rows: out })
}

impl Catalog {
    /// One page of a list (see [`list`]).
    pub fn list(&self, q: &ListQuery, counts: &FindingCounts) -> Result<ListPage> {
        list(self.conn(), q, counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Finding;

    fn demo() -> (tempfile::TempDir, Catalog) {
        crate::demo::in_temp_dir()
    }

    fn q(kind: EntityKind) -> ListQuery {
        ListQuery {
            kind,
            side: None,
            status: None,
            service_type: None,
            search: None,
            has_errors: None,
            offset: 0,
            limit: 50,
        }
    }

    #[test]
    fn every_kind_lists_with_side_filter_and_paging() {
        let (_d, cat) = demo();
        let counts = FindingCounts::default();
        for kind in EntityKind::ALL {
            let all = cat.list(&q(kind), &counts).unwrap();
            assert_eq!(all.total as usize, all.rows.len(), "{kind}");
            assert!(all.total > 0, "the demo has every kind: {kind}");
            assert!(all.rows.windows(2).all(|w| w[0].id < w[1].id));
            if kind.is_plan() || matches!(kind, EntityKind::BoltOnLink | EntityKind::Allowance) {
                let sell = cat.list(&ListQuery { side: Some(Side::Sell), ..q(kind) }, &counts).unwrap();
                assert!(sell.rows.iter().all(|r| r.side == Some(Side::Sell)), "{kind}");
                assert!(sell.total < all.total, "{kind}");
            }
        }
        let page = cat.list(&ListQuery { offset: 2, limit: 2, ..q(EntityKind::BoltOnAddOn) }, &counts).unwrap();
        assert_eq!(page.total, 6);
        assert_eq!(page.rows.iter().map(|r| r.id.n).collect::<Vec<_>>(), vec![3, 4]);
    }

    #[test]
    fn search_matches_words_in_names_and_ids_and_escapes_wildcards() {
        let (_d, cat) = demo();
        let counts = FindingCounts::default();
        let hit =
            |s: &str| cat.list(&ListQuery { search: Some(s.into()), ..q(EntityKind::BoltOnAddOn) }, &counts).unwrap();
        // Every word must match somewhere: "2" in the name (AO-3, AO-4) or the id (AO-2).
        assert_eq!(hit("2 gb").rows.iter().map(|r| r.id.n).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(hit("TOP-UP 5 buy").rows.iter().map(|r| r.id.n).collect::<Vec<_>>(), vec![5]);
        assert_eq!(hit("AO-3").rows.iter().map(|r| r.id.n).collect::<Vec<_>>(), vec![3]);
        assert_eq!(hit("%").total, 0, "a % typed by the user is a literal");
        assert_eq!(hit("zzzz-nothing").total, 0);
    }

    #[test]
    fn has_errors_uses_the_counts_given() {
        let (_d, cat) = demo();
        let fake = Finding::new(
            "NAM-02",
            Id::new(EntityKind::ServicePlan, 2),
            "x",
            Some("external_name"),
            "is empty".into(),
            "e".into(),
            "f".into(),
        );
        let counts = FindingCounts::new(&[fake]);
        let with = cat.list(&ListQuery { has_errors: Some(true), ..q(EntityKind::ServicePlan) }, &counts).unwrap();
        assert_eq!(with.rows.iter().map(|r| (r.id.n, r.errors)).collect::<Vec<_>>(), vec![(2, 1)]);
        let without = cat.list(&ListQuery { has_errors: Some(false), ..q(EntityKind::ServicePlan) }, &counts).unwrap();
        assert_eq!(without.total, 5);
        let e = cat.list(&ListQuery { limit: 0, ..q(EntityKind::ServicePlan) }, &counts).unwrap_err();
        assert_eq!(e.field(), Some("limit"));
    }
}
