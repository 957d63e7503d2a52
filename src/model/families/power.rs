//! Power envelopes, for each power.csv row and month in its window:
//! `sum over tranches at that provider+region of power_kw(sku) * x / 1000 <= max_mw`.
//! Reserved capacity counts as installed whether used or not: for each option there, its active
//! lots `power_kw * lot_units * r / 1000` take the place of its reserved units' `y` terms.

use super::reservations::active_lots;
use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{PowerId, ReservationId, Scenario};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (p, limit) in sc.power.iter().enumerate() {
        let offers: Vec<usize> = (0..sc.offers.len())
            .filter(|&o| {
                sc.offers[o].provider == limit.provider && sc.offers[o].region == limit.region
            })
            .filter(|&o| sc.skus[sc.offers[o].sku.0].power_kw > 0.0)
            .filter(|&o| sc.offers[o].reservation.is_none())
            .collect();
        let options: Vec<ReservationId> = (0..sc.reservations.len())
            .map(ReservationId)
            .filter(|&k| {
                let r = &sc.reservations[k.0];
                r.provider == limit.provider
                    && r.region == limit.region
                    && sc.skus[r.sku.0].power_kw > 0.0
            })
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
            for &k in &options {
                let r = &sc.reservations[k.0];
                let mw_per_lot = sc.skus[r.sku.0].power_kw * r.lot_units / 1000.0;
                terms.extend(active_lots(sc, cols, k, t).map(|j| (j, mw_per_lot)));
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
