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


def _stats_group(idata: Any, name: str) -> Any:
    """One group of a fit (``posterior``, ``sample_stats``) as an xarray Dataset."""
    if isinstance(idata, dict):
        raise TypeError(
            f"plot_divergences() takes a fit (an xarray.DataTree, as pm.sample() returns), got a plain dict with keys "
            f"{list(idata)[:5]}; turn a dict of arrays into one with az.from_dict(...) (import arviz as az)"
        )
    from rethinking_utils.diagnostics import _group  # the same lookup, and error, as sampling_report's

    return _group(idata, name, caller="plot_divergences()")


def _diverging(idata: Any) -> Any:
    """The fit's per-draw divergence flags as a boolean DataArray with dims (chain, draw)."""
    stats = _stats_group(idata, "sample_stats")
    if "diverging" not in stats:
        raise ValueError(
            "sample_stats has no 'diverging' variable (it has "
            f"{sorted(map(str, stats.data_vars))}); was this posterior drawn with NUTS (pm.sample, nutpie)?"
        )
    flags = stats["diverging"]
    if set(flags.dims) != {"chain", "draw"}:
        raise ValueError(f"sample_stats['diverging'] must have dims ('chain', 'draw'), got {flags.dims}")
    flags = flags.transpose("chain", "draw")
    if flags.size == 0:
        raise ValueError(f"the fit has no draws (sample_stats['diverging'] has shape {flags.shape}); nothing to plot")
    if flags.dtype.kind == "f":  # NaN pads chains of unequal length: not a divergence
        return flags == 1
    if flags.dtype.kind not in "biu":
        raise TypeError(f"sample_stats['diverging'] must be booleans, got dtype {flags.dtype}")
    return flags.astype(bool)


