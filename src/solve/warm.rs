//! A HiGHS model kept loaded between solves that differ only in row bounds: HiGHS restarts dual
//! simplex from the previous optimal basis, which is what makes demand sweeps fast. Uses the
//! `highs` crate directly (good_lp rebuilds the model on every solve).

use super::backend::Scaling;
use super::SolveError;
use crate::model::{Lp, Sense};
use highs::{HighsModelStatus, Model, RowProblem};

pub struct WarmLp {
    model: Option<Model>,
    scaling: Scaling,
    senses: Vec<Sense>,
    columns: usize,
    rows: usize,
}

/// A simplex basis (HiGHS status codes per column and row), to start another model from.
#[derive(Debug, Clone)]
pub struct Basis {
    cols: Vec<highs_sys::HighsInt>,
    rows: Vec<highs_sys::HighsInt>,
}

impl WarmLp {
    /// Loads `lp` with `objective` (maximised with `maximise`). Every row is kept, redundant or
    /// not: a row that cannot bind at the base demand may bind at another.
    pub fn new(lp: &Lp, objective: &[f64], maximise: bool) -> WarmLp {
        let scaling = Scaling::of(lp, objective, false, false);
        let mut pb = RowProblem::default();
        let cols: Vec<highs::Col> = objective
            .iter()
            .zip(&scaling.col)
            .map(|(c, s)| pb.add_column(c * s / scaling.objective, 0.0..))
            .collect();
        for (row, &r) in lp.rows.iter().zip(&scaling.row) {
            let terms: Vec<(highs::Col, f64)> = super::backend::merged_terms(row, &scaling.col, r)
                .into_iter()
                .map(|(j, a)| (cols[j], a))
                .collect();
            let b = row.rhs / r;
            match row.sense {
                Sense::Le => pb.add_row(..=b, terms),
                Sense::Ge => pb.add_row(b.., terms),
                Sense::Eq => pb.add_row(b..=b, terms),
            }
        }
        let sense = if maximise {
            highs::Sense::Maximise
        } else {
            highs::Sense::Minimise
        };
        let mut model = pb.optimise(sense);
        model.make_quiet();
        model.set_option("solver", "simplex");
        WarmLp {
            model: Some(model),
            scaling,
            senses: lp.rows.iter().map(|r| r.sense).collect(),
            columns: lp.vars.len(),
            rows: lp.rows.len(),
        }
    }

    /// The current basis (after a solve).
    pub fn basis(&self) -> Basis {
        let model = self.model.as_ref().expect("model loaded");
        let mut b = Basis {
            cols: vec![0; self.columns],
            rows: vec![0; self.rows],
        };
        // SAFETY: HiGHS writes one status per column and per row into buffers of exactly that size.
        unsafe {
            highs_sys::Highs_getBasis(model.as_ptr(), b.cols.as_mut_ptr(), b.rows.as_mut_ptr());
        }
        b
    }

    /// Starts the next solve from `basis` (taken from a model of the same LP).
    pub fn set_basis(&mut self, basis: &Basis) {
        let model = self.model.as_mut().expect("model loaded");
        assert_eq!(
            (basis.cols.len(), basis.rows.len()),
            (self.columns, self.rows),
            "basis of another LP"
        );
        // SAFETY: the buffers hold one status per column and per row of this model.
        unsafe {
            highs_sys::Highs_setBasis(model.as_mut_ptr(), basis.cols.as_ptr(), basis.rows.as_ptr());
        }
    }

    /// Sets the right-hand side of the given rows (LP units).
    pub fn set_rhs(&mut self, rows: &[(usize, f64)]) {
        let model = self.model.as_mut().expect("model loaded");
        for &(i, rhs) in rows {
            let b = rhs / self.scaling.row[i];
            let (lo, hi) = match self.senses[i] {
                Sense::Le => (f64::NEG_INFINITY, b),
                Sense::Ge => (b, f64::INFINITY),
                Sense::Eq => (b, b),
            };
            // SAFETY: the pointer is HiGHS's own, alive while `model` is; `i` is a row index of it.
            unsafe {
                highs_sys::Highs_changeRowBounds(
                    model.as_mut_ptr(),
                    i as highs_sys::HighsInt,
                    lo,
                    hi,
                );
            }
        }
    }

    /// Solves from the current basis; column values in LP units.
    pub fn solve(&mut self) -> Result<Vec<f64>, SolveError> {
        let solved = self.model.take().expect("model loaded").solve();
        let status = solved.status();
        let result = match status {
            HighsModelStatus::Optimal => {
                let sol = solved.get_solution();
                Ok(sol.columns()[..self.columns]
                    .iter()
                    .zip(&self.scaling.col)
                    .map(|(x, s)| x * s)
                    .collect())
            }
            HighsModelStatus::Infeasible => Err(SolveError::Infeasible),
            other => Err(SolveError::Failed(format!(
                "HiGHS stopped with status {other:?}"
            ))),
        };
        self.model = Some(Model::from(solved));
        result
    }
}
