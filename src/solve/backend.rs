//! Hands an [`Lp`] to a good_lp backend and brings back column values and row duals.
//!
//! The model spans single vCPUs to $100B commitments, beyond what a solver's own equilibration
//! covers (Clarabel: 1e-4..1e4), and an interior-point method then reports false infeasibility.
//! So columns are scaled by their magnitude (`x = c * x'`), rows by their largest coefficient,
//! and the objective by its largest coefficient, all by powers of two (exact); values and duals
//! come back in the LP's own units.

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
    /// The objective as the solver reported it, in the LP's units (before any noise is dropped),
    /// for the optimality check to compare with its own recomputation.
    pub objective: Option<f64>,
}

/// How hard the backend tries: the first solve uses the defaults; a repair after a failed
/// optimality check (see `verify`) asks for more.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tuning {
    /// Clarabel: gap and feasibility tolerances of 1e-12 (else 1e-9), more iterations and
    /// iterative refinement, a smaller static regularisation.
    pub tight: bool,
    /// Scale the objective by the median magnitude of its nonzero coefficients rather than the
    /// largest: with costs spread over 1e12, dividing by the largest puts the ordinary costs below
    /// the solver's tolerances.
    pub median_objective_scale: bool,
    /// Scale each row by the geometric mean of its extreme coefficients (see [`Scaling::of`]).
    pub geometric_row_scale: bool,
}

/// Minimises `objective . x` (or maximises, with `maximise`) subject to the LP's rows, `x >= 0`.
pub fn solve(
    lp: &Lp,
    objective: &[f64],
    maximise: bool,
    solver: SolverChoice,
) -> Result<LpOutcome, SolveError> {
    solve_tuned(lp, objective, maximise, solver, Tuning::default())
}

