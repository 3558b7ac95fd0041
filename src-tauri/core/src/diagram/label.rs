//! What a box says and how it fits. The layout runs headless, with no font to measure, yet the
//! text it places must fit its box in the window, in any SVG renderer and on paper. So text is
//! measured with the advance widths of DejaVu Sans (the widest of the common sans-serif faces
//! the SVG names, and the one Linux renderers fall back to), bold estimated wider, and cut
//! with an ellipsis where it would not fit; the full text stays in the diagram for hover.
//!
//! It also formats the few facts a node shows (quotas, money, behaviours) the way the
//! articles write them ("500 GB", "$2.50/GB", "forced, irremovable").

use crate::model::{Behaviour, IncludedValue, IncludedValueType, KB_PER_GB};
use crate::value::{Currency, Money};

/// Caption line: side, kind and id.
pub const CAPTION_SIZE: f64 = 10.0;
/// Name line (bold).
pub const NAME_SIZE: f64 = 13.0;
/// Fact lines.
pub const DETAIL_SIZE: f64 = 11.0;
/// Container, edge and legend labels.
pub const SMALL_SIZE: f64 = 11.0;

/// DejaVu Sans advance widths of ASCII 32..=126 in 1/2048 em.
const ADVANCE: [u16; 95] = [
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, // ' '../
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, // 0-9
    690, 690, 1716, 1716, 1716, 1087, 2048, // : ; < = > ? @
    1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300,
    1251, 1499, 1401, 2025, 1403, 1251, 1403, // A-Z
    799, 690, 799, 1716, 1024, 1024, // [ \ ] ^ _ `
    1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803,
    1298, 1212, 1675, 1212, 1212, 1075, // a-z
    1303, 690, 1303, 1716, // { | } ~
];

fn advance(c: char) -> u32 {
    let u = c as u32;
    if (32..=126).contains(&u) {
        return ADVANCE[(u - 32) as usize] as u32;
    }
    match c {
        '·' | '•' => 651,
        '—' | '…' | '→' | '←' | '≥' | '≤' | '×' => 2048,
        '–' => 1024,
        _ if c.is_alphabetic() && u < 0x0250 => 1420, // accented Latin: as a wide letter
        _ if u >= 0x1100 => 2048,                     // CJK and other wide scripts
        _ => 1500,
    }
}

/// The estimated width in pixels of `text` at `size` px, bold or not.
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    let units: u32 = text.chars().map(advance).sum();
    let w = units as f64 * size / 2048.0;
    if bold { w * 1.15 } else { w }
}

/// `text` cut to fit `max` pixels, with an ellipsis when cut. Control characters (which XML
/// cannot carry) are dropped first.
pub fn fit(text: &str, size: f64, bold: bool, max: f64) -> String {
    let has_control = text.chars().any(char::is_control);
    if !has_control && width(text, size, bold) <= max {
        return text.to_string();
    }
    let clean: String = if has_control { text.chars().filter(|c| !c.is_control()).collect() } else { text.to_string() };
    if width(&clean, size, bold) <= max {
        return clean;
    }
    let ellipsis = width("…", size, bold);
    let mut out = String::new();
    let mut used = 0.0;
    let scale = size / 2048.0 * if bold { 1.15 } else { 1.0 };
    for c in clean.chars() {
        let w = advance(c) as f64 * scale;
        if used + w + ellipsis > max {
            break;
        }
        used += w;
        out.push(c);
    }
    let trimmed = out.trim_end();
    format!("{trimmed}…")
}

/// A behaviour as the Emersion screen words it.
pub fn behaviour(b: Option<Behaviour>) -> &'static str {
    match b {
        Some(Behaviour::ForcedIrremovable) => "forced, irremovable",
        Some(Behaviour::ForcedRemovable) => "forced, removable",
        Some(Behaviour::Optional) => "optional",
        None => "no behaviour",
    }
}

const KB_PER_MB: i64 = 1024;

/// Kilobytes as "500 GB", "1.5 GB", "2 TB", "512 MB".
pub fn kilobytes(kb: i64) -> String {
    if kb >= 1000 * KB_PER_GB && kb % (1000 * KB_PER_GB) == 0 {
        return format!("{} TB", kb / (1000 * KB_PER_GB));
    }
    if kb >= KB_PER_GB {
        return trim_decimal(kb as f64 / KB_PER_GB as f64, "GB");
    }
    if kb >= KB_PER_MB {
        return trim_decimal(kb as f64 / KB_PER_MB as f64, "MB");
    }
    format!("{kb} KB")
}

fn trim_decimal(v: f64, unit: &str) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{} {unit}", v.round() as i64) } else { format!("{v:.1} {unit}") }
}

/// Money in the catalog's currency: "$12.50" for dollar currencies, "€12.50", "£12.50",
/// otherwise "JPY 1200".
pub fn money(currency: &str, m: Money) -> String {
    let code = currency.trim().to_ascii_uppercase();
    let amount = match Currency::parse(&code) {
        Ok(c) => c.format(m),
        Err(_) => Currency { code: code.clone(), decimals: 2 }.format(m),
    };
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", amount),
    };
    match code.as_str() {
        "AUD" | "NZD" | "USD" | "CAD" | "SGD" | "HKD" | "FJD" => format!("{sign}${digits}"),
        "EUR" => format!("{sign}€{digits}"),
        "GBP" => format!("{sign}£{digits}"),
        _ => format!("{sign}{code} {digits}"),
    }
}

/// An included value: "8 GB", "$25.00", "50 units", "120 min".
pub fn included_value(currency: &str, v: &IncludedValue) -> String {
    match v.value_type {
        IncludedValueType::Kilobytes => kilobytes(v.amount),
        IncludedValueType::Dollar => money(currency, Money(v.amount)),
        IncludedValueType::Units => format!("{} units", v.amount),
        IncludedValueType::Seconds if v.amount % 60 == 0 => format!("{} min", v.amount / 60),
        IncludedValueType::Seconds => format!("{} s", v.amount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_cut_with_an_ellipsis() {
        assert_eq!(fit("Mobile 40", NAME_SIZE, true, 200.0), "Mobile 40");
        let long = "Business Internet Shared Data 500GB for every café of the group";
        let cut = fit(long, NAME_SIZE, true, 200.0);
        assert!(cut.ends_with('…') && cut.len() < long.len(), "{cut}");
        assert!(width(&cut, NAME_SIZE, true) <= 200.0);
        assert_eq!(fit("a\u{7}b", NAME_SIZE, false, 200.0), "ab");
    }

    #[test]
    fn quantities_and_money_read_as_in_the_articles() {
        assert_eq!(kilobytes(500 * KB_PER_GB), "500 GB");
        assert_eq!(kilobytes(5000 * KB_PER_GB), "5 TB");
        assert_eq!(kilobytes(KB_PER_GB + KB_PER_GB / 2), "1.5 GB");
        assert_eq!(kilobytes(512 * KB_PER_MB), "512 MB");
        assert_eq!(money("AUD", Money(250)), "$2.50");
        assert_eq!(money("JPY", Money(1200)), "JPY 1200");
        assert_eq!(money("EUR", Money(-5)), "-€0.05");
        assert_eq!(behaviour(Some(Behaviour::ForcedRemovable)), "forced, removable");
    }
}
