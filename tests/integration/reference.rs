//! The reference scenario `inputs/openai-2025`: it plans with whole reservation lots, every hard
//! demand is met, the reports add up (every figure traced to the allocation and the inputs), each
//! reservation is charged and signed as its reservations.csv row says, and the shipped what-ifs
//! apply to it (the Trainium slip is one moved window).

use super::util::{capplan, close, repo, stderr, workdir};
use capplan::report::metrics::{self, Metrics};
use capplan::scenario::{Lots, Month, Scenario};
use capplan::solve::SolverChoice;

#[test]
fn reference_scenario_plans_and_its_reports_add_up() {
    let dir = repo().join("inputs/openai-2025");
    let sc = capplan::load(&dir).expect("reference scenario is valid");
    let sol = capplan::solve(&sc, SolverChoice::Clarabel).expect("reference scenario solves");
    let m = metrics::compute(&sc, &sol);
    reservations_are_whole_and_charged_as_signed(&sc, &m);
    // Whole lots: the plan is within 1% of its proven bound (issue 11), and the bound is not
    // below the LP relaxation (the same scenario with `lots = continuous`).
    let t = &m.totals;
    assert_eq!(m.lots_mode, "integer");
    assert!(t.bound_usd <= t.objective_usd * (1.0 + 1e-9), "{t:?}");
    assert!(t.gap_pct <= 1.0, "gap {}%", t.gap_pct);
    let gap = 100.0 * (t.objective_usd - t.bound_usd) / t.objective_usd;
    assert!((t.gap_pct - gap).abs() <= 1e-9, "{} vs {gap}", t.gap_pct);
    let mut relaxed = sc.clone();
    relaxed.lots = Lots::Continuous;
    let lp = capplan::solve(&relaxed, SolverChoice::Clarabel).expect("LP relaxation solves");
    let lp = metrics::compute(&relaxed, &lp).totals.objective_usd;
    assert!(
        t.bound_usd >= lp * (1.0 - 1e-7),
        "bound {} < LP {lp}",
        t.bound_usd
    );
    assert!(t.objective_usd >= lp * (1.0 - 1e-7));
    // The objective is its three present-value parts (which leave out solver noise below 1e-7).
    assert!(close(
        t.usage_pv_usd + t.shortfall_pv_usd + t.unmet_pv_usd,
        t.objective_usd,
        1e-7
    ));
    // Spend reported three ways agrees. The allocation carries the tranches' spend; reserved units
    // cost nothing there (the lots carry the charge): each reservation adds its charge for the
    // months of its term inside the horizon, and its upfront.
    let last = Month(sc.start.0 + sc.periods as i32 - 1);
    let reserved_usd: f64 = m
        .reservations
        .iter()
        .map(|r| {
            let end = Month::parse(&r.end).unwrap().0.min(last.0);
            let months = (end - Month::parse(&r.start).unwrap().0 + 1) as f64;
            r.usd_per_month * months + r.upfront_usd
        })
        .sum();
    let alloc_usd: f64 = m.allocation.iter().map(|a| a.usd).sum::<f64>() + reserved_usd;
    let spend_usd: f64 = m.provider_spend.iter().map(|s| s.usd).sum();
    let yearly: f64 = m
        .spend_by_provider_year
        .values()
        .flat_map(|y| y.values())
        .sum();
    assert!(
        close(alloc_usd, t.usage_usd, 1e-9)
            && close(spend_usd, t.usage_usd, 1e-9)
            && close(yearly, t.usage_usd, 1e-9),
        "allocation + reservations {alloc_usd}, by provider-month {spend_usd}, by year {yearly}, \
         usage {}",
        t.usage_usd
    );
    // Served demand plus unmet equals demand, every workload-month.
    for (w, wl) in sc.workloads.iter().enumerate() {
        for tt in 0..sc.periods {
            let period = sc.month(tt).to_string();
            let served: f64 = m
                .allocation
                .iter()
                .filter(|a| a.workload == wl.id && a.period == period)
                .map(|a| a.served)
                .sum();
            let unmet: f64 = m
                .unmet
                .iter()
                .filter(|u| u.workload == wl.id && u.period == period)
                .map(|u| u.unmet)
                .sum();
            let d = sc.demand(capplan::scenario::WorkloadId(w), tt);
            assert!(
                (served + unmet - d).abs() <= 1e-5 * d.max(1.0),
                "{} {period}: {served} + {unmet} != {d}",
                wl.id
            );
            if wl.unmet_usd_per_unit_hour.is_none() {
                assert!(unmet == 0.0, "hard workload {} unmet in {period}", wl.id);
            }
        }
    }
    // Contract shortfall is what the commitment (as owed in the horizon, after pro-rating) lacks.
    for c in &m.contracts {
        let lacking = (c.owed_usd - c.spend_usd).max(0.0);
        assert!(
            (c.shortfall_usd - lacking).abs() <= 1e-6 * c.commit_usd.max(1.0),
            "{}: {c:?}",
            c.contract
        );
    }
}

