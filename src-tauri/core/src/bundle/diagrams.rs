//! The one place bundles take the structure diagrams from (domain.md §7: every bundle carries
//! them). [`crate::diagram`] lays them out; this boundary chooses which to draw and names the
//! files, so the bundle writer stays independent of how they are drawn.
//!
//! Contract: `diagrams(s, structures)` returns, for the structures given (in that order), the
//! SVG files to put under `diagrams/` as (file name, SVG text): `ST-n.svg`, the structure in its
//! BUY and SELL lanes, and for a shared-data structure also `ST-n-shared-data.svg`, the customer,
//! pool and tails. File names are plain (no `/`) and unique; the SVG is deterministic (no clock,
//! no random ids), because the bundle must be byte-identical run to run. Node error counts come
//! from the rules run on the bundle's own content (an exportable bundle has none).
//! [`packed`] gives the same files as bundle entries (`diagrams/…`), hashed and compressed by
//! the worker that drew them: the export's largest part by count, done in one pass per file,
//! batches of structures shared out over every core by rayon (an indexed parallel iterator,
//! so the files come back in the order of the structures).

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::archive::{self, Packed};
use super::manifest::{EntryRecord, sha256_hex};
use crate::diagram::{self, FindingCounts, svg};
use crate::error::Result;
use crate::id::Id;
use crate::model::StructureKind;
use crate::relations::Relations;
use crate::rules::{self, Finding};
use crate::snapshot::Snapshot;
use crate::value::Timestamp;

/// The diagram files of `structures`, drawn from `s` (the bundle's own content).
pub fn diagrams(s: &Snapshot, structures: &[Id]) -> Vec<(String, String)> {
    let findings = rules::check(s);
    let r = Relations::new(s);
    let counts = FindingCounts::new(&findings);
    let mut out = Vec::with_capacity(structures.len() * 2);
    let mut pen = Pen::default();
    for id in structures {
        draw(&r, &counts, *id, &mut pen, |name, svg| out.push((name, svg.to_string())));
    }
    out
}

/// The entry names (`diagrams/…`) of the diagram files of `structures`, in the order
/// [`packed`] gives them, without drawing anything: the build sheet names them before they
/// are drawn.
pub fn names(s: &Snapshot, structures: &[Id]) -> Vec<String> {
    let dir = super::DIAGRAMS_DIR;
    let mut v = Vec::with_capacity(structures.len() * 2);
    for id in structures {
        let Some(st) = s.structure(*id) else { continue };
        v.push(format!("{dir}{id}.svg"));
        if st.kind == StructureKind::SharedData {
            v.push(format!("{dir}{id}-shared-data.svg"));
        }
    }
    v
}

/// A diagram as it goes into the bundle: its entry name (under `diagrams/`), its manifest
/// record (size and SHA-256) and its compressed bytes.
pub struct PackedDiagram {
    pub record: EntryRecord,
    pub packed: Packed,
}

/// Structures per work item: small enough to share the work out evenly (a shared-data
/// structure has two diagrams, a bolt-on one has one), large enough that taking one is cheap.
const BATCH: usize = 32;

/// The diagram files of `structures` as bundle entries dated `at`, drawn, hashed and
/// compressed on every core, each file packed by the worker that drew it, in the order of
/// [`diagrams`]. `findings`: the rules' findings on `s` (the node badges).
pub fn packed(s: &Snapshot, structures: &[Id], findings: &[Finding], at: Timestamp) -> Result<Vec<PackedDiagram>> {
    packed_in(&Relations::new(s), structures, findings, at, &AtomicBool::new(false))
}

/// The work of [`packed`] over the indexes `r` of the snapshot (made once for the whole
/// export). Every structure is drawn over one set of indexes ([`Relations`]) and one count of
/// the findings per object, shared by the workers: a structure's drawing looks up its own
/// objects by id, so drawing 10 000 structures costs 10 000 small drawings, neither 10 000
/// walks of the whole catalog nor 10 000 copies of each structure's part of it.
///
/// Given up as soon as `stop` is set (no further batch is drawn): what comes back then is
/// incomplete and only good for throwing away. The export draws the diagrams before it knows
/// whether it may use them, and stops them when it may not.
pub fn packed_in(
    r: &Relations,
    structures: &[Id],
    findings: &[Finding],
    at: Timestamp,
    stop: &AtomicBool,
) -> Result<Vec<PackedDiagram>> {
    let counts = FindingCounts::new(findings);
    let batches: Vec<Result<Vec<PackedDiagram>>> = structures
        .par_chunks(BATCH)
        .map_init(Pen::default, |pen, batch| {
            let mut files = Vec::new();
            if stop.load(Ordering::Relaxed) {
                return Ok(files);
            }
            let mut failed = None;
            for id in batch {
                draw(r, &counts, *id, pen, |name, svg| {
                    let name = format!("{}{name}", super::DIAGRAMS_DIR);
                    let record =
                        EntryRecord { name: name.clone(), size: svg.len() as u64, sha256: sha256_hex(svg.as_bytes()) };
                    match archive::pack(&name, svg.as_bytes(), at) {
                        Ok(packed) => files.push(PackedDiagram { record, packed }),
                        Err(e) => failed = Some(e),
                    }
                });
            }
            failed.map_or(Ok(files), Err)
        })
        .collect();
    let mut all = Vec::with_capacity(structures.len() * 2);
    for files in batches {
        all.extend(files?);
    }
    Ok(all)
}

/// What one worker draws with, kept from one diagram to the next: the SVG writer and the
/// document buffer.
#[derive(Default)]
struct Pen {
    writer: svg::Writer,
    doc: String,
}

/// Draws the diagram files of structure `id` (module doc) and hands each to `out` as (file
/// name, SVG text).
fn draw(r: &Relations, counts: &FindingCounts, id: Id, pen: &mut Pen, mut out: impl FnMut(String, &str)) {
    if let Ok(d) = diagram::structure_in(r, counts, id) {
        pen.writer.write_into(&d, &mut pen.doc);
        out(format!("{id}.svg"), &pen.doc);
    }
    if r.snapshot.structure(id).is_some_and(|st| st.kind == StructureKind::SharedData)
        && let Ok(d) = diagram::shared_data_in(r, counts, id)
    {
        pen.writer.write_into(&d, &mut pen.doc);
        out(format!("{id}-shared-data.svg"), &pen.doc);
    }
}
