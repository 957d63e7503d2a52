//! `capplan simulate`: the plan under sampled demand, contracts as signed. Each sample differs
//! from the base only in demand (the right-hand sides of the demand rows and the share of demand
//! rules refer to), so the model's structure is built once and only the demand is changed.
//!
//! How samples are solved: one model per chunk of samples is kept loaded and re-solved by dual
//! simplex from the previous sample's basis after the demand row bounds change (a warm start):
//! HiGHS's with the `highs` feature, else capplan's own (`solve::dual_simplex`), whose every
//! result passes the optimality check or the sample is solved cold. `--cold` solves each sample
//! from scratch, as `plan` would; so does a model whose priority guard has a stage 0.

use super::risk::{self, Risk, SampleOutcome};
use super::sample;
use super::shard::Shard;
use crate::model::{self, Model, RowName, Var};
use crate::scenario::Scenario;
use crate::solve::dual_simplex::DualSimplex;
use crate::solve::{self, SolveError, SolverChoice};
use rayon::prelude::*;

/// How the samples were solved, for the command's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Each sample built and solved from scratch.
    Cold,
    /// HiGHS dual simplex, warm-started from the previous sample's basis.
    WarmHighs,
    /// capplan's dual simplex, warm-started from the previous sample's basis; `cold` samples
    /// failed the optimality check (or the simplex) and were solved cold instead.
    WarmRust { cold: u64 },
}

impl Method {
    pub fn describe(self, solver: SolverChoice) -> String {
        match self {
            Method::Cold => format!("each sample solved cold ({})", solver.label()),
            Method::WarmHighs => "HiGHS dual simplex, warm-started from the previous sample's basis".into(),
            Method::WarmRust { cold } => format!(
                "dual simplex warm-started from the previous sample's basis, every sample checked ({cold} solved \
                 cold after a failed check)"
            ),
        }
    }
}

/// Samples per warm-start chain: fixed, so results do not depend on the number of threads.
pub const CHUNK: u64 = 10;

/// What a solved sample comes to, from its column values.
pub fn outcome(sc: &Scenario, m: &Model, index: u64, x: &[f64]) -> SampleOutcome {
    // Clean solver noise as the plan does; spend comes from the one spend accounting.
    let clean: Vec<f64> = x
        .iter()
        .zip(&m.lp.magnitude)
        .map(|(&v, &mag)| {
            if v > crate::solution::NOISE * mag.max(1.0) {
                v
            } else {
                0.0
            }
        })
        .collect();
    let ledger = m.cols.spend.evaluate(sc, &clean, &m.lp);
    let mut unmet = vec![0.0; sc.workloads.len()];
    // Paid to each provider each month, after credited discounts (the fan charts).
    let provider_month: Vec<f64> = (0..sc.providers.len() * sc.periods)
        .map(|i| ledger.usage_paid(crate::scenario::ProviderId(i / sc.periods), i % sc.periods))
        .collect();
    for (j, var) in m.lp.vars.iter().enumerate() {
        if let Var::Unmet { workload, .. } = *var {
            unmet[workload.0] += clean[j];
        }
    }
    let shortfall = (0..sc.contracts.len())
        .map(|c| ledger.contract_shortfall_total(sc, crate::scenario::ContractId(c)))
        .collect();
    let cash = crate::solution::cash::ledger(sc, &m.cols, &m.lp, &clean);
    SampleOutcome {
        index,
        cost_pv_usd: Some(m.lp.objective_value(x)),
        spend_usd: ledger.burn,
        shortfall_usd: shortfall,
        unmet_units: unmet,
        cash_usd: cash.months.iter().map(|c| c.cash).collect(),
        provider_month_usd: provider_month,
    }
}

/// An infeasible sample: the least hard shortfall per workload, with the plan's `lots` held as in
/// the sample, stands for its unmet demand.
fn infeasible(
    sc: &Scenario,
    lots: &[(Var, f64)],
    index: u64,
    solver: SolverChoice,
) -> SampleOutcome {
    let mut unmet = vec![0.0; sc.workloads.len()];
    if let Ok(short) = solve::diagnose::demand_shortfalls_with(sc, solver, |m| hold_lots(m, lots)) {
        for s in short {
            unmet[s.workload.0] += s.short;
        }
    }
    SampleOutcome {
        index,
        cost_pv_usd: None,
        spend_usd: vec![0.0; sc.contracts.len()],
        shortfall_usd: vec![0.0; sc.contracts.len()],
        unmet_units: unmet,
        cash_usd: Vec::new(),
        provider_month_usd: Vec::new(),
    }
}

