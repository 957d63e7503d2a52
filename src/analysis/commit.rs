//! `capplan commit`: how much to commit, as a two-stage stochastic LP (sample average
//! approximation). First stage, decided once for every sample: the commitment `K_c` of each
//! contract marked `sizable`, and the lots `r[k,s]` of every reservation start whose sign-by month
//! (`s - lead_months`) is at or before settings `decide_by` (here-and-now lots). Second stage: one
//! copy of the plan per demand sample, each costing 1/N of the objective, with its own allocation
//! and its own lots for the later starts (recourse: they can still be signed once demand is seen).
//!
//! A sizable contract works like a savings plan: `K_c` is owed whatever happens (usage in the
//! window at the discounted price burns it; what is not burned is the shortfall, paid at the end
//! of the window); the discount covers usage only up to `K_c`, and usage beyond it is billed at
//! list price. (Under SPEC's take-or-pay alone, a discount with no commitment would be free, and
//! the best commitment would always be zero.) So per sample: `discounted spend <= K_c` and
//! `discounted spend + shortfall >= K_c`, and every allocation column of the contract's provider
//! in its window has a list-price twin that does not burn the commitment.
//!
//! A here-and-now lot is one column shared by every sample block: each block's reserved-capacity,
//! lot-limit, take-or-pay and power rows reference it, and its charge enters the objective once
//! (at full weight, not 1/N per block). With `lots = integer` the here-and-now lots are whole
//! (`solve::lots::solve_whole` over those columns); recourse lots stay continuous (a sample's plan
//! is an LP), in sizing and in evaluation alike.
//!
//! With one month and no discounting this is the newsvendor: cover demand up to its
//! `discount`-quantile: `K = (1 - d) * price * H * q_d`.
//!
//! The recommendation is evaluated on fresh samples against the as-signed commitments and, when
//! there are here-and-now lots, against the deterministic plan: the same model solved once on the
//! mean demand (the scenario as written), its first stage fixed. The difference of the two
//! expected costs is the value of planning under uncertainty (the value of the stochastic solution).

use super::risk::{self, Risk, SampleOutcome};
use super::sample;
use crate::model::{self, Lp, Model, RowName, Sense, Var};
use crate::scenario::{ContractId, ReservationId, Scenario};
use crate::solve::{self, SolveError, SolverChoice};
use rayon::prelude::*;

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub contract: ContractId,
    pub as_signed_usd: f64,
    pub recommended_usd: f64,
    /// The deterministic plan's commitment (sized on the mean demand), when it was solved.
    pub deterministic_usd: Option<f64>,
}

/// Here-and-now lots of one reservation start.
#[derive(Debug, Clone)]
pub struct LotDecision {
    pub option: ReservationId,
    /// Start month (horizon index).
    pub start: usize,
    /// Sign-by month (horizon index): `start - lead_months`.
    pub sign_by: usize,
    pub recommended_lots: f64,
    /// The deterministic plan's lots (the same model on the mean demand).
    pub deterministic_lots: f64,
}

/// Expected cost of one first-stage decision on the fresh samples.
#[derive(Debug, Clone, Copy)]
pub struct Evaluated {
    /// Mean present-value cost over the fresh samples with a plan.
    pub expected_cost_usd: f64,
    /// Fresh samples without a plan (hard demand that cannot be met), left out of the mean.
    pub infeasible: usize,
}

#[derive(Debug, Clone)]
pub struct CommitStudy {
    pub recommendations: Vec<Recommendation>,
    /// Here-and-now lots (sign-by at or before `decide_by`), by option then start.
    pub lots: Vec<LotDecision>,
    /// SAA objective: mean present-value cost over the sizing samples.
    pub expected_cost_usd: f64,
    /// With whole here-and-now lots: a proven lower bound on the SAA optimum.
    pub bound_usd: Option<f64>,
    /// The sizing solve's note (e.g. a whole-lot search stopped at its limit).
    pub note: Option<String>,
    /// All evaluated on fresh samples (not the ones the decisions were sized on).
    pub risk_recommended: Risk,
    pub evaluated_recommended: Evaluated,
    /// The as-signed commitments (with the recommended lots); `None` when nothing is sizable.
    pub risk_as_signed: Option<Risk>,
    /// The deterministic plan's first stage; `None` when no lot is decided now.
    pub risk_deterministic: Option<Risk>,
    pub evaluated_deterministic: Option<Evaluated>,
    pub samples: u64,
}

