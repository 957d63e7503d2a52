//! Money (SPEC v2): the cash ledger adds up to the plan's spend in every report, month by month;
//! the funding need follows the ledger; `explain --period` names what is paid and what a dollar
//! is worth.

use super::util::{capplan, close, fixtures, folders, plan_into_temp, stdout};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn f(row: &BTreeMap<String, String>, k: &str) -> f64 {
    row[k]
        .parse()
        .unwrap_or_else(|_| panic!("{k}: {:?}", row.get(k)))
}

/// Checks one report folder; returns the problems.
fn check_ledger(name: &str, sc: &capplan::scenario::Scenario, out: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let cash = read_csv(&out.join("cash.csv"));
    if cash.len() != sc.periods {
        bad.push(format!(
            "{name}: cash.csv has {} rows for {} months",
            cash.len(),
            sc.periods
        ));
    }
    // Total paid = compute spend + shortfalls (summary.json).
    let paid: f64 = cash.iter().map(|r| f(r, "paid")).sum();
    let spend = summary["usage_usd"].as_f64().unwrap() + summary["shortfall_usd"].as_f64().unwrap();
    if !close(paid, spend, 1e-6) && (paid - spend).abs() > 0.05 {
        bad.push(format!(
            "{name}: cash.csv pays {paid}, summary.json spends {spend}"
        ));
    }
    // Month by month: provider_spend.csv + the shortfalls due that month (contracts.csv, `to`).
    let mut month_spend: BTreeMap<String, f64> = BTreeMap::new();
    for r in read_csv(&out.join("provider_spend.csv")) {
        *month_spend.entry(r["period"].clone()).or_default() += f(&r, "usd");
    }
    for (c, k) in sc.contracts.iter().enumerate() {
        let row = &read_csv(&out.join("contracts.csv"))[c];
        *month_spend
            .entry(sc.month(k.window.last).to_string())
            .or_default() += f(row, "shortfall_usd");
    }
    // The recursion from the opening balance, and the need against the minimum.
    let mut balance = sc.money.opening_cash;
    let mut peak: f64 = 0.0;
    for r in &cash {
        let p = &r["period"];
        let want = month_spend.get(p).copied().unwrap_or(0.0);
        if (f(r, "paid") - want).abs() > 0.02 + 1e-9 * want.abs() {
            bad.push(format!(
                "{name} {p}: paid {} but the plan spends {want}",
                f(r, "paid")
            ));
        }
        balance += f(r, "revenue") + f(r, "funding") - f(r, "expense") - f(r, "paid");
        if (balance - f(r, "cash")).abs() > 0.05 + 1e-9 * balance.abs() {
            bad.push(format!(
                "{name} {p}: cash {} but the ledger adds up to {balance}",
                f(r, "cash")
            ));
        }
        let need = (sc.money.min_cash_usd - f(r, "cash")).max(0.0);
        if (need - f(r, "funding_need")).abs() > 0.02 + 1e-9 * need {
            bad.push(format!(
                "{name} {p}: funding_need {} vs {need}",
                f(r, "funding_need")
            ));
        }
        peak = peak.max(f(r, "funding_need"));
    }
    let reported = summary["peak_funding_need_usd"].as_f64().unwrap();
    if (reported - peak).abs() > 0.02 + 1e-9 * peak {
        bad.push(format!(
            "{name}: summary.json peak {reported} vs cash.csv {peak}"
        ));
    }
    // plan.json carries the same ledger.
    let plan: Value =
        serde_json::from_slice(&std::fs::read(out.join("plan.json")).unwrap()).unwrap();
    let rows = plan["cash"]["rows"].as_array().cloned().unwrap_or_default();
    if rows.len() != cash.len() {
        bad.push(format!("{name}: plan.json has {} cash rows", rows.len()));
    }
    for (a, b) in rows.iter().zip(&cash) {
        if (a["cash"].as_f64().unwrap() - f(b, "cash")).abs() > 0.01 {
            bad.push(format!("{name}: plan.json cash differs in {}", b["period"]));
        }
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    if !html.contains(r#"id="cash""#) {
        bad.push(format!("{name}: report.html has no cash chart"));
    }
    bad
}

#[test]
fn cash_ledger_adds_up_to_the_spend_in_every_report() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut dirs: Vec<_> = folders(&fixtures())
        .into_iter()
        .filter(|p| !p.ends_with("bad") && !p.ends_with("uncertainty") && !p.ends_with("trust"))
        .collect();
    dirs.push(super::util::repo().join("inputs/openai-2025"));
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let sc = capplan::load(&dir).unwrap();
        let (_guard, out, o) = plan_into_temp(&dir, &[]);
        if o.status.code() != Some(0) {
            continue; // the infeasible fixtures write no report
        }
        failures.extend(check_ledger(&name, &sc, &out));
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} reports checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn summary_md_opens_with_the_funding_need_and_its_drivers() {
    let (_g, out, o) = plan_into_temp(&fixtures().join("money_shortfall_month"), &[]);
    assert_eq!(o.status.code(), Some(0));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let first: Vec<&str> = md.lines().filter(|l| !l.is_empty()).take(3).collect();
    assert!(
        first[1].contains("Peak funding need: $300.00 in 2026-02"),
        "{first:?}"
    );
    assert!(first[2].contains("az-commit"), "{first:?}");
}

