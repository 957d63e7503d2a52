//! The charted views of a plan, by what is scarce: money (spend, commitments), power (MW per site
//! against its envelope), CPU (vCPUs), GPU capacity (in demand units, beside raw units per SKU),
//! the reservations to sign (a Gantt chart), unmet demand, and for `simulate`/`commit` the fans
//! over demand samples. Computed once from the metrics, drawn by both `report.html` (SVG) and
//! `report.xlsx` (native charts), so both show the same series; being a function of the metrics
//! alone, they re-render from plan.json.

use super::metrics::Metrics;
use crate::analysis::risk::{Fan, Risk};
use std::collections::BTreeMap;

/// What a view's numbers count (its axis label and spreadsheet number format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Usd,
    Mw,
    Gw,
    Vcpu,
    DemandUnits,
    Units,
    Probability,
    /// Months (the reservation Gantt's axis).
    Months,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Usd => "USD",
            Unit::Mw => "MW",
            Unit::Gw => "GW",
            Unit::Vcpu => "vCPUs",
            Unit::DemandUnits => "demand units",
            Unit::Units => "units",
            Unit::Probability => "probability",
            Unit::Months => "months",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// A line, optionally against a limit that may vary by month (`None` where none applies).
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub values: Vec<f64>,
    pub limit: Option<Vec<Option<f64>>>,
}

#[derive(Debug, Clone)]
pub enum Body {
    /// Series that add up (one bar per label).
    Stacked(Vec<Series>),
    /// Series that must not be added (each its own line), each with an optional limit.
    Lines(Vec<Line>),
    /// One fan (P10–P90 band and median) per entity.
    Fans(Vec<Fan>),
    /// One bar per label (a category, not a month).
    Bars(Series),
    /// A line that may go below zero, with bars hanging from `floor` down by `need` (the cash
    /// balance and the funding need below the minimum cash).
    Signed {
        line: Series,
        need: Series,
        floor: f64,
    },
    /// One bar per reserved start on a month axis (`View::labels`: the horizon's months, then
    /// the months terms run past it); the first `horizon` labels are inside the horizon.
    Gantt { bars: Vec<GanttBar>, horizon: usize },
}

/// One reservation signed (an option's lots starting in one month), as label indices.
#[derive(Debug, Clone, PartialEq)]
pub struct GanttBar {
    pub option: String,
    /// `provider/region/sku`.
    pub site: String,
    pub sign_by: usize,
    pub start: usize,
    /// Last month of the term (inclusive).
    pub end: usize,
    pub lots: f64,
    pub units: f64,
}

impl GanttBar {
    /// Months of the term past the horizon (the commitment left after it).
    pub fn after_horizon(&self, horizon: usize) -> usize {
        (self.end + 1).saturating_sub(horizon.max(self.start))
    }
}

#[derive(Debug, Clone)]
pub struct View {
    /// HTML id; also names the workbook sheet (`sheet`).
    pub id: &'static str,
    /// Workbook sheet name (at most 31 characters).
    pub sheet: &'static str,
    pub title: String,
    pub unit: Unit,
    /// X axis: months, or categories for `Bars`.
    pub labels: Vec<String>,
    pub body: Body,
}

impl View {
    /// Data points in the view (for tests and the `data-points` attribute).
    pub fn points(&self) -> usize {
        match &self.body {
            Body::Stacked(s) => s.iter().map(|x| x.values.len()).sum(),
            Body::Lines(l) => l.iter().map(|x| x.values.len()).sum(),
            Body::Fans(f) => f.iter().map(|x| x.p50.len()).sum(),
            Body::Bars(s) => s.values.len(),
            Body::Signed { line, .. } => line.values.len(),
            Body::Gantt { bars, .. } => bars.len(),
        }
    }
}

/// Monthly series by a key, from `(period, key, value)` triples; keys sorted.
pub fn by_month<'a>(
    months: &[String],
    rows: impl Iterator<Item = (&'a str, String, f64)>,
) -> Vec<Series> {
    let index: BTreeMap<&str, usize> = months
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut series: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (period, key, v) in rows {
        if let Some(&i) = index.get(period) {
            series.entry(key).or_insert_with(|| vec![0.0; months.len()])[i] += v;
        }
    }
    series
        .into_iter()
        .map(|(name, values)| Series { name, values })
        .collect()
}

