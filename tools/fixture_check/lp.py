"""Tiny exact LP solver (two-phase simplex, Bland's rule, Fractions).

minimize c.x  s.t. rows (coeffs dict, sense in {'<=','>=','=='}, rhs), x >= 0.
Returns ('optimal', value, x) or ('infeasible', None, None) or ('unbounded', None, None).
"""
from fractions import Fraction as F


def solve(nvars, rows, c):
    # normalise rhs >= 0
    R = []
    for coeffs, sense, rhs in rows:
        coeffs = {j: F(v) for j, v in coeffs.items() if v != 0}
        rhs = F(rhs)
        if rhs < 0:
            coeffs = {j: -v for j, v in coeffs.items()}
            rhs = -rhs
            sense = {'<=': '>=', '>=': '<=', '==': '=='}[sense]
        R.append((coeffs, sense, rhs))
    m = len(R)
    # columns: original | slack/surplus | artificial
    ncol = nvars
    slack_col = {}
    for i, (_, sense, _) in enumerate(R):
        if sense in ('<=', '>='):
            slack_col[i] = ncol
            ncol += 1
    art_col = {}
    for i, (_, sense, _) in enumerate(R):
        if sense in ('>=', '=='):
            art_col[i] = ncol
            ncol += 1
    T = []
    basis = []
    for i, (coeffs, sense, rhs) in enumerate(R):
        row = [F(0)] * (ncol + 1)
        for j, v in coeffs.items():
            row[j] = v
        if sense == '<=':
            row[slack_col[i]] = F(1)
            basis.append(slack_col[i])
        elif sense == '>=':
            row[slack_col[i]] = F(-1)
            row[art_col[i]] = F(1)
            basis.append(art_col[i])
        else:
            row[art_col[i]] = F(1)
            basis.append(art_col[i])
        row[-1] = rhs
        T.append(row)

    arts = set(art_col.values())

    def run(cost, allowed):
        # cost: list len ncol. reduced costs computed each iteration (small problems)
        while True:
            # reduced costs
            cb = [cost[b] for b in basis]
            enter = None
            for j in range(ncol):
                if j not in allowed or j in basis:
                    continue
                rc = cost[j] - sum(cb[i] * T[i][j] for i in range(m))
                if rc < 0:
                    enter = j
                    break  # Bland: smallest index
            if enter is None:
                return 'optimal'
            # ratio test
            best = None
            for i in range(m):
                a = T[i][enter]
                if a > 0:
                    r = T[i][-1] / a
                    if best is None or r < best[0] or (r == best[0] and basis[i] < basis[best[1]]):
                        best = (r, i)
            if best is None:
                return 'unbounded'
            piv = best[1]
            pv = T[piv][enter]
            T[piv] = [v / pv for v in T[piv]]
            for i in range(m):
                if i != piv and T[i][enter] != 0:
                    f = T[i][enter]
                    T[i] = [a - f * b for a, b in zip(T[i], T[piv])]
            basis[piv] = enter

    all_cols = set(range(ncol))
    if arts:
        cost1 = [F(0)] * ncol
        for j in arts:
            cost1[j] = F(1)
        run(cost1, all_cols)
        val = sum(T[i][-1] for i in range(m) if basis[i] in arts)
        if val > 0:
            return ('infeasible', None, None)
        # drive artificials out of basis where possible
        for i in range(m):
            if basis[i] in arts:
                for j in range(ncol):
                    if j not in arts and T[i][j] != 0:
                        pv = T[i][j]
                        T[i] = [v / pv for v in T[i]]
                        for k in range(m):
                            if k != i and T[k][j] != 0:
                                f = T[k][j]
                                T[k] = [a - f * b for a, b in zip(T[k], T[i])]
                        basis[i] = j
                        break
    cost2 = [F(0)] * ncol
    for j, v in c.items():
        cost2[j] = F(v)
    allowed = all_cols - arts
    # artificial still basic (redundant rows) stay at 0; they are not allowed to enter
    st = run(cost2, allowed | {b for b in basis if b in arts})
    if st == 'unbounded':
        return ('unbounded', None, None)
    x = [F(0)] * nvars
    for i, b in enumerate(basis):
        if b < nvars:
            x[b] = T[i][-1]
    val = sum(F(v) * x[j] for j, v in c.items())
    return ('optimal', val, x)
