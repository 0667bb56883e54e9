#!/usr/bin/env bash
# Ablation of what makes one network solve classic-control (and what it does on gridworld-mix):
# per-task observation normalisation and PCGrad, on top of the popart-ppo recipe. Variants:
#   popart-ppo          the recipe as it was (raw observations)
#   +norm               normalize_observations: true
#   +norm+pcgrad        and gradient_surgery: pcgrad
#   +norm+gradnorm      and gradient_surgery: gradnorm (GradNorm, α = 0)
# Each run is evaluated on 20 episodes per task with a held-out evaluation seed (1000 + seed).
# Writes experiments/results/<suite>-ablation.md. VARIANTS="…" picks a subset.
#
#   experiments/classic-control-ablation.sh [SUITE] [STEPS] [SEEDS...]   default: classic-control 4000000, seeds 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-classic-control}"; steps="${2:-4000000}"; shift 2 || true
seeds=("${@:-1 2 3}"); seeds=(${seeds[@]})
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
out=experiments/results; runs=runs/$suite-ablation
mkdir -p "$out" "$runs"
variant() {  # NAME → a preset file: popart-ppo with the variant's keys added
  local file="$runs/$1.yaml"
  cp agents/popart-ppo.yaml "$file"
  case "$1" in
    +norm) echo "normalize_observations: true" >> "$file" ;;
    +norm+pcgrad) printf 'normalize_observations: true\ngradient_surgery: pcgrad\n' >> "$file" ;;
    +norm+gradnorm) printf 'normalize_observations: true\ngradient_surgery: gradnorm\n' >> "$file" ;;
  esac
  echo "$file"
}
variants=(${VARIANTS:-popart-ppo +norm +norm+pcgrad +norm+gradnorm})
for name in "${variants[@]}"; do
  preset=$(variant "$name")
  for seed in "${seeds[@]}"; do
    dir="$runs/$name-s$seed"
    [ -f "$dir/eval.json" ] && continue   # resumable: finished runs are kept
    rm -rf "$dir"
    echo "== $name seed $seed"
    start=$(date +%s.%N)
    "$chorus" train --suite "$suite" --agent "$preset" --steps "$steps" --seed "$seed" --out "$dir" --threads 2 --eval-episodes 1 | tail -1
    end=$(date +%s.%N)
    echo "$start $end" > "$dir/wallclock"
    "$chorus" eval "$dir" --episodes 20 --seed $((1000 + seed)) --json "$dir/eval.json" >/dev/null
  done
done
python3 - "$out/$suite-ablation.md" "$suite" "$steps" "$runs" "${variants[*]}" "${seeds[@]}" <<'PY'
import json, os, statistics, sys
path, suite, steps, runs, variants, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5].split(), sys.argv[6:]
# every variant with finished runs, not only the ones asked for this time (a later call may add a variant)
known = ["popart-ppo", "+norm", "+norm+pcgrad", "+norm+gradnorm"]
variants = [v for v in known if all(os.path.exists(f"{runs}/{v}-s{seed}/eval.json") for seed in seeds)]
tasks, returns, solved, rates = [], {}, {}, {}
for v in variants:
    for seed in seeds:
        report = json.load(open(f"{runs}/{v}-s{seed}/eval.json"))
        start, end = map(float, open(f"{runs}/{v}-s{seed}/wallclock").read().split())
        rates.setdefault(v, []).append(steps / (end - start))
        for t in report["tasks"]:
            if t["name"] not in tasks: tasks.append(t["name"])
            returns.setdefault((v, t["name"]), []).append(t["mean_return"])
            solved.setdefault((v, t["name"]), []).append(t["solved"])
lines = [f"`{suite}`, one network, {steps:,} env steps in all, seeds {', '.join(seeds)}; mean return over 20 evaluation "
         "episodes per task with a held-out seed (1000 + seed), mean ± std over seeds, and in brackets the seeds that solved the task.", "",
         "| variant | " + " | ".join(tasks) + " | all solved | steps/s |", "|---|" + "---|" * (len(tasks) + 2)]
for v in variants:
    cells = []
    for t in tasks:
        r = returns[(v, t)]
        cells.append(f"{statistics.mean(r):.1f} ± {statistics.pstdev(r):.1f} ({sum(solved[(v, t)])}/{len(r)})")
    every = sum(all(solved[(v, t)][k] for t in tasks) for k in range(len(seeds)))
    lines.append(f"| {v} | " + " | ".join(cells) + f" | {every}/{len(seeds)} | {statistics.mean(rates[v]):,.0f} |")
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
