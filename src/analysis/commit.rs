//! `capplan commit`: how much to commit, as a two-stage stochastic LP (sample average
//! approximation). First stage: the commitment `K_c` of each contract marked `sizable`. Second
//! stage: one copy of the plan per demand sample, each costing 1/N of the objective.
//!
//! A sizable contract works like a savings plan: `K_c` is owed whatever happens (usage in the
//! window at the discounted price burns it; what is not burned is the shortfall, paid at the end
//! of the window); the discount covers usage only up to `K_c`, and usage beyond it is billed at
//! list price. (Under SPEC's take-or-pay alone, a discount with no commitment would be free, and
//! the best commitment would always be zero.) So per sample: `discounted spend <= K_c` and
//! `discounted spend + shortfall >= K_c`, and every allocation column of the contract's provider
//! in its window has a list-price twin that does not burn the commitment.
//!
//! With one month and no discounting this is the newsvendor: cover demand up to its
//! `discount`-quantile: `K = (1 - d) * price * H * q_d`.

use super::risk::{self, Risk, SampleOutcome};
use super::sample;
use crate::model::{self, Lp, Model, RowName, Sense, Var};
use crate::scenario::{ContractId, Scenario};
use crate::solve::{self, SolveError, SolverChoice};
use rayon::prelude::*;

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub contract: ContractId,
    pub as_signed_usd: f64,
    pub recommended_usd: f64,
}

#[derive(Debug, Clone)]
pub struct CommitStudy {
    pub recommendations: Vec<Recommendation>,
    /// SAA objective: mean present-value cost over the sizing samples.
    pub expected_cost_usd: f64,
    /// Both evaluated on fresh samples (not the ones the commitment was sized on).
    pub risk_recommended: Risk,
    pub risk_as_signed: Risk,
    pub samples: u64,
}

/// Appends sample `sc`'s plan to `total`, scaled by `weight`, with sizable contracts turned into
/// savings plans whose commitment columns are `k`. Returns the block's first column.
fn append_block(
    total: &mut Lp,
    sc: &Scenario,
    m: &Model,
    k: &[Option<usize>],
    weight: f64,
) -> usize {
    let lp = &m.lp;
    let off = total.vars.len();
    for j in 0..lp.vars.len() {
        total.add_var(
            lp.vars[j],
            lp.cost[j] * weight,
            lp.magnitude[j],
            lp.implied_upper[j],
        );
    }
    let sizable_at = |offer: crate::scenario::OfferId, t: usize| {
        sc.sole_contract(sc.offers[offer.0].provider, t)
            .filter(|c| k[c.0].is_some())
    };
    let mut twin = vec![None; lp.vars.len()];
    for j in 0..lp.vars.len() {
        if let Var::Alloc { offer, workload, t } = lp.vars[j] {
            if sizable_at(offer, t).is_some() {
                let list = sc.discount_factor(t)
                    * sc.offers[offer.0].usd_per_unit_hour
                    * sc.hours_per_month;
                let var = Var::AllocBeyondCommit { offer, workload, t };
                twin[j] =
                    Some(total.add_var(var, list * weight, lp.magnitude[j], lp.implied_upper[j]));
            }
        }
    }
    for row in &lp.rows {
        let shifted: Vec<(usize, f64)> = row.terms.iter().map(|&(j, a)| (j + off, a)).collect();
        match row.name {
            RowName::TakeOrPay { contract } if k[contract.0].is_some() => {
                let kc = k[contract.0].expect("sizable");
                let mut burn = shifted.clone();
                burn.push((kc, -1.0));
                total.add_row(row.name, burn, Sense::Ge, 0.0);
                let mut cap: Vec<(usize, f64)> = row
                    .terms
                    .iter()
                    .filter(|&&(j, _)| matches!(lp.vars[j], Var::Alloc { .. }))
                    .map(|&(j, a)| (j + off, a))
                    .collect();
                cap.push((kc, -1.0));
                total.add_row(RowName::CommitCap { contract }, cap, Sense::Le, 0.0);
            }
            _ => {
                let mut terms = shifted;
                terms.extend(
                    row.terms
                        .iter()
                        .filter_map(|&(j, a)| twin[j].map(|t| (t, a))),
                );
                total.add_row(row.name, terms, row.sense, row.rhs);
            }
        }
    }
    for &(j, a) in &lp.priority {
        total.priority.push((j + off, a));
        if let Some(t) = twin[j] {
            total.priority.push((t, a));
        }
    }
    off
}

