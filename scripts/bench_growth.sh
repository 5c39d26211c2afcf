#!/usr/bin/env bash
# Growth benchmark (issue 17): wall time and peak memory of every read command on synthetic
# landscapes of M minima and about 2M transition states (bench/gen_landscape.cpp; the model and
# dataset of the committed XOR N_h = 3 fixture), printed as one markdown table.
#
#   scripts/bench_growth.sh [M ...]      (default: 1000 10000 100000)
#
# Each command runs once under /usr/bin/time (%e s, %M kB); a command that runs past LIMIT
# seconds (default 300) is stopped and shown as "> LIMIT s". Environment: LOSSLAND
# (build/lossland), GEN (build/gen_landscape), MODEL (tests/data/xor_h3_l1e-06.h5), LIMIT,
# WORK (scratch directory; default a new mktemp -d, removed at the end), COMMANDS (the names
# of the rows to run, default all), TOPOLOGY (random, the default, or local[:D[:K]]: see
# bench/synthetic_landscape.hpp).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
LOSSLAND="${LOSSLAND:-$root/build/lossland}"
GEN="${GEN:-$root/build/gen_landscape}"
MODEL="${MODEL:-$root/tests/data/xor_h3_l1e-06.h5}"
LIMIT="${LIMIT:-300}"
TOPOLOGY="${TOPOLOGY:-random}"
WORK="${WORK:-}"
if [[ -z "$WORK" ]]; then
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)
for exe in "$LOSSLAND" "$GEN"; do
  [[ -x "$exe" ]] || { echo "bench_growth.sh: no program at $exe (build it first)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "bench_growth.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

names=(stats minima path dgraph info export thermo kinetics)
COMMANDS="${COMMANDS:-${names[*]}}"
declare -A label=(
  [stats]='`query DB stats`' [minima]='`query DB minima --limit 5`' [path]='`query DB path 0 LAST`'
  [dgraph]='`dgraph DB -o g.png`' [info]='`info DB`' [export]='`export DB --format pathsample`'
  [thermo]='`thermo DB -T 0.01`' [kinetics]='`kinetics DB --from global --to LAST -T 0.01`')

# run NAME DB LAST: prints "time s / peak MB" for one command.
run() {
  local name=$1 db=$2 last=$3 out="$WORK/out.$1"
  local -a cmd
  case $name in
    stats) cmd=(query "$db" stats) ;;
    minima) cmd=(query "$db" minima --limit 5) ;;
    path) cmd=(query "$db" path 0 "$last") ;;
    dgraph) cmd=(dgraph "$db" -o "$WORK/g.png") ;;
    info) cmd=(info "$db") ;;
    export) rm -rf "$WORK/export"; cmd=(export "$db" --format pathsample --out "$WORK/export") ;;
    thermo) cmd=(thermo "$db" -T 0.01) ;;
    kinetics) cmd=(kinetics "$db" --from global --to "$last" -T 0.01) ;;
  esac
  if timeout "$LIMIT" /usr/bin/time -f '%e %M' -o "$WORK/time" "$LOSSLAND" "${cmd[@]}" \
      > "$out" 2> "$WORK/err.$name"; then
    read -r secs kb < "$WORK/time"
    awk -v s="$secs" -v k="$kb" 'BEGIN { printf "%.2f s / %.0f MB", s, k / 1024 }'
  elif [[ $? -eq 124 ]]; then
    printf '> %s s' "$LIMIT"
  else
    printf 'fails (%s)' "$(head -c 80 "$WORK/err.$name" | tr '\n|' '  ')"
  fi
}

header="| command |"; rule="|---|"
for m in "${sizes[@]}"; do header+=" $m minima |"; rule+="---:|"; done
declare -A cell
files="| file MB |"
for m in "${sizes[@]}"; do
  db="$WORK/synth_${TOPOLOGY//:/_}_$m.h5"
  [[ -f "$db" ]] || "$GEN" "$MODEL" "$db" "$m" 2 1 "$TOPOLOGY" > /dev/null
  files+=" $(du -m "$db" | cut -f1) |"
  for name in $COMMANDS; do
    cell[$name,$m]="$(run "$name" "$db" $((m - 1)))"
    echo "M = $m $name: ${cell[$name,$m]}" >&2
  done
done
echo "$header"
echo "$rule"
echo "$files"
for name in $COMMANDS; do
  row="| ${label[$name]} |"
  for m in "${sizes[@]}"; do row+=" ${cell[$name,$m]} |"; done
  echo "$row"
done
