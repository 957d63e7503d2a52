#!/usr/bin/env bash
# Side by side on one scenario folder (issue 15): `capplan plan` end to end with each solver given,
# and CBC (Debian coinor-cbc, /usr/bin/cbc) on capplan's own exported MPS; wall and CPU (user +
# system) seconds and peak RSS from /usr/bin/time, objectives compared to CBC's (relative). On the
# shared 2-core machine the wall clock follows the load; CPU seconds much less so. Runs are
# interleaved, ROUNDS rounds (default 3); the table prints each run, then medians.
#   bash benches/coupled_compare.sh DIR [SOLVER...]      e.g. DIR clarabel cbc auto
# Binaries: $CAPPLAN (default target/release/capplan) for clarabel; $CAPPLAN_CBC (default
# target/cbc/release/capplan, `cargo build --release --features cbc`) for cbc and auto.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1; shift
solvers=("${@:-clarabel}")
rounds=${ROUNDS:-3}
base=${CAPPLAN:-target/release/capplan}
withcbc=${CAPPLAN_CBC:-target/cbc/release/capplan}
work=$(mktemp -d /tmp/coupled-compare.XXXXXX)
echo "# $(date -u +%FT%TZ) $(uptime | sed 's/.*load/load/') folder=$dir rounds=$rounds"
"$base" plan "$dir" --out "$work/mps-out" --export-mps "$work/model.mps" --quiet --force >/dev/null
objective() { python3 -c "import json,sys; print(repr(json.load(open(sys.argv[1]))['totals']['objective_usd']))" "$1/plan.json"; }
results=$work/results.tsv
: > "$results"
for r in $(seq 1 "$rounds"); do
    for s in "${solvers[@]}"; do
        bin=$base; [ "$s" = clarabel ] || bin=$withcbc
        out=$work/out-$s
        /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" plan "$dir" --solver "$s" --out "$out" --quiet --force
        read -r secs user sys kb < "$work/time"
        printf "capplan --solver %s\t%s\t%s\t%s\t%s\n" "$s" "$secs" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$((kb / 1024))" "$(objective "$out")" >> "$results"
    done
    # `solu` writes the solution file, whose first line has the objective to full precision.
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" cbc "$work/model.mps" solve solu "$work/cbc.sol" > "$work/cbc.log"
    read -r secs user sys kb < "$work/time"
    obj=$(sed -n '1s/.*objective value *//p' "$work/cbc.sol")
    printf "cbc on the MPS\t%s\t%s\t%s\t%s\n" "$secs" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$((kb / 1024))" "$obj" >> "$results"
done
echo "# $(uptime | sed 's/.*load/load/') (after)"
python3 - "$results" <<'PY'
import sys, statistics
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
ref = [float(r[4]) for r in rows if r[0] == "cbc on the MPS"][0]
print("| run | wall s | CPU s | peak RSS MB | objective USD | rel. diff vs CBC |")
print("|---|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {float(r[4]):,.2f} | {abs(float(r[4]) - ref) / abs(ref):.1e} |")
names = list(dict.fromkeys(r[0] for r in rows))
med = lambda n, k: statistics.median(float(r[k]) for r in rows if r[0] == n)
cbc_wall, cbc_cpu = med("cbc on the MPS", 1), med("cbc on the MPS", 2)
print()
print("| median of | wall s | CPU s | peak RSS MB | wall / CBC on MPS | CPU / CBC on MPS |")
print("|---|---:|---:|---:|---:|---:|")
for n in names:
    print(f"| {n} | {med(n, 1):.2f} | {med(n, 2):.2f} | {med(n, 3):.0f} | {med(n, 1) / cbc_wall:.2f}x | {med(n, 2) / cbc_cpu:.2f}x |")
PY
rm -rf "$work"
