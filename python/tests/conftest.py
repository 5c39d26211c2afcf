"""Shared fixtures: a small XOR landscape made through the module, and the lossland program."""

import json
import os
import subprocess

import pytest

import lossland

# Small and quick: N_h = 2 on XOR, one thread, a fixed seed.
BH_ARGS = dict(hidden=2, lambda_=1e-3, steps=150, stop_after=0, seed=5, threads=1, walkers=1)


def cli(*args, check=True):
    """Runs the lossland program (LOSSLAND_BINARY, set by CTest); returns the CompletedProcess."""
    binary = os.environ.get("LOSSLAND_BINARY", "lossland")
    done = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"lossland {' '.join(map(str, args))}: {done.stderr}")
    return done


def cli_json(*args):
    return json.loads(cli(*args, "--json").stdout)


@pytest.fixture(scope="session")
def landscape(tmp_path_factory):
    """Path of a database with minima (bh), transition states (connect --all) and analysis
    columns (analyze), each made by the module's keyword-argument functions; and their
    summaries."""
    path = tmp_path_factory.mktemp("db") / "xor.h5"
    summaries = {
        "bh": lossland.bh(path, **BH_ARGS),
        "connect": lossland.connect(path, all=True, threads=1, passes=1),
        "analyze": lossland.analyze(path),
    }
    return path, summaries
