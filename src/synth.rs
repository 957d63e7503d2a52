//! `capplan synth`: synthetic scenario folders of a given size, valid input with every family
//! (tranches and cost curves, perf overrides, annual take-or-pay contracts, power envelopes,
//! forbid and first_on share rules, reservation options), for benchmarks. The shape follows the
//! perf study's planner-shaped LP: months x workloads x providers x regions x SKUs, with ~20% of
//! SKU-workload pairs unsuitable, ~15% of workload-provider pairs forbidden and ~20% of SKUs
//! missing per region.
//!
//! The version-1 files are drawn from one random stream and the version-2 additions
//! (reservations, the [`Options`] shapes) from another, so `--no-reservations` writes exactly the
//! folder the version-1 benchmarks measured. By default every reservation's term lies inside one
//! calendar year, as the contracts do, so the LP still splits into independent years; the options
//! couple the months as signed deals do.

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

/// Version-2 shapes on top of the default folder (issue 15: deals that couple the months).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::Args)]
pub struct Options {
    /// One whole-horizon take-or-pay contract per provider instead of yearly ones.
    #[arg(long)]
    pub coupled: bool,
    /// Reservation terms of 12, 24 or 36 months that cross calendar years (default: terms of 3, 6
    /// or 12 months inside one year).
    #[arg(long)]
    pub long_terms: bool,
    /// A second contract per provider over the second half of the horizon, overlapping the others.
    #[arg(long)]
    pub overlapping: bool,
    /// Take-or-pay minimums (minimums.csv): yearly in contracts longer than a year, half-yearly in
    /// yearly ones.
    #[arg(long)]
    pub minimums: bool,
    /// A cash ledger with a funding rate: finance.csv (opening cash, funding rounds, yearly
    /// expenses), workload revenue, settings funding_rate 0.12.
    #[arg(long)]
    pub finance: bool,
    /// All of --coupled --long-terms --overlapping --minimums --finance.
    #[arg(long)]
    pub v2: bool,
    /// Leave out reservations.csv (the version-1 folder, byte for byte).
    #[arg(long, conflicts_with_all = ["long_terms", "v2"])]
    pub no_reservations: bool,
}

impl Options {
    /// Every flag that `v2` implies, resolved.
    fn resolved(self) -> Options {
        if !self.v2 {
            return self;
        }
        Options {
            coupled: true,
            long_terms: true,
            overlapping: true,
            minimums: true,
            finance: true,
            ..self
        }
    }

