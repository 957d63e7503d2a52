//! Per synthetic size (`capplan synth`): variables, rows, nonzeros, and the seconds of each stage
//! (read + validate, build, solve, reports) with peak RSS, for the plan with whole reservation lots
//! (settings `lots = integer`, the default); beside it, the same scenario's LP alone (`lots =
//! continuous`) solved in the same process, and the whole-lot plan's bound, objective and gap.
//! Each size runs in a child process of its own so its peak memory is its own.
//! `cargo bench --bench sizes` runs S, M and L; `BENCH_XL=1` adds XL (about 40 s);
//! `BENCH_SIZES=L,XL` picks sizes; a size written `L-v2` is `capplan synth --v2` (whole-horizon
//! and overlapping contracts, minimums, reservation terms across years, a cash ledger with a
//! funding rate), `L-v1` is `--no-reservations` (the version-1 folder).

use capplan::solve::SolverChoice;
use capplan::synth::{Options, Size};
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

/// Seconds to build and solve `sc` as an LP (`lots = continuous`), and its objective.
fn lp_alone(sc: &capplan::scenario::Scenario) -> (f64, f64) {
    let mut sc = sc.clone();
    sc.lots = capplan::scenario::Lots::Continuous;
    let t = Instant::now();
    let mut model = capplan::model::build(&sc, false);
    let solved =
        capplan::solve::solve_model(&mut model, SolverChoice::Clarabel).expect("LP solves");
    let secs = t.elapsed().as_secs_f64();
    (secs, model.lp.objective_value(&solved.outcome.x))
}

fn one(size: Size, opts: Options, name: &str) {
    let dir = std::env::temp_dir().join(format!("capplan-bench-{name}-{}", std::process::id()));
    capplan::synth::write_with(size, 42, opts, &dir).expect("synth");
    // The LP alone before and after the whole-lot plan, in the same process (build + solve, as
    // the plan's); their mean is the yardstick, so a load change during the run counts half.
    let (lp_before, lp_objective) = lp_alone(&capplan::load(&dir).expect("valid"));
    let t0 = Instant::now();
    let sc = capplan::load(&dir).expect("valid synthetic scenario");
    let t1 = Instant::now();
    let mut model = capplan::model::build(&sc, false);
    let (vars, rows, nnz, lots) = (
        model.lp.vars.len(),
        model.lp.rows.len(),
        model.lp.nonzeros(),
        model.lp.integer.len(),
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
    let (lp_after, _) = lp_alone(&sc);
    let lp_secs = 0.5 * (lp_before + lp_after);
    let total = (t4 - t0).as_secs_f64();
    let whole = (t3 - t1).as_secs_f64();
    let bound = solved.bound_usd.unwrap_or(sol.objective_usd);
    let gap = 100.0 * (sol.objective_usd - bound) / sol.objective_usd.abs().max(1.0);
    println!(
        "| {name} | {vars} | {rows} | {nnz} | {lots} | {:.3} | {:.3} | {:.2} | {:.2} | {total:.2} | {:.0} | {lp_before:.2} / {lp_after:.2} | {:.2} | {:.10e} | {:.10e} | {gap:.4} | {:.10e} |",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        (t4 - t3).as_secs_f64(),
        peak_rss_mb(),
        whole / lp_secs,
        sol.objective_usd,
        bound,
        lp_objective,
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `S`, `L-v2`, `M-v1`, ... as a size and synth options.
fn parse(name: &str) -> Option<(Size, Options)> {
    let (size, shape) = name.split_once('-').unwrap_or((name, ""));
    let size = match size {
        "S" => Size::S,
        "M" => Size::M,
        "L" => Size::L,
        "XL" => Size::Xl,
        _ => return None,
    };
    let opts = match shape {
        "" => Options::default(),
        "V2" => Options::all(),
        "V1" => Options {
            no_reservations: true,
            ..Options::default()
        },
        _ => return None,
    };
    Some((size, opts))
}

fn main() {
    if let Ok(name) = std::env::var("CAPPLAN_BENCH_ONE") {
        let (size, opts) = parse(&name).expect("size");
        one(size, opts, &name);
        return;
    }
    let wanted: Vec<String> = match std::env::var("BENCH_SIZES") {
        Ok(list) => list.split(',').map(|s| s.trim().to_uppercase()).collect(),
        Err(_) if std::env::var_os("BENCH_XL").is_some() => {
            vec!["S".into(), "M".into(), "L".into(), "XL".into()]
        }
        Err(_) => vec!["S".into(), "M".into(), "L".into()],
    };
    println!("capplan plan on synthetic scenarios (seed 42), Clarabel, release build, 2 cores");
    println!("whole-lot plan (lots = integer) stage by stage; the LP alone (lots = continuous, build + solve) before and after it\n");
    println!("| size | variables | rows | nonzeros | lot columns | read+validate s | build s | solve s | reports s | total s | peak RSS MB | LP alone s (before / after) | (build+solve) / mean LP | objective | bound_usd | gap_pct | LP objective |");
    println!(
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let me = std::env::current_exe().expect("bench binary");
    for name in wanted {
        if parse(&name).is_none() {
            println!("| {name} | unknown size (S, M, L, XL, optionally -v1 or -v2) |");
            continue;
        }
        let status = Command::new(&me)
            .env("CAPPLAN_BENCH_ONE", &name)
            .status()
            .expect("child");
        if !status.success() {
            println!("| {name} | failed | | | | | | | | | | | | | | | |");
        }
    }
}
