//! Take-or-pay commitments, for each contract `c`:
//! `sum over months in c's window and tranches of c.provider of price_c * H * x + s[c] >= commit_usd`,
//! with `price_c` the tranche price after the contract's discount. Spend is nominal (not discounted):
//! a commitment is burned in dollars of the day. Reservation charges (monthly and upfront) are the
//! provider's spend too, after the same discount.

use crate::model::lp::{Lp, RowName, Sense};
use crate::model::variables::Columns;
use crate::scenario::{ContractId, OfferId, Scenario};

pub fn add(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (c, contract) in sc.contracts.iter().enumerate() {
        let mut terms = Vec::new();
        for (o, offer) in sc.offers.iter().enumerate() {
            if offer.provider != contract.provider {
                continue;
            }
            if offer.reservation.is_some() {
                continue; // reserved units cost nothing: the lots carry the charge
            }
            for &(t, _, j) in &cols.by_offer[o] {
                if contract.window.contains(t) {
                    terms.push((j, sc.effective_price(OfferId(o), t) * sc.hours_per_month));
                }
            }
        }
        let kept = 1.0 - contract.discount_pct / 100.0;
        for t in contract.window.months() {
            terms.extend(
                super::reservations::spend_terms(sc, cols, contract.provider, t)
                    .into_iter()
                    .map(|(j, usd)| (j, usd * kept)),
            );
        }
        terms.push((cols.shortfall[c], 1.0));
        lp.add_row(
            RowName::TakeOrPay {
                contract: ContractId(c),
            },
            terms,
            Sense::Ge,
            contract.commit_usd,
        );
    }
}
