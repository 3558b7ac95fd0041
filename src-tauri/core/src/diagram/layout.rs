//! Placing a diagram: a layered layout in two mirrored lanes, computed the same way wherever it
//! runs, so the window, the command line and a bundle draw the same picture.
//!
//! Why it looks like this:
//! - Rows are given, not computed: a node's row is its kind (package plan, service plan,
//!   bolt-on, add-on, allowance), as in the articles' pictures. The work is the order within
//!   each row of each lane, and the coordinates.
//! - The two lanes are laid out in one coordinate `p` that grows outward from the axis between
//!   them: the BUY lane is drawn mirrored (`x = axis − p`), the SELL lane as is. A SELL object
//!   wants the same `p` as its BUY counterpart, so the SELL lane comes out as the mirror image
//!   of the BUY lane, and the counterpart edges of a row nest inside each other like brackets
//!   instead of crossing.
//! - Order: an initial depth-first order from the top row, then a fixed number of barycentre
//!   sweeps down and up (each node moves towards the mean position of its neighbours in the
//!   row it is compared with and of its counterparts across the axis), keeping the order with
//!   the fewest crossings (counted exactly by inversions, O(E log E)). A container's members
//!   move as one block, so group boxes never interleave.
//! - Coordinates: per row, the positions closest (least squares) to where the neighbours want
//!   each node, subject to the order and the minimum gaps, solved exactly by isotonic
//!   regression (pool adjacent violators, linear time), in alternating passes. Nodes in one
//!   row of one lane are separated by at least a gap, rows by a channel, and containers
//!   enclose only their row's members: nodes and containers cannot overlap by construction.
//! - Deterministic: inputs come sorted by id, every sort has a total tie-break, maps are only
//!   looked up, never iterated, and coordinates are rounded once at the end.
//!
//! Cost: O((V + E) log (V + E)) per sweep and a fixed number of sweeps; 5 000 nodes take a few
//! milliseconds (see `benches/diagram.rs`).

use std::collections::HashMap;

use crate::id::Id;
use crate::model::{Side, Status};

use super::label;
use super::{Container, Diagram, DiagramKind, Edge, EdgeKind, Lane, Legend, Node, Point, Rect, Row, Section};

/// Left margin of a section, holding the row labels.
pub const ROW_LABEL_W: i32 = 112;
/// Band for a section's title (when it has one).
pub const SECTION_TITLE_H: i32 = 34;
/// Band for the lane headers ("BUY", "SELL").
pub const LANE_HEAD_H: i32 = 34;
/// Between a lane's border and its content.
pub const LANE_PAD: f64 = 16.0;
/// Between the two lanes.
pub const AXIS_GAP: i32 = 84;
/// Between neighbours in a row that are not in the same container.
pub const GAP: f64 = 28.0;
/// Between members of one container.
pub const GAP_IN: f64 = 14.0;
/// Around a container's members.
pub const CONTAINER_PAD: f64 = 10.0;
/// A container's label band, above its members.
pub const CONTAINER_HEAD: i32 = 20;
/// Free height between two rows, for the edges and their labels.
pub const CHANNEL: i32 = 70;
/// Height per routed arc (counterpart arcs below a row, same-lane arcs above it).
pub const TRACK: i32 = 8;
/// At most this much height for one row's arcs; more arcs share it.
pub const MAX_TRACKS_H: i32 = 160;
/// Between an arc zone and the nodes.
pub const ARC_MARGIN: i32 = 12;
/// Narrowest lane.
pub const MIN_LANE_W: f64 = 260.0;
/// Right margin of a section.
pub const SECTION_RIGHT: i32 = 16;
/// Around the whole picture.
pub const PAGE_MARGIN: i32 = 24;
/// The picture's title and subtitle.
pub const TITLE_H: i32 = 58;
/// Between sections.
pub const SECTION_GAP: i32 = 40;
/// The legend's band.
pub const LEGEND_H: i32 = 64;
/// Widest the legend needs.
pub const LEGEND_W: i32 = 900;

/// Barycentre sweeps (each one down and one up).
const SWEEPS: usize = 4;
/// Coordinate passes (alternating down and up), then one balanced pass.
const PASSES: usize = 6;
/// How much a counterpart across the axis weighs against a neighbour in the lane.
const MIRROR_WEIGHT: f64 = 2.0;

/// A section before placement: nodes (with side, row and size), containers (with side and
/// row), edges. Coordinates are filled by [`arrange`]. Every node has a side: it is drawn in
/// that side's lane.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Drawn above the section; empty for a one-section picture.
    pub title: String,
    pub structures: Vec<Id>,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    pub nodes: Vec<Node>,
    pub containers: Vec<Container>,
    pub edges: Vec<Edge>,
}

/// A placed section, in its own coordinates (origin at its top left).
#[derive(Debug, Clone)]
pub struct Placed {
    pub title: String,
    pub structures: Vec<Id>,
    pub width: i32,
    pub height: i32,
    pub lanes: Vec<Lane>,
    pub rows: Vec<Row>,
    pub nodes: Vec<Node>,
    pub containers: Vec<Container>,
    pub edges: Vec<Edge>,
}

/// Where an edge end is: a node or a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Node(usize),
    Container(usize),
}

