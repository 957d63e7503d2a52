//! The reservation reports against hand-computed fixtures: the Gantt chart in report.html and
//! report.xlsx (one bar per reserved start, its sign-by, start and end months, the part after
//! the horizon), "What to sign, and by when" and reservations.csv by sign-by month, reserved vs
//! used units and what one more lot saves in marginal_costs.csv and `capplan explain`.

use super::util::{capplan, close, fixtures, plan_into_temp, stderr, stdout};
use calamine::{open_workbook, Data, Reader, Xlsx};
use capplan::report::metrics::{self, MarginalRow, Metrics};
use capplan::solve::SolverChoice;

fn plan(case: &str) -> (capplan::scenario::Scenario, Metrics) {
    let sc = capplan::load(&fixtures().join(case)).unwrap();
    let sol = capplan::solve(&sc, SolverChoice::Clarabel).unwrap();
    let m = metrics::compute(&sc, &sol);
    (sc, m)
}

/// The `<g class="reservation" ...>` groups of the Gantt chart: (option, sign-by, start, end,
/// lots, months after the horizon).
fn gantt_bars(html: &str) -> Vec<(String, String, String, String, String, String)> {
    let at = html
        .find(r#"<svg id="reservations""#)
        .expect("report.html has the reservation Gantt");
    let svg = &html[at..at + html[at..].find("</svg>").unwrap()];
    let attr = |g: &str, k: &str| {
        g.split(&format!(r#" {k}=""#))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    svg.split(r#"<g class="reservation""#)
        .skip(1)
        .map(|g| {
            (
                attr(g, "data-option"),
                attr(g, "data-sign-by"),
                attr(g, "data-start"),
                attr(g, "data-end"),
                attr(g, "data-lots"),
                attr(g, "data-after-horizon-months"),
            )
        })
        .collect()
}

fn data_points(html: &str, id: &str) -> usize {
    let at = html.find(&format!(r#"id="{id}""#)).unwrap();
    html[at..]
        .split("data-points=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn report_html(case: &str) -> String {
    let (_dir, out, o) = plan_into_temp(&fixtures().join(case), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

fn s(v: &str) -> String {
    v.to_string()
}

/// reservation_term_boundary (README): lots a = Jan and c = Mar, term 3, horizon Jan..Apr, no lead.
/// a runs 2026-01..2026-03 inside the horizon; c runs 2026-03..2026-05, May after the horizon.
#[test]
fn gantt_has_one_bar_per_reserved_start_with_its_months() {
    let html = report_html("reservation_term_boundary");
    let bars = gantt_bars(&html);
    assert_eq!(
        bars,
        vec![
            (
                s("rack"),
                s("2026-01"),
                s("2026-01"),
                s("2026-03"),
                s("1"),
                s("0")
            ),
            (
                s("rack"),
                s("2026-03"),
                s("2026-03"),
                s("2026-05"),
                s("1"),
                s("1")
            ),
        ]
    );
    assert_eq!(data_points(&html, "reservations"), 2);
    // The horizon end is marked, and one bar (c) has a part drawn after it.
    assert!(html.contains("horizon end"));
    let svg = &html[html.find(r#"<svg id="reservations""#).unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert_eq!(svg.matches(r#"class="after-horizon""#).count(), 1);
    assert_eq!(svg.matches(r#"class="term""#).count(), 2);
    assert_eq!(svg.matches(r#"class="sign-by""#).count(), 2);
    // No lead time: no lead lines.
    assert_eq!(svg.matches(r#"class="lead""#).count(), 0);
}

/// reservation_lead_time (README): one lot starting 2026-02, lead 1 (sign by 2026-01), term 3 →
/// ends 2026-04, one month past the horizon (Jan..Mar).
#[test]
fn gantt_draws_the_lead_from_sign_by_to_start_and_the_term_past_the_horizon() {
    let html = report_html("reservation_lead_time");
    assert_eq!(
        gantt_bars(&html),
        vec![(
            s("rack"),
            s("2026-01"),
            s("2026-02"),
            s("2026-04"),
            s("1"),
            s("1")
        )]
    );
    let svg = &html[html.find(r#"<svg id="reservations""#).unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert_eq!(svg.matches(r#"class="lead""#).count(), 1);
    assert_eq!(svg.matches(r#"class="after-horizon""#).count(), 1);
}

/// reservation_sign_by_order (README): z-ahead is signed first (2026-01) though it starts last
/// (2026-03) and sorts last by name; b-now is signed 2026-02 and starts 2026-02.
#[test]
fn what_to_sign_reservations_csv_and_gantt_go_by_sign_by_month() {
    let (_dir, out, o) = plan_into_temp(&fixtures().join("reservation_sign_by_order"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("reservations.csv")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with(
            "option,provider,region,sku,sign_by,start,end,lots,units,usd_per_month,utilization"
        ),
        "SPEC's columns first: {header}"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let got: Vec<(&str, &str, &str, &str)> =
        rows.iter().map(|r| (r[0], r[4], r[5], r[6])).collect();
    assert_eq!(
        got,
        vec![
            ("z-ahead", "2026-01", "2026-03", "2026-03"),
            ("b-now", "2026-02", "2026-02", "2026-03")
        ]
    );
    // lots 1, units 72, 720 a month, fully used.
    for r in &rows {
        assert_eq!((r[7], r[8], r[9], r[10]), ("1", "72", "720", "1"), "{r:?}");
    }
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let section = &md[md.find("## What to sign, and by when").unwrap()..];
    let z = section.find("| 2026-01 | z-ahead |").expect("z-ahead row");
    let b = section.find("| 2026-02 | b-now |").expect("b-now row");
    assert!(z < b, "sorted by sign-by month:\n{section}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let bars = gantt_bars(&html);
    assert_eq!(
        bars.iter()
            .map(|b| (b.0.as_str(), b.1.as_str(), b.2.as_str(), b.3.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("z-ahead", "2026-01", "2026-03", "2026-03"),
            ("b-now", "2026-02", "2026-02", "2026-03")
        ]
    );
    // The workbook's Gantt sheet: months to sign-by, lead, term inside and after the horizon,
    // counted from 2026-01: z-ahead 0, 2, 1, 0; b-now 1, 0, 2, 0.
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("open report.xlsx");
    let sheet = wb
        .worksheet_range("Chart reservations")
        .expect("Chart reservations sheet");
    let number = |r: usize, c: usize| match sheet.get((r, c)) {
        Some(Data::Float(v)) => *v,
        other => panic!("row {r} col {c}: {other:?}"),
    };
    let text = |r: usize, c: usize| sheet.get((r, c)).map(|d| d.to_string()).unwrap_or_default();
    assert!(text(1, 0).starts_with("z-ahead 2026-03") && text(2, 0).starts_with("b-now 2026-02"));
    assert_eq!(
        (text(1, 1), text(1, 2), text(1, 3)),
        (s("2026-01"), s("2026-03"), s("2026-03"))
    );
    let months = |r: usize| (4..8).map(|c| number(r, c)).collect::<Vec<_>>();
    assert_eq!(months(1), vec![0.0, 2.0, 1.0, 0.0]);
    assert_eq!(months(2), vec![1.0, 0.0, 2.0, 0.0]);
}

fn rows<'a>(m: &'a Metrics, family: &str) -> Vec<&'a MarginalRow> {
    m.marginal.iter().filter(|r| r.family == family).collect()
}

/// reservation_idle_whole_lot (README): one whole lot of 72; Jan 72 of 72 reserved units used
/// (28 more on demand), Feb 50 of 72. One more reserved unit saves 25 in Jan, 0 in Feb; one more
/// lot saves 72 × 25 − 1440 = 360 by the duals (an upper bound); exactly, 2140 − 2880 = −740.
#[test]
fn marginal_costs_show_reserved_vs_used_and_one_more_lot() {
    let (_, m) = plan("reservation_idle_whole_lot");
    assert!(close(m.totals.objective_usd, 2140.0, 1e-9));
    let reserved = rows(&m, "reserved");
    assert_eq!(reserved.len(), 2, "{reserved:?}");
    let jan = reserved.iter().find(|r| r.period == "2026-01").unwrap();
    let feb = reserved.iter().find(|r| r.period == "2026-02").unwrap();
    assert!(
        close(jan.level, 72.0, 1e-6) && close(jan.limit, 72.0, 1e-9),
        "{jan:?}"
    );
    assert!(
        close(jan.value_nominal_usd, 25.0, 1e-6) && jan.binding,
        "{jan:?}"
    );
    assert!(
        close(feb.level, 50.0, 1e-6) && close(feb.limit, 72.0, 1e-9),
        "{feb:?}"
    );
    assert!(
        feb.value_nominal_usd.abs() < 1e-6 && !feb.binding,
        "{feb:?}"
    );
    let lot = rows(&m, "lot");
    assert_eq!(lot.len(), 1, "{lot:?}");
    assert_eq!(lot[0].period, "2026-01");
    assert!(lot[0].subject.contains("rack") && lot[0].subject.contains("sign by 2026-01"));
    assert!(close(lot[0].value_pv_usd, 360.0, 1e-6), "{:?}", lot[0]);
    assert!(close(lot[0].level, 1.0, 1e-9));
    // The whole-lot plan's lot_fix rows give way to the lot row.
    assert!(rows(&m, "lot_fix").is_empty());
    // reserved_use carries the same numbers per option and month.
    let uses: Vec<(String, f64, f64)> = m
        .reserved_use
        .iter()
        .map(|u| (u.period.clone(), u.reserved_units, u.used_units))
        .collect();
    assert_eq!(uses.len(), 2);
    assert!(close(uses[0].1, 72.0, 1e-9) && close(uses[0].2, 72.0, 1e-6));
    assert!(close(uses[1].1, 72.0, 1e-9) && close(uses[1].2, 50.0, 1e-6));
    // Utilization over the term: 122 / 144.
    assert!(close(m.reservations[0].utilization, 122.0 / 144.0, 1e-6));
    // The CSV shows the same rows.
    let (_dir, out, o) = plan_into_temp(&fixtures().join("reservation_idle_whole_lot"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("marginal_costs.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l == "reserved,2026-02,reservation rack,reserved unit,0,0,50,72,false"),
        "{csv}"
    );
    let lot_line = csv.lines().find(|l| l.starts_with("lot,2026-01,")).unwrap();
    let cells: Vec<&str> = lot_line.split(',').collect();
    assert!(
        close(cells[4].parse::<f64>().unwrap(), 360.0, 1e-6),
        "{lot_line}"
    );
}

/// The same fixture through `explain`: Feb shows 72 reserved, 50 used, 22 idle because of a whole
/// lot and the term (fully used in Jan), and one more lot: at most 360 by the duals, exactly −740.
#[test]
fn explain_shows_reserved_vs_used_why_idle_and_one_more_lot() {
    let dir = fixtures().join("reservation_idle_whole_lot");
    let sc = capplan::load(&dir).unwrap();
    let (model, sol) = capplan::solve_with_model(&sc, SolverChoice::Clarabel).unwrap();
    let w = sc.workload_id("train").unwrap();
    let mut e = capplan::analysis::explain::explain(&sc, &model, &sol, w, 1);
    e.price_lots_exactly(&sc, &model, &sol, SolverChoice::Clarabel);
    assert_eq!(e.reserved.len(), 1);
    let r = &e.reserved[0];
    assert!(close(r.reserved, 72.0, 1e-9) && close(r.used, 50.0, 1e-6));
    assert!(close(r.used_by_workload, 50.0, 1e-6));
    assert!(r.unit_value.unwrap().abs() < 1e-6);
    let why = r.idle_why.as_deref().unwrap();
    assert!(
        why.contains("a whole lot") && why.contains("2026-01 (72 of 72"),
        "{why}"
    );
    assert_eq!(r.starts.len(), 1);
    let l = &r.starts[0];
    assert!(close(l.lots, 1.0, 1e-9));
    assert!(close(l.dual_value.unwrap(), 360.0, 1e-6), "{l:?}");
    let exact = l.exact_value.clone().unwrap().unwrap();
    assert!(close(exact, -740.0, 1e-6), "{l:?}");
    // Jan: every reserved unit used, one more worth 25, nothing idle.
    let jan = capplan::analysis::explain::explain(&sc, &model, &sol, w, 0);
    let r = &jan.reserved[0];
    assert!(close(r.used, 72.0, 1e-6) && r.idle_why.is_none());
    assert!(close(r.unit_value.unwrap(), 25.0, 1e-6));
    // The command line says it in words.
    let explain_cli = |period: &str| {
        let o = capplan(&[
            "explain",
            dir.to_str().unwrap(),
            "--workload",
            "train",
            "--period",
            period,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let text = explain_cli("2026-02");
    for want in [
        "reserved 72, used 50 (50 by train), idle 22",
        "idle because a whole lot",
        "at most $360.00 (duals)",
        "exactly -$740.00",
    ] {
        assert!(text.contains(want), "missing {want:?}:\n{text}");
    }
    // A reserved unit's value is the month's nominal dollars, under a present-value heading for
    // the lots: it says so.
    let text = explain_cli("2026-01");
    assert!(
        text.contains("one more reserved unit this month saves $25.00 (nominal)"),
        "{text}"
    );
}

/// power_idle_reserved_racks (README): the rack is installed in Feb with 30 of 72 units used; its
/// idle units are explained by the term (72 of 72 used in Jan).
#[test]
fn idle_reserved_racks_are_explained_by_their_term() {
    let (_, m) = plan("power_idle_reserved_racks");
    let feb = rows(&m, "reserved")
        .into_iter()
        .find(|r| r.period == "2026-02")
        .unwrap();
    assert!(
        close(feb.level, 30.0, 1e-6) && close(feb.limit, 72.0, 1e-9),
        "{feb:?}"
    );
    let sc = capplan::load(&fixtures().join("power_idle_reserved_racks")).unwrap();
    let (model, sol) = capplan::solve_with_model(&sc, SolverChoice::Clarabel).unwrap();
    let w = sc.workload_id("train").unwrap();
    let mut e = capplan::analysis::explain::explain(&sc, &model, &sol, w, 1);
    let why = e.reserved[0].idle_why.as_deref().unwrap();
    assert!(
        why.contains("the term") && why.contains("2026-01 (72 of 72"),
        "{why}"
    );
    // One more rack does not fit: two racks alone draw 2 × 72 × 1 kW = 0.144 MW > 0.09 MW.
    e.price_lots_exactly(&sc, &model, &sol, SolverChoice::Clarabel);
    let exact = e.reserved[0].starts[0].exact_value.clone().unwrap();
    let err = exact.expect_err("one more rack is infeasible");
    assert!(
        err.contains("0.144 MW") && err.contains("aws/us-east-1") && err.contains("0.09 MW"),
        "{err}"
    );
}

/// reservation_whole_lots (README): 100 units take one pod100 (1,200). At 144 units two rack72
/// lots fit exactly (1,440; one pod and 44 on demand 2,080, a rack and a pod 1,920), so `diff`
/// lists rack72 0 -> 2 and pod100 1 -> 0 for the 2026-01 start.
#[test]
fn diff_lists_the_lots_that_moved() {
    let base = fixtures().join("reservation_whole_lots");
    let (_a, old, o) = plan_into_temp(&base, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let changed = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(&base).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, changed.path().join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        changed.path().join("demand.csv"),
        "period,workload,quantity\n2026-01,train,144\n",
    )
    .unwrap();
    let (_b, new, o) = plan_into_temp(changed.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let changes = capplan::analysis::diff::compare(&old, &new).unwrap();
    let lots = |key: &str| {
        let c = changes
            .iter()
            .find(|c| c.section == "reservation" && c.key == key)
            .unwrap_or_else(|| panic!("no {key}: {changes:?}"));
        (c.old, c.new)
    };
    let (o_r, n_r) = lots("rack72 2026-01 lots");
    let (o_p, n_p) = lots("pod100 2026-01 lots");
    assert!(
        close(o_r, 0.0, 1e-9) && close(n_r, 2.0, 1e-9),
        "{o_r} -> {n_r}"
    );
    assert!(
        close(o_p, 1.0, 1e-9) && close(n_p, 0.0, 1e-9),
        "{o_p} -> {n_p}"
    );
    let o = capplan(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(text.contains("Reservations (lots per start)"), "{text}");
    assert!(text.contains("rack72 2026-01 lots"), "{text}");
}
