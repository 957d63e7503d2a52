#!/usr/bin/env python3
"""Generate the reference scenario `inputs/openai-2025/` (CSV files only).

    python3 inputs/tools/build_openai_2025.py            # writes the CSVs, prints the LP size
    python3 inputs/tools/build_openai_2025.py --dry-run  # prints the LP size only

Deterministic: no clock, no randomness, rows in a fixed order, numbers printed
with fixed rounding. Every figure below is marked S (sourced, key from
shared/domain/figures.md section 9), D (derived from sourced figures) or E
(estimate / assumption); inputs/README.md explains each one.
"""
import csv
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "openai-2025"

# --------------------------------------------------------------------------
# Horizon and settings
# --------------------------------------------------------------------------
H_START = (2025, 11)
H_END = (2032, 12)
DISCOUNT_RATE = 0.08      # E: annual planner's cost of capital
HOURS = 730               # SPEC default


def periods(a=H_START, b=H_END):
    y, m = a
    out = []
    while (y, m) <= b:
        out.append((y, m))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


PERIODS = periods()
PIDX = {p: i for i, p in enumerate(PERIODS)}


def ym(s):
    y, m = s.split("-")
    return int(y), int(m)


def fmt_p(p):
    return "%04d-%02d" % p


def num(x, nd=4):
    """Plain decimal, no exponent, no trailing zeros."""
    if isinstance(x, int):
        return str(x)
    s = ("%." + str(nd) + "f") % x
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s if s != "-0" else "0"


# --------------------------------------------------------------------------
# SKUs: facility kW per unit = IT kW/GPU all-in (accelerators.csv, S/D/E)
#       x 1.10 (network/storage/CPU overhead, E, figures.md s3) x PUE 1.2 (E)
# perf (default) = eff_train (H100 = 1, figures.md s4c, E)
# --------------------------------------------------------------------------
FACILITY = 1.10 * 1.2
GPU_SKUS = {
    # sku: (it_kw_per_gpu_allin, eff_train, eff_infer)
    "h100": (1.275, 1.0, 1.0),
    "h200": (1.275, 1.1, 1.6),
    "gb200": (1.75, 2.5, 5.0),
    "gb300": (1.875, 3.5, 7.0),
    "trn3": (1.3, 1.2, 1.5),
}
# CPU: kW per vCPU at the facility (E): a 2-socket Arm server of 192 vCPU draws
# ~0.8 kW -> ~4.2 W/vCPU IT -> x1.32 ~ 5.5 W -> 0.006 kW; x86 with SMT (2 vCPU
# per core, 384 vCPU per ~1.1 kW server) -> ~0.004-0.005 kW.
# perf = throughput per vCPU relative to Graviton4 (figures.md s5, E).
CPU_SKUS = {
    "graviton4-vcpu": (0.006, 1.0),
    "cobalt100-vcpu": (0.006, 0.95),
    "ampere-a1-vcpu": (0.006, 0.6),
    "epyc-vcpu": (0.005, 0.8),
}


def gpu_kw(sku):
    return round(GPU_SKUS[sku][0] * FACILITY, 3)


# --------------------------------------------------------------------------
# Workloads. Demand units: H100-equivalents (training: eff_train basis;
# inference workloads: eff_infer basis); agent tools: Graviton4-equivalent vCPUs.
# Penalties (E): value of lost service, above every price per demand unit in
# the scenario (max: Azure ND H100 v5 PAYG $12.29 per inference H100-eq-hr).
# --------------------------------------------------------------------------
WORKLOADS = [
    # id, resource, penalty $/demand-unit-hr (None = hard demand)
    ("training", "gpu", 15),
    ("api-stateless", "gpu", 25),
    ("chat", "gpu", 20),
    ("frontier", "gpu", 30),
    ("stateful-runtime", "gpu", 30),
    ("agent-tools-cpu", "cpu", None),
]
INFER = ["api-stateless", "chat", "frontier", "stateful-runtime"]

# Demand: Gompertz growth D(t) = L * exp(-b * exp(-c * (t - t_start))) for
# t >= t_start, else 0; t = months since 2025-11 (0 .. 85), t_start = the
# workload's first month. Gompertz rises fastest early and saturates slowly,
# the shape of the contracted supply ramp. Rounded to `rnd` units.
# sigma(t) = s0 + (s1 - s0) * t / 85 (log-normal spread grows with lead time).
DEMAND = {
    #  workload:        (L,        b,    c,     start,     rnd,   s0,   s1)
    "training":         (5100000,  2.9,  0.098, "2025-11", 1000,  0.05, 0.25),
    "api-stateless":    (4400000,  2.9,  0.098, "2025-11", 1000,  0.05, 0.30),
    "chat":             (7200000,  2.9,  0.098, "2025-11", 1000,  0.05, 0.30),
    "frontier":         (2000000,  5.0,  0.120, "2026-03", 1000,  0.15, 0.45),
    "stateful-runtime": (1200000,  5.0,  0.120, "2026-07", 1000,  0.15, 0.45),
    "agent-tools-cpu":  (20000000, 4.0,  0.070, "2025-11", 10000, 0.05, 0.25),
}

