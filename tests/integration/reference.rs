//! The reference scenario `inputs/openai-2025`: it plans, every hard demand is met, and the
//! reports add up (every figure traced to the allocation and the inputs).

use super::util::{capplan, close, repo, stderr, workdir};
use capplan::report::metrics;
use capplan::solve::SolverChoice;

#[test]
fn reference_scenario_plans_and_its_reports_add_up() {
    let dir = repo().join("inputs/openai-2025");
    let sc = capplan::load(&dir).expect("reference scenario is valid");
    let sol = capplan::solve(&sc, SolverChoice::Clarabel).expect("reference scenario solves");
    let m = metrics::compute(&sc, &sol);
    let t = &m.totals;
    // The objective is its three present-value parts (which leave out solver noise below 1e-7).
    assert!(close(
        t.usage_pv_usd + t.shortfall_pv_usd + t.unmet_pv_usd,
        t.objective_usd,
        1e-7
    ));
    // Spend reported three ways agrees.
    let alloc_usd: f64 = m.allocation.iter().map(|a| a.usd).sum();
    let spend_usd: f64 = m.provider_spend.iter().map(|s| s.usd).sum();
    let yearly: f64 = m
        .spend_by_provider_year
        .values()
        .flat_map(|y| y.values())
        .sum();
    assert!(
        close(alloc_usd, t.usage_usd, 1e-9)
            && close(spend_usd, t.usage_usd, 1e-9)
            && close(yearly, t.usage_usd, 1e-9)
    );
    // Served demand plus unmet equals demand, every workload-month.
    for (w, wl) in sc.workloads.iter().enumerate() {
        for tt in 0..sc.periods {
            let period = sc.month(tt).to_string();
            let served: f64 = m
                .allocation
                .iter()
                .filter(|a| a.workload == wl.id && a.period == period)
                .map(|a| a.served)
                .sum();
            let unmet: f64 = m
                .unmet
                .iter()
                .filter(|u| u.workload == wl.id && u.period == period)
                .map(|u| u.unmet)
                .sum();
            let d = sc.demand(capplan::scenario::WorkloadId(w), tt);
            assert!(
                (served + unmet - d).abs() <= 1e-5 * d.max(1.0),
                "{} {period}: {served} + {unmet} != {d}",
                wl.id
            );
            if wl.unmet_usd_per_unit_hour.is_none() {
                assert!(unmet == 0.0, "hard workload {} unmet in {period}", wl.id);
            }
        }
    }
    // Contract shortfall is what the commitment (as owed in the horizon, after pro-rating) lacks.
    for c in &m.contracts {
        let lacking = (c.owed_usd - c.spend_usd).max(0.0);
        assert!(
            (c.shortfall_usd - lacking).abs() <= 1e-6 * c.commit_usd.max(1.0),
            "{}: {c:?}",
            c.contract
        );
    }
}

#[test]
fn main_command_writes_the_reference_reports() {
    let work = workdir();
    let out = work.path().join("openai-2025");
    let o = capplan(&["plan", "inputs/openai-2025", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    for section in [
        "## Totals",
        "## Spend by provider and year",
        "## Commitment burn-down",
        "## What is binding",
        "## Active rules",
    ] {
        assert!(md.contains(section), "summary.md lacks {section}");
    }
}
