//! The cash ledger (SPEC v2 "Money"). Nominal, month by month:
//! `cash[t] = cash[t-1] + revenue[t] + funding[t] - expense[t] - paid[t]`, with `cash[-1]` the
//! opening balance, `revenue[t]` = finance.csv revenue + `revenue_usd_per_unit_hour * H * served`,
//! and `paid[t]` = compute spend after discounts + shortfalls paid in `t` (a contract's in the
//! month of its `to`).
//!
//! With `funding_rate` the ledger is in the model: `g[t] >= 0`, `cash[t] + g[t] >= min_cash_usd`,
//! objective `+ df(t) * funding_rate / 12 * g[t]`. `cash[t]` is free, so it is written with two
//! non-negative columns, `cash[t] - min_cash_usd = cushion[t] - g[t]`, and one row per month
//! holding the month's change (sparse: each row has only that month's columns):
//! `cushion[t] - g[t] - (cushion[t-1] - g[t-1]) - revenue_x[t] + paid_x[t] = fixed[t]`
//! (`fixed[t]` = finance.csv revenue + funding - expense; month 0 adds `opening - min_cash_usd`).
//! The row's dual is what one more dollar arriving in month `t` is worth.
//!
//! [`paid_terms`] and [`revenue_terms`] are the one definition of what is paid and earned: the
//! model's rows and the reported ledger (`solution::cash`) both evaluate them.

use crate::model::lp::{Lp, RowName, Sense, Var};
use crate::model::spend::Credit;
use crate::model::variables::Columns;
use crate::scenario::{ContractId, ProviderId, Scenario};

/// What a payment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Payee {
    /// Compute used at `provider`, under `contract` when one covers the month.
    Usage {
        provider: ProviderId,
        contract: Option<ContractId>,
    },
    /// A take-or-pay shortfall (the contract's own or one of its minimums'), paid in the month of
    /// its `to`.
    Shortfall { contract: ContractId },
}

/// One column's share of `paid[t]`: `usd_per_unit * value` dollars to `payee`.
#[derive(Debug, Clone, Copy)]
pub struct PaidTerm {
    pub t: usize,
    pub column: usize,
    pub usd_per_unit: f64,
    pub payee: Payee,
}

/// Every column's payment: nominal USD paid in the month it is paid. Spend comes from the one
/// spend accounting (`model::spend`): `L[p,t] - sum_c d_c a[c,t]`, with `a = L` where one contract
/// is in force; shortfalls of contracts and of their minimums are paid in the month of their `to`.
pub fn paid_terms(sc: &Scenario, cols: &Columns, lp: &Lp) -> Vec<PaidTerm> {
    let spend = &cols.spend;
    let d = |c: ContractId| sc.contracts[c.0].discount_pct / 100.0;
    let mut out = Vec::new();
    for p in 0..sc.providers.len() {
        let provider = ProviderId(p);
        for t in 0..sc.periods {
            let k = p * sc.periods + t;
            let list = &spend.list[k];
            let push = |out: &mut Vec<PaidTerm>, column, usd_per_unit, contract| {
                out.push(PaidTerm {
                    t,
                    column,
                    usd_per_unit,
                    payee: Payee::Usage { provider, contract },
                })
            };
            match spend.credit.get(k).unwrap_or(&Credit::None) {
                Credit::None => list
                    .iter()
                    .for_each(|&(j, usd)| push(&mut out, j, usd, None)),
                Credit::Sole(c) => list
                    .iter()
                    .for_each(|&(j, usd)| push(&mut out, j, usd * (1.0 - d(*c)), Some(*c))),
                // List spend is paid in full; each credited dollar moves from "no contract" to
                // its contract at (1 - d_c): in all, L - sum_c d_c a[c,t].
                Credit::Split(credits) => {
                    list.iter()
                        .for_each(|&(j, usd)| push(&mut out, j, usd, None));
                    for &(c, j) in credits {
                        push(&mut out, j, -1.0, None);
                        push(&mut out, j, 1.0 - d(c), Some(c));
                    }
                }
            }
        }
    }
    for (j, var) in lp.vars.iter().enumerate() {
        let (t, contract) = match *var {
            Var::Shortfall { contract } => (sc.contracts[contract.0].window.last, contract),
            Var::MinimumShortfall { minimum } => {
                let m = &sc.minimums[minimum.0];
                (m.window.last, m.contract)
            }
            _ => continue,
        };
        out.push(PaidTerm {
            t,
            column: j,
            usd_per_unit: 1.0,
            payee: Payee::Shortfall { contract },
        });
    }
    out
}

/// `(t, column, usd per unit)`: workload revenue, `revenue_usd_per_unit_hour * H * perf` per unit
/// of an allocation (served demand units earn it).
pub fn revenue_terms(sc: &Scenario, lp: &Lp) -> Vec<(usize, usize, f64)> {
    let rev = &sc.money.revenue_per_unit_hour;
    let mut out = Vec::new();
    for (j, var) in lp.vars.iter().enumerate() {
        if let Var::Alloc { offer, workload, t } | Var::AllocBeyondCommit { offer, workload, t } =
            *var
        {
            let r = rev.get(workload.0).copied().unwrap_or(0.0);
            if r > 0.0 {
                let perf = sc.perf(workload, sc.offers[offer.0].sku);
                out.push((t, j, r * sc.hours_per_month * perf));
            }
        }
    }
    out
}

/// Right-hand side of month `t`'s cash row: finance.csv's net flow, plus the opening balance over
/// the minimum in month 0.
pub fn rhs(sc: &Scenario, t: usize) -> f64 {
    let m = &sc.money;
    m.fixed_net(t)
        + if t == 0 {
            m.opening_cash - m.min_cash_usd
        } else {
            0.0
        }
}

/// A dollar scale for the cash columns (the solver adapter scales columns by it).
fn magnitude(sc: &Scenario) -> f64 {
    let m = &sc.money;
    let flows: f64 = m.flows.iter().map(|f| f.usd).sum();
    let commits: f64 = sc.contracts.iter().map(|c| c.commit_usd).sum();
    (m.opening_cash + m.min_cash_usd + flows + commits).max(1.0)
}

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    let Some(rate) = sc.money.funding_rate else {
        return;
    };
    let mut month_terms: Vec<Vec<(usize, f64)>> = vec![Vec::new(); sc.periods];
    for p in paid_terms(sc, cols, lp) {
        month_terms[p.t].push((p.column, p.usd_per_unit));
    }
    for (t, j, r) in revenue_terms(sc, lp) {
        month_terms[t].push((j, -r));
    }
    let scale = magnitude(sc);
    let mut prev: Option<(usize, usize)> = None;
    for (t, mut terms) in month_terms.into_iter().enumerate() {
        let cost = sc.discount_factor(t) * rate / 12.0;
        let g = lp.add_var(Var::FundingNeed { t }, cost, scale, f64::INFINITY);
        let cushion = lp.add_var(Var::CashCushion { t }, 0.0, scale, f64::INFINITY);
        terms.push((cushion, 1.0));
        terms.push((g, -1.0));
        if let Some((c0, g0)) = prev {
            terms.push((c0, -1.0));
            terms.push((g0, 1.0));
        }
        lp.add_row(RowName::Cash { t }, terms, Sense::Eq, rhs(sc, t));
        prev = Some((cushion, g));
    }
}
