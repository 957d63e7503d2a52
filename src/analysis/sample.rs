//! Demand samples for uncertainty studies. A `demand.csv` row's `sigma` is the spread of a
//! log-normal around its quantity, mean preserved: `d * exp(sigma * z - sigma^2 / 2)` with `z`
//! standard normal. `z` is split between one shock per workload that lasts the whole horizon
//! (growth is faster or slower) and independent monthly noise:
//! `z = sqrt(rho) * z_workload + sqrt(1 - rho) * e_month`, `rho` = `demand_shock_persistence`
//! (settings.csv, default 0.8). Each sample has its own seeded ChaCha stream, so sample `i` is the
//! same whatever the number of threads or samples.

use crate::scenario::Scenario;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::Normal;

/// Demand units `[workload * periods + t]` of sample `index` of the study seeded with `seed`.
pub fn demand(sc: &Scenario, seed: u64, index: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let normal = Normal::new(0.0, 1.0).expect("standard normal");
    let rho = sc.demand_shock_persistence.clamp(0.0, 1.0);
    let (a, b) = (rho.sqrt(), (1.0 - rho).sqrt());
    let mut out = sc.demand.clone();
    for w in 0..sc.workloads.len() {
        // Every draw is made whatever sigma is, so one workload's sigma never shifts another's draws.
        let shock: f64 = rng.sample(normal);
        for t in 0..sc.periods {
            let noise: f64 = rng.sample(normal);
            let k = w * sc.periods + t;
            let sigma = sc.sigma[k];
            if sigma > 0.0 {
                let z = a * shock + b * noise;
                out[k] = sc.demand[k] * (sigma * z - sigma * sigma / 2.0).exp();
            }
        }
    }
    out
}

/// The scenario with sample `index`'s demand and finance.csv amounts. Finance rows with a `sigma`
/// are log-normal around their amount (mean preserved), one independent draw per row (and the
/// opening cash), drawn after the demand draws from the same stream: demand samples are the same
/// with or without finance rows. Revenue of served demand follows the sample's plan.
pub fn scenario(sc: &Scenario, seed: u64, index: u64) -> Scenario {
    let mut s = sc.clone();
    s.demand = demand(sc, seed, index);
    let money = &sc.money;
    if money.opening_sigma > 0.0 || money.flows.iter().any(|f| f.sigma > 0.0) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(index);
        let normal = Normal::new(0.0, 1.0).expect("standard normal");
        for _ in 0..sc.workloads.len() * (1 + sc.periods) {
            let _: f64 = rng.sample(normal); // the demand draws
        }
        let draw = |rng: &mut ChaCha8Rng, usd: f64, sigma: f64| {
            let z: f64 = rng.sample(normal);
            if sigma > 0.0 {
                usd * (sigma * z - sigma * sigma / 2.0).exp()
            } else {
                usd
            }
        };
        s.money.opening_cash = draw(&mut rng, money.opening_cash, money.opening_sigma);
        for (f, g) in s.money.flows.iter_mut().zip(&money.flows) {
            f.usd = draw(&mut rng, g.usd, g.sigma);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_draws_are_reproducible_per_stream() {
        let draw = |stream| {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            rng.set_stream(stream);
            let n = Normal::new(0.0, 1.0).unwrap();
            (0..3).map(|_| rng.sample(n)).collect::<Vec<f64>>()
        };
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
    }
}
