#!/usr/bin/env python3
"""Basin-hopping throughput of lossland against scipy.optimize.basinhopping + L-BFGS-B.

The loss is re-implemented here in numpy, independently of the C++ code (docs/loss.md;
Mehta, Zhao, Bernal & Wales, Phys. Rev. E 97, 052307 (2018), Eqs. 1-3):

    z = b + W x,  h = tanh(z),  y = c + V h,  p = softmax(y)
    E(w) = -(1/N) sum_d ln p_{c(d)}(x_d) + lambda * |w|^2          (all parameters penalised)
    w = [ W (H x I, row-major) | b (H) | V (O x H, row-major) | c (O) ],  P = H(I+1) + O(H+1)

Before timing anything the script checks itself:
  1. E(0) = ln O exactly (every logit is zero at w = 0);
  2. the analytic gradient against central finite differences at random weights;
  3. with --lossland: the energies of the minima that `lossland bh` stored in its HDF5 database,
     recomputed here from the stored coordinates, model and data (must agree to ~1e-12), and
     the numpy gradient there (must vanish: they are minima).
Any failure prints what disagreed and exits with status 1.

Then, for each N_h, it runs both sides --runs times with different seeds on XOR:
  scipy:    basinhopping(E, x0 ~ N(0,1), niter=N, T=0.1, stepsize=0.6, seed=S,
            minimizer_kwargs={'method': 'L-BFGS-B', 'jac': True,
                              'options': {'gtol': G, 'ftol': 0, 'maxiter': 20000}})
            quenches = niter + 1 (the initial minimisation counts), time = wall time of the call;
            the final gradient of every quench is recomputed afterwards (outside the timing) and
            the fractions that met max|g| <= G and RMS |g|/sqrt(P) <= 1e-11 are reported;
  lossland: lossland bh DB --hidden H --lambda L --threads 1 --walkers 1 --steps M
            --stop-after 0 --seed S --json; quenches = steps, time = its reported seconds
            (the search itself, without process start-up and the final HDF5 write).
Medians over the runs are printed, with the ratio lossland/scipy of quenches per second, both
per wall-clock second and per CPU second (scipy: process_time of the call; lossland: the CPU
time of the whole child process), the latter being steadier on a loaded machine.
"""

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import scipy
    from scipy.optimize import basinhopping
except ImportError as exc:  # pragma: no cover - environment problem
    sys.exit(f"bench_vs_scipy.py: error: {exc}. Install python3-numpy and python3-scipy "
             "(Debian) or run with the interpreter that has them, e.g. /usr/bin/python3.")

LOSSLAND_RMS_TOLERANCE = 1e-11  # lossland's default quench convergence (MinimizerOptions)
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_LABELS = np.array([0, 1, 1, 0])


class NumpyMlpLoss:
    """E(w) and dE/dw of the one-hidden-layer tanh/softmax network, vectorised over samples."""

    def __init__(self, inputs, labels, hidden, lam, num_classes=None):
        self.X = np.asarray(inputs, dtype=float)
        self.labels = np.asarray(labels, dtype=int)
        self.N, self.I = self.X.shape
        self.H = int(hidden)
        self.O = int(num_classes if num_classes is not None else max(2, self.labels.max() + 1))
        self.lam = float(lam)
        self.P = self.H * (self.I + 1) + self.O * (self.H + 1)
        self.onehot = np.zeros((self.N, self.O))
        self.onehot[np.arange(self.N), self.labels] = 1.0

    def unpack(self, w):
        H, I, O = self.H, self.I, self.O
        W = w[: H * I].reshape(H, I)
        b = w[H * I: H * (I + 1)]
        off = H * (I + 1)
        V = w[off: off + O * H].reshape(O, H)
        c = w[off + O * H: off + O * H + O]
        return W, b, V, c

    def energy_gradient(self, w):
        W, b, V, c = self.unpack(w)
        hid = np.tanh(self.X @ W.T + b)                       # N x H
        y = hid @ V.T + c                                     # N x O
        ymax = y.max(axis=1, keepdims=True)
        ey = np.exp(y - ymax)
        sum_ey = ey.sum(axis=1, keepdims=True)
        log_norm = ymax[:, 0] + np.log(sum_ey[:, 0])          # ln sum_k exp(y_k), stable
        e = np.mean(log_norm - y[np.arange(self.N), self.labels]) + self.lam * np.dot(w, w)
        dy = (ey / sum_ey - self.onehot) / self.N             # dE/dy: (p - onehot) / N
        dz = (dy @ V) * (1.0 - hid * hid)                     # back through tanh
        grad = np.concatenate([(dz.T @ self.X).ravel(), dz.sum(axis=0),
                               (dy.T @ hid).ravel(), dy.sum(axis=0)])
        return e, grad + 2.0 * self.lam * w

    def energy(self, w):
        return self.energy_gradient(w)[0]


