//! Plain edits of the four plan kinds: create one, copy a BUY plan into its SELL counterpart,
//! set one field ([`PlanField`]), delete a draft plan with what belongs to it, and the service
//! plans a package plan contains. Each is one statement group inside the caller's transaction.

use rusqlite::{Transaction, params};

use crate::edit::plain::check::{clean, code_exists, guard, must_be, next_position, plan_state};
use crate::edit::plan_field::PlanField;
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{IncludedValue, Side};
use crate::value::Money;

use EntityKind::{BoltOn as BO, BoltOnAddOn as AO, PackagePlan as PP, ServicePlan as SP};

/// A new draft plan of `kind` (a plan kind), recurring, not prorated.
pub(crate) fn create_plan(tx: &Transaction, kind: EntityKind, side: Side, name: &str) -> Result<Id> {
    let sql = match kind {
        PP => {
            "INSERT INTO package_plan (side, internal_name, recurring, pro_rata, status, weighting) VALUES (?1, ?2, 1, 0, 'draft', 0)"
        }
        SP => {
            "INSERT INTO service_plan (side, internal_name, recurring, pro_rata, status, data_billing, charge_in_quota) VALUES (?1, ?2, 1, 0, 'draft', 'none', 0)"
        }
        BO => "INSERT INTO bolt_on (side, internal_name, recurring, pro_rata, status) VALUES (?1, ?2, 1, 0, 'draft')",
        AO => {
            "INSERT INTO bolt_on_add_on (side, internal_name, recurring, pro_rata, status, is_provisioned) VALUES (?1, ?2, 1, 0, 'draft', 0)"
        }
        _ => {
            return Err(CoreError::invalid(
                "kind",
                format!(
                    "{} is not a plan kind; plans are package_plan, service_plan, bolt_on, bolt_on_add_on",
                    kind.name()
                ),
            ));
        }
    };
    tx.execute(sql, params![side.as_str(), name.trim()])?;
    Ok(Id::new(kind, tx.last_insert_rowid()))
}

pub(crate) fn copy_sell_counterpart(tx: &Transaction, of: Id) -> Result<Id> {
    let (_, side) = plan_state(tx, of)?;
    if side != Side::Buy {
        return Err(CoreError::invalid(
            "of",
            format!("{of} is a SELL object; a SELL counterpart is made from a BUY object"),
        ));
    }
    let t = of.kind.table();
    let cols: Vec<String> = {
        let mut st = tx.prepare(&format!("PRAGMA table_info(\"{t}\")"))?;
        st.query_map([], |r| r.get::<_, String>(1))?.collect::<Result<_, _>>()?
    };
    let copied: Vec<&String> = cols
        .iter()
        .filter(|c| !matches!(c.as_str(), "id" | "side" | "buy_counterpart" | "status" | "production_id"))
        .collect();
    let list = copied.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    tx.execute(
        &format!(
            "INSERT INTO \"{t}\" (side, buy_counterpart, status, {list}) SELECT 'SELL', id, 'draft', {list} FROM \"{t}\" WHERE id = ?1"
        ),
        [of.n],
    )?;
    let new = Id::new(of.kind, tx.last_insert_rowid());
    // SELL needs an external name (NAM-02): start from the BUY one's, or its internal name.
    tx.execute(
        &format!("UPDATE \"{t}\" SET external_name = COALESCE(external_name, internal_name) WHERE id = ?1"),
        [new.n],
    )?;
    match of.kind {
        SP => {
            tx.execute(
                "INSERT INTO service_plan_included_value (service_plan, slot, value_type, amount) SELECT ?2, slot, value_type, amount FROM service_plan_included_value WHERE service_plan = ?1",
                [of.n, new.n],
            )?;
            // A pooled BUY plan's SELL copy pools from the SELL counterpart of the BUY pool.
            tx.execute(
                "UPDATE service_plan SET pool = (SELECT s.id FROM service_plan s WHERE s.buy_counterpart = service_plan.pool AND s.side = 'SELL' ORDER BY s.id LIMIT 1) WHERE id = ?1",
                [new.n],
            )?;
        }
        AO => {
            tx.execute(
                "INSERT INTO add_on_quota (add_on, slot, value_type, bonus_type, amount, weight) SELECT ?2, slot, value_type, bonus_type, amount, weight FROM add_on_quota WHERE add_on = ?1",
                [of.n, new.n],
            )?;
            tx.execute(
                "UPDATE bolt_on_add_on SET available_in_api = 0, available_in_user_portal = 0 WHERE id = ?1",
                [new.n],
            )?;
        }
        PP => {
            // Contain the SELL counterparts of the BUY package's service plans, where one exists.
            tx.execute(
                "INSERT INTO package_plan_service_plan (package_plan, service_plan, position)
                 SELECT ?2, (SELECT s.id FROM service_plan s WHERE s.buy_counterpart = m.service_plan AND s.side = 'SELL' ORDER BY s.id LIMIT 1), m.position
                 FROM package_plan_service_plan m
                 WHERE m.package_plan = ?1 AND EXISTS (SELECT 1 FROM service_plan s WHERE s.buy_counterpart = m.service_plan AND s.side = 'SELL')",
                [of.n, new.n],
            )?;
        }
        _ => {}
    }
    // Put it in the structures its BUY counterpart is in, with the same role.
    tx.execute(
        "INSERT OR IGNORE INTO structure_member (structure, object, role, position)
         SELECT m.structure, ?2, m.role, (SELECT MAX(position) + 1 FROM structure_member WHERE structure = m.structure)
         FROM structure_member m WHERE m.object = ?1",
        params![of.to_string(), new.to_string()],
    )?;
    Ok(new)
}

