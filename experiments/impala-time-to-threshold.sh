#!/usr/bin/env bash
# How much sooner does the pipelined actor–learner get there? popart-impala on classic-control, synchronous
# (actor_learner: synchronous, environments stepped on 2 threads) against pipelined (the preset: acting and
# learning on one thread each), same seeds and budget, run one after the other on an otherwise idle machine.
#
# For each run, from metrics.csv: the first logged interval at which the training curve (mean return of the
# episodes that ended in the interval) reaches CartPole-v1 ≥ 200 and Acrobot-v1 ≥ −150 (both reach it within
# 2M steps in every seed of experiments/impala.sh; the other three tasks do not move at this budget), its env
# steps, and its training time: the sum over the intervals up to it of interval steps ÷ the interval's logged
# steps/s (stepping and learning; checkpoint writes excluded). Writes experiments/results/impala-time-to-threshold.md.
#
#   experiments/impala-time-to-threshold.sh [STEPS] [SEEDS...]     default: 2000000, seeds 1–5
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-2000000}"; shift || true
seeds=("${@:-1 2 3 4 5}"); seeds=(${seeds[@]})
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
out=experiments/results; runs=runs/impala-time-to-threshold
mkdir -p "$out" "$runs"
sed 's/^actor_learner: .*/actor_learner: synchronous/' agents/popart-impala.yaml > "$runs/synchronous.yaml"
cp agents/popart-impala.yaml "$runs/pipelined.yaml"
for seed in "${seeds[@]}"; do
  for name in synchronous pipelined; do
    dir="$runs/$name-s$seed"
    [ -f "$dir/done" ] && continue
    rm -rf "$dir"
    "$chorus" train --suite classic-control --agent "$runs/$name.yaml" --steps "$steps" --seed "$seed" --out "$dir" \
      --threads 2 --eval-episodes 1 >/dev/null
    touch "$dir/done"
  done
done
python3 - "$out/impala-time-to-threshold.md" "$steps" "$runs" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "${seeds[@]}" <<'PY'
import csv, statistics, sys
path, steps, runs, cores, cpu, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
thresholds = {"CartPole-v1": 200.0, "Acrobot-v1": -150.0}

def reach(run):
    rows = list(csv.DictReader(open(f"{runs}/{run}/metrics.csv")))
    steps_seen, latest, by_step = 0, {}, {}
    for row in rows:
        by_step.setdefault(int(row["step"]), []).append(row)
    total_seconds = 0.0
    found = None
    for step in sorted(by_step):
        group = by_step[step]
        total_seconds += (step - steps_seen) / float(group[0]["steps_per_second"])
        steps_seen = step
        for row in group:
            if row["task"] in thresholds and row["return_mean"]:
                latest[row["task"]] = float(row["return_mean"])
        if found is None and all(latest.get(t, float("-inf")) >= v for t, v in thresholds.items()):
            found = (step, total_seconds)
    return found, steps_seen / total_seconds

results = {v: [reach(f"{v}-s{s}") for s in seeds] for v in ["synchronous", "pipelined"]}
lines = [
    f"`popart-impala` on `classic-control`, {steps:,} env steps, seeds {', '.join(seeds)}: first logged interval (every 50,000 steps) "
    f"whose training returns reach CartPole-v1 ≥ 200 and Acrobot-v1 ≥ −150. Training time = Σ interval steps ÷ logged steps/s. "
    f"Measured by `experiments/impala-time-to-threshold.sh` on {cpu}, {cores} cores, runs one after another.",
    "",
    "| seed | synchronous: steps | seconds | pipelined: steps | seconds | time ratio (synchronous ÷ pipelined) |",
    "|---|---|---|---|---|---|",
]
ratios = []
for k, seed in enumerate(seeds):
    (a, ra), (b, rb) = results["synchronous"][k], results["pipelined"][k]
    cells = [f"{a[0]:,}" if a else "not reached", f"{a[1]:.2f}" if a else "–", f"{b[0]:,}" if b else "not reached", f"{b[1]:.2f}" if b else "–"]
    ratio = a[1] / b[1] if a and b else None
    if ratio: ratios.append(ratio)
    lines.append(f"| {seed} | " + " | ".join(cells) + f" | {ratio:.2f}× |" if ratio else f"| {seed} | " + " | ".join(cells) + " | – |")
def median(values): return statistics.median(values) if values else float("nan")
sync_rate = median([r for _, r in results["synchronous"]]); pipe_rate = median([r for _, r in results["pipelined"]])
reached = {v: [x for x, _ in results[v] if x] for v in results}
lines += [
    "",
    f"Reached: synchronous {len(reached['synchronous'])}/{len(seeds)}, pipelined {len(reached['pipelined'])}/{len(seeds)}. "
    f"Median steps to threshold: synchronous {median([x[0] for x in reached['synchronous']]):,.0f}, pipelined {median([x[0] for x in reached['pipelined']]):,.0f}; "
    f"median seconds: synchronous {median([x[1] for x in reached['synchronous']]):.2f}, pipelined {median([x[1] for x in reached['pipelined']]):.2f}; "
    f"median time ratio {median(ratios):.2f}×. Whole-run steps/s (median): synchronous {sync_rate:,.0f}, pipelined {pipe_rate:,.0f} ({pipe_rate / sync_rate:.2f}×).",
]
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
