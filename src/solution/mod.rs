//! Stage 5: the solved plan as typed results (allocations, unmet demand, shortfalls, row activity
//! and duals by row name), with solver noise removed.

pub mod cash;

use crate::model::{Model, RowName, Sense, Var};
use crate::scenario::{ContractId, OfferId, ReservationId, Scenario, WorkloadId};
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

/// What one more lot of an option starting in one month is worth at the margin, from the duals
/// (present-value USD; see [`lot_values`]).
#[derive(Debug, Clone)]
pub struct LotValue {
    pub option: ReservationId,
    pub start: usize,
    /// Lots of this start in the plan.
    pub lots: f64,
    /// `lot_units` times the value of one more reserved unit, summed over the months the lot is
    /// active (`a * y` of its `reserved` rows, a = -lot_units).
    pub capacity_pv: f64,
    /// What its installed units' power costs at the margin (`a * y` of its `power` rows, <= 0).
    pub power_pv: f64,
    /// Its charges and upfront as the plan pays them: list price through the contracts' credits,
    /// discounts and take-or-pay (the column's cost less `a * y` of every other row).
    pub charge_pv: f64,
}

impl LotValue {
    /// What one more lot saves, at the margin: positive = the plan gets cheaper.
    pub fn value_pv(&self) -> f64 {
        self.capacity_pv + self.power_pv - self.charge_pv
    }
}

/// Lots of one reservation option starting in one month (whole numbers under `lots = integer`).
#[derive(Debug, Clone)]
pub struct Lot {
    pub option: ReservationId,
    pub start: usize,
    pub lots: f64,
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
    /// The row's size, `max(|rhs|, sum |a x|, 1)`: slack is measured against it (a credit row has
    /// rhs 0 and billions on each side).
    pub scale: f64,
}

impl RowResult {
    /// Binding, defined once for every family and report: the row is at its limit (an equality
    /// always is; an inequality with no slack left) and, when the solver gave duals, its dual is
    /// not zero (relaxing it would change the cost). A row at its limit with a zero dual is
    /// "tight" but not binding.
    pub fn is_binding(&self) -> bool {
        self.at_limit() && self.dual.map_or(true, |y| y.abs() > DUAL_ZERO)
    }

    /// Level equals limit (always, for an equality).
    pub fn at_limit(&self) -> bool {
        let slack = (self.activity - self.rhs).abs();
        self.sense == Sense::Eq || slack <= 1e-6 * self.scale
    }
}

/// A dual below this (present-value USD per unit of the row) is zero.
pub const DUAL_ZERO: f64 = 1e-9;

#[derive(Debug, Clone)]
pub struct Solution {
    /// SPEC's objective, present-value USD.
    pub objective_usd: f64,
    /// A proven lower bound on the objective (the LP relaxation or the search's bound); equal to
    /// `objective_usd` when the plan has no whole-lot decisions.
    pub bound_usd: f64,
    /// `100 * (objective - bound) / max(|objective|, 1)`.
    pub gap_pct: f64,
    pub allocations: Vec<Allocation>,
    /// Reservation lots taken, by option and start.
    pub lots: Vec<Lot>,
    pub unmet: Vec<Unmet>,
    /// Per contract, nominal USD (`s[c]`; its minimums' shortfalls are in `spend`).
    pub shortfall: Vec<f64>,
    /// The plan's spend: list spend, credits, burn per contract and minimum, paid per month.
    pub spend: crate::model::spend::Ledger,
    pub rows: Vec<RowResult>,
    pub priority_served: Option<f64>,
    pub solver: &'static str,
    pub note: Option<String>,
    pub variables: usize,
    pub nonzeros: usize,
    /// Constraints of the model as built (`Lp::size`), without the solve's stage holds.
    pub constraints: usize,
    /// Raw column values, as the solver returned them (for explaining the plan).
    pub values: Vec<f64>,
    /// The cash ledger of the plan (nominal).
    pub cash: cash::CashLedger,
    /// Per lots column (every start offered): what one more lot is worth; empty without duals.
    pub lot_values: Vec<LotValue>,
}

