//! Tranche capacity, for each tranche `o` and month `t` it is open:
//! `sum_w x[o,w,t] <= o.max_units`. Reserved units are bounded by lots instead (`reservations`).

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{OfferId, Scenario};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (o, offer) in sc.offers.iter().enumerate() {
        if offer.reservation.is_some() {
            continue; // reserved units: bounded by their lots (the `reservations` family)
        }
        let by_t = &cols.by_offer[o];
        let mut i = 0;
        while i < by_t.len() {
            let t = by_t[i].0;
            let mut terms = Vec::new();
            while i < by_t.len() && by_t[i].0 == t {
                terms.push((by_t[i].2, 1.0));
                i += 1;
            }
            lp.add_row(
                RowName::Capacity {
                    offer: OfferId(o),
                    t,
                },
                terms,
                Sense::Le,
                offer.max_units,
            );
        }
    }
}
