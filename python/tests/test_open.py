"""lossland.open() against h5py reads of the same file, and the zero-copy, lazy parts."""

import h5py
import numpy as np
import pytest

import lossland


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def test_tables_equal_h5py(landscape):
    path, _ = landscape
    db = lossland.open(path)
    with h5py.File(path, "r") as f:
        for name, table in [("minima", db.minima), ("transition_states", db.transition_states)]:
            group = f[name]
            assert len(table) == group["energy"].shape[0]
            for key in group:  # every dataset of the group: fixed fields and analysis columns
                stored = group[key][()]
                got = getattr(table, key)
                assert got.shape == stored.shape, (name, key)
                np.testing.assert_array_equal(got, stored, err_msg=f"{name}/{key}")
            np.testing.assert_array_equal(table.lowest_eigenvalue, group["eigenvalues"][:, 0])
        # Analysis columns written by `analyze` are there, by name.
        assert {"auc", "p_correct_min", "nonzero_weights"} <= set(db.minima.columns)
        assert db.transition_states.min1.dtype == np.int64
        assert db.transition_states.min1.max() < len(db.minima)  # 0-based rows
        attrs = f.attrs
        m = db.model
        assert m.layers == [int(v) for v in attrs["layers"]]
        assert m.activation == text(attrs["activation"])
        assert m.lambda_ == attrs["lambda"]
        assert m.regularize == text(attrs["regularize"])
        assert m.dataset == text(attrs["dataset"])
        np.testing.assert_array_equal(m.X, f["dataset/inputs"][()])
        np.testing.assert_array_equal(m.y, f["dataset/labels"][()])


def test_views_are_read_only_and_share_the_landscape(landscape):
    path, _ = landscape
    db = lossland.open(path)
    e = db.minima.energy
    assert not e.flags.owndata and not e.flags.writeable
    assert type(e.base).__name__ == "PyCapsule"  # a view of the C++ landscape, not a copy
    assert e.strides[0] > e.itemsize  # the energy field of each stored point, in place
    with pytest.raises(ValueError):
        e[0] = 0.0
    # The landscape outlives the Database object through the array's base.
    auc = db.minima.auc
    del db
    assert np.all(np.isfinite(e)) and auc.shape == e.shape


def test_lazy_coordinates_and_spectra(landscape):
    path, _ = landscape
    full = lossland.open(path)
    lazy = lossland.open(path, coords=False, eigenvalues="lowest")
    assert lazy.minima._fields["coords"] is None  # not read yet
    np.testing.assert_array_equal(lazy.minima.coords, full.minima.coords)  # read on first use
    np.testing.assert_array_equal(lazy.transition_states.coords, full.transition_states.coords)
    np.testing.assert_array_equal(lazy.minima.lowest_eigenvalue, full.minima.lowest_eigenvalue)
    with pytest.raises(AttributeError, match="eigenvalues='all'"):
        lazy.minima.eigenvalues
    none = lossland.open(path, eigenvalues="none")
    with pytest.raises(AttributeError):
        none.minima.lowest_eigenvalue
    with pytest.raises(lossland.Error, match="'all', 'lowest' or 'none'"):
        lossland.open(path, eigenvalues="some")


def test_missing_file_raises_the_cli_message(tmp_path):
    from conftest import cli

    missing = tmp_path / "nothing.h5"
    with pytest.raises(lossland.DatabaseError) as err:
        lossland.open(missing)
    done = cli("query", missing, "stats", check=False)
    assert done.returncode == 2
    assert str(err.value) in done.stderr
