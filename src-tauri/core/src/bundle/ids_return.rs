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

/// The CSV of `plans` (in this order), production ids blank unless already live: RFC 4180
/// with CRLF line ends, a field quoted only when it holds a comma, a quote or a line break.
pub fn write(s: &Snapshot, plans: &[Id]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(64 + plans.len() * 64));
    let wrote = (|| -> csv::Result<()> {
        w.write_record(COLUMNS)?;
        for p in plans.iter().filter_map(|id| s.plan(*id)) {
            let live = if p.status == Status::Live { p.production_id.as_deref().unwrap_or_default() } else { "" };
            w.write_record([&*p.id.text(), p.kind().name(), p.side.as_str(), &inert(&p.internal_name), live])?;
        }
        Ok(())
    })();
    wrote.expect("writing CSV into memory cannot fail");
    let bytes = w.into_inner().expect("writing CSV into memory cannot fail");
    String::from_utf8(bytes).expect("CSV written from text is text")
}

/// Line numbers of the sheet's records, from their byte offsets (the CSV reader's own line
/// count trails by the previous record's line end). Records are asked for in order, so the
/// text is scanned once.
struct Lines<'t> {
    text: &'t [u8],
    at: usize,
    line: u64,
}

impl Lines<'_> {
    /// The line of the record that starts at `pos` (or after the line ends there).
    fn of(&mut self, pos: Option<&csv::Position>) -> u64 {
        let mut byte = pos.map_or(0, |p| p.byte() as usize).min(self.text.len());
        while byte < self.text.len() && matches!(self.text[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte >= self.at {
            self.line += self.text[self.at..byte].iter().filter(|&&b| b == b'\n').count() as u64;
            self.at = byte;
        }
        self.line
    }

    /// A reading error as "line N, column NAME: what to do"; the CSV reader takes any quoting,
    /// so the one left is text that is not UTF-8.
    fn unreadable(&mut self, e: &csv::Error) -> String {
        match e.kind() {
            csv::ErrorKind::Utf8 { pos, err } => format!(
                "line {}, column {}: the text is not UTF-8; save the sheet as \"CSV UTF-8\" and send it again",
                self.of(pos.as_ref()),
                COLUMNS.get(err.field()).copied().unwrap_or("(beyond the last)"),
            ),
            _ => format!("the sheet could not be read ({e}); save it as \"CSV UTF-8\" and send it again"),
        }
    }
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

fn check_header(header: &csv::StringRecord, line: u64) -> Option<String> {
    let got: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    (got != COLUMNS).then(|| {
        format!(
            "line {}: the header is '{}', but an ID return sheet starts with '{}' (as in the bundle's id-return.csv)",
            line,
            header.iter().collect::<Vec<_>>().join(","),
            COLUMNS.join(",")
        )
    })
}

/// Checks a returned ID sheet against the catalog in `s` without writing anything. `csv` is
/// the file's bytes (a UTF-8 byte order mark, as spreadsheets save it, is skipped).
pub fn plan(s: &Snapshot, csv: &[u8]) -> IdsReturn {
    let mut r = IdsReturn::default();
    if csv.len() > MAX_BYTES {
        r.problems.push(format!("the file is {} bytes; an ID return sheet is at most {MAX_BYTES}", csv.len()));
        return r;
    }
    let csv = csv.strip_prefix(b"\xef\xbb\xbf").unwrap_or(csv);
    let mut lines = Lines { text: csv, at: 0, line: 1 };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(csv);
    let mut records = reader.records().filter(|rec| {
        // Lines holding nothing but blanks are skipped, as a spreadsheet leaves them.
        !rec.as_ref().is_ok_and(|rec| rec.len() == 1 && rec[0].trim().is_empty())
    });
    let header = match records.next() {
        None => {
            r.problems.push(
                "the file is empty; return the bundle's id-return.csv with the production_id column filled in".into(),
            );
            return r;
        }
        Some(Err(e)) => {
            r.problems.push(format!("{}; nothing was read", lines.unreadable(&e)));
            return r;
        }
        Some(Ok(header)) => header,
    };
    r.problems.extend(check_header(&header, lines.of(header.position())));
    if !r.problems.is_empty() {
        return r;
    }
    let mut seen_object: HashMap<Id, u64> = HashMap::new();
    let mut seen_pid: HashMap<(crate::id::EntityKind, String), u64> = HashMap::new();
    for rec in records {
        match rec {
            Ok(row) => {
                let n = lines.of(row.position());
                if let Err(why) = check_row(s, n, &row, &mut seen_object, &mut seen_pid, &mut r) {
                    r.problems.push(format!("line {n}{why}"));
                }
            }
            Err(e) => r.problems.push(lines.unreadable(&e)),
        }
    }
    r
}

/// The problem of one line, told after "line N": ", column NAME: why" when one field is wrong,
/// ": why" when the line as a whole is.
fn at(column: usize, why: String) -> String {
    format!(", column {}: {why}", COLUMNS[column])
}

fn check_row(
    s: &Snapshot,
    n: u64,
    row: &csv::StringRecord,
    seen_object: &mut HashMap<Id, u64>,
    seen_pid: &mut HashMap<(crate::id::EntityKind, String), u64>,
    r: &mut IdsReturn,
) -> std::result::Result<(), String> {
    if row.len() != COLUMNS.len() {
        // A quote opened and never closed swallows the separators and lines after it.
        let run_on = if row.iter().any(|f| f.contains([',', '\n'])) {
            "; a quoted field runs on past its line: close the quote (and double any quote inside it)"
        } else {
            ""
        };
        return Err(format!(
            ": {} fields, but a line has {} ({}){run_on}",
            row.len(),
            COLUMNS.len(),
            COLUMNS.join(",")
        ));
    }
    let id: Id = row[0].trim().parse().map_err(|e: CoreError| at(0, e.message().to_string()))?;
    let p = s.plan(id).ok_or_else(|| {
        at(0, format!("{id} is not a plan of this catalog (is the sheet from another catalog's bundle?)"))
    })?;
    if !row[1].trim().eq_ignore_ascii_case(id.kind.name()) {
        return Err(at(1, format!("{id} is a {}, but the line says kind '{}'", id.kind.name(), row[1].trim())));
    }
    if !row[2].trim().eq_ignore_ascii_case(p.side.as_str()) {
        return Err(at(2, format!("{id} is {}, but the line says side '{}'", p.side, row[2].trim())));
    }
    if let Some(first) = seen_object.insert(id, n) {
        return Err(at(0, format!("{id} appears again (first on line {first}); keep one line per object")));
    }
    let pid = row[4].trim();
    if pid.is_empty() {
        r.blank.push(id);
        return Ok(());
    }
    if !crate::lifecycle::shows_as_production_id(pid) {
        return Err(at(
            4,
            format!(
                "the production id of {id} is not an id Emersion shows (control characters or over {} characters)",
                crate::lifecycle::PRODUCTION_ID_MAX
            ),
        ));
    }
    if let Some(first) = seen_pid.insert((id.kind, pid.to_string()), n) {
        return Err(at(
            4,
            format!(
                "production id {pid} is given twice for a {} (first on line {first}); each plan has its own",
                id.kind.label()
            ),
        ));
    }
    if let Some(other) = s.plans_of(id.kind).iter().find(|o| o.id != id && o.production_id.as_deref() == Some(pid)) {
        return Err(at(
            4,
            format!("production id {pid} is already used by {}; check the id ops reported", other.describe()),
        ));
    }
    match (p.status, p.production_id.as_deref()) {
        (Status::Live, Some(old)) if old == pid => {
            r.already_live.push(id);
            Ok(())
        }
        (Status::Live, old) => Err(at(
            4,
            format!(
                "{} is already live with production id {}; the line says {pid} (a live plan keeps its id: check which is right)",
                p.describe(),
                old.unwrap_or("(none)")
            ),
        )),
        (Status::Approved, _) => {
            r.assign.push(Assignment { line: n as usize, object: id, production_id: pid.to_string() });
            Ok(())
        }
        (st, _) => Err(at(
            4,
            format!(
                "{} is {st}; only approved plans go live (approve it, or leave its production id blank)",
                p.describe()
            ),
        )),
    }
}

impl Catalog {
    /// Reads a returned ID sheet and, when it has no problems, turns every plan with a
    /// production id live in one undoable change (audited per plan). With problems nothing is
    /// written; they are in the returned [`IdsReturn::problems`]. `csv` is the file's bytes.
    pub fn import_ids(&mut self, csv: impl AsRef<[u8]>, stamp: &Stamp) -> Result<IdsReturn> {
        if stamp.by.trim().is_empty() {
            return Err(CoreError::invalid("by", "going live records who reported the ids; give a name (--by NAME)"));
        }
        let s = self.snapshot()?;
        let r = plan(&s, csv.as_ref());
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
    fn names_that_start_like_a_formula_open_as_text() {
        for (name, cell) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+61 mobile", "'+61 mobile"),
            ("-5 GB", "'-5 GB"),
            ("@sum", "'@sum"),
            ("\tTab", "'\tTab"),
            ("\rReturn", "'\rReturn"),
            ("Mobile 40", "Mobile 40"),
            ("Top-up = 1 GB", "Top-up = 1 GB"),
        ] {
            assert_eq!(inert(name), cell, "{name:?}");
        }
    }

    fn problems(csv: &[u8]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp::new("Ops", crate::value::Timestamp::from_unix_seconds(1_767_225_600));
        let cat = crate::demo::write_demo(&dir.path().join("demo.plansmith"), &stamp).unwrap();
        plan(&cat.snapshot().unwrap(), csv).problems
    }

    #[test]
    fn a_sheet_that_is_not_utf8_is_named_by_line_and_column() {
        let p = problems(b"object_id,kind,side,internal_name,production_id\r\nSP-1,service_plan,BUY,Caf\xe9,\r\n");
        assert_eq!(
            p,
            ["line 2, column internal_name: the text is not UTF-8; save the sheet as \"CSV UTF-8\" and send it again"]
        );
    }

    #[test]
    fn an_unclosed_quote_is_named_with_its_line() {
        let p = problems(b"\xef\xbb\xbfobject_id,kind,side,internal_name,production_id\n\n\"SP-3,x\nSP-4,a,b,c,d\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("line 3: 1 fields, but a line has 5") && p[0].contains("close the quote"), "{p:?}");
    }

    #[test]
    fn a_bad_field_is_named_by_line_and_column() {
        let p = problems(b"object_id,kind,side,internal_name,production_id\nXX-1,service_plan,BUY,x,1\n");
        assert!(p[0].starts_with("line 2, column object_id: 'XX-1' is not an object id"), "{p:?}");
        let p = problems(b"id,name\n");
        assert!(p[0].starts_with("line 1: the header is 'id,name'"), "{p:?}");
        assert!(problems(b"").first().is_some_and(|p| p.starts_with("the file is empty")));
    }
}
