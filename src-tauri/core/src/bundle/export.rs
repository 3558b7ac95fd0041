//! Exporting a bundle: preview (what goes in, what blocks it), build the bytes, write them so
//! that no partial bundle ever sits at the final path, and record the export in the audit log.
//!
//! [`preview`] and [`build`] are pure functions of a snapshot (and the stamp), so the window can
//! show the preview, the CLI and tests can build without a file, and the benchmark times the
//! real thing. [`Catalog::export_bundle`] adds the file and the audit record.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{OnceLock, mpsc};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::diff::{self, FieldChange};
use super::manifest::{self, Application, DeltaOf, EntryRecord, Manifest, sha256_hex};
use super::new_file::NewFile;
use super::order::{self, Action};
use super::read::Bundle;
use super::select::{self, Contents};
use super::sign::{self, SecretKey};
use super::{CATALOG, CATALOG_SCHEMA, CHANGES, IDS, MANIFEST, SCHEMA, SHEET, SIGNATURE};
use super::{archive, diagrams, ids_return, sheet};
use crate::detail::name_of;
use crate::error::{CoreError, ErrorKind, Result};
use crate::id::Id;
use crate::interchange::{Document, DocumentRef};
use crate::lifecycle::{Blocker, audit};
use crate::model::{Side, Status};
use crate::relations::Relations;
use crate::rules;
use crate::snapshot::Snapshot;
use crate::store::Catalog;
use crate::value::Stamp;

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// The structures to export; empty: the whole catalog (every plan not retired, every
    /// structure, customer and site).
    pub structures: Vec<Id>,
    /// A delta against this earlier bundle: the sheet, the ID return sheet and `changes.json`
    /// cover only what changed since (catalog.json stays complete, so the bundle still
    /// verifies and imports on its own).
    pub since: Option<Bundle>,
}

/// What an export would hold and what blocks it; nothing is written.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub structures: Vec<Id>,
    /// Every object in the bundle, sorted by id.
    pub objects: Vec<Id>,
    pub counts: BTreeMap<String, u64>,
    /// Every object in the bundle with its name, in the order ops key them (the build sheet's
    /// steps), then what is not keyed on its own (structures, customers, sites), by id.
    pub build_order: Vec<PreviewObject>,
    /// Why it cannot be exported (empty: it can).
    pub blockers: Vec<Blocker>,
    /// On a delta: the changes since the earlier bundle.
    pub delta: Option<DeltaOf>,
}

/// One object of a previewed bundle, named as the window shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewObject {
    pub id: Id,
    pub name: String,
    pub side: Option<Side>,
    /// Plans only.
    pub status: Option<Status>,
    /// The build sheet step where ops key it (none: not keyed on its own, or not in a delta).
    pub step: Option<u32>,
}

/// A built bundle, not yet written anywhere.
#[derive(Debug, Clone)]
pub struct Built {
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
    /// SHA-256 of the zip file.
    pub sha256: String,
}

/// A bundle written to disk and recorded.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub path: PathBuf,
    pub bundle_id: String,
    pub sha256: String,
    pub bytes: u64,
    pub counts: BTreeMap<String, u64>,
    pub structures: Vec<String>,
    pub signed: bool,
    pub delta_of: Option<String>,
}

/// What [`preview`] shows, worked out.
struct Planned {
    contents: Contents,
    alone: Snapshot,
    blockers: Vec<Blocker>,
    delta: Option<(DeltaOf, BTreeMap<Id, Vec<FieldChange>>, diff::Diff)>,
}

fn plan(s: &Snapshot, opts: &ExportOptions) -> Result<Planned> {
    let r = Relations::new(s);
    let contents = select::contents(&r, &opts.structures)?;
    let alone = select::part(s, &contents);
    let blockers = select::blockers(s, &contents, &alone);
    let delta = opts.since.as_ref().map(|b| delta(b, &DocumentRef::of_snapshot(&alone).to_document()));
    Ok(Planned { contents, alone, blockers, delta })
}

