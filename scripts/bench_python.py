#!/usr/bin/env python3
"""lossland.energy_gradient (the C++ loss through the Python module) against the numpy
implementation of the same loss in scripts/bench_vs_scipy.py (NumpyMlpLoss), called from Python
the way an optimiser would: one (E, dE/dw) evaluation per call at a fixed random w.

For each N_h and dataset size N (XOR's 4 points, and N random points with random labels), both
sides are first checked to agree (|dE| <= 1e-12 |E|, max |dg| <= 1e-10), then each is timed in
--runs runs of enough calls to last about --seconds; the median time per call of each and their
ratio numpy / lossland (how many times faster the module is) are printed side by side.

    PYTHONPATH=build/python /usr/bin/python3 scripts/bench_python.py [--runs 7] [--json]
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_vs_scipy import XOR_INPUTS, XOR_LABELS, NumpyMlpLoss  # noqa: E402

try:
    import lossland
except ImportError as exc:  # pragma: no cover - environment problem
    sys.exit(f"bench_python.py: error: {exc}. Build the module (cmake --build build --target "
             "lossland_python) and run with PYTHONPATH=build/python /usr/bin/python3.")


def per_call(fn, w, seconds):
    """Seconds per call of fn(w), from a run of about `seconds`."""
    calls = 1
    while True:  # grow the batch until it lasts long enough to time
        t0 = time.perf_counter()
        for _ in range(calls):
            fn(w)
        dt = time.perf_counter() - t0
        if dt >= seconds:
            return dt / calls
        calls = max(2 * calls, int(1.2 * calls * seconds / max(dt, 1e-9)))


def case(hidden, n, lam, runs, seconds, rng):
    if n == 4:
        X, y = XOR_INPUTS, XOR_LABELS
    else:
        X, y = rng.normal(size=(n, 2)), rng.integers(0, 2, size=n)
    model = lossland.Model(hidden=hidden, lambda_=lam, X=X, y=y)
    ref = NumpyMlpLoss(X, y, hidden, lam, num_classes=2)
    w = rng.normal(size=model.num_params)
    e, g = lossland.energy_gradient(model, w)
    e_ref, g_ref = ref.energy_gradient(w)
    if abs(e - e_ref) > 1e-12 * abs(e_ref) or np.max(np.abs(g - g_ref)) > 1e-10:
        sys.exit(f"bench_python.py: N_h={hidden} N={n}: lossland and numpy disagree "
                 f"(E {e!r} vs {e_ref!r}, max |dg| {np.max(np.abs(g - g_ref)):.3g})")
    ours = [per_call(lambda v: lossland.energy_gradient(model, v), w, seconds) for _ in range(runs)]
    theirs = [per_call(ref.energy_gradient, w, seconds) for _ in range(runs)]
    a, b = statistics.median(ours), statistics.median(theirs)
    return {"hidden": hidden, "N": n, "P": model.num_params, "lossland_us": a * 1e6,
            "numpy_us": b * 1e6, "ratio": b / a}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7, help="timed runs per side (median; default 7)")
    p.add_argument("--seconds", type=float, default=0.2, help="length of one run (default 0.2)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    a = p.parse_args()
    rng = np.random.default_rng(0)
    rows = [case(h, n, 1e-4, a.runs, a.seconds, rng)
            for h, n in [(2, 4), (10, 4), (50, 4), (10, 1000), (50, 1000)]]
    if a.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"energy_gradient per call, median of {a.runs} runs (numpy {np.__version__})")
    print(f"{'N_h':>4} {'N':>6} {'P':>5} {'lossland us':>12} {'numpy us':>10} {'numpy/lossland':>15}")
    for r in rows:
        print(f"{r['hidden']:>4} {r['N']:>6} {r['P']:>5} {r['lossland_us']:>12.2f} "
              f"{r['numpy_us']:>10.2f} {r['ratio']:>15.1f}")


if __name__ == "__main__":
    main()