# --------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------
# On-demand list $/unit-hr by year, price_curve_2025_2032.csv (S anchors 2025-26,
# E decline rule from 2027). aws-p5 2025 is 9.134 in the curve (year average
# around the June-2025 cut); from 2025-11 the list was already 6.88 (S) -> 6.88.
YEARS = list(range(2025, 2033))
CURVE = {
    "aws-p5":         [6.88, 6.88, 5.642, 4.626, 3.793, 3.111, 2.551, 2.408],
    "aws-p5en":       [7.912, 7.912, 6.488, 5.32, 4.362, 3.577, 2.933, 2.769],
    "aws-p6e-gb200":  [10.582, 10.582, 8.677, 7.115, 5.835, 4.784, 3.923, 3.704],
    "aws-p6e-gb300":  [11.9, 11.9, 9.758, 8.002, 6.561, 5.38, 4.412, 4.165],
    "az-nd-h100-v5":  [12.29, 12.29, 10.078, 8.264, 6.776, 5.557, 4.556, 4.301],
    "az-nd-h200-v5":  [10.6, 10.6, 8.692, 7.127, 5.845, 4.792, 3.93, 3.71],
    "az-nd-gb300-v6": [30.42, 30.42, 24.944, 20.454, 16.773, 13.754, 11.278, 10.647],
    "cw-h100":        [6.155, 6.155, 5.232, 4.447, 3.78, 3.213, 2.731, 2.321],
    "cw-h200":        [6.305, 6.305, 5.359, 4.555, 3.872, 3.291, 2.798, 2.378],
    "cw-gb200":       [10.5, 10.5, 8.925, 7.586, 6.448, 5.481, 4.659, 3.96],
    "cw-gb300":       [11.81, 11.81, 10.039, 8.533, 7.253, 6.165, 5.24, 4.454],
}
# Contracted rate, flat over the contract (take-or-pay rates are fixed).
# Mega-contracts (azure, aws, oci): GB300 $3.60 = midpoint of the implied
# $3.4-3.8 (figures.md s2, D/E); other SKUs scaled by OCI's list ratios
# (S: H100 10 / H200 10 / GB200 16 / GB300 18 -> 2.00 / 2.00 / 3.20 / 3.60);
# provider factor (E) azure 1.05 (top of range), oci 1.00, aws 0.95 (bottom).
MEGA_BASE = {"gb300": 3.60, "gb200": 3.20, "h200": 2.00, "h100": 2.00}
PFACTOR = {"azure": 1.05, "oci": 1.00, "aws": 0.95}


def mega(provider, sku):
    return round(MEGA_BASE[sku] * PFACTOR[provider], 2)


# Trainium3 contracted rate, D: $100B / 8 yr / (2 GW / 1.716 kW per chip) / 8760 h
TRN3_RATE = round(100e9 / 8 / (2000e3 / gpu_kw("trn3")) / 8760, 2)
# CoreWeave: 3-yr committed = list x (1 - 0.50) (commit_discounts.csv, E),
# the price curve's 2026 3-yr column.
CW_COMMIT = {"h100": 3.078, "h200": 3.152, "gb200": 5.25, "gb300": 5.905}
# CPU: list $/vCPU-hr (cpu_prices.csv, S/S2), contracted = list x (1 - 3-yr
# discount from commit_discounts.csv: aws 0.55, azure 0.56, oci 0.40). Flat (E).
CPU_LIST = {"graviton4-vcpu": 0.0399, "cobalt100-vcpu": 0.035,
            "ampere-a1-vcpu": 0.016, "epyc-vcpu": 0.023}
CPU_D3 = {"aws": 0.55, "azure": 0.56, "oci": 0.40}

# --------------------------------------------------------------------------
# Offers (tranches). Builders.
# --------------------------------------------------------------------------
OFFERS = []   # dicts: provider, region, sku, from, to, max_units, price, tranche


def add(provider, region, sku, frm, to, max_units, price, tranche):
    OFFERS.append(dict(provider=provider, region=region, sku=sku, frm=frm, to=to,
                       max_units=int(max_units), price=price, tranche=tranche))


def steps(provider, region, sku, price, tranche, rows):
    """rows: [(from, to, max_units)] with a flat price."""
    for frm, to, mu in rows:
        add(provider, region, sku, frm, to, mu, price, tranche)


def yearly(provider, region, sku, curve, frm, to, max_units, tranche="list"):
    """One row per calendar year inside frm..to, price from CURVE[curve][year].
    max_units: int, or dict year -> int (the last key at or before the year)."""
    a, b = ym(frm), ym(to)
    for y in range(a[0], b[0] + 1):
        f = max(a, (y, 1))
        t = min(b, (y, 12))
        if isinstance(max_units, dict):
            mu = max_units[max(k for k in max_units if k <= y)]
        else:
            mu = max_units
        add(provider, region, sku, fmt_p(f), fmt_p(t), mu,
            CURVE[curve][YEARS.index(y)], tranche)


def units_for_mw(mw, sku):
    return int(round(mw * 1000 / gpu_kw(sku), -3))


