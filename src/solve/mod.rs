//! Stage 4: solving. Backend choice, the lexicographic solve of `first_on`/`priority`, and the
//! elastic re-solve that explains an infeasible plan.

pub mod backend;
pub mod decompose;
pub mod diagnose;
pub mod mps;
pub mod verify;
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

/// Relative gap to which the first stage's maximum is proven. Tighter than the plan's 1e-6
/// (`verify::OPTIMALITY_TOL`), since any shortfall loosens the hold; as tight as an
/// interior-point optimum's duals reliably prove.
pub const STAGE1_OPTIMALITY: f64 = 1e-7;

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

/// As [`solve_model`], for any LP (the commitment-sizing model is assembled from many). Independent
/// blocks of the LP (see `decompose`) are solved separately, in parallel.
pub fn solve_lp(lp: &mut crate::model::Lp, solver: SolverChoice) -> Result<Solved, SolveError> {
    use rayon::prelude::*;
    // CAPPLAN_NO_DECOMPOSE: solve as one LP (for measuring what decomposition buys).
    let groups = if std::env::var_os("CAPPLAN_NO_DECOMPOSE").is_some() {
        Vec::new()
    } else {
        decompose::blocks(lp)
    };
    if groups.len() <= 1 {
        return solve_block(lp, solver);
    }
    let mut block_of = vec![0; lp.vars.len()];
    for (g, cols) in groups.iter().enumerate() {
        for &j in cols {
            block_of[j] = g;
        }
    }
    // Rows without columns belong to no block: they hold or the whole LP is infeasible.
    let empty: Vec<_> = lp
        .rows
        .iter()
        .filter(|r| r.terms.is_empty())
        .cloned()
        .collect();
    if !empty.is_empty() {
        let mut only = crate::model::Lp {
            rows: empty,
            ..Default::default()
        };
        backend::solve(&only, &[], false, solver)?;
        only.rows.clear();
    }
    let solved: Vec<Result<(Solved, Vec<usize>), SolveError>> = groups
        .par_iter()
        .enumerate()
        .map(|(g, cols)| {
            let (mut sub, rows) = decompose::sub_lp(lp, cols, &block_of, g);
            solve_block(&mut sub, solver).map(|s| (s, rows))
        })
        .collect();
    let mut x = vec![0.0; lp.vars.len()];
    let mut duals: Option<Vec<f64>> = Some(vec![0.0; lp.rows.len()]);
    let mut priority_served: Option<f64> = None;
    let mut note = None;
    for ((result, cols), _) in solved.into_iter().zip(&groups).zip(0..) {
        let (s, rows) = result?;
        for (k, &j) in cols.iter().enumerate() {
            x[j] = s.outcome.x[k];
        }
        match (&mut duals, &s.outcome.duals) {
            (Some(d), Some(sd)) => {
                for (k, &i) in rows.iter().enumerate() {
                    d[i] = sd[k];
                }
            }
            _ => duals = None,
        }
        if let Some(p) = s.priority_served {
            *priority_served.get_or_insert(0.0) += p;
        }
        note = note.or(s.outcome.note);
    }
    Ok(Solved {
        outcome: LpOutcome {
            objective: Some(verify::sum(lp.cost.iter().zip(&x).map(|(c, v)| c * v))),
            x,
            duals,
            note,
        },
        priority_served,
    })
}

/// One block: lexicographic when it has `priority` terms.
fn solve_block(lp: &mut crate::model::Lp, solver: SolverChoice) -> Result<Solved, SolveError> {
    let mut priority_served = None;
    if !lp.priority.is_empty() {
        let mut weights = vec![0.0; lp.vars.len()];
        for &(j, a) in &lp.priority {
            weights[j] += a;
        }
        // Proven to STAGE1_OPTIMALITY: a first stage short of its maximum loosens the hold.
        let stage1 = verify::solve_checked_to(lp, &weights, true, solver, STAGE1_OPTIMALITY)?;
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
            match verify::solve_checked(lp, &cost, false, solver) {
                Ok(outcome) => {
                    return Ok(Solved {
                        outcome,
                        priority_served,
                    })
                }
                // Loosen the hold only when the solver finds it infeasible: a plan that failed the
                // optimality check is not made acceptable by asking for less.
                Err(SolveError::Infeasible) => last = SolveError::Infeasible,
                Err(e) => return Err(e),
            }
        }
        return Err(last);
    }
    let cost = lp.cost.clone();
    let outcome = verify::solve_checked(lp, &cost, false, solver)?;
    Ok(Solved {
        outcome,
        priority_served,
    })
}
