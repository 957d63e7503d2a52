//! Whole reservation lots by HiGHS's own branch-and-bound (`--solver highs`, cargo feature
//! `highs`): the LP with its lot columns integer, solved to settings `mip_gap` (`--mip-gap`) or
//! until `CAPPLAN_LOT_SECONDS`; HiGHS's MIP dual bound is the plan's `bound_usd`. Staged as
//! `lots::solve_whole` with a `first_on` priority rule: the priority guard's least unmet penalty,
//! then the priority amount, each solved as a MIP and held while the next stage is solved, then
//! cost. Finally every lot is fixed at its whole value (`LotFix` rows) and the LP is re-solved
//! through the optimality check, for exact row activities and duals that say what one more lot of
//! each start would save; the plan's objective is that fixed LP's.

use super::backend::Scaling;
use super::lots::Limits;
use super::{nonzero_terms, solve_lp, SolveError, Solved, SolverChoice, PRIORITY_HOLD_TOLERANCES};
use crate::model::{Lp, RowName, Sense, Var};
use highs::{HighsModelStatus, HighsSolutionStatus, RowProblem};
use std::time::Duration;

/// Relative gap of the priority guard's first stages: their optimum is held in the next stage,
/// so it is proven as tightly as `lots` proves it.
const STAGE_GAP: f64 = 1e-9;

/// A MIP's best whole plan (LP units) and what HiGHS proved about it.
#[derive(Debug, Clone)]
pub struct Mip {
    pub x: Vec<f64>,
    /// The incumbent's objective.
    pub value: f64,
    /// HiGHS's MIP dual bound: no whole plan is cheaper.
    pub bound: f64,
    /// False when a limit (time) stopped HiGHS before it proved the gap.
    pub finished: bool,
}

