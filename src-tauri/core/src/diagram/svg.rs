//! The SVG writer: a laid-out [`Diagram`] as one standalone SVG document, for files, bundles
//! and print.
//!
//! Why it is this strict: a diagram travels. It is attached to a bundle, mailed to ops, opened
//! in browsers and printed, and it carries names typed by people. So the document holds only
//! plain shapes and text (`svg`, `g`, `title`, `style`, `rect`, `line`, `polyline`, `path`,
//! `text`): no scripts, no links or external references, no `url(…)` (arrowheads are drawn as
//! paths, not markers), no `foreignObject`; every piece of text is XML-escaped and stripped of
//! control characters by [`crate::markup`], the build sheet's escaper too. Colours carry the
//! status, but the status is also written in every box, so a black-and-white print says the
//! same.
//!
//! Why it is compact: a bundle carries one diagram per structure (thousands in a large
//! catalog), and they were half of its bytes to write, hash and compress. So each look (fill,
//! stroke, font size and weight, anchor) is one class of a single internal `<style>` block,
//! written by us from the fixed [`CLASSES`] table (only the classes the diagram uses, in the
//! table's order), and elements carry geometry and a class. Attributes equal to SVG's defaults
//! (`rx`/`ry` 0, `ry` equal to `rx`, `stroke` none, `font-weight` normal, `text-anchor` start)
//! are left out. Every element still has every look it shows: nothing depends on a renderer's
//! own defaults but those SVG 1.1 defines.

use std::fmt::Write as _;

use crate::markup::escape_into;
use crate::model::{Side, Status};

use super::label::{self, SMALL_SIZE};
use super::structure::TEXT_PAD;
use super::{Container, ContainerKind, Diagram, Edge, EdgeKind, Node, NodeKind, Point};

const FONT: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

