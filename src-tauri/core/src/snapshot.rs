//! Reads catalog content into the plain model types: the whole catalog (for a full check, a
//! dump, a bundle) or only chosen objects (for re-checking one object's neighbourhood after an
//! edit). One reader per table, shared by both, so a subset is read exactly like the whole.

use std::collections::BTreeMap;

use rusqlite::{Connection, Row, ToSql};
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::*;
use crate::value::{Date, Money};

/// The catalog content in memory, every list sorted by id (or code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub settings: Settings,
    pub service_types: Vec<ServiceType>,
    pub bolt_on_categories: Vec<BoltOnCategory>,
    pub tariffs: Vec<Tariff>,
    pub package_plans: Vec<Plan>,
    pub service_plans: Vec<Plan>,
    pub bolt_ons: Vec<Plan>,
    pub bolt_on_add_ons: Vec<Plan>,
    pub bolt_on_groups: Vec<BoltOnGroup>,
    pub bolt_on_links: Vec<BoltOnLink>,
    pub allowances: Vec<Allowance>,
    pub customers: Vec<Customer>,
    pub sites: Vec<Site>,
    pub structures: Vec<Structure>,
}

/// Which rows to read.
#[derive(Debug, Clone, Default)]
pub enum Scope {
    /// Every row.
    #[default]
    All,
    /// Only these ids, per kind (other kinds: none). Reference data and settings are always
    /// read whole (they are small).
    Ids(BTreeMap<EntityKind, Vec<i64>>),
}

impl Scope {
    fn filter(&self, kind: EntityKind, column: &str) -> Option<(String, String)> {
        match self {
            Scope::All => None,
            Scope::Ids(m) => {
                let ids = m.get(&kind).map(|v| v.as_slice()).unwrap_or(&[]);
                let json = serde_json::to_string(ids).expect("ids serialise");
                Some((format!(" WHERE {column} IN (SELECT value FROM json_each(?1))"), json))
            }
        }
    }
}

fn query<T>(conn: &Connection, sql: &str, param: Option<&String>, f: impl FnMut(&Row) -> Result<T>) -> Result<Vec<T>> {
    let mut st = conn.prepare_cached(sql)?;
    let params: Vec<&dyn ToSql> = match param {
        Some(p) => vec![p as &dyn ToSql],
        None => vec![],
    };
    let mut rows = st.query(params.as_slice())?;
    let mut f = f;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(f(r)?);
    }
    Ok(out)
}

fn scoped<T>(
    conn: &Connection,
    scope: &Scope,
    kind: EntityKind,
    base: &str,
    column: &str,
    order: &str,
    f: impl FnMut(&Row) -> Result<T>,
) -> Result<Vec<T>> {
    match scope.filter(kind, column) {
        None => query(conn, &format!("{base} ORDER BY {order}"), None, f),
        Some((w, p)) => query(conn, &format!("{base}{w} ORDER BY {order}"), Some(&p), f),
    }
}

/// Column `i` as text borrowed from the row (enums and dates are parsed from it, never copied:
/// a large catalog has hundreds of thousands of them).
fn opt_text<'r>(r: &'r Row, i: usize) -> Result<Option<&'r str>> {
    let v = r.get_ref(i)?;
    match v {
        rusqlite::types::ValueRef::Null => Ok(None),
        v => {
            Ok(Some(v.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))?))
        }
    }
}

fn text_enum<T>(r: &Row, i: usize, parse: fn(&str) -> Result<T>) -> Result<T> {
    match opt_text(r, i)? {
        Some(s) => parse(s),
        None => Err(rusqlite::Error::InvalidColumnType(i, String::new(), rusqlite::types::Type::Null).into()),
    }
}

fn opt_enum<T>(r: &Row, i: usize, parse: fn(&str) -> Result<T>) -> Result<Option<T>> {
    opt_text(r, i)?.map(parse).transpose()
}

fn opt_date(r: &Row, i: usize) -> Result<Option<Date>> {
    opt_text(r, i)?.map(|s| s.parse::<Date>()).transpose()
}

fn opt_money(r: &Row, i: usize) -> Result<Option<Money>> {
    Ok(r.get::<_, Option<i64>>(i)?.map(Money))
}

fn opt_id(r: &Row, i: usize, kind: EntityKind) -> Result<Option<Id>> {
    Ok(r.get::<_, Option<i64>>(i)?.map(|n| Id::new(kind, n)))
}

