"""compile_model / sample_compiled: one compilation, many fits with swapped data."""

import numpy as np
import pymc as pm
import pytest

from rethinking_utils import compile_model, sample_compiled, sampling_report


@pytest.fixture(scope="module")
def compiled():
    with pm.Model() as model:
        prior_sd = pm.Data("prior_sd", 1.0)
        y = pm.Data("y", np.array([0.5, 1.5, 1.0]))
        mu = pm.Normal("mu", 0, prior_sd)
        pm.Normal("obs", mu, 1.0, observed=y, shape=y.shape)
    return compile_model(model)


def test_swapping_data_changes_the_posterior_without_recompiling(compiled):
    wide = sample_compiled(compiled, random_seed=1, draws=500)
    narrow = sample_compiled(compiled, random_seed=1, draws=500, data={"prior_sd": 0.01})
    assert set(wide.children) == {"posterior", "sample_stats"}  # no warm-up groups
    assert wide.posterior["mu"].shape == (4, 500)
    assert abs(float(wide.posterior["mu"].mean()) - 0.75) < 0.15  # conjugate answer 3/(1+3)*1.0 = 0.75
    assert float(narrow.posterior["mu"].std()) < 0.02
    assert narrow.attrs["sampling_seconds"] > 0
    assert sampling_report(narrow).divergences == 0


def test_new_data_may_change_shape(compiled):
    idata = sample_compiled(compiled, random_seed=2, draws=300, data={"y": np.full(100, 3.0)})
    assert abs(float(idata.posterior["mu"].mean()) - 3.0) < 0.1


def test_same_seed_same_draws(compiled):
    a = sample_compiled(compiled, random_seed=7, draws=100)
    b = sample_compiled(compiled, random_seed=7, draws=100)
    np.testing.assert_array_equal(a.posterior["mu"].values, b.posterior["mu"].values)


def test_bad_input(compiled):
    with pytest.raises(TypeError, match="pymc.Model"):
        compile_model("model")
    with pytest.raises(TypeError, match="compile_model"):
        sample_compiled(object(), random_seed=1)
    with pytest.raises(TypeError, match="random_seed"):
        sample_compiled(compiled, random_seed=None)
    with pytest.raises(ValueError, match="draws"):
        sample_compiled(compiled, random_seed=1, draws=0)
    with pytest.raises(ValueError, match="target_accept"):
        sample_compiled(compiled, random_seed=1, target_accept=1.2)
    with pytest.raises(ValueError, match=r"could not set data \['nope'\]"):
        sample_compiled(compiled, random_seed=1, data={"nope": 1.0})
