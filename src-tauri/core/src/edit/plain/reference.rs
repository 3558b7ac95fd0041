//! Plain edits of reference data and settings: service types, bolt-on categories and tariffs
//! (added or replaced by code; deleting one still in use is refused, naming what uses it), and
//! the catalog settings, where a currency with other decimals rescales every money column or
//! is refused when an amount would round.

use rusqlite::Transaction;
use rusqlite::params;

use crate::edit::plain::check::{code_exists, required_text};
use crate::error::{CoreError, Result};
use crate::model::{BoltOnCategory, ServiceType, Tariff, Tier};
use crate::value::Currency;

/// Adds or replaces a service type (by code).
pub(crate) fn put_service_type(tx: &Transaction, s: &ServiceType) -> Result<()> {
    let code = required_text("code", "a service type", &s.code)?;
    let name = required_text("name", "a service type", &s.name)?;
    tx.execute(
        "INSERT INTO service_type (code, name, category, auto_provisioned) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, category = excluded.category, auto_provisioned = excluded.auto_provisioned",
        params![code, name, s.category.as_str(), s.auto_provisioned],
    )?;
    Ok(())
}

pub(crate) fn put_bolt_on_category(tx: &Transaction, c: &BoltOnCategory) -> Result<()> {
    let code = required_text("code", "a bolt-on category", &c.code)?;
    let name = required_text("name", "a bolt-on category", &c.name)?;
    tx.execute(
        "INSERT INTO bolt_on_category (code, name) VALUES (?1, ?2) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
        params![code, name],
    )?;
    Ok(())
}

pub(crate) fn put_tariff(tx: &Transaction, t: &Tariff) -> Result<()> {
    let code = required_text("code", "a tariff", &t.code)?;
    let name = required_text("name", "a tariff", &t.name)?;
    code_exists(tx, "service_type", &t.service_type, "service_type", "service type")?;
    if let Some(c) = &t.bolt_on_category {
        code_exists(tx, "bolt_on_category", c, "bolt_on_category", "bolt-on category")?;
    }
    tx.execute(
        "INSERT INTO tariff (code, name, service_type, bolt_on_category) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, service_type = excluded.service_type, bolt_on_category = excluded.bolt_on_category",
        params![code, name, t.service_type, t.bolt_on_category],
    )?;
    Ok(())
}

/// The catalog's name, provider, tier and currency; a currency with other decimals rescales every amount.
pub(crate) fn update_settings(tx: &Transaction, name: &str, provider: &str, tier: Tier, currency: &str) -> Result<()> {
    let name = required_text("name", "the catalog", name)?;
    let to = Currency::parse(currency)?;
    let from_code: String = tx.query_row("SELECT currency FROM settings WHERE id = 1", [], |r| r.get(0))?;
    let from = Currency::parse(&from_code)?;
    change_currency(tx, &from, &to)?;
    tx.execute(
        "UPDATE settings SET name = ?1, provider = ?2, tier = ?3, currency = ?4 WHERE id = 1",
        params![name, provider.trim(), tier.as_str(), to.code],
    )?;
    Ok(())
}

/// Deletes a service type, bolt-on category or tariff by code; refused while plans or tariffs use it.
pub(crate) fn delete_reference(tx: &Transaction, table: &str, what: &str, code: &str) -> Result<()> {
    let n = tx.execute(&format!("DELETE FROM {table} WHERE code = ?1"), [code]).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            CoreError::conflict(format!(
                "{what} '{code}' is still used by plans or tariffs; change them to another {what} first"
            ))
        }
        e => e.into(),
    })?;
    if n == 0 {
        return Err(CoreError::not_found(format!("there is no {what} with code '{code}'")));
    }
    Ok(())
}

/// Money columns: (table, column, extra condition) converted when the currency's decimals change.
const MONEY_COLUMNS: &[(&str, &str, &str)] = &[
    ("package_plan", "setup_fee", ""),
    ("package_plan", "access_fee", ""),
    ("package_plan", "iv_amount", "iv_type = 'dollar'"),
    ("service_plan", "setup_fee", ""),
    ("service_plan", "access_fee", ""),
    ("service_plan", "excess_rate", ""),
    ("bolt_on", "setup_fee", ""),
    ("bolt_on", "access_fee", ""),
    ("bolt_on", "first_time_fee", ""),
    ("bolt_on", "excess_rate", ""),
    ("bolt_on", "iv_amount", "iv_type = 'dollar'"),
    ("bolt_on_add_on", "setup_fee", ""),
    ("bolt_on_add_on", "access_fee", ""),
    ("service_plan_included_value", "amount", "value_type = 'dollar'"),
    ("add_on_quota", "amount", "value_type = 'dollar'"),
];

fn change_currency(tx: &Transaction, from: &Currency, to: &Currency) -> Result<()> {
    if from.decimals == to.decimals {
        return Ok(());
    }
    if to.decimals > from.decimals {
        let f = 10i64.pow(to.decimals - from.decimals);
        for (t, c, cond) in MONEY_COLUMNS {
            let w = if cond.is_empty() { String::new() } else { format!(" AND {cond}") };
            tx.execute(&format!("UPDATE {t} SET {c} = {c} * {f} WHERE {c} IS NOT NULL{w}"), [])?;
        }
    } else {
        let f = 10i64.pow(from.decimals - to.decimals);
        for (t, c, cond) in MONEY_COLUMNS {
            let w = if cond.is_empty() { String::new() } else { format!(" AND {cond}") };
            let inexact: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM {t} WHERE {c} IS NOT NULL AND {c} % {f} != 0{w}"),
                [],
                |r| r.get(0),
            )?;
            if inexact > 0 {
                return Err(CoreError::invalid(
                    "currency",
                    format!(
                        "cannot switch from {} to {}: {inexact} amount(s) in {t}.{c} have more decimals than {} allows; round them first",
                        from.code, to.code, to.code
                    ),
                ));
            }
            tx.execute(&format!("UPDATE {t} SET {c} = {c} / {f} WHERE {c} IS NOT NULL{w}"), [])?;
        }
    }
    Ok(())
}
