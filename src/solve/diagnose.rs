//! Why a plan is infeasible, two ways: which workload-months fall short (every hard demand made
//! elastic), and which constraints (capacity, power, rules) must give, and by how much.

use super::{backend, SolveError, SolverChoice};
use crate::model::{self, Lp, RowName, Sense, Var};
use crate::report::format::units;
use crate::scenario::{OfferId, PowerId, RuleId, Scenario, WorkloadId};
use std::collections::{BTreeMap, BTreeSet};

/// A workload-month whose hard demand cannot be met, and by how much.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandShortfall {
    pub workload: WorkloadId,
    pub t: usize,
    pub short: f64,
}

/// Shortfalls below this many demand units are solver noise.
const SHORT_TOLERANCE: f64 = 1e-6;

pub fn demand_shortfalls(
    sc: &Scenario,
    solver: SolverChoice,
) -> Result<Vec<DemandShortfall>, SolveError> {
    demand_shortfalls_with(sc, solver, |_| {})
}

/// As [`demand_shortfalls`], the elastic model changed by `adjust` first (`simulate` holds the
/// plan's signed lots in it, as in the sample it explains).
pub fn demand_shortfalls_with(
    sc: &Scenario,
    solver: SolverChoice,
    adjust: impl FnOnce(&mut model::Model),
) -> Result<Vec<DemandShortfall>, SolveError> {
    let mut m = model::build(sc, true);
    adjust(&mut m);
    // Only hard demand left unserved costs anything; everything else is free to make room.
    let weights: Vec<f64> =
        m.lp.vars
            .iter()
            .map(|v| match v {
                Var::Unmet { workload, .. }
                    if sc.workloads[workload.0].unmet_usd_per_unit_hour.is_none() =>
                {
                    1.0
                }
                _ => 0.0,
            })
            .collect();
    let out = backend::solve(&m.lp, &weights, false, solver)?;
    let mut short: Vec<DemandShortfall> =
        m.lp.vars
            .iter()
            .zip(&out.x)
            .filter(|(_, &x)| x > 0.0)
            .filter_map(|(v, &x)| match *v {
                Var::Unmet { workload, t } if weights_hard(sc, workload) => {
                    let tol = SHORT_TOLERANCE * sc.demand(workload, t).max(1.0);
                    (x > tol).then_some(DemandShortfall {
                        workload,
                        t,
                        short: x,
                    })
                }
                _ => None,
            })
            .collect();
    short.sort_by(|a, b| (a.t, a.workload).cmp(&(b.t, b.workload)));
    Ok(short)
}

fn weights_hard(sc: &Scenario, w: WorkloadId) -> bool {
    sc.workloads[w.0].unmet_usd_per_unit_hour.is_none()
}

/// A family of constraints the diagnosis may relax as one: a tranche's capacity, a power.csv row,
/// or a rule (its share rows and the columns it removes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Tranche(OfferId),
    Power(PowerId),
    Rule(RuleId),
}

/// How much one group must give, month by month, for the plan to become feasible.
#[derive(Debug, Clone)]
pub struct Relaxation {
    pub group: Group,
    /// `(month index, amount)`: units of capacity, MW, or demand units the rule must let through.
    pub by_month: Vec<(usize, f64)>,
}

/// Most groups the narrowing tries one by one (each try is a solve).
const MAX_NARROWING: usize = 60;

