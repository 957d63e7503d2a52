#!/usr/bin/env python3
"""Hand-computed tiny cases for spec_lp.py. Run: python3 tools/spec_ref/selftest.py"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_lp  # noqa: E402

H = 730.0


def scenario(files):
    d = tempfile.mkdtemp(prefix="spec_ref_")
    base = {
        "providers.csv": "provider,name\naz,Azure\naws,AWS\n",
        "skus.csv": "sku,resource,power_kw,perf\nh100,gpu,1,1\n",
        "workloads.csv": "workload,resource,unmet_usd_per_unit_hour\ntrain,gpu,\n",
    }
    base.update(files)
    for name, text in base.items():
        if text is not None:
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
    return d


def close(a, b):
    return abs(a - b) <= 1e-7 * max(1.0, abs(a), abs(b))


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def two_tranches():
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,150\n",
        "offers.csv": "provider,region,sku,from,to,max_units,usd_per_unit_hour\n"
                      "az,east,h100,,,100,1\naz,east,h100,,,100,2\n",
    })
    return d, 100 * 1 * H + 50 * 2 * H


@case
def discount_rate_and_hours():
    d = scenario({
        "settings.csv": "key,value\ndiscount_rate,0.12\nhours_per_month,700\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,10\n2026-07,train,10\n",
        "offers.csv": "provider,region,sku,from,to,max_units,usd_per_unit_hour\naz,east,h100,,,100,1\n",
    })
    # horizon 2026-01..2026-07; months in between have zero demand
    return d, 10 * 700 + 10 * 700 * 1.12 ** (-6 / 12)


@case
def perf_override_and_zero():
    d = scenario({
        "skus.csv": "sku,resource,perf\nh100,gpu,\nb200,gpu,2\n",
        "perf.csv": "workload,sku,perf\ntrain,h100,0\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,1000,0.1\naz,east,b200,1000,3\n",
    })
    return d, 50 * 3 * H  # h100 cannot serve; b200 serves 2 each


@case
def unmet_penalty_cheaper():
    d = scenario({
        "workloads.csv": "workload,resource,unmet_usd_per_unit_hour\ntrain,gpu,1.5\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,150\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,100,1\naz,east,h100,100,2\n",
    })
    return d, 100 * H + 50 * 1.5 * H


@case
def take_or_pay_with_discount_and_shortfall():
    d = scenario({
        "settings.csv": "key,value\ndiscount_rate,0.1\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,10\n2026-02,train,10\n2026-03,train,10\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,100,2\naws,east,h100,100,1.5\n",
        "contracts.csv": "contract,provider,from,to,commit_usd,discount_pct\n"
                         "c1,az,2026-01,2026-02,100000,50\n",
    })
    df = lambda m: 1.1 ** (-m / 12)
    # months 1-2: az at 1.0 (discounted) is cheapest; month 3 aws at 1.5.
    usage_az = 10 * 1.0 * H * 2  # 14600 nominal burn, commit 100000 -> shortfall 85400 at df(Feb)
    return d, 10 * H * (df(0) + df(1)) + 10 * 1.5 * H * df(2) + (100000 - usage_az) * df(1)


@case
def take_or_pay_pulls_usage():
    # Commit large enough that moving work to az costs less than the shortfall it saves.
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,10\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,100,2\naws,east,h100,100,1\n",
        "contracts.csv": "contract,provider,commit_usd\nc1,az,1000000\n",
    })
    # All on az: 10*2*730 = 14600 spend, shortfall 985400; total 1000000.
    return d, 1000000.0


@case
def power_binding():
    d = scenario({
        "skus.csv": "sku,resource,power_kw\nh100,gpu,2\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,1000,1\naws,west,h100,1000,3\n",
        "power.csv": "provider,region,max_mw\naz,east,0.08\n",
    })
    return d, 40 * H + 60 * 3 * H


@case
def min_share():
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,1000,2\naws,west,h100,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,share\nr1,min_share,train,az,0.3\n",
    })
    return d, 30 * 2 * H + 70 * H


@case
def max_share():
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,1000,2\naws,west,h100,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,share\nr1,max_share,train,aws,0.25\n",
    })
    return d, 75 * 2 * H + 25 * H


@case
def first_on_priority():
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,60,5\naws,west,h100,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,mode\nr1,first_on,train,az,priority\n",
    })
    return d, 60 * 5 * H + 40 * H


@case
def first_on_window_cannot_support():
    # az has no offer in Feb -> rule does not apply in Feb; in Jan it is exclusive.
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n2026-02,train,100\n",
        "offers.csv": "provider,region,sku,from,to,max_units,usd_per_unit_hour\n"
                      "az,east,h100,2026-01,2026-01,1000,5\naws,west,h100,,,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,mode\nr1,first_on,train,az,window\n",
    })
    return d, 100 * 5 * H + 100 * H


@case
def first_on_window_small_capacity_still_applies():
    # az supports the workload but has too little capacity: still exclusive -> unmet.
    d = scenario({
        "workloads.csv": "workload,resource,unmet_usd_per_unit_hour\ntrain,gpu,10\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,30,5\naws,west,h100,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,mode\nr1,first_on,train,az,window\n",
    })
    return d, 30 * 5 * H + 70 * 10 * H


@case
def first_on_share_exception():
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n2026-02,train,100\n",
        "offers.csv": "provider,region,sku,from,to,max_units,usd_per_unit_hour\n"
                      "az,east,h100,,2026-01,1000,5\naws,west,h100,,,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,share,mode\nr1,first_on,train,az,0.5,share\n",
    })
    return d, (50 * 5 + 50) * H + 100 * H


@case
def exclusive_and_forbid_windows():
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,10\n2026-02,train,10\n2026-03,train,10\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,1000,5\naws,west,h100,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,from,to\n"
                     "r1,exclusive,train,az,2026-01,2026-01\nr2,forbid,train,aws,2026-03,\n",
    })
    return d, 10 * 5 * H + 10 * H + 10 * 5 * H


@case
def horizon_from_settings_clips():
    d = scenario({
        "settings.csv": "key,value\nhorizon_start,2026-02\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,999\n2026-02,train,10\n2026-02,train,5\n",
        "offers.csv": "provider,region,sku,from,to,max_units,usd_per_unit_hour\n"
                      "az,east,h100,2025-01,2030-01,1000,1\n",
    })
    return d, 15 * H


@case
def share_counts_demand_units():
    d = scenario({
        "skus.csv": "sku,resource,perf\nh100,gpu,1\nb200,gpu,2\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,b200,1000,4\naws,west,h100,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,share\nr1,min_share,train,az,0.5\n",
    })
    return d, 25 * 4 * H + 50 * 1 * H


@case
def shortfall_at_clipped_contract_end():
    d = scenario({
        "settings.csv": "key,value\ndiscount_rate,0.12\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,0\n2026-03,train,0\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\naws,west,h100,1000,1\n",
        "contracts.csv": "contract,provider,from,to,commit_usd\nc1,az,2025-01,2030-12,1000000\n",
    })
    return d, 1e6 * 1.12 ** (-2 / 12)


@case
def two_contracts_two_discounts():
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,10\n2026-02,train,10\n2026-03,train,10\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\naz,east,h100,1000,2\n",
        "contracts.csv": "contract,provider,from,to,commit_usd,discount_pct\n"
                         "c1,az,,2026-01,0,10\nc2,az,2026-02,2026-02,0,50\n",
    })
    return d, 10 * H * (1.8 + 1.0 + 2.0)


@case
def priority_counts_demand_units_across_rules():
    d = scenario({
        "workloads.csv": "workload,resource,unmet_usd_per_unit_hour\nw1,gpu,\nw2,gpu,\n",
        "skus.csv": "sku,resource\nazs,gpu\nawss,gpu\n",
        "perf.csv": "workload,sku,perf\nw2,azs,2\n",
        "demand.csv": "period,workload,quantity\n2026-01,w1,40\n2026-01,w2,40\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,azs,50,3\naws,west,awss,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,mode\n"
                     "r1,first_on,w1,az,priority\nr2,first_on,w2,az,priority\n",
    })
    # stage 1: w2 takes 20 az units (40 demand units), w1 30 az units -> 70; stage 2 cost
    return d, 50 * 3 * H + 10 * 1 * H


@case
def priority_yields_to_hard_demand():
    d = scenario({
        "workloads.csv": "workload,resource,unmet_usd_per_unit_hour\nw1,gpu,\nw2,gpu,\n",
        "skus.csv": "sku,resource\nazs,gpu\nawss,gpu\n",
        "perf.csv": "workload,sku,perf\nw1,awss,0\n",
        "demand.csv": "period,workload,quantity\n2026-01,w1,100\n2026-01,w2,40\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,azs,100,3\naws,west,awss,1000,1\n",
        "rules.csv": "rule,kind,workload,provider,mode\nr2,first_on,w2,az,priority\n",
    })
    return d, 100 * 3 * H + 40 * 1 * H


@case
def overlapping_power_rows_both_hold():
    d = scenario({
        "skus.csv": "sku,resource,power_kw\nh100,gpu,1\n",
        "demand.csv": "period,workload,quantity\n2026-01,train,100\n2026-02,train,100\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\n"
                      "az,east,h100,1000,1\naws,west,h100,1000,2\n",
        "power.csv": "provider,region,from,to,max_mw\naz,east,,,0.07\naz,east,2026-02,,0.03\n",
    })
    return d, (70 + 30 * 2) * H + (30 + 70 * 2) * H


@case
def infeasible_hard():
    d = scenario({
        "demand.csv": "period,workload,quantity\n2026-01,train,150\n2026-02,train,50\n",
        "offers.csv": "provider,region,sku,max_units,usd_per_unit_hour\naz,east,h100,100,1\n",
    })
    return d, ("infeasible", [("2026-01", "train", 50.0)])


def main():
    failed = 0
    for fn in CASES:
        folder, want = fn()
        got = spec_lp.solve(folder)
        if isinstance(want, tuple):
            ok = got["status"] == want[0] and len(got["shortfalls"]) == len(want[1]) and all(
                s["period"] == p and s["workload"] == w and close(s["short"], q)
                for s, (p, w, q) in zip(got["shortfalls"], want[1]))
        else:
            ok = got["status"] == "optimal" and close(got["objective_usd"], want)
        failed += not ok
        print("%-48s %s  want=%s got=%s" % (fn.__name__, "ok " if ok else "FAIL", want,
                                           got.get("objective_usd") if not isinstance(want, tuple) else got.get("shortfalls")))
    print("%d passed, %d failed" % (len(CASES) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
