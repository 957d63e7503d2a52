//! Stage 4: solving. Backend choice, the lexicographic solve of `first_on`/`priority`, and the
//! elastic re-solve that explains an infeasible plan.

pub mod backend;
pub mod decompose;
pub mod diagnose;
pub mod dual_simplex;
pub mod lots;
pub mod lu;
#[cfg(feature = "highs")]
pub mod mip_highs;
pub mod mps;
pub mod simplex;
pub mod verify;
#[cfg(feature = "highs")]
pub mod warm;

use crate::model::{Model, RowName, Sense, Var};
pub use backend::LpOutcome;

/// Which LP solver runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SolverChoice {
    /// Interior point, pure Rust, returns duals (what `auto` picks in the default build).
    Clarabel,
    /// Dual simplex (cargo feature `highs`).
    Highs,
    /// Pure-Rust simplex, slow on large models, no duals (cargo feature `microlp`).
    Microlp,
    /// COIN-OR Clp dual simplex through CBC (cargo feature `cbc`, Debian coinor-libcbc-dev): the
    /// fastest here on one large LP that does not split (whole-horizon contracts).
    Cbc,
    /// The default. Per LP block, by its size: CBC for a block of at least 10,000 columns when
    /// built, Clarabel otherwise (small models and blocks, and any model without CBC).
    Auto,
}

/// A block with at least this many columns goes to CBC under `--solver auto` (when built; the
/// `Auto` help text repeats the number).
/// Measured (benches/README.md, "Coupled instances (issue 15)"): CBC's dual simplex took 5.6x
/// less CPU than Clarabel on one 175k-column block (coupled L) and 5.2x less on the ~22k-column
/// year blocks of decomposable L, even one block at a time (Cbc 2.10 is not thread-safe); on the
/// reference (7k columns) they tie, and Clarabel, the tested default, keeps small models.
pub const AUTO_SIMPLEX_COLUMNS: usize = 10_000;

impl SolverChoice {
    /// Whether this binary was built with the backend.
    pub fn is_built(self) -> bool {
        match self {
            SolverChoice::Clarabel => true,
            SolverChoice::Highs => cfg!(feature = "highs"),
            SolverChoice::Microlp => cfg!(feature = "microlp"),
            SolverChoice::Cbc => cfg!(feature = "cbc"),
            SolverChoice::Auto => true,
        }
    }

    /// The backend that solves `lp`: itself, or for `Auto` the one its shape calls for.
    pub fn pick(self, lp: &crate::model::Lp) -> SolverChoice {
        match self {
            SolverChoice::Auto
                if SolverChoice::Cbc.is_built() && lp.vars.len() >= AUTO_SIMPLEX_COLUMNS =>
            {
                SolverChoice::Cbc
            }
            SolverChoice::Auto => SolverChoice::Clarabel,
            other => other,
        }
    }

