#!/usr/bin/env bash
# Fails if any C++ file in the repository differs from what clang-format (.clang-format) makes,
# or if a text file points to a file the repository does not hold (scripts/check_refs.py).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format > /dev/null || bash scripts/install-deps.sh
bad=0
while IFS= read -r f; do
  if ! clang-format --dry-run -Werror "$f" > /dev/null 2>&1; then
    echo "not clang-formatted: $f (run clang-format -i $f)"
    bad=1
  fi
done < <(git ls-files '*.cpp' '*.hpp' '*.h')
[ "$bad" -eq 0 ] && echo "clang-format: all files formatted"
# Every reference points inside the repository (scripts/check_refs.py says what it looks for
# and lists what it found).
python3 scripts/check_refs.py || bad=1
exit "$bad"
