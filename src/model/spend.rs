//! The spend accounting of SPEC version 2, in one place: what each provider's list-price spend
//! `L[p,t]` is made of, how it is credited to contracts (`a[c,t]`), what each contract burns, and
//! what is paid in each month. The model's objective, the credit and take-or-pay rows and every
//! report read their spend from here.
//!
//! - `L[p,t]`: list-price dollars of provider `p` in month `t`: `usd_per_unit_hour * H * x` of every
//!   tranche of `p` (capacity reservations add their charges here: [`Spend::add_list_term`]).
//! - Credit: where two or more of `p`'s contracts are in force in `t`, a column `a[c,t] >= 0` per
//!   contract and the row `sum_c a[c,t] <= L[p,t]` (family `credit`). Where exactly one contract is
//!   in force, `a[c,t] = L[p,t]` is substituted (crediting all spend to it is never worse): that is
//!   version 1's model, with no credit column or row. With none in force nothing is credited.
//! - Burn of contract `c` in `t`: `(1 - d_c) * a[c,t]`, `d_c = discount_pct / 100`.
//! - Paid in `t` (before shortfalls): `L[p,t] - sum_c d_c * a[c,t]`; the objective charges it at `df(t)`.
//!   A contract's or minimum's shortfall is paid at `df(to)`, in the month of its `to`.

use super::lp::{Lp, Var};
use crate::scenario::{ContractId, MinimumId, ProviderId, Scenario};

/// How provider `p`'s spend in month `t` is credited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credit {
    /// No contract in force, or no spend possible: nothing is credited, list price is paid.
    None,
    /// Exactly one contract in force: all of `L[p,t]` is credited to it (`a = L` substituted).
    Sole(ContractId),
    /// Several in force: the LP's columns `a[c,t]`, one per contract.
    Split(Vec<(ContractId, usize)>),
}

/// The spend terms of the model, as `(column, coefficient)` lists.
#[derive(Debug, Clone, Default)]
pub struct Spend {
    periods: usize,
    /// Per `p * periods + t`: the terms of `L[p,t]`, list USD per unit of the column.
    pub list: Vec<Vec<(usize, f64)>>,
    /// Per `p * periods + t`: how that spend is credited.
    pub credit: Vec<Credit>,
    /// Per contract: `1 - d_c` and `d_c`.
    keep: Vec<f64>,
    discount: Vec<f64>,
}

impl Spend {
    /// Collects the list-spend terms of the tranche columns. Credit columns are declared by
    /// [`Spend::declare_credit`] once every list term is in.
    pub fn new(
        sc: &Scenario,
        by_offer: &[Vec<(usize, crate::scenario::WorkloadId, usize)>],
    ) -> Spend {
        let periods = sc.periods;
        let mut spend = Spend {
            periods,
            list: vec![Vec::new(); sc.providers.len() * periods],
            credit: Vec::new(),
            keep: sc
                .contracts
                .iter()
                .map(|c| 1.0 - c.discount_pct / 100.0)
                .collect(),
            discount: sc
                .contracts
                .iter()
                .map(|c| c.discount_pct / 100.0)
                .collect(),
        };
        for (o, offer) in sc.offers.iter().enumerate() {
            let usd = offer.usd_per_unit_hour * sc.hours_per_month;
            for &(t, _, j) in &by_offer[o] {
                spend.add_list_term(offer.provider, t, j, usd);
            }
        }
        spend
    }

    /// Adds `usd * column` to `L[p,t]` (a tranche's units, a reservation's lots, an upfront).
    pub fn add_list_term(&mut self, p: ProviderId, t: usize, column: usize, usd: f64) {
        self.list[p.0 * self.periods + t].push((column, usd));
    }