/// First-stage columns: one per sizable contract.
fn commitment_columns(sc: &Scenario, total: &mut Lp) -> Vec<Option<usize>> {
    sc.contracts
        .iter()
        .enumerate()
        .map(|(c, k)| {
            k.sizable.then(|| {
                total.add_var(
                    Var::Commit {
                        contract: ContractId(c),
                    },
                    0.0,
                    k.commit_usd.max(1.0),
                    f64::INFINITY,
                )
            })
        })
        .collect()
}

/// What one evaluated sample comes to: spend burning each commitment, shortfall, unmet, cost.
fn block_outcome(
    sc: &Scenario,
    lp: &Lp,
    x: &[f64],
    off: usize,
    end: usize,
    index: u64,
    cost: f64,
) -> SampleOutcome {
    let mut spend = vec![0.0; sc.contracts.len()];
    let mut shortfall = vec![0.0; sc.contracts.len()];
    let mut unmet = vec![0.0; sc.workloads.len()];
    let mut provider_month = vec![0.0; sc.providers.len() * sc.periods];
    for j in off..end {
        let v = if x[j] > crate::solution::NOISE * lp.magnitude[j].max(1.0) {
            x[j]
        } else {
            0.0
        };
        match lp.vars[j] {
            Var::Alloc { offer, t, .. } => {
                let provider = sc.offers[offer.0].provider;
                let usd = v * sc.effective_price(offer, t) * sc.hours_per_month;
                provider_month[provider.0 * sc.periods + t] += usd;
                if let Some(c) = sc.sole_contract(provider, t) {
                    spend[c.0] += usd;
                }
            }
            Var::Credit { contract, .. } => {
                spend[contract.0] += v * (1.0 - sc.contracts[contract.0].discount_pct / 100.0)
            }
            Var::Unmet { workload, .. } => unmet[workload.0] += v,
            Var::Shortfall { contract } => shortfall[contract.0] += v,
            Var::MinimumShortfall { minimum } => shortfall[sc.minimums[minimum.0].contract.0] += v,
            _ => {}
        }
    }
    SampleOutcome {
        index,
        cost_pv_usd: Some(cost),
        spend_usd: spend,
        shortfall_usd: shortfall,
        unmet_units: unmet,
        cash_usd: Vec::new(),
        provider_month_usd: provider_month,
    }
}

/// Sample `index` solved with every sizable commitment fixed at `levels`.
fn evaluate(
    sc: &Scenario,
    levels: &[f64],
    seed: u64,
    index: u64,
    solver: SolverChoice,
) -> Result<SampleOutcome, SolveError> {
    let s = sample::scenario(sc, seed, index);
    let m = model::build(&s, false);
    refuse_overlapping_sizable(sc)?;
    let mut lp = Lp::default();
    let k = commitment_columns(sc, &mut lp);
    for (c, col) in k.iter().enumerate() {
        if let Some(j) = col {
            // Fix the commitment at its level.
            lp.add_row(
                RowName::CommitCap {
                    contract: ContractId(c),
                },
                vec![(*j, 1.0)],
                Sense::Eq,
                levels[c],
            );
        }
    }
    let off = append_block(&mut lp, &s, &m, &k, 1.0);
    let end = lp.vars.len();
    match solve::solve_lp(&mut lp, solver) {
        Ok(solved) => {
            let cost = lp.objective_value(&solved.outcome.x);
            Ok(block_outcome(
                &s,
                &lp,
                &solved.outcome.x,
                off,
                end,
                index,
                cost,
            ))
        }
        Err(SolveError::Infeasible) => {
            let mut unmet = vec![0.0; sc.workloads.len()];
            if let Ok(short) = solve::diagnose::demand_shortfalls(&s, solver) {
                short.iter().for_each(|x| unmet[x.workload.0] += x.short);
            }
            Ok(SampleOutcome {
                index,
                cost_pv_usd: None,
                spend_usd: vec![0.0; sc.contracts.len()],
                shortfall_usd: vec![0.0; sc.contracts.len()],
                unmet_units: unmet,
                cash_usd: Vec::new(),
                provider_month_usd: Vec::new(),
            })
        }
        Err(e) => Err(e),
    }
}