def ramp(points, every=3, rnd=10, end="2032-12"):
    """Step approximation of a linear ramp through points [(YYYY-MM, value)]:
    a new step every `every` months from the first point, each step taking the
    interpolated value at its first month (rounded to `rnd`); the last value
    holds to `end`. Returns [(from, to, value)]."""
    pts = [(PIDX[ym(p)], v) for p, v in points]
    starts = list(range(pts[0][0], pts[-1][0] + 1, every))
    if starts[-1] != pts[-1][0]:
        starts.append(pts[-1][0])
    out = []
    for k, i in enumerate(starts):
        for (i0, v0), (i1, v1) in zip(pts, pts[1:]):
            if i0 <= i <= i1:
                v = v0 + (v1 - v0) * (i - i0) / (i1 - i0)
                break
        j = starts[k + 1] - 1 if k + 1 < len(starts) else PIDX[ym(end)]
        out.append((fmt_p(PERIODS[i]), fmt_p(PERIODS[j]), int(round(v / rnd) * rnd)))
    return out


# ---- Azure ---------------------------------------------------------------
# Fairwater campuses (S2 [FAIRWATER]: Atlanta operating since 2025-10, Mt
# Pleasant WI online early 2026, ~140 kW/rack); sizes/ramps E (sized so the
# $250B is burnable at the contracted rate). Capacity = the installed racks of
# the finished campus; the power envelope (power.csv) does the ramp and makes
# the SKUs of one campus compete for MW.
AZ_ATL_MW = 1000
AZ_WI_MW = 1500
AZ_WI_GB200_MW = 600   # E: phase 1 GB200, the rest GB300 racks
steps("azure", "fairwater-atl", "gb300", mega("azure", "gb300"), "contract",
      [("2025-11", "2032-12", units_for_mw(AZ_ATL_MW, "gb300"))])
steps("azure", "fairwater-wi", "gb200", mega("azure", "gb200"), "contract",
      [("2026-01", "2032-12", units_for_mw(AZ_WI_GB200_MW, "gb200"))])
steps("azure", "fairwater-wi", "gb300", mega("azure", "gb300"), "contract",
      [("2026-07", "2032-12", units_for_mw(AZ_WI_MW - AZ_WI_GB200_MW, "gb300"))])
# eastus2: existing Hopper fleet (E: 120k H100 + 80k H200, retired end-2028 /
# end-2029), GB300 growth from 2027 standing for further Fairwater-class sites
# (E), and a PAYG (list) pool per SKU above the contracted tranche.
steps("azure", "eastus2", "h100", mega("azure", "h100"), "contract",
      [("2025-11", "2028-12", 120000)])
yearly("azure", "eastus2", "h100", "az-nd-h100-v5", "2025-11", "2028-12", 20000)
steps("azure", "eastus2", "h200", mega("azure", "h200"), "contract",
      [("2025-11", "2029-12", 80000)])
yearly("azure", "eastus2", "h200", "az-nd-h200-v5", "2025-11", "2029-12", 20000)
steps("azure", "eastus2", "gb300", mega("azure", "gb300"), "contract",
      [("2027-01", "2027-12", 50000), ("2028-01", "2028-12", 150000),
       ("2029-01", "2029-12", 250000), ("2030-01", "2032-12", 350000)])
yearly("azure", "eastus2", "gb300", "az-nd-gb300-v6", "2025-11", "2032-12",
       {2025: 20000, 2027: 40000, 2029: 60000})
steps("azure", "eastus2", "cobalt100-vcpu",
      round(CPU_LIST["cobalt100-vcpu"] * (1 - CPU_D3["azure"]), 4), "contract",
      [("2025-11", "2026-12", 2000000), ("2027-01", "2028-12", 4000000),
       ("2029-01", "2032-12", 6000000)])
steps("azure", "eastus2", "cobalt100-vcpu", CPU_LIST["cobalt100-vcpu"], "list",
      [("2025-11", "2032-12", 2000000)])

# ---- AWS -----------------------------------------------------------------
# $38B deal: "hundreds of thousands" of GB200/GB300 on EC2 UltraServers, all
# deployed before end-2026 (S2 [AWS-DEAL]); E: 120k GB200 in the Dallas Local
# Zone (where P6e-GB200 is sold, S [AWS-CB]) + 80k GB300 in us-east-1, plus an
# expansion of 140k GB300 from 2027 ("option to expand from 2027", S2). ~2 GW
# Trainium3 (S2 [AMZN-50B]) on a campus whose location is not disclosed
# ("trainium-us"). The GB200/GB300 and Trainium capacity is reserved, not
# offered: see RESERVATIONS below. What stays here is list-price capacity.
yearly("aws", "dallas-lz", "gb200", "aws-p6e-gb200", "2025-11", "2032-12", 10000,
       tranche="list")  # Capacity Blocks
yearly("aws", "us-east-1", "gb300", "aws-p6e-gb300", "2026-01", "2032-12",
       {2026: 10000, 2027: 20000, 2028: 40000, 2029: 60000})
yearly("aws", "us-east-1", "h100", "aws-p5", "2025-11", "2028-12", 30000)
yearly("aws", "us-east-1", "h200", "aws-p5en", "2025-11", "2029-12", 20000)
steps("aws", "us-east-1", "graviton4-vcpu",
      round(CPU_LIST["graviton4-vcpu"] * (1 - CPU_D3["aws"]), 4), "contract",
      [("2025-11", "2026-12", 3000000), ("2027-01", "2028-12", 8000000),
       ("2029-01", "2032-12", 15000000)])
