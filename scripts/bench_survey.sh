#!/usr/bin/env bash
# Survey performance (issue 7): the full paper survey (N_h = 1..6 x lambda = 1e-1..1e-6) on one
# process with 2 threads and on 2 MPI ranks with 1 thread each; then single landscapes at
# N_h = 2..MAX_H (default 12) and lambda = 1e-4, each its own survey, with wall time and peak
# memory (GNU time). Usage: scripts/bench_survey.sh [path/to/lossland] [MAX_H]
set -euo pipefail
LOSSLAND=${1:-build/lossland}
MAX_H=${2:-12}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader

measure() {  # measure LABEL COMMAND...: prints "LABEL  wall_s  peak_MiB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$WORK/log" 2>&1
  read -r wall kib < "$WORK/time"
  awk -v l="$label" -v w="$wall" -v k="$kib" 'BEGIN { printf "%-34s %9.1f %9.1f\n", l, w, k / 1024 }'
}

printf "%-34s %9s %9s\n" "run" "wall_s" "peak_MiB"
measure "paper survey, 1 rank x 2 threads" "$LOSSLAND" survey --out "$WORK/r1" -j 2
grep -E "^\| [0-9]" "$WORK/r1/summary.md" > "$WORK/r1.rows"
if command -v mpirun > /dev/null; then
  measure "paper survey, 2 ranks x 1 thread" mpirun -np 2 --oversubscribe "$LOSSLAND" survey --out "$WORK/r2" -j 1
fi
for h in $(seq 2 "$MAX_H"); do
  measure "N_h = $h, lambda = 1e-4" "$LOSSLAND" survey --hidden "$h" --lambda 1e-4 --out "$WORK/h$h" -j 2 --no-graphs
  tail -n +5 "$WORK/h$h/summary.md" | grep -E "^\| $h " | awk -F'|' '{printf "    minima %s  transition states %s\n", $4, $6}'
done
