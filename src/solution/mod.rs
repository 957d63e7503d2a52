//! Stage 5: the solved plan as typed results (allocations, unmet demand, shortfalls, row activity
//! and duals by row name), with solver noise removed.

pub mod cash;

use crate::model::{Model, RowName, Sense, Var};
use crate::scenario::{ContractId, OfferId, Scenario, WorkloadId};
use crate::solve::Solved;

/// Values below `NOISE * max(1, magnitude)` are solver noise in units (an interior-point optimum
/// carries ~1e-9 relative error); a column's magnitude is the most it can usefully take
/// (`Lp::magnitude`). The plan's values come here already cleaned by `solve::verify` (noise only
/// when tiny in units and in dollars), so every nonzero value is printed.
pub const NOISE: f64 = crate::solve::verify::UNIT_NOISE;

/// An inequality whose slack exceeds this fraction of its limit is not binding: its dual is 0.
pub const SLACK_FOR_ZERO_DUAL: f64 = 1e-4;

#[derive(Debug, Clone)]
pub struct Allocation {
    pub offer: OfferId,
    pub workload: WorkloadId,
    pub t: usize,
    pub units: f64,
    /// Demand units served: `perf * units`.
    pub served: f64,
    /// Nominal USD after the contract discount.
    pub usd: f64,
}

#[derive(Debug, Clone)]
pub struct Unmet {
    pub workload: WorkloadId,
    pub t: usize,
    pub units: f64,
}

/// One constraint row after solving.
#[derive(Debug, Clone)]
pub struct RowResult {
    pub name: RowName,
    pub sense: Sense,
    pub rhs: f64,
    pub activity: f64,
    /// d objective / d rhs, in present-value USD per unit of the row (None without duals).
    pub dual: Option<f64>,
}

impl RowResult {
    /// At its bound (an inequality with no slack left).
    pub fn is_binding(&self) -> bool {
        let slack = (self.activity - self.rhs).abs();
        self.sense != Sense::Eq && slack <= 1e-6 * self.rhs.abs().max(1.0)
    }
}

#[derive(Debug, Clone)]
pub struct Solution {
    /// SPEC's objective, present-value USD.
    pub objective_usd: f64,
    pub allocations: Vec<Allocation>,
    pub unmet: Vec<Unmet>,
    /// Per contract, nominal USD.
    pub shortfall: Vec<f64>,
    pub rows: Vec<RowResult>,
    pub priority_served: Option<f64>,
    pub solver: &'static str,
    pub note: Option<String>,
    pub variables: usize,
    pub nonzeros: usize,
    /// Raw column values, as the solver returned them (for explaining the plan).
    pub values: Vec<f64>,
    /// The cash ledger of the plan (nominal).
    pub cash: cash::CashLedger,
}

pub fn extract(sc: &Scenario, model: &Model, solved: &Solved, solver: &'static str) -> Solution {
    let x = &solved.outcome.x;
    let lp = &model.lp;
    let mut allocations = Vec::new();
    let mut unmet = Vec::new();
    let mut shortfall = vec![0.0; sc.contracts.len()];
    let mut clean = vec![0.0; x.len()];
    for (j, var) in lp.vars.iter().enumerate() {
        let v = x[j];
        let noise = 0.0; // the values are the printed ones (see `NOISE`)
        if v > noise {
            clean[j] = v;
        }
        match *var {
            Var::Alloc { offer, workload, t } => {
                let o = &sc.offers[offer.0];
                if v > noise {
                    allocations.push(Allocation {
                        offer,
                        workload,
                        t,
                        units: v,
                        served: v * sc.perf(workload, o.sku),
                        usd: v * sc.effective_price(offer, t) * sc.hours_per_month,
                    });
                }
            }
            Var::Unmet { workload, t } => {
                if v > noise {
                    unmet.push(Unmet {
                        workload,
                        t,
                        units: v,
                    });
                }
            }
            Var::Shortfall {
                contract: ContractId(c),
            } => {
                if v > noise {
                    shortfall[c] = v;
                }
            }
            Var::Slack { .. }
            | Var::Commit { .. }
            | Var::AllocBeyondCommit { .. }
            | Var::FundingNeed { .. }
            | Var::CashCushion { .. } => {}
        }
    }
    let rows = lp
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let activity = lp.activity(row, x);
            // Complementary slackness: an inequality with clear slack has a zero dual; what an
            // interior-point solver returns there is noise.
            let slack = (activity - row.rhs).abs();
            let clear_slack =
                row.sense != Sense::Eq && slack > SLACK_FOR_ZERO_DUAL * row.rhs.abs().max(1.0);
            let dual =
                solved
                    .outcome
                    .duals
                    .as_ref()
                    .map(|d| if clear_slack { 0.0 } else { d[i] + 0.0 });
            RowResult {
                name: row.name,
                sense: row.sense,
                rhs: row.rhs,
                activity,
                dual,
            }
        })
        .collect();
    Solution {
        objective_usd: crate::solve::verify::sum(lp.cost.iter().zip(x).map(|(c, v)| c * v)),
        allocations,
        unmet,
        shortfall,
        rows,
        priority_served: solved.priority_served,
        solver,
        note: solved.outcome.note.clone(),
        variables: lp.vars.len(),
        nonzeros: lp.nonzeros(),
        values: x.clone(),
        cash: cash::ledger(sc, lp, &clean),
    }
}
