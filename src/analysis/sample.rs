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

/// The scenario with sample `index`'s demand.
pub fn scenario(sc: &Scenario, seed: u64, index: u64) -> Scenario {
    let mut s = sc.clone();
    s.demand = demand(sc, seed, index);
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
