//! A dense revised primal simplex for small LPs, in pure Rust: the repair the optimality check
//! falls back to when an interior-point plan of a model with prices or penalties spread over 1e12
//! cannot be proven optimal. An interior point stops near the optimum with every column a little
//! positive, and a trace of a $1e12 column is worth more than the plan's whole tolerance; a simplex
//! stops on a vertex, where each column is exactly 0 or basic and the duals come from the basis.
//!
//! Two phases (artificials for rows whose slack cannot start the basis), Dantzig pricing
//! relative to each column's cost mass, a Harris two-pass ratio test, Bland's rule while the
//! objective stalls, and the basis inverse refactored from the rows every
//! [`REFACTOR_EVERY`] pivots and before optimality is declared. Work is `O(m^2)` per pivot with
//! `m` rows, hence the size limits: larger models go to HiGHS where it is built.

use super::backend::LpOutcome;
use super::SolveError;
use crate::model::{Lp, Sense};

/// Models up to this many rows (the basis inverse is dense: `m^2` doubles)...
pub const MAX_ROWS: usize = 1_200;
/// ...and this many columns.
pub const MAX_COLS: usize = 40_000;
/// Pivots between refactorisations of the basis inverse.
const REFACTOR_EVERY: usize = 60;
/// Primal feasibility (scaled rows).
const PRIMAL_TOL: f64 = 1e-9;
/// A reduced cost is negative when below this fraction of the column's cost mass
/// `|c_j| + sum_i |y_i a_ij|`.
const DUAL_TOL: f64 = 1e-11;
/// Smallest pivot element accepted in the ratio test.
const PIVOT_TOL: f64 = 1e-9;
/// Pivots without progress before Bland's rule takes over (cycling on degenerate vertices).
const STALL: usize = 40;

/// Whether `lp` is small enough for this simplex.
pub fn fits(lp: &Lp) -> bool {
    lp.rows.len() <= MAX_ROWS && lp.vars.len() <= MAX_COLS
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Structural,
    Slack,
    Artificial,
}

struct Simplex {
    m: usize,
    /// Sparse columns: structural (scaled), then slacks, then artificials.
    cols: Vec<Vec<(usize, f64)>>,
    kind: Vec<Kind>,
    b: Vec<f64>,
    /// Column basic in each row position.
    basis: Vec<usize>,
    /// Row position of each basic column.
    position: Vec<Option<usize>>,
    /// Dense basis inverse, row-major.
    binv: Vec<f64>,
    xb: Vec<f64>,
}

