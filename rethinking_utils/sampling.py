"""Compile a PyMC model once, then sample it many times (new data, new seeds, new settings).

``pm.sample`` compiles the model again at every call (several seconds); sampling a small
multilevel model takes a fraction of a second. Chapters that fit one model several times
compile it once with :func:`compile_model` and call :func:`sample_compiled` for each fit,
swapping ``pm.Data`` values in with ``data=``. Both use nutpie; nutpie and pymc are imported
inside the functions so that ``import rethinking_utils`` stays quick. They need the package's
``sampling`` extra: ``pip install 'rethinking-utils[sampling]'``.
"""

from __future__ import annotations

import ctypes
import dataclasses
import numbers
import time
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pymc as pm
    import xarray as xr
    from numpy.typing import ArrayLike
    from nutpie.compile_pymc import CompiledPyMCModel

#: What to install when a sampling helper is missing its libraries.
SAMPLING_EXTRA = "pip install 'rethinking-utils[sampling]' (PyMC, nutpie and ArviZ)"

_MAX_SEED = 2**64 - 1  # nutpie's seed is an unsigned 64-bit integer

#: When this environment variable names a file, every compile and every fit appends a JSON line to it
#: (``{"event": "compile" | "sample", "seconds": ...}``): how `make bench` splits a chapter's time into compiling,
#: sampling (the floor no sampler path can go below) and the rest.
TIMING_LOG_ENV = "RETHINKING_UTILS_TIMING_LOG"


def _log_timing(event: str, seconds: float, **info: object) -> None:
    """Append one timing record to the file named by ``TIMING_LOG_ENV``, if it is set."""
    import os

    path = os.environ.get(TIMING_LOG_ENV)
    if path:
        import json

        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"event": event, "seconds": seconds, **info}) + "\n")


