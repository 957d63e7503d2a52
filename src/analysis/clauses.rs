//! The price of every clause: re-solve with each rule and each contract removed, and each
//! `first_on` rule under each of its three readings. Solves run in parallel; each is independent
//! and deterministic, so results do not depend on the thread count.

use super::shard::Shard;
use crate::scenario::{ContractId, FirstOnMode, RuleKind, Scenario};
use crate::solve::SolverChoice;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Share used for the `share` reading of a `first_on` rule that has no share of its own.
pub const DEFAULT_FIRST_ON_SHARE: f64 = 0.5;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClausePrice {
    pub clause: String,
    pub kind: String,
    /// "as written", or the `first_on` reading solved ("mode=priority", ...).
    pub variant: String,
    /// Objective with the clause (as written or in that reading); `None` if infeasible.
    pub objective_usd: Option<f64>,
    /// Objective with the clause removed; `None` if infeasible.
    pub objective_without_usd: Option<f64>,
    /// On the all-rules row only: its price minus the sum of the single rules' prices. Not 0 when
    /// the singles overlap (or reinforce): single clause prices are not additive.
    pub interaction_usd: Option<f64>,
}

/// The `clause` of the row that removes every rule at once.
pub const ALL_RULES: &str = "(all rules)";

/// `with - without`, 0 within `NOISE` (as `ClausePrice::delta_usd`).
fn delta(with: f64, without: f64) -> f64 {
    let d = with - without;
    if d.abs() <= NOISE * with.abs().max(without.abs()) {
        0.0
    } else {
        d
    }
}

/// Differences below this fraction of the objective are the solver's accuracy, not a price.
pub const NOISE: f64 = 1e-8;

impl ClausePrice {
    /// What the clause costs: objective with it minus objective without it (0 within `NOISE`).
    pub fn delta_usd(&self) -> Option<f64> {
        Some(delta(self.objective_usd?, self.objective_without_usd?))
    }

    pub fn delta_pct(&self) -> Option<f64> {
        let without = self.objective_without_usd?;
        (without != 0.0).then(|| 100.0 * self.delta_usd().unwrap_or(0.0) / without)
    }
}

/// One scenario to solve.
enum Variant {
    /// Every rule removed at once: the joint price of the clauses.
    WithoutAllRules,
    WithoutRule(usize),
    WithoutContract(usize),
    FirstOnMode(usize, FirstOnMode),
}

/// Prices every clause of `sc`, whose own optimum is `base_objective`.
pub fn price(
    sc: &Scenario,
    base_objective: f64,
    solver: SolverChoice,
    quiet: bool,
) -> Vec<ClausePrice> {
    let objectives = objectives(sc, solver, quiet, Shard::ALL)
        .into_iter()
        .map(|o| o.objective_usd)
        .collect();
    assemble(sc, base_objective, objectives)
}

/// The re-solves, in order: each rule removed (and each `first_on` rule under each reading right
/// after it), then each contract removed.
fn variants(sc: &Scenario) -> Vec<Variant> {
    let mut variants = Vec::new();
    if !sc.rules.is_empty() {
        variants.push(Variant::WithoutAllRules);
    }
    for (r, rule) in sc.rules.iter().enumerate() {
        variants.push(Variant::WithoutRule(r));
        if let RuleKind::FirstOn(mode) = rule.kind {
            let share = match mode {
                FirstOnMode::Share(s) => s,
                _ => DEFAULT_FIRST_ON_SHARE,
            };
            for m in [
                FirstOnMode::Priority,
                FirstOnMode::Window,
                FirstOnMode::Share(share),
            ] {
                variants.push(Variant::FirstOnMode(r, m));
            }
        }
    }
    variants.extend((0..sc.contracts.len()).map(Variant::WithoutContract));
    variants
}

/// How many re-solves pricing the clauses of `sc` takes (the work items of a shard).
pub fn variant_count(sc: &Scenario) -> u64 {
    variants(sc).len() as u64
}

/// The objective of one re-solve; `None` when infeasible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantObjective {
    pub index: u64,
    pub objective_usd: Option<f64>,
}