fn opt_bool(r: &Row, i: usize) -> Result<Option<bool>> {
    Ok(r.get::<_, Option<bool>>(i)?)
}

/// The common plan columns, in the order `read_common` expects them.
pub const COMMON_COLUMNS: &str = "id, side, internal_name, external_name, reference_name, reference_key, import_reference, \
     description, external_description, buy_counterpart, setup_fee, access_fee, recurring, pro_rata, \
     saleable_from, saleable_to, status, production_id";
const COMMON_COUNT: usize = 18;

fn read_common(r: &Row, kind: EntityKind, service_type: Option<String>, detail: PlanDetail) -> Result<Plan> {
    Ok(Plan {
        id: Id::new(kind, r.get(0)?),
        side: text_enum(r, 1, Side::parse)?,
        internal_name: r.get(2)?,
        external_name: r.get(3)?,
        reference_name: r.get(4)?,
        reference_key: r.get(5)?,
        import_reference: r.get(6)?,
        description: r.get(7)?,
        external_description: r.get(8)?,
        service_type,
        buy_counterpart: opt_id(r, 9, kind)?,
        setup_fee: opt_money(r, 10)?,
        access_fee: opt_money(r, 11)?,
        recurring: r.get(12)?,
        pro_rata: r.get(13)?,
        saleable_from: opt_date(r, 14)?,
        saleable_to: opt_date(r, 15)?,
        status: text_enum(r, 16, Status::parse)?,
        production_id: r.get(17)?,
        detail,
    })
}

fn iv(r: &Row, t: usize, a: usize) -> Result<Option<IncludedValue>> {
    let vt = opt_enum(r, t, IncludedValueType::parse)?;
    let amount: Option<i64> = r.get(a)?;
    Ok(match (vt, amount) {
        (Some(value_type), Some(amount)) => Some(IncludedValue { value_type, amount }),
        _ => None,
    })
}

/// Groups child rows (parent id, value) by parent, keeping their order.
fn children<T>(rows: Vec<(i64, T)>) -> BTreeMap<i64, Vec<T>> {
    let mut m: BTreeMap<i64, Vec<T>> = BTreeMap::new();
    for (p, v) in rows {
        m.entry(p).or_default().push(v);
    }
    m
}

pub fn read_settings(conn: &Connection) -> Result<Settings> {
    conn.query_row(
        "SELECT catalog_id, name, provider, tier, currency, created_at FROM settings WHERE id = 1",
        [],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
                r.get::<_, String>(5)?,
            ))
        },
    )
    .map_err(|e| match e {
        rusqlite::Error::QueryReturnedNoRows => CoreError::internal("the catalog has no settings row"),
        e => e.into(),
    })
    .and_then(|(catalog_id, name, provider, tier, currency, at)| {
        Ok(Settings { catalog_id, name, provider, tier: Tier::parse(&tier)?, currency, created_at: at.parse()? })
    })
}

pub fn read_reference(conn: &Connection) -> Result<(Vec<ServiceType>, Vec<BoltOnCategory>, Vec<Tariff>)> {
    let st = query(conn, "SELECT code, name, category, auto_provisioned FROM service_type ORDER BY code", None, |r| {
        Ok(ServiceType {
            code: r.get(0)?,
            name: r.get(1)?,
            category: text_enum(r, 2, ServiceCategory::parse)?,
            auto_provisioned: r.get(3)?,
        })
    })?;
    let cat = query(conn, "SELECT code, name FROM bolt_on_category ORDER BY code", None, |r| {
        Ok(BoltOnCategory { code: r.get(0)?, name: r.get(1)? })
    })?;
    let tar = query(conn, "SELECT code, name, service_type, bolt_on_category FROM tariff ORDER BY code", None, |r| {
        Ok(Tariff { code: r.get(0)?, name: r.get(1)?, service_type: r.get(2)?, bolt_on_category: r.get(3)? })
    })?;
    Ok((st, cat, tar))
}

