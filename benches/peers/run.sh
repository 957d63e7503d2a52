#!/usr/bin/env bash
# Peer benchmark: capplan against PuLP+CBC and linopy+HiGHS on one generated scenario.
#
#   benches/peers/run.sh SIZE [SEED]
#
#   SIZE  S | M | L | XL   -> `capplan synth --size SIZE --seed SEED DIR`
#                             (while capplan has no `synth` subcommand: falls back to
#                             tools/spec_ref/random_scenario.py, S->small, M->medium, L/XL->large,
#                             and says so)
#         small | medium | large  -> always tools/spec_ref/random_scenario.py --size SIZE
#   SEED  default 1
#
# Steps, strictly one after another (the machine has 2 cores; nothing runs in parallel):
#   1. pip install --quiet pulp linopy highspy          (no-op when already installed)
#   2. generate the scenario folder
#   3. time `capplan plan DIR --out OUT --quiet` end to end (/usr/bin/time -v when present,
#      else a Python wrapper), objective from OUT/summary.json
#   4. benches/peers/pulp_cbc.py DIR, then benches/peers/linopy_highs.py DIR (each prints one
#      JSON line of phase timings; the process is also timed end to end)
#   5. a markdown table, and every peer objective checked against capplan's:
#      |a - b| <= 1e-6 * max(1, |a|, |b|) -> OK, else MISMATCH (exit 1)
#
# Environment: CAPPLAN       capplan binary (default target/release/capplan, relative to the repo root)
#              CAPPLAN_ARGS  extra arguments for `capplan plan` (e.g. "--solver highs")
#              WORK          scratch folder (default a fresh mktemp -d; kept for inspection)
#              PYTHON        default python3
#              SKIP_PIP=1    skip step 1
set -euo pipefail

