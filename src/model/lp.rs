//! A solver-neutral linear program with every column and row named by typed ids, so solutions,
//! duals and binding constraints can be reported by name whatever the backend.

use crate::scenario::{ContractId, MinimumId, OfferId, PowerId, ReservationId, RuleId, WorkloadId};

/// What a column stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// `x[o,w,t]`: units of tranche `o` used by workload `w` in month `t`.
    Alloc {
        offer: OfferId,
        workload: WorkloadId,
        t: usize,
    },
    /// `u[w,t]`: unmet demand units.
    Unmet { workload: WorkloadId, t: usize },
    /// `s[c]`: take-or-pay shortfall, USD.
    Shortfall { contract: ContractId },
    /// `r[k,s]`: lots of reservation option `k` starting in month `s`.
    Lots { option: ReservationId, start: usize },
    /// `s[m]`: shortfall of a contract's minimum (milestone), USD.
    MinimumShortfall { minimum: MinimumId },
    /// `a[c,t]`: list-price USD of the provider's spend in `t` credited to `c` (only where several
    /// of the provider's contracts are in force; see `model::spend`).
    Credit { contract: ContractId, t: usize },
    /// Elastic slack on row `row` (infeasibility diagnosis only).
    Slack { row: usize },
    /// `capplan commit`: the commitment of a sizable contract, USD (first stage).
    Commit { contract: ContractId },
    /// `g[t]`: funding need, USD below `min_cash_usd` at the end of month `t` (with `funding_rate`).
    FundingNeed { t: usize },
    /// Cash above `min_cash_usd` at the end of month `t` (with `funding_rate`): `cash - min = cushion - g`.
    CashCushion { t: usize },
    /// `capplan commit`: units of tranche `o` beyond a sizable commitment, at list price.
    AllocBeyondCommit {
        offer: OfferId,
        workload: WorkloadId,
        t: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    Le,
    Ge,
    Eq,
}

/// What a row stands for: its constraint family and the ids it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowName {
    Demand {
        workload: WorkloadId,
        t: usize,
    },
    Capacity {
        offer: OfferId,
        t: usize,
    },
    Power {
        limit: PowerId,
        t: usize,
    },
    TakeOrPay {
        contract: ContractId,
    },
    /// `sum_c a[c,t] <= L[p,t]` where several of `p`'s contracts are in force.
    Credit {
        provider: crate::scenario::ProviderId,
        t: usize,
    },
    /// A contract's minimum: burn in its window plus `s[m]` at least `min_usd`.
    Minimum {
        minimum: MinimumId,
    },
    MinShare {
        rule: RuleId,
        t: usize,
    },
    MaxShare {
        rule: RuleId,
        t: usize,
    },
    FirstOnShare {
        rule: RuleId,
        t: usize,
    },
    /// Reserved units used in `t` are at most the lots active in `t` times the lot size.
    Reserved {
        option: ReservationId,
        t: usize,
    },
    /// Lots of an option over all its starts are at most `max_lots`.
    MaxLots {
        option: ReservationId,
    },
    /// Whole-lot search: the lots of one column fixed (`=`) or bounded (`<=`/`>=`) at a branch.
    LotFix {
        option: ReservationId,
        start: usize,
    },
    /// Cash ledger of month `t` (with `funding_rate`): the month's change in cash.
    Cash {
        t: usize,
    },
    /// Second stage of `first_on`/`priority`: hold the first stage's amount on the provider.
    PriorityHold,
    /// Priority guard: hold stage 0's unmet-demand penalty in the later stages.
    UnmetHold,
    /// `capplan commit`: discounted spend of a sizable contract stays within its commitment.
    CommitCap {
        contract: ContractId,
    },
}

/// Variables, constraints and nonzeros of the model (see [`Lp::size`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelSize {
    pub variables: usize,
    pub constraints: usize,
    pub nonzeros: usize,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub name: RowName,
    pub sense: Sense,
    pub rhs: f64,
    /// `(column, coefficient)`.
    pub terms: Vec<(usize, f64)>,
}

