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


# --- issue 28 ---------------------------------------------------------------------------------------------------


def test_a_second_observed_variable_keeps_the_first(fit):
    """A second call for another observed variable dropped the first one's log-likelihood."""
    _, idata = fit
    one = with_log_likelihood(idata, np.zeros((4, 500, 6)), var_name="y", obs_dim="obs")
    both = with_log_likelihood(one, np.ones((4, 500, 3)) * -1.0, var_name="z", obs_dim="z_obs")
    assert set(both["log_likelihood"].data_vars) == {"y", "z"}
    assert both["log_likelihood"]["z"].shape == (4, 500, 3) and "z" not in one["log_likelihood"].data_vars
    again = with_log_likelihood(both, np.full((4, 500, 6), -2.0), var_name="y", obs_dim="obs")
    assert float(again["log_likelihood"]["y"].mean()) == -2.0  # the same name is replaced
    with pytest.raises(ValueError, match=r"obs_dim 'obs' has 6 positions.*'y'.*got 4.*another obs_dim"):
        with_log_likelihood(both, np.zeros((4, 500, 4)), var_name="w", obs_dim="obs")


def test_minus_infinity_names_the_observation(fit):
    """az.loo returned NaN and left the observation out of the Pareto-k table without a word."""
    _, idata = fit
    loglik = np.zeros((4, 500, 6))
    loglik[1, 7, 2] = -np.inf
    with pytest.raises(ValueError, match=r"-inf.*observation 'c'.*1 draw.*az\.loo"):
        with_log_likelihood(idata, loglik, obs_coords=list("abcdef"))


def _bare_posterior(stacked=False):
    import xarray as xr

    draws = xr.Dataset({"mu": (("chain", "draw"), np.zeros((2, 10)))})  # no chain/draw coordinate variables
    if stacked:
        draws = draws.assign_coords(chain=[0, 1], draw=np.arange(10)).stack(sample=("chain", "draw"))
    return xr.DataTree.from_dict({"posterior": draws})


def test_a_posterior_without_chain_and_draw_labels():
    out = with_log_likelihood(_bare_posterior(), np.zeros((2, 10, 3)))
    assert out["log_likelihood"]["y"].shape == (2, 10, 3)


def test_a_stacked_posterior_says_unstack():
    with pytest.raises(ValueError, match=r"stacked.*'sample'.*unstack"):
        with_log_likelihood(_bare_posterior(stacked=True), np.zeros((2, 10, 3)))


@pytest.mark.parametrize("dim", ["chain", "draw"])
def test_obs_dim_cannot_be_chain_or_draw(fit, dim):
    _, idata = fit
    with pytest.raises(ValueError, match=rf"obs_dim {dim!r} is one of the posterior's sample dimensions"):
        with_log_likelihood(idata, np.zeros((4, 500, 6)), obs_dim=dim)
