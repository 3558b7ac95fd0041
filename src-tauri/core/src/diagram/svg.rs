//! The SVG writer: a laid-out [`Diagram`] as one standalone SVG document, for files, bundles
//! and print.
//!
//! Why it is this strict: a diagram travels. It is attached to a bundle, mailed to ops, opened
//! in browsers and printed, and it carries names typed by people. So the document holds only
//! plain shapes and text (`svg`, `g`, `title`, `rect`, `line`, `polyline`, `path`, `text`,
//! `tspan`): no scripts, no styles, no links or external references, no `url(…)` (arrowheads
//! are drawn as paths, not markers), no `foreignObject`; every attribute is explicit; every
//! piece of text is XML-escaped and stripped of control characters. Colours carry the status,
//! but the status is also written in every box, so a black-and-white print says the same.

use std::fmt::Write as _;

use crate::model::{Side, Status};

use super::label::{self, CAPTION_SIZE, DETAIL_SIZE, NAME_SIZE, SMALL_SIZE};
use super::structure::TEXT_PAD;
use super::{Container, ContainerKind, Diagram, Edge, EdgeKind, Node, NodeKind, Point};

const FONT: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
const INK: &str = "#1a1a1a";
const MUTED: &str = "#555555";
const ERROR: &str = "#c62828";
const WARNING: &str = "#f2a900";

/// Escapes text for XML content and attribute values, dropping what XML cannot carry.
pub fn escape(text: &str) -> String {
    let plain = |c: char| !matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{FFFE}' | '\u{FFFF}') && !c.is_control();
    if text.chars().all(plain) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// (fill, stroke, dashed) of a box of this status.
fn status_colours(status: Option<Status>) -> (&'static str, &'static str, bool) {
    match status {
        Some(Status::Draft) => ("#f3f3f3", "#7a7a7a", false),
        Some(Status::Approved) => ("#e4eefa", "#2f6fb5", false),
        Some(Status::Live) => ("#e4f3e6", "#2e7d32", false),
        Some(Status::Retired) => ("#fbfbfb", "#a0a0a0", true),
        None => ("#ffffff", "#4d4d4d", false),
    }
}

/// (stroke, width, dash) of an edge kind.
fn edge_style(kind: EdgeKind) -> (&'static str, f64, Option<&'static str>) {
    match kind {
        EdgeKind::Contains => ("#3d3d3d", 1.4, None),
        EdgeKind::Link => ("#1f4e8c", 1.6, None),
        EdgeKind::Member => ("#7a6f51", 1.3, Some("2 3")),
        EdgeKind::Allowance => ("#3d3d3d", 1.2, None),
        EdgeKind::Counterpart => ("#7d7d7d", 1.2, Some("6 4")),
        EdgeKind::Pool => ("#00695c", 1.6, None),
        EdgeKind::Orders => ("#6a3d9a", 1.6, None),
    }
}

fn arrowed(kind: EdgeKind) -> bool {
    matches!(kind, EdgeKind::Link | EdgeKind::Counterpart | EdgeKind::Pool | EdgeKind::Orders)
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

struct Out(String);

impl Out {
    fn line(&mut self, s: &str) {
        self.0.push_str(s);
        self.0.push('\n');
    }
    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: i32, y: i32, size: f64, weight: &str, fill: &str, anchor: &str, text: &str) {
        let _ = writeln!(
            self.0,
            r#"<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}" text-anchor="{anchor}">{}</text>"#,
            escape(text)
        );
    }
    #[allow(clippy::too_many_arguments)]
    fn rect(
        &mut self,
        x: i32,
        y: i32,
        w: i32,
        h: i32,
        rx: i32,
        fill: &str,
        stroke: &str,
        width: f64,
        dash: Option<&str>,
    ) {
        let dash = dash.map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
        let _ = writeln!(
            self.0,
            r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" ry="{rx}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>"#
        );
    }
    /// A pill with a count (error or warning badge) centred at (cx, cy).
    fn badge(&mut self, cx: i32, cy: i32, count: u32, fill: &str, ink: &str) {
        let text = count.to_string();
        let w = (label::width(&text, 10.0, true) as i32 + 10).max(18);
        self.rect(cx - w / 2, cy - 9, w, 18, 9, fill, "#ffffff", 1.5, None);
        self.text(cx, cy + 4, 10.0, "bold", ink, "middle", &text);
    }
}

/// A coordinate to one decimal, written without float formatting (which is slow and could
/// vary in its last digit between platforms).
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = (self.0 * 10.0).round() as i64;
        let sign = if t < 0 { "-" } else { "" };
        let a = t.unsigned_abs();
        write!(f, "{sign}{}.{}", a / 10, a % 10)
    }
}

