//! Demand uncertainty: the sampled distribution, simulate's determinism and risk figures,
//! commitment sizing against a hand-computed newsvendor optimum, and here-and-now reservation lots
//! against the hand-computed rack newsvendor (`racks`).

use super::util::{close, fixtures};
use capplan::analysis::shard::Shard;
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
            simulate::run(&sc, None, 5, 24, SolverChoice::Clarabel, true, true)
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
    let (risk, _) = simulate::run(&sc, None, 1, 12, SolverChoice::Clarabel, true, true).unwrap();
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
    assert_eq!(study.risk_as_signed.as_ref().unwrap().samples, 10);
    // No reservation: nothing decided now, no deterministic comparison.
    assert!(study.lots.is_empty() && study.risk_deterministic.is_none());
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

/// racks (README): demand of sample `i` (seed 1) in month `t`.
fn rack_demand(sc: &capplan::scenario::Scenario, i: u64, t: usize) -> f64 {
    sample::demand(sc, 1, i)[t]
}

/// racks (README): cost of `lots` whole lots (300 each) for a month of demand `d`, the rest on
/// demand at 20 a unit.
fn rack_month(lots: f64, d: f64) -> f64 {
    300.0 * lots + 20.0 * (d - 20.0 * lots).max(0.0)
}

/// racks (README): the SAA's whole lots for a month: the least `L` minimising the sample mean
/// of `rack_month(L, D_s)` (its forward difference `300 - 20 * mean clip(D_s - 20 L, 0, 20)`
/// turns non-negative there).
fn rack_lots(d: &[f64]) -> f64 {
    let mean = |l: f64| d.iter().map(|&x| rack_month(l, x)).sum::<f64>() / d.len() as f64;
    let mut l = 0.0;
    while mean(l + 1.0) < mean(l) {
        l += 1.0;
    }
    l
}

/// racks: the February start (sign-by 2026-01 = decide_by) is decided now, against the samples;
/// the March start (sign-by 2026-02) is recourse, reserved per sample at 15 a unit.
#[test]
fn here_and_now_lots_match_the_rack_newsvendor() {
    let sc = load("racks");
    let n = 10;
    let feb: Vec<f64> = (0..n).map(|i| rack_demand(&sc, i, 1)).collect();
    let l = rack_lots(&feb);
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
    let study = commit::run(&sc, 1, n, SolverChoice::Clarabel, true).unwrap();
    assert_eq!(study.lots.len(), 1, "{:?}", study.lots);
    let lot = &study.lots[0];
    assert_eq!((lot.start, lot.sign_by), (1, 0));
    assert_eq!(lot.recommended_lots, l, "hand SAA lots {l}");
    // Mean demand 100 = 5 lots exactly: 300 a lot beats 20 * 20 = 400 on demand.
    assert_eq!(lot.deterministic_lots, 5.0);
    assert!(l < 5.0, "the samples' 25% fractile is below the mean: {l}");
    // SAA objective: January on demand, February with l lots, March reserved per sample.
    let saa = mean(
        (0..n)
            .map(|i| {
                20.0 * rack_demand(&sc, i, 0)
                    + rack_month(l, rack_demand(&sc, i, 1))
                    + 15.0 * rack_demand(&sc, i, 2)
            })
            .collect(),
    );
    assert!(
        close(study.expected_cost_usd, saa, 1e-6),
        "{} vs {saa}",
        study.expected_cost_usd
    );
    let bound = study.bound_usd.expect("whole lots carry a bound");
    assert!(
        bound <= study.expected_cost_usd * (1.0 + 1e-9) && bound >= saa * (1.0 - sc.mip_gap) - 1e-6
    );
    // Fresh samples 10..20, each with its own recourse.
    let fresh = |lots: f64| {
        mean(
            (n..2 * n)
                .map(|i| {
                    20.0 * rack_demand(&sc, i, 0)
                        + rack_month(lots, rack_demand(&sc, i, 1))
                        + 15.0 * rack_demand(&sc, i, 2)
                })
                .collect(),
        )
    };
    let (rec, det) = (fresh(l), fresh(5.0));
    let got = study.evaluated_recommended.expected_cost_usd;
    assert!(close(got, rec, 1e-6), "recommended {got} vs {rec}");
    let got = study.evaluated_deterministic.unwrap().expected_cost_usd;
    assert!(close(got, det, 1e-6), "deterministic {got} vs {det}");
    let vss = study.value_of_uncertainty_usd().unwrap();
    assert!(
        (vss - (det - rec)).abs() <= 1e-6 * det,
        "{vss} vs {}",
        det - rec
    );
    assert!(
        study.risk_as_signed.is_none(),
        "nothing sizable: no as-signed study"
    );
    assert_eq!(study.risk_deterministic.as_ref().unwrap().samples, 10);
}

