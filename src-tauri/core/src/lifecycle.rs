//! The lifecycle of domain.md §5: draft → approved → live → retired. Each transition is one
//! undoable change and is written to the audit log with who, when and why.
//!
//! Approving an object approves, in the same transaction, every draft object it depends on
//! (see [`Relations::dependencies`]): a package plan brings its whole structure. It is refused,
//! with every blocking finding listed, when anything in that closure has errors, lacks a
//! `saleable_from`, or is retired. Reopening returns an approved object to draft and withdraws
//! the approval of everything approved that depends on it.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Transaction, params};
use serde::Serialize;

use crate::detail::{ObjectName, name_of};
use crate::error::{CoreError, ErrorKind, Result};
use crate::id::{EntityKind, Id};
use crate::model::Status;
use crate::relations::Relations;
use crate::rules::{self, Finding, Severity};
use crate::snapshot::{Scope, Snapshot};
use crate::store::Catalog;
use crate::value::Stamp;

/// What an approval would do: the objects it approves and what blocks it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalPlan {
    /// The draft objects that would be approved (those asked for and their draft dependencies).
    pub approves: Vec<Id>,
    /// Why it cannot happen (empty: it can).
    pub blockers: Vec<Blocker>,
    /// Names, kinds (by id) and sides of every object above, sorted by id, so a preview reads
    /// as names rather than bare ids.
    pub names: Vec<ObjectName>,
}

/// One reason an approval is refused.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// The plan whose approval is blocked.
    pub object: Id,
    /// Rule id (LIF-01 for a missing saleable_from or a retired dependency).
    pub rule: String,
    pub field: Option<String>,
    pub message: String,
}

/// The plan an error finding holds back: links and allowances belong to their service plan,
/// group findings to the group's bolt-ons.
fn owners(s: &Snapshot, f: &Finding) -> Vec<Id> {
    match f.object.kind {
        k if k.is_plan() => vec![f.object],
        EntityKind::BoltOnLink => s.link(f.object).map(|l| vec![l.service_plan]).unwrap_or_default(),
        EntityKind::Allowance => {
            s.allowance(f.object).and_then(|a| s.link(a.bolt_on_link)).map(|l| vec![l.service_plan]).unwrap_or_default()
        }
        EntityKind::BoltOnGroup => s.group(f.object).map(|g| g.members.clone()).unwrap_or_default(),
        _ => vec![],
    }
}

/// Works out what approving `ids` would approve and what blocks it.
pub fn plan_approval(s: &Snapshot, ids: &[Id]) -> Result<ApprovalPlan> {
    Approvals::new(s).plan(ids)
}

/// What every approval of one snapshot reads: its relations and the error findings per plan
/// they hold back, computed once (so `approve --all` checks the catalog once, not per draft).
struct Approvals<'a> {
    s: &'a Snapshot,
    r: Relations<'a>,
    errors: BTreeMap<Id, Vec<Finding>>,
}

