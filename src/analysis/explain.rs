//! "Why here?" for one workload-month: every tranche that could serve it, what it costs per demand
//! unit, what was chosen, and for each option the constraints that make it dearer or cheaper than
//! its price: its reduced cost split by row, from the duals. An option is used only when its
//! effective cost equals the marginal cost of the demand; the rows in between say why not.

use crate::model::families::rules::Access;
use crate::model::{Model, RowName};
use crate::report::format::{num, units, usd};
use crate::scenario::{OfferId, ReservationId, Scenario, WorkloadId};
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
    /// Reservation options that can serve the workload that month: reserved vs used units and
    /// what one more lot would save.
    pub reserved: Vec<ReservedOption>,
}

/// One reservation option in the explained month.
#[derive(Debug, Clone)]
pub struct ReservedOption {
    pub option: ReservationId,
    pub id: String,
    /// `provider/region/sku`.
    pub site: String,
    pub lot_units: f64,
    /// Units reserved (`lot_units` × active lots) and used (by every workload) that month.
    pub reserved: f64,
    pub used: f64,
    pub used_by_workload: f64,
    /// What one more reserved unit that month saves (nominal USD; the `reserved` row's value).
    pub unit_value: Option<f64>,
    /// Why reserved units sit idle, when some do.
    pub idle_why: Option<String>,
    /// The option's `max_lots` holds it back (its row binds).
    pub at_lot_limit: bool,
    /// Every start offered whose term covers the month.
    pub starts: Vec<LotStart>,
}

/// One start of a reservation option whose term covers the explained month.
#[derive(Debug, Clone)]
pub struct LotStart {
    pub start: usize,
    pub start_month: String,
    pub sign_by: String,
    pub end: String,
    pub lots: f64,
    /// What one more lot of this start saves at the margin, present-value USD (from the duals:
    /// an upper bound on the real saving of a whole lot, see `solution::LotValue`).
    pub dual_value: Option<f64>,
    /// What one more lot really saves, present-value USD: the plan re-solved with this start's
    /// lots one higher (its `max_lots` too) and every other lot held (`price_lots_exactly`); or
    /// why that plan has no solution (one more lot does not fit). `None`: not computed.
    pub exact_value: Option<Result<f64, String>>,
}

/// `price_lots_exactly` re-solves at most this many starts (those with lots first).
pub const EXACT_STARTS: usize = 8;

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
        reserved: reserved_options(sc, sol, w, t),
    }
}

/// The reservation options able to serve `w` in `t`, with reserved vs used units that month.
fn reserved_options(sc: &Scenario, sol: &Solution, w: WorkloadId, t: usize) -> Vec<ReservedOption> {
    let mut out = Vec::new();
    for (k, res) in sc.reservations.iter().enumerate() {
        let option = ReservationId(k);
        let offer = &sc.offers[res.offer.0];
        if !offer.window.contains(t) || sc.perf(w, res.sku) <= 0.0 {
            continue;
        }
        let mut reserved = vec![0.0; sc.periods];
        for l in sol.lots.iter().filter(|l| l.option == option) {
            let end = (l.start + res.term_months).min(sc.periods);
            for r in &mut reserved[l.start..end] {
                *r += l.lots * res.lot_units;
            }
        }
        let mut used = vec![0.0; sc.periods];
        let mut used_by_workload = 0.0;
        for a in sol.allocations.iter().filter(|a| a.offer == res.offer) {
            used[a.t] += a.units;
            if a.t == t && a.workload == w {
                used_by_workload += a.units;
            }
        }
        let unit_value = sol
            .rows
            .iter()
            .find(|r| r.name == RowName::Reserved { option, t })
            .and_then(|r| r.dual)
            .map(|y| -y / sc.discount_factor(t) + 0.0);
        let at_lot_limit = sol
            .rows
            .iter()
            .any(|r| r.name == RowName::MaxLots { option } && r.is_binding());
        let starts: Vec<LotStart> = res
            .starts
            .iter()
            .filter(|&&s| res.covers(s, t))
            .map(|&s| LotStart {
                start: s,
                start_month: sc.month(s).to_string(),
                sign_by: sc.month(s - res.lead_months).to_string(),
                end: sc.month(s + res.term_months - 1).to_string(),
                lots: sol
                    .lots
                    .iter()
                    .filter(|l| l.option == option && l.start == s)
                    .map(|l| l.lots)
                    .sum(),
                dual_value: sol
                    .lot_values
                    .iter()
                    .find(|v| v.option == option && v.start == s)
                    .map(|v| v.value_pv() + 0.0),
                exact_value: None,
            })
            .collect();
        out.push(ReservedOption {
            option,
            id: res.id.clone(),
            site: format!(
                "{}/{}/{}",
                sc.providers[res.provider.0].id, sc.regions[res.region.0].id, sc.skus[res.sku.0].id
            ),
            lot_units: res.lot_units,
            reserved: reserved[t],
            used: used[t],
            used_by_workload,
            unit_value,
            idle_why: idle_why(sc, option, &starts, &reserved, &used, t),
            at_lot_limit,
            starts,
        });
    }
    out
}