/// The plan's whole reservation lots, by column: a reservation is signed ahead, like a contract,
/// so every sample holds the plan's lots as signed and re-plans only the allocation (each sample
/// is then an LP, and warm-startable); under `lots = continuous` too. Empty without reservations. `plan`:
/// the plan's column values when the caller has solved it (`Solution::values`), else it is solved.
pub fn signed_lots(
    base: &Model,
    plan: Option<&[f64]>,
    solver: SolverChoice,
) -> Result<Vec<(Var, f64)>, SolveError> {
    let columns = solve::lots::lot_columns(&base.lp);
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    let solved;
    let x = match plan {
        Some(x) => x,
        None => {
            solved = solve::solve_model(&mut Model::clone(base), solver)?;
            &solved.outcome.x
        }
    };
    // Whole lots (`lots = integer`) as the plan reports them; continuous ones as solved.
    let whole = !base.lp.integer.is_empty();
    Ok(columns
        .into_iter()
        .map(|j| {
            let v = x[j].max(0.0);
            (base.lp.vars[j], if whole { v.round() } else { v })
        })
        .collect())
}

/// Fixes each of `m`'s lot columns at its value in `lots` (a `LotFix` row, as the plan's own) and
/// drops their integrality: the model becomes an LP. Nothing to hold (no lot columns): unchanged.
pub fn hold_lots(m: &mut Model, lots: &[(Var, f64)]) {
    if lots.is_empty() {
        return;
    }
    m.lp.integer.clear();
    for j in solve::lots::lot_columns(&m.lp) {
        let var = m.lp.vars[j];
        let value = lots
            .iter()
            .find(|(v, _)| *v == var)
            .map_or(0.0, |&(_, x)| x);
        let Var::Lots { option, start } = var else {
            unreachable!("lot_columns lists only lot columns")
        };
        m.lp.add_row(
            RowName::LotFix { option, start },
            vec![(j, 1.0)],
            crate::model::Sense::Eq,
            value,
        );
    }
}

fn cold(
    sc: &Scenario,
    lots: &[(Var, f64)],
    index: u64,
    seed: u64,
    solver: SolverChoice,
) -> Result<SampleOutcome, SolveError> {
    let s = sample::scenario(sc, seed, index);
    let mut m = model::build(&s, false);
    hold_lots(&mut m, lots);
    match solve::solve_model(&mut m, solver) {
        Ok(solved) => Ok(outcome(&s, &m, index, &solved.outcome.x)),
        Err(SolveError::Infeasible) => Ok(infeasible(&s, lots, index, solver)),
        Err(e) => Err(e),
    }
}

/// Runs `samples` samples (`plan`: the plan's column values, see [`signed_lots`]); `warm` asks for the HiGHS warm-start path (used when built).
pub fn run(
    sc: &Scenario,
    plan: Option<&[f64]>,
    seed: u64,
    samples: u64,
    solver: SolverChoice,
    warm: bool,
    quiet: bool,
) -> Result<(Risk, Method), SolveError> {
    let (outcomes, method) = outcomes(sc, plan, seed, samples, solver, warm, quiet, Shard::ALL)?;
    Ok((summarise(sc, outcomes, seed), method))
}

/// The risk table and fans over `outcomes` (all samples, in index order).
pub fn summarise(sc: &Scenario, outcomes: Vec<SampleOutcome>, seed: u64) -> Risk {
    let contracts: Vec<(String, f64)> = sc
        .contracts
        .iter()
        .map(|c| (c.id.clone(), c.commit_usd))
        .collect();
    let workloads: Vec<String> = sc.workloads.iter().map(|w| w.id.clone()).collect();
    let fans = risk::fans(sc, &contracts, &outcomes);
    let mut risk = risk::summarise(
        &contracts,
        &workloads,
        outcomes,
        seed,
        sc.demand_shock_persistence,
    );
    let tranches: Vec<(String, f64)> = sc
        .money
        .conditional_tranches()
        .map(|f| (f.name(), f.usd))
        .collect();
    risk::add_cash(&mut risk, sc.money.min_cash_usd, &tranches, sc.periods);
    risk.fans = fans;
    risk
}

