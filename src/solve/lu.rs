//! Sparse LU factors of a simplex basis, for [`super::dual_simplex`]: Markowitz elimination
//! that takes singleton columns and rows first (an allocation LP's basis is mostly slacks and
//! columns of two or three entries, so most of it is triangular), then product-form updates
//! after each basis change until the next refactorisation.
//!
//! Indices: rows `i` of the basis matrix, and positions `k` (its columns, one per basic variable).
//! `ftran` solves `B x = b` (b by row, x by position); `btran` solves `B^T y = d` (d by position,
//! y by row).

/// Smallest multiplier denominator accepted relative to its column's largest entry (threshold
/// partial pivoting): multipliers stay below 1/THRESHOLD.
const THRESHOLD: f64 = 0.01;
/// Columns the Markowitz search examines before it takes the best pivot found (a search of
/// every column cost more than the fill it saved on the reference's bases).
const MARKOWITZ_COLUMNS: usize = 8;
/// An entry this small after elimination is dropped (cancellation).
const DROP: f64 = 1e-14;
/// A pivot smaller than this is treated as zero (the basis is singular there).
const TINY: f64 = 1e-11;

#[derive(Clone)]
pub struct Lu {
    m: usize,
    /// L as elimination steps in pivot order: `b[i] -= l * b[l_pivot[s]]` for each `(i, l)`.
    l_pivot: Vec<usize>,
    l_start: Vec<usize>,
    l_index: Vec<usize>,
    l_value: Vec<f64>,
    /// U's rows in pivot order: pivot row, pivot position, pivot value, other entries by position.
    u_row: Vec<usize>,
    u_pos: Vec<usize>,
    u_diag: Vec<f64>,
    u_start: Vec<usize>,
    u_index: Vec<usize>,
    u_value: Vec<f64>,
    /// 1 / u_diag, and U's off-diagonal entries by position (column), each with its step's
    /// row: `ftran` goes column by column and skips the zeros of a sparse right-hand side.
    u_inverse: Vec<f64>,
    uc_start: Vec<usize>,
    uc_row: Vec<usize>,
    uc_value: Vec<f64>,
    /// Product-form updates in order: position replaced, its pivot, other entries by position.
    e_pos: Vec<usize>,
    e_pivot: Vec<f64>,
    e_start: Vec<usize>,
    e_index: Vec<usize>,
    e_value: Vec<f64>,
}

/// The positions and rows left without a pivot: the basis is singular there.
#[derive(Debug)]
pub struct Singular {
    pub positions: Vec<usize>,
    pub rows: Vec<usize>,
}

