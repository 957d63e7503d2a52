//! capplan: a compute capacity planner. The pipeline, one stage per module:
//!
//! `input` (CSV tables with line numbers) → `scenario` (validated, typed ids) → `model` (the LP,
//! one file per constraint family) → `solve` (backend, lexicographic priority, infeasibility
//! diagnosis) → `solution` (typed results) → `report` (metrics once, rendered as CSV/JSON/Markdown).

pub mod analysis;
pub mod cli;
pub mod diagnostics;
pub mod error;
pub mod input;
pub mod model;
pub mod report;
pub mod scenario;
pub mod solution;
pub mod solve;
pub mod synth;

use error::{Error, Result};
use report::format::units;
use scenario::Scenario;
use solve::{SolveError, SolverChoice};
use std::path::Path;

/// Reads and validates a scenario folder; every problem comes back at once.
pub fn load(dir: &Path) -> Result<Scenario> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a folder (expected a scenario folder of CSV files)",
            dir.display()
        )));
    }
    let mut diags = diagnostics::Diagnostics::default();
    let tables = input::read_folder(dir, &mut diags);
    let name = scenario_name(dir);
    match scenario::build(&name, &tables, &mut diags) {
        Some(sc) if diags.is_empty() => Ok(sc),
        _ => Err(Error::Input(diags)),
    }
}

/// The folder's own name (`inputs/openai-2025` → `openai-2025`).
pub fn scenario_name(dir: &Path) -> String {
    std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "scenario".into())
}

/// Builds and solves SPEC's model. An infeasible model is explained by the elastic re-solve.
pub fn solve(sc: &Scenario, solver: SolverChoice) -> Result<solution::Solution> {
    solve_with_model(sc, solver).map(|(_, s)| s)
}

/// As [`solve`], also returning the model (its rows' terms, for explaining the plan).
pub fn solve_with_model(
    sc: &Scenario,
    solver: SolverChoice,
) -> Result<(model::Model, solution::Solution)> {
    let mut model = model::build(sc, false);
    match solve::solve_model(&mut model, solver) {
        Ok(solved) => {
            let sol = solution::extract(sc, &model, &solved, solver.used_on(&model.lp));
            Ok((model, sol))
        }
        Err(SolveError::Infeasible) => Err(Error::Infeasible(explain_infeasible(sc, solver))),
        Err(SolveError::Failed(msg)) => Err(Error::Solver(msg)),
    }
}

fn explain_infeasible(sc: &Scenario, solver: SolverChoice) -> String {
    let mut text =
        String::from("infeasible: no plan meets every hard demand under the constraints.\n");
    match solve::diagnose::demand_shortfalls(sc, solver) {
        Ok(short) if !short.is_empty() => {
            text.push_str(
                "Workload-months that fall short (the smallest total shortfall, found by re-solving with demand made \
                 elastic):\n",
            );
            for s in &short {
                let d = sc.demand(s.workload, s.t);
                text.push_str(&format!(
                    "  {} {}: {} demand units short of {} ({:.1}%)\n",
                    sc.month(s.t),
                    sc.workloads[s.workload.0].id,
                    units(s.short),
                    units(d),
                    if d > 0.0 { 100.0 * s.short / d } else { 0.0 }
                ));
            }
            let total: f64 = short.iter().map(|s| s.short).sum();
            text.push_str(&format!(
                "Total: {} demand-unit-months short. Add capacity, relax a rule, or give these workloads an \
                 unmet_usd_per_unit_hour to plan around the gap.",
                units(total)
            ));
        }
        Ok(_) => text.push_str(
            "Re-solving with every demand elastic finds no shortfall: the conflict is numerical or between clauses. \
             Try --solver highs if built.",
        ),
        Err(e) => text.push_str(&format!("The elastic re-solve failed too: {e:?}")),
    }
    match solve::diagnose::constraint_relaxations(sc, solver) {
        Ok(Some(relax)) if !relax.is_empty() => {
            text.push_str(
                "\nOr relax these constraints (an irreducible set: each is needed; found by an elastic re-solve with \
                 priced slacks, then narrowed one by one):\n",
            );
            for r in &relax {
                text.push_str(&format!("  - {}\n", r.describe(sc)));
            }
        }
        Ok(_) => text.push_str(
            "\nNo relaxation of capacity, power or rules makes the plan feasible: the demand itself exceeds what the \
             offers can serve.",
        ),
        Err(e) => text.push_str(&format!("\nThe constraint diagnosis failed: {e:?}")),
    }
    text.trim_end().to_string()
}
