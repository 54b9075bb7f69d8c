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
