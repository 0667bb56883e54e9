#!/usr/bin/env bash
# Distral where transfer matters (Teh et al. 2017's grid world: the goal is not observed): the joint phase
# on a hidden-goal suite's 8 training goals, then transfer to its 4 held-out goals.
#
# Joint phase: single-task, shared (multitask), shared-2col (2 columns, no KL), distral-klent-1col,
# distral-klent-2col and distral-kl-2col (the same 64-unit network core for all), seeds 1 2 3, plus a
# 2×2 grid of learning rate ×0.5/×2 and regulariser ×0.3/×3 around each preset (seed 1). Transfer phase:
# the held-out goals from scratch, with the shared torso fine-tuned (`--init-from`), and with Distral's π₀
# copied and frozen. The success criterion is written in the report before the numbers.
# Writes experiments/results/distral-SUITE.md and .svg; runs go to runs/distral-SUITE (finished runs are
# kept, so an interrupted experiment continues where it stopped).
#
#   experiments/distral-hidden-goals.sh [SUITE] [STEPS] [TRANSFER_STEPS] [SEEDS...]
#       default: hidden-goal-2rooms 1000000 500000, seeds 1 2 3; PARALLEL=2 runs at a time
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-hidden-goal-2rooms}"; steps="${2:-1000000}"; transfer="${3:-500000}"; shift 3 || shift $#
seeds="${*:-1 2 3}"
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
mkdir -p experiments/results
exec python3 experiments/distral_hidden_goals.py "$chorus" "$suite" "$steps" "$transfer" $seeds