/// Minimises `objective . x` (or maximises) over the LP's rows, `x >= 0`, to a vertex. The duals
/// follow good_lp's convention (d objective / d rhs), as every backend's do.
pub fn solve(lp: &Lp, objective: &[f64], maximise: bool) -> Result<LpOutcome, SolveError> {
    if !fits(lp) {
        return Err(SolveError::Failed(format!(
            "the simplex handles up to {MAX_ROWS} rows and {MAX_COLS} columns; this model has {} and {}",
            lp.rows.len(),
            lp.vars.len()
        )));
    }
    let n = lp.vars.len();
    let m = lp.rows.len();
    let sign = if maximise { -1.0 } else { 1.0 };
    let scaling = equilibrate(lp);
    // Row i of the scaled system: flip_i * (a_i . S x') / row_i (+ slack) = flip_i * b_i / row_i,
    // flipped so that the right-hand side is >= 0.
    let mut flip = vec![1.0; m];
    let mut b = vec![0.0; m];
    for (i, row) in lp.rows.iter().enumerate() {
        let rhs = row.rhs / scaling.row[i];
        flip[i] = if rhs < 0.0 { -1.0 } else { 1.0 };
        b[i] = flip[i] * rhs;
    }
    let mut cols: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (i, row) in lp.rows.iter().enumerate() {
        for &(j, a) in &row.terms {
            let v = flip[i] * a * scaling.col[j] / scaling.row[i];
            if v != 0.0 {
                cols[j].push((i, v));
            }
        }
    }
    let mut cost: Vec<f64> = (0..n).map(|j| sign * objective[j] * scaling.col[j]).collect();
    let mut kind = vec![Kind::Structural; n];
    let mut start = vec![usize::MAX; m];
    for (i, row) in lp.rows.iter().enumerate() {
        let slack = match row.sense {
            Sense::Le => 1.0,
            Sense::Ge => -1.0,
            Sense::Eq => continue,
        } * flip[i];
        if slack > 0.0 {
            start[i] = cols.len();
        }
        cols.push(vec![(i, slack)]);
        kind.push(Kind::Slack);
        cost.push(0.0);
    }
    for (i, s) in start.iter_mut().enumerate() {
        if *s == usize::MAX {
            *s = cols.len();
            cols.push(vec![(i, 1.0)]);
            kind.push(Kind::Artificial);
            cost.push(0.0);
        }
    }
    let total = cols.len();
    let mut position = vec![None; total];
    for (i, &j) in start.iter().enumerate() {
        position[j] = Some(i);
    }
    let mut s = Simplex {
        m,
        cols,
        kind,
        b: b.clone(),
        basis: start,
        position,
        binv: identity(m),
        xb: b,
    };
    // Phase I: drive the artificials to 0.
    if s.kind.contains(&Kind::Artificial) {
        let phase1: Vec<f64> = s
            .kind
            .iter()
            .map(|k| if *k == Kind::Artificial { 1.0 } else { 0.0 })
            .collect();
        s.optimise(&phase1, true)?;
        let infeasibility: f64 = s
            .basis
            .iter()
            .zip(&s.xb)
            .filter(|(&j, _)| s.kind[j] == Kind::Artificial)
            .map(|(_, v)| v.max(0.0))
            .sum();
        let size = s.b.iter().fold(1.0f64, |a, v| a.max(v.abs()));
        if infeasibility > PRIMAL_TOL * size {
            return Err(SolveError::Infeasible);
        }
        s.drive_out_artificials();
    }
    s.optimise(&cost, false)?;
    // Values and duals in the LP's units.
    let mut x = vec![0.0; n];
    for (r, &j) in s.basis.iter().enumerate() {
        if j < n {
            x[j] = s.xb[r].max(0.0) * scaling.col[j];
        }
    }
    let y = s.duals(&cost);
    let duals: Vec<f64> = (0..m)
        .map(|i| sign * y[i] * flip[i] / scaling.row[i])
        .collect();
    let value = super::verify::sum(objective.iter().zip(&x).map(|(c, v)| c * v));
    Ok(LpOutcome {
        x,
        duals: Some(duals),
        note: None,
        objective: Some(value),
    })
}

/// Column and row factors (powers of two, so scaling is exact): `x = col * x'`, row `i` divided
/// by `row[i]`. Alternating geometric-mean passes over the matrix itself, not the columns'
/// planning magnitudes: a credit column sized by a $1e12 tranche would otherwise be scaled by
/// 1e16, and the ratio test's 1e-9 tolerance on it would be millions of dollars.
struct Factors {
    col: Vec<f64>,
    row: Vec<f64>,
}

fn equilibrate(lp: &Lp) -> Factors {
    let n = lp.vars.len();
    let m = lp.rows.len();
    let mut col = vec![1.0; n];
    let mut row = vec![1.0; m];
    let geometric = |lo: f64, hi: f64| {
        if hi > 0.0 {
            pow2((lo * hi).sqrt())
        } else {
            1.0
        }
    };
    for _ in 0..6 {
        for (i, r) in lp.rows.iter().enumerate() {
            let (lo, hi) = extremes(r.terms.iter().map(|&(j, a)| a * col[j]));
            row[i] = geometric(lo, hi);
        }
        let mut lo = vec![f64::INFINITY; n];
        let mut hi = vec![0.0f64; n];
        for (i, r) in lp.rows.iter().enumerate() {
            for &(j, a) in &r.terms {
                let v = (a / row[i]).abs();
                if v > 0.0 {
                    lo[j] = lo[j].min(v);
                    hi[j] = hi[j].max(v);
                }
            }
        }
        for j in 0..n {
            // x = col * x': a column with entries around v gets col = 1 / v.
            col[j] = 1.0 / geometric(lo[j], hi[j]);
        }
    }
    Factors { col, row }
}

