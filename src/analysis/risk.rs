//! Risk statistics over sampled plans: percentiles and probabilities per contract, per workload
//! and for the total cost. Percentiles interpolate linearly between order statistics (type 7).

use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// What one sampled plan came to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SampleOutcome {
    pub index: u64,
    /// Present-value objective; `None` when the sample's hard demand cannot be met.
    pub cost_pv_usd: Option<f64>,
    /// Per contract, nominal.
    pub spend_usd: Vec<f64>,
    pub shortfall_usd: Vec<f64>,
    /// Per workload, demand-unit-months unmet over the horizon (for an infeasible sample: the
    /// least hard shortfall, from the elastic re-solve).
    pub unmet_units: Vec<f64>,
    /// Month-end cash of the sample's plan (nominal); empty when not computed (infeasible, commit).
    #[serde(default)]
    pub cash_usd: Vec<f64>,
    /// Nominal spend per provider and month, `provider * periods + t` (for the fan charts; kept
    /// in shard parts so a merge draws the same fans).
    #[serde(default)]
    pub provider_month_usd: Vec<f64>,
}

/// P10, median and P90 of one monthly quantity over the feasible samples.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fan {
    pub name: String,
    pub p10: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
    /// The commitment a burn fan is drawn against.
    pub limit: Option<f64>,
}

/// The fan charts of a study: monthly spend per provider, cumulative burn per contract.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fans {
    pub spend_by_provider: Vec<Fan>,
    pub burn_by_contract: Vec<Fan>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RiskRow {
    /// `contract`, `workload` or `total`.
    pub scope: String,
    pub id: String,
    pub measure: String,
    #[serde(with = "crate::report::plan_json::nan_as_null")]
    pub p10: f64,
    #[serde(with = "crate::report::plan_json::nan_as_null")]
    pub p50: f64,
    #[serde(with = "crate::report::plan_json::nan_as_null")]
    pub p90: f64,
    #[serde(with = "crate::report::plan_json::nan_as_null")]
    pub mean: f64,
    /// Probability of a shortfall (contracts), of unmet demand (workloads), or of an infeasible
    /// sample (total); `None` where it means nothing.
    pub probability: Option<f64>,
    /// Samples the statistics are over.
    pub samples: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Risk {
    pub seed: u64,
    pub samples: usize,
    pub persistence: f64,
    pub workloads: Vec<String>,
    pub rows: Vec<RiskRow>,
    pub outcomes: Vec<SampleOutcome>,
    /// Per month, P10 / P50 / P90 of month-end cash over the samples with a plan (empty without).
    #[serde(default)]
    pub cash_fan: Vec<[f64; 3]>,
    /// Set by [`fans`] where the outcomes carry monthly spend.
    #[serde(default)]
    pub fans: Option<Fans>,
}

/// Fan charts over the feasible samples: each provider's monthly spend, and each contract's
/// cumulative spend inside its window against `contracts[c].1` (its commitment in this study).
pub fn fans(
    sc: &Scenario,
    contracts: &[(String, f64)],
    outcomes: &[SampleOutcome],
) -> Option<Fans> {
    let n = sc.periods;
    let feasible: Vec<&SampleOutcome> = outcomes
        .iter()
        .filter(|o| o.cost_pv_usd.is_some() && o.provider_month_usd.len() == sc.providers.len() * n)
        .collect();
    if feasible.is_empty() {
        return None;
    }
    let fan = |name: String, per_sample: Vec<Vec<f64>>, limit: Option<f64>| {
        let at = |q: f64| {
            (0..n)
                .map(|t| quantile(&per_sample.iter().map(|v| v[t]).collect::<Vec<_>>(), q) + 0.0)
                .collect()
        };
        Fan {
            name,
            p10: at(0.1),
            p50: at(0.5),
            p90: at(0.9),
            limit,
        }
    };
    let monthly = |o: &SampleOutcome, p: usize| o.provider_month_usd[p * n..(p + 1) * n].to_vec();
    let spend_by_provider = sc
        .providers
        .iter()
        .enumerate()
        .filter(|(p, _)| {
            feasible
                .iter()
                .any(|o| monthly(o, *p).iter().any(|v| *v != 0.0))
        })
        .map(|(p, prov)| {
            fan(
                prov.id.clone(),
                feasible.iter().map(|o| monthly(o, p)).collect(),
                None,
            )
        })
        .collect();
    let burn_by_contract = sc
        .contracts
        .iter()
        .enumerate()
        .map(|(c, k)| {
            let burns = feasible
                .iter()
                .map(|o| {
                    let spend = monthly(o, k.provider.0);
                    let mut total = 0.0;
                    (0..n)
                        .map(|t| {
                            if k.window.contains(t) {
                                total += spend[t];
                            }
                            total
                        })
                        .collect()
                })
                .collect();
            fan(k.id.clone(), burns, contracts.get(c).map(|x| x.1))
        })
        .collect();
    Some(Fans {
        spend_by_provider,
        burn_by_contract,
    })
}

/// Linear interpolation between order statistics (type 7); `NaN` for no values.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

fn row(
    scope: &'static str,
    id: &str,
    measure: &'static str,
    values: &[f64],
    probability: Option<f64>,
) -> RiskRow {
    let mean = if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    };
    RiskRow {
        scope: scope.into(),
        id: id.to_string(),
        measure: measure.into(),
        p10: quantile(values, 0.1),
        p50: quantile(values, 0.5),
        p90: quantile(values, 0.9),
        mean,
        probability,
        samples: values.len(),
    }
}

