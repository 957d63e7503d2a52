//! Whole reservation lots (settings `lots = integer`). The LP relaxation gives a proven lower bound;
//! a branch-and-bound over the lot columns (depth first, nearer branch first, so it dives to a whole
//! plan quickly) re-solves the allocation LP at each node, after rounding heuristics at the root
//! seed an incumbent. Nodes whose relaxation cannot beat the incumbent by more than `mip_gap` are
//! pruned, so a finished search proves the plan within `mip_gap` of the integer optimum; a search
//! stopped by its node or time limit still reports a proven bound (the least relaxation value of the
//! nodes left open or pruned). With a `first_on` priority rule each stage is solved with whole lots:
//! the priority guard's least unmet penalty, then the priority amount, are each optimised over whole
//! lots and held while the next stage is solved, then cost is minimised.
//! The plan finally re-solves the LP with every lot fixed (`LotFix` rows, whose duals say what one
//! more lot of each start would save) and reports the lots as exact whole numbers.

use super::{solve_lp, SolveError, Solved, SolverChoice, PRIORITY_HOLD_TOLERANCES};
use crate::model::{Lp, RowName, Sense, Var};
use std::time::{Duration, Instant};

/// A lot value within this of a whole number counts as whole (interior-point accuracy is ~1e-9).
pub const WHOLE: f64 = 1e-6;

/// Limits of the search: nodes (LP solves) and wall time per stage.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub nodes: usize,
    pub time: Duration,
}

impl Limits {
    /// `CAPPLAN_LOT_NODES` / `CAPPLAN_LOT_SECONDS` override the defaults (2000 nodes, 120 s).
    pub fn from_env() -> Limits {
        let get = |k: &str, d: f64| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(d)
        };
        Limits {
            nodes: get("CAPPLAN_LOT_NODES", 2000.0) as usize,
            time: Duration::from_secs_f64(get("CAPPLAN_LOT_SECONDS", 120.0)),
        }
    }
}

/// The whole-lot columns of an LP.
pub fn lot_columns(lp: &Lp) -> Vec<usize> {
    (0..lp.vars.len())
        .filter(|&j| matches!(lp.vars[j], Var::Lots { .. }))
        .collect()
}

/// Solves `lp` with whole lots on `integer` columns, minimising `lp.cost` (lexicographically after
/// `lp.priority` when it has terms). Leaves the final `LotFix` rows (and any priority hold) in `lp`.
pub fn solve_whole(
    lp: &mut Lp,
    integer: &[usize],
    mip_gap: f64,
    solver: SolverChoice,
) -> Result<Solved, SolveError> {
    let limits = Limits::from_env();
    let priority = std::mem::take(&mut lp.priority);
    let cost = lp.cost.clone();
    let mut priority_served = None;
    if !priority.is_empty() {
        // Stage 0 of the priority guard: the least unmet-demand penalty, over whole lots, held.
        let penalty = super::unmet_penalty(lp, &cost);
        if penalty.iter().any(|&c| c > 0.0) {
            lp.cost = penalty.clone();
            let stage0 = search(lp, integer, 1e-9, limits, solver);
            lp.cost = cost.clone();
            let least = stage0?.value.max(0.0);
            let terms: Vec<(usize, f64)> = penalty
                .iter()
                .enumerate()
                .filter(|(_, c)| **c != 0.0)
                .map(|(j, c)| (j, *c))
                .collect();
            let rhs = least + PRIORITY_HOLD_TOLERANCES[0] * least.abs().max(1.0);
            lp.add_row(RowName::UnmetHold, terms, Sense::Le, rhs);
        }
        let mut weights = vec![0.0; lp.vars.len()];
        for &(j, a) in &priority {
            weights[j] += a;
        }
        // Stage 1, exact (a looser amount would let stage 2 undercut the true optimum).
        lp.cost = weights.iter().map(|w| -w).collect();
        let stage1 = search(lp, integer, 1e-9, limits, solver);
        lp.cost = cost.clone();
        let stage1 = stage1?;
        let best = -stage1.value;
        let terms: Vec<(usize, f64)> = weights
            .iter()
            .enumerate()
            .filter(|(_, a)| **a != 0.0)
            .map(|(j, a)| (j, *a))
            .collect();
        lp.add_row(RowName::PriorityHold, terms, Sense::Ge, 0.0);
        priority_served = Some(best);
        let hold_row = lp.rows.len() - 1;
        let mut last = SolveError::Infeasible;
        for tolerance in PRIORITY_HOLD_TOLERANCES {
            lp.rows[hold_row].rhs = (best - tolerance * best.abs().max(1.0)).max(0.0);
            match search(lp, integer, mip_gap, limits, solver) {
                Ok(found) => return finish(lp, integer, found, priority_served, solver),
                Err(e) => last = e,
            }
        }
        return Err(last);
    }
    let found = search(lp, integer, mip_gap, limits, solver)?;
    finish(lp, integer, found, priority_served, solver)
}

