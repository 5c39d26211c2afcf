#!/usr/bin/env bash
# NGT scaling (issue 17): `lossland kinetics DB --from global --to LAST -T 0.01 --json`, wall
# time and peak RSS (/usr/bin/time), on synthetic landscapes of three topologies (tree: the
# spanning tree only; local: nearest-lower tree + neighbours in a 2-D embedding; random: random
# tree + random pairs, an expander; see bench/synthetic_landscape.hpp), for two builds side by
# side. The runs of the two builds alternate; a cell is the median of REPS runs (default 3),
# or of one run when the first takes more than SLOW seconds (default 20). A run past LIMIT
# seconds (default 120) is stopped and shown as "> LIMIT s". The last column compares the two
# outputs: "yes" when byte-identical, else the largest relative difference of any number.
#
#   scripts/bench_kinetics.sh OLD_LOSSLAND NEW_LOSSLAND [M ...]    (default: 1000 10000 100000)
#
# Environment: GEN (build/gen_landscape), MODEL (tests/data/xor_h3_l1e-06.h5), TOPOLOGIES
# (default "tree local random"), REPS, SLOW, LIMIT, WORK (scratch directory; default a new
# mktemp -d, removed at the end).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
[[ $# -ge 2 ]] || { echo "usage: $0 OLD_LOSSLAND NEW_LOSSLAND [M ...]" >&2; exit 2; }
old=$1 new=$2
shift 2
GEN="${GEN:-$root/build/gen_landscape}"
MODEL="${MODEL:-$root/tests/data/xor_h3_l1e-06.h5}"
TOPOLOGIES="${TOPOLOGIES:-tree local random}"
REPS="${REPS:-3}" SLOW="${SLOW:-20}" LIMIT="${LIMIT:-120}"
WORK="${WORK:-}"
if [[ -z "$WORK" ]]; then
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)
for exe in "$old" "$new" "$GEN"; do
  [[ -x "$exe" ]] || { echo "bench_kinetics.sh: no program at $exe (build it first)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "bench_kinetics.sh: /usr/bin/time is needed" >&2; exit 2; }

# once EXE DB LAST OUT: "secs kB" of one run, or "limit" past LIMIT.
once() {
  if timeout "$LIMIT" /usr/bin/time -f '%e %M' -o "$WORK/time" "$1" kinetics "$2" --from global \
      --to "$3" -T 0.01 --json > "$4" 2> "$WORK/err"; then
    cat "$WORK/time"
  elif [[ $? -eq 124 ]]; then
    echo limit
  else
    echo "fails: $(head -c 80 "$WORK/err")" >&2
    echo fails
  fi
}

# median "secs kB" lines -> "secs s / MB MB" (the median time; the largest RSS).
cell() {
  if grep -q limit <<< "$1"; then printf '> %s s' "$LIMIT"; return; fi
  if grep -q fails <<< "$1"; then printf 'fails'; return; fi
  sort -n <<< "$1" | awk '{ t[NR] = $1; if ($2 > k) k = $2 }
    END { printf "%.2f s / %.0f MB", t[int((NR + 1) / 2)], k / 1024 }'
}

echo "| topology | M | TS | old | new | same JSON |"
echo "|---|---:|---:|---:|---:|---|"
for topo in $TOPOLOGIES; do
  for m in "${sizes[@]}"; do
    db="$WORK/$topo-$m.h5"
    case $topo in
      tree) args=(1 1 random) ;;
      local) args=(2 1 local) ;;
      random) args=(2 1 random) ;;
      *) echo "bench_kinetics.sh: unknown topology $topo (tree, local or random)" >&2; exit 2 ;;
    esac
    [[ -f "$db" ]] || "$GEN" "$MODEL" "$db" "$m" "${args[@]}" > /dev/null
    ts=$(( m * ${args[0]} > m - 1 ? m * ${args[0]} : m - 1 ))
    o="" n=""
    for ((r = 0; r < REPS; ++r)); do
      a=$(once "$old" "$db" $((m - 1)) "$WORK/old.json")
      b=$(once "$new" "$db" $((m - 1)) "$WORK/new.json")
      o+="$a"$'\n' n+="$b"$'\n'
      echo "$topo M=$m run $r: old $a, new $b" >&2
      [[ $a == limit || $b == limit || $a == fails || $b == fails ]] && break
      awk -v s="${a%% *}" -v t="${b%% *}" -v lim="$SLOW" 'BEGIN { exit !(s > lim || t > lim) }' && break
    done
    same="-"
    if [[ $a != limit && $b != limit && $a != fails && $b != fails ]]; then
      if cmp -s "$WORK/old.json" "$WORK/new.json"; then
        same=yes
      else  # the largest relative difference of any number in the two outputs
        same="max rel. diff $(/usr/bin/python3 - "$WORK/old.json" "$WORK/new.json" <<'PY'
import json, sys
worst = 0.0
def walk(x, y):
    global worst
    if isinstance(x, dict):
        if x.keys() != y.keys(): worst = float("inf"); return
        for k in x: walk(x[k], y[k])
    elif isinstance(x, list):
        if len(x) != len(y): worst = float("inf"); return
        for u, v in zip(x, y): walk(u, v)
    elif isinstance(x, float) and isinstance(y, float):
        if x != y: worst = max(worst, abs(x - y) / max(abs(x), abs(y)))
    elif x != y:
        worst = float("inf")
walk(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
print(f"{worst:.1e}")
PY
)"
      fi
    fi
    echo "| $topo | $m | $ts | $(cell "${o%$'\n'}") | $(cell "${n%$'\n'}") | $same |"
  done
done
