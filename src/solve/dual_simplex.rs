//! A sparse dual simplex in pure Rust, kept loaded between solves that differ only in row
//! bounds: `simulate`'s samples move the demand rows' right-hand sides and nothing else, so the
//! last sample's optimal basis stays dual feasible and the next sample is a few dozen pivots away,
//! where an interior point starts from scratch every time. The default build's warm path (the
//! `highs` build uses HiGHS's own, `warm.rs`), and, cold, the optimality check's first repair on
//! models up to [`MAX_ROWS`] x [`MAX_COLS`] (`verify.rs`).
//!
//! Form: `min c.x` with `A x - r = 0`, structural columns `x >= 0` and one logical `r_i` per row
//! bounded by the row's sense (`<=`: `r_i <= b_i`, `>=`: `r_i >= b_i`, `=`: fixed). The first
//! solve starts from the all-logical basis, dual feasible when every cost is non-negative (a
//! negative one gets a temporary bound, see `ARTIFICIAL`). Dual Devex pricing, a Harris
//! two-pass ratio test, LU factors from `lu.rs` refactored every `REFACTOR_EVERY` pivots.
//!
//! Nothing it returns is trusted by itself: the caller checks every result with `verify::check`
//! (recomputed objective, row residuals, the Lagrangian bound from these duals) and solves cold
//! whatever fails.

use super::backend::{merged_terms, LpOutcome, Scaling};
use super::lu::Lu;
use super::SolveError;
use crate::model::{Lp, Sense};

/// Primal feasibility, in scaled units.
const PRIMAL_TOL: f64 = 1e-9;
/// Dual feasibility (reduced costs, scaled objective).
const DUAL_TOL: f64 = 1e-9;
/// Smallest pivot-row entry a ratio test accepts.
const PIVOT_TOL: f64 = 1e-9;
/// Pivots between refactorisations.
const REFACTOR_EVERY: usize = 80;
/// The bound a column with a negative cost gets while the all-logical basis is made dual
/// feasible (scaled units, where a column's useful range is about 1): a column still at it at the
/// optimum means the bound was not harmless, and the solve reports failure.
const ARTIFICIAL: f64 = 1e6;

/// Where a nonbasic variable sits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum At {
    Basic,
    Lower,
    Upper,
}

#[derive(Clone)]
pub struct DualSimplex {
    m: usize,
    n: usize,
    /// Structural columns (scaled), column-major and row-major.
    col_start: Vec<usize>,
    col_row: Vec<usize>,
    col_val: Vec<f64>,
    row_start: Vec<usize>,
    row_col: Vec<usize>,
    row_val: Vec<f64>,
    /// Per variable (structurals, then logicals).
    cost: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    artificial: Vec<bool>,
    at: Vec<At>,
    x: Vec<f64>,
    d: Vec<f64>,
    /// Basic variable at each position.
    head: Vec<usize>,
    /// Dual Devex pricing weights, and each basic variable's squared infeasibility, by position.
    weight: Vec<f64>,
    infeasibility: Vec<f64>,
    lu: Option<Lu>,
    scaling: Scaling,
    senses: Vec<Sense>,
    sign: f64,
    /// Pivots of the last solve.
    pub pivots: usize,
}

