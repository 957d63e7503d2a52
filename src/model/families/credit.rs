//! Credit, for each provider `p` and month `t` with two or more of its contracts in force:
//! `sum_c a[c,t] <= L[p,t]` (no more list-price spend is credited than was spent). Months with one
//! contract in force substitute `a = L` and need no row (see `model::spend`).

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::spend::Credit;
use crate::model::variables::Columns;
use crate::scenario::{ProviderId, Scenario};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    let spend = &cols.spend;
    for p in 0..sc.providers.len() {
        for t in 0..sc.periods {
            let k = p * sc.periods + t;
            let Credit::Split(credits) = &spend.credit[k] else {
                continue;
            };
            let mut terms: Vec<(usize, f64)> = credits.iter().map(|&(_, j)| (j, 1.0)).collect();
            terms.extend(spend.list[k].iter().map(|&(j, a)| (j, -a)));
            let provider = ProviderId(p);
            lp.add_row(RowName::Credit { provider, t }, terms, Sense::Le, 0.0);
        }
    }
}