    /// The backend(s) that solve `lp`, for the reports: `auto` resolved over its blocks.
    pub fn used_on(self, lp: &crate::model::Lp) -> &'static str {
        if self != SolverChoice::Auto || !SolverChoice::Cbc.is_built() {
            return self.pick(lp).name();
        }
        let sizes: Vec<usize> = match decompose::blocks(lp) {
            groups if groups.len() > 1 => groups.iter().map(|g| g.len()).collect(),
            _ => vec![lp.vars.len()],
        };
        match (
            sizes.iter().any(|&n| n >= AUTO_SIMPLEX_COLUMNS),
            sizes.iter().all(|&n| n >= AUTO_SIMPLEX_COLUMNS),
        ) {
            (true, true) => "cbc",
            (true, false) => "cbc+clarabel",
            _ => "clarabel",
        }
    }

    /// For messages: `auto` says what it is in this build (always Clarabel without CBC).
    pub fn label(self) -> &'static str {
        match self {
            SolverChoice::Auto if !SolverChoice::Cbc.is_built() => "clarabel",
            other => other.name(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SolverChoice::Clarabel => "clarabel",
            SolverChoice::Highs => "highs",
            SolverChoice::Microlp => "microlp",
            SolverChoice::Cbc => "cbc",
            SolverChoice::Auto => "auto",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SolveError {
    Infeasible,
    Failed(String),
}

/// Relative room left on an earlier stage's optimum when it is held in the next (the priority
/// guard: SPEC asks for 1e-9), tightest first: an interior-point optimum is accurate to about
/// 1e-10, and holding it exactly could make the next stage infeasible. A looser hold is tried only
/// if a tighter one fails, and the plan's note then says so.
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
    /// With whole-lot decisions: a proven lower bound on the objective (None: the plan is an LP optimum).
    pub bound_usd: Option<f64>,
}

/// Solves the model; with whole-lot columns, by the whole-lot search of `lots` (or HiGHS's MIP
/// when that backend is chosen and built).
pub fn solve_model(model: &mut Model, solver: SolverChoice) -> Result<Solved, SolveError> {
    if model.lp.integer.is_empty() {
        return solve_lp(&mut model.lp, solver);
    }
    let integer = model.lp.integer.clone();
    let gap = model.lp.mip_gap;
    #[cfg(feature = "highs")]
    if solver == SolverChoice::Highs {
        return mip_highs::solve_whole(&mut model.lp, &integer, gap);
    }
    lots::solve_whole(&mut model.lp, &integer, gap, solver)
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
    // Each block's own hold rows (priority guard stages), in global column numbers: they join
    // the LP so their duals explain the plan as in an undivided solve.
    type BlockResult = (Solved, Vec<usize>, Vec<crate::model::lp::Row>);
    let solved: Vec<Result<BlockResult, SolveError>> = groups
        .par_iter()
        .enumerate()
        .map(|(g, cols)| {
            let (mut sub, rows) = decompose::sub_lp(lp, cols, &block_of, g);
            solve_block(&mut sub, solver).map(|s| {
                let holds = sub.rows[rows.len()..]
                    .iter()
                    .map(|r| crate::model::lp::Row {
                        terms: r.terms.iter().map(|&(k, a)| (cols[k], a)).collect(),
                        ..r.clone()
                    })
                    .collect();
                (s, rows, holds)
            })
        })
        .collect();
    let mut x = vec![0.0; lp.vars.len()];
    let mut duals: Option<Vec<f64>> = Some(vec![0.0; lp.rows.len()]);
    let mut priority_served: Option<f64> = None;
    let mut note = None;
    let mut hold_rows = Vec::new();
    for ((result, cols), _) in solved.into_iter().zip(&groups).zip(0..) {
        let (s, rows, holds) = result?;
        for (k, &j) in cols.iter().enumerate() {
            x[j] = s.outcome.x[k];
        }
        match (&mut duals, &s.outcome.duals) {
            (Some(d), Some(sd)) => {
                for (k, &i) in rows.iter().enumerate() {
                    d[i] = sd[k];
                }
                hold_rows.extend(
                    holds
                        .into_iter()
                        .zip(&sd[rows.len()..])
                        .map(|(r, &y)| (r, y)),
                );
            }
            _ => {
                duals = None;
                hold_rows.extend(holds.into_iter().map(|r| (r, 0.0)));
            }
        }
        if let Some(p) = s.priority_served {
            *priority_served.get_or_insert(0.0) += p;
        }
        note = note.or(s.outcome.note);
    }
    for (row, y) in hold_rows {
        lp.rows.push(row);
        if let Some(d) = &mut duals {
            d.push(y);
        }
    }
    Ok(Solved {
        outcome: LpOutcome {
            objective: Some(verify::sum(lp.cost.iter().zip(&x).map(|(c, v)| c * v))),
            x,
            duals,
            note,
        },
        priority_served,
        bound_usd: None,
    })
}

/// One block. With `priority` terms, the priority guard's three stages (SPEC v2): (0) least
/// unmet-demand penalty; (1) with that held, most covered demand units on the provider; (2) with
/// both held, least cost. Stage 0 is skipped when the block has no penalised unmet column.
fn solve_block(lp: &mut crate::model::Lp, solver: SolverChoice) -> Result<Solved, SolveError> {
    let cost = lp.cost.clone();
    let stage0_applies = lp.guard && unmet_penalty(lp, &cost).iter().any(|&c| c > 0.0);
    if lp.priority.is_empty() && !stage0_applies {
        let outcome = verify::solve_checked(lp, &cost, false, solver)?;
        return Ok(Solved {
            outcome,
            priority_served: None,
            bound_usd: None,
        });
    }
    let mut loosest = PRIORITY_HOLD_TOLERANCES[0];
    // Stage 0: the unmet-demand penalty alone.
    let penalty = unmet_penalty(lp, &cost);
    if penalty.iter().any(|&c| c > 0.0) {
        // Proven tight, as stage 1's maximum: any slack loosens the hold.
        let stage0 = verify::solve_checked_to(lp, &penalty, false, solver, STAGE1_OPTIMALITY)?;
        let least = dot(&penalty, &stage0.x);
        let terms = nonzero_terms(&penalty);
        lp.add_row(RowName::UnmetHold, terms, Sense::Le, least);
        let hold_row = lp.rows.len() - 1;
        // Held with room `tol * max(least, 1)`; `least` is the RHS of a <= row.
        let set = |lp: &mut crate::model::Lp, tol: f64| {
            lp.rows[hold_row].rhs = least + tol * least.abs().max(1.0);
        };
        if lp.priority.is_empty() {
            // The rule covers no column here: stage 1 is empty, cost is minimised under the hold.
            let (mut outcome, tol) =
                solve_held(lp, &cost, false, solver, verify::OPTIMALITY_TOL, set)?;
            note_loose_hold(&mut outcome, tol);
            return Ok(Solved {
                outcome,
                priority_served: Some(0.0),
                bound_usd: None,
            });
        }
        let weights = priority_weights(lp.vars.len(), &lp.priority);
        let (stage1, tol) = solve_held(lp, &weights, true, solver, STAGE1_OPTIMALITY, set)?;
        loosest = loosest.max(tol);
        return finish(lp, weights, stage1, cost, solver, loosest);
    }
    let weights = priority_weights(lp.vars.len(), &lp.priority);
    // Proven to STAGE1_OPTIMALITY: a first stage short of its maximum loosens the hold.
    let stage1 = verify::solve_checked_to(lp, &weights, true, solver, STAGE1_OPTIMALITY)?;
    finish(lp, weights, stage1, cost, solver, loosest)
}

/// Stage 2: hold stage 1's covered amount and minimise the objective.
fn finish(
    lp: &mut crate::model::Lp,
    weights: Vec<f64>,
    stage1: LpOutcome,
    cost: Vec<f64>,
    solver: SolverChoice,
    loosest: f64,
) -> Result<Solved, SolveError> {
    let best = dot(&weights, &stage1.x);
    lp.add_row(
        RowName::PriorityHold,
        nonzero_terms(&weights),
        Sense::Ge,
        0.0,
    );
    let hold_row = lp.rows.len() - 1;
    let set = |lp: &mut crate::model::Lp, tol: f64| {
        lp.rows[hold_row].rhs = (best - tol * best.abs().max(1.0)).max(0.0);
    };
    let (mut outcome, tol) = solve_held(lp, &cost, false, solver, verify::OPTIMALITY_TOL, set)?;
    note_loose_hold(&mut outcome, loosest.max(tol));
    Ok(Solved {
        outcome,
        priority_served: Some(best),
        bound_usd: None,
    })
}

/// The note of a priority stage held looser than SPEC's 1e-9.
pub(crate) fn loose_hold_note(tolerance: f64) -> String {
    format!(
        "priority stages held to a relative {tolerance:e} (looser than SPEC's 1e-9: the solver could not hold it tighter)"
    )
}

/// Says in the plan's note when a priority stage was held looser than SPEC's 1e-9.
fn note_loose_hold(outcome: &mut LpOutcome, loosest: f64) {
    if loosest > PRIORITY_HOLD_TOLERANCES[0] {
        let note = loose_hold_note(loosest);
        outcome.note = Some(match outcome.note.take() {
            Some(n) => format!("{n}; {note}"),
            None => note,
        });
    }
}

/// Solves (checked, proven to `optimality`) with the last hold row at the tightest tolerance that
/// the solver can meet. A hold is loosened only when the solver finds it infeasible: a plan that
/// failed the optimality check is not made acceptable by asking for less.
fn solve_held(
    lp: &mut crate::model::Lp,
    objective: &[f64],
    maximise: bool,
    solver: SolverChoice,
    optimality: f64,
    set: impl Fn(&mut crate::model::Lp, f64),
) -> Result<(LpOutcome, f64), SolveError> {
    let mut last = SolveError::Infeasible;
    for tolerance in PRIORITY_HOLD_TOLERANCES {
        set(lp, tolerance);
        match verify::solve_checked_to(lp, objective, maximise, solver, optimality) {
            Ok(outcome) => return Ok((outcome, tolerance)),
            Err(SolveError::Infeasible) => last = SolveError::Infeasible,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// The priority guard's stage-0 objective: `cost` on the unmet-demand columns, 0 elsewhere.
pub(crate) fn unmet_penalty(lp: &crate::model::Lp, cost: &[f64]) -> Vec<f64> {
    lp.vars
        .iter()
        .zip(cost)
        .map(|(v, &c)| {
            if matches!(v, Var::Unmet { .. }) {
                c
            } else {
                0.0
            }
        })
        .collect()
}

fn dot(a: &[f64], x: &[f64]) -> f64 {
    a.iter().zip(x).map(|(a, x)| a * x).sum()
}

/// The priority rule's terms as one weight per column (a column listed twice is summed): the
/// objective of stage 1, and of the hold row on it.
pub(crate) fn priority_weights(n: usize, priority: &[(usize, f64)]) -> Vec<f64> {
    let mut weights = vec![0.0; n];
    for &(j, a) in priority {
        weights[j] += a;
    }
    weights
}

/// A dense vector's nonzero entries, as row terms.
pub(crate) fn nonzero_terms(a: &[f64]) -> Vec<(usize, f64)> {
    a.iter()
        .enumerate()
        .filter(|(_, a)| **a != 0.0)
        .map(|(j, a)| (j, *a))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_without_cbc_is_clarabel_in_messages_and_reports() {
        if SolverChoice::Cbc.is_built() {
            return; // the cbc build's naming is tested in backend::cbc_tests
        }
        let mut lp = crate::model::Lp::default();
        for o in 0..AUTO_SIMPLEX_COLUMNS {
            let v = Var::Alloc {
                offer: crate::scenario::OfferId(o),
                workload: crate::scenario::WorkloadId(0),
                t: 0,
            };
            lp.add_var(v, 1.0, 1.0, f64::INFINITY);
        }
        assert_eq!(SolverChoice::Auto.used_on(&lp), "clarabel");
        assert_eq!(SolverChoice::Auto.label(), "clarabel");
        assert_eq!(SolverChoice::Auto.name(), "auto");
    }
}
