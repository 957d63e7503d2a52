//! The check that makes "optimal" mean optimal. After every solve (each stage of a lexicographic
//! solve, each decomposed block), the column values are cleaned of solver noise exactly as the
//! reports will print them, and from those printed values alone the objective and every row's
//! residual are recomputed; the row duals give a Lagrangian lower bound that proves (or not) that
//! no cheaper plan exists. A plan that fails is repaired by re-solving; one that cannot be
//! repaired is refused (exit 1), never printed as optimal.
//!
//! Everything here works on the [`Lp`] (its rows' terms, its column magnitudes and bounds) and the
//! objective vector the solve minimised, never on a constraint family: a new family's rows and
//! columns are checked without any change here. Each check is one pass over the nonzeros.

use super::backend::{self, LpOutcome, Tuning};
use super::{SolveError, SolverChoice};
use crate::model::lp::Row;
use crate::model::{Lp, Sense};

/// A column value is noise when it is at most this fraction of the column's magnitude (the most
/// it can usefully take, at least 1 unit)...
pub const UNIT_NOISE: f64 = 1e-7;
/// ...and its objective term is at most this fraction of the objective's size
/// (`max(1, sum |c_j x_j|)`) or rounds to $0.00 in the reports (`DOLLAR_NOISE_ABS`): a trace of a
/// $1e9/unit-hour tranche is not noise.
pub const DOLLAR_NOISE: f64 = 1e-10;
/// Half a cent: what every report prints as $0.00.
pub const DOLLAR_NOISE_ABS: f64 = 0.005;
/// A row may miss its limit by this fraction of its size, `max(1, |rhs|, sum |a_j x_j|)`.
pub const ROW_TOL: f64 = 1e-6;
/// The objective recomputed from the printed values against the solver's own.
pub const OBJECTIVE_TOL: f64 = 1e-7;
/// Relative gap between the plan's objective and the Lagrangian bound from the duals.
pub const OPTIMALITY_TOL: f64 = 1e-6;

/// Neumaier's compensated sum: the order of the terms (SPEC's order, the model's order) then
/// changes the result by at most an ulp or two, so a recomputation is exact to the last digits.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sum {
    sum: f64,
    carry: f64,
}

impl Sum {
    pub fn add(&mut self, v: f64) {
        let t = self.sum + v;
        if self.sum.abs() >= v.abs() {
            self.carry += (self.sum - t) + v;
        } else {
            self.carry += (v - t) + self.sum;
        }
        self.sum = t;
    }
    pub fn value(&self) -> f64 {
        self.sum + self.carry
    }
}

pub fn sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = Sum::default();
    values.into_iter().for_each(|v| s.add(v));
    s.value()
}

/// The values the reports print: noise (tiny in units AND in dollars AND in every row it enters)
/// set to exactly 0. The row test matters for a column that costs nothing in the objective being
/// minimised (a shortfall in a priority stage) and is a tiny fraction of a huge magnitude (a $1e15
/// commitment): its $1M still carries a take-or-pay row.
pub fn printed_values(lp: &Lp, objective: &[f64], x: &[f64]) -> Vec<f64> {
    let size = sum(objective.iter().zip(x).map(|(c, v)| (c * v).abs())).max(1.0);
    let dollars_noise = (DOLLAR_NOISE * size).max(DOLLAR_NOISE_ABS);
    let noise: Vec<bool> = x
        .iter()
        .enumerate()
        .map(|(j, &v)| {
            let units = v.abs() <= UNIT_NOISE * lp.magnitude[j].max(1.0);
            let dollars = (objective[j] * v).abs() <= dollars_noise;
            // A value below zero within noise in units is a rounding of the bound x >= 0.
            v != 0.0 && units && (dollars || v < 0.0)
        })
        .collect();
    let cleaned: Vec<f64> = x
        .iter()
        .zip(&noise)
        .map(|(&v, &n)| if n { 0.0 } else { v })
        .collect();
    let mut keep = vec![false; x.len()];
    for row in lp
        .rows
        .iter()
        .filter(|r| r.terms.iter().any(|&(j, _)| noise[j]))
    {
        // Dropping may move the row the safe way, or leave it within half its tolerance; the
        // rest of the tolerance is the solver's. (An interior point's 5e-6 units of a payment the
        // plan does not make leave the cash row looser and a 100-unit demand row within 6e-8 of
        // its size; printing them would show spend the plan does not have.)
        let (before, size) = residual(row, x);
        let (after, _) = residual(row, &cleaned);
        if after > before && after > 0.5 * ROW_TOL * size {
            for &(j, _) in &row.terms {
                // Negative values stay dropped (x >= 0): the row check reports them if they matter.
                keep[j] |= noise[j] && x[j] > 0.0;
            }
        }
    }
    x.iter()
        .enumerate()
        .map(|(j, &v)| if noise[j] && !keep[j] { 0.0 } else { v })
        .collect()
}

