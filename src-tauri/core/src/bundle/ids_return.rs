//! The ID return sheet (`id-return.csv`): one line per plan of the bundle, in build-sheet
//! order, with the production id left blank for ops to fill in as Emersion assigns them; and
//! reading it back (`plansmith import-ids`), which turns those plans live.
//!
//! Reading it back is all or nothing: every line is checked first (shape, known object, kind
//! and side as in the catalog, approved or already live with the same id, no object or
//! production id twice, no production id already used by another plan of the kind), every
//! problem is reported with its line number, and only a file without problems is applied, in
//! one undoable change through the lifecycle's audit. Blank production ids are skipped (not
//! keyed yet), so ops can send the sheet back more than once as they progress.

use std::collections::{BTreeMap, HashMap};

use rusqlite::params;
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::id::Id;
use crate::lifecycle::audit;
use crate::model::Status;
use crate::snapshot::Snapshot;
use crate::store::Catalog;
use crate::value::Stamp;

/// The header line, column by column.
pub const COLUMNS: [&str; 5] = ["object_id", "kind", "side", "internal_name", "production_id"];
/// Largest ID return file read (a 10 000-structure bundle's is about 10 MB).
const MAX_BYTES: usize = 64 << 20;

/// A free-text cell (the internal name) as a spreadsheet opens it without running it: text
/// that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading `'`,
/// the spreadsheet convention for "this is text". Reading the sheet back ignores the name.
fn inert(v: &str) -> std::borrow::Cow<'_, str> {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}").into() } else { v.into() }
}

fn field(out: &mut String, v: &str) {
    if v.contains([',', '"', '\n', '\r']) || v.starts_with([' ', '=', '+', '-', '@']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// The CSV of `plans` (in this order), production ids blank unless already live.
pub fn write(s: &Snapshot, plans: &[Id]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for p in plans.iter().filter_map(|id| s.plan(*id)) {
        let live = if p.status == Status::Live { p.production_id.clone().unwrap_or_default() } else { String::new() };
        for (i, v) in [
            p.id.to_string(),
            p.kind().name().to_string(),
            p.side.to_string(),
            inert(&p.internal_name).into_owned(),
            live,
        ]
        .iter()
        .enumerate()
        {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, v);
        }
        out.push_str("\r\n");
    }
    out
}

/// CSV records with the line each starts on, or the line and reason of a malformed one.
type Records = std::result::Result<Vec<(usize, Vec<String>)>, (usize, String)>;

/// Splits CSV text into records of fields (RFC 4180: quoted fields with doubled quotes, CRLF or
/// LF). Each record carries its first line number. A malformed quote is an error on its line.
fn records(text: &str) -> Records {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Err((start, "a quoted field is not closed (missing \")".into()));
                }
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cur.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        cur.push(c);
                    }
                    c => cur.push(c),
                }
                continue;
            }
            match c {
                '"' if cur.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                }
                '"' => {
                    return Err((
                        line,
                        "a quote inside an unquoted field (quote the whole field and double the quote)".into(),
                    ));
                }
                ',' => {
                    fields.push(std::mem::take(&mut cur));
                    was_quoted = false;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    break;
                }
                c if was_quoted => return Err((line, format!("text '{c}' after a closing quote"))),
                c => cur.push(c),
            }
        }
        fields.push(cur);
        if !(fields.len() == 1 && fields[0].trim().is_empty()) {
            out.push((start, fields));
        }
    }
    Ok(out)
}

/// One production id to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub line: usize,
    pub object: Id,
    pub production_id: String,
}

/// What a returned ID sheet would do, and what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IdsReturn {
    /// Plans that go live.
    pub assign: Vec<Assignment>,
    /// Lines whose object is already live with the same id (nothing to do).
    pub already_live: Vec<Id>,
    /// Lines with a blank production id (not keyed yet).
    pub blank: Vec<Id>,
    /// "line N: problem", in line order. Non-empty: nothing is applied.
    pub problems: Vec<String>,
}

fn check_header(header: &[String]) -> Option<String> {
    let got: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    (got != COLUMNS).then(|| {
        format!(
            "line 1: the header is '{}', but an ID return sheet starts with '{}' (as in the bundle's id-return.csv)",
            header.join(","),
            COLUMNS.join(",")
        )
    })
}

/// Checks a returned ID sheet against the catalog in `s` without writing anything.
pub fn plan(s: &Snapshot, csv: &str) -> IdsReturn {
    let mut r = IdsReturn::default();
    if csv.len() > MAX_BYTES {
        r.problems.push(format!("the file is {} bytes; an ID return sheet is at most {MAX_BYTES}", csv.len()));
        return r;
    }
    let recs = match records(csv) {
        Ok(v) => v,
        Err((n, why)) => {
            r.problems.push(format!("line {n}: {why}; nothing was read"));
            return r;
        }
    };
    let Some(((_, header), rows)) = recs.split_first() else {
        r.problems.push(
            "the file is empty; return the bundle's id-return.csv with the production_id column filled in".into(),
        );
        return r;
    };
    r.problems.extend(check_header(header));
    if !r.problems.is_empty() {
        return r;
    }
    let mut seen_object: HashMap<Id, usize> = HashMap::new();
    let mut seen_pid: HashMap<(crate::id::EntityKind, String), usize> = HashMap::new();
    for (n, row) in rows {
        if let Err(why) = check_row(s, *n, row, &mut seen_object, &mut seen_pid, &mut r) {
            r.problems.push(format!("line {n}: {why}"));
        }
    }
    r
}