/// The best whole plan of a search and its proven bound.
#[derive(Debug, Clone)]
pub struct Found {
    pub x: Vec<f64>,
    pub value: f64,
    pub bound: f64,
    /// Nodes solved and whether the search ran to the end (else a limit stopped it).
    pub nodes: usize,
    pub finished: bool,
}

/// Fixes the lots of the best plan and re-solves, for exact row activities and duals.
fn finish(
    lp: &mut Lp,
    integer: &[usize],
    found: Found,
    priority_served: Option<f64>,
    solver: SolverChoice,
) -> Result<Solved, SolveError> {
    let lots: Vec<f64> = integer.iter().map(|&j| found.x[j].round()).collect();
    for (&j, &v) in integer.iter().zip(&lots) {
        lp.add_row(fix_name(lp, j), vec![(j, 1.0)], Sense::Eq, v);
    }
    let mut solved = solve_lp(lp, solver)?;
    for (&j, &v) in integer.iter().zip(&lots) {
        solved.outcome.x[j] = v;
    }
    let value = lp.objective_value(&solved.outcome.x);
    solved.priority_served = priority_served;
    solved.bound_usd = Some(found.bound.min(value));
    if !found.finished {
        let note = format!(
            "whole-lot search stopped at its limit after {} LP solves (CAPPLAN_LOT_NODES / CAPPLAN_LOT_SECONDS)",
            found.nodes
        );
        solved.outcome.note = Some(match solved.outcome.note.take() {
            Some(n) => format!("{n}; {note}"),
            None => note,
        });
    }
    Ok(solved)
}

fn fix_name(lp: &Lp, j: usize) -> RowName {
    match lp.vars[j] {
        Var::Lots { option, start } => RowName::LotFix { option, start },
        _ => unreachable!("only lot columns are whole"),
    }
}

