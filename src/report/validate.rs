//! The one-screen summary `capplan validate` prints.

use super::format::{num, pct, units, usd};
use crate::model::Model;
use crate::scenario::{FirstOnMode, Resource, RuleKind, Scenario};
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn summary(sc: &Scenario, dir: &str, model: &Model) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{dir}: valid scenario '{}'", sc.name);
    let line = |s: &mut String, label: &str, text: String| {
        let _ = writeln!(s, "  {label:<11} {text}");
    };
    line(
        &mut s,
        "horizon",
        format!(
            "{} .. {} ({} months), {} h/month, discount rate {}/yr",
            sc.start,
            sc.end(),
            sc.periods,
            num(sc.hours_per_month, 2),
            pct(sc.discount_rate)
        ),
    );
    let ids = |v: Vec<&str>| {
        if v.len() > 8 {
            format!("{}, ...", v[..8].join(", "))
        } else {
            v.join(", ")
        }
    };
    line(
        &mut s,
        "providers",
        format!(
            "{}: {}",
            sc.providers.len(),
            ids(sc.providers.iter().map(|p| p.id.as_str()).collect())
        ),
    );
    line(
        &mut s,
        "regions",
        format!(
            "{}: {}",
            sc.regions.len(),
            ids(sc.regions.iter().map(|r| r.id.as_str()).collect())
        ),
    );
    let gpus = sc
        .skus
        .iter()
        .filter(|k| k.resource == Resource::Gpu)
        .count();
    line(
        &mut s,
        "skus",
        format!(
            "{} ({gpus} gpu, {} cpu)",
            sc.skus.len(),
            sc.skus.len() - gpus
        ),
    );
    let hard = sc
        .workloads
        .iter()
        .filter(|w| w.unmet_usd_per_unit_hour.is_none())
        .count();
    line(
        &mut s,
        "workloads",
        format!(
            "{}: {} ({hard} hard, {} with an unmet penalty)",
            sc.workloads.len(),
            ids(sc.workloads.iter().map(|w| w.id.as_str()).collect()),
            sc.workloads.len() - hard
        ),
    );
    let total: f64 = sc.demand.iter().sum();
    let mut demand = format!("{} demand-unit-months", units(total));
    if sc.notes.demand_rows_outside_horizon > 0 {
        let _ = write!(
            demand,
            "; {} rows outside the horizon ignored",
            sc.notes.demand_rows_outside_horizon
        );
    }
    line(&mut s, "demand", demand);
    let mut offers = format!("{} tranches", sc.offers.len());
    if sc.notes.offers_outside_horizon > 0 {
        let _ = write!(
            offers,
            "; {} outside the horizon ignored",
            sc.notes.offers_outside_horizon
        );
    }
    line(&mut s, "offers", offers);
    let committed: f64 = sc.contracts.iter().map(|c| c.commit_usd).sum();
    let mut contracts = format!("{}, {} committed", sc.contracts.len(), usd(committed));
    if sc.notes.contracts_outside_horizon > 0 {
        let _ = write!(
            contracts,
            "; {} outside the horizon ignored",
            sc.notes.contracts_outside_horizon
        );
    }
    let prorated = |id: &String| sc.contracts.iter().any(|c| &c.id == id && c.prorate);
    let (pro, full): (Vec<&String>, Vec<&String>) = sc
        .notes
        .contracts_clipped
        .iter()
        .partition(|id| prorated(id));
    let names = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    if !full.is_empty() {
        let _ = write!(
            contracts,
            "; cut by the horizon (full commitment still due): {}",
            names(&full)
        );
    }
    if !pro.is_empty() {
        let owed: f64 = sc
            .contracts
            .iter()
            .filter(|c| c.prorate)
            .map(|c| c.owed_usd)
            .sum();
        let _ = write!(
            contracts,
            "; cut by the horizon and pro-rated ({} owed inside it): {}",
            usd(owed),
            names(&pro)
        );
    }
    if !sc.minimums.is_empty() {
        let _ = write!(contracts, "; {} minimums", sc.minimums.len());
        if sc.notes.minimums_outside_horizon > 0 {
            let _ = write!(
                contracts,
                " ({} outside the horizon ignored)",
                sc.notes.minimums_outside_horizon
            );
        }
    }
    line(&mut s, "contracts", contracts);
    let mut power = format!("{} rows", sc.power.len());
    if sc.notes.power_rows_outside_horizon > 0 {
        let _ = write!(
            power,
            "; {} outside the horizon ignored",
            sc.notes.power_rows_outside_horizon
        );
    }
    line(&mut s, "power", power);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &sc.rules {
        let k = match r.kind {
            RuleKind::Exclusive => "exclusive",
            RuleKind::Forbid => "forbid",
            RuleKind::MinShare(_) => "min_share",
            RuleKind::MaxShare(_) => "max_share",
            RuleKind::FirstOn(FirstOnMode::Priority) => "first_on/priority",
            RuleKind::FirstOn(FirstOnMode::Window) => "first_on/window",
            RuleKind::FirstOn(FirstOnMode::Share(_)) => "first_on/share",
        };
        *kinds.entry(k).or_default() += 1;
    }
    let mut rules = format!("{}", sc.rules.len());
    if !kinds.is_empty() {
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = write!(rules, ": {}", list.join(", "));
    }
    if sc.notes.rules_outside_horizon > 0 {
        let _ = write!(
            rules,
            "; {} outside the horizon ignored",
            sc.notes.rules_outside_horizon
        );
    }
    line(&mut s, "rules", rules);
    line(
        &mut s,
        "model",
        format!(
            "{} variables, {} constraints, {} nonzeros",
            units(model.lp.size().variables as f64),
            units(model.lp.size().constraints as f64),
            units(model.lp.size().nonzeros as f64)
        ),
    );
    if !sc.notes.warnings.is_empty() {
        let _ = writeln!(s, "  warnings:");
        for w in &sc.notes.warnings {
            let _ = writeln!(s, "    {w}");
        }
    }
    s
}
