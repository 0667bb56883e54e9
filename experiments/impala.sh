#!/usr/bin/env bash
# Does the pipelined actor–learner keep what the synchronous recipe learns, and does V-trace's correction
# matter? popart-impala three ways, same budget and seeds:
#   synchronous     actor_learner: synchronous (log ρ = 0, V-trace is the n-step return)
#   pipelined       actor_learner: pipelined (the preset: actor one update behind, live V-trace)
#   uncorrected     pipelined with lag_correction: false (log ρ forced to 0 under lag)
# Each run is evaluated on 20 episodes per task with a held-out seed (1000 + seed).
# Writes experiments/results/impala-<suite>.md.
#
#   experiments/impala.sh [SUITE] [STEPS] [SEEDS...]     default: classic-control 3000000, seeds 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-classic-control}"; steps="${2:-3000000}"; shift 2 || true
seeds=("${@:-1 2 3}"); seeds=(${seeds[@]})
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
out=experiments/results; runs=runs/impala-$suite
mkdir -p "$out" "$runs"
sed 's/^actor_learner: .*/actor_learner: synchronous/' agents/popart-impala.yaml > "$runs/synchronous.yaml"
cp agents/popart-impala.yaml "$runs/pipelined.yaml"
(cat agents/popart-impala.yaml; echo "lag_correction: false") > "$runs/uncorrected.yaml"
variants=(synchronous pipelined uncorrected)
for name in "${variants[@]}"; do
  for seed in "${seeds[@]}"; do
    dir="$runs/$name-s$seed"
    [ -f "$dir/eval.json" ] && continue
    rm -rf "$dir"
    echo "== $name seed $seed"
    start=$(date +%s.%N)
    "$chorus" train --suite "$suite" --agent "$runs/$name.yaml" --steps "$steps" --seed "$seed" --out "$dir" --threads 2 --eval-episodes 1 | tail -1
    echo "$start $(date +%s.%N)" > "$dir/wallclock"
    "$chorus" eval "$dir" --episodes 20 --seed $((1000 + seed)) --json "$dir/eval.json" >/dev/null
  done
done
python3 - "$out/impala-$suite.md" "$suite" "$steps" "$runs" "${seeds[@]}" <<'PY'
import json, statistics, sys
path, suite, steps, runs, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
variants = ["synchronous", "pipelined", "uncorrected"]
tasks, scores, rates = [], {}, {}
for v in variants:
    for seed in seeds:
        report = json.load(open(f"{runs}/{v}-s{seed}/eval.json"))
        start, end = map(float, open(f"{runs}/{v}-s{seed}/wallclock").read().split())
        rates.setdefault(v, []).append(steps / (end - start))
        for t in report["tasks"]:
            if t["name"] not in tasks: tasks.append(t["name"])
            scores.setdefault((v, t["name"]), []).append(t["mean_return"])
        scores.setdefault((v, "mean normalised score"), []).append(report["mean_normalized_score"])
columns = tasks + ["mean normalised score"]
lines = [f"`{suite}`, `popart-impala`, {steps:,} env steps, seeds {', '.join(seeds)}; mean return over 20 held-out evaluation "
         "episodes per task (seed 1000 + seed), mean ± std over seeds; steps/s of the whole run (2 cores, shared with other work).", "",
         "| variant | " + " | ".join(columns) + " | steps/s |", "|---|" + "---|" * (len(columns) + 1)]
for v in variants:
    cells = [f"{statistics.mean(scores[(v, c)]):.2f} ± {statistics.pstdev(scores[(v, c)]):.2f}" for c in columns]
    lines.append(f"| {v} | " + " | ".join(cells) + f" | {statistics.mean(rates[v]):,.0f} |")
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
