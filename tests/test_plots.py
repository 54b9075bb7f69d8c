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
