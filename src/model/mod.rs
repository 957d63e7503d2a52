//! Stage 3: the linear program of SPEC, built from a validated scenario. Columns are declared in
//! `variables`; each constraint family lives in its own file under `families/`.

pub mod families;
pub mod lp;
pub mod variables;

use crate::scenario::Scenario;
use families::rules::Access;
pub use lp::{Lp, RowName, Sense, Var};
pub use variables::Columns;

/// The LP and where its columns are.
#[derive(Debug)]
pub struct Model {
    pub lp: Lp,
    pub cols: Columns,
}

/// Builds SPEC's model. With `elastic_demand`, every workload gets an unmet column (hard ones at
/// zero cost, for the caller to price): used to explain infeasibility.
pub fn build(sc: &Scenario, elastic_demand: bool) -> Model {
    let access = Access::build(sc);
    let mut lp = Lp::default();
    let cols = variables::declare(sc, &access, elastic_demand, &mut lp);
    families::add_all(sc, &cols, &mut lp);
    Model { lp, cols }
}