impl<'a> Approvals<'a> {
    fn new(s: &'a Snapshot) -> Approvals<'a> {
        let mut errors: BTreeMap<Id, Vec<Finding>> = BTreeMap::new();
        for f in rules::check(s).into_iter().filter(|f| f.severity == Severity::Error) {
            for o in owners(s, &f) {
                errors.entry(o).or_default().push(f.clone());
            }
        }
        Approvals { s, r: Relations::new(s), errors }
    }

    fn plan(&self, ids: &[Id]) -> Result<ApprovalPlan> {
        let (s, r) = (self.s, &self.r);
        let mut closure: BTreeSet<Id> = BTreeSet::new();
        let mut blockers = Vec::new();
        let mut queue: Vec<Id> = Vec::new();
        for id in ids {
            let p = plan_of(s, *id)?;
            match p.status {
                Status::Draft => queue.push(*id),
                st => {
                    return Err(CoreError::lifecycle(format!(
                        "{} is already {st}; only draft objects can be approved",
                        p.describe()
                    )));
                }
            }
        }
        while let Some(id) = queue.pop() {
            let Some(p) = s.plan(id) else { continue };
            match p.status {
                Status::Draft => {
                    if closure.insert(id) {
                        queue.extend(r.dependencies(id));
                    }
                }
                Status::Retired => blockers.push(Blocker {
                    object: id,
                    rule: "LIF-01".into(),
                    field: Some("status".into()),
                    message: format!(
                        "LIF-01 {} is retired, but something being approved depends on it; link a current plan instead",
                        p.describe()
                    ),
                }),
                Status::Approved | Status::Live => {}
            }
        }
        for o in &closure {
            for f in self.errors.get(o).into_iter().flatten() {
                blockers.push(Blocker {
                    object: *o,
                    rule: f.rule.to_string(),
                    field: f.field.clone(),
                    message: f.message.clone(),
                });
            }
        }
        for id in &closure {
            if let Some(p) = s.plan(*id).filter(|p| p.saleable_from.is_none()) {
                blockers.push(Blocker {
                object: *id,
                rule: "LIF-01".into(),
                field: Some("saleable_from".into()),
                message: format!(
                    "LIF-01 {}: saleable_from is empty, but it is required before approval; enter the date it may first be sold",
                    p.describe()
                ),
            });
            }
        }
        blockers.sort_by(|a, b| (a.object, &a.rule, &a.field).cmp(&(b.object, &b.rule, &b.field)));
        blockers.dedup();
        let named: BTreeSet<Id> = closure.iter().copied().chain(blockers.iter().map(|b| b.object)).collect();
        let names = named.into_iter().filter_map(|id| name_of(s, id)).collect();
        Ok(ApprovalPlan { approves: closure.into_iter().collect(), blockers, names })
    }
}

/// The longest production id taken: Emersion's ids are short, so a longer one is a pasting slip.
pub const PRODUCTION_ID_MAX: usize = 100;

/// Whether `pid` (trimmed, not empty) can be an id Emersion assigned: no control characters, at
/// most [`PRODUCTION_ID_MAX`] bytes. `plansmith live`, the window and the ID return sheet agree.
pub(crate) fn shows_as_production_id(pid: &str) -> bool {
    !pid.chars().any(char::is_control) && pid.len() <= PRODUCTION_ID_MAX
}

/// The plan `id`, or an error naming it: not found, or not a plan (only plans have a status).
fn plan_of(s: &Snapshot, id: Id) -> Result<&crate::model::Plan> {
    if !id.kind.is_plan() {
        return Err(CoreError::invalid(
            "id",
            format!(
                "{id} ({}) has no status of its own: only package plans, service plans, bolt-ons \
                 and bolt-on add-ons are approved, reopened, put live or retired; name the plans \
                 it holds or links instead",
                id.kind.label()
            ),
        ));
    }
    s.plan(id).ok_or_else(|| {
        CoreError::not_found(format!("there is no {} {id} in this catalog", id.kind.label())).with_field("id")
    })
}

fn set_status(tx: &Transaction, id: Id, status: Status) -> Result<()> {
    tx.execute(
        &format!("UPDATE \"{}\" SET status = ?1 WHERE id = ?2", id.kind.table()),
        params![status.as_str(), id.n],
    )?;
    Ok(())
}

pub(crate) fn audit(tx: &Transaction, stamp: &Stamp, action: &str, object: Option<Id>, detail: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, by, action, object, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![stamp.at.to_string(), stamp.by, action, object.map(|o| o.to_string()), detail],
    )?;
    Ok(())
}

fn blocked_error(what: &str, blockers: &[Blocker]) -> CoreError {
    let lines: Vec<String> = blockers.iter().map(|b| format!("  - {}", b.message)).collect();
    CoreError::lifecycle(format!("{what} was refused; fix these first:\n{}", lines.join("\n")))
}

fn who(stamp: &Stamp) -> Result<()> {
    if stamp.by.trim().is_empty() {
        return Err(CoreError::invalid("by", "lifecycle steps record who made them; give a name (--by NAME)"));
    }
    Ok(())
}

/// The outcome of `approve --all`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApproveAll {
    pub approved: Vec<Id>,
    /// Drafts left as they are, with what blocks each.
    pub blocked: Vec<Blocker>,
}

impl Catalog {
    pub fn snapshot(&self) -> Result<Snapshot> {
        Snapshot::load(self.conn(), &Scope::All)
    }

    /// What approving `ids` would approve and what blocks it (nothing is written).
    pub fn plan_approval(&self, ids: &[Id]) -> Result<ApprovalPlan> {
        plan_approval(&self.snapshot()?, ids)
    }

