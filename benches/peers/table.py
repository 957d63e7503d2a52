#!/usr/bin/env python3
"""The table of benches/peers/run.sh: every run, then medians per runner, objectives checked.

Usage: table.py WORK KIND SIZE SEED GEN ROUNDS RUNNER...

Reads WORK/runs/<round>-<runner>.{time,stdout,stderr,summary.json,sol} as run.sh wrote them and
prints markdown. Every run's objective is checked against capplan's in the same round (the
default build; else capplan-cbc, else cbc-mps): for an LP to 1e-6 relative, with whole lots by
overlap of [bound, objective] (to 1e-6). Exit 1 on a mismatch or a failed run.
"""

import json
import os
import re
import statistics
import sys

TOL = 1e-6


def rel(a, b):
    return abs(a - b) / max(1.0, abs(a), abs(b))


def read_run(work, rnd, runner):
    base = os.path.join(work, "runs", "%d-%s" % (rnd, runner))
    wall, user, sys_, kb, rc = open(base + ".time").read().split()
    run = {"runner": runner, "round": rnd, "wall": float(wall), "cpu": float(user) + float(sys_),
           "rss_mb": int(kb) / 1024.0, "rc": int(rc), "objective": None, "bound": None,
           "status": None, "inproc": None, "solver_s": None, "note": ""}
    err = open(base + ".stderr").read().strip()
    if runner.startswith("capplan"):
        try:
            s = json.load(open(base + ".summary.json"))
        except (OSError, ValueError):
            s = {}
        run["status"] = s.get("status")
        run["objective"] = s.get("objective_usd")
        run["bound"] = s.get("bound_usd") if s.get("gap_pct") is not None else None
        run["vars"] = (s.get("model") or {}).get("variables")
        run["solver_note"] = s.get("solver_note")
    elif runner == "cbc-mps":
        log = open(base + ".stdout").read()
        first = open(base + ".sol").readline() if os.path.exists(base + ".sol") else ""
        run["status"] = first.split(" - ")[0].strip() or None
        m = re.search(r"objective value\s+(\S+)", first)
        if m and not first.lower().startswith("infeasible"):
            run["objective"] = float(m.group(1))
        m = re.search(r"^Lower bound:\s*(\S+)", log, re.M)
        if m:
            run["bound"] = float(m.group(1))
        m = re.search(r"^Total time \(CPU seconds\):\s*\S+\s*\(Wallclock seconds\):\s*(\S+)", log, re.M)
        if m:
            run["solver_s"] = float(m.group(1))
        m = re.search(r"^Result - (.*)$", log, re.M)
        if m:
            run["note"] = m.group(1).strip()
    else:
        lines = [l for l in open(base + ".stdout").read().splitlines() if l.startswith("{")]
        if lines:
            j = json.loads(lines[-1])
            run.update(status=j.get("status"), objective=j.get("objective_usd"), bound=j.get("bound_usd"),
                       inproc=j.get("total_s"), solver_s=j.get("solver_run_s"), peer=j)
            if j.get("cbc_result"):
                run["note"] = j["cbc_result"]
    if run["rc"] != 0 or run["objective"] is None:
        run["failed"] = "exit %d: %s" % (run["rc"], err.splitlines()[-1] if err else "no objective")
    return run


def check(run, ref, mip):
    """(ok, text) of run's objective against ref's."""
    if run is ref:
        return True, "reference"
    if run.get("failed") or ref.get("failed"):
        return False, "FAILED"
    a, b = run["objective"], ref["objective"]
    d = rel(a, b)
    if not mip:
        return d <= TOL, ("OK" if d <= TOL else "MISMATCH") + " (rel %.1e)" % d
    # whole lots: both plans within their own gaps of one optimum, i.e. [bound, objective] overlap
    lo_a = run["bound"] if run["bound"] is not None else a
    lo_b = ref["bound"] if ref["bound"] is not None else b
    scale = max(1.0, abs(a), abs(b))
    ok = max(lo_a, lo_b) <= min(a, b) + TOL * scale
    return ok, ("OK" if ok else "MISMATCH") + " (rel %.1e, bounds overlap)" % d


def fmt(x, d=2):
    return "—" if x is None else "%.*f" % (d, x)


def usd(x):
    return "—" if x is None else "{:,.2f}".format(x)


def gap(r):
    if r["objective"] is None or r["bound"] is None or not r.get("mip"):
        return None
    return 100.0 * (r["objective"] - r["bound"]) / max(1.0, abs(r["objective"]))


