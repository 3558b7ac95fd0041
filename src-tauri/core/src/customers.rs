//! Customers with their sites and their data pool, as the shared-data article needs them
//! (domain.md §3) and the customers screen shows them: a paged, searchable list of customers
//! (each with its number of sites and its pool's quota and excess rate) and one customer in
//! full (its sites with technology, speed, service identifier and tail package, its pool, the
//! shared-data structures built for it).
//!
//! A data pool is not an object of its own: it is the `own` data billing of the service plan
//! inside the package the customer orders once (`customer.data_package`). Reading it here, in
//! SQL, keeps the screen fast without loading the whole catalog. This module only reads;
//! creating a pool is the data pool recipe (`edit::recipe::data_pool`).

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::detail::ObjectName;
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{Customer, Side, Site, Status};
use crate::query::like;
use crate::snapshot::{Scope, read_customers};
use crate::store::Catalog;
use crate::value::Money;

/// What the customers screen asks for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    /// Words that must all appear in the customer's name or id (case-insensitive).
    pub search: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

/// A customer's data pool: the package it orders once and the data-allowance service plan in
/// it whose `own` data billing is the pool.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataPool {
    /// The data package the customer orders (`customer.data_package`).
    pub package: Id,
    pub package_name: String,
    /// The service plan with `own` data billing in that package; none while the package holds
    /// no such plan.
    pub service_plan: Option<Id>,
    pub service_plan_name: Option<String>,
    pub side: Option<Side>,
    pub status: Option<Status>,
    /// The pool, in KB.
    pub quota_kb: Option<i64>,
    /// Per GB above the pool.
    pub excess_rate: Option<Money>,
}

/// One row of the customers list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRow {
    pub id: Id,
    pub name: String,
    pub sites: u64,
    pub pool: Option<DataPool>,
}

/// One page of customers and how many match in all.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerPage {
    pub total: u64,
    pub offset: u64,
    pub rows: Vec<CustomerRow>,
}

/// One site of a customer, with what its tail package is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteRow {
    pub site: Site,
    /// The internal name of the tail package the site orders.
    pub tail_package_name: Option<String>,
    /// Whether a service plan of that tail package draws (`pooled`) from the customer's pool.
    pub draws_from_pool: bool,
}

/// Everything the customers screen shows about one customer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerDetail {
    pub customer: Customer,
    pub pool: Option<DataPool>,
    /// In creation order.
    pub sites: Vec<SiteRow>,
    /// The structures built for this customer.
    pub structures: Vec<ObjectName>,
}

fn pool_of(conn: &Connection, package: Option<i64>) -> Result<Option<DataPool>> {
    let Some(package) = package else { return Ok(None) };
    let row = conn
        .prepare_cached(
            "SELECT pp.internal_name, sp.id, sp.internal_name, sp.side, sp.status, sp.quota_kb, sp.excess_rate
             FROM package_plan pp
             LEFT JOIN package_plan_service_plan m ON m.package_plan = pp.id
                 AND m.service_plan IN (SELECT id FROM service_plan WHERE data_billing = 'own')
             LEFT JOIN service_plan sp ON sp.id = m.service_plan
             WHERE pp.id = ?1
             ORDER BY m.position LIMIT 1",
        )?
        .query_row([package], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })
        .optional()?;
    let Some((package_name, sp, sp_name, side, status, quota_kb, excess)) = row else { return Ok(None) };
    Ok(Some(DataPool {
        package: Id::new(EntityKind::PackagePlan, package),
        package_name,
        service_plan: sp.map(|n| Id::new(EntityKind::ServicePlan, n)),
        service_plan_name: sp_name,
        side: side.as_deref().map(Side::parse).transpose()?,
        status: status.as_deref().map(Status::parse).transpose()?,
        quota_kb,
        excess_rate: excess.map(Money),
    }))
}