impl CommitStudy {
    /// Value of planning under uncertainty: expected cost of the deterministic plan's first stage
    /// minus the recommendation's, on the fresh samples.
    pub fn value_of_uncertainty_usd(&self) -> Option<f64> {
        self.evaluated_deterministic
            .map(|d| d.expected_cost_usd - self.evaluated_recommended.expected_cost_usd)
    }
}

/// First-stage columns of the assembled LP: one per sizable contract (`k`) and one per
/// here-and-now reservation start (`lots[option][i]` for `res.starts[i]`).
struct FirstStage {
    k: Vec<Option<usize>>,
    lots: Vec<Vec<Option<usize>>>,
}

impl FirstStage {
    fn add(sc: &Scenario, total: &mut Lp) -> FirstStage {
        let k = commitment_columns(sc, total);
        let lots = sc
            .reservations
            .iter()
            .enumerate()
            .map(|(o, res)| {
                res.starts
                    .iter()
                    .map(|&s| {
                        here_and_now(sc, ReservationId(o), s).then(|| {
                            let var = Var::Lots {
                                option: ReservationId(o),
                                start: s,
                            };
                            // Cost and magnitude are set from the blocks (the same in each).
                            total.add_var(var, 0.0, 1.0, f64::INFINITY)
                        })
                    })
                    .collect()
            })
            .collect();
        FirstStage { k, lots }
    }

    fn lot_column(&self, sc: &Scenario, option: ReservationId, start: usize) -> Option<usize> {
        let i = sc.reservations[option.0]
            .starts
            .iter()
            .position(|&s| s == start)?;
        self.lots[option.0][i]
    }

    /// Every here-and-now lot column with its option and start.
    fn lot_columns(&self, sc: &Scenario) -> Vec<(ReservationId, usize, usize)> {
        let mut out = Vec::new();
        for (o, cols) in self.lots.iter().enumerate() {
            for (i, c) in cols.iter().enumerate() {
                if let Some(j) = c {
                    out.push((ReservationId(o), sc.reservations[o].starts[i], *j));
                }
            }
        }
        out
    }
}

/// Sign-by month of a lot of `option` starting in `start` (horizon index; starts whose sign-by
/// falls before the horizon are not offered).
pub fn sign_by(sc: &Scenario, option: ReservationId, start: usize) -> usize {
    start.saturating_sub(sc.reservations[option.0].lead_months)
}

/// Whether a lot of `option` starting in `start` must be signed by settings `decide_by`: decided
/// now, once for every sample.
pub fn here_and_now(sc: &Scenario, option: ReservationId, start: usize) -> bool {
    sign_by(sc, option, start) <= sc.decide_by
}

/// Appends sample `sc`'s plan to `total`, scaled by `weight`, with sizable contracts turned into
/// savings plans whose commitment columns are `first.k`, and here-and-now lots on the shared
/// columns `first.lots` (their cost set once, unweighted). Returns the block's first own column.
fn append_block(
    total: &mut Lp,
    sc: &Scenario,
    m: &Model,
    first: &FirstStage,
    weight: f64,
) -> usize {
    let lp = &m.lp;
    let k = &first.k;
    let off = total.vars.len();
    let mut map = vec![0; lp.vars.len()];
    for j in 0..lp.vars.len() {
        let shared = match lp.vars[j] {
            Var::Lots { option, start } => first.lot_column(sc, option, start),
            _ => None,
        };
        map[j] = match shared {
            Some(c) => {
                // One decision for every sample: its charge is paid once, whatever the sample.
                total.cost[c] = lp.cost[j];
                total.magnitude[c] = total.magnitude[c].max(lp.magnitude[j]);
                c
            }
            None => total.add_var(
                lp.vars[j],
                lp.cost[j] * weight,
                lp.magnitude[j],
                lp.implied_upper[j],
            ),
        };
    }
    let sizable_at = |offer: crate::scenario::OfferId, t: usize| {
        sc.sole_contract(sc.offers[offer.0].provider, t)
            .filter(|c| k[c.0].is_some())
    };
    let mut twin = vec![None; lp.vars.len()];
    for j in 0..lp.vars.len() {
        if let Var::Alloc { offer, workload, t } = lp.vars[j] {
            if sizable_at(offer, t).is_some() {
                let list = sc.discount_factor(t)
                    * sc.offers[offer.0].usd_per_unit_hour
                    * sc.hours_per_month;
                let var = Var::AllocBeyondCommit { offer, workload, t };
                twin[j] =
                    Some(total.add_var(var, list * weight, lp.magnitude[j], lp.implied_upper[j]));
            }
        }
    }
    for row in &lp.rows {
        let shifted: Vec<(usize, f64)> = row.terms.iter().map(|&(j, a)| (map[j], a)).collect();
        match row.name {
            RowName::TakeOrPay { contract } if k[contract.0].is_some() => {
                let kc = k[contract.0].expect("sizable");
                let mut burn = shifted.clone();
                burn.push((kc, -1.0));
                total.add_row(row.name, burn, Sense::Ge, 0.0);
                let mut cap: Vec<(usize, f64)> = row
                    .terms
                    .iter()
                    .filter(|&&(j, _)| matches!(lp.vars[j], Var::Alloc { .. }))
                    .map(|&(j, a)| (map[j], a))
                    .collect();
                cap.push((kc, -1.0));
                total.add_row(RowName::CommitCap { contract }, cap, Sense::Le, 0.0);
            }
            _ => {
                let mut terms = shifted;
                terms.extend(
                    row.terms
                        .iter()
                        .filter_map(|&(j, a)| twin[j].map(|t| (t, a))),
                );
                total.add_row(row.name, terms, row.sense, row.rhs);
            }
        }
    }
    for &(j, a) in &lp.priority {
        total.priority.push((map[j], a));
        if let Some(t) = twin[j] {
            total.priority.push((t, a));
        }
    }
    off
}

