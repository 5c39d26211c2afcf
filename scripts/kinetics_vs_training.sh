#!/usr/bin/env bash
# The comparison of docs/kinetics.md: one XOR landscape (N_h = 3, lambda = 1e-4), its equilibrium
# occupations against the basins of plain training, and the master equation's mean first-passage
# time from the all-zero minimum to the good minima against noisy gradient descent.
# Usage: bash scripts/kinetics_vs_training.sh [OUT_DIR]   (about an hour on two cores; the
# T = 1e-8 simulation dominates)
set -euo pipefail
cd "$(dirname "$0")/.."
L=build/lossland
out=${1:-kinetics_check}
mkdir -p "$out"
db=$out/x3.h5
[ -f "$db" ] || { $L bh "$db" --hidden 3 --lambda 1e-4 && $L connect "$db" --all && $L analyze "$db"; }
$L query "$db" minima --columns horder,auc
$L query "$db" ts --columns horder
for T in 1e-4 1e-3 1e-2; do $L thermo "$db" --temperature $T; done
$L train "$db" --method all --runs 200
$L thermo "$db" --scan 1e-5:1e-1 --points 61 --top 6 -o "$out/kinetics_x3_thermo.png"
$L dgraph "$db" --free-energy 1e-3 -o "$out/kinetics_x3_free_energy.png"
e0=$($L query "$db" minima --where 'auc<1' --json | python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["minima"][0]["energy"]))')
for T in 1e-7 5e-8 2e-8 1e-8; do
  $L kinetics "$db" --from zero --to 'auc>=1' --temperature $T
  $L langevin "$db" --from zero --to 'auc>=1' --temperature $T --dt 0.1 --arrive-below "$e0" \
    --runs 100 -j 2
done
