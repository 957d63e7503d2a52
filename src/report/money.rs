//! The cash figures of a plan (SPEC v2 "Money"): the ledger by month, the peak funding need, the
//! commitments that drive it, conditional tranches, and what one more dollar is worth each month.
//! Computed once from the solution's ledger; `cash.csv`, summary.md/json, report.html, plan.json
//! and `diff` render these.

use super::format::{pct, usd};
use crate::model::families::cash::Payee;
use crate::model::RowName;
use crate::scenario::Scenario;
use crate::solution::Solution;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CashRow {
    pub period: String,
    pub revenue: f64,
    /// Of `revenue`, what served demand earned.
    pub workload_revenue: f64,
    pub funding: f64,
    pub expense: f64,
    pub paid: f64,
    pub cash: f64,
    pub funding_need: f64,
    /// With `funding_rate`: present-value cost saved by one more dollar arriving this month (the
    /// cash row's dual).
    pub dollar_worth_pv_usd: Option<f64>,
}

/// Paid in one month to one commitment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentRow {
    pub period: String,
    /// The contract id, or `PROVIDER (no contract)`.
    pub commitment: String,
    pub provider: String,
    pub contract: Option<String>,
    /// `usage` or `shortfall`.
    pub kind: String,
    pub usd: f64,
}

