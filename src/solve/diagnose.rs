//! Why a plan is infeasible: re-solve with every hard demand made elastic, minimising the total
//! demand units left unserved, and name the workload-months that fall short.

use super::{backend, SolveError, SolverChoice};
use crate::model::{self, Var};
use crate::scenario::{Scenario, WorkloadId};

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
    let m = model::build(sc, true);
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