fn set_column(tx: &Transaction, id: Id, column: &str, value: &dyn rusqlite::ToSql) -> Result<()> {
    tx.prepare_cached(&format!("UPDATE \"{}\" SET {column} = ?1 WHERE id = ?2", id.kind.table()))?
        .execute(params![value, id.n])?;
    Ok(())
}

fn check_included_values(field: &str, ivs: &[IncludedValue]) -> Result<()> {
    if ivs.len() > 4 {
        return Err(CoreError::invalid(
            field,
            format!("{field}: {} slots given; Emersion allows at most 4", ivs.len()),
        ));
    }
    Ok(())
}

pub(crate) fn set_field(tx: &Transaction, id: Id, edit: &PlanField) -> Result<()> {
    let name = edit.name();
    if !edit.kinds().contains(&id.kind) {
        let on: Vec<&str> = edit.kinds().iter().map(|k| k.label()).collect();
        return Err(CoreError::invalid(
            name,
            format!("{id} is a {} and has no field '{name}' (it belongs to: {})", id.kind.label(), on.join(", ")),
        ));
    }
    guard(tx, id, Some(edit), &format!("its {name}"))?;
    let money = |m: &Option<Money>| m.map(|m| m.0);
    match edit {
        PlanField::Side(s) => set_column(tx, id, "side", &s.as_str()),
        PlanField::InternalName(s) => set_column(tx, id, "internal_name", &s.trim()),
        PlanField::ExternalName(s) => set_column(tx, id, "external_name", &clean(s)),
        PlanField::ReferenceName(s) => set_column(tx, id, "reference_name", &clean(s)),
        PlanField::ReferenceKey(s) => set_column(tx, id, "reference_key", &clean(s)),
        PlanField::ImportReference(s) => set_column(tx, id, "import_reference", &clean(s)),
        PlanField::Description(s) => set_column(tx, id, "description", &clean(s)),
        PlanField::ExternalDescription(s) => set_column(tx, id, "external_description", &clean(s)),
        PlanField::ServiceType(code) => {
            let code = clean(code);
            if let Some(c) = &code {
                code_exists(tx, "service_type", c, name, "service type")?;
            }
            set_column(tx, id, "service_type", &code)
        }
        PlanField::BuyCounterpart(other) => {
            if let Some(o) = other {
                must_be(tx, *o, id.kind, name)?;
                if *o == id {
                    return Err(CoreError::invalid(name, format!("{id} cannot be its own BUY counterpart")));
                }
            }
            set_column(tx, id, "buy_counterpart", &other.map(|o| o.n))
        }
        PlanField::SetupFee(m) => set_column(tx, id, "setup_fee", &money(m)),
        PlanField::AccessFee(m) => set_column(tx, id, "access_fee", &money(m)),
        PlanField::Recurring(b) => set_column(tx, id, "recurring", b),
        PlanField::ProRata(b) => set_column(tx, id, "pro_rata", b),
        PlanField::SaleableFrom(d) => set_column(tx, id, "saleable_from", &d.map(|d| d.to_string())),
        PlanField::SaleableTo(d) => set_column(tx, id, "saleable_to", &d.map(|d| d.to_string())),
        PlanField::Weighting(w) => set_column(tx, id, "weighting", w),
        PlanField::IncludedValue(v) => {
            // One statement: the table's CHECK wants type and amount both set or both empty.
            tx.execute(
                &format!("UPDATE \"{}\" SET iv_type = ?1, iv_amount = ?2 WHERE id = ?3", id.kind.table()),
                params![v.map(|v| v.value_type.as_str()), v.map(|v| v.amount), id.n],
            )?;
            Ok(())
        }
        PlanField::IncludedValues(ivs) => {
            check_included_values(name, ivs)?;
            tx.execute("DELETE FROM service_plan_included_value WHERE service_plan = ?1", [id.n])?;
            for (i, v) in ivs.iter().enumerate() {
                tx.execute(
                    "INSERT INTO service_plan_included_value (service_plan, slot, value_type, amount) VALUES (?1, ?2, ?3, ?4)",
                    params![id.n, i as i64 + 1, v.value_type.as_str(), v.amount],
                )?;
            }
            Ok(())
        }
        PlanField::DataBilling(m) => set_column(tx, id, "data_billing", &m.as_str()),
        PlanField::BillingType(b) => set_column(tx, id, "billing_type", &b.map(|b| b.as_str())),
        PlanField::QuotaKb(q) => set_column(tx, id, "quota_kb", q),
        PlanField::ExcessRate(m) => set_column(tx, id, "excess_rate", &money(m)),
        PlanField::ChargeInQuota(b) => set_column(tx, id, "charge_in_quota", b),
        PlanField::BonusKb(q) => set_column(tx, id, "bonus_kb", q),
        PlanField::Pool(p) => {
            if let Some(p) = p {
                must_be(tx, *p, SP, name)?;
                if *p == id {
                    return Err(CoreError::invalid(
                        name,
                        format!("{id} cannot pool data from itself; choose the data-allowance service plan"),
                    ));
                }
            }
            set_column(tx, id, "pool", &p.map(|p| p.n))
        }
        PlanField::BoltOnCategory(c) => {
            let c = clean(c);
            if let Some(c) = &c {
                code_exists(tx, "bolt_on_category", c, name, "bolt-on category")?;
            }
            set_column(tx, id, "bolt_on_category", &c)
        }
        PlanField::Tariff(c) => {
            let c = clean(c);
            if let Some(c) = &c {
                code_exists(tx, "tariff", c, name, "tariff")?;
            }
            set_column(tx, id, "tariff", &c)
        }
        PlanField::FirstTimeFee(m) => set_column(tx, id, "first_time_fee", &money(m)),
        PlanField::IncludedValueType(t) => set_column(tx, id, "iv_type", &t.map(|t| t.as_str())),
        PlanField::IsProvisioned(b) => set_column(tx, id, "is_provisioned", b),
        PlanField::ProvisioningKey(s) => set_column(tx, id, "provisioning_key", &clean(s)),
        PlanField::Quotas(qs) => {
            if qs.len() > 4 {
                return Err(CoreError::invalid(
                    name,
                    format!("quotas: {} given; an add-on has at most 4 quotas", qs.len()),
                ));
            }
            tx.execute("DELETE FROM add_on_quota WHERE add_on = ?1", [id.n])?;
            for (i, q) in qs.iter().enumerate() {
                tx.execute(
                    "INSERT INTO add_on_quota (add_on, slot, value_type, bonus_type, amount, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id.n, i as i64 + 1, q.value_type.as_str(), q.bonus_type.map(|b| b.as_str()), q.amount, q.weight],
                )?;
            }
            Ok(())
        }
        PlanField::AvailableInApi(b) => set_column(tx, id, "available_in_api", b),
        PlanField::AvailableInUserPortal(b) => set_column(tx, id, "available_in_user_portal", b),
    }
}