impl DualSimplex {
    /// Loads `lp` with `objective` (maximised with `maximise`), from the all-logical basis.
    pub fn new(lp: &Lp, objective: &[f64], maximise: bool) -> DualSimplex {
        let scaling = Scaling::of(lp, objective, false, false);
        let (m, n) = (lp.rows.len(), lp.vars.len());
        let sign = if maximise { -1.0 } else { 1.0 };
        let mut by_col: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        let (mut row_start, mut row_col, mut row_val) = (vec![0], Vec::new(), Vec::new());
        for (i, row) in lp.rows.iter().enumerate() {
            for (j, a) in merged_terms(row, &scaling.col, scaling.row[i]) {
                if a != 0.0 {
                    by_col[j].push((i, a));
                    row_col.push(j);
                    row_val.push(a);
                }
            }
            row_start.push(row_col.len());
        }
        let (mut col_start, mut col_row, mut col_val) = (vec![0], Vec::new(), Vec::new());
        for c in by_col {
            for (i, a) in c {
                col_row.push(i);
                col_val.push(a);
            }
            col_start.push(col_row.len());
        }
        let mut cost: Vec<f64> = objective
            .iter()
            .zip(&scaling.col)
            .map(|(&c, s)| {
                if c != 0.0 {
                    sign * c * s / scaling.objective
                } else {
                    0.0
                }
            })
            .collect();
        cost.resize(n + m, 0.0);
        let mut lower = vec![0.0; n + m];
        let mut upper = vec![f64::INFINITY; n + m];
        for (i, row) in lp.rows.iter().enumerate() {
            let b = row.rhs / scaling.row[i];
            let (lo, hi) = bounds(row.sense, b);
            lower[n + i] = lo;
            upper[n + i] = hi;
        }
        let mut s = DualSimplex {
            m,
            n,
            col_start,
            col_row,
            col_val,
            row_start,
            row_col,
            row_val,
            cost,
            lower,
            upper,
            artificial: vec![false; n + m],
            at: vec![At::Lower; n + m],
            x: vec![0.0; n + m],
            d: vec![0.0; n + m],
            head: (n..n + m).collect(),
            weight: vec![1.0; m],
            infeasibility: vec![0.0; m],
            lu: None,
            scaling,
            senses: lp.rows.iter().map(|r| r.sense).collect(),
            sign,
            pivots: 0,
        };
        for k in 0..m {
            s.at[n + k] = At::Basic;
        }
        s
    }

    /// Sets the right-hand side of the given rows (LP units).
    pub fn set_rhs(&mut self, rows: &[(usize, f64)]) {
        for &(i, rhs) in rows {
            let (lo, hi) = bounds(self.senses[i], rhs / self.scaling.row[i]);
            self.lower[self.n + i] = lo;
            self.upper[self.n + i] = hi;
        }
    }

