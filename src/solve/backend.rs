//! Hands an [`Lp`] to a good_lp backend and brings back column values and row duals.
//! Money is scaled so the largest objective coefficient is about 1 (costs run from cents to
//! billions); values and duals are returned in the LP's own units.

use super::{SolveError, SolverChoice};
use crate::model::{Lp, Sense};
use good_lp::{Expression, ProblemVariables, ResolutionError, SolverModel, Variable};

/// A solved LP: a value per column, a dual per row (good_lp's convention: d objective / d rhs),
/// and any note on accuracy.
#[derive(Debug, Clone)]
pub struct LpOutcome {
    pub x: Vec<f64>,
    pub duals: Option<Vec<f64>>,
    pub note: Option<String>,
}

/// Minimises `objective . x` (or maximises, with `maximise`) subject to the LP's rows, `x >= 0`.
pub fn solve(lp: &Lp, objective: &[f64], maximise: bool, solver: SolverChoice) -> Result<LpOutcome, SolveError> {
    // Rows without terms: 0 (sense) rhs either holds or makes the LP infeasible outright.
    for row in lp.rows.iter().filter(|r| r.terms.is_empty()) {
        let holds = match row.sense {
            Sense::Le => 0.0 <= row.rhs,
            Sense::Ge => 0.0 >= row.rhs,
            Sense::Eq => row.rhs == 0.0,
        };
        if !holds {
            return Err(SolveError::Infeasible);
        }
    }
    let largest = objective.iter().fold(0.0f64, |m, c| m.max(c.abs()));
    // A power of two, so scaling is exact.
    let scale = if largest > 0.0 { 2f64.powi(largest.log2().round() as i32) } else { 1.0 };
    let sign = if maximise { -1.0 } else { 1.0 };

    let mut vars = ProblemVariables::new();
    let columns: Vec<Variable> = vars.add_vector(good_lp::variable().min(0.0), lp.vars.len());
    let mut expr = Expression::with_capacity(lp.vars.len());
    for (j, &c) in objective.iter().enumerate() {
        if c != 0.0 {
            expr.add_mul(sign * c / scale, columns[j]);
        }
    }
    let problem = vars.minimise(expr);
    let unscale = |mut out: LpOutcome| {
        if let Some(d) = out.duals.as_mut() {
            d.iter_mut().for_each(|v| *v *= sign * scale);
        }
        out
    };
    match solver {
        SolverChoice::Clarabel => {
            let mut model = problem.using(good_lp::clarabel);
            let refs = add_rows(&mut model, lp, &columns);
            let solution = model.solve().map_err(map_error)?;
            use clarabel_status::note;
            let note = note(&solution);
            let x = columns.iter().map(|&v| good_lp::Solution::value(&solution, v)).collect();
            let mut solution = solution;
            let duals = {
                use good_lp::solvers::{DualValues, SolutionWithDual};
                let d = solution.compute_dual();
                refs.iter().map(|r| r.as_ref().map(|r| d.dual(r.clone())).unwrap_or(0.0)).collect()
            };
            Ok(unscale(LpOutcome { x, duals: Some(duals), note }))
        }
        #[cfg(feature = "highs")]
        SolverChoice::Highs => {
            let mut model = problem.using(good_lp::highs);
            let refs = add_rows(&mut model, lp, &columns);
            let mut solution = model.solve().map_err(map_error)?;
            let x = columns.iter().map(|&v| good_lp::Solution::value(&solution, v)).collect();
            let duals = {
                use good_lp::solvers::{DualValues, SolutionWithDual};
                let d = solution.compute_dual();
                refs.iter().map(|r| r.as_ref().map(|r| d.dual(r.clone())).unwrap_or(0.0)).collect()
            };
            Ok(unscale(LpOutcome { x, duals: Some(duals), note: None }))
        }
        #[cfg(feature = "microlp")]
        SolverChoice::Microlp => {
            let mut model = problem.using(good_lp::microlp);
            add_rows(&mut model, lp, &columns);
            let solution = model.solve().map_err(map_error)?;
            let x = columns.iter().map(|&v| good_lp::Solution::value(&solution, v)).collect();
            Ok(unscale(LpOutcome { x, duals: None, note: None }))
        }
        #[allow(unreachable_patterns)]
        other => Err(SolveError::Failed(format!(
            "solver '{}' is not built into this binary: rebuild with `cargo build --release --features {}`",
            other.name(),
            other.name()
        ))),
    }
}

mod clarabel_status {
    use clarabel::solver::SolverStatus;
    use good_lp::solvers::clarabel::ClarabelSolution;

    /// Clarabel's "almost" statuses are accepted by good_lp; say so in the report.
    pub fn note(solution: &ClarabelSolution) -> Option<String> {
        match solution.inner().status {
            SolverStatus::Solved => None,
            other => Some(format!("Clarabel finished with status {other:?}: the optimum is less accurate than usual")),
        }
    }
}

fn add_rows<M: SolverModel>(model: &mut M, lp: &Lp, columns: &[Variable]) -> Vec<Option<good_lp::constraint::ConstraintReference>> {
    lp.rows
        .iter()
        .map(|row| {
            if row.terms.is_empty() {
                return None;
            }
            let mut e = Expression::with_capacity(row.terms.len());
            for &(j, a) in &row.terms {
                e.add_mul(a, columns[j]);
            }
            let c = match row.sense {
                Sense::Le => e.leq(row.rhs),
                Sense::Ge => e.geq(row.rhs),
                Sense::Eq => e.eq(row.rhs),
            };
            Some(model.add_constraint(c))
        })
        .collect()
}

fn map_error(e: ResolutionError) -> SolveError {
    match e {
        ResolutionError::Infeasible => SolveError::Infeasible,
        ResolutionError::Unbounded => SolveError::Failed("the LP is unbounded (a cost is negative?)".into()),
        other => SolveError::Failed(other.to_string()),
    }
}
