//! Mixed price and penalty extremes (spreads up to 1e12, `tools/spec_ref/extremes.py`) against the
//! independent model (`tools/spec_ref/spec_lp.py`, HiGHS simplex): a plan capplan calls optimal
//! must be within 1e-6 of the reference objective. A refusal (exit 1, the optimality check's
//! reason) is not a wrong answer; how many are tolerated is `MAX_REFUSALS`.

use super::util::{capplan, close, repo, skip_or_fail, stderr, workdir};
use std::process::Command;

const SEEDS: u64 = 24;

/// With HiGHS built in, the repair chain ends in a simplex solve: at most one refusal. With
/// Clarabel alone, the restricted re-solves still refuse 8 of these 24 seeds since the scenarios
/// carry overlapping deals (credit rows next to 1e12 costs; known, see docs/interpretation.md
/// "When a plan is called optimal"); more is a regression.
fn max_refusals() -> usize {
    if capplan::solve::SolverChoice::Highs.is_built() {
        1
    } else {
        8
    }
}

#[test]
fn plans_called_optimal_match_the_independent_model_under_extreme_spreads() {
    let has_highspy = Command::new("python3")
        .args(["-c", "import highspy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_highspy {
        skip_or_fail("python3 with highspy (pip install highspy)");
        return;
    }
    let tools = repo().join("tools/spec_ref");
    let work = workdir();
    let mut wrong = Vec::new();
    let mut refused = Vec::new();
    let mut unsolved = Vec::new();
    for seed in 1..=SEEDS {
        let dir = work.path().join(format!("s{seed}"));
        let gen = Command::new("python3")
            .arg(tools.join("extremes.py"))
            .args(["--seed", &seed.to_string()])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            gen.status.success(),
            "extremes.py: {}",
            String::from_utf8_lossy(&gen.stderr)
        );
        let reference = Command::new("python3")
            .arg(tools.join("spec_lp.py"))
            .arg(&dir)
            .output()
            .unwrap();
        // The independent model's own simplex can fail on these spreads (HiGHS "Unknown"): such a
        // seed proves nothing either way, and is counted.
        let Ok(reference) = serde_json::from_slice::<serde_json::Value>(&reference.stdout) else {
            unsolved.push(seed);
            continue;
        };
        let out = work.path().join(format!("o{seed}"));
        let o = capplan(&[
            "plan",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        match (reference["status"].as_str(), o.status.code()) {
            (Some("optimal"), Some(0)) => {
                let summary: serde_json::Value = serde_json::from_str(
                    &std::fs::read_to_string(out.join("summary.json")).unwrap(),
                )
                .unwrap();
                let (got, want) = (
                    summary["objective_usd"].as_f64().unwrap(),
                    reference["objective_usd"].as_f64().unwrap(),
                );
                if !close(got, want, 1e-6) {
                    wrong.push(format!("seed {seed}: optimal {got} vs reference {want}"));
                }
            }
            (Some("optimal"), Some(1)) => {
                let why = stderr(&o);
                assert!(
                    why.contains("optimality check"),
                    "seed {seed}: exit 1 without the check's reason: {why}"
                );
                refused.push(seed);
            }
            (Some("infeasible"), Some(1)) => {}
            (status, code) => wrong.push(format!(
                "seed {seed}: reference {status:?}, capplan exit {code:?}: {}",
                stderr(&o)
            )),
        }
    }
    eprintln!(
        "extremes: {SEEDS} seeds, refused {refused:?}, the reference could not solve {unsolved:?}"
    );
    assert!(
        unsolved.len() <= SEEDS as usize / 4,
        "the reference failed on {unsolved:?}"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        refused.len() <= max_refusals(),
        "refused {} seeds {refused:?} (at most {} tolerated)",
        refused.len(),
        max_refusals()
    );
}
