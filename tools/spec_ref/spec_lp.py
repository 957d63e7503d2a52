#!/usr/bin/env python3
"""Independent reference implementation of SPEC's capacity-planning LP.

Usage: spec_lp.py FOLDER

Reads one scenario folder (SPEC's CSV files, assumed valid), builds the linear
program of SPEC "The model" as read by docs/interpretation.md, solves it with
HiGHS (simplex) and prints one JSON object:

  {"status": "optimal", "objective_usd", "usage_usd", "shortfall_usd",
   "unmet_units", "variables", "rows", "peak_funding_need_usd",
   "peak_funding_need_period", "peak_unique", "cash": [...]}

Money (SPEC v2): workloads.csv revenue_usd_per_unit_hour, finance.csv (cash at
the horizon start, funding, revenue, expense; conditional=true funding rows are
kept out of the ledger, docs/interpretation.md), settings min_cash_usd and
funding_rate. With funding_rate, free columns cash[t] and g[t] >= 0 enter the
model. "peak_unique" says whether every optimal plan has the same peak funding
need (checked by minimising the peak and maximising it over the optimal face).

or, when hard demand cannot be met,

  {"status": "infeasible", ..., "shortfalls": [{"period","workload","short"}]}

found by re-solving with every hard demand row made elastic and minimising the
total hard shortfall (demand units). Exit code 0 when a result was printed,
3 on a solver failure.

This file is written from SPEC alone, on purpose: it is a cross-check for
capplan, so it must not share capplan's code or its mistakes.
"""

import csv
import json
import os
import sys

import numpy as np
import highspy

INF = float("inf")
HOLD_REL_TOL = 1e-9  # interpretation 7: relative tolerance on the first stage


# --------------------------------------------------------------------------- input

def read_rows(folder, name):
    """Rows of FOLDER/name as dicts with stripped cells; [] when the file is absent."""
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        rows = []
        for raw in reader:
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            if all(v == "" for v in row.values()):
                continue
            rows.append(row)
        return rows


def cell(row, key):
    """The cell, or '' when the column is absent or blank."""
    return row.get(key, "") or ""


def num(row, key, default=None):
    text = cell(row, key)
    return default if text == "" else float(text)


