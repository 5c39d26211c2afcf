#!/usr/bin/env python3
"""Independent check of the edges a lossland database stores.

For each transition state (or an even sample of them) both steepest-descent paths
dx/dt = -grad E(x) are integrated with scipy's implicit BDF method (rtol 1e-9, the Jacobian
-Hessian from central differences of the analytic numpy gradient), from a push-off of
--pushoff along the lowest Hessian eigenvector, until the RMS gradient is below 1e-9; Newton
steps then converge the end, which is identified among the stored minima by energy (1e-9
relative) and aligned distance over hidden-node permutations and sign flips (a linear
assignment, scipy.optimize.linear_sum_assignment). The loss is written here from the
definition (cross-entropy of a softmax over a one-hidden-layer tanh network plus
lambda |w|^2 over all parameters, layout [W | b | V | c]), independently of the C++ code.

An edge agrees when the two ends are {min1, min2}. A transition state whose stored record says
it branched (/transition_states/branched = 1) agrees when each end is one of the minima
/ts_branches lists for it. Prints one line per disagreement and a summary; exit status 1 if
any edge disagrees.

    python3 scripts/check_paths.py survey/*.h5 --sample 20
"""

import argparse
import sys

try:
    import h5py
    import numpy as np
    from scipy.integrate import solve_ivp
    from scipy.optimize import linear_sum_assignment
except ImportError as exc:  # pragma: no cover
    sys.exit(f"check_paths.py: error: {exc}. Install python3-numpy, python3-scipy, python3-h5py.")


class Loss:
    def __init__(self, f):
        a = f.attrs
        self.I, self.H, self.O = [int(v) for v in a["layers"]]
        if a["activation"] not in ("tanh", b"tanh") or a["regularize"] not in ("all", b"all"):
            raise SystemExit("check_paths.py: only tanh networks with regularize=all are checked")
        self.lam = float(a["lambda"])
        self.X = f["dataset/inputs"][...]
        self.y = f["dataset/labels"][...].astype(int)
        self.N = len(self.y)
        self.Y = np.zeros((self.N, self.O))
        self.Y[np.arange(self.N), self.y] = 1

    def unpack(self, w):
        H, I, O = self.H, self.I, self.O
        W = w[:H * I].reshape(H, I)
        b = w[H * I:H * (I + 1)]
        o = H * (I + 1)
        return W, b, w[o:o + O * H].reshape(O, H), w[o + O * H:]

    def energy_gradient(self, w):
        W, b, V, c = self.unpack(w)
        h = np.tanh(self.X @ W.T + b)
        z = h @ V.T + c
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        E = -np.mean(np.log(p[np.arange(self.N), self.y])) + self.lam * w @ w
        dz = (p - self.Y) / self.N
        dV = dz.T @ h
        dc = dz.sum(axis=0)
        da = (dz @ V) * (1 - h * h)
        dW = da.T @ self.X
        db = da.sum(axis=0)
        g = np.concatenate([dW.ravel(), db, dV.ravel(), dc]) + 2 * self.lam * w
        return E, g

    def hessian(self, w, h=1e-6):
        P = len(w)
        Hm = np.empty((P, P))
        for i in range(P):
            e = np.zeros(P)
            e[i] = h
            Hm[:, i] = (self.energy_gradient(w + e)[1] - self.energy_gradient(w - e)[1]) / (2 * h)
        return 0.5 * (Hm + Hm.T)

    def nodes(self, w):
        """Per hidden node j: (W_j., b_j, V_.j) as one vector."""
        W, b, V, c = self.unpack(w)
        return np.hstack([W, b[:, None], V.T]), c

    def aligned_distance(self, a, b):
        na, ca = self.nodes(a)
        nb, cb = self.nodes(b)
        plus = ((na[:, None, :] - nb[None, :, :]) ** 2).sum(-1)
        minus = ((na[:, None, :] + nb[None, :, :]) ** 2).sum(-1)
        cost = np.minimum(plus, minus)
        r, col = linear_sum_assignment(cost)
        return np.sqrt(cost[r, col].sum() + ((ca - cb) ** 2).sum())


def descend(loss, x0, t_end):
    def rhs(t, x):
        return -loss.energy_gradient(x)[1]

    def jac(t, x):
        return -loss.hessian(x)

    def converged(t, x):
        g = loss.energy_gradient(x)[1]
        return np.sqrt(g @ g / len(g)) - 1e-9

    converged.terminal = True
    sol = solve_ivp(rhs, (0, t_end), x0, method="BDF", jac=jac, rtol=1e-9, atol=1e-13,
                    events=converged)
    x = sol.y[:, -1]
    for _ in range(30):
        E, g = loss.energy_gradient(x)
        if np.sqrt(g @ g / len(g)) < 1e-13:
            break
        x = x - np.linalg.solve(loss.hessian(x), g)
    return loss.energy_gradient(x)[0], x


def identify(loss, minima_E, minima_x, E, x):
    best, best_d = -1, np.inf
    for k in np.nonzero(np.abs(minima_E - E) <= 1e-9 * max(1.0, abs(E)))[0]:
        d = loss.aligned_distance(minima_x[k], x)
        if d < best_d:
            best, best_d = int(k), d
    return best if best_d < 1e-3 else -1


def check(path, sample, pushoff, t_end):
    with h5py.File(path, "r") as f:
        loss = Loss(f)
        mE = f["minima/energy"][...]
        mX = f["minima/coords"][...]
        tX = f["transition_states/coords"][...]
        m1 = f["transition_states/min1"][...]
        m2 = f["transition_states/min2"][...]
        branched = f["transition_states/branched"][...] if "branched" in f["transition_states"] \
            else np.full(len(m1), np.nan)
        allowed = {}
        if "ts_branches" in f:
            for t, m in zip(f["ts_branches/ts"][...], f["ts_branches/minimum"][...]):
                allowed.setdefault(int(t), set()).add(int(m))
    T = len(m1)
    rows = range(T) if sample <= 0 or sample >= T else [k * T // sample for k in range(sample)]
    bad = 0
    for r in rows:
        x = tX[r]
        evals, evecs = np.linalg.eigh(loss.hessian(x))
        v = evecs[:, 0]
        ends = []
        for s in (1, -1):
            E, y = descend(loss, x + s * pushoff * v, t_end)
            ends.append(identify(loss, mE, mX, E, y))
        stored = {int(m1[r]), int(m2[r])}
        if branched[r] == 1:
            ok = all(e in allowed.get(r, set()) for e in ends)
        else:
            ok = sorted(ends) == sorted([int(m1[r]), int(m2[r])])
        if not ok:
            bad += 1
            print(f"{path}: transition state {r}: stored {sorted(stored)}, paths reach {ends}"
                  f"{' (branched)' if branched[r] == 1 else ''}")
    return len(rows), bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("databases", nargs="+")
    ap.add_argument("--sample", type=int, default=0, help="transition states per file (0: all)")
    ap.add_argument("--pushoff", type=float, default=1e-4, help="push-off along the eigenvector")
    ap.add_argument("--t-end", type=float, default=1e10, help="integration time limit")
    a = ap.parse_args()
    total = bad = 0
    for p in a.databases:
        n, b = check(p, a.sample, a.pushoff, a.t_end)
        total += n
        bad += b
    print(f"check_paths: {total} edges checked, {bad} disagree")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
