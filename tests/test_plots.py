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


# --- issue 30, item 5: the divergence scatter -------------------------------------------------------------------

import arviz as az  # noqa: E402

from rethinking_utils import plot_divergences  # noqa: E402


def _fit(chains=2, draws=100, divergent=((1, 0), (1, 1), (1, 2), (0, 50)), seed=0):
    """A fake fit: normal 'mu', lognormal 'sigma', a vector 'g' (3 blocks); the given (chain, draw)s diverge."""
    rng = np.random.default_rng(seed)
    diverging = np.zeros((chains, draws), dtype=bool)
    for c, d in divergent:
        diverging[c, d] = True
    variables = {
        "mu": rng.normal(size=(chains, draws)),
        "sigma": rng.lognormal(size=(chains, draws)),
        "g": rng.normal(size=(chains, draws, 3)),
    }
    return az.from_dict({"posterior": variables, "sample_stats": {"diverging": diverging}})


def test_divergences_points_title_and_labels():
    idata = _fit()
    fig, ax = plt.subplots()
    assert plot_divergences(idata, "mu", "sigma", ax=ax, label="centered") is ax
    draws, divergent = ax.collections
    assert len(draws.get_offsets()) == 200 - 4 and len(divergent.get_offsets()) == 4
    post = idata.posterior
    expected = {
        (float(post["mu"].values[c, d]), float(post["sigma"].values[c, d]))
        for c, d in [(1, 0), (1, 1), (1, 2), (0, 50)]
    }
    assert {tuple(p) for p in np.asarray(divergent.get_offsets())} == expected
    assert expected.isdisjoint({tuple(p) for p in np.asarray(draws.get_offsets())})
    assert divergent.get_zorder() > draws.get_zorder()  # on top
    assert ax.get_title() == "centered: 4 divergences"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("mu", "sigma")
    assert ax.get_legend_handles_labels()[1] == ["draw", "divergent draw"]


def test_divergences_title_counts_without_label_and_in_the_singular():
    fig, ax = plt.subplots()
    plot_divergences(_fit(divergent=[(0, 3)]), "mu", "sigma", ax=ax)
    assert ax.get_title() == "1 divergence"
    fig, ax = plt.subplots()
    plot_divergences(_fit(divergent=[]), "mu", "sigma", ax=ax, label="non-centered")
    assert ax.get_title() == "non-centered: 0 divergences"
    assert len(ax.collections[0].get_offsets()) == 200 and len(ax.collections[1].get_offsets()) == 0


def test_divergences_take_arrays_and_data_arrays():
    idata = _fit()
    post = idata.posterior
    fig, ax = plt.subplots()
    ax.set_xlabel("kept")
    # an element of a vector variable, a transform, and a DataArray with its dims in the other order
    plot_divergences(idata, post["g"].sel(g_dim_0=1), np.log(post["sigma"]).transpose("draw", "chain"), ax=ax)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("kept", "")  # not given by name: left alone
    np.testing.assert_allclose(
        ax.collections[1].get_offsets()[:, 1], np.log(post["sigma"].values[[0, 1, 1, 1], [50, 0, 1, 2]])
    )
    fig, ax = plt.subplots()
    plot_divergences(idata, post["mu"].values, post["sigma"].values.tolist(), ax=ax, s=9, color="k")
    assert len(ax.collections[1].get_offsets()) == 4
    np.testing.assert_allclose(ax.collections[0].get_sizes(), [9])


def test_divergences_read_nan_padded_float_flags():
    """Chains of unequal length are padded with NaN: a NaN flag is not a divergence."""
    flags = np.zeros((2, 10))
    flags[0, 2] = 1.0
    flags[1, 8:] = np.nan
    idata = az.from_dict(
        {"posterior": {"mu": np.ones((2, 10)), "b": np.ones((2, 10))}, "sample_stats": {"diverging": flags}}
    )
    fig, ax = plt.subplots()
    plot_divergences(idata, "mu", "b", ax=ax)
    assert ax.get_title() == "1 divergence"


