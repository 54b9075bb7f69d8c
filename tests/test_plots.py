import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rethinking_utils import plot_errorbar, plot_line, plot_scatter, plot_x_errorbar, use_style  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_use_style_applies_bundled_sheet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # found inside the package, not relative to the working directory
    with plt.style.context("default"):
        path = use_style()
        assert path.name == "course.mplstyle" and path.is_file()
        assert plt.rcParams["axes.spines.top"] is False


def test_scatter_has_open_markers():
    fig, ax = plt.subplots()
    assert plot_scatter([1, 2, 3], [3, 2, 1], ax=ax, label="pts") is ax
    coll = ax.collections[0]
    assert len(coll.get_offsets()) == 3 and coll.get_facecolors().size == 0


def test_line():
    fig, ax = plt.subplots()
    plot_line([0, 1], [1, 0], ax=ax)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 1])


def test_errorbars_take_absolute_bounds():
    fig, ax = plt.subplots()
    plot_errorbar([1, 2], [0.5, 0.6], lower=[0.4, 0.3], upper=[0.7, 0.9], ax=ax)
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose([s[:, 1] for s in segments], [[0.4, 0.7], [0.3, 0.9]])
    fig, ax = plt.subplots()
    plot_x_errorbar([0.5, 0.6], [1, 2], lower=[0.4, 0.3], upper=[0.7, 0.9], ax=ax)
    np.testing.assert_allclose([s[:, 0] for s in ax.collections[0].get_segments()], [[0.4, 0.7], [0.3, 0.9]])


def test_uses_current_axes_when_none_given():
    fig, ax = plt.subplots()
    assert plot_line([0, 1], [0, 1]) is ax


def test_bad_input():
    with pytest.raises(ValueError, match="lengths differ"):
        plot_scatter([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="empty"):
        plot_line([], [])
    with pytest.raises(TypeError, match="numbers"):
        plot_scatter(["a"], [1])
    with pytest.raises(ValueError, match="lower > upper"):
        plot_errorbar([1], [1], lower=[2], upper=[0])
    with pytest.raises(ValueError, match="lengths differ"):
        plot_x_errorbar([1, 2], [1, 2], lower=[0], upper=[3, 3])


# --- issue 13: bounds that are not bounds, datetimes, a wrong ax -----------------------------------------------

import datetime as dt  # noqa: E402

import matplotlib.dates as mdates  # noqa: E402
import pandas as pd  # noqa: E402


@pytest.mark.parametrize("vertical", [True, False])
def test_centre_outside_its_interval_says_bounds_are_absolute(vertical):
    def draw(centres, lower, upper):
        if vertical:
            return plot_errorbar([1, 2], centres, lower=lower, upper=upper)
        return plot_x_errorbar(centres, [1, 2], lower=lower, upper=upper)

    # the second centre, 2.0, lies outside [0.3, 0.9]: it used to be drawn as a bar from 0.3 to 2.0
    with pytest.raises(ValueError, match=r"outside.*position\(s\) \[1\].*absolute bounds, not widths"):
        draw([0.5, 2.0], lower=[0.4, 0.3], upper=[0.7, 0.9])
    # widths (0.1 below, 0.2 above) passed instead of bounds
    with pytest.raises(ValueError, match=r"position\(s\) \[0, 1\].*absolute bounds"):
        draw([0.5, 0.6], lower=[0.1, 0.1], upper=[0.2, 0.2])


def test_centre_on_a_bound_is_fine():
    fig, ax = plt.subplots()
    plot_errorbar([1, 2], [0.4, 0.9], lower=[0.4, 0.3], upper=[0.7, 0.9], ax=ax)
    np.testing.assert_allclose([s[:, 1] for s in ax.collections[0].get_segments()], [[0.4, 0.7], [0.3, 0.9]])


DATES = [dt.datetime(2020, 1, 1), dt.datetime(2020, 2, 1), dt.datetime(2020, 3, 1)]


@pytest.mark.parametrize(
    "dates", [DATES, np.array(DATES, dtype="datetime64[ns]"), pd.Series(pd.to_datetime(DATES)), pd.DatetimeIndex(DATES)]
)
def test_datetimes_are_drawn_as_dates(dates):
    expected = mdates.date2num(DATES)  # days since 1970, about 18262, not 1.58e18 nanoseconds
    fig, ax = plt.subplots()
    plot_scatter(dates, [1, 2, 3], ax=ax)
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 0], expected)
    fig, ax = plt.subplots()
    plot_line(dates, [1, 2, 3], ax=ax)
    np.testing.assert_allclose(mdates.date2num(ax.lines[0].get_xdata()), expected)
    fig, ax = plt.subplots()
    plot_errorbar(dates, [1, 2, 3], lower=[0, 1, 2], upper=[2, 3, 4], ax=ax)
    np.testing.assert_allclose([s[0, 0] for s in ax.collections[0].get_segments()], expected)
    fig, ax = plt.subplots()
    plot_x_errorbar([1, 2, 3], dates, lower=[0, 1, 2], upper=[2, 3, 4], ax=ax)
    np.testing.assert_allclose([s[0, 1] for s in ax.collections[0].get_segments()], expected)


@pytest.mark.parametrize("func", [plot_scatter, plot_line])
def test_ax_must_be_axes(func):
    with pytest.raises(TypeError, match=r"ax must be a matplotlib Axes.*got str"):
        func([1, 2], [1, 2], ax="ax")


def test_ax_must_be_axes_for_errorbars():
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes.*got Figure"):
        plot_errorbar([1], [1], lower=[0], upper=[2], ax=fig)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("func", [plot_errorbar, plot_x_errorbar])
def test_a_non_finite_bound_is_named_not_a_missing_bar(func, bad):
    """A NaN or infinite bound silently removed the bar: the point looked certain."""
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"upper.*not finite.*position\(s\) \[1\]"):
        func([1.0, 2.0], [0.5, 0.6], [0.4, 0.5], [0.6, bad], ax=ax)
    with pytest.raises(ValueError, match=r"(ys|xs).*not finite.*position\(s\) \[0\]"):
        func([1.0, 2.0], [np.nan, 0.6], [0.4, 0.5], [0.6, 0.7], ax=ax) if func is plot_errorbar else func(
            [np.nan, 0.6], [1.0, 2.0], [0.4, 0.5], [0.6, 0.7], ax=ax
        )
    plt.close(fig)


def test_a_mean_outside_its_own_interval_offers_the_median():
    """A heavy-tailed posterior's mean can lie outside its 89% interval: not a widths mistake."""
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"heavy-tailed.*median"):
        plot_errorbar([1.0], [5.0], [0.1], [2.0], ax=ax)
    plt.close(fig)