#[test]
fn a_funding_rate_changes_the_plan_and_prices_a_dollar() {
    // Same fixture without the rate: everything served (hand computation in its README).
    let dir = fixtures().join("funding_rate_defers_demand");
    let mut sc = capplan::load(&dir).unwrap();
    let with = capplan::solve(&sc, capplan::solve::SolverChoice::Clarabel).unwrap();
    assert!(close(with.objective_usd, 6220.0, 1e-6));
    sc.money.funding_rate = None;
    let without = capplan::solve(&sc, capplan::solve::SolverChoice::Clarabel).unwrap();
    assert!(
        close(without.objective_usd, 6000.0, 1e-6),
        "{}",
        without.objective_usd
    );
    assert!(without.unmet.is_empty());
    assert!(close(without.cash.peak_need(), 6000.0, 1e-6));
}

#[test]
fn explain_period_lists_payments_and_the_worth_of_a_dollar() {
    let dir = fixtures().join("money_shortfall_month");
    let o = capplan(&["explain", dir.to_str().unwrap(), "--period", "2026-02"]);
    assert_eq!(o.status.code(), Some(0), "{}", super::util::stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("az-commit"), "{text}");
    assert!(text.contains("shortfall"), "{text}");
    assert!(
        text.contains("$600.00") && text.contains("$800.00"),
        "{text}"
    );
    let dir = fixtures().join("funding_rate_defers_demand");
    let o = capplan(&["explain", dir.to_str().unwrap(), "--period", "2026-02"]);
    let text = stdout(&o);
    assert!(text.contains("0.04"), "{text}");
}

#[test]
fn simulate_samples_finance_and_reports_the_funding_need() {
    // Without any sigma every sample is the base plan: the peak is the hand-computed 700 of
    // money_ledger (README) in every sample, and tranche-small is exceeded in its first month.
    let dir = fixtures().join("money_ledger");
    let sc = capplan::load(&dir).unwrap();
    let solver = capplan::solve::SolverChoice::Clarabel;
    let (risk, _) =
        capplan::analysis::simulate::run(&sc, None, 5, 12, solver, false, true).unwrap();
    let peak = risk
        .rows
        .iter()
        .find(|r| r.measure == "peak_funding_need_usd")
        .unwrap();
    assert!(
        close(peak.p10, 700.0, 1e-6) && close(peak.p90, 700.0, 1e-6),
        "{peak:?}"
    );
    assert_eq!(peak.probability, Some(1.0));
    let small = risk.rows.iter().find(|r| r.id == "tranche-small").unwrap();
    assert_eq!((small.p50, small.probability), (0.0, Some(1.0)));
    assert_eq!(risk.cash_fan.len(), 3);
    // With spread on the expense and the demand, samples differ but stay the same per seed.
    let mut spread = sc.clone();
    spread.money.flows.iter_mut().for_each(|f| f.sigma = 0.5);
    spread.sigma.iter_mut().for_each(|s| *s = 0.3);
    let a = capplan::analysis::simulate::run(&spread, None, 9, 20, solver, false, true)
        .unwrap()
        .0;
    let b = capplan::analysis::simulate::run(&spread, None, 9, 20, solver, false, true)
        .unwrap()
        .0;
    let pa = a
        .rows
        .iter()
        .find(|r| r.measure == "peak_funding_need_usd")
        .unwrap();
    let pb = b
        .rows
        .iter()
        .find(|r| r.measure == "peak_funding_need_usd")
        .unwrap();
    assert_eq!((pa.p10, pa.p50, pa.p90), (pb.p10, pb.p50, pb.p90));
    assert!(pa.p10 < pa.p90, "{pa:?}");
    // Demand samples are unchanged by the finance draws that follow them.
    let d1 = capplan::analysis::sample::scenario(&spread, 9, 4).demand;
    let d2 = capplan::analysis::sample::demand(&spread, 9, 4);
    assert_eq!(d1, d2);
}

/// `capplan diff` shows the cash: money_ledger with the January expense cut from 1000 to 400
/// (README hand computation): January cash -600 → 0, so the peak need 700 → 100; year-end
/// (2026-03) cash 1250 → 1850; payments unchanged.
#[test]
fn diff_shows_what_moved_in_the_cash_ledger() {
    let base = fixtures().join("money_ledger");
    let (_a, old, o) = plan_into_temp(&base, &[]);
    assert_eq!(o.status.code(), Some(0));
    let work = super::util::workdir();
    let changed = work.path().join("less-expense");
    std::fs::create_dir(&changed).unwrap();
    for e in std::fs::read_dir(&base).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_owned();
        let text = std::fs::read_to_string(&p).unwrap();
        let text = if name == "finance.csv" {
            text.replace("2026-01,expense,1000", "2026-01,expense,400")
        } else {
            text
        };
        std::fs::write(changed.join(name), text).unwrap();
    }
    let (_b, new, o) = plan_into_temp(&changed, &[]);
    assert_eq!(o.status.code(), Some(0));
    let changes = capplan::analysis::diff::compare(&old, &new).unwrap();
    let find = |section: &str, key: &str, period: &str| {
        changes
            .iter()
            .find(|c| c.section == section && c.key == key && c.period == period)
            .unwrap_or_else(|| panic!("no {section} {key} {period}"))
            .clone()
    };
    let peak = find("total", "peak_funding_need_usd", "");
    assert!(
        close(peak.old, 700.0, 1e-9) && close(peak.new, 100.0, 1e-9),
        "{peak:?}"
    );
    let jan = find("cash_month", "cash", "2026-01");
    assert!(
        close(jan.old, -600.0, 1e-9) && close(jan.new, 0.0, 1e-9),
        "{jan:?}"
    );
    let paid = find("cash_month", "paid", "2026-02");
    assert!(
        close(paid.old, 400.0, 1e-9) && close(paid.new, 400.0, 1e-9),
        "{paid:?}"
    );
    let o = capplan(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(text.contains("Cash by year"), "{text}");
    assert!(text.contains("cash 2026"), "{text}");
    assert!(text.contains("$1850.00"), "year-end cash 1850: {text}");
}
