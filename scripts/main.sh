#!/usr/bin/env bash
# The main job: installs the dependencies, builds lossland and runs the XOR survey of the paper
# (N_h = 1..6 x lambda = 1e-1..1e-6) into survey/ with databases, graphs and a summary.
# Extra arguments go to `lossland survey` (e.g. --threads 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
"${BUILD_DIR:-build}/lossland" survey --hidden 1:6 --lambda 1e-1:1e-6 --out survey "$@"
