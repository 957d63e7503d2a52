#!/usr/bin/env python3
"""Independent reference implementation of SPEC's capacity-planning LP.

Usage: spec_lp.py FOLDER

Reads one scenario folder (SPEC's CSV files, assumed valid), builds the linear
program of SPEC "The model" as read by docs/interpretation.md, solves it with
HiGHS (simplex) and prints one JSON object:

  {"status": "optimal", "objective_usd", "usage_usd", "shortfall_usd",
   "unmet_units", "variables", "rows"}

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
            }

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

        self.contracts = []
        for r in read_rows(folder, "contracts.csv"):
            win = self.window(r)
            if win is None:
                continue
            self.contracts.append({
                "contract": cell(r, "contract"),
                "provider": cell(r, "provider"),
                "window": win,
                "commit": float(cell(r, "commit_usd")),
                "discount_pct": num(r, "discount_pct", 0.0),
            })

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

    def discount_pct(self, provider, t):
        for c in self.contracts:
            if c["provider"] == provider and c["window"][0] <= t <= c["window"][1]:
                return c["discount_pct"]
        return 0.0


def inside(win, t):
    return win[0] <= t <= win[1]


# --------------------------------------------------------------------------- model

class Model:
    """Columns and rows of the LP, kept row-wise as (lower, upper, {col: coef})."""

    def __init__(self):
        self.cost = []
        self.upper = []
        self.info = []  # per column: ("x", tranche_index, w, t) | ("u", w, t) | ("s", c) | ("e", w, t)
        self.rows = []

    def col(self, cost, info, upper=INF):
        self.cost.append(cost)
        self.upper.append(upper)
        self.info.append(info)
        return len(self.cost) - 1

    def row(self, lower, upper, entries):
        self.rows.append((lower, upper, entries))


def build(sc, elastic=False):
    """Build the model. elastic=True: zero costs, hard demand gets a short[w,t] column of cost 1."""
    m = Model()
    H = sc.hours

    # Month-by-month support: provider p can support w in t (interpretation 6).
    supports = set()
    for o in sc.tranches:
        for w in sc.workloads:
            if sc.can_serve(w, o["sku"]):
                for t in range(o["window"][0], o["window"][1] + 1):
                    supports.add((o["provider"], w, t))

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
            price = o["price"] * (1.0 - sc.discount_pct(o["provider"], t) / 100.0)
            for w in sc.workloads:
                if not sc.can_serve(w, o["sku"]) or not allowed(o["provider"], w, t):
                    continue
                j = m.col(0.0 if elastic else sc.df(t) * price * H, ("x", oi, w, t))
                by_wt.setdefault((w, t), []).append(j)
                by_ot.setdefault((oi, t), []).append(j)
    m.x_price = {}  # col -> nominal discounted price per unit-month
    for j, inf in enumerate(m.info):
        o = sc.tranches[inf[1]]
        m.x_price[j] = o["price"] * (1.0 - sc.discount_pct(o["provider"], inf[3]) / 100.0) * H

    def perf_of(j):
        _, oi, w, _ = m.info[j]
        return sc.perf(w, sc.tranches[oi]["sku"])

    def provider_of(j):
        return sc.tranches[m.info[j][1]]["provider"]

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
            if entries:
                m.row(-INF, p["max_mw"], entries)

    # take-or-pay
    for ci, c in enumerate(sc.contracts):
        entries = {}
        for j, inf in enumerate(m.info):
            if inf[0] == "x" and provider_of(j) == c["provider"] and inside(c["window"], inf[3]):
                entries[j] = m.x_price[j]
        s = m.col(0.0 if elastic else sc.df(c["window"][1]), ("s", ci))
        entries[s] = 1.0
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
    m.stage1 = stage1
    m.has_priority = any(r["kind"] == "first_on" and r["mode"] == "priority" for r in sc.rules)
    return m


# --------------------------------------------------------------------------- solve

def to_highs(m):
    n = len(m.cost)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(m.rows)
    lp.col_cost_ = np.array(m.cost, dtype=np.float64)
    lp.col_lower_ = np.zeros(n)
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
    h.setOptionValue("solver", "simplex")
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
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return "infeasible"
    raise RuntimeError("HiGHS: " + h.modelStatusToString(status))


def solve(folder):
    sc = Scenario(folder)
    m = build(sc)
    h = to_highs(m)
    n = len(m.cost)
    result = {"variables": n, "rows": len(m.rows)}

    if m.has_priority:
        # Stage 1: maximise served units on the provider over all priority rules.
        idx = np.arange(n, dtype=np.int32)
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
        shortfall = float(sum(x[j] for j, inf in enumerate(m.info) if inf[0] == "s"))
        unmet = float(sum(x[j] for j, inf in enumerate(m.info) if inf[0] == "u"))
        out = {"status": "optimal", "objective_usd": objective, "usage_usd": usage,
               "shortfall_usd": shortfall, "unmet_units": unmet}
        out.update(result)
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