def _require(module: str, func: str) -> ModuleType:
    """Import a sampling library, or say which extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f"{func}() needs {module}, which is not installed: {SAMPLING_EXTRA}") from err


def compile_model(model: pm.Model, var_names: Iterable[str] | None = None) -> CompiledPyMCModel:
    """Compile a ``pymc.Model`` with nutpie (numba backend) and return the compiled model.

    Give the model ``pm.Data`` containers for whatever changes between fits; pass their new
    values to :func:`sample_compiled` as ``data=``. The compiled model fixes the number of free parameters (so
    the number of groups a ``pm.Data`` index picks from) and the shape of every stored Deterministic; the number
    of observations may change when no stored Deterministic has one element per observation (leave such a one
    out with ``var_names``).

    Parameters
    ----------
    model : pymc.Model
        A model with at least one free (continuous) random variable.
    var_names : iterable of str, optional
        The variables (free or Deterministic) that every fit stores; default: all of them. Every
        Deterministic is otherwise stored for every draw, so a large one that nobody reads (a
        linear predictor per observation) costs memory on every fit: leave it out here.

    Returns
    -------
    nutpie.compile_pymc.CompiledPyMCModel
        For :func:`sample_compiled`.

    Raises
    ------
    ImportError
        If nutpie or PyMC is not installed (the message says what to install).
    TypeError
        If ``model`` is not a ``pymc.Model``.
    ValueError
        If the model has no free random variables, has a discrete one (nutpie samples continuous variables
        only: use ``pm.sample``), or ``var_names`` names a variable the model does not have (the message lists the
        ones it has).

    Examples
    --------
    >>> import numpy as np
    >>> import pymc as pm
    >>> with pm.Model() as model:
    ...     y = pm.Data("y", np.array([0.2, -0.4, 1.4]))
    ...     mu = pm.Normal("mu", 0, 1)
    ...     obs = pm.Normal("obs", mu, 1, observed=y, shape=y.shape)
    >>> compiled = compile_model(model)  # numba: a few seconds
    >>> compiled.n_dim  # one free parameter, mu
    1
    """
    nutpie = _require("nutpie", "compile_model")
    pm = _require("pymc", "compile_model")

    if not isinstance(model, pm.Model):
        raise TypeError(f"compile_model() takes a pymc.Model, got {type(model).__name__}")
    if not model.free_RVs:
        raise ValueError("the model has no free random variables to sample")
    discrete = [rv.name for rv in model.free_RVs if rv.type.dtype.startswith(("int", "uint", "bool"))]
    if discrete:
        raise ValueError(
            f"the model has discrete free variable(s) {discrete}: nutpie samples continuous variables only. Sample "
            "this model with pm.sample() (PyMC's own sampler steps discrete variables with Metropolis), or "
            "marginalize the discrete variable out (pymc_extras.marginalize) and compile that"
        )
    if var_names is not None:
        if isinstance(var_names, str):
            raise TypeError(
                f"var_names must be a list of variable names, got the string {var_names!r}: wrap it in [...]"
            )
        var_names = list(var_names)
        stored = [var.name for var in model.free_RVs + model.deterministics]
        unknown = [name for name in var_names if name not in stored]
        if unknown:
            raise ValueError(
                f"var_names {unknown} are not free or Deterministic variables of the model; it has {sorted(stored)}"
            )
    import pytensor

    # PyMC compiles the start-point function in PyTensor's FAST_COMPILE mode, in which a scan (an LKJ
    # prior has one) is compiled as C by g++: 18 s on a cold cache for the radon LKJ model. The function
    # runs once per chain, so without a C compiler it runs as Python, in 0.3 s to compile and the same
    # start points. The log density and its gradient are compiled by numba either way.
    start = time.perf_counter()
    with pytensor.config.change_flags(cxx=""):
        compiled = nutpie.compile_pymc_model(model, var_names=var_names)
        checks = _DataChecks.build(model, compiled)
    # nutpie's compiled model is a frozen dataclass; the checks ride along on this object (with_data() copies drop
    # them, and sample_compiled() only ever reads them from the object compile_model() returned)
    object.__setattr__(compiled, _CHECKS_ATTR, checks)
    object.__setattr__(compiled, _MODEL_ATTR, model)  # to name the variable when the start point fails
    _log_timing("compile", time.perf_counter() - start, n_dim=int(compiled.n_dim))
    return compiled


#: Where compile_model() leaves the data checks and the PyMC model on nutpie's compiled model.
_CHECKS_ATTR = "_rethinking_utils_checks"
_MODEL_ATTR = "_rethinking_utils_model"


def _check_start(compiled: CompiledPyMCModel) -> None:
    """Before a fit without new data: when the log density is not finite at any initial point (nutpie would stop
    with "All initialization points failed" and a Rust backtrace), say which variables' log densities fail."""
    if _logp_at_start(compiled) is not False:
        return
    model = getattr(compiled, _MODEL_ATTR, None)
    bad = []
    if model is not None:
        import pytensor

        try:
            with pytensor.config.change_flags(cxx=""):
                logps = model.point_logps()
            bad = [name for name, value in logps.items() if not np.isfinite(value)]
        except Exception:  # noqa: BLE001 - the names are a courtesy; the error below stands without them
            bad = []
    where = f"the log density of {bad} is not finite" if bad else "the log density is not finite"
    raise ValueError(
        f"{where} at the model's initial point, so nutpie cannot start. Usually observed data outside the "
        "likelihood's support (a count above its number of trials, a negative count, a value outside (0, 1) for a "
        "Beta) or a prior that excludes the initial value; check those data, or give initvals to pm.Model's variables"
    )


@dataclasses.dataclass(frozen=True)
class _IndexUse:
    """One integer index computed from pm.Data: which data, which variable it indexes, along which axis."""

    data: tuple[str, ...]
    target: str
    axis: int
    dim: str | None
    direct: bool  # the index is the data array itself, not computed from it