/// How far one row misses its limit (0 when it holds) and the row's size.
pub fn residual(row: &Row, x: &[f64]) -> (f64, f64) {
    let mut activity = Sum::default();
    let mut size = Sum::default();
    for &(j, a) in &row.terms {
        activity.add(a * x[j]);
        size.add((a * x[j]).abs());
    }
    let act = activity.value();
    let miss = match row.sense {
        Sense::Le => (act - row.rhs).max(0.0),
        Sense::Ge => (row.rhs - act).max(0.0),
        Sense::Eq => (act - row.rhs).abs(),
    };
    (miss, size.value().max(row.rhs.abs()).max(1.0))
}

/// What the check found.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The printed values.
    pub x: Vec<f64>,
    /// Objective recomputed from them.
    pub objective: f64,
    /// Why the plan is not proven optimal; `None` when it is.
    pub problem: Option<String>,
    /// How far it is from passing: the failed measure over its tolerance (0 when it passes).
    pub badness: f64,
}

/// Checks `outcome` as a solution of `min (or max) objective . x` over the LP's rows, `x >= 0`.
pub fn check(lp: &Lp, objective: &[f64], maximise: bool, outcome: &LpOutcome) -> Verdict {
    check_to(lp, objective, maximise, outcome, OPTIMALITY_TOL)
}

/// As [`check`], proving optimality to `optimality` (relative gap).
pub fn check_to(
    lp: &Lp,
    objective: &[f64],
    maximise: bool,
    outcome: &LpOutcome,
    optimality: f64,
) -> Verdict {
    let x = printed_values(lp, objective, &outcome.x);
    let value = sum(objective.iter().zip(&x).map(|(c, v)| c * v));
    // Relative to the plan's gross cost (credits and discounts can cancel it to near 0), with a
    // floor of half a cent: below that every report prints the same plan.
    let gross = sum(objective.iter().zip(&x).map(|(c, v)| (c * v).abs()));
    let scale = value.abs().max(gross).max(1.0);
    let mut problem = None;
    let mut badness: f64 = 0.0;
    // Non-negativity.
    if let Some((j, v)) = x
        .iter()
        .enumerate()
        .find(|&(j, v)| *v < -ROW_TOL * lp.magnitude[j].max(1.0))
    {
        problem = Some(format!("column {j} ({:?}) is negative: {v:e}", lp.vars[j]));
        badness = f64::INFINITY;
    }
    // Rows, worst first.
    if problem.is_none() {
        let worst = lp
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (miss, size) = residual(r, &x);
                (i, miss, miss / size)
            })
            .max_by(|a, b| a.2.total_cmp(&b.2));
        if let Some((i, miss, rel)) = worst.filter(|w| w.2 > ROW_TOL) {
            badness = rel / ROW_TOL;
            problem = Some(format!(
                "row {i} ({:?}) misses its limit {} by {miss:e} ({rel:.1e} of its size)",
                lp.rows[i].name, lp.rows[i].rhs
            ));
        }
    }
    // The solver's own objective.
    if problem.is_none() {
        if let Some(reported) = outcome.objective {
            let rel = (reported - value).abs() / scale;
            if rel > OBJECTIVE_TOL && (reported - value).abs() > DOLLAR_NOISE_ABS {
                badness = rel / OBJECTIVE_TOL;
                problem = Some(format!(
                    "the objective recomputed from the printed plan, {value}, differs from the solver's, {reported} \
                     ({rel:.1e} relative)"
                ));
            }
        }
    }
    // The Lagrangian bound.
    if problem.is_none() {
        if let Some(duals) = &outcome.duals {
            let bound = lagrangian_bound(lp, objective, maximise, duals, &x);
            let sign = if maximise { -1.0 } else { 1.0 };
            // What the rows' misses (within ROW_TOL) are worth at their duals: a miss on a row
            // priced at a $1e12 penalty can buy more than the gap allows.
            let bought = sum(lp
                .rows
                .iter()
                .zip(duals)
                .map(|(r, d)| d.abs() * residual(r, &x).0));
            let gap = sign * value + bought - bound;
            if !(gap <= optimality * scale || gap <= DOLLAR_NOISE_ABS) {
                badness = if gap.is_nan() {
                    f64::INFINITY
                } else {
                    gap / scale / optimality
                };
                problem = Some(format!(
                    "not proven optimal: the plan's objective {value} and the bound {} from the duals differ by \
                     {:.1e} relative",
                    sign * bound,
                    gap / scale
                ));
            }
        }
    }
    Verdict {
        x,
        objective: value,
        problem,
        badness,
    }
}