/// Declares the style classes: the enum `C` (one variant per class) and [`CLASSES`], the
/// `(class name, CSS declarations)` of each, in the order the `<style>` block lists them.
macro_rules! classes {
    ($($(#[$doc:meta])* $id:ident = $name:literal $css:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum C { $($(#[$doc])* $id),* }
        /// Every style class a diagram may use: (name, CSS declarations). Colours, font sizes
        /// and line styles of the picture are defined here and nowhere else in the SVG.
        pub const CLASSES: &[(&str, &str)] = &[$(($name, $css)),*];
    };
}

classes! {
    /// The white page under everything.
    Page = "bg" "fill:#ffffff";
    // Text. Ink #1a1a1a, muted #555555; sizes of diagram::label (caption 10, name 13,
    // detail and small 11).
    Title = "h" "font-size:18px;font-weight:bold;fill:#1a1a1a";
    Subtitle = "sub" "font-size:12px;fill:#555555";
    SectionTitle = "sec" "font-size:13px;font-weight:bold;fill:#1a1a1a";
    LaneLabel = "lane" "font-size:14px;font-weight:bold;fill:#1a1a1a";
    LaneWords = "lw" "font-size:11px;fill:#555555";
    RowLabel = "row" "font-size:11px;font-weight:bold;fill:#555555";
    Caption = "cap" "font-size:10px;fill:#555555";
    Name = "nm" "font-size:13px;font-weight:bold;fill:#1a1a1a";
    /// The name of a retired plan, muted.
    NameRetired = "nm-r" "font-size:13px;font-weight:bold;fill:#555555";
    Detail = "dt" "font-size:11px;fill:#333333";
    /// The status word at a box's top right, in the box's stroke colour.
    WordDraft = "w-d" "font-size:10px;font-weight:bold;fill:#7a7a7a;text-anchor:end";
    WordApproved = "w-a" "font-size:10px;font-weight:bold;fill:#2f6fb5;text-anchor:end";
    WordLive = "w-l" "font-size:10px;font-weight:bold;fill:#2e7d32;text-anchor:end";
    WordRetired = "w-r" "font-size:10px;font-weight:bold;fill:#a0a0a0;text-anchor:end";
    WordCustomer = "w-c" "font-size:10px;font-weight:bold;fill:#1a1a1a;text-anchor:end";
    EdgeLabel = "el" "font-size:11px;fill:#1a1a1a;text-anchor:middle";
    /// Container labels, in the container's stroke colour.
    LabelBoltOnGroup = "t-bg" "font-size:11px;font-weight:bold;fill:#51607a";
    LabelAddOnGroup = "t-ag" "font-size:11px;font-weight:bold;fill:#7a6f51";
    LabelSites = "t-si" "font-size:11px;font-weight:bold;fill:#6a5a8c";
    /// The count in an error badge (white on red) and a warning badge (ink on amber).
    CountError = "ct-e" "font-size:10px;font-weight:bold;fill:#ffffff;text-anchor:middle";
    CountWarning = "ct-w" "font-size:10px;font-weight:bold;fill:#1a1a1a;text-anchor:middle";
    LegendHead = "lh" "font-size:11px;font-weight:bold;fill:#1a1a1a";
    LegendText = "lt" "font-size:11px;fill:#1a1a1a";
    // Frames.
    SectionFrame = "sf" "fill:#ffffff;stroke:#bdbdbd;stroke-width:1";
    LaneBuy = "ln-b" "fill:#f6f8fb;stroke:#d6d6d6;stroke-width:1";
    LaneSell = "ln-s" "fill:#f8f8f4;stroke:#d6d6d6;stroke-width:1";
    BoltOnGroup = "c-bg" "fill:#fdfdfd;stroke:#51607a;stroke-width:1.3";
    AddOnGroup = "c-ag" "fill:#fdfdfb;stroke:#7a6f51;stroke-width:1.3";
    Sites = "c-si" "fill:#fdfdfd;stroke:#6a5a8c;stroke-width:1.3";
    /// The patch of a container's fill under its label.
    PatchBoltOnGroup = "p-bg" "fill:#fdfdfd";
    PatchAddOnGroup = "p-ag" "fill:#fdfdfb";
    PatchSites = "p-si" "fill:#fdfdfd";
    // Boxes by status (fill, stroke; retired dashed).
    BoxDraft = "n-d" "fill:#f3f3f3;stroke:#7a7a7a;stroke-width:1.6";
    BoxApproved = "n-a" "fill:#e4eefa;stroke:#2f6fb5;stroke-width:1.6";
    BoxLive = "n-l" "fill:#e4f3e6;stroke:#2e7d32;stroke-width:1.6";
    BoxRetired = "n-r" "fill:#fbfbfb;stroke:#a0a0a0;stroke-width:1.6;stroke-dasharray:5 3";
    /// A box without a status (allowances, tails).
    BoxPlain = "n-n" "fill:#ffffff;stroke:#4d4d4d;stroke-width:1.6";
    BoxCustomer = "n-c" "fill:#ffffff;stroke:#1a1a1a;stroke-width:2";
    /// A customer box with a retired status (dashed like a retired plan).
    BoxDashed = "n-x" "stroke-dasharray:5 3";
    BadgeError = "b-e" "fill:#c62828;stroke:#ffffff;stroke-width:1.5";
    BadgeWarning = "b-w" "fill:#f2a900;stroke:#ffffff;stroke-width:1.5";
    // Lines by edge kind, and the box of an edge's label in the line's colour.
    LineContains = "e-ct" "fill:none;stroke:#3d3d3d;stroke-width:1.4;stroke-linejoin:round";
    LineLink = "e-lk" "fill:none;stroke:#1f4e8c;stroke-width:1.6;stroke-linejoin:round";
    LineMember = "e-mb" "fill:none;stroke:#7a6f51;stroke-width:1.3;stroke-linejoin:round;stroke-dasharray:2 3";
    LineAllowance = "e-al" "fill:none;stroke:#3d3d3d;stroke-width:1.2;stroke-linejoin:round";
    LineCounterpart = "e-cp" "fill:none;stroke:#7d7d7d;stroke-width:1.2;stroke-linejoin:round;stroke-dasharray:6 4";
    LinePool = "e-pl" "fill:none;stroke:#00695c;stroke-width:1.6;stroke-linejoin:round";
    LineOrders = "e-or" "fill:none;stroke:#6a3d9a;stroke-width:1.6;stroke-linejoin:round";
    HeadLink = "a-lk" "fill:#1f4e8c";
    HeadCounterpart = "a-cp" "fill:#7d7d7d";
    HeadPool = "a-pl" "fill:#00695c";
    HeadOrders = "a-or" "fill:#6a3d9a";
    TagContains = "l-ct" "fill:#ffffff;stroke:#3d3d3d;stroke-width:0.8";
    TagLink = "l-lk" "fill:#ffffff;stroke:#1f4e8c;stroke-width:0.8";
    TagMember = "l-mb" "fill:#ffffff;stroke:#7a6f51;stroke-width:0.8";
    TagAllowance = "l-al" "fill:#ffffff;stroke:#3d3d3d;stroke-width:0.8";
    TagCounterpart = "l-cp" "fill:#ffffff;stroke:#7d7d7d;stroke-width:0.8";
    TagPool = "l-pl" "fill:#ffffff;stroke:#00695c;stroke-width:0.8";
    TagOrders = "l-or" "fill:#ffffff;stroke:#6a3d9a;stroke-width:0.8";
    // The legend.
    LegendFrame = "lg" "fill:#ffffff;stroke:#c8c8c8;stroke-width:1";
    KeyDraft = "k-d" "fill:#f3f3f3;stroke:#7a7a7a;stroke-width:1.4";
    KeyApproved = "k-a" "fill:#e4eefa;stroke:#2f6fb5;stroke-width:1.4";
    KeyLive = "k-l" "fill:#e4f3e6;stroke:#2e7d32;stroke-width:1.4";
    KeyRetired = "k-r" "fill:#fbfbfb;stroke:#a0a0a0;stroke-width:1.4;stroke-dasharray:4 2";
}

/// The box class of a status.
fn box_class(status: Option<Status>) -> C {
    match status {
        Some(Status::Draft) => C::BoxDraft,
        Some(Status::Approved) => C::BoxApproved,
        Some(Status::Live) => C::BoxLive,
        Some(Status::Retired) => C::BoxRetired,
        None => C::BoxPlain,
    }
}

/// The look of a box of this status (`None`: allowances, tails) as CSS declarations: the
/// window draws its boxes with the same declarations as this writer.
pub fn box_look(status: Option<Status>) -> &'static str {
    CLASSES[box_class(status) as usize].1
}

/// The look of an edge kind's line as CSS declarations, and whether it ends in an arrowhead:
/// the window draws its lines with the same ones as this writer.
pub fn line_look(kind: EdgeKind) -> (&'static str, bool) {
    let (line, head, _) = edge_classes(kind);
    (CLASSES[line as usize].1, head.is_some())
}

/// (line, arrowhead, label box) classes of an edge kind; arrowhead `None`: drawn without one.
fn edge_classes(kind: EdgeKind) -> (C, Option<C>, C) {
    match kind {
        EdgeKind::Contains => (C::LineContains, None, C::TagContains),
        EdgeKind::Link => (C::LineLink, Some(C::HeadLink), C::TagLink),
        EdgeKind::Member => (C::LineMember, None, C::TagMember),
        EdgeKind::Allowance => (C::LineAllowance, None, C::TagAllowance),
        EdgeKind::Counterpart => (C::LineCounterpart, Some(C::HeadCounterpart), C::TagCounterpart),
        EdgeKind::Pool => (C::LinePool, Some(C::HeadPool), C::TagPool),
        EdgeKind::Orders => (C::LineOrders, Some(C::HeadOrders), C::TagOrders),
    }
}

/// A status as a box shows it.
fn status_word(st: Status) -> &'static str {
    match st {
        Status::Draft => "DRAFT",
        Status::Approved => "APPROVED",
        Status::Live => "LIVE",
        Status::Retired => "RETIRED",
    }
}