/// The draft as indexes.
struct Graph {
    rows: usize,
    /// 0 BUY, 1 SELL.
    lane: Vec<usize>,
    row: Vec<usize>,
    container: Vec<Option<usize>>,
    w: Vec<f64>,
    /// Same lane, row above / below.
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    /// Same row, other lane.
    mirror: Vec<Vec<usize>>,
    /// Per container: its extra padding for a label wider than its members.
    pad: Vec<f64>,
    /// Per container: (lane, row).
    container_cell: Vec<(usize, usize)>,
}

/// The lane of a side; a node without a side (none is given to the layout) goes left.
fn lane_of(side: Option<Side>) -> usize {
    usize::from(side == Some(Side::Sell))
}

fn cell_ix(rows: usize, lane: usize, row: usize) -> usize {
    lane * rows + row
}

/// One block of a row: a container's members, or one node.
#[derive(Debug, Clone)]
struct Unit {
    members: Vec<usize>,
}

/// The order of every row of every lane.
#[derive(Debug, Clone)]
struct Order {
    cells: Vec<Vec<Unit>>,
    pos: Vec<usize>,
}

impl Order {
    fn flat(&self, cell: usize) -> impl Iterator<Item = usize> + '_ {
        self.cells[cell].iter().flat_map(|u| u.members.iter().copied())
    }
    fn reindex(&mut self, cell: usize) {
        let mut i = 0;
        for u in &self.cells[cell] {
            for &m in &u.members {
                self.pos[m] = i;
                i += 1;
            }
        }
    }
}

fn cmp_f(a: f64, b: f64) -> std::cmp::Ordering {
    a.total_cmp(&b)
}

/// Builds the index graph; resolves edge ends; sanitises container membership (a node can
/// only be in a container of its own lane and row).
fn graph(d: &mut Draft) -> (Graph, Vec<(End, End)>) {
    let n = d.nodes.len();
    let rows = d.rows.len().max(1);
    let node_ix: HashMap<&str, usize> = d.nodes.iter().enumerate().map(|(i, x)| (x.key.as_str(), i)).collect();
    let cont_ix: HashMap<&str, usize> = d.containers.iter().enumerate().map(|(i, c)| (c.key.as_str(), i)).collect();
    let lane: Vec<usize> = d.nodes.iter().map(|x| lane_of(x.side)).collect();
    let row: Vec<usize> = d.nodes.iter().map(|x| (x.row as usize).min(rows - 1)).collect();
    let container_cell: Vec<(usize, usize)> =
        d.containers.iter().map(|c| (lane_of(Some(c.side)), (c.row as usize).min(rows - 1))).collect();
    let container: Vec<Option<usize>> = d
        .nodes
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let c = x.container.as_deref().and_then(|k| cont_ix.get(k).copied())?;
            (lane[i] == container_cell[c].0 && row[i] == container_cell[c].1).then_some(c)
        })
        .collect();
    let ends: Vec<Option<(End, End)>> = d
        .edges
        .iter()
        .map(|e| {
            let end =
                |k: &str| node_ix.get(k).map(|i| End::Node(*i)).or_else(|| cont_ix.get(k).map(|c| End::Container(*c)));
            Some((end(&e.from)?, end(&e.to)?))
        })
        .collect();
    let mut members_of: Vec<Vec<usize>> = vec![vec![]; d.containers.len()];
    for (i, c) in container.iter().enumerate() {
        if let Some(c) = c {
            members_of[*c].push(i);
        }
    }
    let expand = |e: End| -> Vec<usize> {
        match e {
            End::Node(i) => vec![i],
            End::Container(c) => members_of[c].clone(),
        }
    };
    let mut up = vec![vec![]; n];
    let mut down = vec![vec![]; n];
    let mut mirror = vec![vec![]; n];
    for (a, b) in ends.iter().flatten() {
        for x in expand(*a) {
            for y in expand(*b) {
                if x == y {
                    continue;
                }
                let same_lane = lane[x] == lane[y];
                if same_lane && row[x] + 1 == row[y] {
                    down[x].push(y);
                    up[y].push(x);
                } else if same_lane && row[y] + 1 == row[x] {
                    down[y].push(x);
                    up[x].push(y);
                } else if !same_lane && row[x] == row[y] {
                    mirror[x].push(y);
                    mirror[y].push(x);
                }
            }
        }
    }
    for v in up.iter_mut().chain(down.iter_mut()).chain(mirror.iter_mut()) {
        v.sort_unstable();
        v.dedup();
    }
    let w: Vec<f64> = d.nodes.iter().map(|x| x.w as f64).collect();
    let pad: Vec<f64> = d
        .containers
        .iter()
        .enumerate()
        .map(|(c, k)| {
            let m = &members_of[c];
            let span: f64 = m.iter().map(|i| w[*i]).sum::<f64>() + GAP_IN * (m.len().saturating_sub(1)) as f64;
            let want = label::width(&k.name, label::SMALL_SIZE, true).min(360.0) + 20.0;
            CONTAINER_PAD + ((want - span - 2.0 * CONTAINER_PAD) / 2.0).max(0.0)
        })
        .collect();
    for (i, c) in container.iter().enumerate() {
        d.nodes[i].container = c.map(|c| d.containers[c].key.clone());
    }
    let resolved: Vec<(End, End)> = ends.into_iter().map(|e| e.unwrap_or((End::Node(0), End::Node(0)))).collect();
    (Graph { rows, lane, row, container, w, up, down, mirror, pad, container_cell }, resolved)
}