/// As [`solve`], with the effort of `tuning`.
pub fn solve_tuned(
    lp: &Lp,
    objective: &[f64],
    maximise: bool,
    solver: SolverChoice,
    tuning: Tuning,
) -> Result<LpOutcome, SolveError> {
    let solver = solver.pick(lp);
    if !empty_rows_hold(lp) {
        return Err(SolveError::Infeasible);
    }
    // No columns: the rows above all hold, and the plan is empty (an interior-point solver
    // cannot factor an empty system).
    if lp.vars.is_empty() {
        return Ok(LpOutcome {
            x: Vec::new(),
            duals: Some(vec![0.0; lp.rows.len()]),
            note: None,
            objective: Some(0.0),
        });
    }
    let Scaling {
        col: col_scale,
        row: row_scale,
        objective: scale,
    } = if solver == SolverChoice::Cbc && std::env::var_os("CAPPLAN_CBC_SCALED").is_none() {
        // Clp scales for itself (geometric, on the model as written): ours, made for an interior
        // point, shrinks the costs below Clp's dual tolerance and slowed it more than tenfold on
        // coupled L (benches/README.md).
        Scaling::none(lp)
    } else {
        Scaling::of(
            lp,
            objective,
            tuning.median_objective_scale,
            tuning.geometric_row_scale,
        )
    };
    let sign = if maximise { -1.0 } else { 1.0 };
    let unscale = |mut out: LpOutcome| {
        out.x.iter_mut().zip(&col_scale).for_each(|(v, s)| *v *= s);
        if let Some(d) = out.duals.as_mut() {
            d.iter_mut()
                .zip(&row_scale)
                .for_each(|(v, r)| *v *= sign * scale / r);
        }
        out
    };
    let q: Vec<f64> = objective
        .iter()
        .zip(&col_scale)
        .map(|(&c, s)| if c != 0.0 { sign * c * s / scale } else { 0.0 })
        .collect();
    // CBC gets its matrix directly (column-major, from the LP's rows): good_lp's per-row
    // expressions and coin_cbc's per-column maps took 1.23 GiB on coupled XL, 0.97 without them
    // (benches/README.md, issue 15).
    #[cfg(feature = "cbc")]
    if solver == SolverChoice::Cbc {
        let out = cbc_direct::solve(lp, &q, &col_scale, &row_scale)?;
        return Ok(unscale(LpOutcome {
            objective: out.objective.map(|o| sign * scale * o),
            ..out
        }));
    }

    let mut vars = ProblemVariables::new();
    let columns: Vec<Variable> = vars.add_vector(good_lp::variable().min(0.0), lp.vars.len());
    let mut expr = Expression::with_capacity(lp.vars.len());
    for (j, &c) in q.iter().enumerate() {
        if c != 0.0 {
            expr.add_mul(c, columns[j]);
        }
    }
    let problem = vars.minimise(expr);
    match solver {
        SolverChoice::Clarabel => {
            let mut model = problem.using(good_lp::clarabel);
            // Tighter than Clarabel's 1e-8 defaults: `priority` holds a first-stage optimum.
            model.settings().tol_gap_rel(1e-9).tol_gap_abs(1e-9).tol_feas(1e-9);
            if tuning.tight {
                model
                    .settings()
                    .tol_gap_rel(1e-12)
                    .tol_gap_abs(1e-12)
                    .tol_feas(1e-12)
                    .max_iter(400)
                    .static_regularization_constant(1e-10)
                    .iterative_refinement_max_iter(40)
                    .iterative_refinement_reltol(1e-15)
                    .iterative_refinement_abstol(1e-15)
                    .equilibrate_max_iter(40);
            }
            if std::env::var_os("CAPPLAN_SOLVER_LOG").is_some() {
                model.settings().verbose(true);
            }
            let refs = add_rows(&mut model, lp, &columns, &col_scale, &row_scale);
            let solution = model.solve().map_err(map_error)?;
            use clarabel_status::note;
            let note = note(solution.inner());
            let reported = sign * scale * solution.inner().obj_val;
            let x = columns.iter().map(|&v| good_lp::Solution::value(&solution, v)).collect();
            let mut solution = solution;
            let duals = {
                use good_lp::solvers::{DualValues, SolutionWithDual};
                let d = solution.compute_dual();
                refs.iter().map(|r| r.as_ref().map(|r| d.dual(r.clone())).unwrap_or(0.0)).collect()
            };
            Ok(unscale(LpOutcome {
                x,
                duals: Some(duals),
                note,
                objective: Some(reported),
            }))
        }
        #[cfg(feature = "highs")]
        SolverChoice::Highs => {
            let mut model = problem.using(good_lp::highs);
            let refs = add_rows(&mut model, lp, &columns, &col_scale, &row_scale);
            let mut solution = model.solve().map_err(map_error)?;
            let x = columns.iter().map(|&v| good_lp::Solution::value(&solution, v)).collect();
            let duals = {
                use good_lp::solvers::{DualValues, SolutionWithDual};
                let d = solution.compute_dual();
                refs.iter().map(|r| r.as_ref().map(|r| d.dual(r.clone())).unwrap_or(0.0)).collect()
            };
            Ok(unscale(LpOutcome {
                x,
                duals: Some(duals),
                note: None,
                objective: None,
            }))
        }
        #[cfg(feature = "microlp")]
        SolverChoice::Microlp => {
            let mut model = problem.using(good_lp::microlp);
            add_rows(&mut model, lp, &columns, &col_scale, &row_scale);
            let solution = model.solve().map_err(map_error)?;
            let x = columns.iter().map(|&v| good_lp::Solution::value(&solution, v)).collect();
            Ok(unscale(LpOutcome {
                x,
                duals: None,
                note: None,
                objective: None,
            }))
        }
        #[allow(unreachable_patterns)]
        other => Err(SolveError::Failed(format!(
            "solver '{}' is not built into this binary: rebuild with `cargo build --release --features {}`",
            other.name(),
            other.name()
        ))),
    }
}

/// The LP's rows as CBC is given them: every row except the empty and redundant ones (their
/// duals are 0), in the LP's order, scaled (`a * col[j] / row[i]`), column by column, a column
/// listed twice in a row summed into one entry.
#[cfg(feature = "cbc")]
struct Csc {
    /// LP row index of each passed row.
    rows: Vec<usize>,
    colptr: Vec<usize>,
    rowval: Vec<usize>,
    nzval: Vec<f64>,
}

