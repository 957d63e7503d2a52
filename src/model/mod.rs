//! Stage 3: the linear program of SPEC, built from a validated scenario. Columns are declared in
//! `variables`; each constraint family lives in its own file under `families/`.

pub mod families;
pub mod lp;
pub mod spend;
pub mod variables;

use crate::scenario::Scenario;
use families::rules::Access;
pub use lp::{Lp, RowName, Sense, Var};
pub use variables::Columns;

/// The LP and where its columns are.
#[derive(Debug, Clone)]
pub struct Model {
    pub lp: Lp,
    pub cols: Columns,
}

/// Builds SPEC's model. With `elastic_demand`, every workload gets an unmet column (hard ones at
/// zero cost, for the caller to price): used to explain infeasibility.
pub fn build(sc: &Scenario, elastic_demand: bool) -> Model {
    build_with(sc, elastic_demand, false)
}

/// As [`build`]; with `elastic_access`, columns that access rules remove are declared too and
/// listed in `Columns::blocked`, for the infeasibility diagnosis to price.
pub fn build_with(sc: &Scenario, elastic_demand: bool, elastic_access: bool) -> Model {
    let access = Access::build(sc);
    let mut lp = Lp::default();
    let cols = variables::declare(sc, &access, elastic_demand, elastic_access, &mut lp);
    families::add_all(sc, &cols, &mut lp);
    if sc.lots == crate::scenario::Lots::Integer {
        lp.integer = cols.lots.iter().flatten().map(|&(_, j)| j).collect();
    }
    lp.mip_gap = sc.mip_gap;
    Model { lp, cols }
}
