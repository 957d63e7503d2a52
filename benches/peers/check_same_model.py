#!/usr/bin/env python3
"""Check that both peers hand their solver exactly spec_lp's LP.

Usage: check_same_model.py SCENARIO_DIR

Builds spec_lp's Model, then the peers' models with their own build_model functions, and
compares with spec_lp's rows and costs (the cost objective; the stage-1 objective, if any, is
compared too), column bounds (the cash ledger's free columns) and integrality (whole lots):
  linopy: Model.matrices (A, senses, rhs, c, lb, ub, vtypes) must be equal exactly;
  PuLP:   the MPS file PuLP writes for CBC, read back by highspy, must agree to 1e-12 relative
          (PuLP prints numbers with 12 significant digits), its integer markers exactly.
Prints one line per peer, exits 1 on a difference. Does not solve anything.
"""

import os
import sys
import tempfile

from _common import row_sense, spec_lp, usage

import numpy as np
import scipy.sparse as sp
import highspy
import pulp

import linopy_highs
import pulp_cbc


def spec_matrix(m):
    r, c, v = [], [], []
    for i, (_, _, entries) in enumerate(m.rows):
        for j, a in entries.items():
            r.append(i)
            c.append(j)
            v.append(a)
    return sp.csr_matrix((v, (r, c)), shape=(len(m.rows), len(m.cost)))


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size == 0:
        return 0.0
    return float((np.abs(a - b) / np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))).max())


def spec_bounds(m):
    lo = np.array(m.lower, dtype=float)
    up = np.array(m.upper, dtype=float)
    integer = np.zeros(len(m.cost), dtype=bool)
    integer[sorted(m.integer)] = True
    return lo, up, integer


def check_linopy(m, A, c1):
    b = linopy_highs.build_model(m)
    lm = b.lm
    M = lm.matrices
    # linopy's columns in spec_lp's order: label -> spec_lp column
    col_of = {int(label): j for j, label in enumerate(b.labels)}
    perm = np.array([col_of[int(label)] for label in M.vlabels])
    assert sorted(perm) == list(range(len(m.cost)))
    inv = np.argsort(perm)  # inv[j] = linopy's position of spec_lp column j
    if b.stage1 is not None:
        ok1 = rel(np.asarray(M.c)[inv], c1) == 0.0
        lm.add_objective(b.cost, sense="min", overwrite=True)
        M = lm.matrices
    else:
        ok1 = True
    lo, up, integer = spec_bounds(m)
    ok_cols = (rel(np.asarray(M.lb)[inv][np.isfinite(lo)], lo[np.isfinite(lo)]) == 0.0
               and (np.isfinite(np.asarray(M.lb)[inv]) == np.isfinite(lo)).all()
               and rel(np.asarray(M.ub)[inv][np.isfinite(up)], up[np.isfinite(up)]) == 0.0
               and (np.isfinite(np.asarray(M.ub)[inv]) == np.isfinite(up)).all()
               and ((np.asarray(M.vtypes)[inv] == "I") == integer).all())
    # every group's coordinate is spec_lp's row number
    spec_row = {}
    for name in lm.constraints:
        con = lm.constraints[name]
        dim = con.labels.dims[0]
        for label, row in zip(con.labels.values, con.labels.coords[dim].values):
            spec_row[int(label)] = int(row)
    order = np.array([spec_row[int(label)] for label in M.clabels])
    nonempty = np.array([bool(e) for _, _, e in m.rows])
    AL = sp.csr_matrix(M.A)[:, inv]
    AS = A[order]
    diff = abs(AL - AS).max() if AL.nnz or AS.nnz else 0.0
    sign = {"==": "=", "<=": "<", ">=": ">"}
    want = [row_sense(*m.rows[i][:2]) for i in order]
    ok_rows = (all(sign[s] == got for (s, _), got in zip(want, M.sense))
               and rel([b for _, b in want], M.b) == 0.0)
    ok = (diff == 0.0 and ok_rows and rel(np.asarray(M.c)[inv], m.cost) == 0.0 and ok1 and ok_cols
          and len(order) == int(nonempty.sum()) and len(set(order)) == len(order))
    print("linopy: %s (rows %d of %d, dropped without terms: %d; A max diff %g; columns: %d free below,"
          " %d integer, bounds and types %s)"
          % ("same" if ok else "DIFFERENT", len(order), len(m.rows), int((~nonempty).sum()), diff,
             int((~np.isfinite(np.asarray(M.lb))).sum()), int((np.asarray(M.vtypes) == "I").sum()),
             "same" if ok_cols else "DIFFERENT"))
    return ok


