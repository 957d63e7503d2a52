#!/bin/sh
# Starts a single-node Slurm cluster (munged, slurmctld, slurmd) whose every file lives in SCRATCH.
#   tests/slurm/start.sh [--install] SCRATCH
# --install first installs Debian's slurm-wlm and munge (as .ci/run does). Stop it with
# tests/slurm/stop.sh SCRATCH, which kills the daemons by the pid files written here.
# On success prints `export SLURM_CONF=...` and the node is idle.
set -eu
if [ "${1:-}" = "--install" ]; then
    shift
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y slurm-wlm munge >/dev/null
fi
SCRATCH=${1:?usage: start.sh [--install] SCRATCH}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$SCRATCH"
SCRATCH=$(cd "$SCRATCH" && pwd)
HOST=$(hostname -s)
CPUS=$(nproc)
# Ports of our own, so a system Slurm (if any) is left alone.
CTLD_PORT=${CAPPLAN_SLURMCTLD_PORT:-6917}
SLURMD_PORT=${CAPPLAN_SLURMD_PORT:-6918}

# munge: our own key, socket, pid and log, run as the munge user (it refuses keys others own).
mkdir -p "$SCRATCH/munge" "$SCRATCH/state" "$SCRATCH/spool" "$SCRATCH/log"
chmod 755 "$SCRATCH"
dd if=/dev/urandom of="$SCRATCH/munge/munge.key" bs=1024 count=1 2>/dev/null
chown -R munge:munge "$SCRATCH/munge"
chmod 700 "$SCRATCH/munge"
chmod 400 "$SCRATCH/munge/munge.key"
SOCKET="$SCRATCH/munge/munge.socket"
runuser -u munge -- /usr/sbin/munged --force \
    --socket="$SOCKET" --key-file="$SCRATCH/munge/munge.key" \
    --pid-file="$SCRATCH/munge/munged.pid" --log-file="$SCRATCH/munge/munged.log" \
    --seed-file="$SCRATCH/munge/munged.seed"
# munged writes its pid file once it has forked: wait for it (bounded) before recording it.
i=0
while [ ! -s "$SCRATCH/munge/munged.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
cp "$SCRATCH/munge/munged.pid" "$SCRATCH/munged.pid"

sed -e "s|@HOST@|$HOST|g" -e "s|@CPUS@|$CPUS|g" -e "s|@SCRATCH@|$SCRATCH|g" \
    -e "s|@SOCKET@|$SOCKET|g" -e "s|@CTLD_PORT@|$CTLD_PORT|g" -e "s|@SLURMD_PORT@|$SLURMD_PORT|g" \
    "$HERE/slurm.conf.in" > "$SCRATCH/slurm.conf"
export SLURM_CONF="$SCRATCH/slurm.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"

# Wait (bounded) for the node to come up idle.
i=0
until sinfo -h -N -o '%t' 2>/dev/null | grep -q '^idle'; do
    i=$((i + 1))
    if [ $i -gt 60 ]; then
        echo "start.sh: the node did not become idle in 30 s; logs in $SCRATCH/log" >&2
        sinfo -N >&2 || true
        exit 1
    fi
    sleep 0.5
done
echo "export SLURM_CONF=$SLURM_CONF"