pub fn read_package_plans(conn: &Connection, scope: &Scope) -> Result<Vec<Plan>> {
    let k = EntityKind::PackagePlan;
    let members = children(scoped(
        conn,
        scope,
        k,
        "SELECT package_plan, service_plan FROM package_plan_service_plan",
        "package_plan",
        "package_plan, position",
        |r| Ok((r.get(0)?, Id::new(EntityKind::ServicePlan, r.get(1)?))),
    )?);
    let base = format!("SELECT {COMMON_COLUMNS}, weighting, iv_type, iv_amount FROM package_plan");
    let mut members = members;
    scoped(conn, scope, k, &base, "id", "id", |r| {
        let id: i64 = r.get(0)?;
        let detail = PlanDetail::PackagePlan(PackagePlanFields {
            service_plans: members.remove(&id).unwrap_or_default(),
            weighting: r.get(COMMON_COUNT)?,
            included_value: iv(r, COMMON_COUNT + 1, COMMON_COUNT + 2)?,
        });
        read_common(r, k, None, detail)
    })
}

pub fn read_service_plans(conn: &Connection, scope: &Scope) -> Result<Vec<Plan>> {
    let k = EntityKind::ServicePlan;
    let mut ivs = children(scoped(
        conn,
        scope,
        k,
        "SELECT service_plan, value_type, amount FROM service_plan_included_value",
        "service_plan",
        "service_plan, slot",
        |r| {
            Ok((r.get(0)?, IncludedValue { value_type: text_enum(r, 1, IncludedValueType::parse)?, amount: r.get(2)? }))
        },
    )?);
    let base = format!(
        "SELECT {COMMON_COLUMNS}, service_type, data_billing, billing_type, quota_kb, excess_rate, charge_in_quota, bonus_kb, pool FROM service_plan"
    );
    let c = COMMON_COUNT;
    scoped(conn, scope, k, &base, "id", "id", |r| {
        let id: i64 = r.get(0)?;
        let detail = PlanDetail::ServicePlan(ServicePlanFields {
            data_billing: DataBilling {
                mode: text_enum(r, c + 1, DataBillingMode::parse)?,
                billing_type: opt_enum(r, c + 2, BillingType::parse)?,
                quota_kb: r.get(c + 3)?,
                excess_rate: opt_money(r, c + 4)?,
                charge_in_quota: r.get(c + 5)?,
                bonus_kb: r.get(c + 6)?,
                pool: opt_id(r, c + 7, k)?,
            },
            included_values: ivs.remove(&id).unwrap_or_default(),
        });
        read_common(r, k, r.get(c)?, detail)
    })
}

pub fn read_bolt_ons(conn: &Connection, scope: &Scope) -> Result<Vec<Plan>> {
    let k = EntityKind::BoltOn;
    let mut group = children(scoped(
        conn,
        scope,
        k,
        "SELECT bolt_on, add_on FROM add_on_group_member",
        "bolt_on",
        "bolt_on, position",
        |r| Ok((r.get(0)?, Id::new(EntityKind::BoltOnAddOn, r.get(1)?))),
    )?);
    let base = format!(
        "SELECT {COMMON_COLUMNS}, service_type, bolt_on_category, tariff, iv_type, iv_amount, first_time_fee, excess_rate FROM bolt_on"
    );
    let c = COMMON_COUNT;
    scoped(conn, scope, k, &base, "id", "id", |r| {
        let id: i64 = r.get(0)?;
        let detail = PlanDetail::BoltOn(BoltOnFields {
            bolt_on_category: r.get(c + 1)?,
            tariff: r.get(c + 2)?,
            included_value: iv(r, c + 3, c + 4)?,
            first_time_fee: opt_money(r, c + 5)?,
            excess_rate: opt_money(r, c + 6)?,
            add_on_group: group.remove(&id).unwrap_or_default(),
        });
        read_common(r, k, r.get(c)?, detail)
    })
}

pub fn read_add_ons(conn: &Connection, scope: &Scope) -> Result<Vec<Plan>> {
    let k = EntityKind::BoltOnAddOn;
    let mut quotas = children(scoped(
        conn,
        scope,
        k,
        "SELECT add_on, value_type, bonus_type, amount, weight FROM add_on_quota",
        "add_on",
        "add_on, slot",
        |r| {
            Ok((
                r.get(0)?,
                Quota {
                    value_type: text_enum(r, 1, IncludedValueType::parse)?,
                    bonus_type: opt_enum(r, 2, BonusType::parse)?,
                    amount: r.get(3)?,
                    weight: r.get(4)?,
                },
            ))
        },
    )?);
    let base = format!(
        "SELECT {COMMON_COLUMNS}, service_type, bolt_on_category, tariff, iv_type, is_provisioned, provisioning_key, available_in_api, available_in_user_portal FROM bolt_on_add_on"
    );
    let c = COMMON_COUNT;
    scoped(conn, scope, k, &base, "id", "id", |r| {
        let id: i64 = r.get(0)?;
        let detail = PlanDetail::BoltOnAddOn(BoltOnAddOnFields {
            bolt_on_category: r.get(c + 1)?,
            tariff: r.get(c + 2)?,
            included_value_type: opt_enum(r, c + 3, IncludedValueType::parse)?,
            is_provisioned: r.get(c + 4)?,
            provisioning_key: r.get(c + 5)?,
            quotas: quotas.remove(&id).unwrap_or_default(),
            available_in_api: opt_bool(r, c + 6)?,
            available_in_user_portal: opt_bool(r, c + 7)?,
        });
        read_common(r, k, r.get(c)?, detail)
    })
}

