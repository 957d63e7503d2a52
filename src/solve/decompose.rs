//! Splitting an LP into independent blocks: columns linked by a shared row belong together, and
//! the connected components of that graph can be solved separately, in parallel, with the same
//! optimum. In a plan, months not tied together by a contract window (or a `first_on` priority
//! rule, see below) fall into separate blocks: annual commitments make one block per year, and a
//! scenario without contracts one block per month.
//!
//! `first_on` priority decomposes too: the maximum of a sum over independent blocks is the sum of
//! their maxima, and holding each block at its maximum is holding the sum at the total.

use crate::model::Lp;

/// Blocks smaller than this many columns are merged (in order) so solves are not too small to pay
/// for their setup.
pub const MIN_BLOCK_COLUMNS: usize = 4000;

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Column groups (each sorted), in order of their first column; independent of each other.
pub fn blocks(lp: &Lp) -> Vec<Vec<usize>> {
    let n = lp.vars.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for row in &lp.rows {
        if let Some(&(first, _)) = row.terms.first() {
            let a = find(&mut parent, first);
            for &(j, _) in &row.terms[1..] {
                let b = find(&mut parent, j);
                if a != b {
                    parent[b] = a;
                }
            }
        }
    }
    let mut root_block: Vec<Option<usize>> = vec![None; n];
    let mut comps: Vec<Vec<usize>> = Vec::new();
    for j in 0..n {
        let r = find(&mut parent, j);
        let b = *root_block[r].get_or_insert_with(|| {
            comps.push(Vec::new());
            comps.len() - 1
        });
        comps[b].push(j);
    }
    // Merge neighbours up to the minimum size, keeping the order deterministic.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for c in comps {
        match groups.last_mut() {
            Some(g) if g.len() < MIN_BLOCK_COLUMNS => g.extend(c),
            _ => groups.push(c),
        }
    }
    for g in &mut groups {
        g.sort_unstable();
    }
    groups
}

/// The sub-LP of one block, and for each of its rows the row's index in `lp`.
pub fn sub_lp(lp: &Lp, columns: &[usize], block_of: &[usize], me: usize) -> (Lp, Vec<usize>) {
    let mut local = vec![usize::MAX; lp.vars.len()];
    let mut sub = Lp::default();
    for (k, &j) in columns.iter().enumerate() {
        local[j] = k;
        sub.add_var(lp.vars[j], lp.cost[j], lp.magnitude[j], lp.implied_upper[j]);
    }
    let mut rows = Vec::new();
    for (i, row) in lp.rows.iter().enumerate() {
        let Some(&(first, _)) = row.terms.first() else {
            continue;
        };
        if block_of[first] != me {
            continue;
        }
        sub.add_row(
            row.name,
            row.terms.iter().map(|&(j, a)| (local[j], a)).collect(),
            row.sense,
            row.rhs,
        );
        rows.push(i);
    }
    sub.guard = lp.guard;
    sub.priority = lp
        .priority
        .iter()
        .filter(|&&(j, _)| block_of[j] == me)
        .map(|&(j, a)| (local[j], a))
        .collect();
    (sub, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RowName, Sense, Var};
    use crate::scenario::{ContractId, WorkloadId};

    #[test]
    fn linked_columns_share_a_block() {
        let mut lp = Lp::default();
        for c in 0..5 {
            lp.add_var(
                Var::Shortfall {
                    contract: ContractId(c),
                },
                1.0,
                1.0,
                1.0,
            );
        }
        let name = RowName::Demand {
            workload: WorkloadId(0),
            t: 0,
        };
        lp.add_row(name, vec![(0, 1.0), (3, 1.0)], Sense::Le, 1.0);
        lp.add_row(name, vec![(3, 1.0), (4, 1.0)], Sense::Le, 1.0);
        let comps = {
            // Without merging: three components {0,3,4}, {1}, {2}.
            let mut parent: Vec<usize> = (0..5).collect();
            for row in &lp.rows {
                let a = find(&mut parent, row.terms[0].0);
                for &(j, _) in &row.terms[1..] {
                    let b = find(&mut parent, j);
                    parent[b] = a;
                }
            }
            (0..5).map(|j| find(&mut parent, j)).collect::<Vec<_>>()
        };
        assert_eq!(comps[0], comps[3]);
        assert_eq!(comps[3], comps[4]);
        assert_ne!(comps[0], comps[1]);
        assert_ne!(comps[1], comps[2]);
        // Small blocks are merged into one group.
        assert_eq!(blocks(&lp), vec![vec![0, 1, 2, 3, 4]]);
    }
}
