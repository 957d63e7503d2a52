//! capplan against an independent implementation of the same model: `tools/spec_ref/spec_lp.py`
//! (Python + HiGHS simplex, written from SPEC alone) on random scenarios that exercise every
//! input feature. Runs where python3 can import highspy (`.ci/run` installs it); elsewhere it says
//! it was skipped.

use super::util::{close, repo, workdir};
use capplan::solve::SolverChoice;
use std::process::Command;

const SEEDS: u64 = 40;

fn reference_available() -> bool {
    Command::new("python3")
        .args(["-c", "import highspy"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn objectives_match_an_independent_implementation_on_random_scenarios() {
    if !reference_available() {
        eprintln!(
            "SKIPPED differential test: python3 with highspy not found (pip install highspy)"
        );
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
            serde_json::from_slice(&out.stdout).expect("spec_lp.py JSON");
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
