"""Link functions and scaling: logit, invlogit, standardize, center.

Each accepts a scalar, a sequence, a numpy array or a pandas Series and returns
the same kind (a Series keeps its index and name; a scalar comes back as a float).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _as_numeric(x: Any, func: str) -> tuple[np.ndarray, Any]:
    """Values as a float array, and a function that wraps a result back into x's kind."""
    if isinstance(x, pd.DataFrame):
        raise TypeError(f"{func}() takes a scalar, array or Series, not a DataFrame; pass one column, e.g. df['x']")
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{func}() needs numbers, got {type(x).__name__}: {x!r}")
    try:
        values = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{func}() needs numbers; could not read {x!r} as numbers ({err})") from None
    if isinstance(x, pd.Series):
        return values, lambda out: pd.Series(out, index=x.index, name=x.name)
    if values.ndim == 0:
        return values, lambda out: float(out)
    return values, lambda out: out


def logit(p: Any) -> Any:
    """Log-odds ``log(p / (1 - p))`` of probabilities in [0, 1] (0 and 1 map to -inf and inf).

    Raises ``ValueError`` for values outside [0, 1] or NaN.
    """
    values, wrap = _as_numeric(p, "logit")
    if np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        bad = values[np.isnan(values) | (values < 0) | (values > 1)]
        raise ValueError(f"logit() needs probabilities in [0, 1]; got {bad.ravel()[:5].tolist()}")
    with np.errstate(divide="ignore"):
        return wrap(np.log(values) - np.log1p(-values))


def invlogit(x: Any) -> Any:
    """Inverse logit (logistic function) ``1 / (1 + exp(-x))``, numerically stable for large ``|x|``."""
    values, wrap = _as_numeric(x, "invlogit")
    out = np.empty_like(values)
    pos = values >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-values[pos]))
    ex = np.exp(values[~pos])
    out[~pos] = ex / (1.0 + ex)
    return wrap(out)


def _check_vector(values: np.ndarray, func: str) -> None:
    if values.ndim != 1:
        raise ValueError(f"{func}() needs a one-dimensional sequence of numbers, got shape {values.shape}")
    if values.size == 0:
        raise ValueError(f"{func}() got no values; pass at least one number")
    if np.isnan(values).any():
        raise ValueError(f"{func}() got {int(np.isnan(values).sum())} missing values (NaN); drop or impute them first")


def center(x: Any) -> Any:
    """``x - mean(x)``: keeps the units, moves the mean to zero (so intercepts mean 'at the average')."""
    values, wrap = _as_numeric(x, "center")
    _check_vector(values, "center")
    return wrap(values - values.mean())


def standardize(x: Any) -> Any:
    """``(x - mean(x)) / sd(x)`` with the sample standard deviation (ddof=1), as R's ``scale``.

    Raises ``ValueError`` for fewer than two values or a constant ``x`` (its sd is 0).
    """
    values, wrap = _as_numeric(x, "standardize")
    _check_vector(values, "standardize")
    if values.size < 2:
        raise ValueError("standardize() needs at least two values to estimate a standard deviation")
    sd = values.std(ddof=1)
    if sd == 0:
        raise ValueError("standardize() got a constant sequence (standard deviation 0); there is nothing to scale")
    return wrap((values - values.mean()) / sd)
