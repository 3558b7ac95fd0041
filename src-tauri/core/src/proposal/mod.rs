//! The proposal the client takes home: a printable PDF of the offer (issue 12, domain.md §9
//! "Client view").
//!
//! Why it exists: in a workshop the client asks "can I get this as a PDF?". The answer must be
//! made offline, from the window and the command line alike, and must never show what the
//! client may not see. So the proposal is built in two steps that keep those two promises
//! apart:
//!
//! - [`content`] reads the catalog through [`Audience::Client`](crate::Audience): the SELL
//!   plans with their external names and descriptions, what each includes and costs, each
//!   chosen scenario rated (the SELL invoice of a representative month, every month's SELL
//!   totals, the charts of `chart` drawn for the client), the client's notes among the rating's
//!   assumptions, and the diagram drawn for the client. No BUY figure, margin, markup or internal name is ever read into it.
//! - [`typeset`] lays that content out with typst (a well-kept typesetting engine, used as a
//!   library) over a closed, in-memory world: a fixed template, the content as JSON data (never
//!   spliced into markup), the pictures as SVG, and DejaVu Sans compiled in. No system font,
//!   no network, no clock: the date is an argument, and the same input is the same bytes.
//!
//! The file is written by the caller through [`crate::new_file`], whole or not at all.

pub mod content;
pub mod typeset;

pub use content::{InvoiceLine, MonthInvoice, MonthRow, PlanSheet, Price, Proposal, ScenarioSheet, long_date, money};
pub use typeset::Pdf;

use crate::diagram;
use crate::error::{CoreError, Result};
use crate::id::Id;
use crate::rating::Scenario;
use crate::relations::Relations;
use crate::snapshot::Snapshot;
use crate::value::Date;

use content::Picture;

/// What a proposal is of: a structure or customer, the saved scenarios to rate (in print
/// order) and the date printed on it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub subject: Id,
    pub scenarios: &'a [Scenario],
    pub date: Date,
}

/// The proposal's content: plans, rated scenarios, notes and pictures, client-only.
pub fn content(snapshot: &Snapshot, req: &Request) -> Result<Proposal> {
    let r = Relations::new(snapshot);
    content::subject_words(&r, req.subject)?;
    if req.scenarios.is_empty() {
        return Err(CoreError::invalid(
            "scenario",
            format!(
                "scenario: a proposal of {} needs at least one saved scenario to rate; name one with --scenario NAME (`plansmith scenario list FILE {}` lists them)",
                req.subject, req.subject
            ),
        ));
    }
    let rated = content::rate_all(&r, req.subject, req.scenarios)?;
    let mut p = content::gather(&r, req.subject, &rated, req.date)?;
    if let Some(d) =
        content::structures_of(&r, req.subject).into_iter().find_map(|st| diagram::client::structure(&r, st).ok())
    {
        p.pictures.push(Picture {
            title: "What you buy".into(),
            caption:
                "Each box is a plan you order, under the name your invoice shows; the lines show what draws on what."
                    .into(),
            file: String::new(),
            // The text area is 170 × 230 mm below the heading.
            tall: d.height as f64 / d.width.max(1) as f64 > 230.0 / 170.0,
            svg: diagram::svg::write(&d),
        });
    }
    for (i, pic) in p.pictures.iter_mut().enumerate() {
        pic.file = format!("/picture-{}.svg", i + 1);
    }
    for (i, sc) in p.scenarios.iter_mut().enumerate() {
        for (j, chart) in sc.charts.iter_mut().enumerate() {
            chart.file = format!("/scenario-{}-chart-{}.svg", i + 1, j + 1);
        }
    }
    Ok(p)
}

/// The proposal typeset as a PDF.
pub fn pdf(p: &Proposal) -> Result<Pdf> {
    let data_json = serde_json::to_string(p).expect("the proposal's content serialises");
    let pictures = p
        .pictures
        .iter()
        .chain(p.scenarios.iter().flat_map(|sc| &sc.charts))
        .map(|pic| (pic.file.clone(), pic.svg.clone()))
        .collect();
    typeset::pdf(typeset::Files { data_json, pictures })
}

/// The proposal of `req` over `snapshot`, typeset as a PDF.
pub fn write(snapshot: &Snapshot, req: &Request) -> Result<Pdf> {
    pdf(&content(snapshot, req)?)
}
