#!/usr/bin/env python3
"""Write a random scenario with mixed price and penalty extremes (spreads up to 1e12).

Usage: extremes.py --seed N OUT_DIR

Starts from random_scenario.py's small scenario for the seed, then, deterministically per seed:
- adds unused-looking tranches at extreme prices ($1e3..$1e9 per unit-hour) beside ordinary ones,
- gives some tranches near-free prices ($0.0001..$0.01),
- sets some unmet penalties to extremes ($0.001..$1e12 per unit-hour, plus 1e12 on a hard-looking
  workload made soft),
- sometimes scales a contract's commitment by 1e3..1e6.
Numbers stay plain decimals (no exponent), as inputs/README.md requires. The result is a valid
scenario whose optimum spans up to 12 orders of magnitude in its costs: the case where an
interior-point solver's tolerances stop being small relative to the cheap part of the plan.
"""

import argparse
import csv
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import random_scenario  # noqa: E402

fmt = random_scenario.fmt


def read(path):
    if not os.path.exists(path):
        return None, []
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


def write(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def extreme(rng, lo_exp, hi_exp):
    """10^k times a mantissa in [1, 10), rounded to 4 significant digits."""
    k = rng.randint(lo_exp, hi_exp)
    v = rng.uniform(1.0, 9.99) * 10.0 ** k
    return float("%.4g" % v)


def mutate(seed, out):
    rng = random.Random(seed * 104729 + 17)
    cols, offers = read(os.path.join(out, "offers.csv"))
    extra = []
    for o in offers:
        roll = rng.random()
        if roll < 0.35:  # an expensive twin beside the ordinary tranche
            twin = dict(o)
            twin["usd_per_unit_hour"] = fmt(extreme(rng, 3, 9))
            twin["max_units"] = fmt(float(o["max_units"]) * rng.choice([1, 10]))
            extra.append(twin)
        elif roll < 0.5:
            o["usd_per_unit_hour"] = fmt(extreme(rng, -4, -2))
    rng.shuffle(extra)
    write(os.path.join(out, "offers.csv"), cols, offers + extra)

    cols, workloads = read(os.path.join(out, "workloads.csv"))
    if "unmet_usd_per_unit_hour" not in cols:
        cols = cols + ["unmet_usd_per_unit_hour"]
    for w in workloads:
        soft = (w.get("unmet_usd_per_unit_hour") or "") != ""
        roll = rng.random()
        if soft and roll < 0.3:
            w["unmet_usd_per_unit_hour"] = "1000000000000"
        elif soft and roll < 0.55:
            w["unmet_usd_per_unit_hour"] = fmt(extreme(rng, -3, 11))
        elif not soft and roll < 0.25:  # a hard workload made soft at a prohibitive penalty
            w["unmet_usd_per_unit_hour"] = fmt(extreme(rng, 9, 12))
    write(os.path.join(out, "workloads.csv"), cols, workloads)

    cols, contracts = read(os.path.join(out, "contracts.csv"))
    if contracts and rng.random() < 0.4:
        c = rng.choice(contracts)
        c["commit_usd"] = fmt(float(c["commit_usd"]) * rng.choice([1e3, 1e4, 1e6]))
        write(os.path.join(out, "contracts.csv"), cols, contracts)


def strip_money(out):
    """Money is not what this generator tests (spreads are): with $1e12 tranches in the cash rows the
    independent model's own simplex returns Unknown, so the ledger's inputs are left out."""
    finance = os.path.join(out, "finance.csv")
    if os.path.exists(finance):
        os.remove(finance)
    path = os.path.join(out, "settings.csv")
    if os.path.exists(path):
        cols, rows = read(path)
        rows = [r for r in rows if r["key"] not in ("min_cash_usd", "funding_rate")]
        write(path, cols, rows)
    cols, workloads = read(os.path.join(out, "workloads.csv"))
    if "revenue_usd_per_unit_hour" in cols:
        cols = [c for c in cols if c != "revenue_usd_per_unit_hour"]
        workloads = [{k: v for k, v in w.items() if k in cols} for w in workloads]
        write(os.path.join(out, "workloads.csv"), cols, workloads)


def strip_reservations(out):
    """Whole lots are not what this generator tests either (the differential seeds cover them): with
    $1e12 spreads the independent model's MIP cannot hold the priority stages, so reservation
    options and the lot settings are left out."""
    path = os.path.join(out, "reservations.csv")
    if os.path.exists(path):
        os.remove(path)
    path = os.path.join(out, "settings.csv")
    if os.path.exists(path):
        cols, rows = read(path)
        rows = [r for r in rows if r["key"] not in ("lots", "mip_gap")]
        write(path, cols, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("out_dir")
    args = ap.parse_args()
    random_scenario.generate(args.seed, args.out_dir, "small")
    strip_money(args.out_dir)
    strip_reservations(args.out_dir)
    mutate(args.seed, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
