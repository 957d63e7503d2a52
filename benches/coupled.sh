#!/usr/bin/env bash
# Issue 15's coupled instance: `capplan synth --size SIZE --seed SEED DIR`, then every provider's
# yearly contracts replaced by one whole-horizon contract with the same total commitment
# (benches/coupled.py). Usage: bash benches/coupled.sh [SIZE=L] [SEED=42] [DIR=/tmp/coupled-SIZE]
# Uses $CAPPLAN if set, else target/release/capplan (build it first: cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-L}
seed=${2:-42}
dir=${3:-/tmp/coupled-$size}
bin=${CAPPLAN:-target/release/capplan}
rm -rf "$dir"
# The version-1 folder (no reservation options), the instance measured in benches/README.md:
# a synth that writes reservations by default has --no-reservations for it.
v1=()
if "$bin" synth --help 2>/dev/null | grep -q -- '--no-reservations'; then v1=(--no-reservations); fi
"$bin" synth --size "$size" --seed "$seed" "${v1[@]}" "$dir" >/dev/null
python3 benches/coupled.py "$dir"
