//! The client's proposal PDF (issue 12): the demo's Harbour Cafés proposal read back with
//! `pdftotext` (the SELL figures and external names are there; no BUY amount, margin, markup
//! or internal name is), a hostile catalog whose names are typst markup printed literally, the
//! same bytes for the same input, and the pages rendered with `pdftoppm` for a person to look
//! at (in `$CARGO_TARGET_TMPDIR/proposal/`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use plansmith_core::model::{IncludedValueType, Side};
use plansmith_core::proposal::{self, Request};
use plansmith_core::rating::{self, Rating, Scenario, Usage, store};
use plansmith_core::{Catalog, Change, Currency, Date, Id, Money, PlanField, Scope, Snapshot, Stamp, demo};

const GB: i64 = 1_048_576;

fn stamp() -> Stamp {
    Stamp::new("Ava Nguyen", "2026-05-04T09:30:00Z".parse().unwrap())
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// The demo with Harbour Cafés' saved scenario "6 sites, 620 GB" (CU-1, from 1 January 2026).
fn demo_with_scenario(dir: &Path) -> (Catalog, Scenario) {
    let mut cat = demo::write_demo(&dir.join("demo.plansmith"), &stamp()).unwrap();
    let s = cat.snapshot().unwrap();
    let customer = s.customers.iter().find(|c| c.name.starts_with("Harbour Cafés")).unwrap().id;
    let mut sc = Scenario::new("6 sites, 620 GB", customer, day("2026-01-01"));
    sc.usage = vec![Usage { value_type: IncludedValueType::Kilobytes, amount: 620 * GB, period: None }];
    cat.apply(&Change::SaveScenario { scenario: sc }, &stamp()).unwrap();
    let saved = store::scenario(cat.conn(), customer, "6 sites, 620 GB").unwrap();
    (cat, saved)
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("proposal");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The PDF's text as `pdftotext` reads it, whitespace collapsed to single spaces, without the
/// invisible break opportunities (U+200B) the proposal puts into words too long for a line.
fn pdf_text(pdf: &[u8], name: &str) -> String {
    let path = out_dir().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let o = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed; .ci/setup.sh installs it");
    assert!(o.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().replace('\u{200B}', "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Renders the pages at 60 dpi beside the PDF, for a person to look at.
fn render_pages(pdf: &[u8], name: &str) -> usize {
    let dir = out_dir();
    let page = |e: &std::fs::DirEntry| {
        let n = e.file_name().to_string_lossy().into_owned();
        n.starts_with(&format!("{name}-")) && n.ends_with(".png")
    };
    for old in std::fs::read_dir(&dir).unwrap().map(Result::unwrap).filter(page) {
        std::fs::remove_file(old.path()).unwrap();
    }
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let o = Command::new("pdftoppm").args(["-png", "-r", "60"]).arg(&path).arg(dir.join(name)).output().unwrap();
    assert!(o.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_dir(&dir).unwrap().map(Result::unwrap).filter(page).count()
}

/// Whether `needle` occurs in `hay` as a whole number: not inside a longer run of digits,
/// thousands commas or a decimal point.
fn has_number(hay: &str, needle: &str) -> bool {
    let part = |c: char| c.is_ascii_digit() || c == ',' || c == '.';
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(part)
            && !after.is_some_and(|c| {
                c.is_ascii_digit()
                    || (c == '.' || c == ',') && hay[i + needle.len() + 1..].starts_with(|d: char| d.is_ascii_digit())
            })
    })
}

/// Every way an amount may be printed: "1,100.00" (also inside "$1,100.00") and "1100.00";
/// for a whole amount also "$1,100" and "$1100" (a chart's axis). Whole numbers without the
/// currency sign are not searched: they are quantities too ("120 GB").
fn forms(c: &Currency, m: Money) -> Vec<String> {
    let grouped = proposal::money(c, m);
    let sign: String = grouped.chars().take_while(|ch| !ch.is_ascii_digit()).collect();
    let digits = grouped[sign.len()..].to_string();
    let plain = c.format(Money(m.0.abs()));
    let mut v = vec![digits.clone(), plain.clone()];
    let unit = 10i64.pow(c.decimals);
    if m.0 % unit == 0 && !sign.is_empty() {
        v.push(format!("{sign}{}", digits.split('.').next().unwrap()));
        v.push(format!("{sign}{}", plain.split('.').next().unwrap()));
    }
    v.sort();
    v.dedup();
    v
}

/// Every SELL amount the proposal may print legitimately: SELL plans' fees and rates, SELL
/// lines' rates and amounts, SELL totals.
fn sell_amounts(s: &Snapshot, ratings: &[Rating]) -> BTreeSet<i64> {
    let mut v = BTreeSet::new();
    for p in s.plans().filter(|p| p.side == Side::Sell) {
        v.extend(fees(p));
    }
    for r in ratings {
        for p in &r.periods {
            for l in &p.lines {
                v.insert(l.sell.rate.0);
                v.insert(l.sell.amount.0);
            }
            let t = p.totals.sell;
            v.extend([t.one_off.0, t.monthly.0, t.total.0]);
        }
        let t = r.totals.sell;
        v.extend([t.one_off.0, t.monthly.0, t.total.0]);
    }
    v
}

fn fees(p: &plansmith_core::model::Plan) -> Vec<i64> {
    let mut v: Vec<Money> = [p.setup_fee, p.access_fee].into_iter().flatten().collect();
    if let Some(f) = p.service() {
        v.extend(f.data_billing.excess_rate);
    }
    if let Some(f) = p.bolt_on() {
        v.extend(f.first_time_fee);
        v.extend(f.excess_rate);
    }
    v.into_iter().map(|m| m.0).collect()
}

/// Every BUY figure, margin and markup of the catalog and the ratings: BUY plans' fees and
/// rates, BUY lines' rates and amounts, BUY totals, margins (amounts, and percentages in basis
/// points as a second list).
fn buy_amounts(s: &Snapshot, ratings: &[Rating]) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let mut money = BTreeSet::new();
    let mut percents = BTreeSet::new();
    for p in s.plans().filter(|p| p.side == Side::Buy) {
        money.extend(fees(p));
    }
    let mut totals = |t: &rating::Totals| {
        if let Some(b) = t.buy {
            money.extend([b.one_off.0, b.monthly.0, b.total.0]);
        }
        if let Some(m) = t.margin {
            for x in [m.one_off, m.monthly, m.total] {
                money.insert(x.amount.0);
                percents.extend(x.margin_percent_bp);
                percents.extend(x.markup_percent_bp);
            }
        }
    };
    for r in ratings {
        for p in &r.periods {
            totals(&p.totals);
        }
        totals(&r.totals);
    }
    for r in ratings {
        for p in &r.periods {
            for l in &p.lines {
                if let Some(b) = &l.buy {
                    money.insert(b.rate.0);
                    money.insert(b.amount.0);
                }
                money.extend(l.margin.map(|m| m.0));
            }
        }
    }
    money.remove(&0);
    (money, percents)
}

/// The internal names (and the BUY plans' carrier names) that no SELL plan shows as its
/// external name: none of them may be in a client's document.
fn hidden_names(s: &Snapshot) -> BTreeSet<String> {
    let shown: BTreeSet<String> = s
        .plans()
        .filter(|p| p.side == Side::Sell)
        .filter_map(|p| p.external_name.clone())
        .chain(s.customers.iter().map(|c| c.name.clone()))
        .collect();
    let mut hidden: BTreeSet<String> = s.plans().map(|p| p.internal_name.clone()).collect();
    hidden.extend(s.plans().filter(|p| p.side == Side::Buy).filter_map(|p| p.external_name.clone()));
    hidden.extend(s.plans().filter_map(|p| p.description.clone()));
    hidden.retain(|n| !n.trim().is_empty() && !shown.iter().any(|x| x.contains(n.as_str())));
    hidden
}

#[test]
fn harbour_cafes_proposal_shows_sell_only() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, sc) = demo_with_scenario(dir.path());
    let s = Snapshot::load(cat.conn(), &Scope::All).unwrap();
    let scenarios = [sc.clone()];
    let req = Request { subject: sc.subject, scenarios: &scenarios, date: day("2026-12-07") };
    let pdf = proposal::write(&s, &req).unwrap().bytes;
    assert!(pdf.starts_with(b"%PDF-") && pdf.trim_ascii_end().ends_with(b"%%EOF"), "a PDF file");
    let text = pdf_text(&pdf, "harbour-cafes");
    let pages = render_pages(&pdf, "harbour-cafes");
    let typeset = proposal::write(&s, &req).unwrap();
    assert_eq!(typeset.pages, pages, "the page count reported is the PDF's");
    assert!(pages >= 4, "a title page, the plans, the diagram and the example: {pages} page(s)");

    // SELL: 599 + 6 × 149 + 120 GB × 2.50 = 1,793 a month; set-up 6 × 299 = 1,794 in month 1;
    // twelve months 12 × 1,793 + 1,794 = 23,310.
    for needle in [
        "Harbour Cafés Pty Ltd",
        "7 December 2026",
        "$1,793.00",
        "$1,794.00",
        "$3,587.00",
        "$23,310.00",
        "$599.00",
        "$149.00",
        "$2.50 per GB",
        "120 GB",
        "500 GB",
        "6 sites, 620 GB",
        "620 GB of data a month",
    ] {
        assert!(text.contains(needle), "the proposal shows {needle:?}: {text}");
    }
    for p in s.plans().filter(|p| p.side == Side::Sell && sc_plans(&s).contains(&p.id)) {
        let name = p.external_name.as_deref().unwrap();
        assert!(text.contains(name), "the external name {name:?} of {} is shown: {text}", p.id);
        if let Some(d) = &p.external_description {
            let d = d.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&d), "the external description of {} is shown: {d:?}", p.id);
        }
    }

    assert_client_only(&s, &[sc], &text);
}