/// A lower bound on `min c.x` (with `c = -objective` when maximising) from any row multipliers:
/// `y` is projected onto the right signs (`>=` rows: y >= 0, `<=` rows: y <= 0), and
/// `L(y) = y.b + sum_j min(0, c_j - a_j.y) * upper_j` over a box `0 <= x <= upper` that holds an
/// optimum: `upper_j` is the bound the demand rows imply on column j where there is one, else the
/// most the column can usefully take (`Lp::magnitude`: a shortfall is never usefully above its
/// commitment), or its value in the plan if that is larger.
pub fn lagrangian_bound(
    lp: &Lp,
    objective: &[f64],
    maximise: bool,
    duals: &[f64],
    x: &[f64],
) -> f64 {
    let sign = if maximise { -1.0 } else { 1.0 };
    let n = lp.vars.len();
    let mut reduced: Vec<Sum> = objective
        .iter()
        .map(|c| {
            let mut s = Sum::default();
            s.add(sign * c);
            s
        })
        .collect();
    let mut mass: Vec<f64> = objective.iter().map(|c| c.abs()).collect();
    let mut bound = Sum::default();
    for (row, &d) in lp.rows.iter().zip(duals) {
        // The duals are d objective / d rhs; in the minimising sense, y = sign * d.
        let y = match row.sense {
            Sense::Ge => (sign * d).max(0.0),
            Sense::Le => (sign * d).min(0.0),
            Sense::Eq => sign * d,
        };
        if y == 0.0 {
            continue;
        }
        bound.add(y * row.rhs);
        for &(j, a) in &row.terms {
            reduced[j].add(-y * a);
            mass[j] += (y * a).abs();
        }
    }
    for j in 0..n {
        let d = reduced[j].value();
        if d >= -1e-12 * mass[j] {
            continue;
        }
        let upper = if lp.implied_upper[j].is_finite() {
            lp.implied_upper[j]
        } else {
            lp.magnitude[j].max(x[j]).max(1.0)
        };
        bound.add(d * upper);
    }
    bound.value()
}

/// Solves and checks; on a failed check, repairs: (1) the LP restricted to the columns the plan
/// uses, the rest priced out with its duals and added back while any would lower the cost, (2) a
/// re-solve with tight tolerances and the objective scaled by its median, (3) HiGHS, where built.
/// A model small enough for the dense simplex (`simplex::fits`) is re-solved by it before (1).
/// Returns the printed values (noise set to 0) of the first plan that passes.
pub fn solve_checked(
    lp: &Lp,
    objective: &[f64],
    maximise: bool,
    solver: SolverChoice,
) -> Result<LpOutcome, SolveError> {
    solve_checked_to(lp, objective, maximise, solver, OPTIMALITY_TOL)
}