pub fn extract(sc: &Scenario, model: &Model, solved: &Solved, solver: &'static str) -> Solution {
    let lp = &model.lp;
    let mut x = solved.outcome.x.clone();
    crate::solve::lots::clip_reserved(lp, &mut x);
    let x = &x;
    let mut allocations = Vec::new();
    let mut unmet = Vec::new();
    let mut lots = Vec::new();
    let mut shortfall = vec![0.0; sc.contracts.len()];
    // The solver's values are already the printed ones (`solve::verify` cleaned them), so spend,
    // allocations and the ledger all add up on the same numbers.
    let clean: Vec<f64> = x.iter().map(|&v| v.max(0.0)).collect();
    let spend = model.cols.spend.evaluate(sc, &clean, lp);
    for (j, var) in lp.vars.iter().enumerate() {
        let v = x[j];
        let noise = 0.0; // the values are the printed ones (see `NOISE`)
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
                        usd: v
                            * o.usd_per_unit_hour
                            * spend.net_factor(o.provider, t)
                            * sc.hours_per_month,
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
            Var::Lots { option, start } => {
                if v > noise {
                    lots.push(Lot {
                        option,
                        start,
                        lots: v,
                    });
                }
            }
            Var::MinimumShortfall { .. }
            | Var::Credit { .. }
            | Var::Slack { .. }
            | Var::Commit { .. }
            | Var::AllocBeyondCommit { .. }
            | Var::FundingNeed { .. }
            | Var::CashCushion { .. } => {}
        }
    }
    let rows: Vec<RowResult> = lp
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let activity = lp.activity(row, x);
            // Complementary slackness: an inequality with clear slack has a zero dual; what an
            // interior-point solver returns there is noise.
            let slack = (activity - row.rhs).abs();
            let scale = row
                .terms
                .iter()
                .map(|&(j, a)| (a * x[j]).abs())
                .sum::<f64>()
                .max(row.rhs.abs())
                .max(1.0);
            let clear_slack = row.sense != Sense::Eq && slack > SLACK_FOR_ZERO_DUAL * scale;
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
                scale,
            }
        })
        .collect();
    let objective_usd = crate::solve::verify::sum(lp.cost.iter().zip(x).map(|(c, v)| c * v));
    let bound_usd = solved.bound_usd.unwrap_or(objective_usd).min(objective_usd);
    let mut rows = rows;
    price_empty_reservations(lp, x, &mut rows);
    let lot_values = lot_values(lp, x, &rows);
    Solution {
        objective_usd,
        bound_usd,
        gap_pct: gap_pct(objective_usd, bound_usd),
        allocations,
        lots,
        unmet,
        shortfall,
        spend,
        rows,
        priority_served: solved.priority_served,
        solver,
        note: solved.outcome.note.clone(),
        variables: lp.size().variables,
        nonzeros: lp.size().nonzeros,
        constraints: lp.size().constraints,
        values: x.clone(),
        cash: cash::ledger(sc, &model.cols, lp, &clean),
        lot_values,
    }
}

