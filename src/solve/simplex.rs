//! A dense revised primal simplex for small LPs, in pure Rust: the repair the optimality check
//! falls back to when an interior-point plan of a model with prices or penalties spread over 1e12
//! cannot be proven optimal. An interior point stops near the optimum with every column a little
//! positive, and a trace of a $1e12 column is worth more than the plan's whole tolerance; a simplex
//! stops on a vertex, where each column is exactly 0 or basic and the duals come from the basis.
//!
//! Two phases (artificials for rows whose slack cannot start the basis), Dantzig pricing
//! relative to each column's cost mass (the size of the terms its reduced cost is summed from,
//! so rounding residue of a $1e12 cost never prices a column in), a Harris two-pass ratio test,
//! Bland's rule while the objective stalls, and the basis inverse refactored from the rows every
//! [`REFACTOR_EVERY`] pivots and before optimality is declared. Work is `O(m^2)` per pivot with
//! `m` rows, hence the size limits: larger models go through the rest of the repair chain
//! (`verify::solve_checked_to`), ending in HiGHS where it is built.

use super::backend::LpOutcome;
use super::SolveError;
use crate::model::{Lp, Sense};

/// Models up to this many rows (the basis inverse is dense: `m^2` doubles, 32 MB at the limit;
/// tools/spec_ref/extremes.py's seed 28 has 1,236: its whole plan, three simplex solves, took
/// 2.2 s on 2 cores at load 13)...
pub const MAX_ROWS: usize = 2_000;
/// ...and this many columns.
pub const MAX_COLS: usize = 40_000;
/// Pivots between refactorisations of the basis inverse.
const REFACTOR_EVERY: usize = 60;
/// Primal feasibility (scaled rows).
const PRIMAL_TOL: f64 = 1e-9;
/// A reduced cost is negative when below this fraction of the column's cost mass
/// `|c_j| + sum_i |a_ij| sum_r |c_B[r] B^-1[r][i]|`.
const DUAL_TOL: f64 = 1e-11;
/// Smallest pivot element accepted in the ratio test.
const PIVOT_TOL: f64 = 1e-9;
/// Most pivots times `m^2` in one phase.
const PIVOT_WORK: usize = 40_000_000_000;
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
    /// Pivots taken under Bland's rule (slow; only while the objective stalls).
    bland_pivots: usize,
    /// All pivots taken.
    pivots: usize,
}

/// Minimises `objective . x` (or maximises) over the LP's rows, `x >= 0`, to a vertex. The duals
/// follow good_lp's convention (d objective / d rhs), as every backend's do.
pub fn solve(lp: &Lp, objective: &[f64], maximise: bool) -> Result<LpOutcome, SolveError> {
    solve_counting(lp, objective, maximise).map(|(out, _)| out)
}

