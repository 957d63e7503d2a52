#!/usr/bin/env python3
"""Peer benchmark: capplan's LP in linopy, solved by HiGHS through highspy (io_api="direct").

Usage: linopy_highs.py SCENARIO_DIR [--mip-gap G] [--time-limit SECONDS]

Builds the same LP as tools/spec_ref/spec_lp.py (its Scenario and build are imported, so the
columns, rows and coefficients are identical) as a linopy.Model and solves it with
solver_name="highs", io_api="direct" (HiGHS defaults: simplex for an LP). first_on/priority rules
use spec_lp's two stages: maximise the served units on the preferred providers, then add
stage1 >= z1 - 1e-9*|z1| and minimise cost. (spec_lp's stage 0, the priority guard, is not
done: no `capplan synth` folder has a priority rule.)

Version 2: spec_lp's column lower bounds are passed as they are (the cash ledger's cash[t] is free
below), and its integer columns (whole reservation lots) form a second variable array "lot"
(integer=True; linopy sets integrality per array), so HiGHS runs its MIP solver, stopping at
--mip-gap (mip_rel_gap, default 1e-4, HiGHS's and capplan's default) or --time-limit; its
mip_dual_bound is reported as bound_usd.

Vectorised build: one variable array x over a flat column index "col" (the continuous
columns; "lot" holds the integer ones); the rows are grouped by
sense and by term count (powers of two), and each group becomes one linopy constraint whose
LinearExpression is a padded (row, _term) array of coefficients and variable labels, i.e. linopy's
own storage layout, filled from numpy arrays without per-term Python objects.

Phases (seconds):
  read     CSV files -> spec_lp.Scenario
  build    spec_lp.build (columns/rows as dicts) + numpy arrays + linopy variables/constraints
  solve    Model.solve: linopy's matrices -> highspy model -> HiGHS run -> solution back into
           linopy (twice with priority rules)
  extract  variable values and objective value out of linopy

Prints one JSON line: {"peer":"linopy+highs","read_s","build_s","solve_s","extract_s","total_s",
"objective_usd","variables","rows","peak_rss_mb","status","build_index_s","startup_s","mip",...}
(with whole lots also "bound_usd","gap_rel","mip_gap_setting").
startup_s (imports and a one-variable warm-up solve) is not part of total_s.
"""

import time

T_START = time.perf_counter()  # before the imports: startup_s = imports + warm-up

import sys

from _common import Clock, HOLD_REL_TOL, INF, emit, mip_fields, quiet_stdout, row_sense, spec_lp, usage

import numpy as np
import pandas as pd
import xarray as xr
import linopy


LINOPY_SIGN = {"==": "=", "<=": "<=", ">=": ">="}


def flat_rows(m):
    """spec_lp's rows as CSR-like numpy arrays: sense, rhs, row lengths, column indices, coefs."""
    nrow = len(m.rows)
    sense = np.empty(nrow, dtype="<U2")
    rhs = np.empty(nrow)
    length = np.empty(nrow, dtype=np.int64)
    cols, vals = [], []
    for i, (lo, up, entries) in enumerate(m.rows):
        sense[i], rhs[i] = row_sense(lo, up)
        length[i] = len(entries)
        cols.extend(entries.keys())
        vals.extend(entries.values())
    starts = np.zeros(nrow + 1, dtype=np.int64)
    np.cumsum(length, out=starts[1:])
    return sense, rhs, length, starts, np.array(cols, dtype=np.int64), np.array(vals, dtype=np.float64)


def add_row_groups(lm, x_labels, sense, rhs, length, starts, cols, vals):
    """Add every spec_lp row to lm, grouped by (sense, term-count bucket), one constraint per group."""
    bucket = np.ceil(np.log2(np.maximum(length, 1))).astype(np.int64)
    n_groups = 0
    for s in ("==", "<=", ">="):
        for b in np.unique(bucket[sense == s]):
            rows = np.flatnonzero((sense == s) & (bucket == b))
            width = max(int(length[rows].max()), 1)
            # Gather each row's terms into a padded (len(rows), width) block.
            k = len(rows)
            within = np.arange(width)[None, :]
            mask = within < length[rows][:, None]
            src = (starts[rows][:, None] + within)[mask]
            v = np.full((k, width), -1, dtype=x_labels.dtype)
            c = np.zeros((k, width))
            v[mask] = x_labels[cols[src]]
            c[mask] = vals[src]
            name = "r%s%d" % ({"==": "eq", "<=": "le", ">=": "ge"}[s], b)
            coord = pd.Index(rows, name=name + "_row")
            ds = xr.Dataset({"coeffs": ((coord.name, "_term"), c), "vars": ((coord.name, "_term"), v)},
                            coords={coord.name: coord})
            expr = linopy.LinearExpression(ds, lm)
            lm.add_constraints(expr, LINOPY_SIGN[s], xr.DataArray(rhs[rows], coords={coord.name: coord}),
                               name=name)
            n_groups += 1
    return n_groups


class Built:
    """A linopy.Model of spec_lp's Model: lm; arrays = [(variable array, spec_lp column indices)]
    (x, and "lot" when there are integer columns); labels[j] = linopy label of spec_lp column j;
    cost and stage1 expressions (stage1 None without priority rules), c1 the stage-1 vector."""

    def values(self):
        """Solution values in spec_lp's column order."""
        out = np.zeros(len(self.labels))
        for var, idx in self.arrays:
            out[idx] = var.solution.values
        return out


def weighted_sum(arrays, vec):
    expr = None
    for var, idx in arrays:
        term = (xr.DataArray(vec[idx], coords=var.labels.coords) * var).sum()
        expr = term if expr is None else expr + term
    return expr


