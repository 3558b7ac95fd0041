//! The money charts, as SVG: cost and margin over a usage sweep, and a scenario's totals per
//! period. The window shows these exact pictures and the proposal PDF embeds them, so a client
//! reads the same curve on screen and on paper. Drawn with the `plotters` crate's SVG backend
//! (no fonts needed: text is left to whoever renders the SVG).
//!
//! A chart for [`Audience::Client`] draws SELL only: no BUY curve, no margin, no marker that
//! would reveal either. Charts carry no catalog text (no plan or scenario names), only
//! numbers and fixed labels, so nothing a user typed reaches the SVG unescaped; the caller puts
//! the title beside the picture.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::audience::Audience;
use crate::rating::Rating;
use crate::rating::sweep::Sweep;
use crate::value::Currency;

/// Every chart's size in SVG user units (it scales to its box).
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 300;

/// Colours with at least 4.5:1 contrast on white.
const SELL: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const BUY: RGBColor = RGBColor(0xa8, 0x4a, 0x00);
const MARGIN: RGBColor = RGBColor(0x1e, 0x6e, 0x32);
const MARK: RGBColor = RGBColor(0x55, 0x55, 0x55);
const LOSS: RGBColor = RGBColor(0xb0, 0x00, 0x20);

const FONT: &str = "sans-serif";

/// Cost (and, for the consultant, carrier cost and margin) of a full month over the sweep's
/// usage, with the included amount and where excess starts marked.
pub fn sweep_svg(sweep: &Sweep, currency: &Currency, audience: Audience) -> String {
    let scale = 10f64.powi(currency.decimals as i32);
    let per = sweep.per as f64;
    let x = |usage: i64| usage as f64 / per;
    let y = |m: i64| m as f64 / scale;
    let buy = audience.sees_buy();
    let sell: Vec<(f64, f64)> = sweep.points.iter().map(|p| (x(p.usage), y(p.sell.0))).collect();
    let carrier: Vec<(f64, f64)> =
        if buy { sweep.points.iter().filter_map(|p| Some((x(p.usage), y(p.buy?.0)))).collect() } else { vec![] };
    let margin: Vec<(f64, f64)> =
        if buy { sweep.points.iter().filter_map(|p| Some((x(p.usage), y(p.margin?.0)))).collect() } else { vec![] };
    let x_top = sweep.points.last().map_or(1.0, |p| x(p.usage)).max(f64::MIN_POSITIVE);
    let all_y = sell.iter().chain(&carrier).chain(&margin).map(|p| p.1);
    let (lo, hi) = all_y.fold((0f64, 0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = padded(lo, hi);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).expect("drawing into a string cannot fail");
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..x_top, lo..hi)
            .expect("a chart with a non-empty range");
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.12))
            .x_desc(format!("Usage a month ({})", sweep.unit))
            .y_desc(format!("{} a month", currency.code))
            .x_label_formatter(&|v| grouped(*v))
            .y_label_formatter(&|v| grouped(*v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 13))
            .draw()
            .expect("drawing into a string cannot fail");

        let marker = |at: f64, colour: RGBColor| {
            PathElement::new(vec![(at, lo), (at, hi)], ShapeStyle::from(colour.mix(0.7)).stroke_width(1))
        };
        if sweep.capacity > 0 {
            chart
                .draw_series([marker(x(sweep.capacity), MARK)])
                .expect("drawing into a string cannot fail")
                .label(format!("included: {} {}", grouped(x(sweep.capacity)), sweep.unit))
                .legend(move |(px, py)| PathElement::new(vec![(px, py), (px + 18, py)], MARK));
        }
        if let Some(e) = sweep.excess_from {
            chart
                .draw_series([Circle::new((x(e), y(point_sell(sweep, e))), 4, SELL.filled())])
                .expect("drawing into a string cannot fail")
                .label(format!("excess charged from {} {}", grouped(x(e)), sweep.unit))
                .legend(move |(px, py)| Circle::new((px + 9, py), 4, SELL.filled()));
        }
        if buy && let Some(n) = sweep.negative_margin_from {
            chart
                .draw_series([marker(x(n), LOSS)])
                .expect("drawing into a string cannot fail")
                .label(format!("margin below zero from {} {}", grouped(x(n)), sweep.unit))
                .legend(move |(px, py)| PathElement::new(vec![(px, py), (px + 18, py)], LOSS));
        }
        if buy && lo < 0.0 {
            chart
                .draw_series([PathElement::new(vec![(0.0, 0.0), (x_top, 0.0)], BLACK.mix(0.5))])
                .expect("drawing into a string cannot fail");
        }
        let curve = |points: Vec<(f64, f64)>, colour: RGBColor, name: &str| (points, colour, name.to_string());
        let mut curves =
            vec![curve(sell, SELL, if buy { "SELL: the customer's invoice" } else { "Your monthly cost" })];
        if !carrier.is_empty() {
            curves.push(curve(carrier, BUY, "BUY: the carrier's bill"));
            curves.push(curve(margin, MARGIN, "Margin (SELL − BUY)"));
        }
        for (points, colour, name) in curves {
            chart
                .draw_series(LineSeries::new(points, ShapeStyle::from(colour).stroke_width(2)))
                .expect("drawing into a string cannot fail")
                .label(name)
                .legend(move |(px, py)| PathElement::new(vec![(px, py), (px + 18, py)], colour.stroke_width(2)));
        }
        finish(&root, &mut chart, SeriesLabelPosition::UpperLeft);
    }
    svg
}

