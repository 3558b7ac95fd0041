//! The PNG writer draws the SVG writer's picture: a real PNG of the computed size, white
//! where the diagram is empty, each box filled with its status colour where the layout put it,
//! text drawn (dark pixels inside the boxes), error badges red; and any name, however hostile,
//! renders.

use crate::diagram_catalogs;

use plansmith_core::diagram::{self, Diagram, png};
use plansmith_core::{EntityKind, Id, Stamp, demo, rules};
use resvg::tiny_skia::Pixmap;

fn demo_diagrams() -> (Diagram, Diagram) {
    let dir = tempfile::tempdir().unwrap();
    let stamp = Stamp::new("Ava Nguyen", "2026-05-04T09:30:00Z".parse().unwrap());
    let cat = demo::write_demo(&dir.path().join("demo.plansmith"), &stamp).unwrap();
    let mut s = cat.snapshot().unwrap();
    // A bolt-on without a name: an error finding, drawn as a red badge.
    s.bolt_ons[0].internal_name = String::new();
    let f = rules::check(&s);
    (diagram::structure(&s, &f, Id::new(EntityKind::Structure, 2)).unwrap(), diagram::catalog(&s, &f))
}

fn rgb(p: &Pixmap, x: f64, y: f64) -> (u8, u8, u8) {
    let c = p.pixel(x as u32, y as u32).unwrap().demultiply();
    (c.red(), c.green(), c.blue())
}

#[test]
fn the_png_is_the_svg_picture_at_twice_its_size() {
    let (d, _) = demo_diagrams();
    let bytes = png::write(&d).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let p = Pixmap::decode_png(&bytes).unwrap();
    assert_eq!((p.width(), p.height()), png::size_for(d.width, d.height));
    assert_eq!((p.width() as i32, p.height() as i32), (d.width * 2, d.height * 2));
    let k = 2.0;
    assert_eq!(rgb(&p, 2.0, 2.0), (255, 255, 255), "the background is white");
    for n in &d.nodes {
        // Bottom left corner inside the box, below the text: the status fill.
        let (r, g, b) = rgb(&p, (n.x as f64 + 4.0) * k, (n.y + n.h) as f64 * k - 6.0);
        let expected = match n.status.map(|s| s.as_str()) {
            Some("draft") => (0xf3, 0xf3, 0xf3),
            Some("approved") => (0xe4, 0xee, 0xfa),
            Some("live") => (0xe4, 0xf3, 0xe6),
            _ => (0xff, 0xff, 0xff),
        };
        let near = |a: u8, b: u8| a.abs_diff(b) <= 3;
        assert!(near(r, expected.0) && near(g, expected.1) && near(b, expected.2), "{}: ({r},{g},{b})", n.key);
        // The name line: some dark pixels (text was drawn, so fonts were found).
        let dark = (0..((n.w - 20) as u32 * 2))
            .flat_map(|dx| (0..16u32).map(move |dy| (dx, dy)))
            .filter(|(dx, dy)| {
                let (r, g, b) = rgb(&p, (n.x as f64 + 10.0) * k + *dx as f64, (n.y as f64 + 22.0) * k + *dy as f64);
                (r as u32 + g as u32 + b as u32) < 200
            })
            .count();
        assert!(dark > 40, "{}: the name '{}' is drawn ({dark} dark pixels)", n.key, n.label);
    }
    let with_errors = d.nodes.iter().find(|n| n.errors > 0).expect("the demo has a node with errors");
    // The badge is a pill centred on the box's top right corner; left of its white digit.
    let (r, g, b) = rgb(&p, (with_errors.x + with_errors.w - 2 - 6) as f64 * k, (with_errors.y - 1) as f64 * k);
    assert!(r > 150 && g < 90 && b < 90, "the error badge of {} is red: ({r},{g},{b})", with_errors.key);
}

#[test]
fn the_whole_catalog_and_hostile_names_render() {
    let (_, catalog) = demo_diagrams();
    let p = Pixmap::decode_png(&png::write(&catalog).unwrap()).unwrap();
    assert_eq!((p.width(), p.height()), png::size_for(catalog.width, catalog.height));
    let s = diagram_catalogs::random_snapshot(3, 4);
    let mut d = diagram::catalog(&s, &rules::check(&s));
    for n in &mut d.nodes {
        n.label = "<script>alert(1)</script> & \u{0}\u{1b} ]]>".to_string();
    }
    let bytes = png::write(&d).unwrap();
    assert_eq!(&bytes[..4], b"\x89PNG");
}