#[derive(Debug, Clone, Default)]
pub struct Lp {
    pub vars: Vec<Var>,
    /// Objective coefficient of each column, present-value USD.
    pub cost: Vec<f64>,
    /// The largest value each column can usefully take (tranche size, demand, commitment): the
    /// solver adapter scales columns by it, since the model spans vCPUs to $100B commitments.
    pub magnitude: Vec<f64>,
    /// An upper bound on each column implied by the demand rows alone (`demand / perf` for an
    /// allocation, `demand` for unmet; infinite for a shortfall): `<=` rows that cannot bind under
    /// these bounds are left out of the solve.
    pub implied_upper: Vec<f64>,
    pub rows: Vec<Row>,
    /// First-stage objective of `first_on`/`priority` (maximised), empty when there is no such rule.
    pub priority: Vec<(usize, f64)>,
    /// A `first_on` priority rule is in force, so the priority guard's stages apply (SPEC v2:
    /// stage 0, the least unmet penalty, runs even where the rule covers no column, e.g. a
    /// workload the provider may not serve).
    pub guard: bool,
    /// Columns that must take whole values (reservation lots under settings `lots = integer`).
    pub integer: Vec<usize>,
    /// Relative gap the whole-value search may stop at.
    pub mip_gap: f64,
}

impl Lp {
    pub fn add_var(&mut self, var: Var, cost: f64, magnitude: f64, implied_upper: f64) -> usize {
        self.vars.push(var);
        self.cost.push(cost);
        self.magnitude.push(magnitude);
        self.implied_upper.push(implied_upper);
        self.vars.len() - 1
    }

    pub fn add_row(&mut self, name: RowName, terms: Vec<(usize, f64)>, sense: Sense, rhs: f64) {
        self.rows.push(Row {
            name,
            sense,
            rhs,
            terms,
        });
    }

    pub fn nonzeros(&self) -> usize {
        self.rows.iter().map(|r| r.terms.len()).sum()
    }

    /// The model's size, defined once (validate, summary.md and summary.json all show it): the
    /// columns and rows of SPEC's model as built, without the rows the lexicographic solve adds
    /// for its stages (priority and unmet holds).
    pub fn size(&self) -> ModelSize {
        let model_rows = self
            .rows
            .iter()
            .filter(|r| !matches!(r.name, RowName::PriorityHold | RowName::UnmetHold));
        let (mut constraints, mut nonzeros) = (0, 0);
        for r in model_rows {
            constraints += 1;
            nonzeros += r.terms.len();
        }
        ModelSize {
            variables: self.vars.len(),
            constraints,
            nonzeros,
        }
    }

    /// A `<=` row with non-negative coefficients that holds at every column's implied upper bound
    /// can never bind.
    pub fn is_redundant(&self, row: &Row) -> bool {
        // CAPPLAN_KEEP_REDUNDANT: keep them (for measuring what dropping them buys).
        static KEEP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        !*KEEP.get_or_init(|| std::env::var_os("CAPPLAN_KEEP_REDUNDANT").is_some())
            && row.sense == Sense::Le
            && row.terms.iter().all(|&(_, a)| a >= 0.0)
            && row
                .terms
                .iter()
                .map(|&(j, a)| a * self.implied_upper[j])
                .sum::<f64>()
                <= row.rhs
    }

    /// `sum cost * x` for a vector of column values.
    pub fn objective_value(&self, x: &[f64]) -> f64 {
        self.cost.iter().zip(x).map(|(c, v)| c * v).sum()
    }

    /// Row activity `sum a * x`.
    pub fn activity(&self, row: &Row, x: &[f64]) -> f64 {
        row.terms.iter().map(|&(j, a)| a * x[j]).sum()
    }
}