SIZE=${1:?usage: run.sh S|M|L|XL|small|medium|large [SEED]}
SEED=${2:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAPPLAN=${CAPPLAN:-target/release/capplan}
case "$CAPPLAN" in /*) ;; *) CAPPLAN="$ROOT/$CAPPLAN" ;; esac
CAPPLAN_ARGS=${CAPPLAN_ARGS:-}
PYTHON=${PYTHON:-python3}
WORK=${WORK:-$(mktemp -d -t capplan-peers.XXXXXX)}
mkdir -p "$WORK"
DIR="$WORK/scenario-$SIZE-$SEED"
OUT="$WORK/capplan-out"

if [ ! -x "$CAPPLAN" ]; then
    echo "capplan not found at $CAPPLAN (build it with cargo build --release, or set CAPPLAN)" >&2
    exit 2
fi

# 1. peers' Python packages
if [ "${SKIP_PIP:-0}" != 1 ]; then
    "$PYTHON" -m pip install --quiet --disable-pip-version-check pulp linopy highspy 2>&1 \
        | grep -v "Running pip as the 'root' user" >&2 || true
fi

# 2. the scenario
rm -rf "$DIR" "$OUT"
case "$SIZE" in
    small|medium|large)
        GEN="$PYTHON tools/spec_ref/random_scenario.py --seed $SEED --size $SIZE"
        ;;
    S|M|L|XL|s|m|l|xl)
        if "$CAPPLAN" synth --help >/dev/null 2>&1; then
            # lower case: capplan's --size parser takes s|m|l|xl only (its help says S, M, L or XL)
            GEN="$CAPPLAN synth --size ${SIZE,,} --seed $SEED --no-reservations"
        else
            case "$SIZE" in S|s) rs=small ;; M|m) rs=medium ;; *) rs=large ;; esac
            echo "note: '$CAPPLAN synth' is not a capplan subcommand yet;" \
                 "falling back to random_scenario.py --size $rs" >&2
            GEN="$PYTHON tools/spec_ref/random_scenario.py --seed $SEED --size $rs"
        fi
        ;;
    *)
        echo "SIZE must be S, M, L, XL, small, medium or large (got '$SIZE')" >&2
        exit 2
        ;;
esac
(cd "$ROOT" && $GEN "$DIR")

# timed CMD... : run CMD with stdout to $TIMED_STDOUT, write "wall_s peak_rss_mb rc" to $TIMED_RESULT
timed() {
    local rc=0
    if [ -x /usr/bin/time ]; then
        # peak RSS from `time -v`; wall clock from date +%s%N around it (time -v rounds to 10 ms)
        local t0 t1
        t0=$(date +%s%N)
        /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$TIMED_STDOUT" 2>"$TIMED_STDERR" || rc=$?
        t1=$(date +%s%N)
        "$PYTHON" - "$WORK/time.txt" "$rc" "$t0" "$t1" >"$TIMED_RESULT" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
secs = 0.0
for part in wall.split(":"):
    secs = secs * 60 + float(part)
ns = int(sys.argv[4]) - int(sys.argv[3])
if ns > 0:
    secs = ns / 1e9
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
print(secs, rss_kb / 1024.0, sys.argv[2])
PY
    else
        "$PYTHON" - "$TIMED_STDOUT" "$TIMED_STDERR" "$@" >"$TIMED_RESULT" <<'PY'
import os, subprocess, sys, time
out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.perf_counter()
with open(out, "w") as o, open(err, "w") as e:
    p = subprocess.Popen(cmd, stdout=o, stderr=e)
    _, status, usage = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
print(wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status))
PY
    fi
}

# 3. capplan
echo "capplan: $CAPPLAN plan $DIR --out $OUT --quiet $CAPPLAN_ARGS" >&2
TIMED_STDOUT="$WORK/capplan.stdout" TIMED_STDERR="$WORK/capplan.stderr" TIMED_RESULT="$WORK/capplan.time" \
    timed "$CAPPLAN" plan "$DIR" --out "$OUT" --quiet $CAPPLAN_ARGS

# 4. the peers, one after the other
for peer in pulp_cbc linopy_highs; do
    echo "$peer: $PYTHON benches/peers/$peer.py $DIR" >&2
    TIMED_STDOUT="$WORK/$peer.json" TIMED_STDERR="$WORK/$peer.stderr" TIMED_RESULT="$WORK/$peer.time" \
        timed "$PYTHON" "$HERE/$peer.py" "$DIR"
done

# 5. table and check
"$PYTHON" - "$WORK" "$SIZE" "$SEED" "$GEN" <<'PY'
import json, os, sys

work, size, seed, gen = sys.argv[1:5]


def timing(name):
    wall, rss, rc = open(os.path.join(work, name + ".time")).read().split()
    return float(wall), float(rss), int(rc)


def fmt(x, digits=2):
    return "—" if x is None else ("%.*f" % (digits, x))


def money(x):
    return "—" if x is None else "%.2f" % x


cap_wall, cap_rss, cap_rc = timing("capplan")
cap_obj = None
summary = os.path.join(work, "capplan-out", "summary.json")
if cap_rc == 0 and os.path.exists(summary):
    cap_obj = json.load(open(summary)).get("objective_usd")
elif cap_rc != 0:
    err = open(os.path.join(work, "capplan.stderr")).read().strip()
    print("capplan exited %d: %s" % (cap_rc, err.splitlines()[-1] if err else "no message"), file=sys.stderr)

peers = []
for name in ("pulp_cbc", "linopy_highs"):
    wall, rss, rc = timing(name)
    lines = [l for l in open(os.path.join(work, name + ".json")).read().splitlines() if l.startswith("{")]
    if rc != 0 or not lines:
        err = open(os.path.join(work, name + ".stderr")).read().strip()
        print("%s exited %d: %s" % (name, rc, err.splitlines()[-1] if err else "no output"), file=sys.stderr)
        peers.append({"peer": name, "failed": True, "wall": wall})
        continue
    r = json.loads(lines[-1])
    r["wall"] = wall
    peers.append(r)

size_note = ""
for r in peers:
    if "variables" in r:
        size_note = " — %d variables, %d rows (spec_lp's count)" % (r["variables"], r["rows"])
        break
print("### %s, seed %s%s" % (size, seed, size_note))
print()
print("generated with: `%s DIR`" % gen)
print()
print("| peer | read s | build s | solve s | total s | process wall s | peak RSS MB | objective USD | capplan total / peer total | objective check |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
print("| capplan | — | — | — | %s | %s | %.1f | %s | 1.00 | reference |"
      % (fmt(cap_wall), fmt(cap_wall), cap_rss, money(cap_obj)))
bad = 0
for r in peers:
    if r.get("failed"):
        print("| %s | — | — | — | — | %s | — | — | — | FAILED |" % (r["peer"], fmt(r["wall"])))
        bad += 1
        continue
    obj = r.get("objective_usd")
    if cap_obj is None and obj is None:
        check = "OK (both without objective)"
    elif cap_obj is None or obj is None:
        check = "MISMATCH (%s vs %s)" % (cap_obj, obj)
    else:
        rel = abs(obj - cap_obj) / max(1.0, abs(obj), abs(cap_obj))
        check = ("OK" if rel <= 1e-6 else "MISMATCH") + " (rel %.1e)" % rel
    if not check.startswith("OK"):
        bad += 1
    ratio = cap_wall / r["total_s"] if r["total_s"] > 0 else None
    print("| %s | %s | %s | %s | %s | %s | %.1f | %s | %s | %s |"
          % (r["peer"], fmt(r["read_s"]), fmt(r["build_s"]), fmt(r["solve_s"]), fmt(r["total_s"]),
             fmt(r["wall"]), r["peak_rss_mb"], money(obj), fmt(ratio), check))
print()
print("capplan: wall clock of the whole `capplan plan` process (read, validate, build, solve, reports).")
print("peers: read/build/solve/total are in-process phases (total = read+build+solve+extract, no")
print("interpreter start or imports); process wall s is the whole peer process. Ratio < 1: capplan faster.")
print("Raw output in %s" % work)
sys.exit(1 if bad else 0)
PY
