//! `capplan diff OLD NEW`: what moved between two plans, read from their `plan.json` — totals, spend
//! per provider and month, each contract, each workload's spend and unmet demand, the lots signed
//! per reservation start, and the cash ledger (peak funding need; paid, revenue, month-end cash
//! and funding need per month).

use crate::error::{Error, Result};
use crate::report::format::{num, usd};
use crate::report::plan_json;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

/// One compared figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `total`, `provider_month`, `contract`, `workload`, `reservation`, `cash_month`.
    pub section: &'static str,
    pub key: String,
    /// Month for `provider_month`, else empty.
    pub period: String,
    pub old: f64,
    pub new: f64,
}

impl Change {
    pub fn delta(&self) -> f64 {
        self.new - self.old
    }
}

fn load(dir: &Path) -> Result<Value> {
    let path = dir.join("plan.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::Usage(format!(
            "{}: cannot read ({e}); is this a capplan report folder?",
            path.display()
        ))
    })?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: not JSON: {e}", path.display())))?;
    if v["format"] != plan_json::FORMAT || v["version"].as_u64() != Some(plan_json::VERSION as u64)
    {
        return Err(Error::Usage(format!(
            "{}: not a {} version {} document (format {}, version {})",
            path.display(),
            plan_json::FORMAT,
            plan_json::VERSION,
            v["format"],
            v["version"]
        )));
    }
    Ok(v)
}

/// Sums `value` over the rows of `array`, keyed by the given fields.
fn sum_by(v: &Value, array: &str, keys: &[&str], value: &str) -> BTreeMap<Vec<String>, f64> {
    let mut out = BTreeMap::new();
    for row in v[array].as_array().into_iter().flatten() {
        let key: Vec<String> = keys
            .iter()
            .map(|k| row[*k].as_str().unwrap_or_default().to_string())
            .collect();
        *out.entry(key).or_insert(0.0) += row[value].as_f64().unwrap_or(0.0);
    }
    out
}

fn pair(
    section: &'static str,
    old: &BTreeMap<Vec<String>, f64>,
    new: &BTreeMap<Vec<String>, f64>,
    out: &mut Vec<Change>,
) {
    let keys: BTreeSet<&Vec<String>> = old.keys().chain(new.keys()).collect();
    for k in keys {
        let (o, n) = (
            old.get(k).copied().unwrap_or(0.0),
            new.get(k).copied().unwrap_or(0.0),
        );
        let (key, period) = match k.as_slice() {
            [p, key] if section == "provider_month" || section == "cash_month" => {
                (key.clone(), p.clone())
            }
            [key, rest @ ..] => (
                if rest.is_empty() {
                    key.clone()
                } else {
                    format!("{key} {}", rest.join(" "))
                },
                String::new(),
            ),
            [] => continue,
        };
        out.push(Change {
            section,
            key,
            period,
            old: o,
            new: n,
        });
    }
}

/// As [`pair`], each key followed by the measure's `name` ("aws-c spend_usd").
fn pair_named(
    section: &'static str,
    old: &BTreeMap<Vec<String>, f64>,
    new: &BTreeMap<Vec<String>, f64>,
    name: &str,
    out: &mut Vec<Change>,
) {
    let from = out.len();
    pair(section, old, new, out);
    for r in &mut out[from..] {
        r.key = format!("{} {name}", r.key);
    }
}

pub fn compare(old_dir: &Path, new_dir: &Path) -> Result<Vec<Change>> {
    let (a, b) = (load(old_dir)?, load(new_dir)?);
    let mut out = Vec::new();
    for key in ["objective_usd", "usage_usd", "shortfall_usd", "unmet_units"] {
        let get = |v: &Value| v["totals"][key].as_f64().unwrap_or(0.0);
        out.push(Change {
            section: "total",
            key: key.into(),
            period: String::new(),
            old: get(&a),
            new: get(&b),
        });
    }
    // The cash ledger (absent from plans written before it: both sides read as 0).
    let peak = |v: &Value| v["cash"]["peak_funding_need_usd"].as_f64().unwrap_or(0.0);
    out.push(Change {
        section: "total",
        key: "peak_funding_need_usd".into(),
        period: String::new(),
        old: peak(&a),
        new: peak(&b),
    });
    for field in ["paid", "revenue", "cash", "funding_need"] {
        let per_month = |v: &Value| {
            let mut m = BTreeMap::new();
            for row in v["cash"]["rows"].as_array().into_iter().flatten() {
                let period = row["period"].as_str().unwrap_or_default().to_string();
                *m.entry(vec![period, field.to_string()]).or_insert(0.0) +=
                    row[field].as_f64().unwrap_or(0.0);
            }
            m
        };
        pair("cash_month", &per_month(&a), &per_month(&b), &mut out);
    }
    let spend = |v: &Value| sum_by(v, "provider_spend", &["period", "provider"], "usd");
    pair("provider_month", &spend(&a), &spend(&b), &mut out);
    for field in ["spend_usd", "shortfall_usd"] {
        let c = |v: &Value| sum_by(v, "contracts", &["contract"], field);
        pair_named("contract", &c(&a), &c(&b), field, &mut out);
    }
    // Lots per reservation start ("option start"), a start without lots on one side read as 0.
    let lots = |v: &Value| sum_by(v, "reservations", &["option", "start"], "lots");
    pair_named("reservation", &lots(&a), &lots(&b), "lots", &mut out);
    let w_spend = |v: &Value| sum_by(v, "allocation", &["workload"], "usd");
    let w_unmet = |v: &Value| sum_by(v, "unmet", &["workload"], "unmet");
    pair_named("workload", &w_spend(&a), &w_spend(&b), "usd", &mut out);
    pair_named("workload", &w_unmet(&a), &w_unmet(&b), "unmet", &mut out);
    Ok(out)
}