/// First-stage columns: one per sizable contract.
fn commitment_columns(sc: &Scenario, total: &mut Lp) -> Vec<Option<usize>> {
    sc.contracts
        .iter()
        .enumerate()
        .map(|(c, k)| {
            k.sizable.then(|| {
                total.add_var(
                    Var::Commit {
                        contract: ContractId(c),
                    },
                    0.0,
                    k.commit_usd.max(1.0),
                    f64::INFINITY,
                )
            })
        })
        .collect()
}

/// What one evaluated sample comes to: spend burning each commitment, shortfall, unmet, cost.
/// Reads the block's own columns `off..end` and the shared lot columns `shared`.
fn block_outcome(
    sc: &Scenario,
    lp: &Lp,
    x: &[f64],
    columns: impl Iterator<Item = usize>,
    index: u64,
    cost: f64,
) -> SampleOutcome {
    let mut spend = vec![0.0; sc.contracts.len()];
    let mut shortfall = vec![0.0; sc.contracts.len()];
    let mut unmet = vec![0.0; sc.workloads.len()];
    let mut provider_month = vec![0.0; sc.providers.len() * sc.periods];
    for j in columns {
        let v = if x[j] > crate::solution::NOISE * lp.magnitude[j].max(1.0) {
            x[j]
        } else {
            0.0
        };
        match lp.vars[j] {
            Var::Alloc { offer, t, .. } => {
                let provider = sc.offers[offer.0].provider;
                let usd = v * sc.effective_price(offer, t) * sc.hours_per_month;
                provider_month[provider.0 * sc.periods + t] += usd;
                if let Some(c) = sc.sole_contract(provider, t) {
                    spend[c.0] += usd;
                }
            }
            Var::Lots { option, start } => {
                // A lot's charges are list spend of its provider, discounted like usage.
                let provider = sc.reservations[option.0].provider;
                for (t, list) in model::families::reservations::charges(sc, option, start) {
                    let usd = v * list * sc.price_factor(provider, t);
                    provider_month[provider.0 * sc.periods + t] += usd;
                    if let Some(c) = sc.sole_contract(provider, t) {
                        spend[c.0] += usd;
                    }
                }
            }
            Var::Credit { contract, .. } => {
                spend[contract.0] += v * (1.0 - sc.contracts[contract.0].discount_pct / 100.0)
            }
            Var::Unmet { workload, .. } => unmet[workload.0] += v,
            Var::Shortfall { contract } => shortfall[contract.0] += v,
            Var::MinimumShortfall { minimum } => shortfall[sc.minimums[minimum.0].contract.0] += v,
            _ => {}
        }
    }
    SampleOutcome {
        index,
        cost_pv_usd: Some(cost),
        spend_usd: spend,
        shortfall_usd: shortfall,
        unmet_units: unmet,
        cash_usd: Vec::new(),
        provider_month_usd: provider_month,
    }
}

/// A first-stage decision: every contract's commitment (as signed where not sizable) and the
/// here-and-now lots, `(option, start, lots)`.
#[derive(Debug, Clone)]
struct Decision {
    commit_usd: Vec<f64>,
    lots: Vec<(ReservationId, usize, f64)>,
}

