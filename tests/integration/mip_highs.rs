//! Whole reservation lots by HiGHS's MIP (`--solver highs`, cargo feature `highs`): every fixture
//! with reservations gives its hand-computed optimum (tests/fixtures/*/README.md) with a proven
//! bound within 0.01% of it, including the one where rounding the LP relaxation is wrong. The
//! random scenarios against tools/spec_ref's exact MIP are in `differential`. `--mip-gap` is checked
//! on the command line in every build.

use super::util::capplan;

#[test]
fn mip_gap_outside_zero_to_one_is_a_usage_error() {
    let dir = super::util::fixtures().join("reservation_whole_lots");
    let dir = dir.to_str().unwrap();
    for bad in ["1", "-0.1", "abc"] {
        let arg = format!("--mip-gap={bad}");
        let out = capplan(&["plan", dir, &arg, "--out", "/nonexistent/x"]);
        assert_eq!(out.status.code(), Some(2), "--mip-gap {bad}");
        assert!(
            super::util::stderr(&out).contains("--mip-gap"),
            "{}",
            super::util::stderr(&out)
        );
    }
}

#[cfg(feature = "highs")]
mod highs {
    use super::super::fixtures::{check_optimal, expected};
    use super::super::util::{close, fixtures, folders, workdir};
    use capplan::solve::SolverChoice;

    /// The fixtures with whole-lot decisions (reservations under the default `lots = integer`).
    fn whole_lot_fixtures() -> Vec<std::path::PathBuf> {
        folders(&fixtures())
            .into_iter()
            .filter(|d| d.join("reservations.csv").is_file())
            .filter(|d| {
                capplan::load(d).is_ok_and(|sc| sc.lots == capplan::scenario::Lots::Integer)
            })
            .collect()
    }

    #[test]
    fn every_whole_lot_fixture_gives_its_hand_optimum_with_highs() {
        let dirs = whole_lot_fixtures();
        let names: Vec<String> = dirs
            .iter()
            .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for must in [
            "reservation_whole_lots",
            "take_or_pay_reservation",
            "power_idle_reserved_racks",
        ] {
            assert!(names.iter().any(|n| n == must), "{must} missing: {names:?}");
        }
        let mut failures = Vec::new();
        for dir in &dirs {
            let exp = expected(dir);
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            for p in check_optimal(dir, &exp, SolverChoice::Highs) {
                failures.push(format!("{name}: {p}"));
            }
            let sc = capplan::load(dir).unwrap();
            let sol = capplan::solve(&sc, SolverChoice::Highs).unwrap();
            let want = exp["objective_usd"].as_f64().unwrap();
            if sol.gap_pct > 0.01 || sol.bound_usd > want * (1.0 + 1e-9) + 1e-9 {
                failures.push(format!(
                    "{name}: bound {} gap {}% (optimum {want}, want gap <= 0.01%)",
                    sol.bound_usd, sol.gap_pct
                ));
            }
            if sol.lots.iter().any(|l| l.lots.fract() != 0.0) {
                failures.push(format!("{name}: a fractional lot"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Rounding the relaxation (100/72 racks, 1000) down gives 1280 and up 1440; the MIP finds
    /// one pod of 100 (1200) and proves it: the reports say so. With `CAPPLAN_LOT_NODES=1` the
    /// pure-Rust search could not prove it (one LP solve proves only the relaxation's 1000), so
    /// this also shows `--solver highs` takes the MIP path.
    #[test]
    fn the_rounding_trap_is_solved_exactly_from_the_command_line() {
        let dir = fixtures().join("reservation_whole_lots");
        let tmp = workdir();
        let out = tmp.path().join("out");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_capplan"))
            .args([
                "plan",
                dir.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--quiet",
            ])
            .args(["--solver", "highs", "--mip-gap", "1e-6"])
            .env("CAPPLAN_LOT_NODES", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        let get = |k: &str| {
            summary[k]
                .as_f64()
                .unwrap_or_else(|| panic!("summary.json {k}"))
        };
        let (objective, bound, gap) = (get("objective_usd"), get("bound_usd"), get("gap_pct"));
        assert!(close(objective, 1200.0, 1e-9), "objective {objective}");
        assert!(
            bound <= 1200.0 + 1e-9 && bound >= 1200.0 * (1.0 - 1e-6) - 1e-9,
            "bound {bound}"
        );
        assert!(gap <= 1e-4, "gap {gap}%");
    }
}
