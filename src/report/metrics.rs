//! Every figure the reports show, computed once from the scenario and the solution. Writers only
//! render these; none recomputes a number.

use crate::model::{RowName, Sense};
use crate::scenario::{FirstOnMode, RuleKind, Scenario};
use crate::solution::Solution;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AllocationRow {
    pub period: String,
    pub workload: String,
    pub provider: String,
    pub region: String,
    pub sku: String,
    /// `gpu` or `cpu`.
    pub resource: String,
    /// kW one unit draws (the SKU's `power_kw`), for the power view.
    pub power_kw: f64,
    pub units: f64,
    pub served: f64,
    pub usd: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpendRow {
    pub period: String,
    pub provider: String,
    pub usd: f64,
    /// Of that month's total spend.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContractRow {
    pub contract: String,
    pub provider: String,
    pub from: String,
    pub to: String,
    pub commit_usd: f64,
    /// What is owed inside the horizon: `commit_usd`, pro-rated with `beyond_horizon = prorate`.
    pub owed_usd: f64,
    pub discount_pct: f64,
    /// The burn: `sum_t (1 - d_c) a[c,t]`, nominal spend credited to the contract after its discount.
    pub spend_usd: f64,
    /// Shortfall paid: the contract's own plus its minimums'.
    pub shortfall_usd: f64,
    /// `spend / owed`; `None` for a zero commitment.
    pub utilization: Option<f64>,
    /// Cumulative spend at the end of each calendar year of the window.
    pub burn_by_year: Vec<(i32, f64)>,
}

/// One reservation signed: lots of an option starting in one month.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReservationRow {
    pub option: String,
    pub provider: String,
    pub region: String,
    pub sku: String,
    /// Month it must be signed in: `start - lead_months`.
    pub sign_by: String,
    pub start: String,
    /// Last month of the term (may lie past the horizon).
    pub end: String,
    pub lots: f64,
    pub units: f64,
    /// List-price charge per month of the term, USD (upfront not included).
    pub usd_per_month: f64,
    pub upfront_usd: f64,
    /// Reserved units of the option used over reserved units, in the months of this term inside
    /// the horizon (the option's use is shared by all its active lots).
    pub utilization: f64,
    /// List-price charges of the term's months past the horizon: not in the objective, still owed.
    pub after_horizon_usd: f64,
}

/// Reserved and used units of one option in one month.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReservedUse {
    pub option: String,
    pub period: String,
    pub reserved_units: f64,
    pub used_units: f64,
}

/// A contract's minimum (milestone, `minimums.csv`) after solving.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MinimumRow {
    pub contract: String,
    pub provider: String,
    pub from: String,
    pub to: String,
    pub min_usd: f64,
    /// `min_usd`, pro-rated like its contract when it runs past the horizon.
    pub owed_usd: f64,
    /// Burn credited to the contract inside the milestone's window.
    pub burn_usd: f64,
    pub shortfall_usd: f64,
    pub utilization: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnmetRow {
    pub period: String,
    pub workload: String,
    pub unmet: f64,
}

/// A constraint at its bound, by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binding {
    pub family: String,
    pub name: String,
    /// Months it binds, first and last.
    pub months: usize,
    pub first: String,
    pub last: String,
    pub limit: String,
    /// Range over the binding months of what one more unit of the limit saves (nominal USD).
    pub worth: Option<(f64, f64)>,
}

/// What relaxing one constraint by one unit is worth: positive = the plan gets that much cheaper.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MarginalRow {
    pub family: String,
    /// Month, or the contract's window for take-or-pay.
    pub period: String,
    pub subject: String,
    /// The unit relaxed: "demand unit", "unit", "MW", "USD committed".
    pub per: String,
    /// USD of the month the constraint is about (the contract's last month for take-or-pay).
    pub value_nominal_usd: f64,
    pub value_pv_usd: f64,
    /// Left-hand side at the optimum and the limit.
    pub level: f64,
    pub limit: f64,
    pub binding: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleRow {
    pub rule: String,
    pub kind: String,
    pub workload: String,
    pub provider: String,
    pub from: String,
    pub to: String,
    pub effect: String,
}