/// Sample `index` solved with the first stage fixed at `decision`; recourse lots are its own.
fn evaluate(
    sc: &Scenario,
    decision: &Decision,
    seed: u64,
    index: u64,
    solver: SolverChoice,
) -> Result<SampleOutcome, SolveError> {
    let s = sample::scenario(sc, seed, index);
    let m = model::build(&s, false);
    refuse_overlapping_sizable(sc)?;
    let mut lp = Lp::default();
    let first = FirstStage::add(sc, &mut lp);
    for (c, col) in first.k.iter().enumerate() {
        if let Some(j) = col {
            // Fix the commitment at its level.
            lp.add_row(
                RowName::CommitCap {
                    contract: ContractId(c),
                },
                vec![(*j, 1.0)],
                Sense::Eq,
                decision.commit_usd[c],
            );
        }
    }
    for &(option, start, lots) in &decision.lots {
        if let Some(j) = first.lot_column(sc, option, start) {
            lp.add_row(
                RowName::LotFix { option, start },
                vec![(j, 1.0)],
                Sense::Eq,
                lots,
            );
        }
    }
    let off = append_block(&mut lp, &s, &m, &first, 1.0);
    let end = lp.vars.len();
    let shared: Vec<usize> = first.lot_columns(sc).iter().map(|c| c.2).collect();
    match solve::solve_lp(&mut lp, solver) {
        Ok(solved) => {
            let cost = lp.objective_value(&solved.outcome.x);
            Ok(block_outcome(
                &s,
                &lp,
                &solved.outcome.x,
                shared.into_iter().chain(off..end),
                index,
                cost,
            ))
        }
        Err(SolveError::Infeasible) => {
            let mut unmet = vec![0.0; sc.workloads.len()];
            if let Ok(short) = solve::diagnose::demand_shortfalls(&s, solver) {
                short.iter().for_each(|x| unmet[x.workload.0] += x.short);
            }
            Ok(SampleOutcome {
                index,
                cost_pv_usd: None,
                spend_usd: vec![0.0; sc.contracts.len()],
                shortfall_usd: vec![0.0; sc.contracts.len()],
                unmet_units: unmet,
                cash_usd: Vec::new(),
                provider_month_usd: Vec::new(),
            })
        }
        Err(e) => Err(e),
    }
}

/// The two-stage model over `blocks` (each weighted 1/len), solved; whole here-and-now lots
/// under `lots = integer`. Returns the first stage, the objective and the proven bound if any.
fn solve_first_stage(
    sc: &Scenario,
    blocks: &[(Scenario, Model)],
    solver: SolverChoice,
) -> Result<(Decision, f64, Option<f64>, Option<String>), SolveError> {
    let mut lp = Lp::default();
    let first = FirstStage::add(sc, &mut lp);
    let weight = 1.0 / blocks.len() as f64;
    for (s, m) in blocks {
        append_block(&mut lp, s, m, &first, weight);
    }
    let lot_cols = first.lot_columns(sc);
    let integer: Vec<usize> = if sc.lots == crate::scenario::Lots::Integer {
        lot_cols.iter().map(|c| c.2).collect()
    } else {
        Vec::new()
    };
    let solved = if integer.is_empty() {
        solve::solve_lp(&mut lp, solver)?
    } else {
        solve::lots::solve_whole(&mut lp, &integer, sc.mip_gap, solver)?
    };
    let x = &solved.outcome.x;
    let objective = lp.objective_value(x);
    let commit_usd = sc
        .contracts
        .iter()
        .zip(&first.k)
        .map(|(c, col)| col.map_or(c.commit_usd, |j| x[j].max(0.0)))
        .collect();
    let lots = lot_cols
        .iter()
        .map(|&(o, s, j)| {
            let v = x[j].max(0.0);
            // Whole lots are exact whole numbers (`solve_whole` fixes them); LP noise is cleared.
            let v = if !integer.is_empty()
                || (v - v.round()).abs() <= solve::lots::WHOLE * v.max(1.0)
            {
                v.round()
            } else {
                v
            };
            (o, s, v)
        })
        .collect();
    Ok((
        Decision { commit_usd, lots },
        objective,
        solved.bound_usd,
        solved.outcome.note,
    ))
}

