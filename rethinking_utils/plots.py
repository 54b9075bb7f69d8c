"""Small matplotlib helpers shared by the chapters, and the course's plot style.

matplotlib is imported inside the functions, so ``import rethinking_utils`` stays quick.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

STYLE_FILE = "course.mplstyle"


def use_style() -> Path:
    """Apply the course's bundled matplotlib style sheet and return its path.

    The sheet ships inside the package, so this works from any working directory.

    Returns
    -------
    pathlib.Path
        Where the style sheet is.

    Raises
    ------
    FileNotFoundError
        If the sheet is missing from the installed package (reinstall it).

    Examples
    --------
    >>> use_style().name
    'course.mplstyle'
    """
    import matplotlib.pyplot as plt

    path = Path(str(resources.files("rethinking_utils") / STYLE_FILE))
    if not path.is_file():
        raise FileNotFoundError(f"the course style sheet is missing from the package: {path}; reinstall the package")
    plt.style.use(str(path))
    return path


def _dates(values: ArrayLike) -> np.ndarray | None:
    """Datetime-like values (datetime64, pandas datetimes, datetime/date objects) as an array matplotlib draws
    as dates; None for anything else."""
    if isinstance(values, (pd.Series, pd.Index)) and pd.api.types.is_datetime64_any_dtype(values):
        index = pd.DatetimeIndex(values)
        return index.to_numpy() if index.tz is None else np.asarray(index.to_pydatetime())
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr
    if arr.dtype == object and arr.size and all(isinstance(v, (dt.date, np.datetime64)) for v in arr.ravel()):
        return arr
    return None


def _vector(values: ArrayLike, what: str, dates: bool = False) -> np.ndarray:
    """One-dimensional, non-empty numbers (or dates, where ``dates``)."""
    arr = _dates(values) if dates else None
    if arr is None:
        if _dates(values) is not None:
            raise TypeError(f"{what} must be numbers (dates are accepted only for the positions of the points)")
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be numbers, got {values!r:.80}") from None
    if arr.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{what} is empty; there is nothing to plot")
    return arr


def _same_length(**named: np.ndarray) -> None:
    lengths = {name: len(arr) for name, arr in named.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"lengths differ: {lengths}; pass one value per point")


def _axes(ax: Axes | None) -> Axes:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        return plt.gca()
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from `fig, ax = plt.subplots()`) or None for the current axes, "
            f"got {type(ax).__name__}: {ax!r:.60}"
        )
    return ax


def plot_scatter(
    xs: ArrayLike,
    ys: ArrayLike,
    ax: Axes | None = None,
    color: str = "C0",
    label: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Scatter plot with open circles (they stay readable when points overlap).

    Parameters
    ----------
    xs, ys : array-like
        Positions, one per point; numbers, or dates (datetime64, pandas datetimes, ``datetime`` objects).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current axes).
    color : str
        Edge colour of the circles.
    label : str, optional
        Legend label.
    **kwargs
        Passed on to ``Axes.scatter`` (``s=30`` unless given).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If the positions are not numbers or dates, or ``ax`` is not an Axes.
    ValueError
        If ``xs`` and ``ys`` are empty, not one-dimensional or of different lengths.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ages, heights = [20, 35, 50], [1.62, 1.75, 1.70]
    >>> ax = plot_scatter(ages, heights, ax=ax, label="people")
    >>> ax.get_legend_handles_labels()[1]
    ['people']
    """
    x, y = _vector(xs, "xs", dates=True), _vector(ys, "ys", dates=True)
    _same_length(xs=x, ys=y)
    ax = _axes(ax)
    kwargs.setdefault("s", 30)
    ax.scatter(x, y, facecolors="none", edgecolors=color, label=label, **kwargs)
    return ax


