//! One function per `plansmith` command: parse ids, open the catalog the way the command needs
//! (read-only for anything that only reads, so it works while the app has the file open), call
//! the core, print. No logic of the domain lives here.

use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, Result, bail};
use plansmith_core::model::{Side, Status, Tier};
use plansmith_core::rules::{self, Severity};
use plansmith_core::{
    Catalog, Change, EntityKind, Id, NewCatalog, Snapshot, demo, interchange, progress,
    relations::Relations,
    synth::{self, SynthSpec},
};

use crate::{Command, Outcome, ScenarioAction, stamp};
use crate::{bundle, output, render};

fn parse_id(s: &str) -> Result<Id> {
    Ok(s.parse::<Id>()?)
}

fn parse_ids(v: &[String]) -> Result<Vec<Id>> {
    v.iter().map(|s| parse_id(s)).collect()
}

fn read_only(file: &Path) -> Result<Catalog> {
    Ok(Catalog::open_read_only(file)?)
}

fn writable(file: &Path) -> Result<Catalog> {
    Ok(Catalog::open(file)?)
}

pub fn run(cmd: Command) -> Result<Outcome> {
    match cmd {
        Command::New { file, demo: with_demo, name, provider, tier, currency, synthetic, seed } => {
            let st = stamp(None)?;
            if synthetic == Some(0) {
                bail!("--synthetic 0 makes nothing; give the number of objects to generate, e.g. --synthetic 7400");
            }
            if with_demo {
                demo::write_demo(&file, &st)?;
            } else {
                let defaults = NewCatalog::for_file(&file, &st);
                let new = NewCatalog {
                    name: name.unwrap_or(defaults.name),
                    provider,
                    tier: Tier::parse(&tier)?,
                    currency,
                    ..defaults
                };
                let mut cat = Catalog::create(&file, &new, &st)?;
                if let Some(n) = synthetic {
                    let made = synth::generate(&mut cat, &SynthSpec::sized(n), seed)?;
                    outln!(
                        "generated {} objects: {} plans, {} allowances, {} structures (seed {seed})",
                        made.n_entities,
                        made.plans(),
                        made.allowances,
                        made.structures
                    );
                }
            }
            outln!("created {}", file.display());
            Ok(Outcome::Done)
        }
        Command::Check { file, json, objects } => {
            let cat = read_only(&file)?;
            let findings = if objects.is_empty() {
                rules::check(&cat.snapshot()?)
            } else {
                rules::check_objects(cat.conn(), &parse_ids(&objects)?)?
            };
            let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
            if json {
                let out = serde_json::json!({
                    "errors": errors,
                    "warnings": findings.len() - errors,
                    "findings": findings,
                });
                outln!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                render::findings(&findings);
            }
            Ok(if errors > 0 { Outcome::Refused } else { Outcome::Done })
        }
        Command::Dump { file, out } => {
            let cat = read_only(&file)?;
            let json = interchange::dump(&cat)?;
            match out {
                Some(p) => plansmith_core::new_file::write_new(&p, json.as_bytes())?,
                None => output::write_all(json.as_bytes()),
            }
            Ok(Outcome::Done)
        }
        Command::Load { file, input } => {
            let text = std::fs::read_to_string(&input).with_context(|| format!("cannot read {}", input.display()))?;
            interchange::load(&file, &text, &stamp(None)?)?;
            outln!("created {} from {}", file.display(), input.display());
            Ok(Outcome::Done)
        }
        Command::List { file, kind, side, status, json } => {
            let cat = read_only(&file)?;
            let kind = kind.map(|k| k.parse::<EntityKind>()).transpose()?;
            let side = side.map(|s| Side::parse(&s.to_ascii_uppercase())).transpose()?;
            let status = status.map(|s| Status::parse(&s.to_ascii_lowercase())).transpose()?;
            let s = cat.snapshot()?;
            let rows = render::rows(&s, kind, side, status);
            if json {
                outln!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                render::table(&rows);
            }
            Ok(Outcome::Done)
        }
        Command::Steps { file, structure, json } => {
            let cat = read_only(&file)?;
            let s: Snapshot = cat.snapshot()?;
            let r = Relations::new(&s);
            let p = progress::progress_of(&r, parse_id(&structure)?)?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                render::steps(&p);
            }
            Ok(Outcome::Done)
        }
        Command::Approve { file, ids, all, by } => {
            let st = stamp(Some(&by))?;
            let mut cat = writable(&file)?;
            if all {
                let out = cat.approve_all(&st)?;
                outln!("approved {} object(s){}", out.approved.len(), render::id_list(&out.approved));
                if out.blocked.is_empty() {
                    return Ok(Outcome::Done);
                }
                outln!("not approved, blocked by:");
                for b in &out.blocked {
                    outln!("  - {}", b.message);
                }
                return Ok(Outcome::Refused);
            }
            if ids.is_empty() {
                bail!("name the objects to approve (e.g. PP-3) or use --all");
            }
            let approved = cat.approve(&parse_ids(&ids)?, &st)?;
            outln!("approved {} object(s){}", approved.len(), render::id_list(&approved));
            Ok(Outcome::Done)
        }
        Command::Reopen { file, id, by, reason } => {
            let st = stamp(Some(&by))?;
            let mut cat = writable(&file)?;
            let reopened = cat.reopen(parse_id(&id)?, &reason, &st)?;
            outln!("reopened {} object(s){}", reopened.len(), render::id_list(&reopened));
            Ok(Outcome::Done)
        }
        Command::Live { file, id, production_id, by } => {
            let mut cat = writable(&file)?;
            let id = parse_id(&id)?;
            cat.mark_live(id, &production_id, &stamp(Some(&by))?)?;
            outln!("{id} is live with production id {}", production_id.trim());
            Ok(Outcome::Done)
        }
        Command::Retire { file, id, by } => {
            let mut cat = writable(&file)?;
            let id = parse_id(&id)?;
            cat.retire(id, &stamp(Some(&by))?)?;
            outln!("{id} is retired");
            Ok(Outcome::Done)
        }
        Command::Undo { file, by } => {
            let mut cat = writable(&file)?;
            match cat.undo(&stamp(by.as_deref())?)? {
                Some(step) => outln!("undid: {}", step.label),
                None => outln!("nothing to undo"),
            }
            Ok(Outcome::Done)
        }
        Command::Redo { file, by } => {
            let mut cat = writable(&file)?;
            match cat.redo(&stamp(by.as_deref())?)? {
                Some(step) => outln!("redid: {}", step.label),
                None => outln!("nothing to redo"),
            }
            Ok(Outcome::Done)
        }
        Command::Apply { file, changes, by } => apply(&file, &changes, by.as_deref()),
        Command::Audit { file, json } => {
            let cat = read_only(&file)?;
            let log = cat.audit_log()?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&log)?);
            } else {
                for e in &log {
                    let object = e.object.map(|o| o.to_string()).unwrap_or_default();
                    outln!("{}  {:<10} {:<8} {:<7} {}", e.at, e.by, e.action, object, e.detail);
                }
            }
            Ok(Outcome::Done)
        }
        Command::Export { file, out, structures, sign, since, preview, by, json } => {
            bundle::export(bundle::Export { file, out, structures, sign, since, by, preview, json })
        }
        Command::Keygen { out } => bundle::keygen(&out),
        Command::Rate { file, subject, scenario, what, json, csv } => {
            crate::rating::rate(&file, &subject, scenario.as_deref(), &what, json, csv)
        }
        Command::Scenario { action } => match action {
            ScenarioAction::Save { file, subject, name, what, by } => {
                crate::rating::save(&file, &subject, &name, &what, by.as_deref())
            }
            ScenarioAction::List { file, subject, json } => crate::rating::list(&file, subject.as_deref(), json),
            ScenarioAction::Delete { file, subject, name, by } => {
                crate::rating::delete(&file, &subject, &name, by.as_deref())
            }
        },
        Command::Verify { bundle: b, pubkey, json } => bundle::verify(&b, pubkey.as_deref(), json),
        Command::ImportIds { file, returned, by, json } => bundle::import_ids(&file, &returned, by.as_deref(), json),
        Command::Diff { a, b, json } => bundle::diff(&a, &b, json),
        Command::Import { bundle: b, file, pubkey, by } => bundle::import(&b, &file, pubkey.as_deref(), by.as_deref()),
        Command::Diagram { file, structure, shared_data, out, json } => crate::diagram::run(crate::diagram::Request {
            file: &file,
            structure: structure.as_deref(),
            shared_data,
            out: out.as_deref(),
            json,
        }),
        Command::Rules => {
            for r in rules::RULES {
                outln!("{}  {:<7}  {}", r.id, format!("{:?}", r.severity).to_lowercase(), r.summary);
            }
            Ok(Outcome::Done)
        }
    }
}

fn apply(file: &Path, changes: &Path, by: Option<&str>) -> Result<Outcome> {
    let mut cat = writable(file)?;
    let input: Box<dyn BufRead> = if changes.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(changes).with_context(|| format!("cannot read {}", changes.display()))?,
        ))
    };
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let line = line.with_context(|| format!("cannot read line {n} of {}", changes.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let change: Change = match serde_json::from_str(&line) {
            Ok(c) => c,
            Err(e) => {
                eprintln!(
                    "plansmith: line {n}: not a change ({e}); earlier lines were applied, nothing from line {n} on"
                );
                return Ok(Outcome::Refused);
            }
        };
        match cat.apply(&change, &stamp(by)?) {
            Ok(applied) => {
                let created = applied.created.map(|c| format!(" -> {c}")).unwrap_or_default();
                outln!("ok {n} {}{created}", applied.label);
            }
            Err(e) => {
                eprintln!("plansmith: line {n}: {e}; earlier lines were applied, nothing from line {n} on");
                return Ok(Outcome::Refused);
            }
        }
    }
    Ok(Outcome::Done)
}