/// The proposal `text` holds no BUY figure, margin, markup or hidden name of the catalog `s`
/// rated over `scenarios`.
fn assert_client_only(s: &Snapshot, scenarios: &[Scenario], text: &str) {
    // Only the BUY amounts that no SELL figure equals are searched (a BUY fee equal to a SELL
    // fee prints legitimately as the SELL fee, and would be a false alarm).
    let ratings: Vec<Rating> = scenarios.iter().map(|sc| rating::rate(s, sc).unwrap()).collect();
    let currency = Currency::parse(&s.settings.currency).unwrap();
    let sell = sell_amounts(s, &ratings);
    let (buy, percents) = buy_amounts(s, &ratings);
    let searched: Vec<i64> = buy.iter().copied().filter(|m| !sell.contains(m)).collect();
    assert!(searched.len() >= 5, "BUY and margin figures are searched: {searched:?}");
    for m in &searched {
        for f in forms(&currency, Money(*m)) {
            assert!(!has_number(text, &f), "BUY or margin figure {f} is in the client's proposal: {text}");
        }
    }
    // Margin % of SELL and markup % on BUY, in any rounding, as percentages.
    for bp in percents {
        let (two, one) = (format!("{}.{:02}", bp / 100, bp % 100), format!("{:.1}", bp as f64 / 100.0));
        for f in [format!("{two} %"), format!("{two}%"), format!("{one} %"), format!("{one}%")] {
            assert!(!has_number(text, &f), "a margin or markup percentage {f} is in the proposal: {text}");
        }
    }
    // Nor the words that would name them ("buy" alone is the client's word: "What you buy").
    assert!(!text.split(|c: char| !c.is_alphanumeric()).any(|w| w == "BUY"), "the side BUY is named: {text}");
    let lower = text.to_lowercase();
    for word in ["margin", "markup", "carrier", "wholesale"] {
        assert!(!lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == word), "{word:?} in: {text}");
    }
    // No internal name, internal description or carrier name.
    let hidden = hidden_names(s);
    assert!(hidden.len() >= 8, "the demo's internal names are searched: {hidden:?}");
    for n in &hidden {
        let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!text.contains(&n), "the hidden name {n:?} is in the client's proposal: {text}");
    }
}

