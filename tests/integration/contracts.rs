//! SPEC version 2 contracts and the priority guard, beyond what each fixture's expected.json holds:
//! `full` against `prorate`, version 1's priority reading replayed, and overlaps accepted.

use super::util::{capplan, close, fixtures};
use capplan::model::{RowName, Sense, Var};
use capplan::solve::{backend, SolverChoice};

#[test]
fn prorate_owes_the_horizons_share_and_full_owes_it_all() {
    let sc = capplan::load(&fixtures().join("take_or_pay_prorate")).unwrap();
    assert!(close(sc.contracts[0].owed_usd, 3000.0, 1e-12));
    let prorated = capplan::solve(&sc, SolverChoice::Clarabel).unwrap();
    assert!(close(prorated.objective_usd, 25_800.0, 1e-6));
    let mut full = sc.clone();
    full.contracts[0].owed_usd = full.contracts[0].commit_usd; // beyond_horizon = full
    let full = capplan::solve(&full, SolverChoice::Clarabel).unwrap();
    // README: 10 units in March, 2 in February burn the 12,000.
    assert!(
        close(full.objective_usd, 26_800.0, 1e-6),
        "{}",
        full.objective_usd
    );
}

/// Version 1's reading of `first_on`/`priority`: maximise the covered units first, then cost.
/// On the guard fixture it leaves 5 training units unmet (README); the plan does not.
#[test]
fn version_1_priority_reading_starves_training_and_the_guard_does_not() {
    let sc = capplan::load(&fixtures().join("first_on_priority_guard")).unwrap();
    let mut model = capplan::model::build(&sc, false);
    let lp = &mut model.lp;
    let mut weights = vec![0.0; lp.vars.len()];
    for &(j, a) in &lp.priority {
        weights[j] += a;
    }
    let stage1 = backend::solve(lp, &weights, true, SolverChoice::Clarabel).unwrap();
    let best: f64 = weights.iter().zip(&stage1.x).map(|(a, x)| a * x).sum();
    assert!(close(best, 10.0, 1e-7), "chat on azure {best}");
    let terms = weights
        .iter()
        .enumerate()
        .filter(|(_, a)| **a != 0.0)
        .map(|(j, a)| (j, *a))
        .collect();
    lp.add_row(RowName::PriorityHold, terms, Sense::Ge, best * (1.0 - 1e-9));
    let cost = lp.cost.clone();
    let v1 = backend::solve(lp, &cost, false, SolverChoice::Clarabel).unwrap();
    let unmet_train: f64 = lp
        .vars
        .iter()
        .zip(&v1.x)
        .filter(|(v, _)| matches!(v, Var::Unmet { workload, .. } if sc.workloads[workload.0].id == "train"))
        .map(|(_, x)| x)
        .sum();
    assert!(
        close(unmet_train, 5.0, 1e-6),
        "v1 leaves {unmet_train} training units unmet"
    );
    assert!(close(lp.objective_value(&v1.x), 40_000.0, 1e-6));

    let v2 = capplan::solve(&sc, SolverChoice::Clarabel).unwrap();
    assert!(v2.unmet.is_empty(), "the guard left {:?} unmet", v2.unmet);
    assert!(close(v2.objective_usd, 17_500.0, 1e-6));
    assert!(close(v2.priority_served.unwrap(), 5.0, 1e-6));
}

#[test]
fn overlapping_contracts_validate_and_spend_is_credited_to_both() {
    let dir = fixtures().join("take_or_pay_overlapping_discounts");
    let v = capplan(&["validate", dir.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", super::util::stderr(&v));
    let sc = capplan::load(&dir).unwrap();
    assert!(sc.has_overlapping_contracts());
    let sol = capplan::solve(&sc, SolverChoice::Clarabel).unwrap();
    // February (t = 1): 5,000 list dollars credited to aws-b, 1,000 to aws-a (README).
    let aws = sc.providers.iter().position(|p| p.id == "aws").unwrap();
    let credited = sol
        .spend
        .credited_to(&sc, capplan::scenario::ProviderId(aws), 1);
    let by_id = |id: &str| {
        credited
            .iter()
            .find(|(c, _)| sc.contracts[c.0].id == id)
            .map(|x| x.1)
            .unwrap()
    };
    assert!(close(by_id("aws-b"), 5000.0, 1e-6), "{credited:?}");
    assert!(close(by_id("aws-a"), 1000.0, 1e-6), "{credited:?}");
    // Paid in February: list 6,000 less 1,100 of discounts.
    assert!(close(sol.spend.paid(1), 4900.0, 1e-6));
}