/// The constraints to relax, and by how much, for the plan to meet every hard demand: an elastic
/// re-solve with priced slacks on every capacity, power and share row and on the columns rules
/// remove (each priced relative to its limit, so a 10% relaxation of a small limit weighs like
/// 10% of a large one), then a deletion filter: each relaxed group is made hard again in turn and
/// kept hard if the plan stays feasible. The result is irreducible: every group in it is needed.
/// `None` when no such relaxation helps (only adding demand-side room would).
pub fn constraint_relaxations(
    sc: &Scenario,
    solver: SolverChoice,
) -> Result<Option<Vec<Relaxation>>, SolveError> {
    let m = model::build_with(sc, false, true);
    let mut lp = m.lp;
    let mut weight = vec![0.0; lp.vars.len()];
    let mut group_of: Vec<Option<Group>> = vec![None; lp.vars.len()];
    let add_col =
        |lp: &mut Lp, weight: &mut Vec<f64>, group_of: &mut Vec<Option<Group>>, var, w, g, mag| {
            let j = lp.add_var(var, 0.0, mag, f64::INFINITY);
            weight.push(w);
            group_of.push(Some(g));
            j
        };
    for i in 0..lp.rows.len() {
        let row = &lp.rows[i];
        let (group, limit) = match row.name {
            RowName::Capacity { offer, .. } => (Group::Tranche(offer), row.rhs.max(1.0)),
            RowName::Power { limit, .. } => (Group::Power(limit), row.rhs.max(1e-3)),
            RowName::MinShare { rule, t }
            | RowName::MaxShare { rule, t }
            | RowName::FirstOnShare { rule, t } => (
                Group::Rule(rule),
                sc.demand(sc.rules[rule.0].workload, t).max(1.0),
            ),
            _ => continue,
        };
        let sign = if row.sense == Sense::Le { -1.0 } else { 1.0 };
        let j = add_col(
            &mut lp,
            &mut weight,
            &mut group_of,
            Var::Slack { row: i },
            1.0 / limit,
            group,
            limit,
        );
        lp.rows[i].terms.push((j, sign));
    }
    for &(j, rule) in &m.cols.blocked {
        if let Var::Alloc { offer, workload, t } = lp.vars[j] {
            let perf = sc.perf(workload, sc.offers[offer.0].sku);
            weight[j] = perf / sc.demand(workload, t).max(1.0);
            group_of[j] = Some(Group::Rule(rule));
        }
    }
    // The plan with only `allowed` groups elastic: other groups' columns are taken out of every row.
    let restricted = |allowed: &BTreeSet<Group>| -> Lp {
        let mut l = lp.clone();
        for row in &mut l.rows {
            row.terms
                .retain(|&(j, _)| group_of[j].is_none_or(|g| allowed.contains(&g)));
        }
        l
    };
    let everything: BTreeSet<Group> = group_of.iter().flatten().copied().collect();
    let first = match backend::solve(&restricted(&everything), &weight, false, solver) {
        Ok(out) => out,
        Err(SolveError::Infeasible) => return Ok(None),
        Err(e) => return Err(e),
    };
    let used = |x: &[f64]| -> BTreeSet<Group> {
        (0..x.len())
            .filter(|&j| x[j] > 1e-7 * lp.magnitude[j].max(1.0))
            .filter_map(|j| group_of[j])
            .collect()
    };
    let mut keep = used(&first.x);
    if keep.len() <= MAX_NARROWING {
        for g in keep.clone() {
            let mut trial = keep.clone();
            trial.remove(&g);
            match backend::solve(&restricted(&trial), &weight, false, solver) {
                Ok(_) => keep = trial,
                Err(SolveError::Infeasible) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let last = backend::solve(&restricted(&keep), &weight, false, solver)?;
    let mut amounts: BTreeMap<Group, BTreeMap<usize, f64>> = BTreeMap::new();
    for (j, &x) in last.x.iter().enumerate() {
        let Some(g) = group_of[j].filter(|g| keep.contains(g)) else {
            continue;
        };
        if x <= 1e-7 * lp.magnitude[j].max(1.0) {
            continue;
        }
        let (t, amount) = match lp.vars[j] {
            Var::Slack { row } => match lp.rows[row].name {
                RowName::Capacity { t, .. } | RowName::Power { t, .. } => (t, x),
                RowName::MinShare { t, .. }
                | RowName::MaxShare { t, .. }
                | RowName::FirstOnShare { t, .. } => (t, x),
                _ => continue,
            },
            Var::Alloc { offer, workload, t } => (t, x * sc.perf(workload, sc.offers[offer.0].sku)),
            _ => continue,
        };
        *amounts.entry(g).or_default().entry(t).or_default() += amount;
    }
    Ok(Some(
        amounts
            .into_iter()
            .map(|(group, by)| Relaxation {
                group,
                by_month: by.into_iter().collect(),
            })
            .collect(),
    ))
}

impl Relaxation {
    /// The relaxation in a planner's words, one line per month.
    pub fn describe(&self, sc: &Scenario) -> String {
        let months = |unit: &str, plus: &str| -> String {
            let amount = |a: f64| {
                if unit == "MW" {
                    crate::report::format::num(a, 4)
                } else {
                    units(a)
                }
            };
            let parts: Vec<String> = self
                .by_month
                .iter()
                .map(|(t, a)| format!("{} {plus}{} {unit}", sc.month(*t), amount(*a)))
                .collect();
            parts.join(", ")
        };
        match self.group {
            Group::Tranche(o) => format!(
                "capacity of tranche {}: {}",
                sc.offer_label(o),
                months("units", "+")
            ),
            Group::Power(p) => format!(
                "power at {}, {} MW: {}",
                sc.power_label(p),
                crate::report::format::num(sc.power[p.0].max_mw, 3),
                months("MW", "+")
            ),
            Group::Rule(r) => format!(
                "rule {}: let through {}",
                sc.rule_label(r),
                months("demand units", "")
            ),
        }
    }
}
