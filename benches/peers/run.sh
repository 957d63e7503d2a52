#!/usr/bin/env bash
# Peer benchmark: capplan against PuLP+CBC, linopy+HiGHS and `cbc` on capplan's own exported MPS
# (the solver floor), on one generated scenario, side by side in one run.
#
#   benches/peers/run.sh KIND SIZE [SEED]
#   benches/peers/run.sh SIZE [SEED]                 (the older form: KIND v1)
#
#   KIND  v1       `capplan synth --size SIZE --seed SEED --no-reservations` (the version-1 folder;
#                  yearly contracts, the LP splits by year)
#         coupled  benches/coupled.sh SIZE SEED: the v1 folder with one whole-horizon contract per
#                  provider (issue 15's "coupled" instance, one LP block)
#         v2-lp    `capplan synth --v2` (whole-horizon and overlapping contracts, minimums,
#                  reservations with long terms, cash ledger with funding_rate) with settings
#                  `lots = continuous`: the LP relaxation
#         v2       the same folder with whole lots (`lots = integer`, synth's default): every
#                  solver solves the MIP, stopping at MIP_GAP
#   SIZE  S | M | L | XL; with KIND v1 also small | medium | large (tools/spec_ref/random_scenario.py)
#   SEED  default 1
#
# Runners, in this order in every round (strictly one after another: the machine has 2 cores):
#   capplan        $CAPPLAN plan DIR --out OUT --quiet --force $CAPPLAN_ARGS   (default build: Clarabel)
#   capplan-cbc    $CAPPLAN_CBC plan DIR ... --solver cbc                       (a --features cbc build)
#   pulp_cbc       benches/peers/pulp_cbc.py DIR       (PuLP + its bundled CBC)
#   linopy_highs   benches/peers/linopy_highs.py DIR   (linopy + HiGHS through highspy)
#   cbc-mps        cbc MODEL.mps solve solu SOL        (Debian coinor-cbc on capplan's --export-mps)
# MODEL.mps is written once before the rounds by an untimed `capplan plan --export-mps` (the cbc
# build when there is one; the file is the same either way), which also warms the file cache. With whole lots every runner gets the same relative gap
# MIP_GAP (capplan --mip-gap, PuLP gapRel, HiGHS mip_rel_gap, cbc ratioGap) and the peers and cbc the
# time limit TIME_LIMIT; capplan has its own (CAPPLAN_LOT_SECONDS, and its 1% budget stop).
#
# Each run is timed by /usr/bin/time -f "%e %U %S %M" (CPU = user + system, children included:
# PuLP's cbc subprocess counts) and date +%s%N around it (wall). The table (table.py) gives every
# run, then medians per runner, with ratios: capplan / runner (wall and CPU) and runner / cbc-mps.
# Objectives: every run is checked against capplan's (the default build's run in the same round):
#   LP (v1, coupled, v2-lp): |a - b| <= 1e-6 * max(1, |a|, |b|)
#   whole lots (v2): the intervals [bound, objective] of both overlap (to 1e-6), so both plans are
#   within their own reported gaps of one optimum; the relative difference is printed
# else MISMATCH, exit 1.
#
# Environment: CAPPLAN       default build (default target/release/capplan, from the repo root)
#              CAPPLAN_CBC   a `--features cbc` build (default target/cbc/release/capplan when it
#                            exists); "none" leaves capplan-cbc out
#              CAPPLAN_ARGS  extra arguments for both capplan runners
#              RUNNERS       default "capplan capplan-cbc pulp_cbc linopy_highs cbc-mps"
#              ROUNDS        interleaved rounds (default 1)
#              MIP_GAP       default 1e-4 (capplan's default mip_gap)   TIME_LIMIT  default 1800 s
#              WORK          scratch folder (default a fresh mktemp -d; kept for inspection)
#              PYTHON        default python3      SKIP_PIP=1  skip pip install pulp linopy highspy
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
case "${1:-}" in
    v1|coupled|v2|v2-lp) KIND=$1; shift ;;
    ""|-h|--help) usage ;;
    *) KIND=v1 ;;