def _per_draw(idata: Any, values: Any, what: str, flags: Any) -> tuple[np.ndarray, str | None]:
    """``values`` (a posterior variable's name, or per-draw values) as a (chain, draw) float array that lines up
    with ``flags``, and the axis label (the name, when given by name)."""
    import xarray as xr

    name = None
    if isinstance(values, str):
        name = values
        posterior = _stats_group(idata, "posterior")
        if name not in posterior.data_vars:
            raise ValueError(
                f"{what}={name!r} is not a variable of the posterior; it has {sorted(map(str, posterior.data_vars))}"
            )
        values = posterior[name]
    shape = tuple(flags.shape)
    fix = (
        f"Pass one value per draw of this fit, shaped (chain, draw) = {shape}: a scalar variable's name, or an "
        "array such as post['g'].sel(block=1) or np.log(post['sigma']) computed from this fit's posterior. A vector "
        "variable: select one element. A thinned posterior: thin the whole fit, fit = idata.isel(draw=slice(None, "
        "None, k)), and pass fit and its variables. Another fit's draws do not line up with this fit's divergences"
    )
    if isinstance(values, xr.DataArray):
        dims = values.dims
        if "chain" in dims and "draw" in dims:
            values = values.transpose("chain", "draw", ...)
            if values.ndim > 2:
                label = f"posterior variable {name!r}" if name else what
                raise ValueError(
                    f"{label} has dims {values.dims}, shape {values.shape}: more than one value per draw. {fix}"
                )
            for dim in ("chain", "draw"):
                if (
                    values.sizes[dim] == flags.sizes[dim]
                    and dim in values.coords
                    and dim in flags.coords
                    and not np.array_equal(values[dim].values, flags[dim].values)
                ):
                    raise ValueError(
                        f"{what}'s {dim} labels ({values[dim].values[:3].tolist()}, ...) are not the fit's "
                        f"({flags[dim].values[:3].tolist()}, ...): its draws are not this fit's. {fix}"
                    )
        values = values.values
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{what} must be numbers (or a posterior variable's name), got dtype {arr.dtype}: {values!r:.80}"
        )
    arr = arr.astype(float)
    if arr.shape != shape:
        raise ValueError(
            f"{what} has shape {arr.shape} and the divergence flags (chain, draw) have shape {shape}: they must line "
            f"up draw for draw. {fix}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        where = [tuple(int(i) for i in pos) for pos in np.argwhere(bad)[:3]]
        raise ValueError(
            f"{what} is not finite (NaN or infinite) at {int(bad.sum())} of {arr.size} draws, e.g. (chain, draw) "
            f"{where}: matplotlib would leave those draws out, divergent ones included. Find why the value is "
            "undefined (the log of a non-positive number, a division by zero) or plot another quantity"
        )
    return arr, name


def plot_divergences(
    idata: Any,
    x: str | ArrayLike,
    y: str | ArrayLike,
    ax: Axes | None = None,
    label: str | None = None,
    **scatter_kwargs: Any,
) -> Axes:
    """Scatter of the posterior draws of two quantities, with the divergent transitions on top (colour C3).

    Where the divergences gather (the neck of a funnel, a ridge) shows what the sampler could not follow. The
    title gives the number of divergences, counted from ``idata.sample_stats["diverging"]``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit: the output of ``pm.sample()`` or ``nutpie.sample()`` (groups ``posterior`` and ``sample_stats``
        with ``diverging``).
    x, y : str or array-like
        The values to plot, one per draw: the name of a scalar variable of ``idata.posterior``, or an array
        or ``xarray.DataArray`` shaped ``(chain, draw)`` like the divergence flags, e.g.
        ``post["g"].sel(block=1)`` or ``np.log(post["sigma"])`` with ``post = idata.posterior``.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current axes).
    label : str, optional
        The fit's name; the title reads "<label>: N divergences" (without a label: "N divergences").
    **scatter_kwargs
        Passed on to ``Axes.scatter`` for the non-divergent draws (defaults: ``s=4``, ``alpha=0.4``,
        ``color="slategray"``). The divergent draws are drawn above them, larger and in ``C3``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on, with a legend ("draw", "divergent draw"), the title and, for ``x`` or ``y`` given by
        name, the name as the axis label.

    Raises
    ------
    TypeError
        If ``idata`` is a plain dict, ``x`` or ``y`` is not numbers, ``label`` is not a string or ``ax`` is not
        an Axes.
    ValueError
        If ``idata`` has no ``sample_stats`` group or no ``diverging`` flags, a name is not a posterior
        variable, ``x`` or ``y`` does not line up draw for draw with the flags (a vector variable, a thinned
        posterior, another fit's draws: the message says the shapes and the fix), or a value is NaN or infinite.

    Examples
    --------
    Two chains of fake draws, five of them flagged as divergent:

    >>> import arviz as az
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> rng = np.random.default_rng(2)
    >>> diverging = np.zeros((2, 100), dtype=bool)
    >>> diverging[1, :5] = True
    >>> idata = az.from_dict(
    ...     {
    ...         "posterior": {
    ...             "mu": rng.normal(size=(2, 100)),
    ...             "sigma": rng.lognormal(size=(2, 100)),
    ...         },
    ...         "sample_stats": {"diverging": diverging},
    ...     }
    ... )
    >>> post = idata.posterior
    >>> fig, ax = plt.subplots()
    >>> log_sigma = np.log(post["sigma"])
    >>> ax = plot_divergences(idata, "mu", log_sigma, label="centered")
    >>> ax.get_title(), ax.get_xlabel()
    ('centered: 5 divergences', 'mu')

    Values must line up draw for draw with the divergence flags:

    >>> thinned = post["mu"].isel(draw=slice(None, None, 2))
    >>> plot_divergences(idata, thinned, "sigma", ax=ax)
    Traceback (most recent call last):
    ...
    ValueError: x has shape (2, 50) and the divergence flags ...
    """
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label must be a string (the fit's name) or None, got {type(label).__name__}: {label!r:.60}")
    flags = _diverging(idata)
    xs, x_name = _per_draw(idata, x, "x", flags)
    ys, y_name = _per_draw(idata, y, "y", flags)
    divergent = np.asarray(flags.values, dtype=bool)
    ax = _axes(ax)
    scatter_kwargs.setdefault("s", 4)
    scatter_kwargs.setdefault("alpha", 0.4)
    if not {"c", "color", "facecolor", "facecolors"} & scatter_kwargs.keys():
        scatter_kwargs["color"] = "slategray"
    draws = ax.scatter(xs[~divergent], ys[~divergent], label="draw", **scatter_kwargs)
    ax.scatter(xs[divergent], ys[divergent], s=16, color="C3", label="divergent draw", zorder=draws.get_zorder() + 0.1)
    count = int(divergent.sum())
    counted = f"{count} {'divergence' if count == 1 else 'divergences'}"
    ax.set_title(f"{label}: {counted}" if label else counted)
    if x_name is not None:
        ax.set_xlabel(x_name)
    if y_name is not None:
        ax.set_ylabel(y_name)
    ax.legend()
    return ax