/// As [`solve_checked`], proving optimality to `optimality`: the first stage of a `priority`
/// solve is held to 1e-9 in the second, so it must be proven to that.
pub fn solve_checked_to(
    lp: &Lp,
    objective: &[f64],
    maximise: bool,
    solver: SolverChoice,
    optimality: f64,
) -> Result<LpOutcome, SolveError> {
    let check = |lp: &Lp, objective: &[f64], maximise: bool, out: &LpOutcome| {
        check_to(lp, objective, maximise, out, optimality)
    };
    let first = backend::solve(lp, objective, maximise, solver)?;
    let verdict = check(lp, objective, maximise, &first);
    let Some(first_problem) = verdict.problem.clone() else {
        return Ok(passed(first, verdict));
    };
    let mut attempts = vec![format!("{}: {first_problem}", solver.pick(lp).name())];
    let log = std::env::var_os("CAPPLAN_VERIFY_LOG").is_some();
    if log {
        eprintln!("verify: {}", attempts[0]);
    }
    let mut try_one = |what: &str, out: Result<LpOutcome, SolveError>| match out {
        Ok(out) => {
            let v = check(lp, objective, maximise, &out);
            match v.problem.clone() {
                None => Some(passed(out, v)),
                Some(p) => {
                    if log {
                        eprintln!("verify: {what}: {p}");
                    }
                    attempts.push(format!("{what}: {p}"));
                    None
                }
            }
        }
        Err(e) => {
            attempts.push(format!("{what}: {e:?}"));
            None
        }
    };
    // A vertex first: exact where the interior point's residue on a $1e12 column is not. The
    // sparse dual simplex takes a fraction of a second on a block of a few thousand rows; the
    // dense one is the fallback for small models.
    if super::dual_simplex::fits(lp) {
        let vertex = super::dual_simplex::solve(lp, objective, maximise);
        if let Some(ok) = try_one("dual simplex (a vertex of the same LP)", vertex) {
            return Ok(ok);
        }
    }
    if super::simplex::fits(lp) {
        let vertex = super::simplex::solve(lp, objective, maximise);
        if let Some(ok) = try_one("simplex (a vertex of the same LP)", vertex) {
            return Ok(ok);
        }
    }
    // Each round restricts to the columns the last plan used (the best so far when the last
    // made things worse): as the plan gets closer to the optimum, fewer expensive columns carry
    // interior-point residue.
    let tight = Tuning {
        tight: true,
        geometric_row_scale: true,
        ..Tuning::default()
    };
    let geometric = Tuning {
        geometric_row_scale: true,
        ..Tuning::default()
    };
    let rounds = [
        ("", Tuning::default()),
        ("", Tuning::default()),
        ("", Tuning::default()),
        (", rows scaled by their geometric mean", geometric),
        (", tight tolerances, geometric row scaling", tight),
    ];
    let mut best = (verdict.badness, first.x.clone());
    let mut last = first.x.clone();
    for (round, (how, tuning)) in rounds.into_iter().enumerate() {
        let out = restricted_solve(lp, objective, maximise, solver, &last, tuning);
        if let Ok(o) = &out {
            let badness = check(lp, objective, maximise, o).badness;
            if badness < best.0 {
                best = (badness, o.x.clone());
                last = o.x.clone();
            } else {
                last = best.1.clone();
            }
        }
        let what = format!("re-solve {} on the columns in use{how}", round + 1);
        if let Some(ok) = try_one(&what, out) {
            return Ok(ok);
        }
    }
    let tuning = Tuning {
        tight: true,
        geometric_row_scale: true,
        ..Tuning::default()
    };
    let tight = backend::solve_tuned(lp, objective, maximise, solver, tuning);
    if let Some(ok) = try_one(
        "all columns, tight tolerances, geometric row scaling",
        tight,
    ) {
        return Ok(ok);
    }
    if SolverChoice::Highs.is_built() && solver != SolverChoice::Highs {
        let highs = backend::solve(lp, objective, maximise, SolverChoice::Highs);
        if let Some(ok) = try_one("highs", highs) {
            return Ok(ok);
        }
    }
    Err(SolveError::Failed(format!(
        "the solver's plan failed the optimality check and no repair passed it, so it is not reported as \
         optimal. Attempts:\n  {}",
        attempts.join("\n  ")
    )))
}

