#!/usr/bin/env bash
# Connection benchmarks and survey (issue 3 item 8 and "Done when"), printed as markdown tables.
#
#   scripts/bench_connect.sh [timing|survey|all]      (default: all)
#
# timing: for XOR N_h = 1..6 at lambda = 1e-4, `lossland bh` with default settings, then the
#   wall time of `lossland connect DB --all --threads T` for T = 2 and 1, each the median of
#   RUNS (3) runs, every run on a fresh copy of the same bh database.
# survey: for N_h = 1..6 x lambda in {1e-2, 1e-4, 1e-6}: bh with defaults, connect --all, then
#   the numbers of minima and transition states and whether the minima form one connected set
#   (`lossland query DB stats --json`).
#
# Environment: LOSSLAND (the binary; default build/lossland), RUNS (3), HIDDEN ("1 2 3 4 5 6"),
# WORK (scratch directory; default a new mktemp -d). Needs jq.
set -euo pipefail

mode="${1:-all}"
root="$(cd "$(dirname "$0")/.." && pwd)"
LOSSLAND="${LOSSLAND:-$root/build/lossland}"
RUNS="${RUNS:-3}"
HIDDEN="${HIDDEN:-1 2 3 4 5 6}"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$WORK"

[[ -x "$LOSSLAND" ]] || { echo "bench_connect.sh: no lossland binary at $LOSSLAND (build it, or set LOSSLAND)" >&2; exit 2; }
command -v jq > /dev/null || { echo "bench_connect.sh: jq is needed (apt-get install jq)" >&2; exit 2; }

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

timing() {
  echo "### connect --all wall time, XOR, lambda = 1e-4 (median of $RUNS runs)"
  echo
  echo "| N_h | minima (bh) | bh s | connect s, 2 threads | connect s, 1 thread | minima after | TS | sets |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  for h in $HIDDEN; do
    local base="$WORK/t_h${h}.h5"
    rm -f "$base"
    local t0 t1
    t0=$(now)
    "$LOSSLAND" bh "$base" --hidden "$h" --lambda 1e-4 --json > "$WORK/bh_h${h}.json"
    t1=$(now)
    local bh_s minima
    bh_s=$(echo "$t1 - $t0" | bc -l)
    minima=$(jq .minima "$WORK/bh_h${h}.json")
    declare -A med
    local last=""
    for threads in 2 1; do
      local times=()
      for run in $(seq "$RUNS"); do
        local db="$WORK/t_h${h}_j${threads}_r${run}.h5"
        cp "$base" "$db"
        t0=$(now)
        "$LOSSLAND" connect "$db" --all --threads "$threads" --json > "$db.json"
        t1=$(now)
        times+=("$(echo "$t1 - $t0" | bc -l)")
        last="$db.json"
      done
      med[$threads]=$(printf '%s\n' "${times[@]}" | median)
    done
    printf '| %d | %d | %.2f | %.2f | %.2f | %d | %d | %d |\n' "$h" "$minima" "$bh_s" \
      "${med[2]}" "${med[1]}" "$(jq .minima "$last")" "$(jq .transition_states "$last")" \
      "$(jq .connected_sets "$last")"
    unset med
  done
  echo
}

survey() {
  echo "### Survey: bh (defaults) then connect --all (defaults)"
  echo
  echo "| N_h | lambda | minima | transition states | degenerate TS | connected sets | one set | bh s | connect s |"
  echo "|---:|---:|---:|---:|---:|---:|:---:|---:|---:|"
  for h in $HIDDEN; do
    for lambda in 1e-2 1e-4 1e-6; do
      local db="$WORK/s_h${h}_l${lambda}.h5"
      rm -f "$db"
      local t0 t1 t2
      t0=$(now)
      "$LOSSLAND" bh "$db" --hidden "$h" --lambda "$lambda" --json > /dev/null
      t1=$(now)
      "$LOSSLAND" connect "$db" --all --json > "$db.connect.json"
      t2=$(now)
      "$LOSSLAND" query "$db" stats --json > "$db.stats.json"
      local sets one
      sets=$(jq .connected_sets "$db.stats.json")
      one=$([[ "$sets" == 1 ]] && echo yes || echo NO)
      printf '| %d | %s | %d | %d | %d | %d | %s | %.2f | %.2f |\n' "$h" "$lambda" \
        "$(jq .minima "$db.stats.json")" "$(jq .transition_states "$db.stats.json")" \
        "$(jq .self_loop_transition_states "$db.stats.json")" "$sets" "$one" \
        "$(echo "$t1 - $t0" | bc -l)" "$(echo "$t2 - $t1" | bc -l)"
    done
  done
  echo
}

echo "lossland: $LOSSLAND ($("$LOSSLAND" --version)); $(nproc) cores; scratch $WORK"
echo
case "$mode" in
  timing) timing ;;
  survey) survey ;;
  all) timing; survey ;;
  *) echo "bench_connect.sh: unknown mode '$mode' (timing, survey or all)" >&2; exit 2 ;;
esac