    /// Declares `a[c,t]` where several contracts are in force and prices every list term: the
    /// objective gets `df(t) * (L[p,t] - sum_c d_c a[c,t])`, with `a = L` where one contract is in
    /// force (so a list term costs `df(t) * (1 - d_c) * usd` there).
    pub fn declare_credit(&mut self, sc: &Scenario, lp: &mut Lp) {
        self.credit = Vec::with_capacity(self.list.len());
        for p in 0..sc.providers.len() {
            for t in 0..self.periods {
                let k = p * self.periods + t;
                let df = sc.discount_factor(t);
                let in_force = sc.contracts_at(ProviderId(p), t);
                let credit = match in_force.as_slice() {
                    // Nothing is spent with `p` in `t`: nothing to credit.
                    _ if self.list[k].is_empty() => Credit::None,
                    [] => Credit::None,
                    [c] => Credit::Sole(*c),
                    many => {
                        let magnitude: f64 =
                            self.list[k].iter().map(|&(j, a)| a * lp.magnitude[j]).sum();
                        let upper: f64 = self.list[k]
                            .iter()
                            .map(|&(j, a)| a * lp.implied_upper[j])
                            .sum();
                        Credit::Split(
                            many.iter()
                                .map(|&c| {
                                    let var = Var::Credit { contract: c, t };
                                    let cost = -df * self.discount[c.0];
                                    (c, lp.add_var(var, cost, magnitude.max(1.0), upper))
                                })
                                .collect(),
                        )
                    }
                };
                let factor = match &credit {
                    Credit::Sole(c) => self.keep[c.0],
                    _ => 1.0,
                };
                for &(j, usd) in &self.list[k] {
                    lp.cost[j] += df * usd * factor;
                }
                self.credit.push(credit);
            }
        }
    }

    /// Terms of `a[c,t]` (list dollars of `p`'s spend in `t` credited to `c`); empty when `c` is
    /// not in force then.
    pub fn credited_terms(&self, sc: &Scenario, c: ContractId, t: usize) -> Vec<(usize, f64)> {
        let k = sc.contracts[c.0].provider.0 * self.periods + t;
        match &self.credit[k] {
            Credit::Sole(s) if *s == c => self.list[k].clone(),
            Credit::Split(cols) => cols
                .iter()
                .filter(|(cc, _)| *cc == c)
                .map(|&(_, j)| (j, 1.0))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Burn terms of contract `c` over months `months`: `sum_t (1 - d_c) * a[c,t]`.
    pub fn burn_terms(
        &self,
        sc: &Scenario,
        c: ContractId,
        months: impl Iterator<Item = usize>,
    ) -> Vec<(usize, f64)> {
        let keep = self.keep[c.0];
        months
            .flat_map(|t| self.credited_terms(sc, c, t))
            .map(|(j, a)| (j, a * keep))
            .collect()
    }

    /// Evaluates every spend quantity at column values `x`.
    pub fn evaluate(&self, sc: &Scenario, x: &[f64], lp: &Lp) -> Ledger {
        let n = self.list.len();
        let value = |terms: &[(usize, f64)]| terms.iter().map(|&(j, a)| a * x[j]).sum::<f64>();
        let mut ledger = Ledger {
            periods: self.periods,
            list: vec![0.0; n],
            discount: vec![0.0; n],
            credited: vec![vec![0.0; self.periods]; sc.contracts.len()],
            burn: vec![0.0; sc.contracts.len()],
            shortfall: vec![0.0; sc.contracts.len()],
            minimum_burn: vec![0.0; sc.minimums.len()],
            minimum_shortfall: vec![0.0; sc.minimums.len()],
            shortfall_paid: vec![0.0; self.periods],
        };
        for k in 0..n {
            let l = value(&self.list[k]);
            ledger.list[k] = l;
            let t = k % self.periods;
            match &self.credit[k] {
                Credit::None => {}
                Credit::Sole(c) => {
                    ledger.credited[c.0][t] = l;
                    ledger.discount[k] = self.discount[c.0] * l;
                }
                Credit::Split(cols) => {
                    for &(c, j) in cols {
                        ledger.credited[c.0][t] = x[j];
                        ledger.discount[k] += self.discount[c.0] * x[j];
                    }
                }
            }
        }
        for (c, contract) in sc.contracts.iter().enumerate() {
            ledger.burn[c] = contract
                .window
                .months()
                .map(|t| self.keep[c] * ledger.credited[c][t])
                .sum();
        }
        for (m, min) in sc.minimums.iter().enumerate() {
            ledger.minimum_burn[m] = min
                .window
                .months()
                .map(|t| self.keep[min.contract.0] * ledger.credited[min.contract.0][t])
                .sum();
        }
        for (j, var) in lp.vars.iter().enumerate() {
            match *var {
                Var::Shortfall { contract } => {
                    let v = clean(x[j], lp.magnitude[j]);
                    ledger.shortfall[contract.0] = v;
                    ledger.shortfall_paid[sc.contracts[contract.0].window.last] += v;
                }
                Var::MinimumShortfall { minimum } => {
                    let v = clean(x[j], lp.magnitude[j]);
                    ledger.minimum_shortfall[minimum.0] = v;
                    ledger.shortfall_paid[sc.minimums[minimum.0].window.last] += v;
                }
                _ => {}
            }
        }
        ledger
    }
}

/// A column value with solver noise removed (as the plan reports it).
fn clean(v: f64, magnitude: f64) -> f64 {
    if v > crate::solution::NOISE * magnitude.max(1.0) {
        v
    } else {
        0.0
    }
}

/// The spend of a solved plan, nominal USD.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    periods: usize,
    /// `L[p,t]`, per `p * periods + t`.
    pub list: Vec<f64>,
    /// `sum_c d_c * a[c,t]`, per `p * periods + t`.
    pub discount: Vec<f64>,
    /// `a[c,t]`, per contract and month (0 outside its window).
    pub credited: Vec<Vec<f64>>,
    /// Per contract: `sum_t (1 - d_c) a[c,t]` (its `spend_usd`).
    pub burn: Vec<f64>,
    /// Per contract: `s[c]`.
    pub shortfall: Vec<f64>,
    /// Per minimum: its burn and `s[m]`.
    pub minimum_burn: Vec<f64>,
    pub minimum_shortfall: Vec<f64>,
    /// Shortfalls (contracts' and minimums') paid in each month: in the month of their `to`.
    pub shortfall_paid: Vec<f64>,
}

impl Ledger {
    /// `L[p,t] - sum_c d_c a[c,t]`: usage paid to `p` in `t`, after discounts.
    pub fn usage_paid(&self, p: ProviderId, t: usize) -> f64 {
        let k = p.0 * self.periods + t;
        self.list[k] - self.discount[k]
    }