/// Each period's total (one-off and monthly together) as bars: SELL, and for the consultant
/// BUY beside it.
pub fn periods_svg(rating: &Rating, currency: &Currency, audience: Audience) -> String {
    let scale = 10f64.powi(currency.decimals as i32);
    let buy = audience.sees_buy();
    let n = rating.periods.len().max(1) as f64;
    let bars: Vec<(u32, f64, Option<f64>)> = rating
        .periods
        .iter()
        .map(|p| {
            let b = p.totals.buy.as_ref().filter(|_| buy).map(|b| b.total.0 as f64 / scale);
            (p.period, p.totals.sell.total.0 as f64 / scale, b)
        })
        .collect();
    let hi = bars.iter().flat_map(|b| [b.1, b.2.unwrap_or(0.0)]).fold(0f64, f64::max);
    let lo = bars.iter().flat_map(|b| [b.1, b.2.unwrap_or(0.0)]).fold(0f64, f64::min);
    let (lo, hi) = padded(lo, hi);
    let two = bars.iter().any(|b| b.2.is_some());

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).expect("drawing into a string cannot fail");
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(0.5f64..n + 0.5, lo..hi)
            .expect("a chart with a non-empty range");
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.12))
            .x_labels(rating.periods.len().clamp(1, 24))
            .x_label_formatter(&|v| {
                let p = v.round();
                if (v - p).abs() < 1e-9 && p >= 1.0 { format!("{p}") } else { String::new() }
            })
            .y_label_formatter(&|v| grouped(*v))
            .x_desc("Period (month)")
            .y_desc(format!("{} per period", currency.code))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 13))
            .draw()
            .expect("drawing into a string cannot fail");
        let width = if two { 0.38 } else { 0.6 };
        let sell_bars = bars.iter().map(|&(p, s, _)| {
            let left = p as f64 - if two { width } else { width / 2.0 };
            Rectangle::new([(left, 0.0), (left + width, s)], SELL.filled())
        });
        chart
            .draw_series(sell_bars)
            .expect("drawing into a string cannot fail")
            .label(if buy { "SELL: the customer's invoice" } else { "Your cost per period" })
            .legend(|(px, py)| Rectangle::new([(px, py - 5), (px + 12, py + 5)], SELL.filled()));
        if two {
            let buy_bars = bars
                .iter()
                .filter_map(|&(p, _, b)| Some(Rectangle::new([(p as f64, 0.0), (p as f64 + width, b?)], BUY.filled())));
            chart
                .draw_series(buy_bars)
                .expect("drawing into a string cannot fail")
                .label("BUY: the carrier's bill")
                .legend(|(px, py)| Rectangle::new([(px, py - 5), (px + 12, py + 5)], BUY.filled()));
        }
        finish(&root, &mut chart, SeriesLabelPosition::UpperRight);
    }
    svg
}

/// Draws the legend at `at` and writes the picture out: the last step of every chart.
fn finish<'a, 'b: 'a>(
    root: &DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    at: SeriesLabelPosition,
) {
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 12))
        .draw()
        .expect("drawing into a string cannot fail");
    root.present().expect("drawing into a string cannot fail");
}

/// The SELL total at the sweep point with `usage`.
fn point_sell(sweep: &Sweep, usage: i64) -> i64 {
    sweep.points.iter().find(|p| p.usage == usage).map_or(0, |p| p.sell.0)
}

/// A range from `lo` to `hi` with room above (and below, when negative) for the legend.
fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let span = (hi - lo).max(1.0);
    let lo = if lo < 0.0 { lo - span * 0.08 } else { 0.0 };
    (lo, hi + span * 0.35)
}

/// A number as an axis shows it: whole with thousands separated ("12,500"), or with one or
/// two decimals when small ("2.5").
fn grouped(v: f64) -> String {
    if v.abs() < 10.0 && v.fract().abs() > 1e-9 {
        let s = format!("{v:.2}");
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let whole = v.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if whole < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn axis_numbers_read_as_a_person_writes_them() {
        assert_eq!(grouped(0.0), "0");
        assert_eq!(grouped(1793.0), "1,793");
        assert_eq!(grouped(-1250000.4), "-1,250,000");
        assert_eq!(grouped(2.5), "2.5");
        assert_eq!(grouped(0.25), "0.25");
    }
}