steps("aws", "us-east-1", "graviton4-vcpu", CPU_LIST["graviton4-vcpu"], "list",
      [("2025-11", "2027-12", 3000000), ("2028-01", "2032-12", 20000000)])

# ---- Oracle (OCI) ---------------------------------------------------------
# Stargate sites. Abilene 1.2 GW GB200 (S2 [ABILENE]); the 4.5 GW agreement
# (S2 [ORCL-300B], [STARGATE-SITES]) = Abilene 1.2 + Shackelford 1.4 + Saline
# Twp MI 1.1 + Port Washington WI 0.8 GW (split E). Abilene before 2027 is
# priced at the same contracted rate (E: earlier lease agreement).
# The four sites' GB200/GB300 racks are reserved (RESERVATIONS below).
for sku, base in (("ampere-a1-vcpu", 2000000), ("epyc-vcpu", 2000000)):
    steps("oci", "us-ashburn-1", sku,
          round(CPU_LIST[sku] * (1 - CPU_D3["oci"]), 4), "contract",
          [("2025-11", "2032-12", base)])
    steps("oci", "us-ashburn-1", sku, CPU_LIST[sku], "list",
          [("2025-11", "2032-12", 1000000)])

# ---- CoreWeave --------------------------------------------------------------
# One region; OpenAI's share of the fleet is capped by power.csv. The committed
# (3-yr rate) GB200/GB300 capacity is reserved (RESERVATIONS below); the Hopper
# fleet in service under the 2025 deals stays a contracted tranche, used as
# needed (E: the plan would not reserve it for a term: a zero-lot option only
# slows the whole-lot search, inputs/README.md 2.6b); list above both.
for sku, mu, end in (("h100", 40000, "2028-12"), ("h200", 30000, "2029-12")):
    steps("coreweave", "us-central", sku, CW_COMMIT[sku], "contract",
          [("2025-11", end, mu)])
for sku, end in (("h100", "2028-12"), ("h200", "2029-12"),
                 ("gb200", "2032-12"), ("gb300", "2032-12")):
    frm = "2026-01" if sku == "gb300" else "2025-11"
    yearly("coreweave", "us-central", sku, "cw-" + sku, frm, end,
           {2025: 20000, 2030: 40000})

# --------------------------------------------------------------------------
# Reservations (SPEC v2): capacity the plan decides to reserve, in whole lots,
# for a term, signed lead_months before it starts; charged every month of the
# term whether used or not (list spend of the provider: it burns the contract).
# Each option's window is the months a reservation may START. max_lots bounds
# the lots over all starts; installed lots draw site power whether used or not,
# so power.csv's ramps pace how fast a site fills.
# --------------------------------------------------------------------------
RESERVATIONS = []   # dicts, in file order


def reserve(option, provider, region, sku, frm, to, term, lead, lot, max_lots,
            price, upfront=0):
    RESERVATIONS.append(dict(option=option, provider=provider, region=region,
                             sku=sku, frm=frm, to=to, term=term, lead=lead,
                             lot=lot, max_lots=int(max_lots), price=price,
                             upfront=upfront))


def rack_mw(sku, lot):
    """MW one lot draws (facility basis, as power_kw)."""
    return gpu_kw(sku) * lot / 1000


def racks_in(mw, sku, lot):
    """Whole lots that fit in mw."""
    return int(math.floor(mw / rack_mw(sku, lot) + 1e-9))


def months_to(frm, to):
    """Months from frm to to, both inclusive (a term that ends with `to`)."""
    (a, b), (c, d) = ym(frm), ym(to)
    return (c - a) * 12 + d - b + 1


def phases(option, provider, region, sku, lot, price, lead, end, points):
    """A delivery ramp [(start, units so far)] as one option per step: each
    step's racks start in its month (from = to), max_lots = the racks the step
    adds, the term runs to `end`."""
    done = 0
    for k, (start, units) in enumerate(points):
        lots = units // lot - done
        done += lots
        reserve("%s-%d" % (option, k + 1), provider, region, sku, start, start,
                months_to(start, end), lead, lot, lots, price)


# AWS, $38B deal (S2 [AWS-DEAL]): UltraServers of 72 GPUs (S2 [AWS-ULTRA],
# S [AWS-CB] u-p6e-gb200x72), all delivered before end-2026 (S2): the delivery
# ramp of the old contracted tranches (E: 40k -> 120k GB200 in Dallas by
# 2026-10, 30k -> 80k GB300 in us-east-1 by 2026-10), one option per delivery
# step; each runs to the horizon's end, 2032-12 (the $38B deal's 7 years end in
# 2032-10; E: the last two months under the $100B deal, which runs to 2034-02);
# lead 0 (E: allocated under the deal signed at the horizon start). Rates as
# the contracted tranches were (mega-contract x 0.95, D/E).
AWS_GB_END = fmt_p(H_END)
phases("aws-gb200-ultra", "aws", "dallas-lz", "gb200", 72, mega("aws", "gb200"),
       0, AWS_GB_END, [(f, u) for f, _, u in
                         ramp([("2025-11", 40000), ("2026-10", 120000)], rnd=1000)])
phases("aws-gb300-ultra", "aws", "us-east-1", "gb300", 72, mega("aws", "gb300"),
       0, AWS_GB_END, [(f, u) for f, _, u in
                         ramp([("2026-01", 30000), ("2026-10", 80000)], rnd=1000)])
