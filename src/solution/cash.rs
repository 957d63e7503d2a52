//! The cash ledger of a solved plan: the model's own payment and revenue terms
//! (`model::families::cash`) evaluated on the plan's column values, so the ledger pays exactly
//! what the plan spends, whether or not the funding need was in the model.

use crate::model::families::cash::{paid_terms, revenue_terms, Payee};
use crate::model::{Columns, Lp};
use crate::scenario::money::FlowKind;
use crate::scenario::Scenario;
use std::collections::BTreeMap;

/// One month of the ledger, nominal USD.
#[derive(Debug, Clone, PartialEq)]
pub struct CashMonth {
    pub t: usize,
    /// finance.csv revenue + workload revenue of served demand.
    pub revenue: f64,
    /// Of `revenue`, what served demand earned.
    pub workload_revenue: f64,
    /// Unconditional funding.
    pub funding: f64,
    pub expense: f64,
    pub paid: f64,
    /// Balance at the end of the month.
    pub cash: f64,
    /// `max(0, min_cash_usd - cash)`.
    pub funding_need: f64,
}

/// Paid to one payee in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    pub t: usize,
    pub payee: Payee,
    pub usd: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CashLedger {
    pub opening_cash: f64,
    pub min_cash_usd: f64,
    pub months: Vec<CashMonth>,
    /// By month, then payee.
    pub payments: Vec<Payment>,
    /// Largest funding need and its month (the first, on a tie); `None` when there is no need.
    pub peak: Option<(usize, f64)>,
    /// `sum df(t) * funding_rate / 12 * need[t]`: the objective's funding term (0 without a rate).
    pub funding_cost_pv_usd: f64,
}

impl CashLedger {
    pub fn peak_need(&self) -> f64 {
        self.peak.map(|p| p.1).unwrap_or(0.0)
    }
}

/// `values` are the plan's columns with solver noise already removed.
pub fn ledger(sc: &Scenario, cols: &Columns, lp: &Lp, values: &[f64]) -> CashLedger {
    let m = &sc.money;
    let mut paid = vec![0.0; sc.periods];
    let mut by_payee: BTreeMap<(usize, Payee), f64> = BTreeMap::new();
    for p in paid_terms(sc, cols, lp) {
        let usd = p.usd_per_unit * values[p.column];
        if usd != 0.0 {
            paid[p.t] += usd;
            *by_payee.entry((p.t, p.payee)).or_default() += usd;
        }
    }
    let mut earned = vec![0.0; sc.periods];
    for (t, j, r) in revenue_terms(sc, lp) {
        earned[t] += r * values[j];
    }
    let mut cash = m.opening_cash;
    let mut months = Vec::with_capacity(sc.periods);
    let mut peak: Option<(usize, f64)> = None;
    let mut funding_cost = 0.0;
    for t in 0..sc.periods {
        let revenue = m.flow(t, FlowKind::Revenue) + earned[t];
        let funding = m.flow(t, FlowKind::Funding);
        let expense = m.flow(t, FlowKind::Expense);
        cash += revenue + funding - expense - paid[t];
        let need = (m.min_cash_usd - cash).max(0.0);
        if need > 0.0 && peak.is_none_or(|(_, p)| need > p) {
            peak = Some((t, need));
        }
        if let Some(rate) = m.funding_rate {
            funding_cost += sc.discount_factor(t) * rate / 12.0 * need;
        }
        months.push(CashMonth {
            t,
            revenue,
            workload_revenue: earned[t],
            funding,
            expense,
            paid: paid[t],
            cash,
            funding_need: need,
        });
    }
    CashLedger {
        opening_cash: m.opening_cash,
        min_cash_usd: m.min_cash_usd,
        months,
        payments: by_payee
            .into_iter()
            .map(|((t, payee), usd)| Payment { t, payee, usd })
            .collect(),
        peak,
        funding_cost_pv_usd: funding_cost,
    }
}