/// Why an option's reserved units sit idle in `t`: lots come whole, and a term runs on through
/// months that need less than the months that made the lots worth taking.
fn idle_why(
    sc: &Scenario,
    option: ReservationId,
    starts: &[LotStart],
    reserved: &[f64],
    used: &[f64],
    t: usize,
) -> Option<String> {
    let res = &sc.reservations[option.0];
    let idle = reserved[t] - used[t];
    if idle <= crate::solution::NOISE * reserved[t].max(1.0) {
        return None;
    }
    let mut why = Vec::new();
    if sc.lots == crate::scenario::Lots::Integer && used[t] > 0.0 && idle < res.lot_units {
        why.push(format!(
            "a whole lot: lots come in {} units, and one lot fewer ({} units) would not cover the {} used",
            units(res.lot_units),
            units(reserved[t] - res.lot_units),
            units(used[t])
        ));
    }
    // The month of the active terms where the option is used most.
    let busiest = starts
        .iter()
        .filter(|s| s.lots > 0.0)
        .flat_map(|s| s.start..(s.start + res.term_months).min(sc.periods))
        .filter(|&m| m != t)
        .max_by(|&a, &b| used[a].total_cmp(&used[b]).then(b.cmp(&a)));
    if let Some(m) = busiest.filter(|&m| used[m] > used[t]) {
        why.push(format!(
            "the term: lots run {} months, and the same lots are used more in {} ({} of {} reserved units)",
            res.term_months,
            sc.month(m),
            units(used[m]),
            units(reserved[m])
        ));
    }
    if why.is_empty() {
        why.push(
            "the lots still pay for themselves over their term (their charges, a commitment they burn, \
             the months they serve)"
                .into(),
        );
    }
    Some(why.join("; "))
}

impl Explanation {
    /// Fills each start's `exact_value`: the plan re-solved with that start's lots (and its
    /// option's `max_lots`) one higher and every other lot held at the plan's value, allocation
    /// re-optimised; saving = plan objective − re-solved objective. At most [`EXACT_STARTS`]
    /// starts (those with lots first, then the latest); the others keep only the dual bound.
    pub fn price_lots_exactly(
        &mut self,
        sc: &Scenario,
        model: &Model,
        sol: &Solution,
        solver: crate::solve::SolverChoice,
    ) {
        let mut wanted: Vec<(usize, usize, bool)> = Vec::new();
        for (i, o) in self.reserved.iter().enumerate() {
            for (k, s) in o.starts.iter().enumerate() {
                wanted.push((i, k, s.lots > 0.0));
            }
        }
        wanted.sort_by(|a, b| {
            b.2.cmp(&a.2).then(
                self.reserved[b.0].starts[b.1]
                    .start
                    .cmp(&self.reserved[a.0].starts[a.1].start),
            )
        });
        wanted.truncate(EXACT_STARTS);
        for (i, k, _) in wanted {
            let option = self.reserved[i].option;
            let start = self.reserved[i].starts[k].start;
            self.reserved[i].starts[k].exact_value = Some(
                one_more_lot(sc, model, sol, option, start, solver).map(|v| sol.objective_usd - v),
            );
        }
    }
}

/// The objective of the plan with one more lot of `option` starting in `start`, every other lot
/// held; else why that plan has no solution.
fn one_more_lot(
    sc: &Scenario,
    model: &Model,
    sol: &Solution,
    option: ReservationId,
    start: usize,
    solver: crate::solve::SolverChoice,
) -> Result<f64, String> {
    use crate::model::{Sense, Var};
    use crate::solve::SolveError;
    let mut lp = model.lp.clone();
    // Every lot is held below: what is left is an LP.
    lp.integer.clear();
    // Hold every lot at the plan's value (a whole-lot plan already has these rows).
    let fixed: Vec<usize> = lp
        .rows
        .iter()
        .filter(|r| matches!(r.name, RowName::LotFix { .. }))
        .filter_map(|r| r.terms.first().map(|t| t.0))
        .collect();
    for j in 0..lp.vars.len() {
        if matches!(lp.vars[j], Var::Lots { .. }) && !fixed.contains(&j) {
            let v = sol.values[j].max(0.0);
            let name = match lp.vars[j] {
                Var::Lots { option, start } => RowName::LotFix { option, start },
                _ => unreachable!(),
            };
            lp.add_row(name, vec![(j, 1.0)], Sense::Eq, v);
        }
    }
    for row in &mut lp.rows {
        match row.name {
            RowName::LotFix {
                option: o,
                start: s,
            } if o == option && s == start => row.rhs += 1.0,
            RowName::MaxLots { option: o } if o == option => row.rhs += 1.0,
            _ => {}
        }
    }
    match crate::solve::solve_lp(&mut lp, solver) {
        Ok(solved) => Ok(lp.objective_value(&solved.outcome.x)),
        Err(SolveError::Infeasible) => Err(no_room(sc, &lp, sol, option, start)),
        Err(SolveError::Failed(e)) => Err(format!("not solved: {e}")),
    }
}

