"""Times Python peers of Chorus's environments and writes the side-by-side table (see run.sh).

    peers.py CHORUS_JSON OUT_MD [--repeats N] [--seconds S] [--missing "pkg, pkg"]

Every loop is one env (or one 16-env SyncVectorEnv) stepped with random actions sampled in the loop
by the library's own action space (as `chorus bench envs` samples in its loop), auto-reset included.
Each measurement: a warm-up, a calibration to S seconds per repeat, N timed repeats, the median.
"""
import argparse, datetime, importlib.metadata, json, os, platform, statistics, subprocess, sys, time

CLASSIC = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"]
GRID = "MiniGrid-Empty-8x8-v0"
MINATAR = [("Asterix", "asterix"), ("Breakout", "breakout"), ("Freeway", "freeway"), ("Seaquest", "seaquest"),
           ("SpaceInvaders", "space_invaders")]
VECTOR = 16


def rate(run, units_per_call, repeats, seconds):
    """Median of units/s over `repeats` timed batches of `run(calls)` lasting about `seconds` each."""
    def timed(calls):
        start = time.perf_counter()
        run(calls)
        return time.perf_counter() - start
    calls = 1
    while True:                                   # warm-up and calibration: grow to 1/10 of the target
        t = timed(calls)
        if t > seconds / 10:
            calls = max(1, int(calls * seconds / t))
            break
        calls *= 4
    return statistics.median(units_per_call * calls / timed(calls) for _ in range(repeats))


def single(env_id):
    import gymnasium as gym
    env = gym.make(env_id)
    env.reset(seed=0)
    env.action_space.seed(0)
    step, reset, sample = env.step, env.reset, env.action_space.sample

    def run(calls):
        for _ in range(calls):
            _, _, terminated, truncated, _ = step(sample())
            if terminated or truncated:
                reset()
    return run, 1


def vector(env_id):
    import gymnasium as gym
    envs = gym.make_vec(env_id, num_envs=VECTOR, vectorization_mode="sync")  # auto-resets itself
    envs.reset(seed=0)
    envs.action_space.seed(0)
    step, sample = envs.step, envs.action_space.sample

    def run(calls):
        for _ in range(calls):
            step(sample())
    return run, VECTOR


def minatar(game):
    """MinAtar's own API (no Gymnasium wrapper), all six actions: act, read the 10×10×C state, reset when done."""
    import numpy as np
    from minatar import Environment
    env = Environment(game)
    env.seed(0)
    env.reset()
    rng = np.random.default_rng(0)
    n = env.num_actions()
    act, state, reset, integers = env.act, env.state, env.reset, rng.integers

    def run(calls):
        for _ in range(calls):
            _, done = act(integers(n))
            state()
            if done:
                reset()
    return run, 1


