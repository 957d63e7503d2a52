//! Bad input is refused before any model is built: exit code 2, every problem as
//! `file:line: column: message`, no report written, never a panic.

use super::util::{capplan, fixtures, folders, stderr, workdir};
use std::path::Path;

fn expected_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("expected.txt"))
        .expect("expected.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[test]
fn every_bad_folder_exits_2_naming_each_problem() {
    let cases = folders(&fixtures().join("bad"));
    assert!(cases.len() >= 15, "only {} bad-input cases", cases.len());
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let out_dir = workdir();
        let out = out_dir.path().join("plan");
        let v = capplan(&["validate", dir.to_str().unwrap()]);
        let p = capplan(&[
            "plan",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        for (cmd, o) in [("validate", &v), ("plan", &p)] {
            if o.status.code() != Some(2) {
                failures.push(format!(
                    "{name}: {cmd} exited {:?}, expected 2\n{}",
                    o.status.code(),
                    stderr(o)
                ));
            }
            let err = stderr(o);
            if err.contains("panicked") {
                failures.push(format!("{name}: {cmd} panicked"));
            }
            for want in expected_lines(dir) {
                if !err.contains(&want) {
                    failures.push(format!(
                        "{name}: {cmd} did not report `{want}`; stderr:\n{err}"
                    ));
                }
            }
            // Every reported line has the file:line: column: message shape.
            for line in err.lines().skip(1) {
                let parts: Vec<&str> = line.splitn(4, ':').collect();
                let shaped = parts.len() == 4 && parts[1].trim().parse::<u64>().is_ok();
                if !shaped {
                    failures.push(format!(
                        "{name}: {cmd}: line not shaped file:line: column: message: {line}"
                    ));
                }
            }
        }
        if out.exists() {
            failures.push(format!("{name}: plan wrote reports despite bad input"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Mangled bytes in every file never panic and always end in a clean exit code.
#[test]
fn arbitrary_bytes_never_panic() {
    let base = fixtures().join("capacity_binding");
    let files: Vec<_> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..60 {
        let dir = workdir();
        for f in &files {
            std::fs::copy(f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
        let victim = &files[round % files.len()];
        let target = dir.path().join(victim.file_name().unwrap());
        let mut bytes = std::fs::read(&target).unwrap();
        for _ in 0..(1 + next() % 6) {
            let at = (next() as usize) % (bytes.len() + 1);
            match next() % 4 {
                0 if !bytes.is_empty() => {
                    bytes.remove(at.min(bytes.len() - 1));
                }
                1 => bytes.insert(at, (next() % 256) as u8),
                2 => bytes.insert(at, b",\"\n-"[(next() % 4) as usize]),
                _ => bytes.truncate(at),
            }
        }
        std::fs::write(&target, &bytes).unwrap();
        let o = capplan(&[
            "plan",
            dir.path().to_str().unwrap(),
            "--out",
            dir.path().join("out").to_str().unwrap(),
            "--quiet",
        ]);
        let code = o.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "round {round}: exit {code:?}\n{}",
            stderr(&o)
        );
        assert!(
            !stderr(&o).contains("panicked"),
            "round {round}: panic\n{}",
            stderr(&o)
        );
    }
}
