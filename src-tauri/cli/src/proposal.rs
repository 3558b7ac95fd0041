//! `plansmith proposal`: the client's PDF proposal of a structure or customer, over one or more
//! saved scenarios, written whole or not at all. The proposal is the core's
//! (`plansmith_core::proposal`); this reads the arguments, finds the saved scenarios and writes
//! the file.

use std::path::Path;

use anyhow::{Result, bail};
use plansmith_core::proposal::{self, Request};
use plansmith_core::rating::store;
use plansmith_core::{Catalog, Date, EntityKind, ErrorKind, Id};

use crate::Outcome;

pub fn run(file: &Path, subject: &str, scenarios: &[String], date: Option<&str>, out: &Path) -> Result<Outcome> {
    let id: Id = subject.parse()?;
    if !matches!(id.kind, EntityKind::Structure | EntityKind::Customer) {
        bail!("{id} is a {}; a proposal is for a structure (ST-n) or a customer (CU-n)", id.kind.label());
    }
    if out.extension().is_none_or(|e| !e.eq_ignore_ascii_case("pdf")) {
        bail!("--out {}: a proposal is a PDF; name the file FILE.pdf", out.display());
    }
    let date: Date = match date {
        Some(d) => d.parse()?,
        None => crate::now()?.date(),
    };
    let cat = Catalog::open_read_only(file)?;
    let snapshot = cat.snapshot()?;
    let exists = match id.kind {
        EntityKind::Customer => snapshot.customer(id).is_some(),
        _ => snapshot.structure(id).is_some(),
    };
    if !exists {
        bail!(
            "there is no {} {id} in this catalog; `plansmith list {} --kind {}` lists them",
            id.kind.label(),
            file.display(),
            if id.kind == EntityKind::Customer { "customer" } else { "structure" }
        );
    }
    if scenarios.is_empty() {
        let saved = store::scenarios_of(cat.conn(), id)?;
        if saved.is_empty() {
            bail!(
                "{id} has no saved scenario to rate; save one with `plansmith scenario save {} {id} NAME --usage …`, then name it with --scenario NAME",
                file.display()
            );
        }
        let names: Vec<String> = saved.iter().map(|s| format!("'{}'", s.name)).collect();
        bail!("name the scenarios to rate with --scenario NAME; {id} has {}", names.join(", "));
    }
    let chosen = scenarios.iter().map(|n| store::scenario(cat.conn(), id, n)).collect::<Result<Vec<_>, _>>()?;
    let pdf = match proposal::write(&snapshot, &Request { subject: id, scenarios: &chosen, date }) {
        Ok(p) => p,
        // The catalog cannot be rated as it is (no prices, nothing ordered): the catalog said no.
        Err(e) if e.kind() == ErrorKind::Conflict => {
            eprintln!("plansmith: {e}");
            return Ok(Outcome::Refused);
        }
        Err(e) => return Err(e.into()),
    };
    plansmith_core::new_file::write_replacing(out, &pdf.bytes)?;
    println!(
        "wrote {} ({} pages, {} bytes; {} scenario{})",
        out.display(),
        pdf.pages,
        pdf.bytes.len(),
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" }
    );
    Ok(Outcome::Done)
}
