#!/usr/bin/env bash
# Distral on box and discrete actions together: `classic-control` (three discrete tasks, two box tasks)
# with distral-klent-2col and distral-kl-1col (Gaussian π₀ for the box tasks) against popart-ppo-raw, same
# budget and seeds, each run evaluated on 20 episodes per task with a held-out seed (1000 + seed).
# Writes experiments/results/distral-classic-control.md; runs go to runs/distral-classic-control.
#
#   experiments/distral-classic-control.sh [STEPS] [SEEDS...]     default: 3000000, seed 1
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-3000000}"; shift || true
seeds=("${@:-1}"); seeds=(${seeds[@]})
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
runs=runs/distral-classic-control; mkdir -p "$runs" experiments/results
agents=(popart-ppo-raw distral-klent-2col distral-kl-1col)
for agent in "${agents[@]}"; do
  for seed in "${seeds[@]}"; do
    dir="$runs/$agent-s$seed"
    [ -f "$dir/eval.json" ] && continue
    "$chorus" train --suite classic-control --agent "$agent" --steps "$steps" --seed "$seed" --out "$dir" --overwrite --eval-episodes 1 >/dev/null
    "$chorus" eval "$dir" --episodes 20 --seed $((1000 + seed)) --json "$dir/eval.json" >/dev/null
    case "$agent" in distral-*)
      "$chorus" eval "$dir" --policy distilled --episodes 20 --seed $((1000 + seed)) --json "$dir/distilled.json" >/dev/null ;;
    esac
  done
done
python3 - "$runs" "$steps" "${seeds[*]}" "${agents[@]}" <<'PY'
import json, os, statistics, sys
runs, steps, seeds, agents = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]
rows, tasks = [], []
for agent in agents:
    for policy, file in [("trained", "eval.json"), ("π₀ alone", "distilled.json")]:
        reports = [json.load(open(f"{runs}/{agent}-s{s}/{file}")) for s in seeds if os.path.exists(f"{runs}/{agent}-s{s}/{file}")]
        if not reports: continue
        tasks = [t["name"] for t in reports[0]["tasks"]]
        cells = [statistics.mean(r["tasks"][k]["mean_return"] for r in reports) for k in range(len(tasks))]
        solved = [sum(r["tasks"][k]["solved"] for r in reports) for k in range(len(tasks))]
        score = statistics.mean(r["mean_normalized_score"] for r in reports)
        name = agent if policy == "trained" else f"{agent}, π₀ alone"
        rows.append(f"| {name} | " + " | ".join(f"{c:.1f}{' ✔' if s == len(reports) else ''}" for c, s in zip(cells, solved)) + f" | {score:.3f} |")
lines = [f"`classic-control`, {steps:,} env steps in all, seed(s) {', '.join(seeds)}; mean return of 20 evaluation episodes per task "
         "(held-out seed 1000 + seed), ✔ = solved; last column: mean normalised score.", "",
         "| agent | " + " | ".join(tasks) + " | score |", "|---|" + "---|" * (len(tasks) + 1)] + rows
open("experiments/results/distral-classic-control.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
