//! Every folder under tests/fixtures (but `bad/`) is a small scenario whose optimum was computed by
//! hand and written in its `expected.json` (the working is in its README.md). Each is solved and
//! compared; then the constraint family the fixture is about is relaxed, and the optimum must move:
//! proof that the family binds there.

use super::util::{close, fixtures, folders};
use capplan::report::metrics;
use capplan::scenario::{RuleKind, Scenario};
use capplan::solve::SolverChoice;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const REL: f64 = 1e-6;

fn cases() -> Vec<std::path::PathBuf> {
    folders(&fixtures())
        .into_iter()
        .filter(|p| !p.ends_with("bad") && !p.ends_with("uncertainty") && !p.ends_with("trust"))
        .collect()
}

pub(super) fn expected(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("expected.json: {key} missing"))
}

/// Compares one optimal fixture solved by `solver`; returns the problems found.
pub(super) fn check_optimal(dir: &Path, exp: &Value, solver: SolverChoice) -> Vec<String> {
    let mut bad = Vec::new();
    let sc = capplan::load(dir).expect("fixture is valid input");
    let sol = match capplan::solve(&sc, solver) {
        Ok(s) => s,
        Err(e) => return vec![format!("did not solve: {e}")],
    };
    let m = metrics::compute(&sc, &sol);
    for (key, got) in [
        ("objective_usd", m.totals.objective_usd),
        ("usage_usd", m.totals.usage_usd),
        ("shortfall_usd", m.totals.shortfall_usd),
        ("unmet_units", m.totals.unmet_units),
    ] {
        if exp.get(key).is_some() && !close(got, num(exp, key), REL) {
            bad.push(format!("{key}: got {got}, expected {}", num(exp, key)));
        }
    }
    if let Some(rows) = exp["allocation"].as_array() {
        let mut got: BTreeMap<(String, String, String, String, String), f64> = m
            .allocation
            .iter()
            .map(|a| {
                (
                    (
                        a.period.clone(),
                        a.workload.clone(),
                        a.provider.clone(),
                        a.region.clone(),
                        a.sku.clone(),
                    ),
                    a.units,
                )
            })
            .collect();
        for r in rows {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            let key = (
                s("period"),
                s("workload"),
                s("provider"),
                s("region"),
                s("sku"),
            );
            let want = num(r, "units");
            match got.remove(&key) {
                Some(units) if close(units, want, 1e-5) => {}
                Some(units) => {
                    bad.push(format!("allocation {key:?}: got {units}, expected {want}"))
                }
                None => bad.push(format!("allocation {key:?}: missing, expected {want}")),
            }
        }
        for (key, units) in got {
            if units > 1e-5 {
                bad.push(format!("allocation {key:?}: unexpected {units} units"));
            }
        }
    }
    for c in exp["contracts"].as_array().into_iter().flatten() {
        let id = c["contract"].as_str().unwrap_or_default();
        match m.contracts.iter().find(|k| k.contract == id) {
            Some(k) => {
                for (key, got) in [
                    ("spend_usd", k.spend_usd),
                    ("shortfall_usd", k.shortfall_usd),
                ] {
                    if c.get(key).is_some() && !close(got, num(c, key), REL) {
                        bad.push(format!(
                            "contract {id} {key}: got {got}, expected {}",
                            num(c, key)
                        ));
                    }
                }
            }
            None => bad.push(format!("contract {id} missing from the report")),
        }
    }
    for key in ["bound_usd"] {
        if exp.get(key).is_some() {
            let want = num(exp, key);
            let got = m.totals.bound_usd;
            // A proven bound: never above the optimum, and within the search's gap of it.
            if got > want * (1.0 + REL) || got < want * (1.0 - sc.mip_gap) - 1e-6 {
                bad.push(format!(
                    "{key}: got {got}, expected {want} (within mip_gap below)"
                ));
            }
        }
    }
    if let Some(rows) = exp["lots"].as_array() {
        let mut got: Vec<_> = m.reservations.iter().collect();
        for r in rows {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            let pos = got
                .iter()
                .position(|g| g.option == s("option") && g.start == s("start"));
            let Some(pos) = pos else {
                bad.push(format!(
                    "reservation {} {}: missing",
                    s("option"),
                    s("start")
                ));
                continue;
            };
            let g = got.remove(pos);
            if !close(g.lots, num(r, "lots"), 1e-9)
                || g.lots.fract() != 0.0 && sc.lots == capplan::scenario::Lots::Integer
            {
                bad.push(format!(
                    "reservation {} {}: {} lots, expected {}",
                    g.option,
                    g.start,
                    g.lots,
                    num(r, "lots")
                ));
            }
            if g.sign_by != s("sign_by") || g.end != s("end") {
                bad.push(format!(
                    "reservation {} {}: sign-by {} end {}, expected {} {}",
                    g.option,
                    g.start,
                    g.sign_by,
                    g.end,
                    s("sign_by"),
                    s("end")
                ));
            }
            if !close(g.after_horizon_usd, num(r, "after_horizon_usd"), REL) {
                bad.push(format!(
                    "reservation {} {}: {} after the horizon, expected {}",
                    g.option,
                    g.start,
                    g.after_horizon_usd,
                    num(r, "after_horizon_usd")
                ));
            }
        }
        for g in got {
            bad.push(format!(
                "reservation {} {}: unexpected {} lots",
                g.option, g.start, g.lots
            ));
        }
    }
    if exp.get("continuous_objective_usd").is_some() {
        let mut relaxed = sc.clone();
        relaxed.lots = capplan::scenario::Lots::Continuous;
        match capplan::solve(&relaxed, solver) {
            Ok(s)
                if close(s.objective_usd, num(exp, "continuous_objective_usd"), REL)
                    && s.gap_pct == 0.0 => {}
            Ok(s) => bad.push(format!(
                "lots = continuous: objective {} gap {}, expected {} gap 0",
                s.objective_usd,
                s.gap_pct,
                num(exp, "continuous_objective_usd")
            )),
            Err(e) => bad.push(format!("lots = continuous did not solve: {e}")),
        }
    }
    for r in exp["minimums"].as_array().into_iter().flatten() {
        let key = |k: &str| r[k].as_str().unwrap_or_default().to_string();
        let found = m
            .minimums
            .iter()
            .find(|x| x.contract == key("contract") && x.from == key("from") && x.to == key("to"));
        match found {
            Some(x) => {
                for (k, got) in [("burn_usd", x.burn_usd), ("shortfall_usd", x.shortfall_usd)] {
                    if r.get(k).is_some() && !close(got, num(r, k), REL) {
                        bad.push(format!(
                            "minimum {} {k}: got {got}, expected {}",
                            key("contract"),
                            num(r, k)
                        ));
                    }
                }
            }
            None => bad.push(format!(
                "minimum of {} missing from the report",
                key("contract")
            )),
        }
    }
    for u in exp["unmet"].as_array().into_iter().flatten() {
        let (p, w) = (
            u["period"].as_str().unwrap_or_default(),
            u["workload"].as_str().unwrap_or_default(),
        );
        let got = m
            .unmet
            .iter()
            .find(|r| r.period == p && r.workload == w)
            .map(|r| r.unmet)
            .unwrap_or(0.0);
        if !close(got, num(u, "unmet"), 1e-5) {
            bad.push(format!(
                "unmet {p} {w}: got {got}, expected {}",
                num(u, "unmet")
            ));
        }
    }
    bad.extend(check_cash(exp, &m.cash));
    if let Some(problem) = relaxation_moves_optimum(dir, &sc, m.totals.objective_usd, solver) {
        bad.push(problem);
    }
    bad
}

