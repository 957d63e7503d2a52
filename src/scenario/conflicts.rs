//! Rule conflicts, found before solving. Five kinds: `exclusive` to two providers in one month;
//! `exclusive` to X with `first_on`/`min_share` on Y != X; `forbid` and `exclusive` on the same
//! pair; `min_share` totals above 1 for a workload-month; a rule whose workload has no demand in
//! its window. Each is a warning (the plan will leave that demand unmet, or the rule does
//! nothing), except where the workload is hard and has demand in a month the conflict leaves no
//! provider for: the model could only be infeasible, so it is an error.

use super::{FirstOnMode, Rule, RuleKind, Scenario};
use crate::diagnostics::Diagnostics;

/// Appends every conflict: errors to `errors`, the rest to `warnings`.
pub fn check(sc: &Scenario, file: &str, errors: &mut Diagnostics, warnings: &mut Diagnostics) {
    let hard = |r: &Rule| sc.workloads[r.workload.0].unmet_usd_per_unit_hour.is_none();
    // Months of both windows where `r`'s workload has demand.
    let demand_months = |a: &Rule, b: &Rule| -> Vec<usize> {
        (a.window.first.max(b.window.first)..=a.window.last.min(b.window.last))
            .filter(|&t| sc.demand(a.workload, t) > 0.0)
            .collect()
    };
    let overlap = |a: &Rule, b: &Rule| {
        a.workload == b.workload
            && a.window.first <= b.window.last
            && b.window.first <= a.window.last
    };
    let mut report = |r: &Rule, starved: &[usize], what: String| {
        let month = |t: usize| sc.month(t).to_string();
        if hard(r) && !starved.is_empty() {
            errors.push(
                file,
                r.line,
                "rule",
                format!(
                    "{what}: hard workload {} has demand {}..{} that no provider may serve (infeasible); \
                     drop or narrow one of the rules, or give the workload an unmet penalty",
                    sc.workloads[r.workload.0].id,
                    month(starved[0]),
                    month(*starved.last().expect("non-empty"))
                ),
            );
        } else {
            warnings.push(file, r.line, "rule", what);
        }
    };
    let name = |r: &Rule| {
        format!(
            "rule '{}' ({} on {})",
            r.id,
            r.kind.label(),
            sc.providers[r.provider.0].id
        )
    };
    for (j, b) in sc.rules.iter().enumerate() {
        for a in &sc.rules[..j] {
            if !overlap(a, b) {
                continue;
            }
            let (ka, kb) = (&a.kind, &b.kind);
            let months = demand_months(a, b);
            match (ka, kb) {
                (RuleKind::Exclusive, RuleKind::Exclusive) if a.provider != b.provider => report(
                    b,
                    &months,
                    format!(
                        "{} and {} make the workload exclusive to two providers at once",
                        name(b),
                        name(a)
                    ),
                ),
                (RuleKind::Exclusive, RuleKind::Forbid)
                | (RuleKind::Forbid, RuleKind::Exclusive)
                    if a.provider == b.provider =>
                {
                    report(
                        b,
                        &months,
                        format!(
                            "{} and {} both name this workload and provider",
                            name(b),
                            name(a)
                        ),
                    )
                }
                _ => {
                    // exclusive on X with a rule pulling toward Y != X.
                    for (x, y) in [(a, b), (b, a)] {
                        let pulls = match y.kind {
                            RuleKind::MinShare(s) | RuleKind::FirstOn(FirstOnMode::Share(s)) => {
                                s > 0.0
                            }
                            RuleKind::FirstOn(_) => true,
                            _ => false,
                        };
                        if x.kind == RuleKind::Exclusive && pulls && x.provider != y.provider {
                            // A positive share on Y with everything on X can only be met by serving
                            // nothing; first_on/priority only loses its meaning.
                            let starves =
                                !matches!(y.kind, RuleKind::FirstOn(FirstOnMode::Priority));
                            let what = format!(
                                "{} asks for the workload on {} while {} keeps it on {}",
                                name(y),
                                sc.providers[y.provider.0].id,
                                name(x),
                                sc.providers[x.provider.0].id
                            );
                            report(b, if starves { &months } else { &[] }, what);
                        }
                    }
                }
            }
        }
    }
    // min_share totals above 1 in a workload-month.
    for w in 0..sc.workloads.len() {
        let mut reported = false;
        for t in 0..sc.periods {
            let shares: Vec<&Rule> = sc
                .rules
                .iter()
                .filter(|r| r.workload.0 == w && r.window.contains(t))
                .filter(|r| matches!(r.kind, RuleKind::MinShare(_)))
                .collect();
            let total: f64 = shares
                .iter()
                .map(|r| match r.kind {
                    RuleKind::MinShare(s) => s,
                    _ => 0.0,
                })
                .sum();
            if total > 1.0 + 1e-12 && !reported {
                reported = true;
                let last = shares.last().expect("several");
                let starved: Vec<usize> = (t..sc.periods)
                    .filter(|&u| sc.demand(last.workload, u) > 0.0)
                    .filter(|&u| shares.iter().all(|r| r.window.contains(u)))
                    .collect();
                let ids: Vec<&str> = shares.iter().map(|r| r.id.as_str()).collect();
                report(
                    last,
                    &starved,
                    format!(
                        "min_share rules {} add up to {} of {} in {}: more than all of it",
                        ids.join(", "),
                        crate::report::format::num(total, 4),
                        sc.workloads[w].id,
                        sc.month(t)
                    ),
                );
            }
        }
    }
    // A rule whose workload has no demand in its window does nothing.
    for r in &sc.rules {
        if r.window.months().all(|t| sc.demand(r.workload, t) == 0.0) {
            warnings.push(
                file,
                r.line,
                "workload",
                format!(
                    "{}: workload {} has no demand in {}..{}; the rule does nothing",
                    name(r),
                    sc.workloads[r.workload.0].id,
                    sc.month(r.window.first),
                    sc.month(r.window.last)
                ),
            );
        }
    }
}
