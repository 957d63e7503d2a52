//! Seeded fuzzing of the loader and the command line (issue 9, point 5). Every scenario folder under
//! `tests/` (fixtures, bad inputs, the odd-input corpus) and the reference scenario is mutated byte by
//! byte, cell by cell, row by row and file by file; each case is deterministic (its number is its
//! seed), so a failure names the case that reproduces it.
//!
//! In process (`capplan::load` + solve): no panic, and every problem is one line
//! `FILE:LINE: COLUMN: message`. Through the binary: no panic, exit 0, 1 or 2 only, the same problem
//! format, and no report folder unless the exit is 0.

use super::util::{folders, repo, workdir};
use capplan::solve::SolverChoice;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const IN_PROCESS_CASES: u64 = 600;
const BINARY_CASES: u64 = 60;
/// Solve only models this small (a mutated date can make a long horizon, which is allowed when
/// settings give both ends: valid, but slow to solve and not what this test is about).
const SOLVE_MAX_VARIABLES: usize = 5_000;

/// SplitMix64: tiny, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One seed folder: its CSV files' names and bytes.
struct Seed {
    name: String,
    /// A `tests/fixtures/bad` folder (refused as it is).
    bad: bool,
    files: Vec<(String, Vec<u8>)>,
}

fn seeds() -> Vec<Seed> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let fixtures = repo().join("tests/fixtures");
    for d in folders(&fixtures) {
        if d.ends_with("bad") {
            dirs.extend(folders(&d));
        } else {
            dirs.push(d);
        }
    }
    dirs.extend(folders(&repo().join("tests/corpus")));
    dirs.push(repo().join("inputs/openai-2025"));
    dirs.into_iter()
        .map(|d| {
            let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&d)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .map(|p| {
                    (
                        p.file_name().unwrap().to_string_lossy().into_owned(),
                        std::fs::read(&p).unwrap(),
                    )
                })
                .collect();
            files.sort();
            Seed {
                name: d.file_name().unwrap().to_string_lossy().into_owned(),
                bad: d.parent().is_some_and(|p| p.ends_with("bad")),
                files,
            }
        })
        .filter(|s| !s.files.is_empty())
        .collect()
}

/// Values that have broken parsers before: blanks, signs, exponents, NaN, far dates, quotes,
/// control characters, non-ASCII, very long cells.
#[rustfmt::skip]
const NASTY: &[&str] = &[
    "", "0", "-1", "-0", "1e6", "1E-3", "NaN", "inf", "1,5", "$3", "50%", "0x1f", "9999-12", "0001-01",
    "2026-13", "2026-00", "1000000000000", "0.0000001", "\"", "\"a\"\"b\"", "a\nb", "\r", "\u{1b}[31m",
    "\t", "\u{0}", "é", "Azure", "azure", "gpu", "cpu", "true", "maybe", "first_on", "priority",
    "min_share", "1.5", "3.0000001", " 7 ", "1", "0.5", "100", "2026-01", "2026-06", "2027-12",
];

