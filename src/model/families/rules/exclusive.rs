//! `exclusive` (the workload runs only on the provider) and `forbid` (never on the provider),
//! in each month of the rule's window. They remove columns rather than add rows.

use super::Access;
use crate::scenario::{RuleId, RuleKind, Scenario};

pub fn restrict(sc: &Scenario, access: &mut Access) {
    for (r, rule) in sc.rules.iter().enumerate() {
        for t in rule.window.months() {
            match rule.kind {
                RuleKind::Exclusive => access.only(rule.workload, rule.provider, t, RuleId(r)),
                RuleKind::Forbid => access.block(rule.workload, rule.provider, t, RuleId(r)),
                _ => {}
            }
        }
    }
}
