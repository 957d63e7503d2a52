//! `min_share` / `max_share`: demand units of the workload served on the provider are at least / at
//! most `share` of all its served demand units, each month of the window:
//! `sum_{o on p} perf*x - share * sum_o perf*x  >= 0` (min) or `<= 0` (max). Rules that another
//! rule of the same workload, provider and sense makes redundant in a month add no row there.

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{ProviderId, RuleId, RuleKind, Scenario, WorkloadId};
use std::collections::HashMap;

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    // Of several rules bounding one workload's share on one provider in one month, only the
    // tightest can bind: one row per (workload, provider, month, sense), owned by the tightest
    // rule (the first of equals), so the rows grow with the distinct bounds, not with copies.
    let mut tightest: HashMap<(usize, usize, usize, bool), (usize, f64)> = HashMap::new();
    for (r, rule) in sc.rules.iter().enumerate() {
        let (share, is_min) = match rule.kind {
            RuleKind::MinShare(s) => (s, true),
            RuleKind::MaxShare(s) => (s, false),
            _ => continue,
        };
        for t in rule.window.months() {
            let key = (rule.workload.0, rule.provider.0, t, is_min);
            let e = tightest.entry(key).or_insert((r, share));
            let tighter = if is_min { share > e.1 } else { share < e.1 };
            if tighter {
                *e = (r, share);
            }
        }
    }
    for (r, rule) in sc.rules.iter().enumerate() {
        let (share, sense, is_min) = match rule.kind {
            RuleKind::MinShare(s) => (s, Sense::Ge, true),
            RuleKind::MaxShare(s) => (s, Sense::Le, false),
            _ => continue,
        };
        for t in rule.window.months() {
            if tightest[&(rule.workload.0, rule.provider.0, t, is_min)].0 != r {
                continue;
            }
            let name = if is_min {
                RowName::MinShare { rule: RuleId(r), t }
            } else {
                RowName::MaxShare { rule: RuleId(r), t }
            };
            add_share_row(
                sc,
                cols,
                lp,
                name,
                rule.workload,
                rule.provider,
                t,
                share,
                sense,
            );
        }
    }
}

/// One share row; shared with `first_on`/`share`.
#[allow(clippy::too_many_arguments)]
pub fn add_share_row(
    sc: &Scenario,
    cols: &Columns,
    lp: &mut Lp,
    name: RowName,
    w: WorkloadId,
    p: ProviderId,
    t: usize,
    share: f64,
    sense: Sense,
) {
    let terms: Vec<(usize, f64)> = cols.by_demand[w.0 * sc.periods + t]
        .iter()
        .map(|&(o, j)| {
            let offer = &sc.offers[o.0];
            let on_provider = if offer.provider == p { 1.0 } else { 0.0 };
            (j, sc.perf(w, offer.sku) * (on_provider - share))
        })
        .filter(|&(_, a)| a != 0.0)
        .collect();
    if !terms.is_empty() {
        lp.add_row(name, terms, sense, 0.0);
    }
}