/// Applies one mutation to `files`; returns what it did.
fn mutate(rng: &mut Rng, files: &mut Vec<(String, Vec<u8>)>) -> String {
    if files.is_empty() {
        return "no files".into();
    }
    let f = rng.below(files.len());
    let name = files[f].0.clone();
    // Mostly cell and row edits of data rows (they reach the checks past the header and, when the
    // result is still valid, the model); byte and file edits rarer.
    let data_line = |rng: &mut Rng, n: usize| {
        if n > 1 && rng.below(8) != 0 {
            1 + rng.below(n - 1)
        } else {
            rng.below(n)
        }
    };
    match rng.below(16) {
        0 => {
            // flip, insert or delete a byte
            let bytes = &mut files[f].1;
            let at = rng.below(bytes.len() + 1);
            match rng.below(3) {
                0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
                1 => bytes.insert(at, (rng.next() & 0xff) as u8),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => bytes.push(b','),
            }
            format!("{name}: byte at {at}")
        }
        1..=8 => {
            // replace one cell with a nasty value (naively split: quotes are part of the fun)
            let text = String::from_utf8_lossy(&files[f].1).into_owned();
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            if lines.is_empty() {
                return format!("{name}: empty");
            }
            let l = data_line(rng, lines.len());
            let mut cells: Vec<String> = lines[l].split(',').map(String::from).collect();
            let c = rng.below(cells.len());
            // Half the numbers are scaled instead (still valid: the case reaches the solver).
            if let Ok(x) = cells[c].trim().parse::<f64>() {
                if rng.below(2) == 0 {
                    let k = [0.0, 0.5, 2.0, 10.0, 1e6][rng.below(5)];
                    cells[c] = format!("{}", x * k);
                    lines[l] = cells.join(",");
                    files[f].1 = (lines.join("\n") + "\n").into_bytes();
                    return format!("{name}: line {} cell {c} x{k}", l + 1);
                }
            }
            let v = NASTY[rng.below(NASTY.len())];
            let shown = format!("{v:?}");
            cells[c] = if v.contains(['\n', '"']) && rng.below(2) == 0 {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.to_string()
            };
            lines[l] = cells.join(",");
            files[f].1 = (lines.join("\n") + "\n").into_bytes();
            format!("{name}: line {} cell {c} = {shown}", l + 1)
        }
        9..=11 => {
            // duplicate, delete or swap rows
            let text = String::from_utf8_lossy(&files[f].1).into_owned();
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            if lines.is_empty() {
                return format!("{name}: empty");
            }
            let (a, b) = (data_line(rng, lines.len()), data_line(rng, lines.len()));
            let what = match rng.below(3) {
                0 => {
                    let row = lines[a].clone();
                    for _ in 0..1 + rng.below(20) {
                        lines.insert(b, row.clone());
                    }
                    "duplicate"
                }
                1 => {
                    lines.remove(a);
                    "delete"
                }
                _ => {
                    lines.swap(a, b);
                    "swap"
                }
            };
            files[f].1 = (lines.join("\n") + "\n").into_bytes();
            format!("{name}: {what} rows {} {}", a + 1, b + 1)
        }
        12 => {
            files.remove(f);
            format!("{name}: removed")
        }
        13 => {
            let cut = rng.below(files[f].1.len() + 1);
            files[f].1.truncate(cut);
            format!("{name}: truncated at {cut}")
        }
        _ => {
            let g = rng.below(files.len());
            files[f].1 = files[g].1.clone();
            format!("{name}: replaced by {}", files[g].0)
        }
    }
}

/// Writes a mutated case into `dir` (replaced).
fn write_case(dir: &Path, files: &[(String, Vec<u8>)]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// A mutated case: seed `case` picks the folder and 1..3 mutations.
fn case(seeds: &[Seed], case: u64) -> (String, Vec<(String, Vec<u8>)>) {
    let mut rng = Rng(case.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xC0FF_EE);
    // The bad-input folders are refused before any mutation: pick them a quarter of the time.
    let (bad, good): (Vec<&Seed>, Vec<&Seed>) = seeds.iter().partition(|s| s.bad);
    let pool = if rng.below(4) == 0 && !bad.is_empty() {
        &bad
    } else {
        &good
    };
    let seed = pool[rng.below(pool.len())];
    let mut files = seed.files.clone();
    let mut what = vec![seed.name.clone()];
    for _ in 0..1 + rng.below(2) {
        what.push(mutate(&mut rng, &mut files));
    }
    (what.join("; "), files)
}

/// `DIR/FILE.csv:LINE: COLUMN: message` on one line (whole-file problems use line 1, `(file)`).
fn well_formed(line: &str, dir: &str) -> bool {
    let Some(rest) = line.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) else {
        return false;
    };
    let Some((file, rest)) = rest.split_once(':') else {
        return false;
    };
    let Some((num, rest)) = rest.split_once(": ") else {
        return false;
    };
    let Some((column, message)) = rest.split_once(": ") else {
        return false;
    };
    file.ends_with(".csv")
        && !num.is_empty()
        && num.bytes().all(|b| b.is_ascii_digit())
        && !column.is_empty()
        && !message.trim().is_empty()
        && !line.chars().any(char::is_control)
}

