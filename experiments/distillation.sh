#!/usr/bin/env bash
# Policy distillation (Rusu et al. 2015; Parisotto et al. 2015): single-task teachers → one student.
#
# 1. Teachers: one popart-ppo-raw run per task of `classic-control` (600k steps each) and of
#    `gridworld-mix` (500k steps each), seed 1.
# 2. Students: each suite distilled from its teacher runs with the `distill` preset (popart-ppo-raw sizes)
#    and `distill-small` (under a quarter of one teacher network), seeds 1 2 3, 1M env steps.
#    Reported: each task's student score as a % of its teacher's (normalised scores, same 20 evaluation
#    episodes), the geometric mean over tasks whose teacher beats random, and parameter counts.
# 3. Ablation on classic-control with distill-small, seed 1: the loss (kl, nll, mse), the temperature
#    (τ = 0.1) and teacher-driven data.
# Writes experiments/results/distillation.md and distillation.svg; runs go to runs/distillation.
#
#   experiments/distillation.sh [SEEDS...]      default: seeds 1 2 3
#   REPORT_ONLY=1 experiments/distillation.sh     rebuild the tables from the runs already there
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${*:-1 2 3}"
swift build -c release >/dev/null
runs=runs/distillation; out=experiments/results
[ "${REPORT_ONLY:-}" = 1 ] || rm -rf "$runs"; mkdir -p "$runs/presets" "$out"
python3 - "$runs" "$out" $seeds <<'PY'
import concurrent.futures, json, math, os, re, subprocess, sys
runs, out, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]
chorus = ".build/release/chorus"
suites = {"classic-control": (["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"], 600_000),
          "gridworld-mix": (["empty-room", "four-rooms", "key-door", "lava-gap"], 500_000)}

report_only = os.environ.get("REPORT_ONLY") == "1"   # rebuild the tables from existing runs

def sh(*args):
    if not report_only: subprocess.run([chorus, *args], check=True, stdout=subprocess.DEVNULL)

def teacher(job):
    suite, task, steps = job
    sh("train", "--suite", suite, "--task", task, "--agent", "popart-ppo-raw", "--steps", str(steps), "--seed", "1",
       "--out", f"{runs}/teacher-{task}", "--eval-episodes", "20")
    if not report_only: print(f"teacher {task} trained", flush=True)

def variant(name, **changes):
    """agents/distill-small.yaml with `key: value` lines replaced; returns its path."""
    text = open("agents/distill-small.yaml").read()
    for key, value in changes.items():
        text = re.sub(rf"^(\s*{key}:)\s*\S+", lambda m: f"{m.group(1)} {value}", text, flags=re.M)
    path = f"{runs}/presets/{name}.yaml"
    open(path, "w").write(text)
    return path

def student(job):
    suite, agent, seed, label = job
    tasks = suites[suite][0]
    directory = f"{runs}/{suite}-{label}-s{seed}"
    sh("distill", "--teachers", *[f"{runs}/teacher-{t}" for t in tasks], "--suite", suite, "--agent", agent,
       "--seed", str(seed), "--out", directory, "--eval-episodes", "20")
    result = json.load(open(f"{directory}/distillation.json"))
    print(f"{suite} {label} seed {seed}: {result['geometric_mean_percent']:.1f}% of the teachers", flush=True)
    return job, result

with concurrent.futures.ThreadPoolExecutor(2) as pool:
    list(pool.map(teacher, [(s, t, steps) for s, (tasks, steps) in suites.items() for t in tasks]))
    jobs = [(s, a, seed, a) for s in suites for a in ("distill", "distill-small") for seed in seeds]
    ablation = {"kl τ=1 (preset)": "distill-small", "nll": variant("nll", loss="nll"), "mse": variant("mse", loss="mse"),
                "kl τ=0.1": variant("kl-t0.1", temperature=0.1), "teacher-driven": variant("teacher", driver="teacher")}
    jobs += [("classic-control", path, seeds[0], "ablation-" + re.sub(r"\W+", "-", label)) for label, path in ablation.items() if path != "distill-small"]
    results = list(pool.map(student, jobs))

def geo(values):
    values = [max(v, 1) for v in values if v is not None]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None
def pct(v): return "n/a" if v is None else f"{v:.1f}%"

lines = ["Teachers: one `popart-ppo-raw` run per task (classic-control 600k steps, gridworld-mix 500k steps, seed 1).",
         "Students: `chorus distill` from those runs, 1M env steps, student-driven data, KL at τ = 1.",
         "% of teacher: the student's normalised score over its teacher's on the same 20 evaluation episodes (n/a when the teacher is no better than random).", ""]
for suite, (tasks, _) in suites.items():
    rows = {a: [r for j, r in results if j[0] == suite and j[3] == a] for a in ("distill", "distill-small")}
    first = rows["distill"][0]
    lines += [f"**{suite}** (seeds {', '.join(seeds)}; mean over seeds)", "",
              "| task | teacher return | teacher params | distill: student return | % of teacher | distill-small: student return | % of teacher |",
              "|---|---|---|---|---|---|---|"]
    for k, task in enumerate(tasks):
        cells = []
        for a in ("distill", "distill-small"):
            rs = [r["rows"][k] for r in rows[a]]
            ps = [r.get("percent") for r in rs]
            cells += [f"{sum(r['student_return'] for r in rs) / len(rs):.2f}", pct(None if None in ps else sum(ps) / len(ps))]
        t = first["rows"][k]
        lines.append(f"| {task} | {t['teacher_return']:.2f} | {t['teacher_parameters']:,} | " + " | ".join(cells) + " |")
    smallest = min(r["teacher_parameters"] for r in first["rows"])
    for a in ("distill", "distill-small"):
        g = [r["geometric_mean_percent"] for r in rows[a]]
        n = rows[a][0]["student_parameters"]
        lines.append(f"| **{a}: geometric mean** | | | {n:,} params ({n / smallest:.2f}× one teacher) | "
                     f"{pct(sum(g) / len(g))} (min {pct(min(g))}) | | |")
    lines.append("")
lines += [f"**Ablation** (classic-control, distill-small, seed {seeds[0]})", "",
          "| variant | " + " | ".join(suites["classic-control"][0]) + " | geometric mean |", "|---|" + "---|" * 6]
for label in ablation:
    tag = "distill-small" if ablation[label] == "distill-small" else "ablation-" + re.sub(r"\W+", "-", label)
    r = next(r for j, r in results if j[0] == "classic-control" and j[3] == tag and j[2] == seeds[0])
    lines.append(f"| {label} | " + " | ".join(pct(x.get("percent")) for x in r["rows"]) + f" | {pct(r['geometric_mean_percent'])} |")
open(f"{out}/distillation.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
first="${seeds%% *}"
.build/release/chorus plot "$runs/classic-control-distill-s$first" "$runs/classic-control-distill-small-s$first" -o "$out/distillation.svg" >/dev/null
echo "wrote $out/distillation.md and $out/distillation.svg"
