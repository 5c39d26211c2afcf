"""bh, connect, analyze and dgraph through keyword arguments: the databases they make agree
with the program's `query stats`, errors carry the program's messages, and the GIL is free
while a search runs."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import lossland
from conftest import BH_ARGS, cli, cli_json


def connected_sets(num_minima, min1, min2):
    """Union-find over the transition states: the number of connected sets of minima."""
    parent = list(range(num_minima))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(min1, min2):
        parent[root(a)] = root(b)
    return len({root(i) for i in range(num_minima)})


def test_bh_and_connect_agree_with_query_stats(landscape):
    path, s = landscape
    stats = cli_json("query", path, "stats")
    db = lossland.open(path)
    assert s["connect"]["minima"] == stats["minima"] == len(db.minima) >= 2
    assert s["bh"]["minima"] == len(db.minima) - s["connect"]["new_minima"]
    assert s["bh"]["steps"] == BH_ARGS["steps"]
    assert s["connect"]["transition_states"] == stats["transition_states"] == len(db.ts) >= 1
    assert stats["global_minimum"]["id"] == int(np.argmin(db.minima.energy))
    assert stats["global_minimum"]["energy"] == db.minima.energy.min()
    # bh's minima are the first rows (connect appends the ones it finds).
    bh_rows = db.minima.energy[: s["bh"]["minima"]]
    assert s["bh"]["lowest_energy"] == pytest.approx(bh_rows.min(), rel=1e-12)
    assert stats["connected_sets"] == s["connect"]["connected_sets"] == connected_sets(
        len(db.minima), db.ts.min1, db.ts.min2)
    assert len(s["analyze"]["minima"]) == len(db.minima)
    np.testing.assert_array_equal([m["auc"] for m in s["analyze"]["minima"]], db.minima.auc)


def test_bh_same_as_the_program(tmp_path):
    """The same flags through the module and through the program give the same minima."""
    args = dict(hidden=1, lambda_=1e-2, steps=40, stop_after=0, seed=11, threads=1, walkers=1)
    lossland.bh(tmp_path / "py.h5", **args)
    cli("bh", tmp_path / "cli.h5", "--hidden", 1, "--lambda", 1e-2, "--steps", 40,
        "--stop-after", 0, "--seed", 11, "--threads", 1, "--walkers", 1)
    a, b = lossland.open(tmp_path / "py.h5"), lossland.open(tmp_path / "cli.h5")
    np.testing.assert_array_equal(a.minima.energy, b.minima.energy)
    np.testing.assert_array_equal(a.minima.coords, b.minima.coords)


def test_dgraph_writes_the_picture(landscape, tmp_path):
    path, _ = landscape
    out = tmp_path / "tree.svg"
    tree = lossland.dgraph(path, o=out, levels=20)
    assert out.stat().st_size > 0
    assert tree == cli_json("dgraph", path, "-o", tmp_path / "cli.svg", "--levels", 20)


def test_user_errors_carry_the_cli_message(tmp_path):
    db = tmp_path / "bad.h5"
    with pytest.raises(lossland.Error) as err:
        lossland.bh(db, hidden=2, lambda_=-1.0)
    assert isinstance(err.value, ValueError)
    done = cli("bh", db, "--hidden", 2, "--lambda", -1.0, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "lossland: error: " + str(err.value)
    assert "--lambda: must be a finite number >= 0" in str(err.value)
    assert not db.exists()  # nothing written, as by the program


def test_parse_errors_carry_the_cli_message(tmp_path):
    with pytest.raises(lossland.UsageError) as err:
        lossland.bh(tmp_path / "x.h5", hidden=2, lambda_=0.1, no_such_flag=3)
    done = cli("bh", tmp_path / "x.h5", "--hidden", 2, "--lambda", 0.1, "--no-such-flag", 3,
               check=False)
    assert done.returncode == 2
    assert str(err.value) in done.stderr and "no-such-flag" in str(err.value)
    with pytest.raises(lossland.UsageError, match="hidden"):
        lossland.bh(tmp_path / "x.h5", lambda_=0.1)  # --hidden is required
    with pytest.raises(lossland.DatabaseError):
        lossland.connect(tmp_path / "missing.h5", all=True)


def test_gil_is_released_while_bh_runs(tmp_path):
    """A Python thread keeps running while bh searches in another: it ticks in most 20 ms
    slots of the search (with the GIL held it could not tick at all until bh returned)."""
    window = {}

    def search():
        window["start"] = time.perf_counter()
        window["result"] = lossland.bh(tmp_path / "gil.h5", hidden=3, lambda_=1e-4, steps=2500,
                                       stop_after=0, seed=2, threads=1, walkers=1)
        window["end"] = time.perf_counter()

    ticks = []
    t = threading.Thread(target=search)
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    start, end = window["start"], window["end"]
    assert window["result"]["steps"] == 2500
    assert end - start > 0.1, "bh ran too briefly to judge"
    slots = int((end - start) / 0.02)
    busy = {int((x - start) / 0.02) for x in ticks if start < x < end}
    assert len(busy) >= 0.5 * slots, f"Python ran in {len(busy)} of {slots} slots of the search"


def test_python_keeps_its_ctrl_c_after_a_command(tmp_path):
    """A command installs the program's stop handlers while it runs; afterwards SIGINT is
    Python's again (a KeyboardInterrupt), and the next command is not stopped at once."""
    lossland.bh(tmp_path / "sig.h5", hidden=1, lambda_=1e-2, steps=5, stop_after=0, seed=1)
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # the handler runs at the next bytecode boundary
    again = lossland.bh(tmp_path / "sig.h5", steps=10, stop_after=0, hidden=1, lambda_=1e-2)
    assert again["status"] == "max-steps"


def test_keyword_arguments_become_the_flags():
    argv = lossland._flags(dict(stop_after=0, lambda_=1e-4, all=True, pair=(0, 3), o="x.svg",
                                paper_colors=False, seed=None, threads=2))
    assert argv == ["--stop-after", "0", "--lambda", "0.0001", "--all", "--pair", "0", "3",
                    "-o", "x.svg", "--paper-colors=false", "--threads", "2"]
    assert lossland._flags(dict(lambda_=0.1 + 0.2)) == ["--lambda", "0.30000000000000004"]
    with pytest.raises(lossland.UsageError, match="json"):
        lossland._flags(dict(json=True))
    assert "--stop-after" in lossland.bh.__doc__ and "--pair" in lossland.connect.__doc__


def test_connect_pair_through_keywords(tmp_path):
    db = tmp_path / "pair.h5"
    lossland.bh(db, **BH_ARGS)
    r = lossland.connect(db, pair=(0, 1), threads=1, no_save_paths=True)
    assert r["status"] == "connected" and r["new_transition_states"] >= 1
    stats = cli_json("query", db, "stats")
    assert stats["transition_states"] == r["transition_states"] == len(lossland.open(db).ts)
    with pytest.raises(lossland.Error) as err:
        lossland.connect(db, pair=(0, 0))
    done = cli("connect", db, "--pair", 0, 0, check=False)
    assert done.stderr.strip() == "lossland: error: " + str(err.value)
