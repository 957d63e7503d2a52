#!/usr/bin/env python3
"""Turns a scenario folder's contracts into one whole-horizon contract per provider (issue 15's
"coupled" instances): the take-or-pay row of each provider then spans every month, so the LP no
longer splits into independent years (see src/solve/decompose.rs).

    python3 benches/coupled.py DIR [--keep-minimums]

Rewrites DIR/contracts.csv in place. Each provider's contracts become one contract `<provider>-all`
with no `from`/`to` (the whole horizon), `commit_usd` = the sum of its contracts' commitments (the
same total promise) and `discount_pct` = their commitment-weighted mean discount, to 0.1 (one rate
must stand for several). `beyond_horizon` and `sizable` are dropped (defaults: `full`, `false`).
minimums.csv, if present, is removed (the issue's instance has no milestones); with
--keep-minimums each milestone is kept, renamed to its provider's new contract (its window lies
inside the whole horizon; its `min_usd` is below the larger commitment).
Only the standard library is used; the rewrite is deterministic.
"""
import csv
import os
import sys


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    keep = "--keep-minimums" in argv
    unknown = [a for a in argv if a.startswith("--") and a != "--keep-minimums"]
    if len(args) != 1 or unknown:
        sys.stderr.write(__doc__)
        return 2
    folder = args[0]
    path = os.path.join(folder, "contracts.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.stderr.write(f"{path}: no contracts to merge\n")
        return 2
    by_provider = {}
    renamed = {}
    for line, r in enumerate(rows, start=2):
        try:
            commit = float(r["commit_usd"])
            discount = float(r.get("discount_pct") or 0.0)
        except (KeyError, ValueError) as e:
            sys.stderr.write(f"{path}:{line}: commit_usd/discount_pct: {e}\n")
            return 2
        p = by_provider.setdefault(r["provider"], [0.0, 0.0])
        p[0] += commit
        p[1] += commit * discount
        renamed[r["contract"]] = f"{r['provider']}-all"
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["contract", "provider", "from", "to", "commit_usd", "discount_pct"])
        for provider, (commit, weighted) in by_provider.items():
            mean = weighted / commit if commit > 0 else 0.0
            w.writerow([f"{provider}-all", provider, "", "", f"{commit:.0f}", f"{mean:.1f}"])
    minimums = os.path.join(folder, "minimums.csv")
    if os.path.exists(minimums):
        if keep:
            with open(minimums, newline="") as f:
                reader = csv.DictReader(f)
                fields = reader.fieldnames
                mins = list(reader)
            for m in mins:
                m["contract"] = renamed.get(m["contract"], m["contract"])
            with open(minimums, "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
                w.writeheader()
                w.writerows(mins)
        else:
            os.remove(minimums)
    print(f"{folder}: {len(rows)} contracts -> {len(by_provider)} whole-horizon contracts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