fn extremes(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        let v = v.abs();
        if v > 0.0 {
            (lo.min(v), hi.max(v))
        } else {
            (lo, hi)
        }
    })
}

fn pow2(v: f64) -> f64 {
    2f64.powi(v.log2().round().clamp(-1000.0, 1000.0) as i32)
}

fn identity(m: usize) -> Vec<f64> {
    let mut e = vec![0.0; m * m];
    for i in 0..m {
        e[i * m + i] = 1.0;
    }
    e
}

impl Simplex {
    /// `y = c_B B^-1`.
    fn duals(&self, cost: &[f64]) -> Vec<f64> {
        let m = self.m;
        let mut y = vec![0.0; m];
        for (r, &j) in self.basis.iter().enumerate() {
            let c = cost[j];
            if c != 0.0 {
                let row = &self.binv[r * m..(r + 1) * m];
                for (yi, bi) in y.iter_mut().zip(row) {
                    *yi += c * bi;
                }
            }
        }
        y
    }

    /// `B^-1 a_j`.
    fn column(&self, j: usize) -> Vec<f64> {
        let m = self.m;
        let mut alpha = vec![0.0; m];
        for &(i, a) in &self.cols[j] {
            for (r, al) in alpha.iter_mut().enumerate() {
                *al += self.binv[r * m + i] * a;
            }
        }
        alpha
    }

    /// Reduced cost of column `j` and its cost mass.
    fn reduced(&self, cost: &[f64], y: &[f64], j: usize) -> (f64, f64) {
        let mut d = cost[j];
        let mut mass = cost[j].abs();
        for &(i, a) in &self.cols[j] {
            d -= y[i] * a;
            mass += (y[i] * a).abs();
        }
        (d, mass)
    }

    /// Rebuilds `B^-1` from the basis columns (Gauss-Jordan, partial pivoting) and `x_B` from it,
    /// with one step of iterative refinement.
    fn refactor(&mut self) -> Result<(), SolveError> {
        let m = self.m;
        let mut a = vec![0.0; m * m];
        for (r, &j) in self.basis.iter().enumerate() {
            for &(i, v) in &self.cols[j] {
                a[i * m + r] += v;
            }
        }
        let mut inv = identity(m);
        for k in 0..m {
            let p = (k..m)
                .max_by(|&p, &q| a[p * m + k].abs().total_cmp(&a[q * m + k].abs()))
                .unwrap();
            let pivot = a[p * m + k];
            if pivot.abs() < 1e-13 {
                return Err(SolveError::Failed(
                    "simplex: the basis became singular".to_string(),
                ));
            }
            if p != k {
                for c in 0..m {
                    a.swap(p * m + c, k * m + c);
                    inv.swap(p * m + c, k * m + c);
                }
            }
            for c in 0..m {
                a[k * m + c] /= pivot;
                inv[k * m + c] /= pivot;
            }
            for r in (0..m).filter(|&r| r != k) {
                let f = a[r * m + k];
                if f != 0.0 {
                    for c in 0..m {
                        a[r * m + c] -= f * a[k * m + c];
                        inv[r * m + c] -= f * inv[k * m + c];
                    }
                }
            }
        }
        // inv = (B)^-1 where B's column r is basis[r]: row r of inv gives x_B[r].
        self.binv = inv;
        let mut xb = self.apply(&self.b);
        // Refinement: x_B += B^-1 (b - B x_B).
        let mut residual = self.b.clone();
        for (r, &j) in self.basis.iter().enumerate() {
            for &(i, v) in &self.cols[j] {
                residual[i] -= v * xb[r];
            }
        }
        let correction = self.apply(&residual);
        for (x, c) in xb.iter_mut().zip(correction) {
            *x += c;
        }
        self.xb = xb;
        Ok(())
    }