fn passed(mut out: LpOutcome, verdict: Verdict) -> LpOutcome {
    if std::env::var_os("CAPPLAN_VERIFY_LOG").is_some() {
        eprintln!("verify: passed, objective {}", verdict.objective);
    }
    out.x = verdict.x;
    out.objective = Some(verdict.objective);
    out
}

/// Most pricing rounds in one restricted re-solve (each adds the columns priced out negative).
const PRICING_ROUNDS: usize = 6;

/// The LP on the columns `x` uses (beyond noise in units), solved with the solver's tolerances
/// now relative to the plan's own costs, not to a $1e9 tranche it does not use; the other columns
/// are priced with the restricted duals and any that would lower the cost are added back.
fn restricted_solve(
    lp: &Lp,
    objective: &[f64],
    maximise: bool,
    solver: SolverChoice,
    x: &[f64],
    tuning: Tuning,
) -> Result<LpOutcome, SolveError> {
    let n = lp.vars.len();
    let mut keep: Vec<bool> = (0..n)
        .map(|j| x[j] > UNIT_NOISE * lp.magnitude[j].max(1.0))
        .collect();
    let sign = if maximise { -1.0 } else { 1.0 };
    for _ in 0..PRICING_ROUNDS {
        let (sub, cols) = restrict(lp, &keep);
        let sub_objective: Vec<f64> = cols.iter().map(|&j| objective[j]).collect();
        let out = backend::solve_tuned(&sub, &sub_objective, maximise, solver, tuning)?;
        let duals = out
            .duals
            .clone()
            .unwrap_or_else(|| vec![0.0; lp.rows.len()]);
        // Price every column left out: c_j - a_j.y in the minimising sense.
        let mut reduced: Vec<f64> = objective.iter().map(|c| sign * c).collect();
        let mut mass: Vec<f64> = objective.iter().map(|c| c.abs()).collect();
        for (row, &d) in lp.rows.iter().zip(&duals) {
            for &(j, a) in &row.terms {
                reduced[j] -= sign * d * a;
                mass[j] += (d * a).abs();
            }
        }
        let mut added = false;
        for j in 0..n {
            if !keep[j] && reduced[j] < -1e-9 * mass[j].max(1e-300) {
                keep[j] = true;
                added = true;
            }
        }
        if !added {
            let mut full = vec![0.0; n];
            for (k, &j) in cols.iter().enumerate() {
                full[j] = out.x[k];
            }
            return Ok(LpOutcome {
                x: full,
                duals: Some(duals),
                note: out.note,
                objective: out.objective,
            });
        }
    }
    Err(SolveError::Failed(format!(
        "pricing still found cheaper columns after {PRICING_ROUNDS} rounds"
    )))
}

