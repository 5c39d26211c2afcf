#!/usr/bin/env bash
# Basin-hopping quenches per second: lossland against scipy.optimize.basinhopping + L-BFGS-B on
# XOR (lambda 1e-4), N_h = 2, 3, 6, five runs each side, medians. Builds nothing: pass the
# lossland binary of a Release build.
#
#   scripts/bench_vs_scipy.sh BUILD/lossland [extra options of bench_vs_scipy.py]
#   e.g. scripts/bench_vs_scipy.sh build/lossland --hidden 3 --runs 3 --gtol 1e-9
#
# Runs under `nice -n -5` when allowed (cleaner numbers on a shared machine), else as is.
# Environment: PYTHON (an interpreter with numpy, scipy and, for the energy check, h5py).
set -euo pipefail

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
}

if [[ $# -ge 1 && ("$1" == "-h" || "$1" == "--help") ]]; then
  usage
  exit 0
fi
if [[ $# -lt 1 ]]; then
  echo "bench_vs_scipy.sh: error: missing the path of the lossland binary (see --help)" >&2
  exit 2
fi

lossland="$1"
shift
if [[ ! -f "$lossland" || ! -x "$lossland" ]]; then
  echo "bench_vs_scipy.sh: error: '$lossland' is not an executable file; build it with" \
    "'cmake --build BUILD --target lossland' (Release) and pass BUILD/lossland" >&2
  exit 2
fi
lossland="$(cd "$(dirname "$lossland")" && pwd)/$(basename "$lossland")"

# The first interpreter that has numpy and scipy (Debian's /usr/bin/python3 does; a pyenv
# python3 earlier on PATH may not).
python=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$candidate" > /dev/null 2>&1 &&
    "$candidate" -c 'import numpy, scipy' > /dev/null 2>&1; then
    python="$candidate"
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "bench_vs_scipy.sh: error: no python3 with numpy and scipy found; install" \
    "python3-numpy python3-scipy (and python3-h5py for the energy check) or set PYTHON" >&2
  exit 2
fi

script="$(cd "$(dirname "$0")" && pwd)/bench_vs_scipy.py"
nice_cmd=()
if nice -n -5 true > /dev/null 2>&1; then nice_cmd=(nice -n -5); fi

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //');" \
  "uptime:$(uptime | sed 's/.*up/ up/')"
echo "lossland: $lossland ($("$lossland" --version 2>/dev/null || echo 'version unknown'))"
exec "${nice_cmd[@]}" "$python" "$script" --lossland "$lossland" --hidden 2 3 6 --runs 5 "$@"