fn legend_words(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Contains => "contains",
        EdgeKind::Link => "bolt-on link (behaviour)",
        EdgeKind::Member => "also in this group",
        EdgeKind::Allowance => "allowance of the add-on",
        EdgeKind::Counterpart => "SELL → BUY counterpart",
        EdgeKind::Pool => "draws from the pool",
        EdgeKind::Orders => "orders",
    }
}

/// Appends `v` in decimal (without the formatting machinery: a diagram writes thousands).
fn int(out: &mut String, v: i32) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Appends `v` to one decimal, without a trailing ".0" (and without float formatting, which is
/// slow and could vary in its last digit between platforms).
fn tenths(out: &mut String, v: f64) {
    let t = (v * 10.0).round() as i64;
    if t < 0 {
        out.push('-');
    }
    let a = t.unsigned_abs();
    out.push_str(itoa::Buffer::new().format(a / 10));
    if !a.is_multiple_of(10) {
        out.push('.');
        out.push((b'0' + (a % 10) as u8) as char);
    }
}

/// The document being written: its text and the classes used so far.
struct Out<'a> {
    s: &'a mut String,
    used: u128,
}

impl Out<'_> {
    fn line(&mut self, s: &str) {
        self.s.push_str(s);
        self.s.push('\n');
    }
    /// `<NAME class="C"` (the caller writes the rest of the tag).
    fn open(&mut self, name: &str, class: C) {
        self.open_with(name, class, None);
    }
    /// `<NAME class="C EXTRA"`: a look and one more class over it.
    fn open_with(&mut self, name: &str, class: C, extra: Option<C>) {
        self.s.push('<');
        self.s.push_str(name);
        self.s.push_str(" class=\"");
        for (i, c) in std::iter::once(class).chain(extra).enumerate() {
            self.used |= 1 << c as u32;
            if i > 0 {
                self.s.push(' ');
            }
            self.s.push_str(CLASSES[c as usize].0);
        }
        self.s.push('"');
    }
    /// ` NAME="V"` for an integer attribute.
    fn attr(&mut self, name: &str, v: i32) {
        self.s.push(' ');
        self.s.push_str(name);
        self.s.push_str("=\"");
        int(self.s, v);
        self.s.push('"');
    }
    fn text(&mut self, class: C, x: i32, y: i32, text: &str) {
        self.open("text", class);
        self.attr("x", x);
        self.attr("y", y);
        self.s.push('>');
        escape_into(self.s, text);
        self.s.push_str("</text>\n");
    }
    /// A rectangle; `x`, `y` and `rx` are left out when 0 (SVG's defaults: at the origin,
    /// square corners), and `ry` follows `rx`.
    fn rect(&mut self, class: C, x: i32, y: i32, w: i32, h: i32, rx: i32) {
        self.rect_with(class, None, x, y, w, h, rx);
    }
    #[allow(clippy::too_many_arguments)]
    fn rect_with(&mut self, class: C, extra: Option<C>, x: i32, y: i32, w: i32, h: i32, rx: i32) {
        self.open_with("rect", class, extra);
        if x != 0 {
            self.attr("x", x);
        }
        if y != 0 {
            self.attr("y", y);
        }
        self.attr("width", w);
        self.attr("height", h);
        if rx != 0 {
            self.attr("rx", rx);
        }
        self.s.push_str("/>\n");
    }
    /// A pill with a count (error or warning badge) centred at (cx, cy).
    fn badge(&mut self, cx: i32, cy: i32, count: u32, error: bool) {
        let (pill, ink) = if error { (C::BadgeError, C::CountError) } else { (C::BadgeWarning, C::CountWarning) };
        let mut digits = String::new();
        let _ = write!(digits, "{count}");
        let w = (label::width(&digits, 10.0, true) as i32 + 10).max(18);
        self.rect(pill, cx - w / 2, cy - 9, w, 18, 9);
        self.text(ink, cx, cy + 4, &digits);
    }
    /// `<title>TEXT</title>`.
    fn title(&mut self, text: &str) {
        self.s.push_str("<title>");
        escape_into(self.s, text);
        self.s.push_str("</title>\n");
    }
}