#[cfg(feature = "cbc")]
impl Csc {
    fn of(lp: &Lp, col: &[f64], row: &[f64]) -> Csc {
        let n = lp.vars.len();
        let rows: Vec<usize> = (0..lp.rows.len())
            .filter(|&i| !lp.rows[i].terms.is_empty() && !lp.is_redundant(&lp.rows[i]))
            .collect();
        let mut colptr = vec![0usize; n + 1];
        for &i in &rows {
            for &(j, _) in &lp.rows[i].terms {
                colptr[j + 1] += 1;
            }
        }
        for j in 0..n {
            colptr[j + 1] += colptr[j];
        }
        let nnz = colptr[n];
        let mut next = colptr[..n].to_vec();
        let mut rowval = vec![0usize; nnz];
        let mut nzval = vec![0.0f64; nnz];
        let mut merged = false;
        for (k, &i) in rows.iter().enumerate() {
            for &(j, a) in &lp.rows[i].terms {
                let v = a * col[j] / row[i];
                let p = next[j];
                if p > colptr[j] && rowval[p - 1] == k {
                    // The row lists the column again: one entry, summed in the row's order.
                    nzval[p - 1] += v;
                    merged = true;
                } else {
                    rowval[p] = k;
                    nzval[p] = v;
                    next[j] += 1;
                }
            }
        }
        if merged {
            // Close the gaps the merged entries left.
            let mut w = 0;
            for j in 0..n {
                let (s, e) = (colptr[j], next[j]);
                colptr[j] = w;
                for p in s..e {
                    rowval[w] = rowval[p];
                    nzval[w] = nzval[p];
                    w += 1;
                }
            }
            colptr[n] = w;
            rowval.truncate(w);
            nzval.truncate(w);
        }
        Csc {
            rows,
            colptr,
            rowval,
            nzval,
        }
    }
}

/// Clp/CBC through coin_cbc's raw API, the matrix loaded column by column in one call (good_lp
/// and coin_cbc's own model keep an ordered map per column, several times the LP's memory on
/// coupled XL). Row duals: Cbc 2.10's C API (all that coin_cbc binds) has no row prices, but it
/// has the columns' reduced costs `d_j = c_j - a_j . y`. So every row `a . x (sense) b` is passed
/// as `a . x + s = b` with a slack column `s` of cost 0 and bounds that keep the sense (`<=`:
/// s >= 0; `>=`: s <= 0; `=`: s = 0): the slack's reduced cost is `-y`. Clp's presolve folds such
/// singleton columns back into row bounds, so they cost little.
#[cfg(feature = "cbc")]
mod cbc_direct {
    use super::{Csc, LpOutcome, SolveError};
    use crate::model::{Lp, Sense};
    use coin_cbc::raw::{Model, Sense as CbcSense};
    use std::os::raw::c_int;

