#!/usr/bin/env python3
"""Peer benchmark: capplan's LP in linopy, solved by HiGHS through highspy (io_api="direct").

Usage: linopy_highs.py SCENARIO_DIR

Builds the same LP as tools/spec_ref/spec_lp.py (its Scenario and build are imported, so the
columns, rows and coefficients are identical) as a linopy.Model and solves it with
solver_name="highs", io_api="direct" (HiGHS defaults: simplex for an LP). first_on/priority rules
use spec_lp's two stages: maximise the served units on the preferred providers, then add
stage1 >= z1 - 1e-9*|z1| and minimise cost.

Vectorised build: one variable array x over a flat column index "col"; the rows are grouped by
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
"objective_usd","variables","rows","peak_rss_mb","status","build_index_s","startup_s"}.
startup_s (imports and a one-variable warm-up solve) is not part of total_s.
"""

import time

T_START = time.perf_counter()  # before the imports: startup_s = imports + warm-up

import sys

from _common import Clock, HOLD_REL_TOL, INF, emit, quiet_stdout, row_sense, spec_lp, usage

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


def build_model(m):
    """spec_lp's Model as a linopy.Model: (model, x, cost expression, stage-1 expression or None,
    stage-1 cost vector or None, number of constraint groups). The objective is set for the first
    solve: stage 1 (maximise) when there is one, else the cost."""
    n = len(m.cost)
    lm = linopy.Model()
    col = pd.RangeIndex(n, name="col")
    upper = np.array([u if u != INF else np.inf for u in m.upper])
    x = lm.add_variables(lower=0.0, upper=xr.DataArray(upper, coords=[col]), coords=[col], name="x")
    groups = add_row_groups(lm, x.labels.values, *flat_rows(m))
    cost = (xr.DataArray(np.array(m.cost), coords=[col]) * x).sum()
    # An empty stage-1 objective (nothing the priority rules cover can run) is skipped, as in
    # pulp_cbc.py: spec_lp's max-0 stage followed by a stage 2 without hold is the plain solve.
    stage1 = c1 = None
    if m.has_priority and m.stage1:
        c1 = np.zeros(n)
        for j, v in m.stage1.items():
            c1[j] = v
        stage1 = (xr.DataArray(c1, coords=[col]) * x).sum()
        lm.add_objective(stage1, sense="max")
    else:
        lm.add_objective(cost, sense="min")
    return lm, x, cost, stage1, c1, groups


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
    folder = usage(argv, "linopy_highs.py")
    warm_up()
    clock = Clock()

    sc = spec_lp.Scenario(folder)
    clock.lap("read")

    m = spec_lp.build(sc)
    clock.lap("index")

    lm, x, cost, stage1, c1, groups = build_model(m)
    two_stage = stage1 is not None
    clock.lap("build")

    extra = {"constraint_groups": groups}
    run_s = []
    # linopy drops a row without terms; spec_lp keeps it, and a hard demand row with nothing that
    # can serve it (0 == d > 0) makes the LP infeasible. Such rows decide the status up front.
    empty_bad = sum(1 for lo, up, e in m.rows if not e and not (lo <= 0.0 <= up))
    if empty_bad:
        status, condition = "warning", "infeasible"
        extra["empty_infeasible_rows"] = empty_bad
    else:
        with quiet_stdout():
            status, condition = lm.solve(solver_name="highs", io_api="direct", output_flag=False)
        run_s.append(lm.solver.solver_model.getRunTime())
    if two_stage and status == "ok":
        z1 = float(np.dot(c1, x.solution.values))  # as spec_lp: from the values
        extra["stage1_served_units"] = z1
        lm.add_constraints(stage1 >= z1 - HOLD_REL_TOL * abs(z1), name="hold")
        lm.add_objective(cost, sense="min", overwrite=True)
        with quiet_stdout():
            status, condition = lm.solve(solver_name="highs", io_api="direct", output_flag=False)
        run_s.append(lm.solver.solver_model.getRunTime())
    clock.lap("solve")
    extra["solver_runs"] = len(run_s)
    extra["solver_run_s"] = round(sum(run_s), 4)  # HiGHS's own run time (Highs.getRunTime)

    if m.has_priority and not two_stage and status == "ok":
        extra["stage1_served_units"] = 0.0
    objective = None
    if status == "ok":
        values = x.solution.values
        objective = float(lm.objective.value)
        extra["objective_from_values"] = float(np.dot(np.array(m.cost), values))
    clock.lap("extract")

    rows = int(lm.constraints.ncons) - (1 if "hold" in lm.constraints else 0)
    emit("linopy+highs", clock, objective, int(lm.variables.nvars), rows, str(condition), extra,
         startup_s=clock.t0 - T_START)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