/// One `power.csv` envelope: a site's MW cap over a window.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PowerLimitRow {
    pub provider: String,
    pub region: String,
    pub from: String,
    pub to: String,
    pub max_mw: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Totals {
    pub objective_usd: f64,
    /// A proven lower bound on the objective (equal to it without whole-lot decisions).
    #[serde(default)]
    pub bound_usd: f64,
    #[serde(default)]
    pub gap_pct: f64,
    /// Reservation charges of terms running past the horizon, list price.
    #[serde(default)]
    pub commitment_after_horizon_usd: f64,
    pub usage_usd: f64,
    pub shortfall_usd: f64,
    pub unmet_units: f64,
    /// Nominal penalty of the unmet demand.
    pub unmet_penalty_usd: f64,
    pub usage_pv_usd: f64,
    pub shortfall_pv_usd: f64,
    pub unmet_pv_usd: f64,
    /// Interest on the funding need (with `funding_rate`), present value.
    pub funding_pv_usd: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Metrics {
    pub scenario: String,
    /// Every month of the horizon, `YYYY-MM`.
    pub months: Vec<String>,
    pub horizon_start: String,
    pub horizon_end: String,
    pub periods: usize,
    pub discount_rate: f64,
    pub hours_per_month: f64,
    pub solver: String,
    pub solver_note: Option<String>,
    /// The input's warnings (`file:line: column: message`), as `validate` prints them.
    pub warnings: Vec<String>,
    pub variables: usize,
    pub rows: usize,
    pub nonzeros: usize,
    pub totals: Totals,
    pub priority_served_units: Option<f64>,
    pub allocation: Vec<AllocationRow>,
    pub provider_spend: Vec<SpendRow>,
    /// Nominal USD per provider and calendar year.
    pub spend_by_provider_year: BTreeMap<String, BTreeMap<i32, f64>>,
    pub contracts: Vec<ContractRow>,
    /// Reservations signed, by sign-by month.
    #[serde(default)]
    pub reservations: Vec<ReservationRow>,
    /// Per option and month of its reach: reserved vs used units.
    #[serde(default)]
    pub reserved_use: Vec<ReservedUse>,
    /// `integer` or `continuous`.
    #[serde(default)]
    pub lots_mode: String,
    /// Reservation options in the model (reservations.csv is written when there are any).
    #[serde(default)]
    pub reservation_options: usize,
    pub minimums: Vec<MinimumRow>,
    pub unmet: Vec<UnmetRow>,
    pub binding: Vec<Binding>,
    pub rules: Vec<RuleRow>,
    /// Empty when the solver gives no duals.
    pub marginal: Vec<MarginalRow>,
    /// The site envelopes of power.csv, for the power view.
    #[serde(default)]
    pub power_limits: Vec<PowerLimitRow>,
    /// Filled by `plan --price-clauses`.
    pub clauses: Option<Vec<crate::analysis::clauses::ClausePrice>>,
    /// Filled by `simulate`.
    pub risk: Option<crate::analysis::risk::Risk>,
    /// The cash ledger and funding need.
    pub cash: super::money::CashReport,
}

pub fn compute(sc: &Scenario, sol: &Solution) -> Metrics {
    let h = sc.hours_per_month;
    let month = |t: usize| sc.month(t).to_string();

    // Allocation, summed over tranches of one provider/region/sku.
    type Key = (usize, String, String, String, String);
    let mut alloc: BTreeMap<Key, (f64, f64, f64, &'static str, f64)> = BTreeMap::new();
    let mut spend: BTreeMap<(usize, String), f64> = BTreeMap::new();
    let mut by_year: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
    let mut usage_pv = 0.0;
    for a in &sol.allocations {
        let o = &sc.offers[a.offer.0];
        let provider = sc.providers[o.provider.0].id.clone();
        let key = (
            a.t,
            sc.workloads[a.workload.0].id.clone(),
            provider.clone(),
            sc.regions[o.region.0].id.clone(),
            sc.skus[o.sku.0].id.clone(),
        );
        let e = alloc.entry(key).or_insert((
            0.0,
            0.0,
            0.0,
            sc.skus[o.sku.0].resource.as_str(),
            sc.skus[o.sku.0].power_kw,
        ));
        e.0 += a.units;
        e.1 += a.served;
        e.2 += a.usd;
        *spend.entry((a.t, provider.clone())).or_default() += a.usd;
        *by_year
            .entry(provider)
            .or_default()
            .entry(sc.month(a.t).year())
            .or_default() += a.usd;
        usage_pv += a.usd * sc.discount_factor(a.t);
    }
    let charges = sol.reservation_charges(sc);
    for ch in &charges {
        let provider = sc.providers[ch.provider.0].id.clone();
        *spend.entry((ch.t, provider.clone())).or_default() += ch.usd;
        *by_year
            .entry(provider)
            .or_default()
            .entry(sc.month(ch.t).year())
            .or_default() += ch.usd;
        usage_pv += ch.usd * sc.discount_factor(ch.t);
    }
    let allocation = alloc
        .into_iter()
        .map(
            |((t, workload, provider, region, sku), (units, served, usd, resource, power_kw))| {
                AllocationRow {
                    period: month(t),
                    workload,
                    provider,
                    region,
                    sku,
                    resource: resource.into(),
                    power_kw,
                    units,
                    served,
                    usd,
                }
            },
        )
        .collect();
    let mut month_total: BTreeMap<usize, f64> = BTreeMap::new();
    for ((t, _), usd) in &spend {
        *month_total.entry(*t).or_default() += usd;
    }
    let provider_spend = spend
        .iter()
        .map(|((t, p), usd)| SpendRow {
            period: month(*t),
            provider: p.clone(),
            usd: *usd,
            share: if month_total[t] > 0.0 {
                usd / month_total[t]
            } else {
                0.0
            },
        })
        .collect();

    let contracts: Vec<ContractRow> = sc
        .contracts
        .iter()
        .enumerate()
        .map(|(c, k)| {
            let mut per_year: BTreeMap<i32, f64> = BTreeMap::new();
            let keep = 1.0 - k.discount_pct / 100.0;
            for t in k.window.months() {
                *per_year.entry(sc.month(t).year()).or_default() += keep * sol.spend.credited[c][t];
            }
            let mut cumulative = 0.0;
            let burn_by_year: Vec<(i32, f64)> = per_year
                .into_iter()
                .map(|(y, v)| {
                    cumulative += v;
                    (y, cumulative)
                })
                .collect();
            let burn = sol.spend.burn[c];
            ContractRow {
                contract: k.id.clone(),
                provider: sc.providers[k.provider.0].id.clone(),
                from: month(k.window.first),
                to: month(k.window.last),
                commit_usd: k.commit_usd,
                owed_usd: k.owed_usd,
                discount_pct: k.discount_pct,
                spend_usd: burn,
                shortfall_usd: sol
                    .spend
                    .contract_shortfall_total(sc, crate::scenario::ContractId(c)),
                utilization: (k.owed_usd > 0.0).then(|| burn / k.owed_usd),
                burn_by_year,
            }
        })
        .collect();
    let minimums: Vec<MinimumRow> = sc
        .minimums
        .iter()
        .enumerate()
        .map(|(m, min)| {
            let k = &sc.contracts[min.contract.0];
            let burn = sol.spend.minimum_burn[m];
            MinimumRow {
                contract: k.id.clone(),
                provider: sc.providers[k.provider.0].id.clone(),
                from: month(min.window.first),
                to: month(min.window.last),
                min_usd: min.min_usd,
                owed_usd: min.owed_usd,
                burn_usd: burn,
                shortfall_usd: sol.spend.minimum_shortfall[m],
                utilization: (min.owed_usd > 0.0).then(|| burn / min.owed_usd),
            }
        })
        .collect();

    let mut unmet_penalty = 0.0;
    let mut unmet_pv = 0.0;
    let mut unmet_rows: Vec<UnmetRow> = Vec::new();
    for u in &sol.unmet {
        let pen = sc.workloads[u.workload.0]
            .unmet_usd_per_unit_hour
            .unwrap_or(0.0)
            * h
            * u.units;
        unmet_penalty += pen;
        unmet_pv += pen * sc.discount_factor(u.t);
        unmet_rows.push(UnmetRow {
            period: month(u.t),
            workload: sc.workloads[u.workload.0].id.clone(),
            unmet: u.units,
        });
    }
    unmet_rows.sort_by(|a, b| (&a.period, &a.workload).cmp(&(&b.period, &b.workload)));
    let shortfall_pv: f64 = (0..sc.periods)
        .map(|t| sol.spend.shortfall_paid[t] * sc.discount_factor(t))
        .sum();

    let (reservations, reserved_use, reserved, used) = reservation_rows(sc, sol);
    let totals = Totals {
        objective_usd: sol.objective_usd,
        bound_usd: sol.bound_usd,
        gap_pct: sol.gap_pct,
        commitment_after_horizon_usd: reservations
            .iter()
            .map(|r| r.after_horizon_usd)
            .sum::<f64>()
            + 0.0,
        usage_usd: sol.allocations.iter().map(|a| a.usd).sum::<f64>()
            + charges.iter().map(|c| c.usd).sum::<f64>()
            + 0.0,
        shortfall_usd: sol.spend.shortfall_paid.iter().sum::<f64>() + 0.0,
        unmet_units: sol.unmet.iter().map(|u| u.units).sum::<f64>() + 0.0,
        unmet_penalty_usd: unmet_penalty,
        usage_pv_usd: usage_pv,
        shortfall_pv_usd: shortfall_pv,
        unmet_pv_usd: unmet_pv,
        funding_pv_usd: sol.cash.funding_cost_pv_usd,
    };

    Metrics {
        scenario: sc.name.clone(),
        months: (0..sc.periods).map(month).collect(),
        horizon_start: sc.start.to_string(),
        horizon_end: sc.end().to_string(),
        periods: sc.periods,
        discount_rate: sc.discount_rate,
        hours_per_month: h,
        solver: sol.solver.to_string(),
        solver_note: sol.note.clone(),
        warnings: sc.notes.warnings.iter().map(|w| w.to_string()).collect(),
        variables: sol.variables,
        rows: sol.constraints,
        nonzeros: sol.nonzeros,
        totals,
        priority_served_units: sol.priority_served,
        allocation,
        provider_spend,
        spend_by_provider_year: by_year,
        contracts,
        reservations,
        reserved_use,
        reservation_options: sc.reservations.len(),
        lots_mode: match sc.lots {
            crate::scenario::Lots::Integer => "integer",
            crate::scenario::Lots::Continuous => "continuous",
        }
        .to_string(),
        minimums,
        unmet: unmet_rows,
        binding: binding(sc, sol),
        rules: rules(sc),
        marginal: marginal(sc, sol, &reserved, &used),
        power_limits: sc
            .power
            .iter()
            .map(|p| PowerLimitRow {
                provider: sc.providers[p.provider.0].id.clone(),
                region: sc.regions[p.region.0].id.clone(),
                from: month(p.window.first),
                to: month(p.window.last),
                max_mw: p.max_mw,
            })
            .collect(),
        clauses: None,
        risk: None,
        cash: super::money::compute(sc, sol),
    }
}

/// Units by option and month: `[k][t]`.
type ByOptionMonth = Vec<Vec<f64>>;

/// The reservations signed, reserved vs used per option and month, and those two as arrays.
fn reservation_rows(
    sc: &Scenario,
    sol: &Solution,
) -> (
    Vec<ReservationRow>,
    Vec<ReservedUse>,
    ByOptionMonth,
    ByOptionMonth,
) {
    use crate::model::families::reservations::beyond_horizon_usd;
    let h = sc.hours_per_month;
    // reserved[k][t], used[k][t]
    let mut reserved = vec![vec![0.0; sc.periods]; sc.reservations.len()];
    let mut used = vec![vec![0.0; sc.periods]; sc.reservations.len()];
    for l in &sol.lots {
        let r = &sc.reservations[l.option.0];
        let end = (l.start + r.term_months).min(sc.periods);
        for units in &mut reserved[l.option.0][l.start..end] {
            *units += l.lots * r.lot_units;
        }
    }
    for a in &sol.allocations {
        if let Some(k) = sc.offers[a.offer.0].reservation {
            used[k.0][a.t] += a.units;
        }
    }
    let mut rows: Vec<ReservationRow> = sol
        .lots
        .iter()
        .map(|l| {
            let r = &sc.reservations[l.option.0];
            let months: Vec<usize> = (l.start..(l.start + r.term_months).min(sc.periods)).collect();
            let cap: f64 = months.iter().map(|&t| reserved[l.option.0][t]).sum();
            let use_: f64 = months.iter().map(|&t| used[l.option.0][t]).sum();
            ReservationRow {
                option: r.id.clone(),
                provider: sc.providers[r.provider.0].id.clone(),
                region: sc.regions[r.region.0].id.clone(),
                sku: sc.skus[r.sku.0].id.clone(),
                sign_by: sc.month(l.start - r.lead_months).to_string(),
                start: sc.month(l.start).to_string(),
                end: sc.month(l.start + r.term_months - 1).to_string(),
                lots: l.lots,
                units: l.lots * r.lot_units,
                usd_per_month: l.lots * r.monthly_usd_per_lot(h),
                upfront_usd: l.lots * r.upfront_usd_per_lot,
                utilization: if cap > 0.0 {
                    (use_ / cap).min(1.0)
                } else {
                    0.0
                },
                after_horizon_usd: l.lots * beyond_horizon_usd(sc, l.option, l.start),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.sign_by, &a.start, &a.option).cmp(&(&b.sign_by, &b.start, &b.option)));
    let mut uses = Vec::new();
    for (k, r) in sc.reservations.iter().enumerate() {
        for t in sc.offers[r.offer.0].window.months() {
            if reserved[k][t] > 0.0 || used[k][t] > 0.0 {
                uses.push(ReservedUse {
                    option: r.id.clone(),
                    period: sc.month(t).to_string(),
                    reserved_units: reserved[k][t],
                    used_units: used[k][t],
                });
            }
        }
    }
    (rows, uses, reserved, used)
}

/// The name and unit of a row, and the month whose dollars its nominal value is in.
pub fn describe_row(
    sc: &Scenario,
    name: &RowName,
) -> (&'static str, String, String, &'static str, usize) {
    let rule = |r: crate::scenario::RuleId| format!("rule {}", sc.rule_label(r));
    match *name {
        RowName::Demand { workload, t } => (
            "demand",
            sc.month(t).to_string(),
            sc.workloads[workload.0].id.clone(),
            "demand unit",
            t,
        ),
        RowName::Capacity { offer, t } => (
            "capacity",
            sc.month(t).to_string(),
            format!("tranche {}", sc.offer_label(offer)),
            "unit",
            t,
        ),
        RowName::Power { limit, t } => (
            "power",
            sc.month(t).to_string(),
            sc.power_label(limit),
            "MW",
            t,
        ),
        RowName::TakeOrPay { contract } => {
            let c = &sc.contracts[contract.0];
            let window = format!("{}..{}", sc.month(c.window.first), sc.month(c.window.last));
            let subject = format!("contract {} ({})", c.id, sc.providers[c.provider.0].id);
            (
                "take_or_pay",
                window,
                subject,
                "USD committed",
                c.window.last,
            )
        }
        RowName::MinShare { rule: r, t } => (
            "min_share",
            sc.month(t).to_string(),
            rule(r),
            "demand unit",
            t,
        ),
        RowName::MaxShare { rule: r, t } => (
            "max_share",
            sc.month(t).to_string(),
            rule(r),
            "demand unit",
            t,
        ),
        RowName::FirstOnShare { rule: r, t } => (
            "first_on_share",
            sc.month(t).to_string(),
            rule(r),
            "demand unit",
            t,
        ),
        RowName::CommitCap { contract } => (
            "commit_cap",
            String::new(),
            format!("commitment of {}", sc.contracts[contract.0].id),
            "USD committed",
            sc.contracts[contract.0].window.last,
        ),
        RowName::Reserved { option, t } => (
            "reserved",
            sc.month(t).to_string(),
            format!("reservation {}", sc.reservations[option.0].id),
            "reserved unit",
            t,
        ),
        RowName::MaxLots { option } => (
            "max_lots",
            String::new(),
            format!("lots of reservation {}", sc.reservations[option.0].id),
            "lot",
            0,
        ),
        RowName::LotFix { option, start } => (
            "lot_fix",
            sc.month(start).to_string(),
            format!("whole lots of reservation {}", sc.reservations[option.0].id),
            "lot",
            start,
        ),
        RowName::Cash { t } => (
            "cash",
            sc.month(t).to_string(),
            "cash balance".into(),
            "USD of funding",
            t,
        ),
        RowName::PriorityHold => (
            "priority_hold",
            String::new(),
            "first_on priority amount".into(),
            "demand unit",
            0,
        ),
        RowName::UnmetHold => (
            "unmet_hold",
            String::new(),
            "priority guard: least unmet-demand penalty".into(),
            "USD (present value)",
            0,
        ),
        RowName::Credit { provider, t } => (
            "credit",
            sc.month(t).to_string(),
            format!(
                "spend of {} credited to its contracts",
                sc.providers[provider.0].id
            ),
            "USD list",
            t,
        ),
        RowName::Minimum { minimum } => {
            let m = &sc.minimums[minimum.0];
            let c = &sc.contracts[m.contract.0];
            (
                "minimum",
                format!("{}..{}", sc.month(m.window.first), sc.month(m.window.last)),
                format!("minimum of contract {} (minimums.csv:{})", c.id, m.line),
                "USD committed",
                m.window.last,
            )
        }
    }
}

/// Duals as the value of relaxing each row by one unit. A dual is d objective / d rhs; relaxing
/// means raising the rhs of a `<=` row and lowering it for `>=` and `=` rows (one less demand
/// unit, one less dollar committed, one less unit of share). A `reserved` row reads as used units
/// (level) against reserved units (limit). The `lot_fix` rows that hold a whole-lot plan's lots
/// give way to one `lot` row per start offered: what one more lot of it would save
/// (`solution::LotValue`, present value, in dollars of the start month).
fn marginal(
    sc: &Scenario,
    sol: &Solution,
    reserved: &ByOptionMonth,
    used: &ByOptionMonth,
) -> Vec<MarginalRow> {
    let mut out: Vec<MarginalRow> = sol
        .rows
        .iter()
        .filter(|r| !matches!(r.name, RowName::LotFix { .. }))
        .filter_map(|r| {
            let dual = r.dual?;
            let value_pv = if r.sense == Sense::Le { -dual } else { dual } + 0.0;
            let (family, period, subject, per, t) = describe_row(sc, &r.name);
            let (level, limit) = match r.name {
                RowName::Reserved { option, t } => (used[option.0][t], reserved[option.0][t]),
                _ => (r.activity, r.rhs),
            };
            Some(MarginalRow {
                family: family.into(),
                period,
                subject,
                per: per.into(),
                value_nominal_usd: value_pv / sc.discount_factor(t),
                value_pv_usd: value_pv,
                level,
                limit,
                binding: r.is_binding(),
            })
        })
        .collect();
    let held_by_limit = |k: crate::scenario::ReservationId| {
        sol.rows
            .iter()
            .any(|r| r.name == RowName::MaxLots { option: k } && r.is_binding())
    };
    for v in &sol.lot_values {
        let r = &sc.reservations[v.option.0];
        let value_pv = v.value_pv() + 0.0;
        out.push(MarginalRow {
            family: "lot".into(),
            period: sc.month(v.start).to_string(),
            subject: format!(
                "one more lot of reservation {} starting {} (sign by {})",
                r.id,
                sc.month(v.start),
                sc.month(v.start - r.lead_months)
            ),
            per: "lot".into(),
            value_nominal_usd: value_pv / sc.discount_factor(v.start),
            value_pv_usd: value_pv,
            level: v.lots,
            limit: v.lots,
            binding: held_by_limit(v.option) && value_pv > crate::solution::DUAL_ZERO,
        });
    }
    out
}

/// Binding rows grouped by the thing they are about (a tranche, a site, a rule) across months.
fn binding(sc: &Scenario, sol: &Solution) -> Vec<Binding> {
    type Group = (&'static str, Vec<usize>, String, Vec<f64>);
    let mut groups: BTreeMap<(usize, String), Group> = BTreeMap::new();
    for r in sol.rows.iter().filter(|r| r.is_binding()) {
        let worth = r.dual.map(|d| if r.sense == Sense::Le { -d } else { d });
        let mut add =
            |order: usize, family: &'static str, name: String, t: usize, limit: String| {
                let e =
                    groups
                        .entry((order, name))
                        .or_insert((family, Vec::new(), limit, Vec::new()));
                e.1.push(t);
                if let Some(w) = worth {
                    e.3.push(w / sc.discount_factor(t) + 0.0);
                }
            };
        match r.name {
            RowName::Capacity { offer, t } => add(
                0,
                "capacity",
                format!("tranche {}", sc.offer_label(offer)),
                t,
                format!("{} units", crate::report::format::units(r.rhs)),
            ),
            RowName::Power { limit, t } => {
                let name = format!("power {}", sc.power_label(limit));
                add(
                    1,
                    "power",
                    name,
                    t,
                    format!("{} MW", crate::report::format::num(r.rhs, 3)),
                )
            }
            RowName::MinShare { rule, t }
            | RowName::MaxShare { rule, t }
            | RowName::FirstOnShare { rule, t } => {
                let k = &sc.rules[rule.0];
                add(
                    2,
                    "share",
                    format!("rule {} ({})", k.id, k.kind.label()),
                    t,
                    String::new(),
                )
            }
            _ => {}
        }
    }
    let mut out: Vec<Binding> = groups
        .into_iter()
        .map(|((_, name), (family, months, limit, worth))| Binding {
            family: family.into(),
            name,
            months: months.len(),
            first: sc.month(*months.iter().min().unwrap_or(&0)).to_string(),
            last: sc.month(*months.iter().max().unwrap_or(&0)).to_string(),
            limit,
            worth: (!worth.is_empty()).then(|| {
                (
                    worth.iter().copied().fold(f64::INFINITY, f64::min),
                    worth.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                )
            }),
        })
        .collect();
    for (c, k) in sc.contracts.iter().enumerate() {
        if sol.shortfall[c] > 0.0 {
            out.push(Binding {
                family: "take_or_pay".into(),
                name: format!(
                    "contract {} in shortfall by {}",
                    k.id,
                    crate::report::format::usd(sol.shortfall[c])
                ),
                months: k.window.last - k.window.first + 1,
                first: sc.month(k.window.first).to_string(),
                last: sc.month(k.window.last).to_string(),
                limit: crate::report::format::usd(k.commit_usd),
                worth: contract_worth(sc, sol, c),
            });
        } else if let Some(r) = sol.rows.iter().find(|r| {
            r.name
                == RowName::TakeOrPay {
                    contract: crate::scenario::ContractId(c),
                }
        }) {
            if r.is_binding() && r.sense == Sense::Ge && k.commit_usd > 0.0 {
                out.push(Binding {
                    family: "take_or_pay".into(),
                    name: format!("contract {} burned exactly", k.id),
                    months: k.window.last - k.window.first + 1,
                    first: sc.month(k.window.first).to_string(),
                    last: sc.month(k.window.last).to_string(),
                    limit: crate::report::format::usd(k.commit_usd),
                    worth: contract_worth(sc, sol, c),
                });
            }
        }
    }
    out
}

/// What one dollar less committed to contract `c` saves, in dollars at the window's end.
fn contract_worth(sc: &Scenario, sol: &Solution, c: usize) -> Option<(f64, f64)> {
    let row = sol.rows.iter().find(|r| {
        r.name
            == RowName::TakeOrPay {
                contract: crate::scenario::ContractId(c),
            }
    })?;
    let v = row.dual? / sc.discount_factor(sc.contracts[c].window.last) + 0.0;
    Some((v, v))
}

fn rules(sc: &Scenario) -> Vec<RuleRow> {
    sc.rules
        .iter()
        .map(|r| {
            let months = r.window.last - r.window.first + 1;
            let effect = match r.kind {
                RuleKind::FirstOn(FirstOnMode::Window) | RuleKind::FirstOn(FirstOnMode::Share(_)) => {
                    let applies = r.window.months().filter(|&t| sc.provider_can_serve(r.provider, r.workload, t)).count();
                    if applies == months {
                        format!("applies in all {months} months")
                    } else {
                        format!(
                            "applies in {applies} of {months} months (the provider cannot serve the workload in the other {})",
                            months - applies
                        )
                    }
                }
                _ => format!("applies in {months} months"),
            };
            RuleRow {
                rule: r.id.clone(),
                kind: r.kind.label(),
                workload: sc.workloads[r.workload.0].id.clone(),
                provider: sc.providers[r.provider.0].id.clone(),
                from: sc.month(r.window.first).to_string(),
                to: sc.month(r.window.last).to_string(),
                effect,
            }
        })
        .collect()
}