def fail(message):
    print(f"SELF-CHECK FAILED: {message}", flush=True)
    sys.exit(1)


def self_check_finite_differences(hidden_sizes, lam, rng):
    """Checks E(0) = ln 2 and the gradient against central differences at random weights."""
    worst = 0.0
    for H in hidden_sizes:
        loss = NumpyMlpLoss(XOR_INPUTS, XOR_LABELS, H, lam)
        e0 = loss.energy(np.zeros(loss.P))
        if abs(e0 - math.log(2.0)) > 1e-15:
            fail(f"N_h={H}: E(0) = {e0!r}, expected ln 2 = {math.log(2.0)!r}")
        for trial in range(5):
            w = rng.normal(0.0, 1.0, loss.P)
            _, g = loss.energy_gradient(w)
            step = 1e-5
            fd = np.empty(loss.P)
            for r in range(loss.P):
                wp, wm = w.copy(), w.copy()
                wp[r] += step
                wm[r] -= step
                fd[r] = (loss.energy(wp) - loss.energy(wm)) / (2 * step)
            err = np.max(np.abs(fd - g)) / max(1.0, np.max(np.abs(g)))
            worst = max(worst, err)
            if err > 1e-8:  # central differences: O(step^2) ~ 1e-10 truncation, ~1e-11 round-off
                fail(f"N_h={H} trial {trial}: analytic gradient differs from central differences "
                     f"by {err:.3e} (relative max-abs); largest at parameter {np.argmax(np.abs(fd - g))}")
    print(f"self-check: E(0) = ln 2 for N_h in {hidden_sizes}; gradient vs central differences "
          f"(h=1e-5, 5 random N(0,1) points each): worst relative max-abs error {worst:.2e} (limit 1e-8)",
          flush=True)