# The GB300 expansion "from 2027" (S2): 140k more GB300 (E) from 2027-01,
# signed 6 months ahead (E), term 72 months (E: six years, to 2032-12).
reserve("aws-gb300-expansion", "aws", "us-east-1", "gb300", "2027-01", "2027-01",
        72, 6, 72, 140000 // 72, mega("aws", "gb300"))
# Trainium expansion (S2 [AMZN-50B], +$100B over 8 years, ~2 GW Trainium):
# Trn3 UltraServers of 144 chips (S2 [TRN3]); a reservation may start any
# month of 2026-10..2028-07 while the campus power ramps (E, power.csv); term
# 96 months = the deal's 8 years (D); lead 6 months (E: the 2026-02-27 deal
# to first racks in 2026-10 is ~7 months); rate $1.22 (D, TRN3_RATE); at most
# the 2 GW campus: 2,000 MW / (144 x 1.716 kW) = 8,093 lots (D).
TRN_MW = 2000
TRN_WINDOW = ("2026-10", "2028-07")
reserve("aws-trn3-expansion", "aws", "trainium-us", "trn3", TRN_WINDOW[0],
        TRN_WINDOW[1], 96, 6, 144, racks_in(TRN_MW, "trn3", 144), TRN3_RATE)

# Oracle (S2 [ORCL-300B], [STARGATE-SITES], [ABILENE]): NVL72 racks of 72 (S
# [OCI-API] BM.GPU.GB200.4 / GB300.4 NVL72); a reservation may start any month
# while the site's power ramps (power.csv), term 72 months (E: the ~5-year
# $300B from 2027 plus a year's renewal at the same rate). Abilene is built
# and leased (15-yr Oracle lease, S2): lead 0 and term 86 months (E: from the
# horizon start to its end; later starts run past it). New sites are signed 12
# months ahead (E: a year from signed lease to live racks; Saline Twp builds
# from early 2026 for 2027, S2). max_lots: the finished campus in whole racks.
OCI_TERM = 72
OCI_SITES = [  # option, region, sku, start window, lead, MW of the finished campus, term
    ("oci-abilene", "abilene", "gb200", ("2025-11", "2026-12"), 0, 1200, 86),
    ("oci-shackelford", "shackelford", "gb300", ("2027-01", "2028-07"), 12, 1400, OCI_TERM),
    ("oci-saline-mi", "saline-mi", "gb300", ("2027-07", "2028-07"), 12, 1100, OCI_TERM),
    ("oci-port-washington", "port-washington", "gb300", ("2027-10", "2028-10"), 12, 800,
     OCI_TERM),
]
for option, region, sku, (frm, to), lead, mw, term in OCI_SITES:
    reserve(option, "oci", region, sku, frm, to, term, lead, 72,
            racks_in(mw, sku, 72), mega("oci", sku))

# CoreWeave: each committed GB tranche (3-yr committed rate, list x 0.5, E) as
# one option starting with the old tranche (GB200 2025-11, GB300 2026-01): lots
# of an NVL72 rack of 72 (S [CW-GB200-DOC]: min purchase 18 nodes = 1 rack), at
# most the old tranche's size, to the merged deals' end 2030-08 (E); lead 0 (E:
# in service under the 2025 deals). Installed racks draw OpenAI's share of
# CoreWeave's power (power.csv), so the plan chooses what the ramp can hold.
for sku, lot, units, start, end in (("gb200", 72, 60000, "2025-11", "2030-08"),
                                    ("gb300", 72, 60000, "2026-01", "2030-08")):
    reserve("cw-" + sku, "coreweave", "us-central", sku, start, start,
            months_to(start, end), 0, lot, units // lot, CW_COMMIT[sku])

# --------------------------------------------------------------------------
# Power envelopes (facility MW; provider + region; windows are ramp steps)
# --------------------------------------------------------------------------
POWER = []


# Sites whose only GPUs are reserved lots: their envelope is rounded down to
# whole lots (E), so a plan of whole racks can fill it exactly.
WHOLE_RACK_SITES = {("oci", o[1]): (o[2], 72) for o in OCI_SITES}
WHOLE_RACK_SITES[("aws", "trainium-us")] = ("trn3", 144)


def power(provider, region, steps_):
    for f, t, mw in steps_:
        if (provider, region) in WHOLE_RACK_SITES:
            sku, lot = WHOLE_RACK_SITES[(provider, region)]
            mw = round(racks_in(mw, sku, lot) * gpu_kw(sku) * lot / 1000, 6)
        POWER.append((provider, region, f, t, mw))


# Abilene (S2 [ABILENE]): 200+ MW phase 1 energized H1 2025; ~0.3 GW (4 of 8
# buildings) by 2026-04; full 1.2 GW in Q4 2026 (Epoch) -- linear between, E.
power("oci", "abilene", [("2025-11", "2026-03", 200)]
      + ramp([("2026-04", 300), ("2026-12", 1200)], every=2, end="2032-12"))
# Other Oracle sites (S2 [STARGATE-SITES]: MI construction from early 2026,
# >1 GW; WI done 2028; Oracle revenue from 2027); linear ramps E, 4.5 GW in
# total (with Abilene) by 2028-10.
power("oci", "shackelford", ramp([("2027-01", 300), ("2028-07", 1400)]))
power("oci", "saline-mi", ramp([("2027-07", 250), ("2028-07", 1100)]))
power("oci", "port-washington", ramp([("2027-10", 200), ("2028-10", 800)]))
# Fairwater (S2 [FAIRWATER]: Atlanta operating since 2025-10, WI online early
# 2026); sizes and ramps E.
power("azure", "fairwater-atl", ramp([("2025-11", 50), ("2027-01", AZ_ATL_MW)]))
power("azure", "fairwater-wi", ramp([("2026-01", 150), ("2027-07", AZ_WI_MW)]))
# AWS Trainium: ~2 GW (S2 [AMZN-50B]); ramp E.
power("aws", "trainium-us", ramp([("2026-10", 150), ("2028-07", TRN_MW)]))
# CoreWeave: OpenAI share ~25% (E) of active power 850 MW (Q4 25) -> 1.7 GW
# (end-2026 target) (S2 [CW-FLEET]).
power("coreweave", "us-central", ramp([("2025-11", 200), ("2027-01", 425)], rnd=5))

# --------------------------------------------------------------------------
# Contracts (discount_pct 0: the contracted tranche already carries the rate)
# --------------------------------------------------------------------------
def months_between(a, b):
    return (b[0] - a[0]) * 12 + b[1] - a[1] + 1


# Contracts as signed (SPEC v2: one provider's deals may overlap; spend is
# credited to them). beyond_horizon: "prorate" = only the horizon's months of
# the window are owed (commit x months inside / months of the window).
# AWS: $38B over 7 yr from 2025-11 (2025-11..2032-10, inside the horizon)
# S2 [AWS-DEAL]; +$100B over 8 yr from the 2026-02-26/27 deal, from 2026-03
# (2026-03..2034-02, 82 of 96 months inside) S2 [AMZN-50B].
# CoreWeave: three deals S2 [CW-OPENAI]: $11.9B 5 yr from 2025-03, $4B
# (2025-05) and $6.5B (2025-09), the expansions assumed 5 yr too (E); each
# pro-rated for the months before the horizon (2025-11).
# (contract, provider, from, to, commit_usd, beyond_horizon)
CONTRACTS = [
    ("azure-250b", "azure", "2026-01", "2032-12", 250e9, "full"),
    ("aws-38b", "aws", "2025-11", "2032-10", 38e9, "full"),
    ("aws-100b", "aws", "2026-03", "2034-02", 100e9, "prorate"),
    ("oci-300b", "oci", "2027-01", "2031-12", 300e9, "full"),
    ("coreweave-11.9b", "coreweave", "2025-03", "2030-02", 11.9e9, "prorate"),
    ("coreweave-4b", "coreweave", "2025-05", "2030-04", 4.0e9, "prorate"),
    ("coreweave-6.5b", "coreweave", "2025-09", "2030-08", 6.5e9, "prorate"),
]
# Azure carries the bulk (S2 seeds: "the bulk of OpenAI's cloud will likely be
# served by Azure"): yearly minimums on the $250B, E = 60% of a flat split over
# its seven years (the yearly schedule is not disclosed).
AZURE_YEARLY_MIN = 0.6 * 250e9 / 7
MINIMUMS = [("azure-250b", "%d-01" % y, "%d-12" % y, AZURE_YEARLY_MIN)
            for y in range(2026, 2033)]

# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------
RULES = [
    # rule, kind, workload, provider, from, to, share, mode
    ("api-azure-exclusive", "exclusive", "api-stateless", "azure", "", "2026-04", "", ""),
    # After the April 2026 amendment the stateless API may run on any cloud; "first
    # on Azure" read as a share (E: at least half where Azure can serve it), so the
    # rest goes where cost says.
    ("first-on-azure", "first_on", "api-stateless", "azure", "2026-05", "", "0.5", "share"),
    ("frontier-on-aws", "exclusive", "frontier", "aws", "", "", "", ""),
    ("stateful-on-aws", "exclusive", "stateful-runtime", "aws", "", "", "", ""),
] + [("training-max50-" + p, "max_share", "training", p, "", "", "0.5", "")
     for p in ("azure", "aws", "oci", "coreweave")]

PROVIDERS = [("azure", "Microsoft Azure"), ("aws", "Amazon Web Services"),
             ("oci", "Oracle Cloud Infrastructure"), ("coreweave", "CoreWeave")]


# --------------------------------------------------------------------------
# Derived tables
# --------------------------------------------------------------------------
def perf_of(sku, workload):
    if sku in CPU_SKUS:
        return CPU_SKUS[sku][1] if workload == "agent-tools-cpu" else 0.0
    if workload == "agent-tools-cpu":
        return 0.0
    if workload == "training":
        return 0.0 if sku == "h100" else GPU_SKUS[sku][1]
    return GPU_SKUS[sku][2]


def demand_rows():
    rows = []
    for w, (L, b, c, start, rnd, s0, s1) in DEMAND.items():
        st = PIDX[ym(start)]
        for t, p in enumerate(PERIODS):
            if t < st:
                continue
            q = L * math.exp(-b * math.exp(-c * (t - st)))
            q = int(round(q / rnd) * rnd)
            sig = round(s0 + (s1 - s0) * t / (len(PERIODS) - 1), 3)
            rows.append((fmt_p(p), w, q, sig))
    return rows


def window_months(frm, to):
    a = ym(frm) if frm else H_START
    b = ym(to) if to else H_END
    return [p for p in PERIODS if a <= p <= b]


def lp_size(dem):
    wl = {w: r for w, r, _ in WORKLOADS}
    pen = {w: p for w, _, p in WORKLOADS}
    nvar = 0
    tranche_months = 0
    forbidden = set()   # (workload, provider, period) removed by exclusive rules
    for rule, kind, w, prov, frm, to, share, mode in RULES:
        if kind == "exclusive":
            for p in window_months(frm, to):
                for pv, _ in PROVIDERS:
                    if pv != prov:
                        forbidden.add((w, pv, p))
    for o in OFFERS:
        res = "cpu" if o["sku"] in CPU_SKUS else "gpu"
        for p in window_months(o["frm"], o["to"]):
            tranche_months += 1
            for w, r, _ in WORKLOADS:
                if r != res or perf_of(o["sku"], w) <= 0:
                    continue
                if (w, o["provider"], p) in forbidden:
                    continue
                nvar += 1
    # Reservations: one lot column per offered start (sign-by at or after the
    # horizon start), one reserved-use column per (option, workload, month a
    # start covers), one reserved-capacity row per covered month.
    nr = 0
    res_months = 0
    for r in RESERVATIONS:
        starts = [p for p in window_months(r["frm"], r["to"])
                  if PIDX[p] - r["lead"] >= 0]
        nr += len(starts)
        if not starts:
            continue
        first, last = PIDX[starts[0]], PIDX[starts[-1]] + r["term"] - 1
        covered = [p for p in PERIODS if first <= PIDX[p] <= last]
        res_months += len(covered)
        for p in covered:
            for w, _, _ in WORKLOADS:
                if perf_of(r["sku"], w) > 0 and (w, r["provider"], p) not in forbidden:
                    nvar += 1
    nu = sum(1 for w, _, p in WORKLOADS if p is not None) * len(PERIODS)
    ns = len(CONTRACTS)
    rows_dem = len(WORKLOADS) * len(PERIODS)
    rows_cap = tranche_months
    rows_pow = sum(len(window_months(f, t)) for _, _, f, t, _ in POWER)
    rows_top = len(CONTRACTS)
    rows_share = sum(len(window_months(r[4], r[5])) for r in RULES
                     if r[1] in ("min_share", "max_share"))
    rows_prio = 1 if any(r[7] == "priority" for r in RULES) else 0
    rows_lots = sum(1 for r in RESERVATIONS if r["max_lots"])
    return dict(x=nvar, u=nu, s=ns, r=nr, variables=nvar + nu + ns + nr,
                rows=rows_dem + rows_cap + res_months + rows_lots + rows_pow + rows_top
                + rows_share + rows_prio,
                rows_detail=dict(demand=rows_dem, capacity=rows_cap,
                                 reserved=res_months, lots=rows_lots, power=rows_pow,
                                 take_or_pay=rows_top, shares=rows_share,
                                 priority=rows_prio),
                tranches=len(OFFERS), tranche_months=tranche_months)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------
def write(name, header, rows):
    with open(OUT / name, "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        for r in rows:
            wr.writerow(r)


def cross_check_curve():
    """If shared/domain/data is beside the repo, check CURVE against it."""
    f = HERE.parents[2] / "shared" / "domain" / "data" / "price_curve_2025_2032.csv"
    if not f.exists():
        return "price curve: shared/domain/data not found, not cross-checked"
    with open(f) as fh:
        src = {(r["sku_id"], int(r["year"])): float(r["usd_per_gpu_hr_ondemand"])
               for r in csv.DictReader(fh)}
    bad = [(k, y, CURVE[k][i], src.get((k, y)))
           for k in CURVE for i, y in enumerate(YEARS)
           if (k, y) != ("aws-p5", 2025) and src.get((k, y)) != CURVE[k][i]]
    if bad:
        sys.exit("price curve differs from %s: %s" % (f, bad))
    return "price curve: matches %s (aws-p5 2025 overridden to 6.88)" % f.name


# --------------------------------------------------------------------------
# Money (SPEC v2): the cash ledger. figures.md section 6c; every figure not there is an assumption.
# --------------------------------------------------------------------------
REVENUE_2025 = 13e9          # S: OpenAI annual revenue about $13B in 2025 (seed 004)
REVENUE_GROWTH = 0.50        # A: +50% a year after 2025 (the seeds give no path)
REVENUE_SIGMA = 0.25         # A: log-normal spread of each month's revenue, for `simulate`
OPEX_2025 = 8e9              # A: non-compute operating expense per year in 2025 (staff, sales, G&A)
OPEX_GROWTH = 0.20           # A: +20% a year
OPENING_CASH = 40e9          # A: cash at 2025-11 (not in the seeds)
MIN_CASH = 10e9              # A: the buffer the plan keeps
FUNDING = [                  # (period, usd, label, conditional)
    ("2026-02", 15e9, "amazon-upfront", "false"),     # S: Amazon $15B up front (seed 000, S2 AMZN-50B)
    ("2026-03", 30e9, "nvidia-round-2026", "false"),  # S: amount; A: month (same $110B round)
    ("2026-03", 30e9, "softbank-round-2026", "false"),  # S: amount; A: month
    ("2027-06", 35e9, "amazon-conditional", "true"),  # S: $35B on conditions (IPO or milestones); A: month
]


def finance_rows():
    rows = [(fmt_p(H_START), "cash", num(OPENING_CASH, 0), "", "opening-cash-assumed", "")]
    for i, p in enumerate(periods()):
        years = (i + H_START[1] - 6) / 12.0  # years since mid-2025, the 2025 figure's centre
        rows.append((fmt_p(p), "revenue", num(REVENUE_2025 / 12 * (1 + REVENUE_GROWTH) ** years, 0),
                     num(REVENUE_SIGMA, 3), "revenue-run-rate", ""))
        rows.append((fmt_p(p), "expense", num(OPEX_2025 / 12 * (1 + OPEX_GROWTH) ** years, 0), "",
                     "non-compute-opex", ""))
    for p, usd, label, cond in FUNDING:
        rows.append((p, "funding", num(usd, 0), "", label, cond))
    return rows


def main():
    dry = "--dry-run" in sys.argv
    dem = demand_rows()
    if not dry:
        OUT.mkdir(parents=True, exist_ok=True)
        write("settings.csv", ["key", "value"], [
            ("horizon_start", fmt_p(H_START)), ("horizon_end", fmt_p(H_END)),
            ("discount_rate", num(DISCOUNT_RATE)), ("hours_per_month", HOURS),
            ("min_cash_usd", num(MIN_CASH, 0))])
        write("finance.csv", ["period", "kind", "usd", "sigma", "label", "conditional"], finance_rows())
        write("providers.csv", ["provider", "name"], PROVIDERS)
        rows = [(s, "gpu", num(gpu_kw(s), 3), num(GPU_SKUS[s][1])) for s in GPU_SKUS]
        rows += [(s, "cpu", num(kw, 3), num(pf)) for s, (kw, pf) in CPU_SKUS.items()]
        write("skus.csv", ["sku", "resource", "power_kw", "perf"], rows)
        write("workloads.csv", ["workload", "resource", "unmet_usd_per_unit_hour"],
              [(w, r, "" if p is None else num(p)) for w, r, p in WORKLOADS])
        write("demand.csv", ["period", "workload", "quantity", "sigma"],
              [(p, w, q, num(s, 3)) for p, w, q, s in dem])
        write("offers.csv", ["provider", "region", "sku", "from", "to", "max_units",
                             "usd_per_unit_hour"],
              [(o["provider"], o["region"], o["sku"], o["frm"], o["to"],
                o["max_units"], num(o["price"])) for o in OFFERS])
        prow = [(w, s, num(GPU_SKUS[s][2])) for w in INFER for s in GPU_SKUS]
        prow.insert(0, ("training", "h100", "0"))
        write("perf.csv", ["workload", "sku", "perf"], prow)
        write("contracts.csv", ["contract", "provider", "from", "to", "commit_usd",
                                "discount_pct", "beyond_horizon"],
              [(c, p, f, t, int(round(v / 1e6)) * 1000000, "0", b)
               for c, p, f, t, v, b in CONTRACTS])
        write("minimums.csv", ["contract", "from", "to", "min_usd"],
              [(c, f, t, int(round(v / 1e6)) * 1000000) for c, f, t, v in MINIMUMS])
        write("power.csv", ["provider", "region", "from", "to", "max_mw"],
              [(p, r, f, t, num(mw, 6)) for p, r, f, t, mw in POWER])
        write("rules.csv", ["rule", "kind", "workload", "provider", "from", "to",
                            "share", "mode"], RULES)
        write("reservations.csv", ["option", "provider", "region", "sku", "from", "to",
                                   "term_months", "lead_months", "lot_units", "max_lots",
                                   "usd_per_unit_hour", "upfront_usd_per_lot"],
              [(r["option"], r["provider"], r["region"], r["sku"], r["frm"], r["to"],
                r["term"], r["lead"], r["lot"], r["max_lots"], num(r["price"]),
                num(r["upfront"])) for r in RESERVATIONS])
    print(cross_check_curve())
    size = lp_size(dem)
    print("LP size (per SPEC): %d variables (x and y %d, u %d, s %d, lots %d), %d rows %s"
          % (size["variables"], size["x"], size["u"], size["s"], size["r"], size["rows"],
             size["rows_detail"]))
    print("reservations: %d options, %d whole-lot columns" % (len(RESERVATIONS), size["r"]))
    print("offers: %d tranches, %d tranche-months" % (size["tranches"],
                                                      size["tranche_months"]))
    tot = {}
    for p, w, q, s in dem:
        tot[w] = tot.get(w, 0) + q
    for w in tot:
        print("demand %-17s total %d unit-months, 2032-12 %d" %
              (w, tot[w], [q for p, ww, q, s in dem if ww == w][-1]))
    print("commitments: %s, total %.1f B$" % (
        ", ".join("%s %.1f" % (c[0], c[4] / 1e9) for c in CONTRACTS),
        sum(c[4] for c in CONTRACTS) / 1e9))
    if size["variables"] > 40000:
        sys.exit("LP too large")


if __name__ == "__main__":
    main()