#[test]
fn mobile_structure_proposal_shows_sell_only() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = demo_with_scenario(dir.path());
    let s = Snapshot::load(cat.conn(), &Scope::All).unwrap();
    let st = s.structures.iter().find(|st| st.customer.is_none()).unwrap().id;
    let mut light = Scenario::new("Light use", st, day("2026-01-15"));
    light.services = Some(10);
    light.usage = vec![Usage { value_type: IncludedValueType::Kilobytes, amount: 6 * GB, period: None }];
    let mut heavy = Scenario::new("Heavy use, top-ups as needed", st, day("2026-01-01"));
    heavy.services = Some(10);
    heavy.usage = vec![Usage { value_type: IncludedValueType::Kilobytes, amount: 70 * GB, period: None }];
    heavy.top_ups_as_needed = true;
    let scenarios = [light, heavy];
    let pdf =
        proposal::write(&s, &Request { subject: st, scenarios: &scenarios, date: day("2026-12-07") }).unwrap().bytes;
    let text = pdf_text(&pdf, "mobile");
    render_pages(&pdf, "mobile");
    for needle in [
        "Mobile Business 40",
        "8GB Data Bolt-On",
        "Example: Light use",
        "Example: Heavy use, top-ups as needed",
        "Top-up: up to",
    ] {
        assert!(text.contains(needle), "the proposal shows {needle:?}: {text}");
    }
    assert_client_only(&s, &scenarios, &text);
}