esac
SIZE=${1:-}
[ -n "$SIZE" ] || usage
SEED=${2:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
abs() { case "$1" in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }
CAPPLAN=$(abs "${CAPPLAN:-target/release/capplan}")
CAPPLAN_CBC=${CAPPLAN_CBC:-target/cbc/release/capplan}
[ "$CAPPLAN_CBC" = none ] || CAPPLAN_CBC=$(abs "$CAPPLAN_CBC")
CAPPLAN_ARGS=${CAPPLAN_ARGS:-}
PYTHON=${PYTHON:-python3}
ROUNDS=${ROUNDS:-1}
MIP_GAP=${MIP_GAP:-1e-4}
TIME_LIMIT=${TIME_LIMIT:-1800}
RUNNERS=${RUNNERS:-capplan capplan-cbc pulp_cbc linopy_highs cbc-mps}
WORK=$(abs "${WORK:-$(mktemp -d -t capplan-peers.XXXXXX)}")
mkdir -p "$WORK/runs"
DIR="$WORK/scenario-$KIND-$SIZE-$SEED"

if [ ! -x "$CAPPLAN" ]; then
    echo "capplan not found at $CAPPLAN (build it with cargo build --release, or set CAPPLAN)" >&2
    exit 2
fi
# capplan-cbc only with a cbc build at hand; cbc-mps only with the cbc binary
runners=()
for r in $RUNNERS; do
    case "$r" in
        capplan|pulp_cbc|linopy_highs) runners+=("$r") ;;
        capplan-cbc)
            if [ "$CAPPLAN_CBC" != none ] && [ -x "$CAPPLAN_CBC" ]; then runners+=("$r")
            else echo "note: no cbc build at ${CAPPLAN_CBC} (CAPPLAN_CBC): capplan-cbc left out" >&2; fi ;;
        cbc-mps)
            if command -v cbc >/dev/null; then runners+=("$r")
            else echo "note: no cbc binary (apt-get install coinor-cbc): cbc-mps left out" >&2; fi ;;
        *) echo "unknown runner '$r' in RUNNERS" >&2; exit 2 ;;
    esac
done

# 1. peers' Python packages
if [ "${SKIP_PIP:-0}" != 1 ]; then
    "$PYTHON" -m pip install --quiet --disable-pip-version-check pulp linopy highspy 2>&1 \
        | grep -v "Running pip as the 'root' user" >&2 || true
fi

# 2. the scenario
rm -rf "$DIR"
lower=${SIZE,,}  # capplan's --size parser takes s|m|l|xl only (its help says S, M, L or XL)
case "$KIND:$lower" in
    v1:small|v1:medium|v1:large)
        GEN="$PYTHON tools/spec_ref/random_scenario.py --seed $SEED --size $SIZE $DIR" ;;
    v1:s|v1:m|v1:l|v1:xl)
        GEN="$CAPPLAN synth --size $lower --seed $SEED --no-reservations $DIR" ;;
    coupled:s|coupled:m|coupled:l|coupled:xl)
        GEN="env CAPPLAN=$CAPPLAN bash benches/coupled.sh ${SIZE^^} $SEED $DIR" ;;
    v2:s|v2:m|v2:l|v2:xl|v2-lp:s|v2-lp:m|v2-lp:l|v2-lp:xl)
        GEN="$CAPPLAN synth --size $lower --seed $SEED --v2 $DIR" ;;
    *)
        echo "SIZE must be S, M, L or XL (or small, medium, large with KIND v1); got '$SIZE'" >&2
        exit 2 ;;
esac
(cd "$ROOT" && $GEN >/dev/null)
if [ "$KIND" = v2-lp ] || [ "$KIND" = v2 ]; then
    # settings lots: continuous = the LP relaxation; integer (synth's default) = whole lots
    lots=continuous; [ "$KIND" = v2 ] && lots=integer
    "$PYTHON" - "$DIR/settings.csv" "$lots" <<'PY'
