//! Structure diagrams: the articles' pictures (domain.md §7), drawn from the live catalog.
//!
//! Why it lives in the core: the same picture must come out of the window, the `plansmith`
//! command line and a bundle, with no window to measure anything. So the layout is computed
//! here, headless and deterministic, as plain serialisable data ([`Diagram`]: boxes, lines and
//! text with integer coordinates); the window's view renders that data as it is, and
//! [`svg::write`] turns it into a standalone SVG for files and bundles.
//!
//! What is drawn:
//! - [`structure()`]: one structure in two mirrored lanes, BUY on the left and SELL on the right,
//!   in rows package plan → service plan → bolt-on (inside its bolt-on group) → add-on (inside
//!   the bolt-on's add-on group) → allowance. Containment and link edges run down each lane
//!   (bolt-on links labelled with their behaviour); dashed counterpart edges cross the lanes at
//!   every level, SELL allowance → BUY allowance included.
//! - [`catalog()`]: every object of the catalog, one section per group of connected structures
//!   (structures that share objects are drawn together) and one for objects in no structure.
//! - [`shared_data()`]: a shared-data structure as the customer sees it: the customer, the data
//!   pool of each side (quota, excess rate) and each site's tail (technology, speed) drawing
//!   from it, BUY and SELL.
//!
//! Every plan node carries its kind, name, side, status and the number of errors and warnings
//! the rules find on it, so a picture in a workshop shows what is still wrong.
//!
//! [`client::structure`] is the same picture cut down for a client (SELL lane, external names,
//! no status or findings), for the proposal.
//!
//! Module map: [`mod@structure`] and [`mod@shared_data`] turn the catalog into a draft (nodes, group
//! containers, edges, each node in a lane and a row); [`layout`] places a draft (ordering that
//! reduces edge crossings, then coordinates) and routes its edges; [`label`] fits text into
//! boxes; [`svg`] writes the result, and [`png`] rasterises that SVG.

pub mod client;
pub mod label;
pub mod layout;
pub mod png;
pub mod shared_data;
pub mod structure;
pub mod svg;

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{Side, Status, StructureKind};
use crate::relations::Relations;
use crate::rules::Finding;
pub use crate::rules::FindingCounts;
use crate::snapshot::Snapshot;

/// Which picture a [`Diagram`] is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagramKind {
    /// One structure in BUY and SELL lanes.
    Structure,
    /// The whole catalog, one section per group of connected structures.
    Catalog,
    /// A shared-data structure: customer, data pools and site tails.
    SharedData,
}

/// A point in diagram coordinates (pixels at 100 %, origin top left, y down).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// An axis-aligned rectangle.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    pub fn right(&self) -> i32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> i32 {
        self.y + self.h
    }
    /// Whether the two rectangles share interior area (touching edges do not count).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    /// Whether `o` lies inside this rectangle (edges may touch).
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }
}

/// What a node stands for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    PackagePlan,
    ServicePlan,
    BoltOn,
    BoltOnAddOn,
    Allowance,
    /// Shared data: the customer whose sites share the pool.
    Customer,
    /// Shared data: the data-allowance service plan whose `own` billing is the pool.
    DataPool,
    /// Shared data: one site's tail (or a tail plan no site orders yet).
    Tail,
}

impl NodeKind {
    /// Words for the node's caption ("bolt-on add-on").
    pub fn label(self) -> &'static str {
        match self {
            NodeKind::PackagePlan => "package plan",
            NodeKind::ServicePlan => "service plan",
            NodeKind::BoltOn => "bolt-on",
            NodeKind::BoltOnAddOn => "add-on",
            NodeKind::Allowance => "allowance",
            NodeKind::Customer => "customer",
            NodeKind::DataPool => "data pool",
            NodeKind::Tail => "tail",
        }
    }
}

/// One box of the picture: a plan, an allowance, or (shared data) a customer, pool or tail.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Unique within the diagram; edges and containers refer to nodes by it. The object's id
    /// ("SP-3") where the node is one object; "SI-2/SELL" for a site's tail on one side.
    pub key: String,
    /// The catalog object the node stands for (a click in the window opens it).
    pub object: Option<Id>,
    /// Further objects the node stands for (a site tail's plans).
    pub related: Vec<Id>,
    pub kind: NodeKind,
    /// The lane the node sits in; `None` for the customer, drawn above both lanes.
    pub side: Option<Side>,
    /// Lifecycle status (plans and what is drawn for plans); `None` for allowances, customers.
    pub status: Option<Status>,
    /// The full name (drawn truncated; shown whole on hover).
    pub name: String,
    /// First text line, small: side, kind and id ("SELL · bolt-on · BO-2").
    pub caption: String,
    /// Second line, bold: the name, fitted to the box (ellipsis when cut).
    pub label: String,
    /// Further lines, fitted: the key facts (quota, behaviour, max occurrence, speed …).
    pub details: Vec<String>,
    /// Findings of the rules on the node's objects.
    pub errors: u32,
    pub warnings: u32,
    /// Index into [`Diagram::sections`].
    pub section: u32,
    /// Row within the section (index into the section's rows, top to bottom).
    pub row: u32,
    /// Key of the container the node is drawn in.
    pub container: Option<String>,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Node {
    pub fn rect(&self) -> Rect {
        Rect { x: self.x, y: self.y, w: self.w, h: self.h }
    }
}

/// What a container groups.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerKind {
    /// Bolt-ons that are alternatives to each other.
    BoltOnGroup,
    /// The add-ons that may be bought with one bolt-on.
    AddOnGroup,
    /// Shared data: the sites of one customer.
    Sites,
}