    fn apply(&self, v: &[f64]) -> Vec<f64> {
        let m = self.m;
        (0..m)
            .map(|r| {
                let row = &self.binv[r * m..(r + 1) * m];
                super::verify::sum(row.iter().zip(v).map(|(a, b)| a * b))
            })
            .collect()
    }

    fn pivot(&mut self, q: usize, r: usize, alpha: &[f64]) {
        let m = self.m;
        let ar = alpha[r];
        // Harris lets a basic sit a hair below 0; stepping back to it would undo progress (and
        // can cycle), so the step is never negative.
        let theta = (self.xb[r] / ar).max(0.0);
        for (i, x) in self.xb.iter_mut().enumerate() {
            if i != r {
                *x -= theta * alpha[i];
            }
        }
        self.xb[r] = theta;
        let (before, rest) = self.binv.split_at_mut(r * m);
        let (pivot_row, after) = rest.split_at_mut(m);
        pivot_row.iter_mut().for_each(|v| *v /= ar);
        for (i, row) in before
            .chunks_mut(m)
            .enumerate()
            .chain(after.chunks_mut(m).enumerate().map(|(k, c)| (k + r + 1, c)))
        {
            let f = alpha[i];
            if f != 0.0 {
                for (v, p) in row.iter_mut().zip(pivot_row.iter()) {
                    *v -= f * p;
                }
            }
        }
        let out = self.basis[r];
        self.position[out] = None;
        self.basis[r] = q;
        self.position[q] = Some(r);
    }

    /// Pivots to an optimal basis for `cost`. In phase II artificials never enter, and a basic one
    /// (at 0, on a redundant row) leaves as soon as a pivot can take its row.
    fn optimise(&mut self, cost: &[f64], phase1: bool) -> Result<(), SolveError> {
        let total = self.cols.len();
        let limit = 50 * (self.m + total) + 1000;
        let mut since_refactor = 0;
        let mut fresh = false;
        let mut best = f64::INFINITY;
        let mut stalled = 0;
        for _ in 0..limit {
            if since_refactor >= REFACTOR_EVERY {
                self.refactor()?;
                since_refactor = 0;
                fresh = true;
            }
            let y = self.duals(cost);
            let bland = stalled >= STALL;
            let mut entering: Option<(usize, f64)> = None;
            for j in 0..total {
                if self.position[j].is_some() || (!phase1 && self.kind[j] == Kind::Artificial) {
                    continue;
                }
                let (d, mass) = self.reduced(cost, &y, j);
                if d >= -DUAL_TOL * mass.max(1e-300) {
                    continue;
                }
                let score = d / mass;
                if bland {
                    entering = Some((j, score));
                    break;
                }
                if entering.is_none_or(|(_, s)| score < s) {
                    entering = Some((j, score));
                }
            }
            let Some((q, _)) = entering else {
                if fresh {
                    return Ok(());
                }
                // Optimal on the updated inverse: confirm on a fresh one.
                self.refactor()?;
                since_refactor = 0;
                fresh = true;
                continue;
            };
            let alpha = self.column(q);
            let Some(r) = self.ratio_test(&alpha, phase1, bland) else {
                if fresh {
                    return Err(SolveError::Failed(
                        "simplex: the LP is unbounded".to_string(),
                    ));
                }
                self.refactor()?;
                since_refactor = 0;
                fresh = true;
                continue;
            };
            self.pivot(q, r, &alpha);
            since_refactor += 1;
            fresh = false;
            let value: f64 = self
                .basis
                .iter()
                .zip(&self.xb)
                .map(|(&j, x)| cost[j] * x)
                .sum();
            if value < best - 1e-12 * best.abs().max(1.0) {
                best = value;
                stalled = 0;
            } else {
                stalled += 1;
            }
        }
        Err(SolveError::Failed(format!(
            "simplex: no optimum after {limit} pivots"
        )))
    }