fn delta(since: &Bundle, doc: &Document) -> (DeltaOf, BTreeMap<Id, Vec<FieldChange>>, diff::Diff) {
    let d = diff::diff(&since.catalog, doc);
    let changes: BTreeMap<Id, Vec<FieldChange>> =
        d.changed.iter().filter_map(|c| c.object.parse::<Id>().ok().map(|id| (id, c.fields.clone()))).collect();
    let of = DeltaOf {
        bundle_id: since.manifest.bundle_id.clone(),
        created_at: since.manifest.created_at,
        added: d.added.clone(),
        changed: d.changed.iter().map(|c| c.object.clone()).collect(),
        removed: d.removed.clone(),
    };
    (of, changes, d)
}

/// The objects of `p` in build-sheet order, then the rest by id, each with its name.
fn build_order(s: &Snapshot, p: &Planned) -> Vec<PreviewObject> {
    let sections =
        order::sections(&p.alone, &p.contents.structures, &within(&p.contents, p.delta.as_ref().map(|d| &d.0)));
    let mut steps: BTreeMap<Id, u32> = BTreeMap::new();
    let mut order: Vec<Id> = Vec::with_capacity(p.contents.objects.len());
    for step in sections.iter().flat_map(|x| &x.steps) {
        if let Some(id) = step.action.object()
            && step.keyed_at.is_none()
            && !matches!(step.action, Action::Placement { .. })
            && !steps.contains_key(&id)
        {
            steps.insert(id, step.number);
            order.push(id);
        }
    }
    order.extend(p.contents.objects.iter().filter(|id| !steps.contains_key(id)));
    order
        .into_iter()
        .map(|id| {
            let named = name_of(s, id);
            PreviewObject {
                id,
                name: named.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
                side: named.as_ref().and_then(|n| n.side),
                status: named.and_then(|n| n.status),
                step: steps.get(&id).copied(),
            }
        })
        .collect()
}

/// The objects the sheet covers: all of the bundle's, or on a delta what changed since.
fn within(contents: &Contents, delta: Option<&DeltaOf>) -> BTreeSet<Id> {
    match delta {
        Some(of) => of.added.iter().chain(&of.changed).filter_map(|k| k.parse::<Id>().ok()).collect(),
        None => contents.objects.clone(),
    }
}

/// What exporting `opts` from `s` would hold, and what blocks it.
pub fn preview(s: &Snapshot, opts: &ExportOptions) -> Result<Preview> {
    let p = plan(s, opts)?;
    let build_order = build_order(s, &p);
    Ok(Preview {
        structures: p.contents.structures.clone(),
        objects: p.contents.objects.iter().copied().collect(),
        counts: p.contents.counts(),
        build_order,
        blockers: p.blockers,
        delta: p.delta.map(|d| d.0),
    })
}

/// The error of a refused export, listing every blocker (for callers that check a
/// [`Preview`] before they ask where to write the bundle).
pub fn refused(blockers: &[Blocker]) -> CoreError {
    let mut objects: Vec<String> = blockers.iter().map(|b| b.object.to_string()).collect();
    objects.dedup();
    let lines: Vec<String> = blockers.iter().map(|b| format!("  - {}", b.message)).collect();
    CoreError::lifecycle(format!(
        "the export was refused: {} object(s) block it ({}); fix these first:\n{}",
        objects.len(),
        objects.join(", "),
        lines.join("\n")
    ))
}

/// The plans of the sheet, in its order, once each: the ID return sheet's lines.
fn sheet_plans(sections: &[order::Section]) -> Vec<Id> {
    let mut seen = BTreeSet::new();
    let mut v = Vec::new();
    for step in sections.iter().flat_map(|s| &s.steps) {
        if let Action::Plan { id } = step.action
            && !step.reference_only
            && seen.insert(id)
        {
            v.push(id);
        }
    }
    v
}

/// Runs the build sheet is rendered in: enough that the cores share them out evenly and a run
/// (about 3 MB of a 10 000-structure sheet) is packed soon after it is rendered.
const SHEET_RUNS: usize = 64;
/// Runs rendered at a time (in parallel) while the ones before them are packed: what the
/// sheet holds in memory at most is two windows.
const SHEET_WINDOW: usize = 4;

/// `sections` cut into at most `n` runs of about the same number of steps, in order.
fn split(sections: &[order::Section], n: usize) -> Vec<&[order::Section]> {
    let total: usize = sections.iter().map(|s| s.steps.len()).sum();
    let per = total.div_ceil(n.max(1)).max(1);
    let mut runs = Vec::new();
    let (mut start, mut count) = (0, 0);
    for (i, s) in sections.iter().enumerate() {
        count += s.steps.len();
        if count >= per && runs.len() + 1 < n {
            runs.push(&sections[start..=i]);
            start = i + 1;
            count = 0;
        }
    }
    if start < sections.len() || runs.is_empty() {
        runs.push(&sections[start..]);
    }
    runs
}

