//! `plan.json`: the whole solution in one versioned document (documented in docs/plan-json.md).
//! It is the metrics every other report renders, plus a format name and version, so other tools
//! (and `capplan diff`) read exactly what the reports show.

use super::metrics::Metrics;
use serde::Serialize;

pub const FORMAT: &str = "capplan-plan";
/// Raised when a field changes meaning or is removed; adding fields keeps the version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    status: &'static str,
    #[serde(flatten)]
    metrics: &'a Metrics,
}

pub fn plan(m: &Metrics) -> Vec<u8> {
    let doc = Document {
        format: FORMAT,
        version: VERSION,
        status: "optimal",
        metrics: m,
    };
    let mut out = serde_json::to_vec(&doc).expect("metrics serialise");
    out.push(b'\n');
    out
}