def build_model(m):
    """spec_lp's Model as a linopy.Model (a Built). The objective is set for the first solve:
    stage 1 (maximise) when there is one, else the cost."""
    n = len(m.cost)
    lm = linopy.Model()
    lower = np.array([lo if lo != -INF else -np.inf for lo in m.lower])
    upper = np.array([u if u != INF else np.inf for u in m.upper])
    is_int = np.zeros(n, dtype=bool)
    is_int[sorted(m.integer)] = True
    b = Built()
    b.lm, b.arrays = lm, []
    b.labels = np.full(n, -1, dtype=np.int64)
    for name, dim, idx, integer in (("x", "col", np.flatnonzero(~is_int), False),
                                    ("lot", "lot", np.flatnonzero(is_int), True)):
        if not len(idx):
            continue
        coord = pd.Index(idx, name=dim)
        var = lm.add_variables(lower=xr.DataArray(lower[idx], coords=[coord]),
                               upper=xr.DataArray(upper[idx], coords=[coord]),
                               coords=[coord], name=name, integer=integer)
        b.arrays.append((var, idx))
        b.labels[idx] = var.labels.values
    b.groups = add_row_groups(lm, b.labels, *flat_rows(m))
    b.cost = weighted_sum(b.arrays, np.array(m.cost))
    # An empty stage-1 objective (nothing the priority rules cover can run) is skipped, as in
    # pulp_cbc.py: spec_lp's max-0 stage followed by a stage 2 without hold is the plain solve.
    b.stage1 = b.c1 = None
    if m.has_priority and m.stage1:
        b.c1 = np.zeros(n)
        for j, v in m.stage1.items():
            b.c1[j] = v
        b.stage1 = weighted_sum(b.arrays, b.c1)
        lm.add_objective(b.stage1, sense="max")
    else:
        lm.add_objective(b.cost, sense="min")
    return b


def warm_up():
    """Build and solve a one-variable model, so that the lazy imports linopy, xarray and
    highspy do on first use (dask probing alone is ~0.4 s) land in startup_s, not in the phases."""
    lm = linopy.Model()
    i = pd.RangeIndex(2, name="i")
    v = lm.add_variables(lower=0.0, coords=[i], name="v")
    lm.add_constraints(v.sum() >= 1.0, name="c")
    lm.add_objective((xr.DataArray([1.0, 2.0], coords=[i]) * v).sum())
    with quiet_stdout():
        lm.solve(solver_name="highs", io_api="direct", output_flag=False)


def main(argv):
    folder, mip_gap, time_limit = usage(argv, "linopy_highs.py")
    warm_up()
    clock = Clock()

    sc = spec_lp.Scenario(folder)
    clock.lap("read")

    m = spec_lp.build(sc)
    clock.lap("index")

    b = build_model(m)
    lm, cost, stage1, c1 = b.lm, b.cost, b.stage1, b.c1
    two_stage = stage1 is not None
    clock.lap("build")
    # HiGHS options: an LP gets HiGHS's defaults, as before; whole lots a gap and time limit
    opts = {"output_flag": False}
    if m.integer:
        opts["mip_rel_gap"] = mip_gap
        if time_limit is not None:
            opts["time_limit"] = time_limit

    extra = {"constraint_groups": b.groups}
    run_s = []
    # linopy drops a row without terms; spec_lp keeps it, and a hard demand row with nothing that
    # can serve it (0 == d > 0) makes the LP infeasible. Such rows decide the status up front.
    empty_bad = sum(1 for lo, up, e in m.rows if not e and not (lo <= 0.0 <= up))
    if empty_bad:
        status, condition = "warning", "infeasible"
        extra["empty_infeasible_rows"] = empty_bad
    else:
        with quiet_stdout():
            status, condition = lm.solve(solver_name="highs", io_api="direct", **opts)
        run_s.append(lm.solver.solver_model.getRunTime())
    if two_stage and status == "ok":
        z1 = float(np.dot(c1, b.values()))  # as spec_lp: from the values
        extra["stage1_served_units"] = z1
        lm.add_constraints(stage1 >= z1 - HOLD_REL_TOL * abs(z1), name="hold")
        lm.add_objective(cost, sense="min", overwrite=True)
        with quiet_stdout():
            status, condition = lm.solve(solver_name="highs", io_api="direct", **opts)
        run_s.append(lm.solver.solver_model.getRunTime())
    clock.lap("solve")
    extra["solver_runs"] = len(run_s)
    extra["solver_run_s"] = round(sum(run_s), 4)  # HiGHS's own run time (Highs.getRunTime)

    if m.has_priority and not two_stage and status == "ok":
        extra["stage1_served_units"] = 0.0
    objective = bound = gap = None
    if status == "ok":
        values = b.values()
        objective = float(lm.objective.value)
        extra["objective_from_values"] = float(np.dot(np.array(m.cost), values))
        if m.integer:
            bound = float(lm.solver.solver_model.getInfo().mip_dual_bound)
            if not np.isfinite(objective):  # stopped (time limit) before a whole plan was found
                objective = None
            if not np.isfinite(bound):
                bound = None
            if objective is not None and bound is not None:
                gap = (objective - bound) / max(1.0, abs(objective))
    clock.lap("extract")
    extra.update(mip_fields(m, mip_gap, time_limit, bound, gap))

    rows = int(lm.constraints.ncons) - (1 if "hold" in lm.constraints else 0)
    emit("linopy+highs", clock, objective, int(lm.variables.nvars), rows, str(condition), extra,
         startup_s=clock.t0 - T_START)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