/// Sizes the sizable commitments and the here-and-now lots on samples `0..n` of `seed`, then
/// evaluates the recommendation, the as-signed commitments and the deterministic plan's first
/// stage on the fresh samples `n..2n`.
pub fn run(
    sc: &Scenario,
    seed: u64,
    n: u64,
    solver: SolverChoice,
    quiet: bool,
) -> Result<CommitStudy, SolveError> {
    let sizable = sc.contracts.iter().any(|c| c.sizable);
    let lots_now = sc.reservations.iter().enumerate().any(|(o, r)| {
        r.starts
            .iter()
            .any(|&s| here_and_now(sc, ReservationId(o), s))
    });
    if !sizable && !lots_now {
        return Err(SolveError::Failed(
            "no contract is marked sizable in contracts.csv and no reservation start must be signed by \
             settings decide_by: nothing to size"
                .into(),
        ));
    }
    refuse_overlapping_sizable(sc)?;
    let evaluations = 1 + sizable as u64 + lots_now as u64;
    let bar = super::progress((2 + evaluations) * n, "sizing commitments", quiet);
    let blocks: Vec<(Scenario, Model)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let s = sample::scenario(sc, seed, i);
            let m = model::build(&s, false);
            (s, m)
        })
        .collect();
    bar.inc(n);
    let (recommended, expected_cost_usd, bound_usd, note) = solve_first_stage(sc, &blocks, solver)?;
    drop(blocks);
    bar.inc(n);
    // The deterministic plan: the same model on the mean demand (the scenario as written).
    let deterministic = if lots_now {
        let base = model::build(sc, false);
        Some(solve_first_stage(sc, &[(sc.clone(), base)], solver)?.0)
    } else {
        None
    };
    let as_signed = Decision {
        commit_usd: sc.contracts.iter().map(|c| c.commit_usd).collect(),
        lots: recommended.lots.clone(),
    };

    let eval = |d: &Decision| -> Result<Vec<SampleOutcome>, SolveError> {
        let out = (n..2 * n)
            .into_par_iter()
            .map(|i| evaluate(sc, d, seed, i, solver))
            .collect();
        bar.inc(n);
        out
    };
    let workloads: Vec<String> = sc.workloads.iter().map(|w| w.id.clone()).collect();
    let named = |lv: &[f64]| -> Vec<(String, f64)> {
        sc.contracts
            .iter()
            .zip(lv)
            .map(|(c, v)| (c.id.clone(), *v))
            .collect()
    };
    let p = sc.demand_shock_persistence;
    let study = |d: &Decision| -> Result<(Risk, Evaluated), SolveError> {
        let outcomes = eval(d)?;
        let costs: Vec<f64> = outcomes.iter().filter_map(|o| o.cost_pv_usd).collect();
        let evaluated = Evaluated {
            expected_cost_usd: if costs.is_empty() {
                f64::NAN
            } else {
                crate::solve::verify::sum(costs.iter().copied()) / costs.len() as f64
            },
            infeasible: outcomes.len() - costs.len(),
        };
        let fans = risk::fans(sc, &named(&d.commit_usd), &outcomes);
        let mut r = risk::summarise(&named(&d.commit_usd), &workloads, outcomes, seed, p);
        r.fans = fans;
        Ok((r, evaluated))
    };
    let (risk_recommended, evaluated_recommended) = study(&recommended)?;
    let risk_as_signed = if sizable {
        Some(study(&as_signed)?.0)
    } else {
        None
    };
    let (risk_deterministic, evaluated_deterministic) = match &deterministic {
        Some(d) => {
            let (r, e) = study(d)?;
            (Some(r), Some(e))
        }
        None => (None, None),
    };
    bar.finish_and_clear();
    let det_lots = |o: ReservationId, s: usize| {
        deterministic
            .as_ref()
            .and_then(|d| d.lots.iter().find(|l| l.0 == o && l.1 == s))
            .map_or(f64::NAN, |l| l.2)
    };
    Ok(CommitStudy {
        recommendations: sc
            .contracts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.sizable)
            .map(|(i, c)| Recommendation {
                contract: ContractId(i),
                as_signed_usd: c.commit_usd,
                recommended_usd: recommended.commit_usd[i],
                deterministic_usd: deterministic.as_ref().map(|d| d.commit_usd[i]),
            })
            .collect(),
        lots: recommended
            .lots
            .iter()
            .map(|&(option, start, lots)| LotDecision {
                option,
                start,
                sign_by: sign_by(sc, option, start),
                recommended_lots: lots,
                deterministic_lots: det_lots(option, start),
            })
            .collect(),
        expected_cost_usd,
        bound_usd,
        note,
        risk_recommended,
        evaluated_recommended,
        risk_as_signed,
        risk_deterministic,
        evaluated_deterministic,
        samples: n,
    })
}