pub fn read_groups(conn: &Connection, scope: &Scope) -> Result<Vec<BoltOnGroup>> {
    let k = EntityKind::BoltOnGroup;
    let mut members = children(scoped(
        conn,
        scope,
        k,
        "SELECT bolt_on_group, bolt_on FROM bolt_on_group_member",
        "bolt_on_group",
        "bolt_on_group, position",
        |r| Ok((r.get(0)?, Id::new(EntityKind::BoltOn, r.get(1)?))),
    )?);
    scoped(conn, scope, k, "SELECT id, side, name, description FROM bolt_on_group", "id", "id", |r| {
        let id: i64 = r.get(0)?;
        Ok(BoltOnGroup {
            id: Id::new(k, id),
            side: text_enum(r, 1, Side::parse)?,
            name: r.get(2)?,
            description: r.get(3)?,
            members: members.remove(&id).unwrap_or_default(),
        })
    })
}

pub fn read_links(conn: &Connection, scope: &Scope) -> Result<Vec<BoltOnLink>> {
    let k = EntityKind::BoltOnLink;
    scoped(conn, scope, k, "SELECT id, service_plan, bolt_on, behaviour FROM bolt_on_link", "id", "id", |r| {
        Ok(BoltOnLink {
            id: Id::new(k, r.get(0)?),
            service_plan: Id::new(EntityKind::ServicePlan, r.get(1)?),
            bolt_on: Id::new(EntityKind::BoltOn, r.get(2)?),
            behaviour: opt_enum(r, 3, Behaviour::parse)?,
        })
    })
}

pub fn read_allowances(conn: &Connection, scope: &Scope) -> Result<Vec<Allowance>> {
    let k = EntityKind::Allowance;
    scoped(
        conn,
        scope,
        k,
        "SELECT id, bolt_on_link, add_on, max_occurrence, description, buy_parent FROM allowance",
        "id",
        "id",
        |r| {
            Ok(Allowance {
                id: Id::new(k, r.get(0)?),
                bolt_on_link: Id::new(EntityKind::BoltOnLink, r.get(1)?),
                add_on: Id::new(EntityKind::BoltOnAddOn, r.get(2)?),
                max_occurrence: r.get(3)?,
                description: r.get(4)?,
                buy_parent: opt_id(r, 5, k)?,
            })
        },
    )
}

pub fn read_customers(conn: &Connection, scope: &Scope) -> Result<Vec<Customer>> {
    let k = EntityKind::Customer;
    scoped(conn, scope, k, "SELECT id, name, description, data_package FROM customer", "id", "id", |r| {
        Ok(Customer {
            id: Id::new(k, r.get(0)?),
            name: r.get(1)?,
            description: r.get(2)?,
            data_package: opt_id(r, 3, EntityKind::PackagePlan)?,
        })
    })
}

pub fn read_sites(conn: &Connection, scope: &Scope) -> Result<Vec<Site>> {
    let k = EntityKind::Site;
    scoped(
        conn,
        scope,
        k,
        "SELECT id, customer, name, technology, speed, service_identifier, tail_package FROM site",
        "id",
        "id",
        |r| {
            Ok(Site {
                id: Id::new(k, r.get(0)?),
                customer: Id::new(EntityKind::Customer, r.get(1)?),
                name: r.get(2)?,
                technology: r.get(3)?,
                speed: r.get(4)?,
                service_identifier: r.get(5)?,
                tail_package: opt_id(r, 6, EntityKind::PackagePlan)?,
            })
        },
    )
}

