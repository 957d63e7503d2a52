//! `capplan synth`: every size and shape is valid input, and synth S with reservations plans to
//! whole lots within 1% of its proven bound.

use crate::util::{capplan, stderr, workdir};

#[test]
fn every_synth_shape_validates() {
    let dir = workdir();
    let shapes: &[&[&str]] = &[
        &["--size", "S"],
        &["--size", "M"],
        &["--size", "L"],
        &["--size", "S", "--v2"],
        &["--size", "M", "--v2"],
        &["--size", "S", "--coupled"],
        &["--size", "S", "--overlapping", "--minimums"],
        &["--size", "S", "--finance", "--long-terms"],
        &["--size", "S", "--no-reservations"],
    ];
    for (i, shape) in shapes.iter().enumerate() {
        let out = dir.path().join(i.to_string());
        let mut args = vec!["synth"];
        args.extend_from_slice(shape);
        args.push(out.to_str().unwrap());
        let o = capplan(&args);
        assert!(o.status.success(), "{shape:?}: {}", stderr(&o));
        assert_eq!(
            out.join("reservations.csv").exists(),
            !shape.contains(&"--no-reservations")
        );
        let o = capplan(&["validate", out.to_str().unwrap()]);
        assert!(o.status.success(), "{shape:?}: {}", stderr(&o));
    }
}

#[test]
fn synth_s_with_reservations_plans_whole_lots_within_one_percent() {
    let dir = workdir();
    let scen = dir.path().join("s");
    let out = dir.path().join("out");
    assert!(capplan(&["synth", "--size", "S", scen.to_str().unwrap()])
        .status
        .success());
    let o = capplan(&[
        "plan",
        scen.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let objective = summary["objective_usd"].as_f64().unwrap();
    let bound = summary["bound_usd"].as_f64().unwrap();
    let gap = summary["gap_pct"].as_f64().unwrap();
    assert!(gap <= 1.0, "gap {gap}%");
    assert!(objective >= bound * (1.0 - 1e-9), "{objective} < {bound}");
    assert!((100.0 * (objective - bound) / objective - gap).abs() < 1e-6);
    // Every reported lot is a whole number, and some reservation is taken.
    let text = std::fs::read_to_string(out.join("reservations.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "lots").unwrap();
    let mut taken = 0.0;
    for line in lines {
        let lots: f64 = line.split(',').nth(col).unwrap().parse().unwrap();
        assert_eq!(lots, lots.round(), "{line}");
        taken += lots;
    }
    assert!(taken >= 1.0);
}
