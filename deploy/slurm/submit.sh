#!/bin/bash
# Submits a capplan study as a Slurm job array of N shards plus a merge job that runs after all
# of them succeed (--dependency=afterok).
#   deploy/slurm/submit.sh N PARTS OUT capplan-arguments...
#   deploy/slurm/submit.sh 8 /shared/run1/parts /shared/run1/reports \
#       simulate /shared/inputs/openai-2025 --samples 1000 --seed 1
# PARTS and OUT must be on a file system every node sees. CAPPLAN (default: capplan on PATH)
# is the binary the jobs run; extra sbatch options go in SBATCH_OPTS (e.g. "--partition=cpu").
# Prints the two job ids: array, then merge.
set -euo pipefail
if [ $# -lt 4 ]; then
    sed -n '2,10p' "$0" >&2
    exit 2
fi
N=$1 PARTS=$2 OUT=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$PARTS"
PARTS=$(cd "$PARTS" && pwd)
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
export CAPPLAN="${CAPPLAN:-capplan}" CAPPLAN_PARTS="$PARTS" CAPPLAN_OUT="$OUT" CAPPLAN_SHARDS="$N"
# shellcheck disable=SC2086
ARRAY=$(sbatch --parsable ${SBATCH_OPTS:-} --array="1-$N" --export=ALL \
    --output="$PARTS/slurm-%x-%A_%a.out" "$HERE/shard.sbatch" "$@")
ARRAY=${ARRAY%%;*}
# shellcheck disable=SC2086
MERGE=$(sbatch --parsable ${SBATCH_OPTS:-} --dependency="afterok:$ARRAY" --kill-on-invalid-dep=yes \
    --export=ALL --output="$PARTS/slurm-%x-%j.out" "$HERE/merge.sbatch")
echo "$ARRAY ${MERGE%%;*}"
