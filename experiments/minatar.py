"""Runs and reports the MinAtar experiments; experiments/minatar.sh is the entry point (see its header)."""
import concurrent.futures
import json
import os
import subprocess
import sys

phase, chorus, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]
games = ["Asterix", "Breakout", "Freeway", "Seaquest", "SpaceInvaders"]
runs = "runs/minatar"
single_steps = int(os.environ.get("SINGLE_STEPS", 5_000_000))
multi_steps = int(os.environ.get("MULTI_STEPS", 10_000_000))
distill_steps = int(os.environ.get("DISTILL_STEPS", 3_000_000))
parallel = int(os.environ.get("PARALLEL", 2))
eval_episodes = 30


def log(message):
    print(message, flush=True)


def evaluate(directory, seed):
    """Held-out evaluation: 30 episodes per game, seed 1000 + seed, into eval.json."""
    subprocess.run([chorus, "eval", directory, "--episodes", str(eval_episodes), "--seed", str(1000 + int(seed)),
                    "--json", f"{directory}/eval.json"], check=True, stdout=subprocess.DEVNULL)


def train(directory, seed, arguments):
    """Trains (or resumes an interrupted run), then evaluates; skips a run that has eval.json."""
    if os.path.exists(f"{directory}/eval.json"):
        return
    resumable = arguments[0] == "train"   # `chorus distill` has no --resume: an interrupted student starts over
    if resumable and os.path.exists(f"{directory}/checkpoints/latest.safetensors") and not os.path.exists(f"{directory}/evaluation.json"):
        log(f"resume {directory}")
        subprocess.run([chorus, "train", "--resume", directory], check=True, stdout=subprocess.DEVNULL)
    elif not os.path.exists(f"{directory}/evaluation.json"):
        log(f"start  {directory}")
        subprocess.run([chorus, *arguments, "--seed", str(seed), "--out", directory, "--overwrite",
                        "--eval-episodes", "1"], check=True, stdout=subprocess.DEVNULL)
    evaluate(directory, seed)
    log(f"done   {directory}")


def run_all(jobs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
        for future in concurrent.futures.as_completed([pool.submit(train, *job) for job in jobs]):
            future.result()


def single_jobs():
    return [(f"{runs}/single-{game}-s{seed}", seed,
             ["train", "--suite", "minatar", "--task", game, "--agent", "minatar-ppo", "--steps", str(single_steps)])
            for seed in seeds for game in games]


# One network on all five games, three ways; the preset files are written next to the runs.
variants = {"popart": "agents/minatar-popart-ppo.yaml", "plain": "agents/minatar-ppo.yaml", "clipped": "agents/minatar-ppo.yaml"}


def write_presets():
    for name, source in variants.items():
        text = open(source).read() + ("reward_clip: 1\n" if name == "clipped" else "")
        open(f"{runs}/presets/{name}.yaml", "w").write(text)


def multi_jobs(seed):
    return [(f"{runs}/multi-{name}-s{seed}", seed,
             ["train", "--suite", "minatar", "--agent", f"{runs}/presets/{name}.yaml", "--steps", str(multi_steps)])
            for name in variants]


students = ["minatar-distill", "minatar-distill-small"]


def distill_jobs(seed):
    teachers = [f"{runs}/single-{game}-s{seed}" for game in games]
    return [(f"{runs}/distill-{student}-s{seed}", seed,
             ["distill", "--teachers", *teachers, "--suite", "minatar", "--agent", student, "--steps", str(distill_steps)])
            for student in students]


if phase == "single":
    run_all(single_jobs())
elif phase == "multi":
    write_presets()
    run_all([job for seed in seeds for job in multi_jobs(seed)])
elif phase == "distill":
    run_all([job for seed in seeds for job in distill_jobs(seed)])
elif phase == "all":
    # single first (the teachers), then seed by seed the multi-game runs and the students
    write_presets()
    run_all(single_jobs())
    run_all([job for seed in seeds for job in multi_jobs(seed) + distill_jobs(seed)])
elif phase == "pretrained":
    # agents/pretrained/minatar: the seed-1 popart multi-game run, its checkpoint without optimizer state
    # (what `chorus watch` and `chorus eval` read: parameters, PopArt, generators, environment states).
    import shutil
    from safetensors import safe_open
    from safetensors.numpy import save_file
    source, target = f"{runs}/multi-popart-s{seeds[0]}", "agents/pretrained/minatar"
    os.makedirs(f"{target}/checkpoints", exist_ok=True)
    with safe_open(f"{source}/checkpoints/latest.safetensors", framework="numpy") as f:
        tensors = {k: f.get_tensor(k) for k in f.keys() if not k.startswith("optimizer.")}
        metadata = f.metadata()
    save_file(tensors, f"{target}/checkpoints/latest.safetensors", metadata=metadata)
    for name in ["config.yaml", "evaluation.txt"]:
        shutil.copy(f"{source}/{name}", f"{target}/{name}")
    log(f"wrote {target} from {source}")
elif phase == "report":
    import minatar_report
    minatar_report.write(chorus, runs, games, seeds, single_steps, multi_steps, distill_steps, students, list(variants))
else:
    sys.exit(f"unknown phase {phase!r}: single, multi, distill, all, pretrained or report")
