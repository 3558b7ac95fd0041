//! `plansmith diagram`: draws a structure (or the whole catalog) as SVG or PNG, or prints the
//! layout as JSON, headless. The picture is the core's; this only opens the catalog read-only (so it
//! works while the app has the file open), picks the diagram and writes the file.

use std::path::Path;

use anyhow::{Result, bail};
use plansmith_core::{Catalog, Id, diagram, rules};

use crate::Outcome;

/// What to draw and where to put it.
pub struct Request<'a> {
    pub file: &'a Path,
    pub structure: Option<&'a str>,
    pub shared_data: bool,
    pub out: Option<&'a Path>,
    pub json: bool,
}

pub fn run(req: Request) -> Result<Outcome> {
    if req.out.is_none() && !req.json {
        bail!(
            "say where the diagram goes: --out FILE.svg (an SVG picture), --out FILE.png (a PNG picture) or --json (the layout, on stdout)"
        );
    }
    if req.shared_data && req.structure.is_none() {
        bail!("--shared-data draws one shared-data structure; name it with --structure ST-…");
    }
    let cat = Catalog::open_read_only(req.file)?;
    let s = cat.snapshot()?;
    let findings = rules::check(&s);
    let d = match req.structure {
        Some(text) => {
            let id: Id = text.parse()?;
            if req.shared_data {
                diagram::shared_data(&s, &findings, id)?
            } else {
                diagram::structure(&s, &findings, id)?
            }
        }
        None => diagram::catalog(&s, &findings),
    };
    if let Some(out) = req.out {
        let png = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
        let (bytes, (w, h)) = if png {
            (diagram::png::write(&d)?, diagram::png::size_for(d.width, d.height))
        } else {
            (diagram::svg::write(&d).into_bytes(), (d.width as u32, d.height as u32))
        };
        plansmith_core::new_file::write_replacing(out, &bytes)?;
        if !req.json {
            outln!("wrote {} ({} boxes, {} lines, {w}×{h} px)", out.display(), d.nodes.len(), d.edges.len());
        }
    }
    if req.json {
        outln!("{}", serde_json::to_string_pretty(&d)?);
    }
    Ok(Outcome::Done)
}
