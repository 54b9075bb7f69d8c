"""Attach a pointwise log-likelihood, computed by hand, to a posterior so that ArviZ's LOO can use it.

``pm.compute_log_likelihood`` compiles a function for every call; for the simple likelihoods of
this course a vectorized numpy/scipy expression over (chain, draw, observation) is several times
faster, and sometimes a different likelihood is wanted (one with a group's intercept integrated out).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def with_log_likelihood(idata: Any, loglik: Any, var_name: str = "y", obs_dim: str = "obs", obs_coords: Any = None) -> Any:
    """Return a copy of ``idata`` with ``loglik`` as its ``log_likelihood`` group, ready for ``az.loo``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with a ``posterior`` group (from ``pm.sample`` or :func:`sample_compiled`).
    loglik : array of shape (chain, draw, n_obs)
        Pointwise log-likelihood of each observation under each draw.
    var_name : str
        Name of the observed variable, as ``az.loo(..., var_name=...)`` would call it.
    obs_dim : str
        Name of the observation dimension (e.g. ``"tank"``, ``"home"``).
    obs_coords : sequence, optional
        Labels of the observations (default 0..n_obs-1).

    Raises
    ------
    ValueError
        If ``loglik`` is not (chain, draw, n_obs) matching the posterior, or holds NaN or +inf.
    """
    import xarray as xr

    try:
        posterior = idata["posterior"]
    except (KeyError, TypeError):
        raise ValueError("with_log_likelihood() needs a fit with a 'posterior' group") from None
    values = np.asarray(loglik, dtype=float)
    chains, draws = posterior.sizes["chain"], posterior.sizes["draw"]
    if values.ndim != 3 or values.shape[:2] != (chains, draws):
        raise ValueError(
            f"loglik must have shape (chain, draw, n_obs) = ({chains}, {draws}, n_obs), got {values.shape}"
        )
    if np.isnan(values).any() or np.isposinf(values).any():
        raise ValueError("loglik holds NaN or +inf values; a log-likelihood is finite or -inf")
    coords = {"chain": posterior["chain"].values, "draw": posterior["draw"].values}
    coords[obs_dim] = np.arange(values.shape[2]) if obs_coords is None else np.asarray(obs_coords)
    if len(coords[obs_dim]) != values.shape[2]:
        raise ValueError(f"obs_coords has {len(coords[obs_dim])} labels for {values.shape[2]} observations")
    out = idata.copy()
    out["log_likelihood"] = xr.DataTree(xr.Dataset({var_name: (("chain", "draw", obs_dim), values)}, coords=coords))
    return out