fn arrowhead(out: &mut Out, from: Point, to: Point, colour: &str) {
    let (dx, dy) = ((to.x - from.x) as f64, (to.y - from.y) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let (l, hw) = (9.0, 4.5);
    let (bx, by) = (to.x as f64 - ux * l, to.y as f64 - uy * l);
    let _ = writeln!(
        out.0,
        r#"<path d="M {} {} L {} {} L {} {} Z" fill="{colour}" stroke="none"/>"#,
        to.x,
        to.y,
        Tenths(bx - uy * hw),
        Tenths(by + ux * hw),
        Tenths(bx + uy * hw),
        Tenths(by - ux * hw)
    );
}

fn edge_line(out: &mut Out, e: &Edge) {
    if e.points.len() < 2 {
        return;
    }
    let (stroke, width, dash) = edge_style(e.kind);
    let dash = dash.map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
    let pts: Vec<String> = e.points.iter().map(|p| format!("{},{}", p.x, p.y)).collect();
    let _ = writeln!(
        out.0,
        r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="{width}" stroke-linejoin="round"{dash}/>"#,
        pts.join(" ")
    );
    if arrowed(e.kind) {
        let n = e.points.len();
        arrowhead(out, e.points[n - 2], e.points[n - 1], stroke);
    }
}

fn edge_label(out: &mut Out, e: &Edge) {
    let (Some(text), Some(at)) = (&e.label, e.label_at) else { return };
    let (stroke, _, _) = edge_style(e.kind);
    let w = label::width(text, SMALL_SIZE, false) as i32 + 10;
    out.rect(at.x - w / 2, at.y - 9, w, 18, 4, "#ffffff", stroke, 0.8, None);
    out.text(at.x, at.y + 4, SMALL_SIZE, "normal", INK, "middle", text);
    if e.errors > 0 {
        out.badge(at.x + w / 2 + 10, at.y, e.errors, ERROR, "#ffffff");
    } else if e.warnings > 0 {
        out.badge(at.x + w / 2 + 10, at.y, e.warnings, WARNING, INK);
    }
}

fn container_colours(c: &Container) -> (&'static str, &'static str) {
    match c.kind {
        ContainerKind::BoltOnGroup => ("#fdfdfd", "#51607a"),
        ContainerKind::AddOnGroup => ("#fdfdfb", "#7a6f51"),
        ContainerKind::Sites => ("#fdfdfd", "#6a5a8c"),
    }
}

/// A container's frame (drawn under the edges).
fn container(out: &mut Out, c: &Container) {
    if c.w <= 0 {
        return;
    }
    let (fill, stroke) = container_colours(c);
    out.line("<g>");
    let _ = writeln!(out.0, "<title>{}</title>", escape(&c.name));
    out.rect(c.x, c.y, c.w, c.h, 10, fill, stroke, 1.3, None);
    out.line("</g>");
}

/// A container's label and badge (drawn over the edges, on a patch of the container's fill,
/// so a line entering the container never runs through the words).
fn container_label(out: &mut Out, c: &Container) {
    if c.w <= 0 {
        return;
    }
    let (fill, stroke) = container_colours(c);
    let w = label::width(&c.label, SMALL_SIZE, true) as i32 + 8;
    out.rect(c.x + 4, c.y + 3, w, 16, 3, fill, "none", 0.0, None);
    out.text(c.x + 8, c.y + 15, SMALL_SIZE, "bold", stroke, "start", &c.label);
    if c.errors > 0 {
        out.badge(c.x + c.w, c.y, c.errors, ERROR, "#ffffff");
    } else if c.warnings > 0 {
        out.badge(c.x + c.w, c.y, c.warnings, WARNING, INK);
    }
}

fn node(out: &mut Out, n: &Node) {
    let (fill, stroke, dashed) = status_colours(n.status);
    let (fill, stroke, width) = match n.kind {
        NodeKind::Customer => ("#ffffff", INK, 2.0),
        _ => (fill, stroke, 1.6),
    };
    out.line("<g>");
    let full = match n.side {
        Some(side) => format!("{} {} {}: {}", side, n.kind.label(), n.key, n.name),
        None => format!("{} {}: {}", n.kind.label(), n.key, n.name),
    };
    let _ = writeln!(out.0, "<title>{}</title>", escape(&full));
    out.rect(n.x, n.y, n.w, n.h, 6, fill, stroke, width, dashed.then_some("5 3"));
    let left = n.x + TEXT_PAD;
    let mut y = n.y + 16;
    out.text(left, y, CAPTION_SIZE, "normal", MUTED, "start", &n.caption);
    if let Some(st) = n.status {
        out.text(n.x + n.w - TEXT_PAD, y, CAPTION_SIZE, "bold", stroke, "end", &st.as_str().to_uppercase());
    }
    y += 18;
    let ink = if n.status == Some(Status::Retired) { MUTED } else { INK };
    out.text(left, y, NAME_SIZE, "bold", ink, "start", &n.label);
    for d in &n.details {
        y += 15;
        out.text(left, y, DETAIL_SIZE, "normal", "#333333", "start", d);
    }
    if n.errors > 0 {
        out.badge(n.x + n.w - 2, n.y - 1, n.errors, ERROR, "#ffffff");
    }
    if n.warnings > 0 {
        let dx = if n.errors > 0 { 26 } else { 2 };
        out.badge(n.x + n.w - dx - 4, n.y - 1, n.warnings, WARNING, INK);
    }
    out.line("</g>");
}

fn legend(out: &mut Out, d: &Diagram) {
    let l = &d.legend;
    out.rect(l.x, l.y, l.w, l.h, 6, "#ffffff", "#c8c8c8", 1.0, None);
    let mut x = l.x + 12;
    let y1 = l.y + 24;
    out.text(x, y1, SMALL_SIZE, "bold", INK, "start", "Status");
    x += 56;
    for st in &l.statuses {
        let (fill, stroke, dashed) = status_colours(Some(*st));
        out.rect(x, y1 - 11, 22, 14, 3, fill, stroke, 1.4, dashed.then_some("4 2"));
        out.text(x + 28, y1, SMALL_SIZE, "normal", INK, "start", st.as_str());
        x += 28 + label::width(st.as_str(), SMALL_SIZE, false) as i32 + 18;
    }
    x += 10;
    out.badge(x + 9, y1 - 4, 2, ERROR, "#ffffff");
    out.text(x + 24, y1, SMALL_SIZE, "normal", INK, "start", "errors");
    x += 24 + label::width("errors", SMALL_SIZE, false) as i32 + 18;
    out.badge(x + 9, y1 - 4, 1, WARNING, INK);
    out.text(x + 24, y1, SMALL_SIZE, "normal", INK, "start", "warnings (rules of the catalog)");
    let mut x = l.x + 12;
    let y2 = l.y + 48;
    out.text(x, y2, SMALL_SIZE, "bold", INK, "start", "Lines");
    x += 56;
    for k in &l.edges {
        let (stroke, width, dash) = edge_style(*k);
        let dash = dash.map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
        let _ = writeln!(
            out.0,
            r#"<line x1="{x}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{width}"{dash}/>"#,
            y2 - 4,
            x + 30,
            y2 - 4
        );
        if arrowed(*k) {
            arrowhead(out, Point { x, y: y2 - 4 }, Point { x: x + 30, y: y2 - 4 }, stroke);
        }
        let words = legend_words(*k);
        out.text(x + 36, y2, SMALL_SIZE, "normal", INK, "start", words);
        x += 36 + label::width(words, SMALL_SIZE, false) as i32 + 22;
    }
}

/// The diagram as a standalone SVG document.
pub fn write(d: &Diagram) -> String {
    let mut out = Out(String::with_capacity(512 + d.nodes.len() * 900 + d.edges.len() * 200));
    out.line(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out.0,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#,
        w = d.width,
        h = d.height
    );
    let _ = writeln!(out.0, "<title>{}</title>", escape(&d.title));
    out.rect(0, 0, d.width, d.height, 0, "#ffffff", "none", 0.0, None);
    out.text(24, 24 + 20, 18.0, "bold", INK, "start", &d.title);
    out.text(24, 24 + 40, 12.0, "normal", MUTED, "start", &d.subtitle);

    let framed = d.sections.len() > 1 || d.sections.iter().any(|s| !s.title.is_empty());
    for s in &d.sections {
        if framed {
            out.rect(s.x - 8, s.y - 4, s.w + 16, s.h + 8, 8, "#ffffff", "#bdbdbd", 1.0, None);
            let t = label::fit(&s.title, 13.0, true, (s.w - 24) as f64);
            out.text(s.x + 8, s.y + 20, 13.0, "bold", INK, "start", &t);
        }
    }
    for lane in &d.lanes {
        let (fill, words) = match lane.side {
            Side::Buy => ("#f6f8fb", "what the provider pays the carrier"),
            Side::Sell => ("#f8f8f4", "what the customer is charged"),
        };
        out.rect(lane.x, lane.y, lane.w, lane.h, 8, fill, "#d6d6d6", 1.0, None);
        out.text(lane.x + 14, lane.y + 22, 14.0, "bold", INK, "start", &lane.label);
        out.text(
            lane.x + 14 + label::width(&lane.label, 14.0, true) as i32 + 10,
            lane.y + 22,
            SMALL_SIZE,
            "normal",
            MUTED,
            "start",
            words,
        );
    }
    for r in &d.rows {
        let Some(s) = d.sections.get(r.section as usize) else { continue };
        out.text(s.x + 10, r.y + r.h / 2 + 4, SMALL_SIZE, "bold", MUTED, "start", &r.label);
    }
    for c in &d.containers {
        container(&mut out, c);
    }
    for e in &d.edges {
        edge_line(&mut out, e);
    }
    for c in &d.containers {
        container_label(&mut out, c);
    }
    for e in &d.edges {
        edge_label(&mut out, e);
    }
    for n in &d.nodes {
        node(&mut out, n);
    }
    legend(&mut out, d);
    out.line("</svg>");
    out.0
}
