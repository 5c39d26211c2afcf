#!/usr/bin/env python3
"""Exact mean first-passage time of dw = -grad E dt + sqrt(2T) dW on the sheared double well of
tests/kinetics/test_rates.cpp, from a finite-volume solve of the backward equation
  div(exp(-E/T) grad tau) = -exp(-E/T) / T,  tau = 0 on x >= 1,
so that the Langer rate and the Brownian-dynamics test can be compared with the truth.
Usage: python3 scripts/kramers_pde_check.py T h   (e.g. 0.2 0.01)."""
import sys

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spl

K, KAPPA, A = 4.0, 4.0, 1.0
T, H = float(sys.argv[1]), float(sys.argv[2])


def g(x):
    ax = np.abs(x)
    return np.where(ax >= 0.5, 0.5 * K * (ax - 1) ** 2, 0.25 * K - 0.5 * K * x * x)


xs = np.arange(-2.3, 1.0 + 1e-12, H)
ys = np.arange(-3.0, 1.4 + 1e-12, H)
X, Y = np.meshgrid(xs, ys, indexing="ij")
E = g(X) + 0.5 * KAPPA * (Y - A * X) ** 2
nx, ny = X.shape
idx = np.arange(nx * ny).reshape(nx, ny)
B = np.exp(-(E - E.min()) / T).ravel()
rows, cols, vals = [], [], []
diag = np.zeros(nx * ny)
for dx, dy in [(1, 0), (0, 1)]:
    i0, i1 = idx[: nx - dx, : ny - dy].ravel(), idx[dx:, dy:].ravel()
    w = np.sqrt(B[i0] * B[i1]) / H**2  # face weight between neighbours
    rows += [i0, i1]
    cols += [i1, i0]
    vals += [w, w]
    np.add.at(diag, i0, -w)
    np.add.at(diag, i1, -w)
M = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                  shape=(nx * ny, nx * ny)) + sp.diags(diag)
free = ~(X >= 1.0 - 1e-12).ravel()
tau = np.zeros(nx * ny)
tau[free] = spl.spsolve(M[free][:, free].tocsc(), -B[free] / T)
t = tau[idx[np.argmin(abs(xs + 1)), np.argmin(abs(ys + 1))]]
print(f"T {T} h {H}: MFPT from (-1, -1) to x >= 1 = {t:.6g}, k = 1/MFPT = {1 / t:.6g}")