    /// The version-2 shape of issue 15: every coupling option on.
    pub fn all() -> Options {
        Options {
            v2: true,
            ..Options::default()
        }
        .resolved()
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

    /// Uniform in 0..n.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn month(start_year: i32, t: usize) -> String {
    let m = start_year * 12 + t as i32;
    format!("{:04}-{:02}", m / 12, m % 12 + 1)
}

/// Writes the scenario folder `out` (created if needed), file by file (benchmarks; the command
/// line goes through the guarded report writer with [`files`]).
pub fn write(size: Size, seed: u64, out: &Path) -> std::io::Result<()> {
    write_with(size, seed, Options::default(), out)
}

/// As [`write`], with version-2 shapes.
pub fn write_with(size: Size, seed: u64, opts: Options, out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    for (name, text) in files_with(size, seed, opts) {
        std::fs::write(out.join(name), text)?;
    }
    Ok(())
}

/// The scenario's files, as (name, bytes).
pub fn files(size: Size, seed: u64) -> Vec<(&'static str, Vec<u8>)> {
    files_with(size, seed, Options::default())
}

/// As [`files`], with version-2 shapes.
pub fn files_with(size: Size, seed: u64, opts: Options) -> Vec<(&'static str, Vec<u8>)> {
    let opts = opts.resolved();
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
    let mut unmet = Vec::new();
    for w in 0..nw {
        unmet.push(rng.uniform(30.0, 60.0));
        let _ = writeln!(workloads, "w{w},gpu,{:.2}", unmet[w]);
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
    // (provider, region, sku, units, price) of each group's first tranche, for the reservations.
    let mut groups = Vec::new();
    for &(v, r, s) in &offered {
        let perf_s = 1.0 + 0.5 * s as f64;
        let units = (per_group / perf_s * rng.uniform(0.6, 1.4))
            .round()
            .max(1.0);
        let price = sku_price[s] * rng.uniform(0.8, 1.25);
        let _ = writeln!(offers, "p{v},r{r},s{s},,,{units},{price:.4}");
        groups.push((v, r, s, units, price));
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
    // With `coupled`, the same draws make one whole-horizon contract per provider: the sum of the
    // yearly commitments at their mean discount.
    let mut contracts = String::from("contract,provider,from,to,commit_usd,discount_pct\n");
    let avg_price = sku_price.iter().sum::<f64>() / ns as f64 / 2.0;
    // (id, first month, last month, commit) of every contract, for minimums.
    let mut signed: Vec<(String, usize, usize, f64)> = Vec::new();
    for v in 0..nv {
        let (mut total, mut discounts) = (0.0, 0.0);
        for y in 0..years {
            let (a, b) = (12 * y, (12 * y + 11).min(periods - 1));
            let spend: f64 = total_by_t[a..=b].iter().sum::<f64>() / nv as f64 * avg_price * 730.0;
            let commit = (spend * rng.uniform(0.4, 0.9)).round();
            let discount = (rng.uniform(0.0, 20.0) * 10.0).round() / 10.0;
            total += commit;
            discounts += discount;
            if !opts.coupled {
                let id = format!("c{v}y{y}");
                let _ = writeln!(
                    contracts,
                    "{id},p{v},{},{},{commit:.0},{discount:.1}",
                    m(a),
                    m(b)
                );
                signed.push((id, a, b, commit));
            }
        }
        if opts.coupled {
            let id = format!("c{v}");
            let discount = discounts / years as f64;
            let _ = writeln!(
                contracts,
                "{id},p{v},{},{},{total:.0},{discount:.1}",
                m(0),
                m(periods - 1)
            );
            signed.push((id, 0, periods - 1, total));
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
    // Version-2 additions, from their own stream so the files above stay as version 1 drew them.
    let mut rng = Rng(seed ^ 0x0a11_0c47_e5e7_5eed);
    let spend_t = |t: usize| total_by_t[t] * avg_price * 730.0;
    let mut extra: Vec<(&'static str, String)> = Vec::new();
    if opts.overlapping {
        // An expansion deal per provider over the second half, overlapping the others.
        for v in 0..nv {
            let a = periods / 2;
            let spend: f64 = (a..periods).map(spend_t).sum::<f64>() / nv as f64;
            let commit = (spend * rng.uniform(0.1, 0.3)).round();
            let id = format!("x{v}");
            let _ = writeln!(
                contracts,
                "{id},p{v},{},{},{commit:.0},{:.1}",
                m(a),
                m(periods - 1),
                rng.uniform(2.0, 10.0)
            );
            signed.push((id, a, periods - 1, commit));
        }
    }
    if opts.minimums {
        // Yearly minimums inside contracts longer than a year, half-yearly inside yearly ones:
        // 30-60% of the commitment's pro-rata share of the window.
        let mut minimums = String::from("contract,from,to,min_usd\n");
        for (id, a, b, commit) in &signed {
            let months = b - a + 1;
            let step = if months > 12 { 12 } else { 6 };
            let mut from = *a;
            while from <= *b {
                let to = (from + step - 1).min(*b);
                let share = (to - from + 1) as f64 / months as f64;
                let min = (commit * share * rng.uniform(0.3, 0.6)).round();
                let _ = writeln!(minimums, "{id},{},{},{min:.0}", m(from), m(to));
                from = to + 1;
            }
        }
        extra.push(("minimums.csv", minimums));
    }
    if !opts.no_reservations {
        extra.push((
            "reservations.csv",
            reservations(&mut rng, &groups, ns, periods, years, opts.long_terms, &m),
        ));
    }
    if opts.finance {
        // Revenue per served unit-hour below the prices (the plan needs funding), an opening
        // balance of two months' spend, a funding round every 18 months covering 60-100% of the
        // next 18 months' spend, and yearly other expenses of 5% of the year's spend.
        workloads =
            String::from("workload,resource,unmet_usd_per_unit_hour,revenue_usd_per_unit_hour\n");
        for (w, u) in unmet.iter().enumerate() {
            let _ = writeln!(workloads, "w{w},gpu,{u:.2},{:.2}", rng.uniform(0.5, 2.0));
        }
        let mut finance = String::from("period,kind,usd,label\n");
        let _ = writeln!(
            finance,
            "{},cash,{:.0},opening balance",
            m(0),
            spend_t(0) * 2.0
        );
        for (k, a) in (0..periods).step_by(18).enumerate() {
            let need: f64 = (a..(a + 18).min(periods)).map(spend_t).sum();
            let _ = writeln!(
                finance,
                "{},funding,{:.0},round {}",
                m(a),
                need * rng.uniform(0.6, 1.0),
                k + 1
            );
        }
        for y in 0..years {
            let a = 12 * y;
            let spend: f64 = (a..(a + 12).min(periods)).map(spend_t).sum();
            let _ = writeln!(finance, "{},expense,{:.0},other costs", m(a), 0.05 * spend);
        }
        let _ = writeln!(settings, "funding_rate,0.12");
        extra.push(("finance.csv", finance));
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
    .chain(extra)
    .map(|(name, text)| (name, text.into_bytes()))
    .collect()
}

/// reservations.csv: two options per provider and calendar year, one on a random offered group
/// and one on the provider's top SKU where it offers it (NVL72-style racks, lot 72), other lots of
/// 8, 16 or 32 units; reserved rates 55-80% of the group's on-demand price, a third with an
/// upfront of 1-3 months' charge (and a rate 10% lower), 70% with `max_lots` sized to 30-90% of
/// the group's tranche, lead times of 0-3 months (0-6 with long terms). Without `long_terms` the
/// start window keeps every term inside its calendar year (the LP splits by year as before).
fn reservations(
    rng: &mut Rng,
    groups: &[(usize, usize, usize, f64, f64)],
    ns: usize,
    periods: usize,
    years: usize,
    long_terms: bool,
    m: &dyn Fn(usize) -> String,
) -> String {
    let mut out = String::from(
        "option,provider,region,sku,from,to,term_months,lead_months,lot_units,max_lots,usd_per_unit_hour,upfront_usd_per_lot\n",
    );
    let providers = groups.iter().map(|g| g.0 + 1).max().unwrap_or(0);
    for v in 0..providers {
        let mine: Vec<_> = groups.iter().filter(|g| g.0 == v).collect();
        let top: Vec<_> = mine.iter().filter(|g| g.2 == ns - 1).collect();
        for y in 0..years {
            for kind in 0..2 {
                let (_, r, s, units, price) = if kind == 0 && !top.is_empty() {
                    **top[rng.below(top.len())]
                } else {
                    *mine[rng.below(mine.len())]
                };
                let lot: usize = if s == ns - 1 {
                    72
                } else {
                    [8, 16, 32][rng.below(3)]
                };
                let (term, lead, from, to) = if long_terms {
                    let term = [12, 24, 36][rng.below(3)];
                    let lead = rng.below(7);
                    let from = 12 * y + rng.below(6);
                    (term, lead, from, from + rng.below(6))
                } else {
                    let term = [3, 6, 12][rng.below(3)];
                    (term, rng.below(4), 12 * y, 12 * y + 12 - term)
                };
                // A start must be signed inside the horizon, and start inside it.
                let (from, to) = (from.max(lead), to.min(periods - 1));
                if from > to {
                    continue;
                }
                let max_lots = if rng.chance(0.7) {
                    format!(
                        "{:.0}",
                        (units * rng.uniform(0.3, 0.9) / lot as f64).ceil().max(1.0)
                    )
                } else {
                    String::new()
                };
                let mut rate = price * rng.uniform(0.55, 0.8);
                let upfront = if rng.chance(1.0 / 3.0) {
                    let months = rng.uniform(1.0, 3.0);
                    rate *= 0.9;
                    format!("{:.0}", rate * lot as f64 * 730.0 * months)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "k{v}y{y}{},p{v},r{r},s{s},{},{},{term},{lead},{lot},{max_lots},{rate:.4},{upfront}",
                    ["a", "b"][kind],
                    m(from),
                    m(to)
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(files: &[(&'static str, Vec<u8>)], name: &str) -> Vec<Vec<String>> {
        let text = files
            .iter()
            .find(|f| f.0 == name)
            .map(|f| String::from_utf8(f.1.clone()).unwrap())
            .unwrap_or_default();
        text.lines()
            .skip(1)
            .map(|l| l.split(',').map(String::from).collect())
            .collect()
    }

    /// Months since 2026-01 of a YYYY-MM.
    fn t(m: &str) -> usize {
        let (y, mo) = m.split_once('-').unwrap();
        (y.parse::<usize>().unwrap() - 2026) * 12 + mo.parse::<usize>().unwrap() - 1
    }

    #[test]
    fn default_reservations_stay_inside_calendar_years_below_on_demand_prices() {
        for size in [Size::S, Size::M, Size::L] {
            let files = files(size, 42);
            let res = file(&files, "reservations.csv");
            let offers = file(&files, "offers.csv");
            let periods = size.shape().0;
            assert!(!res.is_empty());
            assert!(res.iter().any(|r| r[8] == "72"), "an NVL72 option");
            assert!(res.iter().any(|r| !r[11].is_empty()), "an upfront");
            assert!(res.iter().any(|r| !r[9].is_empty()), "a lots limit");
            assert!(res.iter().any(|r| r[7] != "0"), "a lead time");
            for r in &res {
                let (from, to, term, lead) = (
                    t(&r[4]),
                    t(&r[5]),
                    r[6].parse::<usize>().unwrap(),
                    r[7].parse().unwrap(),
                );
                // Every start's term ends in its start's calendar year (the LP splits by year),
                // its sign-by month is in the horizon, and every start is in the horizon.
                assert_eq!(from / 12, (to + term - 1) / 12, "{r:?}");
                assert!(from >= lead && from <= to && to < periods, "{r:?}");
                // Reserved below the first tranche's on-demand price of the same group.
                let price: f64 = offers
                    .iter()
                    .find(|o| o[0] == r[1] && o[1] == r[2] && o[2] == r[3])
                    .map(|o| o[6].parse().unwrap())
                    .unwrap();
                assert!(r[10].parse::<f64>().unwrap() < 0.8 * price + 1e-3, "{r:?}");
            }
        }
    }

    #[test]
    fn coupled_contracts_are_the_yearly_ones_summed_over_the_horizon() {
        let yearly = file(&files(Size::M, 7), "contracts.csv");
        let coupled = file(
            &files_with(
                Size::M,
                7,
                Options {
                    coupled: true,
                    ..Default::default()
                },
            ),
            "contracts.csv",
        );
        assert_eq!(yearly.len(), 5 * 3);
        assert_eq!(coupled.len(), 5);
        for c in &coupled {
            assert_eq!((c[2].as_str(), c[3].as_str()), ("2026-01", "2028-12"));
            let sum: f64 = yearly
                .iter()
                .filter(|y| y[1] == c[1])
                .map(|y| y[4].parse::<f64>().unwrap())
                .sum();
            assert_eq!(c[4].parse::<f64>().unwrap(), sum);
        }
        // The other files are drawn as before.
        let a = files(Size::M, 7);
        let b = files_with(
            Size::M,
            7,
            Options {
                coupled: true,
                ..Default::default()
            },
        );
        for name in ["demand.csv", "offers.csv", "rules.csv", "reservations.csv"] {
            assert_eq!(file(&a, name), file(&b, name), "{name}");
        }
    }

    #[test]
    fn v2_writes_every_coupling_family_and_no_reservations_leaves_them_out() {
        let v2 = files_with(Size::S, 42, Options::all());
        let names: Vec<&str> = v2.iter().map(|f| f.0).collect();
        for name in ["minimums.csv", "finance.csv", "reservations.csv"] {
            assert!(names.contains(&name), "{name}");
        }
        let settings = String::from_utf8(v2[0].1.clone()).unwrap();
        assert!(settings.contains("funding_rate,0.12"));
        // Long terms cross a calendar year somewhere; an expansion contract overlaps.
        let res = file(&v2, "reservations.csv");
        assert!(res
            .iter()
            .any(|r| t(&r[4]) / 12 != (t(&r[4]) + r[6].parse::<usize>().unwrap() - 1) / 12));
        assert!(file(&v2, "contracts.csv")
            .iter()
            .any(|c| c[0].starts_with('x')));
        let v1 = files_with(
            Size::S,
            42,
            Options {
                no_reservations: true,
                ..Default::default()
            },
        );
        assert_eq!(v1.len(), 10);
        assert!(v1.iter().all(|f| f.0 != "reservations.csv"));
    }

    #[test]
    fn the_default_lp_still_splits_into_independent_years() {
        // M: 36 months, annual contracts and reservation terms inside the year: at least one
        // independent block per year.
        let dir = tempfile::tempdir().unwrap();
        write(Size::M, 42, dir.path()).unwrap();
        let sc = crate::load(dir.path()).unwrap();
        assert!(!sc.reservations.is_empty());
        let model = crate::model::build(&sc, false);
        assert!(crate::solve::decompose::blocks(&model.lp).len() >= 3);
        // With whole-horizon contracts the months are one block.
        let dir = tempfile::tempdir().unwrap();
        write_with(Size::M, 42, Options::all(), dir.path()).unwrap();
        let sc = crate::load(dir.path()).unwrap();
        let model = crate::model::build(&sc, false);
        assert!(crate::solve::decompose::blocks(&model.lp).len() <= 1);
    }
}
