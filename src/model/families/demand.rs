//! Demand balance, for each workload `w` and month `t` of the horizon:
//! `sum_o perf(o.sku, w) * x[o,w,t] + u[w,t] = demand(w,t)`.

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{Scenario, WorkloadId};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for w in 0..sc.workloads.len() {
        let workload = WorkloadId(w);
        for t in 0..sc.periods {
            let k = w * sc.periods + t;
            let mut terms: Vec<(usize, f64)> = cols.by_demand[k]
                .iter()
                .map(|&(o, j)| (j, sc.perf(workload, sc.offers[o.0].sku)))
                .collect();
            if let Some(u) = cols.unmet[k] {
                terms.push((u, 1.0));
            }
            let demand = sc.demand(workload, t);
            if terms.is_empty() && demand == 0.0 {
                continue;
            }
            lp.add_row(RowName::Demand { workload, t }, terms, Sense::Eq, demand);
        }
    }
}