/// Relaxation with extra bound rows `(column, sense, rhs)`; `None` when infeasible.
fn relax(
    lp: &mut Lp,
    bounds: &[(usize, Sense, f64)],
    solver: SolverChoice,
) -> Result<Option<(f64, Vec<f64>)>, SolveError> {
    let base = lp.rows.len();
    for &(j, sense, rhs) in bounds {
        lp.add_row(fix_name(lp, j), vec![(j, 1.0)], sense, rhs);
    }
    let result = solve_lp(lp, solver);
    lp.rows.truncate(base);
    match result {
        Ok(s) => Ok(Some((lp.objective_value(&s.outcome.x), s.outcome.x))),
        Err(SolveError::Infeasible) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The most fractional whole-lot column of `x`, if any.
fn fractional(integer: &[usize], x: &[f64]) -> Option<usize> {
    integer
        .iter()
        .map(|&j| (j, (x[j] - x[j].round()).abs()))
        .filter(|&(_, f)| f > WHOLE)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(j, _)| j)
}

/// Branch-and-bound minimising `lp.cost` with whole `integer` columns.
pub fn search(
    lp: &mut Lp,
    integer: &[usize],
    gap: f64,
    limits: Limits,
    solver: SolverChoice,
) -> Result<Found, SolveError> {
    let started = Instant::now();
    let Some((root_value, root_x)) = relax(lp, &[], solver)? else {
        return Err(SolveError::Infeasible);
    };
    let mut nodes = 1;
    let mut best: Option<(f64, Vec<f64>)> = None;
    let consider = |best: &mut Option<(f64, Vec<f64>)>, value: f64, x: Vec<f64>| {
        if best.as_ref().is_none_or(|b| value < b.0) {
            *best = Some((value, x));
        }
    };
    if fractional(integer, &root_x).is_none() {
        return Ok(Found {
            x: root_x,
            value: root_value,
            bound: root_value,
            nodes,
            finished: true,
        });
    }
    // Rounding heuristics: every lot to its nearest whole number, and every lot up.
    for round in [f64::round, f64::ceil] {
        let fixed: Vec<(usize, Sense, f64)> = integer
            .iter()
            .map(|&j| (j, Sense::Eq, round(root_x[j] - WHOLE).max(0.0)))
            .collect();
        nodes += 1;
        if let Some((v, x)) = relax(lp, &fixed, solver)? {
            consider(&mut best, v, x);
        }
    }
    // Depth first; each open node carries its relaxation value and solution.
    struct Node {
        bounds: Vec<(usize, Sense, f64)>,
        value: f64,
        x: Vec<f64>,
    }
    let mut open = vec![Node {
        bounds: Vec::new(),
        value: root_value,
        x: root_x,
    }];
    let mut pruned_bound = f64::INFINITY;
    let cutoff = |best: &Option<(f64, Vec<f64>)>| {
        best.as_ref()
            .map_or(f64::INFINITY, |b| b.0 - gap * b.0.abs().max(1.0))
    };
    let mut finished = true;
    while let Some(node) = open.pop() {
        if node.value >= cutoff(&best) {
            pruned_bound = pruned_bound.min(node.value);
            continue;
        }
        let Some(j) = fractional(integer, &node.x) else {
            consider(&mut best, node.value, node.x);
            continue;
        };
        if nodes >= limits.nodes || started.elapsed() >= limits.time {
            open.push(node);
            finished = false;
            break;
        }
        let v = node.x[j];
        let down = (j, Sense::Le, v.floor());
        let up = (j, Sense::Ge, v.ceil());
        // Push the farther branch first so the nearer one is explored first.
        let order = if v - v.floor() < 0.5 {
            [up, down]
        } else {
            [down, up]
        };
        for b in order {
            let mut bounds = node.bounds.clone();
            bounds.push(b);
            nodes += 1;
            if let Some((value, x)) = relax(lp, &bounds, solver)? {
                open.push(Node { bounds, value, x });
            }
        }
    }
    let open_bound = open.iter().map(|n| n.value).fold(f64::INFINITY, f64::min);
    let Some((value, x)) = best else {
        return Err(if finished {
            SolveError::Infeasible
        } else {
            SolveError::Failed(format!(
                "no plan with whole reservation lots found within {nodes} LP solves; try settings lots = continuous"
            ))
        });
    };
    let bound = value.min(pruned_bound).min(open_bound).max(root_value);
    Ok(Found {
        x,
        value,
        bound,
        nodes,
        finished,
    })
}

/// Scales down the reserved units of any `Reserved` row the solver left over its lots (by solver
/// noise, ~1e-9 of the units): a reported plan never uses more reserved units than it reserves.
/// The demand rows move by at most that excess.
pub fn clip_reserved(lp: &Lp, x: &mut [f64]) {
    for row in &lp.rows {
        if !matches!(row.name, RowName::Reserved { .. }) {
            continue;
        }
        let used: f64 = row
            .terms
            .iter()
            .filter(|t| t.1 > 0.0)
            .map(|&(j, a)| a * x[j].max(0.0))
            .sum();
        let cap: f64 = row
            .terms
            .iter()
            .filter(|t| t.1 < 0.0)
            .map(|&(j, a)| -a * x[j].max(0.0))
            .sum();
        if used > cap && used > 0.0 {
            let factor = cap / used;
            for &(j, a) in &row.terms {
                if a > 0.0 {
                    x[j] = x[j].max(0.0) * factor;
                }
            }
        }
    }
}
