//! Times each stage of the pipeline (read + validate, model build, solve, reports) on the
//! reference scenario and on every fixture, and reports model size and peak memory.
//! Run with `cargo bench`; figures go to stdout as a markdown table.

use capplan::solve::SolverChoice;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs per scenario; the median is reported.
const RUNS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Peak resident set size of this process so far, MB (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bench(dir: &Path) -> Option<String> {
    let (mut read, mut build, mut solve, mut report) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut size = (0, 0, 0);
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let sc = capplan::load(dir).ok()?;
        let t1 = Instant::now();
        let mut model = capplan::model::build(&sc, false);
        size = (
            model.lp.vars.len(),
            model.lp.rows.len(),
            model.lp.nonzeros(),
        );
        let t2 = Instant::now();
        let solved = capplan::solve::solve_model(&mut model, SolverChoice::Clarabel).ok()?;
        let t3 = Instant::now();
        let sol = capplan::solution::extract(&sc, &model, &solved, "clarabel");
        let files =
            capplan::report::render(&capplan::report::metrics::compute(&sc, &sol)).expect("render");
        std::hint::black_box(files);
        let t4 = Instant::now();
        read.push((t1 - t0).as_secs_f64());
        build.push((t2 - t1).as_secs_f64());
        solve.push((t3 - t2).as_secs_f64());
        report.push((t4 - t3).as_secs_f64());
    }
    let name = dir.file_name()?.to_string_lossy().into_owned();
    Some(format!(
        "| {name} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
        size.0,
        size.1,
        size.2,
        1e3 * median(read),
        1e3 * median(build),
        1e3 * median(solve),
        1e3 * median(report)
    ))
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("inputs/openai-2025")];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir() && !p.ends_with("bad") && !p.ends_with("uncertainty"))
                .collect()
        })
        .unwrap_or_default();
    fixtures.sort();
    dirs.extend(fixtures);
    println!("capplan pipeline, median of {RUNS} runs, milliseconds (Clarabel, release build)\n");
    println!("| scenario | variables | rows | nonzeros | read+validate ms | build ms | solve ms | report ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for d in &dirs {
        match bench(d) {
            Some(line) => println!("{line}"),
            None => {
                let name = d
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                println!("| {name} | infeasible: not timed | | | | | | |")
            }
        }
    }
    if let Some(mb) = peak_rss_mb() {
        println!("\npeak RSS of the whole run: {mb:.0} MB");
    }
}
