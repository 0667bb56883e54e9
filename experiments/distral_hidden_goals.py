"""Distral where transfer matters (issue 19); experiments/distral-hidden-goals.sh is the entry point (see its header)."""
import concurrent.futures
import json
import os
import random
import re
import statistics
import subprocess
import sys

from distral_runs import area, first_success, preset, steps_to, success_curve

chorus, suite, steps, transfer_steps, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
runs = f"runs/distral-{suite}"
out = "experiments/results"
parallel = int(os.environ.get("PARALLEL", 2))
agents = ["single-task", "shared", "shared-2col", "distral-klent-1col", "distral-klent-2col", "distral-kl-2col"]
grid = [(1.0, 1.0), (0.5, 0.3), (0.5, 3.0), (2.0, 0.3), (2.0, 3.0)]   # (learning rate ×, regulariser ×); the preset first
os.makedirs(f"{runs}/presets", exist_ok=True)


def train(directory, arguments, seed):
    """Trains unless the run finished before (it has evaluation.json); an unfinished one starts over."""
    if not os.path.exists(f"{directory}/evaluation.json"):
        subprocess.run([chorus, "train", *arguments, "--seed", str(seed), "--out", directory, "--overwrite", "--eval-episodes", "20"],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"done {directory}", flush=True)
    return directory


def joint_job(agent, seed, lr, reg):
    name, path = preset(agent, runs, lr, reg)
    return train(f"{runs}/{name}-s{seed}", ["--suite", suite, "--agent", path, "--steps", str(steps)], seed)


def transfer_job(method, seed):
    """Held-out goals: from scratch, the multitask torso fine-tuned with fresh heads, or Distral with π₀ frozen."""
    held_out = f"{suite}-heldout"
    if method == "scratch":
        _, path = preset("shared", runs)
        arguments = ["--agent", path]
    elif method == "fine-tuned torso":
        _, path = preset("shared", runs)
        arguments = ["--agent", path, "--init-from", f"{runs}/shared-lr1-reg1-s{seed}"]
    else:
        _, path = preset("distral-klent-2col", runs, extra='\nfrozen: ["distilled."]\n')
        arguments = ["--agent", path, "--init-from", f"{runs}/distral-klent-2col-lr1-reg1-s{seed}"]
    tag = re.sub(r"[^a-z0-9]+", "-", method.replace("π₀", "prior").lower()).strip("-")
    return train(f"{runs}/transfer-{tag}-s{seed}", ["--suite", held_out, "--steps", str(transfer_steps), *arguments], seed)


transfer_methods = ["scratch", "fine-tuned torso", "Distral, π₀ frozen"]
# The presets on every seed, then each seed's transfer runs (they start from that seed's joint runs), then the grid.
with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
    for future in [pool.submit(joint_job, a, s, 1.0, 1.0) for s in seeds for a in agents]:
        future.result()
    jobs = [pool.submit(transfer_job, m, s) for s in seeds for m in transfer_methods]
    jobs += [pool.submit(joint_job, a, seeds[0], lr, reg) for a in agents for lr, reg in grid[1:]]
    for future in jobs:
        future.result()


def bootstrap_median(values, draws=10_000):
    """The median and a 90 % percentile-bootstrap interval over seeds (None = never reached, counted as ∞)."""
    finite = [v if v is not None else float("inf") for v in values]
    rng = random.Random(0)
    medians = sorted(statistics.median(rng.choices(finite, k=len(finite))) for _ in range(draws))
    return statistics.median(finite), medians[int(0.05 * draws)], medians[int(0.95 * draws) - 1]


def thousands(v):
    return "never" if v is None or v == float("inf") else f"{v / 1000:.0f}k"


lines = [f"`{suite}` (goals hidden; position, previous action and previous reward observed; start anywhere in the start room), "
         f"{steps:,} env steps per run over all tasks; seeds {', '.join(seeds)}.", "",
         "**Written down before running** — Distral counts as reproducing Teh et al.'s advantage here if a Distral agent reaches "
         "0.9 success on every task in ≤ 0.7× the steps of the best baseline (single-task, shared, shared-2col) with 90 % "
         "bootstrap intervals of the median that do not overlap, and its robustness fraction is at least the best baseline's. "
         "Anything else is reported as a tie or a loss.", "",
         "**Joint phase** — steps until every task's training success rate ≥ 0.9 (metrics every 8,192 steps), median over "
         "seeds with a 90 % bootstrap interval (with 3 seeds the interval spans the seeds); area under the mean success curve "
         "(fraction of the budget); final mean success in 20 evaluation episodes per task; robustness = settings of the "
         "5-point grid (the preset, learning rate ×0.5/×2 crossed with the regulariser ×0.3/×3, seed "
         f"{seeds[0]}) that reach 0.9.", "",
         "| agent | steps to 0.9 per seed | median [90 % interval] | success AUC | final success | robustness |",
         "|---|---|---|---|---|---|"]
for agent in agents:
    curves = [success_curve(f"{runs}/{agent}-lr1-reg1-s{s}") for s in seeds]
    reached = [steps_to(c) for c in curves]
    median, low, high = bootstrap_median(reached)
    evaluations = [json.load(open(f"{runs}/{agent}-lr1-reg1-s{s}/evaluation.json")) for s in seeds]
    final = [statistics.mean(t["success_rate"] for t in e["tasks"]) for e in evaluations]
    robust = sum(steps_to(success_curve(f"{runs}/{agent}-lr{lr:g}-reg{reg:g}-s{seeds[0]}")) is not None for lr, reg in grid)
    lines.append(f"| {agent} | {', '.join(thousands(v) for v in reached)} | {thousands(median)} [{thousands(low)}, {thousands(high)}] | "
                 f"{statistics.mean(area(c) for c in curves):.3f} | {statistics.mean(final):.2f} | {robust}/{len(grid)} |")
lines += ["", f"**Transfer phase** — the 4 held-out goals (`{suite}-heldout`), {transfer_steps:,} env steps: `shared` from scratch; "
          "`shared` with the joint phase's torso and encoder (`--init-from`, fresh heads); `distral-klent-2col` with the joint "
          "phase's π₀ copied and frozen (`frozen: [\"distilled.\"]`), fresh task columns. Steps to the first success of any task "
          "and to 0.9 on every task, per seed.", "",
          "| method | first success per seed | steps to 0.9 per seed | median to 0.9 | success AUC | final success |", "|---|---|---|---|---|---|"]
for method in transfer_methods:
    tag = re.sub(r"[^a-z0-9]+", "-", method.replace("π₀", "prior").lower()).strip("-")
    directories = [f"{runs}/transfer-{tag}-s{s}" for s in seeds]
    curves = [success_curve(d) for d in directories]
    reached = [steps_to(c) for c in curves]
    final = [statistics.mean(t["success_rate"] for t in json.load(open(f"{d}/evaluation.json"))["tasks"]) for d in directories]
    lines.append(f"| {method} | {', '.join(thousands(first_success(c)) for c in curves)} | {', '.join(thousands(v) for v in reached)} | "
                 f"{thousands(bootstrap_median(reached)[0])} | {statistics.mean(area(c) for c in curves):.3f} | {statistics.mean(final):.2f} |")
open(f"{out}/distral-{suite}.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
subprocess.run([chorus, "plot", *[f"{runs}/{a}-lr1-reg1-s{seeds[0]}" for a in ["shared", "single-task", "distral-klent-2col", "distral-kl-2col"]],
                "-o", f"{out}/distral-{suite}.svg"], check=True, stdout=subprocess.DEVNULL)
