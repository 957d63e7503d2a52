//! One integration-test binary: scenario fixtures with hand-computed optima, bad-input folders,
//! the command line, and the reference scenario.

mod bad_input;
mod cli;
mod differential;
mod explain;
mod extremes;
mod fixtures;
mod reference;
mod reports;
mod trust;
mod uncertainty;
mod util;