/// Objects that point at `id` in a way that forbids deleting it, as "SP-4 (its BUY counterpart)".
fn referrers(tx: &Transaction, id: Id) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut collect = |sql: &str, what: &str| -> Result<()> {
        let mut st = tx.prepare(sql)?;
        for r in st.query_map([id.n], |r| r.get::<_, String>(0))? {
            out.push(format!("{} ({what})", r?));
        }
        Ok(())
    };
    let t = id.kind.table();
    let p = id.kind.prefix();
    collect(&format!("SELECT '{p}-' || id FROM \"{t}\" WHERE buy_counterpart = ?1"), "names it as BUY counterpart")?;
    match id.kind {
        PP => {
            collect("SELECT 'CU-' || id FROM customer WHERE data_package = ?1", "orders it as data package")?;
            collect("SELECT 'SI-' || id FROM site WHERE tail_package = ?1", "orders it as tail package")?;
        }
        SP => {
            collect("SELECT 'SP-' || id FROM service_plan WHERE pool = ?1", "pools data from it")?;
        }
        _ => {}
    }
    Ok(out)
}

/// Deletes a draft plan and what belongs to it (its links, allowances, memberships).
pub(crate) fn delete_plan(tx: &Transaction, id: Id) -> Result<()> {
    guard(tx, id, None, "it")?;
    let refs = referrers(tx, id)?;
    if !refs.is_empty() {
        return Err(CoreError::conflict(format!(
            "{id} cannot be deleted while other objects point at it: {}; change those first",
            refs.join(", ")
        )));
    }
    // Containers that are not draft would change by losing this member.
    let containers: Vec<Id> = match id.kind {
        SP => ids(tx, "SELECT package_plan FROM package_plan_service_plan WHERE service_plan = ?1", id.n, PP)?,
        BO => ids(tx, "SELECT service_plan FROM bolt_on_link WHERE bolt_on = ?1", id.n, SP)?,
        AO => {
            let mut v = ids(tx, "SELECT bolt_on FROM add_on_group_member WHERE add_on = ?1", id.n, BO)?;
            v.extend(ids(
                tx,
                "SELECT l.service_plan FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE a.add_on = ?1",
                id.n,
                SP,
            )?);
            v
        }
        _ => vec![],
    };
    for c in containers {
        guard(tx, c, None, &format!("its content (it holds {id})"))?;
    }
    let n = id.n;
    match id.kind {
        PP => {
            tx.execute("DELETE FROM package_plan_service_plan WHERE package_plan = ?1", [n])?;
        }
        SP => {
            tx.execute("DELETE FROM package_plan_service_plan WHERE service_plan = ?1", [n])?;
            tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent IN (SELECT a.id FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE l.service_plan = ?1)", [n])?;
            tx.execute(
                "DELETE FROM allowance WHERE bolt_on_link IN (SELECT id FROM bolt_on_link WHERE service_plan = ?1)",
                [n],
            )?;
            tx.execute("DELETE FROM bolt_on_link WHERE service_plan = ?1", [n])?;
            tx.execute("DELETE FROM service_plan_included_value WHERE service_plan = ?1", [n])?;
        }
        BO => {
            tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent IN (SELECT a.id FROM allowance a JOIN bolt_on_link l ON l.id = a.bolt_on_link WHERE l.bolt_on = ?1)", [n])?;
            tx.execute(
                "DELETE FROM allowance WHERE bolt_on_link IN (SELECT id FROM bolt_on_link WHERE bolt_on = ?1)",
                [n],
            )?;
            tx.execute("DELETE FROM bolt_on_link WHERE bolt_on = ?1", [n])?;
            tx.execute("DELETE FROM bolt_on_group_member WHERE bolt_on = ?1", [n])?;
            tx.execute("DELETE FROM add_on_group_member WHERE bolt_on = ?1", [n])?;
        }
        AO => {
            tx.execute("UPDATE allowance SET buy_parent = NULL WHERE buy_parent IN (SELECT id FROM allowance WHERE add_on = ?1)", [n])?;
            tx.execute("DELETE FROM allowance WHERE add_on = ?1", [n])?;
            tx.execute("DELETE FROM add_on_group_member WHERE add_on = ?1", [n])?;
            tx.execute("DELETE FROM add_on_quota WHERE add_on = ?1", [n])?;
        }
        _ => {}
    }
    tx.execute("DELETE FROM structure_member WHERE object = ?1", [id.to_string()])?;
    tx.execute(&format!("DELETE FROM \"{}\" WHERE id = ?1", id.kind.table()), [n])?;
    Ok(())
}

