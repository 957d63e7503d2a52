//! The five problems found when capplan was tried as a new user would (issue 10), each replayed.

use super::util::{capplan, fixtures, repo, stdout, workdir};
use capplan::report::metrics;
use capplan::solve::SolverChoice;

/// explain: every chosen option's effective price equals the marginal cost of the demand, and a
/// negative marginal says why. On the reference scenario (priority guard and credits in play).
#[test]
fn explain_chosen_options_price_at_the_marginal_and_negative_marginals_are_explained() {
    let sc = capplan::load(&repo().join("inputs/openai-2025")).unwrap();
    let (model, sol) = capplan::solve_with_model(&sc, SolverChoice::Clarabel).unwrap();
    let mut negatives = 0;
    for w in ["api-stateless", "chat", "training"] {
        let w = sc.workload_id(w).unwrap();
        for t in [6, 18, 40, 70] {
            let e = capplan::analysis::explain::explain(&sc, &model, &sol, w, t);
            let Some(marginal) = e.marginal else { continue };
            for o in e.options.iter().filter(|o| o.units > 1e-3) {
                let eff = o.effective.expect("duals");
                assert!(
                    (eff - marginal).abs() <= 1e-4 * marginal.abs().max(1.0),
                    "{} {}: chosen {} effective {eff} vs marginal {marginal}",
                    e.workload,
                    e.period,
                    o.label
                );
            }
            if marginal < -1e-7 {
                negatives += 1;
                assert!(e.render().contains("It is negative"), "{}", e.render());
            }
        }
    }
    eprintln!("{negatives} negative marginals explained");
}

/// marginal_costs.csv `binding`: one definition from level and dual, in every family; a demand
/// row (always at its limit) with a non-zero value is binding.
#[test]
fn binding_follows_levels_and_duals_in_every_family() {
    let sc = capplan::load(&repo().join("inputs/openai-2025")).unwrap();
    let sol = capplan::solve(&sc, SolverChoice::Clarabel).unwrap();
    let m = metrics::compute(&sc, &sol);
    let mut demand_binding = 0;
    for r in &m.marginal {
        let valued = r.value_pv_usd.abs() > capplan::solution::DUAL_ZERO;
        if r.family == "demand" {
            // Always at its limit: binding exactly when it has a value (the replayed bug).
            assert_eq!(r.binding, valued, "{r:?}");
        } else if r.family == "lot" {
            // One start's lots (the reference reserves): level = limit = its lots by definition;
            // binding = its option's max_lots binds and one more lot would save money (README,
            // "Reservations, reserved vs used"), so a lot that would cost more is not binding.
            assert_eq!(r.level, r.limit, "{r:?}");
            assert!(!r.binding || r.value_pv_usd > 0.0, "{r:?}");
        } else if r.binding {
            assert!(valued, "binding with no value: {r:?}");
        } else {
            // Not binding: no value, or clear slack.
            assert!(!valued || (r.level - r.limit).abs() > 0.0, "{r:?}");
        }
        demand_binding += (r.family == "demand" && r.binding) as usize;
    }
    assert!(demand_binding > 0, "no demand row is binding");
}

/// One model size everywhere: validate, summary.md and summary.json (a priority fixture, whose
/// solve adds hold rows that are not part of the model).
#[test]
fn model_size_is_the_same_in_validate_summary_md_and_summary_json() {
    let dir = fixtures().join("first_on_priority_guard");
    let v = stdout(&capplan(&["validate", dir.to_str().unwrap()]));
    let sc = capplan::load(&dir).unwrap();
    let size = capplan::model::build(&sc, false).lp.size();
    let line = format!(
        "{} variables, {} constraints, {} nonzeros",
        size.variables, size.constraints, size.nonzeros
    );
    assert!(v.contains(&line), "validate: {v}\nexpected {line}");
    let (_w, out, o) = super::util::plan_into_temp(&dir, &[]);
    assert!(o.status.success());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["model"]["variables"], size.variables);
    assert_eq!(json["model"]["rows"], size.constraints);
    assert_eq!(json["model"]["nonzeros"], size.nonzeros);
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let phrase = format!(
        "{} variables, {} constraints",
        size.variables, size.constraints
    );
    assert!(md.contains(&phrase), "summary.md lacks {phrase}");
}

/// diff: solver noise is not a change; the tolerance is stated; a real move is shown.
#[test]
fn diff_ignores_noise_below_its_stated_tolerance() {
    let dir = fixtures().join("take_or_pay_overlapping_discounts");
    let w = workdir();
    let (a, b, c) = (w.path().join("a"), w.path().join("b"), w.path().join("c"));
    for d in [&a, &b, &c] {
        let o = capplan(&[
            "plan",
            dir.to_str().unwrap(),
            "--out",
            d.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(o.status.success());
    }
    let bump = |d: &std::path::Path, rel: f64| {
        let p = d.join("plan.json");
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let row = &mut v["provider_spend"][0]["usd"];
        *row = serde_json::json!(row.as_f64().unwrap() * (1.0 + rel));
        std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
    };
    bump(&b, 1e-12); // noise: like "azure 2025 +$1.92" on a $552B plan
    bump(&c, 1e-2); // a real move
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let noise = stdout(&capplan(&["diff", &s(&a), &s(&b)]));
    assert!(noise.contains("solver noise and not shown"), "{noise}");
    let spend = noise.split("Spend by provider").nth(1).unwrap();
    assert!(spend.contains("(no change)"), "{noise}");
    let real = stdout(&capplan(&["diff", &s(&a), &s(&c)]));
    let spend = real.split("Spend by provider").nth(1).unwrap();
    assert!(
        !spend
            .split("Contracts")
            .next()
            .unwrap()
            .contains("(no change)"),
        "{real}"
    );
}

/// inputs/README.md documents `sizable` and `demand_shock_persistence` with their spellings.
#[test]
fn sizable_and_demand_shock_persistence_are_documented() {
    let doc = std::fs::read_to_string(repo().join("inputs/README.md")).unwrap();
    for want in [
        "`sizable`",
        "`demand_shock_persistence`",
        "`yes`/`no`",
        "`1`/`0`",
        "0..1",
    ] {
        assert!(doc.contains(want), "inputs/README.md lacks {want}");
    }
}
