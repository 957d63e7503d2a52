//! The Slurm deploy, end to end on a real single-node cluster: tests/slurm/start.sh starts munged,
//! slurmctld and slurmd with every file in a scratch folder; deploy/slurm/submit.sh submits the
//! job array and the chained merge job; the merged reports must equal the single run's byte for
//! byte. The daemons are always stopped (by their pid files), and every wait has a deadline.

use super::sweep::assert_same_tree;
use super::util::{capplan, fixtures, repo, skip_or_fail, stderr, workdir};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn on_path(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Stops the cluster when dropped, whatever happened.
struct Cluster {
    scratch: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(repo().join("tests/slurm/stop.sh"))
            .arg(&self.scratch)
            .status();
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Submits `args` as `n` shards plus the merge; returns the merged folder once it exists.
fn submit(conf: &str, n: u64, work: &Path, tag: &str, args: &[&str]) -> PathBuf {
    let parts = work.join(format!("{tag}-parts"));
    let out = work.join(format!("{tag}-merged"));
    let o = Command::new(repo().join("deploy/slurm/submit.sh"))
        .arg(n.to_string())
        .arg(&parts)
        .arg(&out)
        .args(args)
        .env("SLURM_CONF", conf)
        .env("CAPPLAN", env!("CARGO_BIN_EXE_capplan"))
        .current_dir(repo())
        .output()
        .expect("run submit.sh");
    assert!(o.status.success(), "submit.sh: {}", stderr(&o));
    let ids = String::from_utf8_lossy(&o.stdout).trim().to_string();
    eprintln!("{tag}: submitted array and merge jobs {ids}");
    out
}

fn logs(dir: &Path) -> String {
    let mut text = String::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "out" || x == "log") {
            text.push_str(&format!(
                "--- {}\n{}\n",
                p.display(),
                std::fs::read_to_string(&p).unwrap_or_default()
            ));
        }
    }
    text
}

#[test]
fn slurm_job_array_and_merge_match_the_single_run() {
    for tool in ["slurmctld", "slurmd", "sbatch", "munged"] {
        if !on_path(tool) {
            skip_or_fail(&format!(
                "Slurm is not installed ({tool} not found; apt-get install slurm-wlm munge)"
            ));
            return;
        }
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !root {
        skip_or_fail("the single-node Slurm test needs root (it runs slurmd and munged)");
        return;
    }
    let w = workdir();
    let cluster = Cluster {
        scratch: w.path().join("cluster"),
    };
    let start = Command::new("timeout")
        .args([
            "90",
            s(&repo().join("tests/slurm/start.sh")),
            s(&cluster.scratch),
        ])
        .output()
        .expect("run start.sh");
    assert!(
        start.status.success(),
        "tests/slurm/start.sh failed: {}\n{}",
        stderr(&start),
        logs(&cluster.scratch.join("log"))
    );
    let conf = cluster.scratch.join("slurm.conf");
    let conf = s(&conf);

    let newsvendor = fixtures().join("uncertainty/newsvendor");
    let base = fixtures().join("capacity_binding");
    let cases = repo().join("tests/sweep/cases.csv");
    let simulate = ["simulate", s(&newsvendor), "--samples", "30", "--seed", "3"];
    let sweep = ["sweep", s(&base), "--cases", s(&cases), "--keep-plans"];
    let jobs = [
        ("simulate", 3u64, &simulate[..]),
        ("sweep", 4u64, &sweep[..]),
    ];
    let merged: Vec<PathBuf> = jobs
        .iter()
        .map(|(tag, n, args)| submit(conf, *n, w.path(), tag, args))
        .collect();

    // The single runs, meanwhile.
    let singles: Vec<PathBuf> = jobs
        .iter()
        .map(|(tag, _, args)| {
            let out = w.path().join(format!("{tag}-single"));
            let mut a = args.to_vec();
            a.extend(["--out", s(&out), "--quiet"]);
            let o = capplan(&a);
            assert!(o.status.success(), "{tag}: {}", stderr(&o));
            out
        })
        .collect();

    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if merged.iter().all(|m| m.is_dir()) {
            break;
        }
        let queue = Command::new("squeue")
            .args(["-h", "-o", "%i %T %r"])
            .env("SLURM_CONF", conf)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let all_logs = || {
            jobs.iter()
                .map(|(tag, _, _)| logs(&w.path().join(format!("{tag}-parts"))))
                .collect::<String>()
        };
        if queue.trim().is_empty() {
            // Nothing queued: the merge has finished (its folder appears at once) or a job failed,
            // which cancels the merge with its dependency. Look once more, then give up.
            std::thread::sleep(Duration::from_secs(2));
            assert!(
                merged.iter().all(|m| m.is_dir()),
                "the Slurm jobs ended without a merged report:\n{}",
                all_logs()
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Slurm jobs still not done after 180 s; queue:\n{queue}\n{}",
            all_logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    for (single, merged) in singles.iter().zip(&merged) {
        assert_same_tree(single, merged);
    }
    drop(cluster);
}
