#!/usr/bin/env python3
"""Peer benchmark: capplan's LP in PuLP, solved by PuLP's bundled CBC.

Usage: pulp_cbc.py SCENARIO_DIR [--mip-gap G] [--time-limit SECONDS]

Builds the same LP as tools/spec_ref/spec_lp.py (its Scenario and build are imported, so the
columns, rows and coefficients are identical), hands it to PuLP and solves it with
pulp.PULP_CBC_CMD(msg=False) (a subclass that also keeps CBC's full-precision objective line and
the wall time from CBC's log). first_on/priority rules use spec_lp's two stages: maximise the
served units on the preferred providers, then add stage1 >= z1 - 1e-9*|z1| and minimise cost.
(spec_lp's stage 0, the priority guard minimising the unmet penalty first, is not done: no
`capplan synth` folder has a priority rule.)

Version 2: spec_lp's free columns (the cash ledger's cash[t], lower bound -inf) get no lower
bound, and its integer columns (whole reservation lots, settings lots = integer) are PuLP
Integer variables: CBC then runs branch and cut, stopping at --mip-gap (relative, default 1e-4,
capplan's default mip_gap; CBC's own default is 0) or --time-limit. The log's "Lower bound"
is reported as bound_usd (the objective when CBC proved optimality without printing one).

Phases (seconds):
  read     CSV files -> spec_lp.Scenario
  build    spec_lp.build (columns/rows as dicts) + PuLP variables, expressions, constraints
  solve    prob.solve: PuLP writes an MPS file, runs the cbc subprocess, reads its solution
           file back (twice with priority rules)
  extract  variable values and objective value out of PuLP

Prints one JSON line: {"peer":"pulp+cbc","read_s","build_s","solve_s","extract_s","total_s",
"objective_usd","variables","rows","peak_rss_mb","status","build_index_s","startup_s","mip",...}
(with whole lots also "bound_usd","gap_rel","mip_gap_setting","cbc_result").
startup_s (imports) is not part of total_s.
"""

import time

T_START = time.perf_counter()  # before the imports: startup_s = imports

import os
import re
import sys
import tempfile

from _common import Clock, HOLD_REL_TOL, emit, mip_fields, quiet_stdout, row_sense, spec_lp, usage

import pulp


class CBC(pulp.PULP_CBC_CMD):
    """PuLP's bundled CBC, also keeping the objective value from the solution file's first
    line ("Optimal - objective value 123.45678901"), which PuLP reads only for the status."""

    objective_value = None
    lower_bound = None  # the last run's "Lower bound:" (branch and cut), from its log
    result = None  # the last run's "Result - ..." line

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.run_times = []  # CBC's "Wallclock seconds" of each run, from its log

    def get_status(self, filename):
        # called once cbc has exited and its log file is closed
        with open(filename) as f:
            first = f.readline()
        match = re.search(r"objective value\s+(\S+)", first)
        self.objective_value = float(match.group(1)) if match else None
        log_path = self.optionsDict.get("logPath")
        if log_path:
            with open(log_path) as f:
                runs = re.findall(r"\(Wallclock seconds\):\s*([0-9.]+)", f.read())
            if runs:
                self.run_times.append(float(runs[-1]))
            with open(log_path) as f:
                text = f.read()
            bound = re.search(r"^Lower bound:\s*(\S+)", text, re.M)
            self.lower_bound = float(bound.group(1)) if bound else None
            result = re.search(r"^Result - (.*)$", text, re.M)
            self.result = result.group(1).strip() if result else None
        return super().get_status(filename)