/// The cash ledger, peak funding need, drivers, tranches and cash-row duals, where expected.json has them.
fn check_cash(exp: &Value, c: &capplan::report::money::CashReport) -> Vec<String> {
    let mut bad = Vec::new();
    if exp.get("peak_funding_need_usd").is_some() {
        let want = num(exp, "peak_funding_need_usd");
        if !close(c.peak_funding_need_usd, want, REL) {
            bad.push(format!(
                "peak_funding_need_usd: got {}, expected {want}",
                c.peak_funding_need_usd
            ));
        }
        let want_period = exp["peak_funding_need_period"].as_str().map(String::from);
        if c.peak_funding_need_period != want_period {
            bad.push(format!(
                "peak_funding_need_period: got {:?}, expected {want_period:?}",
                c.peak_funding_need_period
            ));
        }
    }
    // Ledger amounts within REL of the ledger's largest amount: an interior point's 1e-4 dollars
    // of a payment in a ledger of thousands is the solver's accuracy, not a different plan.
    let scale = c
        .rows
        .iter()
        .flat_map(|g| {
            [
                g.revenue,
                g.funding,
                g.expense,
                g.paid,
                g.cash,
                g.funding_need,
            ]
        })
        .fold(1.0f64, |m, v| m.max(v.abs()));
    for r in exp["cash"].as_array().into_iter().flatten() {
        let p = r["period"].as_str().unwrap_or_default();
        let Some(got) = c.rows.iter().find(|g| g.period == p) else {
            bad.push(format!("cash {p}: missing"));
            continue;
        };
        for (key, v) in [
            ("revenue", got.revenue),
            ("funding", got.funding),
            ("expense", got.expense),
            ("paid", got.paid),
            ("cash", got.cash),
            ("funding_need", got.funding_need),
        ] {
            if (v - num(r, key)).abs() > REL * scale {
                bad.push(format!("cash {p} {key}: got {v}, expected {}", num(r, key)));
            }
        }
    }
    if let Some(want) = exp["drivers"].as_array() {
        let got: Vec<&str> = c.drivers.iter().map(|d| d.commitment.as_str()).collect();
        let want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
        if got != want {
            bad.push(format!("drivers: got {got:?}, expected {want:?}"));
        }
    }
    for t in exp["conditional_tranches"].as_array().into_iter().flatten() {
        let label = t["label"].as_str().unwrap_or_default();
        match c.conditional_tranches.iter().find(|g| g.label == label) {
            Some(g) if g.need_exceeds_it_in.as_deref() == t["need_exceeds_it_in"].as_str() => {}
            other => bad.push(format!("tranche {label}: got {other:?}, expected {t}")),
        }
    }
    for d in exp["dollar_worth_pv_usd"].as_array().into_iter().flatten() {
        let p = d["period"].as_str().unwrap_or_default();
        let got = c
            .rows
            .iter()
            .find(|g| g.period == p)
            .and_then(|g| g.dollar_worth_pv_usd);
        match got {
            Some(v) if close(v, num(d, "value"), 1e-5) => {}
            other => bad.push(format!(
                "dollar worth {p}: got {other:?}, expected {}",
                num(d, "value")
            )),
        }
    }
    bad
}