def self_check_against_lossland(lossland, hidden, lam, workdir):
    """Recomputes with numpy the energies of the minima `lossland bh` stored; they must agree."""
    try:
        import h5py
    except ImportError:
        print("lossland energy check: SKIPPED (python3-h5py not installed: apt-get install -y "
              "python3-h5py)", flush=True)
        return None
    path = os.path.join(workdir, f"check_h{hidden}.h5")
    cmd = [lossland, "bh", path, "--hidden", str(hidden), "--lambda", repr(lam), "--threads", "1",
           "--walkers", "1", "--steps", "300", "--stop-after", "0", "--seed", "7", "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"`{' '.join(cmd)}` exited {proc.returncode}: {proc.stderr.strip()}")
    with h5py.File(path, "r") as f:
        layers = [int(v) for v in f.attrs["layers"]]
        activation = f.attrs["activation"]
        regularize = f.attrs["regularize"]
        activation = activation.decode() if isinstance(activation, bytes) else str(activation)
        regularize = regularize.decode() if isinstance(regularize, bytes) else str(regularize)
        file_lambda = float(f.attrs["lambda"])
        inputs = f["dataset/inputs"][()]
        labels = f["dataset/labels"][()]
        energies = f["minima/energy"][()]
        coords = f["minima/coords"][()]
    if activation != "tanh" or regularize != "all" or layers[1] != hidden or file_lambda != lam:
        fail(f"{path}: unexpected model layers={layers} activation={activation} "
             f"regularize={regularize} lambda={file_lambda}")
    loss = NumpyMlpLoss(inputs, labels, hidden, file_lambda, num_classes=layers[-1])
    if coords.shape[1] != loss.P:
        fail(f"{path}: coords have {coords.shape[1]} columns, numpy layout expects P = {loss.P}")
    diffs, grad_rms = [], []
    for e_file, w in zip(energies, coords):
        e, g = loss.energy_gradient(w)
        diffs.append(abs(e - e_file))
        grad_rms.append(np.linalg.norm(g) / math.sqrt(loss.P))
    worst, worst_g = max(diffs), max(grad_rms)
    print(f"lossland energy check (N_h={hidden}): {len(energies)} stored minima "
          f"(E from {energies.min():.12f} to {energies.max():.12f}); "
          f"max |E_numpy - E_lossland| = {worst:.2e}; max numpy RMS gradient there = {worst_g:.2e}",
          flush=True)
    if worst > 1e-12:
        fail(f"numpy and lossland energies differ by {worst:.3e} (> 1e-12) at a stored minimum")
    if worst_g > 1e-9:
        fail(f"numpy RMS gradient {worst_g:.3e} at a lossland minimum (> 1e-9): layouts disagree?")
    return {"hidden": hidden, "minima": int(len(energies)), "max_energy_diff": worst,
            "max_grad_rms": worst_g}


def run_scipy(hidden, lam, niter, gtol, seed):
    loss = NumpyMlpLoss(XOR_INPUTS, XOR_LABELS, hidden, lam)
    rng = np.random.default_rng(seed)
    x0 = rng.normal(0.0, 1.0, loss.P)
    quenched = []
    kwargs = {"method": "L-BFGS-B", "jac": True,
              "options": {"gtol": gtol, "ftol": 0.0, "maxiter": 20000}}
    start, cpu_start = time.perf_counter(), time.process_time()
    basinhopping(loss.energy_gradient, x0, niter=niter, T=0.1, stepsize=0.6, seed=seed,
                 minimizer_kwargs=kwargs, callback=lambda x, f, accept: quenched.append(x.copy()))
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    quenches = niter + 1
    if len(quenched) != quenches:
        fail(f"scipy callback saw {len(quenched)} quenches, expected niter + 1 = {quenches}")
    grads = [loss.energy_gradient(x)[1] for x in quenched]  # outside the timing
    met_gtol = sum(np.max(np.abs(g)) <= gtol for g in grads) / quenches
    met_rms = sum(np.linalg.norm(g) / math.sqrt(loss.P) <= LOSSLAND_RMS_TOLERANCE
                  for g in grads) / quenches
    median_maxabs = float(np.median([np.max(np.abs(g)) for g in grads]))
    return {"quenches": quenches, "seconds": seconds, "rate": quenches / seconds,
            "cpu_rate": quenches / cpu, "met_gtol": met_gtol, "met_rms": met_rms, "median_maxabs_grad": median_maxabs}


def run_lossland(lossland, hidden, lam, steps, seed, workdir):
    path = os.path.join(workdir, f"bh_h{hidden}_s{seed}.h5")
    if os.path.exists(path):
        os.remove(path)
    cmd = [lossland, "bh", path, "--hidden", str(hidden), "--lambda", repr(lam), "--threads", "1",
           "--walkers", "1", "--steps", str(steps), "--stop-after", "0", "--seed", str(seed),
           "--json"]
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    if proc.returncode != 0:
        fail(f"`{' '.join(cmd)}` exited {proc.returncode}: {proc.stderr.strip()}")
    out = json.loads(proc.stdout)
    os.remove(path)
    failed = int(out.get("failed_quenches", 0))
    return {"quenches": int(out["steps"]), "seconds": float(out["seconds"]),
            "rate": int(out["steps"]) / float(out["seconds"]), "wall": wall,
            "wall_rate": int(out["steps"]) / wall, "cpu_rate": int(out["steps"]) / cpu,
            "failed": failed, "minima": int(out["minima"])}


def median(rows, key):
    return statistics.median(r[key] for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lossland", help="path of the lossland binary (omit: scipy side only)")
    ap.add_argument("--hidden", type=int, nargs="+", default=[3], help="N_h values (default 3)")
    ap.add_argument("--lambda", dest="lam", type=float, default=1e-4, help="default 1e-4")
    ap.add_argument("--runs", type=int, default=5, help="runs per side, seeds 1..runs (default 5)")
    ap.add_argument("--niter", type=int, default=200, help="scipy basinhopping niter (default 200)")
    ap.add_argument("--steps", type=int, default=3000, help="lossland bh --steps (default 3000)")
    ap.add_argument("--gtol", type=float, default=1e-10,
                    help="L-BFGS-B gtol, max-abs projected gradient (default 1e-10; L-BFGS-B stalls near"
                         " 2e-10 on XOR, so tighter values cost the same and are met by none)")
    ap.add_argument("--json", help="also write all runs and medians to this JSON file")
    args = ap.parse_args()
    if args.runs < 1 or args.niter < 1 or args.steps < 1:
        ap.error("--runs, --niter and --steps must be >= 1")
    if args.gtol <= 0:
        ap.error("--gtol must be > 0")
    if any(h < 1 for h in args.hidden):
        ap.error("--hidden values must be >= 1")
    if args.lossland and not (os.path.isfile(args.lossland) and os.access(args.lossland, os.X_OK)):
        ap.error(f"--lossland {args.lossland}: not an executable file; build it with "
                 "`cmake --build BUILD --target lossland` and pass BUILD/lossland")

    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}", flush=True)
    self_check_finite_differences(sorted(set(args.hidden) | {1, 3}), args.lam,
                                  np.random.default_rng(12345))
    report = {"lambda": args.lam, "gtol": args.gtol, "runs": args.runs, "checks": [], "results": []}

    with tempfile.TemporaryDirectory(prefix="bench_vs_scipy_") as workdir:
        if args.lossland:
            for H in args.hidden:
                check = self_check_against_lossland(args.lossland, H, args.lam, workdir)
                if check:
                    report["checks"].append(check)
        for H in args.hidden:
            scipy_rows = [run_scipy(H, args.lam, args.niter, args.gtol, seed)
                          for seed in range(1, args.runs + 1)]
            for s, r in enumerate(scipy_rows, 1):
                print(f"  N_h={H} scipy    seed {s}: {r['quenches']} quenches in "
                      f"{r['seconds']:.2f} s = {r['rate']:.1f}/s (cpu {r['cpu_rate']:.1f}/s); met gtol {100 * r['met_gtol']:.0f}%,"
                      f" met RMS<=1e-11 {100 * r['met_rms']:.0f}%", flush=True)
            row = {"hidden": H, "scipy_runs": scipy_rows,
                   "scipy_rate": median(scipy_rows, "rate"),
                   "scipy_cpu_rate": median(scipy_rows, "cpu_rate"),
                   "scipy_met_gtol": median(scipy_rows, "met_gtol"),
                   "scipy_met_rms": median(scipy_rows, "met_rms"),
                   "scipy_median_maxabs_grad": median(scipy_rows, "median_maxabs_grad")}
            if args.lossland:
                ll_rows = [run_lossland(args.lossland, H, args.lam, args.steps, seed, workdir)
                           for seed in range(1, args.runs + 1)]
                for s, r in enumerate(ll_rows, 1):
                    print(f"  N_h={H} lossland seed {s}: {r['quenches']} quenches in "
                          f"{r['seconds']:.2f} s = {r['rate']:.1f}/s (cpu {r['cpu_rate']:.1f}/s, process wall "
                          f"{r['wall']:.2f} s);"
                          f" failed {r['failed']}, minima {r['minima']}", flush=True)
                row.update({"lossland_runs": ll_rows, "lossland_rate": median(ll_rows, "rate"),
                            "lossland_wall_rate": median(ll_rows, "wall_rate"),
                            "lossland_cpu_rate": median(ll_rows, "cpu_rate"),
                            "lossland_failed": median(ll_rows, "failed")})
                row["ratio"] = row["lossland_rate"] / row["scipy_rate"]
                row["cpu_ratio"] = row["lossland_cpu_rate"] / row["scipy_cpu_rate"]
            report["results"].append(row)

    print()
    print(f"XOR, lambda = {args.lam:g}, medians of {args.runs} runs (seeds 1..{args.runs}); "
          f"scipy L-BFGS-B gtol = {args.gtol:g} (max-abs), lossland RMS tolerance 1e-11 + Newton")
    print("q/s = quenches per second of wall time (lossland: its reported search seconds); "
          "cpu = per second of process CPU time (lossland: whole process)")
    head = f"{'N_h':>3} {'P':>3} | {'scipy q/s':>9} {'cpu':>7} {'met gtol':>8} {'met RMS':>7}"
    if args.lossland:
        head += f" | {'lossland q/s':>12} {'cpu':>8} | {'ratio':>7} {'cpu':>7}"
    print(head)
    print("-" * len(head))
    for row in report["results"]:
        H = row["hidden"]
        line = (f"{H:>3} {5 * H + 2:>3} | {row['scipy_rate']:>9.1f} {row['scipy_cpu_rate']:>7.1f} "
                f"{100 * row['scipy_met_gtol']:>7.0f}% {100 * row['scipy_met_rms']:>6.0f}%")
        if args.lossland:
            line += (f" | {row['lossland_rate']:>12.1f} {row['lossland_cpu_rate']:>8.1f} |"
                     f" {row['ratio']:>6.1f}x {row['cpu_ratio']:>6.1f}x")
        print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