/// The outcomes of the samples of `shard`'s chunks (chunk `c` = samples `c*CHUNK..`, owned when
/// `shard.owns(c)`), in index order. A chunk is one warm-start chain, so a sample's result is the
/// same whether its chunk runs in a shard or in the single run.
#[allow(clippy::too_many_arguments)]
pub fn outcomes(
    sc: &Scenario,
    plan: Option<&[f64]>,
    seed: u64,
    samples: u64,
    solver: SolverChoice,
    warm: bool,
    quiet: bool,
    shard: Shard,
) -> Result<(Vec<SampleOutcome>, Method), SolveError> {
    let mut base = model::build(sc, false);
    // The plan's lots are signed: every sample (and the warm chain's model) holds them.
    let lots = signed_lots(&base, plan, solver)?;
    hold_lots(&mut base, &lots);
    // A priority guard's stage 0 (least unmet demand first) is not part of a warm chain.
    let stage0 = base.lp.guard
        && solve::unmet_penalty(&base.lp, &base.lp.cost)
            .iter()
            .any(|&c| c > 0.0);
    let start = if !warm || stage0 {
        Start::Cold
    } else {
        warm_start(&base)
    };
    let chunks: Vec<(u64, u64)> = (0..samples)
        .step_by(CHUNK as usize)
        .map(|a| (a, (a + CHUNK).min(samples)))
        .filter(|&(a, _)| shard.owns(a / CHUNK))
        .collect();
    let bar = super::progress(chunks.iter().map(|(a, b)| b - a).sum(), "simulating", quiet);
    let fallbacks = std::sync::atomic::AtomicU64::new(0);
    let results: Vec<Result<Vec<SampleOutcome>, SolveError>> = chunks
        .par_iter()
        .map(|&(a, b)| match &start {
            Start::Cold => (a..b)
                .map(|i| {
                    let r = cold(sc, &lots, i, seed, solver);
                    bar.inc(1);
                    r
                })
                .collect(),
            #[cfg(feature = "highs")]
            Start::Highs(bases) => warm_chain(sc, &base, &lots, bases, seed, a, b, &bar, solver),
            Start::Rust(chain) => {
                let (out, cold) = rust_chain(sc, &base, &lots, chain, seed, a, b, &bar, solver)?;
                fallbacks.fetch_add(cold, std::sync::atomic::Ordering::Relaxed);
                Ok(out)
            }
        })
        .collect();
    let method = match start {
        Start::Cold => Method::Cold,
        #[cfg(feature = "highs")]
        Start::Highs(_) => Method::WarmHighs,
        Start::Rust(_) => Method::WarmRust {
            cold: fallbacks.into_inner(),
        },
    };
    bar.finish_and_clear();
    let mut outcomes = Vec::with_capacity(samples as usize);
    for r in results {
        outcomes.extend(r?);
    }
    Ok((outcomes, method))
}

/// Demand rows and their right-hand side in sample `s` (the base model's rows, in order).
pub fn demand_rhs(m: &Model, s: &Scenario) -> Vec<(usize, f64)> {
    m.lp.rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r.name {
            RowName::Demand { workload, t } => Some((i, s.demand(workload, t))),
            // Sampled finance.csv amounts move the cash rows (with a funding rate).
            RowName::Cash { t } => Some((i, crate::model::families::cash::rhs(s, t))),
            _ => None,
        })
        .collect()
}

/// A loaded LP re-solved after some right-hand sides move.
trait WarmSolver {
    fn set_rhs(&mut self, rows: &[(usize, f64)]);
    fn solve(&mut self) -> Result<Vec<f64>, SolveError>;
}

#[cfg(feature = "highs")]
impl WarmSolver for crate::solve::warm::WarmLp {
    fn set_rhs(&mut self, rows: &[(usize, f64)]) {
        crate::solve::warm::WarmLp::set_rhs(self, rows)
    }

    fn solve(&mut self) -> Result<Vec<f64>, SolveError> {
        crate::solve::warm::WarmLp::solve(self)
    }
}