    /// Solves from the current basis. Column values in LP units, with the row duals
    /// (d objective / d rhs, as every backend's) and the objective.
    pub fn solve(&mut self, objective: &[f64]) -> Result<LpOutcome, SolveError> {
        self.pivots = 0;
        // A cold solve of the reference takes about m pivots, a warm one a tenth of that.
        let limit = 3 * (self.m + self.n) + 1000;
        // Reduced costs with the right signs (a first solve puts negative-cost columns on
        // temporary bounds), then the primal values.
        self.refresh(true)?;
        // Whether the factors are fresh (no update since): a verdict of infeasibility or an
        // unstable pivot is only believed on fresh factors.
        let mut fresh = true;
        let (m, n) = (self.m, self.n);
        let mut rho = vec![0.0; m];
        let mut work = vec![0.0; m];
        let mut alpha = vec![0.0; n + m];
        let mut touched: Vec<usize> = Vec::new();
        let mut listed = vec![false; n + m];
        let mut column = vec![0.0; m];
        loop {
            if self.pivots > limit {
                return Err(SolveError::Failed(format!(
                    "dual simplex: no optimum after {} pivots",
                    self.pivots
                )));
            }
            if self
                .lu
                .as_ref()
                .is_some_and(|lu| lu.updates() >= REFACTOR_EVERY)
            {
                self.refresh(false)?;
                fresh = true;
            }
            // Pricing: the basic variable furthest outside its bounds, relative to its weight.
            let mut leave = None;
            let mut best = 0.0;
            for k in 0..m {
                let f = self.infeasibility[k];
                if f > best * self.weight[k] {
                    best = f / self.weight[k];
                    leave = Some(k);
                }
            }
            let Some(p) = leave else {
                return self.finish(objective);
            };
            let leaving = self.head[p];
            let to_lower = self.x[leaving] < self.lower[leaving];
            let delta = if to_lower {
                self.x[leaving] - self.lower[leaving]
            } else {
                self.x[leaving] - self.upper[leaving]
            };
            // rho = B^-T e_p, and the pivot row alpha_j = rho . column j (row-wise, over the
            // rows where rho is nonzero).
            work.iter_mut().for_each(|v| *v = 0.0);
            work[p] = 1.0;
            self.lu
                .as_ref()
                .expect("factored")
                .btran(&mut work, &mut rho);
            for &j in &touched {
                alpha[j] = 0.0;
                listed[j] = false;
            }
            touched.clear();
            for (i, &r) in rho.iter().enumerate() {
                if r.abs() < 1e-13 {
                    continue;
                }
                for e in self.row_start[i]..self.row_start[i + 1] {
                    let j = self.row_col[e];
                    if !listed[j] {
                        listed[j] = true;
                        touched.push(j);
                    }
                    alpha[j] += r * self.row_val[e];
                }
                alpha[n + i] = -r;
                touched.push(n + i);
            }
            // Harris two-pass ratio test on d_j - t * a_j with a = -alpha when the leaving
            // variable goes to its lower bound: the first pass finds the largest step that
            // keeps every reduced cost within DUAL_TOL of its sign, the second takes the
            // largest |a| among the columns that bind within it (the stablest pivot).
            let s = if to_lower { -1.0 } else { 1.0 };
            let mut bound = f64::INFINITY;
            for &j in &touched {
                let a = s * alpha[j];
                match self.at[j] {
                    At::Lower if a > PIVOT_TOL && self.lower[j] != self.upper[j] => {
                        bound = bound.min((self.d[j] + DUAL_TOL) / a)
                    }
                    At::Upper if a < -PIVOT_TOL && self.lower[j] != self.upper[j] => {
                        bound = bound.min((self.d[j] - DUAL_TOL) / a)
                    }
                    _ => {}
                }
            }
            if bound == f64::INFINITY {
                if !fresh {
                    self.refresh(false)?;
                    fresh = true;
                    continue;
                }
                // No column can enter: the dual is unbounded, the rows cannot all hold.
                return Err(SolveError::Infeasible);
            }
            let mut enter = None;
            let mut biggest = 0.0;
            for &j in &touched {
                let a = s * alpha[j];
                let eligible = match self.at[j] {
                    At::Lower => a > PIVOT_TOL,
                    At::Upper => a < -PIVOT_TOL,
                    At::Basic => false,
                } && self.lower[j] != self.upper[j];
                if eligible && self.d[j] / a <= bound && a.abs() > biggest {
                    biggest = a.abs();
                    enter = Some(j);
                }
            }
            let q = enter.expect("the first pass found a candidate");
            let t = (self.d[q] / (s * alpha[q])).max(0.0);
            // The entering column through the basis, checked against the pivot row.
            self.load_column(q, &mut work);
            self.lu
                .as_ref()
                .expect("factored")
                .ftran(&mut work, &mut column);
            let pivot = column[p];
            if (pivot - alpha[q]).abs() > 1e-6 * (1.0 + pivot.abs()) || pivot.abs() < PIVOT_TOL {
                if fresh {
                    return Err(SolveError::Failed(format!(
                        "dual simplex: unstable pivot ({pivot:e} against {:e})",
                        alpha[q]
                    )));
                }
                self.refresh(false)?;
                fresh = true;
                continue;
            }
            // Duals.
            let theta_d = s * t;
            if theta_d != 0.0 {
                for &j in &touched {
                    if self.at[j] != At::Basic {
                        self.d[j] -= theta_d * alpha[j];
                    }
                }
            }
            self.d[q] = 0.0;
            self.d[leaving] = -theta_d;
            // Primal, and the dual Devex weights (reference framework: the last weight
            // carried along the pivot column).
            let theta_p = delta / pivot;
            let wp = self.weight[p];
            for k in 0..m {
                let c = column[k];
                if c != 0.0 && k != p {
                    let j = self.head[k];
                    self.x[j] -= theta_p * c;
                    self.infeasibility[k] = self.infeasibility_of(j);
                    let kappa = c / pivot;
                    self.weight[k] = self.weight[k].max(kappa * kappa * wp);
                }
            }
            self.weight[p] = (wp / (pivot * pivot)).max(1.0);
            self.x[q] += theta_p;
            self.x[leaving] = if to_lower {
                self.lower[leaving]
            } else {
                self.upper[leaving]
            };
            // Basis.
            self.at[leaving] = if to_lower { At::Lower } else { At::Upper };
            self.at[q] = At::Basic;
            self.head[p] = q;
            self.infeasibility[p] = self.infeasibility_of(q);
            self.lu.as_mut().expect("factored").update(p, &column);
            self.pivots += 1;
            fresh = false;
        }
    }

