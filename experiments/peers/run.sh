#!/usr/bin/env bash
# Chorus's environment steps/s next to its Python peers', measured in one run on this machine.
#
# What: steps/s with random actions and auto-reset (observations included) of
#   - Gymnasium CartPole-v1, Acrobot-v1, MountainCar-v0, MountainCarContinuous-v0, Pendulum-v1:
#     one env in a tight Python loop, and Gymnasium's SyncVectorEnv with 16 envs;
#   - MiniGrid-Empty-8x8-v0 (one env and SyncVectorEnv ×16) against Chorus's Gridworld 8×8
#     (a fully observed symbolic grid; MiniGrid renders a partial egocentric view each step);
#   - MinAtar's five games (MinAtar's own Environment, act + state() each step, one env) against
#     Chorus's MinAtar/<Game>-v0 (one env);
#   against `chorus bench envs --json` (1 env and a 16-env batch), run just before the Python timings.
# How: a virtual environment .venv-peers/ with pinned gymnasium, minigrid and MinAtar from PyPI (a package
#   that cannot be installed is reported and its rows left empty); actions sampled in the loop by each
#   library's own action space, as Chorus samples in its loop; fixed seeds, warm-up, REPEATS timed
#   repeats of ~SECONDS_PER_REPEAT s each, median (the same for Chorus). experiments/peers/peers.py
#   does the Python timing.
# Prints the table and writes experiments/results/peers.md (date, CPU, versions, load average).
#
#   experiments/peers/run.sh          REPEATS=5 SECONDS_PER_REPEAT=0.5 by default
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats="${REPEATS:-5}"; seconds="${SECONDS_PER_REPEAT:-0.5}"
venv=.venv-peers
pins=(gymnasium==1.4.0 minigrid==3.2.0 minatar==1.0.15)

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
missing=()
for pin in "${pins[@]}"; do
  "$venv/bin/pip" install -q --disable-pip-version-check "$pin" \
    || { echo "could not install $pin: continuing without it" >&2; missing+=("$pin"); }
done

[ -x .build/release/chorus ] || swift build -c release >/dev/null
chorus_json=$(mktemp); trap 'rm -f "$chorus_json"' EXIT
echo "chorus bench envs ..." >&2
.build/release/chorus bench envs --json --repeats "$repeats" --seconds "$seconds" >"$chorus_json"

echo "Python peers ..." >&2
export PYGAME_HIDE_SUPPORT_PROMPT=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONWARNINGS=ignore
"$venv/bin/python" experiments/peers/peers.py "$chorus_json" experiments/results/peers.md \
  --repeats "$repeats" --seconds "$seconds" --missing "$(IFS=,; echo "${missing[*]}")"
cat experiments/results/peers.md