    /// Harris's two-pass ratio test: the largest pivot among the rows that block within a
    /// tolerance of the tightest. Under Bland's rule, the lowest basic column among the ties.
    fn ratio_test(&self, alpha: &[f64], phase1: bool, bland: bool) -> Option<usize> {
        if !phase1 {
            // A basic artificial leaves at once, at 0: it must never become positive.
            if let Some(r) = (0..self.m).find(|&r| {
                self.kind[self.basis[r]] == Kind::Artificial && alpha[r].abs() > PIVOT_TOL
            }) {
                return Some(r);
            }
        }
        // Bland's rule needs the exact minimum ratio (its anti-cycling proof does not survive
        // Harris's tolerance); otherwise the tightest ratio relaxed by the primal tolerance.
        let slack = if bland { 0.0 } else { PRIMAL_TOL };
        let mut bound = f64::INFINITY;
        for r in 0..self.m {
            if alpha[r] > PIVOT_TOL {
                bound = bound.min((self.xb[r].max(0.0) + slack) / alpha[r]);
            }
        }
        if bland {
            bound *= 1.0 + 1e-12;
        }
        if !bound.is_finite() {
            return None;
        }
        let mut chosen: Option<usize> = None;
        for r in 0..self.m {
            if alpha[r] > PIVOT_TOL && self.xb[r].max(0.0) / alpha[r] <= bound {
                chosen = match chosen {
                    None => Some(r),
                    Some(c) if bland => Some(if self.basis[r] < self.basis[c] { r } else { c }),
                    Some(c) => Some(if alpha[r] > alpha[c] { r } else { c }),
                };
            }
        }
        chosen
    }

