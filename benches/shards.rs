//! What-if sweeps and shards, timed through the real binary (one child process per run):
//! 1. the shipped what-ifs (`inputs/what-if/cases.csv`) on the reference scenario, goal < 10 s;
//! 2. sharding overhead: N shards run one after another, summed, against the single run, each on
//!    one thread (RAYON_NUM_THREADS=1) so the sum compares work, not parallelism; goal within 5%;
//! 3. `merge` of 100 simulate shards, goal < 2 s.
//! Every merged folder is checked byte-identical to the single run's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// CPU seconds (user + system) of this process's waited-for children, from /proc/self/stat
/// (cutime, cstime; 100 ticks a second): on a shared machine a fairer measure of work than wall time.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    if f.len() < 15 {
        return f64::NAN;
    }
    (f[13] + f[14]) / 100.0
}

/// Wall-clock and CPU seconds of one run.
#[derive(Clone, Copy, Default)]
struct T {
    wall: f64,
    cpu: f64,
}

impl std::ops::AddAssign for T {
    fn add_assign(&mut self, o: T) {
        self.wall += o.wall;
        self.cpu += o.cpu;
    }
}

fn run(args: &[&str], threads: Option<usize>) -> T {
    let mut c = Command::new(env!("CARGO_BIN_EXE_capplan"));
    c.args(args);
    if args[0] != "synth" {
        c.arg("--quiet");
    }
    if let Some(n) = threads {
        c.env("RAYON_NUM_THREADS", n.to_string());
    }
    let (t, cpu0) = (Instant::now(), children_cpu());
    let o = c.output().expect("run capplan");
    let secs = T {
        wall: t.elapsed().as_secs_f64(),
        cpu: children_cpu() - cpu0,
    };
    assert!(
        o.status.success(),
        "capplan {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    secs
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn same(a: &Path, b: &Path) -> &'static str {
    if files(a) == files(b) {
        "identical"
    } else {
        "DIFFERENT"
    }
}

/// Single run vs `n` shards + merge, one thread each; returns (single, shards summed, merge).
fn overhead(work: &Path, tag: &str, args: &[&str], n: u64) -> (T, T, T, &'static str) {
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let single = work.join(format!("{tag}-single"));
    let mut a: Vec<String> = args.iter().map(|x| x.to_string()).collect();
    a.extend(["--out".into(), s(&single)]);
    let a_ref: Vec<&str> = a.iter().map(String::as_str).collect();
    let t_single = run(&a_ref, Some(1));
    let mut parts = Vec::new();
    let mut t_shards = T::default();
    for k in 1..=n {
        let part = work.join(format!("{tag}-part-{k}"));
        let mut a: Vec<String> = args.iter().map(|x| x.to_string()).collect();
        a.extend([
            "--shard".into(),
            format!("{k}/{n}"),
            "--out".into(),
            s(&part),
        ]);
        let a_ref: Vec<&str> = a.iter().map(String::as_str).collect();
        t_shards += run(&a_ref, Some(1));
        parts.push(s(&part));
    }
    let merged = work.join(format!("{tag}-merged"));
    let mut m = vec!["merge".to_string()];
    m.extend(parts);
    m.extend(["--out".into(), s(&merged)]);
    let m_ref: Vec<&str> = m.iter().map(String::as_str).collect();
    let t_merge = run(&m_ref, Some(1));
    (t_single, t_shards, t_merge, same(&single, &merged))
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("capplan-bench-shards-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let reference = root.join("inputs/openai-2025");
    let cases = root.join("inputs/what-if/cases.csv");
    let (r, c) = (reference.to_str().unwrap(), cases.to_str().unwrap());

    let out = work.join("what-if");
    let t = run(
        &["sweep", r, "--cases", c, "--out", out.to_str().unwrap()],
        None,
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}\n", load.trim());
    println!("## Shipped what-ifs on the reference (all threads)\n");
    println!(
        "`capplan sweep inputs/openai-2025 --cases inputs/what-if/cases.csv`: {:.2} s wall, {:.2} CPU s (goal < 10 s)\n",
        t.wall, t.cpu
    );

    println!("## Sharding overhead (one thread per run; shards run one after another)\n");
    println!("Seconds as wall / CPU; the overhead columns compare CPU seconds.\n");
    println!("| study | N | single s | N shards summed s | overhead | merge s | shards + merge vs single | merged vs single |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    let samples = std::env::var("SAMPLES").unwrap_or_else(|_| "40".into());
    let studies: [(&str, Vec<&str>); 2] = [
        (
            "sweep: what-ifs on the reference",
            vec!["sweep", r, "--cases", c],
        ),
        (
            "simulate: reference",
            vec!["simulate", r, "--samples", &samples, "--seed", "1"],
        ),
    ];
    for (i, (name, args)) in studies.iter().enumerate() {
        let n = 4;
        let (single, shards, merge, same) = overhead(&work, &format!("s{i}"), args, n);
        println!(
            "| {name} | {n} | {:.2} / {:.2} | {:.2} / {:.2} | {:+.1}% | {:.2} / {:.2} | {:+.1}% | {same} |",
            single.wall,
            single.cpu,
            shards.wall,
            shards.cpu,
            100.0 * (shards.cpu / single.cpu - 1.0),
            merge.wall,
            merge.cpu,
            100.0 * ((shards.cpu + merge.cpu) / single.cpu - 1.0)
        );
    }

    println!("\n## Merge of 100 shards\n");
    let synth = work.join("synth-s");
    run(
        &[
            "synth",
            "--size",
            "S",
            "--seed",
            "42",
            // The version-1 folder the figures in benches/README.md measured.
            "--no-reservations",
            synth.to_str().unwrap(),
        ],
        None,
    );
    let (single, shards, merge, same) = overhead(
        &work,
        "m100",
        &[
            "simulate",
            synth.to_str().unwrap(),
            "--samples",
            "1000",
            "--seed",
            "1",
        ],
        100,
    );
    println!(
        "synth S, 1,000 samples in 100 shards of 10: merge {:.2} s wall, {:.2} CPU s (goal < 2 s); single run {:.2} / {:.2} s, \
         shards summed {:.2} / {:.2} s; merged vs single: {same}",
        merge.wall, merge.cpu, single.wall, single.cpu, shards.wall, shards.cpu
    );
    let _ = std::fs::remove_dir_all(&work);
}
