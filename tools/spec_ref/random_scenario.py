#!/usr/bin/env python3
"""Write a random, valid capplan scenario folder that exercises every SPEC feature.

Usage: random_scenario.py --seed N OUT_DIR [--size small|medium|large]

Deterministic for a seed and size. Covers: settings (horizon given or derived,
discount_rate, hours_per_month), gpu and cpu SKUs with default and explicit
perf/power, soft and hard workloads, demand rows split in two / missing /
outside the horizon / with sigma, offer tranches of rising price with windows
(blank, clipped, occasionally wholly outside the horizon), perf.csv overrides
including 0, contracts with discount_pct (non-overlapping per provider, plus
on some providers an overlapping second deal: SPEC v2 credits), beyond_horizon
full/prorate, minimums.csv (yearly and whole-window milestones, some blank-
ended), power rows (some binding), and rules of every kind and first_on mode.
Column order is shuffled and all-blank optional columns are sometimes left out.

Feasibility: in most seeds every workload has an unmet penalty. Otherwise one
or two workloads are hard, and each gets a "backstop" tranche (whole horizon,
ample units, no power row on its region, perf > 0) and only rules that leave
the backstop usable. About 1 seed in 12 has a hard workload without backstop,
which may be infeasible (tests the shortfall diagnosis).
"""

import argparse
import csv
import os
import random
import sys

SIZES = {
    #         providers regions  skus    workloads months   tranches rules
    "small": ((2, 4), (1, 3), (3, 6), (2, 5), (3, 24), (1, 3), (3, 7)),
    "medium": ((3, 5), (2, 4), (6, 10), (5, 10), (24, 60), (1, 4), (6, 14)),
    "large": ((5, 5), (3, 5), (10, 13), (9, 12), (84, 120), (2, 4), (10, 20)),
}

PROVIDERS = [("azure", "Microsoft Azure"), ("aws", "Amazon Web Services"), ("oracle", "Oracle OCI"),
             ("coreweave", "CoreWeave"), ("gcp", "Google Cloud")]
REGIONS = ["east", "west", "central", "north", "south-2", "eu.1"]
GPU_SKUS = ["h100", "h200", "b200", "gb200", "gb300", "mi300x", "a100", "mi355x"]
CPU_SKUS = ["c7g", "c8i", "epyc-9", "graviton4", "xeon6"]
FILES = ["settings.csv", "providers.csv", "skus.csv", "workloads.csv", "demand.csv", "offers.csv",
         "perf.csv", "contracts.csv", "minimums.csv", "power.csv", "rules.csv", "reservations.csv",
         "finance.csv"]
KINDS = ["exclusive", "forbid", "min_share", "max_share",
         ("first_on", "priority"), ("first_on", "window"), ("first_on", "share")]


def fmt(x):
    """Plain decimal, no exponent."""
    if float(x).is_integer():
        return str(int(x))
    return ("%.6f" % x).rstrip("0").rstrip(".")