def month_index(period):
    """'YYYY-MM' -> absolute month number (year*12 + month-1)."""
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def period_name(index):
    return "%04d-%02d" % (index // 12, index % 12 + 1)


class Scenario:
    def __init__(self, folder):
        settings = {cell(r, "key"): cell(r, "value") for r in read_rows(folder, "settings.csv")}
        demand_rows = read_rows(folder, "demand.csv")
        periods = [month_index(cell(r, "period")) for r in demand_rows]

        # Horizon (interpretation 4): each end independently from settings, else demand.csv.
        self.start = month_index(settings["horizon_start"]) if settings.get("horizon_start") else min(periods)
        self.end = month_index(settings["horizon_end"]) if settings.get("horizon_end") else max(periods)
        self.months = list(range(self.start, self.end + 1))
        self.rate = float(settings["discount_rate"]) if settings.get("discount_rate") else 0.0
        self.hours = float(settings["hours_per_month"]) if settings.get("hours_per_month") else 730.0
        self.min_cash = float(settings["min_cash_usd"]) if settings.get("min_cash_usd") else 0.0
        self.funding_rate = float(settings["funding_rate"]) if settings.get("funding_rate") else None

        self.skus = {}
        for r in read_rows(folder, "skus.csv"):
            self.skus[cell(r, "sku")] = {
                "resource": cell(r, "resource"),
                "power_kw": num(r, "power_kw", 0.0),
                "perf": num(r, "perf", 1.0),
            }

        self.workloads = {}
        for r in read_rows(folder, "workloads.csv"):
            self.workloads[cell(r, "workload")] = {
                "resource": cell(r, "resource"),
                "penalty": num(r, "unmet_usd_per_unit_hour", None),  # None = hard
                "revenue": num(r, "revenue_usd_per_unit_hour", 0.0),
            }

        # Money: opening cash; per month, finance.csv revenue + funding - expense (nominal).
        self.opening_cash = 0.0
        self.finance_rows = read_rows(folder, "finance.csv")
        self.fixed = {}
        self.flows = {}
        for r in self.finance_rows:
            kind, usd = cell(r, "kind"), float(cell(r, "usd"))
            if kind == "cash":
                self.opening_cash += usd
                continue
            if kind == "funding" and cell(r, "conditional") == "true":
                continue
            self.flows.setdefault(kind, []).append((month_index(cell(r, "period")), usd))

        self.perf_override = {}
        for r in read_rows(folder, "perf.csv"):
            self.perf_override[(cell(r, "workload"), cell(r, "sku"))] = float(cell(r, "perf"))

        # Demand: rows in the horizon add up; rows outside are ignored.
        self.demand = {}
        for r, t in zip(demand_rows, periods):
            if self.start <= t <= self.end:
                key = (cell(r, "workload"), t)
                self.demand[key] = self.demand.get(key, 0.0) + float(cell(r, "quantity"))

        # Offer tranches (window clipped; wholly outside the horizon -> dropped).
        self.tranches = []
        for r in read_rows(folder, "offers.csv"):
            win = self.window(r)
            if win is None:
                continue
            self.tranches.append({
                "provider": cell(r, "provider"),
                "region": cell(r, "region"),
                "sku": cell(r, "sku"),
                "window": win,
                "max_units": float(cell(r, "max_units")),
                "price": float(cell(r, "usd_per_unit_hour")),
            })

        # SPEC v2: contracts may overlap; `beyond_horizon = prorate` owes the horizon's share of
        # the commitment: (months of the window inside the horizon) / (months of the window).
        self.contracts = []
        raw_window = {}
        for r in read_rows(folder, "contracts.csv"):
            lo = month_index(cell(r, "from")) if cell(r, "from") else self.start
            hi = month_index(cell(r, "to")) if cell(r, "to") else self.end
            raw_window[cell(r, "contract")] = (lo, hi)
            win = self.window(r)
            if win is None:
                continue
            factor = 1.0
            prorate = cell(r, "beyond_horizon") == "prorate"
            if prorate:
                factor = (win[1] - win[0] + 1) / (hi - lo + 1)
            self.contracts.append({
                "contract": cell(r, "contract"),
                "provider": cell(r, "provider"),
                "window": win,
                "commit": float(cell(r, "commit_usd")) * factor,
                "discount_pct": num(r, "discount_pct", 0.0),
                "prorate": prorate,
                "factor": factor,
            })

        self.has_money = (bool(self.finance_rows) or self.funding_rate is not None or self.min_cash > 0
                          or any(w["revenue"] > 0 for w in self.workloads.values()))
        for kind, rows in self.flows.items():
            for t, usd in rows:
                if self.start <= t <= self.end:
                    sign = -1.0 if kind == "expense" else 1.0
                    self.fixed[t] = self.fixed.get(t, 0.0) + sign * usd
        # SPEC v2 minimums: a milestone inside its contract's window (blank ends = the contract's);
        # one running past the horizon owes min_usd times its contract's pro-rating factor.
        self.minimums = []
        by_id = {c["contract"]: ci for ci, c in enumerate(self.contracts)}
        for r in read_rows(folder, "minimums.csv"):
            cid = cell(r, "contract")
            if cid not in by_id:
                continue  # its contract lies outside the horizon
            c = self.contracts[by_id[cid]]
            lo = month_index(cell(r, "from")) if cell(r, "from") else raw_window[cid][0]
            hi = month_index(cell(r, "to")) if cell(r, "to") else raw_window[cid][1]
            win = (max(lo, self.start), min(hi, self.end))
            if win[0] > win[1]:
                continue
            factor = c["factor"] if (c["prorate"] and hi > self.end) else 1.0
            self.minimums.append({"contract": by_id[cid], "window": win,
                                  "min": float(cell(r, "min_usd")) * factor})

        self.power = []
        for r in read_rows(folder, "power.csv"):
            win = self.window(r)
            if win is None:
                continue
            self.power.append({
                "provider": cell(r, "provider"),
                "region": cell(r, "region"),
                "window": win,
                "max_mw": float(cell(r, "max_mw")),
            })

        # SPEC v2 "Capacity reservations": settings lots (integer default | continuous).
        self.integer_lots = (settings.get("lots") or "integer") == "integer"
        self.mip_gap = float(settings["mip_gap"]) if settings.get("mip_gap") else 1e-4
        self.reservations = []
        for r in read_rows(folder, "reservations.csv"):
            lead = int(num(r, "lead_months", 0.0))
            lo = month_index(cell(r, "from")) if cell(r, "from") else self.start
            hi = month_index(cell(r, "to")) if cell(r, "to") else self.end
            # s in the option's window and the horizon, and signed (s - lead) at or after the start.
            starts = [s for s in range(max(lo, self.start), min(hi, self.end) + 1) if s - lead >= self.start]
            if not starts:
                continue
            max_lots = num(r, "max_lots", None)
            self.reservations.append({
                "option": cell(r, "option"),
                "provider": cell(r, "provider"),
                "region": cell(r, "region"),
                "sku": cell(r, "sku"),
                "starts": starts,
                "term": int(float(cell(r, "term_months"))),
                "lead": lead,
                "lot": num(r, "lot_units", 1.0),
                "max_lots": max_lots,
                "price": float(cell(r, "usd_per_unit_hour")),
                "upfront": num(r, "upfront_usd_per_lot", 0.0),
            })

        self.rules = []
        for r in read_rows(folder, "rules.csv"):
            win = self.window(r)
            if win is None:
                continue
            self.rules.append({
                "rule": cell(r, "rule"),
                "kind": cell(r, "kind"),
                "workload": cell(r, "workload"),
                "provider": cell(r, "provider"),
                "window": win,
                "share": num(r, "share", None),
                "mode": cell(r, "mode"),
            })

    def window(self, row):
        """Inclusive (lo, hi) month window clipped to the horizon, or None if wholly outside."""
        lo = month_index(cell(row, "from")) if cell(row, "from") else self.start
        hi = month_index(cell(row, "to")) if cell(row, "to") else self.end
        lo, hi = max(lo, self.start), min(hi, self.end)
        return (lo, hi) if lo <= hi else None

    def perf(self, workload, sku):
        return self.perf_override.get((workload, sku), self.skus[sku]["perf"])

    def can_serve(self, workload, sku):
        return (self.skus[sku]["resource"] == self.workloads[workload]["resource"]
                and self.perf(workload, sku) > 0)

    def df(self, t):
        return (1.0 + self.rate) ** (-(t - self.start) / 12.0)



def inside(win, t):
    return win[0] <= t <= win[1]


def reserved_months(sc, k):
    """Months of the horizon some offered start of option k covers."""
    return sorted({t for s in k["starts"] for t in range(s, min(s + k["term"], sc.end + 1))})


# --------------------------------------------------------------------------- model

class Model:
    """Columns and rows of the LP, kept row-wise as (lower, upper, {col: coef})."""

    def __init__(self):
        self.cost = []
        self.upper = []
        self.lower = []
        self.info = []  # per column: ("x", tranche_index, w, t) | ("u", w, t) | ("s", c) | ("e", w, t)
        self.rows = []
        self.integer = set()

    def col(self, cost, info, upper=INF, lower=0.0):
        self.cost.append(cost)
        self.upper.append(upper)
        self.lower.append(lower)
        self.info.append(info)
        return len(self.cost) - 1

    def row(self, lower, upper, entries):
        self.rows.append((lower, upper, entries))


def build(sc, elastic=False):
    """Build the model. elastic=True: zero costs, hard demand gets a short[w,t] column of cost 1."""
    m = Model()
    H = sc.hours

    # Month-by-month support: provider p can support w in t (interpretation 6). A reservation
    # option supports the months some offered start of it covers.
    supports = set()
    for o in sc.tranches:
        for w in sc.workloads:
            if sc.can_serve(w, o["sku"]):
                for t in range(o["window"][0], o["window"][1] + 1):
                    supports.add((o["provider"], w, t))
    for k in sc.reservations:
        for w in sc.workloads:
            if sc.can_serve(w, k["sku"]):
                for t in reserved_months(sc, k):
                    supports.add((k["provider"], w, t))

    def allowed(provider, w, t):
        for r in sc.rules:
            if r["workload"] != w or not inside(r["window"], t):
                continue
            kind = r["kind"]
            if kind == "forbid" and r["provider"] == provider:
                return False
            if kind == "exclusive" and r["provider"] != provider:
                return False
            if (kind == "first_on" and r["mode"] == "window" and r["provider"] != provider
                    and (r["provider"], w, t) in supports):
                return False
        return True

    # x columns, indexed by (w, t) and by (tranche, t).
    by_wt = {}
    by_ot = {}
    for oi, o in enumerate(sc.tranches):
        for t in range(o["window"][0], o["window"][1] + 1):
            price = o["price"]  # list price: discounts are credits (SPEC v2)
            for w in sc.workloads:
                if not sc.can_serve(w, o["sku"]) or not allowed(o["provider"], w, t):
                    continue
                j = m.col(0.0 if elastic else sc.df(t) * price * H, ("x", oi, w, t))
                by_wt.setdefault((w, t), []).append(j)
                by_ot.setdefault((oi, t), []).append(j)
    m.x_price = {}  # col -> nominal list price per unit-month
    for j, inf in enumerate(m.info):
        if inf[0] != "x":
            continue
        o = sc.tranches[inf[1]]
        m.x_price[j] = o["price"] * H

    # Reservations: r[k,s] lots (cost: every term month inside the horizon, plus the upfront in
    # s, at list price, discounted to present value: they are L[p,t], so credits discount them);
    # y[k,w,t] reserved units used.
    m.r_cols = []       # (col, k, s)
    m.r_charges = {}    # col -> [(t, nominal list USD per lot)]
    by_kt = {}
    for ki, k in enumerate(sc.reservations):
        monthly = k["lot"] * k["price"] * H
        for s in k["starts"]:
            charges = []
            for t in range(s, min(s + k["term"], sc.end + 1)):
                charges.append((t, monthly + (k["upfront"] if t == s else 0.0)))
            cost = sum(sc.df(t) * usd for t, usd in charges)
            j = m.col(0.0 if elastic else cost, ("r", ki, s))
            m.r_cols.append((j, ki, s))
            m.r_charges[j] = charges
        for t in reserved_months(sc, k):
            for w in sc.workloads:
                if not sc.can_serve(w, k["sku"]) or not allowed(k["provider"], w, t):
                    continue
                j = m.col(0.0, ("y", ki, w, t))
                by_wt.setdefault((w, t), []).append(j)
                by_kt.setdefault((ki, t), []).append(j)

    def perf_of(j):
        inf = m.info[j]
        if inf[0] == "y":
            return sc.perf(inf[2], sc.reservations[inf[1]]["sku"])
        _, oi, w, _ = inf
        return sc.perf(w, sc.tranches[oi]["sku"])

    def provider_of(j):
        inf = m.info[j]
        if inf[0] == "y":
            return sc.reservations[inf[1]]["provider"]
        return sc.tranches[inf[1]]["provider"]

    def active(ki, t):
        k = sc.reservations[ki]
        return [j for j, kk, s in m.r_cols if kk == ki and s <= t < s + k["term"]]

    # demand
    for w, wl in sc.workloads.items():
        for t in sc.months:
            d = sc.demand.get((w, t), 0.0)
            entries = {j: perf_of(j) for j in by_wt.get((w, t), [])}
            if wl["penalty"] is not None and d > 0:
                cost = 0.0 if elastic else sc.df(t) * wl["penalty"] * H
                entries[m.col(cost, ("u", w, t))] = 1.0
            elif wl["penalty"] is None and elastic and d > 0:
                entries[m.col(1.0, ("e", w, t))] = 1.0
            if not entries and d == 0:
                continue
            m.row(d, d, entries)

    # capacity
    for (oi, t), cols in by_ot.items():
        m.row(-INF, sc.tranches[oi]["max_units"], {j: 1.0 for j in cols})

    # reserved capacity and lot limits
    for (ki, t), cols in by_kt.items():
        entries = {j: 1.0 for j in cols}
        for j in active(ki, t):
            entries[j] = -sc.reservations[ki]["lot"]
        m.row(-INF, 0.0, entries)
    for ki, k in enumerate(sc.reservations):
        if k["max_lots"] is not None:
            m.row(-INF, k["max_lots"], {j: 1.0 for j, kk, _ in m.r_cols if kk == ki})

    # power
    for p in sc.power:
        for t in range(p["window"][0], p["window"][1] + 1):
            entries = {}
            for oi, o in enumerate(sc.tranches):
                if o["provider"] != p["provider"] or o["region"] != p["region"]:
                    continue
                kw = sc.skus[o["sku"]]["power_kw"]
                if kw <= 0:
                    continue
                for j in by_ot.get((oi, t), []):
                    entries[j] = kw / 1000.0
            for ki, k in enumerate(sc.reservations):
                kw = sc.skus[k["sku"]]["power_kw"]
                if k["provider"] != p["provider"] or k["region"] != p["region"] or kw <= 0:
                    continue
                for j in active(ki, t):  # installed, used or not
                    entries[j] = kw * k["lot"] / 1000.0
            if entries:
                m.row(-INF, p["max_mw"], entries)

    # SPEC v2 credits: a[c,t] >= 0 for every contract and month of its window, costing
    # -df(t) * d_c; per provider-month, sum_c a[c,t] <= L[p,t] (list spend).
    list_terms = {}
    for j, inf in enumerate(m.info):
        if inf[0] == "x":
            key = (provider_of(j), inf[3])
            list_terms.setdefault(key, []).append(j)
    m.credit = {}  # col -> (contract index, t)
    credits_at = {}
    for ci, c in enumerate(sc.contracts):
        d = c["discount_pct"] / 100.0
        for t in range(c["window"][0], c["window"][1] + 1):
            a = m.col(0.0 if elastic else -sc.df(t) * d, ("a", ci, t))
            m.credit[a] = (ci, t)
            credits_at.setdefault((c["provider"], t), []).append(a)
    for (p, t), acols in credits_at.items():
        entries = {a: 1.0 for a in acols}
        for j in list_terms.get((p, t), []):
            entries[j] = -m.x_price[j]
        for j, ki, _ in m.r_cols:  # reservation charges are list spend of their provider
            if sc.reservations[ki]["provider"] == p:
                usd = sum(u for tt, u in m.r_charges[j] if tt == t)
                if usd:
                    entries[j] = -usd
        m.row(-INF, 0.0, entries)

    # minimums: sum over the milestone's months of (1 - d_c) a[c,t] + s[m] >= min, s[m] at df(to)
    def credit_col(ci, t):
        for a, (cc, tt) in m.credit.items():
            if cc == ci and tt == t:
                return a
        return None

    min_cols = {}
    for mi, mn in enumerate(sc.minimums):
        ci = mn["contract"]
        keep = 1.0 - sc.contracts[ci]["discount_pct"] / 100.0
        entries = {}
        for t in range(mn["window"][0], mn["window"][1] + 1):
            a = credit_col(ci, t)
            if a is not None:
                entries[a] = keep
        sm = m.col(0.0 if elastic else sc.df(mn["window"][1]), ("sm", mi))
        entries[sm] = 1.0
        min_cols.setdefault(ci, []).append(sm)
        m.row(mn["min"], INF, entries)

    # take-or-pay: sum_t (1 - d_c) a[c,t] + s[c] + sum of its minimums' s[m] >= commit
    for ci, c in enumerate(sc.contracts):
        keep = 1.0 - c["discount_pct"] / 100.0
        entries = {a: keep for a, (cc, _) in m.credit.items() if cc == ci}
        s = m.col(0.0 if elastic else sc.df(c["window"][1]), ("s", ci))
        entries[s] = 1.0
        for sm in min_cols.get(ci, []):
            entries[sm] = 1.0
        m.row(c["commit"], INF, entries)

    # shares: min_share, max_share, first_on/share (with the "cannot support" exception)
    for r in sc.rules:
        kind, mode = r["kind"], r["mode"]
        if kind not in ("min_share", "max_share") and not (kind == "first_on" and mode == "share"):
            continue
        w, p, share = r["workload"], r["provider"], r["share"]
        for t in range(r["window"][0], r["window"][1] + 1):
            if kind == "first_on" and (p, w, t) not in supports:
                continue
            cols = by_wt.get((w, t), [])
            if not cols:
                continue
            entries = {}
            for j in cols:
                on = 1.0 if provider_of(j) == p else 0.0
                entries[j] = perf_of(j) * (on - share)
            if kind == "max_share":
                m.row(-INF, 0.0, entries)
            else:
                m.row(0.0, INF, entries)

    # first-stage objective for first_on/priority: served demand units on the provider
    stage1 = {}
    for r in sc.rules:
        if r["kind"] == "first_on" and r["mode"] == "priority":
            w, p = r["workload"], r["provider"]
            for t in range(r["window"][0], r["window"][1] + 1):
                for j in by_wt.get((w, t), []):
                    if provider_of(j) == p:
                        stage1[j] = stage1.get(j, 0.0) + perf_of(j)
    # money: what each column pays and earns in which month (nominal)
    paid = {}      # col -> (t, usd per unit)
    earned = {}    # col -> (t, usd per unit)
    for j, inf in enumerate(m.info):
        if inf[0] == "x":
            paid[j] = (inf[3], m.x_price[j])
            rev = sc.workloads[inf[2]]["revenue"]
            if rev > 0:
                earned[j] = (inf[3], rev * H * perf_of(j))
        elif inf[0] == "y":  # reserved units used earn their workload's revenue (paid by the lots)
            rev = sc.workloads[inf[2]]["revenue"]
            if rev > 0:
                earned[j] = (inf[3], rev * H * perf_of(j))
        elif inf[0] == "a":  # SPEC v2: paid at list price less sum_c d_c a[c,t]
            paid[j] = (inf[2], -sc.contracts[inf[1]]["discount_pct"] / 100.0)
        elif inf[0] == "s":
            paid[j] = (sc.contracts[inf[1]]["window"][1], 1.0)  # a shortfall is paid in the month of its to
        elif inf[0] == "sm":
            paid[j] = (sc.minimums[inf[1]]["window"][1], 1.0)
    # paid as col -> [(t, usd per unit)]: a reservation lot pays every month of its term (and its
    # upfront in the start month), list spend credited like usage
    paid = {j: [tu] for j, tu in paid.items()}
    for j, _, _ in m.r_cols:
        paid[j] = list(m.r_charges[j])
    m.paid, m.earned = paid, earned
    if sc.funding_rate is not None and not elastic:
        # cash[t] = cash[t-1] + fixed[t] + earned[t] - paid[t]; cash[t] + g[t] >= min_cash
        # paid and earned grouped by month once (in their order), not scanned whole per month:
        # the same rows, without T x columns work (14 s of build on synth L --v2).
        paid_at, earned_at = {}, {}
        for j, terms in paid.items():
            for tj, usd in terms:
                paid_at.setdefault(tj, []).append((j, usd))
        for j, (tj, usd) in earned.items():
            earned_at.setdefault(tj, []).append((j, usd))
        prev = None
        for t in sc.months:
            c = m.col(0.0, ("cash", t), lower=-INF)
            g = m.col(sc.df(t) * sc.funding_rate / 12.0, ("g", t))
            entries = {c: 1.0}
            if prev is not None:
                entries[prev] = -1.0
            for j, usd in paid_at.get(t, ()):
                entries[j] = entries.get(j, 0.0) + usd
            for j, usd in earned_at.get(t, ()):
                entries[j] = entries.get(j, 0.0) - usd
            rhs = sc.fixed.get(t, 0.0) + (sc.opening_cash if prev is None else 0.0)
            m.row(rhs, rhs, entries)
            m.row(sc.min_cash, INF, {c: 1.0, g: 1.0})
            prev = c

    m.stage1 = stage1
    m.integer = {j for j, _, _ in m.r_cols} if sc.integer_lots and not elastic else set()
    m.has_priority = any(r["kind"] == "first_on" and r["mode"] == "priority" for r in sc.rules)
    return m


# --------------------------------------------------------------------------- solve

def to_highs(m):
    n = len(m.cost)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(m.rows)
    lp.col_cost_ = np.array(m.cost, dtype=np.float64)
    lp.col_lower_ = np.array([lo if lo != -INF else -highspy.kHighsInf for lo in m.lower], dtype=np.float64)
    lp.col_upper_ = np.array([u if u != INF else highspy.kHighsInf for u in m.upper], dtype=np.float64)
    lows, ups, starts, index, value = [], [], [], [], []
    for lo, up, entries in m.rows:
        lows.append(lo if lo != -INF else -highspy.kHighsInf)
        ups.append(up if up != INF else highspy.kHighsInf)
        starts.append(len(index))
        for j in sorted(entries):
            index.append(j)
            value.append(entries[j])
    starts.append(len(index))
    if getattr(m, "integer", None):
        lp.integrality_ = [highspy.HighsVarType.kInteger if j in m.integer else highspy.HighsVarType.kContinuous
                           for j in range(n)]
    lp.row_lower_ = np.array(lows, dtype=np.float64)
    lp.row_upper_ = np.array(ups, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(m.rows)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    if not m.integer:
        h.setOptionValue("solver", "simplex")
    else:
        # Near-exact MIP optimum (its bound is reported too), to judge capplan's gap.
        h.setOptionValue("mip_rel_gap", 1e-7)
        h.setOptionValue("time_limit", 120.0)
    h.passModel(lp)
    return h


OUTCOMES = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible)


def run(h):
    h.run()
    status = h.getModelStatus()
    if status not in OUTCOMES:
        # With costs spanning ~1e12 the warm-started dual simplex can fail ("excessive dual
        # values"): start again from scratch, then with the objective scaled down.
        h.clearSolver()
        h.run()
        status = h.getModelStatus()
        if status not in OUTCOMES:
            h.clearSolver()
            h.setOptionValue("user_objective_scale", -20)
            h.run()
            h.setOptionValue("user_objective_scale", 0)
            status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if status == highspy.HighsModelStatus.kTimeLimit and h.getInfo().primal_solution_status == 2:
        return "optimal"  # a MIP stopped by its time limit: incumbent and bound are reported
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return "infeasible"
    raise RuntimeError("HiGHS: " + h.modelStatusToString(status))


def cash_terms(sc, m, t):
    """cash[t] as (constant, {col: coef}) over the plan's columns."""
    const = sc.opening_cash + sum(v for tt, v in sc.fixed.items() if tt <= t)
    coefs = {}
    for j, terms in m.paid.items():
        for tj, usd in terms:
            if tj <= t:
                coefs[j] = coefs.get(j, 0.0) - usd
    for j, (tj, usd) in m.earned.items():
        if tj <= t:
            coefs[j] = coefs.get(j, 0.0) + usd
    return const, coefs


def ledger(sc, m, x):
    rows, peak, peak_t = [], 0.0, None
    for t in sc.months:
        const, coefs = cash_terms(sc, m, t)
        cash = const + sum(a * x[j] for j, a in coefs.items())
        need = max(0.0, sc.min_cash - cash)
        if need > peak * (1 + 1e-9) + 1e-9:
            peak, peak_t = need, t
        rows.append({"period": period_name(t), "cash": cash, "funding_need": need})
    return {"peak_funding_need_usd": peak,
            "peak_funding_need_period": period_name(peak_t) if peak_t is not None else None,
            "cash": rows}


def peak_range(sc, m, objective):
    """(least, largest) peak funding need over the plans whose cost is within 1e-10 (relative) of the optimum."""
    base = Model()
    base.cost, base.upper, base.lower, base.info = list(m.cost), list(m.upper), list(m.lower), list(m.info)
    base.rows = list(m.rows)
    base.row(-INF, objective + 1e-10 * max(1.0, abs(objective)),
             {j: c for j, c in enumerate(m.cost) if c != 0.0})
    n = len(base.cost)
    # Largest: max over months of (min_cash - least cash[t]).
    hi = 0.0
    for t in sc.months:
        const, coefs = cash_terms(sc, m, t)
        probe = Model()
        probe.cost = [0.0] * n
        for j, a in coefs.items():
            probe.cost[j] = a
        probe.upper, probe.lower, probe.info, probe.rows = base.upper, base.lower, base.info, base.rows
        h = to_highs(probe)
        if run(h) != "optimal":
            raise RuntimeError("peak probe did not solve")
        least = const + h.getInfo().objective_function_value
        hi = max(hi, sc.min_cash - least)
    # Least: minimise z >= min_cash - cash[t] for every t, z >= 0.
    probe = Model()
    probe.cost, probe.upper, probe.lower, probe.info = [0.0] * n, list(base.upper), list(base.lower), list(base.info)
    probe.rows = list(base.rows)
    z = probe.col(1.0, ("z",))
    for t in sc.months:
        const, coefs = cash_terms(sc, m, t)
        entries = dict(coefs)
        entries[z] = 1.0
        probe.row(sc.min_cash - const, INF, entries)
    h = to_highs(probe)
    if run(h) != "optimal":
        raise RuntimeError("peak probe did not solve")
    lo = h.getInfo().objective_function_value
    return lo, hi


def solve(folder):
    sc = Scenario(folder)
    m = build(sc)
    h = to_highs(m)
    n = len(m.cost)
    result = {"variables": n, "rows": len(m.rows)}

    if m.has_priority:
        idx = np.arange(n, dtype=np.int32)
        status = "optimal"
        # Stage 0 (the priority guard, SPEC v2): least unmet-demand penalty, then held.
        penalty = np.array([c if inf[0] == "u" else 0.0 for c, inf in zip(m.cost, m.info)])
        if penalty.any():
            h.changeColsCost(n, idx, penalty)
            status = run(h)
            if status == "optimal":
                z0 = float(penalty @ np.array(h.getSolution().col_value))
                cols = [j for j in range(n) if penalty[j] != 0.0]
                h.addRow(-highspy.kHighsInf, z0 + HOLD_REL_TOL * max(abs(z0), 1.0), len(cols),
                         np.array(cols, dtype=np.int32), penalty[cols])
        if status == "optimal":
            # Stage 1: maximise served units on the provider over all priority rules.
            c1 = np.zeros(n)
            for j, v in m.stage1.items():
                c1[j] = v
            h.changeColsCost(n, idx, c1)
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
            status = run(h)
        if status == "optimal":
            z1 = sum(v * x for v, x in zip(c1, h.getSolution().col_value))
            cols = sorted(m.stage1)
            if cols:
                h.addRow(z1 - HOLD_REL_TOL * abs(z1), highspy.kHighsInf, len(cols),
                         np.array(cols, dtype=np.int32), np.array([m.stage1[j] for j in cols]))
            h.changeColsCost(n, idx, np.array(m.cost, dtype=np.float64))
            h.changeObjectiveSense(highspy.ObjSense.kMinimize)
            status = run(h)
            result["stage1_served_units"] = z1
    else:
        status = run(h)

    if status == "optimal":
        x = h.getSolution().col_value
        objective = float(sum(c * v for c, v in zip(m.cost, x)))
        usage = float(sum(m.x_price[j] * x[j] for j in m.x_price))
        usage += float(sum(x[j] * sum(u for _, u in m.r_charges[j]) for j, _, _ in m.r_cols))
        usage -= float(sum(sc.contracts[ci]["discount_pct"] / 100.0 * x[a] for a, (ci, _) in m.credit.items()))
        shortfall = float(sum(x[j] for j, inf in enumerate(m.info) if inf[0] in ("s", "sm")))
        unmet = float(sum(x[j] for j, inf in enumerate(m.info) if inf[0] == "u"))
        out = {"status": "optimal", "objective_usd": objective, "usage_usd": usage,
               "shortfall_usd": shortfall, "unmet_units": unmet}
        if m.r_cols:
            out["lots"] = [{"option": sc.reservations[ki]["option"], "start": period_name(s), "lots": float(x[j])}
                           for j, ki, s in m.r_cols if x[j] > 1e-9]
            out["integer_lots"] = bool(m.integer)
            if m.integer:
                out["mip_bound_usd"] = float(h.getInfo().mip_dual_bound)
        out.update(result)
        out.update(ledger(sc, m, x))
        if sc.has_money and not m.has_priority and not m.integer:
            lo, hi = peak_range(sc, m, objective)
            out["peak_unique"] = hi - lo <= 1e-6 * max(1.0, abs(hi))
            out["peak_range"] = [lo, hi]
        else:
            out["peak_unique"] = False
        return out

    # Infeasible: make every hard demand elastic, minimise the total hard shortfall.
    me = build(sc, elastic=True)
    he = to_highs(me)
    if run(he) != "optimal":
        raise RuntimeError("elastic re-solve did not solve")
    x = he.getSolution().col_value
    shortfalls = []
    for j, inf in enumerate(me.info):
        if inf[0] == "e" and x[j] > 1e-6:
            shortfalls.append({"period": period_name(inf[2]), "workload": inf[1], "short": x[j]})
    shortfalls.sort(key=lambda s: (s["period"], s["workload"]))
    out = {"status": "infeasible", "objective_usd": None, "usage_usd": None,
           "shortfall_usd": None, "unmet_units": None}
    out.update(result)
    out["short_total"] = sum(s["short"] for s in shortfalls)
    out["shortfalls"] = shortfalls
    return out


def main(argv):
    if len(argv) != 2:
        print("usage: spec_lp.py FOLDER", file=sys.stderr)
        return 2
    # HiGHS (C++) prints a banner on file descriptor 1 when highspy.Highs() is built, before any
    # option can silence it: point fd 1 at stderr while solving, so stdout holds the JSON alone.
    sys.stdout.flush()
    real_stdout = os.dup(1)
    os.dup2(2, 1)
    try:
        out = solve(argv[1])
    except RuntimeError as e:
        print(str(e), file=sys.stderr)
        return 3
    finally:
        sys.stdout.flush()
        os.dup2(real_stdout, 1)
        os.close(real_stdout)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
