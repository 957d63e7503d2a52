//! Capacity reservations (SPEC v2): lots `r[k,s]` of option `k` starting in month `s`, and the
//! reserved units `y[k,w,t]` they give (the columns of the option's pseudo-tranche, see
//! `Offer::reservation`, so demand rows, shares and `first_on` see them as served on the provider).
//! - reserved capacity, each `k,t`: `sum_w y[k,w,t] - lot_units * sum_{s active in t} r[k,s] <= 0`;
//! - lots, each `k` with a limit: `sum_s r[k,s] <= max_lots`.
//!
//! Power (installed units, used or not) joins the `power` family's rows; the charges below are
//! list-price spend of the provider, in the objective and in take-or-pay.

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{ReservationId, Scenario};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (k, res) in sc.reservations.iter().enumerate() {
        let option = ReservationId(k);
        let by_t = &cols.by_offer[res.offer.0];
        let window = sc.offers[res.offer.0].window;
        for t in window.months() {
            let mut terms: Vec<(usize, f64)> = by_t
                .iter()
                .filter(|c| c.0 == t)
                .map(|c| (c.2, 1.0))
                .collect();
            if terms.is_empty() {
                continue; // nothing can use the lots this month: nothing to bound
            }
            terms.extend(active_lots(sc, cols, option, t).map(|j| (j, -res.lot_units)));
            lp.add_row(RowName::Reserved { option, t }, terms, Sense::Le, 0.0);
        }
        if let Some(max) = res.max_lots {
            let terms = cols.lots[k].iter().map(|&(_, j)| (j, 1.0)).collect();
            lp.add_row(RowName::MaxLots { option }, terms, Sense::Le, max);
        }
    }
}

/// Lots columns of option `k` active in month `t`.
pub fn active_lots<'a>(
    sc: &'a Scenario,
    cols: &'a Columns,
    k: ReservationId,
    t: usize,
) -> impl Iterator<Item = usize> + 'a {
    let res = &sc.reservations[k.0];
    cols.lots[k.0]
        .iter()
        .filter(move |&&(s, _)| res.covers(s, t))
        .map(|&(_, j)| j)
}

/// List-price USD one lot of `k` starting in `s` charges, by month inside the horizon: the
/// monthly charge every month of the term, plus the upfront in the start month. Months of the
/// term past the horizon are left out (reported as commitment left after the horizon).
pub fn charges(
    sc: &Scenario,
    k: ReservationId,
    s: usize,
) -> impl Iterator<Item = (usize, f64)> + '_ {
    let res = &sc.reservations[k.0];
    let monthly = res.monthly_usd_per_lot(sc.hours_per_month);
    let end = (s + res.term_months).min(sc.periods);
    (s..end).map(move |t| {
        let upfront = if t == s { res.upfront_usd_per_lot } else { 0.0 };
        (t, monthly + upfront)
    })
}

/// List-price USD one lot of `k` starting in `s` still owes after the horizon ends.
pub fn beyond_horizon_usd(sc: &Scenario, k: ReservationId, s: usize) -> f64 {
    let res = &sc.reservations[k.0];
    let months_after = (s + res.term_months).saturating_sub(sc.periods);
    months_after as f64 * res.monthly_usd_per_lot(sc.hours_per_month)
}
