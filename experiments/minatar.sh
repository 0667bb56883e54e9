#!/usr/bin/env bash
# The first multi-task MinAtar results (issue 18), in resumable phases:
#
#   single   one `minatar-ppo` agent per game (`--suite minatar --task GAME`), 5M env steps each (the MinAtar
#            paper's 5M frames; MinAtar has no frame skip), seeds 1 2 3. These are also the distillation
#            teachers.
#   multi    one network on all five games, same total budget (MULTI_STEPS, default 10M = 2M per game),
#            seeds 1 2 3: `minatar-popart-ppo` (popart) vs `minatar-ppo` (plain) vs `minatar-ppo` with
#            rewards clipped to [−1, 1] for learning (clipped; the Atari convention PopArt replaced).
#   distill  the seed-s single-game agents → one student per seed: `minatar-distill` (full size) and
#            `minatar-distill-small` (≤ 25 % of one teacher's parameters), DISTILL_STEPS (default 3M).
#   all      single, then seed by seed multi and distill (what one long background job runs).
#   report   tables into experiments/results/minatar.md (and plots, minatar-multi.svg, minatar-distill.svg).
#   pretrained   agents/pretrained/minatar from the seed-1 popart run (optimizer state left out).
#
# Every run is evaluated with `chorus eval` on 30 episodes per game with a held-out seed (1000 + seed).
# A phase skips runs that are finished and resumes runs that were interrupted, so it can be split
# across sessions. Runs go to runs/minatar; PARALLEL (default 2) runs at a time, one thread each.
#
#   experiments/minatar.sh single|multi|distill|all|pretrained|report [SEEDS...]     default seeds: 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
phase="${1:?usage: experiments/minatar.sh single|multi|distill|all|pretrained|report [SEEDS...]}"; shift
seeds="${*:-1 2 3}"
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
mkdir -p runs/minatar/presets experiments/results
exec python3 experiments/minatar.py "$phase" "$chorus" $seeds