/// Solves `lp` with whole `integer` columns by HiGHS, minimising `lp.cost` (lexicographically
/// after `lp.priority` when it has terms). Leaves the `LotFix` rows (and any priority hold) in `lp`.
pub fn solve_whole(lp: &mut Lp, integer: &[usize], mip_gap: f64) -> Result<Solved, SolveError> {
    let time = Limits::from_env().time;
    let priority = std::mem::take(&mut lp.priority);
    let cost = lp.cost.clone();
    let mut notes = Vec::new();
    if priority.is_empty() && !lp.guard {
        let mip = solve_mip(lp, &cost, integer, mip_gap, time)?;
        return finish(lp, integer, mip, None, notes);
    }
    // Stage 0 of the priority guard: the least unmet-demand penalty over whole lots, held.
    let penalty = super::unmet_penalty(lp, &cost);
    if penalty.iter().any(|&c| c > 0.0) {
        let stage0 = solve_mip(lp, &penalty, integer, STAGE_GAP, time)?;
        if !stage0.finished {
            notes.push(stopped(
                "the priority guard's unmet-penalty stage",
                time,
                stage0.value,
                stage0.bound,
            ));
        }
        let least = stage0.value.max(0.0);
        let rhs = least + PRIORITY_HOLD_TOLERANCES[0] * least.abs().max(1.0);
        lp.add_row(RowName::UnmetHold, nonzero_terms(&penalty), Sense::Le, rhs);
    }
    if priority.is_empty() {
        // The rule covers no column: no stage 1; cost under the unmet hold.
        let mip = solve_mip(lp, &cost, integer, mip_gap, time)?;
        return finish(lp, integer, mip, Some(0.0), notes);
    }
    // Stage 1: the most demand units on the priority providers (minimising their negative).
    let weights = super::priority_weights(lp.vars.len(), &priority);
    let negated: Vec<f64> = weights.iter().map(|w| -w).collect();
    let stage1 = solve_mip(lp, &negated, integer, STAGE_GAP, time)?;
    if !stage1.finished {
        notes.push(stopped(
            "the priority stage",
            time,
            stage1.value,
            stage1.bound,
        ));
    }
    let best = -stage1.value;
    lp.add_row(
        RowName::PriorityHold,
        nonzero_terms(&weights),
        Sense::Ge,
        0.0,
    );
    let hold_row = lp.rows.len() - 1;
    // Stage 2: least cost with the priority amount held, loosened only if HiGHS finds the hold
    // infeasible (as the LP path does).
    let mut last = SolveError::Infeasible;
    for tolerance in PRIORITY_HOLD_TOLERANCES {
        lp.rows[hold_row].rhs = (best - tolerance * best.abs().max(1.0)).max(0.0);
        match solve_mip(lp, &cost, integer, mip_gap, time) {
            Ok(mip) => {
                if tolerance > PRIORITY_HOLD_TOLERANCES[0] {
                    notes.push(super::loose_hold_note(tolerance));
                }
                return finish(lp, integer, mip, Some(best), notes);
            }
            Err(SolveError::Infeasible) => last = SolveError::Infeasible,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Fixes every lot at the MIP's whole value and re-solves the LP (checked), for exact activities
/// and duals; the bound is the MIP's.
fn finish(
    lp: &mut Lp,
    integer: &[usize],
    mip: Mip,
    priority_served: Option<f64>,
    mut notes: Vec<String>,
) -> Result<Solved, SolveError> {
    let lots: Vec<f64> = integer.iter().map(|&j| mip.x[j].round().max(0.0)).collect();
    for (&j, &v) in integer.iter().zip(&lots) {
        let Var::Lots { option, start } = lp.vars[j] else {
            unreachable!("only lot columns are whole")
        };
        lp.add_row(
            RowName::LotFix { option, start },
            vec![(j, 1.0)],
            Sense::Eq,
            v,
        );
    }
    let mut solved = solve_lp(lp, SolverChoice::Highs)?;
    for (&j, &v) in integer.iter().zip(&lots) {
        solved.outcome.x[j] = v;
    }
    let value = lp.objective_value(&solved.outcome.x);
    solved.priority_served = priority_served;
    let bound = mip.bound.min(value);
    solved.bound_usd = Some(bound);
    if !mip.finished {
        notes.push(stopped(
            "the whole-lot MIP",
            Limits::from_env().time,
            value,
            bound,
        ));
    }
    if !notes.is_empty() {
        let note = notes.join("; ");
        solved.outcome.note = Some(match solved.outcome.note.take() {
            Some(n) => format!("{n}; {note}"),
            None => note,
        });
    }
    Ok(solved)
}

/// The solver note of a MIP stopped by its time limit at plan `value`: its proven `bound` stands.
fn stopped(what: &str, time: Duration, value: f64, bound: f64) -> String {
    let gap = (value - bound) / value.abs().max(1.0);
    format!(
        "HiGHS stopped {what} at its time limit ({} s, CAPPLAN_LOT_SECONDS) at a relative gap of {gap:.1e}: \
         the plan is the best whole-lot plan found, bound_usd is still a proven bound",
        time.as_secs_f64()
    )
}

/// Minimises `objective . x` over the LP's rows, `x >= 0`, the `integer` columns whole, to a
/// relative gap `gap` or until `time`. Scaled as `backend` scales the LP for HiGHS, except the
/// integer columns, which stay in their own units (a lot is whole only there).
pub fn solve_mip(
    lp: &Lp,
    objective: &[f64],
    integer: &[usize],
    gap: f64,
    time: Duration,
) -> Result<Mip, SolveError> {
    if !super::backend::empty_rows_hold(lp) {
        return Err(SolveError::Infeasible);
    }
    let scaling = Scaling::with_unscaled(lp, objective, false, false, integer);
    let mut whole = vec![false; lp.vars.len()];
    for &j in integer {
        whole[j] = true;
    }
    let mut pb = RowProblem::default();
    let cols: Vec<highs::Col> = (0..lp.vars.len())
        .map(|j| {
            let c = objective[j] * scaling.col[j] / scaling.objective;
            pb.add_column_with_integrality(c, 0.0.., whole[j])
        })
        .collect();
    for (row, &r) in lp.rows.iter().zip(&scaling.row) {
        if row.terms.is_empty() || lp.is_redundant(row) {
            continue;
        }
        let terms = super::backend::merged_terms(row, &scaling.col, r);
        let terms: Vec<(highs::Col, f64)> = terms.into_iter().map(|(j, a)| (cols[j], a)).collect();
        let b = row.rhs / r;
        match row.sense {
            Sense::Le => pb.add_row(..=b, terms),
            Sense::Ge => pb.add_row(b.., terms),
            Sense::Eq => pb.add_row(b..=b, terms),
        }
    }
    let mut model = pb
        .try_optimise(highs::Sense::Minimise)
        .map_err(|s| SolveError::Failed(format!("HiGHS refused the MIP: {s:?}")))?;
    if std::env::var_os("CAPPLAN_SOLVER_LOG").is_none() {
        model.make_quiet();
    }
    let option = |e| SolveError::Failed(format!("HiGHS refused the MIP option: {e:?}"));
    model.try_set_option("mip_rel_gap", gap).map_err(option)?;
    model
        .try_set_option("time_limit", time.as_secs_f64())
        .map_err(option)?;
    let solved = model
        .try_solve()
        .map_err(|s| SolveError::Failed(format!("HiGHS MIP failed: {s:?}")))?;
    let finished = match solved.status() {
        HighsModelStatus::Optimal => true,
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt => false,
        // Costs are non-negative and every stage's objective is bounded by demand: "unbounded or
        // infeasible" is infeasible.
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(SolveError::Infeasible)
        }
        other => {
            return Err(SolveError::Failed(format!(
                "HiGHS MIP stopped with status {other:?}"
            )))
        }
    };
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Err(SolveError::Failed(format!(
            "HiGHS found no plan with whole reservation lots within {} s (CAPPLAN_LOT_SECONDS); raise it or try \
             settings lots = continuous",
            time.as_secs_f64()
        )));
    }
    let x: Vec<f64> = solved
        .get_solution()
        .columns()
        .iter()
        .zip(&scaling.col)
        .map(|(v, s)| v * s)
        .collect();
    let value = solved.objective_value() * scaling.objective;
    let mip_bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .map(|b| b * scaling.objective)
        .filter(|b| b.is_finite());
    let bound = match mip_bound {
        _ if integer.is_empty() => value, // an LP: its optimum
        Some(b) if finished => b,
        // Stopped early, its bound may be weaker than the LP relaxation's (even the trivial 0 of
        // non-negative costs): the better of the two.
        _ => {
            let relaxed = relaxation(lp, objective)?;
            mip_bound.map_or(relaxed, |b| b.max(relaxed))
        }
    }
    .min(value);
    Ok(Mip {
        x,
        value,
        bound,
        finished,
    })
}

/// The LP relaxation's optimum of `objective` (checked, as every LP solve): a proven bound.
fn relaxation(lp: &Lp, objective: &[f64]) -> Result<f64, SolveError> {
    let mut relaxed = lp.clone();
    relaxed.cost = objective.to_vec();
    relaxed.priority.clear();
    let solved = solve_lp(&mut relaxed, SolverChoice::Highs)?;
    Ok(relaxed.objective_value(&solved.outcome.x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Var;
    use crate::scenario::{OfferId, ReservationId, WorkloadId};

    /// 100 units of demand; on demand at 20/unit; lots of 72 units at 720 each (10/unit), lots of
    /// 100 at 1200 (12/unit), each lot also bounded by its own column's use. LP relaxation: 100/72
    /// lots of 72 = 1000. Whole lots: one lot of 100 = 1200 (1 of 72 + 28 on demand = 1280,
    /// 2 of 72 = 1440, on demand alone 2000).
    fn rack_or_pod() -> (Lp, Vec<usize>) {
        let mut lp = Lp::default();
        let on_demand = lp.add_var(
            Var::Alloc {
                offer: OfferId(0),
                workload: WorkloadId(0),
                t: 0,
            },
            20.0,
            100.0,
            100.0,
        );
        let mut lots = Vec::new();
        let mut used = Vec::new();
        for (k, (size, price)) in [(72.0, 720.0), (100.0, 1200.0)].into_iter().enumerate() {
            let u = lp.add_var(
                Var::Alloc {
                    offer: OfferId(k + 1),
                    workload: WorkloadId(0),
                    t: 0,
                },
                0.0,
                100.0,
                100.0,
            );
            let r = lp.add_var(
                Var::Lots {
                    option: ReservationId(k),
                    start: 0,
                },
                price,
                2.0,
                f64::INFINITY,
            );
            lp.add_row(
                RowName::Reserved {
                    option: ReservationId(k),
                    t: 0,
                },
                vec![(u, 1.0), (r, -size)],
                Sense::Le,
                0.0,
            );
            lots.push(r);
            used.push(u);
        }
        lp.add_row(
            RowName::Demand {
                workload: WorkloadId(0),
                t: 0,
            },
            vec![(on_demand, 1.0), (used[0], 1.0), (used[1], 1.0)],
            Sense::Eq,
            100.0,
        );
        lp.integer = lots.clone();
        lp.mip_gap = 1e-4;
        (lp, lots)
    }

    #[test]
    fn the_mip_finds_the_whole_optimum_the_relaxation_misses() {
        let (lp, lots) = rack_or_pod();
        let cost = lp.cost.clone();
        let relaxed = solve_mip(&lp, &cost, &[], 0.0, Duration::from_secs(10)).unwrap();
        assert!(
            (relaxed.value - 1000.0).abs() < 1e-6,
            "LP {}",
            relaxed.value
        );
        let mip = solve_mip(&lp, &cost, &lots, 1e-4, Duration::from_secs(10)).unwrap();
        assert!(mip.finished);
        assert!((mip.value - 1200.0).abs() < 1e-6, "MIP {}", mip.value);
        assert!(mip.bound <= 1200.0 + 1e-6 && mip.bound >= 1200.0 * (1.0 - 1e-4) - 1e-6);
        assert!(mip.bound >= relaxed.value);
        assert_eq!([mip.x[lots[0]].round(), mip.x[lots[1]].round()], [0.0, 1.0]);
    }

    #[test]
    fn the_fixed_lp_reports_the_mip_incumbent_and_its_bound() {
        let (mut lp, lots) = rack_or_pod();
        let solved = solve_whole(&mut lp, &lots, 1e-4).unwrap();
        let value = lp.objective_value(&solved.outcome.x);
        assert!((value - 1200.0).abs() < 1e-6, "objective {value}");
        let bound = solved.bound_usd.unwrap();
        assert!(
            bound <= value && bound >= 1200.0 * (1.0 - 1e-4) - 1e-6,
            "bound {bound}"
        );
        assert_eq!(
            [solved.outcome.x[lots[0]], solved.outcome.x[lots[1]]],
            [0.0, 1.0]
        );
        // The lots are fixed by rows whose duals are reported.
        let fixes = lp
            .rows
            .iter()
            .filter(|r| matches!(r.name, RowName::LotFix { .. }))
            .count();
        assert_eq!(fixes, 2);
        assert!(solved.outcome.duals.is_some());
    }

    /// A `first_on` priority on the 72-unit lots' column, with unmet demand allowed at 30/unit:
    /// stage 0 holds no unmet demand (penalty 0), stage 1 puts all 100 units on the 72-unit lots
    /// (whole: 2 lots), stage 2 pays 2 x 720 = 1440 where the relaxation would pay 1000.
    #[test]
    fn priority_stages_are_solved_with_whole_lots() {
        let (mut lp, lots) = rack_or_pod();
        let unmet = lp.add_var(
            Var::Unmet {
                workload: WorkloadId(0),
                t: 0,
            },
            30.0,
            100.0,
            100.0,
        );
        let demand = lp
            .rows
            .iter()
            .position(|r| matches!(r.name, RowName::Demand { .. }))
            .unwrap();
        lp.rows[demand].terms.push((unmet, 1.0));
        let on_rack = lp.rows[0].terms[0].0; // the 72-unit option's used column
        lp.priority = vec![(on_rack, 1.0)];
        let solved = solve_whole(&mut lp, &lots, 1e-4).unwrap();
        assert_eq!(solved.priority_served.map(f64::round), Some(100.0));
        let x = &solved.outcome.x;
        assert_eq!([x[lots[0]], x[lots[1]]], [2.0, 0.0]);
        assert!(x[unmet].abs() < 1e-9, "unmet {}", x[unmet]);
        let value = lp.objective_value(x);
        assert!((value - 1440.0).abs() < 1e-6, "objective {value}");
        let bound = solved.bound_usd.unwrap();
        assert!(
            bound <= value && bound >= 1440.0 * (1.0 - 1e-4) - 1e-6,
            "bound {bound}"
        );
        for hold in [RowName::UnmetHold, RowName::PriorityHold] {
            assert!(lp.rows.iter().any(|r| r.name == hold), "{hold:?} missing");
        }
    }

    #[test]
    fn a_time_limited_mip_still_reports_a_proven_bound() {
        // A zero time limit stops HiGHS at once: no plan or a plan with a bound at most its value.
        let (lp, lots) = rack_or_pod();
        let cost = lp.cost.clone();
        match solve_mip(&lp, &cost, &lots, 1e-4, Duration::ZERO) {
            Ok(mip) => assert!(mip.bound <= mip.value && mip.bound <= 1200.0 + 1e-6),
            Err(SolveError::Failed(why)) => assert!(why.contains("CAPPLAN_LOT_SECONDS"), "{why}"),
            Err(e) => panic!("{e:?}"),
        }
    }
}