pub fn read_structures(conn: &Connection, scope: &Scope) -> Result<Vec<Structure>> {
    let k = EntityKind::Structure;
    let mut members = children(scoped(
        conn,
        scope,
        k,
        "SELECT structure, object, role FROM structure_member",
        "structure",
        "structure, position",
        |r| {
            let object: String = r.get(1)?;
            Ok((r.get(0)?, StructureMember { object: object.parse()?, role: text_enum(r, 2, MemberRole::parse)? }))
        },
    )?);
    scoped(conn, scope, k, "SELECT id, kind, name, customer FROM structure", "id", "id", |r| {
        let id: i64 = r.get(0)?;
        Ok(Structure {
            id: Id::new(k, id),
            kind: text_enum(r, 1, StructureKind::parse)?,
            name: r.get(2)?,
            customer: opt_id(r, 3, EntityKind::Customer)?,
            members: members.remove(&id).unwrap_or_default(),
        })
    })
}

/// Where the object numbered `n` sits in `list` (sorted by number, numbers unique), if there.
///
/// Numbers are handed out from 1 up and seldom deleted, so object `n` usually sits at
/// `n - first`: that place is tried first, and the binary search, when it is needed, covers
/// only the places before it (the numbers rise by at least one per place). Every rule, the
/// diagrams, the build sheet and the closures look objects up this way, millions of times in
/// a large export, and a binary search over 440-byte plans missed the cache at every step.
fn find<T>(list: &[T], n: i64, number: impl Fn(&T) -> i64) -> Option<usize> {
    let first = number(list.first()?);
    if n < first {
        return None;
    }
    let end = match n.checked_sub(first).and_then(|d| usize::try_from(d).ok()) {
        Some(at) if list.get(at).is_some_and(|x| number(x) == n) => return Some(at),
        Some(at) => (at + 1).min(list.len()),
        None => list.len(),
    };
    list[..end].binary_search_by_key(&n, number).ok()
}

impl Snapshot {
    /// Reads the rows in `scope` (settings and reference data always whole).
    pub fn load(conn: &Connection, scope: &Scope) -> Result<Snapshot> {
        let (service_types, bolt_on_categories, tariffs) = read_reference(conn)?;
        Ok(Snapshot {
            settings: read_settings(conn)?,
            service_types,
            bolt_on_categories,
            tariffs,
            package_plans: read_package_plans(conn, scope)?,
            service_plans: read_service_plans(conn, scope)?,
            bolt_ons: read_bolt_ons(conn, scope)?,
            bolt_on_add_ons: read_add_ons(conn, scope)?,
            bolt_on_groups: read_groups(conn, scope)?,
            bolt_on_links: read_links(conn, scope)?,
            allowances: read_allowances(conn, scope)?,
            customers: read_customers(conn, scope)?,
            sites: read_sites(conn, scope)?,
            structures: read_structures(conn, scope)?,
        })
    }

    /// The whole catalog, read on two connections at once (the first step of a large export,
    /// which no other core could help with): `second` reads about half of the rows on a thread
    /// of its own. Both connections must see the same content: the caller holds the catalog's
    /// write lock, so nothing can commit between their reads.
    pub fn load_on_two(conn: &Connection, second: Connection) -> Result<Snapshot> {
        let scope = &Scope::All;
        // About half the reading time each (package plans and add-ons carry their link and
        // quota rows).
        type Half = (Vec<Plan>, Vec<Plan>, Vec<BoltOnGroup>);
        std::thread::scope(|threads| {
            let other = threads.spawn(move || -> Result<Half> {
                Ok((read_package_plans(&second, scope)?, read_add_ons(&second, scope)?, read_groups(&second, scope)?))
            });
            let (service_types, bolt_on_categories, tariffs) = read_reference(conn)?;
            let settings = read_settings(conn)?;
            let service_plans = read_service_plans(conn, scope)?;
            let bolt_ons = read_bolt_ons(conn, scope)?;
            let bolt_on_links = read_links(conn, scope)?;
            let allowances = read_allowances(conn, scope)?;
            let customers = read_customers(conn, scope)?;
            let sites = read_sites(conn, scope)?;
            let structures = read_structures(conn, scope)?;
            let (package_plans, bolt_on_add_ons, bolt_on_groups) =
                other.join().expect("reading the catalog does not panic")?;
            Ok(Snapshot {
                settings,
                service_types,
                bolt_on_categories,
                tariffs,
                package_plans,
                service_plans,
                bolt_ons,
                bolt_on_add_ons,
                bolt_on_groups,
                bolt_on_links,
                allowances,
                customers,
                sites,
                structures,
            })
        })
    }

