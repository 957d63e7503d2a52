//! Small, dependency-free SVG charts for `report.html`: stacked monthly bars and lines against a
//! limit. Every chart carries `data-series` and `data-points` so tests (and readers of the source)
//! can see it has data.

use std::fmt::Write;

/// Colour-blind-safe palette (Okabe-Ito, then greys).
pub const PALETTE: [&str; 10] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#999999", "#666666",
];

pub use super::views::Series;
use super::views::{Body, GanttBar, Line, View};
use crate::analysis::risk::Fan;

const W: f64 = 860.0;
const H: f64 = 300.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" axis maximum and step.
fn nice(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.25);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

fn axis(s: &mut String, labels: &[String], ymax: f64, step: f64, fmt: &dyn Fn(f64) -> String) {
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let mut v = 0.0;
    while v <= ymax + step * 1e-9 {
        let y = TOP + plot_h * (1.0 - v / ymax);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            y + 4.0,
            esc(&fmt(v))
        );
        v += step;
    }
    let n = labels.len().max(1);
    let every = (n / 12).max(1);
    for (i, l) in labels.iter().enumerate() {
        if i % every == 0 {
            let x = LEFT + plot_w * (i as f64 + 0.5) / n as f64;
            let _ = write!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"#,
                H - BOTTOM + 14.0,
                esc(l)
            );
        }
    }
}

fn legend(s: &mut String, names: &[&str]) {
    for (k, name) in names.iter().enumerate() {
        let y = TOP + 14.0 * k as f64;
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            W - RIGHT + 12.0,
            y,
            PALETTE[k % PALETTE.len()],
            W - RIGHT + 26.0,
            y + 9.0,
            esc(name)
        );
    }
}

/// Opens a chart: caption, and an `<svg>` that says how many series and data points it has.
fn open(id: &str, title: &str, series: usize, points: usize) -> String {
    format!(
        r#"<figure><figcaption>{}</figcaption><svg id="{id}" class="chart" data-series="{series}" data-points="{points}" viewBox="0 0 {W} {H}" role="img" aria-label="{}">"#,
        esc(title),
        esc(title)
    )
}

/// Stacked bars, one per label (month), one colour per series.
pub fn stacked_bars(
    id: &str,
    title: &str,
    labels: &[String],
    series: &[Series],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| series.iter().map(|s| s.values[i].max(0.0)).sum())
        .collect();
    let (ymax, step) = nice(totals.iter().copied().fold(0.0, f64::max));
    let points = series
        .iter()
        .map(|s| s.values.iter().filter(|v| **v != 0.0).count())
        .sum::<usize>()
        .max(
            if series.is_empty() { 0 } else { labels.len() }, // an all-zero chart still plots its months
        );
    let mut s = open(id, title, series.len(), points);
    axis(&mut s, labels, ymax, step, fmt);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let bw = plot_w / labels.len().max(1) as f64;
    for i in 0..labels.len() {
        let mut base = 0.0;
        for (k, ser) in series.iter().enumerate() {
            let v = ser.values[i].max(0.0);
            if v == 0.0 {
                continue;
            }
            let y0 = TOP + plot_h * (1.0 - base / ymax);
            let y1 = TOP + plot_h * (1.0 - (base + v) / ymax);
            let _ = write!(
                s,
                r#"<rect x="{:.2}" y="{y1:.2}" width="{:.2}" height="{:.2}" fill="{}"><title>{} {}: {}</title></rect>"#,
                LEFT + bw * i as f64 + bw * 0.1,
                bw * 0.8,
                (y0 - y1).max(0.0),
                PALETTE[k % PALETTE.len()],
                esc(&labels[i]),
                esc(&ser.name),
                esc(&fmt(v))
            );
            base += v;
        }
    }
    legend(
        &mut s,
        &series.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
    );
    s.push_str("</svg></figure>\n");
    s
}

