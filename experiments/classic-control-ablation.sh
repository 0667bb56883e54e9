#!/usr/bin/env bash
# Ablation of what makes one network solve classic-control (and what it does on gridworld-mix), each
# variant one change to the default `popart-ppo` (observations normalised per task, advantages
# standardised per task and rollout). Variants:
#   popart-ppo                  the default
#   raw-observations            normalize_observations: false (popart-ppo before the classic-control recipe)
#   unstandardized-advantages   normalize_advantages: false (advantages only scaled by PopArt's 1/σ)
#   +pcgrad                     gradient_surgery: pcgrad
#   +gradnorm                   gradient_surgery: gradnorm (GradNorm, α = 0)
#   +weight                     the suite's WEIGHTED tasks (default MountainCar-v0) at sampling_weight: 2
#   +entropy-annealing          entropy_coef: 0.01 with entropy_schedule: linear (to 0 over the budget)
# Each run is evaluated on 20 episodes per task with a held-out evaluation seed (1000 + seed), sampling
# actions, and again taking the most likely action (--deterministic); "steps to solve" is the first metrics
# row at which every task's training return (mean of the episodes finished in that interval) is at its
# solved_return. Writes experiments/results/<suite>-ablation.md from every finished run of every variant
# (a variant may have more seeds than another). VARIANTS="…" picks what to run; runs go to
# runs/<suite>-ablation/<steps>/ and finished runs are kept. Throughput: `chorus bench train`.
#
#   experiments/classic-control-ablation.sh [SUITE] [STEPS] [SEEDS...]   default: classic-control 6000000, seeds 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-classic-control}"; steps="${2:-6000000}"; shift 2 || true
seeds=("${@:-1 2 3}"); seeds=(${seeds[@]})
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
out=experiments/results; runs=runs/$suite-ablation/$steps
mkdir -p "$out" "$runs"
weighted=(${WEIGHTED:-MountainCar-v0})
variant() {  # NAME → a preset file: popart-ppo with the variant's change
  local file="$runs/$1.yaml"
  case "$1" in
    raw-observations) grep -v '^normalize_observations:' agents/popart-ppo.yaml > "$file"; echo "normalize_observations: false" >> "$file" ;;
    unstandardized-advantages) grep -v '^normalize_advantages:' agents/popart-ppo.yaml > "$file"; echo "normalize_advantages: false" >> "$file" ;;
    +pcgrad) cp agents/popart-ppo.yaml "$file"; echo "gradient_surgery: pcgrad" >> "$file" ;;
    +gradnorm) cp agents/popart-ppo.yaml "$file"; echo "gradient_surgery: gradnorm" >> "$file" ;;
    +entropy-annealing) grep -v '^entropy_coef:' agents/popart-ppo.yaml > "$file"; printf 'entropy_coef: 0.01\nentropy_schedule: linear\n' >> "$file" ;;
    popart-ppo | +weight) cp agents/popart-ppo.yaml "$file" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
  echo "$file"
}
suite_file() {  # NAME → the suite to train on: the catalogue suite, or for +weight a copy with weights
  if [ "$1" != +weight ]; then echo "$suite"; return; fi
  local file="$runs/$suite-weighted.yaml"
  python3 - "environments/$suite.yaml" "$file" "${weighted[@]}" <<'PY'
import re, sys
source, target, names = sys.argv[1], sys.argv[2], set(sys.argv[3:])
lines = []
for line in open(source):
    m = re.match(r"\s*- \{name: ([^,]+),", line)
    if m and m.group(1) in names:
        line = line.rstrip().rstrip("}") + ", sampling_weight: 2}\n"
        names.discard(m.group(1))
    lines.append(line)
if names: sys.exit(f"no task named {', '.join(sorted(names))} in {source}")
open(target, "w").write("".join(lines))
PY
  echo "$file"
}
variants=(${VARIANTS:-popart-ppo raw-observations unstandardized-advantages +pcgrad +gradnorm +weight})
for name in "${variants[@]}"; do
  preset=$(variant "$name"); tasks=$(suite_file "$name")
  for seed in "${seeds[@]}"; do
    dir="$runs/$name-s$seed"
    [ -f "$dir/eval.json" ] && continue   # resumable: finished runs are kept
    rm -rf "$dir"
    echo "== $name seed $seed"
    "$chorus" train --suite "$tasks" --agent "$preset" --steps "$steps" --seed "$seed" --out "$dir" --threads 2 --eval-episodes 1 | tail -1
    "$chorus" eval "$dir" --episodes 20 --seed $((1000 + seed)) --deterministic --json "$dir/eval-deterministic.json" >/dev/null
    "$chorus" eval "$dir" --episodes 20 --seed $((1000 + seed)) --json "$dir/eval.json" >/dev/null
  done
