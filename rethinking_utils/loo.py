"""Attach a pointwise log-likelihood, computed by hand, to a posterior so that ArviZ's LOO can use it.

``pm.compute_log_likelihood`` compiles a function for every call; for the simple likelihoods of
this course a vectorized numpy/scipy expression over (chain, draw, observation) is several times
faster, and sometimes a different likelihood is wanted (one with a group's intercept integrated out).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import xarray as xr
    from numpy.typing import ArrayLike

#: The observation dimension when none is named (``obs_dim=None``); ``<var_name>_dim_0`` if var_name is "obs".
DEFAULT_OBS_DIM = "obs"


def with_log_likelihood(
    idata: xr.DataTree,
    loglik: ArrayLike,
    var_name: str = "y",
    obs_dim: str | None = None,
    obs_coords: Sequence[object] | None = None,
) -> xr.DataTree:
    """Return a copy of ``idata`` with ``loglik`` as its ``log_likelihood`` group, ready for ``az.loo``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with a ``posterior`` group (from ``pm.sample`` or :func:`sample_compiled`).
    loglik : array of shape (chain, draw, n_obs)
        Pointwise log-likelihood of each observation under each draw (finite, or -inf).
    var_name : str
        Name of the observed variable, as ``az.loo(..., var_name=...)`` would call it.
    obs_dim : str, optional
        Name of the observation dimension (e.g. ``"tank"``, ``"home"``). Default ``"obs"``, or
        ``"<var_name>_dim_0"`` (PyMC's naming) when ``var_name`` is itself ``"obs"``.
    obs_coords : sequence, optional
        Labels of the observations (default 0..n_obs-1).

    Returns
    -------
    xarray.DataTree
        A copy of ``idata`` with a ``log_likelihood`` group holding ``var_name`` with dims
        ``(chain, draw, obs_dim)``; ``idata`` itself is unchanged.

    Raises
    ------
    ImportError
        If xarray is not installed (the message says what to install).
    ValueError
        If ``idata`` has no posterior, ``loglik`` is not (chain, draw, n_obs) matching the posterior or holds
        NaN or +inf, ``obs_coords`` has the wrong length, or ``var_name`` and ``obs_dim`` are the same name.

    Examples
    --------
    >>> loglik = stats.binom.logpdf(S, N, p_draws)  # doctest: +SKIP
    >>> idata = with_log_likelihood(  # doctest: +SKIP
    ...     idata, loglik, var_name="S", obs_dim="tank"
    ... )
    >>> az.loo(idata)  # doctest: +SKIP
    """
    try:
        import xarray as xr
    except ImportError as err:
        raise ImportError(
            "with_log_likelihood() needs xarray, which is not installed: "
            "pip install 'rethinking-utils[sampling]' (PyMC, nutpie and ArviZ)"
        ) from err

    if obs_dim is None:
        obs_dim = f"{var_name}_dim_0" if var_name == DEFAULT_OBS_DIM else DEFAULT_OBS_DIM
    if obs_dim == var_name:
        raise ValueError(
            f"var_name and obs_dim must differ (both are {var_name!r}): a variable cannot share its name with a "
            f"dimension; e.g. obs_dim={var_name + '_dim_0'!r}"
        )
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
