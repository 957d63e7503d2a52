//! `explain DIR --period M` (no workload): the month's cash. What comes in (revenue, funding),
//! what goes out (expenses, and the plan's payments by provider and contract, shortfalls due that
//! month), the balance against the minimum, and, with `funding_rate`, the dual of the month's cash
//! row: what one more dollar arriving that month is worth.

use crate::model::families::cash::Payee;
use crate::model::RowName;
use crate::report::format::{num, usd};
use crate::report::money::payee_names;
use crate::scenario::Scenario;
use crate::solution::Solution;
use std::fmt::Write;

pub fn explain_month(sc: &Scenario, sol: &Solution, t: usize) -> String {
    let l = &sol.cash;
    let c = &l.months[t];
    let month = sc.month(t);
    let before = if t == 0 {
        l.opening_cash
    } else {
        l.months[t - 1].cash
    };
    let mut s = String::new();
    let _ = writeln!(s, "Cash in {month} (nominal USD):\n");
    let opening = if t == 0 {
        "opening balance".to_string()
    } else {
        format!("cash at the end of {}", sc.month(t - 1))
    };
    let _ = writeln!(s, "  {:<44} {:>14}", opening, usd(before));
    let _ = writeln!(
        s,
        "  {:<44} {:>14}",
        format!("+ revenue (served demand {})", usd(c.workload_revenue)),
        usd(c.revenue)
    );
    let _ = writeln!(s, "  {:<44} {:>14}", "+ funding", usd(c.funding));
    let _ = writeln!(s, "  {:<44} {:>14}", "- other expenses", usd(c.expense));
    let _ = writeln!(
        s,
        "  {:<44} {:>14}",
        "- paid for compute and commitments",
        usd(c.paid)
    );
    let _ = writeln!(s, "  {:<44} {:>14}", "= cash at month end", usd(c.cash));
    if c.funding_need > 0.0 {
        let _ = writeln!(
            s,
            "  funding need: {} below the {} minimum (peak {}{})",
            usd(c.funding_need),
            usd(l.min_cash_usd),
            usd(l.peak_need()),
            l.peak
                .map(|p| format!(" in {}", sc.month(p.0)))
                .unwrap_or_default()
        );
    } else {
        let _ = writeln!(
            s,
            "  no funding need: cash is at or above the {} minimum",
            usd(l.min_cash_usd)
        );
    }

    let paid: Vec<_> = l.payments.iter().filter(|p| p.t == t).collect();
    let _ = writeln!(s, "\nPaid this month, to whom and under which contract:\n");
    if paid.is_empty() {
        let _ = writeln!(s, "  nothing");
    }
    for p in paid {
        let (commitment, provider, contract, _) = payee_names(sc, &p.payee);
        let what = match p.payee {
            Payee::Usage {
                contract: Some(_), ..
            } => format!(
                "compute at {provider} under contract {} (after its discount)",
                contract.unwrap_or_default()
            ),
            Payee::Usage { contract: None, .. } => {
                format!("compute at {provider}, no contract (list price)")
            }
            Payee::Shortfall { contract: k } => {
                let w = &sc.contracts[k.0].window;
                format!(
                    "take-or-pay shortfall of {commitment} ({provider}), due at the end of its window {}..{}",
                    sc.month(w.first),
                    sc.month(w.last)
                )
            }
        };
        let _ = writeln!(s, "  {:>14}  {what}", usd(p.usd));
    }
    let flows: Vec<_> = sc.money.flows.iter().filter(|f| f.t == t).collect();
    if !flows.is_empty() {
        let _ = writeln!(s, "\nfinance.csv rows this month:\n");
        for f in flows {
            let _ = writeln!(
                s,
                "  {:>14}  {} {}{}",
                usd(f.usd),
                f.kind.as_str(),
                f.name(),
                if f.conditional {
                    " (conditional: not in the ledger)"
                } else {
                    ""
                }
            );
        }
    }

    let _ = writeln!(s);
    match sc.money.funding_rate {
        Some(rate) => {
            let dual = sol
                .rows
                .iter()
                .find(|r| r.name == RowName::Cash { t })
                .and_then(|r| r.dual);
            match dual {
                Some(d) => {
                    let pv = -d + 0.0;
                    let _ = writeln!(
                        s,
                        "One more dollar of funding arriving in {month} is worth ${} of present-value cost \
                         (${} in {month} dollars): the dual of the month's cash row, at a funding rate of {}% a \
                         year. It is the interest saved on the need it removes{}.",
                        num(pv, 6),
                        num(pv / sc.discount_factor(t), 6),
                        num(rate * 100.0, 4),
                        if pv > 0.0 { " in this and later months, plus any plan change it allows" } else { ": none, the plan never needs it" }
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "The solver returned no duals: the worth of a dollar is not known."
                    );
                }
            }
        }
        None => {
            let _ = writeln!(
                s,
                "No funding_rate in settings.csv: money is not priced, so the plan is the cost-optimal one and \
                 this ledger is a report on it. Set funding_rate to put the funding need in the model and price a \
                 dollar."
            );
        }
    }
    s
}