/// Lines over the labels, each with an optional dashed limit in the same colour (drawn only in
/// the months it applies).
pub fn lines(
    id: &str,
    title: &str,
    labels: &[String],
    series: &[Line],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let top = series
        .iter()
        .flat_map(|l| {
            l.values
                .iter()
                .copied()
                .chain(l.limit.iter().flatten().flatten().copied())
        })
        .fold(0.0, f64::max);
    let (ymax, step) = nice(top);
    let points: usize = series.iter().map(|l| l.values.len()).sum();
    let mut s = open(id, title, series.len(), points);
    axis(&mut s, labels, ymax, step, fmt);
    for (k, line) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let pts: Vec<Option<f64>> = line.values.iter().map(|v| Some(*v)).collect();
        polyline(&mut s, &pts, labels.len(), ymax, colour, "", &line.name);
        if let Some(limit) = &line.limit {
            let what = format!(
                "{} limit {}",
                line.name,
                limit
                    .iter()
                    .flatten()
                    .next()
                    .map(|v| fmt(*v))
                    .unwrap_or_default()
            );
            polyline(
                &mut s,
                limit,
                labels.len(),
                ymax,
                colour,
                r#" stroke-dasharray="6 4""#,
                &what,
            );
        }
    }
    legend(
        &mut s,
        &series.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
    );
    s.push_str("</svg></figure>\n");
    s
}

fn x_at(i: usize, n: usize) -> f64 {
    LEFT + (W - LEFT - RIGHT) * (i as f64 + 0.5) / n.max(1) as f64
}

fn y_at(v: f64, ymax: f64) -> f64 {
    TOP + (H - TOP - BOTTOM) * (1.0 - v / ymax)
}

/// One polyline per run of defined values.
fn polyline(
    s: &mut String,
    values: &[Option<f64>],
    n: usize,
    ymax: f64,
    colour: &str,
    extra: &str,
    title: &str,
) {
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, s: &mut String| {
        if !run.is_empty() {
            let _ = write!(
                s,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="2"{extra} points="{}"><title>{}</title></polyline>"#,
                run.join(" "),
                esc(title)
            );
            run.clear();
        }
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push(format!("{:.2},{:.2}", x_at(i, n), y_at(*v, ymax))),
            None => flush(&mut run, s),
        }
    }
    flush(&mut run, s);
}

/// One small fan chart per entity: the P10–P90 band shaded, the median as a line, and the
/// entity's limit (a commitment) dashed.
pub fn fans(
    id: &str,
    title: &str,
    labels: &[String],
    fans: &[Fan],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let mut out = String::new();
    for (k, f) in fans.iter().enumerate() {
        let top = f.p90.iter().copied().chain(f.limit).fold(0.0, f64::max);
        let (ymax, step) = nice(top);
        let n = labels.len();
        let mut s = open(
            &format!("{id}-{k}"),
            &format!("{title}: {}", f.name),
            1,
            f.p50.len(),
        );
        axis(&mut s, labels, ymax, step, fmt);
        let colour = PALETTE[k % PALETTE.len()];
        let upper = f
            .p90
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.2},{:.2}", x_at(i, n), y_at(*v, ymax)));
        let lower = f
            .p10
            .iter()
            .enumerate()
            .rev()
            .map(|(i, v)| format!("{:.2},{:.2}", x_at(i, n), y_at(*v, ymax)));
        let _ = write!(
            s,
            r#"<polygon fill="{colour}" fill-opacity="0.25" stroke="none" points="{}"><title>{} P10–P90</title></polygon>"#,
            upper.chain(lower).collect::<Vec<_>>().join(" "),
            esc(&f.name)
        );
        let median: Vec<Option<f64>> = f.p50.iter().map(|v| Some(*v)).collect();
        polyline(
            &mut s,
            &median,
            n,
            ymax,
            colour,
            "",
            &format!("{} median", f.name),
        );
        if let Some(l) = f.limit {
            let limit = vec![Some(l); n];
            polyline(
                &mut s,
                &limit,
                n,
                ymax,
                "#000000",
                r#" stroke-dasharray="6 4""#,
                &format!("{} commitment {}", f.name, fmt(l)),
            );
        }
        legend(&mut s, &[f.name.as_str()]);
        s.push_str("</svg></figure>\n");
        out.push_str(&s);
    }
    out
}

