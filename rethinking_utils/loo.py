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
        Pointwise log-likelihood of each observation under each draw, all finite: a -inf (an observation impossible
        under a draw) is refused, naming the observation, because ``az.loo`` would return NaN for it.
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
        ``(chain, draw, obs_dim)``, next to the variables an earlier call put there (one of the same name is
        replaced); ``idata`` itself is unchanged.

    Raises
    ------
    ImportError
        If xarray is not installed (the message says what to install).
    ValueError
        If ``idata`` has no posterior or one stacked to a single sample dimension, ``loglik`` is not
        (chain, draw, n_obs) matching the posterior or holds NaN or an infinite value (the message names the first
        observation with -inf), ``obs_coords`` has the wrong length, ``obs_dim`` is ``"chain"`` or ``"draw"``, is
        used with another length by an earlier call, or is the same name as ``var_name``.

    Examples
    --------
    Three tanks of ten tadpoles, one survival probability for all of them, and its exact posterior under a flat
    prior (a Beta distribution) drawn directly in place of a sampler's draws:

    >>> import arviz as az
    >>> import numpy as np
    >>> from scipy import stats
    >>> S, N = np.array([6, 8, 7]), np.array([10, 10, 10])
    >>> rng = np.random.default_rng(1)
    >>> p = rng.beta(1 + S.sum(), 1 + (N - S).sum(), size=(4, 500))
    >>> idata = az.from_dict({"posterior": {"p": p}})
    >>> loglik = stats.binom.logpmf(S, N, p[..., None])  # (4, 500, 3)
    >>> idata = with_log_likelihood(
    ...     idata, loglik, var_name="S", obs_dim="tank"
    ... )
    >>> idata["log_likelihood"]["S"].dims
    ('chain', 'draw', 'tank')
    >>> loo = az.loo(idata)
    >>> round(float(loo.elpd), 1)
    -5.2
    >>> bool((loo.pareto_k < 0.7).all())  # every Pareto k small: it holds
    True
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
    if obs_dim in ("chain", "draw"):
        raise ValueError(
            f"obs_dim {obs_dim!r} is one of the posterior's sample dimensions (chain, draw); name the observations' "
            "dimension, e.g. obs_dim='obs' or 'tank'"
        )
    try:
        posterior = idata["posterior"]
    except (KeyError, TypeError):
        raise ValueError("with_log_likelihood() needs a fit with a 'posterior' group") from None
    if "chain" not in posterior.dims or "draw" not in posterior.dims:
        stacked = [dim for dim in posterior.dims if dim not in ("chain", "draw")][:1]
        raise ValueError(
            f"the posterior has dims {tuple(posterior.dims)}, not (chain, draw, ...)"
            + (
                f"; if it was stacked to one {stacked[0]!r} dimension, pass the fit as sampled or "
                f"posterior.unstack({stacked[0]!r})"
                if stacked
                else ""
            )
        )
    values = np.asarray(loglik, dtype=float)
    chains, draws = posterior.sizes["chain"], posterior.sizes["draw"]
    if values.ndim != 3 or values.shape[:2] != (chains, draws):
        raise ValueError(
            f"loglik must have shape (chain, draw, n_obs) = ({chains}, {draws}, n_obs), got {values.shape}"
        )
    if np.isnan(values).any() or np.isposinf(values).any():
        raise ValueError("loglik holds NaN or +inf values; a log-likelihood is finite")
    coords = {
        dim: posterior[dim].values if dim in posterior.coords else np.arange(posterior.sizes[dim])
        for dim in ("chain", "draw")
    }
    coords[obs_dim] = np.arange(values.shape[2]) if obs_coords is None else np.asarray(obs_coords)
    if len(coords[obs_dim]) != values.shape[2]:
        raise ValueError(f"obs_coords has {len(coords[obs_dim])} labels for {values.shape[2]} observations")
    impossible = np.isneginf(values)
    if impossible.any():
        per_obs = impossible.sum(axis=(0, 1))
        first = int(np.flatnonzero(per_obs)[0])
        label = coords[obs_dim][first]
        label = label.item() if isinstance(label, np.generic) else label
        raise ValueError(
            f"loglik is -inf for observation {label!r} (position {first}) in {int(per_obs[first])} "
            f"draw(s) ({int((per_obs > 0).sum())} observation(s) in all): the observation is impossible under those "
            "draws, and az.loo would return NaN and leave it out of its Pareto-k table without a word. Check the "
            "likelihood's support (a count above its trials, a value outside (0, 1)) or the data"
        )
    out = idata.copy()
    group = xr.Dataset({var_name: (("chain", "draw", obs_dim), values)}, coords=coords)
    if "log_likelihood" in idata.children:
        existing = idata["log_likelihood"].to_dataset().drop_vars(var_name, errors="ignore")
        for name, da in existing.data_vars.items():
            if obs_dim in da.dims and da.sizes[obs_dim] != values.shape[2]:
                raise ValueError(
                    f"obs_dim {obs_dim!r} has {da.sizes[obs_dim]} positions in the log-likelihood of {name!r} already, "
                    f"got {values.shape[2]} for {var_name!r}: give this observed variable another obs_dim"
                )
        existing = existing.drop_vars(
            [
                c
                for c in existing.coords
                if c == obs_dim and not any(obs_dim in da.dims for da in existing.data_vars.values())
            ]
        )
        group = xr.merge([existing, group], compat="override", join="outer")
    out["log_likelihood"] = xr.DataTree(group)
    return out
