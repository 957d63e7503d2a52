//! Demand sweeps: `simulate` with every sample solved cold against the warm-started path (capplan's
//! own dual simplex in the default build, HiGHS's with `--features highs`), side by side in one
//! run, one thread each, and the ratio; then issue 15's goal 4: `simulate --samples 100` of the
//! reference end to end (the plan, then the samples on every core), against 8 s.

use capplan::analysis::simulate;
use capplan::solve::SolverChoice;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let samples: u64 = std::env::var("SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    println!("simulate, {samples} samples, 1 thread, release build\n");
    let warm_name = if cfg!(feature = "highs") {
        "warm HiGHS"
    } else {
        "warm capplan dual simplex"
    };
    println!(
        "| scenario | variables | cold Clarabel s | {warm_name} s | warm vs cold | cold HiGHS s |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let synth_m = std::env::temp_dir().join(format!("capplan-bench-sim-M-{}", std::process::id()));
    // The version-1 folder (no reservations), the shape the figures in benches/README.md measured.
    let v1 = capplan::synth::Options {
        no_reservations: true,
        ..Default::default()
    };
    capplan::synth::write_with(capplan::synth::Size::M, 42, v1, &synth_m).expect("synth M");
    for dir in [root.join("inputs/openai-2025"), synth_m.clone()] {
        let sc = capplan::load(&dir).expect("valid scenario");
        let vars = capplan::model::build(&sc, false).lp.vars.len();
        let time = |solver, warm| {
            one.install(|| {
                let t = Instant::now();
                simulate::run(&sc, None, 1, samples, solver, warm, true).expect("simulate");
                t.elapsed().as_secs_f64()
            })
        };
        let cold = time(SolverChoice::Clarabel, false);
        let warm = time(SolverChoice::Clarabel, true);
        let cold_h = cfg!(feature = "highs").then(|| time(SolverChoice::Highs, false));
        println!(
            "| {} | {vars} | {cold:.2} | {warm:.2} | {:.1}x | {} |",
            if dir == synth_m {
                "synth M".into()
            } else {
                dir.file_name().unwrap().to_string_lossy().into_owned()
            },
            cold / warm,
            cold_h
                .map(|c| format!("{c:.2}"))
                .unwrap_or_else(|| "not built".into())
        );
    }
    // Goal 4: the command's work, end to end, on every core.
    let reference = capplan::load(&root.join("inputs/openai-2025")).expect("reference");
    let t = Instant::now();
    let plan = capplan::solve(&reference, SolverChoice::Auto).expect("plan");
    let planned = t.elapsed().as_secs_f64();
    let (_, method) = simulate::run(
        &reference,
        Some(&plan.values),
        1,
        100,
        SolverChoice::Auto,
        true,
        true,
    )
    .expect("simulate");
    let total = t.elapsed().as_secs_f64();
    println!(
        "\nreference, plan + 100 samples, {} threads: {total:.2} s (plan {planned:.2} s); goal under 8 s: {}; {}",
        rayon::current_num_threads(),
        if total < 8.0 { "met" } else { "not met" },
        method.describe(SolverChoice::Auto)
    );
    let _ = std::fs::remove_dir_all(&synth_m);
}