/// One bar per category.
pub fn bars(
    id: &str,
    title: &str,
    labels: &[String],
    series: &Series,
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let (ymax, step) = nice(series.values.iter().copied().fold(0.0, f64::max));
    let mut s = open(id, title, 1, series.values.len());
    axis(&mut s, labels, ymax, step, fmt);
    let bw = (W - LEFT - RIGHT) / labels.len().max(1) as f64;
    for (i, v) in series.values.iter().enumerate() {
        let y = y_at(v.max(0.0), ymax);
        let _ = write!(
            s,
            r#"<rect x="{:.2}" y="{y:.2}" width="{:.2}" height="{:.2}" fill="{}"><title>{}: {}</title></rect>"#,
            LEFT + bw * i as f64 + bw * 0.2,
            bw * 0.6,
            (TOP + (H - TOP - BOTTOM) - y).max(0.0),
            PALETTE[0],
            esc(&labels[i]),
            esc(&fmt(*v))
        );
    }
    legend(&mut s, &[series.name.as_str()]);
    s.push_str("</svg></figure>\n");
    s
}

/// A signed range `lo..hi` (both "nice") and its step, for charts that go below zero.
fn nice_range(lo: f64, hi: f64) -> (f64, f64, f64) {
    let lo = lo.min(0.0);
    let hi = hi.max(0.0);
    let (_, step) = nice((hi - lo).max(f64::MIN_POSITIVE));
    let step = if hi - lo <= 0.0 { 0.25 } else { step };
    let lo = (lo / step).floor() * step;
    let hi = ((hi / step).ceil() * step).max(lo + step);
    (lo, hi, step)
}