fn arrowhead(out: &mut Out, from: Point, to: Point, class: C) {
    let (dx, dy) = ((to.x - from.x) as f64, (to.y - from.y) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let (l, hw) = (9.0, 4.5);
    let (bx, by) = (to.x as f64 - ux * l, to.y as f64 - uy * l);
    out.open("path", class);
    out.s.push_str(" d=\"M");
    int(out.s, to.x);
    out.s.push(' ');
    int(out.s, to.y);
    out.s.push('L');
    tenths(out.s, bx - uy * hw);
    out.s.push(' ');
    tenths(out.s, by + ux * hw);
    out.s.push(' ');
    tenths(out.s, bx + uy * hw);
    out.s.push(' ');
    tenths(out.s, by - ux * hw);
    out.s.push_str("Z\"/>\n");
}

fn edge_line(out: &mut Out, e: &Edge) {
    if e.points.len() < 2 {
        return;
    }
    let (line, head, _) = edge_classes(e.kind);
    out.open("polyline", line);
    out.s.push_str(" points=\"");
    for (i, p) in e.points.iter().enumerate() {
        if i > 0 {
            out.s.push(' ');
        }
        int(out.s, p.x);
        out.s.push(',');
        int(out.s, p.y);
    }
    out.s.push_str("\"/>\n");
    if let Some(head) = head {
        let n = e.points.len();
        arrowhead(out, e.points[n - 2], e.points[n - 1], head);
    }
}

fn edge_label(out: &mut Out, e: &Edge) {
    let (Some(text), Some(at)) = (&e.label, e.label_at) else { return };
    let (_, _, tag) = edge_classes(e.kind);
    let w = label::width(text, SMALL_SIZE, false) as i32 + 10;
    out.rect(tag, at.x - w / 2, at.y - 9, w, 18, 4);
    out.text(C::EdgeLabel, at.x, at.y + 4, text);
    if e.errors > 0 {
        out.badge(at.x + w / 2 + 10, at.y, e.errors, true);
    } else if e.warnings > 0 {
        out.badge(at.x + w / 2 + 10, at.y, e.warnings, false);
    }
}

/// (frame, label patch, label text) classes of a container.
fn container_classes(c: &Container) -> (C, C, C) {
    match c.kind {
        ContainerKind::BoltOnGroup => (C::BoltOnGroup, C::PatchBoltOnGroup, C::LabelBoltOnGroup),
        ContainerKind::AddOnGroup => (C::AddOnGroup, C::PatchAddOnGroup, C::LabelAddOnGroup),
        ContainerKind::Sites => (C::Sites, C::PatchSites, C::LabelSites),
    }
}

/// A container's frame (drawn under the edges).
fn container(out: &mut Out, c: &Container) {
    if c.w <= 0 {
        return;
    }
    out.line("<g>");
    out.title(&c.name);
    out.rect(container_classes(c).0, c.x, c.y, c.w, c.h, 10);
    out.line("</g>");
}

/// A container's label and badge (drawn over the edges, on a patch of the container's fill,
/// so a line entering the container never runs through the words).
fn container_label(out: &mut Out, c: &Container) {
    if c.w <= 0 {
        return;
    }
    let (_, patch, words) = container_classes(c);
    let w = label::width(&c.label, SMALL_SIZE, true) as i32 + 8;
    out.rect(patch, c.x + 4, c.y + 3, w, 16, 3);
    out.text(words, c.x + 8, c.y + 15, &c.label);
    if c.errors > 0 {
        out.badge(c.x + c.w, c.y, c.errors, true);
    } else if c.warnings > 0 {
        out.badge(c.x + c.w, c.y, c.warnings, false);
    }
}

fn node(out: &mut Out, n: &Node) {
    let customer = n.kind == NodeKind::Customer;
    out.line("<g>");
    out.s.push_str("<title>");
    if let Some(side) = n.side {
        let _ = write!(out.s, "{side} ");
    }
    out.s.push_str(n.kind.label());
    out.s.push(' ');
    escape_into(out.s, &n.key);
    out.s.push_str(": ");
    escape_into(out.s, &n.name);
    out.s.push_str("</title>\n");
    if customer {
        // The customer's own look, dashed like a retired plan if it ever were one.
        let dashed = (n.status == Some(Status::Retired)).then_some(C::BoxDashed);
        out.rect_with(C::BoxCustomer, dashed, n.x, n.y, n.w, n.h, 6);
    } else {
        out.rect(box_class(n.status), n.x, n.y, n.w, n.h, 6);
    }
    let left = n.x + TEXT_PAD;
    let mut y = n.y + 16;
    out.text(C::Caption, left, y, &n.caption);
    if let Some(st) = n.status {
        let word = match st {
            _ if customer => C::WordCustomer,
            Status::Draft => C::WordDraft,
            Status::Approved => C::WordApproved,
            Status::Live => C::WordLive,
            Status::Retired => C::WordRetired,
        };
        out.text(word, n.x + n.w - TEXT_PAD, y, status_word(st));
    }
    y += 18;
    let name = if n.status == Some(Status::Retired) { C::NameRetired } else { C::Name };
    out.text(name, left, y, &n.label);
    for d in &n.details {
        y += 15;
        out.text(C::Detail, left, y, d);
    }
    if n.errors > 0 {
        out.badge(n.x + n.w - 2, n.y - 1, n.errors, true);
    }
    if n.warnings > 0 {
        let dx = if n.errors > 0 { 26 } else { 2 };
        out.badge(n.x + n.w - dx - 4, n.y - 1, n.warnings, false);
    }
    out.line("</g>");
}

fn legend(out: &mut Out, d: &Diagram) {
    let l = &d.legend;
    // A diagram without a legend (the client's, see `client.rs`) has an empty one.
    if l.w <= 0 {
        return;
    }
    out.rect(C::LegendFrame, l.x, l.y, l.w, l.h, 6);
    let mut x = l.x + 12;
    let y1 = l.y + 24;
    out.text(C::LegendHead, x, y1, "Status");
    x += 56;
    for st in &l.statuses {
        let key = match st {
            Status::Draft => C::KeyDraft,
            Status::Approved => C::KeyApproved,
            Status::Live => C::KeyLive,
            Status::Retired => C::KeyRetired,
        };
        out.rect(key, x, y1 - 11, 22, 14, 3);
        out.text(C::LegendText, x + 28, y1, st.as_str());
        x += 28 + label::width(st.as_str(), SMALL_SIZE, false) as i32 + 18;
    }
    x += 10;
    out.badge(x + 9, y1 - 4, 2, true);
    out.text(C::LegendText, x + 24, y1, "errors");
    x += 24 + label::width("errors", SMALL_SIZE, false) as i32 + 18;
    out.badge(x + 9, y1 - 4, 1, false);
    out.text(C::LegendText, x + 24, y1, "warnings (rules of the catalog)");
    let mut x = l.x + 12;
    let y2 = l.y + 48;
    out.text(C::LegendHead, x, y2, "Lines");
    x += 56;
    for k in &l.edges {
        let (line, head, _) = edge_classes(*k);
        out.open("line", line);
        out.attr("x1", x);
        out.attr("y1", y2 - 4);
        out.attr("x2", x + 30);
        out.attr("y2", y2 - 4);
        out.s.push_str("/>\n");
        if let Some(head) = head {
            arrowhead(out, Point { x, y: y2 - 4 }, Point { x: x + 30, y: y2 - 4 }, head);
        }
        let words = legend_words(*k);
        out.text(C::LegendText, x + 36, y2, words);
        x += 36 + label::width(words, SMALL_SIZE, false) as i32 + 22;
    }
}

/// Writes diagrams, reusing its buffer from one document to the next (a bundle writes
/// thousands).
#[derive(Default)]
pub struct Writer {
    body: String,
}

impl Writer {
    /// The diagram as a standalone SVG document, in `doc` (cleared first).
    pub fn write_into(&mut self, d: &Diagram, doc: &mut String) {
        self.body.clear();
        let mut out = Out { s: &mut self.body, used: 0 };
        body(&mut out, d);
        let used = out.used;
        doc.clear();
        doc.reserve(self.body.len() + 2048);
        doc.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            doc,
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#,
            w = d.width,
            h = d.height
        );
        doc.push_str("<title>");
        escape_into(doc, &d.title);
        doc.push_str("</title>\n<style>\n");
        for (i, (name, css)) in CLASSES.iter().enumerate() {
            if used & (1 << i) != 0 {
                doc.push('.');
                doc.push_str(name);
                doc.push('{');
                doc.push_str(css);
                doc.push_str("}\n");
            }
        }
        doc.push_str("</style>\n");
        doc.push_str(&self.body);
        doc.push_str("</svg>\n");
    }
}