/// Why one more lot makes the plan infeasible: a power row that the reserved units alone (every
/// lot held, this start one higher) already overrun, else a general word.
fn no_room(
    sc: &Scenario,
    lp: &crate::model::Lp,
    sol: &Solution,
    option: ReservationId,
    start: usize,
) -> String {
    use crate::model::Var;
    for row in lp
        .rows
        .iter()
        .filter(|r| matches!(r.name, RowName::Power { .. }))
    {
        let mut touches = false;
        let installed: f64 = row
            .terms
            .iter()
            .filter_map(|&(j, a)| match lp.vars[j] {
                Var::Lots {
                    option: o,
                    start: s,
                } => {
                    let more = o == option && s == start;
                    touches |= more;
                    Some(a * (sol.values[j].max(0.0) + if more { 1.0 } else { 0.0 }))
                }
                _ => None,
            })
            .sum();
        if touches && installed > row.rhs * (1.0 + 1e-9) {
            if let RowName::Power { limit, t } = row.name {
                return format!(
                    "does not fit: the reserved units alone would draw {} MW at {} in {}, over its {} MW",
                    num(installed, 4),
                    sc.power_label(limit),
                    sc.month(t),
                    num(row.rhs, 4)
                );
            }
        }
    }
    "does not fit: the plan with it is infeasible (a limit it would break: power, shares, holds)"
        .into()
}

/// `aws: list $6,000 credited to aws-b $5,000 (20% off), aws-a $1,000 (10% off)` for each
/// provider with a contract in force in `t` (from the plan's spend ledger).
fn credits(sc: &Scenario, sol: &Solution, t: usize) -> Vec<String> {
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
    fn render_reserved(&self, s: &mut String) {
        if self.reserved.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "\nReserved capacity that can serve {} in {}: units reserved (lot_units × active lots) against units \
             used, and what one more lot would save (present value; positive = the plan gets cheaper):",
            self.workload, self.period
        );
        for o in &self.reserved {
            let value = o
                .unit_value
                // The `reserved` row's value is in that month's dollars, not present value like
                // the lot figures under the same heading.
                .map(|v| {
                    format!(
                        "; one more reserved unit this month saves {} (nominal)",
                        usd(v)
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "\n  {} ({}, lots of {} units): reserved {}, used {} ({} by {}), idle {}{value}",
                o.id,
                o.site,
                units(o.lot_units),
                units(o.reserved),
                units(o.used),
                units(o.used_by_workload),
                self.workload,
                units((o.reserved - o.used).max(0.0))
            );
            if let Some(why) = &o.idle_why {
                let _ = writeln!(s, "    idle because {why}");
            }
            if o.at_lot_limit {
                let _ = writeln!(
                    s,
                    "    at its lot limit (max_lots): one more lot needs the limit raised"
                );
            }
            for l in &o.starts {
                let dual = l
                    .dual_value
                    .map(|v| format!("at most {} (duals)", usd(v)))
                    .unwrap_or_else(|| "no duals".into());
                let exact = match &l.exact_value {
                    Some(Ok(v)) => format!(", exactly {} (re-solved, other lots held)", usd(*v)),
                    Some(Err(why)) => format!("; but one more lot {why}"),
                    None => String::new(),
                };
                let _ = writeln!(
                    s,
                    "    start {} (sign by {}, ends {}): lots {}; one more lot saves {dual}{exact}",
                    l.start_month,
                    l.sign_by,
                    l.end,
                    units(l.lots)
                );
            }
        }
        let _ = writeln!(
            s,
            "\n  The duals price one reserved unit more; a lot adds lot_units units at once, so the dual value is an \
             upper bound on what a whole lot saves (the plan's cost is convex in its lots). The re-solved value is \
             what it saves."
        );
    }

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
        self.render_reserved(&mut s);
        if !self.credits.is_empty() {
            let _ = writeln!(s, "\nSpend in {} credited to contracts:", self.period);
            for c in &self.credits {
                let _ = writeln!(s, "  {c}");
            }
        }
        s
    }
}