/// Below this fraction of a commitment (or of a unit) a shortfall or unmet amount is solver noise.
const NOISE: f64 = 1e-6;

pub fn summarise(
    contracts: &[(String, f64)],
    workloads: &[String],
    outcomes: Vec<SampleOutcome>,
    seed: u64,
    persistence: f64,
) -> Risk {
    let feasible: Vec<&SampleOutcome> = outcomes
        .iter()
        .filter(|o| o.cost_pv_usd.is_some())
        .collect();
    let n = outcomes.len();
    let mut rows = Vec::new();
    for (c, (id, commit)) in contracts.iter().enumerate() {
        let spend: Vec<f64> = feasible.iter().map(|o| o.spend_usd[c]).collect();
        let short: Vec<f64> = feasible.iter().map(|o| o.shortfall_usd[c]).collect();
        let any = short
            .iter()
            .filter(|s| **s > NOISE * commit.max(1.0))
            .count();
        rows.push(row("contract", id, "spend_usd", &spend, None));
        let p = (!short.is_empty()).then(|| any as f64 / short.len() as f64);
        rows.push(row("contract", id, "shortfall_usd", &short, p));
    }
    for (w, id) in workloads.iter().enumerate() {
        let unmet: Vec<f64> = outcomes.iter().map(|o| o.unmet_units[w]).collect();
        let any = unmet.iter().filter(|u| **u > NOISE).count();
        rows.push(row(
            "workload",
            id,
            "unmet_units",
            &unmet,
            (n > 0).then(|| any as f64 / n as f64),
        ));
    }
    let cost: Vec<f64> = feasible.iter().filter_map(|o| o.cost_pv_usd).collect();
    let infeasible = n - feasible.len();
    rows.push(row(
        "total",
        "plan",
        "cost_pv_usd",
        &cost,
        (n > 0).then(|| infeasible as f64 / n as f64),
    ));
    Risk {
        seed,
        samples: n,
        persistence,
        workloads: workloads.to_vec(),
        rows,
        outcomes,
        cash_fan: Vec::new(),
        fans: None,
    }
}

/// Adds the money rows: P10/P50/P90 of the peak funding need (`max(0, min_cash - cash)`) with the
/// probability of any need, and per conditional tranche `(label, usd)` the month (months after the
/// horizon start; `periods` when never) by which the need exceeds it, with the probability that it
/// does within the horizon. Also the fan of month-end cash.
pub fn add_cash(risk: &mut Risk, min_cash: f64, tranches: &[(String, f64)], periods: usize) {
    let paths: Vec<&Vec<f64>> = risk
        .outcomes
        .iter()
        .filter(|o| o.cost_pv_usd.is_some() && !o.cash_usd.is_empty())
        .map(|o| &o.cash_usd)
        .collect();
    if paths.is_empty() {
        return;
    }
    let need = |path: &Vec<f64>, t: usize| (min_cash - path[t]).max(0.0);
    let peaks: Vec<f64> = paths
        .iter()
        .map(|p| (0..p.len()).map(|t| need(p, t)).fold(0.0, f64::max))
        .collect();
    let any = peaks.iter().filter(|p| **p > 0.005).count();
    let n = paths.len() as f64;
    risk.rows.push(row(
        "cash",
        "plan",
        "peak_funding_need_usd",
        &peaks,
        Some(any as f64 / n),
    ));
    for (label, usd) in tranches {
        let months: Vec<f64> = paths
            .iter()
            .map(|p| {
                (0..p.len())
                    .position(|t| need(p, t) > usd * (1.0 + 1e-9))
                    .unwrap_or(periods) as f64
            })
            .collect();
        let within = months.iter().filter(|m| **m < periods as f64).count();
        risk.rows.push(row(
            "tranche",
            label,
            "months_until_need_exceeds",
            &months,
            Some(within as f64 / n),
        ));
    }
    risk.cash_fan = (0..periods)
        .map(|t| {
            let v: Vec<f64> = paths.iter().map(|p| p[t]).collect();
            [quantile(&v, 0.1), quantile(&v, 0.5), quantile(&v, 0.9)]
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert!((quantile(&v, 0.5) - 5.5).abs() < 1e-12);
        assert!((quantile(&v, 0.1) - 1.9).abs() < 1e-12);
        assert!((quantile(&v, 0.9) - 9.1).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(quantile(&[3.0], 0.9), 3.0);
    }
}
