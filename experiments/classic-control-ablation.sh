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
# Each run is evaluated on 20 episodes per task with a held-out evaluation seed (1000 + seed); "steps to
# solve" is the first metrics row at which every task's training return (mean of the episodes finished
# in that interval) is at its solved_return. Writes experiments/results/<suite>-ablation.md.
# VARIANTS="…" picks a subset; runs go to runs/<suite>-ablation/<steps>/ and finished runs are kept.
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
    start=$(date +%s.%N)
    "$chorus" train --suite "$tasks" --agent "$preset" --steps "$steps" --seed "$seed" --out "$dir" --threads 2 --eval-episodes 1 | tail -1
    end=$(date +%s.%N)
    echo "$start $end" > "$dir/wallclock"
    "$chorus" eval "$dir" --episodes 20 --seed $((1000 + seed)) --json "$dir/eval.json" >/dev/null
  done
done
python3 - "$out/$suite-ablation.md" "$suite" "$steps" "$runs" "${seeds[@]}" <<'PY'
import csv, json, os, statistics, sys
path, suite, steps, runs, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
# every variant with finished runs, not only the ones asked for this time (a later call may add a variant)
known = ["popart-ppo", "raw-observations", "unstandardized-advantages", "+pcgrad", "+gradnorm", "+weight"]
variants = [v for v in known if all(os.path.exists(f"{runs}/{v}-s{seed}/eval.json") for seed in seeds)]

def steps_to_solve(run, thresholds):
    """The first metrics row at which every task's training return is at its threshold (None: never)."""
    latest = {}
    for row in csv.DictReader(open(f"{run}/metrics.csv")):
        if row["return_mean"] != "" and int(row["episodes"]) > 0:
            latest[row["task"]] = float(row["return_mean"])
        if len(latest) == len(thresholds) and all(latest[t] >= thresholds[t] for t in thresholds):
            return int(row["step"])
    return None

tasks, returns, solved, rates, scores, solve_steps = [], {}, {}, {}, {}, {}
for v in variants:
    for seed in seeds:
        run = f"{runs}/{v}-s{seed}"
        report = json.load(open(f"{run}/eval.json"))
        start, end = map(float, open(f"{run}/wallclock").read().split())
        rates.setdefault(v, []).append(steps / (end - start))
        scores.setdefault(v, []).append(report["mean_normalized_score"])
        thresholds = {}
        for line in open(f"{run}/suite.yaml"):
            if "name:" in line and "solved_return:" in line:
                thresholds[line.split("name:")[1].split(",")[0].strip(' "')] = float(line.split("solved_return:")[1].split(",")[0].strip(' }"\n'))
        solve_steps.setdefault(v, []).append(steps_to_solve(run, thresholds))
        for t in report["tasks"]:
            if t["name"] not in tasks: tasks.append(t["name"])
            returns.setdefault((v, t["name"]), []).append(t["mean_return"])
            solved.setdefault((v, t["name"]), []).append(t["solved"])
lines = [f"`{suite}`, one network, {steps:,} env steps in all, seeds {', '.join(seeds)}; mean return over 20 evaluation "
         "episodes per task with a held-out seed (1000 + seed), mean ± std over seeds, and in brackets the seeds that solved the task. "
         "Score: mean normalised score over tasks (mean ± std over seeds). Steps to solve: per seed, the first metrics row at which "
         "every task's training return was at its threshold (— never). steps/s: wall clock of `chorus train --threads 2`.", "",
         "| variant | " + " | ".join(tasks) + " | all solved | score | steps to solve | steps/s |", "|---|" + "---|" * (len(tasks) + 4)]
for v in variants:
    cells = []
    for t in tasks:
        r = returns[(v, t)]
        cells.append(f"{statistics.mean(r):.1f} ± {statistics.pstdev(r):.1f} ({sum(solved[(v, t)])}/{len(r)})")
    every = sum(all(solved[(v, t)][k] for t in tasks) for k in range(len(seeds)))
    reached = ", ".join("—" if s is None else f"{s / 1e6:.1f}M" for s in solve_steps[v])
    lines.append(f"| {v} | " + " | ".join(cells) + f" | {every}/{len(seeds)} | {statistics.mean(scores[v]):.3f} ± {statistics.pstdev(scores[v]):.3f} "
                 f"| {reached} | {statistics.mean(rates[v]):,.0f} |")
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