fn record(name: &str, data: &[u8]) -> EntryRecord {
    EntryRecord { name: name.to_string(), size: data.len() as u64, sha256: sha256_hex(data) }
}

/// Builds the bundle of `opts` from `s`, signed with `key` when given. Refused (listing every
/// blocker) when anything in it is not approved or live, or has errors.
pub fn build(s: &Snapshot, opts: &ExportOptions, key: Option<&SecretKey>, stamp: &Stamp) -> Result<Built> {
    let (out, manifest) = build_into(s, opts, key, stamp, Hashing::new(Vec::new()))?;
    let (bytes, sha256) = out.finish();
    Ok(Built { bytes, manifest, sha256 })
}

/// A writer that hashes (SHA-256) what passes through it: the zip's hash for the audit log,
/// taken while the zip is written.
pub(crate) struct Hashing<W: Write> {
    out: W,
    sha: Sha256,
}

impl<W: Write> Hashing<W> {
    pub(crate) fn new(out: W) -> Hashing<W> {
        Hashing { out, sha: Sha256::new() }
    }
    /// The writer and the lowercase hex SHA-256 of everything written.
    pub(crate) fn finish(self) -> (W, String) {
        (self.out, manifest::hex(&self.sha.finalize()))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(data)?;
        self.sha.update(&data[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A writer that counts the bytes passing through it (the zip's size for the audit log).
struct Counting<W: Write> {
    out: W,
    n: u64,
}

impl<W: Write> Counting<W> {
    fn new(out: W) -> Counting<W> {
        Counting { out, n: 0 }
    }
    fn finish(self) -> (W, u64) {
        (self.out, self.n)
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(data)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Builds the bundle into `out`, front to back as its entries are ready, and gives `out` back
/// with the manifest. Nothing is written to `out` before the export is known not to be
/// refused. Same bytes whatever `out` is, and however many cores there are.
///
/// The file holds catalog.json first, then the diagrams, the schema, the build sheet, the ID
/// return sheet, the changes of a delta, and last the manifest (which needs every other
/// entry's hash) and its signature; the central directory lists them in the same order.
fn build_into<W: Write + Send>(
    s: &Snapshot,
    opts: &ExportOptions,
    key: Option<&SecretKey>,
    stamp: &Stamp,
    out: W,
) -> Result<(W, Manifest)> {
    // A whole catalog without retired plans is, object for object, the bundle's own content
    // (the bundle leaves out only reference data nothing uses, which no diagram shows). Its
    // diagrams are then drawn from `s` right away, while the closure and the rules are still
    // being worked out on the other core; the export uses them (and their findings, for the
    // blockers) only once the bundle's snapshot proves to hold the same objects and settings
    // (else it stops them, runs the rules on the bundle's snapshot and draws from it as
    // before). Same bytes either way.
    let early = opts.structures.is_empty() && s.plans().all(|p| p.status != Status::Retired);
    let stop = AtomicBool::new(false);
    let (early_findings_tx, early_findings) = mpsc::channel::<Vec<rules::Finding>>();
    let (early_diagrams_tx, early_diagrams) = mpsc::channel();
    // The catalog's indexes, made once (by whichever thread wants them first) for the closure,
    // the early diagrams and, when the bundle is the whole catalog, the sheet's order.
    let relations: OnceLock<Relations> = OnceLock::new();
    std::thread::scope(|outer| -> Result<(W, Manifest)> {
        if early {
            let (stop, relations) = (&stop, &relations);
            outer.spawn(move || {
                let findings = rules::check(s);
                let _ = early_findings_tx.send(findings.clone());
                let structures: Vec<Id> = s.structures.iter().map(|x| x.id).collect();
                let r = relations.get_or_init(|| Relations::new(s));
                let _ = early_diagrams_tx.send(diagrams::packed_in(r, &structures, &findings, stamp.at, stop));
            });
        } else {
            drop((early_findings_tx, early_diagrams_tx));
        }
        let early = early.then_some(early_diagrams);
        let r = relations.get_or_init(|| Relations::new(s));
        let built = build_with(r, opts, key, stamp, out, early, &early_findings, &stop);
        // A refused or failed export: whatever is still drawing stops at its next batch.
        stop.store(true, Ordering::Relaxed);
        built
    })
}

/// Whether two snapshots hold the same catalog content (settings and every object; reference
/// data aside, which the diagrams do not show).
fn same_content(a: &Snapshot, b: &Snapshot) -> bool {
    a.settings == b.settings
        && a.package_plans == b.package_plans
        && a.service_plans == b.service_plans
        && a.bolt_ons == b.bolt_ons
        && a.bolt_on_add_ons == b.bolt_on_add_ons
        && a.bolt_on_groups == b.bolt_on_groups
        && a.bolt_on_links == b.bolt_on_links
        && a.allowances == b.allowances
        && a.customers == b.customers
        && a.sites == b.sites
        && a.structures == b.structures
}

/// The diagrams being drawn, as [`diagrams::packed_in`] gives them.
type Drawn = mpsc::Receiver<Result<Vec<diagrams::PackedDiagram>>>;

/// [`build_into`], given the diagrams being drawn early from `s` (if any), the findings they
/// are drawn with, and the flag that stops them.
#[allow(clippy::too_many_arguments)]
fn build_with<W: Write + Send>(
    r: &Relations,
    opts: &ExportOptions,
    key: Option<&SecretKey>,
    stamp: &Stamp,
    out: W,
    early: Option<Drawn>,
    early_findings: &mpsc::Receiver<Vec<rules::Finding>>,
    stop: &AtomicBool,
) -> Result<(W, Manifest)> {
    let s = r.snapshot;
    let contents = select::contents(r, &opts.structures)?;
    // The bundle read on its own (`alone`) and its catalog.json (`doc`). When the bundle holds
    // every object of the catalog, that is the catalog's snapshot itself, less the reference
    // data nothing uses (which only catalog.json leaves out): nothing is copied. Otherwise the
    // objects it holds are copied out once.
    let whole = select::holds_everything(s, &contents);
    let part = (!whole).then(|| select::part(s, &contents));
    let alone: &Snapshot = part.as_ref().unwrap_or(s);
    // The indexes of the bundle's own snapshot: the catalog's, or made for the part.
    let part_relations = part.as_ref().map(Relations::new);
    let alone_relations = part_relations.as_ref().unwrap_or(r);
    let reference = whole.then(|| select::reference_of_whole(s));
    let doc = match &reference {
        Some((service_types, bolt_on_categories, tariffs)) => {
            DocumentRef { service_types, bolt_on_categories, tariffs, ..DocumentRef::of_snapshot(s) }
        }
        None => DocumentRef::of_snapshot(alone),
    };
    let since_id = opts.since.as_ref().map(|b| b.manifest.bundle_id.clone());
    // Everything at once, so no core idles. The catalog JSON needs only the document, so it is
    // written, hashed and deflated while the sheet's sections are worked out and the rules
    // decide whether the export may go ahead (a refused export throws that work away). Once
    // it may, a writer puts catalog.json and then the diagrams (drawn on rayon's pool) into
    // `out`; once the JSON's hash gives the bundle id, the sheet is rendered on the pool and
    // deflated as it goes. The rest follows it, and the manifest comes last.
    std::thread::scope(|scope| -> Result<(W, Manifest)> {
        let json = scope.spawn(move || -> Result<(EntryRecord, archive::Packed)> {
            // The canonical text of `Document::to_json`: the lists are in canonical order
            // already. Hashed and deflated as it is written.
            let mut w = archive::PackWriter::new(CATALOG, stamp.at)?;
            serde_json::to_writer_pretty(&mut w, &doc).expect("the catalog model always serialises");
            w.write_all(b"\n")?;
            let (size, sha256, packed) = w.finish()?;
            Ok((EntryRecord { name: CATALOG.to_string(), size, sha256 }, packed))
        });
        let delta = opts.since.as_ref().map(|b| delta(b, &doc.to_document()));
        let within = within(&contents, delta.as_ref().map(|d| &d.0));
        // The sheet's order needs neither the rules' verdict nor their findings: it is worked
        // out beside them (a refused export throws it away).
        // The early diagrams hold when they were drawn from this very content (and for these
        // structures: every one of the catalog's). Their findings, the rules on the catalog,
        // are then the rules on the bundle too (the rules read reference data only through
        // the codes objects name, which the bundle keeps; a test holds them to that), so the
        // rules do not run a second time.
        let same = early.is_some()
            && (std::ptr::eq(s, alone) || same_content(s, alone))
            && contents.structures.iter().eq(s.structures.iter().map(|x| &x.id));
        let known = if same { early_findings.recv().ok() } else { None };
        let same = same && known.is_some();
        let (sections, (blockers, findings)) = std::thread::scope(|sc| {
            let sections = sc.spawn(|| order::sections_in(alone_relations, &contents.structures, &within));
            let checked = select::blockers_and_findings_known(s, &contents, alone, known);
            (sections.join().expect("ordering the sheet does not panic"), checked)
        });
        if !blockers.is_empty() {
            return Err(refused(&blockers));
        }
        let changes = delta.as_ref().map(|d| d.1.clone()).unwrap_or_default();
        let (alone, findings, structures) = (alone, &findings, &contents.structures);
        let diagram_names = diagrams::names(alone, structures);
        let runs = split(&sections, SHEET_RUNS);
        // A scope of its own: its threads borrow the findings and the sheet's order.
        std::thread::scope(|scope| -> Result<(W, Manifest)> {
            // The diagrams: the early ones when they hold, else drawn now from the bundle's
            // snapshot (the early ones, if any, are stopped).
            let drawn = match early.filter(|_| same) {
                Some(d) => d,
                None => {
                    stop.store(true, Ordering::Relaxed);
                    let (tx, rx) = mpsc::channel();
                    scope.spawn(move || {
                        let _ = tx.send(diagrams::packed_in(
                            alone_relations,
                            structures,
                            findings,
                            stamp.at,
                            &AtomicBool::new(false),
                        ));
                    });
                    rx
                }
            };
            // The writer: catalog.json as soon as it is written, then the diagrams once drawn
            // (each dropped once written). Its hash goes to the sheet's header.
            let (catalog_tx, catalog_rx) = mpsc::channel::<EntryRecord>();
            let writer = scope.spawn(move || -> Result<(archive::ZipWriter<W>, Vec<EntryRecord>)> {
                let (catalog_record, catalog_packed) = json.join().expect("the JSON writer does not panic")?;
                let mut zip = archive::ZipWriter::new(out);
                zip.add(catalog_packed)?;
                let _ = catalog_tx.send(catalog_record);
                let files =
                    drawn.recv().map_err(|_| CoreError::internal("the diagrams were never drawn".to_string()))??;
                let mut records = Vec::with_capacity(files.len());
                for f in files {
                    zip.add(f.packed)?;
                    records.push(f.record);
                }
                Ok((zip, records))
            });
            // The build sheet, never held whole (200 MB on a large export): its runs of
            // sections are rendered on every core a few at a time, in order (rayon), and packed
            // while the next few render, after the sheet's head, which needs the bundle id (the
            // JSON's hash). The ID return sheet is written beside them.
            let (head_tx, head) = mpsc::channel::<String>();
            let changes = &changes;
            let packer = scope.spawn(move || -> Result<(u64, String, archive::Packed)> {
                let mut w = archive::PackWriter::new(SHEET, stamp.at)?;
                let head =
                    head.recv().map_err(|_| CoreError::internal("the build sheet's head never came".to_string()))?;
                w.write_all(head.as_bytes())?;
                let mut rendered: Vec<String> = Vec::new();
                for (k, window) in runs.chunks(SHEET_WINDOW).enumerate() {
                    let (next, packed) = rayon::join(
                        || {
                            window
                                .par_iter()
                                .enumerate()
                                .map(|(i, run)| sheet::render_sections(alone, run, k == 0 && i == 0, changes))
                                .collect::<Vec<String>>()
                        },
                        || rendered.iter().try_for_each(|text| w.write_all(text.as_bytes())),
                    );
                    packed?;
                    rendered = next;
                }
                for text in &rendered {
                    w.write_all(text.as_bytes())?;
                }
                w.write_all(sheet::TAIL.as_bytes())?;
                w.finish()
            });
            let csv = scope.spawn(|| ids_return::write(alone, &sheet_plans(&sections)));
            let Ok(catalog_record) = catalog_rx.recv() else {
                // The writer failed before it wrote catalog.json: its error says why.
                return Err(writer.join().expect("the bundle writer does not panic").err().unwrap_or_else(|| {
                    CoreError::internal("the bundle writer stopped without writing catalog.json".to_string())
                }));
            };
            let mut m = Manifest {
                format: manifest::FORMAT.into(),
                format_version: manifest::FORMAT_VERSION,
                bundle_id: manifest::bundle_id(stamp.at, &catalog_record.sha256, since_id.as_deref()),
                catalog_id: s.settings.catalog_id.clone(),
                catalog_name: s.settings.name.clone(),
                customer: s.settings.provider.clone(),
                currency: s.settings.currency.clone(),
                created_at: stamp.at,
                created_by: stamp.by.clone(),
                application: Application { name: "plansmith".into(), version: env!("CARGO_PKG_VERSION").into() },
                structures: structures.iter().map(|i| i.to_string()).collect(),
                counts: contents.counts(),
                delta_of: delta.as_ref().map(|d| d.0.clone()),
                entries: Vec::new(),
            };
            let _ = head_tx.send(sheet::render_head(&m, sections.is_empty(), &diagram_names));
            let (size, sha256, sheet_packed) = packer.join().expect("the sheet packer does not panic")?;
            let sheet_record = EntryRecord { name: SHEET.to_string(), size, sha256 };
            let csv = csv.join().expect("the ID return sheet writer does not panic");
            let entry = |name: &str, data: Vec<u8>| archive::Entry { name: name.to_string(), data };
            let mut rest: Vec<archive::Entry> =
                vec![entry(SCHEMA, CATALOG_SCHEMA.as_bytes().to_vec()), entry(IDS, csv.into_bytes())];
            if let Some((_, _, d)) = &delta {
                let mut text = serde_json::to_string_pretty(d).expect("a diff serialises");
                text.push('\n');
                rest.push(entry(CHANGES, text.into_bytes()));
            }
            let mut rest_records: Vec<EntryRecord> = rest.iter().map(|e| record(&e.name, &e.data)).collect();
            let mut rest_packed = archive::pack_all(&rest, stamp.at)?;
            drop(rest);
            // In the bundle's order: the schema, the sheet, the ID return sheet, the changes.
            rest_records.insert(1, sheet_record);
            rest_packed.insert(1, sheet_packed);
            let (mut zip, diagram_records) = writer.join().expect("the bundle writer does not panic")?;
            let drawn: Vec<&str> = diagram_records.iter().map(|r| r.name.as_str()).collect();
            if drawn != diagram_names {
                return Err(CoreError::internal(format!(
                    "the diagrams drawn ({}) are not the ones the build sheet names ({})",
                    drawn.join(", "),
                    diagram_names.join(", ")
                )));
            }
            for p in rest_packed {
                zip.add(p)?;
            }
            m.entries = std::iter::once(catalog_record).chain(rest_records).chain(diagram_records).collect();
            let manifest_json = m.to_json();
            zip.add(archive::pack(MANIFEST, manifest_json.as_bytes(), stamp.at)?)?;
            if let Some(sk) = key {
                let comment = format!("timestamp:{}\tfile:{MANIFEST}\tbundle:{}", stamp.at.unix_seconds(), m.bundle_id);
                let sig = sign::sign(manifest_json.as_bytes(), sk, &comment)?;
                zip.add(archive::pack(SIGNATURE, sig.as_bytes(), stamp.at)?)?;
            }
            Ok((zip.finish()?, m))
        })
    })
}

impl Catalog {
    /// What exporting `opts` would hold and what blocks it (nothing is written).
    pub fn preview_bundle(&self, opts: &ExportOptions) -> Result<Preview> {
        preview(&self.snapshot()?, opts)
    }

    /// Builds the bundle, writes it to `out` (never partially, never over an existing file)
    /// and records the export (bundle id, SHA-256, who, when) in the audit log.
    pub fn export_bundle(
        &mut self,
        out: &Path,
        opts: &ExportOptions,
        key: Option<&SecretKey>,
        stamp: &Stamp,
    ) -> Result<Exported> {
        self.ensure_writable()?;
        if stamp.by.trim().is_empty() {
            return Err(CoreError::invalid("by", "an export records who made it; give a name (--by NAME)"));
        }
        // The file is started first (an existing path is refused before any work), written
        // while the bundle is made, hashed as it is written, and renamed into place once it
        // is on disk. The catalog's snapshot is let go of beside that last flush.
        // A failure to write names the bundle and says that nothing was left behind (the
        // partial file is removed when it is dropped; an existing file is never touched).
        let writing = |e: CoreError| match e.kind() {
            ErrorKind::Io => CoreError::new(
                ErrorKind::Io,
                format!(
                    "the bundle {} could not be written: {}; nothing was left at that path",
                    out.display(),
                    e.message()
                ),
            )
            .with_field("out"),
            _ => e,
        };
        // Its errors name the path, the cause and the fix already.
        let file = NewFile::create(out).map_err(|e| e.with_field("out"))?;
        let s = self.snapshot_on_two()?;
        let (written, m) = build_into(&s, opts, key, stamp, Hashing::new(Counting::new(file))).map_err(writing)?;
        let (counted, sha256) = written.finish();
        let (file, size) = counted.finish();
        std::thread::scope(|sc| {
            sc.spawn(move || drop(s));
            file.commit()
        })
        .map_err(|e| e.with_field("out"))?;
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let detail = format!(
            "bundle {} sha256 {} ({} bytes, {} structure(s){}{}) to {name}",
            m.bundle_id,
            sha256,
            size,
            m.structures.len(),
            if key.is_some() { ", signed" } else { "" },
            m.delta_of.as_ref().map(|d| format!(", delta of {}", d.bundle_id)).unwrap_or_default(),
        );
        if let Err(e) = self.record(|tx| audit(tx, stamp, "export", None, &detail)) {
            let _ = std::fs::remove_file(out);
            return Err(e);
        }
        Ok(Exported {
            path: out.to_path_buf(),
            bundle_id: m.bundle_id.clone(),
            sha256,
            bytes: size,
            counts: m.counts.clone(),
            structures: m.structures.clone(),
            signed: key.is_some(),
            delta_of: m.delta_of.as_ref().map(|d| d.bundle_id.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tier;
    use crate::store::NewCatalog;
    use crate::synth::{self, SynthSpec};
    use crate::value::Timestamp;

    /// A disk that fills up after `room` bytes.
    struct Filling {
        room: usize,
        written: Vec<u8>,
    }

    impl Write for Filling {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            if self.written.len() + data.len() > self.room {
                return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device"));
            }
            self.written.extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A write that fails at any point of the export (in catalog.json, among the diagrams, in
    /// the sheet, at the manifest) ends it with the disk's error: no panic, no thread left
    /// waiting on another.
    #[test]
    fn a_disk_that_fills_up_ends_the_export_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp::new("Dana Lee", Timestamp::from_unix_seconds(1_767_225_600));
        let new = NewCatalog {
            catalog_id: "full".into(),
            name: "Full disk".into(),
            provider: "Telco".into(),
            tier: Tier::Wholesale,
            currency: "AUD".into(),
        };
        let mut cat = Catalog::create(&dir.path().join("full.plansmith"), &new, &stamp).unwrap();
        let spec = SynthSpec { bolt_on_structures: 60, shared_data_structures: 60, ..SynthSpec::default() };
        synth::generate(&mut cat, &spec, 5).unwrap();
        synth::approve_every_plan(&mut cat).unwrap();
        let s = cat.snapshot().unwrap();
        let opts = ExportOptions::default();
        let whole = build(&s, &opts, None, &stamp).unwrap().bytes.len();
        for room in [0, 10, whole / 20, whole / 3, whole * 2 / 3, whole - 100] {
            let e = build_into(&s, &opts, None, &stamp, Filling { room, written: Vec::new() }).err();
            let e = e.unwrap_or_else(|| panic!("a disk with room for {room} of {whole} bytes took the bundle"));
            assert_eq!(e.kind(), ErrorKind::Io, "{e}");
            assert!(e.message().contains("disk is full"), "{e}");
        }
        // One structure (its diagrams drawn late, from the bundle's own snapshot) fails alike.
        let one = ExportOptions { structures: vec![s.structures[3].id], ..Default::default() };
        let e = build_into(&s, &one, None, &stamp, Filling { room: 2000, written: Vec::new() }).err().unwrap();
        assert!(e.message().contains("disk is full"), "{e}");
    }
}