/// Solves the re-solves `shard` owns, in parallel; in index order.
pub fn objectives(
    sc: &Scenario,
    solver: SolverChoice,
    quiet: bool,
    shard: Shard,
) -> Vec<VariantObjective> {
    let variants = variants(sc);
    let owned: Vec<(usize, &Variant)> = variants
        .iter()
        .enumerate()
        .filter(|(i, _)| shard.owns(*i as u64))
        .collect();
    let bar = super::progress(owned.len() as u64, "pricing clauses", quiet);
    let out = owned
        .par_iter()
        .map(|&(i, v)| {
            let s = match *v {
                Variant::WithoutAllRules => {
                    let mut s = sc.clone();
                    s.rules.clear();
                    s
                }
                Variant::WithoutRule(r) => {
                    let mut s = sc.clone();
                    s.rules.remove(r);
                    s
                }
                Variant::WithoutContract(c) => sc.without_contract(ContractId(c)),
                Variant::FirstOnMode(r, m) => {
                    let mut s = sc.clone();
                    s.rules[r].kind = RuleKind::FirstOn(m);
                    s
                }
            };
            let objective = crate::solve(&s, solver).ok().map(|sol| sol.objective_usd);
            bar.inc(1);
            VariantObjective {
                index: i as u64,
                objective_usd: objective,
            }
        })
        .collect();
    bar.finish_and_clear();
    out
}

/// The clause prices from every re-solve's objective (all of them, in index order).
pub fn assemble(
    sc: &Scenario,
    base_objective: f64,
    objectives: Vec<Option<f64>>,
) -> Vec<ClausePrice> {
    let variants = variants(sc);
    let mut out = Vec::new();
    let mut without_rule = vec![None; sc.rules.len()];
    for (v, obj) in variants.iter().zip(&objectives) {
        if let Variant::WithoutRule(r) = v {
            without_rule[*r] = *obj;
        }
    }
    // Singles overlap when rules pull the same way (two clauses keeping one workload off a cheap
    // provider): the joint price is then less than the sum of the singles.
    let singles: Option<f64> = variants
        .iter()
        .zip(&objectives)
        .filter(|(v, _)| matches!(v, Variant::WithoutRule(_)))
        .map(|(_, o)| o.map(|without| delta(base_objective, without)))
        .sum();
    for (v, obj) in variants.iter().zip(objectives) {
        match *v {
            Variant::WithoutAllRules => out.push(ClausePrice {
                clause: ALL_RULES.into(),
                kind: format!("{} rules together", sc.rules.len()),
                variant: "as written".into(),
                objective_usd: Some(base_objective),
                objective_without_usd: obj,
                interaction_usd: match (obj, singles) {
                    (Some(without), Some(sum)) => Some(delta(base_objective, without) - sum),
                    _ => None,
                },
            }),
            Variant::WithoutRule(r) => out.push(ClausePrice {
                clause: sc.rules[r].id.clone(),
                kind: sc.rules[r].kind.label(),
                variant: "as written".into(),
                objective_usd: Some(base_objective),
                objective_without_usd: obj,
                interaction_usd: None,
            }),
            Variant::FirstOnMode(r, m) => out.push(ClausePrice {
                clause: sc.rules[r].id.clone(),
                kind: sc.rules[r].kind.label(),
                variant: match m {
                    FirstOnMode::Priority => "mode=priority".into(),
                    FirstOnMode::Window => "mode=window".into(),
                    FirstOnMode::Share(s) => format!("mode=share {s}"),
                },
                objective_usd: obj,
                objective_without_usd: without_rule[r],
                interaction_usd: None,
            }),
            Variant::WithoutContract(c) => {
                let k = &sc.contracts[c];
                out.push(ClausePrice {
                    clause: k.id.clone(),
                    kind: format!(
                        "take_or_pay {}% off",
                        crate::report::format::num(k.discount_pct, 2)
                    ),
                    variant: "as written".into(),
                    objective_usd: Some(base_objective),
                    objective_without_usd: obj,
                    interaction_usd: None,
                })
            }
        }
    }
    out
}