    /// Every plan of the four kinds, in kind then id order.
    pub fn plans(&self) -> impl Iterator<Item = &Plan> {
        self.package_plans.iter().chain(&self.service_plans).chain(&self.bolt_ons).chain(&self.bolt_on_add_ons)
    }

    pub fn plans_of(&self, kind: EntityKind) -> &[Plan] {
        match kind {
            EntityKind::PackagePlan => &self.package_plans,
            EntityKind::ServicePlan => &self.service_plans,
            EntityKind::BoltOn => &self.bolt_ons,
            EntityKind::BoltOnAddOn => &self.bolt_on_add_ons,
            _ => &[],
        }
    }

    /// Finds a plan by id (lists are sorted by id; see [`find`]).
    pub fn plan(&self, id: Id) -> Option<&Plan> {
        let list = self.plans_of(id.kind);
        find(list, id.n, |p| p.id.n).map(|i| &list[i])
    }

    pub fn group(&self, id: Id) -> Option<&BoltOnGroup> {
        find(&self.bolt_on_groups, id.n, |g| g.id.n).map(|i| &self.bolt_on_groups[i])
    }
    pub fn link(&self, id: Id) -> Option<&BoltOnLink> {
        find(&self.bolt_on_links, id.n, |g| g.id.n).map(|i| &self.bolt_on_links[i])
    }
    pub fn allowance(&self, id: Id) -> Option<&Allowance> {
        find(&self.allowances, id.n, |g| g.id.n).map(|i| &self.allowances[i])
    }
    pub fn customer(&self, id: Id) -> Option<&Customer> {
        find(&self.customers, id.n, |g| g.id.n).map(|i| &self.customers[i])
    }
    pub fn site(&self, id: Id) -> Option<&Site> {
        find(&self.sites, id.n, |g| g.id.n).map(|i| &self.sites[i])
    }
    pub fn structure(&self, id: Id) -> Option<&Structure> {
        find(&self.structures, id.n, |g| g.id.n).map(|i| &self.structures[i])
    }
    pub fn service_type(&self, code: &str) -> Option<&ServiceType> {
        self.service_types.binary_search_by(|s| s.code.as_str().cmp(code)).ok().map(|i| &self.service_types[i])
    }
    pub fn exists(&self, id: Id) -> bool {
        match id.kind {
            k if k.is_plan() => self.plan(id).is_some(),
            EntityKind::BoltOnGroup => self.group(id).is_some(),
            EntityKind::BoltOnLink => self.link(id).is_some(),
            EntityKind::Allowance => self.allowance(id).is_some(),
            EntityKind::Customer => self.customer(id).is_some(),
            EntityKind::Site => self.site(id).is_some(),
            EntityKind::Structure => self.structure(id).is_some(),
            _ => false,
        }
    }
    /// How messages name any entity.
    pub fn describe(&self, id: Id) -> String {
        if let Some(p) = self.plan(id) {
            return p.describe();
        }
        let name = match id.kind {
            EntityKind::BoltOnGroup => self.group(id).map(|g| g.name.clone()),
            EntityKind::Customer => self.customer(id).map(|c| c.name.clone()),
            EntityKind::Site => self.site(id).map(|s| s.name.clone()),
            EntityKind::Structure => self.structure(id).map(|s| s.name.clone()),
            _ => None,
        };
        match name {
            Some(n) => format!("{} {id} '{n}'", id.kind.label()),
            None => format!("{} {id}", id.kind.label()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn find_agrees_with_a_linear_search_with_and_without_gaps() {
        let lists: Vec<Vec<i64>> = vec![
            vec![],
            vec![1],
            vec![5],
            (1..=50).collect(),
            (7..=40).collect(),
            vec![1, 2, 3, 10, 11, 12, 40],
            vec![-5, -2, 0, 3, 4, 1_000_000],
            (1..=300).filter(|n| n % 7 != 0 && n % 11 != 3).collect(),
            vec![i64::MIN + 1, 0, i64::MAX],
        ];
        for list in &lists {
            let probes = list.iter().flat_map(|n| [n.saturating_sub(1), *n, n.saturating_add(1)]).chain([
                i64::MIN,
                i64::MAX,
                0,
                -1,
                60,
            ]);
            for n in probes {
                assert_eq!(find(list, n, |x| *x), list.iter().position(|x| *x == n), "{n} in {list:?}");
            }
        }
    }
}