/// Relaxes the family a fixture is named after; the optimum must move (`None` = it did, or the
/// fixture is not about one family).
fn relaxation_moves_optimum(
    dir: &Path,
    sc: &Scenario,
    objective: f64,
    solver: SolverChoice,
) -> Option<String> {
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let mut relaxed = sc.clone();
    let family = if name.starts_with("capacity") {
        relaxed.offers.iter_mut().for_each(|o| o.max_units = 1e12);
        "capacity"
    } else if name.starts_with("power") {
        relaxed.power.clear();
        "power"
    } else if name.starts_with("take_or_pay") {
        relaxed.contracts.clear();
        relaxed.minimums.clear();
        "take-or-pay"
    } else if name.starts_with("contract_discount") {
        relaxed
            .contracts
            .iter_mut()
            .for_each(|c| c.discount_pct = 0.0);
        "contract discount"
    } else if name.starts_with("funding_rate") {
        relaxed.money.funding_rate = None;
        "funding rate"
    } else if name.starts_with("npv") {
        relaxed.discount_rate = 0.0;
        "discounting"
    } else if name.starts_with("rule_") || name.starts_with("first_on") {
        let keep = |k: &RuleKind| match name.as_str() {
            n if n.starts_with("rule_exclusive") => !matches!(k, RuleKind::Exclusive),
            n if n.starts_with("rule_forbid") => !matches!(k, RuleKind::Forbid),
            n if n.starts_with("rule_min_share") => !matches!(k, RuleKind::MinShare(_)),
            n if n.starts_with("rule_max_share") => !matches!(k, RuleKind::MaxShare(_)),
            n if n.starts_with("first_on") => !matches!(k, RuleKind::FirstOn(_)),
            _ => true,
        };
        relaxed.rules.retain(|r| keep(&r.kind));
        "rule"
    } else {
        return None;
    };
    let other = match capplan::solve(&relaxed, solver) {
        Ok(s) => s.objective_usd,
        Err(e) => return Some(format!("relaxing {family} made it unsolvable: {e}")),
    };
    (close(other, objective, 1e-7))
        .then(|| format!("relaxing {family} leaves the optimum at {other}: it does not bind"))
}

fn check_infeasible(dir: &Path, exp: &Value, solver: SolverChoice) -> Vec<String> {
    let sc = capplan::load(dir).expect("fixture is valid input");
    let mut bad = Vec::new();
    match capplan::solve(&sc, solver) {
        Err(capplan::error::Error::Infeasible(_)) => {}
        other => {
            return vec![format!(
                "expected infeasible, got {:?}",
                other.map(|s| s.objective_usd)
            )]
        }
    }
    let short = capplan::solve::diagnose::demand_shortfalls(&sc, solver).expect("elastic solve");
    let want = exp["shortfalls"].as_array().expect("shortfalls");
    if short.len() != want.len() {
        bad.push(format!(
            "{} shortfall rows, expected {}",
            short.len(),
            want.len()
        ));
    }
    for w in want {
        let (p, wl) = (
            w["period"].as_str().unwrap_or_default(),
            w["workload"].as_str().unwrap_or_default(),
        );
        let got = short
            .iter()
            .find(|s| sc.month(s.t).to_string() == p && sc.workloads[s.workload.0].id == wl)
            .map(|s| s.short);
        match got {
            Some(g) if close(g, num(w, "short"), 1e-5) => {}
            other => bad.push(format!(
                "shortfall {p} {wl}: got {other:?}, expected {}",
                num(w, "short")
            )),
        }
    }
    bad
}