def test_divergences_values_must_line_up_draw_for_draw():
    idata = _fit()
    post = idata.posterior
    thinned = post["mu"].isel(draw=slice(None, None, 2))
    with pytest.raises(ValueError, match=r"x has shape \(2, 50\).*shape \(2, 100\).*line up.*isel\(draw="):
        plot_divergences(idata, thinned, "sigma")
    with pytest.raises(ValueError, match=r"posterior variable 'g' has dims \('chain', 'draw', 'g_dim_0'\).*select one"):
        plot_divergences(idata, "mu", "g")
    with pytest.raises(ValueError, match=r"y has dims.*more than one value per draw"):
        plot_divergences(idata, "mu", post["g"])
    other = _fit(chains=1, divergent=[], seed=1)  # one chain of another fit
    with pytest.raises(ValueError, match=r"y has shape \(1, 100\).*\(2, 100\).*Another fit"):
        plot_divergences(idata, "mu", other.posterior["mu"])
    shifted = post["mu"].assign_coords(draw=post["draw"].values + 100)  # same shape, other draws
    with pytest.raises(ValueError, match=r"x's draw labels \(\[100, 101, 102\].*not this fit's"):
        plot_divergences(idata, shifted, "sigma")
    with pytest.raises(ValueError, match=r"x has shape \(200,\)"):
        plot_divergences(idata, post["mu"].values.ravel(), "sigma")


def test_divergences_bad_fits():
    idata = _fit()
    with pytest.raises(TypeError, match="plain dict"):
        plot_divergences({"posterior": {}}, "mu", "sigma")
    no_stats = az.from_dict({"posterior": {"mu": np.zeros((2, 5))}})
    with pytest.raises(ValueError, match="no 'sample_stats' group"):
        plot_divergences(no_stats, np.zeros((2, 5)), np.zeros((2, 5)))
    no_flags = az.from_dict({"posterior": {"mu": np.zeros((2, 5))}, "sample_stats": {"lp": np.zeros((2, 5))}})
    with pytest.raises(ValueError, match=r"no 'diverging' variable.*\['lp'\]"):
        plot_divergences(no_flags, "mu", "mu")
    only_stats = az.from_dict({"sample_stats": {"diverging": np.zeros((2, 5), dtype=bool)}})
    with pytest.raises(ValueError, match="no 'posterior' group"):
        plot_divergences(only_stats, "mu", np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"x='tau' is not a variable of the posterior; it has \['g', 'mu', 'sigma'\]"):
        plot_divergences(idata, "tau", "sigma")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_divergences_non_finite_values_are_named(bad):
    idata = _fit()
    y = idata.posterior["sigma"].values.copy()
    y[1, 7] = bad
    with pytest.raises(ValueError, match=r"y is not finite \(NaN or infinite\) at 1 of 200 draws.*\[\(1, 7\)\]"):
        plot_divergences(idata, "mu", y)


def test_divergences_non_numbers_label_and_ax():
    idata = _fit()
    with pytest.raises(TypeError, match="x must be numbers"):
        plot_divergences(idata, np.full((2, 100), "a"), "sigma")
    with pytest.raises(TypeError, match="y must be numbers"):
        plot_divergences(idata, "mu", None)
    with pytest.raises(TypeError, match="label must be a string"):
        plot_divergences(idata, "mu", "sigma", label=3)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_divergences(idata, "mu", "sigma", ax="ax")


def test_divergences_flags_must_be_per_draw_booleans():
    fit = {"posterior": {"mu": np.zeros((2, 5))}}
    empty = _fit().isel(draw=slice(0, 0))
    with pytest.raises(ValueError, match=r"no draws.*shape \(2, 0\)"):
        plot_divergences(empty, "mu", "mu")
    per_step = az.from_dict({**fit, "sample_stats": {"diverging": np.zeros((2, 5, 3), dtype=bool)}})
    with pytest.raises(ValueError, match=r"'diverging'\] must have dims \('chain', 'draw'\)"):
        plot_divergences(per_step, "mu", "mu")
    text = az.from_dict({**fit, "sample_stats": {"diverging": np.full((2, 5), "no")}})
    with pytest.raises(TypeError, match=r"'diverging'\] must be booleans"):
        plot_divergences(text, "mu", "mu")