/// As [`solve`], with the number of pivots taken under Bland's rule.
fn solve_counting(
    lp: &Lp,
    objective: &[f64],
    maximise: bool,
) -> Result<(LpOutcome, usize), SolveError> {
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
    let mut cost: Vec<f64> = (0..n)
        .map(|j| sign * objective[j] * scaling.col[j])
        .collect();
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
        bland_pivots: 0,
        pivots: 0,
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
    let out = LpOutcome {
        x,
        duals: Some(duals),
        note: None,
        objective: Some(value),
    };
    if std::env::var_os("CAPPLAN_VERIFY_LOG").is_some() {
        eprintln!(
            "verify: simplex: {} rows, {} columns, {} pivots ({} under Bland's rule)",
            m, n, s.pivots, s.bland_pivots
        );
    }
    Ok((out, s.bland_pivots))
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
        self.duals_with_mass(cost).0
    }

    /// `y = c_B B^-1` and, for each row, `sum_r |c_B[r] B^-1[r][i]|`: the size of the terms `y_i`
    /// is summed from, hence of its rounding error. A dual that should be 0 comes out as noise on
    /// that scale, and a slack priced by it alone must not look like an improving column.
    fn duals_with_mass(&self, cost: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let m = self.m;
        let mut y = vec![0.0; m];
        let mut mass = vec![0.0; m];
        for (r, &j) in self.basis.iter().enumerate() {
            let c = cost[j];
            if c != 0.0 {
                let row = &self.binv[r * m..(r + 1) * m];
                for ((yi, mi), bi) in y.iter_mut().zip(mass.iter_mut()).zip(row) {
                    *yi += c * bi;
                    *mi += (c * bi).abs();
                }
            }
        }
        (y, mass)
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

    /// Reduced cost of column `j` and its cost mass `|c_j| + sum_i |a_ij| ymass_i`, the scale of
    /// its rounding error (`ymass` from [`Self::duals_with_mass`]).
    fn reduced(&self, cost: &[f64], y: &[f64], ymass: &[f64], j: usize) -> (f64, f64) {
        let mut d = cost[j];
        let mut mass = cost[j].abs();
        for &(i, a) in &self.cols[j] {
            d -= y[i] * a;
            mass += (ymass[i] * a).abs();
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
        // A safety net, not a step count: a pivot costs about 3 m^2 flops, so the second bound
        // keeps a hopeless model of 2,000 rows to 10,000 pivots (a minute or two) before the
        // rest of the repair chain takes over.
        let limit = (50 * (self.m + total) + 1000).min(PIVOT_WORK / (self.m * self.m).max(1));
        let mut since_refactor = 0;
        let mut fresh = false;
        // Least objective so far. (It once started at +inf, where `inf - 1e-12 * inf` is NaN: no
        // pivot ever counted as progress and Bland's rule ran from the 40th pivot on.)
        let mut best: Option<f64> = None;
        let mut stalled = 0;
        for _ in 0..limit {
            if since_refactor >= REFACTOR_EVERY {
                self.refactor()?;
                since_refactor = 0;
                fresh = true;
            }
            let bland = stalled >= STALL;
            let entering = self.price(cost, phase1, bland);
            let Some(q) = entering else {
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
            self.bland_pivots += usize::from(bland);
            self.pivots += 1;
            since_refactor += 1;
            fresh = false;
            let value: f64 = self
                .basis
                .iter()
                .zip(&self.xb)
                .map(|(&j, x)| cost[j] * x)
                .sum();
            if best.is_none_or(|b| value < b - 1e-12 * b.abs().max(1.0)) {
                best = Some(value);
                stalled = 0;
            } else {
                stalled += 1;
            }
        }
        Err(SolveError::Failed(format!(
            "simplex: no optimum after {limit} pivots"
        )))
    }

    /// The entering column: the most negative reduced cost relative to its cost mass (Dantzig's
    /// rule, scaled), or under Bland's rule the first negative one; `None` at an optimum. In phase
    /// II artificials never enter.
    fn price(&self, cost: &[f64], phase1: bool, bland: bool) -> Option<usize> {
        let (y, ymass) = self.duals_with_mass(cost);
        let mut entering: Option<(usize, f64)> = None;
        for j in 0..self.cols.len() {
            if self.position[j].is_some() || (!phase1 && self.kind[j] == Kind::Artificial) {
                continue;
            }
            let (d, mass) = self.reduced(cost, &y, &ymass, j);
            if d >= -DUAL_TOL * mass.max(1e-300) {
                continue;
            }
            let score = d / mass;
            if bland {
                return Some(j);
            }
            if entering.is_none_or(|(_, s)| score < s) {
                entering = Some((j, score));
            }
        }
        entering.map(|(j, _)| j)
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

    fn cap(o: usize) -> RowName {
        RowName::Capacity {
            offer: OfferId(o),
            t: 0,
        }
    }

    /// Beale's example, the classic degenerate vertex (both rows start at 0 with slacks basic):
    /// min -3/4 a + 150 b - 1/50 c + 6 d  s.t.  a/4 - 60 b - c/25 + 9 d <= 0,
    /// a/2 - 90 b - c/50 + 3 d <= 0, c <= 1. By hand: with a, c and the first slack basic, the
    /// second row and c <= 1 bind: a = 1/25, c = 1, objective -3/100 - 2/100 = -1/20. Duals:
    /// a's column gives y2 / 2 = -3/4, y2 = -3/2; c's gives -y2/50 + y3 = -1/50, y3 = -1/20;
    /// reduced costs of b (150 - 135 = 15), d (6 + 9/2) and the slacks (3/2, 1/20) are all > 0,
    /// so the vertex is the unique optimum.
    #[test]
    fn beales_degenerate_vertex_does_not_cycle() {
        let mut lp = Lp::default();
        for (o, c) in [-0.75, 150.0, -0.02, 6.0].into_iter().enumerate() {
            lp.add_var(alloc(o), c, 1.0, f64::INFINITY);
        }
        let row = |v: [f64; 4]| v.into_iter().enumerate().collect::<Vec<_>>();
        lp.add_row(cap(0), row([0.25, -60.0, -0.04, 9.0]), Sense::Le, 0.0);
        lp.add_row(cap(1), row([0.5, -90.0, -0.02, 3.0]), Sense::Le, 0.0);
        lp.add_row(cap(2), vec![(2, 1.0)], Sense::Le, 1.0);
        let objective = lp.cost.clone();
        let out = solve(&lp, &objective, false).unwrap();
        let want = [0.04, 0.0, 1.0, 0.0];
        for (got, want) in out.x.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{:?}", out.x);
        }
        assert!((out.objective.unwrap() + 0.05).abs() < 1e-14);
        let d = out.duals.unwrap();
        for (got, want) in d.iter().zip([0.0, -1.5, -0.05]) {
            assert!((got - want).abs() < 1e-12, "{d:?}");
        }
    }

    /// Two copies of one equality (the second doubled): phase I leaves an artificial on the
    /// redundant row, which must never turn positive. min a + 2b  s.t.  a + b = 2, 2a + 2b = 4,
    /// b >= 1/2: b = 1/2, a = 3/2, objective 5/2.
    #[test]
    fn a_redundant_equality_row_is_harmless() {
        let mut lp = Lp::default();
        lp.add_var(alloc(0), 1.0, 2.0, f64::INFINITY);
        lp.add_var(alloc(1), 2.0, 2.0, f64::INFINITY);
        lp.add_row(cap(0), vec![(0, 1.0), (1, 1.0)], Sense::Eq, 2.0);
        lp.add_row(cap(1), vec![(0, 2.0), (1, 2.0)], Sense::Eq, 4.0);
        lp.add_row(cap(2), vec![(1, 1.0)], Sense::Ge, 0.5);
        let objective = lp.cost.clone();
        let out = solve(&lp, &objective, false).unwrap();
        assert!(
            (out.x[0] - 1.5).abs() < 1e-12 && (out.x[1] - 0.5).abs() < 1e-12,
            "{:?}",
            out.x
        );
        assert!((out.objective.unwrap() - 2.5).abs() < 1e-12);
        // Whatever split of the duals over the two copies, they prove the optimum.
        let v = crate::solve::verify::check(&lp, &objective, false, &out);
        assert_eq!(v.problem, None);
    }

    /// A dual that is 0 but summed from terms of 1e12 comes out as their rounding residue (here
    /// `1e12 * 0.10000000000000003 - 1e12 * 0.1`, about 3e-5). A slack priced by it alone has a
    /// reduced cost of -3e-5, which is -100% of `|y_i|`: measured against the dual's own value it
    /// looked improving, and seeds 14 and 21 of tools/spec_ref/extremes.py pivoted such slacks in
    /// and out until the pivot limit. Measured against the terms' size, 2e11, it is noise.
    #[test]
    fn a_slack_priced_by_rounding_residue_does_not_enter() {
        let state = |b10: f64| Simplex {
            m: 2,
            cols: vec![vec![(0, 1.0)], vec![(1, 1.0)], vec![(0, 1.0)]],
            kind: vec![Kind::Structural, Kind::Structural, Kind::Slack],
            b: vec![1.0, 1.0],
            basis: vec![0, 1],
            position: vec![Some(0), Some(1), None],
            binv: vec![(0.1 + 0.2) - 0.2, 0.0, b10, 1.0],
            xb: vec![1.0, 1.0],
            bland_pivots: 0,
            pivots: 0,
        };
        let cost = [1e12, 1e12, 0.0];
        let noisy = state(-0.1);
        let (y, _) = noisy.duals_with_mass(&cost);
        assert!(y[0] > 0.0 && y[0] < 1e-4, "{y:?}"); // the residue is there...
        assert_eq!(noisy.price(&cost, false, false), None); // ...and is not a price
        assert_eq!(noisy.price(&cost, false, true), None);
        // A true dual of the same row (1e12 * (0.1 - 0.05) = 5e10) does price the slack in.
        assert_eq!(state(-0.05).price(&cost, false, false), Some(2));
    }

    /// Sixty pivots, each lowering the objective by 1: no stall, so Bland's slow rule never takes
    /// over (it did from the 40th pivot on while the stall counter compared against NaN).
    #[test]
    fn steady_progress_stays_on_dantzigs_rule() {
        let mut lp = Lp::default();
        for o in 0..60 {
            lp.add_var(alloc(o), -1.0 - o as f64 * 1e-3, 1.0, f64::INFINITY);
            lp.add_row(cap(o), vec![(o, 1.0)], Sense::Le, 1.0);
        }
        let objective = lp.cost.clone();
        let (out, bland) = solve_counting(&lp, &objective, false).unwrap();
        assert!(out.x.iter().all(|&v| v == 1.0), "{:?}", out.x);
        assert_eq!(bland, 0);
    }
}
