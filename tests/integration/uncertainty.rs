//! Demand uncertainty: the sampled distribution, simulate's determinism and risk figures, and
//! commitment sizing against a hand-computed newsvendor optimum.

use super::util::{close, fixtures};
use capplan::analysis::{commit, sample, simulate};
use capplan::scenario::WorkloadId;
use capplan::solve::SolverChoice;

fn load(case: &str) -> capplan::scenario::Scenario {
    capplan::load(&fixtures().join("uncertainty").join(case)).unwrap()
}

/// spread: mean kept at 1000, log spread 0.2, month-to-month log correlation 0.6 (README).
#[test]
fn sampled_demand_has_the_stated_mean_spread_and_persistence() {
    let sc = load("spread");
    let n = 4000;
    let logs: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            sample::demand(&sc, 11, i)
                .iter()
                .map(|d| (d / 1000.0).ln())
                .collect()
        })
        .collect();
    for t in [0, 5, 11] {
        let ratio: Vec<f64> = logs.iter().map(|l| l[t].exp()).collect();
        let mean = ratio.iter().sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.013, "month {t}: mean {mean}");
        let m = logs.iter().map(|l| l[t]).sum::<f64>() / n as f64;
        let sd = (logs.iter().map(|l| (l[t] - m).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        assert!((sd - 0.2).abs() < 0.01, "month {t}: sd {sd}");
    }
    let (a, b) = (0, 7);
    let ma = logs.iter().map(|l| l[a]).sum::<f64>() / n as f64;
    let mb = logs.iter().map(|l| l[b]).sum::<f64>() / n as f64;
    let cov = logs.iter().map(|l| (l[a] - ma) * (l[b] - mb)).sum::<f64>() / (n - 1) as f64;
    let corr = cov / 0.04;
    assert!((corr - 0.6).abs() < 0.05, "correlation {corr}");
    // Same seed and index: same sample; another index: another sample.
    assert_eq!(sample::demand(&sc, 11, 5), sample::demand(&sc, 11, 5));
    assert_ne!(sample::demand(&sc, 11, 5), sample::demand(&sc, 11, 6));
}

/// Rows without sigma stay exactly at their quantity.
#[test]
fn demand_without_sigma_is_not_sampled() {
    let sc = capplan::load(&fixtures().join("capacity_binding")).unwrap();
    assert_eq!(sample::demand(&sc, 3, 9), sc.demand);
}

#[test]
fn simulate_does_not_depend_on_the_thread_count() {
    let sc = load("spread");
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            simulate::run(&sc, 5, 24, SolverChoice::Clarabel, true, true)
                .unwrap()
                .0
        })
    };
    let (a, b) = (run(1), run(4));
    assert_eq!(format!("{:?}", a.rows), format!("{:?}", b.rows));
}

/// With no sigma every sample is the plan itself: take_or_pay_shortfall pays its 2000 shortfall
/// in every sample (probability 1) and the cost percentiles are the plan's objective, 7000.
#[test]
fn simulate_without_uncertainty_reproduces_the_plan() {
    let sc = capplan::load(&fixtures().join("take_or_pay_shortfall")).unwrap();
    let (risk, _) = simulate::run(&sc, 1, 12, SolverChoice::Clarabel, true, true).unwrap();
    let short = risk
        .rows
        .iter()
        .find(|r| r.scope == "contract" && r.measure == "shortfall_usd")
        .unwrap();
    assert_eq!(short.probability, Some(1.0));
    assert!(close(short.p10, 2000.0, 1e-6) && close(short.p90, 2000.0, 1e-6));
    let total = risk.rows.iter().find(|r| r.scope == "total").unwrap();
    assert!(close(total.p50, 7000.0, 1e-6) && total.samples == 12);
}

/// newsvendor (README): K* = 15 * D_(3) over the ten sizing samples of seed 1.
#[test]
fn commitment_sizing_matches_the_newsvendor_optimum() {
    let sc = load("newsvendor");
    let n = 10;
    let mut d: Vec<f64> = (0..n).map(|i| sample::demand(&sc, 1, i)[0]).collect();
    d.sort_by(f64::total_cmp);
    let q = d[2];
    let k = 15.0 * q;
    let expected = k + d.iter().map(|x| 20.0 * (x - q).max(0.0)).sum::<f64>() / n as f64;
    let study = commit::run(&sc, 1, n, SolverChoice::Clarabel, true).unwrap();
    assert_eq!(study.recommendations.len(), 1);
    let got = study.recommendations[0].recommended_usd;
    assert!(close(got, k, 1e-5), "recommended {got}, newsvendor {k}");
    assert!(
        close(study.expected_cost_usd, expected, 1e-6),
        "{} vs {expected}",
        study.expected_cost_usd
    );
    let _ = WorkloadId(0);
    // The evaluation compares both commitment levels on the same fresh samples.
    assert_eq!(study.risk_recommended.samples, 10);
    assert_eq!(study.risk_as_signed.samples, 10);
}

#[test]
fn commit_and_simulate_commands_write_their_reports() {
    use super::util::{capplan as run, stderr, workdir};
    let work = workdir();
    let dir = fixtures().join("uncertainty/newsvendor");
    let out = work.path().join("c");
    let o = run(&[
        "commit",
        dir.to_str().unwrap(),
        "--samples",
        "10",
        "--seed",
        "1",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in ["commitments.csv", "risk.csv", "summary.md"] {
        assert!(out.join(f).exists(), "{f}");
    }
    let s = work.path().join("s");
    let o = run(&[
        "simulate",
        dir.to_str().unwrap(),
        "--samples",
        "8",
        "--out",
        s.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(s.join("summary.md"))
        .unwrap()
        .contains("## Demand risk"));
    assert!(std::fs::read_to_string(s.join("risk.csv"))
        .unwrap()
        .starts_with("scope,id,measure,p10,p50,p90"));
    // Nothing sizable: a usage error.
    let none = run(&[
        "commit",
        fixtures().join("capacity_binding").to_str().unwrap(),
        "--out",
        work.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(none.status.code(), Some(2));
}

/// Warm-started HiGHS sweeps (with `--features highs`) give the same costs and shortfall
/// probabilities as cold solves; allocation-level figures may differ where optima tie.
#[test]
fn warm_started_sweeps_agree_with_cold_solves() {
    if !cfg!(feature = "highs") {
        eprintln!("SKIPPED warm-start comparison: built without the highs feature");
        return;
    }
    for (dir, n) in [
        (fixtures().join("uncertainty/spread"), 20),
        (super::util::repo().join("inputs/openai-2025"), 10),
    ] {
        let sc = capplan::load(&dir).unwrap();
        let (warm, method) = simulate::run(&sc, 3, n, SolverChoice::Clarabel, true, true).unwrap();
        assert_eq!(method, simulate::Method::WarmHighs);
        let (cold, _) = simulate::run(&sc, 3, n, SolverChoice::Clarabel, false, true).unwrap();
        for (a, b) in warm.outcomes.iter().zip(&cold.outcomes) {
            match (a.cost_pv_usd, b.cost_pv_usd) {
                (Some(x), Some(y)) => assert!(
                    close(x, y, 1e-6),
                    "{}: sample {}: {x} vs {y}",
                    dir.display(),
                    a.index
                ),
                (x, y) => assert_eq!(x.is_none(), y.is_none()),
            }
        }
    }
}