/// A monthly line that may go below zero, with an optional shaded band (`lo`, `hi` per month, e.g.
/// P10..P90) and optional shaded bars hanging from `floor` down by `shade` (e.g. the funding need
/// below the minimum cash). `data-points` counts the line's months.
#[allow(clippy::too_many_arguments)]
pub fn signed_line(
    id: &str,
    title: &str,
    labels: &[String],
    line: &Series,
    band: Option<(&Series, &Series)>,
    shade: Option<(&Series, f64)>,
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let all = line
        .values
        .iter()
        .chain(
            band.iter()
                .flat_map(|(a, b)| a.values.iter().chain(&b.values)),
        )
        .copied()
        .chain(shade.map(|(_, floor)| floor))
        .filter(|v| v.is_finite());
    let (lo, hi) = all.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi, step) = nice_range(lo, hi);
    let series = 1 + usize::from(band.is_some()) + usize::from(shade.is_some());
    let mut s = open(id, title, series, line.values.len());
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y_of = |v: f64| TOP + plot_h * (hi - v) / (hi - lo);
    let n = labels.len().max(1) as f64;
    let x_of = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / n;
    let mut v = lo;
    while v <= hi + step * 1e-9 {
        let y = y_of(v);
        let stroke = if v.abs() < step * 1e-9 {
            "#888"
        } else {
            "#ddd"
        };
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="{stroke}"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            y + 4.0,
            esc(&fmt(v))
        );
        v += step;
    }
    let every = (labels.len() / 12).max(1);
    for (i, l) in labels.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"#,
                x_of(i),
                H - BOTTOM + 14.0,
                esc(l)
            );
        }
    }
    let mut names = vec![(line.name.as_str(), PALETTE[0])];
    if let Some((low, high)) = band {
        let mut pts: Vec<String> = high
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.2},{:.2}", x_of(i), y_of(*v)))
            .collect();
        pts.extend(
            low.values
                .iter()
                .enumerate()
                .rev()
                .map(|(i, v)| format!("{:.2},{:.2}", x_of(i), y_of(*v))),
        );
        let _ = write!(
            s,
            r#"<polygon fill="{}" fill-opacity="0.25" stroke="none" points="{}"><title>{} to {}</title></polygon>"#,
            PALETTE[1],
            pts.join(" "),
            esc(&low.name),
            esc(&high.name)
        );
        names.push((high.name.as_str(), PALETTE[1]));
    }
    if let Some((need, floor)) = shade {
        let bw = plot_w / n;
        for (i, v) in need.values.iter().enumerate().filter(|(_, v)| **v > 0.0) {
            let (y0, y1) = (y_of(floor), y_of(floor - v));
            let _ = write!(
                s,
                r#"<rect x="{:.2}" y="{y0:.2}" width="{:.2}" height="{:.2}" fill="{}" fill-opacity="0.35"><title>{} {}: {}</title></rect>"#,
                x_of(i) - bw / 2.0,
                bw,
                (y1 - y0).max(0.0),
                PALETTE[5],
                esc(&labels[i]),
                esc(&need.name),
                esc(&fmt(*v))
            );
        }
        names.push((need.name.as_str(), PALETTE[5]));
    }
    let pts: Vec<String> = line
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.2},{:.2}", x_of(i), y_of(*v)))
        .collect();
    let _ = write!(
        s,
        r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"><title>{}</title></polyline>"#,
        PALETTE[0],
        pts.join(" "),
        esc(&line.name)
    );
    for (k, (name, colour)) in names.iter().enumerate() {
        let y = TOP + 14.0 * k as f64;
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            W - RIGHT + 12.0,
            y,
            W - RIGHT + 26.0,
            y + 9.0,
            esc(name)
        );
    }
    s.push_str("</svg></figure>\n");
    s
}

/// Label column and row height of the reservation Gantt.
const GANTT_LEFT: f64 = 230.0;
const GANTT_ROW: f64 = 24.0;

