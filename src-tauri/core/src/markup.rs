//! The one escaper of text put into our markup: the build sheet's HTML (the template engine's
//! escaper for `.html` templates, set in `askama.toml`) and the diagrams' SVG (called by
//! `diagram::svg` as it writes). Names typed by people reach both, so both get the same rule.
//!
//! The rule: `&`, `<`, `>`, `"` and `'` become entities (`&#39;` for the apostrophe, which HTML
//! and XML both read); control characters other than tab, line feed and carriage return, and
//! U+FFFE/U+FFFF, are dropped, since XML cannot carry them and a browser would show them as
//! boxes. Every character it replaces or drops is ASCII, a C1 control (`C2 80`–`C2 9F`) or
//! U+FFFE/U+FFFF (`EF BF BE`/`EF BF BF`), so the text is scanned as bytes and copied in runs
//! between them (a large bundle's sheet is hundreds of megabytes of mostly plain text).
//!
//! Why ours and not the template engine's: its HTML escaper keeps control characters, which an
//! SVG file cannot hold; one function for both keeps the two outputs from drifting apart.

use std::fmt;

/// The escaper, as the template engine calls it (configured in `askama.toml`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Markup;

impl askama::filters::Escaper for Markup {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        write_escaped(&mut dest, text)
    }
}

/// Writes `text` escaped (see the module documentation) to `dest`.
pub fn write_escaped<W: fmt::Write + ?Sized>(dest: &mut W, text: &str) -> fmt::Result {
    let b = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        let (with, len) = match b[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1f | 0x7f => ("", 1),
            0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => ("", 2),
            0xef if b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        if start < i {
            dest.write_str(&text[start..i])?;
        }
        if !with.is_empty() {
            dest.write_str(with)?;
        }
        i += len;
        start = i;
    }
    if start < b.len() {
        dest.write_str(&text[start..])?;
    }
    Ok(())
}

/// Appends `text` escaped to `out`.
pub fn escape_into(out: &mut String, text: &str) {
    write_escaped(out, text).expect("writing into a String cannot fail");
}

/// `text` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("x\u{0}y\u{1b}z\u{FFFE}\té\n"), "xyz\té\n");
        // Byte by byte as the character rule says: every character that is a control (but
        // tab, line feed, carriage return) or U+FFFE/U+FFFF is dropped, others kept or escaped.
        let by_char = |t: &str| -> String {
            t.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    '\t' | '\n' | '\r' => c.to_string(),
                    c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => String::new(),
                    c => c.to_string(),
                })
                .collect()
        };
        let chars =
            ['a', 'é', '€', '\u{7f}', '\u{80}', '\u{9f}', '\u{a0}', '\u{FFFD}', '\u{FFFE}', '\u{FFFF}', '\u{10000}'];
        for (i, a) in chars.iter().enumerate() {
            for b in &chars[i..] {
                let t: String = [*a, '<', *b, '\u{1}', *a, '\t'].iter().collect();
                assert_eq!(escape(&t), by_char(&t), "{t:?}");
            }
        }
        for c in (0u32..0x250).chain(0xFFF0..0x10010).filter_map(char::from_u32) {
            let t = c.to_string();
            assert_eq!(escape(&t), by_char(&t), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn the_template_engine_escapes_with_it() {
        use askama::Template;
        #[derive(Template)]
        #[template(source = "<p title=\"{{ t }}\">{{ t }}</p>", ext = "html")]
        struct Probe<'a> {
            t: &'a str,
        }
        let t = "<b>'Tom' & \"Jo\"\u{7}</b>";
        let want = escape(t);
        assert_eq!(Probe { t }.render().unwrap(), format!("<p title=\"{want}\">{want}</p>"));
    }
}
