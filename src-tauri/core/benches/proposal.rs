//! The proposal benchmark: the demo's Harbour Cafés proposal (CU-1, "6 sites, 620 GB", twelve
//! months) gathered and typeset to PDF, beside two references of the same run on the same
//! snapshot: rating the same scenario, and rendering the consultant's shared-data diagram of
//! the same structure as PNG (resvg). The first proposal of the process (fonts parsed, typst's
//! caches empty) is printed apart from the median of the rest. Prints figures, asserts none.
//!
//! Run with `cargo bench -p plansmith-core --bench proposal`.

use std::time::{Duration, Instant};

use plansmith_core::model::IncludedValueType;
use plansmith_core::proposal::{self, Request};
use plansmith_core::rating::{self, Scenario, Usage};
use plansmith_core::{Date, Stamp, Timestamp, demo, diagram, rules};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let stamp = Stamp::new("bench", Timestamp::from_unix_seconds(1_795_305_600));
    let cat = demo::write_demo(&dir.path().join("demo.plansmith"), &stamp).unwrap();
    let s = cat.snapshot().unwrap();
    let customer = s.customers[0].id;
    let structure = s.structures.iter().find(|st| st.customer == Some(customer)).unwrap().id;
    let mut sc = Scenario::new("6 sites, 620 GB", customer, Date::new(2026, 1, 1).unwrap());
    sc.usage = vec![Usage { value_type: IncludedValueType::Kilobytes, amount: 620 * rating::KB_PER_GB, period: None }];
    let scenarios = [sc.clone()];
    let req = Request { subject: customer, scenarios: &scenarios, date: Date::new(2026, 12, 7).unwrap() };
    let findings = rules::check(&s);

    let t = Instant::now();
    let first = proposal::write(&s, &req).unwrap();
    let cold = t.elapsed();
    let rounds = 15;
    let (mut rate, mut png, mut content, mut pdf, mut cached) = (vec![], vec![], vec![], vec![], vec![]);
    let mut bytes = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        std::hint::black_box(rating::rate(&s, &sc).unwrap());
        rate.push(t.elapsed());
        let t = Instant::now();
        let d = diagram::shared_data(&s, &findings, structure).unwrap();
        std::hint::black_box(diagram::png::write(&d).unwrap());
        png.push(t.elapsed());
        let t = Instant::now();
        let c = proposal::content(&s, &req).unwrap();
        content.push(t.elapsed());
        // typst memoises layout across compilations in the process (comemo): the first
        // typesetting of a proposal starts from an empty cache, an unchanged one is mostly
        // cache hits. Both are timed; the total counts the uncached one.
        typst::comemo::evict(0);
        let t = Instant::now();
        let p = proposal::pdf(&c).unwrap();
        pdf.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(proposal::pdf(&c).unwrap());
        cached.push(t.elapsed());
        bytes = p.bytes.len();
    }
    let total: Vec<Duration> = content.iter().zip(&pdf).map(|(a, b)| *a + *b).collect();
    println!("proposal bench: the demo's Harbour Cafés, 1 scenario of 12 months, median of {rounds}");
    println!("  reference: rate the scenario            {}", ms(median(rate)));
    println!("  reference: shared-data diagram as PNG   {}", ms(median(png)));
    println!("  proposal: content (rating, diagram)     {}", ms(median(content)));
    println!("  proposal: typeset to PDF (typst)        {}", ms(median(pdf)));
    println!("  proposal: typeset again, unchanged      {}", ms(median(cached)));
    println!("  proposal: total                         {}", ms(median(total)));
    println!("  proposal: first of the process          {} ({} pages, {} bytes)", ms(cold), first.pages, bytes);
}
