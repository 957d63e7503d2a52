//! The constraint families, one file each, all with the same signature, called in order from
//! [`add_all`]. A family with no input rows adds nothing.

pub mod capacity;
pub mod cash;
pub mod credit;
pub mod demand;
pub mod minimums;
pub mod power;
pub mod reservations;
pub mod rules;
pub mod take_or_pay;

use super::lp::Lp;
use super::variables::Columns;
use crate::scenario::Scenario;

/// Signature shared by every family.
pub type Family = fn(&Scenario, &Columns, &mut Lp);

/// Every family, in the order rows are added.
pub const FAMILIES: &[(&str, Family)] = &[
    ("demand", demand::add),
    ("capacity", capacity::add),
    ("reservations", reservations::add),
    ("power", power::add),
    ("credit", credit::add),
    ("take_or_pay", take_or_pay::add),
    ("minimums", minimums::add),
    ("shares", rules::shares::add),
    ("first_on", rules::first_on::add),
    // Last: its rows take every payment column declared before it.
    ("cash", cash::add),
];

pub fn add_all(sc: &Scenario, cols: &Columns, lp: &mut Lp) {
    for (_, family) in FAMILIES {
        family(sc, cols, lp);
    }
}
