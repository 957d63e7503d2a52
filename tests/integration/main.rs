//! One integration-test binary: scenario fixtures with hand-computed optima, bad-input folders,
//! the command line, and the reference scenario.

mod bad_input;
mod cli;
mod contracts;
mod differential;
mod explain;
mod extremes;
mod fixtures;
mod fuzz;
mod mip_highs;
mod money;
mod new_user;
mod odd_inputs;
mod out_safety;
mod reference;
mod reports;
mod reservations_report;
mod slurm;
mod sweep;
mod synth;
mod trust;
mod uncertainty;
mod util;
mod workbook;