/// The report folder of `capplan commit`: commitments.csv, commit_reservations.csv (with
/// here-and-now lots), risk.csv and summary.md.
pub fn render(
    sc: &Scenario,
    study: &CommitStudy,
    seed: u64,
) -> crate::error::Result<Vec<(&'static str, Vec<u8>)>> {
    use crate::report::format::{num, pct, usd};
    use crate::report::tables::excel_safe;
    use crate::report::xlsx::Figure;
    let csv_writer = || {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new())
    };
    let mut w = csv_writer();
    let _ = w.write_record([
        "contract",
        "provider",
        "discount_pct",
        "as_signed_usd",
        "recommended_usd",
        "change_usd",
        "deterministic_usd",
    ]);
    for r in &study.recommendations {
        let c = &sc.contracts[r.contract.0];
        let _ = w.write_record([
            excel_safe(&c.id),
            excel_safe(&sc.providers[c.provider.0].id),
            num(c.discount_pct, 4),
            num(r.as_signed_usd, 2),
            num(r.recommended_usd, 2),
            num(r.recommended_usd - r.as_signed_usd, 2),
            r.deterministic_usd.map(|v| num(v, 2)).unwrap_or_default(),
        ]);
    }
    let commitments = w.into_inner().unwrap_or_default();

    let mut w = csv_writer();
    let _ = w.write_record([
        "option",
        "provider",
        "start",
        "sign_by",
        "lot_units",
        "recommended_lots",
        "deterministic_lots",
        "change_lots",
    ]);
    for l in &study.lots {
        let res = &sc.reservations[l.option.0];
        let _ = w.write_record([
            excel_safe(&res.id),
            excel_safe(&sc.providers[res.provider.0].id),
            sc.month(l.start).to_string(),
            sc.month(l.sign_by).to_string(),
            num(res.lot_units, 6),
            num(l.recommended_lots, 6),
            num(l.deterministic_lots, 6),
            num(l.recommended_lots - l.deterministic_lots, 6),
        ]);
    }
    let reservations = w.into_inner().unwrap_or_default();

    let mut studies: Vec<(&str, &Risk)> = vec![("recommended", &study.risk_recommended)];
    if let Some(r) = &study.risk_as_signed {
        studies.push(("as_signed", r));
    }
    if let Some(r) = &study.risk_deterministic {
        studies.push(("deterministic", r));
    }
    let labelled: Vec<(Option<&str>, &Risk)> = studies.iter().map(|&(l, r)| (Some(l), r)).collect();
    let risk_csv = crate::report::tables::risk_table(&labelled);

    let mut md = format!("# Commitment sizing: {}\n\n", sc.name);
    md.push_str(&format!(
        "Sized on {n} demand samples (seed {seed}) as a two-stage stochastic LP: the here-and-now decisions \
         (the commitments of sizable contracts, and the reservation lots whose sign-by month is at or before \
         decide_by {decide}) are taken once for all samples, the rest (allocation, and lots that can still be \
         signed later) per sample. The decisions are then evaluated on {n} fresh samples. A sizable contract works \
         like a savings plan: the commitment is owed whatever happens, usage up to it is billed at the discounted \
         price, usage beyond it at list price.\n\n",
        n = study.samples,
        decide = sc.month(sc.decide_by),
    ));
    if !study.recommendations.is_empty() {
        md.push_str("| contract | provider | discount | as signed | recommended | change |\n|---|---|---:|---:|---:|---:|\n");
        for r in &study.recommendations {
            let c = &sc.contracts[r.contract.0];
            md.push_str(&format!(
                "| {} | {} | {}% | {} | {} | {} |\n",
                c.id,
                sc.providers[c.provider.0].id,
                num(c.discount_pct, 2),
                usd(r.as_signed_usd),
                usd(r.recommended_usd),
                usd(r.recommended_usd - r.as_signed_usd)
            ));
        }
        md.push('\n');
    }
    if !study.lots.is_empty() {
        md.push_str("## Reservations to sign now (sign-by at or before decide_by)\n\n");
        md.push_str("| option | provider | start | sign by | lot units | recommended lots | deterministic plan's lots |\n|---|---|---|---|---:|---:|---:|\n");
        let mut lots: Vec<&LotDecision> = study.lots.iter().collect();
        lots.sort_by_key(|l| (l.sign_by, l.start));
        for l in lots {
            let res = &sc.reservations[l.option.0];
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                res.id,
                sc.providers[res.provider.0].id,
                sc.month(l.start),
                sc.month(l.sign_by),
                num(res.lot_units, 2),
                num(l.recommended_lots, 2),
                num(l.deterministic_lots, 2)
            ));
        }
        let whole = if sc.lots == crate::scenario::Lots::Integer {
            "Here-and-now lots are whole; lots of later starts are decided per sample as an LP (continuous), \
             in sizing and evaluation alike. "
        } else {
            ""
        };
        md.push_str(&format!(
            "\n{whole}The deterministic plan is the same model solved once on the mean demand (the scenario as \
             written), its here-and-now decisions then fixed.\n\n"
        ));
    }
    md.push_str(&format!(
        "Expected cost with the recommendation (present value, sizing samples): **{}**{}.\n\n",
        usd(study.expected_cost_usd),
        study
            .bound_usd
            .map(|b| format!(" (proven lower bound {})", usd(b)))
            .unwrap_or_default()
    ));
    if let Some(n) = &study.note {
        md.push_str(&format!("Note: {n}.\n\n"));
    }
    let infeasible = |e: &Evaluated| {
        if e.infeasible > 0 {
            format!(" ({} samples without a plan left out)", e.infeasible)
        } else {
            String::new()
        }
    };
    md.push_str(&format!(
        "Expected cost on the fresh samples: recommended **{}**{}",
        usd(study.evaluated_recommended.expected_cost_usd),
        infeasible(&study.evaluated_recommended)
    ));
    if let (Some(d), Some(v)) = (
        &study.evaluated_deterministic,
        study.value_of_uncertainty_usd(),
    ) {
        md.push_str(&format!(
            "; deterministic plan's first stage **{}**{}. Value of planning under uncertainty (deterministic \
             minus recommended): **{}**.\n\n",
            usd(d.expected_cost_usd),
            infeasible(d),
            usd(v)
        ));
    } else {
        md.push_str(".\n\n");
    }
    md.push_str("## Risk on fresh samples\n\n");
    if !sc.contracts.is_empty() {
        md.push_str("| contract | decisions | committed | P(shortfall) | shortfall P50 | shortfall P90 | spend P50 |\n|---|---|---:|---:|---:|---:|---:|\n");
    }
    for (ci, c) in sc.contracts.iter().enumerate() {
        let rec = study.recommendations.iter().find(|r| r.contract.0 == ci);
        let mut rows: Vec<(&str, &Risk, f64)> = vec![(
            "recommended",
            &study.risk_recommended,
            rec.map_or(c.commit_usd, |r| r.recommended_usd),
        )];
        if let Some(r) = &study.risk_as_signed {
            rows.push(("as signed", r, c.commit_usd));
        }
        if let Some(r) = &study.risk_deterministic {
            rows.push((
                "deterministic",
                r,
                rec.and_then(|r| r.deterministic_usd)
                    .unwrap_or(c.commit_usd),
            ));
        }
        for (label, risk, level) in rows {
            let find = |m: &str| {
                risk.rows
                    .iter()
                    .find(|x| x.scope == "contract" && x.id == c.id && x.measure == m)
            };
            if let (Some(sh), Some(sp)) = (find("shortfall_usd"), find("spend_usd")) {
                md.push_str(&format!(
                    "| {} | {label} | {} | {} | {} | {} | {} |\n",
                    c.id,
                    usd(level),
                    sh.probability.map(pct).unwrap_or_else(|| "-".into()),
                    usd(sh.p50),
                    usd(sh.p90),
                    usd(sp.p50)
                ));
            }
        }
    }
    if !sc.contracts.is_empty() {
        md.push('\n');
    }
    md.push_str("| decisions | cost P10 | P50 | P90 | mean |\n|---|---:|---:|---:|---:|\n");
    for &(label, risk) in &studies {
        if let Some(t) = risk.rows.iter().find(|x| x.scope == "total") {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                label.replace('_', " "),
                usd(t.p10),
                usd(t.p50),
                usd(t.p90),
                usd(t.mean)
            ));
        }
    }
    let months: Vec<String> = (0..sc.periods).map(|t| sc.month(t).to_string()).collect();
    let spaced: Vec<(String, &Risk)> = studies
        .iter()
        .map(|&(l, r)| (l.replace('_', " "), r))
        .collect();
    let view_studies: Vec<(&str, &Risk)> = spaced.iter().map(|(l, r)| (l.as_str(), *r)).collect();
    let views = crate::report::views::risk_views(&months, &view_studies);
    let title = format!("Commitment sizing: {}", sc.name);
    let mut files = vec![("commitments.csv", commitments)];
    if !study.lots.is_empty() {
        files.push(("commit_reservations.csv", reservations));
    }
    files.push(("risk.csv", risk_csv));
    let mut figures = vec![
        ("scenario".to_string(), Figure::Text(sc.name.clone())),
        ("samples".into(), Figure::Count(study.samples as f64)),
        ("seed".into(), Figure::Count(seed as f64)),
        (
            "expected cost with the recommendation (present value, USD)".into(),
            Figure::Usd(study.expected_cost_usd),
        ),
        (
            "expected cost of the recommendation on fresh samples (present value, USD)".into(),
            Figure::Usd(study.evaluated_recommended.expected_cost_usd),
        ),
    ];
    if let (Some(d), Some(v)) = (
        &study.evaluated_deterministic,
        study.value_of_uncertainty_usd(),
    ) {
        figures.push((
            "expected cost of the deterministic plan's first stage on fresh samples (present value, USD)".into(),
            Figure::Usd(d.expected_cost_usd),
        ));
        figures.push((
            "value of planning under uncertainty (present value, USD)".into(),
            Figure::Usd(v),
        ));
    }
    let book = crate::report::xlsx::workbook(&title, &figures, &files, &views)
        .map_err(|e| crate::error::Error::Io(format!("cannot build report.xlsx: {e}")))?;
    files.push((
        "report.html",
        crate::report::html::page(&title, &views, &md),
    ));
    files.push(("report.xlsx", book));
    files.push(("summary.md", md.into_bytes()));
    Ok(files)
}