    /// Fresh factors, and the reduced costs and primal values recomputed from them; with
    /// `signs` (or after a basis repair) nonbasic columns are moved to the bound their reduced
    /// cost's sign asks for.
    fn refresh(&mut self, signs: bool) -> Result<(), SolveError> {
        if self.refactor()? || signs {
            self.make_dual_feasible();
        } else {
            self.compute_dual();
        }
        self.compute_primal();
        Ok(())
    }

    /// The squared distance of variable `j`'s value outside its bounds (0 within tolerance).
    fn infeasibility_of(&self, j: usize) -> f64 {
        let (v, lo, hi) = (self.x[j], self.lower[j], self.upper[j]);
        let miss = if v < lo - PRIMAL_TOL * (1.0 + lo.abs()) {
            lo - v
        } else if v > hi + PRIMAL_TOL * (1.0 + hi.abs()) {
            v - hi
        } else {
            0.0
        };
        miss * miss
    }

    /// Column `j` of `[A, -I]` as a dense vector by row.
    fn load_column(&self, j: usize, out: &mut [f64]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        if j < self.n {
            for e in self.col_start[j]..self.col_start[j + 1] {
                out[self.col_row[e]] = self.col_val[e];
            }
        } else {
            out[j - self.n] = -1.0;
        }
    }

    fn sparse_column(&self, j: usize) -> Vec<(usize, f64)> {
        if j < self.n {
            (self.col_start[j]..self.col_start[j + 1])
                .map(|e| (self.col_row[e], self.col_val[e]))
                .collect()
        } else {
            vec![(j - self.n, -1.0)]
        }
    }

    /// Fresh LU factors; a singular basis has its unpivoted positions replaced by the logicals
    /// of the unpivoted rows.
    /// Returns whether the basis was repaired (its reduced costs may then have the wrong signs).
    fn refactor(&mut self) -> Result<bool, SolveError> {
        for attempt in 0..3 {
            let columns: Vec<Vec<(usize, f64)>> =
                self.head.iter().map(|&j| self.sparse_column(j)).collect();
            match Lu::factor(self.m, columns) {
                Ok(lu) => {
                    self.lu = Some(lu);
                    return Ok(attempt > 0);
                }
                Err(singular) => {
                    for (&k, &i) in singular.positions.iter().zip(&singular.rows) {
                        let out = self.head[k];
                        let logical = self.n + i;
                        // The row's logical may already be basic elsewhere only if the factor
                        // was wrong; then give up.
                        if self.at[logical] == At::Basic {
                            return Err(SolveError::Failed("dual simplex: singular basis".into()));
                        }
                        self.at[out] = self.nearest_bound(out);
                        self.head[k] = logical;
                        self.at[logical] = At::Basic;
                        self.weight[k] = 1.0;
                    }
                }
            }
        }
        Err(SolveError::Failed("dual simplex: singular basis".into()))
    }

    /// The finite bound nearest variable `j`'s value, where it rests when it leaves the basis.
    fn nearest_bound(&self, j: usize) -> At {
        let (v, lo, hi) = (self.x[j], self.lower[j], self.upper[j]);
        if !hi.is_finite() || (lo.is_finite() && v - lo <= hi - v) {
            At::Lower
        } else {
            At::Upper
        }
    }

    /// Nonbasic values at their bounds, basic ones from `B x_B = -N x_N`.
    fn compute_primal(&mut self) {
        let (m, n) = (self.m, self.n);
        let mut rhs = vec![0.0; m];
        for j in 0..n + m {
            match self.at[j] {
                At::Basic => continue,
                At::Lower => self.x[j] = self.lower[j],
                At::Upper => self.x[j] = self.upper[j],
            }
            let v = self.x[j];
            if v == 0.0 {
                continue;
            }
            if j < n {
                for e in self.col_start[j]..self.col_start[j + 1] {
                    rhs[self.col_row[e]] -= self.col_val[e] * v;
                }
            } else {
                rhs[j - n] += v;
            }
        }
        let mut xb = vec![0.0; m];
        self.lu.as_ref().expect("factored").ftran(&mut rhs, &mut xb);
        for k in 0..m {
            self.x[self.head[k]] = xb[k];
            self.infeasibility[k] = self.infeasibility_of(self.head[k]);
        }
    }

