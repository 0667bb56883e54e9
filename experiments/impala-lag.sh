#!/usr/bin/env bash
# Does V-trace's correction matter as the actor falls behind? `popart-impala` (pipelined) with the actor
# LAG updates behind (`actor_lag`), with V-trace's importance weights (corrected) and with `log ρ` forced
# to 0 (`lag_correction: false`, uncorrected), same seeds; each run evaluated on 20 episodes per task
# with a held-out seed (1000 + seed); the score is the suite's mean normalised score.
#
# Written down before the runs: at a given lag, the correction matters if the mean over seeds of the
# paired difference (corrected − uncorrected, same seed) is positive and its 90 % bootstrap interval
# (10,000 resamples of the seeds, fixed generator) excludes 0; if the interval contains 0 it is a tie,
# and if it lies below 0 the correction hurts.
#
# Writes experiments/results/impala-lag-<suite>.md; runs go to runs/impala-lag-<suite>/ (finished runs kept).
#
#   experiments/impala-lag.sh [SUITE] [STEPS] [SEEDS...]     default: classic-control 2000000, seeds 1–10
#   LAGS="1 4 8 16" picks the lags (default 1 4 8 16).
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-classic-control}"; steps="${2:-2000000}"; shift 2 || true
seeds=("${@:-1 2 3 4 5 6 7 8 9 10}"); seeds=(${seeds[@]})
lags=(${LAGS:-1 4 8 16})
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
out=experiments/results; runs=runs/impala-lag-$suite
mkdir -p "$out" "$runs"
for lag in "${lags[@]}"; do
  for variant in corrected uncorrected; do
    preset="$runs/lag$lag-$variant.yaml"
    (grep -v '^actor_lag:\|^lag_correction:' agents/popart-impala.yaml; echo "actor_lag: $lag"
     [ "$variant" = uncorrected ] && echo "lag_correction: false" || echo "lag_correction: true") > "$preset"
    for seed in "${seeds[@]}"; do
      dir="$runs/lag$lag-$variant-s$seed"
      [ -f "$dir/eval.json" ] && continue
      rm -rf "$dir"
      "$chorus" train --suite "$suite" --agent "$preset" --steps "$steps" --seed "$seed" --out "$dir" --threads 1 --eval-episodes 1 >/dev/null
      "$chorus" eval "$dir" --episodes 20 --seed $((1000 + seed)) --json "$dir/eval.json" >/dev/null
    done
  done
done
python3 - "$out/impala-lag-$suite.md" "$suite" "$steps" "$runs" "${lags[*]}" "${seeds[@]}" <<'PY'
import json, random, statistics, sys
path, suite, steps, runs, lags, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5].split(), sys.argv[6:]
score = lambda lag, variant, seed: json.load(open(f"{runs}/lag{lag}-{variant}-s{seed}/eval.json"))["mean_normalized_score"]
lines = [f"`popart-impala` (pipelined) on `{suite}`, {steps:,} env steps, the actor `actor_lag` updates behind, with V-trace's "
         "correction and with `log ρ = 0` (`lag_correction: false`); mean normalised score over 20 held-out evaluation episodes per "
         f"task (seed 1000 + s), seeds {', '.join(seeds)}. Difference: corrected − uncorrected of the same seed, mean with a 90 % "
         "bootstrap interval over seeds. Verdict by the rule written in `experiments/impala-lag.sh` before the runs.", "",
         "| actor lag | corrected | uncorrected | difference [90 % interval] | verdict |", "|---|---|---|---|---|"]
rng = random.Random(12345)
for lag in lags:
    c = [score(lag, "corrected", s) for s in seeds]
    u = [score(lag, "uncorrected", s) for s in seeds]
    d = [x - y for x, y in zip(c, u)]
    boot = sorted(statistics.mean(rng.choices(d, k=len(d))) for _ in range(10000))
    low, high = boot[500], boot[9499]
    verdict = "correction helps" if low > 0 else ("correction hurts" if high < 0 else "tie")
    lines.append(f"| {lag} | {statistics.mean(c):.3f} ± {statistics.pstdev(c):.3f} | {statistics.mean(u):.3f} ± {statistics.pstdev(u):.3f} "
                 f"| {statistics.mean(d):+.3f} [{low:+.3f}, {high:+.3f}] | {verdict} |")
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