/// One page of customers, ordered by name.
pub fn customers(conn: &Connection, q: &CustomerQuery) -> Result<CustomerPage> {
    if q.limit == 0 || q.limit > 1000 {
        return Err(CoreError::invalid("limit", "limit: ask for 1 to 1000 customers per page"));
    }
    let mut wheres: Vec<String> = Vec::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    for word in q.search.as_deref().unwrap_or("").split_whitespace() {
        args.push(like(word).into());
        let p = args.len();
        wheres.push(format!("(c.name LIKE ?{p} ESCAPE '\\' OR 'CU-' || c.id LIKE ?{p} ESCAPE '\\')"));
    }
    let filter = if wheres.is_empty() { String::new() } else { format!(" WHERE {}", wheres.join(" AND ")) };
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM customer c{filter}"))?
        .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    args.push((q.limit as i64).into());
    args.push((q.offset as i64).into());
    let sql = format!(
        "SELECT c.id, c.name, c.data_package, (SELECT COUNT(*) FROM site s WHERE s.customer = c.id)
         FROM customer c{filter} ORDER BY c.name COLLATE NOCASE, c.id LIMIT ?{} OFFSET ?{}",
        args.len() - 1,
        args.len()
    );
    let found: Vec<(i64, String, Option<i64>, i64)> = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let rows = found
        .into_iter()
        .map(|(id, name, package, sites)| {
            Ok(CustomerRow {
                id: Id::new(EntityKind::Customer, id),
                name,
                sites: sites as u64,
                pool: pool_of(conn, package)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CustomerPage { total: total as u64, offset: q.offset, rows })
}

/// One customer with its pool, sites and structures.
pub fn customer_detail(conn: &Connection, id: Id) -> Result<CustomerDetail> {
    id.expect(EntityKind::Customer, "id")?;
    let customer = read_customers(conn, &Scope::Ids([(EntityKind::Customer, vec![id.n])].into()))?
        .pop()
        .ok_or_else(|| CoreError::not_found(format!("there is no customer {id} in this catalog")).with_field("id"))?;
    let pool = pool_of(conn, customer.data_package.map(|p| p.n))?;
    let pool_sp = pool.as_ref().and_then(|p| p.service_plan).map(|p| p.n);
    let sites = conn
        .prepare_cached(
            "SELECT s.id, s.name, s.technology, s.speed, s.service_identifier, s.tail_package, pp.internal_name,
                    EXISTS (SELECT 1 FROM package_plan_service_plan m JOIN service_plan sp ON sp.id = m.service_plan
                            WHERE m.package_plan = s.tail_package AND sp.data_billing = 'pooled' AND sp.pool = ?2)
             FROM site s LEFT JOIN package_plan pp ON pp.id = s.tail_package
             WHERE s.customer = ?1 ORDER BY s.id",
        )?
        .query_map(params![id.n, pool_sp], |r| {
            Ok(SiteRow {
                site: Site {
                    id: Id::new(EntityKind::Site, r.get(0)?),
                    customer: id,
                    name: r.get(1)?,
                    technology: r.get(2)?,
                    speed: r.get(3)?,
                    service_identifier: r.get(4)?,
                    tail_package: r.get::<_, Option<i64>>(5)?.map(|n| Id::new(EntityKind::PackagePlan, n)),
                },
                tail_package_name: r.get(6)?,
                draws_from_pool: r.get(7)?,
            })
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let structures = conn
        .prepare_cached("SELECT id, name FROM structure WHERE customer = ?1 ORDER BY id")?
        .query_map([id.n], |r| {
            Ok(ObjectName {
                id: Id::new(EntityKind::Structure, r.get(0)?),
                name: r.get(1)?,
                side: None,
                status: None,
                service_type: None,
            })
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(CustomerDetail { customer, pool, sites, structures })
}

impl Catalog {
    /// One page of customers (see [`customers`]).
    pub fn customers(&self, q: &CustomerQuery) -> Result<CustomerPage> {
        customers(self.conn(), q)
    }
    /// One customer in full (see [`customer_detail`]).
    pub fn customer_detail(&self, id: Id) -> Result<CustomerDetail> {
        customer_detail(self.conn(), id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Change;
    use crate::value::{Stamp, Timestamp};

    fn stamp() -> Stamp {
        Stamp::new("t", Timestamp::from_unix_seconds(0))
    }

    fn demo() -> (tempfile::TempDir, Catalog) {
        crate::demo::in_temp_dir()
    }

    fn q(search: Option<&str>) -> CustomerQuery {
        CustomerQuery { search: search.map(str::to_string), offset: 0, limit: 50 }
    }

    #[test]
    fn the_demo_customer_has_six_sites_drawing_from_a_500_gb_pool() {
        let (_d, cat) = demo();
        let page = cat.customers(&q(None)).unwrap();
        assert_eq!(page.total, 1);
        let row = &page.rows[0];
        assert_eq!(row.sites, 6);
        let pool = row.pool.as_ref().expect("the demo customer orders a data package");
        assert_eq!(pool.quota_kb, Some(500 * 1024 * 1024));
        assert_eq!(pool.excess_rate, Some(Money(250)));
        assert_eq!(pool.side, Some(Side::Sell));

        let d = cat.customer_detail(row.id).unwrap();
        assert_eq!(d.pool, row.pool);
        assert_eq!(d.sites.len(), 6);
        assert!(d.sites.iter().all(|s| s.draws_from_pool && s.tail_package_name.is_some()), "{:?}", d.sites);
        assert_eq!(d.sites[0].site.technology, "NBN FTTP");
        assert_eq!(d.structures.len(), 1);
    }

    #[test]
    fn search_orders_by_name_pages_and_counts() {
        let (_d, mut cat) = demo();
        for name in ["Zeta Pty", "alpha Pty", "Beta Holdings"] {
            cat.apply(&Change::CreateCustomer { name: name.into() }, &stamp()).unwrap();
        }
        let all = cat.customers(&q(None)).unwrap();
        let names: Vec<&str> = all.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["alpha Pty", "Beta Holdings", "Harbour Cafés Pty Ltd", "Zeta Pty"]);
        let pty = cat.customers(&q(Some("PTY"))).unwrap();
        assert_eq!(pty.total, 3);
        let page = cat.customers(&CustomerQuery { offset: 1, limit: 1, ..q(Some("pty")) }).unwrap();
        assert_eq!((page.total, page.rows.len(), page.rows[0].name.as_str()), (3, 1, "Harbour Cafés Pty Ltd"));
        assert_eq!(cat.customers(&q(Some("%"))).unwrap().total, 0, "a % typed is a literal");
        let fresh = all.rows.iter().find(|r| r.name == "Zeta Pty").unwrap();
        assert_eq!((fresh.sites, &fresh.pool), (0, &None));
        let e = cat.customers(&CustomerQuery { limit: 0, ..q(None) }).unwrap_err();
        assert_eq!(e.field(), Some("limit"));
    }

    #[test]
    fn a_site_whose_tail_does_not_pool_is_shown_as_such_and_unknown_ids_are_refused() {
        let (_d, mut cat) = demo();
        let cu = cat.apply(&Change::CreateCustomer { name: "Solo".into() }, &stamp()).unwrap().created.unwrap();
        let site = Change::CreateSite {
            customer: cu,
            name: "Depot".into(),
            technology: "NBN FTTP".into(),
            speed: "50/20 Mbps".into(),
            service_identifier: None,
            tail_package: None,
        };
        cat.apply(&site, &stamp()).unwrap();
        let d = cat.customer_detail(cu).unwrap();
        assert_eq!(d.pool, None);
        assert_eq!(d.sites.len(), 1);
        assert!(!d.sites[0].draws_from_pool);
        assert_eq!(d.sites[0].tail_package_name, None);
        let e = cat.customer_detail(Id::new(EntityKind::Customer, 999)).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::NotFound);
        let e = cat.customer_detail(Id::new(EntityKind::Site, 1)).unwrap_err();
        assert_eq!(e.field(), Some("id"));
    }
}
