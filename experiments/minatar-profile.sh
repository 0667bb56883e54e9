#!/usr/bin/env bash
# Where multi-game MinAtar training spends its time: `perf record` with DWARF call graphs on a short
# `minatar-popart-ppo` run of all five games, each sample classified by its stack (convolution forward /
# backward, dense layers, optimizer step, environment stepping, the rest) and by role (acting in the
# RolloutCollector, learning in the ActorCriticLearner). Needs Debian's linux-perf.
#
#   experiments/minatar-profile.sh [STEPS]      default 150000
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-150000}"
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
work=$(mktemp -d)
perf record -F 499 --call-graph=dwarf,16384 -o "$work/perf.data" \
  "$chorus" train --suite minatar --agent minatar-popart-ppo --steps "$steps" --out "$work/run" --eval-episodes 1 >/dev/null 2>&1
perf script -i "$work/perf.data" 2>/dev/null > "$work/perf.txt"
python3 experiments/profile/classify.py "$work/perf.txt"
rm -rf "$work"
