"""Small matplotlib helpers shared by the chapters, and the course's plot style.

matplotlib is imported inside the functions, so ``import rethinking_utils`` stays quick.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

STYLE_FILE = "course.mplstyle"


def use_style() -> Path:
    """Apply the course's bundled matplotlib style sheet and return its path.

    The sheet ships inside the package, so this works from any working directory.
    """
    import matplotlib.pyplot as plt

    path = Path(str(resources.files("rethinking_utils") / STYLE_FILE))
    if not path.is_file():
        raise FileNotFoundError(f"the course style sheet is missing from the package: {path}; reinstall the package")
    plt.style.use(str(path))
    return path


def _vector(values: Any, what: str) -> np.ndarray:
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


def _axes(ax: Any) -> Any:
    import matplotlib.pyplot as plt

    return plt.gca() if ax is None else ax


def plot_scatter(xs: Any, ys: Any, ax: Any = None, color: str = "C0", label: str | None = None, **kwargs: Any) -> Any:
    """Scatter plot with open circles (they stay readable when points overlap). Returns the axes."""
    x, y = _vector(xs, "xs"), _vector(ys, "ys")
    _same_length(xs=x, ys=y)
    ax = _axes(ax)
    kwargs.setdefault("s", 30)
    ax.scatter(x, y, facecolors="none", edgecolors=color, label=label, **kwargs)
    return ax


def plot_line(xs: Any, ys: Any, ax: Any = None, color: str = "C0", label: str | None = None, **kwargs: Any) -> Any:
    """Line plot of ys against xs. Returns the axes."""
    x, y = _vector(xs, "xs"), _vector(ys, "ys")
    _same_length(xs=x, ys=y)
    ax = _axes(ax)
    ax.plot(x, y, color=color, label=label, **kwargs)
    return ax


def _intervals(centers: np.ndarray, lower: Any, upper: Any) -> np.ndarray:
    lo, hi = _vector(lower, "lower"), _vector(upper, "upper")
    _same_length(centers=centers, lower=lo, upper=hi)
    if (lo > hi).any():
        raise ValueError(f"lower > upper at positions {np.flatnonzero(lo > hi)[:5].tolist()}; pass (lower, upper) bounds")
    return np.vstack([np.clip(centers - lo, 0, None), np.clip(hi - centers, 0, None)])


def _errorbar(xs: Any, ys: Any, lower: Any, upper: Any, ax: Any, color: str, label: str | None,
              vertical: bool, **kwargs: Any) -> Any:
    x, y = _vector(xs, "xs"), _vector(ys, "ys")
    _same_length(xs=x, ys=y)
    ax = _axes(ax)
    kwargs.setdefault("fmt", "o")
    bars = {"yerr": _intervals(y, lower, upper)} if vertical else {"xerr": _intervals(x, lower, upper)}
    ax.errorbar(x, y, color=color, label=label, **bars, **kwargs)
    return ax


def plot_errorbar(
    xs: Any, ys: Any, lower: Any, upper: Any, ax: Any = None, color: str = "C0", label: str | None = None, **kwargs: Any
) -> Any:
    """Points at (xs, ys) with vertical interval bars from ``lower`` to ``upper`` (absolute bounds, not widths)."""
    return _errorbar(xs, ys, lower, upper, ax, color, label, vertical=True, **kwargs)


def plot_x_errorbar(
    xs: Any, ys: Any, lower: Any, upper: Any, ax: Any = None, color: str = "C0", label: str | None = None, **kwargs: Any
) -> Any:
    """Points at (xs, ys) with horizontal interval bars from ``lower`` to ``upper`` (a forest-plot row per point)."""
    return _errorbar(xs, ys, lower, upper, ax, color, label, vertical=False, **kwargs)