def period(m):
    return "%04d-%02d" % (m // 12, m % 12 + 1)


def month_index_of(text):
    y, mo = text.split("-")
    return int(y) * 12 + int(mo) - 1


def write(rng, out, name, columns, optional, rows):
    """Write rows (dicts) with a shuffled column order; optional columns that are blank
    everywhere are left out half of the time."""
    cols = list(columns)
    for c in optional:
        if all(r.get(c, "") == "" for r in rows) and rng.random() < 0.5:
            cols.remove(c)
    if rng.random() < 0.5:
        rng.shuffle(cols)
    with open(os.path.join(out, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") for c in cols])


def window(rng, lo, hi, blank_p=0.3, spill=0):
    """Random (from, to) cells inside lo..hi (optionally spilling `spill` months outside)."""
    a = rng.randint(lo - spill, hi)
    b = rng.randint(max(a, lo), hi + spill)
    f = "" if rng.random() < blank_p else period(a)
    t = "" if rng.random() < blank_p else period(b)
    return f, t, (lo if f == "" else a), (hi if t == "" else b)


def generate(seed, out, size="small"):
    rng = random.Random(seed * 7919 + {"small": 0, "medium": 1, "large": 2}[size])
    np_, nr, ns, nw, nm, nt, nrules = SIZES[size]
    os.makedirs(out, exist_ok=True)
    for name in FILES:  # optional files may not be rewritten: never leave a stale one behind
        if os.path.exists(os.path.join(out, name)):
            os.remove(os.path.join(out, name))

    # ---- horizon and settings
    start = 2026 * 12 + rng.randint(0, 23)
    months = rng.randint(*nm)
    end = start + months - 1
    settings = []
    horizon_in_settings = rng.random() < 0.35
    demand_lo, demand_hi = start, end
    if horizon_in_settings:
        which = rng.choice(["both", "start", "end"])
        if which in ("both", "start"):
            settings.append({"key": "horizon_start", "value": period(start)})
            demand_lo = start - rng.randint(0, 3)
        if which in ("both", "end"):
            settings.append({"key": "horizon_end", "value": period(end)})
            demand_hi = end + rng.randint(0, 3)
    if rng.random() < 0.8:
        settings.append({"key": "discount_rate", "value": fmt(rng.choice([0, 0.03, 0.05, 0.08, 0.12]))})
    if rng.random() < 0.3:
        settings.append({"key": "hours_per_month", "value": fmt(rng.choice([720, 744, 732.5]))})
    hours = next((float(s["value"]) for s in settings if s["key"] == "hours_per_month"), 730.0)
    if settings:
        write(rng, out, "settings.csv", ["key", "value"], [], settings)

    # ---- providers, skus, workloads
    providers = PROVIDERS[: rng.randint(*np_)]
    write(rng, out, "providers.csv", ["provider", "name"], ["name"],
          [{"provider": p, "name": n if rng.random() < 0.8 else ""} for p, n in providers])
    pids = [p for p, _ in providers]

    n_skus = rng.randint(*ns)
    n_gpu = rng.randint(1, n_skus - 1)
    skus = {}
    for s in rng.sample(GPU_SKUS, min(n_gpu, len(GPU_SKUS))):
        skus[s] = {"resource": "gpu", "power_kw": rng.choice([None, round(rng.uniform(0.7, 1.8), 3)]),
                   "perf": rng.choice([None, 1, round(rng.uniform(0.5, 3.0), 2)])}
    for s in rng.sample(CPU_SKUS, min(n_skus - n_gpu, len(CPU_SKUS))):
        skus[s] = {"resource": "cpu", "power_kw": rng.choice([None, round(rng.uniform(0.004, 0.02), 4)]),
                   "perf": rng.choice([None, None, 1, 1.5])}
    write(rng, out, "skus.csv", ["sku", "resource", "power_kw", "perf"], ["power_kw", "perf"],
          [{"sku": s, "resource": v["resource"], "power_kw": "" if v["power_kw"] is None else fmt(v["power_kw"]),
            "perf": "" if v["perf"] is None else fmt(v["perf"])} for s, v in skus.items()])
    sku_perf = {s: (1.0 if v["perf"] is None else v["perf"]) for s, v in skus.items()}
    gpu_skus = [s for s in skus if skus[s]["resource"] == "gpu"]
    cpu_skus = [s for s in skus if skus[s]["resource"] == "cpu"]

    n_wl = rng.randint(*nw)
    wnames = ["train", "infer", "agents", "research", "eval", "frontier", "batch", "api",
              "stateful-rt", "embed", "rl", "search"]
    workloads = {}
    for i, w in enumerate(rng.sample(wnames, n_wl)):
        res = "gpu" if i == 0 else rng.choice(["gpu", "gpu", "cpu"])
        if res == "cpu" and not cpu_skus:
            res = "gpu"
        workloads[w] = {"resource": res}
    mode = rng.random()
    hard_mode = "soft" if mode < 0.63 else ("backstop" if mode < 0.92 else "risky")
    wl_list = list(workloads)
    hard = set()
    if hard_mode != "soft":
        hard = set(rng.sample(wl_list, 1 if len(wl_list) < 4 or rng.random() < 0.6 else 2))
    for w, v in workloads.items():
        if w in hard:
            v["penalty"] = None
        elif v["resource"] == "gpu":
            v["penalty"] = round(rng.uniform(2.5, 20.0), 2)
        else:
            v["penalty"] = round(rng.uniform(0.04, 0.4), 3)
    write(rng, out, "workloads.csv", ["workload", "resource", "unmet_usd_per_unit_hour"], ["unmet_usd_per_unit_hour"],
          [{"workload": w, "resource": v["resource"],
            "unmet_usd_per_unit_hour": "" if v["penalty"] is None else fmt(v["penalty"])}
           for w, v in workloads.items()])

    # ---- perf overrides (matching resource only); never 0 on a hard workload's chosen backstop sku
    perf = {}
    for _ in range(rng.randint(0, 2 + n_wl)):
        w = rng.choice(wl_list)
        pool = gpu_skus if workloads[w]["resource"] == "gpu" else cpu_skus
        s = rng.choice(pool)
        perf[(w, s)] = rng.choice([0, round(rng.uniform(0.4, 2.5), 2), 1])

    def perf_of(w, s):
        return perf.get((w, s), sku_perf[s])

    # ---- demand
    demand_rows = []
    peak = {}
    mean = {}
    for w, v in workloads.items():
        base = rng.uniform(100, 3000) if v["resource"] == "gpu" else rng.uniform(2000, 60000)
        growth = min(rng.uniform(-0.01, 0.06), 1.6 / months)  # at most ~5x over the horizon
        with_sigma = rng.random() < 0.3
        for m in range(demand_lo, demand_hi + 1):
            if rng.random() < 0.08:
                continue  # missing row = zero demand
            q = round(base * (1 + growth) ** (m - start) * rng.uniform(0.85, 1.15), 1)
            if start <= m <= end:
                peak[w] = max(peak.get(w, 0.0), q)
                mean[w] = mean.get(w, 0.0) + q / months
            parts = [q] if rng.random() < 0.85 else [round(q * 0.4, 1), round(q - round(q * 0.4, 1), 1)]
            for part in parts:
                demand_rows.append({"period": period(m), "workload": w, "quantity": fmt(part),
                                    "sigma": fmt(round(rng.uniform(0.05, 0.3), 2)) if with_sigma else ""})
    # the derived horizon must be exactly start..end: pin both ends with a row
    w0 = rng.choice(wl_list)
    demand_rows.append({"period": period(start), "workload": w0, "quantity": "0", "sigma": ""})
    demand_rows.append({"period": period(end), "workload": w0, "quantity": "0", "sigma": ""})
    rng.shuffle(demand_rows)
    write(rng, out, "demand.csv", ["period", "workload", "quantity", "sigma"], ["sigma"], demand_rows)

    # ---- offers
    offers = []
    regions = {}
    prov_mult = {p: rng.uniform(0.8, 1.3) for p in pids}
    total_need = {"gpu": 0.0, "cpu": 0.0}
    for w, v in workloads.items():
        total_need[v["resource"]] += peak.get(w, 100.0)
    for p in pids:
        regions[p] = rng.sample(REGIONS, rng.randint(*nr))
        for r in regions[p]:
            offered = rng.sample(list(skus), rng.randint(1, min(len(skus), 4 if size != "large" else 7)))
            for s in offered:
                res = skus[s]["resource"]
                base = (rng.uniform(1.5, 6.0) if res == "gpu" else rng.uniform(0.015, 0.08)) * prov_mult[p]
                scale = total_need[res] / max(1, len(pids)) * rng.uniform(0.3, 1.0) + 1
                for k in range(rng.randint(*nt)):
                    f, t, _, _ = window(rng, start, end, blank_p=0.45, spill=3)
                    offers.append({"provider": p, "region": r, "sku": s, "from": f, "to": t,
                                   "max_units": fmt(round(scale * rng.uniform(0.5, 1.5))),
                                   "usd_per_unit_hour": fmt(round(base * (1 + 0.3 * k) * rng.uniform(1.0, 1.1), 4))})
    if rng.random() < 0.1:  # one tranche wholly outside the horizon
        p = rng.choice(pids)
        offers.append({"provider": p, "region": rng.choice(regions[p]), "sku": rng.choice(list(skus)),
                       "from": period(end + 2), "to": period(end + 6), "max_units": "1000",
                       "usd_per_unit_hour": "0.001"})

    # backstops for hard workloads
    backstop = {}  # workload -> (provider, region)
    if hard_mode == "backstop":
        for w in sorted(hard):
            pool = gpu_skus if workloads[w]["resource"] == "gpu" else cpu_skus
            s = rng.choice(pool)
            if perf_of(w, s) <= 0:
                perf[(w, s)] = 1
            p = rng.choice(pids)
            r = rng.choice(regions[p])
            backstop[w] = (p, r)
            res = workloads[w]["resource"]
            price = (rng.uniform(8, 14) if res == "gpu" else rng.uniform(0.1, 0.2))
            offers.append({"provider": p, "region": r, "sku": s, "from": "", "to": "",
                           "max_units": fmt(round(peak.get(w, 100.0) / perf_of(w, s) * 1.5 + 10)),
                           "usd_per_unit_hour": fmt(round(price, 4))})
    rng.shuffle(offers)
    write(rng, out, "offers.csv", ["provider", "region", "sku", "from", "to", "max_units", "usd_per_unit_hour"],
          ["from", "to"], offers)

    if perf:
        write(rng, out, "perf.csv", ["workload", "sku", "perf"], [],
              [{"workload": w, "sku": s, "perf": fmt(v)} for (w, s), v in sorted(perf.items())])

    # ---- contracts: non-overlapping windows per provider
    contracts = []
    for p in pids:
        if rng.random() < 0.3:
            continue
        n = rng.randint(1, 3 if months >= 6 else 1)
        cuts = sorted(rng.sample(range(start + 1, end + 1), n - 1)) if n > 1 and months > n else []
        bounds = [start - rng.randint(0, 2)] + cuts + [end + rng.randint(0, 4)]
        if rng.random() < 0.05:  # a contract wholly before the horizon (and before the next one)
            contracts.append({"contract": "%s-old" % p, "provider": p, "from": period(bounds[0] - 14),
                              "to": period(bounds[0] - 2), "commit_usd": "5000000", "discount_pct": "10"})
        for i in range(len(bounds) - 1):
            a, b = bounds[i], bounds[i + 1] - 1 if i < len(bounds) - 2 else bounds[i + 1]
            if a > b:
                continue
            lo, hi = max(a, start), min(b, end)
            # commit around this provider's fair share of the demand's value in the window
            # (factor 0.1..1.2: some commitments burn, some fall short)
            spend = sum(mean.get(w, 0.0) * (3.5 if v["resource"] == "gpu" else 0.045)
                        for w, v in workloads.items()) * hours
            spend *= (hi - lo + 1) / len(pids) * rng.uniform(0.1, 1.2)
            contracts.append({
                "contract": "%s-c%d" % (p, i + 1), "provider": p,
                "from": "" if i == 0 and rng.random() < 0.3 else period(a),
                "to": "" if i == len(bounds) - 2 and rng.random() < 0.3 else period(b),
                "commit_usd": fmt(round(spend, -3)),
                "discount_pct": rng.choice(["", "0", fmt(round(rng.uniform(2, 30), 1))]),
            })
    # ---- SPEC v2 (own random stream, so version 1's draws stay as they were): an overlapping
    # second deal on some providers, pro-rating, and minimums (yearly and any-window).
    v2 = random.Random(seed * 7919 + 17)
    minimums = []
    for p in pids:
        if v2.random() < 0.45:
            a = v2.randint(start - 2, end)
            b = v2.randint(a, end + 8)
            spend = sum(mean.get(w, 0.0) * (3.5 if v["resource"] == "gpu" else 0.045)
                        for w, v in workloads.items()) * hours
            spend *= (min(b, end) - max(a, start) + 1) / len(pids) * v2.uniform(0.1, 1.0)
            contracts.append({
                "contract": "%s-x" % p, "provider": p, "from": period(a), "to": period(b),
                "commit_usd": fmt(round(spend, -3)),
                "discount_pct": fmt(round(v2.uniform(0, 25), 1)),
            })
    for c in contracts:
        c["beyond_horizon"] = v2.choice(["", "", "full", "prorate", "prorate"])
    for c in contracts:
        if c.get("contract", "").endswith("-old") or v2.random() < 0.5:
            continue
        lo = month_index_of(c["from"]) if c["from"] else start
        hi = month_index_of(c["to"]) if c["to"] else end
        commit = float(c["commit_usd"])
        k = 0
        m0 = lo
        while m0 <= hi and k < 3:  # yearly milestones, some blank-ended
            m1 = min(m0 + 11, hi)
            minimums.append({"contract": c["contract"], "from": period(m0), "to": period(m1),
                             "min_usd": fmt(round(commit * v2.uniform(0.05, 0.6), -2))})
            m0, k = m1 + 1, k + 1
        if v2.random() < 0.3:
            minimums.append({"contract": c["contract"], "from": "", "to": "",
                             "min_usd": fmt(round(commit * v2.uniform(0.1, 1.0), -2))})
    if contracts:
        write(rng, out, "contracts.csv",
              ["contract", "provider", "from", "to", "commit_usd", "discount_pct", "beyond_horizon"],
              ["from", "to", "discount_pct", "beyond_horizon"], contracts)
    if minimums:
        write(v2, out, "minimums.csv", ["contract", "from", "to", "min_usd"], ["from", "to"], minimums)

    # ---- power (never on a backstop region)
    power = []
    protected = set(backstop.values())
    for p in pids:
        for r in regions[p]:
            if (p, r) in protected or rng.random() < 0.4:
                continue
            kw = sum(float(o["max_units"]) * (skus[o["sku"]]["power_kw"] or 0)
                     for o in offers if o["provider"] == p and o["region"] == r)
            if kw <= 0:
                continue
            for _ in range(rng.randint(1, 2)):
                f, t, _, _ = window(rng, start, end, blank_p=0.4, spill=2)
                power.append({"provider": p, "region": r, "from": f, "to": t,
                              "max_mw": fmt(round(kw / 1000 * rng.uniform(0.2, 1.1), 3))})
    if power:
        write(rng, out, "power.csv", ["provider", "region", "from", "to", "max_mw"], ["from", "to"], power)

    # ---- rules: every kind/mode across seeds; hard workloads get only safe ones
    if os.environ.get("RS_DEBUG"):
        print("hard_mode=%s hard=%s backstop=%s" % (hard_mode, sorted(hard), backstop), file=sys.stderr)
    rules = []
    kinds = list(KINDS)
    rng.shuffle(kinds)
    n_r = rng.randint(*nrules)
    picks = (kinds * 3)[:n_r]
    for i, kind in enumerate(picks):
        k, mode = (kind, "") if isinstance(kind, str) else kind
        w = rng.choice(wl_list)
        able = sorted({o["provider"] for o in offers if skus[o["sku"]]["resource"] == workloads[w]["resource"]
                       and perf_of(w, o["sku"]) > 0})
        p = rng.choice(able) if able and rng.random() < 0.8 else rng.choice(pids)
        if w in hard:
            if hard_mode == "backstop":
                bp = backstop[w][0]
                if k in ("exclusive", "min_share") or (k == "first_on" and mode in ("window", "share")):
                    p = bp
                elif k in ("forbid", "max_share"):
                    others = [q for q in pids if q != bp]
                    if not others:
                        continue
                    p = rng.choice(others)
            elif k != "first_on" or mode != "priority":
                # risky seeds: keep at most the priority rule on hard workloads
                w = rng.choice([x for x in wl_list if x not in hard] or wl_list)
                if w in hard:
                    continue
        f, t, _, _ = window(rng, start, end, blank_p=0.4, spill=2)
        share = ""
        if k in ("min_share", "max_share") or mode == "share":
            share = fmt(round(rng.uniform(0.1, 0.9), 2))
        name = "%s-%s-%d" % (k.replace("_", "-"), mode or "r", i + 1)
        rules.append({"rule": name, "kind": k, "workload": w, "provider": p,
                      "from": f, "to": t, "share": share, "mode": mode})
    if rules:
        write(rng, out, "rules.csv", ["rule", "kind", "workload", "provider", "from", "to", "share", "mode"],
              ["from", "to", "share", "mode"], rules)
    reservations(seed, out, size, start, end, pids, regions, skus, workloads, peak, settings)
    add_money(seed, out, size, start, end, hours)


def add_money(seed, out, size, start, end, hours):
    """Money (SPEC v2) in about 3 seeds of 5, from its own random stream so the rest of the scenario
    is the same with or without it: workload revenue, finance.csv rows (opening cash, funding,
    revenue, expense, some outside the horizon, a conditional tranche), min_cash_usd, and in about
    half of them a funding_rate."""
    rng = random.Random(seed * 104729 + 17 + {"small": 0, "medium": 1, "large": 2}[size])
    if rng.random() < 0.4:
        return
    with open(os.path.join(out, "workloads.csv"), newline="") as f:
        workloads = list(csv.DictReader(f))
    with open(os.path.join(out, "demand.csv"), newline="") as f:
        demand = list(csv.DictReader(f))
    gpu = {w["workload"] for w in workloads if w["resource"] == "gpu"}
    units = sum(float(d["quantity"]) * (2.0 if d["workload"] in gpu else 0.05) for d in demand)
    monthly = max(1.0, units * hours / max(1, end - start + 1))  # a rough month's spend
    for w in workloads:
        hi = 8.0 if w["workload"] in gpu else 0.12
        w["revenue_usd_per_unit_hour"] = fmt(round(rng.uniform(0, hi), 3)) if rng.random() < 0.7 else ""
    write(rng, out, "workloads.csv", ["workload", "resource", "unmet_usd_per_unit_hour",
                                      "revenue_usd_per_unit_hour"],
          ["unmet_usd_per_unit_hour", "revenue_usd_per_unit_hour"], workloads)
    rows = []
    if rng.random() < 0.8:
        rows.append({"period": period(start), "kind": "cash", "usd": fmt(round(rng.uniform(0, 6) * monthly, 2))})
    for _ in range(rng.randint(0, 8)):
        kind = rng.choice(["funding", "revenue", "expense"])
        t = rng.randint(start - 2, end + 2)  # some outside the horizon (ignored)
        rows.append({"period": period(t), "kind": kind, "usd": fmt(round(rng.uniform(0, 3) * monthly, 2)),
                     "sigma": fmt(rng.choice([0, 0, 0.2]))})
    if rng.random() < 0.3:
        rows.append({"period": period(rng.randint(start, end)), "kind": "funding", "label": "tranche-b",
                     "usd": fmt(round(rng.uniform(1, 10) * monthly, 2)), "conditional": "true"})
    rng.shuffle(rows)
    write(rng, out, "finance.csv", ["period", "kind", "usd", "sigma", "label", "conditional"],
          ["sigma", "label", "conditional"], rows)
    extra = []
    if rng.random() < 0.5:
        extra.append({"key": "min_cash_usd", "value": fmt(round(rng.uniform(0, 2) * monthly, 2))})
    if rng.random() < 0.5:
        extra.append({"key": "funding_rate", "value": fmt(rng.choice([0.06, 0.12, 0.3, 1.5]))})
    if extra:
        path = os.path.join(out, "settings.csv")
        if os.path.exists(path):
            with open(path, newline="") as f:
                settings = list(csv.DictReader(f))
        else:
            settings = []
        write(rng, out, "settings.csv", ["key", "value"], [], settings + extra)


def reservations(seed, out, size, start, end, pids, regions, skus, workloads, peak, settings):
    """SPEC v2 reservation options, from their own random stream (the rest of a seed's scenario
    stays as it was): in 2 seeds of 3, 1-4 options with windows, terms, lead times, lots, limits
    and upfronts; lots integer or continuous. Appends to settings.csv when it sets `lots`."""
    rng = random.Random(seed * 104729 + {"small": 0, "medium": 1, "large": 2}[size])
    if rng.random() < 1 / 3:
        return
    months = end - start + 1
    rows = []
    for i in range(rng.randint(1, 4 if size != "small" else 3)):
        p = rng.choice(pids)
        r = rng.choice(regions[p] + ["site-%d" % i])  # sometimes a site only reservations declare
        s = rng.choice(list(skus))
        res = skus[s]["resource"]
        need = sum(peak.get(w, 0.0) for w, v in workloads.items() if v["resource"] == res) or 100.0
        lot = rng.choice([1, 8, 72]) if res == "gpu" else rng.choice([1, 500, 2000])
        f, t, _, _ = window(rng, start, end, blank_p=0.3, spill=3)
        base = rng.uniform(1.2, 4.5) if res == "gpu" else rng.uniform(0.01, 0.06)
        rows.append({
            "option": "res-%d" % (i + 1), "provider": p, "region": r, "sku": s, "from": f, "to": t,
            "term_months": str(rng.randint(1, max(1, min(months, 18)))),
            "lead_months": rng.choice(["", "0", str(rng.randint(1, 4))]),
            "lot_units": "" if lot == 1 and rng.random() < 0.5 else str(lot),
            "max_lots": rng.choice(["", "", str(max(1, int(need / lot * rng.uniform(0.1, 0.6))))]),
            "usd_per_unit_hour": fmt(round(base, 4)),
            "upfront_usd_per_lot": rng.choice(["", "0", fmt(round(base * lot * rng.uniform(50, 400), 2))]),
        })
    write(rng, out, "reservations.csv",
          ["option", "provider", "region", "sku", "from", "to", "term_months", "lead_months", "lot_units",
           "max_lots", "usd_per_unit_hour", "upfront_usd_per_lot"],
          ["from", "to", "lead_months", "lot_units", "max_lots", "upfront_usd_per_lot"], rows)
    lots = rng.choice(["", "integer", "continuous"])
    if lots:
        settings = settings + [{"key": "lots", "value": lots}]
        write(rng, out, "settings.csv", ["key", "value"], [], settings)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("out_dir")
    a = ap.parse_args()
    generate(a.seed, a.out_dir, a.size)


if __name__ == "__main__":
    main()