def version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def fmt(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e4:
        return f"{v / 1e3:.1f}k"
    return f"{v:,.0f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("chorus_json")
    parser.add_argument("out_md")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--missing", default="", help="packages run.sh could not install")
    args = parser.parse_args()

    chorus = {row["name"]: row for section in json.load(open(args.chorus_json)) for row in section["rows"]}
    have = {p: version(p) is not None for p in ["gymnasium", "minigrid", "minatar"]}
    if have["minigrid"]:
        import minigrid  # noqa: F401  (registers the MiniGrid-* ids)

    # (environment, envs, Chorus row and column, peer label, measurement, package it needs)
    rows = []
    for env_id in CLASSIC:
        rows.append((env_id, 1, (env_id, "1 env"), f"Gymnasium `{env_id}`", lambda e=env_id: single(e), "gymnasium"))
        rows.append((env_id, VECTOR, (env_id, "16 envs"), f"Gymnasium SyncVectorEnv ×{VECTOR}", lambda e=env_id: vector(e), "gymnasium"))
    rows.append(("Gridworld 8×8 ↔ MiniGrid-Empty-8x8 ¹", 1, ("Gridworld", "1 env"), f"MiniGrid `{GRID}`", lambda: single(GRID), "minigrid"))
    rows.append(("Gridworld 8×8 ↔ MiniGrid-Empty-8x8 ¹", VECTOR, ("Gridworld", "16 envs"), f"MiniGrid SyncVectorEnv ×{VECTOR}", lambda: vector(GRID), "minigrid"))
    for name, game in MINATAR:
        rows.append((f"MinAtar/{name}-v0 ²", 1, (f"MinAtar/{name}-v0", "1 env"), f"MinAtar `Environment(\"{game}\")`",
                     lambda g=game: minatar(g), "minatar"))

    table = ["| environment | envs | Chorus steps/s | peer | peer steps/s | Chorus / peer |", "|---|---|---|---|---|---|"]
    load_before = os.getloadavg()[0]
    for name, envs, chorus_cell, peer, make, package in rows:
        ours = chorus.get(chorus_cell[0], {}).get(chorus_cell[1]) if chorus_cell else None
        theirs = None
        if have[package]:
            run, units = make()
            theirs = rate(run, units, args.repeats, args.seconds)
        else:
            peer += " (not installed)"
        ratio = f"**{ours / theirs:,.0f}×**" if ours and theirs else "—"
        table.append(f"| {name} | {envs} | {fmt(ours)} | {peer} | {fmt(theirs)} | {ratio} |")
        print(f"  {name}, {envs} env(s): {fmt(theirs)} steps/s", file=sys.stderr, flush=True)
    load_after = os.getloadavg()[0]

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    packages = ", ".join(f"{p} {version(p) or 'not installed'}" for p in ["gymnasium", "minigrid", "MinAtar", "numpy", "pygame-ce"])
    lines = [
        "# Chorus and its Python peers: environment steps/s",
        "",
        f"Measured by `experiments/peers/run.sh` on {datetime.date.today().isoformat()}, in one run: "
        f"`chorus bench envs --json --repeats {args.repeats} --seconds {args.seconds:g}`, then the Python peers.",
        "",
        f"- CPU: {cpu}, {os.cpu_count()} cores, shared with other work (1-minute load average "
        f"{load_before:.1f} before the Python timings, {load_after:.1f} after).",
        f"- Chorus {commit}, release build, {swift[0] if swift else 'swift unknown'}.",
        f"- Python {platform.python_version()}: {packages}.",
        "- Every loop steps with random actions sampled in the loop by the library's own action space "
        "(Chorus's seeded xoshiro stream, Gymnasium's `action_space.sample()`, NumPy's generator for MinAtar), "
        "auto-reset and the observation included. Single env: `gym.make` with its default wrappers, "
        f"stepped in a tight Python loop. {VECTOR} envs: Chorus's 16-env batch vs `gym.make_vec(..., "
        f"vectorization_mode=\"sync\")`. Seeds fixed; warm-up, {args.repeats} repeats of ~{args.seconds:g} s, median.",
        "",
        *table,
        "",
        "¹ Not the same environment. Chorus's gridworld is fully observed and symbolic: 4 absolute moves, a 385-float "
        "one-hot observation of the whole grid. MiniGrid-Empty-8x8 has 7 egocentric actions (turn, forward, …) and "
        "renders a partial 7×7×3 egocentric view each step. Both are the 8×8 empty room (6×6 floor) with a 256-step "
        "limit, so the ratio compares what each library does per step for that task.",
        "² The same games, rule for rule and random number for random number (Chorus's traces replay MinAtar 1.0.15 "
        "exactly): all six actions, sticky-action probability 0.1, difficulty ramping. The peer is MinAtar's own "
        "`Environment(game)` (no Gymnasium wrapper) stepped with `act(a)` and `state()` (the 10×10×C observation) each "
        "step, resetting when the game ends; Chorus's row is `MinAtar/<Game>-v0`, one env, writing the same "
        "observation as 0/1 floats.",
    ]
    if args.missing:
        lines.append(f"\nCould not be installed: {args.missing}.")
    os.makedirs(os.path.dirname(args.out_md), exist_ok=True)
    with open(args.out_md, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
