#!/usr/bin/env bash
# Installs the Debian 12 packages lossland builds, tests and benchmarks with.
# Idempotent: packages already present are left alone; apt-get runs only when one is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libeigen3-dev liblbfgspp-dev libboost-graph-dev
  libhdf5-dev hdf5-tools
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libcairo2-dev
  libopenmpi-dev openmpi-bin
  python3 python3-numpy python3-scipy python3-h5py
  pybind11-dev python3-dev python3-pytest
  clang-format time
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