    /// Row duals `y = B^-T c_B` and every reduced cost.
    fn compute_dual(&mut self) -> Vec<f64> {
        let (m, n) = (self.m, self.n);
        let mut cb: Vec<f64> = self.head.iter().map(|&j| self.cost[j]).collect();
        let mut y = vec![0.0; m];
        self.lu.as_ref().expect("factored").btran(&mut cb, &mut y);
        for j in 0..n {
            if self.at[j] == At::Basic {
                self.d[j] = 0.0;
                continue;
            }
            let mut d = self.cost[j];
            for e in self.col_start[j]..self.col_start[j + 1] {
                d -= y[self.col_row[e]] * self.col_val[e];
            }
            self.d[j] = d;
        }
        for i in 0..m {
            self.d[n + i] = if self.at[n + i] == At::Basic {
                0.0
            } else {
                y[i]
            };
        }
        y
    }

    /// Columns whose reduced cost has the wrong sign for their bound move to the other bound;
    /// a structural with no upper bound gets the temporary [`ARTIFICIAL`] one.
    fn make_dual_feasible(&mut self) {
        self.compute_dual();
        for j in 0..self.n + self.m {
            match self.at[j] {
                At::Lower if self.d[j] < -DUAL_TOL => {
                    if !self.upper[j].is_finite() {
                        if j >= self.n {
                            continue; // a free logical cannot be fixed this way; the solve goes on
                        }
                        self.upper[j] = ARTIFICIAL;
                        self.artificial[j] = true;
                    }
                    self.at[j] = At::Upper;
                }
                At::Upper if self.d[j] > DUAL_TOL && self.lower[j].is_finite() => {
                    self.at[j] = At::Lower;
                }
                _ => {}
            }
        }
    }

    fn finish(&mut self, objective: &[f64]) -> Result<LpOutcome, SolveError> {
        let y = self.compute_dual();
        if (0..self.n).any(|j| self.artificial[j] && self.at[j] == At::Upper) {
            return Err(SolveError::Failed(
                "dual simplex: a column with a negative cost stayed at its temporary bound".into(),
            ));
        }
        let x: Vec<f64> = (0..self.n)
            .map(|j| (self.x[j] * self.scaling.col[j]).max(0.0))
            .collect();
        let duals = (0..self.m)
            .map(|i| self.sign * self.scaling.objective * y[i] / self.scaling.row[i])
            .collect();
        let value = super::verify::sum(objective.iter().zip(&x).map(|(c, v)| c * v));
        Ok(LpOutcome {
            x,
            duals: Some(duals),
            note: None,
            objective: Some(value),
        })
    }
}

/// `simulate` warm-starts with this solver up to this many rows: the chain's first solve is cold
/// (from the all-logical basis) over the whole LP, undecomposed. Synth L (28,342 rows) gained
/// (4 samples in 47 s against 56 s cold); XL's 100,040 rows, a cold solve alone far slower than
/// its decomposed interior-point samples, are solved cold.
pub const WARM_MAX_ROWS: usize = 30_000;

/// Models up to this many rows and columns go to the dual simplex as the optimality check's
/// first repair. Cold, it took 0.1-0.2 s on synth M's year blocks (1,745 rows, 8,261 columns;
/// the dense simplex 3-4 s), but 4.5-8.2 s on XL's (10,004 rows, 127,016 columns; the restricted
/// interior-point re-solves were faster) and 30 s on coupled L (interior point 20 s).
pub const MAX_ROWS: usize = 5_000;
pub const MAX_COLS: usize = 40_000;

/// Whether `lp` is small enough for a cold dual simplex solve as a repair.
pub fn fits(lp: &Lp) -> bool {
    lp.rows.len() <= MAX_ROWS && lp.vars.len() <= MAX_COLS
}