/// A savings plan discounts all of its provider's usage up to the commitment: with another
/// contract of the provider in force at the same time, which usage it covers is a credit choice
/// this model does not make, so such a sizable contract is refused.
fn refuse_overlapping_sizable(sc: &Scenario) -> Result<(), SolveError> {
    for k in &sc.contracts {
        let overlapped = k.sizable
            && k.window
                .months()
                .any(|t| sc.contracts_at(k.provider, t).len() > 1);
        if overlapped {
            return Err(SolveError::Failed(format!(
                "contract {} is sizable but overlaps another contract of {} (contracts.csv:{}): capplan commit \
                 sizes only a contract that is its provider's sole one in its window",
                k.id,
                sc.providers[k.provider.0].id,
                k.line
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn racks() -> Scenario {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/uncertainty/racks");
        crate::load(&dir).expect("racks fixture")
    }

    /// Sign-by is the start less the lead time; here-and-now is sign-by at or before decide_by.
    #[test]
    fn sign_by_counts_the_lead_time() {
        let mut sc = racks();
        let rack = ReservationId(0);
        assert_eq!(sc.reservations[0].lead_months, 1);
        assert_eq!((sign_by(&sc, rack, 1), sign_by(&sc, rack, 2)), (0, 1));
        assert!(here_and_now(&sc, rack, 1) && !here_and_now(&sc, rack, 2));
        sc.reservations[0].lead_months = 2;
        assert!(
            here_and_now(&sc, rack, 2),
            "sign-by 2026-01 with a two-month lead"
        );
    }

    /// The shared lot column appears once, in every block's rows, and is charged once.
    #[test]
    fn a_here_and_now_lot_is_one_column_charged_once() {
        let sc = racks();
        let mut lp = Lp::default();
        let first = FirstStage::add(&sc, &mut lp);
        let j = first
            .lot_column(&sc, ReservationId(0), 1)
            .expect("February is decided now");
        assert!(first.lot_column(&sc, ReservationId(0), 2).is_none());
        for i in 0..3 {
            let s = sample::scenario(&sc, 1, i);
            let m = model::build(&s, false);
            append_block(&mut lp, &s, &m, &first, 1.0 / 3.0);
        }
        // 300 a lot (20 units at 1.50 for 10 hours), not 100 per block.
        assert!((lp.cost[j] - 300.0).abs() < 1e-9, "{}", lp.cost[j]);
        let rows = lp
            .rows
            .iter()
            .filter(|r| {
                matches!(r.name, RowName::Reserved { t: 1, .. }) && r.terms.iter().any(|t| t.0 == j)
            })
            .count();
        assert_eq!(rows, 3, "one reserved-capacity row per sample block");
        // The March lots are each block's own column, charged at 1/3.
        let march: Vec<usize> = (0..lp.vars.len())
            .filter(|&c| matches!(lp.vars[c], Var::Lots { start: 2, .. }))
            .collect();
        assert_eq!(march.len(), 3);
        assert!(march.iter().all(|&c| (lp.cost[c] - 100.0).abs() < 1e-9));
    }
}
