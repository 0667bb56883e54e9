#!/usr/bin/env bash
# Calibrates the hidden-goal suites' step limits: a uniform random policy should reach each goal in
# 0.5–5 % of episodes. For every suite (or the ones given), a run is made with one env step (only its
# suite matters) and `chorus eval --policy random` plays 2,000 episodes per task; prints each task's
# success rate. Writes experiments/results/hidden-goal-calibration.md.
#
#   experiments/hidden-goal-calibration.sh [SUITE...]
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("${@:-hidden-goal-2rooms hidden-goal-2rooms-heldout hidden-goal-4rooms hidden-goal-4rooms-heldout}")
suites=(${suites[@]})
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
runs=runs/hidden-goal-calibration; mkdir -p "$runs" experiments/results
for suite in "${suites[@]}"; do
  "$chorus" train --suite "$suite" --agent shared --steps 1 --out "$runs/$suite" --overwrite --eval-episodes 1 >/dev/null
  "$chorus" eval "$runs/$suite" --policy random --episodes 2000 --seed 7 --json "$runs/$suite/random.json" >/dev/null
done
python3 - "$runs" "${suites[@]}" <<'PY'
import json, sys
runs, suites = sys.argv[1], sys.argv[2:]
lines = ["Uniform random policy, 2,000 episodes per task (`chorus eval --policy random --seed 7`); success = the goal "
         "reached before the step limit.", "", "| suite | step limits | tasks | success per task (%) | mean |", "|---|---|---|---|---|"]
for suite in suites:
    report = json.load(open(f"{runs}/{suite}/random.json"))
    limit = ", ".join(sorted({l.split("max_steps: ")[1].split(",")[0] for l in open(f"environments/{suite}.yaml") if l.startswith("  - ")}, key=int))
    rates = [100 * t["success_rate"] for t in report["tasks"]]
    lines.append(f"| `{suite}` | {limit} | {len(rates)} | {', '.join(f'{r:.1f}' for r in rates)} | {sum(rates) / len(rates):.1f} |")
open("experiments/results/hidden-goal-calibration.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