LABEL = {"capplan": "capplan (Clarabel, default build)", "capplan-cbc": "capplan `--solver cbc`",
         "pulp_cbc": "PuLP + CBC", "linopy_highs": "linopy + HiGHS", "cbc-mps": "`cbc` on capplan's MPS"}


def main(argv):
    work, kind, size, seed, gen, rounds = argv[1:7]
    runners = argv[7:]
    rounds = int(rounds)
    mip = kind == "v2"
    runs = [read_run(work, r, n) for r in range(1, rounds + 1) for n in runners]
    for r in runs:
        r["mip"] = mip
    bad = 0
    for rnd in range(1, rounds + 1):
        these = [r for r in runs if r["round"] == rnd]
        ref = None
        for name in ("capplan", "capplan-cbc", "cbc-mps", "pulp_cbc", "linopy_highs"):
            ref = next((r for r in these if r["runner"] == name and not r.get("failed")), None)
            if ref:
                break
        for r in these:
            ok, text = check(r, ref, mip) if ref else (False, "FAILED")
            r["check"] = text
            bad += 0 if ok else 1

    header = open(os.path.join(work, "header.txt")).read().strip()
    size_note = ""
    for r in runs:
        if r.get("peer"):
            size_note += " — spec_lp: %d variables, %d rows" % (r["peer"]["variables"], r["peer"]["rows"])
            if r["peer"].get("integer_columns"):
                size_note += ", %d integer" % r["peer"]["integer_columns"]
            break
    for r in runs:
        if r.get("vars"):
            size_note += "; capplan: %s variables" % "{:,}".format(r["vars"])
            break
    print("### %s %s, seed %s%s" % (kind, size, seed, size_note))
    print()
    print("generated with: `%s`" % gen)
    print()
    print("```")
    print(header)
    print("```")
    print()
    print("| round | runner | wall s | CPU s | peak RSS MB | in-process s | solver s | objective USD | gap % | check |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in runs:
        print("| %d | %s | %.2f | %.2f | %.0f | %s | %s | %s | %s | %s%s |"
              % (r["round"], r["runner"], r["wall"], r["cpu"], r["rss_mb"], fmt(r["inproc"]), fmt(r["solver_s"]),
                 usd(r["objective"]), fmt(gap(r), 4), r["check"],
                 ("; " + r["failed"]) if r.get("failed") else ""))
    print()

    def med(name, key):
        vals = [r[key] for r in runs if r["runner"] == name and r[key] is not None and not r.get("failed")]
        return statistics.median(vals) if vals else None

    cap_w, cap_c = med("capplan", "wall"), med("capplan", "cpu")
    cbc_w, cbc_c = med("capplan-cbc", "wall"), med("capplan-cbc", "cpu")
    floor_w, floor_c = med("cbc-mps", "wall"), med("cbc-mps", "cpu")

    def ratio(a, b):
        return "—" if a is None or b is None or b == 0 else "%.2f×" % (a / b)

    def pair(a_w, a_c, b_w, b_c):
        return "%s / %s" % (ratio(a_w, b_w), ratio(a_c, b_c))

    print("Medians of %d round%s (ratios: wall / CPU):" % (rounds, "" if rounds == 1 else "s"))
    print()
    print("| runner | wall s | CPU s | peak RSS MB | in-process s | capplan ÷ this | capplan `--solver cbc` ÷ this"
          " | this ÷ `cbc` on MPS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in runners:
        w, c = med(name, "wall"), med(name, "cpu")
        print("| %s | %s | %s | %s | %s | %s | %s | %s |"
              % (LABEL.get(name, name), fmt(w), fmt(c), fmt(med(name, "rss_mb"), 0), fmt(med(name, "inproc")),
                 pair(cap_w, cap_c, w, c), pair(cbc_w, cbc_c, w, c), pair(w, c, floor_w, floor_c)))
    print()
    print("wall, CPU (user + system, children included), peak RSS: whole process. in-process s: the")
    print("peers' own read+build+solve+extract (no interpreter start or imports). capplan ÷ this < 1:")
    print("capplan faster than this runner. Raw output in %s" % work)
    if mip:
        print()
        for r in runs:
            if r["round"] == 1 and (r["note"] or r.get("solver_note")):
                print("- %s: %s" % (r["runner"], r["note"] or r.get("solver_note")))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