/// capplan's dual simplex with the LP it solves, so that every result goes through the
/// optimality check (`verify::check_to`) before it is used.
#[derive(Clone)]
struct Checked {
    lp: crate::model::Lp,
    objective: Vec<f64>,
    maximise: bool,
    optimality: f64,
    simplex: DualSimplex,
}

// The `highs` build warm-starts with HiGHS; capplan's own chain is then unused.
#[cfg_attr(feature = "highs", allow(dead_code))]
impl Checked {
    fn new(lp: &crate::model::Lp, objective: &[f64], maximise: bool, optimality: f64) -> Checked {
        Checked {
            lp: lp.clone(),
            objective: objective.to_vec(),
            maximise,
            optimality,
            simplex: DualSimplex::new(lp, objective, maximise),
        }
    }
}

impl WarmSolver for Checked {
    fn set_rhs(&mut self, rows: &[(usize, f64)]) {
        for &(i, rhs) in rows {
            self.lp.rows[i].rhs = rhs;
        }
        self.simplex.set_rhs(rows);
    }

    fn solve(&mut self) -> Result<Vec<f64>, SolveError> {
        let out = self.simplex.solve(&self.objective)?;
        let verdict = crate::solve::verify::check_to(
            &self.lp,
            &self.objective,
            self.maximise,
            &out,
            self.optimality,
        );
        match verdict.problem {
            None => Ok(verdict.x),
            Some(problem) => Err(SolveError::Failed(problem)),
        }
    }
}

/// The warm models of a chain: stage 1 (only with `first_on` priority) and stage 2.
#[derive(Clone)]
struct Chain<W> {
    weights: Vec<f64>,
    stage1: Option<W>,
    stage2: W,
    hold_row: Option<usize>,
}

impl<W: WarmSolver> Chain<W> {
    /// `load(lp, objective, maximise, optimality)` loads one stage.
    fn new(base: &Model, load: impl Fn(&crate::model::Lp, &[f64], bool, f64) -> W) -> Chain<W> {
        let weights = crate::solve::priority_weights(base.lp.vars.len(), &base.lp.priority);
        let stage1 = (!base.lp.priority.is_empty())
            .then(|| load(&base.lp, &weights, true, solve::STAGE1_OPTIMALITY));
        let mut lp2 = base.lp.clone();
        let hold_row = stage1.as_ref().map(|_| {
            let terms = crate::solve::nonzero_terms(&weights);
            lp2.add_row(RowName::PriorityHold, terms, crate::model::Sense::Ge, 0.0);
            lp2.rows.len() - 1
        });
        let stage2 = load(&lp2, &lp2.cost, false, solve::verify::OPTIMALITY_TOL);
        Chain {
            weights,
            stage1,
            stage2,
            hold_row,
        }
    }

    /// Solves with the demand right-hand sides `rhs`.
    fn solve(&mut self, rhs: &[(usize, f64)]) -> Result<Vec<f64>, SolveError> {
        use crate::solve::PRIORITY_HOLD_TOLERANCES;
        self.stage2.set_rhs(rhs);
        match (&mut self.stage1, self.hold_row) {
            (Some(st1), Some(h)) => {
                st1.set_rhs(rhs);
                let x1 = st1.solve()?;
                let best: f64 = self.weights.iter().zip(&x1).map(|(a, x)| a * x).sum();
                let hold = (best - PRIORITY_HOLD_TOLERANCES[0] * best.abs().max(1.0)).max(0.0);
                self.stage2.set_rhs(&[(h, hold)]);
                self.stage2.solve()
            }
            _ => self.stage2.solve(),
        }
    }
}

/// The base demand's rows and right-hand sides, where every chain starts.
fn base_rhs(base: &Model) -> Vec<(usize, f64)> {
    base.lp
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.name, RowName::Demand { .. }))
        .map(|(i, r)| (i, r.rhs))
        .collect()
}

/// Where each chunk's chain starts: HiGHS's optimal bases at the base demand, or capplan's own
/// dual simplex solved there (a chain clones it); cold when the base cannot be solved that way.
enum Start {
    Cold,
    #[cfg(feature = "highs")]
    Highs((Option<crate::solve::warm::Basis>, crate::solve::warm::Basis)),
    #[cfg_attr(feature = "highs", allow(dead_code))]
    Rust(Box<Chain<Checked>>),
}

