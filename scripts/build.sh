#!/usr/bin/env bash
# Installs the Debian packages lossland needs (when missing), then configures and builds it in
# Release into build/ (override with BUILD_DIR). Prints the path of the lossland program.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "built $BUILD_DIR/lossland"