/// Everything between the `<style>` block and `</svg>`.
fn body(out: &mut Out, d: &Diagram) {
    out.rect(C::Page, 0, 0, d.width, d.height, 0);
    out.text(C::Title, 24, 24 + 20, &d.title);
    out.text(C::Subtitle, 24, 24 + 40, &d.subtitle);

    let framed = d.sections.len() > 1 || d.sections.iter().any(|s| !s.title.is_empty());
    for s in &d.sections {
        if framed {
            out.rect(C::SectionFrame, s.x - 8, s.y - 4, s.w + 16, s.h + 8, 8);
            let t = label::fit(&s.title, 13.0, true, (s.w - 24) as f64);
            out.text(C::SectionTitle, s.x + 8, s.y + 20, &t);
        }
    }
    for lane in &d.lanes {
        let (class, words) = match lane.side {
            Side::Buy => (C::LaneBuy, "what the provider pays the carrier"),
            Side::Sell => (C::LaneSell, "what the customer is charged"),
        };
        out.rect(class, lane.x, lane.y, lane.w, lane.h, 8);
        out.text(C::LaneLabel, lane.x + 14, lane.y + 22, &lane.label);
        out.text(C::LaneWords, lane.x + 14 + label::width(&lane.label, 14.0, true) as i32 + 10, lane.y + 22, words);
    }
    for r in &d.rows {
        let Some(s) = d.sections.get(r.section as usize) else { continue };
        out.text(C::RowLabel, s.x + 10, r.y + r.h / 2 + 4, &r.label);
    }
    for c in &d.containers {
        container(out, c);
    }
    for e in &d.edges {
        edge_line(out, e);
    }
    for c in &d.containers {
        container_label(out, c);
    }
    for e in &d.edges {
        edge_label(out, e);
    }
    for n in &d.nodes {
        node(out, n);
    }
    legend(out, d);
}