/// A `reserved` row with no lot active (`0 <= 0`) is degenerate: with its lots held (or at 0) any
/// value of one more reserved unit above what the units would earn fits the other duals, and an
/// interior-point solver returns one from the middle. Of those equally optimal duals this takes
/// the least: what one more reserved unit earns serving its best workload that month (its
/// columns' `sum a y` over the other rows, less their cost; 0 if none earns), so the value of a
/// lot not taken is not inflated. The dual objective is unchanged (the row's rhs is 0 and no lot
/// is active), so the duals stay optimal.
fn price_empty_reservations(lp: &crate::model::Lp, x: &[f64], rows: &mut [RowResult]) {
    if rows.iter().any(|r| r.dual.is_none()) {
        return;
    }
    let mut target = vec![usize::MAX; lp.vars.len()];
    let mut empty = Vec::new();
    for (i, row) in lp.rows.iter().enumerate() {
        if !matches!(row.name, RowName::Reserved { .. }) {
            continue;
        }
        let installed: f64 = row
            .terms
            .iter()
            .filter(|t| t.1 < 0.0)
            .map(|&(j, a)| -a * x[j].max(0.0))
            .sum();
        if installed <= 0.0 {
            for &(j, a) in &row.terms {
                if a > 0.0 {
                    target[j] = i;
                }
            }
            empty.push(i);
        }
    }
    if empty.is_empty() {
        return;
    }
    let mut earns = vec![0.0; lp.vars.len()];
    for (i, row) in lp.rows.iter().enumerate() {
        let y = rows[i].dual.unwrap_or(0.0);
        for &(j, a) in &row.terms {
            if target[j] != usize::MAX && target[j] != i {
                earns[j] += a * y;
            }
        }
    }
    for i in empty {
        let best = lp.rows[i]
            .terms
            .iter()
            .filter(|t| t.1 > 0.0)
            .map(|&(j, a)| (earns[j] - lp.cost[j]) / a)
            .fold(0.0, f64::max);
        rows[i].dual = Some(-best + 0.0);
    }
}

/// One more lot of each start, valued by the duals: minus the reduced cost of its lots column,
/// `sum_i a_ij y_i - c_j`, over every row but the `lot_fix` rows (which hold the lots of a
/// whole-lot plan) and `max_lots` (so the value is that of one more lot with the limit raised by
/// one). As the plan's cost is convex in the lots of a start, this is an upper bound on what one
/// more whole lot really saves (other lots held, allocation re-optimised), and one lot fewer costs
/// at least this; it is exact for a small enough change.
fn lot_values(lp: &crate::model::Lp, x: &[f64], rows: &[RowResult]) -> Vec<LotValue> {
    let mut out = Vec::new();
    let mut index = vec![usize::MAX; lp.vars.len()];
    for (j, var) in lp.vars.iter().enumerate() {
        if let Var::Lots { option, start } = *var {
            index[j] = out.len();
            out.push(LotValue {
                option,
                start,
                lots: x[j].max(0.0),
                capacity_pv: 0.0,
                power_pv: 0.0,
                charge_pv: lp.cost[j],
            });
        }
    }
    if out.is_empty() || rows.iter().any(|r| r.dual.is_none()) {
        return Vec::new();
    }
    for (row, result) in lp.rows.iter().zip(rows) {
        let y = result.dual.unwrap_or(0.0);
        for &(j, a) in &row.terms {
            let Some(v) = out.get_mut(index[j]) else {
                continue;
            };
            match row.name {
                RowName::LotFix { .. } | RowName::MaxLots { .. } => {}
                RowName::Reserved { .. } => v.capacity_pv += a * y,
                RowName::Power { .. } => v.power_pv += a * y,
                _ => v.charge_pv -= a * y,
            }
        }
    }
    for v in &mut out {
        v.capacity_pv += 0.0;
        v.power_pv += 0.0;
        v.charge_pv += 0.0;
    }
    out
}

/// Relative gap between a plan's objective and a lower bound, %.
pub fn gap_pct(objective: f64, bound: f64) -> f64 {
    (100.0 * (objective - bound) / objective.abs().max(1.0)).max(0.0)
}

/// One month's reservation charge to a provider, nominal USD after the contract discount.
#[derive(Debug, Clone)]
pub struct Charge {
    pub t: usize,
    pub provider: crate::scenario::ProviderId,
    pub usd: f64,
}

impl Solution {
    /// Charges of the lots taken (monthly charges of the term inside the horizon, and upfronts),
    /// after the month's credited discounts (the ledger's net factor, as for allocations).
    pub fn reservation_charges(&self, sc: &Scenario) -> Vec<Charge> {
        let mut out = Vec::new();
        for l in &self.lots {
            let provider = sc.reservations[l.option.0].provider;
            for (t, usd) in crate::model::families::reservations::charges(sc, l.option, l.start) {
                out.push(Charge {
                    t,
                    provider,
                    usd: l.lots * usd * self.spend.net_factor(provider, t),
                });
            }
        }
        out
    }
}
