//! The SVG writer is safe and plain whatever the names hold: no scripts, no external
//! references, no `foreignObject`, only plain shapes and text; its one `<style>` block holds
//! only the writer's own classes with plain colour, line and font declarations; every name
//! escaped; a well-formed document with a viewBox and a white background; text fitted to its
//! box; every class an element names is defined.

use crate::diagram_catalogs;

use plansmith_core::diagram::{self, Diagram, label, structure::NODE_W};
use plansmith_core::{Snapshot, rules};

/// Names made of markup: after escaping, none of the forbidden strings may be left anywhere.
const HOSTILE: &[&str] = &[
    "<script>alert(\"pwned\")</script>",
    "\" onmouseover=\"alert(1)",
    "' onload='alert(1)",
    "<img src=x onerror=alert(1)> & <svg/onload=alert(2)>",
    "]]><!-- <?xml-stylesheet type=\"text/css\"?> -->\u{0}\u{7}\u{1b}",
];

/// Names that spell the forbidden words themselves: they may only appear as escaped text,
/// never as an element, an attribute or an attribute value.
const WORDY: &[&str] = &[
    "<foreignObject><a href=\"https://evil.example\">x</a></foreignObject>",
    "<image xlink:href=\"http://evil.example/x.png\"/> fill=\"url(http://evil.example)\"",
];

const ALLOWED: &[&str] = &["svg", "g", "title", "style", "rect", "line", "polyline", "path", "text", "tspan"];

/// The CSS properties the style block may set: colours, lines and fonts, nothing that loads,
/// positions or hides anything.
const PROPERTIES: &[&str] = &[
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-linejoin",
    "font-size",
    "font-weight",
    "text-anchor",
];

/// A random catalog with every name replaced by one of `names`.
fn hostile_snapshot(names: &[&str]) -> Snapshot {
    let mut s = diagram_catalogs::random_snapshot(7, 6);
    let mut i = 0;
    let mut next = || {
        i += 1;
        names[i % names.len()].to_string()
    };
    for list in [&mut s.package_plans, &mut s.service_plans, &mut s.bolt_ons, &mut s.bolt_on_add_ons] {
        for p in list.iter_mut() {
            p.internal_name = next();
        }
    }
    for g in &mut s.bolt_on_groups {
        g.name = next();
    }
    for c in &mut s.customers {
        c.name = next();
    }
    for x in &mut s.sites {
        x.name = next();
        x.technology = next();
        x.speed = next();
        x.service_identifier = Some(next());
    }
    for st in &mut s.structures {
        st.name = next();
    }
    s.settings.name = next();
    s
}

fn diagrams(s: &Snapshot) -> Vec<Diagram> {
    let f = rules::check(s);
    let mut v = vec![diagram::catalog(s, &f)];
    for st in &s.structures {
        v.push(diagram::structure(s, &f, st.id).unwrap());
        if let Ok(d) = diagram::shared_data(s, &f, st.id) {
            v.push(d);
        }
    }
    v
}

/// The style block's rules, checked: one `.class{declarations}` per line, each class a plain
/// name, each declaration a plain value of an allowed property. Returns the classes defined.
fn check_style(css: &str) -> Vec<String> {
    let mut classes = Vec::new();
    for rule in css.lines().filter(|l| !l.is_empty()) {
        let (selector, body) = rule.split_once('{').unwrap_or_else(|| panic!("a rule: {rule}"));
        let name = selector.strip_prefix('.').unwrap_or_else(|| panic!("a class selector: {rule}"));
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "plain class name: {rule}");
        let body = body.strip_suffix('}').unwrap_or_else(|| panic!("the rule closes: {rule}"));
        for decl in body.split(';') {
            let (property, value) = decl.split_once(':').unwrap_or_else(|| panic!("property:value in {rule}"));
            assert!(PROPERTIES.contains(&property), "{property} is a plain look: {rule}");
            assert!(
                value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '#' | '.' | ' ')),
                "a plain value, no url(), escapes or quotes: {rule}"
            );
        }
        classes.push(name.to_string());
    }
    assert!(!classes.is_empty(), "the style block defines the looks");
    classes
}

/// A small well-formedness check of the writer's output: tags nest and close, attributes are
/// quoted, only allowed elements, no comments, processing instructions (but the declaration),
/// CDATA or entities other than the five predefined ones; one style block, before the
/// shapes, holding only plain rules (see [`check_style`]), and every class used defined there.
fn check_document(svg: &str) {
    let body = svg.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").expect("XML declaration first");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    let mut defined: Option<Vec<String>> = None;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if stack.last().is_some_and(|t| t == "style") {
            assert!(defined.is_none(), "one style block");
            defined = Some(check_style(text));
        } else {
            check_text(text);
        }
        let close = rest[open..].find('>').expect("tag closes") + open;
        let tag = &rest[open + 1..close];
        assert!(
            !tag.starts_with('!') && !tag.starts_with('?'),
            "no comments, CDATA or processing instructions: <{tag}>"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "</{name}> closes what is open");
        } else {
            let self_closing = tag.ends_with('/');
            let inner = tag.trim_end_matches('/');
            let name = inner.split_whitespace().next().unwrap();
            assert!(ALLOWED.contains(&name), "<{name}> is a plain shape or text");
            for class in check_attributes(&inner[name.len()..]) {
                let defined =
                    defined.as_ref().unwrap_or_else(|| panic!("<{name} class={class:?}> after the style block"));
                assert!(defined.contains(&class), "class {class:?} of <{name}> is defined in the style block");
            }
            if !self_closing {
                stack.push(name.to_string());
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "every element closes: {stack:?}");
    check_text(rest);
}

