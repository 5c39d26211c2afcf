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

# The Python module (build/python/lossland): a lossland.pth in the Debian interpreter's
# site-packages puts it on sys.path, so that `python3 -c "import lossland"` works from anywhere,
# as `pip install -e .` would (there is no pip here). The newest build of any checkout wins.
# LOSSLAND_NO_PTH=1 skips this; without write access to site-packages it is skipped with a note.
if [ -d "$BUILD_DIR/python/lossland" ] && [ -z "${LOSSLAND_NO_PTH:-}" ] && [ -x /usr/bin/python3 ]; then
  site=$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])')
  module_dir=$(cd "$BUILD_DIR/python" && pwd)
  if mkdir -p "$site" 2>/dev/null && echo "$module_dir" > "$site/lossland.pth" 2>/dev/null; then
    echo "python: import lossland now finds $module_dir ($site/lossland.pth)"
  else
    echo "python: cannot write $site/lossland.pth; use PYTHONPATH=$module_dir /usr/bin/python3"
  fi
fi