#[test]
fn mutated_scenarios_never_panic_and_every_problem_is_one_well_formed_line() {
    let seeds = seeds();
    let work = workdir();
    let dir = work.path().join("case");
    let shown = dir.display().to_string();
    let started = Instant::now();
    let (mut refused, mut solved, mut failures) = (0, 0, Vec::new());
    for n in 0..IN_PROCESS_CASES {
        let (what, files) = case(&seeds, n);
        write_case(&dir, &files);
        let outcome = std::panic::catch_unwind(|| match capplan::load(&dir) {
            Ok(sc) => {
                let model = capplan::model::build(&sc, false);
                if model.lp.vars.len() <= SOLVE_MAX_VARIABLES {
                    let _ = capplan::solve(&sc, SolverChoice::Clarabel);
                    Ok(true)
                } else {
                    Ok(false)
                }
            }
            Err(capplan::error::Error::Input(d)) => {
                Err(d.iter().map(|p| p.to_string()).collect::<Vec<_>>())
            }
            Err(e) => Err(vec![format!("not an input error: {e}")]),
        });
        match outcome {
            Err(_) => failures.push(format!("case {n} ({what}): panicked")),
            Ok(Ok(s)) => solved += s as usize,
            Ok(Err(problems)) => {
                refused += 1;
                if std::env::var("FUZZ_VERBOSE").is_ok() {
                    eprintln!(
                        "case {n} ({what}): {}",
                        problems.first().map(String::as_str).unwrap_or("")
                    );
                }
                for p in problems.iter().filter(|p| !well_formed(p, &shown)) {
                    failures.push(format!("case {n} ({what}): malformed problem {p:?}"));
                }
            }
        }
    }
    eprintln!(
        "fuzz: {IN_PROCESS_CASES} in-process cases in {:.1} s: {refused} refused, {solved} solved",
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        refused > IN_PROCESS_CASES as usize / 4,
        "mutations too mild: {refused} refused"
    );
}

#[test]
fn mutated_scenarios_through_the_binary_exit_0_1_or_2_and_write_nothing_on_failure() {
    let seeds = seeds();
    let work = workdir();
    let dir = work.path().join("case");
    let shown = dir.display().to_string();
    let mut failures = Vec::new();
    let mut codes = [0usize; 3];
    // Other case numbers than the in-process test, so the two cover different ground.
    for n in 10_000..10_000 + BINARY_CASES {
        let (what, files) = case(&seeds, n);
        write_case(&dir, &files);
        // A valid but large model (long horizon set in settings) is validated, not planned.
        let big = capplan::load(&dir)
            .map(|sc| capplan::model::build(&sc, false).lp.vars.len() > SOLVE_MAX_VARIABLES)
            .unwrap_or(false);
        let out = work.path().join(format!("out{n}"));
        let args: Vec<&str> = if big {
            vec!["validate", shown.as_str()]
        } else {
            vec![
                "plan",
                shown.as_str(),
                "--out",
                out.to_str().unwrap(),
                "--quiet",
            ]
        };
        let (code, stderr) = run_bounded(&args, Duration::from_secs(60));
        match code {
            Some(c @ 0..=2) => codes[c as usize] += 1,
            other => failures.push(format!("case {n} ({what}): exit {other:?}: {stderr}")),
        }
        if code != Some(0) && out.exists() {
            failures.push(format!(
                "case {n} ({what}): exit {code:?} but a report folder was written"
            ));
        }
        if code == Some(2) {
            for l in stderr.lines().skip(1).filter(|l| !well_formed(l, &shown)) {
                failures.push(format!("case {n} ({what}): malformed problem {l:?}"));
            }
        }
        if stderr.contains("panicked") {
            failures.push(format!("case {n} ({what}): panic: {stderr}"));
        }
    }
    eprintln!("fuzz: {BINARY_CASES} binary cases, exits 0/1/2: {codes:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs capplan, killed after `limit`: a hang fails the test with its case.
fn run_bounded(args: &[&str], limit: Duration) -> (Option<i32>, String) {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_capplan"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn capplan");
    let mut err_pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return (None, format!("still running after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (status.code(), reader.join().unwrap_or_default())
}