/// Spend per provider and month (nominal USD).
pub fn spend_by_provider(m: &Metrics) -> Vec<Series> {
    by_month(
        &m.months,
        m.provider_spend
            .iter()
            .map(|r| (r.period.as_str(), r.provider.clone(), r.usd)),
    )
}

/// Each contract's cumulative spend inside its window, against its commitment.
pub fn burn_down(m: &Metrics) -> Vec<Line> {
    let spend = spend_by_provider(m);
    m.contracts
        .iter()
        .map(|c| {
            let monthly = spend
                .iter()
                .find(|s| s.name == c.provider)
                .map(|s| s.values.clone());
            let mut total = 0.0;
            let values = m
                .months
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    if p.as_str() >= c.from.as_str() && p.as_str() <= c.to.as_str() {
                        total += monthly.as_ref().map_or(0.0, |v| v[i]);
                    }
                    total
                })
                .collect();
            Line {
                name: c.contract.clone(),
                values,
                limit: Some(vec![Some(c.commit_usd); m.months.len()]),
            }
        })
        .collect()
}

/// MW drawn per site (`provider/region`) and month, against the tightest envelope of power.csv
/// covering that month. Sites without an envelope appear when they draw power.
pub fn power_by_site(m: &Metrics) -> Vec<Line> {
    let site = |p: &str, r: &str| format!("{p}/{r}");
    let drawn = by_month(
        &m.months,
        m.allocation.iter().filter(|a| a.power_kw > 0.0).map(|a| {
            (
                a.period.as_str(),
                site(&a.provider, &a.region),
                a.units * a.power_kw / 1000.0,
            )
        }),
    );
    let mut sites: BTreeMap<String, Line> = BTreeMap::new();
    for s in drawn {
        sites.insert(
            s.name.clone(),
            Line {
                name: s.name,
                values: s.values,
                limit: None,
            },
        );
    }
    for l in &m.power_limits {
        let name = site(&l.provider, &l.region);
        let line = sites.entry(name.clone()).or_insert_with(|| Line {
            name,
            values: vec![0.0; m.months.len()],
            limit: None,
        });
        let limit = line.limit.get_or_insert_with(|| vec![None; m.months.len()]);
        for (i, p) in m.months.iter().enumerate() {
            if p.as_str() >= l.from.as_str() && p.as_str() <= l.to.as_str() {
                limit[i] = Some(limit[i].map_or(l.max_mw, |v: f64| v.min(l.max_mw)));
            }
        }
    }
    sites.into_values().collect()
}

/// vCPUs in use per provider and month (CPU SKU units are vCPUs).
pub fn cpu_by_provider(m: &Metrics) -> Vec<Series> {
    by_month(
        &m.months,
        m.allocation
            .iter()
            .filter(|a| a.resource == "cpu")
            .map(|a| (a.period.as_str(), a.provider.clone(), a.units)),
    )
}

/// GPU capacity in the demand units it serves (`perf × units`, H100-equivalents when the
/// workloads count in those), per provider and month: the one GPU measure that adds up.
pub fn gpu_served_by_provider(m: &Metrics) -> Vec<Series> {
    by_month(
        &m.months,
        m.allocation
            .iter()
            .filter(|a| a.resource == "gpu")
            .map(|a| (a.period.as_str(), a.provider.clone(), a.served)),
    )
}

/// Raw GPU units per SKU and month: one line per SKU, never summed across SKUs.
pub fn gpu_units_by_sku(m: &Metrics) -> Vec<Series> {
    by_month(
        &m.months,
        m.allocation
            .iter()
            .filter(|a| a.resource == "gpu")
            .map(|a| (a.period.as_str(), a.sku.clone(), a.units)),
    )
}

pub fn unmet_by_workload(m: &Metrics) -> Vec<Series> {
    by_month(
        &m.months,
        m.unmet
            .iter()
            .map(|u| (u.period.as_str(), u.workload.clone(), u.unmet)),
    )
}

/// `YYYY-MM` as a month count, and back.
fn month_number(m: &str) -> Option<i64> {
    let (y, mo) = m.split_once('-')?;
    Some(y.parse::<i64>().ok()? * 12 + mo.parse::<i64>().ok()? - 1)
}

