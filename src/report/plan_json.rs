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

/// Reads a plan.json back into the metrics every report renders.
pub fn read(bytes: &[u8]) -> Result<Metrics, String> {
    #[derive(serde::Deserialize)]
    struct Head {
        format: String,
        version: u32,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| format!("not a plan.json: {e}"))?;
    if head.format != FORMAT {
        return Err(format!("format is '{}', not '{FORMAT}'", head.format));
    }
    if head.version > VERSION {
        return Err(format!(
            "version {} is newer than this capplan reads ({VERSION})",
            head.version
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| format!("plan.json: {e}"))
}

/// A statistic over no samples is NaN, which JSON cannot hold: it is written as `null`.
pub mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_formats_and_newer_versions() {
        assert!(read(br#"{"format":"x","version":1}"#)
            .unwrap_err()
            .contains("not 'capplan-plan'"));
        let newer = format!(r#"{{"format":"{FORMAT}","version":{}}}"#, VERSION + 1);
        assert!(read(newer.as_bytes()).unwrap_err().contains("newer"));
    }
}