def read_mps(path, shape):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(path)
    lp = h.getLp()
    cols = np.array([int(name[1:]) for name in lp.col_names_])
    rows = np.array([int(name[1:]) for name in lp.row_names_])
    am = lp.a_matrix_
    coo = sp.csc_matrix((am.value_, am.index_, am.start_), shape=(lp.num_row_, lp.num_col_)).tocoo()
    A = sp.csr_matrix((coo.data, (rows[coo.row], cols[coo.col])), shape=shape)
    cost = np.zeros(shape[1])
    cost[cols] = lp.col_cost_
    clo = np.full(shape[1], np.nan)
    cup = np.full(shape[1], np.nan)
    clo[cols] = np.where(np.array(lp.col_lower_) <= -1e30, -np.inf, lp.col_lower_)
    cup[cols] = np.where(np.array(lp.col_upper_) >= 1e30, np.inf, lp.col_upper_)
    cint = np.zeros(shape[1], dtype=bool)
    if len(lp.integrality_):
        cint[cols] = np.array([t == highspy.HighsVarType.kInteger for t in lp.integrality_])
    lo = np.full(shape[0], np.nan)
    up = np.full(shape[0], np.nan)
    lo[rows] = np.where(np.array(lp.row_lower_) <= -1e30, -np.inf, lp.row_lower_)
    up[rows] = np.where(np.array(lp.row_upper_) >= 1e30, np.inf, lp.row_upper_)
    return A, cost, lo, up, len(cols), (clo, cup, cint)


def check_pulp(m, A, c1):
    prob, xs, cost, two_stage = pulp_cbc.build_model(m)
    fd, path = tempfile.mkstemp(suffix=".mps")
    os.close(fd)
    ok1 = True
    try:
        if two_stage:
            prob.writeMPS(path)  # written as PuLP gives it to CBC, the max sense on the side
            _, c_stage1, _, _, _, _ = read_mps(path, A.shape)
            ok1 = rel(c_stage1, c1) <= 1e-12
            prob.sense = pulp.LpMinimize
            prob.setObjective(cost)
        prob.writeMPS(path)
        AP, c, lo, up, ncols, (clo, cup, cint) = read_mps(path, A.shape)
    finally:
        os.unlink(path)
    slo = np.array([r[0] for r in m.rows])
    sup = np.array([r[1] for r in m.rows])
    fin_lo, fin_up = np.isfinite(slo), np.isfinite(sup)
    ok_bounds = ((np.isfinite(lo) == fin_lo).all() and (np.isfinite(up) == fin_up).all()
                 and rel(lo[fin_lo], slo[fin_lo]) <= 1e-12 and rel(up[fin_up], sup[fin_up]) <= 1e-12)
    slo, sup_c, integer = spec_bounds(m)
    ok_cols = ((np.isfinite(clo) == np.isfinite(slo)).all() and (np.isfinite(cup) == np.isfinite(sup_c)).all()
               and rel(clo[np.isfinite(slo)], slo[np.isfinite(slo)]) <= 1e-12
               and rel(cup[np.isfinite(sup_c)], sup_c[np.isfinite(sup_c)]) <= 1e-12
               and (cint == integer).all())
    dA = abs(AP - A)
    worst_a = float((dA.multiply(1.0 / np.maximum(1.0, abs(A).max()))).max()) if dA.nnz else 0.0
    ok = (AP.nnz == A.nnz and worst_a <= 1e-12 and rel(c, m.cost) <= 1e-12 and ok_bounds and ok1
          and ncols == len(m.cost) and ok_cols)
    print("pulp:   %s (MPS: %d columns, %d nonzeros; worst relative cost diff %.1e; columns: %d free below,"
          " %d integer, bounds and types %s)"
          % ("same" if ok else "DIFFERENT", ncols, AP.nnz, rel(c, m.cost),
             int((~np.isfinite(clo)).sum()), int(cint.sum()), "same" if ok_cols else "DIFFERENT"))
    return ok


def main(argv):
    folder = usage(argv, "check_same_model.py")[0]
    m = spec_lp.build(spec_lp.Scenario(folder))
    A = spec_matrix(m)
    c1 = np.zeros(len(m.cost))
    for j, v in m.stage1.items():
        c1[j] = v
    print("spec_lp: %d columns, %d rows, %d nonzeros%s"
          % (len(m.cost), len(m.rows), A.nnz, ", two stages" if m.has_priority and m.stage1 else ""))
    ok = check_linopy(m, A, c1)
    ok = check_pulp(m, A, c1) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
