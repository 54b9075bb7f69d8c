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
import numbers
import time
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pymc as pm
    import xarray as xr
    from nutpie.compile_pymc import CompiledPyMCModel
    from numpy.typing import ArrayLike

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
    values to :func:`sample_compiled` as ``data=``.

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
        If the model has no free random variables, or ``var_names`` names a variable the model
        does not have (the message lists the ones it has).

    Examples
    --------
    >>> with pm.Model() as model:  # doctest: +SKIP
    ...     y = pm.Data("y", observed_values)
    ...     mu = pm.Normal("mu", 0, 1)
    ...     pm.Normal("obs", mu, 1, observed=y, shape=y.shape)
    >>> compiled = compile_model(model)  # doctest: +SKIP
    """
    nutpie = _require("nutpie", "compile_model")
    pm = _require("pymc", "compile_model")

    if not isinstance(model, pm.Model):
        raise TypeError(f"compile_model() takes a pymc.Model, got {type(model).__name__}")
    if not model.free_RVs:
        raise ValueError("the model has no free random variables to sample")
    if var_names is not None:
        if isinstance(var_names, str):
            raise TypeError(f"var_names must be a list of variable names, got the string {var_names!r}: wrap it in [...]")
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
    _log_timing("compile", time.perf_counter() - start, n_dim=int(compiled.n_dim))
    return compiled


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
            raise TypeError(f"data {name!r} must be numbers like the model's ({old.dtype}), got {value!r:.80}") from None
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
        points = [np.ascontiguousarray(compiled.initial_point_func(seed), dtype=np.float64).copy() for seed in range(tries)]
    except Exception:  # noqa: BLE001 - an internal of nutpie changed: skip the early check
        return None
    pointer = ctypes.POINTER(ctypes.c_double)
    for point in points:
        if point.shape != (n_dim,):
            return False
        grad, logp = np.zeros(n_dim), np.zeros(1)
        code = func(n_dim, point.ctypes.data_as(pointer), grad.ctypes.data_as(pointer), logp.ctypes.data_as(pointer), user_data)
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
        "the new data do not fit the model: " + ", ".join(f"{n!r} (shape {data[n].shape})" for n in changed)
        + f". With them the model's log-density cannot be evaluated at its initial point. The model's data are now "
        f"{shapes}: arrays that share a dimension must change length together (pass them all in data=), and values "
        "must lie in the likelihood's support (e.g. counts >= 0)"
    )


def sample_compiled(
    compiled: CompiledPyMCModel,
    *,
    random_seed: int,
    data: Mapping[str, ArrayLike] | None = None,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    cores: int = 2,
    target_accept: float = 0.8,
) -> xr.DataTree:
    """Draw from a model compiled by :func:`compile_model`, optionally with new ``pm.Data`` values.

    Parameters
    ----------
    compiled : nutpie.compile_pymc.CompiledPyMCModel
        From :func:`compile_model`.
    random_seed : int
        Required: every fit in the course is reproducible. Any integer in [0, 2**64 - 1] (numpy integers too).
    data : dict, optional
        New values for the model's ``pm.Data`` containers, by name. Shapes may change, but arrays that share a
        dimension must change together; values are checked against the model's data (names, number of
        dimensions, no NaN where the model had none, the log-density finite at the initial point) before sampling.
    draws, tune, chains, cores : int
        As in ``pm.sample``; ``cores=2`` suits the course's 2-core machines.
    target_accept : float
        NUTS target acceptance rate in (0, 1); raise it to take smaller steps.

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
        or data are not numbers.
    ValueError
        If a seed or setting is out of range, a data name is not one of the model's ``pm.Data`` (the message lists
        them), or new data have the wrong number of dimensions, NaN or infinite values, or do not fit the model.

    Examples
    --------
    >>> idata = sample_compiled(  # doctest: +SKIP
    ...     compiled, random_seed=1, data={"y": new_values}
    ... )
    >>> sampling_report(idata).ok  # doctest: +SKIP
    True
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
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not isinstance(target_accept, numbers.Real) or isinstance(target_accept, (bool, np.bool_)):
        raise TypeError(f"target_accept must be a number in (0, 1), e.g. 0.95, got {target_accept!r}")
    if not 0 < target_accept < 1:
        raise ValueError(f"target_accept must be between 0 and 1, got {target_accept!r}")
    if data:
        new = _checked_data(compiled, data)
        updated = compiled.with_data(**new)
        _check_fits(compiled, updated, new)
        compiled = updated
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
        progress_bar=False,
    )
    idata.attrs["sampling_seconds"] = time.perf_counter() - start
    _log_timing("sample", idata.attrs["sampling_seconds"], draws=int(draws), tune=int(tune), chains=int(chains))
    return idata
