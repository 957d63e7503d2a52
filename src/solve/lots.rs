//! Whole reservation lots (settings `lots = integer`). The LP relaxation gives a proven lower bound;
//! primal heuristics seed the best whole plan, each fixing every lot and re-solving the allocation
//! LP: rounding (nearest, down, up; repaired against rows the lots alone break), a dive (fix the
//! nearly whole lots, round up the most fractional, re-solve, repeat) and a local search lowering
//! one lot at a time. A branch-and-bound over the lot columns (depth first, nearer branch first)
//! then re-solves the LP at each node. Nodes whose relaxation cannot beat the incumbent by more
//! than `mip_gap` are pruned, so a finished search proves the plan within `mip_gap` of the integer
//! optimum; a search stopped by its node or time limit, or by its budget once within 1%
//! ([`GOOD_GAP`], [`BUDGET_WORK`]), still reports a proven bound (the least relaxation value of
//! the nodes left open or pruned). With a `first_on` priority rule each stage is solved with whole
//! lots: the priority guard's least unmet penalty, then the priority amount, are each optimised
//! over whole lots and held while the next stage is solved, then cost is minimised.
//! The plan is the LP with every lot fixed (`LotFix` rows, whose duals say what one more lot of
//! each start would save; the solve that found the plan when it had every lot fixed), with the
//! lots reported as exact whole numbers. `CAPPLAN_LOT_TRACE=1` prints every LP solve of the search.

use super::{solve_lp, SolveError, Solved, SolverChoice, PRIORITY_HOLD_TOLERANCES};
use crate::model::lp::Row;
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
    if !priority.is_empty() || lp.guard {
        // Stage 0 of the priority guard: the least unmet-demand penalty, over whole lots, held.
        let penalty = super::unmet_penalty(lp, &cost);
        if penalty.iter().any(|&c| c > 0.0) {
            lp.cost = penalty.clone();
            let stage0 = search(lp, integer, 1e-9, limits, solver);
            lp.cost = cost.clone();
            let least = stage0?.value.max(0.0);
            let terms = super::nonzero_terms(&penalty);
            let rhs = least + PRIORITY_HOLD_TOLERANCES[0] * least.abs().max(1.0);
            lp.add_row(RowName::UnmetHold, terms, Sense::Le, rhs);
        }
        if priority.is_empty() {
            // The rule covers no column: no stage 1; cost under the unmet hold.
            let found = search(lp, integer, mip_gap, limits, solver)?;
            return finish(lp, integer, found, Some(0.0), solver);
        }
        let weights = super::priority_weights(lp.vars.len(), &priority);
        // Stage 1, exact (a looser amount would let stage 2 undercut the true optimum).
        lp.cost = weights.iter().map(|w| -w).collect();
        let stage1 = search(lp, integer, 1e-9, limits, solver);
        lp.cost = cost.clone();
        let stage1 = stage1?;
        let best = -stage1.value;
        lp.add_row(
            RowName::PriorityHold,
            super::nonzero_terms(&weights),
            Sense::Ge,
            0.0,
        );
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

/// A whole plan within this relative gap of the bound is good enough to stop at once the
/// budget below is spent (issue 11: gap <= 1%); until then the search tries to close the gap to
/// `mip_gap`.
pub const GOOD_GAP: f64 = 0.01;

/// The budget of a search whose best plan is within [`GOOD_GAP`], in LP solves (the relaxation
/// included): `BUDGET_WORK / nonzeros`, at least [`BUDGET_MIN_SOLVES`]. An LP solve's time grows
/// with the nonzeros, so this is about the same work on every model: 3 solves on synth L (issue
/// 15: a whole-lot plan in at most 3x the LP's time; the final plan re-uses the solve that found
/// it), hundreds on small models, which search on to `mip_gap`. Counted in solves, not seconds,
/// so a plan does not depend on the machine's load.
pub const BUDGET_WORK: f64 = 4e5;
pub const BUDGET_MIN_SOLVES: usize = 3;

/// How far the search went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The plan is proven within `mip_gap` of the whole-lot optimum.
    Proven,
    /// The plan is within [`GOOD_GAP`] of the bound and the budget is spent.
    Budget,
    /// `CAPPLAN_LOT_NODES` or `CAPPLAN_LOT_SECONDS` stopped it.
    Limit,
}

