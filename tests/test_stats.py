import numpy as np
import pandas as pd
import pytest

from rethinking_utils import center, invlogit, logit, standardize


def test_logit_known_values():
    assert logit(0.5) == 0.0
    assert logit(0.75) == pytest.approx(np.log(3))
    assert logit(0.0) == -np.inf and logit(1.0) == np.inf


def test_invlogit_inverts_logit_and_is_stable():
    x = np.array([-800.0, -5.0, 0.0, 2.5, 800.0])
    p = invlogit(x)
    assert np.all(np.isfinite(p)) and p[0] == 0.0 and p[-1] == 1.0
    np.testing.assert_allclose(logit(p[1:-1]), x[1:-1])


def test_scalars_stay_scalars():
    assert isinstance(invlogit(0), float) and invlogit(0) == 0.5
    assert isinstance(logit(0.2), float)


def test_series_keep_index_and_name():
    s = pd.Series([0.1, 0.5, 0.9], index=["a", "b", "c"], name="p")
    out = logit(s)
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b", "c"] and out.name == "p"
    back = invlogit(out)
    pd.testing.assert_series_equal(back, s)
    z = standardize(pd.Series([1.0, 2.0, 3.0], name="x"))
    assert z.name == "x" and z.tolist() == [-1.0, 0.0, 1.0]


def test_center_and_standardize():
    np.testing.assert_allclose(center([1, 2, 6]), [-2, -1, 3])
    z = standardize(np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]))
    assert z.mean() == pytest.approx(0) and z.std(ddof=1) == pytest.approx(1)


@pytest.mark.parametrize("bad", [-0.1, 1.5, [0.2, np.nan]])
def test_logit_rejects_non_probabilities(bad):
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        logit(bad)


@pytest.mark.parametrize("func", [logit, invlogit, center, standardize])
@pytest.mark.parametrize("bad", ["abc", None, ["a", "b"]])
def test_non_numbers_are_rejected(func, bad):
    with pytest.raises(TypeError, match="numbers"):
        func(bad)


@pytest.mark.parametrize("func", [center, standardize, logit])
def test_dataframe_is_rejected_with_hint(func):
    with pytest.raises(TypeError, match="pass one column"):
        func(pd.DataFrame({"x": [1.0, 2.0]}))


def test_standardize_rejects_empty_constant_and_missing():
    with pytest.raises(ValueError, match="no values"):
        standardize([])
    with pytest.raises(ValueError, match="constant"):
        standardize([3.0, 3.0, 3.0])
    with pytest.raises(ValueError, match="at least two"):
        standardize([3.0])
    with pytest.raises(ValueError, match="missing values"):
        center([1.0, np.nan])
    with pytest.raises(ValueError, match="one-dimensional"):
        center(np.ones((2, 2)))


# --- issue 13: infinities, the whole float range, xarray, and properties -------------------------------------

from fractions import Fraction  # noqa: E402

import xarray as xr  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402


@pytest.mark.parametrize("func", [center, standardize])
@pytest.mark.parametrize("bad", [[1.0, np.inf, 2.0], [np.inf, 1.0], [-np.inf, 0.0, 1.0]])
def test_infinities_are_rejected_like_nan(func, bad):
    with pytest.raises(ValueError, match="infinite"):
        func(bad)


