#!/usr/bin/env bash
# Reproduces the PopArt effect (Hessel et al. 2019) on the `popart-scales` suite: four tasks whose
# rewards are scaled ×0.01 … ×1000. The same PPO recipe is trained with PopArt (`popart-ppo-raw`) and
# without (`shared`), same budget and seeds; each run is evaluated on 20 episodes per task.
# Writes experiments/results/popart-scales.md (a markdown table) and popart-scales.svg (curves).
#
#   experiments/popart-scales.sh [STEPS] [SEEDS...]      default: 1000000 steps, seeds 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-1000000}"; shift || true
seeds=("${@:-1 2 3}"); seeds=(${seeds[@]})
swift build -c release >/dev/null
chorus=.build/release/chorus
out=experiments/results; runs=runs/popart-scales
mkdir -p "$out" "$runs"
for agent in popart-ppo-raw shared; do
  for seed in "${seeds[@]}"; do
    dir="$runs/$agent-s$seed"; rm -rf "$dir"
    echo "== $agent seed $seed"
    "$chorus" train --suite popart-scales --agent "$agent" --steps "$steps" --seed "$seed" --out "$dir" --threads 2 | tail -1
    "$chorus" eval "$dir" --episodes 20 --json "$dir/eval.json" >/dev/null
  done
done
"$chorus" plot "$runs"/popart-ppo-raw-s"${seeds[0]}" "$runs"/shared-s"${seeds[0]}" -o "$out/popart-scales.svg" >/dev/null
python3 - "$out/popart-scales.md" "$steps" "$runs" "${seeds[@]}" <<'PY'
import json, statistics, sys
path, steps, runs, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rows, tasks = {}, []
for agent in ["popart-ppo-raw", "shared"]:
    for seed in seeds:
        report = json.load(open(f"{runs}/{agent}-s{seed}/eval.json"))
        for t in report["tasks"]:
            if t["name"] not in tasks: tasks.append(t["name"])
            rows.setdefault((agent, t["name"]), []).append(t["normalized_score"])
lines = [f"Normalised score `(R − R_random)/(R_solved − R_random)` after {int(steps):,} env steps, "
         f"mean ± std over seeds {', '.join(seeds)} (20 evaluation episodes per task and seed).", "",
         "| agent | " + " | ".join(tasks) + " | tasks ≥ 0.9 |", "|---|" + "---|" * (len(tasks) + 1)]
for agent in ["popart-ppo-raw", "shared"]:
    cells, good = [], 0
    for task in tasks:
        v = rows[(agent, task)]; m = statistics.mean(v); s = statistics.pstdev(v)
        good += m >= 0.9
        cells.append(f"{m:.2f} ± {s:.2f}")
    lines.append(f"| {agent} | " + " | ".join(cells) + f" | {good}/{len(tasks)} |")
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