/// The LP on the kept columns, every row kept (its duals then line up with the full LP's).
fn restrict(lp: &Lp, keep: &[bool]) -> (Lp, Vec<usize>) {
    let mut local = vec![usize::MAX; lp.vars.len()];
    let mut sub = Lp::default();
    let mut cols = Vec::new();
    for j in (0..lp.vars.len()).filter(|&j| keep[j]) {
        local[j] = cols.len();
        cols.push(j);
        sub.add_var(lp.vars[j], lp.cost[j], lp.magnitude[j], lp.implied_upper[j]);
    }
    for row in &lp.rows {
        let terms = row
            .terms
            .iter()
            .filter(|&&(j, _)| keep[j])
            .map(|&(j, a)| (local[j], a))
            .collect();
        sub.add_row(row.name, terms, row.sense, row.rhs);
    }
    (sub, cols)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RowName, Var};
    use crate::scenario::{OfferId, WorkloadId};

    fn alloc(o: usize) -> Var {
        Var::Alloc {
            offer: OfferId(o),
            workload: WorkloadId(0),
            t: 0,
        }
    }

    /// demand: x0 + x1 = 100, x0 at 2, x1 at 1e9 (the unused tranche).
    fn spread_lp() -> Lp {
        let mut lp = Lp::default();
        lp.add_var(alloc(0), 2.0, 100.0, 100.0);
        lp.add_var(alloc(1), 1e9, 100.0, 100.0);
        lp.add_row(
            RowName::Demand {
                workload: WorkloadId(0),
                t: 0,
            },
            vec![(0, 1.0), (1, 1.0)],
            Sense::Eq,
            100.0,
        );
        lp
    }

    fn outcome(x: Vec<f64>, duals: Vec<f64>, objective: f64) -> LpOutcome {
        LpOutcome {
            x,
            duals: Some(duals),
            note: None,
            objective: Some(objective),
        }
    }

    #[test]
    fn the_optimum_passes_and_its_values_are_printed_exactly() {
        let lp = spread_lp();
        let v = check(
            &lp,
            &lp.cost,
            false,
            &outcome(vec![100.0, 1e-20], vec![2.0], 200.0),
        );
        assert_eq!(v.problem, None);
        assert_eq!(v.x, vec![100.0, 0.0]); // 1e-20 units is $1e-11 of $200: noise
        assert_eq!(v.objective, 200.0);
    }

    #[test]
    fn a_trace_of_an_expensive_tranche_is_not_noise_and_the_bound_rejects_it() {
        let lp = spread_lp();
        // 1.2e-7 units is noise in units (of 100) but $120 in dollars: kept, and not optimal.
        let x = vec![100.0 - 1.2e-7, 1.2e-7];
        let obj = 2.0 * x[0] + 1e9 * x[1];
        let v = check(&lp, &lp.cost, false, &outcome(x, vec![2.0], obj));
        assert_eq!(v.x[1], 1.2e-7);
        let p = v.problem.expect("not optimal");
        assert!(p.contains("not proven optimal"), "{p}");
    }

    #[test]
    fn a_violated_row_and_a_wrong_objective_are_caught() {
        let lp = spread_lp();
        let v = check(
            &lp,
            &lp.cost,
            false,
            &outcome(vec![99.0, 0.0], vec![2.0], 198.0),
        );
        assert!(v.problem.unwrap().contains("misses its limit"));
        let v = check(
            &lp,
            &lp.cost,
            false,
            &outcome(vec![100.0, 0.0], vec![2.0], 150.0),
        );
        assert!(v.problem.unwrap().contains("differs from the solver's"));
    }

    #[test]
    fn the_bound_charges_a_negative_reduced_cost_at_the_column_bound() {
        let mut lp = spread_lp();
        let x = [100.0, 0.0];
        // y = 2: bound 200, the optimum.
        assert_eq!(
            lagrangian_bound(&lp, &lp.cost.clone(), false, &[2.0], &x),
            200.0
        );
        // y = 5 > c0 = 2: reduced cost of x0 is -3, times its bound 100: 500 - 300.
        assert_eq!(
            lagrangian_bound(&lp, &lp.cost.clone(), false, &[5.0], &x),
            200.0
        );
        // Without a bound from the demand rows, the column's magnitude (here 50) bounds it.
        lp.implied_upper[0] = f64::INFINITY;
        lp.magnitude[0] = 50.0;
        assert_eq!(
            lagrangian_bound(&lp, &lp.cost.clone(), false, &[5.0], &x),
            200.0
        );
        let y4 = lagrangian_bound(&lp, &lp.cost.clone(), false, &[4.0], &[40.0, 0.0]);
        assert_eq!(y4, 400.0 - 2.0 * 50.0);
    }

    #[test]
    fn a_wrong_plan_is_repaired_by_the_restricted_re_solve() {
        let lp = spread_lp();
        let out = solve_checked(&lp, &lp.cost.clone(), false, SolverChoice::Clarabel).unwrap();
        assert_eq!(out.x[1], 0.0);
        assert!((out.x[0] - 100.0).abs() < 1e-7);
        assert!((out.objective.unwrap() - 200.0).abs() < 1e-7);
    }

    #[test]
    fn compensated_sums_do_not_lose_small_terms() {
        assert_eq!(sum([1e16, 1.0, -1e16]), 1.0);
    }
}