/// The initial order: depth-first from the top row, children in input (id) order.
fn initial_order(g: &Graph, n_containers: usize) -> Order {
    let n = g.lane.len();
    let mut pre = vec![usize::MAX; n];
    let mut next = 0;
    let mut roots: Vec<usize> = (0..n).collect();
    roots.sort_by_key(|i| (g.row[*i], *i));
    let mut stack: Vec<usize> = Vec::new();
    for r in roots {
        if pre[r] != usize::MAX {
            continue;
        }
        stack.push(r);
        while let Some(x) = stack.pop() {
            if pre[x] != usize::MAX {
                continue;
            }
            pre[x] = next;
            next += 1;
            for &c in g.down[x].iter().rev() {
                if pre[c] == usize::MAX {
                    stack.push(c);
                }
            }
        }
    }
    let mut cells: Vec<Vec<Unit>> = vec![vec![]; 2 * g.rows];
    let mut cont_unit: Vec<Option<(usize, usize)>> = vec![None; n_containers];
    let mut by_pre: Vec<usize> = (0..n).collect();
    by_pre.sort_by_key(|i| (pre[*i], *i));
    for i in by_pre {
        let cell = cell_ix(g.rows, g.lane[i], g.row[i]);
        match g.container[i] {
            Some(c) => match cont_unit[c] {
                Some((cell, u)) => cells[cell][u].members.push(i),
                None => {
                    cont_unit[c] = Some((cell, cells[cell].len()));
                    cells[cell].push(Unit { members: vec![i] });
                }
            },
            None => cells[cell].push(Unit { members: vec![i] }),
        }
    }
    let mut o = Order { cells, pos: vec![0; n] };
    for c in 0..o.cells.len() {
        o.reindex(c);
    }
    o
}

/// Inversions of the second coordinate after sorting by the first: the crossings of a set of
/// edges between two ordered rows.
fn inversions(mut pairs: Vec<(usize, usize)>) -> u64 {
    pairs.sort_unstable();
    let mut v: Vec<usize> = pairs.into_iter().map(|p| p.1).collect();
    let mut buf = vec![0; v.len()];
    fn sort(v: &mut [usize], buf: &mut [usize]) -> u64 {
        let n = v.len();
        if n < 2 {
            return 0;
        }
        let mid = n / 2;
        let mut c = sort(&mut v[..mid], &mut buf[..mid]) + sort(&mut v[mid..], &mut buf[mid..]);
        let (mut i, mut j, mut k) = (0, mid, 0);
        while i < mid && j < n {
            if v[i] <= v[j] {
                buf[k] = v[i];
                i += 1;
            } else {
                buf[k] = v[j];
                c += (mid - i) as u64;
                j += 1;
            }
            k += 1;
        }
        buf[k..k + mid - i].copy_from_slice(&v[i..mid]);
        let k2 = k + mid - i;
        buf[k2..n].copy_from_slice(&v[j..n]);
        v.copy_from_slice(&buf[..n]);
        c
    }
    sort(&mut v, &mut buf)
}

/// Crossings of the ordering: edges between adjacent rows of each lane, and counterpart edges
/// across the axis (which cross when they do not nest).
fn crossings(g: &Graph, o: &Order) -> u64 {
    let mut total = 0;
    for lane in 0..2 {
        for r in 0..g.rows.saturating_sub(1) {
            let pairs: Vec<(usize, usize)> = o
                .flat(cell_ix(g.rows, lane, r))
                .flat_map(|a| g.down[a].iter().map(move |b| (a, *b)))
                .map(|(a, b)| (o.pos[a], o.pos[b]))
                .collect();
            total += inversions(pairs);
        }
    }
    for r in 0..g.rows {
        let pairs: Vec<(usize, usize)> = o
            .flat(cell_ix(g.rows, 0, r))
            .flat_map(|a| g.mirror[a].iter().map(move |b| (a, *b)))
            .map(|(a, b)| (o.pos[a], o.pos[b]))
            .collect();
        total += inversions(pairs);
    }
    total
}

/// Reorders one cell by barycentres of the chosen neighbours.
fn sweep_cell(g: &Graph, o: &mut Order, cell: usize, from_up: bool, from_down: bool, bary: &mut [f64]) {
    for u in &o.cells[cell] {
        for &m in &u.members {
            let mut sum = 0.0;
            let mut weight = 0.0;
            let lists: [(&Vec<usize>, f64, bool); 3] =
                [(&g.up[m], 1.0, from_up), (&g.down[m], 1.0, from_down), (&g.mirror[m], MIRROR_WEIGHT, true)];
            for (list, w, on) in lists {
                if !on {
                    continue;
                }
                for &x in list {
                    sum += w * o.pos[x] as f64;
                    weight += w;
                }
            }
            bary[m] = if weight > 0.0 { sum / weight } else { o.pos[m] as f64 };
        }
    }
    let pos = &o.pos;
    let mut units = std::mem::take(&mut o.cells[cell]);
    let mut keyed: Vec<(f64, usize, Unit)> = units
        .drain(..)
        .map(|mut u| {
            u.members.sort_by(|a, b| cmp_f(bary[*a], bary[*b]).then(pos[*a].cmp(&pos[*b])));
            let key = u.members.iter().map(|m| bary[*m]).sum::<f64>() / u.members.len() as f64;
            let first = u.members.iter().map(|m| pos[*m]).min().unwrap_or(0);
            (key, first, u)
        })
        .collect();
    keyed.sort_by(|a, b| cmp_f(a.0, b.0).then(a.1.cmp(&b.1)));
    o.cells[cell] = keyed.into_iter().map(|k| k.2).collect();
    o.reindex(cell);
}

