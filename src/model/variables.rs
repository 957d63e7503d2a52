//! Declares the columns: `x[o,w,t]` only where tranche `o` is open in `t`, its SKU can serve `w`, and
//! no rule keeps `w` off `o`'s provider in `t`; `u[w,t]` for workloads with an unmet penalty;
//! `s[c]` for each contract, `s[m]` for each minimum; then the spend accounting (`spend`) declares
//! the credit columns `a[c,t]` and prices every list-spend term. Each column's objective
//! coefficient is its present-value cost.

use super::families::rules::Access;
use super::lp::{Lp, Var};
use super::spend::Spend;
use crate::scenario::{
    ContractId, MinimumId, OfferId, ReservationId, RuleId, Scenario, WorkloadId,
};

/// Where the columns of each kind are, for the constraint families to look up.
#[derive(Debug, Default, Clone)]
pub struct Columns {
    /// Per tranche: `(t, workload, column)` in month order.
    pub by_offer: Vec<Vec<(usize, WorkloadId, usize)>>,
    /// Per `workload * periods + t`: `(offer, column)`.
    pub by_demand: Vec<Vec<(OfferId, usize)>>,
    /// Per `workload * periods + t`: the unmet column, if the workload has a penalty.
    pub unmet: Vec<Option<usize>>,
    /// Per contract: its shortfall column.
    pub shortfall: Vec<usize>,
    /// Per minimum (`minimums.csv`): its shortfall column `s[m]`.
    pub minimum_shortfall: Vec<usize>,
    /// List spend, credits, burn and what is paid (`model::spend`).
    pub spend: Spend,
    /// With `elastic_access`: columns a rule would have removed, and that rule.
    pub blocked: Vec<(usize, RuleId)>,
    /// Per reservation option: `(start month, lots column)` in start order.
    pub lots: Vec<Vec<(usize, usize)>>,
}

/// `elastic_demand`: give every workload an unmet column (for the infeasibility diagnosis);
/// hard workloads' unmet columns then cost nothing here and are priced by the caller.
/// `elastic_access`: also declare the columns access rules remove, listed in `Columns::blocked`.
pub fn declare(
    sc: &Scenario,
    access: &Access,
    elastic_demand: bool,
    elastic_access: bool,
    lp: &mut Lp,
) -> Columns {
    let periods = sc.periods;
    let h = sc.hours_per_month;
    let mut cols = Columns {
        by_offer: vec![Vec::new(); sc.offers.len()],
        by_demand: vec![Vec::new(); sc.workloads.len() * periods],
        unmet: vec![None; sc.workloads.len() * periods],
        shortfall: Vec::with_capacity(sc.contracts.len()),
        minimum_shortfall: Vec::with_capacity(sc.minimums.len()),
        spend: Spend::default(),
        blocked: Vec::new(),
        lots: Vec::with_capacity(sc.reservations.len()),
    };
    for (o, offer) in sc.offers.iter().enumerate() {
        let offer_id = OfferId(o);
        let servable: Vec<WorkloadId> = (0..sc.workloads.len())
            .map(WorkloadId)
            .filter(|&w| sc.perf(w, offer.sku) > 0.0)
            .collect();
        for t in offer.window.months() {
            let cost = 0.0; // priced by `Spend::declare_credit`
            for &w in &servable {
                let blocked_by = access.blocked_by(w, offer.provider, t);
                if blocked_by.is_some() && !elastic_access {
                    continue;
                }
                let useful = sc.demand(w, t) / sc.perf(w, offer.sku);
                let magnitude = offer.max_units.min(useful);
                let j = lp.add_var(
                    Var::Alloc {
                        offer: offer_id,
                        workload: w,
                        t,
                    },
                    cost,
                    magnitude,
                    useful,
                );
                cols.by_offer[o].push((t, w, j));
                if let Some(rule) = blocked_by {
                    cols.blocked.push((j, rule));
                }
                cols.by_demand[w.0 * periods + t].push((offer_id, j));
            }
        }
    }
    for (w, wl) in sc.workloads.iter().enumerate() {
        let penalty = match (wl.unmet_usd_per_unit_hour, elastic_demand) {
            (Some(p), _) => Some(p),
            (None, true) => Some(0.0),
            (None, false) => None,
        };
        if let Some(penalty) = penalty {
            for t in 0..periods {
                let cost = sc.discount_factor(t) * penalty * h;
                let magnitude = sc.demand(WorkloadId(w), t);
                let var = Var::Unmet {
                    workload: WorkloadId(w),
                    t,
                };
                cols.unmet[w * periods + t] = Some(lp.add_var(var, cost, magnitude, magnitude));
            }
        }
    }
    for (k, res) in sc.reservations.iter().enumerate() {
        let option = ReservationId(k);
        // Lots that could be used at all: the peak servable demand over the option's months.
        let peak = (0..periods)
            .map(|t| {
                (0..sc.workloads.len())
                    .map(WorkloadId)
                    .filter(|&w| sc.perf(w, res.sku) > 0.0)
                    .map(|w| sc.demand(w, t) / sc.perf(w, res.sku))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max);
        let magnitude = (peak / res.lot_units)
            .min(res.max_lots.unwrap_or(f64::INFINITY))
            .max(1.0);
        let mut starts = Vec::with_capacity(res.starts.len());
        for &s in &res.starts {
            // Priced by `Spend::declare_credit`: its charges are list spend of the provider.
            let j = lp.add_var(
                Var::Lots { option, start: s },
                0.0,
                magnitude,
                f64::INFINITY,
            );
            starts.push((s, j));
        }
        cols.lots.push(starts);
    }
    for (c, contract) in sc.contracts.iter().enumerate() {
        let cost = sc.discount_factor(contract.window.last);
        let var = Var::Shortfall {
            contract: ContractId(c),
        };
        cols.shortfall
            .push(lp.add_var(var, cost, contract.owed_usd, f64::INFINITY));
    }
    for (m, min) in sc.minimums.iter().enumerate() {
        let cost = sc.discount_factor(min.window.last);
        let var = Var::MinimumShortfall {
            minimum: MinimumId(m),
        };
        cols.minimum_shortfall
            .push(lp.add_var(var, cost, min.owed_usd, f64::INFINITY));
    }
    cols.spend = Spend::new(sc, &cols.by_offer);
    for (k, res) in sc.reservations.iter().enumerate() {
        for &(s, j) in &cols.lots[k] {
            for (t, usd) in super::families::reservations::charges(sc, ReservationId(k), s) {
                cols.spend.add_list_term(res.provider, t, j, usd);
            }
        }
    }
    cols.spend.declare_credit(sc, lp);
    cols
}