    /// Approves `ids` and their draft dependencies, or refuses listing every blocker.
    pub fn approve(&mut self, ids: &[Id], stamp: &Stamp) -> Result<Vec<Id>> {
        who(stamp)?;
        if ids.is_empty() {
            return Err(CoreError::invalid("id", "name at least one object to approve (or use --all)"));
        }
        let plan = self.plan_approval(ids)?;
        if !plan.blockers.is_empty() {
            let names: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            return Err(blocked_error(&format!("approving {}", names.join(", ")), &plan.blockers));
        }
        let label = format!("Approve {}", ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", "));
        let approves = plan.approves.clone();
        let asked = ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
        self.change(&label, stamp, |tx| {
            for id in &approves {
                set_status(tx, *id, Status::Approved)?;
                let detail =
                    if ids.contains(id) { String::new() } else { format!("approved as a dependency of {asked}") };
                audit(tx, stamp, "approve", Some(*id), &detail)?;
            }
            Ok(())
        })?;
        Ok(approves)
    }

    /// Approves every draft plan whose approval is not blocked, in one change; reports the rest.
    pub fn approve_all(&mut self, stamp: &Stamp) -> Result<ApproveAll> {
        who(stamp)?;
        let s = self.snapshot()?;
        let drafts: Vec<Id> = s.plans().filter(|p| p.status == Status::Draft).map(|p| p.id).collect();
        let approvals = Approvals::new(&s);
        let mut approved = BTreeSet::new();
        let mut blocked = Vec::new();
        for id in &drafts {
            let plan = approvals.plan(&[*id])?;
            if plan.blockers.is_empty() {
                approved.insert(*id);
            } else {
                blocked.extend(plan.blockers);
            }
        }
        // A draft's closure holds its draft dependencies, whose closures are subsets of it:
        // if a draft is unblocked, so is everything it brings along, so the set is closed.
        let approved: Vec<Id> = approved.into_iter().collect();
        if !approved.is_empty() {
            self.change("Approve all ready plans", stamp, |tx| {
                for id in &approved {
                    set_status(tx, *id, Status::Approved)?;
                    audit(tx, stamp, "approve", Some(*id), "approve --all")?;
                }
                Ok(())
            })?;
        }
        blocked.sort_by(|a, b| (a.object, &a.rule, &a.field).cmp(&(b.object, &b.rule, &b.field)));
        blocked.dedup();
        Ok(ApproveAll { approved, blocked })
    }

    /// Returns an approved object to draft with a reason, withdrawing the approval of
    /// everything approved that depends on it. Returns every object reopened.
    pub fn reopen(&mut self, id: Id, reason: &str, stamp: &Stamp) -> Result<Vec<Id>> {
        who(stamp)?;
        if reason.trim().is_empty() {
            return Err(CoreError::invalid(
                "reason",
                "reopening needs a reason (--reason TEXT); it is kept in the audit log",
            ));
        }
        let s = self.snapshot()?;
        let p = plan_of(&s, id)?;
        if p.status != Status::Approved {
            return Err(CoreError::lifecycle(format!(
                "{} is {}; only approved objects can be reopened{}",
                p.describe(),
                p.status,
                if p.status == Status::Live {
                    " (a live object changes only its editable-when-live fields, or is replaced by a new plan)"
                } else {
                    ""
                }
            )));
        }
        let r = Relations::new(&s);
        let mut reopened = BTreeSet::from([id]);
        let mut queue = r.dependants(id);
        while let Some(d) = queue.pop() {
            if s.plan(d).is_some_and(|p| p.status == Status::Approved) && reopened.insert(d) {
                queue.extend(r.dependants(d));
            }
        }
        let reopened: Vec<Id> = reopened.into_iter().collect();
        let reason = reason.trim().to_string();
        self.change(&format!("Reopen {id}"), stamp, |tx| {
            for o in &reopened {
                set_status(tx, *o, Status::Draft)?;
                let detail =
                    if *o == id { reason.clone() } else { format!("approval withdrawn: depends on {id} ({reason})") };
                audit(tx, stamp, "reopen", Some(*o), &detail)?;
            }
            Ok(())
        })?;
        Ok(reopened)
    }

    /// Ops reported the production id: an approved object goes live.
    pub fn mark_live(&mut self, id: Id, production_id: &str, stamp: &Stamp) -> Result<()> {
        who(stamp)?;
        let pid = production_id.trim().to_string();
        if pid.is_empty() {
            return Err(CoreError::invalid(
                "production_id",
                "a production id is needed to mark an object live (the id Emersion assigned)",
            ));
        }
        if !shows_as_production_id(&pid) {
            return Err(CoreError::invalid(
                "production_id",
                format!(
                    "the production id of {id} is not an id Emersion shows (control characters or over \
                     {PRODUCTION_ID_MAX} characters); copy it from Emersion's screen"
                ),
            ));
        }
        let s = self.snapshot()?;
        let p = plan_of(&s, id)?;
        if p.status != Status::Approved {
            return Err(CoreError::lifecycle(format!(
                "{} is {}; only approved objects go live",
                p.describe(),
                p.status
            )));
        }
        if let Some(other) =
            s.plans_of(id.kind).iter().find(|o| o.id != id && o.production_id.as_deref() == Some(pid.as_str()))
        {
            return Err(CoreError::new(
                ErrorKind::Conflict,
                format!("production id {pid} is already used by {}; check the id ops reported", other.describe()),
            )
            .with_field("production_id"));
        }
        self.change(&format!("Mark {id} live"), stamp, |tx| {
            tx.execute(
                &format!("UPDATE \"{}\" SET status = 'live', production_id = ?1 WHERE id = ?2", id.kind.table()),
                params![pid, id.n],
            )?;
            audit(tx, stamp, "live", Some(id), &format!("production id {pid}"))
        })
    }

    /// Retires an approved or live object: kept for history, no longer exported as new work.
    pub fn retire(&mut self, id: Id, stamp: &Stamp) -> Result<()> {
        who(stamp)?;
        let s = self.snapshot()?;
        let p = plan_of(&s, id)?;
        if !matches!(p.status, Status::Approved | Status::Live) {
            return Err(CoreError::lifecycle(format!(
                "{} is {}; only approved or live objects are retired (a draft can simply be deleted)",
                p.describe(),
                p.status
            )));
        }
        self.change(&format!("Retire {id}"), stamp, |tx| {
            set_status(tx, id, Status::Retired)?;
            audit(tx, stamp, "retire", Some(id), "")
        })
    }
}
