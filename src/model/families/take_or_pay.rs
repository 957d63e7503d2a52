//! Take-or-pay commitments, for each contract `c`:
//! `sum_t (1 - d_c) * a[c,t] + s[c] + sum over c's minimums m of s[m] >= owed_c`, where `a[c,t]` is
//! the list spend credited to `c` (`model::spend`; all of the provider's spend where `c` is the
//! only contract in force, which is version 1's row) and `owed_c` is `commit_usd`, pro-rated with
//! `beyond_horizon = prorate`. Spend is nominal: a commitment is burned in dollars of the day.

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{ContractId, Scenario};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (c, contract) in sc.contracts.iter().enumerate() {
        let contract_id = ContractId(c);
        let mut terms = cols
            .spend
            .burn_terms(sc, contract_id, contract.window.months());
        terms.push((cols.shortfall[c], 1.0));
        for (m, min) in sc.minimums.iter().enumerate() {
            if min.contract == contract_id {
                terms.push((cols.minimum_shortfall[m], 1.0));
            }
        }
        lp.add_row(
            RowName::TakeOrPay {
                contract: contract_id,
            },
            terms,
            Sense::Ge,
            contract.owed_usd,
        );
    }
}
