"""Link functions and scaling: logit, invlogit, standardize, center.

Each accepts a scalar, a sequence, a numpy array, a pandas Series or an xarray DataArray and returns
the same kind: a Series keeps its index and name, a DataArray its dims, coords and name, a scalar
comes back as a float. A numpy masked array with masked values is refused (a ValueError names the positions): numpy
would read the hidden values as data.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import xarray as xr
    from numpy.typing import ArrayLike

    #: What the functions take: numbers in any of the shapes a reader has at hand.
    Numbers = ArrayLike | pd.Series | xr.DataArray
    #: What they return: the kind they were given (a list or tuple comes back as an array).
    Result = float | np.ndarray | pd.Series | xr.DataArray


def _is_data_array(x: object) -> bool:
    xarray = sys.modules.get("xarray")  # not imported: x cannot be a DataArray (keeps the import light)
    return xarray is not None and isinstance(x, xarray.DataArray)


def _is_dataset(x: object) -> bool:
    xarray = sys.modules.get("xarray")
    return xarray is not None and isinstance(x, xarray.Dataset)


def _as_numeric(x: Numbers, func: str) -> tuple[np.ndarray, Callable[[np.ndarray], Result]]:
    """Values as a float array, and a function that wraps a result back into x's kind."""
    if isinstance(x, pd.DataFrame) or _is_dataset(x):
        raise TypeError(
            f"{func}() takes a scalar, array, Series or DataArray, not a {type(x).__name__}; "
            "pass one column, e.g. df['x']"
        )
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{func}() needs numbers, got {type(x).__name__}: {x!r}")
    if isinstance(x, np.ma.MaskedArray) and np.ma.getmaskarray(x).any():
        raise ValueError(
            f"{func}() got a masked array with masked value(s) at position(s) "
            f"{np.flatnonzero(np.ma.getmaskarray(x))[:5].tolist()}: numpy would use the hidden values as data. Pass "
            "x.compressed() to drop them, or x.filled(value) to choose what they are"
        )
    try:
        values = np.asarray(x.values if _is_data_array(x) else x, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{func}() needs numbers; could not read {x!r:.80} as numbers ({err})") from None
    if isinstance(x, pd.Series):
        return values, lambda out: pd.Series(out, index=x.index, name=x.name)
    if _is_data_array(x):
        return values, lambda out: x.copy(data=out)
    if values.ndim == 0:
        return values, lambda out: float(out)
    return values, lambda out: out


def logit(p: Numbers) -> Result:
    """Log-odds ``log(p / (1 - p))`` of probabilities in [0, 1] (0 and 1 map to -inf and inf).

    Parameters
    ----------
    p : float, array-like, pandas.Series or xarray.DataArray
        Probabilities in [0, 1].

    Returns
    -------
    float, numpy.ndarray, pandas.Series or xarray.DataArray
        The log-odds, of the same kind as ``p`` (a Series keeps its index, a DataArray its dims and coords).

    Raises
    ------
    TypeError
        If ``p`` is not numbers (a string, None, a DataFrame).
    ValueError
        If a value is outside [0, 1] or NaN.

    Examples
    --------
    >>> logit(0.5)
    0.0
    >>> round(logit(0.75), 4)
    1.0986
    """
    values, wrap = _as_numeric(p, "logit")
    bad = np.isnan(values) | (values < 0) | (values > 1)
    if bad.any():
        raise ValueError(f"logit() needs probabilities in [0, 1]; got {values[bad].ravel()[:5].tolist()}")
    with np.errstate(divide="ignore"):
        return wrap(np.log(values) - np.log1p(-values))


def invlogit(x: Numbers) -> Result:
    """Inverse logit (logistic function) ``1 / (1 + exp(-x))``, numerically stable for large ``|x|``.

    Parameters
    ----------
    x : float, array-like, pandas.Series or xarray.DataArray
        Log-odds (any real numbers; -inf and inf map to 0 and 1).

    Returns
    -------
    float, numpy.ndarray, pandas.Series or xarray.DataArray
        Probabilities in [0, 1], of the same kind as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not numbers.

    Examples
    --------
    >>> invlogit(0)
    0.5
    >>> float(invlogit(np.array([-800.0, 800.0]))[1])
    1.0
    """
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
    if np.isinf(values).any():
        raise ValueError(
            f"{func}() got {int(np.isinf(values).sum())} infinite values; their mean and spread are undefined. "
            "Drop them, or transform x first (an infinite value often means log(0))"
        )


def _deviations(values: np.ndarray) -> tuple[np.ndarray, float]:
    """``(x - mean(x)) / scale`` accurately over the whole float range, and ``scale`` (a power of two).

    The values are divided by a power of two near their largest magnitude (exact), so no sum overflows;
    the mean is an exactly rounded sum (``math.fsum``), and a second pass removes what rounding the
    mean left, so that nearly constant data are centred correctly too.
    """
    largest = float(np.abs(values).max())
    scale = 1.0 if largest == 0 else float(np.ldexp(1.0, int(np.frexp(largest)[1]) - 1))
    scaled = values / scale  # in [-2, 2]
    deviations = scaled - math.fsum(scaled) / scaled.size
    return deviations - math.fsum(deviations) / scaled.size, scale


def center(x: Numbers) -> Result:
    """``x - mean(x)``: keeps the units, moves the mean to zero (so intercepts mean 'at the average').

    Exact over the whole float64 range (the mean is an exactly rounded sum of ``x`` scaled by a power of two).

    Parameters
    ----------
    x : array-like, pandas.Series or xarray.DataArray
        One-dimensional, at least one value, all finite.

    Returns
    -------
    numpy.ndarray, pandas.Series or xarray.DataArray
        The centred values, of the same kind as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not numbers.
    ValueError
        If ``x`` is empty, not one-dimensional, holds NaN or infinite values, or ``x - mean(x)`` is beyond the
        float64 range (values near +-1.8e308 of both signs).

    Examples
    --------
    >>> center([1, 2, 6]).tolist()
    [-2.0, -1.0, 3.0]
    """
    values, wrap = _as_numeric(x, "center")
    _check_vector(values, "center")
    deviations, scale = _deviations(values)
    with np.errstate(over="ignore"):
        out = deviations * scale
    if not np.isfinite(out).all():
        raise ValueError(
            "center() cannot represent x - mean(x) as float64 numbers (the values span more than the float range); "
            "rescale x first"
        )
    return wrap(out)


def standardize(x: Numbers) -> Result:
    """``(x - mean(x)) / sd(x)`` with the sample standard deviation (ddof=1), as R's ``scale``.

    Correct over the whole float64 range: the computation runs on ``x`` scaled by a power of two, so neither
    ``1e200`` (whose square overflows) nor ``1e-310`` (whose square underflows) loses the answer.

    Parameters
    ----------
    x : array-like, pandas.Series or xarray.DataArray
        One-dimensional, at least two values, all finite, not all equal.

    Returns
    -------
    numpy.ndarray, pandas.Series or xarray.DataArray
        z-scores (mean 0, sample standard deviation 1), of the same kind as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not numbers.
    ValueError
        If ``x`` has fewer than two values, is constant (its sd is 0), is not one-dimensional, or holds NaN or
        infinite values.

    Examples
    --------
    >>> standardize([1.0, 2.0, 3.0]).tolist()
    [-1.0, 0.0, 1.0]
    """
    values, wrap = _as_numeric(x, "standardize")
    _check_vector(values, "standardize")
    if values.size < 2:
        raise ValueError("standardize() needs at least two values to estimate a standard deviation")
    if (values == values[0]).all():
        raise ValueError("standardize() got a constant sequence (standard deviation 0); there is nothing to scale")
    deviations, _ = _deviations(values)
    sd = math.sqrt(math.fsum(deviations * deviations) / (values.size - 1))
    return wrap(deviations / sd)
