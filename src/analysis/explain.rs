//! "Why here?" for one workload-month: every tranche that could serve it, what it costs per demand
//! unit, what was chosen, and for each option the constraints that make it dearer or cheaper than
//! its price: its reduced cost split by row, from the duals. An option is used only when its
//! effective cost equals the marginal cost of the demand; the rows in between say why not.

use crate::model::families::rules::Access;
use crate::model::{Model, RowName};
use crate::report::format::{num, units};
use crate::scenario::{OfferId, Scenario, WorkloadId};
use crate::solution::Solution;
use std::fmt::Write;

/// One constraint's part in an option's effective cost, USD per demand-unit-hour (nominal).
#[derive(Debug, Clone)]
pub struct Reason {
    pub what: String,
    pub usd_per_unit_hour: f64,
}

#[derive(Debug, Clone)]
pub struct Option_ {
    pub offer: OfferId,
    pub label: String,
    /// Price after contract discount, per demand-unit-hour.
    pub price: f64,
    /// `price` plus every reason; `None` when a rule keeps the workload off this provider.
    pub effective: Option<f64>,
    pub units: f64,
    pub served: f64,
    pub reasons: Vec<Reason>,
    pub blocked_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Explanation {
    pub workload: String,
    pub period: String,
    pub demand: f64,
    pub unmet: f64,
    /// What one more demand unit costs, per demand-unit-hour (nominal); `None` without duals.
    pub marginal: Option<f64>,
    pub options: Vec<Option_>,
    /// Per provider with contracts in force that month: whose contracts its spend is credited to.
    pub credits: Vec<String>,
}

/// Below this many USD per demand-unit-hour a dual's part is noise.
const TINY: f64 = 1e-7;

pub fn explain(
    sc: &Scenario,
    model: &Model,
    sol: &Solution,
    w: WorkloadId,
    t: usize,
) -> Explanation {
    let lp = &model.lp;
    let h = sc.hours_per_month;
    let df = sc.discount_factor(t);
    let per_unit_hour = |pv: f64, perf: f64| pv / df / h / perf;
    let columns = &model.cols.by_demand[w.0 * sc.periods + t];
    // Rows each of this workload-month's columns appears in, with coefficient and dual.
    let mut hits: Vec<Vec<(usize, f64)>> = vec![Vec::new(); columns.len()];
    for (i, row) in lp.rows.iter().enumerate() {
        for &(j, a) in &row.terms {
            if let Some(k) = columns.iter().position(|&(_, c)| c == j) {
                hits[k].push((i, a));
            }
        }
    }
    let demand_row = lp
        .rows
        .iter()
        .position(|r| r.name == RowName::Demand { workload: w, t });
    let marginal = demand_row
        .and_then(|i| sol.rows[i].dual)
        .map(|y| y / df / h);
    let unmet = model.cols.unmet[w.0 * sc.periods + t]
        .map(|j| sol.values[j].max(0.0))
        .unwrap_or(0.0);
    let access = Access::build(sc);

    let mut options = Vec::new();
    for (o, offer) in sc.offers.iter().enumerate() {
        let perf = sc.perf(w, offer.sku);
        if !offer.window.contains(t) || perf <= 0.0 {
            continue;
        }
        let offer_id = OfferId(o);
        let price = sc.effective_price(offer_id, t) / perf;
        let label = sc.offer_label(offer_id);
        match columns.iter().position(|&(id, _)| id == offer_id) {
            None => {
                let rule = access.blocked_by(w, offer.provider, t).map(|r| {
                    let k = &sc.rules[r.0];
                    format!(
                        "rule {} ({}) keeps it off {}",
                        k.id,
                        k.kind.label(),
                        sc.providers[offer.provider.0].id
                    )
                });
                options.push(Option_ {
                    offer: offer_id,
                    label,
                    price,
                    effective: None,
                    units: 0.0,
                    served: 0.0,
                    reasons: Vec::new(),
                    blocked_by: rule.or(Some("not available to this workload".into())),
                });
            }
            Some(k) => {
                let j = columns[k].1;
                // The cleaned allocation: solver noise is not a choice.
                let x: f64 = sol
                    .allocations
                    .iter()
                    .filter(|a| a.offer == offer_id && a.workload == w && a.t == t)
                    .map(|a| a.units)
                    .sum();
                let _ = j;
                let mut reasons = Vec::new();
                for &(i, a) in &hits[k] {
                    if Some(i) == demand_row {
                        continue;
                    }
                    let Some(y) = sol.rows[i].dual else { continue };
                    let part = per_unit_hour(-a * y, perf);
                    if part.abs() > TINY {
                        reasons.push(Reason {
                            what: describe(sc, sol, &lp.rows[i].name, t),
                            usd_per_unit_hour: part,
                        });
                    }
                }
                let effective = sol
                    .rows
                    .first()
                    .and_then(|r| r.dual)
                    .map(|_| price + reasons.iter().map(|r| r.usd_per_unit_hour).sum::<f64>());
                options.push(Option_ {
                    offer: offer_id,
                    label,
                    price,
                    effective,
                    units: x,
                    served: x * perf,
                    reasons,
                    blocked_by: None,
                });
            }
        }
    }
    options.sort_by(|a, b| a.price.total_cmp(&b.price).then(a.offer.cmp(&b.offer)));
    Explanation {
        workload: sc.workloads[w.0].id.clone(),
        period: sc.month(t).to_string(),
        demand: sc.demand(w, t),
        unmet,
        marginal,
        options,
        credits: credits(sc, sol, t),
    }
}

/// `aws: list $6,000 credited to aws-b $5,000 (20% off), aws-a $1,000 (10% off)` for each
/// provider with a contract in force in `t` (from the plan's spend ledger).
fn credits(sc: &Scenario, sol: &Solution, t: usize) -> Vec<String> {
    use crate::report::format::usd;
    let mut out = Vec::new();
    for p in 0..sc.providers.len() {
        let provider = crate::scenario::ProviderId(p);
        let split = sol.spend.credited_to(sc, provider, t);
        if split.is_empty() {
            continue;
        }
        let list = sol.spend.list[p * sc.periods + t];
        let parts: Vec<String> = split
            .iter()
            .map(|&(c, a)| {
                let k = &sc.contracts[c.0];
                format!("{} {} ({}% off)", k.id, usd(a), num(k.discount_pct, 2))
            })
            .collect();
        out.push(format!(
            "{}: list spend {} credited to {}",
            sc.providers[p].id,
            usd(list),
            parts.join(", ")
        ));
    }
    out
}

/// A row in a planner's words.
fn describe(sc: &Scenario, sol: &Solution, name: &RowName, t: usize) -> String {
    match *name {
        RowName::Capacity { offer, .. } => {
            let users: Vec<String> = sol
                .allocations
                .iter()
                .filter(|a| a.offer == offer && a.t == t)
                .map(|a| format!("{} {}", sc.workloads[a.workload.0].id, units(a.units)))
                .collect();
            format!(
                "tranche full ({} units: {})",
                units(sc.offers[offer.0].max_units),
                users.join(", ")
            )
        }
        RowName::Power { limit, .. } => {
            format!(
                "power at {} at its limit ({} MW)",
                sc.power_label(limit),
                num(sc.power[limit.0].max_mw, 3)
            )
        }
        RowName::TakeOrPay { contract } => {
            let c = &sc.contracts[contract.0];
            let state = if sol.shortfall[contract.0] > 0.0 {
                "in shortfall: spend there is paid anyway"
            } else {
                "burned exactly"
            };
            format!("counts toward contract {} ({state})", c.id)
        }
        RowName::MinShare { rule, .. }
        | RowName::MaxShare { rule, .. }
        | RowName::FirstOnShare { rule, .. } => {
            let k = &sc.rules[rule.0];
            format!("rule {} ({}) at its bound", k.id, k.kind.label())
        }
        RowName::Reserved { option, .. } => {
            let r = &sc.reservations[option.0];
            let lots: f64 = sol
                .lots
                .iter()
                .filter(|l| l.option == option && r.covers(l.start, t))
                .map(|l| l.lots)
                .sum();
            format!(
                "reserved lots of {} all in use ({} lots of {} units)",
                r.id,
                units(lots),
                units(r.lot_units)
            )
        }
        RowName::MaxLots { option } => {
            format!(
                "reservation {} at its lot limit",
                sc.reservations[option.0].id
            )
        }
        RowName::LotFix { option, .. } => {
            format!("lots of {} are whole numbers", sc.reservations[option.0].id)
        }
        RowName::PriorityHold => "first_on priority holds the provider's share".into(),
        RowName::UnmetHold => "the priority guard holds the least unmet demand".into(),
        RowName::Credit { provider, .. } => format!(
            "all of {}'s spend that month is credited to its contracts",
            sc.providers[provider.0].id
        ),
        RowName::Minimum { minimum } => {
            let m = &sc.minimums[minimum.0];
            let c = &sc.contracts[m.contract.0];
            format!(
                "counts toward the {}..{} minimum of contract {}",
                sc.month(m.window.first),
                sc.month(m.window.last),
                c.id
            )
        }
        RowName::Demand { .. } => "demand".into(),
        RowName::Cash { t } => format!(
            "cash in {}: money spent that month is raised at the funding rate",
            sc.month(t)
        ),
        RowName::CommitCap { contract } => {
            format!("commitment of {} used up", sc.contracts[contract.0].id)
        }
    }
}

impl Explanation {
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} in {}: demand {} demand units, unmet {}",
            self.workload,
            self.period,
            units(self.demand),
            units(self.unmet)
        );
        if let Some(m) = self.marginal {
            let _ = writeln!(
                s,
                "One more demand unit costs ${} per demand-unit-hour (nominal).",
                num(m, 4)
            );
            if m < -TINY {
                // A negative marginal is real, not noise: the chosen option's credits (a commitment
                // in shortfall its spend burns, a priority hold or share it helps hold) are worth
                // more than its price. Name them.
                let credits: Vec<String> = self
                    .options
                    .iter()
                    .filter(|o| o.units > 0.0)
                    .flat_map(|o| o.reasons.iter().filter(|r| r.usd_per_unit_hour < 0.0))
                    .map(|r| format!("{} ({:+.4})", r.what, r.usd_per_unit_hour))
                    .collect();
                let why = if credits.is_empty() {
                    "the rows it relieves are worth more than its price".to_string()
                } else {
                    credits.join("; ")
                };
                let _ = writeln!(
                    s,
                    "It is negative: serving one more unit lowers the plan's cost, because what the chosen option \
                     earns outweighs its price: {why}."
                );
            }
        }
        let _ = writeln!(
            s,
            "\nOptions, cheapest price first (USD per demand-unit-hour after perf and contract discounts; \
             'effective' adds what each constraint adds or removes; an option is used only when its effective \
             cost equals the marginal cost):\n"
        );
        let _ = writeln!(
            s,
            "  {:<2}{:<46} {:>10} {:>10} {:>14}  why",
            "", "tranche", "price", "effective", "units"
        );
        for o in &self.options {
            let mark = if o.units > 0.0 { "*" } else { " " };
            let eff = o.effective.map(|e| num(e, 4)).unwrap_or_else(|| "-".into());
            let first_reason = match (&o.blocked_by, o.reasons.first()) {
                (Some(b), _) => b.clone(),
                (None, Some(r)) => format!("{} ({:+.4})", r.what, r.usd_per_unit_hour),
                (None, None) if o.units > 0.0 => "at the margin: sets the price".into(),
                (None, None) => "not needed: cheaper options cover the demand".into(),
            };
            let _ = writeln!(
                s,
                "  {mark:<2}{:<46} {:>10} {:>10} {:>14}  {first_reason}",
                o.label,
                num(o.price, 4),
                eff,
                units(o.units)
            );
            for r in o.reasons.iter().skip(1) {
                let _ = writeln!(
                    s,
                    "  {:<2}{:<46} {:>10} {:>10} {:>14}  {} ({:+.4})",
                    "", "", "", "", "", r.what, r.usd_per_unit_hour
                );
            }
        }
        let _ = writeln!(s, "\n* = chosen. Units are SKU units in use for the month.");
        if !self.credits.is_empty() {
            let _ = writeln!(s, "\nSpend in {} credited to contracts:", self.period);
            for c in &self.credits {
                let _ = writeln!(s, "  {c}");
            }
        }
        s
    }
}