/// A start whose sign-by month is after decide_by is not first stage; moving decide_by to
/// 2026-02 makes the March start here-and-now too, sized on its own month's samples.
#[test]
fn a_start_signed_after_decide_by_stays_recourse() {
    let mut sc = load("racks");
    let rack = capplan::scenario::ReservationId(0);
    assert_eq!(sc.decide_by, 0, "default: the horizon start");
    assert_eq!(
        sc.reservations[0].starts,
        vec![1, 2],
        "January's sign-by is before the horizon"
    );
    assert!(commit::here_and_now(&sc, rack, 1));
    assert!(!commit::here_and_now(&sc, rack, 2));
    sc.decide_by = 1;
    assert!(commit::here_and_now(&sc, rack, 2));
    let n = 10;
    let study = commit::run(&sc, 1, n, SolverChoice::Clarabel, true).unwrap();
    let by_start: Vec<(usize, usize, f64, f64)> = study
        .lots
        .iter()
        .map(|l| (l.start, l.sign_by, l.recommended_lots, l.deterministic_lots))
        .collect();
    let month = |t| (0..n).map(|i| rack_demand(&sc, i, t)).collect::<Vec<_>>();
    assert_eq!(
        by_start,
        vec![
            (1, 0, rack_lots(&month(1)), 5.0),
            (2, 1, rack_lots(&month(2)), 5.0)
        ]
    );
}

/// Continuous lots: the SAA is the newsvendor on units: cover February up to its 3rd smallest
/// sample (slope 15 - 20 * #{D_s > q} / 10 changes sign there), i.e. D_(3) / 20 lots.
#[test]
fn continuous_here_and_now_lots_cover_the_fractile() {
    let mut sc = load("racks");
    sc.lots = capplan::scenario::Lots::Continuous;
    let mut feb: Vec<f64> = (0..10).map(|i| rack_demand(&sc, i, 1)).collect();
    feb.sort_by(f64::total_cmp);
    let study = commit::run(&sc, 1, 10, SolverChoice::Clarabel, true).unwrap();
    let got = study.lots[0].recommended_lots;
    assert!(
        close(got, feb[2] / 20.0, 1e-5),
        "{got} vs {}",
        feb[2] / 20.0
    );
    assert!(close(study.lots[0].deterministic_lots, 5.0, 1e-6));
    assert!(study.bound_usd.is_none());
}

