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

/// `explain` on power_binding, January: gb200 at 2.00 carries the power value (+1.00 per
/// demand-unit-hour, 2 kW at 0.50); h100 at 2.40 carries its full tranche (+0.10) and power
/// (+0.50); azure at 3.00 sets the price. Every chosen option's effective cost is the marginal 3.00.
#[test]
fn explain_splits_each_option_cost_by_constraint() {
    let sc = capplan::load(&fixtures().join("power_binding")).unwrap();
    let (model, sol) = capplan::solve_with_model(&sc, SolverChoice::Clarabel).unwrap();
    let w = sc.workload_id("train").unwrap();
    let e = capplan::analysis::explain::explain(&sc, &model, &sol, w, 0);
    assert!(close(e.marginal.unwrap(), 3.0, 1e-6));
    let find = |part: &str| e.options.iter().find(|o| o.label.contains(part)).unwrap();
    let gb200 = find("gb200");
    assert!(close(gb200.units, 30.0, 1e-6) && close(gb200.effective.unwrap(), 3.0, 1e-6));
    assert!(gb200
        .reasons
        .iter()
        .any(|r| r.what.starts_with("power") && close(r.usd_per_unit_hour, 1.0, 1e-5)));
    let h100 = find("oracle/abilene/h100");
    assert!(h100
        .reasons
        .iter()
        .any(|r| r.what.starts_with("tranche full") && close(r.usd_per_unit_hour, 0.1, 1e-5)));
    assert!(h100
        .reasons
        .iter()
        .any(|r| r.what.starts_with("power") && close(r.usd_per_unit_hour, 0.5, 1e-5)));
    assert!(find("azure").reasons.is_empty());
    assert!(e.render().contains("at the margin"));
}

/// `explain` names the rule that keeps a workload off a cheaper provider.
#[test]
fn explain_names_the_blocking_rule() {
    let sc = capplan::load(&fixtures().join("rule_exclusive")).unwrap();
    let (model, sol) = capplan::solve_with_model(&sc, SolverChoice::Clarabel).unwrap();
    let rule = &sc.rules[0];
    let t = rule.window.first;
    let e = capplan::analysis::explain::explain(&sc, &model, &sol, rule.workload, t);
    let blocked: Vec<_> = e
        .options
        .iter()
        .filter_map(|o| o.blocked_by.as_deref())
        .collect();
    assert!(
        blocked
            .iter()
            .any(|b| b.contains(&rule.id) && b.contains("exclusive")),
        "{}",
        e.render()
    );
}

#[test]
fn explain_command_runs_and_rejects_unknown_names() {
    use super::util::{capplan as run, stdout};
    let dir = fixtures().join("power_binding");
    let ok = run(&[
        "explain",
        dir.to_str().unwrap(),
        "--workload",
        "train",
        "--period",
        "2026-01",
    ]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(stdout(&ok).contains("oracle/abilene/gb200"));
    let bad = run(&[
        "explain",
        dir.to_str().unwrap(),
        "--workload",
        "nope",
        "--period",
        "2026-01",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let outside = run(&[
        "explain",
        dir.to_str().unwrap(),
        "--workload",
        "train",
        "--period",
        "2030-01",
    ]);
    assert_eq!(outside.status.code(), Some(2));
}

use capplan::solve::diagnose::{constraint_relaxations, Group};

fn feasible(sc: &capplan::scenario::Scenario) -> bool {
    capplan::solve(sc, SolverChoice::Clarabel).is_ok()
}

/// infeasible_hard_demand: train needs 150 in January; aws h100 (100 units) and azure gb200 (10
/// units, perf 2) give 120. Cheapest relaxation relative to its limit: aws +30 units (30% of 100)
/// rather than azure +15 (150% of 10).
#[test]
fn infeasibility_names_the_capacity_to_add() {
    let sc = capplan::load(&fixtures().join("infeasible_hard_demand")).unwrap();
    let relax = constraint_relaxations(&sc, SolverChoice::Clarabel)
        .unwrap()
        .expect("a relaxation");
    assert_eq!(relax.len(), 1, "{relax:?}");
    let Group::Tranche(o) = relax[0].group else {
        panic!("{relax:?}")
    };
    assert_eq!(sc.offers[o.0].line, 2);
    assert_eq!(relax[0].by_month.len(), 1);
    assert!(close(relax[0].by_month[0].1, 30.0, 1e-5));
    // Applying it makes the plan feasible: an extra tranche of that size, that month, same price.
    let mut fixed = sc.clone();
    let mut extra = sc.offers[o.0].clone();
    let (t, amount) = relax[0].by_month[0];
    extra.window = capplan::scenario::Window { first: t, last: t };
    extra.max_units = amount * (1.0 + 1e-6);
    fixed.offers.push(extra);
    assert!(!feasible(&sc) && feasible(&fixed));
}

/// infeasible_rule_power: the exclusive rule keeps train on oracle, whose power allows 50 units in
/// January (0.1 MW / 2 kW) and 80 in February. Relaxing the rule (50 + 20 demand units, 0.7 of a
/// month's demand) weighs less than the power rows (100% and 25% of their MW).
#[test]
fn infeasibility_names_the_rule_to_relax() {
    let sc = capplan::load(&fixtures().join("infeasible_rule_power")).unwrap();
    let relax = constraint_relaxations(&sc, SolverChoice::Clarabel)
        .unwrap()
        .expect("a relaxation");
    assert_eq!(relax.len(), 1, "{relax:?}");
    assert!(matches!(relax[0].group, Group::Rule(_)));
    let amounts: Vec<f64> = relax[0].by_month.iter().map(|m| m.1).collect();
    assert!(
        amounts.len() == 2 && close(amounts[0], 50.0, 1e-5) && close(amounts[1], 20.0, 1e-5),
        "{amounts:?}"
    );
    let mut fixed = sc.clone();
    fixed.rules.clear();
    assert!(feasible(&fixed));
}

/// The same scenario with oracle as the only provider: only power can give. January needs
/// +0.1 MW (50 more gb200 at 2 kW), February and March +0.04 MW (20 more each).
#[test]
fn infeasibility_names_the_power_to_add() {
    let mut sc = capplan::load(&fixtures().join("infeasible_rule_power")).unwrap();
    sc.rules.clear();
    let aws = sc.providers.iter().position(|p| p.id == "aws").unwrap();
    sc.offers.retain(|o| o.provider.0 != aws);
    let relax = constraint_relaxations(&sc, SolverChoice::Clarabel)
        .unwrap()
        .expect("a relaxation");
    let mw: f64 = relax
        .iter()
        .filter(|r| matches!(r.group, Group::Power(_)))
        .flat_map(|r| r.by_month.iter().map(|m| m.1))
        .sum();
    assert!(
        relax.iter().all(|r| matches!(r.group, Group::Power(_))),
        "{relax:?}"
    );
    assert!(close(mw, 0.1 + 0.04 + 0.04, 1e-5), "{relax:?}");
    let text = capplan::solve(&sc, SolverChoice::Clarabel)
        .unwrap_err()
        .to_string();
    assert!(text.contains("power at oracle/abilene"), "{text}");
}