/// A commitment and what it was paid up to the month of the peak funding need.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Driver {
    pub commitment: String,
    pub provider: String,
    pub paid_usd: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tranche {
    pub label: String,
    pub period: String,
    pub usd: f64,
    /// First month whose funding need exceeds the tranche: it would no longer cover the gap.
    pub need_exceeds_it_in: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CashReport {
    /// Whether the scenario has finance.csv, workload revenue or a cash setting.
    pub declared: bool,
    pub opening_cash_usd: f64,
    pub min_cash_usd: f64,
    pub funding_rate: Option<f64>,
    pub peak_funding_need_usd: f64,
    pub peak_funding_need_period: Option<String>,
    /// The objective's funding term, present value (0 without a rate).
    pub funding_cost_pv_usd: f64,
    pub total_paid_usd: f64,
    pub total_revenue_usd: f64,
    /// The three commitments paid the most up to the peak month (to the horizon's end without a need).
    pub drivers: Vec<Driver>,
    pub conditional_tranches: Vec<Tranche>,
    pub rows: Vec<CashRow>,
    pub payments: Vec<PaymentRow>,
}

/// `(commitment, provider, contract, kind)` of a payee.
pub fn payee_names(sc: &Scenario, p: &Payee) -> (String, String, Option<String>, &'static str) {
    match *p {
        Payee::Usage { provider, contract } => {
            let prov = sc.providers[provider.0].id.clone();
            match contract {
                Some(c) => (
                    sc.contracts[c.0].id.clone(),
                    prov,
                    Some(sc.contracts[c.0].id.clone()),
                    "usage",
                ),
                None => (format!("{prov} (no contract)"), prov, None, "usage"),
            }
        }
        Payee::Shortfall { contract } => {
            let c = &sc.contracts[contract.0];
            (
                c.id.clone(),
                sc.providers[c.provider.0].id.clone(),
                Some(c.id.clone()),
                "shortfall",
            )
        }
    }
}

/// First month whose need exceeds `usd`, in `rows`' order.
pub fn first_month_above(needs: &[f64], usd: f64) -> Option<usize> {
    needs
        .iter()
        .position(|n| *n > usd * (1.0 + 1e-9) && *n > 0.0)
}

pub fn compute(sc: &Scenario, sol: &Solution) -> CashReport {
    let l = &sol.cash;
    let month = |t: usize| sc.month(t).to_string();
    let mut worth = vec![None; sc.periods];
    for r in &sol.rows {
        if let RowName::Cash { t } = r.name {
            worth[t] = r.dual.map(|d| -d + 0.0);
        }
    }
    let rows: Vec<CashRow> = l
        .months
        .iter()
        .map(|c| CashRow {
            period: month(c.t),
            revenue: c.revenue,
            workload_revenue: c.workload_revenue,
            funding: c.funding,
            expense: c.expense,
            paid: c.paid,
            cash: c.cash,
            funding_need: c.funding_need,
            dollar_worth_pv_usd: worth[c.t],
        })
        .collect();
    let payments: Vec<PaymentRow> = l
        .payments
        .iter()
        .map(|p| {
            let (commitment, provider, contract, kind) = payee_names(sc, &p.payee);
            PaymentRow {
                period: month(p.t),
                commitment,
                provider,
                contract,
                kind: kind.into(),
                usd: p.usd,
            }
        })
        .collect();
    let through = l.peak.map(|p| p.0).unwrap_or(sc.periods.saturating_sub(1));
    let mut by_commitment: BTreeMap<(String, String), f64> = BTreeMap::new();
    for p in l.payments.iter().filter(|p| p.t <= through) {
        let (commitment, provider, _, _) = payee_names(sc, &p.payee);
        *by_commitment.entry((commitment, provider)).or_default() += p.usd;
    }
    let mut drivers: Vec<Driver> = by_commitment
        .into_iter()
        .map(|((commitment, provider), paid_usd)| Driver {
            commitment,
            provider,
            paid_usd,
        })
        .filter(|d| d.paid_usd > 0.0)
        .collect();
    drivers.sort_by(|a, b| {
        b.paid_usd
            .total_cmp(&a.paid_usd)
            .then(a.commitment.cmp(&b.commitment))
    });
    drivers.truncate(3);
    let needs: Vec<f64> = l.months.iter().map(|c| c.funding_need).collect();
    let conditional_tranches = sc
        .money
        .conditional_tranches()
        .map(|f| Tranche {
            label: f.name(),
            period: month(f.t),
            usd: f.usd,
            need_exceeds_it_in: first_month_above(&needs, f.usd).map(month),
        })
        .collect();
    CashReport {
        declared: sc.money.declared,
        opening_cash_usd: l.opening_cash,
        min_cash_usd: l.min_cash_usd,
        funding_rate: sc.money.funding_rate,
        peak_funding_need_usd: l.peak_need(),
        peak_funding_need_period: l.peak.map(|p| month(p.0)),
        funding_cost_pv_usd: l.funding_cost_pv_usd,
        total_paid_usd: l.months.iter().map(|c| c.paid).sum(),
        total_revenue_usd: l.months.iter().map(|c| c.revenue).sum(),
        drivers,
        conditional_tranches,
        rows,
        payments,
    }
}

/// The memo's opening answer: peak funding need, its month, and the three commitments behind it.
pub fn headline(c: &CashReport) -> String {
    let mut s = String::new();
    match &c.peak_funding_need_period {
        Some(p) => {
            let _ = writeln!(
                s,
                "**Peak funding need: {} in {p}** (cash below the {} minimum; money to raise by then).\n",
                usd(c.peak_funding_need_usd),
                usd(c.min_cash_usd)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "**Peak funding need: none**: cash stays at or above the {} minimum in every month.\n",
                usd(c.min_cash_usd)
            );
        }
    }
    if !c.drivers.is_empty() {
        let by = match &c.peak_funding_need_period {
            Some(p) => format!("paid up to {p}"),
            None => "paid over the horizon".into(),
        };
        let list: Vec<String> = c
            .drivers
            .iter()
            .map(|d| {
                if d.commitment.ends_with("(no contract)") {
                    format!("{} {}", d.commitment, usd(d.paid_usd))
                } else {
                    format!("{} ({}, {})", d.commitment, d.provider, usd(d.paid_usd))
                }
            })
            .collect();
        let _ = writeln!(
            s,
            "Commitments that drive it ({by}): {}.\n",
            list.join("; ")
        );
    }
    s
}

/// The memo's cash section: the ledger by year and the conditional tranches.
pub fn section(s: &mut String, c: &CashReport, years: &[(i32, Vec<&CashRow>)]) {
    let _ = writeln!(s, "## Cash ledger (nominal)\n");
    let _ = writeln!(
        s,
        "Opening cash {}; minimum cash {}; {}. Cash moves each month by revenue + funding - expense - paid \
         (paid = compute spend after discounts + shortfalls paid that month); `cash.csv` has every month.\n",
        usd(c.opening_cash_usd),
        usd(c.min_cash_usd),
        match c.funding_rate {
            Some(r) => format!(
                "funding rate {} a year, so the need is in the model (its interest costs {} in present value)",
                pct(r),
                usd(c.funding_cost_pv_usd)
            ),
            None => "no funding rate, so the ledger reports on the cost-optimal plan".into(),
        }
    );
    let _ = writeln!(
        s,
        "| year | revenue | funding | expense | paid | cash at year end | largest funding need |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (y, rows) in years {
        let sum = |f: fn(&CashRow) -> f64| rows.iter().map(|r| f(r)).sum::<f64>();
        let end = rows.last().map(|r| r.cash).unwrap_or(0.0);
        let need = rows.iter().map(|r| r.funding_need).fold(0.0, f64::max);
        let _ = writeln!(
            s,
            "| {y} | {} | {} | {} | {} | {} | {} |",
            usd(sum(|r| r.revenue)),
            usd(sum(|r| r.funding)),
            usd(sum(|r| r.expense)),
            usd(sum(|r| r.paid)),
            usd(end),
            usd(need)
        );
    }
    s.push('\n');
    if !c.conditional_tranches.is_empty() {
        let _ = writeln!(
            s,
            "Conditional funding (kept out of the ledger until its conditions are met):\n"
        );
        for t in &c.conditional_tranches {
            let when = match &t.need_exceeds_it_in {
                Some(m) => format!("the funding need exceeds it in {m}"),
                None => "the funding need never exceeds it".into(),
            };
            let _ = writeln!(
                s,
                "- {} ({}, expected {}): {when}",
                t.label,
                usd(t.usd),
                t.period
            );
        }
        s.push('\n');
    }
}

/// Rows grouped by calendar year (the period's first four characters).
pub fn by_year(c: &CashReport) -> Vec<(i32, Vec<&CashRow>)> {
    let mut out: Vec<(i32, Vec<&CashRow>)> = Vec::new();
    for r in &c.rows {
        let y: i32 = r.period[..4].parse().unwrap_or(0);
        match out.last_mut() {
            Some((py, v)) if *py == y => v.push(r),
            _ => out.push((y, vec![r])),
        }
    }
    out
}