done
for dir in "$runs"/*-s*; do   # runs finished before the deterministic evaluation was added
  [ -f "$dir/eval.json" ] && [ ! -f "$dir/eval-deterministic.json" ] || continue
  seed=${dir##*-s}
  "$chorus" eval "$dir" --episodes 20 --seed $((1000 + seed)) --deterministic --json "$dir/eval-deterministic.json" >/dev/null
done
python3 - "$out/$suite-ablation.md" "$suite" "$steps" "$runs" <<'PY'
import csv, glob, json, os, re, statistics, sys
path, suite, steps, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
known = ["popart-ppo", "raw-observations", "unstandardized-advantages", "+pcgrad", "+gradnorm", "+weight", "+entropy-annealing"]

def steps_to_solve(run, thresholds):
    """The first metrics row at which every task's training return is at its threshold (None: never)."""
    latest = {}
    for row in csv.DictReader(open(f"{run}/metrics.csv")):
        if row["return_mean"] != "" and int(row["episodes"]) > 0:
            latest[row["task"]] = float(row["return_mean"])
        if len(latest) == len(thresholds) and all(latest[t] >= thresholds[t] for t in thresholds):
            return int(row["step"])
    return None

def seeds_of(variant):
    found = [int(m.group(1)) for d in glob.glob(f"{runs}/{variant}-s*")
             if (m := re.fullmatch(re.escape(f"{runs}/{variant}-s") + r"(\d+)", d)) and os.path.exists(f"{d}/eval-deterministic.json")]
    return sorted(found)

tasks, rows = [], []
for v in known:
    seeds = seeds_of(v)
    if not seeds: continue
    returns, solved, every, every_greedy, scores, reached = {}, {}, 0, 0, [], []
    for seed in seeds:
        run = f"{runs}/{v}-s{seed}"
        report, greedy = json.load(open(f"{run}/eval.json")), json.load(open(f"{run}/eval-deterministic.json"))
        scores.append(report["mean_normalized_score"])
        every += all(t["solved"] for t in report["tasks"])
        every_greedy += all(t["solved"] for t in greedy["tasks"])
        thresholds = {}
        for line in open(f"{run}/suite.yaml"):
            if "name:" in line and "solved_return:" in line:
                thresholds[line.split("name:")[1].split(",")[0].strip(' "')] = float(line.split("solved_return:")[1].split(",")[0].strip(' }"\n'))
        reached.append(steps_to_solve(run, thresholds))
        for t in report["tasks"]:
            if t["name"] not in tasks: tasks.append(t["name"])
            returns.setdefault(t["name"], []).append(t["mean_return"])
            solved.setdefault(t["name"], []).append(t["solved"])
    digits = 2 if all(abs(r) < 10 for t in tasks for r in returns[t]) else 1   # gridworld returns are at most 1
    cells = [f"{statistics.mean(returns[t]):.{digits}f} ± {statistics.pstdev(returns[t]):.{digits}f} ({sum(solved[t])}/{len(seeds)})" for t in tasks]
    solve = ", ".join("—" if s is None else f"{s / 1e6:.1f}M" for s in reached)
    rows.append(f"| {v} | {', '.join(map(str, seeds))} | " + " | ".join(cells)
                + f" | {every}/{len(seeds)} | {every_greedy}/{len(seeds)} | {statistics.mean(scores):.3f} ± {statistics.pstdev(scores):.3f} | {solve} |")
lines = [f"`{suite}`, one network, {steps:,} env steps in all. Each variant is one change to `popart-ppo`. Returns: mean over 20 "
         "evaluation episodes per task with a held-out seed (1000 + seed), actions sampled; mean ± std over seeds, and in brackets "
         "the seeds that solved the task. All solved: seeds with every task at its threshold, sampling and (greedy) taking the most "
         "likely action on the same episodes. Score: mean normalised score over tasks (sampled). Steps to solve: per seed, the "
         "first metrics row at which every task's training return was at its threshold (— never).", "",
         "| variant | seeds | " + " | ".join(tasks) + " | all solved | all solved (greedy) | score | steps to solve |",
         "|---|---|" + "---|" * (len(tasks) + 4)] + rows
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
