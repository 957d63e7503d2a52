#!/bin/sh
# Stops the cluster tests/slurm/start.sh started in SCRATCH: each daemon by its pid file, never
# by name. Safe to run twice, or after a start that failed half way.
SCRATCH=${1:?usage: stop.sh SCRATCH}
for name in slurmd slurmctld munged munge/munged; do
    f="$SCRATCH/$name.pid"
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
done
