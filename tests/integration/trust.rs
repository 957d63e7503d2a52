//! Issue 9 point 2: a plan reported as optimal is optimal and its numbers agree. Hand-computed
//! one-month cases (tests/fixtures/trust/README.md) that were wrong, or panicked, before the
//! optimality check.

use super::util::{close, fixtures, folders, plan_into_temp, stderr};
use serde_json::Value;

#[test]
fn extreme_prices_and_penalties_give_the_hand_computed_optimum() {
    let cases = folders(&fixtures().join("trust"));
    assert_eq!(cases.len(), 5);
    for dir in cases {
        let (_guard, out, o) = plan_into_temp(&dir, &[]);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let read = |p: std::path::PathBuf| -> Value {
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        let want = read(dir.join("expected.json"));
        let got = read(out.join("summary.json"));
        assert_eq!(got["status"], "optimal", "{name}");
        for key in ["objective_usd", "usage_usd", "shortfall_usd", "unmet_units"] {
            let (g, w) = (got[key].as_f64().unwrap(), want[key].as_f64().unwrap());
            assert!(close(g, w, 1e-7), "{name}: {key} {g} vs hand-computed {w}");
        }
        // The objective's parts add up to it.
        let parts = &got["objective_breakdown_pv_usd"];
        let sum: f64 = ["usage", "unmet", "shortfall"]
            .iter()
            .map(|k| parts[*k].as_f64().unwrap())
            .sum();
        let objective = got["objective_usd"].as_f64().unwrap();
        assert!(
            close(sum, objective, 1e-7),
            "{name}: parts {sum} vs objective {objective}"
        );
        if let Some(v) = want.get("variables") {
            assert_eq!(&got["model"]["variables"], v, "{name}");
        }
    }
}
