#!/usr/bin/env bash
# Distral on `gridworld-goals` (one maze, a task per goal corner; Teh et al. 2017's grid-world setting).
#
# 1. Speed: distral-klent-2col, distral-kl-1col, shared and single-task, same budget, seeds 1 2 3:
#    env steps until every task's training success rate is ≥ 0.9 (metrics every 8,192 steps), and the
#    final normalised score (20 evaluation episodes per task), and for Distral π₀'s own score.
# 2. Robustness: each agent again (seed 1) on a 2×2 grid around its preset: learning rate ×0.5 and ×2,
#    and its regulariser ×0.3 and ×3 (Distral: c_KL and c_Ent together; baselines: entropy_coef).
#    Reports the spread (min / median / max) of steps-to-0.9 and final score over the 5 settings.
# Writes experiments/results/distral-gridworld.md and distral-gridworld.svg; runs go to runs/distral-gridworld.
#
#   experiments/distral-gridworld.sh [STEPS] [SEEDS...]      default: 300000 steps, seeds 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-300000}"; shift || true
seeds="${*:-1 2 3}"
swift build -c release >/dev/null
runs=runs/distral-gridworld; out=experiments/results
rm -rf "$runs"; mkdir -p "$runs/presets" "$out"
python3 - "$steps" "$runs" "$out" $seeds <<'PY'
import concurrent.futures, json, statistics, subprocess, sys
sys.path.insert(0, "experiments")
from distral_runs import preset, steps_to, success_curve
steps, runs, out, seeds = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
chorus = ".build/release/chorus"
agents = ["distral-klent-2col", "distral-kl-1col", "shared", "single-task"]

def train(job):
    agent, seed, lr, reg = job
    name, path = preset(agent, runs, lr, reg)
    directory = f"{runs}/{name}-s{seed}"
    subprocess.run([chorus, "train", "--suite", "gridworld-goals", "--agent", path, "--steps", str(steps),
                    "--seed", str(seed), "--out", directory, "--eval-episodes", "20"], check=True, stdout=subprocess.DEVNULL)
    reached = steps_to(success_curve(directory))
    report = json.load(open(f"{directory}/evaluation.json"))
    score = statistics.mean(t["normalized_score"] for t in report["tasks"])
    distilled = None
    if agent.startswith("distral"):
        subprocess.run([chorus, "eval", directory, "--policy", "distilled", "--episodes", "20", "--json", f"{directory}/distilled.json"],
                       check=True, stdout=subprocess.DEVNULL)
        distilled = statistics.mean(t["normalized_score"] for t in json.load(open(f"{directory}/distilled.json"))["tasks"])
    print(f"{name} seed {seed}: 0.9 at {reached}, score {score:.3f}, π₀ {distilled}", flush=True)
    return job, reached, score, distilled

jobs = [(a, s, 1.0, 1.0) for a in agents for s in seeds]
jobs += [(a, seeds[0], lr, reg) for a in agents for lr in (0.5, 2.0) for reg in (0.3, 3.0)]
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    results = list(pool.map(train, jobs))

def fmt_steps(v): return "never" if v is None else f"{v / 1000:.0f}k"
lines = [f"`gridworld-goals`, {steps:,} env steps per run (all four tasks together), PPO base recipe for every agent.",
         "Steps to 0.9: first metrics row (every 8,192 steps) where every task's training success rate ≥ 0.9.",
         "Score: mean normalised score over the tasks, 20 evaluation episodes each.", "",
         f"**Speed** (presets, seeds {', '.join(seeds)})", "",
         "| agent | steps to 0.9 (per seed) | mean steps to 0.9 | final score (mean ± std) | π₀'s score (mean ± std) |", "|---|---|---|---|---|"]
for a in agents:
    rs = [r for r in results if r[0][0] == a and r[0][2:] == (1.0, 1.0)]
    reached = [r[1] for r in rs]; scores = [r[2] for r in rs]
    mean = "—" if None in reached else f"{statistics.mean(reached) / 1000:.0f}k"
    distilled = [r[3] for r in rs if r[3] is not None]
    d = f"{statistics.mean(distilled):.3f} ± {statistics.pstdev(distilled):.3f}" if distilled else "—"
    lines.append(f"| {a} | {', '.join(fmt_steps(v) for v in reached)} | {mean} | {statistics.mean(scores):.3f} ± {statistics.pstdev(scores):.3f} | {d} |")
lines += ["", f"**Robustness** (seed {seeds[0]}: the preset plus learning rate ×0.5/×2 crossed with the regulariser ×0.3/×3)", "",
          "| agent | settings reaching 0.9 | steps to 0.9 min / median / max | final score min / median / max |", "|---|---|---|---|"]
for a in agents:
    rs = [r for r in results if r[0][0] == a and r[0][1] == seeds[0]]
    reached = sorted(r[1] for r in rs if r[1] is not None); scores = sorted(r[2] for r in rs)
    spread = " / ".join(fmt_steps(v) for v in (reached[0], statistics.median(reached), reached[-1])) if reached else "—"
    lines.append(f"| {a} | {len(reached)}/{len(rs)} | {spread} | {scores[0]:.3f} / {statistics.median(scores):.3f} / {scores[-1]:.3f} |")
open(f"{out}/distral-gridworld.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
first="${seeds%% *}"
.build/release/chorus plot $(for a in distral-klent-2col distral-kl-1col shared single-task; do echo "$runs/$a-lr1-reg1-s$first"; done) -o "$out/distral-gridworld.svg" >/dev/null
echo "wrote $out/distral-gridworld.md and $out/distral-gridworld.svg"