fn check_row(
    s: &Snapshot,
    n: usize,
    row: &[String],
    seen_object: &mut HashMap<Id, usize>,
    seen_pid: &mut HashMap<(crate::id::EntityKind, String), usize>,
    r: &mut IdsReturn,
) -> std::result::Result<(), String> {
    if row.len() != COLUMNS.len() {
        return Err(format!("{} fields, but a line has {} ({})", row.len(), COLUMNS.len(), COLUMNS.join(",")));
    }
    let id: Id = row[0].trim().parse().map_err(|e: CoreError| e.message().to_string())?;
    let p = s
        .plan(id)
        .ok_or_else(|| format!("{id} is not a plan of this catalog (is the sheet from another catalog's bundle?)"))?;
    if !row[1].trim().eq_ignore_ascii_case(id.kind.name()) {
        return Err(format!("{id} is a {}, but the line says kind '{}'", id.kind.name(), row[1].trim()));
    }
    if !row[2].trim().eq_ignore_ascii_case(p.side.as_str()) {
        return Err(format!("{id} is {}, but the line says side '{}'", p.side, row[2].trim()));
    }
    if let Some(first) = seen_object.insert(id, n) {
        return Err(format!("{id} appears again (first on line {first}); keep one line per object"));
    }
    let pid = row[4].trim();
    if pid.is_empty() {
        r.blank.push(id);
        return Ok(());
    }
    if !crate::lifecycle::shows_as_production_id(pid) {
        return Err(format!(
            "the production id of {id} is not an id Emersion shows (control characters or over {} characters)",
            crate::lifecycle::PRODUCTION_ID_MAX
        ));
    }
    if let Some(first) = seen_pid.insert((id.kind, pid.to_string()), n) {
        return Err(format!(
            "production id {pid} is given twice for a {} (first on line {first}); each plan has its own",
            id.kind.label()
        ));
    }
    if let Some(other) = s.plans_of(id.kind).iter().find(|o| o.id != id && o.production_id.as_deref() == Some(pid)) {
        return Err(format!("production id {pid} is already used by {}; check the id ops reported", other.describe()));
    }
    match (p.status, p.production_id.as_deref()) {
        (Status::Live, Some(old)) if old == pid => {
            r.already_live.push(id);
            Ok(())
        }
        (Status::Live, old) => Err(format!(
            "{} is already live with production id {}; the line says {pid} (a live plan keeps its id: check which is right)",
            p.describe(),
            old.unwrap_or("(none)")
        )),
        (Status::Approved, _) => {
            r.assign.push(Assignment { line: n, object: id, production_id: pid.to_string() });
            Ok(())
        }
        (st, _) => Err(format!(
            "{} is {st}; only approved plans go live (approve it, or leave its production id blank)",
            p.describe()
        )),
    }
}

impl Catalog {
    /// Reads a returned ID sheet and, when it has no problems, turns every plan with a
    /// production id live in one undoable change (audited per plan). With problems nothing is
    /// written; they are in the returned [`IdsReturn::problems`].
    pub fn import_ids(&mut self, csv: &str, stamp: &Stamp) -> Result<IdsReturn> {
        if stamp.by.trim().is_empty() {
            return Err(CoreError::invalid("by", "going live records who reported the ids; give a name (--by NAME)"));
        }
        let s = self.snapshot()?;
        let r = plan(&s, csv);
        if !r.problems.is_empty() || r.assign.is_empty() {
            return Ok(r);
        }
        let by_kind: BTreeMap<Id, &str> = r.assign.iter().map(|a| (a.object, a.production_id.as_str())).collect();
        self.change(&format!("Import {} production id(s)", r.assign.len()), stamp, |tx| {
            for (id, pid) in &by_kind {
                tx.execute(
                    &format!(
                        "UPDATE \"{}\" SET status = 'live', production_id = ?1 WHERE id = ?2 AND status = 'approved'",
                        id.kind.table()
                    ),
                    params![pid, id.n],
                )?;
                audit(tx, stamp, "live", Some(*id), &format!("production id {pid} (ID return sheet)"))?;
            }
            Ok(())
        })?;
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_follow_rfc_4180() {
        let r = records("a,b\r\n\"x,\"\"y\"\"\",z\n\n\"multi\nline\",w").unwrap();
        assert_eq!(r[0], (1, vec!["a".into(), "b".into()]));
        assert_eq!(r[1], (2, vec!["x,\"y\"".into(), "z".into()]));
        assert_eq!(r[2], (4, vec!["multi\nline".into(), "w".into()]));
        assert_eq!(records("a,\"b").unwrap_err().0, 1);
        assert_eq!(records("ok\na\"b,c").unwrap_err().0, 2);
    }

    #[test]
    fn names_that_start_like_a_formula_open_as_text() {
        for (name, cell) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+61 mobile", "'+61 mobile"),
            ("-5 GB", "'-5 GB"),
            ("@sum", "'@sum"),
            ("\tTab", "'\tTab"),
            ("Mobile 40", "Mobile 40"),
            ("Top-up = 1 GB", "Top-up = 1 GB"),
        ] {
            assert_eq!(inert(name), cell, "{name:?}");
        }
    }

    #[test]
    fn fields_with_separators_or_formula_starts_are_quoted() {
        let mut s = String::new();
        field(&mut s, "=cmd()");
        assert_eq!(s, "\"=cmd()\"");
    }
}