/// A rounded box around nodes of one row of one lane (a bolt-on group, an add-on group).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    /// "BG-1" for a bolt-on group, "add-on-group:BO-3" for a bolt-on's add-on group.
    pub key: String,
    pub object: Option<Id>,
    pub kind: ContainerKind,
    pub side: Side,
    /// The full label (drawn fitted as `label`).
    pub name: String,
    pub label: String,
    /// Keys of the nodes inside, in drawing order.
    pub members: Vec<String>,
    pub errors: u32,
    pub warnings: u32,
    pub section: u32,
    pub row: u32,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Container {
    pub fn rect(&self) -> Rect {
        Rect { x: self.x, y: self.y, w: self.w, h: self.h }
    }
}

/// What an edge says.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A package plan contains a service plan; a bolt-on has its add-on group.
    Contains,
    /// A bolt-on link (service plan → bolt-on), labelled with its behaviour.
    Link,
    /// A further group membership of an object drawn in another group.
    Member,
    /// An add-on is allowed under a bolt-on link (add-on → allowance).
    Allowance,
    /// A SELL object → its BUY counterpart (a SELL allowance → its BUY allowance). Dashed.
    Counterpart,
    /// A tail draws from the data pool.
    Pool,
    /// The customer orders (the data package).
    Orders,
}

/// A line between two nodes or containers, routed as a polyline.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// Key of a node or a container.
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// The object the edge is (a bolt-on link).
    pub object: Option<Id>,
    pub label: Option<String>,
    pub dashed: bool,
    /// Findings on the edge's object (a link without a behaviour).
    pub errors: u32,
    pub warnings: u32,
    /// From `from` to `to`; the last point carries the arrowhead.
    pub points: Vec<Point>,
    /// Where the label's centre goes; `None` when the label is not drawn (an arc stacked under
    /// another one in the same channel leaves its label to the legend and the hover).
    pub label_at: Option<Point>,
}

/// One lane of a section: BUY (left) or SELL (right).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    pub section: u32,
    pub side: Side,
    pub label: String,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

/// One row of a section, with the words drawn in the margin ("Bolt-ons").
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub section: u32,
    pub label: String,
    /// Top of the row's band and its height (the band holds the row's nodes and containers).
    pub y: i32,
    pub h: i32,
}

/// A part of the picture with its own lanes: one structure, a group of structures that share
/// objects, or the objects in no structure.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    /// The structures drawn in it.
    pub structures: Vec<Id>,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

/// The legend's place and content.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Legend {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub statuses: Vec<Status>,
    /// The edge kinds drawn in this diagram.
    pub edges: Vec<EdgeKind>,
}

/// A laid-out picture: everything the window's view or the SVG writer needs, in drawing order
/// (sections, lanes and rows first, then containers, edges, nodes).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagram {
    pub kind: DiagramKind,
    pub title: String,
    pub subtitle: String,
    pub width: i32,
    pub height: i32,
    pub sections: Vec<Section>,
    pub lanes: Vec<Lane>,
    pub rows: Vec<Row>,
    pub containers: Vec<Container>,
    pub edges: Vec<Edge>,
    pub nodes: Vec<Node>,
    pub legend: Legend,
}

impl Diagram {
    /// The node with this key.
    pub fn node(&self, key: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.key == key)
    }
    /// The container with this key.
    pub fn container(&self, key: &str) -> Option<&Container> {
        self.containers.iter().find(|c| c.key == key)
    }
}

/// The diagram of structure `id` in BUY and SELL lanes. `findings` are the rules' findings on
/// the same snapshot (`rules::check`); they give the nodes their error counts.
pub fn structure(s: &Snapshot, findings: &[Finding], id: Id) -> Result<Diagram> {
    structure_in(&Relations::new(s), &FindingCounts::new(findings), id)
}

/// [`structure()`] over indexes and counts made once: many structures drawn from one
/// snapshot (a bundle's) share them instead of each building its own.
pub fn structure_in(r: &Relations, counts: &FindingCounts, id: Id) -> Result<Diagram> {
    let st = find_structure(r.snapshot, id)?;
    Ok(structure::structure_diagram(r, counts, st))
}

/// The diagram of the whole catalog: a section per group of connected structures, and one for
/// the objects in no structure.
pub fn catalog(s: &Snapshot, findings: &[Finding]) -> Diagram {
    structure::catalog_diagram(s, &FindingCounts::new(findings))
}

/// The shared-data diagram of structure `id` (which must be a shared-data structure): the
/// customer, the data pool of each side and each site's tail drawing from it.
pub fn shared_data(s: &Snapshot, findings: &[Finding], id: Id) -> Result<Diagram> {
    shared_data_in(&Relations::new(s), &FindingCounts::new(findings), id)
}

/// [`shared_data()`] over indexes and counts made once (see [`structure_in`]).
pub fn shared_data_in(r: &Relations, counts: &FindingCounts, id: Id) -> Result<Diagram> {
    let st = find_structure(r.snapshot, id)?;
    if st.kind != StructureKind::SharedData {
        return Err(CoreError::invalid(
            "structure",
            format!(
                "{id} '{}' is a {} structure; the shared-data diagram is drawn for shared-data structures only (draw its structure diagram instead)",
                st.name, st.kind
            ),
        ));
    }
    Ok(shared_data::shared_data_diagram(r, counts, st))
}

fn find_structure(s: &Snapshot, id: Id) -> Result<&crate::model::Structure> {
    id.expect(EntityKind::Structure, "structure")?;
    s.structure(id).ok_or_else(|| {
        CoreError::not_found(format!(
            "there is no structure {id} in this catalog; `plansmith list FILE --kind structure` lists them"
        ))
    })
}
