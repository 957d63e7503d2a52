//! `summary.md`: the plan as a planner's memo.

use super::format::{num, pct, units, usd};
use super::metrics::Metrics;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub fn summary(m: &Metrics) -> Vec<u8> {
    let mut s = String::new();
    let t = &m.totals;
    let _ = writeln!(s, "# Capacity plan: {}\n", m.scenario);
    if m.cash.declared {
        s.push_str(&super::money::headline(&m.cash));
    }
    let _ = writeln!(
        s,
        "Horizon {} to {} ({} months), {} hours a month, discount rate {} a year. Solved with {} \
         ({} variables, {} constraints).\n",
        m.horizon_start,
        m.horizon_end,
        m.periods,
        num(m.hours_per_month, 2),
        pct(m.discount_rate),
        m.solver,
        units(m.variables as f64),
        units(m.rows as f64)
    );
    if let Some(note) = &m.solver_note {
        let _ = writeln!(s, "> **Solver note:** {note}\n");
    }
    let _ = writeln!(
        s,
        "The plan costs **{}** in present value: {} of compute spend (nominal), {} of take-or-pay shortfall \
         paid for commitments the plan does not use, and {} demand-unit-months left unserved{}.\n",
        usd(t.objective_usd),
        usd(t.usage_usd),
        usd(t.shortfall_usd),
        units(t.unmet_units),
        if t.unmet_units > 0.0 { format!(" (penalty {})", usd(t.unmet_penalty_usd)) } else { String::new() }
    );

    if !m.warnings.is_empty() {
        let _ = writeln!(s, "## Warnings\n");
        let _ = writeln!(
            s,
            "The input has {} warning(s), rule conflicts among them, found before solving: the plan was made, \
             but check these lines.\n",
            m.warnings.len()
        );
        for w in &m.warnings {
            let _ = writeln!(s, "- `{}`", w.replace('`', "'"));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "## Totals\n");
    let _ = writeln!(s, "| item | nominal | present value |\n|---|---:|---:|");
    let _ = writeln!(
        s,
        "| compute spend | {} | {} |",
        usd(t.usage_usd),
        usd(t.usage_pv_usd)
    );
    let _ = writeln!(
        s,
        "| commitment shortfall | {} | {} |",
        usd(t.shortfall_usd),
        usd(t.shortfall_pv_usd)
    );
    let _ = writeln!(
        s,
        "| unmet-demand penalty | {} | {} |",
        usd(t.unmet_penalty_usd),
        usd(t.unmet_pv_usd)
    );
    if t.funding_pv_usd > 0.0 {
        let _ = writeln!(
            s,
            "| interest on the funding need | | {} |",
            usd(t.funding_pv_usd)
        );
    }
    let _ = writeln!(s, "| **objective** | | **{}** |\n", usd(t.objective_usd));
    if m.reservation_options > 0 {
        let _ = writeln!(
            s,
            "Reservation lots are {} (settings `lots`): objective {}, proven lower bound {}, gap {}%.\n",
            if m.lots_mode == "integer" { "whole numbers" } else { "continuous (the LP relaxation)" },
            usd(t.objective_usd),
            usd(t.bound_usd),
            num(t.gap_pct, 4)
        );
    }
    if let Some(p) = m.priority_served_units {
        let _ = writeln!(
            s,
            "`first_on` priority: {} demand-unit-months of the covered workloads are held on their first provider \
             (the most it can take), and cost is minimised with that amount held.\n",
            units(p)
        );
    }

    reservations(&mut s, m);
    spend_by_year(&mut s, m);
    contracts(&mut s, m);
    unmet(&mut s, m);
    if m.cash.declared {
        super::money::section(&mut s, &m.cash, &super::money::by_year(&m.cash));
    } else {
        let _ = writeln!(
            s,
            "## Cash\n\nNo finance.csv, workload revenue or cash setting: the ledger (`cash.csv`) starts from zero \
             cash and counts only the plan's payments.\n"
        );
        s.push_str(&super::money::headline(&m.cash));
    }
    binding(&mut s, m);
    marginal_note(&mut s, m);
    rules(&mut s, m);
    clauses(&mut s, m);
    risk(&mut s, m);
    s.into_bytes()
}

/// "What to sign, and by when": the reservations of the plan, by sign-by month.
fn reservations(s: &mut String, m: &Metrics) {
    if m.reservation_options == 0 {
        return;
    }
    let _ = writeln!(s, "## What to sign, and by when\n");
    if m.reservations.is_empty() {
        let _ = writeln!(s, "The plan reserves nothing: no option pays for itself.\n");
        return;
    }
    let _ = writeln!(
        s,
        "| sign by | option | provider/region/sku | start | end | lots | units | per month (list) | upfront | utilization | owed after the horizon |\n\
         |---|---|---|---|---|---:|---:|---:|---:|---:|---:|"
    );
    for r in &m.reservations {
        let _ = writeln!(
            s,
            "| {} | {} | {}/{}/{} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.sign_by,
            r.option,
            r.provider,
            r.region,
            r.sku,
            r.start,
            r.end,
            units(r.lots),
            units(r.units),
            usd(r.usd_per_month),
            usd(r.upfront_usd),
            pct(r.utilization),
            usd(r.after_horizon_usd)
        );
    }
    let _ = writeln!(
        s,
        "\nCommitment left after the horizon (terms running past it, list price, not in the objective): **{}**.\n",
        usd(m.totals.commitment_after_horizon_usd)
    );
    if m.reservations.iter().any(|r| r.utilization < 0.9995) {
        let _ = writeln!(
            s,
            "Utilization below 100%: a reservation is paid for every month of its term, used or not, and comes in \
             whole lots. `marginal_costs.csv` has reserved against used units per option and month (`reserved` \
             rows) and what one more lot of each start would save (`lot` rows); `capplan explain` says why reserved \
             units sit idle in a workload-month.\n"
        );
    }
}

fn spend_by_year(s: &mut String, m: &Metrics) {
    let _ = writeln!(s, "## Spend by provider and year (nominal)\n");
    let years: BTreeSet<i32> = m
        .spend_by_provider_year
        .values()
        .flat_map(|y| y.keys().copied())
        .collect();
    if years.is_empty() {
        let _ = writeln!(s, "No compute is bought in this plan.\n");
        return;
    }
    let _ = write!(s, "| provider |");
    for y in &years {
        let _ = write!(s, " {y} |");
    }
    let _ = writeln!(s, " total | share |");
    let _ = writeln!(s, "|---|{}---:|---:|", "---:|".repeat(years.len()));
    let grand: f64 = m
        .spend_by_provider_year
        .values()
        .flat_map(|y| y.values())
        .sum();
    let mut per_year: BTreeMap<i32, f64> = BTreeMap::new();
    for (p, by_year) in &m.spend_by_provider_year {
        let _ = write!(s, "| {p} |");
        for y in &years {
            let v = by_year.get(y).copied().unwrap_or(0.0);
            *per_year.entry(*y).or_default() += v;
            let _ = write!(s, " {} |", usd(v));
        }
        let total: f64 = by_year.values().sum();
        let _ = writeln!(
            s,
            " {} | {} |",
            usd(total),
            pct(if grand > 0.0 { total / grand } else { 0.0 })
        );
    }
    let _ = write!(s, "| **all** |");
    for y in &years {
        let _ = write!(s, " {} |", usd(per_year[y]));
    }
    let _ = writeln!(s, " **{}** | 100% |\n", usd(grand));
}

fn contracts(s: &mut String, m: &Metrics) {
    let _ = writeln!(s, "## Commitment burn-down\n");
    if m.contracts.is_empty() {
        let _ = writeln!(s, "No take-or-pay contracts.\n");
        return;
    }
    let _ = writeln!(
        s,
        "| contract | provider | window (in the horizon) | discount | signed | owed in the horizon | burned | shortfall | of owed |"
    );
    let _ = writeln!(s, "|---|---|---|---:|---:|---:|---:|---:|---:|");
    for c in &m.contracts {
        let _ = writeln!(
            s,
            "| {} | {} | {}..{} | {}% | {} | {} | {} | {} | {} |",
            c.contract,
            c.provider,
            c.from,
            c.to,
            num(c.discount_pct, 2),
            usd(c.commit_usd),
            usd(c.owed_usd),
            usd(c.spend_usd),
            usd(c.shortfall_usd),
            c.utilization.map(pct).unwrap_or_else(|| "-".into())
        );
    }
    let _ = writeln!(
        s,
        "\nCumulative burn against what each deal owes in the horizon, at the end of each year:\n"
    );
    let years: BTreeSet<i32> = m
        .contracts
        .iter()
        .flat_map(|c| c.burn_by_year.iter().map(|b| b.0))
        .collect();
    let _ = write!(s, "| contract |");
    for y in &years {
        let _ = write!(s, " {y} |");
    }
    let _ = writeln!(s, " owed |\n|---|{}---:|", "---:|".repeat(years.len()));
    for c in &m.contracts {
        let _ = write!(s, "| {} |", c.contract);
        for y in &years {
            match c.burn_by_year.iter().find(|b| b.0 == *y) {
                Some((_, v)) if c.owed_usd > 0.0 => {
                    let _ = write!(s, " {} ({}) |", usd(*v), pct(v / c.owed_usd));
                }
                Some((_, v)) => {
                    let _ = write!(s, " {} |", usd(*v));
                }
                None => {
                    let _ = write!(s, " |");
                }
            }
        }
        let _ = writeln!(s, " {} |", usd(c.owed_usd));
    }
    let _ = writeln!(s);
    // Deals of one provider in force together: say how the spend was credited.
    let mut by_provider: BTreeMap<&str, Vec<&super::metrics::ContractRow>> = BTreeMap::new();
    for c in &m.contracts {
        by_provider.entry(c.provider.as_str()).or_default().push(c);
    }
    for (p, deals) in by_provider.iter().filter(|(_, d)| d.len() > 1) {
        let parts: Vec<String> = deals
            .iter()
            .map(|c| {
                format!(
                    "{} ({}..{}, {} owed{}) burned {}",
                    c.contract,
                    c.from,
                    c.to,
                    usd(c.owed_usd),
                    if c.owed_usd < c.commit_usd {
                        format!(" of {} signed, pro-rated", usd(c.commit_usd))
                    } else {
                        String::new()
                    },
                    usd(c.spend_usd)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "{p} has {} deals: {}. Where they overlap, each month's {p} spend is credited to them in the split \
             that costs least (`capplan explain` shows a month's split).\n",
            deals.len(),
            parts.join("; ")
        );
    }
    if !m.minimums.is_empty() {
        let _ = writeln!(s, "Milestones (minimums.csv): burn due inside each window, or paid as shortfall at its end:\n");
        let _ = writeln!(
            s,
            "| contract | window | minimum | owed | burned | shortfall | met |\n|---|---|---:|---:|---:|---:|---:|"
        );
        for r in &m.minimums {
            let _ = writeln!(
                s,
                "| {} | {}..{} | {} | {} | {} | {} | {} |",
                r.contract,
                r.from,
                r.to,
                usd(r.min_usd),
                usd(r.owed_usd),
                usd(r.burn_usd),
                usd(r.shortfall_usd),
                r.utilization
                    .map(|u| pct(u.min(1.0)))
                    .unwrap_or_else(|| "-".into())
            );
        }
        let _ = writeln!(s);
    }
}

fn unmet(s: &mut String, m: &Metrics) {
    let _ = writeln!(s, "## Unmet demand\n");
    if m.unmet.is_empty() {
        let _ = writeln!(s, "All demand is met.\n");
        return;
    }
    let mut by_w: BTreeMap<&str, (f64, usize, f64, &str)> = BTreeMap::new();
    for u in &m.unmet {
        let e = by_w.entry(&u.workload).or_insert((0.0, 0, 0.0, ""));
        e.0 += u.unmet;
        e.1 += 1;
        if u.unmet > e.2 {
            e.2 = u.unmet;
            e.3 = &u.period;
        }
    }
    let _ = writeln!(
        s,
        "| workload | unit-months unmet | months short | worst month | worst shortfall |"
    );
    let _ = writeln!(s, "|---|---:|---:|---|---:|");
    for (w, (total, n, peak, at)) in by_w {
        let _ = writeln!(
            s,
            "| {w} | {} | {n} | {at} | {} |",
            units(total),
            units(peak)
        );
    }
    let _ = writeln!(s, "\nMonth by month in `unmet.csv`.\n");
}

fn binding(s: &mut String, m: &Metrics) {
    let _ = writeln!(s, "## What is binding\n");
    if m.binding.is_empty() {
        let _ = writeln!(
            s,
            "No capacity, power, share or commitment constraint is at its limit.\n"
        );
        return;
    }
    let _ = writeln!(
        s,
        "Constraints at their limit in the optimum: relaxing one of these is what would change the plan.\n"
    );
    let _ = writeln!(
        s,
        "\"Worth\" is what one more unit of the limit would save in a binding month (nominal USD; a unit, a MW, or \
         a dollar less committed), from the duals; `marginal_costs.csv` has every constraint month by month.\n"
    );
    let _ = writeln!(
        s,
        "| family | constraint | limit | months binding | first | last | worth per unit |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---|---|---:|");
    for b in &m.binding {
        let worth = match b.worth {
            Some((lo, hi)) if (hi - lo).abs() <= 0.005 * hi.abs().max(1.0) => money(hi),
            Some((lo, hi)) => format!("{}..{}", money(lo), money(hi)),
            None => "-".into(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {worth} |",
            b.family, b.name, b.limit, b.months, b.first, b.last
        );
    }
    let _ = writeln!(s);
}

fn rules(s: &mut String, m: &Metrics) {
    let _ = writeln!(s, "## Active rules\n");
    if m.rules.is_empty() {
        let _ = writeln!(s, "No contract clauses (rules.csv) in this scenario.\n");
        return;
    }
    let _ = writeln!(s, "| rule | kind | workload | provider | window | effect |");
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for r in &m.rules {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {}..{} | {} |",
            r.rule, r.kind, r.workload, r.provider, r.from, r.to, r.effect
        );
    }
    let _ = writeln!(s);
}

fn clauses(s: &mut String, m: &Metrics) {
    let Some(rows) = &m.clauses else { return };
    let _ = writeln!(s, "## What each clause costs\n");
    let _ = writeln!(
        s,
        "Each rule and contract re-solved without it, and once without every rule. Cost = objective with the \
         clause minus without it (present value; negative = the clause saves money). Single prices are not \
         additive: two clauses that keep one workload off the same cheap capacity each look cheap alone.\n"
    );
    if let Some(all) = rows
        .iter()
        .find(|c| c.clause == crate::analysis::clauses::ALL_RULES)
    {
        if let (Some(joint), Some(inter)) = (all.delta_usd(), all.interaction_usd) {
            let singles = joint - inter;
            let tol = 1e-6 * joint.abs().max(singles.abs()).max(1.0);
            let line = if inter.abs() <= tol {
                format!(
                    "All rules together cost {}, the sum of their single prices.",
                    usd(joint)
                )
            } else if inter < 0.0 {
                format!(
                    "Single prices overlap: all rules together cost {}, {} less than the sum of the singles ({}).",
                    usd(joint),
                    usd(-inter),
                    usd(singles)
                )
            } else {
                format!(
                    "Rules reinforce each other: all rules together cost {}, {} more than the sum of the singles ({}).",
                    usd(joint),
                    usd(inter),
                    usd(singles)
                )
            };
            let _ = writeln!(s, "{line}\n");
        }
    }
    let _ = writeln!(
        s,
        "| clause | kind | reading | cost | cost % |\n|---|---|---|---:|---:|"
    );
    let show = |v: Option<f64>| v.map(usd).unwrap_or_else(|| "infeasible".into());
    for c in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            c.clause,
            c.kind,
            c.variant,
            show(c.delta_usd()),
            c.delta_pct()
                .map(|p| format!("{p:.3}%"))
                .unwrap_or_else(|| "-".into())
        );
    }
    let _ = writeln!(
        s,
        "\nWhat `first_on` costs under each reading of \"first\", against no such clause:\n"
    );
    for c in rows.iter().filter(|c| c.variant.starts_with("mode=")) {
        let _ = writeln!(
            s,
            "- `{}` read as **{}**: {}",
            c.clause,
            c.variant.trim_start_matches("mode="),
            match c.delta_usd() {
                Some(d) => format!(
                    "costs {} ({})",
                    usd(d),
                    c.delta_pct()
                        .map(|p| format!("{p:.3}%"))
                        .unwrap_or_default()
                ),
                None => "makes the plan infeasible".into(),
            }
        );
    }
    let _ = writeln!(s);
}

/// Small money with cents, large with a suffix.
fn money(v: f64) -> String {
    if v.abs() < 1e4 {
        format!("${v:.2}")
    } else {
        usd(v)
    }
}

fn marginal_note(s: &mut String, m: &Metrics) {
    if m.marginal.is_empty() {
        return;
    }
    let _ = writeln!(s, "## Marginal values\n");
    let _ = writeln!(
        s,
        "`marginal_costs.csv` prices every constraint: positive = the plan gets that much cheaper per unit relaxed \
         (one less demand unit, one more tranche unit, one more MW, one dollar less committed, one demand unit of \
         room on a share rule), in nominal dollars of that month and in present value.\n"
    );
    let top = |family: &str| {
        m.marginal
            .iter()
            .filter(|r| r.family == family)
            .max_by(|a, b| {
                a.value_nominal_usd
                    .total_cmp(&b.value_nominal_usd)
                    .then(b.period.cmp(&a.period))
            })
    };
    if let Some(r) = top("demand") {
        let _ = writeln!(
            s,
            "- Dearest demand at the margin: {} in {}, ${} per demand unit for the month.",
            r.subject,
            r.period,
            num(r.value_nominal_usd, 2)
        );
    }
    if let Some(r) = top("power").filter(|r| r.value_nominal_usd > 0.0) {
        let _ = writeln!(
            s,
            "- Most valuable power: one more MW at {} in {} saves {} that month.",
            r.subject,
            r.period,
            usd(r.value_nominal_usd)
        );
    }
    if let Some(r) = top("lot").filter(|r| r.value_pv_usd > 0.0) {
        let _ = writeln!(
            s,
            "- Most valuable reservation at the margin: {} saves at most {} (present value, from the duals: an \
             upper bound for a whole lot; `capplan explain` re-solves it).",
            r.subject,
            usd(r.value_pv_usd)
        );
    }
    if let Some(r) = top("capacity").filter(|r| r.value_nominal_usd > 0.0) {
        let _ = writeln!(
            s,
            "- Most valuable capacity: one more unit of {} in {} saves ${}.",
            r.subject,
            r.period,
            num(r.value_nominal_usd, 2)
        );
    }
    let _ = writeln!(s);
}

fn risk(s: &mut String, m: &Metrics) {
    let Some(r) = &m.risk else { return };
    let _ = writeln!(s, "## Demand risk\n");
    let _ = writeln!(
        s,
        "{} demand samples (seed {}), contracts as signed. Each demand row with a `sigma` is log-normal around its \
         quantity (mean kept); {} of the spread is one shock per workload lasting the whole horizon, the rest \
         month-to-month noise. P10/P50/P90 are percentiles over the samples.\n",
        r.samples,
        r.seed,
        pct(r.persistence)
    );
    if let Some(p) = r
        .rows
        .iter()
        .find(|x| x.scope == "cash" && x.measure == "peak_funding_need_usd")
    {
        let _ = writeln!(
            s,
            "**Peak funding need** over the samples (finance.csv rows with a `sigma` sampled too; revenue of served \
             demand follows each sample's plan): P10 {}, P50 {}, P90 {}; probability of any funding need {}.\n",
            usd(p.p10),
            usd(p.p50),
            usd(p.p90),
            pct(p.probability.unwrap_or(0.0))
        );
        let month = |v: f64| {
            let k = v.round() as usize;
            m.months
                .get(k)
                .cloned()
                .unwrap_or_else(|| "never (in the horizon)".into())
        };
        for t in r.rows.iter().filter(|x| x.scope == "tranche") {
            let _ = writeln!(
                s,
                "- Conditional tranche **{}**: the funding need exceeds it by P10 {}, P50 {}, P90 {} (probability it does \
                 within the horizon {}).",
                t.id,
                month(t.p10),
                month(t.p50),
                month(t.p90),
                pct(t.probability.unwrap_or(0.0))
            );
        }
        s.push('\n');
    }
    let _ = writeln!(s, "| contract | committed | spend P10 | P50 | P90 | shortfall P10 | P50 | P90 | P(shortfall) |");
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for c in &m.contracts {
        let find = |measure: &str| {
            r.rows
                .iter()
                .find(|x| x.scope == "contract" && x.id == c.contract && x.measure == measure)
        };
        if let (Some(sp), Some(sh)) = (find("spend_usd"), find("shortfall_usd")) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                c.contract,
                usd(c.commit_usd),
                usd(sp.p10),
                usd(sp.p50),
                usd(sp.p90),
                usd(sh.p10),
                usd(sh.p50),
                usd(sh.p90),
                sh.probability.map(pct).unwrap_or_else(|| "-".into())
            );
        }
    }
    let _ = writeln!(
        s,
        "\n| workload | P(unmet demand) | unmet P90 (demand-unit-months) |\n|---|---:|---:|"
    );
    for x in r.rows.iter().filter(|x| x.scope == "workload") {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            x.id,
            x.probability.map(pct).unwrap_or_else(|| "-".into()),
            units(x.p90)
        );
    }
    if let Some(t) = r.rows.iter().find(|x| x.scope == "total") {
        let _ = writeln!(
            s,
            "\nTotal cost (present value): P10 {}, P50 {}, P90 {}.{}\n",
            usd(t.p10),
            usd(t.p50),
            usd(t.p90),
            match t.probability {
                Some(p) if p > 0.0 =>
                    format!(" {} of samples cannot meet every hard demand.", pct(p)),
                _ => String::new(),
            }
        );
    }
}
