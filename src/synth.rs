//! `capplan synth`: synthetic scenario folders of a given size, valid input with every family
//! (tranches and cost curves, perf overrides, annual take-or-pay contracts, power envelopes,
//! forbid and first_on share rules), for benchmarks. The shape follows the perf study's
//! planner-shaped LP: months x workloads x providers x regions x SKUs, with ~20% of SKU-workload
//! pairs unsuitable, ~15% of workload-provider pairs forbidden and ~20% of SKUs missing per region.

use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Size {
    S,
    M,
    L,
    Xl,
}

impl Size {
    /// months, workloads, providers, regions per provider, SKUs.
    pub fn shape(self) -> (usize, usize, usize, usize, usize) {
        match self {
            Size::S => (12, 4, 4, 2, 3),
            Size::M => (36, 8, 5, 4, 6),
            Size::L => (86, 10, 6, 6, 8),
            Size::Xl => (120, 20, 8, 8, 12),
        }
    }
}

/// splitmix64: tiny, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }

    /// Uniform in [a, b).
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.uniform(0.0, 1.0) < p
    }
}

fn month(start_year: i32, t: usize) -> String {
    let m = start_year * 12 + t as i32;
    format!("{:04}-{:02}", m / 12, m % 12 + 1)
}

/// Writes the scenario folder `out` (created if needed), file by file (benchmarks; the command
/// line goes through the guarded report writer with [`files`]).
pub fn write(size: Size, seed: u64, out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    for (name, text) in files(size, seed) {
        std::fs::write(out.join(name), text)?;
    }
    Ok(())
}