    pub fn solve(lp: &Lp, q: &[f64], col: &[f64], row: &[f64]) -> Result<LpOutcome, SolveError> {
        let n = lp.vars.len();
        let csc = Csc::of(lp, col, row);
        let k = csc.rows.len();
        let index_of = |v: usize| {
            c_int::try_from(v).map_err(|_| SolveError::Failed("the LP is too large for CBC".into()))
        };
        let nnz = csc.colptr[n] + k;
        let mut start: Vec<c_int> = Vec::with_capacity(n + k + 1);
        for &p in &csc.colptr {
            start.push(index_of(p)?);
        }
        let mut index: Vec<c_int> = Vec::with_capacity(nnz);
        for &r in &csc.rowval {
            index.push(index_of(r)?);
        }
        let Csc {
            rows, mut nzval, ..
        } = csc;
        nzval.reserve_exact(k);
        // The slack columns, one entry each.
        let mut lower = vec![0.0; n + k];
        let mut upper = vec![f64::INFINITY; n + k];
        let mut rhs = Vec::with_capacity(k);
        for (s, &i) in rows.iter().enumerate() {
            index.push(index_of(s)?);
            nzval.push(1.0);
            start.push(start[n + s] + 1);
            let r = &lp.rows[i];
            match r.sense {
                Sense::Le => {}
                Sense::Ge => {
                    lower[n + s] = f64::NEG_INFINITY;
                    upper[n + s] = 0.0;
                }
                Sense::Eq => upper[n + s] = 0.0,
            }
            rhs.push(r.rhs / row[i]);
        }
        let mut obj = q.to_vec();
        obj.resize(n + k, 0.0);
        let mut model = Model::new();
        model.load_problem(
            n + k,
            k,
            &start,
            &index,
            &nzval,
            Some(&lower),
            Some(&upper),
            Some(&obj),
            Some(&rhs),
            Some(&rhs),
        );
        drop((start, index, nzval, lower, upper, obj, rhs));
        model.set_obj_sense(CbcSense::Minimize);
        model.set_log_level(if std::env::var_os("CAPPLAN_SOLVER_LOG").is_some() {
            1
        } else {
            0
        });
        model.solve();
        // As good_lp read the statuses.
        if model.is_continuous_unbounded() {
            return Err(SolveError::Failed(
                "the LP is unbounded (a cost is negative?)".into(),
            ));
        }
        if model.is_proven_infeasible() {
            return Err(SolveError::Infeasible);
        }
        if !model.is_proven_optimal() {
            return Err(SolveError::Failed(format!(
                "CBC stopped without proving the LP optimal (status {:?}, {:?})",
                model.status(),
                model.secondary_status()
            )));
        }
        let d = model.reduced_cost();
        let mut duals = vec![0.0; lp.rows.len()];
        for (s, &i) in rows.iter().enumerate() {
            duals[i] = -d[n + s];
        }
        Ok(LpOutcome {
            x: model.col_solution()[..n].to_vec(),
            duals: Some(duals),
            note: None,
            objective: Some(model.obj_value()),
        })
    }
}

mod clarabel_status {
    use clarabel::solver::{DefaultSolution, SolverStatus};

    /// Accuracy that still counts as an optimum, relative (objective gap and residuals).
    const ACCEPTABLE: f64 = 1e-7;

    /// Clarabel's "almost" statuses are accepted by good_lp; say so in the report when the
    /// optimum reached is less accurate than `ACCEPTABLE`.
    pub fn note(s: &DefaultSolution<f64>) -> Option<String> {
        let gap = (s.obj_val - s.obj_val_dual).abs() / s.obj_val.abs().max(1.0);
        match s.status {
            SolverStatus::Solved => None,
            _ if gap <= ACCEPTABLE && s.r_prim <= ACCEPTABLE && s.r_dual <= ACCEPTABLE => None,
            other => Some(format!(
                "Clarabel stopped with status {other:?} (relative gap {gap:.1e}, residuals {:.1e}/{:.1e}): the \
                 optimum is less accurate than usual",
                s.r_prim, s.r_dual
            )),
        }
    }
}

/// Column, row and objective scale factors (powers of two): `x = col * x'`, row `i` divided by
/// `row[i]`, the objective divided by `objective`.
#[derive(Clone)]
pub struct Scaling {
    pub col: Vec<f64>,
    pub row: Vec<f64>,
    pub objective: f64,
}

impl Scaling {
    /// No scaling: every factor 1.
    pub fn none(lp: &Lp) -> Scaling {
        Scaling {
            col: vec![1.0; lp.vars.len()],
            row: vec![1.0; lp.rows.len()],
            objective: 1.0,
        }
    }

    /// With `median`, the objective's factor is the median magnitude of its nonzero scaled
    /// coefficients, else the largest.
    /// With `geometric`, each row's factor is the geometric mean of its smallest and largest
    /// scaled coefficient, else the largest.
    pub fn of(lp: &Lp, objective: &[f64], median: bool, geometric: bool) -> Scaling {
        Scaling::with_unscaled(lp, objective, median, geometric, &[])
    }