/// A cold solve from the all-logical basis.
pub fn solve(lp: &Lp, objective: &[f64], maximise: bool) -> Result<LpOutcome, SolveError> {
    let started = std::time::Instant::now();
    let mut simplex = DualSimplex::new(lp, objective, maximise);
    let out = simplex.solve(objective);
    if std::env::var_os("CAPPLAN_VERIFY_LOG").is_some() {
        eprintln!(
            "verify: dual simplex: {} rows, {} columns, {} pivots, {:.2} s",
            lp.rows.len(),
            lp.vars.len(),
            simplex.pivots,
            started.elapsed().as_secs_f64()
        );
    }
    out
}

fn bounds(sense: Sense, b: f64) -> (f64, f64) {
    match sense {
        Sense::Le => (f64::NEG_INFINITY, b),
        Sense::Ge => (b, f64::INFINITY),
        Sense::Eq => (b, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RowName, Var};
    use crate::scenario::{OfferId, WorkloadId};

    fn col(lp: &mut Lp, o: usize, cost: f64) -> usize {
        lp.add_var(
            Var::Alloc {
                workload: WorkloadId(0),
                offer: OfferId(o),
                t: 0,
            },
            cost,
            100.0,
            f64::INFINITY,
        )
    }

    fn row(t: usize) -> RowName {
        RowName::Demand {
            workload: WorkloadId(0),
            t,
        }
    }

    /// min 3a + 5b + 4c  s.t.  a + b + c = D,  a <= 40,  b + c >= 30 (and c <= 25).
    fn lp(demand: f64) -> Lp {
        let mut lp = Lp::default();
        let a = col(&mut lp, 0, 3.0);
        let b = col(&mut lp, 1, 5.0);
        let c = col(&mut lp, 2, 4.0);
        lp.add_row(
            row(0),
            vec![(a, 1.0), (b, 1.0), (c, 1.0)],
            Sense::Eq,
            demand,
        );
        lp.add_row(row(1), vec![(a, 1.0)], Sense::Le, 40.0);
        lp.add_row(row(2), vec![(c, 1.0)], Sense::Le, 25.0);
        lp.add_row(row(3), vec![(b, 1.0), (c, 1.0)], Sense::Ge, 30.0);
        lp
    }

    #[test]
    fn hand_optima_cold_and_warm_after_the_demand_moves() {
        let base = lp(100.0);
        let cost = base.cost.clone();
        let mut s = DualSimplex::new(&base, &cost, false);
        // D = 100: a = 40, c = 25, b = 35: 120 + 175 + 100 = 395.
        let out = s.solve(&cost).expect("optimal");
        assert!((out.objective.unwrap() - 395.0).abs() < 1e-9, "{:?}", out.x);
        assert!((out.x[0] - 40.0).abs() < 1e-9 && (out.x[1] - 35.0).abs() < 1e-9);
        // Duals (d cost / d rhs): demand 5, a's cap 3 - 5 = -2, c's cap 4 - 5 = -1, b + c >= 30 0.
        let y = out.duals.unwrap();
        assert!(
            (y[0] - 5.0).abs() < 1e-9 && (y[1] + 2.0).abs() < 1e-9 && (y[2] + 1.0).abs() < 1e-9,
            "{y:?}"
        );
        // D = 60: a = 30 (the >= 30 row binds: c = 25, b = 5): 90 + 25 + 100 = 215.
        s.set_rhs(&[(0, 60.0)]);
        let out = s.solve(&cost).expect("optimal");
        assert!((out.objective.unwrap() - 215.0).abs() < 1e-9, "{:?}", out.x);
        // D = 20 cannot meet b + c >= 30 with a >= 0: infeasible.
        s.set_rhs(&[(0, 20.0)]);
        assert_eq!(s.solve(&cost).err(), Some(SolveError::Infeasible));
        // And back: the basis recovers.
        s.set_rhs(&[(0, 100.0)]);
        assert!((s.solve(&cost).unwrap().objective.unwrap() - 395.0).abs() < 1e-9);
    }

    #[test]
    fn maximising_starts_from_temporary_bounds_and_drops_them() {
        // max a + c (a on offer 0, c on offer 2) at D = 100: a = 40, c = 25 → 65.
        let base = lp(100.0);
        let w = vec![1.0, 0.0, 1.0];
        let mut s = DualSimplex::new(&base, &w, true);
        let out = s.solve(&w).expect("optimal");
        assert!((out.objective.unwrap() - 65.0).abs() < 1e-9, "{:?}", out.x);
    }
}
