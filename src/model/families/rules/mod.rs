//! Contract clauses from rules.csv. Clauses that keep a workload off a provider (`exclusive`,
//! `forbid`, `first_on`/`window`) act on which columns exist ([`Access`]); the others add rows.

pub mod exclusive;
pub mod first_on;
pub mod shares;

use crate::scenario::{ProviderId, RuleId, Scenario, WorkloadId};

/// Which provider may serve which workload in which month, after the access clauses.
#[derive(Debug, Clone)]
pub struct Access {
    providers: usize,
    periods: usize,
    /// `[(workload * providers + provider) * periods + t]`: the first rule keeping it off.
    blocked: Vec<Option<RuleId>>,
}

impl Access {
    pub fn build(sc: &Scenario) -> Access {
        let mut access = Access {
            providers: sc.providers.len(),
            periods: sc.periods,
            blocked: vec![None; sc.workloads.len() * sc.providers.len() * sc.periods],
        };
        exclusive::restrict(sc, &mut access);
        first_on::restrict(sc, &mut access);
        access
    }

    pub fn allowed(&self, w: WorkloadId, p: ProviderId, t: usize) -> bool {
        self.blocked_by(w, p, t).is_none()
    }

    /// The rule that keeps `w` off `p` in month `t`, if any.
    pub fn blocked_by(&self, w: WorkloadId, p: ProviderId, t: usize) -> Option<RuleId> {
        self.blocked[(w.0 * self.providers + p.0) * self.periods + t]
    }

    pub fn block(&mut self, w: WorkloadId, p: ProviderId, t: usize, rule: RuleId) {
        let cell = &mut self.blocked[(w.0 * self.providers + p.0) * self.periods + t];
        cell.get_or_insert(rule);
    }

    /// Keeps `w` on `p` alone in month `t`.
    pub fn only(&mut self, w: WorkloadId, p: ProviderId, t: usize, rule: RuleId) {
        for other in (0..self.providers).map(ProviderId).filter(|&q| q != p) {
            self.block(w, other, t, rule);
        }
    }
}
