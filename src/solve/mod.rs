//! Stage 4: solving. Backend choice, the lexicographic solve of `first_on`/`priority`, and the
//! elastic re-solve that explains an infeasible plan.

pub mod backend;
pub mod diagnose;
#[cfg(feature = "highs")]
pub mod warm;

use crate::model::{Model, RowName, Sense};
pub use backend::LpOutcome;

/// Which LP solver runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SolverChoice {
    /// Interior point, pure Rust, returns duals (the default).
    Clarabel,
    /// Dual simplex (cargo feature `highs`).
    Highs,
    /// Pure-Rust simplex, slow on large models, no duals (cargo feature `microlp`).
    Microlp,
}

impl SolverChoice {
    /// Whether this binary was built with the backend.
    pub fn is_built(self) -> bool {
        match self {
            SolverChoice::Clarabel => true,
            SolverChoice::Highs => cfg!(feature = "highs"),
            SolverChoice::Microlp => cfg!(feature = "microlp"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SolverChoice::Clarabel => "clarabel",
            SolverChoice::Highs => "highs",
            SolverChoice::Microlp => "microlp",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SolveError {
    Infeasible,
    Failed(String),
}

/// Relative room left on the first stage's amount when it is held in the second, tightest first:
/// an interior-point optimum is accurate to about 1e-10, and holding it exactly could make stage 2
/// infeasible. A looser hold is tried only if a tighter one fails.
pub const PRIORITY_HOLD_TOLERANCES: [f64; 3] = [1e-9, 1e-7, 1e-5];

/// The optimum of SPEC's objective, solved lexicographically when there are `priority` rules.
#[derive(Debug, Clone)]
pub struct Solved {
    pub outcome: LpOutcome,
    /// Demand units held on the `priority` providers (stage 1's optimum), if any rule.
    pub priority_served: Option<f64>,
}

pub fn solve_model(model: &mut Model, solver: SolverChoice) -> Result<Solved, SolveError> {
    solve_lp(&mut model.lp, solver)
}

/// As [`solve_model`], for any LP (the commitment-sizing model is assembled from many).
pub fn solve_lp(lp: &mut crate::model::Lp, solver: SolverChoice) -> Result<Solved, SolveError> {
    let mut priority_served = None;
    if !lp.priority.is_empty() {
        let mut weights = vec![0.0; lp.vars.len()];
        for &(j, a) in &lp.priority {
            weights[j] += a;
        }
        let stage1 = backend::solve(lp, &weights, true, solver)?;
        let best: f64 = weights.iter().zip(&stage1.x).map(|(a, x)| a * x).sum();
        let terms: Vec<(usize, f64)> = weights
            .iter()
            .enumerate()
            .filter(|(_, a)| **a != 0.0)
            .map(|(j, a)| (j, *a))
            .collect();
        lp.add_row(RowName::PriorityHold, terms, Sense::Ge, 0.0);
        priority_served = Some(best);
        let cost = lp.cost.clone();
        let mut last = SolveError::Infeasible;
        for tolerance in PRIORITY_HOLD_TOLERANCES {
            let hold = (best - tolerance * best.abs().max(1.0)).max(0.0);
            lp.rows.last_mut().expect("hold row").rhs = hold;
            match backend::solve(lp, &cost, false, solver) {
                Ok(outcome) => {
                    return Ok(Solved {
                        outcome,
                        priority_served,
                    })
                }
                Err(e) => last = e,
            }
        }
        return Err(last);
    }
    let cost = lp.cost.clone();
    let outcome = backend::solve(lp, &cost, false, solver)?;
    Ok(Solved {
        outcome,
        priority_served,
    })
}