/// settings decide_by: a month inside the horizon; anything else is an error at its row.
#[test]
fn decide_by_is_a_month_inside_the_horizon() {
    use super::util::{capplan as run, stderr, workdir};
    let src = fixtures().join("uncertainty/racks");
    let work = workdir();
    let copy = |value: &str| {
        let dir = work
            .path()
            .join(format!("racks-{}", value.replace(['/', ' '], "_")));
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(&src).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "csv") {
                std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
            }
        }
        std::fs::write(
            dir.join("settings.csv"),
            format!("key,value\nhours_per_month,10\ndecide_by,{value}\n"),
        )
        .unwrap();
        dir
    };
    let sc = capplan::load(&copy("2026-02")).unwrap();
    assert_eq!(sc.decide_by, 1);
    for (value, message) in [
        (
            "2027-01",
            "settings.csv:3: value: decide_by 2027-01 is outside the horizon 2026-01..2026-03",
        ),
        (
            "2025-12",
            "settings.csv:3: value: decide_by 2025-12 is outside the horizon 2026-01..2026-03",
        ),
        ("2026-13", "settings.csv:3: value: decide_by"),
    ] {
        let o = run(&["validate", copy(value).to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{value}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{value}: {}", stderr(&o));
    }
}

/// `capplan commit` on a scenario with nothing sizable but a lot to sign now writes the lots.
#[test]
fn commit_command_writes_the_here_and_now_lots() {
    use super::util::{capplan as run, stderr, workdir};
    let work = workdir();
    let out = work.path().join("c");
    let dir = fixtures().join("uncertainty/racks");
    let o = run(&[
        "commit",
        dir.to_str().unwrap(),
        "--samples",
        "10",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("commit_reservations.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("option,provider,start,sign_by,lot_units,recommended_lots,deterministic_lots,change_lots")
    );
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&row[..5], ["rack", "aws", "2026-02", "2026-01", "20"]);
    assert_eq!(row[6], "5");
    assert!(lines.next().is_none(), "the March start is recourse: {csv}");
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("Value of planning under uncertainty"), "{md}");
    let risk = std::fs::read_to_string(out.join("risk.csv")).unwrap();
    assert!(
        risk.contains("deterministic") && !risk.contains("as_signed"),
        "{risk}"
    );
}

/// Warm-started sweeps (HiGHS's dual simplex with `--features highs`, capplan's own without) give
/// the same costs and shortfall probabilities as cold solves; allocation-level figures may differ
/// where optima tie. capplan's own solves every sample here without falling back to a cold solve.
#[test]
fn warm_started_sweeps_agree_with_cold_solves() {
    // The reference reserves whole lots; samples hold the plan's lots (an LP each), so they are
    // warm-started too; with continuous lots they hold the plan's fractional lots.
    let reference = capplan::load(&super::util::repo().join("inputs/openai-2025")).unwrap();
    let mut continuous = reference.clone();
    continuous.lots = capplan::scenario::Lots::Continuous;
    for (sc, n) in [
        (
            capplan::load(&fixtures().join("uncertainty/spread")).unwrap(),
            20,
        ),
        (load("priority"), 20),
        (reference, 10),
        (continuous, 10),
    ] {
        let dir = sc.name.clone();
        let (warm, method) =
            simulate::run(&sc, None, 3, n, SolverChoice::Clarabel, true, true).unwrap();
        if cfg!(feature = "highs") {
            assert_eq!(method, simulate::Method::WarmHighs);
        } else {
            assert_eq!(method, simulate::Method::WarmRust { cold: 0 }, "{dir}");
        }
        let (cold, method) =
            simulate::run(&sc, None, 3, n, SolverChoice::Clarabel, false, true).unwrap();
        assert_eq!(method, simulate::Method::Cold);
        for (a, b) in warm.outcomes.iter().zip(&cold.outcomes) {
            match (a.cost_pv_usd, b.cost_pv_usd) {
                (Some(x), Some(y)) => {
                    assert!(close(x, y, 1e-6), "{}: sample {}: {x} vs {y}", dir, a.index)
                }
                (x, y) => assert_eq!(x.is_none(), y.is_none()),
            }
        }
    }
}

/// priority (README): each sample is the rule's two stages, warm or cold, and costs
/// `sum_t [30 min(a_t, 60) + 35 (a_t - 60)+ + 20 (F_t - a_t)] + 20 I` with `a_t = min(F_t, 160)`,
/// from the sampler's own draws.
#[test]
fn sampled_priority_stages_cost_the_hand_formula() {
    let sc = load("priority");
    let w = |id: &str| sc.workloads.iter().position(|x| x.id == id).unwrap();
    let (frontier, infer) = (w("frontier"), w("infer"));
    for warm in [false, true] {
        let (outcomes, _) = simulate::outcomes(
            &sc,
            None,
            1,
            30,
            SolverChoice::Clarabel,
            warm,
            true,
            Shard::ALL,
        )
        .unwrap();
        let mut capped = false;
        for o in &outcomes {
            let d = sample::demand(&sc, 1, o.index);
            let mut hand = 20.0 * (d[infer * sc.periods] + d[infer * sc.periods + 1]);
            for t in 0..2 {
                let f = d[frontier * sc.periods + t];
                let a = f.min(160.0);
                capped |= f > 160.0;
                hand += 30.0 * a.min(60.0) + 35.0 * (a - 60.0).max(0.0) + 20.0 * (f - a);
            }
            let got = o.cost_pv_usd.expect("aws has room for every draw");
            assert!(
                close(got, hand, 1e-7),
                "warm {warm}: sample {}: {got} vs hand {hand}",
                o.index
            );
        }
        assert!(capped, "some draw must exceed azure's 160 units");
    }
}

/// racks: `simulate` holds the plan's lots as signed. The plan (mean demand 100) reserves 5 lots
/// for February and 5 for March (300 a lot beats 20 * 20 = 400 on demand), so sample `i` costs
/// `20 D_1 + c(5, D_2) + c(5, D_3)`: its surplus lots idle, its excess goes on demand. (Re-planning
/// the lots per sample would instead cost `min_L c(L, D)` in each month.)
#[test]
fn simulate_holds_the_plans_signed_lots() {
    let whole = load("racks");
    // Under `lots = continuous` the plan's lots are 5 and 5 as well (100 units exactly), held alike.
    let mut continuous = whole.clone();
    continuous.lots = capplan::scenario::Lots::Continuous;
    for (sc, warm) in [
        (&whole, false),
        (&whole, true),
        (&continuous, false),
        (&continuous, true),
    ] {
        let (outcomes, _) = simulate::outcomes(
            &sc,
            None,
            1,
            10,
            SolverChoice::Clarabel,
            warm,
            true,
            Shard::ALL,
        )
        .unwrap();
        assert_eq!(outcomes.len(), 10);
        let mut replanned_differs = false;
        for o in &outcomes {
            let d = |t| rack_demand(sc, o.index, t);
            let held = 20.0 * d(0) + rack_month(5.0, d(1)) + rack_month(5.0, d(2));
            let got = o
                .cost_pv_usd
                .expect("on demand is unlimited: every sample is feasible");
            assert!(
                close(got, held, 1e-7),
                "sample {}: {got} vs hand {held}",
                o.index
            );
            let best = |d: f64| {
                (0..=10)
                    .map(|l| rack_month(l as f64, d))
                    .fold(f64::MAX, f64::min)
            };
            replanned_differs |= (20.0 * d(0) + best(d(1)) + best(d(2)) - held).abs() > 1.0;
        }
        assert!(
            replanned_differs,
            "the draws must tell holding from re-planning"
        );
    }
}

/// racks_capped (README): on demand capped at 50, the plan's 5 + 5 lots held. A sample above 150
/// units in February or March is infeasible, and its unmet demand is what the held lots leave,
/// `(D_2 - 150)+ + (D_3 - 150)+`, not the 0 that re-planned (unlimited) lots would leave.
#[test]
fn an_infeasible_sample_is_explained_with_the_plans_lots_held() {
    let sc = load("racks_capped");
    let n = 40;
    let mut infeasible = 0;
    for warm in [false, true] {
        let (outcomes, _) = simulate::outcomes(
            &sc,
            None,
            1,
            n,
            SolverChoice::Clarabel,
            warm,
            true,
            Shard::ALL,
        )
        .unwrap();
        infeasible = 0;
        for o in &outcomes {
            let d = |t| rack_demand(&sc, o.index, t);
            assert_eq!(d(0), 40.0, "January is not sampled");
            let over = (d(1) - 150.0).max(0.0) + (d(2) - 150.0).max(0.0);
            if over > 0.0 {
                infeasible += 1;
                assert_eq!(o.cost_pv_usd, None, "sample {}", o.index);
                assert!(
                    close(o.unmet_units[0], over, 1e-6),
                    "sample {}: unmet {} vs hand {over}",
                    o.index,
                    o.unmet_units[0]
                );
            } else {
                let held =
                    800.0 + 3000.0 + 20.0 * ((d(1) - 100.0).max(0.0) + (d(2) - 100.0).max(0.0));
                let got = o.cost_pv_usd.expect("within the held capacity");
                assert!(
                    close(got, held, 1e-7),
                    "sample {}: {got} vs hand {held}",
                    o.index
                );
            }
        }
    }
    assert!(
        infeasible > 0,
        "the draws must include a sample above 150 units"
    );
}