/// The order with the fewest crossings found in a fixed number of sweeps.
fn order(g: &Graph, n_containers: usize) -> Order {
    let mut o = initial_order(g, n_containers);
    let mut best = o.clone();
    let mut best_c = crossings(g, &o);
    let mut bary = vec![0.0; g.lane.len()];
    for _ in 0..SWEEPS {
        if best_c == 0 {
            break;
        }
        for r in 0..g.rows {
            for lane in 0..2 {
                sweep_cell(g, &mut o, cell_ix(g.rows, lane, r), true, false, &mut bary);
            }
        }
        let c = crossings(g, &o);
        if c < best_c {
            best_c = c;
            best = o.clone();
        }
        for r in (0..g.rows).rev() {
            for lane in 0..2 {
                sweep_cell(g, &mut o, cell_ix(g.rows, lane, r), false, true, &mut bary);
            }
        }
        let c = crossings(g, &o);
        if c < best_c {
            best_c = c;
            best = o.clone();
        }
    }
    // Without crossings left, one more pass lets a SELL row follow its BUY counterparts
    // exactly (it cannot add crossings when it does not change them).
    let mut mirrored = best.clone();
    for r in 0..g.rows {
        sweep_cell(g, &mut mirrored, cell_ix(g.rows, 1, r), false, false, &mut bary);
    }
    if crossings(g, &mirrored) <= best_c { mirrored } else { best }
}

/// The cell's nodes with the minimum distance before each (the first: from the lane's inner
/// border) and the padding after the last.
fn separations(g: &Graph, nodes: &[usize]) -> (Vec<f64>, f64) {
    let pad_before = |k: usize| -> f64 {
        let i = nodes[k];
        match g.container[i] {
            Some(c) if k == 0 || g.container[nodes[k - 1]] != Some(c) => g.pad[c],
            _ => 0.0,
        }
    };
    let pad_after = |k: usize| -> f64 {
        let i = nodes[k];
        match g.container[i] {
            Some(c) if k + 1 == nodes.len() || g.container[nodes[k + 1]] != Some(c) => g.pad[c],
            _ => 0.0,
        }
    };
    let mut seps = Vec::with_capacity(nodes.len());
    for k in 0..nodes.len() {
        let i = nodes[k];
        if k == 0 {
            seps.push(LANE_PAD + pad_before(0) + g.w[i] / 2.0);
        } else {
            let prev = nodes[k - 1];
            let same = g.container[i].is_some() && g.container[i] == g.container[prev];
            let gap = if same { GAP_IN } else { GAP + pad_after(k - 1) + pad_before(k) };
            seps.push(g.w[prev] / 2.0 + gap + g.w[i] / 2.0);
        }
    }
    let tail = nodes.last().map(|l| g.w[*l] / 2.0 + pad_after(nodes.len() - 1)).unwrap_or(0.0);
    (seps, tail)
}

