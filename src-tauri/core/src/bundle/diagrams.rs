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

use std::collections::HashMap;

use super::select::{self, Closer};
use crate::diagram::{self, svg};
use crate::id::Id;
use crate::model::StructureKind;
use crate::relations::Relations;
use crate::rules::{self, Finding};
use crate::snapshot::Snapshot;

/// The diagram files of `structures`, drawn from `s` (the bundle's own content).
///
/// Each structure is drawn from the part of `s` it closes over (its objects and what they
/// need), so that drawing 10 000 structures costs 10 000 small drawings, not 10 000 walks of
/// the whole catalog; the structures are shared out over two cores and the files kept in order.
pub fn diagrams(s: &Snapshot, structures: &[Id]) -> Vec<(String, String)> {
    if structures.is_empty() {
        return Vec::new();
    }
    let mut findings: HashMap<Id, Vec<Finding>> = HashMap::new();
    for f in rules::check(s) {
        findings.entry(f.object).or_default().push(f);
    }
    let r = Relations::new(s);
    let closer = Closer::new(&r);
    let draw = |ids: &[Id]| -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(ids.len() * 2);
        for id in ids {
            let objects = closer.close(vec![*id], false);
            let part = select::part(s, &objects);
            let mine: Vec<Finding> = objects.iter().filter_map(|o| findings.get(o)).flatten().cloned().collect();
            if let Ok(d) = diagram::structure(&part, &mine, *id) {
                out.push((format!("{id}.svg"), svg::write(&d)));
            }
            if part.structure(*id).is_some_and(|st| st.kind == StructureKind::SharedData)
                && let Ok(d) = diagram::shared_data(&part, &mine, *id)
            {
                out.push((format!("{id}-shared-data.svg"), svg::write(&d)));
            }
        }
        out
    };
    let (a, b) = structures.split_at(structures.len().div_ceil(2));
    std::thread::scope(|scope| {
        let second = scope.spawn(|| draw(b));
        let mut out = draw(a);
        out.extend(second.join().expect("drawing a diagram does not panic"));
        out
    })
}