impl Lu {
    /// Factors the `m x m` basis whose column at position `k` is `cols[k]` (row, value).
    pub fn factor(m: usize, mut cols: Vec<Vec<(usize, f64)>>) -> Result<Lu, Singular> {
        for c in &mut cols {
            c.retain(|&(_, v)| v != 0.0);
        }
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); m];
        for (k, c) in cols.iter().enumerate() {
            for &(i, _) in c {
                rows[i].push(k);
            }
        }
        let mut lu = Lu {
            m,
            l_pivot: Vec::new(),
            l_start: vec![0],
            l_index: Vec::new(),
            l_value: Vec::new(),
            u_row: Vec::with_capacity(m),
            u_pos: Vec::with_capacity(m),
            u_diag: Vec::with_capacity(m),
            u_start: vec![0],
            u_index: Vec::new(),
            u_value: Vec::new(),
            u_inverse: Vec::new(),
            uc_start: Vec::new(),
            uc_row: Vec::new(),
            uc_value: Vec::new(),
            e_pos: Vec::new(),
            e_pivot: Vec::new(),
            e_start: vec![0],
            e_index: Vec::new(),
            e_value: Vec::new(),
        };
        let mut col_done = vec![false; m];
        let mut row_done = vec![false; m];
        // Candidate singleton columns and rows (re-checked when popped).
        let mut col_stack: Vec<usize> = (0..m).filter(|&k| cols[k].len() == 1).collect();
        let mut row_stack: Vec<usize> = (0..m).filter(|&i| rows[i].len() == 1).collect();
        let mut left = m;
        // Columns not yet pivoted, for the Markowitz search (compacted as it goes).
        let mut active: Vec<usize> = (0..m).collect();
        let mut failed = false;
        while left > 0 && !failed {
            // 1. A column singleton: no elimination at all.
            let mut pivot = None;
            while let Some(k) = col_stack.pop() {
                if !col_done[k] && cols[k].len() == 1 && cols[k][0].1.abs() > TINY {
                    pivot = Some((cols[k][0].0, k));
                    break;
                }
            }
            // 2. A row singleton whose entry is large enough in its column: no fill.
            if pivot.is_none() {
                while let Some(i) = row_stack.pop() {
                    if row_done[i] || rows[i].len() != 1 {
                        continue;
                    }
                    let k = rows[i][0];
                    let big = cols[k].iter().fold(0.0f64, |a, e| a.max(e.1.abs()));
                    let v = cols[k].iter().find(|e| e.0 == i).map_or(0.0, |e| e.1);
                    if v.abs() > TINY && v.abs() >= THRESHOLD * big {
                        pivot = Some((i, k));
                        break;
                    }
                }
            }
            // 3. Markowitz: the smallest (r - 1)(c - 1) among entries passing the threshold.
            if pivot.is_none() {
                let mut best: Option<(usize, usize, usize)> = None;
                active.retain(|&k| !col_done[k]);
                let mut searched = 0;
                for &k in &active {
                    if cols[k].is_empty() {
                        continue;
                    }
                    let cc = cols[k].len() - 1;
                    if searched >= MARKOWITZ_COLUMNS {
                        break;
                    }
                    searched += 1;
                    let big = cols[k].iter().fold(0.0f64, |a, e| a.max(e.1.abs()));
                    for &(i, v) in &cols[k] {
                        if v.abs() < THRESHOLD * big || v.abs() <= TINY {
                            continue;
                        }
                        let cost = (rows[i].len() - 1) * cc;
                        if best.is_none_or(|(_, _, b)| cost < b) {
                            best = Some((i, k, cost));
                        }
                    }
                    if best.is_some_and(|b| b.2 == 0) {
                        break;
                    }
                }
                pivot = best.map(|(i, k, _)| (i, k));
            }
            let Some((r, c)) = pivot else {
                failed = true;
                break;
            };
            lu.eliminate(r, c, &mut cols, &mut rows, &mut col_stack, &mut row_stack);
            col_done[c] = true;
            row_done[r] = true;
            left -= 1;
        }
        if failed {
            return Err(Singular {
                positions: (0..m).filter(|&k| !col_done[k]).collect(),
                rows: (0..m).filter(|&i| !row_done[i]).collect(),
            });
        }
        lu.by_column();
        Ok(lu)
    }

    /// U's column-wise copy and inverse diagonal, for `ftran`.
    fn by_column(&mut self) {
        self.u_inverse = self.u_diag.iter().map(|d| 1.0 / d).collect();
        let mut count = vec![0usize; self.m + 1];
        for &k in &self.u_index {
            count[k + 1] += 1;
        }
        for k in 0..self.m {
            count[k + 1] += count[k];
        }
        self.uc_start = count.clone();
        self.uc_row = vec![0; self.u_index.len()];
        self.uc_value = vec![0.0; self.u_index.len()];
        for s in 0..self.m {
            for e in self.u_start[s]..self.u_start[s + 1] {
                let k = self.u_index[e];
                self.uc_row[count[k]] = self.u_row[s];
                self.uc_value[count[k]] = self.u_value[e];
                count[k] += 1;
            }
        }
    }

    /// One elimination step on pivot row `r`, position `c`.
    fn eliminate(
        &mut self,
        r: usize,
        c: usize,
        cols: &mut [Vec<(usize, f64)>],
        rows: &mut [Vec<usize>],
        col_stack: &mut Vec<usize>,
        row_stack: &mut Vec<usize>,
    ) {
        // U row r: its active entries, taken out of their columns.
        let row_r = std::mem::take(&mut rows[r]);
        let mut diag = 0.0;
        let mut u_entries: Vec<(usize, f64)> = Vec::with_capacity(row_r.len());
        for &k in &row_r {
            let at = cols[k]
                .iter()
                .position(|e| e.0 == r)
                .expect("row and column lists agree");
            let (_, v) = cols[k].swap_remove(at);
            if k == c {
                diag = v;
            } else {
                u_entries.push((k, v));
                if cols[k].len() == 1 {
                    col_stack.push(k);
                }
            }
        }
        // L: the rest of column c, eliminated from each of its rows.
        let col_c = std::mem::take(&mut cols[c]);
        for &(i, v) in &col_c {
            let l = v / diag;
            self.l_index.push(i);
            self.l_value.push(l);
            let ri = &mut rows[i];
            if let Some(at) = ri.iter().position(|&k| k == c) {
                ri.swap_remove(at);
            }
            for &(k, u) in &u_entries {
                let delta = -l * u;
                match cols[k].iter().position(|e| e.0 == i) {
                    Some(at) => {
                        let nv = cols[k][at].1 + delta;
                        if nv.abs() < DROP {
                            cols[k].swap_remove(at);
                            if let Some(p) = rows[i].iter().position(|&q| q == k) {
                                rows[i].swap_remove(p);
                            }
                            if cols[k].len() == 1 {
                                col_stack.push(k);
                            }
                        } else {
                            cols[k][at].1 = nv;
                        }
                    }
                    None => {
                        cols[k].push((i, delta));
                        rows[i].push(k);
                    }
                }
            }
            if rows[i].len() == 1 {
                row_stack.push(i);
            }
        }
        if !col_c.is_empty() {
            self.l_pivot.push(r);
            self.l_start.push(self.l_index.len());
        }
        self.u_row.push(r);
        self.u_pos.push(c);
        self.u_diag.push(diag);
        for (k, v) in u_entries {
            self.u_index.push(k);
            self.u_value.push(v);
        }
        self.u_start.push(self.u_index.len());
    }

    /// Product-form updates since the factorisation.
    pub fn updates(&self) -> usize {
        self.e_pos.len()
    }

    /// Replaces the column at position `p` by the one whose `ftran` is `alpha` (by position).
    pub fn update(&mut self, p: usize, alpha: &[f64]) {
        self.e_pos.push(p);
        self.e_pivot.push(alpha[p]);
        for (k, &a) in alpha.iter().enumerate() {
            if k != p && a.abs() > DROP {
                self.e_index.push(k);
                self.e_value.push(a);
            }
        }
        self.e_start.push(self.e_index.len());
    }

    /// Solves `B x = b`: `b` by row (overwritten), the result by position in `x`.
    pub fn ftran(&self, b: &mut [f64], x: &mut [f64]) {
        for s in 0..self.l_pivot.len() {
            let v = b[self.l_pivot[s]];
            if v != 0.0 {
                for e in self.l_start[s]..self.l_start[s + 1] {
                    b[self.l_index[e]] -= self.l_value[e] * v;
                }
            }
        }
        for s in (0..self.m).rev() {
            let v = b[self.u_row[s]];
            let k = self.u_pos[s];
            if v == 0.0 {
                x[k] = 0.0;
                continue;
            }
            let v = v * self.u_inverse[s];
            x[k] = v;
            for e in self.uc_start[k]..self.uc_start[k + 1] {
                b[self.uc_row[e]] -= self.uc_value[e] * v;
            }
        }
        for t in 0..self.e_pos.len() {
            let p = self.e_pos[t];
            let v = x[p] / self.e_pivot[t];
            x[p] = v;
            if v != 0.0 {
                for e in self.e_start[t]..self.e_start[t + 1] {
                    x[self.e_index[e]] -= self.e_value[e] * v;
                }
            }
        }
    }

    /// Solves `B^T y = d`: `d` by position (overwritten), the result by row in `y`.
    pub fn btran(&self, d: &mut [f64], y: &mut [f64]) {
        for t in (0..self.e_pos.len()).rev() {
            let p = self.e_pos[t];
            let mut v = d[p];
            for e in self.e_start[t]..self.e_start[t + 1] {
                v -= self.e_value[e] * d[self.e_index[e]];
            }
            d[p] = v / self.e_pivot[t];
        }
        for s in 0..self.m {
            let v = d[self.u_pos[s]];
            if v == 0.0 {
                y[self.u_row[s]] = 0.0;
                continue;
            }
            let z = v * self.u_inverse[s];
            y[self.u_row[s]] = z;
            {
                for e in self.u_start[s]..self.u_start[s + 1] {
                    d[self.u_index[e]] -= self.u_value[e] * z;
                }
            }
        }
        for s in (0..self.l_pivot.len()).rev() {
            let mut v = y[self.l_pivot[s]];
            for e in self.l_start[s]..self.l_start[s + 1] {
                v -= self.l_value[e] * y[self.l_index[e]];
            }
            y[self.l_pivot[s]] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `B` by position (column), a small dense matrix with a fill-in step.
    fn basis() -> Vec<Vec<(usize, f64)>> {
        vec![
            vec![(0, 2.0), (1, 1.0), (2, 4.0)],
            vec![(0, 1.0), (1, 3.0)],
            vec![(1, -1.0), (2, 1.0), (3, 2.0)],
            vec![(0, 1.0), (3, 1.0)],
        ]
    }

    fn times(b: &[Vec<(usize, f64)>], x: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; b.len()];
        for (k, col) in b.iter().enumerate() {
            for &(i, v) in col {
                out[i] += v * x[k];
            }
        }
        out
    }

    fn times_t(b: &[Vec<(usize, f64)>], y: &[f64]) -> Vec<f64> {
        b.iter()
            .map(|col| col.iter().map(|&(i, v)| v * y[i]).sum())
            .collect()
    }

    #[test]
    fn ftran_and_btran_invert_the_basis_before_and_after_updates() {
        let mut b = basis();
        let mut lu = Lu::factor(4, b.clone()).expect("nonsingular");
        let x_true = [1.0, -2.0, 0.5, 3.0];
        for round in 0..2 {
            let mut rhs = times(&b, &x_true);
            let mut x = vec![0.0; 4];
            lu.ftran(&mut rhs, &mut x);
            for k in 0..4 {
                assert!((x[k] - x_true[k]).abs() < 1e-12, "round {round}: {x:?}");
            }
            let mut d = times_t(&b, &x_true);
            let mut y = vec![0.0; 4];
            lu.btran(&mut d, &mut y);
            for i in 0..4 {
                assert!((y[i] - x_true[i]).abs() < 1e-12, "round {round}: {y:?}");
            }
            // Replace position 1 by a new column and update.
            let new = vec![(1, 2.0), (2, -1.0), (3, 1.0)];
            let mut dense = vec![0.0; 4];
            for &(i, v) in &new {
                dense[i] = v;
            }
            let mut alpha = vec![0.0; 4];
            lu.ftran(&mut dense, &mut alpha);
            lu.update(1, &alpha);
            b[1] = new;
        }
        assert_eq!(lu.updates(), 2);
    }

    #[test]
    fn a_singular_basis_names_what_is_left() {
        let b = vec![
            vec![(0, 1.0), (1, 1.0)],
            vec![(0, 2.0), (1, 2.0)],
            vec![(2, 1.0)],
        ];
        let s = Lu::factor(3, b).err().expect("singular");
        assert_eq!(s.positions.len(), 1);
        assert_eq!(s.rows.len(), 1);
    }
}
