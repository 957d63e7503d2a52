//! Power envelopes, for each power.csv row and month in its window:
//! `sum over tranches at that provider+region of power_kw(sku) * x / 1000 <= max_mw`.

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{PowerId, Scenario};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (p, limit) in sc.power.iter().enumerate() {
        let offers: Vec<usize> = (0..sc.offers.len())
            .filter(|&o| {
                sc.offers[o].provider == limit.provider && sc.offers[o].region == limit.region
            })
            .filter(|&o| sc.skus[sc.offers[o].sku.0].power_kw > 0.0)
            .collect();
        for t in limit.window.months() {
            let mut terms = Vec::new();
            for &o in &offers {
                let mw_per_unit = sc.skus[sc.offers[o].sku.0].power_kw / 1000.0;
                terms.extend(
                    cols.by_offer[o]
                        .iter()
                        .filter(|c| c.0 == t)
                        .map(|c| (c.2, mw_per_unit)),
                );
            }
            if !terms.is_empty() {
                lp.add_row(
                    RowName::Power {
                        limit: PowerId(p),
                        t,
                    },
                    terms,
                    Sense::Le,
                    limit.max_mw,
                );
            }
        }
    }
}
