//! Per synthetic size (`capplan synth`): variables, rows, nonzeros, and the seconds of each stage
//! (read + validate, build, solve, reports) with peak RSS. Each size runs in a child process of its
//! own so its peak memory is its own. `cargo bench --bench sizes` runs S, M and L;
//! `BENCH_XL=1` adds XL (about 40 s); `BENCH_SIZES=L,XL` picks sizes.

use capplan::solve::SolverChoice;
use capplan::synth::Size;
use std::process::Command;
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn one(size: Size, name: &str) {
    let dir = std::env::temp_dir().join(format!("capplan-bench-{name}-{}", std::process::id()));
    capplan::synth::write(size, 42, &dir).expect("synth");
    let t0 = Instant::now();
    let sc = capplan::load(&dir).expect("valid synthetic scenario");
    let t1 = Instant::now();
    let mut model = capplan::model::build(&sc, false);
    let (vars, rows, nnz) = (
        model.lp.vars.len(),
        model.lp.rows.len(),
        model.lp.nonzeros(),
    );
    let t2 = Instant::now();
    let solved = capplan::solve::solve_model(&mut model, SolverChoice::Clarabel).expect("solves");
    let t3 = Instant::now();
    let sol = capplan::solution::extract(&sc, &model, &solved, "clarabel");
    let metrics = capplan::report::metrics::compute(&sc, &sol);
    capplan::report::write_folder(
        &dir.join("out"),
        &capplan::report::render(&metrics).expect("render"),
    )
    .expect("reports");
    let t4 = Instant::now();
    let total = (t4 - t0).as_secs_f64();
    println!(
        "| {name} | {vars} | {rows} | {nnz} | {:.3} | {:.3} | {:.2} | {:.2} | {total:.2} | {:.0} | {:.10e} |",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        (t4 - t3).as_secs_f64(),
        peak_rss_mb(),
        sol.objective_usd
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let sizes = [
        ("S", Size::S),
        ("M", Size::M),
        ("L", Size::L),
        ("XL", Size::Xl),
    ];
    if let Ok(name) = std::env::var("CAPPLAN_BENCH_ONE") {
        let (n, s) = sizes.iter().find(|(n, _)| *n == name).expect("size");
        one(*s, n);
        return;
    }
    let wanted: Vec<String> = match std::env::var("BENCH_SIZES") {
        Ok(list) => list.split(',').map(|s| s.trim().to_uppercase()).collect(),
        Err(_) if std::env::var_os("BENCH_XL").is_some() => {
            vec!["S".into(), "M".into(), "L".into(), "XL".into()]
        }
        Err(_) => vec!["S".into(), "M".into(), "L".into()],
    };
    println!("capplan plan on synthetic scenarios (seed 42), Clarabel, release build, 2 cores\n");
    println!("| size | variables | rows | nonzeros | read+validate s | build s | solve s | reports s | total s | peak RSS MB | objective |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let me = std::env::current_exe().expect("bench binary");
    for name in wanted {
        let status = Command::new(&me)
            .env("CAPPLAN_BENCH_ONE", &name)
            .status()
            .expect("child");
        if !status.success() {
            println!("| {name} | failed | | | | | | | | | |");
        }
    }
}