/// Sizes the sizable commitments on samples `0..n` of `seed`, then evaluates the recommendation
/// and the as-signed commitments on the fresh samples `n..2n`.
pub fn run(
    sc: &Scenario,
    seed: u64,
    n: u64,
    solver: SolverChoice,
    quiet: bool,
) -> Result<CommitStudy, SolveError> {
    if !sc.contracts.iter().any(|c| c.sizable) {
        return Err(SolveError::Failed(
            "no contract is marked sizable in contracts.csv: nothing to size".into(),
        ));
    }
    refuse_overlapping_sizable(sc)?;
    let mut lp = Lp::default();
    let k = commitment_columns(sc, &mut lp);
    let bar = super::progress(3 * n, "sizing commitments", quiet);
    let blocks: Vec<(Scenario, Model)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let s = sample::scenario(sc, seed, i);
            let m = model::build(&s, false);
            (s, m)
        })
        .collect();
    for (s, m) in &blocks {
        append_block(&mut lp, s, m, &k, 1.0 / n as f64);
    }
    bar.inc(n);
    let solved = solve::solve_lp(&mut lp, solver)?;
    bar.inc(n);
    let x = &solved.outcome.x;
    let expected_cost_usd = lp.objective_value(x);
    let recommended: Vec<f64> = k
        .iter()
        .map(|c| c.map(|j| x[j].max(0.0)).unwrap_or(0.0))
        .collect();
    let as_signed: Vec<f64> = sc.contracts.iter().map(|c| c.commit_usd).collect();
    let levels: Vec<f64> = sc
        .contracts
        .iter()
        .enumerate()
        .map(|(c, k)| {
            if k.sizable {
                recommended[c]
            } else {
                k.commit_usd
            }
        })
        .collect();

    let eval = |levels: &[f64]| -> Result<Vec<SampleOutcome>, SolveError> {
        (n..2 * n)
            .into_par_iter()
            .map(|i| evaluate(sc, levels, seed, i, solver))
            .collect()
    };
    let rec = eval(&levels)?;
    bar.inc(n / 2);
    let signed = eval(&as_signed)?;
    bar.finish_and_clear();
    let workloads: Vec<String> = sc.workloads.iter().map(|w| w.id.clone()).collect();
    let named = |lv: &[f64]| -> Vec<(String, f64)> {
        sc.contracts
            .iter()
            .zip(lv)
            .map(|(c, v)| (c.id.clone(), *v))
            .collect()
    };
    let p = sc.demand_shock_persistence;
    let study = |levels: &[f64], outcomes: Vec<SampleOutcome>| {
        let fans = risk::fans(sc, &named(levels), &outcomes);
        let mut r = risk::summarise(&named(levels), &workloads, outcomes, seed, p);
        r.fans = fans;
        r
    };
    Ok(CommitStudy {
        recommendations: sc
            .contracts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.sizable)
            .map(|(i, c)| Recommendation {
                contract: ContractId(i),
                as_signed_usd: c.commit_usd,
                recommended_usd: recommended[i],
            })
            .collect(),
        expected_cost_usd,
        risk_recommended: study(&levels, rec),
        risk_as_signed: study(&as_signed, signed),
        samples: n,
    })
}

