#!/usr/bin/env python3
"""Peer benchmark: capplan's LP in PuLP, solved by PuLP's bundled CBC.

Usage: pulp_cbc.py SCENARIO_DIR

Builds the same LP as tools/spec_ref/spec_lp.py (its Scenario and build are imported, so the
columns, rows and coefficients are identical), hands it to PuLP and solves it with
pulp.PULP_CBC_CMD(msg=False). first_on/priority rules use spec_lp's two stages: maximise the
served units on the preferred providers, then add stage1 >= z1 - 1e-9*|z1| and minimise cost.

Phases (seconds):
  read     CSV files -> spec_lp.Scenario
  build    spec_lp.build (columns/rows as dicts) + PuLP variables, expressions, constraints
  solve    prob.solve: PuLP writes an MPS file, runs the cbc subprocess, reads its solution
           file back (twice with priority rules)
  extract  variable values and objective value out of PuLP

Prints one JSON line: {"peer":"pulp+cbc","read_s","build_s","solve_s","extract_s","total_s",
"objective_usd","variables","rows","peak_rss_mb","status","build_index_s","startup_s"}.
startup_s (imports) is not part of total_s.
"""

import time

T_START = time.perf_counter()  # before the imports: startup_s = imports

import sys

from _common import Clock, HOLD_REL_TOL, emit, quiet_stdout, row_sense, spec_lp, usage

import pulp


def main(argv):
    folder = usage(argv, "pulp_cbc.py")
    clock = Clock()

    sc = spec_lp.Scenario(folder)
    clock.lap("read")

    m = spec_lp.build(sc)
    clock.lap("index")

    n = len(m.cost)
    prob = pulp.LpProblem("capplan", pulp.LpMinimize)
    xs = [prob.add_variable("x%d" % j, lowBound=0, upBound=(None if m.upper[j] == spec_lp.INF else m.upper[j]))
          for j in range(n)]
    cost = pulp.LpAffineExpression([(xs[j], c) for j, c in enumerate(m.cost) if c != 0.0])
    senses = {"==": pulp.LpConstraintEQ, "<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE}
    for i, (lo, up, entries) in enumerate(m.rows):
        sense, rhs = row_sense(lo, up)
        expr = pulp.LpAffineExpression([(xs[j], entries[j]) for j in sorted(entries)])
        prob.addConstraint(pulp.LpConstraint(expr, senses[sense], "r%d" % i, rhs))
    stage1 = None
    if m.has_priority:
        stage1 = pulp.LpAffineExpression([(xs[j], v) for j, v in sorted(m.stage1.items())])
        prob.sense = pulp.LpMaximize
        prob.setObjective(stage1)
    else:
        prob.setObjective(cost)
    clock.lap("build")

    solver = pulp.PULP_CBC_CMD(msg=False)
    extra = {}
    with quiet_stdout():
        status = pulp.LpStatus[prob.solve(solver)]
    if m.has_priority and status == "Optimal":
        z1 = stage1.value() if len(stage1) else 0.0
        extra["stage1_served_units"] = z1
        if len(stage1):
            prob.addConstraint(pulp.LpConstraint(stage1, pulp.LpConstraintGE, "hold",
                                                 z1 - HOLD_REL_TOL * abs(z1)))
        prob.sense = pulp.LpMinimize
        prob.setObjective(cost)
        with quiet_stdout():
            status = pulp.LpStatus[prob.solve(solver)]
    clock.lap("solve")

    objective = None
    if status == "Optimal":
        values = [v.varValue for v in xs]
        objective = float(sum(c * x for c, x in zip(m.cost, values)))
    clock.lap("extract")

    # Every column sits in some row (x and u: a demand row, s: its take-or-pay row).
    rows = prob.numConstraints() - (1 if prob.get_constraint_by_name("hold") is not None else 0)
    emit("pulp+cbc", clock, objective, prob.numVariables(), rows, status.lower(), extra,
         startup_s=clock.t0 - T_START)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