class _DataChecks:
    """What the compiled log density cannot check itself, evaluated in plain Python before a fit with new data.

    nutpie's compiled code does no bounds checks: an index of -1 reads the last group, one past the end reads
    memory that is not the model's, a huge one ends the process. It also stores every Deterministic with the
    length it had at compile time. From the PyMC graph (before nutpie's rewrites fuse the indexing away) this
    finds every integer index that is computed from pm.Data alone and the length of the axis it indexes, and the
    shape of every stored Deterministic, as one small Python-mode function of the data. The graph is walked and the
    function compiled at the first fit with new data (about a second), so fits without ``data=`` pay nothing.
    """

    def __init__(self, model: pm.Model, compiled: CompiledPyMCModel) -> None:
        self.model: pm.Model | None = model  # dropped once the function is built
        self.data_vars = list(compiled.shared_var_keys)  # shared variables, in the order func takes their values
        self.dims = {var.name: tuple(model.named_vars_to_dims.get(var.name) or ()) for var in self.data_vars}
        self.free = [rv.name for rv in model.free_RVs]  # the free variables' names (always stored)
        self.func = None
        self.uses: list[_IndexUse] = []
        self.stored: list[str] = []  # Deterministic names whose shapes func returns after the index values
        self.point: list[np.ndarray] = []  # the free variables' values at a start point (shapes may need them)

    @classmethod
    def build(cls, model: pm.Model, compiled: CompiledPyMCModel) -> _DataChecks | None:
        return cls(model, compiled) if compiled.shared_var_keys else None

    def _prepare(self, compiled: CompiledPyMCModel) -> None:
        import pytensor
        import pytensor.tensor as pt
        from pytensor.graph.traversal import ancestors, applys_between
        from pytensor.scalar import ScalarType
        from pytensor.tensor.subtensor import AdvancedIncSubtensor, BaseSubtensor, IncSubtensor

        model, self.model = self.model, None
        data_vars = self.data_vars
        data_set = set(data_vars)
        value_vars = list(model.value_vars)
        stored = [det for det in model.deterministics if det.name in compiled.shapes]
        outputs = [model.logp(), *model.replace_rvs_by_values(stored)]
        index_outputs = []
        for node in applys_between(value_vars + data_vars, outputs):
            if not isinstance(node.op, BaseSubtensor):
                continue
            target = node.inputs[0]
            indices = node.inputs[2:] if isinstance(node.op, (IncSubtensor, AdvancedIncSubtensor)) else node.inputs[1:]
            for axis, entry in enumerate(node.op.idx_list):
                if not isinstance(entry, int):
                    continue  # a slice
                index = indices[entry]
                if getattr(index, "dtype", "bool") == "bool":
                    if index.ndim > 1:
                        break  # a mask over several axes: the later positions no longer name axes
                    continue
                roots = set(ancestors([index]))
                used = [var for var in data_vars if var in roots]
                if not used or any(var in roots for var in value_vars):
                    continue  # a constant index, or one that depends on the parameters
                name = target.name or "an expression"
                dims = model.named_vars_to_dims.get(target.name) if target.name in model.named_vars else None
                dim = dims[axis] if dims and axis < len(dims) else None
                direct = index in data_set
                if isinstance(index.type, ScalarType):
                    index = pt.tensor_from_scalar(index)
                self.uses.append(_IndexUse(tuple(var.name for var in used), name, axis, dim, direct))
                index_outputs += [index, target.shape[axis]]
        self.stored = [det.name for det in stored]
        if not (self.uses or stored):
            return
        shapes = [value.shape for value in model.replace_rvs_by_values(stored)]
        inputs = [var.type() for var in data_vars]

        def compiled_function(outputs: list) -> object:
            if not outputs:
                return None
            with pytensor.config.change_flags(cxx=""):
                return pytensor.function(
                    value_vars + inputs,
                    outputs,
                    givens=list(zip(data_vars, inputs, strict=True)),
                    mode=pytensor.compile.mode.Mode(linker="py", optimizer="fast_compile"),
                    on_unused_input="ignore",
                )

        # two functions: the indices must be checked even when the Deterministics cannot be evaluated (data of
        # lengths that do not fit together, which _check_fits reports)
        self.func = (compiled_function(index_outputs), compiled_function(shapes))
        flat = np.asarray(compiled.initial_point_func(0), dtype=float)
        names, slices, shape_list = compiled.shape_info
        wanted = {var.name for var in value_vars}
        start = {
            name: flat[part].reshape(shape) for name, part, shape in zip(names, slices, shape_list) if name in wanted
        }
        self.point = [start[var.name] for var in value_vars]

    def run(self, compiled: CompiledPyMCModel, data: Mapping[str, np.ndarray]) -> None:
        """Raise a ValueError naming the data and the way out when an index or a stored shape does not fit."""
        if self.model is not None:
            try:
                self._prepare(compiled)
            except Exception:  # noqa: BLE001 - a graph this analysis does not know: sample as before, unchecked
                self.func = None
        if self.func is None:
            return
        values = [data.get(var.name, compiled.shared_data[compiled.shared_var_keys[var]]) for var in self.data_vars]
        index_func, shape_func = self.func
        results = index_func(*self.point, *values) if index_func is not None else []
        for use, index, length in zip(self.uses, results[0::2], results[1::2]):
            index, length = np.asarray(index), int(length)
            bad = (index < 0) | (index >= length)
            if bad.any():
                where = np.argwhere(bad)
                first = where[0].tolist() if index.ndim != 1 else int(where[0][0])
                what = " and ".join(repr(name) for name in use.data)
                axis = f"its dimension {use.dim!r}" if use.dim else f"axis {use.axis}"
                raise ValueError(
                    (f"data {what} holds " if use.direct else f"the index computed from data {what} is ")
                    + f"{index[tuple(where[0])].item()!r} at position {first} ({int(bad.sum())} value(s) outside 0 to "
                    f"{length - 1}) for {use.target!r} along {axis}, which has length {length}. "
                    f"The number of groups is fixed when the model is compiled: code the groups as 0 to {length - 1} "
                    "(pandas' cat.codes gives -1 for a category it has not seen), drop the rows of new groups, or "
                    "build the model with the new groups and compile it again"
                )
        try:
            shapes = shape_func(*self.point, *values) if shape_func is not None else []
        except Exception:  # noqa: BLE001 - the data do not even fit together: _check_fits says which
            shapes = []
        changed = {}
        for name, shape in zip(self.stored, shapes):
            shape, old = tuple(int(s) for s in shape), tuple(int(s) for s in compiled.shapes[name])
            if shape != old:
                changed[name] = (old, shape)
        if changed:
            keep = self.free + [name for name in self.stored if name not in changed]
            which = ", ".join(
                f"{name!r} has shape {old} in the compiled model and would have {new}"
                for name, (old, new) in changed.items()
            )
            raise ValueError(
                f"the Deterministic {which} with the new data: a compiled model stores every Deterministic with the "
                "shape it had when it was compiled. Leave it out of storage, "
                f"compile_model(model, var_names={keep!r}), "
                "and compute it from the posterior; or build the model with the new data and compile it again"
            )


