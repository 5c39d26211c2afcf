#!/usr/bin/env bash
# Kills a process that saves a database in place over and over (bench/save_kill.cpp) with
# SIGKILL at random moments, then checks that the file reads back (repairing the killed save
# from its journal) as exactly one of the states the process saved. Each trial continues the
# same file, so the file grows over the trials.
#   bash bench/save_kill.sh [KILLS (200)] [BUILD_DIR (build)]
set -euo pipefail
kills="${1:-200}"
bin="${2:-build}/save_kill"
[ -x "$bin" ] || { echo "build it first: cmake --build build --target save_kill" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/k.h5"
ok=0 bad=0 repaired=0
for _ in $(seq 1 "$kills"); do
  "$bin" loop "$db" 2> "$work/err" &
  pid=$!
  sleep "0.$(printf %03d $((RANDOM % 400 + 20)))"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  [ -e "$db.journal" ] && repaired=$((repaired + 1))
  if "$bin" check "$db" > "$work/out" 2>&1; then ok=$((ok + 1)); else bad=$((bad + 1)); cat "$work/out"; fi
done
echo "kills: $kills, a saved state after the kill: $ok, not: $bad, journals left by the kill (repaired): $repaired, final: $(cat "$work/out")"
[ "$bad" -eq 0 ]