/// The best whole plan of a search and its proven bound.
#[derive(Debug, Clone)]
pub struct Found {
    pub x: Vec<f64>,
    pub value: f64,
    pub bound: f64,
    /// Nodes solved (LP solves, the relaxation included) and why the search stopped.
    pub nodes: usize,
    pub stop: Stop,
    /// When the plan came from a solve with every lot fixed (rows in `integer` order): the rows
    /// that solve added to the LP and its result, which the final plan re-uses.
    fixed: Option<(Vec<Row>, Solved)>,
}

/// Fixes the lots of the best plan and re-solves, for exact row activities and duals (or re-uses
/// the solve that found the plan, when it had every lot fixed).
fn finish(
    lp: &mut Lp,
    integer: &[usize],
    found: Found,
    priority_served: Option<f64>,
    solver: SolverChoice,
) -> Result<Solved, SolveError> {
    let lots: Vec<f64> = integer.iter().map(|&j| found.x[j].round()).collect();
    let mut solved = match found.fixed {
        Some((rows, solved)) => {
            lp.rows.extend(rows);
            solved
        }
        None => {
            for (&j, &v) in integer.iter().zip(&lots) {
                lp.add_row(fix_name(lp, j), vec![(j, 1.0)], Sense::Eq, v);
            }
            solve_lp(lp, solver)?
        }
    };
    for (&j, &v) in integer.iter().zip(&lots) {
        solved.outcome.x[j] = v;
    }
    let value = lp.objective_value(&solved.outcome.x);
    solved.priority_served = priority_served;
    solved.bound_usd = Some(found.bound.min(value));
    let gap = 100.0 * (value - found.bound).max(0.0) / value.abs().max(1.0);
    let note = match found.stop {
        Stop::Proven => None,
        Stop::Budget => Some(format!(
            "whole-lot search stopped at a gap of {gap:.3}% (within {}%) after {} LP solves, its budget (max({BUDGET_MIN_SOLVES}, {BUDGET_WORK:e} / nonzeros))",
            100.0 * GOOD_GAP,
            found.nodes
        )),
        Stop::Limit => Some(format!(
            "whole-lot search stopped at its limit after {} LP solves (CAPPLAN_LOT_NODES / CAPPLAN_LOT_SECONDS)",
            found.nodes
        )),
    };
    if let Some(note) = note {
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

/// Relaxation with extra bound rows `(column, sense, rhs)`; `None` when infeasible. Also returns
/// the rows the solve added (the bound rows first) and the solve itself.
#[allow(clippy::type_complexity)]
fn relax(
    lp: &mut Lp,
    bounds: &[(usize, Sense, f64)],
    solver: SolverChoice,
) -> Result<Option<(f64, Vec<f64>, Vec<Row>, Solved)>, SolveError> {
    let base = lp.rows.len();
    for &(j, sense, rhs) in bounds {
        lp.add_row(fix_name(lp, j), vec![(j, 1.0)], sense, rhs);
    }
    let result = solve_lp(lp, solver);
    let added = lp.rows.split_off(base);
    match result {
        Ok(s) => Ok(Some((
            lp.objective_value(&s.outcome.x),
            s.outcome.x.clone(),
            added,
            s,
        ))),
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

/// Lowers rounded-up lots (least fractional first) until every row that the lots alone can break
/// holds: a `<=` row whose other columns all have non-negative coefficients (the lots limit of an
/// option, a site's power held by installed racks), or the mirror `>=` row. Such rows would make
/// the fixed LP infeasible whatever the allocation does.
pub fn repair(lp: &Lp, integer: &[usize], x: &[f64], lots: &mut [f64]) {
    let mut pos = vec![usize::MAX; lp.vars.len()];
    for (i, &j) in integer.iter().enumerate() {
        pos[j] = i;
    }
    for row in &lp.rows {
        let sign = match row.sense {
            Sense::Le => 1.0,
            Sense::Ge => -1.0,
            Sense::Eq => continue,
        };
        if !row.terms.iter().any(|&(j, _)| pos[j] != usize::MAX)
            || row
                .terms
                .iter()
                .any(|&(j, a)| pos[j] == usize::MAX && sign * a < 0.0)
        {
            continue;
        }
        let level = |lots: &[f64]| -> f64 {
            row.terms
                .iter()
                .filter(|&&(j, _)| pos[j] != usize::MAX)
                .map(|&(j, a)| sign * a * lots[pos[j]])
                .sum()
        };
        let limit = sign * row.rhs;
        let slack = 1e-9 * limit.abs().max(1.0);
        while level(lots) > limit + slack {
            // The lot rounded up the most (the least fractional), which costs least to lower.
            let pick = row
                .terms
                .iter()
                .filter(|&&(j, a)| pos[j] != usize::MAX && sign * a > 0.0)
                .map(|&(j, _)| (pos[j], lots[pos[j]] - x[j]))
                .filter(|&(i, up)| up > WHOLE && lots[i] >= 1.0)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            let Some((i, _)) = pick else { break };
            lots[i] -= 1.0;
        }
    }
}

/// Search state: the best whole plan so far and what the search has spent.
struct Search<'a> {
    lp: &'a mut Lp,
    integer: &'a [usize],
    solver: SolverChoice,
    gap: f64,
    limits: Limits,
    started: Instant,
    /// LP solves allowed once the plan is within GOOD_GAP.
    budget: usize,
    nodes: usize,
    root_value: f64,
    best: Option<(f64, Vec<f64>, Option<(Vec<Row>, Solved)>)>,
    tried: std::collections::HashSet<Vec<i64>>,
}

impl Search<'_> {
    fn best_value(&self) -> f64 {
        self.best.as_ref().map_or(f64::INFINITY, |b| b.0)
    }

    /// Relative gap of the best plan to `bound`.
    fn gap_to(&self, bound: f64) -> f64 {
        match &self.best {
            Some(b) => (b.0 - bound) / b.0.abs().max(1.0),
            None => f64::INFINITY,
        }
    }

    /// Whether the limits stop the search.
    fn at_limit(&self) -> bool {
        self.nodes >= self.limits.nodes || self.started.elapsed() >= self.limits.time
    }

    /// Whether one more LP solve is worth starting, given the bound `bound`: not once the plan is
    /// proven, nor once it is within GOOD_GAP and the budget is spent.
    fn may_solve(&self, bound: f64) -> bool {
        let g = self.gap_to(bound);
        !self.at_limit() && g > self.gap && (g > GOOD_GAP || self.nodes < self.budget)
    }

    fn why_stopped(&self, bound: f64) -> Stop {
        if self.gap_to(bound) <= self.gap {
            Stop::Proven
        } else if self.at_limit() {
            Stop::Limit
        } else {
            Stop::Budget
        }
    }

    /// Solves with extra bound rows, counting the node.
    #[allow(clippy::type_complexity)]
    fn relax(
        &mut self,
        bounds: &[(usize, Sense, f64)],
    ) -> Result<Option<(f64, Vec<f64>, Vec<Row>, Solved)>, SolveError> {
        self.nodes += 1;
        let t = Instant::now();
        let r = relax(self.lp, bounds, self.solver);
        if std::env::var_os("CAPPLAN_LOT_TRACE").is_some() {
            eprintln!(
                "lots: solve {} with {} bound rows: {:.2} s, {:?}",
                self.nodes,
                bounds.len(),
                t.elapsed().as_secs_f64(),
                r.as_ref().map(|o| o.as_ref().map(|s| s.0))
            );
        }
        r
    }

    fn consider(&mut self, value: f64, x: Vec<f64>, fixed: Option<(Vec<Row>, Solved)>) -> bool {
        if value < self.best_value() {
            self.best = Some((value, x, fixed));
            true
        } else {
            false
        }
    }

    /// Fixes every lot (`lots[i]` for `integer[i]`) and re-solves the allocation; keeps the plan
    /// if it is the best so far. Returns its value (None: infeasible or already tried).
    fn try_fixed(&mut self, lots: &[f64]) -> Result<Option<f64>, SolveError> {
        let key: Vec<i64> = lots.iter().map(|v| v.round() as i64).collect();
        if key.iter().any(|&v| v < 0) || !self.tried.insert(key) {
            return Ok(None);
        }
        let bounds: Vec<(usize, Sense, f64)> = self
            .integer
            .iter()
            .zip(lots)
            .map(|(&j, &v)| (j, Sense::Eq, v.round()))
            .collect();
        Ok(match self.relax(&bounds)? {
            Some((value, x, rows, solved)) => {
                self.consider(value, x, Some((rows, solved)));
                Some(value)
            }
            None => None,
        })
    }

    /// Rounding: to nearest, down, and up (nearest and up repaired against rows the lots alone
    /// break), each with every lot fixed and the allocation re-solved.
    fn round(&mut self, x: &[f64]) -> Result<(), SolveError> {
        let relaxed: Vec<f64> = self.integer.iter().map(|&j| x[j]).collect();
        let nearest: Vec<f64> = relaxed.iter().map(|v| v.round()).collect();
        let down: Vec<f64> = relaxed
            .iter()
            .map(|v| (v + WHOLE).floor().max(0.0))
            .collect();
        let up: Vec<f64> = relaxed
            .iter()
            .map(|v| (v - WHOLE).ceil().max(0.0))
            .collect();
        for mut lots in [nearest, down, up] {
            // Until a whole plan is found, the time limit does not stop the roundings (at most
            // three solves): on XL under load the relaxation alone took longer than the limit,
            // and the plan then failed with no whole plan at all.
            let stop = match self.best {
                None => self.nodes >= self.limits.nodes,
                Some(_) => !self.may_solve(self.root_value),
            };
            if stop {
                break;
            }
            repair(self.lp, self.integer, x, &mut lots);
            self.try_fixed(&lots)?;
        }
        Ok(())
    }

    /// Diving: fix the lots that are nearly whole (within 0.1) to their nearest value, round up
    /// the most fractional-upward quarter of the rest, re-solve, and repeat until the relaxation
    /// is whole; a round-up that makes it infeasible is rounded down instead.
    fn dive(&mut self, x: &[f64]) -> Result<(), SolveError> {
        let mut x = x.to_vec();
        let mut fixed: Vec<Option<f64>> = vec![None; self.integer.len()];
        let bounds = |fixed: &[Option<f64>], integer: &[usize]| -> Vec<(usize, Sense, f64)> {
            integer
                .iter()
                .zip(fixed)
                .filter_map(|(&j, f)| f.map(|v| (j, Sense::Eq, v)))
                .collect()
        };
        loop {
            let mut open: Vec<(usize, f64)> = Vec::new();
            for (i, &j) in self.integer.iter().enumerate() {
                if fixed[i].is_some() {
                    continue;
                }
                let v = x[j].max(0.0);
                if (v - v.round()).abs() <= 0.1 {
                    fixed[i] = Some(v.round());
                } else {
                    open.push((i, v - v.floor()));
                }
            }
            if open.is_empty() {
                let lots: Vec<f64> = fixed.iter().map(|f| f.unwrap_or(0.0)).collect();
                if self.may_solve(self.root_value) {
                    self.try_fixed(&lots)?;
                }
                return Ok(());
            }
            if !self.may_solve(self.root_value) {
                return Ok(());
            }
            open.sort_by(|a, b| b.1.total_cmp(&a.1));
            let take = open.len().div_ceil(4);
            for &(i, _) in &open[..take] {
                fixed[i] = Some(x[self.integer[i]].max(0.0).ceil());
            }
            match self.relax(&bounds(&fixed, self.integer))? {
                Some((value, nx, _, _)) if value < self.best_value() => x = nx,
                Some(_) => return Ok(()),
                None => {
                    // Round those down instead; if that fails too, give up this dive.
                    for &(i, _) in &open[..take] {
                        fixed[i] = Some(x[self.integer[i]].max(0.0).floor());
                    }
                    if !self.may_solve(self.root_value) {
                        return Ok(());
                    }
                    match self.relax(&bounds(&fixed, self.integer))? {
                        Some((value, nx, _, _)) if value < self.best_value() => x = nx,
                        _ => return Ok(()),
                    }
                }
            }
        }
    }

    /// Local search from the best plan: lower one lot at a time (dearest lot first), keeping
    /// each change that makes the plan cheaper, until no single lot less helps.
    fn lower(&mut self) -> Result<(), SolveError> {
        loop {
            let Some((_, x, _)) = &self.best else {
                return Ok(());
            };
            let lots: Vec<f64> = self.integer.iter().map(|&j| x[j].round()).collect();
            let mut order: Vec<usize> = (0..lots.len()).filter(|&i| lots[i] >= 1.0).collect();
            order.sort_by(|&a, &b| {
                let c = |i: usize| self.lp.cost[self.integer[i]];
                c(b).total_cmp(&c(a))
            });
            let mut improved = false;
            for i in order {
                if !self.may_solve(self.root_value) {
                    return Ok(());
                }
                let before = self.best_value();
                let mut trial = lots.clone();
                trial[i] -= 1.0;
                self.try_fixed(&trial)?;
                if self.best_value() < before {
                    improved = true;
                    break;
                }
            }
            if !improved {
                return Ok(());
            }
        }
    }
}

/// Branch-and-bound minimising `lp.cost` with whole `integer` columns, after primal heuristics
/// (rounding, diving, lowering single lots) that seed the best plan.
pub fn search(
    lp: &mut Lp,
    integer: &[usize],
    gap: f64,
    limits: Limits,
    solver: SolverChoice,
) -> Result<Found, SolveError> {
    let started = Instant::now();
    let Some((root_value, root_x, _, _)) = relax(lp, &[], solver)? else {
        return Err(SolveError::Infeasible);
    };
    if std::env::var_os("CAPPLAN_LOT_TRACE").is_some() {
        eprintln!(
            "lots: relaxation {root_value} in {:.2} s",
            started.elapsed().as_secs_f64()
        );
    }
    let budget = ((BUDGET_WORK / lp.nonzeros().max(1) as f64) as usize).max(BUDGET_MIN_SOLVES);
    if fractional(integer, &root_x).is_none() {
        return Ok(Found {
            x: root_x,
            value: root_value,
            bound: root_value,
            nodes: 1,
            stop: Stop::Proven,
            fixed: None,
        });
    }
    let mut s = Search {
        lp,
        integer,
        solver,
        gap,
        limits,
        started,
        budget,
        nodes: 1,
        root_value,
        best: None,
        tried: Default::default(),
    };
    s.round(&root_x)?;
    s.dive(&root_x)?;
    s.lower()?;
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
    let cutoff = |best: f64| best - gap * best.abs().max(1.0);
    let bound_of = |open: &[Node], pruned: f64, best: f64| {
        open.iter()
            .map(|n| n.value)
            .fold(pruned.min(best), f64::min)
            .max(root_value)
    };
    while let Some(node) = open.pop() {
        if node.value >= cutoff(s.best_value()) {
            pruned_bound = pruned_bound.min(node.value);
            continue;
        }
        let Some(j) = fractional(integer, &node.x) else {
            s.consider(node.value, node.x, None);
            continue;
        };
        open.push(node);
        if !s.may_solve(bound_of(&open, pruned_bound, s.best_value())) {
            break;
        }
        let node = open.pop().expect("just pushed");
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
            if let Some((value, x, _, _)) = s.relax(&bounds)? {
                open.push(Node { bounds, value, x });
            }
        }
    }
    let bound = bound_of(&open, pruned_bound, s.best_value());
    let stop = if open.is_empty() {
        Stop::Proven
    } else {
        s.why_stopped(bound)
    };
    let nodes = s.nodes;
    let Some((value, x, fixed)) = s.best else {
        return Err(if stop == Stop::Proven {
            SolveError::Infeasible
        } else {
            SolveError::Failed(format!(
                "no plan with whole reservation lots found within {nodes} LP solves; try settings lots = continuous"
            ))
        });
    };
    Ok(Found {
        x,
        value,
        bound: bound.min(value),
        nodes,
        stop,
        fixed,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{OfferId, ReservationId, WorkloadId};

    /// One month, 25 demand units (`>=`: idle reserved units are allowed). Option A: lot 10 at
    /// 100 a lot (10/unit), at most 2 lots; option B: lot 10 at 150 a lot (15/unit); on demand at
    /// 20/unit. Columns: rA, rB, x.
    fn two_options() -> Lp {
        let mut lp = Lp::default();
        for (k, cost) in [(0, 100.0), (1, 150.0)] {
            let var = Var::Lots {
                option: ReservationId(k),
                start: 0,
            };
            lp.add_var(var, cost, 3.0, 3.0);
        }
        let x = Var::Alloc {
            offer: OfferId(0),
            workload: WorkloadId(0),
            t: 0,
        };
        lp.add_var(x, 20.0, 25.0, 25.0);
        let demand = RowName::Demand {
            workload: WorkloadId(0),
            t: 0,
        };
        lp.add_row(
            demand,
            vec![(0, 10.0), (1, 10.0), (2, 1.0)],
            Sense::Ge,
            25.0,
        );
        let max = RowName::MaxLots {
            option: ReservationId(0),
        };
        lp.add_row(max, vec![(0, 1.0)], Sense::Le, 2.0);
        lp
    }

    fn state(lp: &mut Lp) -> Search<'_> {
        Search {
            lp,
            integer: &[0, 1],
            solver: SolverChoice::Clarabel,
            gap: 1e-9,
            limits: Limits {
                nodes: 100,
                time: Duration::from_secs(60),
            },
            started: Instant::now(),
            budget: 100,
            nodes: 0,
            root_value: 275.0,
            best: None,
            tried: Default::default(),
        }
    }

    #[test]
    fn repair_lowers_the_lot_rounded_up_the_most_until_the_lots_limit_holds() {
        // rA + rB <= 3 (a lots limit over two starts). Relaxed (1.6, 1.4): up = (2, 2) breaks it;
        // rB was rounded up by 0.6, rA by 0.4, so rB goes down: (2, 1).
        let mut lp = two_options();
        let limit = RowName::MaxLots {
            option: ReservationId(1),
        };
        lp.add_row(limit, vec![(0, 1.0), (1, 1.0)], Sense::Le, 3.0);
        let x = [1.6, 1.4, 0.0];
        let mut lots = vec![2.0, 2.0];
        repair(&lp, &[0, 1], &x, &mut lots);
        assert_eq!(lots, vec![2.0, 1.0]);
        // A row with an allocation column of positive coefficient in a `>=` row (the demand row)
        // is not one the lots alone can break: nothing changes there.
        let mut lots = vec![0.0, 0.0];
        repair(&lp, &[0, 1], &x, &mut lots);
        assert_eq!(lots, vec![0.0, 0.0]);
    }

    #[test]
    fn lowering_single_lots_finds_the_whole_optimum_from_a_rounded_up_plan() {
        // Hand computation. Relaxation: rA = 2 (its limit), rB = 0.5: 200 + 75 = 275 (bound).
        // Whole plans: (2,1) 350; (2,0) + 5 on demand 300; (1,1) + 5 on demand 350; (1,2) 400;
        // (1,0) + 15 on demand 400; (0,3) 450; (0,2) + 5 on demand 400. Optimum (2,0): 300.
        // From the round-up (2,1) = 350, lowering B's lot (the dearer) gives 300; lowering A's
        // next gives 400, so the search stops at 300.
        let mut lp = two_options();
        let mut s = state(&mut lp);
        assert_eq!(
            s.try_fixed(&[2.0, 1.0]).unwrap().map(|v| v.round()),
            Some(350.0)
        );
        s.lower().unwrap();
        let (value, x, fixed) = s.best.clone().unwrap();
        assert!((value - 300.0).abs() < 1e-6, "{value}");
        assert_eq!((x[0].round(), x[1].round()), (2.0, 0.0));
        assert!((x[2] - 5.0).abs() < 1e-6);
        // The plan carries its fixed solve, with one fixing row per lot column.
        let (rows, _) = fixed.unwrap();
        assert!(rows
            .iter()
            .take(2)
            .all(|r| matches!(r.name, RowName::LotFix { .. }) && r.sense == Sense::Eq));
        // Each plan is solved once: (2,1), (2,0), (1,0) are three solves.
        assert_eq!(s.nodes, 3);
    }

    #[test]
    fn diving_rounds_up_the_fractional_lot_and_gives_a_whole_plan() {
        // From the relaxation (2, 0.5): rA is whole and fixed at 2; rB is rounded up to 1, which
        // re-solves to a whole plan (2,1) = 350, then fixed and kept.
        let mut lp = two_options();
        let mut s = state(&mut lp);
        s.dive(&[2.0, 0.5, 0.0]).unwrap();
        let (value, x, _) = s.best.clone().unwrap();
        assert!((value - 350.0).abs() < 1e-6, "{value}");
        assert_eq!((x[0].round(), x[1].round()), (2.0, 1.0));
    }

    #[test]
    fn the_search_proves_the_whole_optimum_and_its_bound() {
        let mut lp = two_options();
        let limits = Limits {
            nodes: 100,
            time: Duration::from_secs(60),
        };
        let found = search(&mut lp, &[0, 1], 1e-4, limits, SolverChoice::Clarabel).unwrap();
        assert!((found.value - 300.0).abs() < 1e-6, "{}", found.value);
        assert_eq!(found.stop, Stop::Proven);
        // The bound lies between the relaxation (275) and the optimum (300).
        assert!(found.bound >= 275.0 - 1e-6 && found.bound <= 300.0 + 1e-6);
        // The LP is left as it was.
        assert_eq!(lp.rows.len(), 2);
    }
}
