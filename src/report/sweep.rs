//! The reports of `capplan sweep`: `sweep.csv` (one row per case), `sweep.md` (the same as a
//! table, with the biggest moves named) and `sweep.html` (a tornado chart of the objective's change
//! per case, small multiples of spend per provider, then the table). Rendered from the case records
//! alone, so a merge of shards renders exactly what the single run does.

use super::format::{num, pct, usd};
use super::tables::{excel_safe, to_csv};
use crate::analysis::sweep::CaseRecord;
use std::fmt::Write;

const USD_DP: usize = 2;
const UNITS_DP: usize = 6;

/// Provider ids over every case, in order of first appearance.
fn providers(records: &[CaseRecord]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in records {
        for (p, _) in &r.spend_usd {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
    }
    out
}

fn extra_names(records: &[CaseRecord]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in records {
        for (n, _) in &r.extra {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
    }
    out
}

fn base(records: &[CaseRecord]) -> Option<f64> {
    records.first().and_then(|r| r.objective_usd)
}

/// Objective change against the base case (USD, and as a fraction of the base).
fn delta(records: &[CaseRecord], r: &CaseRecord) -> Option<(f64, Option<f64>)> {
    let (b, o) = (base(records)?, r.objective_usd?);
    let d = o - b;
    Some((d, (b != 0.0).then(|| d / b.abs())))
}

fn spend(r: &CaseRecord, p: &str) -> Option<f64> {
    r.spend_usd.iter().find(|(q, _)| q == p).map(|(_, v)| *v)
}

pub fn csv(records: &[CaseRecord]) -> Vec<u8> {
    let providers = providers(records);
    let extras = extra_names(records);
    let mut header: Vec<String> = ["case", "status", "objective_usd", "delta_usd", "delta_pct"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(providers.iter().map(|p| format!("spend_{p}_usd")));
    header.extend(["shortfall_usd".to_string(), "unmet_units".to_string()]);
    header.extend(extras.iter().cloned());
    header.push("note".into());
    let opt = |v: Option<f64>, dp: usize| v.map(|v| num(v, dp)).unwrap_or_default();
    let rows = records.iter().map(|r| {
        let d = delta(records, r);
        let mut row = vec![
            excel_safe(&r.case),
            r.status.clone(),
            opt(r.objective_usd, USD_DP),
            opt(d.map(|d| d.0), USD_DP),
            opt(d.and_then(|d| d.1).map(|f| 100.0 * f), 4),
        ];
        row.extend(
            providers
                .iter()
                .map(|p| opt(spend(r, p).filter(|_| r.objective_usd.is_some()), USD_DP)),
        );
        row.push(opt(r.shortfall_usd, USD_DP));
        row.push(opt(r.unmet_units, UNITS_DP));
        row.extend(
            extras
                .iter()
                .map(|n| opt(r.extra.iter().find(|(m, _)| m == n).map(|x| x.1), USD_DP)),
        );
        row.push(excel_safe(&r.note));
        row
    });
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    to_csv(&header, rows)
}

pub fn markdown(records: &[CaseRecord]) -> Vec<u8> {
    let providers = providers(records);
    let mut s = String::new();
    let cases = records.len().saturating_sub(1);
    let _ = writeln!(
        s,
        "# What-if sweep: {cases} case(s) against the base folder\n"
    );
    match base(records) {
        Some(b) => {
            let _ = writeln!(s, "Base plan objective: {} (present value).", usd(b));
        }
        None => {
            let _ = writeln!(
                s,
                "The base folder has no plan ({}), so no case has a delta.",
                records[0].status
            );
        }
    }
    let mut moves: Vec<(&CaseRecord, f64)> = records
        .iter()
        .skip(1)
        .filter_map(|r| delta(records, r).map(|d| (r, d.0)))
        .collect();
    moves.sort_by(|a, b| {
        b.1.abs()
            .total_cmp(&a.1.abs())
            .then(a.0.index.cmp(&b.0.index))
    });
    if let Some((r, d)) = moves.first() {
        let _ = writeln!(
            s,
            "The biggest move: **{}**, {} {} the base.",
            r.case,
            usd(d.abs()),
            if *d >= 0.0 { "more than" } else { "less than" }
        );
    }
    let no_plan: Vec<&CaseRecord> = records
        .iter()
        .filter(|r| r.objective_usd.is_none())
        .collect();
    if !no_plan.is_empty() {
        let names: Vec<String> = no_plan
            .iter()
            .map(|r| format!("{} ({})", r.case, r.status))
            .collect();
        let _ = writeln!(s, "Without a plan: {}.", names.join(", "));
    }
    let _ = writeln!(s, "\n## Cases\n");
    let mut head = vec!["case", "status", "objective", "vs base", "%"];
    let spend_heads: Vec<String> = providers.iter().map(|p| format!("{p} spend")).collect();
    head.extend(spend_heads.iter().map(String::as_str));
    head.extend(["shortfall", "unmet (unit-months)"]);
    let _ = writeln!(s, "| {} |", head.join(" | "));
    let aligns: Vec<&str> = head
        .iter()
        .enumerate()
        .map(|(i, _)| if i < 2 { "---" } else { "---:" })
        .collect();
    let _ = writeln!(s, "|{}|", aligns.join("|"));
    for r in records {
        let d = delta(records, r);
        let opt_usd = |v: Option<f64>| v.map(usd).unwrap_or_else(|| "-".into());
        let mut cells = vec![
            r.case.clone(),
            r.status.clone(),
            opt_usd(r.objective_usd),
            if r.index == 0 {
                "-".into()
            } else {
                d.map(|d| signed(d.0)).unwrap_or_else(|| "-".into())
            },
            if r.index == 0 {
                "-".into()
            } else {
                d.and_then(|d| d.1).map(pct).unwrap_or_else(|| "-".into())
            },
        ];
        cells.extend(
            providers
                .iter()
                .map(|p| opt_usd(spend(r, p).filter(|_| r.objective_usd.is_some()))),
        );
        cells.push(opt_usd(r.shortfall_usd));
        cells.push(
            r.unmet_units
                .map(super::format::units)
                .unwrap_or_else(|| "-".into()),
        );
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    let notes: Vec<&CaseRecord> = records.iter().filter(|r| !r.note.is_empty()).collect();
    if !notes.is_empty() {
        let _ = writeln!(s, "\n## Why some cases have no plan\n");
        for r in notes {
            let _ = writeln!(s, "- {}: {}", r.case, r.note);
        }
    }
    s.into_bytes()
}

fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", usd(v))
    } else {
        usd(v)
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars of each case's objective change, biggest first, centred on the base.
fn tornado(records: &[CaseRecord]) -> String {
    let mut bars: Vec<(&str, f64)> = records
        .iter()
        .skip(1)
        .filter_map(|r| delta(records, r).map(|d| (r.case.as_str(), d.0)))
        .collect();
    bars.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let (w, row, left, right, top) = (860.0, 24.0, 220.0, 110.0, 28.0);
    let h = top + row * bars.len().max(1) as f64 + 12.0;
    let span = bars.iter().map(|b| b.1.abs()).fold(0.0, f64::max).max(1.0);
    let plot = w - left - right;
    let mid = left + plot / 2.0;
    let mut s = format!(
        r#"<figure><figcaption>Change in objective against the base plan (present value), biggest first</figcaption><svg id="tornado" class="chart" data-series="1" data-points="{}" viewBox="0 0 {w} {h}" role="img" aria-label="tornado chart of objective deltas">"#,
        bars.len()
    );
    let _ = write!(
        s,
        r##"<line x1="{mid:.1}" x2="{mid:.1}" y1="{:.1}" y2="{:.1}" stroke="#444"/><text x="{mid:.1}" y="16" text-anchor="middle" font-size="11">base</text>"##,
        top - 6.0,
        h - 8.0
    );
    for (i, (name, d)) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let len = plot / 2.0 * d.abs() / span;
        let (x, colour, anchor, tx) = if *d >= 0.0 {
            (mid, "#D55E00", "start", mid + len + 4.0)
        } else {
            (mid - len, "#0072B2", "end", mid - len - 4.0)
        };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12">{}</text><rect x="{x:.1}" y="{:.1}" width="{len:.1}" height="{:.1}" fill="{colour}"><title>{}: {}</title></rect><text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" font-size="11">{}</text>"#,
            left - 8.0,
            y + row * 0.65,
            esc(name),
            y + 3.0,
            row - 6.0,
            esc(name),
            esc(&signed(*d)),
            y + row * 0.65,
            esc(&signed(*d))
        );
    }
    s.push_str("</svg></figure>\n");
    s
}

/// One small bar chart per provider: its nominal spend in every case, on one shared scale.
fn small_multiples(records: &[CaseRecord]) -> String {
    let providers = providers(records);
    let planned: Vec<&CaseRecord> = records
        .iter()
        .filter(|r| r.objective_usd.is_some())
        .collect();
    let max = planned
        .iter()
        .flat_map(|r| r.spend_usd.iter().map(|x| x.1))
        .fold(0.0, f64::max)
        .max(1.0);
    let (w, row, left, top) = (420.0, 16.0, 150.0, 8.0);
    let h = top + row * planned.len().max(1) as f64 + 8.0;
    let mut s = String::from(
        "<figure><figcaption>Spend per provider in each case (nominal USD, one scale for all)</figcaption>\
         <div style=\"display:flex;flex-wrap:wrap;gap:12px\">",
    );
    for (k, p) in providers.iter().enumerate() {
        let colour = [
            "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
        ][k % 6];
        let _ = write!(
            s,
            r#"<div><div style="font-weight:600;font-size:13px">{}</div><svg id="spend-{}" class="chart" style="width:{w}px" data-series="1" data-points="{}" viewBox="0 0 {w} {h}" role="img" aria-label="spend on {} per case">"#,
            esc(p),
            esc(p),
            planned.len(),
            esc(p)
        );
        for (i, r) in planned.iter().enumerate() {
            let y = top + row * i as f64;
            let v = spend(r, p).unwrap_or(0.0);
            let len = (w - left - 70.0) * v / max;
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="10">{}</text><rect x="{left}" y="{:.1}" width="{len:.1}" height="{:.1}" fill="{colour}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}" font-size="10">{}</text>"#,
                left - 6.0,
                y + row * 0.7,
                esc(&r.case),
                y + 2.0,
                row - 4.0,
                esc(&r.case),
                esc(&usd(v)),
                left + len + 4.0,
                y + row * 0.7,
                esc(&usd(v))
            );
        }
        s.push_str("</svg></div>");
    }
    s.push_str("</div></figure>\n");
    s
}

pub fn html(records: &[CaseRecord]) -> Vec<u8> {
    let md = String::from_utf8_lossy(&markdown(records)).into_owned();
    let body = super::html::markdown_to_html(&md);
    let (title, rest) = match body.split_once("</h1>") {
        Some((t, r)) => (format!("{t}</h1>"), r.to_string()),
        None => (String::new(), body),
    };
    let mut s = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>What-if sweep</title>");
    let _ = write!(
        s,
        "<style>{}</style></head><body>\n{title}\n",
        super::html::STYLE
    );
    s.push_str(&tornado(records));
    s.push_str(&small_multiples(records));
    s.push_str(&rest);
    s.push_str("</body></html>\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(index: u64, case: &str, objective: Option<f64>, spend: &[(&str, f64)]) -> CaseRecord {
        CaseRecord {
            index,
            case: case.into(),
            status: if objective.is_some() {
                "optimal"
            } else {
                "infeasible"
            }
            .into(),
            objective_usd: objective,
            spend_usd: spend.iter().map(|(p, v)| (p.to_string(), *v)).collect(),
            shortfall_usd: objective.map(|_| 0.0),
            unmet_units: objective.map(|_| 0.0),
            extra: Vec::new(),
            note: if objective.is_none() {
                "infeasible: no plan".into()
            } else {
                String::new()
            },
        }
    }

    #[test]
    fn csv_has_deltas_against_the_base_and_blank_cells_without_a_plan() {
        let r = [
            rec(0, "base", Some(200.0), &[("aws", 150.0), ("azure", 50.0)]),
            rec(1, "dear", Some(250.0), &[("aws", 150.0), ("azure", 100.0)]),
            rec(2, "broken", None, &[]),
        ];
        let text = String::from_utf8(csv(&r)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "case,status,objective_usd,delta_usd,delta_pct,spend_aws_usd,spend_azure_usd,shortfall_usd,unmet_units,note"
        );
        assert_eq!(lines[1], "base,optimal,200,0,0,150,50,0,0,");
        assert_eq!(lines[2], "dear,optimal,250,50,25,150,100,0,0,");
        assert_eq!(lines[3], "broken,infeasible,,,,,,,,infeasible: no plan");
    }

    #[test]
    fn html_has_a_tornado_bar_per_case_with_a_plan_and_a_chart_per_provider() {
        let r = [
            rec(0, "base", Some(200.0), &[("aws", 150.0), ("azure", 50.0)]),
            rec(1, "dear", Some(250.0), &[("aws", 150.0), ("azure", 100.0)]),
            rec(2, "cheap", Some(150.0), &[("aws", 100.0), ("azure", 50.0)]),
        ];
        let h = String::from_utf8(html(&r)).unwrap();
        assert!(
            h.contains(r#"id="tornado" class="chart" data-series="1" data-points="2""#),
            "{h}"
        );
        assert!(h.contains(r#"id="spend-aws""#) && h.contains(r#"id="spend-azure""#));
        assert!(!h.contains("<script"));
        let md = String::from_utf8(markdown(&r)).unwrap();
        assert!(
            md.contains("The biggest move: **dear**, $50.00 more than the base."),
            "{md}"
        );
    }
}