    /// As [`Scaling::of`], with the `unscaled` columns at factor 1: a whole column stays whole
    /// only in its own units (a MIP's integer columns).
    pub fn with_unscaled(
        lp: &Lp,
        objective: &[f64],
        median: bool,
        geometric: bool,
        unscaled: &[usize],
    ) -> Scaling {
        let mut col: Vec<f64> = lp.magnitude.iter().map(|&m| power_of_two(m)).collect();
        for &j in unscaled {
            col[j] = 1.0;
        }
        let row = lp
            .rows
            .iter()
            .map(|r| {
                let (lo, hi) = r
                    .terms
                    .iter()
                    .fold((f64::INFINITY, 0.0f64), |(lo, hi), &(j, a)| {
                        let m = (a * col[j]).abs();
                        if m > 0.0 {
                            (lo.min(m), hi.max(m))
                        } else {
                            (lo, hi)
                        }
                    });
                // A row mixing a $1e9 tranche with $1 ones: dividing by the largest would put the
                // small coefficients below the solver's tolerances; the geometric mean splits it.
                power_of_two(if geometric && hi > 0.0 {
                    (lo * hi).sqrt()
                } else {
                    hi
                })
            })
            .collect();
        let objective = if median {
            let mut mags: Vec<f64> = objective
                .iter()
                .zip(&col)
                .map(|(c, s)| (c * s).abs())
                .filter(|m| *m > 0.0)
                .collect();
            let mid = mags.len() / 2;
            let m = if mags.is_empty() {
                1.0
            } else {
                *mags.select_nth_unstable_by(mid, f64::total_cmp).1
            };
            power_of_two(m)
        } else {
            power_of_two(
                objective
                    .iter()
                    .zip(&col)
                    .fold(0.0f64, |m, (c, s)| m.max((c * s).abs())),
            )
        };
        Scaling {
            col,
            row,
            objective,
        }
    }
}

/// A row's terms scaled (`a * col[j] / r`) with each column once: a family may list a column twice
/// (good_lp sums them), HiGHS's own API refuses a row that does.
pub fn merged_terms(row: &crate::model::lp::Row, col: &[f64], r: f64) -> Vec<(usize, f64)> {
    let mut terms: Vec<(usize, f64)> = row
        .terms
        .iter()
        .map(|&(j, a)| (j, a * col[j] / r))
        .collect();
    terms.sort_unstable_by_key(|t| t.0);
    terms.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    terms
}

/// The power of two nearest `v` (1 for 0 or non-finite), so scaling loses no precision.
fn power_of_two(v: f64) -> f64 {
    if v > 0.0 && v.is_finite() {
        2f64.powi(v.log2().round() as i32)
    } else {
        1.0
    }
}

fn add_rows<M: SolverModel>(
    model: &mut M,
    lp: &Lp,
    columns: &[Variable],
    col_scale: &[f64],
    row_scale: &[f64],
) -> Vec<Option<good_lp::constraint::ConstraintReference>> {
    lp.rows
        .iter()
        .zip(row_scale)
        .map(|(row, &r)| {
            if row.terms.is_empty() || lp.is_redundant(row) {
                return None; // its dual is 0
            }
            let mut e = Expression::with_capacity(row.terms.len());
            for &(j, a) in &row.terms {
                e.add_mul(a * col_scale[j] / r, columns[j]);
            }
            let rhs = row.rhs / r;
            let c = match row.sense {
                Sense::Le => e.leq(rhs),
                Sense::Ge => e.geq(rhs),
                Sense::Eq => e.eq(rhs),
            };
            Some(model.add_constraint(c))
        })
        .collect()
}

fn map_error(e: ResolutionError) -> SolveError {
    match e {
        ResolutionError::Infeasible => SolveError::Infeasible,
        ResolutionError::Unbounded => {
            SolveError::Failed("the LP is unbounded (a cost is negative?)".into())
        }
        other => SolveError::Failed(other.to_string()),
    }
}

#[cfg(all(test, feature = "cbc"))]
mod cbc_tests {
    use super::*;
    use crate::model::{RowName, Var};
    use crate::scenario::{OfferId, WorkloadId};

    fn col(lp: &mut Lp, o: usize, cost: f64) -> usize {
        let v = Var::Alloc {
            offer: OfferId(o),
            workload: WorkloadId(0),
            t: 0,
        };
        lp.add_var(v, cost, 100.0, f64::INFINITY)
    }

    fn row(t: usize) -> RowName {
        RowName::Demand {
            workload: WorkloadId(0),
            t,
        }
    }

