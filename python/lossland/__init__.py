"""lossland from Python: the landscape database, the network loss and the searches.

    import lossland
    db = lossland.open("xor.h5")          # minima and transition states as numpy arrays
    db.minima.energy, db.minima.coords    # (M,), (M, P); db.transition_states.min1 is 0-based
    e, g = db.model.energy_gradient(db.minima.coords[0])
    lossland.bh("new.h5", hidden=2, lambda_=1e-4, steps=200, seed=1)   # as `lossland bh`

The loss, the database and the commands are the C++ ones (the extension lossland._core). The
commands take keyword arguments named as their flags (``stop_after`` for ``--stop-after``,
``lambda_`` for ``--lambda``, ``o`` for ``-o``); they return the command's ``--json`` summary as
a dict, raise lossland.Error (a ValueError) with the program's message where it would exit with
status 2, and release the GIL while they run.
"""

import json as _json
import os as _os

from . import _core
from ._core import DatabaseError, DatasetError, Error, Model, UsageError

__version__ = _core.__version__
__all__ = ["open", "Database", "Table", "Model", "energy", "gradient", "energy_gradient",
           "hessian", "bh", "connect", "analyze", "dgraph", "Error", "UsageError",
           "DatabaseError", "DatasetError"]


class Table:
    """One table of points (minima or transition states): each field a numpy array of M rows.

    Always: energy, grad_rms, and (when read) coords (M x P), eigenvalues (M x P, ascending),
    lowest_eigenvalue; for transition states min1 and min2 (0-based rows of the minima); and
    every analysis column the file holds (auc, p_correct_min, ..., horder), listed in columns.
    Coordinates not read by open(..., coords=False) are read from disk on first use.
    """

    def __init__(self, name, path, fields):
        self._name = name
        self._path = path
        self._fields = fields

    def __getattr__(self, key):
        fields = self.__dict__.get("_fields")
        if fields is None or key not in fields:
            raise AttributeError(f"{self._name} has no field '{key}'; it has {self.fields}")
        value = fields[key]
        if value is None and key == "coords":
            value = _core.read_coords(self._path, self._name, list(range(len(self))))
            fields[key] = value
        elif value is None:
            raise AttributeError(f"{self._name}.{key} was not read: open the file with "
                                 "eigenvalues='all' (or 'lowest' for lowest_eigenvalue)")
        return value

    def __getitem__(self, key):
        return getattr(self, key)

    def __len__(self):
        return len(self._fields["energy"])

    @property
    def fields(self):
        """Names of every field, fixed ones first."""
        return list(self._fields)

    @property
    def columns(self):
        """Names of the analysis columns (those beyond the fixed fields)."""
        fixed = {"energy", "grad_rms", "coords", "eigenvalues", "lowest_eigenvalue", "min1", "min2"}
        return [k for k in self._fields if k not in fixed]

    def __repr__(self):
        return f"<lossland.Table {self._name}: {len(self)} rows; {', '.join(self.fields)}>"


class Database:
    """A landscape read from its HDF5 file (see open())."""

    def __init__(self, path, coords=True, eigenvalues="all"):
        self.path = _os.fspath(path)
        got = _core.read(self.path, coords, eigenvalues)
        self.minima = Table("minima", self.path, got["minima"])
        self.transition_states = Table("transition_states", self.path, got["transition_states"])
        self.ts_branches = got["ts_branches"]
        self.model = got["model"]
        self.created_by = got["created_by"]
        self.notes = got["notes"]

    @property
    def ts(self):
        """Short for transition_states."""
        return self.transition_states

    def __repr__(self):
        return (f"<lossland.Database {self.path}: {len(self.minima)} minima, "
                f"{len(self.transition_states)} transition states; {self.model!r}>")


def open(path, coords=True, eigenvalues="all"):  # noqa: A001 - the natural name, as h5py.File
    """Reads the database at `path`. coords=False leaves coordinates on disk until used;
    eigenvalues is 'all' (M x P spectra), 'lowest' (lowest_eigenvalue only) or 'none'."""
    return Database(path, coords, eigenvalues)


def energy(model, w):
    """E(w) of `model` (a lossland.Model)."""
    return model.energy(w)


def gradient(model, w):
    """dE/dw of `model` at w."""
    return model.gradient(w)


def energy_gradient(model, w):
    """(E(w), dE/dw) of `model` in one pass."""
    return model.energy_gradient(w)


def hessian(model, w):
    """The exact Hessian of `model` at w (P x P)."""
    return model.hessian(w)


def _flags(kwargs):
    """Keyword arguments as command-line flags: name_with_underscores -> --name-with-underscores
    (one letter: -n; a trailing underscore is dropped, so lambda_ is --lambda); True -> the bare
    flag, False -> --flag=false, a list or tuple -> its items, None -> left out."""
    argv = []
    for key, value in kwargs.items():
        if value is None:
            continue
        name = key[:-1] if key.endswith("_") else key
        flag = ("-" if len(name) == 1 else "--") + name.replace("_", "-")
        if flag == "--json":
            raise UsageError("json: the summary is always returned as a dict; leave json out")
        if value is True:
            argv.append(flag)
        elif value is False:
            argv.append(flag + "=false")
        elif isinstance(value, (list, tuple)):
            argv.append(flag)
            argv.extend(_text(v) for v in value)
        else:
            argv += [flag, _text(value)]
    return argv


def _text(value):
    if isinstance(value, float):
        return repr(value)  # round-trips every double
    if isinstance(value, _os.PathLike):
        return _os.fspath(value)
    return str(value)


def _run(command, db, kwargs):
    argv = ["lossland", command] + ([] if db is None else [_os.fspath(db)])
    out = _core.run_command(argv + _flags(kwargs) + ["--json"])
    return _json.loads(out)


def bh(db, **kwargs):
    """Basin-hopping into database `db`, as `lossland bh DB ...`; returns its JSON summary."""
    return _run("bh", db, kwargs)


def connect(db, **kwargs):
    """Transition states between the minima of `db`, as `lossland connect DB ...` (all=True or
    pair=(i, j)); returns its JSON summary."""
    return _run("connect", db, kwargs)


def analyze(db, **kwargs):
    """Per-point metrics stored as columns of `db`, as `lossland analyze DB ...`; returns its
    JSON summary (every minimum's and transition state's metrics)."""
    return _run("analyze", db, kwargs)


def dgraph(db=None, **kwargs):
    """A disconnectivity graph, as `lossland dgraph DB -o FILE ...` (o="graph.svg"); returns its
    JSON summary (the tree)."""
    return _run("dgraph", db, kwargs)


for _f in (bh, connect, analyze, dgraph):
    _f.__doc__ += ("\n\nKeyword arguments are the flags below (--stop-after: stop_after).\n\n" +
                   _core.command_help(_f.__name__))
del _f