fn warm_start(base: &Model) -> Start {
    #[cfg(feature = "highs")]
    {
        let mut chain = Chain::new(base, highs_stage);
        if chain.solve(&base_rhs(base)).is_ok() {
            return Start::Highs((
                chain.stage1.as_ref().map(|s| s.basis()),
                chain.stage2.basis(),
            ));
        }
        Start::Cold
    }
    #[cfg(not(feature = "highs"))]
    {
        if base.lp.rows.len() > crate::solve::dual_simplex::WARM_MAX_ROWS {
            return Start::Cold;
        }
        let mut chain = Chain::new(base, Checked::new);
        match chain.solve(&base_rhs(base)) {
            Ok(_) => Start::Rust(Box::new(chain)),
            Err(_) => Start::Cold,
        }
    }
}

/// HiGHS's stage model (the `load` of [`Chain::new`]).
#[cfg(feature = "highs")]
fn highs_stage(
    lp: &crate::model::Lp,
    objective: &[f64],
    maximise: bool,
    _optimality: f64,
) -> crate::solve::warm::WarmLp {
    crate::solve::warm::WarmLp::new(lp, objective, maximise)
}

/// Samples `a..b` through `chain`, in order. A sample the chain cannot solve goes to `failed`
/// (which may reset the chain) for its outcome.
#[allow(clippy::too_many_arguments)]
fn run_chain<W: WarmSolver>(
    sc: &Scenario,
    base: &Model,
    chain: &mut Chain<W>,
    seed: u64,
    a: u64,
    b: u64,
    bar: &indicatif::ProgressBar,
    mut failed: impl FnMut(
        &mut Chain<W>,
        &Scenario,
        u64,
        SolveError,
    ) -> Result<SampleOutcome, SolveError>,
) -> Result<Vec<SampleOutcome>, SolveError> {
    let mut out = Vec::new();
    for i in a..b {
        let s = sample::scenario(sc, seed, i);
        let r = match chain.solve(&demand_rhs(base, &s)) {
            Ok(x) => outcome(&s, base, i, &x[..base.lp.vars.len()]),
            Err(e) => failed(chain, &s, i, e)?,
        };
        out.push(r);
        bar.inc(1);
    }
    Ok(out)
}

/// A HiGHS chain: both stages start from the base demand's optimal bases; an infeasible sample
/// is explained by the elastic re-solve.
#[cfg(feature = "highs")]
#[allow(clippy::too_many_arguments)]
fn warm_chain(
    sc: &Scenario,
    base: &Model,
    lots: &[(Var, f64)],
    bases: &(Option<crate::solve::warm::Basis>, crate::solve::warm::Basis),
    seed: u64,
    a: u64,
    b: u64,
    bar: &indicatif::ProgressBar,
    solver: SolverChoice,
) -> Result<Vec<SampleOutcome>, SolveError> {
    let mut chain = Chain::new(base, highs_stage);
    if let (Some(st1), Some(b1)) = (chain.stage1.as_mut(), bases.0.as_ref()) {
        st1.set_basis(b1);
    }
    chain.stage2.set_basis(&bases.1);
    run_chain(
        sc,
        base,
        &mut chain,
        seed,
        a,
        b,
        bar,
        |_, s, i, e| match e {
            SolveError::Infeasible => Ok(infeasible(s, lots, i, solver)),
            e => Err(e),
        },
    )
}

/// A chain of capplan's own dual simplex: samples `a..b` from a clone of the base's solved
/// chain. A sample the simplex cannot solve, or whose result fails the check, is solved cold
/// (an infeasible one too, so that infeasibility is the cold solve's finding) and the chain
/// restarts from the base. Returns the outcomes and how many were solved cold.
#[allow(clippy::too_many_arguments)]
fn rust_chain(
    sc: &Scenario,
    base: &Model,
    lots: &[(Var, f64)],
    start: &Chain<Checked>,
    seed: u64,
    a: u64,
    b: u64,
    bar: &indicatif::ProgressBar,
    solver: SolverChoice,
) -> Result<(Vec<SampleOutcome>, u64), SolveError> {
    let mut chain = start.clone();
    let mut fell_back = 0;
    let out = run_chain(sc, base, &mut chain, seed, a, b, bar, |chain, _, i, _| {
        fell_back += 1;
        *chain = start.clone();
        cold(sc, lots, i, seed, solver)
    })?;
    Ok((out, fell_back))
}
