//! What-if studies built on the pipeline: re-solves of modified scenarios.

pub mod cash;
pub mod clauses;
pub mod commit;
pub mod diff;
pub mod explain;
pub mod risk;
pub mod sample;
pub mod shard;
pub mod simulate;
pub mod sweep;

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar on stderr when it is a terminal and not `quiet`; hidden otherwise (CI, pipes).
pub fn progress(len: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}
