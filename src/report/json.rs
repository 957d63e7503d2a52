//! `summary.json`: the totals of SPEC plus the plan's context, for other tools.

use super::metrics::Metrics;
use serde_json::json;

pub fn summary(m: &Metrics) -> Vec<u8> {
    let t = &m.totals;
    // `+ 0.0` turns a -0.0 from the solver into 0.0.
    let z = |v: f64| v + 0.0;
    let v = json!({
        "status": "optimal",
        "objective_usd": z(t.objective_usd),
        "bound_usd": z(t.bound_usd),
        "gap_pct": z(t.gap_pct),
        "lots": m.lots_mode,
        "usage_usd": z(t.usage_usd),
        "shortfall_usd": z(t.shortfall_usd),
        "unmet_units": z(t.unmet_units),
        "unmet_penalty_usd": z(t.unmet_penalty_usd),
        "objective_breakdown_pv_usd": {
            "usage": z(t.usage_pv_usd),
            "shortfall": z(t.shortfall_pv_usd),
            "unmet": z(t.unmet_pv_usd),
            "funding": z(t.funding_pv_usd),
        },
        "peak_funding_need_usd": z(m.cash.peak_funding_need_usd),
        "peak_funding_need_period": m.cash.peak_funding_need_period,
        "cash": {
            "opening_cash_usd": z(m.cash.opening_cash_usd),
            "min_cash_usd": z(m.cash.min_cash_usd),
            "funding_rate": m.cash.funding_rate,
            "paid_usd": z(m.cash.total_paid_usd),
            "revenue_usd": z(m.cash.total_revenue_usd),
            "closing_cash_usd": m.cash.rows.last().map(|r| z(r.cash)),
            "drivers": m.cash.drivers.iter().map(|d| json!({
                "commitment": d.commitment, "provider": d.provider, "paid_usd": z(d.paid_usd),
            })).collect::<Vec<_>>(),
            "conditional_tranches": m.cash.conditional_tranches.iter().map(|c| json!({
                "label": c.label, "period": c.period, "usd": c.usd, "need_exceeds_it_in": c.need_exceeds_it_in,
            })).collect::<Vec<_>>(),
        },
        "scenario": m.scenario,
        "horizon_start": m.horizon_start,
        "horizon_end": m.horizon_end,
        "periods": m.periods,
        "discount_rate": m.discount_rate,
        "hours_per_month": m.hours_per_month,
        "priority_served_units": m.priority_served_units,
        "solver": m.solver,
        "solver_note": m.solver_note,
        "warnings": m.warnings,
        "model": { "variables": m.variables, "rows": m.rows, "nonzeros": m.nonzeros },
        "commitment_after_horizon_usd": z(t.commitment_after_horizon_usd),
        "reservations": m.reservations.iter().map(|r| json!({
            "option": r.option,
            "sign_by": r.sign_by,
            "start": r.start,
            "end": r.end,
            "lots": z(r.lots),
            "units": z(r.units),
        })).collect::<Vec<_>>(),
        "contracts": m.contracts.iter().map(|c| json!({
            "contract": c.contract,
            "provider": c.provider,
            "commit_usd": c.commit_usd,
            "spend_usd": c.spend_usd,
            "shortfall_usd": c.shortfall_usd,
            "utilization": c.utilization,
            "owed_usd": c.owed_usd,
        })).collect::<Vec<_>>(),
        "minimums": m.minimums.iter().map(|r| json!({
            "contract": r.contract,
            "from": r.from,
            "to": r.to,
            "min_usd": r.min_usd,
            "owed_usd": r.owed_usd,
            "burn_usd": r.burn_usd,
            "shortfall_usd": r.shortfall_usd,
        })).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_vec_pretty(&v).expect("json of plain values");
    out.push(b'\n');
    out
}