def _data_names(compiled: CompiledPyMCModel) -> dict[str, np.ndarray]:
    """The model's pm.Data containers and their current values, by name."""
    return {var.name: compiled.shared_data[key] for var, key in compiled.shared_var_keys.items()}


def _checked_data(compiled: CompiledPyMCModel, data: Mapping[str, ArrayLike]) -> dict[str, np.ndarray]:
    """New data as arrays of the model's dtypes, checked by name, rank and finiteness."""
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be a dict of pm.Data names to values, got {type(data).__name__}")
    current = _data_names(compiled)
    unknown = [name for name in data if name not in current]
    if unknown:
        raise ValueError(
            f"could not set data {unknown}: the model has no pm.Data of that name; the model's pm.Data are "
            f"{sorted(current)}"
        )
    checked = {}
    for name, value in data.items():
        old = current[name]
        try:
            new = np.asarray(value, dtype=float if old.dtype.kind == "f" else None)
        except (TypeError, ValueError):
            raise TypeError(
                f"data {name!r} must be numbers like the model's ({old.dtype}), got {value!r:.80}"
            ) from None
        if new.dtype.kind not in "biuf":
            raise TypeError(f"data {name!r} must be numbers like the model's ({old.dtype}), got {new.dtype} values")
        if new.ndim != old.ndim:
            raise ValueError(
                f"data {name!r} must have {old.ndim} dimension(s), as in the model (shape {old.shape}), "
                f"got shape {new.shape}"
            )
        if new.dtype.kind == "f" and np.isfinite(old).all():
            bad = int((~np.isfinite(new)).sum())
            if bad:
                raise ValueError(
                    f"data {name!r} holds {bad} non-finite value(s) (NaN or infinite) at positions "
                    f"{np.argwhere(~np.isfinite(new))[:5].tolist()}; the model's data have none. Drop or impute them"
                )
        if old.dtype.kind in "iu" and new.dtype.kind == "f":
            if not (np.isfinite(new).all() and (new == np.round(new)).all()):
                raise ValueError(f"data {name!r} must be integers, as in the model ({old.dtype})")
        if old.dtype.kind in "iub" and new.size:
            low, high = (0, 1) if old.dtype.kind == "b" else (np.iinfo(old.dtype).min, np.iinfo(old.dtype).max)
            outside = (new < low) | (new > high)
            if outside.any():
                first = np.argwhere(outside)[0]
                raise ValueError(
                    f"data {name!r} holds {new[tuple(first)].item()!r} at position "
                    f"{int(first[0]) if new.ndim == 1 else first.tolist()}, which the model's data "
                    f"type {old.dtype} cannot hold ({low} to {high}; {int(outside.sum())} value(s) outside): it would "
                    f"wrap around silently. Build the model with pm.Data({name!r}, values.astype('int64')) and compile "
                    "it again"
                )
        checked[name] = new.astype(old.dtype, copy=False) if new.dtype != old.dtype else new
    return checked


