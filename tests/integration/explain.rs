//! Explaining the plan: marginal values (duals) and clause prices, against hand-computed figures.

use super::util::{close, fixtures};
use capplan::analysis::clauses;
use capplan::report::metrics::{self, MarginalRow, Metrics};
use capplan::solve::SolverChoice;

fn plan(case: &str) -> (capplan::scenario::Scenario, Metrics) {
    let sc = capplan::load(&fixtures().join(case)).unwrap();
    let sol = capplan::solve(&sc, SolverChoice::Clarabel).unwrap();
    let m = metrics::compute(&sc, &sol);
    (sc, m)
}

fn value(m: &Metrics, family: &str, period: &str, subject_part: &str) -> f64 {
    let rows: Vec<&MarginalRow> = m
        .marginal
        .iter()
        .filter(|r| r.family == family && r.period == period && r.subject.contains(subject_part))
        .collect();
    assert_eq!(rows.len(), 1, "{family} {period} {subject_part}: {rows:?}");
    rows[0].value_nominal_usd
}

/// capacity_binding: 300 units of demand; coreweave 120 @ 1.50 full, oracle 500 @ 2.25 marginal (H = 730).
#[test]
fn demand_is_priced_at_the_marginal_tranche_and_a_full_tranche_at_the_price_gap() {
    let (_, m) = plan("capacity_binding");
    assert!(close(
        value(&m, "demand", "2026-01", "infer"),
        2.25 * 730.0,
        1e-6
    ));
    assert!(close(
        value(&m, "capacity", "2026-01", "coreweave"),
        (2.25 - 1.50) * 730.0,
        1e-6
    ));
    assert!(value(&m, "capacity", "2026-01", "oracle").abs() < 1e-4);
}

/// power_binding (H = 10): in January one more MW lets 500 more gb200 units (2 kW) displace azure
/// (3.00 vs 2.00): 500 * 1.00 * 10 = 5000; the full h100 tranche is worth its saving 0.60 less the
/// 1 kW it takes from gb200 (0.50 per kW): 0.10 * 10 = 1; demand is priced at azure, 3.00 * 10.
#[test]
fn power_and_capacity_values_follow_the_power_trade_off() {
    let (_, m) = plan("power_binding");
    assert!(close(
        value(&m, "power", "2026-01", "oracle/abilene"),
        5000.0,
        1e-6
    ));
    assert!(close(
        value(&m, "capacity", "2026-01", "oracle/abilene/h100"),
        1.0,
        1e-5
    ));
    assert!(close(value(&m, "demand", "2026-01", "train"), 30.0, 1e-6));
    assert!(close(value(&m, "demand", "2026-02", "train"), 20.0, 1e-6));
    let binding: Vec<_> = m.binding.iter().map(|b| b.name.as_str()).collect();
    assert!(
        binding
            .iter()
            .any(|b| b.starts_with("power oracle/abilene")),
        "{binding:?}"
    );
}

/// take_or_pay_shortfall: the commitment is in shortfall, so a dollar less committed saves a dollar.
#[test]
fn a_contract_in_shortfall_is_worth_a_dollar_per_dollar() {
    let (_, m) = plan("take_or_pay_shortfall");
    let row = m
        .marginal
        .iter()
        .find(|r| r.family == "take_or_pay")
        .expect("contract row");
    assert!(close(row.value_nominal_usd, 1.0, 1e-6), "{row:?}");
}

/// first_on_priority (H = 10): without the rule all 350 demand units go to aws at 2.00 = 7000.
/// priority: 10300 (README), cost 3300. window: February's 200 units of frontier cannot all fit on
/// azure's 160 and frontier is hard -> infeasible. share 0.5: Jan 50 azure@3 + 50 aws@2 + infer 1000
/// = 3500, Feb 60@3 + 40@3.5 + 100 aws@2 = 5200 -> 8700, cost 1700.
#[test]
fn first_on_is_priced_under_each_reading() {
    let (sc, m) = plan("first_on_priority");
    let prices = clauses::price(&sc, m.totals.objective_usd, SolverChoice::Clarabel, true);
    let get = |variant: &str| {
        prices
            .iter()
            .find(|p| p.clause == "first-on-azure" && p.variant == variant)
            .unwrap()
    };
    assert!(close(get("as written").delta_usd().unwrap(), 3300.0, 1e-6));
    assert!(close(
        get("as written").objective_without_usd.unwrap(),
        7000.0,
        1e-6
    ));
    assert!(close(
        get("mode=priority").delta_usd().unwrap(),
        3300.0,
        1e-6
    ));
    assert_eq!(
        get("mode=window").objective_usd,
        None,
        "window reading should be infeasible"
    );
    assert!(close(
        get("mode=share 0.5").delta_usd().unwrap(),
        1700.0,
        1e-6
    ));
}

/// Clause prices do not depend on the number of threads.
#[test]
fn clause_prices_are_independent_of_thread_count() {
    let (sc, m) = plan("first_on_share_exception");
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let a =
        one.install(|| clauses::price(&sc, m.totals.objective_usd, SolverChoice::Clarabel, true));
    let b =
        four.install(|| clauses::price(&sc, m.totals.objective_usd, SolverChoice::Clarabel, true));
    let key = |v: &[clauses::ClausePrice]| v.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>();
    assert_eq!(key(&a), key(&b));
}
