"""Independent re-derivation of a capplan fixture (SPEC + docs/interpretation.md).

usage: python3 verify.py FIXTURE_DIR [--unique]
Builds the LP from the CSVs, solves it exactly, compares to expected.json.
"""
import csv, json, os, sys
from fractions import Fraction as F
from collections import defaultdict
import mpmath
from lp import solve

mpmath.mp.dps = 40


def read(d, name, required=True):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        assert not required, name
        return []
    with open(p, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def per(s):
    y, m = s.split('-')
    return int(y) * 12 + int(m) - 1


def pname(i):
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def num(s, default=None):
    s = (s or '').strip()
    if s == '':
        return default
    return F(s)


def build(d):
    settings = {r['key']: r['value'] for r in read(d, 'settings.csv', False)}
    H = num(settings.get('hours_per_month'), F(730))
    rate = settings.get('discount_rate', '0') or '0'
    providers = [r['provider'] for r in read(d, 'providers.csv')]
    skus = {r['sku']: r for r in read(d, 'skus.csv')}
    wls = {r['workload']: r for r in read(d, 'workloads.csv')}
    demand_rows = read(d, 'demand.csv')
    hs = settings.get('horizon_start') or min(r['period'] for r in demand_rows)
    he = settings.get('horizon_end') or max(r['period'] for r in demand_rows)
    T = list(range(per(hs), per(he) + 1))
    t0 = T[0]

    def window(r):
        a = per(r['from']) if r.get('from') else T[0]
        b = per(r['to']) if r.get('to') else T[-1]
        return [t for t in T if a <= t <= b], (min(b, T[-1]) if b >= T[0] else None)

    def df(t):
        m = t - t0
        v = (1 + mpmath.mpf(rate)) ** (-mpmath.mpf(m) / 12)
        return v

    demand = defaultdict(F)
    for r in demand_rows:
        t = per(r['period'])
        if t in T:
            demand[(r['workload'], t)] += F(r['quantity'])
    perf_over = {(r['workload'], r['sku']): F(r['perf']) for r in read(d, 'perf.csv', False)}

    def perf(sku, w):
        if skus[sku]['resource'] != wls[w]['resource']:
            return F(0)
        if (w, sku) in perf_over:
            return perf_over[(w, sku)]
        return num(skus[sku].get('perf'), F(1))

    offers = read(d, 'offers.csv')
    contracts = read(d, 'contracts.csv', False)
    power = read(d, 'power.csv', False)
    rules = read(d, 'rules.csv', False)

    def can_support(p, w, t):
        for o in offers:
            if o['provider'] == p and t in window(o)[0] and perf(o['sku'], w) > 0:
                return True
        return False

    # allowed (w,p,t)
    def allowed(w, p, t):
        for r in rules:
            if r['workload'] != w or t not in window(r)[0]:
                continue
            k = r['kind']
            if k == 'forbid' and r['provider'] == p:
                return False
            if k == 'exclusive' and r['provider'] != p:
                return False
            if k == 'first_on' and r['mode'] == 'window' and r['provider'] != p and can_support(r['provider'], w, t):
                return False
        return True

    # price after discount
    def price(oi, t):
        o = offers[oi]
        pr = F(o['usd_per_unit_hour'])
        for c in contracts:
            if c['provider'] == o['provider'] and t in window(c)[0]:
                pr = pr * (1 - num(c.get('discount_pct'), F(0)) / 100)
        return pr

    var = []  # descriptors
    idx = {}

    def newvar(key):
        idx[key] = len(var)
        var.append(key)
        return idx[key]

    for oi, o in enumerate(offers):
        for t in window(o)[0]:
            for w in wls:
                if perf(o['sku'], w) > 0 and allowed(w, o['provider'], t):
                    newvar(('x', oi, w, t))
    for w, r in wls.items():
        if (r.get('unmet_usd_per_unit_hour') or '').strip() != '':
            for t in T:
                newvar(('u', w, t))
    live_contracts = []
    for ci, c in enumerate(contracts):
        ts, to = window(c)
        if ts:
            newvar(('s', ci))
            live_contracts.append(ci)

    xs = [k for k in var if k[0] == 'x']
    rows = []
    for w in wls:
        for t in T:
            co = {}
            for k in xs:
                if k[2] == w and k[3] == t:
                    co[idx[k]] = perf(offers[k[1]]['sku'], w)
            if ('u', w, t) in idx:
                co[idx[('u', w, t)]] = 1
            rows.append((co, '==', demand[(w, t)]))
    for oi, o in enumerate(offers):
        for t in window(o)[0]:
            co = {idx[k]: 1 for k in xs if k[1] == oi and k[3] == t}
            if co:
                rows.append((co, '<=', F(o['max_units'])))
    for r in power:
        for t in window(r)[0]:
            co = {}
            for k in xs:
                o = offers[k[1]]
                if o['provider'] == r['provider'] and o['region'] == r['region'] and k[3] == t:
                    co[idx[k]] = num(skus[o['sku']].get('power_kw'), F(0)) / 1000
            rows.append((co, '<=', F(r['max_mw'])))
    for ci in live_contracts:
        c = contracts[ci]
        ts, _ = window(c)
        co = {idx[('s', ci)]: 1}
        for k in xs:
            o = offers[k[1]]
            if o['provider'] == c['provider'] and k[3] in ts:
                co[idx[k]] = price(k[1], k[3]) * H
        rows.append((co, '>=', F(c['commit_usd'])))
    prio = {}
    for r in rules:
        k = r['kind']
        ts = window(r)[0]
        for t in ts:
            share = None
            if k in ('min_share', 'max_share'):
                share = F(r['share'])
            elif k == 'first_on' and r['mode'] == 'share' and can_support(r['provider'], r['workload'], t):
                share = F(r['share'])
            if share is not None:
                co = {}
                for x in xs:
                    if x[2] == r['workload'] and x[3] == t:
                        pf = perf(offers[x[1]]['sku'], x[2])
                        on = offers[x[1]]['provider'] == r['provider']
                        co[idx[x]] = co.get(idx[x], 0) + (pf if on else 0) - share * pf
                rows.append((co, '<=' if k == 'max_share' else '>=', F(0)))
            if k == 'first_on' and r['mode'] == 'priority':
                for x in xs:
                    if x[2] == r['workload'] and x[3] == t and offers[x[1]]['provider'] == r['provider']:
                        prio[idx[x]] = prio.get(idx[x], 0) + perf(offers[x[1]]['sku'], x[2])
    # objective: rational approx of df for the exact solver, mp for reporting
    obj = {}
    objmp = {}
    for k in var:
        if k[0] == 'x':
            c = price(k[1], k[3]) * H
            dfv = df(k[3])
        elif k[0] == 'u':
            c = F(wls[k[1]]['unmet_usd_per_unit_hour']) * H
            dfv = df(k[2])
        else:
            c = F(1)
            dfv = df(window(contracts[k[1]])[1])
        objmp[idx[k]] = mpmath.mpf(c.numerator) / c.denominator * dfv
        obj[idx[k]] = c * F(str(mpmath.nstr(dfv, 30)))
    ctx = dict(var=var, idx=idx, offers=offers, contracts=contracts, H=H, price=price, T=T,
               demand=demand, wls=wls, perf=perf, live_contracts=live_contracts, window=window)
    return rows, obj, objmp, prio, ctx


def solve_case(d):
    rows, obj, objmp, prio, ctx = build(d)
    n = len(ctx['var'])
    extra = []
    if prio:
        st, v, x = solve(n, rows, {j: -c for j, c in prio.items()})
        if st != 'optimal':
            return st, None, ctx, rows, obj, objmp
        extra = [(dict(prio), '>=', -v)]
        ctx['prio_value'] = -v
    st, v, x = solve(n, rows + extra, obj)
    return st, (v, x, extra), ctx, rows, obj, objmp


def summarise(x, ctx, objmp):
    var, offers, price, H = ctx['var'], ctx['offers'], ctx['price'], ctx['H']
    usage = F(0)
    short = F(0)
    unmet = F(0)
    alloc = defaultdict(F)
    unm = []
    cons = []
    for j, k in enumerate(var):
        if x[j] == 0:
            continue
        if k[0] == 'x':
            o = offers[k[1]]
            usage += price(k[1], k[3]) * H * x[j]
            alloc[(pname(k[3]), k[2], o['provider'], o['region'], o['sku'])] += x[j]
        elif k[0] == 'u':
            unmet += x[j]
            unm.append({'period': pname(k[2]), 'workload': k[1], 'unmet': x[j]})
        else:
            short += x[j]
    for ci in ctx['live_contracts']:
        c = ctx['contracts'][ci]
        ts = ctx['window'](c)[0]
        sp = F(0)
        for j, k in enumerate(var):
            if k[0] == 'x' and offers[k[1]]['provider'] == c['provider'] and k[3] in ts:
                sp += price(k[1], k[3]) * H * x[j]
        cons.append({'contract': c['contract'], 'spend_usd': sp, 'shortfall_usd': x[ctx['idx'][('s', ci)]]})
    objv = sum(objmp[j] * (mpmath.mpf(x[j].numerator) / x[j].denominator) for j in range(len(var)))
    return dict(objective=objv, usage=usage, shortfall=short, unmet=unmet, alloc=alloc, unmet_rows=unm,
                contracts=cons)


def close(a, b, tol=1e-9):
    a = float(a); b = float(b)
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check(d, unique=True):
    exp = json.load(open(os.path.join(d, 'expected.json')))
    ok = True
    msgs = []
    if exp['status'] == 'infeasible':
        rows, obj, objmp, prio, ctx = build(d)
        st, _, _ = solve(len(ctx['var']), rows, obj)
        if st != 'infeasible':
            return False, [f'expected infeasible, got {st}']
        # elastic: every demand elastic
        n0 = len(ctx['var'])
        uidx = {}
        rows2 = []
        k = 0
        for co, sense, rhs in rows:
            rows2.append((dict(co), sense, rhs))
        # demand rows are the first |W|*|T| rows in build order
        W = list(ctx['wls']); T = ctx['T']
        for wi, w in enumerate(W):
            for ti, t in enumerate(T):
                r = wi * len(T) + ti
                uidx[(w, t)] = n0 + len(uidx)
                rows2[r][0][uidx[(w, t)]] = 1
        n = n0 + len(uidx)
        cost = {j: 1 for j in uidx.values()}
        st, v, x = solve(n, rows2, cost)
        got = sorted((pname(t), w, x[j]) for (w, t), j in uidx.items() if x[j] != 0)
        want = sorted((s['period'], s['workload'], F(str(s['short']))) for s in exp['shortfalls'])
        if got != want:
            ok = False
            msgs.append(f'shortfalls got {got} want {want}')
        if unique:
            for (w, t), j in uidx.items():
                for sgn in (1, -1):
                    st2, v2, _ = solve(n, rows2 + [(dict(cost), '<=', v)], {j: sgn})
                    val = sgn * v2
                    if val != x[j]:
                        ok = False
                        msgs.append(f'shortfall not unique for {w},{pname(t)}: {val} vs {x[j]}')
        return ok, msgs
    st, res, ctx, rows, obj, objmp = solve_case(d)
    if st != 'optimal':
        return False, [f'status {st}']
    v, x, extra = res
    s = summarise(x, ctx, objmp)
    for key, name in (('objective_usd', 'objective'), ('usage_usd', 'usage'), ('shortfall_usd', 'shortfall'),
                      ('unmet_units', 'unmet')):
        if not close(exp[key], s[name]):
            ok = False
            msgs.append(f'{key}: expected {exp[key]} got {mpmath.nstr(mpmath.mpf(s[name]) if not isinstance(s[name], F) else mpmath.mpf(s[name].numerator)/s[name].denominator, 20)}')
    got = {k: v for k, v in s['alloc'].items()}
    want = {}
    for a in exp['allocation']:
        kk = (a['period'], a['workload'], a['provider'], a['region'], a['sku'])
        assert kk not in want, kk
        want[kk] = a['units']
    for kk in set(got) | set(want):
        if not close(got.get(kk, 0), want.get(kk, 0)):
            ok = False
            msgs.append(f'alloc {kk}: expected {want.get(kk)} got {got.get(kk)}')
    if 'contracts' in exp:
        gc = {c['contract']: c for c in s['contracts']}
        for c in exp['contracts']:
            g = gc[c['contract']]
            if not close(c['spend_usd'], g['spend_usd']) or not close(c['shortfall_usd'], g['shortfall_usd']):
                ok = False
                msgs.append(f"contract {c} got {g}")
    if 'unmet' in exp:
        gu = {(u['period'], u['workload']): u['unmet'] for u in s['unmet_rows']}
        wu = {(u['period'], u['workload']): u['unmet'] for u in exp['unmet']}
        for kk in set(gu) | set(wu):
            if not close(gu.get(kk, 0), wu.get(kk, 0)):
                ok = False
                msgs.append(f'unmet {kk}: expected {wu.get(kk)} got {gu.get(kk)}')
    if unique:
        # every reported aggregate (alloc rows, u, s) fixed over the optimal face
        n = len(ctx['var'])
        base = rows + extra + [(dict(obj), '<=', v)]
        groups = defaultdict(dict)
        for j, k in enumerate(ctx['var']):
            if k[0] == 'x':
                o = ctx['offers'][k[1]]
                groups[('x', pname(k[3]), k[2], o['provider'], o['region'], o['sku'])][j] = 1
            else:
                groups[k][j] = 1
        for g, co in groups.items():
            cur = sum(x[j] for j in co)
            for sgn in (1, -1):
                st2, v2, _ = solve(n, base, {j: sgn for j in co})
                if st2 != 'optimal' or sgn * v2 != cur:
                    ok = False
                    msgs.append(f'NOT UNIQUE: {g} ranges to {sgn * v2 if v2 is not None else st2} (at opt {cur})')
    if ctx.get('prio_value') is not None:
        msgs.append(f"priority stage-1 value {ctx['prio_value']}")
    msgs.append(f"objective {mpmath.nstr(s['objective'], 20)} usage {s['usage']} short {s['shortfall']} unmet {s['unmet']}")
    return ok, msgs


if __name__ == '__main__':
    uniq = '--no-unique' not in sys.argv
    allok = True
    for d in [a for a in sys.argv[1:] if not a.startswith('--')]:
        ok, msgs = check(d, uniq)
        allok &= ok
        print(('OK   ' if ok else 'FAIL ') + os.path.basename(d.rstrip('/')))
        for m in msgs:
            print('     ' + m)
    sys.exit(0 if allok else 1)
