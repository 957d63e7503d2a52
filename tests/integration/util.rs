//! Shared helpers: paths, running the binary, a scratch work directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

/// Runs the capplan binary with `args`.
pub fn capplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capplan"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run capplan")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh scratch directory, removed when dropped.
pub fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Sub-folders of `dir`, sorted.
pub fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// `|a - b| <= rel * max(1, |b|)`.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1.0)
}

#[allow(dead_code)]
/// A test whose outside tool (browser, independent model, HiGHS, LibreOffice, Slurm) is missing:
/// under CI (`CI=true`) that is a failure, since `.ci/run` installs every tool; elsewhere the test
/// says what it skipped and returns.
pub fn skip_or_fail(what: &str) {
    if std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
    {
        panic!("CI=true and {what}: .ci/run must install it");
    }
    eprintln!("skipped: {what}");
}

#[allow(dead_code)]
/// Plans `scenario` into a fresh scratch folder; returns the folder guard and the report path.
pub fn plan_into_temp(scenario: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf, Output) {
    let dir = workdir();
    let out = dir.path().join("out");
    let mut args = vec![
        "plan",
        scenario.to_str().expect("utf-8 path"),
        "--out",
        out.to_str().expect("utf-8 path"),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = capplan(&args);
    (dir, out, o)
}

#[allow(dead_code)]
/// Runs the capplan binary with `args` from the working directory `cwd`.
pub fn capplan_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capplan"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run capplan")
}

#[allow(dead_code)]
/// Copies the files of folder `src` (not recursive) into `dst`, created.
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("create copy");
    for e in std::fs::read_dir(src).expect("read folder") {
        let p = e.expect("entry").path();
        if p.is_file() {
            std::fs::copy(&p, dst.join(p.file_name().unwrap())).expect("copy file");
        }
    }
}

#[allow(dead_code)]
/// Every file of `dir` with its bytes, sorted by name (to compare a folder before and after).
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .filter(|e| e.path().is_file())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
