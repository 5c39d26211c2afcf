"""format_version 2 as h5py sees it (docs/schema.md): str attributes, a description and units
on every dataset, integer counts, 0-based indices that say so."""

import shutil

import h5py
import numpy as np

import lossland
from conftest import cli

COUNTS = ["horder", "nonzero_weights", "connected_hidden"]


def every_dataset(f):
    found = []
    f.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Dataset) else None)
    return found


def test_a_python_user_reads_the_file_without_lossland(landscape, tmp_path):
    path, _ = landscape
    copy = tmp_path / "ei.h5"
    shutil.copy(path, copy)
    cli("ei", copy)  # adds the ei_* columns, as the survey does
    with h5py.File(copy, "r") as f:
        assert f.attrs["format_version"] == 2
        for key in ["format", "activation", "regularize", "dataset", "created_by", "description"]:
            assert isinstance(f.attrs[key], str), key
        names = every_dataset(f)
        assert "minima/coords" in names and "transition_states/min1" in names
        for name in names:
            attrs = f[name].attrs
            assert isinstance(attrs["description"], str) and attrs["description"], name
            assert isinstance(attrs["units"], str) and attrs["units"] != "unknown", name
        assert f"P = {f['minima/coords'].shape[1]}" in f["minima/coords"].attrs["layout"]
        for table in ["minima", "transition_states"]:
            for column in COUNTS:
                assert f[table][column].dtype == np.int64, (table, column)
        for column in ["ei_rank", "ei_nullity", "ei_predicted_solution", "ei_stationary_points"]:
            assert f["minima"][column].dtype == np.int64, column
        assert f["minima/auc"].dtype == np.float64
        ts = f["transition_states"]
        for end in ["min1", "min2"]:
            assert ts[end].dtype == np.int64
            assert ts[end].attrs["base"] == 0
            assert ts[end].attrs["references"] == "/minima"
            values = ts[end][()]
            assert values.min() >= 0 and values.max() < f["minima/energy"].shape[0]
    # The module gives the same types: counts as int64, reals as float64.
    db = lossland.open(copy)
    for column in COUNTS:
        assert db.minima[column].dtype == np.int64, column
    assert db.minima["ei_rank"].dtype == np.int64
    assert db.minima["auc"].dtype == np.float64
