//! `exclusive` (the workload runs only on the provider) and `forbid` (never on the provider),
//! in each month of the rule's window. They remove columns rather than add rows.

use super::Access;
use crate::scenario::{RuleKind, Scenario};

pub fn restrict(sc: &Scenario, access: &mut Access) {
    for rule in &sc.rules {
        for t in rule.window.months() {
            match rule.kind {
                RuleKind::Exclusive => access.only(rule.workload, rule.provider, t),
                RuleKind::Forbid => access.block(rule.workload, rule.provider, t),
                _ => {}
            }
        }
    }
}
