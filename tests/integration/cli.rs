//! The command line as a planner uses it: help, reports, determinism, infeasibility, exit codes.

use super::util::{capplan, fixtures, stderr, stdout, workdir};

const REPORTS: [&str; 9] = [
    "summary.json",
    "allocation.csv",
    "provider_spend.csv",
    "contracts.csv",
    "unmet.csv",
    "marginal_costs.csv",
    "summary.md",
    "report.html",
    "plan.json",
];

#[test]
fn help_explains_the_inputs() {
    for cmd in ["validate", "plan"] {
        let o = capplan(&[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0));
        let text = stdout(&o);
        for word in [
            "offers.csv",
            "usd_per_unit_hour",
            "first_on",
            "contracts.csv",
            "unmet_usd_per_unit_hour",
        ] {
            assert!(text.contains(word), "{cmd} --help lacks {word}");
        }
    }
    assert_eq!(capplan(&["--help"]).status.code(), Some(0));
    assert_eq!(capplan(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(capplan(&["plan"]).status.code(), Some(2));
    assert_eq!(capplan(&["plan", "/no/such/folder"]).status.code(), Some(2));
}

#[test]
fn validate_prints_a_summary() {
    let dir = fixtures().join("take_or_pay_shortfall");
    let o = capplan(&["validate", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for word in [
        "horizon",
        "providers",
        "workloads",
        "offers",
        "contracts",
        "rules",
        "variables",
    ] {
        assert!(text.contains(word), "summary lacks {word}:\n{text}");
    }
}

#[test]
fn plan_writes_every_report_and_is_deterministic() {
    let dir = fixtures().join("take_or_pay_shortfall");
    let work = workdir();
    let (a, b) = (work.path().join("a"), work.path().join("b"));
    for out in [&a, &b] {
        let o = capplan(&[
            "plan",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).is_empty(), "--quiet printed: {}", stdout(&o));
    }
    for f in REPORTS {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(!x.is_empty(), "{f} is empty");
        assert_eq!(x, y, "{f} differs between two runs");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("summary.json")).unwrap()).unwrap();
    for key in [
        "status",
        "objective_usd",
        "usage_usd",
        "shortfall_usd",
        "unmet_units",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    let header = |f: &str| {
        String::from_utf8(std::fs::read(a.join(f)).unwrap())
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        header("allocation.csv"),
        "period,workload,provider,region,sku,units,served,usd"
    );
    assert_eq!(header("provider_spend.csv"), "period,provider,usd,share");
    assert_eq!(
        header("contracts.csv"),
        "contract,provider,commit_usd,spend_usd,shortfall_usd,utilization"
    );
    assert_eq!(header("unmet.csv"), "period,workload,unmet");
}

#[test]
fn a_new_plan_replaces_the_old_folder_whole() {
    let dir = fixtures().join("capacity_binding");
    let work = workdir();
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // An older report folder (it holds capplan's marker) with a file the new plan no longer writes.
    std::fs::write(out.join(".capplan-report"), "").unwrap();
    std::fs::write(out.join("stale.txt"), "from an older plan").unwrap();
    let o = capplan(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.join("stale.txt").exists());
    for f in REPORTS {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let leftovers: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "temporary folders left behind: {leftovers:?}"
    );
}

#[test]
fn infeasible_plan_exits_1_with_the_short_workload_months_and_writes_nothing() {
    let infeasible = super::util::folders(&fixtures())
        .into_iter()
        .find(|d| {
            std::fs::read_to_string(d.join("expected.json"))
                .is_ok_and(|t| t.contains("\"infeasible\""))
        })
        .expect("an infeasible fixture");
    let work = workdir();
    let out = work.path().join("out");
    let o = capplan(&[
        "plan",
        infeasible.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("infeasible") && err.contains("short"), "{err}");
    assert!(!out.exists());
}

#[test]
fn unbuilt_solver_is_a_clear_error() {
    if cfg!(feature = "microlp") {
        return;
    }
    let dir = fixtures().join("capacity_binding");
    let work = workdir();
    let o = capplan(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        work.path().join("o").to_str().unwrap(),
        "--solver",
        "microlp",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--features microlp"), "{}", stderr(&o));
}