fn check_text(text: &str) {
    assert!(!text.contains('>') && !text.contains('"'), "text is escaped: {text:?}");
    let mut t = text;
    while let Some(i) = t.find('&') {
        let end = t[i..].find(';').expect("entity ends") + i;
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(&&t[i..=end]),
            "only predefined entities: {}",
            &t[i..=end]
        );
        t = &t[end + 1..];
    }
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "no control characters: {text:?}");
}

/// Checks an element's attributes; returns the classes it names.
fn check_attributes(attrs: &str) -> Vec<String> {
    let mut classes = Vec::new();
    let mut a = attrs.trim();
    while !a.is_empty() {
        let eq = a.find("=\"").expect("attribute has a quoted value");
        let name = &a[..eq];
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "attribute name {name:?}");
        assert!(!name.starts_with("on"), "no event handlers: {name}");
        assert!(name != "style", "no inline CSS: {name}");
        let rest = &a[eq + 2..];
        let end = rest.find('"').expect("value closes");
        check_text(&rest[..end]);
        assert!(!rest[..end].to_ascii_lowercase().contains("url("), "no url() in attribute values");
        if name == "class" {
            classes.extend(rest[..end].split(' ').map(str::to_string));
        }
        a = rest[end + 1..].trim_start();
    }
    classes
}

/// No forbidden string anywhere in the document.
fn assert_no_forbidden_strings(svg: &str) {
    let lower = svg.to_ascii_lowercase();
    for bad in [
        "<script",
        "foreignobject",
        "href",
        "url(",
        "xlink",
        "<image",
        "<iframe",
        "<img",
        "javascript:",
        "<!--",
        "<![cdata",
        "<?xml-",
        "@import",
        "style=",
    ] {
        assert!(!lower.contains(bad), "the SVG contains {bad:?}");
    }
}

/// A well-formed, plain document: the header, a viewBox, the font list, a white background
/// the size of the picture under everything else.
fn assert_plain(svg: &str) {
    let header = svg.lines().nth(1).unwrap();
    assert!(header.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{header}");
    assert!(
        header.contains("viewBox=\"0 0 ")
            && header.contains("font-family=\"DejaVu Sans, Verdana, Arial, Helvetica, sans-serif\"")
    );
    let size = header.split("viewBox=\"0 0 ").nth(1).unwrap().split('"').next().unwrap().replace(' ', "\" height=\"");
    let first_shape = svg.lines().skip_while(|l| *l != "</style>").nth(1).unwrap();
    assert_eq!(first_shape, format!("<rect class=\"bg\" width=\"{size}\"/>"), "background first");
    assert!(svg.contains("\n.bg{fill:#ffffff}\n"), "a white background");
    check_document(svg);
}

#[test]
fn hostile_names_are_escaped_and_nothing_active_is_written() {
    let s = hostile_snapshot(HOSTILE);
    for d in diagrams(&s) {
        let svg = diagram::svg::write(&d);
        assert_no_forbidden_strings(&svg);
        assert_plain(&svg);
        assert!(svg.contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"), "names are kept, escaped");
    }
}

#[test]
fn names_spelling_forbidden_words_stay_text() {
    let s = hostile_snapshot(WORDY);
    for d in diagrams(&s) {
        let svg = diagram::svg::write(&d);
        // check_document allows only plain elements and attributes, with no url() in values.
        assert_plain(&svg);
        assert!(
            svg.contains("&lt;foreignObject&gt;&lt;a href=&quot;https://evil.example&quot;&gt;"),
            "kept as escaped text"
        );
    }
    // Whatever the names, the writer's own markup never uses them.
    let plain = diagram::svg::write(&diagrams(&diagram_catalogs::random_snapshot(3, 4))[0]);
    assert_no_forbidden_strings(&plain);
}

#[test]
fn random_catalogs_write_safe_well_formed_svg() {
    for seed in 0..40 {
        let s = diagram_catalogs::random_snapshot(seed, 5);
        for d in diagrams(&s) {
            let svg = diagram::svg::write(&d);
            assert_plain(&svg);
        }
    }
}

#[test]
fn text_fits_its_box_and_the_full_name_is_kept_for_hover() {
    let s = hostile_snapshot(HOSTILE);
    for d in diagrams(&s) {
        for n in &d.nodes {
            let room = (n.w - 20) as f64;
            assert!(label::width(&n.label, label::NAME_SIZE, true) <= room + 0.01, "{}: {:?}", n.key, n.label);
            for line in &n.details {
                assert!(label::width(line, label::DETAIL_SIZE, false) <= room + 0.01, "{}: {line:?}", n.key);
            }
            assert!(label::width(&n.caption, label::CAPTION_SIZE, false) <= room, "{}: {:?}", n.key, n.caption);
            if n.label.ends_with('…') {
                assert!(!n.name.is_empty());
            }
            let svg = diagram::svg::write(&d);
            assert!(
                svg.contains(&format!("{}: {}</title>", n.key, plansmith_core::markup::escape(&n.name))),
                "{}'s full name is in its <title>",
                n.key
            );
        }
        for c in &d.containers {
            assert!(
                label::width(&c.label, label::SMALL_SIZE, true) <= (c.w - 16) as f64 + 0.01,
                "{}: {:?}",
                c.key,
                c.label
            );
        }
    }
    assert_eq!(NODE_W, 256);
}
