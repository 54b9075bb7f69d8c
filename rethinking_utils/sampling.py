"""Compile a PyMC model once, then sample it many times (new data, new seeds, new settings).

``pm.sample`` compiles the model again at every call (several seconds); sampling a small
multilevel model takes a fraction of a second. Chapters that fit one model several times
compile it once with :func:`compile_model` and call :func:`sample_compiled` for each fit,
swapping ``pm.Data`` values in with ``data=``. Both use nutpie; nutpie and pymc are imported
inside the functions so that ``import rethinking_utils`` stays quick.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any


def compile_model(model: Any) -> Any:
    """Compile a ``pymc.Model`` with nutpie (numba backend) and return the compiled model.

    Give the model ``pm.Data`` containers for whatever changes between fits; pass their new
    values to :func:`sample_compiled` as ``data=``.
    """
    import nutpie
    import pymc as pm

    if not isinstance(model, pm.Model):
        raise TypeError(f"compile_model() takes a pymc.Model, got {type(model).__name__}")
    if not model.free_RVs:
        raise ValueError("the model has no free random variables to sample")
    return nutpie.compile_pymc_model(model)


def sample_compiled(
    compiled: Any,
    *,
    random_seed: int,
    data: Mapping[str, Any] | None = None,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    cores: int = 2,
    target_accept: float = 0.8,
) -> Any:
    """Draw from a model compiled by :func:`compile_model`, optionally with new ``pm.Data`` values.

    Parameters
    ----------
    compiled : nutpie CompiledModel
        From :func:`compile_model`.
    random_seed : int
        Required: every fit in the course is reproducible.
    data : dict, optional
        New values for the model's ``pm.Data`` containers, by name (shapes may change).
    draws, tune, chains, cores : int
        As in ``pm.sample``; ``cores=2`` suits the course's 2-core machines.
    target_accept : float
        NUTS target acceptance rate in (0, 1); raise it to take smaller steps.

    Returns
    -------
    xarray.DataTree
        Groups ``posterior`` and ``sample_stats`` (no warm-up draws); ``attrs["sampling_seconds"]``
        is the wall time of this fit.
    """
    import nutpie

    if not hasattr(compiled, "with_data"):
        raise TypeError(f"sample_compiled() takes the result of compile_model(), got {type(compiled).__name__}")
    if not isinstance(random_seed, int) or isinstance(random_seed, bool):
        raise TypeError(f"random_seed must be an int, got {random_seed!r}")
    for name, value in {"draws": draws, "tune": tune, "chains": chains, "cores": cores}.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 0 < target_accept < 1:
        raise ValueError(f"target_accept must be between 0 and 1, got {target_accept!r}")
    if data:
        try:
            compiled = compiled.with_data(**dict(data))
        except (KeyError, ValueError, TypeError) as err:
            raise ValueError(f"could not set data {sorted(data)}: {err}; name the model's pm.Data containers") from err
    start = time.perf_counter()
    idata = nutpie.sample(
        compiled,
        draws=draws,
        tune=tune,
        chains=chains,
        cores=cores,
        seed=random_seed,
        target_accept=target_accept,
        save_warmup=False,
        progress_bar=False,
    )
    idata.attrs["sampling_seconds"] = time.perf_counter() - start
    return idata
