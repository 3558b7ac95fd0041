//! The PNG writer: a laid-out [`Diagram`] as a picture for slides, chat and documents that do
//! not take SVG.
//!
//! Why it is drawn from the SVG: the SVG writer is the one definition of how a diagram looks
//! (it is what bundles carry and what print shows), so the PNG is that same document rasterised
//! with `resvg`, a pure-Rust renderer, with the machine's fonts. Nothing outside the document is
//! ever loaded (image references resolve to nothing; the writer emits none anyway).
//!
//! Size: twice the diagram's pixels for a sharp picture on high-density screens and in print,
//! scaled down for a large catalog so the picture stays within [`MAX_SIDE`] pixels a side and
//! [`MAX_PIXELS`] in all (a whole 5 000-box catalog would otherwise need gigabytes).

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::{Diagram, svg};
use crate::error::{CoreError, Result};

/// The largest width or height of a written PNG, in pixels (what common viewers open).
pub const MAX_SIDE: u32 = 16_384;
/// The largest number of pixels of a written PNG (256 MiB of RGBA while it is drawn).
pub const MAX_PIXELS: u64 = 64 * 1024 * 1024;
/// The scale of a diagram that fits: two device pixels per diagram pixel.
pub const SCALE: f64 = 2.0;

/// The scale a `width` × `height` diagram is drawn at: [`SCALE`], or less to stay within
/// [`MAX_SIDE`] and [`MAX_PIXELS`].
pub fn scale_for(width: i32, height: i32) -> f64 {
    let (w, h) = (width.max(1) as f64, height.max(1) as f64);
    let by_side = MAX_SIDE as f64 / w.max(h);
    let by_area = (MAX_PIXELS as f64 / (w * h)).sqrt();
    SCALE.min(by_side).min(by_area)
}

/// The pixel size of the PNG of a `width` × `height` diagram.
pub fn size_for(width: i32, height: i32) -> (u32, u32) {
    let k = scale_for(width, height);
    let side = |v: i32| ((v.max(1) as f64 * k).floor() as u32).clamp(1, MAX_SIDE);
    (side(width), side(height))
}

/// The machine's fonts, read once per process (reading them takes tens of milliseconds).
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// The diagram as PNG bytes (8-bit RGBA, white background, [`size_for`] pixels).
pub fn write(d: &Diagram) -> Result<Vec<u8>> {
    let document = svg::write(d);
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: "DejaVu Sans".to_string(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&document, &options)
        .map_err(|e| CoreError::internal(format!("the diagram's SVG could not be read back for the PNG: {e}")))?;
    let (w, h) = size_for(d.width, d.height);
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| {
        CoreError::internal(format!("a {w}×{h} picture could not be allocated for the diagram's PNG"))
    })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let sx = w as f32 / tree.size().width();
    let sy = h as f32 / tree.size().height();
    resvg::render(&tree, tiny_skia::Transform::from_scale(sx, sy), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| CoreError::internal(format!("the diagram's PNG could not be encoded: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_diagrams_are_drawn_at_twice_their_size_and_large_ones_within_the_limits() {
        assert_eq!(size_for(1972, 1404), (3944, 2808));
        let (w, h) = size_for(25_540, 17_226);
        assert!(w <= MAX_SIDE && h <= MAX_SIDE);
        assert!(w as u64 * h as u64 <= MAX_PIXELS, "{w}×{h}");
        assert!(w as u64 * h as u64 > MAX_PIXELS * 9 / 10, "uses most of the budget: {w}×{h}");
        let (w, h) = size_for(100_000, 300);
        assert_eq!(w, MAX_SIDE);
        assert!(h >= 1);
        assert_eq!(size_for(0, 0), (2, 2), "an empty picture is still a picture");
    }
}
