//! Demand sweeps: `simulate` with every sample solved cold against the warm-started HiGHS path
//! (when built with `--features highs`), side by side in one run, one thread each, and the ratio.

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
    println!("| scenario | variables | cold Clarabel s | cold HiGHS s | warm HiGHS s | warm vs cold Clarabel | warm vs cold HiGHS |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
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
        let (cold_h, warm) = if cfg!(feature = "highs") {
            (
                Some(time(SolverChoice::Highs, false)),
                Some(time(SolverChoice::Clarabel, true)),
            )
        } else {
            (None, None)
        };
        let show = |v: Option<f64>| {
            v.map(|x| format!("{x:.2}"))
                .unwrap_or_else(|| "not built".into())
        };
        let ratio = |a: f64, b: Option<f64>| {
            b.map(|b| format!("{:.1}x", a / b))
                .unwrap_or_else(|| "-".into())
        };
        println!(
            "| {} | {vars} | {cold:.2} | {} | {} | {} | {} |",
            if dir == synth_m {
                "synth M".into()
            } else {
                dir.file_name().unwrap().to_string_lossy().into_owned()
            },
            show(cold_h),
            show(warm),
            ratio(cold, warm),
            cold_h.map(|c| ratio(c, warm)).unwrap_or_else(|| "-".into())
        );
    }
    let _ = std::fs::remove_dir_all(&synth_m);
    if !cfg!(feature = "highs") {
        println!("\nBuilt without HiGHS: warm starts need `cargo bench --features highs --bench simulate`.");
    }
}