/// The diagram as a standalone SVG document.
pub fn write(d: &Diagram) -> String {
    let mut doc = String::new();
    Writer::default().write_into(d, &mut doc);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::label::{CAPTION_SIZE, DETAIL_SIZE, NAME_SIZE};

    #[test]
    fn every_class_has_a_unique_plain_name_and_fits_the_used_set() {
        assert!(CLASSES.len() <= 128);
        let mut names: Vec<&str> = CLASSES.iter().map(|(n, _)| *n).collect();
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '-')), "{names:?}");
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CLASSES.len(), "class names are unique");
    }

    #[test]
    fn text_classes_use_the_sizes_the_layout_measured_with() {
        let css = |c: C| CLASSES[c as usize].1;
        assert!(css(C::Caption).contains(&format!("font-size:{CAPTION_SIZE}px")));
        assert!(css(C::Name).contains(&format!("font-size:{NAME_SIZE}px")));
        assert!(css(C::Detail).contains(&format!("font-size:{DETAIL_SIZE}px")));
        for c in [C::EdgeLabel, C::LabelAddOnGroup, C::LegendText, C::LaneWords, C::RowLabel] {
            assert!(css(c).contains(&format!("font-size:{SMALL_SIZE}px")), "{c:?}");
        }
    }

    #[test]
    fn status_words_are_the_statuses_in_capitals() {
        for st in [Status::Draft, Status::Approved, Status::Live, Status::Retired] {
            assert_eq!(status_word(st), st.as_str().to_uppercase());
        }
    }

    #[test]
    fn numbers_are_written_plainly() {
        let mut s = String::new();
        for v in [0, 7, -7, 1972, i32::MIN, i32::MAX] {
            s.clear();
            int(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        for (v, t) in [(297.0, "297"), (779.45, "779.5"), (-0.04, "0"), (-3.25, "-3.3"), (0.5, "0.5")] {
            s.clear();
            tenths(&mut s, v);
            assert_eq!(s, t, "{v}");
        }
    }
}
