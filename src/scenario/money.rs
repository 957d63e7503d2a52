//! Money outside the compute plan (SPEC v2 "Money"): `finance.csv` rows, workload revenue and the
//! cash settings, validated into the typed form the cash family and the ledger use.

use super::build::Cells;
use super::Month;
use crate::diagnostics::Diagnostics;
use crate::input::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    Funding,
    Revenue,
    Expense,
}

impl FlowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::Funding => "funding",
            FlowKind::Revenue => "revenue",
            FlowKind::Expense => "expense",
        }
    }
}

/// One `finance.csv` row inside the horizon (other than the opening cash).
#[derive(Debug, Clone)]
pub struct Flow {
    pub t: usize,
    pub kind: FlowKind,
    pub usd: f64,
    /// Log-normal spread, for `simulate`.
    pub sigma: f64,
    pub label: String,
    /// A funding tranche paid only if its conditions are met: not in the ledger.
    pub conditional: bool,
    pub line: u64,
}

impl Flow {
    /// `label`, else `kind (finance.csv:LINE)`.
    pub fn name(&self) -> String {
        if self.label.is_empty() {
            format!("{} (finance.csv:{})", self.kind.as_str(), self.line)
        } else {
            self.label.clone()
        }
    }
}

/// Everything the cash ledger needs besides the plan's payments.
#[derive(Debug, Clone, Default)]
pub struct Money {
    /// Opening balance (`kind=cash`), before the first month's flows.
    pub opening_cash: f64,
    pub opening_sigma: f64,
    pub flows: Vec<Flow>,
    /// Per workload: revenue per served demand unit-hour.
    pub revenue_per_unit_hour: Vec<f64>,
    pub min_cash_usd: f64,
    /// Annual; `Some` puts the funding need into the model.
    pub funding_rate: Option<f64>,
    /// finance.csv rows outside the horizon (ignored).
    pub rows_outside_horizon: usize,
    /// Whether the scenario says anything about money (finance.csv, revenue, a cash setting).
    pub declared: bool,
}

impl Money {
    /// Revenue + unconditional funding - expense of month `t`, from finance.csv alone.
    pub fn fixed_net(&self, t: usize) -> f64 {
        self.flows
            .iter()
            .filter(|f| f.t == t && !f.conditional)
            .map(|f| match f.kind {
                FlowKind::Expense => -f.usd,
                _ => f.usd,
            })
            .sum()
    }

    /// Sum of unconditional flows of `kind` in month `t`.
    pub fn flow(&self, t: usize, kind: FlowKind) -> f64 {
        self.flows
            .iter()
            .filter(|f| f.t == t && f.kind == kind && !f.conditional)
            .map(|f| f.usd)
            .sum()
    }

    pub fn conditional_tranches(&self) -> impl Iterator<Item = &Flow> {
        self.flows.iter().filter(|f| f.conditional)
    }
}

/// A finance.csv row as read, before the horizon is known.
#[derive(Debug, Clone)]
pub(super) struct RawFlow {
    period: Month,
    kind: Option<FlowKind>, // None = cash
    usd: f64,
    sigma: f64,
    label: String,
    conditional: bool,
    line: u64,
}

pub(super) fn read_finance(table: &Table, diags: &mut Diagnostics) -> Vec<RawFlow> {
    let mut out = Vec::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let period = match c.period("period") {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                c.problem("period", "required value is blank");
                None
            }
            Err(()) => None,
        };
        let kind = match c.text("kind") {
            "cash" => Some(None),
            "funding" => Some(Some(FlowKind::Funding)),
            "revenue" => Some(Some(FlowKind::Revenue)),
            "expense" => Some(Some(FlowKind::Expense)),
            "" => {
                c.problem(
                    "kind",
                    "required value is blank (cash, funding, revenue or expense)",
                );
                None
            }
            other => {
                c.problem(
                    "kind",
                    format!(
                        "'{other}' is not a finance kind: use cash, funding, revenue or expense"
                    ),
                );
                None
            }
        };
        let usd = c.number("usd", None);
        let sigma = c.number("sigma", Some(0.0));
        let conditional = match c.text("conditional") {
            "" | "false" => Some(false),
            "true" => Some(true),
            other => {
                c.problem("conditional", format!("'{other}' is not true or false"));
                None
            }
        };
        if conditional == Some(true) && kind.is_some_and(|k| k != Some(FlowKind::Funding)) {
            c.problem("conditional", "only funding rows can be conditional");
        }
        let label = c.text("label").to_string();
        if let (Some(period), Some(kind), Some(usd), Some(sigma), Some(conditional)) =
            (period, kind, usd, sigma, conditional)
        {
            out.push(RawFlow {
                period,
                kind,
                usd,
                sigma,
                label,
                conditional,
                line: row.line,
            });
        }
    }
    out
}

/// Per workload row of workloads.csv: `revenue_usd_per_unit_hour` (problems reported).
pub(super) fn read_revenue(table: &Table, diags: &mut Diagnostics) -> Vec<f64> {
    table
        .rows
        .iter()
        .map(|row| {
            let mut c = Cells::new(table, row, diags);
            c.number("revenue_usd_per_unit_hour", Some(0.0))
                .unwrap_or(0.0)
        })
        .collect()
}

/// Places the rows on the horizon: `cash` only at its start (once); other rows outside it are
/// ignored and counted.
#[allow(clippy::too_many_arguments)]
pub(super) fn place(
    display: &str,
    raw: Vec<RawFlow>,
    start: Month,
    end: Month,
    revenue_per_unit_hour: Vec<f64>,
    min_cash_usd: f64,
    funding_rate: Option<f64>,
    declared: bool,
    diags: &mut Diagnostics,
) -> Money {
    let mut money = Money {
        revenue_per_unit_hour,
        min_cash_usd,
        funding_rate,
        declared,
        ..Money::default()
    };
    let mut cash_line: Option<u64> = None;
    for r in raw {
        match r.kind {
            None => {
                if r.period != start {
                    diags.push(
                        display,
                        r.line,
                        "period",
                        format!(
                            "the opening cash balance must be dated at the horizon start ({start}), not {}",
                            r.period
                        ),
                    );
                } else if let Some(first) = cash_line {
                    diags.push(
                        display,
                        r.line,
                        "kind",
                        format!("a second opening cash balance (the first is on line {first})"),
                    );
                } else {
                    cash_line = Some(r.line);
                    money.opening_cash = r.usd;
                    money.opening_sigma = r.sigma;
                }
            }
            Some(kind) => {
                if r.period < start || r.period > end {
                    money.rows_outside_horizon += 1;
                    continue;
                }
                money.flows.push(Flow {
                    t: (r.period.0 - start.0) as usize,
                    kind,
                    usd: r.usd,
                    sigma: r.sigma,
                    label: r.label,
                    conditional: r.conditional,
                    line: r.line,
                });
            }
        }
    }
    money
}
