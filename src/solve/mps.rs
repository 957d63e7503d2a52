//! `plan --export-mps FILE`: the model in free MPS, for commercial solvers. Names carry the ids
//! (`demand:training:2027-03`, `x:L12:training:2027-03` for offers.csv line 12, ...). The objective
//! is the cost in present-value USD. A `first_on` priority rule's first stage (maximise the demand
//! on the provider, then hold it) cannot be expressed in one MPS file: the file says so.

use crate::model::{Lp, RowName, Sense, Var};
use crate::scenario::Scenario;
use std::fmt::Write;

fn col_name(sc: &Scenario, v: &Var) -> String {
    let m = |t: usize| sc.month(t).to_string();
    match *v {
        Var::Alloc { offer, workload, t } if sc.offers[offer.0].reservation.is_some() => {
            let k = sc.offers[offer.0].reservation.expect("reserved units");
            format!(
                "y:{}:{}:{}",
                sc.reservations[k.0].id,
                sc.workloads[workload.0].id,
                m(t)
            )
        }
        Var::Alloc { offer, workload, t } => format!(
            "x:L{}:{}:{}",
            sc.offers[offer.0].line,
            sc.workloads[workload.0].id,
            m(t)
        ),
        Var::Unmet { workload, t } => format!("u:{}:{}", sc.workloads[workload.0].id, m(t)),
        Var::Shortfall { contract } => format!("s:{}", sc.contracts[contract.0].id),
        Var::Lots { option, start } => {
            format!("r:{}:{}", sc.reservations[option.0].id, m(start))
        }
        Var::MinimumShortfall { minimum } => format!("sm:L{}", sc.minimums[minimum.0].line),
        Var::Credit { contract, t } => format!("a:{}:{}", sc.contracts[contract.0].id, m(t)),
        Var::Slack { row } => format!("slack:{row}"),
        Var::Commit { contract } => format!("k:{}", sc.contracts[contract.0].id),
        Var::FundingNeed { t } => format!("g:{}", m(t)),
        Var::CashCushion { t } => format!("cushion:{}", m(t)),
        Var::AllocBeyondCommit { offer, workload, t } => {
            format!(
                "xl:L{}:{}:{}",
                sc.offers[offer.0].line,
                sc.workloads[workload.0].id,
                m(t)
            )
        }
    }
}

fn row_name(sc: &Scenario, n: &RowName) -> String {
    let m = |t: usize| sc.month(t).to_string();
    match *n {
        RowName::Demand { workload, t } => {
            format!("demand:{}:{}", sc.workloads[workload.0].id, m(t))
        }
        RowName::Capacity { offer, t } => format!("capacity:L{}:{}", sc.offers[offer.0].line, m(t)),
        RowName::Power { limit, t } => format!("power:L{}:{}", sc.power[limit.0].line, m(t)),
        RowName::TakeOrPay { contract } => format!("take_or_pay:{}", sc.contracts[contract.0].id),
        RowName::MinShare { rule, t } => format!("min_share:{}:{}", sc.rules[rule.0].id, m(t)),
        RowName::MaxShare { rule, t } => format!("max_share:{}:{}", sc.rules[rule.0].id, m(t)),
        RowName::FirstOnShare { rule, t } => {
            format!("first_on_share:{}:{}", sc.rules[rule.0].id, m(t))
        }
        RowName::Reserved { option, t } => {
            format!("reserved:{}:{}", sc.reservations[option.0].id, m(t))
        }
        RowName::MaxLots { option } => format!("max_lots:{}", sc.reservations[option.0].id),
        RowName::LotFix { option, start } => {
            format!("lot_fix:{}:{}", sc.reservations[option.0].id, m(start))
        }
        RowName::PriorityHold => "priority_hold".into(),
        RowName::Cash { t } => format!("cash:{}", m(t)),
        RowName::UnmetHold => "unmet_hold".into(),
        RowName::Credit { provider, t } => {
            format!("credit:{}:{}", sc.providers[provider.0].id, m(t))
        }
        RowName::Minimum { minimum } => format!("minimum:L{}", sc.minimums[minimum.0].line),
        RowName::CommitCap { contract } => format!("commit_cap:{}", sc.contracts[contract.0].id),
    }
}

/// The LP as free-format MPS text.
pub fn write(sc: &Scenario, lp: &Lp) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "* capplan model of scenario {}: minimise present-value cost, all columns >= 0",
        sc.name
    );
    if !lp.priority.is_empty() {
        let _ = writeln!(
            s,
            "* this scenario has first_on priority rules: solve first maximising the priority amount, then add it \
             as a row; this file holds the cost stage only"
        );
    }
    let _ = writeln!(s, "NAME {}", sc.name);
    let _ = writeln!(s, "ROWS\n N cost");
    let rows: Vec<String> = lp.rows.iter().map(|r| row_name(sc, &r.name)).collect();
    for (r, name) in lp.rows.iter().zip(&rows) {
        let kind = match r.sense {
            Sense::Le => 'L',
            Sense::Ge => 'G',
            Sense::Eq => 'E',
        };
        let _ = writeln!(s, " {kind} {name}");
    }
    let mut by_col: Vec<Vec<(usize, f64)>> = vec![Vec::new(); lp.vars.len()];
    for (i, r) in lp.rows.iter().enumerate() {
        for &(j, a) in &r.terms {
            // A row may list a column twice (a lot's charges in several months of one
            // contract): MPS wants one entry per column and row.
            match by_col[j].last_mut() {
                Some((last, sum)) if *last == i => *sum += a,
                _ => by_col[j].push((i, a)),
            }
        }
    }
    let _ = writeln!(s, "COLUMNS");
    let integer: std::collections::HashSet<usize> = lp.integer.iter().copied().collect();
    let mut in_marker = false;
    for (j, v) in lp.vars.iter().enumerate() {
        // Whole lots are integer columns (MARKER INTORG .. INTEND).
        if integer.contains(&j) != in_marker {
            in_marker = !in_marker;
            let tag = if in_marker { "INTORG" } else { "INTEND" };
            let _ = writeln!(s, " MARKER{j} 'MARKER' '{tag}'");
        }
        let name = col_name(sc, v);
        if lp.cost[j] != 0.0 {
            let _ = writeln!(s, " {name} cost {:e}", lp.cost[j]);
        }
        for &(i, a) in &by_col[j] {
            let _ = writeln!(s, " {name} {} {a:e}", rows[i]);
        }
        if lp.cost[j] == 0.0 && by_col[j].is_empty() {
            let _ = writeln!(s, " {name} cost 0");
        }
    }
    if in_marker {
        let _ = writeln!(s, " MARKEREND 'MARKER' 'INTEND'");
    }
    let _ = writeln!(s, "RHS");
    for (r, name) in lp.rows.iter().zip(&rows) {
        if r.rhs != 0.0 {
            let _ = writeln!(s, " rhs {name} {:e}", r.rhs);
        }
    }
    if !lp.integer.is_empty() {
        // Some readers default an integer column to 0..1: say 0..infinity.
        let _ = writeln!(s, "BOUNDS");
        for &j in &lp.integer {
            let _ = writeln!(s, " PL BND {}", col_name(sc, &lp.vars[j]));
        }
    }
    let _ = writeln!(s, "ENDATA");
    s
}