fn month_text(n: i64) -> String {
    format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
}

/// The reservation Gantt: the months from the horizon start to the last month of any term, and
/// one bar per reservation signed, in `reservations.csv` order (by sign-by month).
pub fn reservation_gantt(m: &Metrics) -> Option<(Vec<String>, Vec<GanttBar>)> {
    let first = month_number(m.months.first()?)?;
    let index = |s: &str| month_number(s).map(|n| (n - first).max(0) as usize);
    let mut bars = Vec::new();
    for r in &m.reservations {
        bars.push(GanttBar {
            option: r.option.clone(),
            site: format!("{}/{}/{}", r.provider, r.region, r.sku),
            sign_by: index(&r.sign_by)?,
            start: index(&r.start)?,
            end: index(&r.end)?,
            lots: r.lots,
            units: r.units,
        });
    }
    if bars.is_empty() {
        return None;
    }
    let last = bars
        .iter()
        .map(|b| b.end + 1)
        .max()
        .unwrap_or(0)
        .max(m.months.len());
    let labels = (0..last as i64).map(|i| month_text(first + i)).collect();
    Some((labels, bars))
}

/// P(shortfall) per contract, from a risk study.
pub fn shortfall_probability(r: &Risk) -> Series {
    let rows: Vec<_> = r
        .rows
        .iter()
        .filter(|x| x.scope == "contract" && x.measure == "shortfall_usd")
        .collect();
    Series {
        name: "P(shortfall)".into(),
        values: rows.iter().map(|x| x.probability.unwrap_or(0.0)).collect(),
    }
}

/// The views of a plan, in reading order; views without data are left out.
pub fn plan_views(m: &Metrics) -> Vec<View> {
    let months = || m.months.clone();
    let mut v = vec![View {
        id: "spend-by-provider",
        sheet: "Chart spend",
        title: "Spend by provider per month (nominal USD)".into(),
        unit: Unit::Usd,
        labels: months(),
        body: Body::Stacked(spend_by_provider(m)),
    }];
    if !m.contracts.is_empty() {
        v.push(View {
            id: "burn-down",
            sheet: "Chart burn-down",
            title: "Commitment burn-down: cumulative spend in each contract's window against its commitment (dashed)"
                .into(),
            unit: Unit::Usd,
            labels: months(),
            body: Body::Lines(burn_down(m)),
        });
    }
    let power = power_by_site(m);
    if !power.is_empty() {
        let total_gw = by_month(
            &m.months,
            m.allocation.iter().filter(|a| a.power_kw > 0.0).map(|a| {
                (
                    a.period.as_str(),
                    a.provider.clone(),
                    a.units * a.power_kw / 1e6,
                )
            }),
        );
        v.push(View {
            id: "power-by-site",
            sheet: "Chart power",
            title: "Power drawn per site (MW) against its power.csv envelope (dashed)".into(),
            unit: Unit::Mw,
            labels: months(),
            body: Body::Lines(power),
        });
        v.push(View {
            id: "power-total",
            sheet: "Chart power total",
            title: "Power drawn in total (GW), by provider".into(),
            unit: Unit::Gw,
            labels: months(),
            body: Body::Stacked(total_gw),
        });
    }
    let gpu = gpu_served_by_provider(m);
    if !gpu.is_empty() {
        v.push(View {
            id: "gpu-demand-units",
            sheet: "Chart GPU demand units",
            title: "GPU capacity in demand units served (perf × units, e.g. H100-equivalents), by provider".into(),
            unit: Unit::DemandUnits,
            labels: months(),
            body: Body::Stacked(gpu),
        });
        v.push(View {
            id: "gpu-units-by-sku",
            sheet: "Chart GPU units",
            title: "Raw GPU units in use per SKU (not comparable across SKUs, so not stacked)"
                .into(),
            unit: Unit::Units,
            labels: months(),
            body: Body::Lines(
                gpu_units_by_sku(m)
                    .into_iter()
                    .map(|s| Line {
                        name: s.name,
                        values: s.values,
                        limit: None,
                    })
                    .collect(),
            ),
        });
    }
    let cpu = cpu_by_provider(m);
    if !cpu.is_empty() {
        v.push(View {
            id: "cpu-by-provider",
            sheet: "Chart CPU",
            title: "CPU in use (vCPUs), by provider".into(),
            unit: Unit::Vcpu,
            labels: months(),
            body: Body::Stacked(cpu),
        });
    }
    if let Some((labels, bars)) = reservation_gantt(m) {
        v.push(View {
            id: "reservations",
            sheet: "Chart reservations",
            title: "Reservations: sign-by (diamond), lead time (thin line), term (bar); hatched: term after the \
                    horizon (commitment left after it)"
                .into(),
            unit: Unit::Months,
            labels,
            body: Body::Gantt {
                bars,
                horizon: m.months.len(),
            },
        });
    }
    v.push(View {
        id: "cash",
        sheet: "Chart cash",
        title: format!(
            "Cash balance at month end (nominal USD); shaded: funding need below the {} minimum",
            super::format::usd(m.cash.min_cash_usd)
        ),
        unit: Unit::Usd,
        labels: months(),
        body: Body::Signed {
            line: Series {
                name: "cash balance".into(),
                values: m.cash.rows.iter().map(|r| r.cash).collect(),
            },
            need: Series {
                name: "funding need".into(),
                values: m.cash.rows.iter().map(|r| r.funding_need).collect(),
            },
            floor: m.cash.min_cash_usd,
        },
    });
    let mut unmet = unmet_by_workload(m);
    if unmet.is_empty() {
        unmet.push(Series {
            name: "none unmet".into(),
            values: vec![0.0; m.months.len()],
        });
    }
    v.push(View {
        id: "unmet",
        sheet: "Chart unmet",
        title: "Unmet demand (demand units)".into(),
        unit: Unit::DemandUnits,
        labels: months(),
        body: Body::Stacked(unmet),
    });
    if let Some(r) = &m.risk {
        v.extend(risk_views(&m.months, &[("", r)]));
    }
    v
}