/// The SELL plans of Harbour Cafés' offer: its structures' SELL objects.
fn sc_plans(s: &Snapshot) -> BTreeSet<Id> {
    let r = plansmith_core::relations::Relations::new(s);
    let c = s.customers.iter().find(|c| c.name.starts_with("Harbour Cafés")).unwrap().id;
    s.structures
        .iter()
        .filter(|st| st.customer == Some(c))
        .flat_map(|st| plansmith_core::progress::objects(&r, st).plans().collect::<Vec<_>>())
        .collect()
}

#[test]
fn hostile_names_print_literally() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cat, sc) = demo_with_scenario(dir.path());
    let s = cat.snapshot().unwrap();
    let sells: Vec<Id> = sc_plans(&s).into_iter().filter(|id| s.plan(*id).unwrap().side == Side::Sell).collect();
    let long_words = "Business Internet with a very long name that a consultant typed without stopping to think about paper widths at all, ".repeat(2);
    let hostile = [
        r#"#import "x": * #set page(width: 1cm) #{ panic("boom") }"#.to_string(),
        r"*bold* _em_ $x^2$ \ ] [ @ref <lab> // not a comment /* nor this */ `raw`".to_string(),
        format!("{}end {}", long_words.trim_end(), "Unbroken".repeat(12)),
        "Café Ωμέγα Привет ½ € — “quoted” ‘single’ & <tag> {braces}".to_string(),
    ];
    for (i, id) in sells.iter().enumerate() {
        let name = hostile[i % hostile.len()].clone();
        cat.apply(&Change::SetPlanField { id: *id, edit: PlanField::ExternalName(Some(name)) }, &stamp()).unwrap();
        let desc = format!("Description {i}: #strong[no] = heading? - list? + enum? / term: ~ nbsp");
        cat.apply(&Change::SetPlanField { id: *id, edit: PlanField::ExternalDescription(Some(desc)) }, &stamp())
            .unwrap();
    }
    let s = cat.snapshot().unwrap();
    let scenarios = [sc.clone()];
    let req = Request { subject: sc.subject, scenarios: &scenarios, date: day("2026-12-07") };
    let pdf = proposal::write(&s, &req).unwrap().bytes;
    let text = pdf_text(&pdf, "hostile");
    render_pages(&pdf, "hostile");
    // Compared without whitespace: a word too long for a line is broken where the proposal put
    // an invisible break opportunity, and pdftotext reads that line end as a space.
    let compact = |t: &str| t.split_whitespace().collect::<String>();
    let all = compact(&text);
    for id in &sells {
        let p = s.plan(*id).unwrap();
        let name = p.external_name.as_deref().unwrap();
        assert!(all.contains(&compact(name)), "{} is printed literally as {name:?}: {text}", p.id);
        let desc = p.external_description.as_deref().unwrap();
        assert!(text.contains(desc), "{}'s description is printed literally: {text}", p.id);
    }
    // The other hostile names are whole on their lines.
    for name in [&hostile[0], &hostile[1], &hostile[3]] {
        assert!(text.contains(name.as_str()), "{name:?} is printed literally: {text}");
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, sc) = demo_with_scenario(dir.path());
    let s = Snapshot::load(cat.conn(), &Scope::All).unwrap();
    let scenarios = [sc.clone()];
    let req = Request { subject: sc.subject, scenarios: &scenarios, date: day("2026-12-07") };
    let a = proposal::write(&s, &req).unwrap().bytes;
    let b = proposal::write(&s, &req).unwrap().bytes;
    assert!(a == b, "two proposals of the same input differ");
    // The date is data: another date, other bytes.
    let other = Request { date: day("2026-12-08"), ..req.clone() };
    assert!(proposal::write(&s, &other).unwrap().bytes != a, "the date is printed");
}

