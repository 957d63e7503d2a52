//! capplan against an independent implementation of the same model: `tools/spec_ref/spec_lp.py`
//! (Python + HiGHS simplex, written from SPEC alone) on random scenarios that exercise every
//! input feature. Needs python3 with highspy (`.ci/run` installs it): without it the test says it
//! was skipped, and fails under `CI=true`.

use super::util::{close, repo, skip_or_fail, workdir};
use capplan::solve::SolverChoice;
use std::process::Command;

const SEEDS: u64 = 40;

/// The last non-blank line of a tool's stdout (a solver banner may come before it).
fn last_line(stdout: &[u8]) -> &str {
    std::str::from_utf8(stdout)
        .unwrap_or("")
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

fn reference_available() -> bool {
    Command::new("python3")
        .args(["-c", "import highspy"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn objectives_match_an_independent_implementation_on_random_scenarios() {
    if !reference_available() {
        skip_or_fail("python3 with highspy not found (pip install highspy)");
        return;
    }
    let tools = repo().join("tools/spec_ref");
    let work = workdir();
    let mut failures = Vec::new();
    let mut infeasible = 0;
    for seed in 1..=SEEDS {
        let dir = work.path().join(format!("s{seed}"));
        let gen = Command::new("python3")
            .arg(tools.join("random_scenario.py"))
            .args(["--seed", &seed.to_string(), "--size", "small"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            gen.status.success(),
            "generator failed: {}",
            String::from_utf8_lossy(&gen.stderr)
        );
        let out = Command::new("python3")
            .arg(tools.join("spec_lp.py"))
            .arg(&dir)
            .output()
            .unwrap();
        let reference: serde_json::Value =
            serde_json::from_str(last_line(&out.stdout)).expect("spec_lp.py JSON");
        let sc = capplan::load(&dir).expect("generated scenario is valid");
        let ours = capplan::solve(&sc, SolverChoice::Clarabel);
        match (reference["status"].as_str(), ours) {
            (Some("optimal"), Ok(sol)) => {
                let want = reference["objective_usd"].as_f64().unwrap();
                if !close(sol.objective_usd, want, 1e-6) {
                    failures.push(format!(
                        "seed {seed}: objective {} vs reference {want}",
                        sol.objective_usd
                    ));
                }
            }
            (Some("infeasible"), Err(capplan::error::Error::Infeasible(_))) => {
                infeasible += 1;
                let short: f64 =
                    capplan::solve::diagnose::demand_shortfalls(&sc, SolverChoice::Clarabel)
                        .unwrap()
                        .iter()
                        .map(|s| s.short)
                        .sum();
                let want = reference["short_total"].as_f64().unwrap_or(f64::NAN);
                if !close(short, want, 1e-6) {
                    failures.push(format!(
                        "seed {seed}: total shortfall {short} vs reference {want}"
                    ));
                }
            }
            (status, ours) => failures.push(format!(
                "seed {seed}: reference {status:?}, capplan {:?}",
                ours.map(|s| s.objective_usd)
            )),
        }
    }
    eprintln!("differential: {SEEDS} random scenarios, {infeasible} infeasible");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `--export-mps` writes the model another solver reads to the same optimum: every fixture
/// without a first_on priority rule (whose first stage an MPS file cannot hold), read by HiGHS.
#[test]
fn exported_mps_solves_to_the_same_optimum_elsewhere() {
    let work = workdir();
    let mut checked = 0;
    for dir in super::util::folders(&super::util::fixtures()) {
        if dir.ends_with("bad") || dir.ends_with("uncertainty") || dir.ends_with("trust") {
            continue;
        }
        let sc = capplan::load(&dir).unwrap();
        let model = capplan::model::build(&sc, false);
        let text = capplan::solve::mps::write(&sc, &model.lp);
        // Structure: one ROWS line per row (+ the objective), every column named.
        let rows = text
            .lines()
            .skip_while(|l| *l != "ROWS")
            .take_while(|l| *l != "COLUMNS")
            .count()
            - 1;
        assert_eq!(rows, model.lp.rows.len() + 1, "{}", dir.display());
        if !model.lp.priority.is_empty() || !reference_available() {
            continue;
        }
        let Ok(sol) = capplan::solve(&sc, SolverChoice::Clarabel) else {
            continue;
        };
        let path = work.path().join("m.mps");
        std::fs::write(&path, text).unwrap();
        let script = format!(
            "import highspy; h=highspy.Highs(); h.silent(); h.readModel(r'{}'); h.run(); \
             print(h.getInfo().objective_function_value)",
            path.display()
        );
        let out = Command::new("python3")
            .args(["-c", &script])
            .output()
            .unwrap();
        let got: f64 = last_line(&out.stdout)
            .parse()
            .expect("objective from HiGHS");
        assert!(
            close(got, sol.objective_usd, 1e-6),
            "{}: HiGHS {got} vs capplan {}",
            dir.display(),
            sol.objective_usd
        );
        checked += 1;
    }
    if reference_available() {
        assert!(checked >= 15, "only {checked} fixtures checked");
    } else {
        skip_or_fail("python3 with highspy not found: the MPS files were not solved elsewhere");
    }
}
