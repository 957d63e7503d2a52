//! Stage 6: reports. Metrics are computed once (`metrics`) and rendered by each writer; the folder
//! is written whole or not at all (written beside the target, then renamed into place).

pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod metrics;
pub mod output;
pub mod plan_json;
pub mod svg;
pub mod sweep;
pub mod tables;
pub mod validate;

use crate::error::Result;
use metrics::Metrics;
use std::path::Path;

pub use output::{check_file_target, write_folder_guarded, MARKER};

/// Every report file of a plan, as (name, bytes).
pub fn render(m: &Metrics) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = vec![
        ("summary.json", json::summary(m)),
        ("allocation.csv", tables::allocation(m)),
        ("provider_spend.csv", tables::provider_spend(m)),
        ("contracts.csv", tables::contracts(m)),
        ("unmet.csv", tables::unmet(m)),
        ("marginal_costs.csv", tables::marginal_costs(m)),
    ];
    if let Some(mins) = tables::minimums(m) {
        files.push(("minimums.csv", mins));
    }
    let memo = markdown::summary(m);
    files.push((
        "report.html",
        html::report(m, &String::from_utf8_lossy(&memo)),
    ));
    files.push(("summary.md", memo));
    files.push(("plan.json", plan_json::plan(m)));
    if let Some(c) = tables::clauses(m) {
        files.push(("clauses.csv", c));
    }
    if let (Some(r), Some(s)) = (tables::risk(m), tables::samples(m)) {
        files.push(("risk.csv", r));
        files.push(("samples.csv", s));
    }
    files
}

/// Writes `files` as the folder `out` without an input folder to protect; see [`write_folder_guarded`].
pub fn write_folder(out: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    write_folder_guarded(out, None, false, files)
}

/// As [`write_folder_guarded`], for file names built at run time (which may hold folders:
/// `cases/<case>/summary.md`).
pub fn write_named(
    out: &Path,
    input_dir: Option<&Path>,
    force: bool,
    files: Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let (names, bytes): (Vec<String>, Vec<Vec<u8>>) = files.into_iter().unzip();
    let files: Vec<(&str, Vec<u8>)> = names.iter().map(String::as_str).zip(bytes).collect();
    write_folder_guarded(out, input_dir, force, &files)
}
