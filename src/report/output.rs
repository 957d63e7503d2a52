//! Where reports go, safely: `--out` never deletes what capplan did not write.
//!
//! Every report folder holds a [`MARKER`] file. A folder is replaced only when it holds the marker,
//! is empty or does not exist; the input folder, a folder containing it, the working directory and
//! regular files are refused (a usage error, exit 2). The new folder is written beside the target
//! (`.NAME.tmp-PID-N`) and renamed into place, so the report is whole or absent; temporaries left by
//! killed runs are removed by the next successful one.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The file that marks a folder as written by capplan (and so replaceable by it).
pub const MARKER: &str = ".capplan-report";

const MARKER_TEXT: &str =
    "This folder was written by capplan. The next run with the same --out replaces it whole:\n\
                           keep your own files elsewhere.\n";

/// Distinguishes temporaries of concurrent writes inside one process.
static SEQ: AtomicU64 = AtomicU64::new(0);

/// The one way a command writes a folder. `input_dir` is the scenario (or report) folder the command
/// read, which `out` may neither be nor contain; `force` allows replacing a folder of files capplan
/// did not write (and nothing else). The marker is written into the folder before it is renamed
/// into place.
pub fn write_folder_guarded(
    out: &Path,
    input_dir: Option<&Path>,
    force: bool,
    files: &[(&str, Vec<u8>)],
) -> Result<()> {
    check_folder_target(out, input_dir, force)?;
    let io = |what: &str, p: &Path, e: std::io::Error| {
        Error::Io(format!("cannot {what} {}: {e}", p.display()))
    };
    let parent = parent_of(out);
    std::fs::create_dir_all(&parent).map_err(|e| io("create", &parent, e))?;
    let name = folder_name(out)?;
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = sibling(&parent, &name, "tmp", seq);
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp).map_err(|e| io("create", &tmp, e))?;
    let result = (|| {
        for (file, bytes) in files {
            let p = tmp.join(file);
            // Names may hold folders (`cases/<case>/summary.md` of a sweep).
            if let Some(dir) = p.parent().filter(|d| *d != tmp) {
                std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
            }
            std::fs::write(&p, bytes).map_err(|e| io("write", &p, e))?;
        }
        let m = tmp.join(MARKER);
        std::fs::write(&m, MARKER_TEXT).map_err(|e| io("write", &m, e))?;
        move_into_place(&tmp, out, &parent, &name, seq)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    } else {
        remove_stale_siblings(&parent, &name);
    }
    result
}

/// Renames `tmp` to `out`. An existing `out` is moved aside first; with concurrent writers another
/// run may put its folder in place between the two renames, so the swap is retried.
fn move_into_place(tmp: &Path, out: &Path, parent: &Path, name: &str, seq: u64) -> Result<()> {
    let mut last = None;
    for attempt in 0..200u64 {
        // Linux replaces an empty folder in place; a non-empty one refuses (ENOTEMPTY / EEXIST).
        match std::fs::rename(tmp, out) {
            Ok(()) => return Ok(()),
            // Another run may have moved `out` aside between the failed rename and this check:
            // a refusal because the folder was there is retried whether or not it still is.
            Err(e)
                if out.is_dir()
                    || matches!(
                        e.kind(),
                        std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists
                    ) =>
            {
                last = Some(e)
            }
            Err(e) => {
                return Err(Error::Io(format!(
                    "cannot move the report into place at {}: {e}",
                    out.display()
                )))
            }
        }
        let old = sibling(parent, name, "old", seq * 1000 + attempt);
        match std::fs::rename(out, &old) {
            Ok(()) => {
                let _ = std::fs::remove_dir_all(&old);
            }
            // Another run moved it aside first: try again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::Io(format!(
                    "cannot move the previous report {} aside: {e}",
                    out.display()
                )))
            }
        }
    }
    Err(Error::Io(format!(
        "cannot move the report into place at {}: {}",
        out.display(),
        last.map(|e| e.to_string()).unwrap_or_default()
    )))
}