/// The scenario's files, as (name, bytes).
pub fn files(size: Size, seed: u64) -> Vec<(&'static str, Vec<u8>)> {
    let (periods, nw, nv, nr, ns) = size.shape();
    let mut rng = Rng(seed ^ 0x5eed_cafe);
    let start = 2026;
    let m = |t| month(start, t);
    let years = periods.div_ceil(12);

    let mut settings = String::from("key,value\n");
    let _ = writeln!(
        settings,
        "horizon_start,{}\nhorizon_end,{}\ndiscount_rate,0.08",
        m(0),
        m(periods - 1)
    );

    let mut providers = String::from("provider,name\n");
    for v in 0..nv {
        let _ = writeln!(providers, "p{v},Provider {v}");
    }
    // SKUs: power and a base price per unit-hour that rises with performance.
    let mut skus = String::from("sku,resource,power_kw,perf\n");
    let mut sku_price = Vec::new();
    let mut sku_kw = Vec::new();
    for s in 0..ns {
        let perf = 1.0 + 0.5 * s as f64;
        let kw = 0.7 + 0.25 * s as f64;
        sku_price.push(perf * rng.uniform(1.6, 2.4));
        sku_kw.push(kw);
        let _ = writeln!(skus, "s{s},gpu,{kw:.3},{perf:.2}");
    }
    // Workloads: all GPU, each with an unmet penalty well above any price (always feasible).
    let mut workloads = String::from("workload,resource,unmet_usd_per_unit_hour\n");
    let mut base = Vec::new();
    for w in 0..nw {
        let _ = writeln!(workloads, "w{w},gpu,{:.2}", rng.uniform(30.0, 60.0));
        base.push(rng.uniform(2_000.0, 20_000.0));
    }
    let mut demand = String::from("period,workload,quantity,sigma\n");
    let mut total_by_t = vec![0.0; periods];
    for w in 0..nw {
        let growth = rng.uniform(0.005, 0.03);
        for (t, total) in total_by_t.iter_mut().enumerate() {
            let q = (base[w] * (1.0 + growth).powi(t as i32) * rng.uniform(0.95, 1.05)).round();
            *total += q;
            let _ = writeln!(demand, "{},w{w},{q},0.1", m(t));
        }
    }
    // perf.csv: ~20% of SKU-workload pairs cannot serve; others vary around the SKU's perf.
    let mut perf = String::from("workload,sku,perf\n");
    for w in 0..nw {
        for s in 0..ns {
            if rng.chance(0.2) && s > 0 {
                let _ = writeln!(perf, "w{w},s{s},0");
            } else if rng.chance(0.5) {
                let _ = writeln!(
                    perf,
                    "w{w},s{s},{:.2}",
                    (1.0 + 0.5 * s as f64) * rng.uniform(0.8, 1.2)
                );
            }
        }
    }
    // Offers: ~80% of SKUs in each region, one tranche over the horizon, 20% with a dearer second
    // tranche (a cost curve). Capacity per month ~1.05x total demand in demand units, spread out.
    let offered: Vec<(usize, usize, usize)> = (0..nv)
        .flat_map(|v| (0..nr).flat_map(move |r| (0..ns).map(move |s| (v, r, s))))
        .filter(|_| rng.chance(0.8))
        .collect();
    let peak = total_by_t.iter().copied().fold(0.0, f64::max);
    let per_group = 1.05 * peak / offered.len().max(1) as f64;
    let mut offers = String::from("provider,region,sku,from,to,max_units,usd_per_unit_hour\n");
    let mut region_kw = vec![0.0; nv * nr];
    for &(v, r, s) in &offered {
        let perf_s = 1.0 + 0.5 * s as f64;
        let units = (per_group / perf_s * rng.uniform(0.6, 1.4))
            .round()
            .max(1.0);
        let price = sku_price[s] * rng.uniform(0.8, 1.25);
        let _ = writeln!(offers, "p{v},r{r},s{s},,,{units},{price:.4}");
        region_kw[v * nr + r] += units * sku_kw[s];
        if rng.chance(0.2) {
            let extra = (units * 0.5).round().max(1.0);
            let _ = writeln!(offers, "p{v},r{r},s{s},,,{extra},{:.4}", price * 1.35);
            region_kw[v * nr + r] += extra * sku_kw[s];
        }
    }
    // Power: 80% of what the region's tranches would draw at full use.
    let mut power = String::from("provider,region,from,to,max_mw\n");
    for v in 0..nv {
        for r in 0..nr {
            let kw = region_kw[v * nr + r];
            if kw > 0.0 {
                let _ = writeln!(power, "p{v},r{r},,,{:.4}", 0.8 * kw / 1000.0);
            }
        }
    }
    // Contracts: one annual take-or-pay per provider and calendar year of the horizon, committing
    // 40-90% of what a fair share of demand would spend there.
    let mut contracts = String::from("contract,provider,from,to,commit_usd,discount_pct\n");
    let avg_price = sku_price.iter().sum::<f64>() / ns as f64 / 2.0;
    for v in 0..nv {
        for y in 0..years {
            let (a, b) = (12 * y, (12 * y + 11).min(periods - 1));
            let spend: f64 = total_by_t[a..=b].iter().sum::<f64>() / nv as f64 * avg_price * 730.0;
            let _ = writeln!(
                contracts,
                "c{v}y{y},p{v},{},{},{:.0},{:.1}",
                m(a),
                m(b),
                spend * rng.uniform(0.4, 0.9),
                rng.uniform(0.0, 20.0)
            );
        }
    }
    // Rules: ~15% of workload-provider pairs forbidden; every fourth workload first_on its preferred
    // provider for at least half its served demand.
    let mut rules = String::from("rule,kind,workload,provider,from,to,share,mode\n");
    for w in 0..nw {
        for v in 0..nv {
            if rng.chance(0.15) && v != w % nv {
                let _ = writeln!(rules, "forbid-w{w}-p{v},forbid,w{w},p{v},,,,");
            }
        }
        if w % 4 == 1 {
            let _ = writeln!(rules, "first-w{w},first_on,w{w},p{},,,0.5,share", w % nv);
        }
    }
    [
        ("settings.csv", settings),
        ("providers.csv", providers),
        ("skus.csv", skus),
        ("workloads.csv", workloads),
        ("demand.csv", demand),
        ("perf.csv", perf),
        ("offers.csv", offers),
        ("power.csv", power),
        ("contracts.csv", contracts),
        ("rules.csv", rules),
    ]
    .into_iter()
    .map(|(name, text)| (name, text.into_bytes()))
    .collect()
}
