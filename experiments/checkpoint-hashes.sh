#!/usr/bin/env bash
# Trains short ppo, popart-ppo, popart-ppo-raw, popart-impala (pipelined), distral-klent-2col and distill runs with fixed seeds and prints a SHA-256
# of each final checkpoint's tensors (names, dtypes, shapes and bytes; metadata excluded), so that a
# refactor can show that the same seed still gives the same numbers bit for bit (on the same machine:
# OpenBLAS kernels may differ in the last bit between CPUs). The second hash leaves out `state.statistics`
# (the interval's logged statistics, which grow a column when a new metric is added), so it compares
# parameters, optimizer, PopArt, generators and environments alone.
#   experiments/checkpoint-hashes.sh [OUT_DIR]     (about a minute; needs python3; CHORUS=path picks the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
chorus=${CHORUS:-.build/release/chorus}
[ -x "$chorus" ] || swift build -c release >/dev/null
run() { local name=$1; shift; "$chorus" "$@" --out "$out/$name" --overwrite >/dev/null; }
run ppo train --suite cartpole --agent ppo --steps 20000 --seed 1 --eval-episodes 1
run popart-ppo train --suite classic-control --agent popart-ppo --steps 30000 --seed 2 --eval-episodes 1
run popart-ppo-raw train --suite classic-control --agent popart-ppo-raw --steps 30000 --seed 2 --eval-episodes 1
run popart-impala train --suite classic-control --agent popart-impala --steps 40000 --seed 2 --eval-episodes 1
run distral-klent-2col train --suite gridworld-goals --agent distral-klent-2col --steps 20000 --seed 3 --eval-episodes 1
run distill distill --teachers agents/pretrained/classic-control --suite classic-control --task CartPole-v1,Pendulum-v1 \
    --agent distill-small --steps 8000 --seed 4 --eval-episodes 1
for name in ppo popart-ppo popart-ppo-raw popart-impala distral-klent-2col distill; do
    python3 - "$out/$name/checkpoints/latest.safetensors" "$name" <<'PY'
import hashlib, json, struct, sys
data = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
header.pop("__metadata__", None)
def digest(names):
    d = hashlib.sha256()
    for name in sorted(names):
        entry = header[name]
        begin, end = entry["data_offsets"]
        d.update(f"{name}|{entry['dtype']}|{entry['shape']}|".encode())
        d.update(data[8 + n + begin:8 + n + end])
    return d.hexdigest()
learned = [name for name in header if name != "state.statistics"]
print(f"{sys.argv[2]:20s} {digest(header)}  without statistics {digest(learned)[:16]}")
PY
done