def _logp_at_start(compiled: CompiledPyMCModel, tries: int = 10) -> bool | None:
    """Evaluate the compiled log-density (the function nutpie calls) at up to ``tries`` initial points: True when
    it is finite at one of them, False when it fails or is not finite at all of them (nutpie would stop with "All
    initialization points failed"), None when this nutpie version does not expose what is needed (then the check
    is skipped and sampling reports as before)."""
    try:
        func = compiled.compiled_logp_func.ctypes
        user_data = compiled.user_data.ctypes.data
        n_dim = int(compiled.n_dim)
        points = [
            np.ascontiguousarray(compiled.initial_point_func(seed), dtype=np.float64).copy() for seed in range(tries)
        ]
    except Exception:  # noqa: BLE001 - an internal of nutpie changed: skip the early check
        return None
    pointer = ctypes.POINTER(ctypes.c_double)
    for point in points:
        if point.shape != (n_dim,):
            return False
        grad, logp = np.zeros(n_dim), np.zeros(1)
        code = func(
            n_dim, point.ctypes.data_as(pointer), grad.ctypes.data_as(pointer), logp.ctypes.data_as(pointer), user_data
        )
        if code == 0 and np.isfinite(logp[0]):
            return True
    return False


def _check_fits(compiled: CompiledPyMCModel, updated: CompiledPyMCModel, data: dict[str, np.ndarray]) -> None:
    """Say which new arrays do not fit the model (wrong length for the other data, values outside the support)."""
    if _logp_at_start(compiled) is not True or _logp_at_start(updated) is not False:
        return  # the original model already fails (not the data's fault), the check is unavailable, or all is well
    changed = [name for name in data if _logp_at_start(compiled.with_data(**{name: data[name]})) is False] or list(data)
    shapes = ", ".join(f"{name}: {value.shape}" for name, value in sorted(_data_names(updated).items()))
    raise ValueError(
        "the new data do not fit the model: "
        + ", ".join(f"{n!r} (shape {data[n].shape})" for n in changed)
        + f". With them the model's log-density cannot be evaluated at its initial point. The model's data are now "
        f"{shapes}: arrays that share a dimension must change length together (pass them all in data=), and values "
        "must lie in the likelihood's support (e.g. counts >= 0)"
    )


