//! `capplan sweep`: named what-if cases, each the base folder with a few overrides applied in
//! memory to its raw tables, validated like any folder and solved in parallel. Item 0 is the
//! unmodified folder (`base`), the cases follow in the order the cases file names them.

pub mod overrides;

use super::shard::Shard;
use crate::diagnostics::Diagnostics;
use crate::error::{Error, Result};
use crate::input;
use crate::report::metrics::Metrics;
use crate::scenario::Scenario;
use crate::solve::SolverChoice;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One validated case, ready to solve.
pub struct Prepared {
    pub name: String,
    pub scenario: Scenario,
}

/// What one case's plan came to: the row of `sweep.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub index: u64,
    pub case: String,
    /// `optimal`, `infeasible` or `failed`.
    pub status: String,
    pub objective_usd: Option<f64>,
    /// Nominal spend per provider id, in the scenario's provider order.
    pub spend_usd: Vec<(String, f64)>,
    pub shortfall_usd: Option<f64>,
    pub unmet_units: Option<f64>,
    /// Further plan measures, by column name, from [`extra_measures`].
    pub extra: Vec<(String, f64)>,
    /// Why a case has no plan (the first line of the diagnosis).
    pub note: String,
}

/// Measures beyond cost that a plan's metrics carry, as extra `sweep.csv` columns (name, value).
/// This is the one place to add them (reservation figures, as those land in `Metrics`). A measure
/// a case lacks leaves its cell blank.
pub fn extra_measures(m: &Metrics) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    // The cash ledger, when the scenario declares money (finance.csv, revenue or a cash setting).
    if m.cash.declared {
        out.push(("peak_funding_need_usd".into(), m.cash.peak_funding_need_usd));
        out.push(("funding_cost_pv_usd".into(), m.cash.funding_cost_pv_usd));
    }
    out
}

/// Reads the base folder and the cases file; applies every case and validates it. Every problem
/// of the cases file and of every case comes back at once.
pub fn prepare(dir: &Path, cases_path: &Path) -> Result<Vec<Prepared>> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a folder (expected a scenario folder)",
            dir.display()
        )));
    }
    let mut diags = Diagnostics::default();
    let base_tables = input::read_folder(dir, &mut diags);
    let name = crate::scenario_name(dir);
    let base = crate::scenario::build(&name, &base_tables, &mut diags);
    let mut cdiags = Diagnostics::default();
    let cases_table = read_cases(cases_path, &mut cdiags);
    let cases = cases_table
        .as_ref()
        .map(|t| overrides::parse(t, &mut cdiags))
        .unwrap_or_default();
    let (Some(base), true) = (base, diags.is_empty()) else {
        diags.extend(cdiags);
        return Err(Error::Input(diags));
    };
    let display = cases_path.display().to_string();
    let mut out = vec![Prepared {
        name: overrides::BASE.into(),
        scenario: base,
    }];
    // The well-formed rows are still applied, so every problem is reported in one go.
    let mut problems = cdiags;
    for case in &cases {
        let mut d = Diagnostics::default();
        let tables = overrides::apply(case, &base_tables, &display, &mut d);
        if !d.is_empty() {
            problems.extend(d);
            continue;
        }
        // The case is validated like a folder; its problems name the case.
        let mut v = Diagnostics::default();
        let sc = crate::scenario::build(&name, &tables, &mut v);
        for p in v.into_vec() {
            problems.push(
                &p.file,
                p.line,
                &p.column,
                format!("in case '{}': {}", case.name, p.message),
            );
        }
        if let Some(sc) = sc {
            out.push(Prepared {
                name: case.name.clone(),
                scenario: sc,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Input(problems))
    }
}

fn read_cases(path: &Path, diags: &mut Diagnostics) -> Option<input::Table> {
    let display = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Some(input::parse_table(
            &input::schema::CASES,
            display,
            &bytes,
            diags,
        )),
        Err(e) => {
            diags.push(
                &display,
                1,
                crate::diagnostics::WHOLE_FILE,
                format!("cannot read the cases file: {e}"),
            );
            None
        }
    }
}

/// A solved case: its record and, with `keep_plans`, its full report folder's files.
pub struct Solved {
    pub record: CaseRecord,
    pub plan_files: Vec<(String, Vec<u8>)>,
}

/// Solves the cases `shard` owns, in parallel; results in index order.
pub fn solve(
    cases: &[Prepared],
    solver: SolverChoice,
    keep_plans: bool,
    shard: Shard,
    quiet: bool,
) -> Vec<Solved> {
    let owned: Vec<(usize, &Prepared)> = cases
        .iter()
        .enumerate()
        .filter(|(i, _)| shard.owns(*i as u64))
        .collect();
    let bar = super::progress(owned.len() as u64, "solving cases", quiet);
    let out = owned
        .par_iter()
        .map(|&(i, case)| {
            let s = solve_case(i as u64, case, solver, keep_plans);
            bar.inc(1);
            s
        })
        .collect();
    bar.finish_and_clear();
    out
}

fn solve_case(index: u64, case: &Prepared, solver: SolverChoice, keep_plans: bool) -> Solved {
    let sc = &case.scenario;
    let mut record = CaseRecord {
        index,
        case: case.name.clone(),
        status: String::new(),
        objective_usd: None,
        spend_usd: Vec::new(),
        shortfall_usd: None,
        unmet_units: None,
        extra: Vec::new(),
        note: String::new(),
    };
    match crate::solve(sc, solver) {
        Ok(sol) => {
            let m = crate::report::metrics::compute(sc, &sol);
            record.status = "optimal".into();
            record.objective_usd = Some(m.totals.objective_usd);
            record.spend_usd = sc
                .providers
                .iter()
                .map(|p| {
                    let usd = m
                        .spend_by_provider_year
                        .get(&p.id)
                        .map(|y| y.values().sum())
                        .unwrap_or(0.0);
                    (p.id.clone(), usd)
                })
                .collect();
            record.shortfall_usd = Some(m.totals.shortfall_usd);
            record.unmet_units = Some(m.totals.unmet_units);
            record.extra = extra_measures(&m);
            let plan_files = if keep_plans {
                match crate::report::render(&m) {
                    Ok(files) => files
                        .into_iter()
                        .map(|(f, b)| (format!("cases/{}/{f}", case.name), b))
                        .collect(),
                    Err(e) => {
                        record.note = format!("its report folder could not be written: {e}");
                        Vec::new()
                    }
                }
            } else {
                Vec::new()
            };
            Solved { record, plan_files }
        }
        Err(e) => {
            record.status = match e {
                Error::Infeasible(_) => "infeasible",
                _ => "failed",
            }
            .into();
            record.note = e.to_string().lines().next().unwrap_or("").to_string();
            Solved {
                record,
                plan_files: Vec::new(),
            }
        }
    }
}

/// Every file of the sweep's report folder, from all the records in index order.
pub fn render(
    records: &[CaseRecord],
    plan_files: Vec<(String, Vec<u8>)>,
) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        ("sweep.csv".to_string(), crate::report::sweep::csv(records)),
        (
            "sweep.md".to_string(),
            crate::report::sweep::markdown(records),
        ),
        (
            "sweep.html".to_string(),
            crate::report::sweep::html(records),
        ),
    ];
    files.extend(plan_files);
    files
}
