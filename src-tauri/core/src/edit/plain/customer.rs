//! Plain edits of customers and their sites (domain.md §3): names, the data package a customer
//! orders once, and each site's technology, speed, service identifier and tail package.

use rusqlite::{Transaction, params};

use crate::edit::plain::check::{clean, must_be, required_text};
use crate::error::Result;
use crate::id::{EntityKind, Id};

use EntityKind::PackagePlan as PP;

pub(crate) fn create_customer(tx: &Transaction, name: &str) -> Result<Id> {
    let name = required_text("name", "a customer", name)?;
    tx.execute("INSERT INTO customer (name) VALUES (?1)", [name])?;
    Ok(Id::new(EntityKind::Customer, tx.last_insert_rowid()))
}

pub(crate) fn update_customer(
    tx: &Transaction,
    id: Id,
    name: &str,
    description: &Option<String>,
    data_package: Option<Id>,
) -> Result<()> {
    must_be(tx, id, EntityKind::Customer, "id")?;
    let name = required_text("name", "a customer", name)?;
    if let Some(p) = data_package {
        must_be(tx, p, PP, "data_package")?;
    }
    tx.execute(
        "UPDATE customer SET name = ?1, description = ?2, data_package = ?3 WHERE id = ?4",
        params![name, clean(description), data_package.map(|p| p.n), id.n],
    )?;
    Ok(())
}

/// Deletes a customer with its sites; its structures stay, without a customer.
pub(crate) fn delete_customer(tx: &Transaction, id: Id) -> Result<()> {
    must_be(tx, id, EntityKind::Customer, "id")?;
    tx.execute("UPDATE structure SET customer = NULL WHERE customer = ?1", [id.n])?;
    tx.execute("DELETE FROM site WHERE customer = ?1", [id.n])?;
    tx.execute("DELETE FROM customer WHERE id = ?1", [id.n])?;
    Ok(())
}

pub(crate) fn create_site(
    tx: &Transaction,
    customer: Id,
    name: &str,
    technology: &str,
    speed: &str,
    service_identifier: &Option<String>,
    tail_package: Option<Id>,
) -> Result<Id> {
    must_be(tx, customer, EntityKind::Customer, "customer")?;
    let (name, technology, speed) = site_texts(name, technology, speed)?;
    if let Some(p) = tail_package {
        must_be(tx, p, PP, "tail_package")?;
    }
    tx.execute(
        "INSERT INTO site (customer, name, technology, speed, service_identifier, tail_package) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![customer.n, name, technology, speed, clean(service_identifier), tail_package.map(|p| p.n)],
    )?;
    Ok(Id::new(EntityKind::Site, tx.last_insert_rowid()))
}

pub(crate) fn update_site(
    tx: &Transaction,
    id: Id,
    name: &str,
    technology: &str,
    speed: &str,
    service_identifier: &Option<String>,
    tail_package: Option<Id>,
) -> Result<()> {
    must_be(tx, id, EntityKind::Site, "id")?;
    let (name, technology, speed) = site_texts(name, technology, speed)?;
    if let Some(p) = tail_package {
        must_be(tx, p, PP, "tail_package")?;
    }
    tx.execute(
        "UPDATE site SET name = ?1, technology = ?2, speed = ?3, service_identifier = ?4, tail_package = ?5 WHERE id = ?6",
        params![name, technology, speed, clean(service_identifier), tail_package.map(|p| p.n), id.n],
    )?;
    Ok(())
}

pub(crate) fn delete_site(tx: &Transaction, id: Id) -> Result<()> {
    must_be(tx, id, EntityKind::Site, "id")?;
    tx.execute("DELETE FROM site WHERE id = ?1", [id.n])?;
    Ok(())
}

fn site_texts(name: &str, technology: &str, speed: &str) -> Result<(String, String, String)> {
    Ok((
        required_text("name", "a site", name)?,
        required_text("technology", "a site", technology)?,
        required_text("speed", "a site", speed)?,
    ))
}
