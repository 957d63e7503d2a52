//! `min_share` / `max_share`: demand units of the workload served on the provider are at least / at
//! most `share` of all its served demand units, each month of the window:
//! `sum_{o on p} perf*x - share * sum_o perf*x  >= 0` (min) or `<= 0` (max).

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{ProviderId, RuleId, RuleKind, Scenario, WorkloadId};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (r, rule) in sc.rules.iter().enumerate() {
        let (share, sense) = match rule.kind {
            RuleKind::MinShare(s) => (s, Sense::Ge),
            RuleKind::MaxShare(s) => (s, Sense::Le),
            _ => continue,
        };
        for t in rule.window.months() {
            let name = match sense {
                Sense::Ge => RowName::MinShare { rule: RuleId(r), t },
                _ => RowName::MaxShare { rule: RuleId(r), t },
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