/// The reservation Gantt: one row per reservation signed. A diamond marks the sign-by month and a
/// thin line leads from it to the start; the bar runs from the start to the end of the term, solid
/// inside the horizon and hatched after it (the commitment left after the horizon), with a dashed
/// line at the horizon's end. Each bar's group carries its months (`data-sign-by`, `data-start`,
/// `data-end`) and lots for readers of the source and tests.
pub fn gantt(
    id: &str,
    title: &str,
    labels: &[String],
    bars: &[GanttBar],
    horizon: usize,
) -> String {
    let n = labels.len().max(1);
    let height = TOP + GANTT_ROW * bars.len().max(1) as f64 + BOTTOM + 18.0;
    let plot_w = W - GANTT_LEFT - 20.0;
    let x = |i: usize| GANTT_LEFT + plot_w * i as f64 / n as f64;
    let centre = |i: usize| GANTT_LEFT + plot_w * (i as f64 + 0.5) / n as f64;
    let mut s = format!(
        r#"<figure><figcaption>{}</figcaption><svg id="{id}" class="chart" data-series="{}" data-points="{}" viewBox="0 0 {W} {height:.0}" role="img" aria-label="{}">"#,
        esc(title),
        bars.len(),
        bars.len(),
        esc(title)
    );
    let _ = write!(
        s,
        r##"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff" fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="6" stroke="#333" stroke-width="1.5"/></pattern></defs>"##
    );
    let bottom = TOP + GANTT_ROW * bars.len().max(1) as f64;
    // Month grid and labels.
    let every = (n / 12).max(1);
    for (i, l) in labels.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                s,
                r##"<line x1="{0:.1}" x2="{0:.1}" y1="{TOP:.1}" y2="{bottom:.1}" stroke="#eee"/><text x="{1:.1}" y="{2:.1}" text-anchor="middle" font-size="10">{3}</text>"##,
                x(i),
                centre(i),
                bottom + 14.0,
                esc(l)
            );
        }
    }
    if horizon < labels.len() {
        let _ = write!(
            s,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{1:.1}" y2="{bottom:.1}" stroke="#000" stroke-dasharray="4 3"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle" font-size="10">horizon end</text>"##,
            x(horizon),
            TOP - 4.0,
            TOP + 4.0 - 10.0,
        );
    }
    let colours: Vec<&str> = {
        let mut options: Vec<&str> = bars.iter().map(|b| b.option.as_str()).collect();
        options.sort();
        options.dedup();
        bars.iter()
            .map(|b| {
                PALETTE[options.iter().position(|o| *o == b.option).unwrap_or(0) % PALETTE.len()]
            })
            .collect()
    };
    for (r, b) in bars.iter().enumerate() {
        let colour = colours[r];
        let y = TOP + GANTT_ROW * r as f64;
        let mid = y + GANTT_ROW / 2.0;
        let inside_end = (b.end + 1).min(horizon.max(b.start));
        let after = b.after_horizon(horizon);
        let lots = format!(
            "{} lot{}",
            super::format::units(b.lots),
            if b.lots == 1.0 { "" } else { "s" }
        );
        let what = format!(
            "{}: {lots} ({} units) of {}, sign by {}, term {}..{}{}",
            b.option,
            super::format::units(b.units),
            b.site,
            labels.get(b.sign_by).map_or("", |l| l.as_str()),
            labels.get(b.start).map_or("", |l| l.as_str()),
            labels.get(b.end).map_or("", |l| l.as_str()),
            if after > 0 {
                format!(
                    ", {after} month{} after the horizon",
                    if after == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
        let _ = write!(
            s,
            r#"<g class="reservation" data-option="{}" data-sign-by="{}" data-start="{}" data-end="{}" data-lots="{}" data-units="{}" data-after-horizon-months="{after}"><title>{}</title>"#,
            esc(&b.option),
            esc(labels.get(b.sign_by).map_or("", |l| l.as_str())),
            esc(labels.get(b.start).map_or("", |l| l.as_str())),
            esc(labels.get(b.end).map_or("", |l| l.as_str())),
            super::format::num(b.lots, 6),
            super::format::num(b.units, 6),
            esc(&what)
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{} {}: {lots}, {} units</text>"#,
            GANTT_LEFT - 8.0,
            mid + 4.0,
            esc(&b.option),
            esc(labels.get(b.start).map_or("", |l| l.as_str())),
            super::format::units(b.units)
        );
        // Lead: from the sign-by month's centre to the start of the term.
        if b.sign_by < b.start {
            let _ = write!(
                s,
                r#"<line class="lead" x1="{:.2}" x2="{:.2}" y1="{mid:.2}" y2="{mid:.2}" stroke="{colour}" stroke-width="1.5"/>"#,
                centre(b.sign_by),
                x(b.start)
            );
        }
        if inside_end > b.start {
            let _ = write!(
                s,
                r#"<rect class="term" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{colour}"/>"#,
                x(b.start),
                y + 5.0,
                x(inside_end) - x(b.start),
                GANTT_ROW - 10.0
            );
        }
        if after > 0 {
            let from = x(horizon.max(b.start));
            let _ = write!(
                s,
                r#"<rect class="after-horizon" x="{from:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{colour}" fill-opacity="0.35"/><rect x="{from:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="url(#{id}-hatch)"/>"#,
                y + 5.0,
                x(b.end + 1) - from,
                GANTT_ROW - 10.0,
                y + 5.0,
                x(b.end + 1) - from,
                GANTT_ROW - 10.0
            );
        }
        let (cx, d) = (centre(b.sign_by), 5.0);
        let _ = write!(
            s,
            r##"<polygon class="sign-by" points="{:.2},{mid:.2} {cx:.2},{:.2} {:.2},{mid:.2} {cx:.2},{:.2}" fill="#000" stroke="#fff" stroke-width="0.8"/></g>"##,
            cx - d,
            mid - d,
            cx + d,
            mid + d
        );
    }
    // Legend under the month labels.
    let ly = bottom + 30.0;
    let _ = write!(
        s,
        r##"<polygon points="{0:.1},{1:.1} {2:.1},{3:.1} {4:.1},{1:.1} {2:.1},{5:.1}" fill="#000"/><text x="{6:.1}" y="{7:.1}" font-size="11">sign by</text><rect x="{8:.1}" y="{9:.1}" width="18" height="10" fill="{10}"/><text x="{11:.1}" y="{7:.1}" font-size="11">term inside the horizon</text><rect x="{12:.1}" y="{9:.1}" width="18" height="10" fill="{10}" fill-opacity="0.35"/><rect x="{12:.1}" y="{9:.1}" width="18" height="10" fill="url(#{id}-hatch)"/><text x="{13:.1}" y="{7:.1}" font-size="11">term after the horizon (commitment left)</text>"##,
        GANTT_LEFT - 5.0,
        ly,
        GANTT_LEFT,
        ly - 5.0,
        GANTT_LEFT + 5.0,
        ly + 5.0,
        GANTT_LEFT + 10.0,
        ly + 4.0,
        GANTT_LEFT + 70.0,
        ly - 5.0,
        PALETTE[0],
        GANTT_LEFT + 94.0,
        GANTT_LEFT + 250.0,
        GANTT_LEFT + 274.0,
    );
    s.push_str("</svg></figure>\n");
    s
}

/// A view drawn as SVG.
pub fn draw(v: &View, fmt: &dyn Fn(f64) -> String) -> String {
    match &v.body {
        Body::Stacked(series) => stacked_bars(v.id, &v.title, &v.labels, series, fmt),
        Body::Lines(l) => lines(v.id, &v.title, &v.labels, l, fmt),
        Body::Fans(f) => fans(v.id, &v.title, &v.labels, f, fmt),
        Body::Bars(b) => bars(v.id, &v.title, &v.labels, b, fmt),
        Body::Signed { line, need, floor } => signed_line(
            v.id,
            &v.title,
            &v.labels,
            line,
            None,
            Some((need, *floor)),
            fmt,
        ),
        Body::Gantt { bars, horizon } => gantt(v.id, &v.title, &v.labels, bars, *horizon),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis() {
        assert_eq!(nice(0.0), (1.0, 0.25));
        assert_eq!(nice(97.0), (100.0, 25.0));
        assert_eq!(nice(1.2e9), (1.5e9, 5e8));
    }

    #[test]
    fn charts_escape_text_and_count_points() {
        let s = stacked_bars(
            "c",
            "a<b",
            &["2026-01".into(), "2026-02".into()],
            &[Series {
                name: "x&y".into(),
                values: vec![1.0, 0.0],
            }],
            &|v| format!("{v}"),
        );
        assert!(s.contains("a&lt;b") && s.contains("x&amp;y"));
        assert!(s.contains(r#"data-points="2""#));
    }

    #[test]
    fn signed_range_covers_negatives() {
        let (lo, hi, step) = nice_range(-130.0, 40.0);
        assert!(lo <= -130.0 && hi >= 40.0 && step > 0.0);
        assert_eq!((lo / step).fract(), 0.0);
        let s = signed_line(
            "cash",
            "Cash",
            &["a".into(), "b".into()],
            &Series {
                name: "cash".into(),
                values: vec![10.0, -20.0],
            },
            None,
            Some((
                &Series {
                    name: "need".into(),
                    values: vec![0.0, 20.0],
                },
                0.0,
            )),
            &|v| format!("{v}"),
        );
        assert!(s.contains("<polyline") && s.contains("b need: 20"));
    }
}
