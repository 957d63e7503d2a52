//! `--out` never destroys what capplan did not write (issue 9, point 1): each repro of the issue,
//! replayed against copies of a fixture in scratch folders.

use super::util::{capplan, capplan_in, copy_dir, fixtures, snapshot, stderr, workdir};
use std::path::{Path, PathBuf};

/// A scratch copy of a small fixture: (guard, scenario folder).
fn scenario() -> (tempfile::TempDir, PathBuf) {
    let work = workdir();
    let dir = work.path().join("proj").join("scen");
    copy_dir(&fixtures().join("capacity_binding"), &dir);
    (work, dir)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn assert_refused(o: &std::process::Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "expected exit 2: {}", stderr(o));
    assert!(
        stderr(o).contains(needle),
        "stderr lacks '{needle}': {}",
        stderr(o)
    );
}

#[test]
fn out_equal_to_the_input_folder_is_refused_and_inputs_survive() {
    let (_w, dir) = scenario();
    let before = snapshot(&dir);
    let o = capplan(&["plan", s(&dir), "--out", s(&dir), "--force"]);
    assert_refused(&o, "is the input folder");
    assert_eq!(snapshot(&dir), before, "inputs changed");
    // Spelled differently (trailing `/.`, `..` detour): still the same folder.
    let detour = dir.join("..").join("scen");
    let o = capplan(&["plan", s(&dir), "--out", s(&detour)]);
    assert_refused(&o, "is the input folder");
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn out_containing_the_input_folder_is_refused() {
    let (w, dir) = scenario();
    let before = snapshot(&dir);
    for ancestor in [dir.parent().unwrap(), w.path()] {
        let o = capplan(&["plan", s(&dir), "--out", s(ancestor), "--force"]);
        assert_refused(&o, "contains the input folder");
        assert_eq!(snapshot(&dir), before, "inputs changed");
    }
    for cmd in [
        vec!["simulate", s(&dir), "--samples", "2", "--out", s(&dir)],
        vec!["commit", s(&dir), "--samples", "2", "--out", s(&dir)],
    ] {
        let o = capplan(&cmd);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
        assert_eq!(snapshot(&dir), before, "{cmd:?} changed the inputs");
    }
}

#[test]
fn out_with_foreign_files_is_refused_unless_forced() {
    let (w, dir) = scenario();
    let out = w.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    let o = capplan(&["plan", s(&dir), "--out", s(&out), "--quiet"]);
    assert_refused(&o, "notes.txt");
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"my notes");
    let o = capplan(&["plan", s(&dir), "--out", s(&out), "--quiet", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join(".capplan-report").is_file());
    assert!(out.join("summary.md").is_file());
    assert!(
        !out.join("notes.txt").exists(),
        "--force replaces the folder whole"
    );
    // Now it is capplan's: replaced without --force.
    let o = capplan(&["plan", s(&dir), "--out", s(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn out_that_is_a_file_or_the_working_directory_is_a_usage_error() {
    let (w, dir) = scenario();
    let file = w.path().join("plan.txt");
    std::fs::write(&file, "keep").unwrap();
    let o = capplan(&["plan", s(&dir), "--out", s(&file), "--force"]);
    assert_refused(&o, "is an existing file");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
    // `--out .` from a working directory holding the scenario.
    let cwd = dir.parent().unwrap();
    let before = snapshot(&dir);
    for dot in [".", "..", "./"] {
        let o = capplan_in(cwd, &["plan", "scen", "--out", dot, "--force"]);
        assert_eq!(o.status.code(), Some(2), "--out {dot}: {}", stderr(&o));
        assert_eq!(snapshot(&dir), before);
    }
    assert!(cwd.join("scen").is_dir());
}

#[test]
fn empty_or_absent_out_folders_are_written_with_the_marker() {
    let (w, dir) = scenario();
    let empty = w.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for out in [empty, w.path().join("new/deeper")] {
        let o = capplan(&["plan", s(&dir), "--out", s(&out), "--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(out.join(".capplan-report").is_file());
    }
}

#[test]
fn stale_temporaries_of_dead_runs_are_removed_live_ones_kept() {
    let (w, dir) = scenario();
    let out = w.path().join("out");
    // Above Linux's largest pid_max (4194304): no such process can exist.
    let dead = [
        ".out.tmp-4194399",
        ".out.old-4194398-3",
        ".out.tmp-4194397-0",
    ];
    for d in dead {
        std::fs::create_dir_all(w.path().join(d).join("half")).unwrap();
    }
    let live = w.path().join(".out.tmp-1"); // pid 1 is always alive
    std::fs::create_dir(&live).unwrap();
    let other = w.path().join(".other.tmp-4194399"); // not this --out's
    std::fs::create_dir(&other).unwrap();
    let o = capplan(&["plan", s(&dir), "--out", s(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for d in dead {
        assert!(!w.path().join(d).exists(), "{d} left behind");
    }
    assert!(live.exists() && other.exists());
}

#[test]
fn concurrent_plans_to_one_out_all_succeed_and_leave_no_temporaries() {
    let (w, dir) = scenario();
    let out = w.path().join("out");
    let runs: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_capplan"))
                .args(["plan", s(&dir), "--out", s(&out), "--quiet"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for r in runs {
        let o = r.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let left: Vec<String> = std::fs::read_dir(w.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    assert!(left.is_empty(), "temporaries left: {left:?}");
    assert!(out.join("summary.md").is_file() && out.join(".capplan-report").is_file());
}

#[test]
fn export_mps_and_diff_csv_never_overwrite_an_input_file() {
    let (w, dir) = scenario();
    let before = snapshot(&dir);
    let o = capplan(&[
        "plan",
        s(&dir),
        "--out",
        s(&w.path().join("r")),
        "--export-mps",
        s(&dir.join("demand.csv")),
    ]);
    assert_refused(&o, "existing file in the input folder");
    let o = capplan(&[
        "plan",
        s(&dir),
        "--out",
        s(&w.path().join("r")),
        "--export-mps",
        s(&dir),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(snapshot(&dir), before, "inputs changed");
    // A new file beside the inputs is fine.
    let mps = dir.join("model.mps");
    let o = capplan(&[
        "plan",
        s(&dir),
        "--out",
        s(&w.path().join("r")),
        "--export-mps",
        s(&mps),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(mps.is_file());

    let (a, b) = (w.path().join("r"), w.path().join("r2"));
    let o = capplan(&["plan", s(&dir), "--out", s(&b), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let plan_json = std::fs::read(a.join("plan.json")).unwrap();
    let o = capplan(&["diff", s(&a), s(&b), "--csv", s(&a.join("plan.json"))]);
    assert_refused(&o, "existing file in the input folder");
    assert_eq!(std::fs::read(a.join("plan.json")).unwrap(), plan_json);
    let o = capplan(&["diff", s(&a), s(&b), "--csv", s(&w.path().join("d.csv"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn synth_refuses_a_folder_of_foreign_files() {
    let w = workdir();
    let out = w.path().join("s");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("demand.csv"), "mine").unwrap();
    let o = capplan(&["synth", "--size", "S", s(&out)]);
    assert_refused(&o, "holds files capplan did not write");
    assert_eq!(std::fs::read(out.join("demand.csv")).unwrap(), b"mine");
    let fresh = w.path().join("t");
    let o = capplan(&["synth", "--size", "S", s(&fresh)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = capplan(&["validate", s(&fresh)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
