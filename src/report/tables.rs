//! The CSV reports of SPEC: allocation, provider spend, contracts, unmet demand.

use super::format::num;
use super::metrics::Metrics;

/// Decimal places: units to 1e-6, money to the cent, shares to 1e-6.
const UNITS_DP: usize = 6;
const USD_DP: usize = 2;
const SHARE_DP: usize = 6;

/// Cells from user text that a spreadsheet would run as a formula get a leading quote.
pub fn excel_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

pub(crate) fn to_csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

pub fn allocation(m: &Metrics) -> Vec<u8> {
    to_csv(
        &[
            "period", "workload", "provider", "region", "sku", "units", "served", "usd",
        ],
        m.allocation.iter().map(|a| {
            vec![
                a.period.clone(),
                excel_safe(&a.workload),
                excel_safe(&a.provider),
                excel_safe(&a.region),
                excel_safe(&a.sku),
                num(a.units, UNITS_DP),
                num(a.served, UNITS_DP),
                num(a.usd, USD_DP),
            ]
        }),
    )
}

/// `cash.csv`: SPEC's cash ledger, one row per month.
pub fn cash(m: &Metrics) -> Vec<u8> {
    to_csv(
        &[
            "period",
            "revenue",
            "funding",
            "expense",
            "paid",
            "cash",
            "funding_need",
        ],
        m.cash.rows.iter().map(|r| {
            vec![
                r.period.clone(),
                num(r.revenue, USD_DP),
                num(r.funding, USD_DP),
                num(r.expense, USD_DP),
                num(r.paid, USD_DP),
                num(r.cash, USD_DP),
                num(r.funding_need, USD_DP),
            ]
        }),
    )
}

pub fn provider_spend(m: &Metrics) -> Vec<u8> {
    to_csv(
        &["period", "provider", "usd", "share"],
        m.provider_spend.iter().map(|s| {
            vec![
                s.period.clone(),
                excel_safe(&s.provider),
                num(s.usd, USD_DP),
                num(s.share, SHARE_DP),
            ]
        }),
    )
}

/// `contracts.csv`: SPEC's six columns exactly (the window, what is owed after pro-rating and the
/// minimums are in `minimums.csv`, `summary.md` and `plan.json`).
pub fn contracts(m: &Metrics) -> Vec<u8> {
    to_csv(
        &[
            "contract",
            "provider",
            "commit_usd",
            "spend_usd",
            "shortfall_usd",
            "utilization",
        ],
        m.contracts.iter().map(|c| {
            vec![
                excel_safe(&c.contract),
                excel_safe(&c.provider),
                num(c.commit_usd, USD_DP),
                num(c.spend_usd, USD_DP),
                num(c.shortfall_usd, USD_DP),
                c.utilization.map(|u| num(u, SHARE_DP)).unwrap_or_default(),
            ]
        }),
    )
}

/// `minimums.csv` (report): each contract milestone's burn and shortfall; `None` without minimums.
pub fn minimums(m: &Metrics) -> Option<Vec<u8>> {
    (!m.minimums.is_empty()).then(|| {
        to_csv(
            &[
                "contract",
                "provider",
                "from",
                "to",
                "min_usd",
                "owed_usd",
                "burn_usd",
                "shortfall_usd",
                "utilization",
            ],
            m.minimums.iter().map(|r| {
                vec![
                    excel_safe(&r.contract),
                    excel_safe(&r.provider),
                    r.from.clone(),
                    r.to.clone(),
                    num(r.min_usd, USD_DP),
                    num(r.owed_usd, USD_DP),
                    num(r.burn_usd, USD_DP),
                    num(r.shortfall_usd, USD_DP),
                    r.utilization.map(|u| num(u, SHARE_DP)).unwrap_or_default(),
                ]
            }),
        )
    })
}

pub fn unmet(m: &Metrics) -> Vec<u8> {
    to_csv(
        &["period", "workload", "unmet"],
        m.unmet.iter().map(|u| {
            vec![
                u.period.clone(),
                excel_safe(&u.workload),
                num(u.unmet, UNITS_DP),
            ]
        }),
    )
}

/// `reservations.csv`: the reservations to sign, by sign-by month (SPEC v2 columns, then the
/// upfront and what is owed after the horizon).
pub fn reservations(m: &Metrics) -> Vec<u8> {
    to_csv(
        &[
            "option",
            "provider",
            "region",
            "sku",
            "sign_by",
            "start",
            "end",
            "lots",
            "units",
            "usd_per_month",
            "utilization",
            "upfront_usd",
            "after_horizon_usd",
        ],
        m.reservations.iter().map(|r| {
            vec![
                excel_safe(&r.option),
                excel_safe(&r.provider),
                excel_safe(&r.region),
                excel_safe(&r.sku),
                r.sign_by.clone(),
                r.start.clone(),
                r.end.clone(),
                num(r.lots, UNITS_DP),
                num(r.units, UNITS_DP),
                num(r.usd_per_month, USD_DP),
                num(r.utilization, 6),
                num(r.upfront_usd, USD_DP),
                num(r.after_horizon_usd, USD_DP),
            ]
        }),
    )
}

