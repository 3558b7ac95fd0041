//! Human-readable output of the CLI: findings, object tables, build steps. Kept apart from the
//! commands so `--json` and text show the same data.

use plansmith_core::model::{Side, Status};
use plansmith_core::progress::{Progress, StepState};
use plansmith_core::rules::{Finding, Severity};
use plansmith_core::{EntityKind, Id, Snapshot};
use serde::Serialize;

pub fn findings(findings: &[Finding]) {
    for f in findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        outln!("{sev:<7} {}", f.message);
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    outln!("{errors} error(s), {} warning(s)", findings.len() - errors);
}

pub fn id_list(ids: &[Id]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let v: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    format!(": {}", v.join(", "))
}

/// One line of `plansmith list`.
#[derive(Serialize)]
pub struct Row {
    pub id: Id,
    pub kind: EntityKind,
    pub side: Option<Side>,
    pub status: Option<Status>,
    pub name: String,
    pub production_id: Option<String>,
}

pub fn rows(s: &Snapshot, kind: Option<EntityKind>, side: Option<Side>, status: Option<Status>) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for p in s.plans() {
        rows.push(Row {
            id: p.id,
            kind: p.kind(),
            side: Some(p.side),
            status: Some(p.status),
            name: p.internal_name.clone(),
            production_id: p.production_id.clone(),
        });
    }
    let plain = |id: Id, side: Option<Side>, name: String| Row {
        id,
        kind: id.kind,
        side,
        status: None,
        name,
        production_id: None,
    };
    rows.extend(s.bolt_on_groups.iter().map(|g| plain(g.id, Some(g.side), g.name.clone())));
    rows.extend(s.bolt_on_links.iter().map(|l| {
        let side = s.plan(l.service_plan).map(|p| p.side);
        let behaviour = l.behaviour.map(|b| b.to_string()).unwrap_or_else(|| "no behaviour".into());
        plain(l.id, side, format!("{} -> {} ({behaviour})", l.service_plan, l.bolt_on))
    }));
    rows.extend(s.allowances.iter().map(|a| {
        let side = s.plan(a.add_on).map(|p| p.side);
        plain(a.id, side, format!("{} under {} x{}", a.add_on, a.bolt_on_link, a.max_occurrence))
    }));
    rows.extend(s.customers.iter().map(|c| plain(c.id, None, c.name.clone())));
    rows.extend(s.sites.iter().map(|x| plain(x.id, None, format!("{} ({} {})", x.name, x.technology, x.speed))));
    rows.extend(s.structures.iter().map(|x| plain(x.id, None, format!("{} [{}]", x.name, x.kind))));
    rows.retain(|r| {
        kind.is_none_or(|k| r.kind == k)
            && side.is_none_or(|sd| r.side == Some(sd))
            && status.is_none_or(|st| r.status == Some(st))
    });
    rows
}

pub fn table(rows: &[Row]) {
    for r in rows {
        let side = r.side.map(|s| s.to_string()).unwrap_or_default();
        let status = r.status.map(|s| s.to_string()).unwrap_or_default();
        let pid = r.production_id.as_deref().map(|p| format!("  [production id {p}]")).unwrap_or_default();
        outln!("{:<7} {:<15} {:<4} {:<8} {}{pid}", r.id.to_string(), r.kind.name(), side, status, r.name);
    }
    outln!("{} object(s)", rows.len());
}

pub fn steps(p: &Progress) {
    outln!("{} {} [{}] — {} of {} steps done", p.structure, p.name, p.kind, p.done(), p.total());
    for s in &p.steps {
        let mark = match s.state {
            StepState::Done => "[x]",
            StepState::Open => "[ ]",
            StepState::Skipped => "[-]",
        };
        let tail = match (&s.state, &s.missing) {
            (StepState::Done, _) => {
                let v: Vec<String> = s.objects.iter().map(|o| o.to_string()).collect();
                format!("  ({})", v.join(", "))
            }
            (StepState::Skipped, _) => "  (not needed: BUY side of a retailer)".to_string(),
            (StepState::Open, Some(m)) => format!("  — needs {m}"),
            (StepState::Open, None) => String::new(),
        };
        outln!("  {mark} {:>2}. {}{tail}", s.number, s.title);
    }
}