fn ids(tx: &Transaction, sql: &str, n: i64, kind: EntityKind) -> Result<Vec<Id>> {
    let mut st = tx.prepare(sql)?;
    let v = st.query_map([n], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(v.into_iter().map(|n| Id::new(kind, n)).collect())
}

/// Puts a service plan in a package plan, last.
pub(crate) fn add_service_plan(tx: &Transaction, package_plan: Id, service_plan: Id) -> Result<()> {
    package_plan.expect(PP, "package_plan")?;
    must_be(tx, service_plan, SP, "service_plan")?;
    guard(tx, package_plan, None, "its service plans")?;
    let pos = next_position(tx, "package_plan_service_plan", "package_plan", package_plan.n)?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO package_plan_service_plan (package_plan, service_plan, position) VALUES (?1, ?2, ?3)",
        params![package_plan.n, service_plan.n, pos],
    )?;
    if n == 0 {
        return Err(CoreError::conflict(format!("{package_plan} already contains {service_plan}")));
    }
    Ok(())
}

pub(crate) fn remove_service_plan(tx: &Transaction, package_plan: Id, service_plan: Id) -> Result<()> {
    package_plan.expect(PP, "package_plan")?;
    guard(tx, package_plan, None, "its service plans")?;
    let n = tx.execute(
        "DELETE FROM package_plan_service_plan WHERE package_plan = ?1 AND service_plan = ?2",
        params![package_plan.n, service_plan.n],
    )?;
    if n == 0 {
        return Err(CoreError::not_found(format!("{package_plan} does not contain {service_plan}")));
    }
    Ok(())
}