/// Every fixture solved by `solver` against its hand-computed optimum; the problems found.
fn hand_optimum_failures(solver: SolverChoice) -> Vec<String> {
    let cases = cases();
    assert!(cases.len() >= 12, "only {} fixtures", cases.len());
    let mut failures = Vec::new();
    for dir in &cases {
        let exp = expected(dir);
        let problems = match exp["status"].as_str() {
            Some("optimal") => check_optimal(dir, &exp, solver),
            Some("infeasible") => check_infeasible(dir, &exp, solver),
            other => vec![format!("unknown status {other:?}")],
        };
        for p in problems {
            failures.push(format!(
                "{} ({}): {p}",
                dir.file_name().unwrap().to_string_lossy(),
                solver.name()
            ));
        }
    }
    failures
}

#[test]
fn every_fixture_matches_its_hand_computed_optimum() {
    assert_none(hand_optimum_failures(SolverChoice::Clarabel));
}

/// The optional CBC backend (`--features cbc`) against the same hand optima, every check and the
/// relaxations included (so its duals, checked by `verify`, are exercised on every fixture).
#[test]
fn every_fixture_matches_its_hand_computed_optimum_with_cbc() {
    if !SolverChoice::Cbc.is_built() {
        eprintln!("cbc is not built: nothing to check (build with --features cbc)");
        return;
    }
    assert_none(hand_optimum_failures(SolverChoice::Cbc));
}

fn assert_none(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_documents_its_hand_computation() {
    for dir in cases() {
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        assert!(
            readme.len() > 200,
            "{}: README.md with the hand computation is missing",
            dir.display()
        );
    }
}

#[test]
fn fixtures_cover_every_family_and_rule_mode() {
    let names: Vec<String> = cases()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut kinds = std::collections::BTreeSet::new();
    for dir in cases() {
        if let Ok(sc) = capplan::load(&dir) {
            for r in &sc.rules {
                kinds.insert(
                    r.kind.label().split(' ').next().unwrap().to_string()
                        + match r.kind {
                            RuleKind::FirstOn(capplan::scenario::FirstOnMode::Priority) => {
                                "/priority"
                            }
                            RuleKind::FirstOn(capplan::scenario::FirstOnMode::Window) => "/window",
                            RuleKind::FirstOn(capplan::scenario::FirstOnMode::Share(_)) => "/share",
                            _ => "",
                        },
                );
            }
        }
    }
    for k in [
        "exclusive",
        "forbid",
        "min_share",
        "max_share",
        "first_on/priority",
        "first_on/window",
        "first_on/share",
    ] {
        assert!(kinds.contains(k), "no fixture has a {k} rule: {kinds:?}");
    }
    for family in [
        "capacity",
        "power",
        "take_or_pay",
        "unmet",
        "npv",
        "perf",
        "contract_discount",
    ] {
        assert!(
            names.iter().any(|n| n.contains(family)),
            "no fixture for {family}"
        );
    }
}

/// Every backend built into this binary gives the same optimum on every fixture (the default
/// build has Clarabel only; `--features highs,microlp,cbc` adds the others).
#[test]
fn every_built_backend_agrees_on_every_fixture() {
    let others: Vec<SolverChoice> = [
        SolverChoice::Highs,
        SolverChoice::Microlp,
        SolverChoice::Cbc,
    ]
    .into_iter()
    .filter(|s| s.is_built())
    .collect();
    if others.is_empty() {
        eprintln!("only Clarabel is built: no other backend to compare (build with --features highs,microlp)");
        return;
    }
    for dir in cases() {
        let sc = capplan::load(&dir).unwrap();
        let base = capplan::solve(&sc, SolverChoice::Clarabel)
            .map(|s| s.objective_usd)
            .ok();
        for &solver in &others {
            let other = capplan::solve(&sc, solver).map(|s| s.objective_usd).ok();
            match (base, other) {
                (Some(a), Some(b)) => assert!(
                    close(b, a, 1e-6),
                    "{}: {} gives {b}, clarabel {a}",
                    dir.display(),
                    solver.name()
                ),
                (None, None) => {}
                _ => panic!(
                    "{}: {} and clarabel disagree on feasibility",
                    dir.display(),
                    solver.name()
                ),
            }
        }
    }
}
