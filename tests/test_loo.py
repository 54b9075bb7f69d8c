"""with_log_likelihood: a hand-computed pointwise log-likelihood gives the same LOO as PyMC's."""

import arviz as az
import numpy as np
import pymc as pm
import pytest
from scipy import stats

from rethinking_utils import compile_model, sample_compiled, with_log_likelihood

Y = np.array([0.3, -1.2, 0.8, 2.5, 0.1, -0.4])


@pytest.fixture(scope="module")
def fit():
    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 1)
        sigma = pm.Exponential("sigma", 1)
        pm.Normal("y", mu, sigma, observed=Y)
    return model, sample_compiled(compile_model(model), random_seed=3, draws=500)


def test_matches_pymc_log_likelihood(fit):
    model, idata = fit
    post = idata.posterior
    loglik = stats.norm.logpdf(Y, post["mu"].values[..., None], post["sigma"].values[..., None])
    mine = with_log_likelihood(idata, loglik, var_name="y", obs_dim="obs")
    assert "log_likelihood" not in idata.children  # a copy: the fit is unchanged
    reference = pm.compute_log_likelihood(idata.copy(), model=model, progressbar=False)
    np.testing.assert_allclose(mine["log_likelihood"]["y"].values, reference["log_likelihood"]["y"].values)
    assert az.loo(mine).elpd == pytest.approx(az.loo(reference).elpd)


def test_bad_input(fit):
    _, idata = fit
    with pytest.raises(ValueError, match=r"shape \(chain, draw, n_obs\) = \(4, 500, n_obs\)"):
        with_log_likelihood(idata, np.zeros((4, 499, 6)))
    with pytest.raises(ValueError, match="NaN"):
        with_log_likelihood(idata, np.full((4, 500, 6), np.nan))
    with pytest.raises(ValueError, match="3 labels for 6"):
        with_log_likelihood(idata, np.zeros((4, 500, 6)), obs_coords=["a", "b", "c"])
    with pytest.raises(ValueError, match="posterior"):
        with_log_likelihood({}, np.zeros((1, 1, 1)))


# --- issue 13 ---------------------------------------------------------------------------------------------------

import sys  # noqa: E402


def test_var_name_obs_with_the_default_obs_dim(fit):
    """The test suite's own models call their variable "obs": the default observation dim must not clash."""
    _, idata = fit
    out = with_log_likelihood(idata, np.zeros((4, 500, 6)), var_name="obs")
    assert out["log_likelihood"]["obs"].shape == (4, 500, 6)
    assert "obs" not in out["log_likelihood"]["obs"].dims[2:]
    with pytest.raises(ValueError, match="var_name and obs_dim must differ"):
        with_log_likelihood(idata, np.zeros((4, 500, 6)), var_name="tank", obs_dim="tank")


def test_missing_xarray_says_what_to_install(fit, monkeypatch):
    _, idata = fit
    monkeypatch.setitem(sys.modules, "xarray", None)
    with pytest.raises(ImportError, match=r"pip install 'rethinking-utils\[sampling\]'"):
        with_log_likelihood(idata, np.zeros((4, 500, 6)))
