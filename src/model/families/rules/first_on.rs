//! `first_on`: the "first on Azure" clause ("first on Azure unless Microsoft cannot and chooses not
//! to support the necessary capabilities"), in three readings (`mode`):
//! - `priority`: the provider gets as much of the workload as it can take. Lexicographic: stage 1
//!   maximises the demand units of covered workloads served on the provider (this module builds
//!   that objective into `Lp::priority`), stage 2 minimises cost holding it (see `solve`).
//! - `window`: like `exclusive`, except in a month where the provider cannot support the workload at
//!   all (no open tranche whose SKU can serve it), when the rule does not apply.
//! - `share`: like `min_share` with `share`, with the same exception.

use super::shares::add_share_row;
use super::Access;
use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{FirstOnMode, RuleId, RuleKind, Scenario};

/// `window` mode: keep the workload on the provider in months the provider can support it.
pub fn restrict(sc: &Scenario, access: &mut Access) {
    for (r, rule) in sc.rules.iter().enumerate() {
        if rule.kind == RuleKind::FirstOn(FirstOnMode::Window) {
            for t in rule.window.months() {
                if sc.provider_can_serve(rule.provider, rule.workload, t) {
                    access.only(rule.workload, rule.provider, t, RuleId(r));
                }
            }
        }
    }
}

/// `share` mode rows and the `priority` mode's first-stage objective.
pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (r, rule) in sc.rules.iter().enumerate() {
        let RuleKind::FirstOn(mode) = rule.kind else {
            continue;
        };
        lp.guard |= mode == FirstOnMode::Priority;
        for t in rule.window.months() {
            match mode {
                FirstOnMode::Share(share) => {
                    if sc.provider_can_serve(rule.provider, rule.workload, t) {
                        let name = RowName::FirstOnShare { rule: RuleId(r), t };
                        add_share_row(
                            sc,
                            cols,
                            lp,
                            name,
                            rule.workload,
                            rule.provider,
                            t,
                            share,
                            Sense::Ge,
                        );
                    }
                }
                FirstOnMode::Priority => {
                    for &(o, j) in &cols.by_demand[rule.workload.0 * sc.periods + t] {
                        let offer = &sc.offers[o.0];
                        if offer.provider == rule.provider {
                            lp.priority.push((j, sc.perf(rule.workload, offer.sku)));
                        }
                    }
                }
                FirstOnMode::Window => {} // handled by `restrict`
            }
        }
    }
}
