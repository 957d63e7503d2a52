//! Bounded work on small, odd inputs (issue 9, point 3): the folders of `tests/corpus/` (each with
//! an `expect.txt`: `exit N`, then substrings of `validate`'s output), plus the cases built at run
//! time (a named pipe, a 9999-12 demand row, 1,000 copies of one rule).

use super::util::{capplan, copy_dir, folders, repo, stderr, stdout, workdir};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus() -> PathBuf {
    repo().join("tests/corpus")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn corpus_folders_give_their_expected_verdict_one_problem_per_line() {
    let all = folders(&corpus());
    assert!(all.len() >= 6, "corpus has {} folders", all.len());
    for dir in all {
        let expect = std::fs::read_to_string(dir.join("expect.txt")).expect("expect.txt");
        let mut lines = expect.lines();
        let code: i32 = lines
            .next()
            .and_then(|l| l.strip_prefix("exit "))
            .and_then(|c| c.parse().ok())
            .expect("first line: exit N");
        let o = capplan(&["validate", s(&dir)]);
        let text = format!("{}{}", stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(code), "{}: {text}", dir.display());
        for want in lines.filter(|l| !l.is_empty()) {
            assert!(
                text.contains(want),
                "{}: lacks '{want}':\n{text}",
                dir.display()
            );
        }
        // One problem, one line: every line after the count names a file of this folder.
        if code == 2 {
            for l in stderr(&o).lines().skip(1) {
                assert!(
                    l.starts_with(s(&dir)),
                    "{}: a problem spans lines: {l:?}",
                    dir.display()
                );
                assert!(
                    l.chars().count() < 400,
                    "{}: echo not capped: {l}",
                    dir.display()
                );
            }
        }
    }
}

/// Runs capplan, killed after `limit` (a hang must fail the test, not the suite).
fn run_bounded(args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_capplan"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), err);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("capplan {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_named_pipe_is_refused_without_being_opened() {
    let w = workdir();
    let dir = w.path().join("fifo");
    copy_dir(&corpus().join("duplicate_rules"), &dir);
    std::fs::remove_file(dir.join("rules.csv")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("rules.csv"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    for cmd in ["validate", "plan"] {
        let out = w.path().join("r");
        let (code, err) = run_bounded(
            &[cmd, s(&dir), "--out", s(&out)][..if cmd == "plan" { 4 } else { 2 }],
            Duration::from_secs(20),
        );
        assert_eq!(code, Some(2), "{cmd}: {err}");
        assert!(
            err.contains("rules.csv:1: (file): not a regular file (a named pipe)"),
            "{err}"
        );
        assert!(!out.exists(), "{cmd} wrote a report");
    }
    // A symlink to a regular file is read as that file.
    std::fs::remove_file(dir.join("rules.csv")).unwrap();
    std::os::unix::fs::symlink(
        corpus().join("duplicate_rules/rules.csv"),
        dir.join("rules.csv"),
    )
    .unwrap();
    let o = capplan(&["validate", s(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A folder in a file's place.
    std::fs::remove_file(dir.join("rules.csv")).unwrap();
    std::fs::create_dir(dir.join("rules.csv")).unwrap();
    let o = capplan(&["validate", s(&dir)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("rules.csv:1: (file): not a regular file (a folder)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_stray_far_demand_row_is_an_error_at_that_row_unless_settings_mean_it() {
    let w = workdir();
    let dir = w.path().join("far");
    copy_dir(&corpus().join("duplicate_rules"), &dir);
    std::fs::write(
        dir.join("demand.csv"),
        "period,workload,quantity\n2026-01,train,200\n9999-12,train,1\n2026-02,train,200\n",
    )
    .unwrap();
    let started = Instant::now();
    let (code, err) = run_bounded(&["validate", s(&dir)], Duration::from_secs(20));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("demand.csv:3: period: the horizon runs 2026-01..9999-12: 95688 months"),
        "{err}"
    );
    assert!(err.contains("horizon_end"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // A stray early row is blamed just the same.
    std::fs::write(
        dir.join("demand.csv"),
        "period,workload,quantity\n2026-01,train,200\n2026-02,train,200\n1900-01,train,1\n",
    )
    .unwrap();
    let o = capplan(&["validate", s(&dir)]);
    assert!(
        stderr(&o).contains("demand.csv:4: period: the horizon runs 1900-01..2026-02"),
        "{}",
        stderr(&o)
    );
    // Both ends in settings: meant, so only a warning.
    std::fs::write(
        dir.join("settings.csv"),
        "key,value\nhours_per_month,10\nhorizon_start,2026-01\nhorizon_end,2127-01\n",
    )
    .unwrap();
    let o = capplan(&["validate", s(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("settings.csv:4: value: the horizon runs 2026-01..2127-01: 1213 months"),
        "{}",
        stdout(&o)
    );
}

/// 1,000 copies of one min_share rule: the same model as one copy, in about the same time.
#[test]
fn copies_of_one_rule_are_merged_and_cost_nothing() {
    let w = workdir();
    let mut timings = Vec::new();
    let mut objectives = Vec::new();
    for copies in [1usize, 1000] {
        let dir = w.path().join(format!("c{copies}"));
        copy_dir(&corpus().join("duplicate_rules"), &dir);
        let mut rules = String::from("rule,kind,workload,provider,from,to,share,mode\n");
        for i in 0..copies {
            rules.push_str(&format!("floor-{i},min_share,train,azure,,,0.2,\n"));
        }
        // And a looser floor over the same months: redundant, so it adds no row either.
        rules.push_str("loose,min_share,train,azure,,,0.1,\n");
        std::fs::write(dir.join("rules.csv"), rules).unwrap();
        let started = Instant::now();
        let sc = capplan::load(&dir).expect("valid");
        let model = capplan::model::build(&sc, false);
        let sol = capplan::solve(&sc, capplan::solve::SolverChoice::Clarabel).expect("solves");
        timings.push(started.elapsed());
        assert_eq!(sc.rules.len(), 2, "{copies} copies not merged");
        assert_eq!(sc.notes.warnings.len(), copies - 1);
        objectives.push((model.lp.rows.len(), sol.objective_usd));
    }
    assert_eq!(objectives[0].0, objectives[1].0, "rows differ");
    assert!(super::util::close(objectives[0].1, objectives[1].1, 1e-9));
    // Hand-computed in tests/fixtures/rule_min_share/README.md (the floor of 0.2 binds): 4125.
    assert!(
        super::util::close(objectives[0].1, 4125.0, 1e-6),
        "{}",
        objectives[0].1
    );
    assert!(
        timings[1] < Duration::from_secs(3),
        "1,000 copies took {:?}",
        timings[1]
    );
}

#[test]
fn warnings_reach_summary_md_under_their_heading() {
    let w = workdir();
    let out = w.path().join("r");
    let o = capplan(&[
        "plan",
        s(&corpus().join("duplicate_rules")),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("## Warnings"), "{md}");
    assert!(md.contains("repeats rule 'azure-floor' (line 2)"), "{md}");
}