/// Fans and P(shortfall) of one or more risk studies (`commit` has two: recommended, as signed).
pub fn risk_views(months: &[String], studies: &[(&str, &Risk)]) -> Vec<View> {
    let mut v = Vec::new();
    for (k, (label, r)) in studies.iter().enumerate() {
        let suffix = if label.is_empty() {
            String::new()
        } else {
            format!(" ({label})")
        };
        // Sheet names are static; a second study gets its own set.
        let (s_spend, s_burn, s_prob) = match k {
            0 => ("Chart spend fan", "Chart burn fan", "Chart P(shortfall)"),
            _ => (
                "Chart spend fan 2",
                "Chart burn fan 2",
                "Chart P(shortfall) 2",
            ),
        };
        let (i_spend, i_burn, i_prob) = match k {
            0 => ("fan-spend", "fan-burn", "p-shortfall"),
            _ => ("fan-spend-2", "fan-burn-2", "p-shortfall-2"),
        };
        if let Some(f) = &r.fans {
            v.push(View {
                id: i_spend,
                sheet: s_spend,
                title: format!("Spend per provider per month over {} demand samples: P10–P90 band and median{suffix}", r.samples),
                unit: Unit::Usd,
                labels: months.to_vec(),
                body: Body::Fans(f.spend_by_provider.clone()),
            });
            if !f.burn_by_contract.is_empty() {
                v.push(View {
                    id: i_burn,
                    sheet: s_burn,
                    title: format!("Contract burn against its commitment (dashed): P10–P90 band and median{suffix}"),
                    unit: Unit::Usd,
                    labels: months.to_vec(),
                    body: Body::Fans(f.burn_by_contract.clone()),
                });
            }
        }
        let contracts: Vec<String> = r
            .rows
            .iter()
            .filter(|x| x.scope == "contract" && x.measure == "shortfall_usd")
            .map(|x| x.id.clone())
            .collect();
        if !contracts.is_empty() {
            v.push(View {
                id: i_prob,
                sheet: s_prob,
                title: format!("Probability of a take-or-pay shortfall per contract{suffix}"),
                unit: Unit::Probability,
                labels: contracts,
                body: Body::Bars(shortfall_probability(r)),
            });
        }
    }
    v
}
