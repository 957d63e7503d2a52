//! Stage 6: reports. Metrics are computed once (`metrics`) and rendered by each writer; the folder
//! is written whole or not at all (written beside the target, then renamed into place).

pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod metrics;
pub mod money;
pub mod output;
pub mod plan_json;
pub mod svg;
pub mod sweep;
pub mod tables;
pub mod validate;
pub mod views;
pub mod xlsx;

use crate::error::{Error, Result};
use metrics::Metrics;
use std::path::Path;

pub use output::{check_file_target, write_folder_guarded, MARKER};

/// Every report file of a plan, as (name, bytes): the CSV tables and JSON, then the documents
/// rendered from them (summary.md, report.html, report.xlsx).
pub fn render(m: &Metrics) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let mut files = vec![
        ("summary.json", json::summary(m)),
        ("allocation.csv", tables::allocation(m)),
        ("provider_spend.csv", tables::provider_spend(m)),
        ("contracts.csv", tables::contracts(m)),
        ("unmet.csv", tables::unmet(m)),
        ("marginal_costs.csv", tables::marginal_costs(m)),
        ("cash.csv", tables::cash(m)),
    ];
    if m.reservation_options > 0 {
        files.push(("reservations.csv", tables::reservations(m)));
    }
    if let Some(mins) = tables::minimums(m) {
        files.push(("minimums.csv", mins));
    }
    if let Some(c) = tables::clauses(m) {
        files.push(("clauses.csv", c));
    }
    if let (Some(r), Some(s)) = (tables::risk(m), tables::samples(m)) {
        files.push(("risk.csv", r));
        files.push(("samples.csv", s));
    }
    files.push(("plan.json", plan_json::plan(m)));
    let (memo, html, book) = documents(m, &files)?;
    files.push(("summary.md", memo));
    files.push(("report.html", html));
    files.push(("report.xlsx", book));
    Ok(files)
}

/// summary.md, report.html and report.xlsx: functions of the metrics and the tables rendered
/// from them, so `capplan report` re-renders them from plan.json alone.
pub fn documents(m: &Metrics, tables: &[(&str, Vec<u8>)]) -> Result<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let memo = markdown::summary(m);
    let html = html::report(m, &String::from_utf8_lossy(&memo));
    let book = xlsx::workbook(
        &format!("Capacity plan: {}", m.scenario),
        &xlsx::plan_figures(m),
        tables,
        &views::plan_views(m),
    )
    .map_err(|e| Error::Io(format!("cannot build report.xlsx: {e}")))?;
    Ok((memo, html, book))
}

/// Re-renders report.html and report.xlsx of the report folder `out` from its plan.json, writing
/// each beside its target and renaming it into place. The CSV sheets of the workbook are rendered
/// from plan.json too, not read from the folder, so edited CSVs cannot leak into it.
pub fn rerender(out: &Path) -> Result<()> {
    // Outside a folder capplan wrote, only files that are not there yet are written.
    let ours = out.join(MARKER).is_file();
    if let Some(theirs) = ["report.html", "report.xlsx"]
        .iter()
        .map(|f| out.join(f))
        .find(|p| !ours && p.exists())
    {
        return Err(Error::Usage(format!(
            "{}: exists and {} was not written by capplan (no {MARKER}); nothing re-rendered",
            theirs.display(),
            out.display()
        )));
    }
    let path = out.join("plan.json");
    let bytes = std::fs::read(&path)
        .map_err(|e| Error::Usage(format!("cannot read {}: {e}", path.display())))?;
    let m =
        plan_json::read(&bytes).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    let files = render(&m)?;
    for name in ["report.html", "report.xlsx"] {
        let (_, data) = files
            .iter()
            .find(|(f, _)| *f == name)
            .expect("render writes both");
        let target = out.join(name);
        let tmp = out.join(format!(".{name}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, data)
            .and_then(|_| std::fs::rename(&tmp, &target))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Error::Io(format!("cannot write {}: {e}", target.display()))
            })?;
    }
    Ok(())
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
