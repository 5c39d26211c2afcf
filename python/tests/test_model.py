"""The loss from Python against independent truth: E(0) = ln O, the stored energies of the
minima, a separate numpy implementation (scripts/bench_vs_scipy.py) and finite differences."""

import math
import os
import sys

import numpy as np
import pytest

import lossland

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from bench_vs_scipy import XOR_INPUTS, XOR_LABELS, NumpyMlpLoss  # noqa: E402


def test_energy_at_zero_is_log_classes():
    m = lossland.Model(hidden=3, lambda_=0.1)
    assert m.num_params == 3 * 3 + 2 * 4
    # Every logit is 0, so every p = 1/2 and the penalty vanishes.
    assert m.energy(np.zeros(m.num_params)) == pytest.approx(math.log(2), rel=0, abs=1e-15)


def test_energy_gradient_match_numpy_implementation():
    rng = np.random.default_rng(1)
    for hidden, lam in [(1, 0.0), (2, 1e-4), (5, 0.3)]:
        m = lossland.Model(hidden=hidden, lambda_=lam)
        ref = NumpyMlpLoss(XOR_INPUTS, XOR_LABELS, hidden, lam)
        for _ in range(5):
            w = rng.normal(size=m.num_params)
            e, g = m.energy_gradient(w)
            e_ref, g_ref = ref.energy_gradient(w)
            assert e == pytest.approx(e_ref, rel=1e-13)
            np.testing.assert_allclose(g, g_ref, rtol=1e-11, atol=1e-14)
            assert lossland.energy(m, w) == e
            np.testing.assert_array_equal(lossland.gradient(m, w), g)


def test_gradient_and_hessian_vs_finite_differences():
    rng = np.random.default_rng(2)
    m = lossland.Model(hidden=3, lambda_=1e-2, activation="sigmoid", regularize="weights")
    w = rng.normal(size=m.num_params)
    h = 1e-5
    eye = np.eye(m.num_params)
    fd_g = np.array([(m.energy(w + h * e) - m.energy(w - h * e)) / (2 * h) for e in eye])
    np.testing.assert_allclose(m.gradient(w), fd_g, rtol=1e-7, atol=1e-9)
    H = lossland.hessian(m, w)
    assert H.shape == (m.num_params, m.num_params)
    np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-14)
    fd_h = np.array([(m.gradient(w + h * e) - m.gradient(w - h * e)) / (2 * h) for e in eye])
    np.testing.assert_allclose(H, fd_h, rtol=1e-6, atol=1e-8)


def test_stored_minima_energies_and_zero_gradients(landscape):
    path, _ = landscape
    db = lossland.open(path)
    assert len(db.minima) > 0
    for x, e_stored, g_stored in zip(db.minima.coords, db.minima.energy, db.minima.grad_rms):
        e, g = db.model.energy_gradient(x)
        assert e == pytest.approx(e_stored, rel=1e-13)
        rms = np.linalg.norm(g) / math.sqrt(len(g))
        assert rms == pytest.approx(g_stored, rel=1e-3, abs=1e-14)
        assert rms < 1e-9
    # The stored spectra are the Hessian's eigenvalues there.
    for x, ev in zip(db.minima.coords[:3], db.minima.eigenvalues[:3]):
        np.testing.assert_allclose(np.linalg.eigvalsh(db.model.hessian(x)), ev, atol=1e-10)


def test_model_from_arrays_equals_named_dataset():
    a = lossland.Model(hidden=2, lambda_=1e-3, X=XOR_INPUTS, y=XOR_LABELS)
    b = lossland.Model(hidden=2, lambda_=1e-3, dataset="xor")
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    w = np.linspace(-1, 1, a.num_params)
    assert a.energy(w) == b.energy(w)


def test_bad_shapes_and_names_raise_value_errors():
    m = lossland.Model(hidden=2, lambda_=1e-3)
    with pytest.raises(ValueError, match=r"P = 12 parameters .*got shape \(5,\)"):
        m.energy(np.zeros(5))
    with pytest.raises(ValueError, match="got shape"):
        m.hessian(np.zeros((12, 1)))
    with pytest.raises(lossland.Error, match="sigmoid"):
        lossland.Model(hidden=2, lambda_=0, activation="relu")
    with pytest.raises(lossland.Error, match="lambda"):
        lossland.Model(hidden=2, lambda_=-1.0)
