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
distill_steps = int(os.environ.get("DISTILL_STEPS", 2_000_000))
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
    if os.path.exists(f"{directory}/checkpoints/latest.safetensors") and not os.path.exists(f"{directory}/evaluation.json"):
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


if phase == "single":
    run_all(single_jobs())
else:
    sys.exit(f"unknown phase {phase!r}: single, multi, distill or report")
