//! The input schema written down once, as data: which files exist, which columns each has, which are
//! required, and what they mean. It drives column checks, `--help` and the schema table in the docs.

/// What a cell holds; used for the generated documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Id,
    Text,
    Period,
    Number,
    Choice(&'static str),
}

#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// Default when the column is absent or the cell is blank (`""` = no default / not applicable).
    pub default: &'static str,
    pub doc: &'static str,
}

#[derive(Debug)]
pub struct FileSchema {
    pub name: &'static str,
    pub required: bool,
    pub doc: &'static str,
    pub columns: &'static [Column],
}

const fn col(
    name: &'static str,
    required: bool,
    kind: Kind,
    default: &'static str,
    doc: &'static str,
) -> Column {
    Column {
        name,
        required,
        kind,
        default,
        doc,
    }
}

use Kind::*;

pub const SETTINGS: FileSchema = FileSchema {
    name: "settings.csv",
    required: false,
    doc: "key,value rows: horizon_start, horizon_end (YYYY-MM), discount_rate (annual), hours_per_month, \
          demand_shock_persistence (0..1, share of demand uncertainty that persists across months; default 0.8), \
          lots (integer|continuous: whole reservation lots or the LP relaxation; default integer), mip_gap (relative gap \
          the whole-lot search stops at; default 1e-4), decide_by (YYYY-MM, for commit: reservation lots whose sign-by month is \
          at or before it are decided now, against all demand samples; later ones per sample; default the horizon start), \
          min_cash_usd (cash the plan must keep, default 0), funding_rate (annual interest on money raised beyond \
          the cash; blank = the cash ledger is a report only)",
    columns: &[
        col(
            "key",
            true,
            Choice(
                "horizon_start|horizon_end|discount_rate|hours_per_month|demand_shock_persistence|lots|mip_gap|decide_by|min_cash_usd|funding_rate",
            ),
            "",
            "setting name",
        ),
        col("value", true, Text, "", "setting value"),
    ],
};

pub const PROVIDERS: FileSchema = FileSchema {
    name: "providers.csv",
    required: true,
    doc: "the clouds you can buy from",
    columns: &[
        col("provider", true, Id, "", "provider id, e.g. azure"),
        col("name", false, Text, "the id", "display name"),
    ],
};

pub const SKUS: FileSchema = FileSchema {
    name: "skus.csv",
    required: true,
    doc: "hardware units you can rent: one GPU or one vCPU for a month",
    columns: &[
        col("sku", true, Id, "", "SKU id, e.g. gb300-nvl72"),
        col(
            "resource",
            true,
            Choice("gpu|cpu"),
            "",
            "what kind of unit it is",
        ),
        col(
            "power_kw",
            false,
            Number,
            "0",
            "facility power drawn per unit, kW",
        ),
        col(
            "perf",
            false,
            Number,
            "1",
            "demand units one SKU unit serves (overridden per workload by perf.csv)",
        ),
    ],
};

pub const WORKLOADS: FileSchema = FileSchema {
    name: "workloads.csv",
    required: true,
    doc: "what needs compute",
    columns: &[
        col("workload", true, Id, "", "workload id, e.g. training"),
        col(
            "resource",
            true,
            Choice("gpu|cpu"),
            "",
            "which SKUs can serve it",
        ),
        col(
            "unmet_usd_per_unit_hour",
            false,
            Number,
            "blank = hard demand",
            "price of leaving one demand unit unserved for an hour; blank means demand must be met",
        ),
        col(
            "revenue_usd_per_unit_hour",
            false,
            Number,
            "0",
            "revenue per served demand unit-hour, USD (enters the cash ledger in the month it is served)",
        ),
    ],
};

pub const DEMAND: FileSchema = FileSchema {
    name: "demand.csv",
    required: true,
    doc: "monthly demand per workload, in demand units (e.g. H100-equivalents, vCPUs)",
    columns: &[
        col("period", true, Period, "", "month, YYYY-MM"),
        col("workload", true, Id, "", "workload id"),
        col(
            "quantity",
            true,
            Number,
            "",
            "demand units needed through that month",
        ),
        col(
            "sigma",
            false,
            Number,
            "0",
            "log-normal spread of the demand (std. dev. of ln demand, at most 3), for uncertainty studies",
        ),
    ],
};