/// The report folder of `capplan commit`: commitments.csv, risk.csv and summary.md.
pub fn render(
    sc: &Scenario,
    study: &CommitStudy,
    seed: u64,
) -> crate::error::Result<Vec<(&'static str, Vec<u8>)>> {
    use crate::report::format::{num, pct, usd};
    use crate::report::tables::excel_safe;
    use crate::report::xlsx::Figure;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record([
        "contract",
        "provider",
        "discount_pct",
        "as_signed_usd",
        "recommended_usd",
        "change_usd",
    ]);
    for r in &study.recommendations {
        let c = &sc.contracts[r.contract.0];
        let _ = w.write_record([
            excel_safe(&c.id),
            excel_safe(&sc.providers[c.provider.0].id),
            num(c.discount_pct, 4),
            num(r.as_signed_usd, 2),
            num(r.recommended_usd, 2),
            num(r.recommended_usd - r.as_signed_usd, 2),
        ]);
    }
    let commitments = w.into_inner().unwrap_or_default();

    let risk_csv = crate::report::tables::risk_table(&[
        (Some("recommended"), &study.risk_recommended),
        (Some("as_signed"), &study.risk_as_signed),
    ]);

    let mut md = format!("# Commitment sizing: {}\n\n", sc.name);
    md.push_str(&format!(
        "Sized on {n} demand samples (seed {seed}) as a two-stage stochastic LP; the recommendation and the \
         as-signed commitments are then both evaluated on {n} fresh samples. A sizable contract works like a \
         savings plan: the commitment is owed whatever happens, usage up to it is billed at the discounted price, \
         usage beyond it at list price.\n\n",
        n = study.samples
    ));
    md.push_str("| contract | provider | discount | as signed | recommended | change |\n|---|---|---:|---:|---:|---:|\n");
    for r in &study.recommendations {
        let c = &sc.contracts[r.contract.0];
        md.push_str(&format!(
            "| {} | {} | {}% | {} | {} | {} |\n",
            c.id,
            sc.providers[c.provider.0].id,
            num(c.discount_pct, 2),
            usd(r.as_signed_usd),
            usd(r.recommended_usd),
            usd(r.recommended_usd - r.as_signed_usd)
        ));
    }
    md.push_str(&format!(
        "\nExpected cost with the recommendation (present value, sizing samples): **{}**.\n\n",
        usd(study.expected_cost_usd)
    ));
    md.push_str("## Risk on fresh samples: recommended vs as signed\n\n");
    md.push_str("| contract | commitments | committed | P(shortfall) | shortfall P50 | shortfall P90 | spend P50 |\n|---|---|---:|---:|---:|---:|---:|\n");
    for c in sc.contracts.iter() {
        for (label, risk, level) in [
            (
                "recommended",
                &study.risk_recommended,
                study
                    .recommendations
                    .iter()
                    .find(|r| sc.contracts[r.contract.0].id == c.id)
                    .map(|r| r.recommended_usd)
                    .unwrap_or(c.commit_usd),
            ),
            ("as signed", &study.risk_as_signed, c.commit_usd),
        ] {
            let find = |m: &str| {
                risk.rows
                    .iter()
                    .find(|x| x.scope == "contract" && x.id == c.id && x.measure == m)
            };
            if let (Some(sh), Some(sp)) = (find("shortfall_usd"), find("spend_usd")) {
                md.push_str(&format!(
                    "| {} | {label} | {} | {} | {} | {} | {} |\n",
                    c.id,
                    usd(level),
                    sh.probability.map(pct).unwrap_or_else(|| "-".into()),
                    usd(sh.p50),
                    usd(sh.p90),
                    usd(sp.p50)
                ));
            }
        }
    }
    md.push_str("\n| commitments | cost P10 | P50 | P90 | mean |\n|---|---:|---:|---:|---:|\n");
    for (label, risk) in [
        ("recommended", &study.risk_recommended),
        ("as signed", &study.risk_as_signed),
    ] {
        if let Some(t) = risk.rows.iter().find(|x| x.scope == "total") {
            md.push_str(&format!(
                "| {label} | {} | {} | {} | {} |\n",
                usd(t.p10),
                usd(t.p50),
                usd(t.p90),
                usd(t.mean)
            ));
        }
    }
    let months: Vec<String> = (0..sc.periods).map(|t| sc.month(t).to_string()).collect();
    let views = crate::report::views::risk_views(
        &months,
        &[
            ("recommended", &study.risk_recommended),
            ("as signed", &study.risk_as_signed),
        ],
    );
    let title = format!("Commitment sizing: {}", sc.name);
    let mut files = vec![("commitments.csv", commitments), ("risk.csv", risk_csv)];
    let figures = vec![
        ("scenario".to_string(), Figure::Text(sc.name.clone())),
        ("samples".into(), Figure::Count(study.samples as f64)),
        ("seed".into(), Figure::Count(seed as f64)),
        (
            "expected cost with the recommendation (present value, USD)".into(),
            Figure::Usd(study.expected_cost_usd),
        ),
    ];
    let book = crate::report::xlsx::workbook(&title, &figures, &files, &views)
        .map_err(|e| crate::error::Error::Io(format!("cannot build report.xlsx: {e}")))?;
    files.push((
        "report.html",
        crate::report::html::page(&title, &views, &md),
    ));
    files.push(("report.xlsx", book));
    files.push(("summary.md", md.into_bytes()));
    Ok(files)
}

/// A savings plan discounts all of its provider's usage up to the commitment: with another
/// contract of the provider in force at the same time, which usage it covers is a credit choice
/// this model does not make, so such a sizable contract is refused.
fn refuse_overlapping_sizable(sc: &Scenario) -> Result<(), SolveError> {
    for k in &sc.contracts {
        let overlapped = k.sizable
            && k.window
                .months()
                .any(|t| sc.contracts_at(k.provider, t).len() > 1);
        if overlapped {
            return Err(SolveError::Failed(format!(
                "contract {} is sizable but overlaps another contract of {} (contracts.csv:{}): capplan commit \
                 sizes only a contract that is its provider's sole one in its window",
                k.id,
                sc.providers[k.provider.0].id,
                k.line
            )));
        }
    }
    Ok(())
}