/// Least-squares positions for `targets` keeping each at least `seps[k]` after the previous
/// (the first at least `seps[0]` from 0): isotonic regression by pool adjacent violators.
fn place(targets: &[f64], seps: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(seps.len());
    let mut acc = 0.0;
    for s in seps {
        acc += s;
        offset.push(acc);
    }
    // Blocks of (sum, count) over y = p − offset, which must be non-decreasing and ≥ 0.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(targets.len());
    for (t, off) in targets.iter().zip(&offset) {
        blocks.push((t - off, 1));
        while blocks.len() >= 2 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 > s2 / c2 as f64 {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (s1 + s2, c1 + c2);
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    for (s, c) in blocks {
        let y = (s / c as f64).max(0.0);
        for _ in 0..c {
            out.push(y + offset[out.len()]);
        }
    }
    out
}

/// Positions `p` (outward from the axis) of every laned node, and each lane's content width.
fn coordinates(g: &Graph, o: &Order) -> (Vec<f64>, f64) {
    let n = g.lane.len();
    let mut p = vec![0.0; n];
    let cells: Vec<Vec<usize>> = (0..o.cells.len()).map(|c| o.flat(c).collect()).collect();
    let seps: Vec<(Vec<f64>, f64)> = cells.iter().map(|c| separations(g, c)).collect();
    for (c, nodes) in cells.iter().enumerate() {
        let mut acc = 0.0;
        for (k, i) in nodes.iter().enumerate() {
            acc += seps[c].0[k];
            p[*i] = acc;
        }
    }
    // A row whose SELL cell is its BUY cell's mirror image (same length, each SELL node the
    // counterpart of the BUY node at its place) is placed as one: the same positions on both
    // sides, with the larger of the two gaps at each place.
    let mirrored: Vec<bool> = (0..g.rows)
        .map(|r| {
            let (b, s) = (&cells[cell_ix(g.rows, 0, r)], &cells[cell_ix(g.rows, 1, r)]);
            !b.is_empty() && b.len() == s.len() && b.iter().zip(s).all(|(x, y)| g.mirror[*y].contains(x))
        })
        .collect();
    let targets_of = |p: &Vec<f64>, nodes: &[usize], up: bool, down: bool| -> Vec<f64> {
        nodes
            .iter()
            .map(|&m| {
                let mut sum = 0.0;
                let mut weight = 0.0;
                for (list, on) in [(&g.up[m], up), (&g.down[m], down), (&g.mirror[m], true)] {
                    if on {
                        for &x in list {
                            sum += p[x];
                            weight += 1.0;
                        }
                    }
                }
                if weight > 0.0 { sum / weight } else { p[m] }
            })
            .collect()
    };
    let pass = |p: &mut Vec<f64>, r: usize, up: bool, down: bool| {
        if mirrored[r] {
            let (cb, cs) = (cell_ix(g.rows, 0, r), cell_ix(g.rows, 1, r));
            let (tb, ts) = (targets_of(p, &cells[cb], up, down), targets_of(p, &cells[cs], up, down));
            let targets: Vec<f64> = tb.iter().zip(&ts).map(|(a, b)| (a + b) / 2.0).collect();
            let joint: Vec<f64> = seps[cb].0.iter().zip(&seps[cs].0).map(|(a, b)| a.max(*b)).collect();
            let placed = place(&targets, &joint);
            for c in [cb, cs] {
                for (k, &m) in cells[c].iter().enumerate() {
                    p[m] = placed[k];
                }
            }
            return;
        }
        for lane in 0..2 {
            let c = cell_ix(g.rows, lane, r);
            let nodes = &cells[c];
            if nodes.is_empty() {
                continue;
            }
            let targets = targets_of(p, nodes, up, down);
            let placed = place(&targets, &seps[c].0);
            for (k, &m) in nodes.iter().enumerate() {
                p[m] = placed[k];
            }
        }
    };
    for it in 0..PASSES {
        if it % 2 == 0 {
            for r in 0..g.rows {
                pass(&mut p, r, true, false);
            }
        } else {
            for r in (0..g.rows).rev() {
                pass(&mut p, r, false, true);
            }
        }
    }
    for r in 0..g.rows {
        pass(&mut p, r, true, true);
    }
    // Shift both lanes together so the innermost content touches the lane padding.
    let mut min_start = f64::INFINITY;
    let mut max_end: f64 = 0.0;
    for (c, nodes) in cells.iter().enumerate() {
        if let Some(&first) = nodes.first() {
            min_start = min_start.min(p[first] - seps[c].0[0]);
        }
    }
    if min_start.is_finite() {
        for pi in p.iter_mut() {
            *pi -= min_start;
        }
    }
    for (c, nodes) in cells.iter().enumerate() {
        if let Some(&last) = nodes.last() {
            max_end = max_end.max(p[last] + seps[c].1);
        }
    }
    (p, (max_end + LANE_PAD).max(MIN_LANE_W))
}

/// Tracks for arcs over intervals: an arc lies deeper than every arc it overlaps that is
/// shorter, so nested arcs never cross. Returns the track of each interval and the count.
fn tracks(intervals: &[(i32, i32)]) -> (Vec<i32>, i32) {
    let mut idx: Vec<usize> = (0..intervals.len()).collect();
    idx.sort_by_key(|i| (intervals[*i].1 - intervals[*i].0, intervals[*i].0, *i));
    let mut out = vec![0; intervals.len()];
    let common = intervals.iter().map(|i| i.0).max().unwrap_or(0) < intervals.iter().map(|i| i.1).min().unwrap_or(0);
    if common {
        // Every arc overlaps every other (counterparts all cross the axis): one track each.
        for (rank, i) in idx.iter().enumerate() {
            out[*i] = rank as i32;
        }
        return (out, intervals.len() as i32);
    }
    let mut done: Vec<usize> = Vec::new();
    let mut count = 0;
    for i in idx {
        let (a, b) = intervals[i];
        let t = done
            .iter()
            .filter(|j| intervals[**j].0 < b && a < intervals[**j].1)
            .map(|j| out[*j] + 1)
            .max()
            .unwrap_or(0);
        out[i] = t;
        count = count.max(t + 1);
        done.push(i);
    }
    (out, count)
}

/// The height of a zone holding `n` tracks, and the spacing between tracks.
fn track_zone(n: i32) -> (i32, f64) {
    if n == 0 {
        return (0, TRACK as f64);
    }
    let h = (n * TRACK).min(MAX_TRACKS_H);
    (h + ARC_MARGIN, h as f64 / n as f64)
}

/// How an edge is routed.
enum Route {
    /// Between rows: straight.
    Straight,
    /// Same row, facing sides: one horizontal line.
    Level,
    /// Same row, across the axis: down into the channel below the row and back up.
    Below(usize),
    /// Same row, same lane: up into the channel above the row and back down.
    Above(usize),
}

/// Places a draft: order, coordinates, rows, lanes, containers, edges.
pub fn arrange(mut d: Draft) -> Placed {
    let (g, ends) = graph(&mut d);
    let n = d.nodes.len();
    let rows = g.rows;
    let o = order(&g, d.containers.len());
    let (p, lane_w) = coordinates(&g, &o);

    // Horizontal: BUY lane mirrored left of the axis, SELL lane right of it.
    let x0 = ROW_LABEL_W;
    let lane_w_i = lane_w.ceil() as i32;
    let buy_inner = x0 + lane_w_i;
    let sell_inner = buy_inner + AXIS_GAP;
    let cx: Vec<f64> =
        (0..n).map(|i| if g.lane[i] == 0 { buy_inner as f64 - p[i] } else { sell_inner as f64 + p[i] }).collect();
    for (i, node) in d.nodes.iter_mut().enumerate() {
        node.x = (cx[i] - g.w[i] / 2.0).round() as i32;
        node.w = g.w[i] as i32;
    }
    let mut width = sell_inner + lane_w_i + SECTION_RIGHT;
    for node in &d.nodes {
        width = width.max(node.x + node.w + SECTION_RIGHT);
    }

    // Containers' horizontal extent from their members.
    let mut members_of: Vec<Vec<usize>> = vec![vec![]; d.containers.len()];
    for c in 0..o.cells.len() {
        for i in o.flat(c) {
            if let Some(k) = g.container[i] {
                members_of[k].push(i);
            }
        }
    }

    // Edges: classify, and collect the arcs of each row.
    let routes: Vec<Route> = ends
        .iter()
        .map(|(a, b)| {
            let lr = |e: &End| match e {
                End::Node(i) => (g.lane[*i], g.row[*i], Some(*i)),
                End::Container(c) => (g.container_cell[*c].0, g.container_cell[*c].1, None),
            };
            let (la, ra, na) = lr(a);
            let (lb, rb, nb) = lr(b);
            if ra != rb {
                Route::Straight
            } else if la != lb {
                let innermost = na.zip(nb).is_some_and(|(x, y)| o.pos[x] == 0 && o.pos[y] == 0);
                if innermost { Route::Level } else { Route::Below(ra) }
            } else {
                // Same lane: over the top, where the channel has room for a label.
                Route::Above(ra)
            }
        })
        .collect();
    let end_cx = |e: &End| -> f64 {
        match e {
            End::Node(i) => cx[*i],
            End::Container(c) => {
                let m = &members_of[*c];
                if m.is_empty() { 0.0 } else { (cx[m[0]] + cx[m[m.len() - 1]]) / 2.0 }
            }
        }
    };
    let end_w = |e: &End| -> f64 {
        match e {
            End::Node(i) => g.w[*i],
            End::Container(_) => 0.0,
        }
    };
    // Attachment x of an arc end: a quarter of the box towards the other end.
    let attach = |e: &End, other: &End| -> i32 {
        let (x, ox) = (end_cx(e), end_cx(other));
        let q = end_w(e) / 4.0;
        (if ox >= x { x + q } else { x - q }).round() as i32
    };
    let mut below: Vec<Vec<(usize, (i32, i32))>> = vec![vec![]; rows];
    let mut above: Vec<Vec<(usize, (i32, i32))>> = vec![vec![]; rows];
    for (k, r) in routes.iter().enumerate() {
        let (a, b) = &ends[k];
        let (xa, xb) = (attach(a, b), attach(b, a));
        let iv = (xa.min(xb), xa.max(xb));
        match r {
            Route::Below(row) => below[*row].push((k, iv)),
            Route::Above(row) => above[*row].push((k, iv)),
            _ => {}
        }
    }
    let mut track_of: Vec<i32> = vec![0; d.edges.len()];
    let mut below_zone = vec![(0, TRACK as f64); rows];
    let mut above_zone = vec![(0, TRACK as f64); rows];
    for r in 0..rows {
        for (list, zone) in [(&below[r], &mut below_zone[r]), (&above[r], &mut above_zone[r])] {
            let ivs: Vec<(i32, i32)> = list.iter().map(|x| x.1).collect();
            let (t, count) = tracks(&ivs);
            for (j, (k, _)) in list.iter().enumerate() {
                track_of[*k] = t[j];
            }
            *zone = track_zone(count);
        }
    }

    // Vertical: rows top to bottom, each a band (container heads, nodes, container feet),
    // separated by channels that hold the arcs and the edge labels.
    let title_h = if d.title.is_empty() { 0 } else { SECTION_TITLE_H };
    let has_cont: Vec<bool> = (0..rows).map(|r| g.container_cell.iter().any(|c| c.1 == r)).collect();
    let mut y = title_h;
    let mut band_top = vec![0; rows];
    let mut node_top = vec![0; rows];
    let mut band_h = vec![0; rows];
    let lane_top = y;
    y += LANE_HEAD_H;
    for r in 0..rows {
        y += above_zone[r].0;
        band_top[r] = y;
        let head = if has_cont[r] { CONTAINER_HEAD + CONTAINER_PAD as i32 } else { 0 };
        let foot = if has_cont[r] { CONTAINER_PAD as i32 } else { 0 };
        let tallest = (0..n).filter(|i| g.row[*i] == r).map(|i| d.nodes[i].h).max().unwrap_or(40);
        node_top[r] = y + head;
        band_h[r] = head + tallest + foot;
        y += band_h[r] + below_zone[r].0;
        if r + 1 < rows {
            y += CHANNEL;
        }
    }
    let lanes_bottom = y + LANE_PAD as i32;
    let height = lanes_bottom + 8;
    for (i, node) in d.nodes.iter_mut().enumerate() {
        node.y = node_top[g.row[i]];
        node.row = g.row[i] as u32;
    }
    for (c, k) in d.containers.iter_mut().enumerate() {
        let m = &members_of[c];
        let r = g.container_cell[c].1;
        k.row = r as u32;
        k.members = m.iter().map(|i| d.nodes[*i].key.clone()).collect();
        if m.is_empty() {
            k.x = 0;
            k.y = band_top[r];
            k.w = 0;
            k.h = 0;
            continue;
        }
        let left = m.iter().map(|i| d.nodes[*i].x).min().unwrap_or(0);
        let right = m.iter().map(|i| d.nodes[*i].x + d.nodes[*i].w).max().unwrap_or(0);
        let bottom = m.iter().map(|i| d.nodes[*i].y + d.nodes[*i].h).max().unwrap_or(0);
        let pad = g.pad[c].round() as i32;
        k.x = left - pad;
        k.w = right - left + 2 * pad;
        k.y = band_top[r];
        k.h = bottom + CONTAINER_PAD as i32 - band_top[r];
        k.label = label::fit(&k.name, label::SMALL_SIZE, true, (k.w - 16) as f64);
    }

    // Edge geometry.
    let rect_of = |e: &End, nodes: &[Node], conts: &[Container]| -> Rect {
        match e {
            End::Node(i) => nodes[*i].rect(),
            End::Container(c) => conts[*c].rect(),
        }
    };
    let row_of = |e: &End| -> usize {
        match e {
            End::Node(i) => g.row[*i],
            End::Container(c) => g.container_cell[*c].1,
        }
    };
    for (k, edge) in d.edges.iter_mut().enumerate() {
        let (a, b) = &ends[k];
        let (ra, rb) = (rect_of(a, &d.nodes, &d.containers), rect_of(b, &d.nodes, &d.containers));
        let (rowa, rowb) = (row_of(a), row_of(b));
        let mid = |r: &Rect| r.x + r.w / 2;
        let (points, label_at) = match routes[k] {
            Route::Straight => {
                // From the bottom of the upper end to the top of the lower one; a container end
                // is met straight below (or above) the other end where it can be.
                let clampx = |r: &Rect, e: &End, x: i32| match e {
                    End::Container(_) => x.clamp(r.x + 12, (r.right() - 12).max(r.x + 12)),
                    End::Node(_) => mid(r),
                };
                let (pa, pb) = if rowa <= rowb {
                    let xa = clampx(&ra, a, mid(&rb));
                    let xb = clampx(&rb, b, xa);
                    (Point { x: xa, y: ra.bottom() }, Point { x: xb, y: rb.y })
                } else {
                    let xa = clampx(&ra, a, mid(&rb));
                    let xb = clampx(&rb, b, xa);
                    (Point { x: xa, y: ra.y }, Point { x: xb, y: rb.bottom() })
                };
                let (top, bottom) = if pa.y <= pb.y { (pa, pb) } else { (pb, pa) };
                let upper_row = rowa.min(rowb);
                let zone_top = band_top[upper_row] + band_h[upper_row] + below_zone[upper_row].0;
                let zone_bottom =
                    if upper_row + 1 < rows { band_top[upper_row + 1] - above_zone[upper_row + 1].0 } else { bottom.y };
                let ly = ((zone_top + zone_bottom) / 2).clamp(top.y.min(bottom.y), bottom.y.max(top.y));
                let t = if bottom.y == top.y { 0.5 } else { (ly - top.y) as f64 / (bottom.y - top.y) as f64 };
                let lx = (top.x as f64 + t * (bottom.x - top.x) as f64).round() as i32;
                (vec![pa, pb], Some(Point { x: lx, y: ly }))
            }
            Route::Level => {
                let y = ra.y.max(rb.y) + ra.h.min(rb.h) / 2;
                let (xa, xb) = if mid(&ra) <= mid(&rb) { (ra.right(), rb.x) } else { (ra.x, rb.right()) };
                (vec![Point { x: xa, y }, Point { x: xb, y }], Some(Point { x: (xa + xb) / 2, y }))
            }
            Route::Below(r) => {
                let (_, spacing) = below_zone[r];
                let y = band_top[r] + band_h[r] + ARC_MARGIN + (track_of[k] as f64 * spacing).round() as i32;
                let (xa, xb) = (attach(a, b), attach(b, a));
                (
                    vec![
                        Point { x: xa, y: ra.bottom() },
                        Point { x: xa, y },
                        Point { x: xb, y },
                        Point { x: xb, y: rb.bottom() },
                    ],
                    Some(Point { x: (xa + xb) / 2, y }),
                )
            }
            Route::Above(r) => {
                let (_, spacing) = above_zone[r];
                let y = band_top[r] - ARC_MARGIN - (track_of[k] as f64 * spacing).round() as i32;
                let (xa, xb) = (attach(a, b), attach(b, a));
                (
                    vec![Point { x: xa, y: ra.y }, Point { x: xa, y }, Point { x: xb, y }, Point { x: xb, y: rb.y }],
                    Some(Point { x: (xa + xb) / 2, y }),
                )
            }
        };
        // Arcs stacked in one channel would stack their labels too: only the innermost one
        // carries its label (the legend names the rest by their line).
        let stacked = matches!(routes[k], Route::Below(_) | Route::Above(_)) && track_of[k] > 0;
        edge.points = points;
        edge.label_at = if stacked { None } else { edge.label.as_ref().and(label_at) };
    }

    // Lanes and rows.
    let lane_h = lanes_bottom - lane_top;
    let lanes = vec![
        Lane { section: 0, side: Side::Buy, label: "BUY".into(), x: x0, y: lane_top, w: lane_w_i, h: lane_h },
        Lane { section: 0, side: Side::Sell, label: "SELL".into(), x: sell_inner, y: lane_top, w: lane_w_i, h: lane_h },
    ];
    let row_bands: Vec<Row> = (0..rows)
        .filter(|r| *r < d.rows.len())
        .map(|r| Row { section: 0, label: d.rows[r].clone(), y: band_top[r], h: band_h[r] })
        .collect();
    Placed {
        title: d.title,
        structures: d.structures,
        width,
        height,
        lanes,
        rows: row_bands,
        nodes: d.nodes,
        containers: d.containers,
        edges: d.edges,
    }
}

/// Puts placed sections on one page under the title and above the legend: in columns as wide
/// as the widest section, as many as make the page about 1.5 times as wide as it is tall, each
/// section (in order) at the foot of the shortest column.
pub fn assemble(kind: DiagramKind, title: String, subtitle: String, sections: Vec<Placed>) -> Diagram {
    let area: f64 = sections.iter().map(|s| (s.width + SECTION_GAP) as f64 * (s.height + SECTION_GAP) as f64).sum();
    let widest = sections.iter().map(|s| s.width).max().unwrap_or(0);
    let columns =
        (((area * 1.5).sqrt() / (widest + SECTION_GAP).max(1) as f64).round() as usize).clamp(1, sections.len().max(1));
    let mut column_bottom = vec![PAGE_MARGIN + TITLE_H; columns];
    let mut out = Diagram {
        kind,
        title,
        subtitle,
        width: 0,
        height: 0,
        sections: vec![],
        lanes: vec![],
        rows: vec![],
        containers: vec![],
        edges: vec![],
        nodes: vec![],
        legend: Legend { x: 0, y: 0, w: 0, h: 0, statuses: vec![], edges: vec![] },
    };
    let mut right = PAGE_MARGIN;
    for (si, s) in sections.into_iter().enumerate() {
        let column = (0..columns).min_by_key(|c| (column_bottom[*c], *c)).unwrap_or(0);
        let x = PAGE_MARGIN + column as i32 * (widest + SECTION_GAP);
        let y = column_bottom[column];
        column_bottom[column] = y + s.height + SECTION_GAP;
        let sec = si as u32;
        out.sections.push(Section { title: s.title, structures: s.structures, x, y, w: s.width, h: s.height });
        out.lanes.extend(s.lanes.into_iter().map(|mut l| {
            l.section = sec;
            l.x += x;
            l.y += y;
            l
        }));
        out.rows.extend(s.rows.into_iter().map(|mut r| {
            r.section = sec;
            r.y += y;
            r
        }));
        out.containers.extend(s.containers.into_iter().map(|mut c| {
            c.section = sec;
            c.x += x;
            c.y += y;
            c
        }));
        out.edges.extend(s.edges.into_iter().map(|mut e| {
            for pt in e.points.iter_mut().chain(e.label_at.iter_mut()) {
                pt.x += x;
                pt.y += y;
            }
            e
        }));
        out.nodes.extend(s.nodes.into_iter().map(|mut nd| {
            nd.section = sec;
            nd.x += x;
            nd.y += y;
            nd
        }));
        right = right.max(x + s.width);
    }
    let bottom = if out.sections.is_empty() {
        PAGE_MARGIN + TITLE_H
    } else {
        column_bottom.iter().copied().max().unwrap_or(PAGE_MARGIN + TITLE_H) - SECTION_GAP
    };
    let title_w = label::width(&out.title, 18.0, true).max(label::width(&out.subtitle, 12.0, false)) as i32;
    out.width = right.max(PAGE_MARGIN + LEGEND_W).max(PAGE_MARGIN + title_w) + PAGE_MARGIN;
    let mut kinds: Vec<EdgeKind> = out.edges.iter().map(|e| e.kind).collect();
    kinds.sort();
    kinds.dedup();
    out.legend = Legend {
        x: PAGE_MARGIN,
        y: bottom + 16,
        w: out.width - 2 * PAGE_MARGIN,
        h: LEGEND_H,
        statuses: Status::ALL.to_vec(),
        edges: kinds,
    };
    out.height = out.legend.y + out.legend.h + PAGE_MARGIN;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_placement_keeps_order_and_gaps_and_meets_free_targets() {
        // Free targets far apart are met exactly.
        assert_eq!(place(&[100.0, 300.0], &[10.0, 50.0]), vec![100.0, 300.0]);
        // Colliding targets are spread around their mean.
        let p = place(&[100.0, 100.0, 100.0], &[10.0, 50.0, 50.0]);
        assert_eq!(p, vec![50.0, 100.0, 150.0]);
        // The lower bound holds.
        let p = place(&[-500.0, 0.0], &[10.0, 50.0]);
        assert_eq!(p, vec![10.0, 60.0]);
    }

    #[test]
    fn inversions_count_crossings() {
        assert_eq!(inversions(vec![(0, 0), (1, 1), (2, 2)]), 0);
        assert_eq!(inversions(vec![(0, 2), (1, 1), (2, 0)]), 3);
        // Two edges from one node never cross; 0→1 and 1→0 do.
        assert_eq!(inversions(vec![(0, 1), (0, 0), (1, 0)]), 1);
        assert_eq!(inversions(vec![(0, 0), (0, 1), (1, 1)]), 0);
    }

    #[test]
    fn nested_arcs_get_deeper_tracks_outside() {
        let (t, n) = tracks(&[(0, 100), (40, 60), (20, 80)]);
        assert_eq!(t, vec![2, 0, 1]);
        assert_eq!(n, 3);
        let (t, n) = tracks(&[(0, 10), (20, 30)]);
        assert_eq!(t, vec![0, 0]);
        assert_eq!(n, 1);
    }
}