pub const OFFERS: FileSchema = FileSchema {
    name: "offers.csv",
    required: true,
    doc: "capacity tranches: up to max_units units every month of the window at that price; rising prices on \
          several rows of one provider/region/sku make a cost curve",
    columns: &[
        col("provider", true, Id, "", "provider id"),
        col("region", true, Id, "", "region or site id (declared here)"),
        col("sku", true, Id, "", "SKU id"),
        col("from", false, Period, "horizon start", "first month open"),
        col("to", false, Period, "horizon end", "last month open (inclusive)"),
        col("max_units", true, Number, "", "units available in each month of the window"),
        col("usd_per_unit_hour", true, Number, "", "list price per unit-hour, USD"),
    ],
};

pub const PERF: FileSchema = FileSchema {
    name: "perf.csv",
    required: false,
    doc: "per-workload performance of a SKU, overriding skus.perf; 0 = cannot serve it",
    columns: &[
        col("workload", true, Id, "", "workload id"),
        col("sku", true, Id, "", "SKU id"),
        col(
            "perf",
            true,
            Number,
            "",
            "demand units of this workload served per SKU unit",
        ),
    ],
};

pub const CONTRACTS: FileSchema = FileSchema {
    name: "contracts.csv",
    required: false,
    doc: "take-or-pay commitments: spend at least commit_usd with the provider inside the window, or pay the \
          shortfall; discount_pct applies to that provider's prices inside the window",
    columns: &[
        col("contract", true, Id, "", "contract id"),
        col("provider", true, Id, "", "provider id"),
        col("from", false, Period, "horizon start", "first month of the window"),
        col("to", false, Period, "horizon end", "last month of the window; the shortfall is paid then"),
        col("commit_usd", true, Number, "", "committed spend over the window, USD"),
        col("discount_pct", false, Number, "0", "discount on the provider's prices inside the window, %"),
        col(
            "sizable",
            false,
            Choice("true|false"),
            "false",
            "true: `capplan commit` may recommend a different commit level (the discount then covers usage up to it)",
        ),
        col(
            "beyond_horizon",
            false,
            Choice("full|prorate"),
            "full",
            "a window running past the horizon: full = the whole commitment is owed inside the horizon; prorate = \
             commit_usd times (months of the window inside the horizon) / (months of the window)",
        ),
    ],
};

pub const MINIMUMS: FileSchema = FileSchema {
    name: "minimums.csv",
    required: false,
    doc: "take-or-pay milestones inside a contract's window (a yearly minimum): burn at least min_usd of the \
          contract in from..to or pay the shortfall at `to`; that payment counts toward the contract's total",
    columns: &[
        col("contract", true, Id, "", "contract id (contracts.csv)"),
        col("from", false, Period, "contract's from", "first month of the milestone"),
        col("to", false, Period, "contract's to", "last month of the milestone; its shortfall is paid then"),
        col("min_usd", true, Number, "", "burn (spend after discounts credited to the contract) due in the window, USD"),
    ],
};

pub const POWER: FileSchema = FileSchema {
    name: "power.csv",
    required: false,
    doc: "power envelopes: MW available at a provider's region (site) in each month of the window",
    columns: &[
        col("provider", true, Id, "", "provider id"),
        col("region", true, Id, "", "region id (as in offers.csv)"),
        col("from", false, Period, "horizon start", "first month"),
        col("to", false, Period, "horizon end", "last month"),
        col(
            "max_mw",
            true,
            Number,
            "",
            "MW available for the SKUs placed there",
        ),
    ],
};

pub const RULES: FileSchema = FileSchema {
    name: "rules.csv",
    required: false,
    doc: "contract clauses: exclusive, forbid, min_share, max_share, first_on (mode priority|window|share)",
    columns: &[
        col("rule", true, Id, "", "rule id"),
        col("kind", true, Choice("exclusive|forbid|min_share|max_share|first_on"), "", "what the clause does"),
        col("workload", true, Id, "", "workload it covers"),
        col("provider", true, Id, "", "provider it names"),
        col("from", false, Period, "horizon start", "first month it applies"),
        col("to", false, Period, "horizon end", "last month it applies"),
        col("share", false, Number, "", "0..1, for min_share, max_share and first_on/share"),
        col("mode", false, Choice("priority|window|share"), "", "for first_on"),
    ],
};