pub fn csv(changes: &[Change]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(["section", "key", "period", "old", "new", "delta"]);
    for c in changes {
        let _ = w.write_record([
            c.section.to_string(),
            crate::report::tables::excel_safe(&c.key),
            c.period.clone(),
            num(c.old, 6),
            num(c.new, 6),
            num(c.delta(), 6),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// Changes smaller than this fraction of the plans' totals are solver noise (an interior-point
/// optimum is accurate to about 1e-9 of the objective; spend can shift between equal-cost options
/// by more than that), not moves.
pub const NOISE_REL: f64 = 1e-8;

/// Noise thresholds: USD (relative to the larger objective and spend of the two plans) and
/// demand units (relative to the larger unmet total, at least 1e-6 units).
pub fn noise(changes: &[Change]) -> (f64, f64) {
    let total = |key: &str| {
        changes
            .iter()
            .find(|c| c.section == "total" && c.key == key)
            .map(|c| c.old.abs().max(c.new.abs()))
            .unwrap_or(0.0)
    };
    let usd = NOISE_REL * total("objective_usd").max(total("usage_usd"));
    let units = (NOISE_REL * total("unmet_units")).max(1e-6);
    (usd, units)
}

/// The terminal view: totals, spend per provider and year, contracts, workloads; rows that did not
/// move by more than the noise tolerance (stated in the output) left out.
pub fn table(changes: &[Change]) -> String {
    let (noise_usd, noise_units) = noise(changes);
    let is_units =
        |key: &str| key.ends_with("unmet") || key == "unmet_units" || key.ends_with(" lots");
    let beyond = move |key: &str, d: f64| {
        d.abs()
            > if is_units(key) {
                noise_units
            } else {
                noise_usd
            }
    };
    let moved = |c: &&Change| beyond(&c.key, c.delta());
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Changes within {} of the plans' totals ({} or {} demand units) are solver noise and not shown.\n",
        num(NOISE_REL, 10),
        usd(noise_usd),
        num(noise_units, 6)
    );
    let show = move |key: &str, v: f64| {
        if is_units(key) {
            num(v, 2)
        } else {
            usd(v)
        }
    };
    let section = |title: &str, rows: Vec<(String, f64, f64)>, s: &mut String| {
        let _ = writeln!(s, "{title}");
        if rows.is_empty() {
            let _ = writeln!(s, "  (no change)\n");
            return;
        }
        let _ = writeln!(
            s,
            "  {:<40} {:>16} {:>16} {:>16}",
            "", "old", "new", "change"
        );
        for (k, o, n) in rows {
            let sign = if n >= o { "+" } else { "" };
            let _ = writeln!(
                s,
                "  {k:<40} {:>16} {:>16} {:>16}",
                show(&k, o),
                show(&k, n),
                format!("{sign}{}", show(&k, n - o))
            );
        }
        let _ = writeln!(s);
    };
    let rows = |sec: &str| -> Vec<(String, f64, f64)> {
        changes
            .iter()
            .filter(|c| c.section == sec)
            .filter(moved)
            .map(|c| (c.key.clone(), c.old, c.new))
            .collect()
    };
    section(
        "Totals",
        changes
            .iter()
            .filter(|c| c.section == "total")
            .map(|c| (c.key.clone(), c.old, c.new))
            .collect(),
        &mut s,
    );
    let mut by_year: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for c in changes.iter().filter(|c| c.section == "provider_month") {
        let e = by_year
            .entry(format!("{} {}", c.key, &c.period[..4.min(c.period.len())]))
            .or_default();
        e.0 += c.old;
        e.1 += c.new;
    }
    let py: Vec<(String, f64, f64)> = by_year
        .into_iter()
        .filter(|(k, (o, n))| beyond(k, n - o))
        .map(|(k, (o, n))| (k, o, n))
        .collect();
    section(
        "Spend by provider and year (month by month in the CSV)",
        py,
        &mut s,
    );
    section("Contracts", rows("contract"), &mut s);
    section("Workloads", rows("workload"), &mut s);
    section("Reservations (lots per start)", rows("reservation"), &mut s);
    // Cash by year: paid and revenue summed over the year's months; the balance and the funding
    // need (stocks) as at the year's last month.
    let mut cash_year: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for c in changes.iter().filter(|c| c.section == "cash_month") {
        let key = format!("{} {}", c.key, &c.period[..4.min(c.period.len())]);
        let e = cash_year.entry(key).or_default();
        if c.key == "paid" || c.key == "revenue" {
            e.0 += c.old;
            e.1 += c.new;
        } else {
            *e = (c.old, c.new); // months come in order: the last one stays
        }
    }
    let cy: Vec<(String, f64, f64)> = cash_year
        .into_iter()
        .filter(|(k, (o, n))| beyond(k, n - o))
        .map(|(k, (o, n))| (k, o, n))
        .collect();
    section(
        "Cash by year (paid and revenue summed; cash and funding need at year end)",
        cy,
        &mut s,
    );
    s
}
