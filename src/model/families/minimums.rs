//! Contract minimums (`minimums.csv`), for each milestone `m` of contract `c`:
//! `sum over t in m.from..m.to of (1 - d_c) * a[c,t] + s[m] >= min_usd` (pro-rated like its
//! contract when it runs past the horizon); `s[m]` is paid at `df(m.to)` and counts toward the
//! contract's total (family `take_or_pay`).

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{MinimumId, Scenario};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (m, min) in sc.minimums.iter().enumerate() {
        let mut terms = cols.spend.burn_terms(sc, min.contract, min.window.months());
        terms.push((cols.minimum_shortfall[m], 1.0));
        lp.add_row(
            RowName::Minimum {
                minimum: MinimumId(m),
            },
            terms,
            Sense::Ge,
            min.owed_usd,
        );
    }
}