pub const RESERVATIONS: FileSchema = FileSchema {
    name: "reservations.csv",
    required: false,
    doc: "capacity reservation options: lots of lot_units reserved for term_months from a start month in the \
          window, signed lead_months before the start, charged every month of the term whether used or not",
    columns: &[
        col("option", true, Id, "", "reservation option id"),
        col("provider", true, Id, "", "provider id"),
        col("region", true, Id, "", "region or site id (declared here or in offers.csv)"),
        col("sku", true, Id, "", "SKU id"),
        col("from", false, Period, "horizon start", "first month a reservation may start"),
        col("to", false, Period, "horizon end", "last month a reservation may start"),
        col("term_months", true, Number, "", "months each reservation runs (whole number, at least 1)"),
        col("lead_months", false, Number, "0", "months before its start a reservation must be signed"),
        col("lot_units", false, Number, "1", "units per lot (72 for an NVL72 rack)"),
        col("max_lots", false, Number, "blank = unlimited", "lots over all start months"),
        col("usd_per_unit_hour", true, Number, "", "charge per reserved unit-hour, used or not, USD"),
        col("upfront_usd_per_lot", false, Number, "0", "paid in the start month, per lot, USD"),
    ],
};

pub const FINANCE: FileSchema = FileSchema {
    name: "finance.csv",
    required: false,
    doc: "money outside the compute plan, by month: the opening cash balance, funding raised, revenue not tied \
          to a workload, other expenses; the cash ledger adds them to the plan's payments",
    columns: &[
        col("period", true, Period, "", "month, YYYY-MM (cash: the horizon start)"),
        col(
            "kind",
            true,
            Choice("cash|funding|revenue|expense"),
            "",
            "cash = opening balance; funding = money raised; revenue = revenue not tied to a workload; expense = other spending",
        ),
        col("usd", true, Number, "", "amount, USD"),
        col("sigma", false, Number, "0", "log-normal spread of the amount, for `simulate`"),
        col("label", false, Text, "", "what the row is (e.g. amazon-tranche-2), shown in reports"),
        col(
            "conditional",
            false,
            Choice("true|false"),
            "false",
            "funding only: true = a tranche paid only if conditions are met; kept out of the cash ledger, and \
             `simulate` reports the month by which the need exceeds it",
        ),
    ],
};

/// Not a scenario file: the cases of `capplan sweep`, each row one override of the base folder.
pub const CASES: FileSchema = FileSchema {
    name: "cases.csv",
    required: true,
    doc: "what-if cases for `capplan sweep`: each row one override applied in memory to the base folder; rows \
          with the same case name make one case",
    columns: &[
        col("case", true, Id, "", "case name (letters, digits, - _ .), also its folder name under --keep-plans"),
        col("file", true, Text, "", "scenario file the override changes, e.g. offers.csv"),
        col(
            "select",
            false,
            Text,
            "*",
            "rows it changes: `*`, or `column=value` filters joined by `;` (all must hold), `|` between \
             alternatives of one column, e.g. `provider=aws;sku=gb200|gb300`",
        ),
        col(
            "column",
            true,
            Text,
            "",
            "cell to change; for shift_months a period column (from, to, period) or `*` for all of them",
        ),
        col(
            "op",
            true,
            Choice("scale|add|set|shift_months"),
            "",
            "scale: multiply; add: add; set: replace the text; shift_months: move months by N (a slip)",
        ),
        col("value", false, Text, "", "the factor, amount, text or number of months"),
    ],
};

/// Every file, in the order they are read and reported.
pub const FILES: &[&FileSchema] = &[
    &SETTINGS,
    &PROVIDERS,
    &SKUS,
    &WORKLOADS,
    &DEMAND,
    &OFFERS,
    &PERF,
    &CONTRACTS,
    &MINIMUMS,
    &POWER,
    &RULES,
    &RESERVATIONS,
    &FINANCE,
];

/// The schema as a plain-text table, for `--help`.
pub fn help_text() -> String {
    let mut out = String::from(
        "INPUT FILES (one folder = one scenario; header row, any column order, blank = default):\n",
    );
    for file in FILES {
        let req = if file.required {
            "required"
        } else {
            "optional"
        };
        out.push_str(&format!("\n  {} ({req}): {}\n", file.name, file.doc));
        for c in file.columns {
            let mut line = format!("    {:<24} {}", c.name, c.doc);
            if !c.required && !c.default.is_empty() {
                line.push_str(&format!(" [default: {}]", c.default));
            } else if c.required {
                line.push_str(" [required]");
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_are_unique_per_file() {
        for f in FILES {
            let mut names: Vec<_> = f.columns.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), f.columns.len(), "{}", f.name);
        }
    }

    #[test]
    fn help_mentions_every_file_and_column() {
        let h = help_text();
        for f in FILES {
            assert!(h.contains(f.name));
            for c in f.columns {
                assert!(h.contains(c.name), "{}.{}", f.name, c.name);
            }
        }
    }
}