#[test]
fn refuses_what_it_cannot_propose() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, sc) = demo_with_scenario(dir.path());
    let s = Snapshot::load(cat.conn(), &Scope::All).unwrap();
    let none: [Scenario; 0] = [];
    let e =
        proposal::write(&s, &Request { subject: sc.subject, scenarios: &none, date: day("2026-12-07") }).unwrap_err();
    assert!(e.message().contains("needs at least one saved scenario"), "{}", e.message());
    let e = proposal::write(
        &s,
        &Request { subject: "ST-99".parse().unwrap(), scenarios: std::slice::from_ref(&sc), date: day("2026-12-07") },
    )
    .unwrap_err();
    assert!(e.message().contains("there is no structure ST-99"), "{}", e.message());
    let e = proposal::write(
        &s,
        &Request { subject: "PP-1".parse().unwrap(), scenarios: std::slice::from_ref(&sc), date: day("2026-12-07") },
    )
    .unwrap_err();
    assert!(e.message().contains("a proposal is for a structure (ST-n) or a customer (CU-n)"), "{}", e.message());
}

/// The client's diagram holds no hidden name and no BUY box anywhere in its SVG, not even in
/// the `<title>` tooltips a PDF does not print; the consultant's diagram of the same structure
/// holds them (so the search can find them).
#[test]
fn the_client_diagram_is_sell_only_in_every_element() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, _) = demo_with_scenario(dir.path());
    let s = Snapshot::load(cat.conn(), &Scope::All).unwrap();
    let r = plansmith_core::relations::Relations::new(&s);
    let hidden = hidden_names(&s);
    for st in &s.structures {
        let client = plansmith_core::diagram::client::structure(&r, st.id).unwrap();
        let svg = plansmith_core::diagram::svg::write(&client);
        assert!(client.nodes.iter().all(|n| n.side != Some(Side::Buy) && n.status.is_none() && n.errors == 0));
        assert!(!svg.contains("BUY") && !svg.contains("DRAFT"), "{svg}");
        let consultant = plansmith_core::diagram::structure(&s, &[], st.id).unwrap();
        let consultant = plansmith_core::diagram::svg::write(&consultant);
        let mut found = 0;
        for n in &hidden {
            let escaped = n.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            assert!(!svg.contains(&escaped), "{} hides {n:?}: {svg}", st.id);
            found += usize::from(consultant.contains(&escaped));
        }
        assert!(found > 0, "the consultant's diagram of {} shows internal names", st.id);
    }
}