def plot_line(
    xs: ArrayLike,
    ys: ArrayLike,
    ax: Axes | None = None,
    color: str = "C0",
    label: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Line plot of ys against xs.

    Parameters
    ----------
    xs, ys : array-like
        Positions, one per point; numbers or dates.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current axes).
    color : str
        Line colour.
    label : str, optional
        Legend label.
    **kwargs
        Passed on to ``Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If the positions are not numbers or dates, or ``ax`` is not an Axes.
    ValueError
        If ``xs`` and ``ys`` are empty, not one-dimensional or of different lengths.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from rethinking_utils import invlogit
    >>> fig, ax = plt.subplots()
    >>> grid = np.linspace(-4, 4, 81)
    >>> ax = plot_line(grid, invlogit(grid), ax=ax, label="logistic")
    >>> ax.lines[0].get_ydata()[40]  # invlogit(0)
    np.float64(0.5)
    """
    x, y = _vector(xs, "xs", dates=True), _vector(ys, "ys", dates=True)
    _same_length(xs=x, ys=y)
    ax = _axes(ax)
    ax.plot(x, y, color=color, label=label, **kwargs)
    return ax


def _intervals(centers: np.ndarray, lower: ArrayLike, upper: ArrayLike, axis: str) -> np.ndarray:
    """Distances from each centre down to ``lower`` and up to ``upper`` (what matplotlib's errorbar wants)."""
    lo, hi = _vector(lower, "lower"), _vector(upper, "upper")
    _same_length(centers=centers, lower=lo, upper=hi)
    for what, values in ((f"{axis}s", centers), ("lower", lo), ("upper", hi)):
        bad = ~np.isfinite(values)
        if bad.any():
            raise ValueError(
                f"{what} is not finite (NaN or infinite) at position(s) {np.flatnonzero(bad)[:5].tolist()}: matplotlib "
                "would leave that bar out and the point would look certain. Drop those points, or find why the "
                "interval is undefined (too few draws, a NaN in the posterior)"
            )
    if (lo > hi).any():
        raise ValueError(
            f"lower > upper at positions {np.flatnonzero(lo > hi)[:5].tolist()}; pass (lower, upper) bounds"
        )
    outside = (centers < lo) | (centers > hi)
    if outside.any():
        where = np.flatnonzero(outside)[:5].tolist()
        raise ValueError(
            f"the point's {axis} lies outside [lower, upper] at position(s) {where} "
            f"(e.g. {axis}={centers[where[0]]:g}, lower={lo[where[0]]:g}, upper={hi[where[0]]:g}); "
            "lower and upper are absolute bounds, not widths: pass e.g. the interval's ends, "
            "not its distances from the centre. If they are the ends and the point is a mean, a skewed or heavy-tailed "
            "posterior can put its mean outside its own interval: plot the median instead (it always lies inside a "
            "central interval such as the 89% ETI)"
        )
    return np.vstack([centers - lo, hi - centers])


def _errorbar(
    xs: ArrayLike,
    ys: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    ax: Axes | None,
    color: str,
    label: str | None,
    vertical: bool,
    **kwargs: Any,
) -> Axes:
    x, y = _vector(xs, "xs", dates=vertical), _vector(ys, "ys", dates=not vertical)
    _same_length(xs=x, ys=y)
    bars = {"yerr": _intervals(y, lower, upper, "y")} if vertical else {"xerr": _intervals(x, lower, upper, "x")}
    ax = _axes(ax)
    kwargs.setdefault("fmt", "o")
    ax.errorbar(x, y, color=color, label=label, **bars, **kwargs)
    return ax


def plot_errorbar(
    xs: ArrayLike,
    ys: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    ax: Axes | None = None,
    color: str = "C0",
    label: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Points at (xs, ys) with vertical interval bars from ``lower`` to ``upper`` (absolute bounds, not widths).

    Parameters
    ----------
    xs : array-like
        Horizontal positions; numbers or dates.
    ys : array-like
        The points' values (e.g. posterior means), each inside its ``[lower, upper]``.
    lower, upper : array-like
        The ends of each interval (e.g. of an 89% interval), in the units of ``ys``.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current axes).
    color : str
        Colour of points and bars.
    label : str, optional
        Legend label.
    **kwargs
        Passed on to ``Axes.errorbar`` (``fmt="o"`` unless given).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If a value is not a number (``xs`` may be dates), or ``ax`` is not an Axes.
    ValueError
        If the arrays are empty or of different lengths, a value is NaN or infinite, ``lower > upper``, or a point
        lies outside its interval (the bounds are absolute, not widths; a heavy-tailed mean: plot the median).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> tanks, means = [1, 2, 3], [0.9, 0.6, 0.75]
    >>> low, high = [0.8, 0.4, 0.6], [0.97, 0.8, 0.87]
    >>> ax = plot_errorbar(tanks, means, lower=low, upper=high, ax=ax)

    The bounds are absolute, not widths:

    >>> widths = [0.1, 0.1, 0.1]
    >>> plot_errorbar(tanks, means, lower=widths, upper=widths, ax=ax)
    Traceback (most recent call last):
    ...
    ValueError: the point's y lies outside [lower, upper] at ...
    """
    return _errorbar(xs, ys, lower, upper, ax, color, label, vertical=True, **kwargs)


def plot_x_errorbar(
    xs: ArrayLike,
    ys: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    ax: Axes | None = None,
    color: str = "C0",
    label: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Points at (xs, ys) with horizontal interval bars from ``lower`` to ``upper`` (a forest-plot row per point).

    Parameters
    ----------
    xs : array-like
        The points' values (e.g. posterior means), each inside its ``[lower, upper]``.
    ys : array-like
        Vertical positions (one row per point); numbers or dates.
    lower, upper : array-like
        The ends of each interval, in the units of ``xs`` (absolute bounds, not widths).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current axes).
    color : str
        Colour of points and bars.
    label : str, optional
        Legend label.
    **kwargs
        Passed on to ``Axes.errorbar`` (``fmt="o"`` unless given).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If a value is not a number (``ys`` may be dates), or ``ax`` is not an Axes.
    ValueError
        If the arrays are empty or of different lengths, a value is NaN or infinite, ``lower > upper``, or a point
        lies outside its interval (the bounds are absolute, not widths; a heavy-tailed mean: plot the median).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> means, rows = [0.9, 0.6, 0.75], [0, 1, 2]
    >>> low, high = [0.8, 0.4, 0.6], [0.97, 0.8, 0.87]
    >>> ax = plot_x_errorbar(means, rows, lower=low, upper=high, ax=ax)
    >>> ax.invert_yaxis()  # the first row at the top
    """
    return _errorbar(xs, ys, lower, upper, ax, color, label, vertical=False, **kwargs)
