"""Shared plumbing for the peer benchmarks (pulp_cbc.py, linopy_highs.py).

The LP itself comes from tools/spec_ref/spec_lp.py, imported as a module, so every peer
solves exactly the model of the independent reference implementation:

  spec_lp.Scenario(folder)  CSV files -> Python data             (the "read" phase)
  spec_lp.build(scenario)   data -> columns and rows as dicts     (first part of "build")

A peer then turns spec_lp's Model (m.cost, m.upper, m.rows = [(lower, upper, {col: coef})],
m.stage1, m.has_priority) into its modelling library's objects (rest of "build").
"""

import contextlib
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_REF = os.path.normpath(os.path.join(HERE, "..", "..", "tools", "spec_ref"))
sys.path.insert(0, SPEC_REF)

import spec_lp  # noqa: E402  (after the sys.path change)

INF = spec_lp.INF
HOLD_REL_TOL = spec_lp.HOLD_REL_TOL  # stage-2 hold: stage1 >= z1 - 1e-9*|z1|


class Clock:
    """Phase timer: clock.lap('read') records the seconds since the previous lap."""

    def __init__(self):
        self.t0 = time.perf_counter()
        self.last = self.t0
        self.laps = {}

    def lap(self, name):
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + (now - self.last)
        self.last = now

    def total(self):
        return self.last - self.t0


@contextlib.contextmanager
def quiet_stdout():
    """Send file descriptor 1 to /dev/null (HiGHS prints its banner there even with
    output_flag=False), so that stdout carries only the JSON line."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def peak_rss_mb():
    """Peak resident set size of this process and of its waited-for children, in MB."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(me, kids) / 1024.0  # Linux reports KiB


def row_sense(lower, upper):
    """'==', '<=' or '>=' and the finite right-hand side of a spec_lp row.

    spec_lp only makes equality rows (demand) and one-sided rows (everything else)."""
    if lower == upper:
        return "==", lower
    if lower == -INF and upper != INF:
        return "<=", upper
    if upper == INF and lower != -INF:
        return ">=", lower
    raise ValueError("ranged or free row (%r, %r) not expected from spec_lp" % (lower, upper))


MIP_GAP = 1e-4  # default relative gap for whole lots: capplan's default mip_gap (and HiGHS's)


def usage(argv, name):
    """SCENARIO_DIR [--mip-gap G] [--time-limit S] -> (folder, mip_gap, time_limit or None).

    Both options only matter when the model has integer columns (settings lots = integer with
    reservation options): the relative gap at which the solver may stop, and its time limit."""
    args = list(argv[1:])
    opts = {"--mip-gap": MIP_GAP, "--time-limit": None}
    folder = None
    try:
        while args:
            a = args.pop(0)
            if a in opts:
                opts[a] = float(args.pop(0))
            elif a.startswith("-") or folder is not None:
                raise ValueError(a)
            else:
                folder = a
        if folder is None:
            raise ValueError("no folder")
    except (ValueError, IndexError):
        print("usage: %s SCENARIO_DIR [--mip-gap G] [--time-limit SECONDS]" % name, file=sys.stderr)
        sys.exit(2)
    return folder, opts["--mip-gap"], opts["--time-limit"]


def mip_fields(m, mip_gap, time_limit, bound, gap):
    """JSON fields describing a whole-lot solve (empty for an LP)."""
    if not m.integer:
        return {"mip": False}
    return {"mip": True, "integer_columns": len(m.integer), "mip_gap_setting": mip_gap,
            "time_limit_s": time_limit, "bound_usd": bound, "gap_rel": gap}


def emit(peer, clock, objective, variables, rows, status, extra=None, startup_s=None):
    out = {
        "peer": peer,
        "read_s": round(clock.laps.get("read", 0.0), 4),
        "build_s": round(clock.laps.get("index", 0.0) + clock.laps.get("build", 0.0), 4),
        "solve_s": round(clock.laps.get("solve", 0.0), 4),
        "extract_s": round(clock.laps.get("extract", 0.0), 4),
        "total_s": round(clock.total(), 4),
        "objective_usd": objective,
        "variables": variables,
        "rows": rows,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "status": status,
        # part of build_s spent in spec_lp.build (pure-Python dicts, shared by every peer)
        "build_index_s": round(clock.laps.get("index", 0.0), 4),
    }
    if startup_s is not None:
        # imports (and warm-up) before the clock started; not part of total_s
        out["startup_s"] = round(startup_s, 4)
    if extra:
        out.update(extra)
    print(json.dumps(out))