/// `marginal_costs.csv`: the value of relaxing each constraint by one unit.
pub fn marginal_costs(m: &Metrics) -> Vec<u8> {
    to_csv(
        &[
            "family",
            "period",
            "subject",
            "per",
            "value_nominal_usd",
            "value_pv_usd",
            "level",
            "limit",
            "binding",
        ],
        m.marginal.iter().map(|r| {
            vec![
                r.family.to_string(),
                r.period.clone(),
                excel_safe(&r.subject),
                r.per.to_string(),
                num(r.value_nominal_usd, 6),
                num(r.value_pv_usd, 6),
                num(r.level, UNITS_DP),
                num(r.limit, UNITS_DP),
                r.binding.to_string(),
            ]
        }),
    )
}

/// `clauses.csv`: what each clause costs (objective with it minus without it); the `(all rules)`
/// row removes every rule at once and its `interaction_usd` is its price minus the sum of the
/// single rules' prices (single prices are not additive).
pub fn clauses(m: &Metrics) -> Option<Vec<u8>> {
    let rows = m.clauses.as_ref()?;
    let opt =
        |v: Option<f64>, dp: usize| v.map(|x| num(x, dp)).unwrap_or_else(|| "infeasible".into());
    Some(to_csv(
        &[
            "clause",
            "kind",
            "variant",
            "objective_usd",
            "objective_without_usd",
            "delta_usd",
            "delta_pct",
            "interaction_usd",
        ],
        rows.iter().map(|c| {
            vec![
                excel_safe(&c.clause),
                excel_safe(&c.kind),
                c.variant.clone(),
                opt(c.objective_usd, USD_DP),
                opt(c.objective_without_usd, USD_DP),
                c.delta_usd().map(|x| num(x, USD_DP)).unwrap_or_default(),
                c.delta_pct().map(|x| num(x, 6)).unwrap_or_default(),
                c.interaction_usd
                    .map(|x| num(x, USD_DP))
                    .unwrap_or_default(),
            ]
        }),
    ))
}

/// `risk.csv`: percentiles and probabilities over the demand samples.
pub fn risk(m: &Metrics) -> Option<Vec<u8>> {
    Some(risk_table(&[(None, m.risk.as_ref()?)]))
}

/// Risk rows of one or more studies; with labels, a leading `commitments` column names each.
pub fn risk_table(studies: &[(Option<&str>, &crate::analysis::risk::Risk)]) -> Vec<u8> {
    let labelled = studies.iter().any(|(l, _)| l.is_some());
    let mut header = vec![
        "scope",
        "id",
        "measure",
        "p10",
        "p50",
        "p90",
        "mean",
        "probability",
        "samples",
    ];
    if labelled {
        header.insert(0, "commitments");
    }
    let dp = |v: f64| if v.is_nan() { String::new() } else { num(v, 6) };
    let rows = studies.iter().flat_map(|(label, r)| {
        r.rows.iter().map(move |row| {
            let mut cells = vec![
                row.scope.to_string(),
                excel_safe(&row.id),
                row.measure.to_string(),
                dp(row.p10),
                dp(row.p50),
                dp(row.p90),
                dp(row.mean),
                row.probability.map(|p| num(p, 6)).unwrap_or_default(),
                row.samples.to_string(),
            ];
            if let Some(l) = label {
                cells.insert(0, l.to_string());
            }
            cells
        })
    });
    to_csv(&header, rows)
}

/// `samples.csv`: each sample's outcome, one row per sample and contract or workload.
pub fn samples(m: &Metrics) -> Option<Vec<u8>> {
    let r = m.risk.as_ref()?;
    let mut rows = Vec::new();
    for o in &r.outcomes {
        let cost = o
            .cost_pv_usd
            .map(|c| num(c, USD_DP))
            .unwrap_or_else(|| "infeasible".into());
        rows.push(vec![
            o.index.to_string(),
            "total".into(),
            "plan".into(),
            "cost_pv_usd".into(),
            cost,
        ]);
        for (c, k) in m.contracts.iter().enumerate() {
            rows.push(vec![
                o.index.to_string(),
                "contract".into(),
                excel_safe(&k.contract),
                "spend_usd".into(),
                num(o.spend_usd[c], USD_DP),
            ]);
            rows.push(vec![
                o.index.to_string(),
                "contract".into(),
                excel_safe(&k.contract),
                "shortfall_usd".into(),
                num(o.shortfall_usd[c], USD_DP),
            ]);
        }
        for (w, id) in r.workloads.iter().enumerate() {
            rows.push(vec![
                o.index.to_string(),
                "workload".into(),
                excel_safe(id),
                "unmet_units".into(),
                num(o.unmet_units[w], UNITS_DP),
            ]);
        }
    }
    Some(to_csv(
        &["sample", "scope", "id", "measure", "value"],
        rows.into_iter(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_quoted() {
        assert_eq!(excel_safe("=cmd()"), "'=cmd()");
        assert_eq!(excel_safe("-x"), "'-x");
        assert_eq!(excel_safe("azure"), "azure");
    }
}
