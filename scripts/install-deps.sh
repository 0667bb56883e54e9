#!/usr/bin/env bash
# Installs what Chorus needs on Debian/Ubuntu: OpenBLAS (matrix products), SDL2, SDL2_ttf, SDL2_image and giflib with a
# DejaVu font (the `watch` viewer), zlib (the test suite reads gzip-compressed MinAtar traces), for the test suite Python's safetensors and numpy (checkpoint
# interoperability), Open MPI (the optional MPI trait: `mpirun -np N chorus train …`), and TensorBoard (`tensorboard --logdir runs` reads the event files Chorus writes).
# Safe to run again.
set -euo pipefail
packages=(pkg-config libopenblas-dev libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libgif-dev zlib1g-dev fonts-dejavu-core xvfb python3 python3-pip libopenmpi-dev openmpi-bin)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! python3 -c "import safetensors.numpy, numpy" >/dev/null 2>&1; then
    python3 -m pip install --quiet safetensors numpy 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages safetensors numpy \
        || echo "note: could not install safetensors/numpy; the Python interop test will be skipped"
fi
if ! python3 -c "import tensorboard" >/dev/null 2>&1; then
    python3 -m pip install --quiet tensorboard 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages tensorboard \
        || echo "note: could not install tensorboard; the EventAccumulator test will be skipped (Chorus writes event files without it)"
fi
echo "Chorus dependencies are installed."