#: Set to 0 to hide the sampler's progress bar (the book build, nbval and the robustness runs do), 1 to show it; unset,
#: it shows where a person is watching (a Jupyter kernel, an interactive interpreter) and not in a script.
PROGRESS_ENV = "RETHINKING_UTILS_PROGRESS"

_OFF, _ON = ("0", "false", "no", "off"), ("1", "true", "yes", "on")


def _show_progress(progress_bar: bool | None) -> bool:
    """The progress_bar= argument, or where it is None, the environment's and the session's choice."""
    import os

    if progress_bar is not None:
        if not isinstance(progress_bar, (bool, np.bool_)):
            raise TypeError(f"progress_bar must be True, False or None (decide by the session), got {progress_bar!r}")
        return bool(progress_bar)
    setting = os.environ.get(PROGRESS_ENV, "").strip().lower()
    if setting == "":
        return _interactive()
    if setting in _OFF:
        return False
    if setting in _ON:
        return True
    raise ValueError(
        f"the environment variable {PROGRESS_ENV}={os.environ[PROGRESS_ENV]!r} is neither 0 (no progress bar) nor 1 "
        "(a progress bar); unset it to let the session decide"
    )


def _interactive() -> bool:
    """True in a Jupyter kernel or an interactive interpreter, where a person watches the fit; False in a script."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython is not None else None
    if shell is not None:
        # a Jupyter kernel or IPython's terminal; not a bare InteractiveShell that a library or a test made in a
        # script (it sets sys.ps1 too)
        return type(shell).__name__ in ("ZMQInteractiveShell", "TerminalInteractiveShell")
    return hasattr(sys, "ps1") or bool(sys.flags.interactive)


def _new_coords(
    compiled: CompiledPyMCModel, checks: _DataChecks | None, data: Mapping[str, np.ndarray], coords: Mapping | None
) -> dict | None:
    """The coordinate labels of the fit: the compiled ones, those given in coords=, and positions for a dimension of
    new data whose length changed (the old labels cannot belong to it). None when nothing changes."""
    import pandas as pd

    current = dict(compiled.coords or {})
    lengths: dict[str, int] = {}  # the length each dimension has in this fit
    for name, dims in (compiled.dims or {}).items():
        shape = compiled.shapes.get(name)
        if shape is not None and len(shape) == len(dims):
            lengths.update({dim: int(n) for dim, n in zip(dims, shape) if dim is not None})
    if checks is not None:
        for name, value in data.items():
            for dim, n in zip(checks.dims.get(name, ()), value.shape):
                if dim is not None and dim not in lengths:  # a dimension of the data only (not of a stored variable)
                    lengths[dim] = int(n)
    new = {}
    if coords is not None:
        if not isinstance(coords, Mapping):
            raise TypeError(f"coords must be a dict of dimension names to labels, got {type(coords).__name__}")
        known = sorted(dim for dim in current if dim != "unconstrained_parameter")
        unknown = [dim for dim in coords if dim not in known]
        if unknown:
            raise ValueError(f"coords {unknown} are not dimensions of the model; its dimensions are {known}")
        for dim, labels in coords.items():
            if isinstance(labels, (str, bytes)) or np.ndim(labels) != 1:
                raise TypeError(f"coords[{dim!r}] must be a list of labels, one per position, got {labels!r:.80}")
            index = pd.Index(np.asarray(labels))
            n = lengths.get(dim, len(current[dim]))
            if len(index) != n:
                raise ValueError(
                    f"coords[{dim!r}] has {len(index)} labels; the dimension {dim!r} has length {n} in this fit"
                )
            if not index.is_unique:
                raise ValueError(
                    f"coords[{dim!r}] repeats labels {index[index.duplicated()].unique().tolist()[:5]}: "
                    ".sel() could not tell the positions apart"
                )
            new[dim] = index
    for dim, n in lengths.items():
        if dim not in new and dim in current and len(current[dim]) != n:
            new[dim] = pd.RangeIndex(n)
    return {**current, **new} if new else None


def sample_compiled(
    compiled: CompiledPyMCModel,
    *,
    random_seed: int,
    data: Mapping[str, ArrayLike] | None = None,
    coords: Mapping[str, ArrayLike] | None = None,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    cores: int = 2,
    target_accept: float = 0.8,
    progress_bar: bool | None = None,
) -> xr.DataTree:
    """Draw from a model compiled by :func:`compile_model`, optionally with new ``pm.Data`` values.

    What the compiled model fixes: the number of free parameters, so **the number of groups is fixed at compile
    time** (an integer ``pm.Data`` that indexes a group vector, ``z[g]``, must hold 0 to n_groups - 1), and the
    shape of every stored Deterministic. What may change: the number of observations, and every data value.

    Parameters
    ----------
    compiled : nutpie.compile_pymc.CompiledPyMCModel
        From :func:`compile_model`.
    random_seed : int
        Required: every fit in the course is reproducible. Any integer in [0, 2**64 - 1] (numpy integers too).
    data : dict, optional
        New values for the model's ``pm.Data`` containers, by name. Arrays that share a dimension must change
        together. Checked before sampling: names, number of dimensions, no NaN where the model had none, integer
        values the model's data type can hold (a ``uint8`` container cannot hold 300 or -1), every integer index
        computed from the data within the axis it indexes, every stored Deterministic of its compiled shape (one
        over the observations cannot change length: leave it out with ``compile_model(model, var_names=[...])``),
        and the log density finite at the initial point. A ValueError names what does not fit.
    coords : dict, optional
        New coordinate labels of the posterior, by dimension name, as in ``pm.set_data``: one label per position,
        no repeats. Without it, a dimension keeps its compiled labels when its length is unchanged, so **pass
        coords= when new data are about other units** (next season's trays, other counties) or ``.sel()`` picks by
        the old labels; a dimension of data whose length changed gets positions 0, 1, 2, ...
    draws, chains, cores : int
        As in ``pm.sample``, at least 1; ``cores=2`` suits the course's 2-core machines.
    tune : int
        Warm-up draws, at least 1: unlike ``pm.sample``, nutpie cannot sample without a warm-up (``tune=0`` is
        refused).
    target_accept : float
        NUTS target acceptance rate in (0, 1); raise it to take smaller steps.
    progress_bar : bool, optional
        Show nutpie's progress bar. Default None: shown where a person is watching (a Jupyter kernel, an
        interactive interpreter), not in a script; the environment variable ``RETHINKING_UTILS_PROGRESS`` set to
        0 hides it everywhere (the course's book build and tests set it, so that pages' outputs do not change),
        set to 1 shows it.

    Returns
    -------
    xarray.DataTree
        Groups ``posterior`` and ``sample_stats`` (no warm-up draws); ``attrs["sampling_seconds"]``
        is the wall time of this fit.

    Raises
    ------
    ImportError
        If nutpie is not installed (the message says what to install).
    TypeError
        If ``compiled`` is not from :func:`compile_model`, a seed, count or ``target_accept`` is of the wrong type,
        data are not numbers, or ``coords`` is not a dict of label lists.
    ValueError
        If a seed or setting is out of range, a data name is not one of the model's ``pm.Data`` (the message lists
        them), new data have the wrong number of dimensions, NaN or infinite values, integers the model's data type
        cannot hold, group indices outside the compiled groups, change the shape of a stored Deterministic, or do
        not fit the model; if the log density is not finite at the initial point (the message names the variables,
        e.g. observed counts above their trials); or ``coords`` names an unknown dimension, has the wrong length or
        repeats a label.

    Examples
    --------
    One model, compiled once, fitted to two data sets (a mean with a known standard deviation of 1):

    >>> import numpy as np
    >>> import pymc as pm
    >>> from rethinking_utils import compile_model, sampling_report
    >>> with pm.Model() as model:
    ...     y = pm.Data("y", np.array([0.2, -0.4, 1.4]))
    ...     mu = pm.Normal("mu", 0, 1)
    ...     obs = pm.Normal("obs", mu, 1, observed=y, shape=y.shape)
    >>> compiled = compile_model(model)
    >>> first = sample_compiled(compiled, random_seed=1)
    >>> new_data = {"y": np.full(20, 2.1)}
    >>> second = sample_compiled(compiled, random_seed=2, data=new_data)
    >>> sampling_report(second).ok
    True
    >>> for fit in (first, second):  # exact: 1.2 / 4 and 42 / 21
    ...     print(round(float(fit.posterior["mu"].mean()), 1))
    0.3
    2.0
    """
    nutpie = _require("nutpie", "sample_compiled")

    if not hasattr(compiled, "with_data"):
        raise TypeError(f"sample_compiled() takes the result of compile_model(), got {type(compiled).__name__}")
    if not isinstance(random_seed, numbers.Integral) or isinstance(random_seed, (bool, np.bool_)):
        raise TypeError(f"random_seed must be an integer (e.g. chapter.next_seed()), got {random_seed!r}")
    if not 0 <= int(random_seed) <= _MAX_SEED:
        raise ValueError(f"random_seed must be an integer in [0, 2**64 - 1], got {random_seed!r}")
    settings = {"draws": draws, "tune": tune, "chains": chains, "cores": cores}
    for name, value in settings.items():
        if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be a positive integer, got {value!r}")
        if name == "tune" and value == 0:
            raise ValueError(
                "tune must be a positive integer: nutpie cannot sample without a warm-up (its Rust core stops with a "
                "panic), unlike pm.sample; tune=1 is the least warm-up it takes"
            )
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not isinstance(target_accept, numbers.Real) or isinstance(target_accept, (bool, np.bool_)):
        raise TypeError(f"target_accept must be a number in (0, 1), e.g. 0.95, got {target_accept!r}")
    if not 0 < target_accept < 1:
        raise ValueError(f"target_accept must be between 0 and 1, got {target_accept!r}")
    show_progress = _show_progress(progress_bar)
    checks = getattr(compiled, _CHECKS_ATTR, None)
    new = _checked_data(compiled, data) if data else {}
    if checks is not None and new:
        checks.run(compiled, new)  # before any compiled code runs: an index out of range can end the process
    labels = _new_coords(compiled, checks, new, coords)
    if new:
        updated = compiled.with_data(**new)
        _check_fits(compiled, updated, new)
        compiled = updated
    else:
        _check_start(compiled)
    if labels is not None:
        compiled = dataclasses.replace(compiled, _coords=labels)
    start = time.perf_counter()
    idata = nutpie.sample(
        compiled,
        draws=int(draws),
        tune=int(tune),
        chains=int(chains),
        cores=int(cores),
        seed=int(random_seed),
        target_accept=float(target_accept),
        save_warmup=False,
        progress_bar=show_progress,
    )
    idata.attrs["sampling_seconds"] = time.perf_counter() - start
    _log_timing("sample", idata.attrs["sampling_seconds"], draws=int(draws), tune=int(tune), chains=int(chains))
    return idata