/// Why `out` may not be replaced by a report folder, as a usage error.
pub fn check_folder_target(out: &Path, input_dir: Option<&Path>, force: bool) -> Result<()> {
    let refuse = |why: String| Err(Error::Usage(format!("--out {}: {why}", out.display())));
    if out.as_os_str().is_empty() {
        return refuse("empty path".into());
    }
    if out.file_name().is_none() {
        return refuse(
            "names no folder of its own ('.', '..' or '/'): give a new or report folder, e.g. reports/x".into(),
        );
    }
    let abs_out = absolute(out);
    if let Ok(cwd) = std::env::current_dir().map(|c| canonical_or(&c)) {
        if cwd.starts_with(&abs_out) {
            return refuse(
                "is the working directory or contains it; replacing it would delete it".into(),
            );
        }
    }
    if let Some(input) = input_dir {
        let abs_in = absolute(input);
        if abs_in == abs_out {
            return refuse("is the input folder; replacing it would delete the inputs".into());
        }
        if abs_in.starts_with(&abs_out) {
            return refuse(format!(
                "contains the input folder {}; replacing it would delete the inputs",
                input.display()
            ));
        }
    }
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return refuse(format!("cannot be inspected: {e}")),
    };
    if meta.file_type().is_symlink() {
        return refuse("is a symbolic link; give the folder it points to".into());
    }
    if !meta.is_dir() {
        return refuse("is an existing file, not a folder; choose another --out".into());
    }
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        // A concurrent run to the same --out moved it aside between the two calls (it replaces
        // the folder by a rename): it is absent now, as if it had never been there.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Error::Usage(format!(
                "--out {}: cannot be read: {e}",
                out.display()
            )))
        }
    };
    let mut foreign = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == MARKER {
            return Ok(());
        }
        foreign.push(name);
    }
    if foreign.is_empty() || force {
        return Ok(());
    }
    foreign.sort();
    let shown: Vec<String> = foreign
        .iter()
        .take(5)
        .map(|n| crate::diagnostics::echo(n))
        .collect();
    let more = if foreign.len() > 5 {
        format!(" and {} more", foreign.len() - 5)
    } else {
        String::new()
    };
    refuse(format!(
        "holds files capplan did not write ({}{more}) and no {MARKER} marker; choose another --out, empty it, \
         or pass --force to replace it",
        shown.join(", ")
    ))
}

/// Refuses a single output file (`--export-mps`, `diff --csv`) that would overwrite something a
/// command reads: an input folder itself, or an existing file inside one.
pub fn check_file_target(flag: &str, path: &Path, inputs: &[&Path]) -> Result<()> {
    let refuse = |why: String| Err(Error::Usage(format!("{flag} {}: {why}", path.display())));
    if path.is_dir() {
        return refuse("is a folder; give a file name".into());
    }
    let target = absolute(path);
    for input in inputs {
        let abs_in = absolute(input);
        if target == abs_in || abs_in.starts_with(&target) {
            return refuse(format!(
                "would replace the input folder {}",
                input.display()
            ));
        }
        if target.starts_with(&abs_in) && std::fs::symlink_metadata(path).is_ok() {
            return refuse(format!(
                "is an existing file in the input folder {}; it would be overwritten",
                input.display()
            ));
        }
    }
    Ok(())
}

/// `path` made absolute with symlinks resolved as far as it exists (the rest appended), so that
/// `a/../b`, `./b` and a symlinked `b` compare equal.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    canonical_or(&joined)
}

/// The canonical form of the longest existing prefix of `p`, with the rest appended lexically.
fn canonical_or(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => canonical_or(parent).join(name),
        (Some(parent), None) => canonical_or(parent)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        _ => p.to_path_buf(),
    }
}

fn parent_of(out: &Path) -> PathBuf {
    out.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

fn folder_name(out: &Path) -> Result<String> {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("--out {}: names no folder", out.display())))
}

fn sibling(parent: &Path, name: &str, tag: &str, seq: u64) -> PathBuf {
    parent.join(format!(".{name}.{tag}-{}-{seq}", std::process::id()))
}

/// Removes `.NAME.tmp-PID…` / `.NAME.old-PID…` left by runs that died (no `/proc/PID`).
/// Without `/proc` nothing is removed: a live run's temporaries must never go.
fn remove_stale_siblings(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = stale_pid(&file, name) else {
            continue;
        };
        if pid != me && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The PID in `.NAME.tmp-PID[-N]` or `.NAME.old-PID[-N]`.
fn stale_pid(file: &str, name: &str) -> Option<u32> {
    let rest = file
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    let rest = rest
        .strip_prefix("tmp-")
        .or_else(|| rest.strip_prefix("old-"))?;
    rest.split('-').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_pid_of_temporaries_only() {
        assert_eq!(stale_pid(".out.tmp-123", "out"), Some(123));
        assert_eq!(stale_pid(".out.old-77-3", "out"), Some(77));
        assert_eq!(stale_pid(".out.tmp-x", "out"), None);
        assert_eq!(stale_pid(".outer.tmp-5", "out"), None);
        assert_eq!(stale_pid("out", "out"), None);
    }

    #[test]
    fn refuses_foreign_folders_unless_forced() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("r");
        assert!(check_folder_target(&out, None, false).is_ok(), "absent");
        std::fs::create_dir(&out).unwrap();
        assert!(check_folder_target(&out, None, false).is_ok(), "empty");
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = check_folder_target(&out, None, false).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert!(check_folder_target(&out, None, true).is_ok(), "forced");
        std::fs::write(out.join(MARKER), "").unwrap();
        assert!(check_folder_target(&out, None, false).is_ok(), "marked");
        assert!(
            check_folder_target(&out, Some(&out), true).is_err(),
            "input"
        );
        assert!(
            check_folder_target(d.path(), Some(&out), true).is_err(),
            "ancestor"
        );
        assert!(
            check_folder_target(&out.join("notes.txt"), None, true).is_err(),
            "file"
        );
    }
}