import sys
path, lots = sys.argv[1:]
lines = [l for l in open(path).read().splitlines() if l and not l.startswith("lots,")]
open(path, "w").write("\n".join(lines + ["lots," + lots]) + "\n")
PY
    GEN="$GEN; settings lots,$lots"
fi

# 3. capplan's MPS for cbc-mps (untimed). The file does not depend on the solver, so the cbc
# build writes it when there is one: the plan it then solves is minutes faster on v2 L.
MPS="$WORK/model.mps"
export_with=("$CAPPLAN" plan)
if [[ " ${runners[*]} " == *" capplan-cbc "* ]]; then export_with=("$CAPPLAN_CBC" plan --solver cbc); fi
"${export_with[@]}" "$DIR" --out "$WORK/out-export" --export-mps "$MPS" --quiet --force $CAPPLAN_ARGS \
    2>"$WORK/export.stderr" || true
[ -s "$MPS" ] || { echo "capplan --export-mps wrote no MPS: $(tail -1 "$WORK/export.stderr")" >&2; exit 1; }
rm -rf "$WORK/out-export"

# timed NAME CMD... : stdout/stderr to runs/NAME.{stdout,stderr}; "wall_s user_s sys_s rss_kb rc"
# to runs/NAME.time (wall from date +%s%N; /usr/bin/time's %e has 10 ms steps)
timed() {
    local name=$1 rc=0 t0 t1
    shift
    t0=$(date +%s%N)
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/runs/$name.rusage" "$@" \
        >"$WORK/runs/$name.stdout" 2>"$WORK/runs/$name.stderr" || rc=$?
    t1=$(date +%s%N)
    read -r _ user sys kb < <(tail -1 "$WORK/runs/$name.rusage")
    echo "$(( (t1 - t0) / 1000000 ))e-3 $user $sys $kb $rc" > "$WORK/runs/$name.time"
}

mip_args=()
peer_args=()
cbc_args=()
if [ "$KIND" = v2 ]; then
    mip_args=(--mip-gap "$MIP_GAP")
    peer_args=(--mip-gap "$MIP_GAP" --time-limit "$TIME_LIMIT")
    cbc_args=(ratioGap "$MIP_GAP" sec "$TIME_LIMIT")
fi

echo "# $(date '+%F %T %Z') $(uptime | sed 's/.*load/load/') kind=$KIND size=$SIZE seed=$SEED rounds=$ROUNDS runners: ${runners[*]}" \
    | tee "$WORK/header.txt" >&2
for round in $(seq 1 "$ROUNDS"); do
    for r in "${runners[@]}"; do
        name="$round-$r"
        echo "round $round: $r" >&2
        case "$r" in
            capplan)
                timed "$name" "$CAPPLAN" plan "$DIR" --out "$WORK/out-$r" --quiet --force "${mip_args[@]}" $CAPPLAN_ARGS
                cp "$WORK/out-$r/summary.json" "$WORK/runs/$name.summary.json" 2>/dev/null || true ;;
            capplan-cbc)
                timed "$name" "$CAPPLAN_CBC" plan "$DIR" --out "$WORK/out-$r" --quiet --force --solver cbc "${mip_args[@]}" $CAPPLAN_ARGS
                cp "$WORK/out-$r/summary.json" "$WORK/runs/$name.summary.json" 2>/dev/null || true ;;
            pulp_cbc|linopy_highs)
                timed "$name" "$PYTHON" "$HERE/$r.py" "$DIR" "${peer_args[@]}" ;;
            cbc-mps)
                # `solu` writes the solution file, whose first line has the objective to full precision
                rm -f "$WORK/runs/$name.sol"
                timed "$name" cbc "$MPS" "${cbc_args[@]}" solve solu "$WORK/runs/$name.sol" ;;
        esac
    done
done
echo "# $(uptime | sed 's/.*load/load/') (after)" | tee -a "$WORK/header.txt" >&2

# 4. table and check
"$PYTHON" "$HERE/table.py" "$WORK" "$KIND" "$SIZE" "$SEED" "$GEN" "$ROUNDS" "${runners[@]}"