    /// After phase I: pivots each artificial still basic (at 0) out on any non-artificial column
    /// with a nonzero entry in its row; one whose row has none sits on a redundant row.
    fn drive_out_artificials(&mut self) {
        let total = self.cols.len();
        for r in 0..self.m {
            if self.kind[self.basis[r]] != Kind::Artificial {
                continue;
            }
            let row: Vec<f64> = self.binv[r * self.m..(r + 1) * self.m].to_vec();
            let entering = (0..total).find(|&j| {
                self.position[j].is_none()
                    && self.kind[j] != Kind::Artificial
                    && self.cols[j]
                        .iter()
                        .map(|&(i, a)| row[i] * a)
                        .sum::<f64>()
                        .abs()
                        > 1e-7
            });
            if let Some(q) = entering {
                let alpha = self.column(q);
                self.xb[r] = 0.0;
                self.pivot(q, r, &alpha);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lp::Var;
    use crate::model::RowName;
    use crate::scenario::{OfferId, WorkloadId};

    fn alloc(o: usize) -> Var {
        Var::Alloc {
            offer: OfferId(o),
            workload: WorkloadId(0),
            t: 0,
        }
    }

    /// min 2a + 3b + 1e12 c  s.t.  a + b + c >= 10 (demand), a <= 4, b <= 5, c <= 100:
    /// a = 4, b = 5, c = 1, objective 8 + 15 + 1e12; the demand row's dual is 1e12.
    #[test]
    fn a_twelve_decade_spread_is_solved_to_the_vertex() {
        let mut lp = Lp::default();
        let costs = [2.0, 3.0, 1e12];
        let caps = [4.0, 5.0, 100.0];
        for (o, &c) in costs.iter().enumerate() {
            lp.add_var(alloc(o), c, 100.0, f64::INFINITY);
        }
        let demand = RowName::Demand {
            workload: WorkloadId(0),
            t: 0,
        };
        lp.add_row(demand, vec![(0, 1.0), (1, 1.0), (2, 1.0)], Sense::Ge, 10.0);
        for (o, &cap) in caps.iter().enumerate() {
            let name = RowName::Capacity {
                offer: OfferId(o),
                t: 0,
            };
            lp.add_row(name, vec![(o, 1.0)], Sense::Le, cap);
        }
        let objective = lp.cost.clone();
        let out = solve(&lp, &objective, false).unwrap();
        for (got, want) in out.x.iter().zip([4.0, 5.0, 1.0]) {
            assert!((got - want).abs() <= 1e-12, "{:?}", out.x);
        }
        assert!((out.objective.unwrap() - (1e12 + 23.0)).abs() <= 1e-3);
        let duals = out.duals.unwrap();
        assert!((duals[0] - 1e12).abs() <= 1e-3, "{duals:?}");
        // Capacity duals: what one more unit of a or b saves, 1e12 - 2 and 1e12 - 3.
        assert!((duals[1] + (1e12 - 2.0)).abs() <= 1e-3, "{duals:?}");
        assert!((duals[2] + (1e12 - 3.0)).abs() <= 1e-3, "{duals:?}");
        assert_eq!(duals[3], 0.0);
    }

    /// max a + b  s.t.  a + 2b <= 4, 3a + b <= 6, a - b == 0 (an equality: phase I):
    /// a = b = 4/3, objective 8/3.
    #[test]
    fn equalities_start_from_artificials_and_maximising_flips_the_duals() {
        let mut lp = Lp::default();
        lp.add_var(alloc(0), 1.0, 10.0, f64::INFINITY);
        lp.add_var(alloc(1), 1.0, 10.0, f64::INFINITY);
        let cap = |o| RowName::Capacity {
            offer: OfferId(o),
            t: 0,
        };
        lp.add_row(cap(0), vec![(0, 1.0), (1, 2.0)], Sense::Le, 4.0);
        lp.add_row(cap(1), vec![(0, 3.0), (1, 1.0)], Sense::Le, 6.0);
        lp.add_row(cap(2), vec![(0, 1.0), (1, -1.0)], Sense::Eq, 0.0);
        let objective = lp.cost.clone();
        let out = solve(&lp, &objective, true).unwrap();
        assert!((out.x[0] - 4.0 / 3.0).abs() < 1e-12 && (out.x[1] - 4.0 / 3.0).abs() < 1e-12);
        assert!((out.objective.unwrap() - 8.0 / 3.0).abs() < 1e-12);
        // Only row 0 binds... and row 1 at a = b: 3a + a = 16/3 < 6, so row 1 is slack; the
        // duals (d max / d rhs) solve y0 + y2 = 1, 2 y0 - y2 = 1: y0 = 2/3, y2 = 1/3.
        let d = out.duals.unwrap();
        assert!((d[0] - 2.0 / 3.0).abs() < 1e-12, "{d:?}");
        assert!(d[1].abs() < 1e-12, "{d:?}");
        assert!((d[2] - 1.0 / 3.0).abs() < 1e-12, "{d:?}");
    }

    #[test]
    fn an_infeasible_lp_is_reported_so() {
        let mut lp = Lp::default();
        lp.add_var(alloc(0), 1.0, 10.0, f64::INFINITY);
        let cap = RowName::Capacity {
            offer: OfferId(0),
            t: 0,
        };
        lp.add_row(cap, vec![(0, 1.0)], Sense::Le, 3.0);
        lp.add_row(cap, vec![(0, 1.0)], Sense::Ge, 5.0);
        let objective = lp.cost.clone();
        assert!(matches!(
            solve(&lp, &objective, false),
            Err(SolveError::Infeasible)
        ));
    }
}