    /// What a list dollar of `p` in `t` costs after the month's credited discounts (1 when nothing
    /// is spent): spreads the discount over the month's allocations.
    pub fn net_factor(&self, p: ProviderId, t: usize) -> f64 {
        let k = p.0 * self.periods + t;
        if self.list[k] > 0.0 {
            1.0 - self.discount[k] / self.list[k]
        } else {
            1.0
        }
    }

    /// Paid in month `t`: usage after discounts of every provider, plus shortfalls due in `t`.
    pub fn paid(&self, t: usize) -> f64 {
        let providers = self.list.len() / self.periods.max(1);
        (0..providers)
            .map(|p| self.usage_paid(ProviderId(p), t))
            .sum::<f64>()
            + self.shortfall_paid[t]
    }

    /// The contract(s) `p`'s spend in `t` is credited to, with the list dollars each got.
    pub fn credited_to(&self, sc: &Scenario, p: ProviderId, t: usize) -> Vec<(ContractId, f64)> {
        sc.contracts_at(p, t)
            .into_iter()
            .map(|c| (c, self.credited[c.0][t]))
            .collect()
    }

    /// Total shortfall paid for `c`: its own plus its minimums'.
    pub fn contract_shortfall_total(&self, sc: &Scenario, c: ContractId) -> f64 {
        self.shortfall[c.0]
            + sc.minimums
                .iter()
                .enumerate()
                .filter(|(_, m)| m.contract == c)
                .map(|(m, _)| self.minimum_shortfall[m])
                .sum::<f64>()
    }
}

/// The minimums of contract `c`.
pub fn minimums_of(sc: &Scenario, c: ContractId) -> impl Iterator<Item = MinimumId> + '_ {
    sc.minimums
        .iter()
        .enumerate()
        .filter(move |(_, m)| m.contract == c)
        .map(|(m, _)| MinimumId(m))
}
