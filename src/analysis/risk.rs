//! Risk statistics over sampled plans: percentiles and probabilities per contract, per workload
//! and for the total cost. Percentiles interpolate linearly between order statistics (type 7).

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
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskRow {
    /// `contract`, `workload` or `total`.
    pub scope: &'static str,
    pub id: String,
    pub measure: &'static str,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub mean: f64,
    /// Probability of a shortfall (contracts), of unmet demand (workloads), or of an infeasible
    /// sample (total); `None` where it means nothing.
    pub probability: Option<f64>,
    /// Samples the statistics are over.
    pub samples: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub seed: u64,
    pub samples: usize,
    pub persistence: f64,
    pub workloads: Vec<String>,
    pub rows: Vec<RiskRow>,
    pub outcomes: Vec<SampleOutcome>,
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
        scope,
        id: id.to_string(),
        measure,
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
    }
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