def test_standardize_and_center_over_the_whole_float_range():
    np.testing.assert_allclose(standardize([1e200, 2e200]), [-np.sqrt(0.5), np.sqrt(0.5)])
    np.testing.assert_allclose(standardize([1e-310, 2e-310, 3e-310]), [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(standardize([-1.7e308, 1.7e308]), [-np.sqrt(0.5), np.sqrt(0.5)])
    np.testing.assert_allclose(center([1e308, 1e308, 1.5e308]), [-1e307 * 5 / 3, -1e307 * 5 / 3, 1e308 / 3])
    with pytest.raises(ValueError, match="float64"):
        center([-1.7e308, 1.7e308, 1.7e308])  # x - mean(x) = -2.27e308 is not a float64


def test_data_arrays_keep_dims_coords_and_name():
    p = xr.DataArray(
        [[0.2, 0.5], [0.7, 0.9]], dims=("chain", "draw"), coords={"chain": [0, 1], "draw": [10, 11]}, name="p"
    )
    for out in (logit(p), invlogit(logit(p))):
        assert isinstance(out, xr.DataArray) and out.dims == ("chain", "draw") and out.name == "p"
        assert list(out["draw"].values) == [10, 11]
    xr.testing.assert_allclose(invlogit(logit(p)), p)
    x = xr.DataArray([1.0, 2.0, 3.0], dims="tank", coords={"tank": ["a", "b", "c"]}, name="x")
    for out in (center(x), standardize(x)):
        assert isinstance(out, xr.DataArray) and out.dims == ("tank",) and list(out["tank"].values) == ["a", "b", "c"]
    assert standardize(x).values.tolist() == [-1.0, 0.0, 1.0]


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(arrays(float, st.integers(1, 30), elements=st.floats(-745, 745)))
def test_invlogit_is_a_probability_and_logit_inverts_it(x):
    p = invlogit(x)
    assert p.shape == x.shape and np.all((p >= 0) & (p <= 1))
    ordered = p[np.argsort(x, kind="stable")]
    assert np.all(ordered[1:] >= ordered[:-1])  # monotone
    inner = np.abs(x) < 30  # where p is not rounded to 0 or 1
    # p carries a rounding error of about 1e-16, which logit magnifies by 1 / (p (1 - p)) ~ exp(|x|)
    error = np.abs(logit(p[inner]) - x[inner])
    assert np.all(error <= 1e-12 + 1e-15 * np.exp(np.abs(x[inner])))


@settings(max_examples=200, deadline=None)
@given(arrays(float, st.integers(1, 30), elements=st.floats(0, 1)))
def test_logit_is_monotone_and_invlogit_inverts_it(p):
    x = logit(p)
    ordered = x[np.argsort(p, kind="stable")]
    assert np.all(ordered[1:] >= ordered[:-1])
    np.testing.assert_allclose(invlogit(x), p, rtol=1e-9, atol=1e-300)


@settings(max_examples=300, deadline=None)
@given(arrays(float, st.integers(2, 30), elements=finite))
def test_standardize_gives_mean_0_sd_1_or_refuses(x):
    if np.all(x == x[0]):
        with pytest.raises(ValueError, match="constant"):
            standardize(x)
        return
    z = standardize(x)
    assert np.all(np.isfinite(z))
    assert abs(z.mean()) < 1e-9 and z.std(ddof=1) == pytest.approx(1, abs=1e-9)
    ordered = z[np.argsort(x, kind="stable")]
    assert np.all(ordered[1:] >= ordered[:-1])  # order preserved


@settings(max_examples=300, deadline=None)
@given(arrays(float, st.integers(1, 30), elements=finite))
def test_center_is_exact_or_refuses(x):
    try:
        c = center(x)
    except ValueError as err:
        assert "float64" in str(err)
        return
    ordered = c[np.argsort(x, kind="stable")]
    assert np.all(np.isfinite(c)) and np.all(ordered[1:] >= ordered[:-1])
    # the exact mean of the result is 0 up to rounding (relative to the largest |x|; absolute for subnormals)
    exact_mean = sum(Fraction(float(v)) for v in c) / len(c)
    assert abs(exact_mean) <= Fraction(1e-12) * Fraction(float(np.abs(x).max())) + Fraction(5e-324)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.01, 0.99), min_size=1, max_size=10))
def test_kind_is_kept(values):
    s = pd.Series(values, index=[f"i{i}" for i in range(len(values))], name="p")
    out = logit(s)
    assert isinstance(out, pd.Series) and out.index.equals(s.index) and out.name == "p"
    da = xr.DataArray(values, dims="obs", coords={"obs": s.index}, name="p")
    out = invlogit(logit(da))
    assert isinstance(out, xr.DataArray) and out.dims == ("obs",) and out.indexes["obs"].equals(s.index)


# --- issue 28 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [center, standardize, logit, invlogit])
def test_a_masked_array_with_masked_values_is_refused(func):
    """center() used the masked values as if they were data (np.asarray drops the mask)."""
    values = np.ma.masked_array([0.2, 0.4, 99.0], mask=[False, False, True])
    with pytest.raises(ValueError, match=r"masked.*position\(s\) \[2\].*compressed\(\)"):
        func(values)
    np.testing.assert_allclose(center(np.ma.masked_array([1.0, 3.0], mask=[False, False])), [-1.0, 1.0])