    /// min 2x + 3y + 0.5z; x + y >= 10, x <= 4, y + z = 8. By hand: x = 4, y = 6, z = 2, cost 27;
    /// raising the rhs by one: `>=` row y+1, z-1: +2.5; `<=` row x+1, y-1, z+1: -0.5; `=` row
    /// z+1: +0.5 (and 10 * 2.5 + 4 * -0.5 + 8 * 0.5 = 27).
    fn lp() -> Lp {
        let mut lp = Lp::default();
        let x = col(&mut lp, 0, 2.0);
        let y = col(&mut lp, 1, 3.0);
        let z = col(&mut lp, 2, 0.5);
        lp.add_row(row(0), vec![(x, 1.0), (y, 1.0)], Sense::Ge, 10.0);
        lp.add_row(row(1), vec![(x, 1.0)], Sense::Le, 4.0);
        lp.add_row(row(2), vec![(y, 1.0), (z, 1.0)], Sense::Eq, 8.0);
        lp
    }

    #[test]
    fn cbc_row_duals_from_the_slacks_are_the_hand_computed_shadow_prices() {
        let lp = lp();
        let out = solve(&lp, &lp.cost, false, SolverChoice::Cbc).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(
            out.x.iter().zip([4.0, 6.0, 2.0]).all(|(&a, b)| close(a, b)),
            "{:?}",
            out.x
        );
        let d = out.duals.unwrap();
        assert!(
            d.iter().zip([2.5, -0.5, 0.5]).all(|(&a, b)| close(a, b)),
            "{d:?}"
        );
        assert!(close(out.objective.unwrap(), 27.0));
    }

    #[test]
    fn cbc_duals_when_maximising_are_d_objective_d_rhs() {
        // max -(2x + 3y + 0.5z) over the same rows: every dual changes sign.
        let lp = lp();
        let neg: Vec<f64> = lp.cost.iter().map(|c| -c).collect();
        let out = solve(&lp, &neg, true, SolverChoice::Cbc).unwrap();
        let d = out.duals.unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(
            d.iter().zip([-2.5, 0.5, -0.5]).all(|(&a, b)| close(a, b)),
            "{d:?}"
        );
        assert!(close(out.objective.unwrap(), -27.0));
    }

    #[test]
    fn auto_picks_cbc_only_for_large_blocks() {
        let small = lp();
        assert_eq!(SolverChoice::Auto.pick(&small), SolverChoice::Clarabel);
        let mut large = Lp::default();
        for o in 0..crate::solve::AUTO_SIMPLEX_COLUMNS {
            col(&mut large, o, 1.0);
        }
        assert_eq!(SolverChoice::Auto.pick(&large), SolverChoice::Cbc);
    }

    #[test]
    fn plan_json_names_the_backends_auto_used() {
        // One block of 10,000 columns (a row links them all): CBC alone.
        let mut large = Lp::default();
        let cols: Vec<usize> = (0..crate::solve::AUTO_SIMPLEX_COLUMNS)
            .map(|o| col(&mut large, o, 1.0))
            .collect();
        let all = cols.iter().map(|&j| (j, 1.0)).collect();
        large.add_row(row(0), all, Sense::Ge, 1.0);
        assert_eq!(SolverChoice::Auto.used_on(&large), "cbc");
        // Plus a separate 1-column block: it goes to Clarabel.
        let x = col(&mut large, usize::MAX, 1.0);
        large.add_row(row(1), vec![(x, 1.0)], Sense::Ge, 1.0);
        assert_eq!(SolverChoice::Auto.used_on(&large), "cbc+clarabel");
        assert_eq!(SolverChoice::Auto.used_on(&lp()), "clarabel");
        assert_eq!(SolverChoice::Clarabel.used_on(&large), "clarabel");
    }
}

/// Rows without terms: `0 (sense) rhs` either holds or makes the LP infeasible outright.
pub(super) fn empty_rows_hold(lp: &Lp) -> bool {
    lp.rows
        .iter()
        .filter(|r| r.terms.is_empty())
        .all(|row| match row.sense {
            Sense::Le => 0.0 <= row.rhs,
            Sense::Ge => 0.0 >= row.rhs,
            Sense::Eq => row.rhs == 0.0,
        })
}