def build_model(m):
    """spec_lp's Model as a PuLP problem: (prob, column variables, cost expression, two_stage).
    The objective is set for the first solve: stage 1 when two_stage, else the cost."""
    n = len(m.cost)
    prob = pulp.LpProblem("capplan", pulp.LpMinimize)
    # spec_lp's bounds as given (the cash ledger's columns are free below); lots Integer
    xs = [prob.add_variable("x%d" % j,
                            lowBound=(None if m.lower[j] == -spec_lp.INF else m.lower[j]),
                            upBound=(None if m.upper[j] == spec_lp.INF else m.upper[j]),
                            cat=(pulp.LpInteger if j in m.integer else pulp.LpContinuous))
          for j in range(n)]
    cost = pulp.LpAffineExpression([(xs[j], c) for j, c in enumerate(m.cost) if c != 0.0])
    senses = {"==": pulp.LpConstraintEQ, "<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE}
    for i, (lo, up, entries) in enumerate(m.rows):
        sense, rhs = row_sense(lo, up)
        expr = pulp.LpAffineExpression([(xs[j], entries[j]) for j in sorted(entries)])
        prob.addConstraint(pulp.LpConstraint(expr, senses[sense], "r%d" % i, rhs))
    # Priority rules whose stage-1 objective has no column (nothing they cover can run): spec_lp
    # maximises 0 and then solves stage 2 without a hold row, which is the plain solve, so the
    # empty stage is skipped (PuLP also writes an invalid MPS for an empty objective).
    two_stage = m.has_priority and bool(m.stage1)
    if two_stage:
        prob.sense = pulp.LpMaximize
        prob.setObjective(pulp.LpAffineExpression([(xs[j], v) for j, v in sorted(m.stage1.items())]))
    else:
        prob.setObjective(cost)
    return prob, xs, cost, two_stage


def main(argv):
    folder, mip_gap, time_limit = usage(argv, "pulp_cbc.py")
    clock = Clock()

    sc = spec_lp.Scenario(folder)
    clock.lap("read")

    m = spec_lp.build(sc)
    clock.lap("index")

    prob, xs, cost, two_stage = build_model(m)
    clock.lap("build")

    # CBC's log goes to a file (rewritten by each run), for its own "Wallclock seconds"
    log_fd, log_path = tempfile.mkstemp(prefix="pulp-cbc-", suffix=".log")
    os.close(log_fd)
    if m.integer:
        solver = CBC(msg=False, logPath=log_path, gapRel=mip_gap, timeLimit=time_limit)
    else:
        solver = CBC(msg=False, logPath=log_path)
    extra = {}
    with quiet_stdout():
        status = pulp.LpStatus[prob.solve(solver)]
    if two_stage and status == "Optimal":
        # z1 from CBC's own objective line (printed %.8f): the solution file rounds every value
        # to 8 significant digits, and a z1 summed from those can overshoot the true maximum by
        # more than the 1e-9 relative slack of the hold row, making stage 2 infeasible.
        z1 = solver.objective_value
        extra["stage1_served_units"] = z1
        hold = pulp.LpAffineExpression([(xs[j], v) for j, v in sorted(m.stage1.items())])
        prob.addConstraint(pulp.LpConstraint(hold, pulp.LpConstraintGE, "hold", z1 - HOLD_REL_TOL * abs(z1)))
        prob.sense = pulp.LpMinimize
        prob.setObjective(cost)
        with quiet_stdout():
            status = pulp.LpStatus[prob.solve(solver)]
    clock.lap("solve")
    os.unlink(log_path)
    bound = gap = None
    if m.integer and solver.objective_value is not None:
        # no "Lower bound" line: CBC closed the gap (proved optimal)
        bound = solver.lower_bound if solver.lower_bound is not None else solver.objective_value
        gap = (solver.objective_value - bound) / max(1.0, abs(solver.objective_value))
    extra.update(mip_fields(m, mip_gap, time_limit, bound, gap))
    if m.integer:
        extra["cbc_result"] = solver.result
    extra["solver_runs"] = len(solver.run_times)
    extra["solver_run_s"] = round(sum(solver.run_times), 4)  # CBC's own clock, 10 ms steps

    objective = None
    if m.has_priority and not two_stage and status == "Optimal":
        extra["stage1_served_units"] = 0.0
    if status == "Optimal":
        values = [v.varValue for v in xs]
        # objective_usd: CBC's objective line (full precision); the sum over the rounded values
        # is reported beside it
        objective = solver.objective_value
        extra["objective_from_values"] = float(sum(c * x for c, x in zip(m.cost, values)))
    clock.lap("extract")

    # Every column sits in some row (x and u: a demand row, s: its take-or-pay row).
    rows = prob.numConstraints() - (1 if prob.get_constraint_by_name("hold") is not None else 0)
    emit("pulp+cbc", clock, objective, prob.numVariables(), rows, status.lower(), extra,
         startup_s=clock.t0 - T_START)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
