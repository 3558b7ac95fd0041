//! The catalog at a glance, for the home screen and `plansmith list`: counts per kind and
//! status, each structure with its build progress and its error and warning counts.

use serde::Serialize;

use crate::error::Result;
use crate::id::EntityKind;
use crate::model::{Status, StructureKind, Tier};
use crate::progress;
use crate::relations::Relations;
use crate::rules::{self, Finding, FindingCounts, Severity};
use crate::snapshot::Snapshot;
use crate::store::Catalog;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub total: u64,
    pub draft: u64,
    pub approved: u64,
    pub live: u64,
    pub retired: u64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StructureSummary {
    pub id: String,
    pub kind: StructureKind,
    pub name: String,
    pub steps_done: u32,
    pub steps_total: u32,
    pub errors: u32,
    pub warnings: u32,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overview {
    pub catalog_id: String,
    pub name: String,
    pub provider: String,
    pub tier: Tier,
    pub currency: String,
    pub counts: Vec<KindCount>,
    pub structures: Vec<StructureSummary>,
    pub errors: u32,
    pub warnings: u32,
}

fn count(kind: EntityKind, plans: &[crate::model::Plan]) -> KindCount {
    let by = |st: Status| plans.iter().filter(|p| p.status == st).count() as u64;
    KindCount {
        kind: kind.name().to_string(),
        total: plans.len() as u64,
        draft: by(Status::Draft),
        approved: by(Status::Approved),
        live: by(Status::Live),
        retired: by(Status::Retired),
    }
}

/// Builds the overview from a snapshot and its findings.
pub(crate) fn overview(s: &Snapshot, findings: &[Finding]) -> Overview {
    let r = Relations::new(s);
    let per_object = FindingCounts::new(findings);
    let mut counts: Vec<KindCount> = EntityKind::PLANS.iter().map(|k| count(*k, s.plans_of(*k))).collect();
    let plain = |kind: EntityKind, n: usize| KindCount {
        kind: kind.name().to_string(),
        total: n as u64,
        draft: 0,
        approved: 0,
        live: 0,
        retired: 0,
    };
    counts.push(plain(EntityKind::BoltOnGroup, s.bolt_on_groups.len()));
    counts.push(plain(EntityKind::BoltOnLink, s.bolt_on_links.len()));
    counts.push(plain(EntityKind::Allowance, s.allowances.len()));
    counts.push(plain(EntityKind::Customer, s.customers.len()));
    counts.push(plain(EntityKind::Site, s.sites.len()));
    let structures = s
        .structures
        .iter()
        .map(|st| {
            let objects = progress::objects(&r, st);
            let p = progress::progress(&r, st);
            let (errors, warnings) =
                objects.all().map(|id| per_object.of(id)).fold((0, 0), |(e, w), (fe, fw)| (e + fe, w + fw));
            StructureSummary {
                id: st.id.to_string(),
                kind: st.kind,
                name: st.name.clone(),
                steps_done: p.done(),
                steps_total: p.total(),
                errors,
                warnings,
            }
        })
        .collect();
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count() as u32;
    Overview {
        catalog_id: s.settings.catalog_id.clone(),
        name: s.settings.name.clone(),
        provider: s.settings.provider.clone(),
        tier: s.settings.tier,
        currency: s.settings.currency.clone(),
        counts,
        structures,
        errors,
        warnings: findings.len() as u32 - errors,
    }
}

impl Catalog {
    /// The catalog at a glance (reads and checks the whole catalog).
    pub fn overview(&self) -> Result<Overview> {
        let s = self.snapshot()?;
        let findings = rules::check(&s);
        Ok(overview(&s, &findings))
    }

    /// The audit log, oldest first.
    pub fn audit_log(&self) -> Result<Vec<crate::model::AuditEntry>> {
        let mut st = self.conn().prepare("SELECT seq, at, by, action, object, detail FROM audit_log ORDER BY seq")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (seq, at, by, action, object, detail) = row?;
            Ok(crate::model::AuditEntry {
                seq,
                at: at.parse()?,
                by,
                action,
                object: object.map(|o| o.parse()).transpose()?,
                detail,
            })
        })
        .collect()
    }
}