#[test]
fn main_command_writes_the_reference_reports() {
    let work = workdir();
    let out = work.path().join("openai-2025");
    let o = capplan(&["plan", "inputs/openai-2025", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    for section in [
        "## Totals",
        "## Spend by provider and year",
        "## Commitment burn-down",
        "## What is binding",
        "## Active rules",
        "## What to sign, and by when",
    ] {
        assert!(md.contains(section), "summary.md lacks {section}");
    }
    let csv = std::fs::read_to_string(out.join("reservations.csv")).unwrap();
    assert!(
        csv.starts_with("option,provider,region,sku,sign_by,start,end,lots,units,usd_per_month")
    );
    assert!(
        csv.contains("\naws-trn3-expansion,aws,trainium-us,trn3,"),
        "{csv}"
    );
}

/// Months from the horizon start of a `YYYY-MM` report cell.
fn index(sc: &Scenario, month: &str) -> i32 {
    Month::parse(month).unwrap().0 - sc.start.0
}

/// Every reservation row against its option's reservations.csv row, by hand:
/// - lots whole, at least 1, and summed over starts at most `max_lots`;
/// - start inside the option's window, `sign_by = start - lead_months` (never before the horizon),
///   `end = start + term_months - 1`;
/// - `units = lots * lot_units`; the monthly charge `lots * lot_units * usd_per_unit_hour * 730`
///   (e.g. 555 UltraServers of 72 GB200 at $3.04: 555 * 72 * 3.04 * 730 = $88,678,656);
/// - the charge of the term's months past 2032-12 is what is owed after the horizon;
/// - reserved racks draw power whether used or not: at the sites whose only GPUs are reserved
///   (Oracle's four, trainium-us) the installed lots fit every month's envelope;
/// - reserved racks are paid whether used or not: each provider's spend in a month is at least the
///   charges of its lots active that month.
fn reservations_are_whole_and_charged_as_signed(sc: &Scenario, m: &Metrics) {
    assert!(
        !m.reservations.is_empty(),
        "the reference reserves capacity"
    );
    let hours = sc.hours_per_month;
    assert_eq!(hours, 730.0);
    let last = sc.periods as i32 - 1;
    let mut lots_of = vec![0.0; sc.reservations.len()];
    // Installed MW per (provider, region) and month, and charges per (provider, month).
    let mut mw = std::collections::BTreeMap::<(String, String), Vec<f64>>::new();
    let mut charged = std::collections::BTreeMap::<String, Vec<f64>>::new();
    let mut after = 0.0;
    for r in &m.reservations {
        let k = sc
            .reservations
            .iter()
            .position(|o| o.id == r.option)
            .unwrap_or_else(|| panic!("{}: not an option of reservations.csv", r.option));
        let o = &sc.reservations[k];
        assert!(r.lots >= 1.0 && r.lots == r.lots.round(), "{r:?}");
        lots_of[k] += r.lots;
        let (start, sign_by, end) = (
            index(sc, &r.start),
            index(sc, &r.sign_by),
            index(sc, &r.end),
        );
        assert!(
            o.starts.contains(&(start as usize)),
            "{r:?}: start not offered"
        );
        assert_eq!(sign_by, start - o.lead_months as i32, "{r:?}");
        assert!(sign_by >= 0, "{r:?}: signed before the horizon");
        assert_eq!(end, start + o.term_months as i32 - 1, "{r:?}");
        assert_eq!(r.units, r.lots * o.lot_units, "{r:?}");
        let monthly = r.lots * o.lot_units * o.usd_per_unit_hour * hours;
        assert!(close(r.usd_per_month, monthly, 1e-12), "{r:?}: {monthly}");
        let past = (end - last).max(0) as f64;
        assert!(close(r.after_horizon_usd, monthly * past, 1e-12), "{r:?}");
        after += r.after_horizon_usd;
        assert!(r.utilization <= 1.0 + 1e-6, "{r:?}");
        let kw = sc.skus[o.sku.0].power_kw;
        let site = (r.provider.clone(), r.region.clone());
        let site_mw = mw.entry(site).or_insert_with(|| vec![0.0; sc.periods]);
        let spend = charged
            .entry(r.provider.clone())
            .or_insert_with(|| vec![0.0; sc.periods]);
        for t in start..=end.min(last) {
            site_mw[t as usize] += r.units * kw / 1000.0;
            spend[t as usize] += monthly;
        }
    }
    for (k, o) in sc.reservations.iter().enumerate() {
        if let Some(max) = o.max_lots {
            assert!(
                lots_of[k] <= max,
                "{}: {} lots > max_lots {max}",
                o.id,
                lots_of[k]
            );
        }
    }
    assert!(close(m.totals.commitment_after_horizon_usd, after, 1e-12));
    // The Trainium campus is reserved lots only: its power is theirs.
    let only_reserved = [
        "abilene",
        "shackelford",
        "saline-mi",
        "port-washington",
        "trainium-us",
    ];
    let mut checked = 0;
    for p in &sc.power {
        let region = &sc.regions[p.region.0].id;
        if !only_reserved.contains(&region.as_str()) {
            continue;
        }
        let key = (sc.providers[p.provider.0].id.clone(), region.clone());
        for t in p.window.months() {
            let drawn = mw.get(&key).map_or(0.0, |v| v[t]);
            assert!(
                drawn <= p.max_mw * (1.0 + 1e-9),
                "{key:?} {}: {drawn} MW installed > {} MW",
                sc.month(t),
                p.max_mw
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no power row at a reserved-only site");
    for s in &m.provider_spend {
        let t = index(sc, &s.period) as usize;
        let due = charged.get(&s.provider).map_or(0.0, |v| v[t]);
        assert!(
            s.usd >= due * (1.0 - 1e-9),
            "{} {}: spend {} < reservation charges {due}",
            s.provider,
            s.period,
            s.usd
        );
    }
}

/// Every shipped what-if applies to the reference (an override that selects nothing is refused),
/// and the Trainium slip is the one reservation window moved 12 months, nothing else changed.
#[test]
fn shipped_what_ifs_apply_and_the_trainium_slip_moves_one_window() {
    let dir = repo().join("inputs/openai-2025");
    let cases = repo().join("inputs/what-if/cases.csv");
    let prepared = capplan::analysis::sweep::prepare(&dir, &cases)
        .unwrap_or_else(|e| panic!("the shipped cases apply: {e}"));
    let names: Vec<&str> = prepared.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"trainium-expansion-12mo-late"), "{names:?}");
    let base = &prepared[0].scenario;
    let late = &prepared
        .iter()
        .find(|p| p.name == "trainium-expansion-12mo-late")
        .unwrap()
        .scenario;
    assert_eq!(base.reservations.len(), late.reservations.len());
    for (b, l) in base.reservations.iter().zip(&late.reservations) {
        if b.id == "aws-trn3-expansion" {
            // 2026-10..2028-07 -> 2027-10..2029-07: every start 12 months later.
            let moved: Vec<usize> = b.starts.iter().map(|s| s + 12).collect();
            assert_eq!(l.starts, moved);
            assert_eq!(sc_month(base, l.starts[0]), "2027-10");
        } else {
            assert_eq!(b.starts, l.starts, "{}", b.id);
        }
        assert_eq!(
            (
                b.term_months,
                b.lead_months,
                b.lot_units,
                b.max_lots,
                b.usd_per_unit_hour
            ),
            (
                l.term_months,
                l.lead_months,
                l.lot_units,
                l.max_lots,
                l.usd_per_unit_hour
            )
        );
    }
    // Solved: no Trainium before 2027-10 (its only capacity is the reservation), none signed
    // before 2027-04 (lead 6), and the reports still add up.
    let sol = capplan::solve(late, SolverChoice::Clarabel).expect("the slipped plan solves");
    let m = metrics::compute(late, &sol);
    reservations_are_whole_and_charged_as_signed(late, &m);
    assert!(m.totals.gap_pct <= 1.0, "gap {}%", m.totals.gap_pct);
    for a in m.allocation.iter().filter(|a| a.sku == "trn3") {
        assert!(a.period.as_str() >= "2027-10", "{a:?}");
    }
    for r in m
        .reservations
        .iter()
        .filter(|r| r.option == "aws-trn3-expansion")
    {
        assert!(
            r.start.as_str() >= "2027-10" && r.sign_by.as_str() >= "2027-04",
            "{r:?}"
        );
    }
}

fn sc_month(sc: &Scenario, t: usize) -> String {
    sc.month(t).to_string()
}
