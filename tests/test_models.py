"""rethinking_utils.models: the 2 x 2 correlated effects against PyMC's own LKJ distributions."""

import doctest

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph.replace import graph_replace
from scipy import stats

import rethinking_utils
from rethinking_utils import correlated_effects, models

# small graphs: compile in plain Python, no C compiler, no numba
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
NO_C = {"cxx": ""}


def _model(eta, mu=(0.0, 0.0), sds=(1.0, 1.0), z=None, **kwargs):
    z = np.zeros((3, 2)) if z is None else z
    with pm.Model() as model:
        effects = correlated_effects(np.asarray(mu), np.asarray(sds), np.asarray(z), eta, **kwargs)
    return model, effects


@pytest.mark.parametrize("eta", [0.5, 1.0, 2.0, 10.0])
def test_density_of_rho_is_lkjcorr(eta):
    """The density of rho equals pm.LKJCorr's for n = 2, and is proportional to (1 - rho^2)^(eta - 1)."""
    model, _ = _model(eta)
    rho = np.linspace(-0.95, 0.95, 9)
    chol = np.zeros((rho.size, 2, 2))
    chol[:, 0, 0], chol[:, 1, 0], chol[:, 1, 1] = 1.0, rho, np.sqrt(1 - rho**2)
    with pytensor.config.change_flags(**NO_C):
        # the Beta on (rho + 1) / 2, with the Jacobian of rho -> (rho + 1) / 2
        ours = pm.logp(model["rho_01"], (rho + 1) / 2).eval(mode="FAST_COMPILE") - np.log(2)
        lkj = np.array([pm.logp(pm.LKJCorr.dist(n=2, eta=eta), c).eval(mode="FAST_COMPILE") for c in chol])
    # the same shape, and the same normalizing constant to the precision of the two log-Beta functions
    assert np.ptp(ours - lkj) < 1e-9 and np.abs(ours - lkj).max() < 1e-5
    kernel = ours - (eta - 1) * np.log1p(-(rho**2))
    assert np.ptp(kernel) < 1e-9


def test_effects_are_mu_plus_cholesky_factor_times_z():
    rng = np.random.default_rng(1)
    mu, sds, z = np.array([1.5, -0.4]), np.array([0.8, 0.3]), rng.normal(size=(5, 2))
    model, effects = _model(2.0, mu, sds, z)
    for rho in (-0.7, 0.0, 0.9):
        cov = np.diag(sds) @ np.array([[1.0, rho], [rho, 1.0]]) @ np.diag(sds)
        expected = mu + z @ np.linalg.cholesky(cov).T
        got = graph_replace(effects, {model["rho_01"]: pt.constant((rho + 1) / 2, dtype="float64")})
        with pytensor.config.change_flags(**NO_C):
            np.testing.assert_allclose(got.eval(mode="FAST_COMPILE"), expected, atol=1e-12)
        assert float(model["rho"].eval({model["rho_01"]: (rho + 1) / 2})) == pytest.approx(rho)


def test_prior_draws_match_lkjcholeskycov():
    """Draws of rho and of the effects' covariance agree with pm.LKJCholeskyCov for two effects."""
    eta, n = 3.0, 4000
    with pm.Model() as ours:
        sds = pm.Exponential("sds", 1.0, shape=2)
        z = pm.Normal("z", 0, 1, shape=(1, 2))
        effects = correlated_effects(np.zeros(2), sds, z, eta)
    with pm.Model():
        chol, corr, _ = pm.LKJCholeskyCov("chol", eta=eta, n=2, sd_dist=pm.Exponential.dist(1.0, shape=2))
    with pytensor.config.change_flags(**NO_C):
        rho_ours, ab = pm.draw([ours["rho"], effects[0]], draws=n, random_seed=11, mode="FAST_COMPILE")
        rho_theirs, chol_theirs = pm.draw([corr[0, 1], chol], draws=n, random_seed=12, mode="FAST_COMPILE")
    assert stats.ks_2samp(rho_ours, rho_theirs).pvalue > 0.001
    # the covariance of one group's effects, over the prior: E[L L^T] in both
    cov_theirs = (chol_theirs @ np.swapaxes(chol_theirs, -1, -2)).mean(axis=0)
    np.testing.assert_allclose(np.cov(ab.T, bias=True), cov_theirs, rtol=0.25, atol=0.1)


def test_names_dims_and_unstored():
    coords = {"group": ["a", "b", "c"], "effect": ["intercept", "slope"]}
    with pm.Model(coords=coords) as model:
        z = pm.Normal("z", 0, 1, dims=("group", "effect"))
        stored = correlated_effects(np.zeros(2), np.ones(2), z, 2.0, dims=("group", "effect"))
        bare = correlated_effects(np.zeros(2), np.ones(2), z, pm.Data("eta", 1.0), name=None, rho_name="r")
    assert model.named_vars_to_dims["ab"] == ("group", "effect") and stored.name == "ab"
    assert {"rho", "rho_01", "r", "r_01"} <= set(model.named_vars) and bare.name is None


@pytest.mark.parametrize("eta", [0.0, -1.0, np.nan, np.inf, np.array([1.0, 2.0])])
def test_bad_eta(eta):
    with pytest.raises(ValueError, match="eta"):
        _model(eta)


def test_bad_eta_in_data_and_bad_type():
    with pm.Model():
        with pytest.raises(ValueError, match="current value of eta is -2.0"):
            correlated_effects(np.zeros(2), np.ones(2), np.zeros((3, 2)), pm.Data("eta", -2.0))
        with pytest.raises(TypeError, match="eta"):
            correlated_effects(np.zeros(2), np.ones(2), np.zeros((3, 2)), "two")


@pytest.mark.parametrize(
    ("mu", "sds", "z", "match"),
    [
        (np.zeros(3), np.ones(2), np.zeros((3, 2)), "mu has 3"),
        (np.zeros(2), np.ones((2, 2)), np.zeros((3, 2)), "sds of shape"),
        (np.zeros(2), np.ones(2), np.zeros(3), "z of shape"),
        (np.zeros(2), np.ones(2), np.zeros((3, 3)), "z has 3"),
    ],
)
def test_wrong_dims(mu, sds, z, match):
    with pm.Model(), pytest.raises(ValueError, match=match):
        correlated_effects(mu, sds, z, 2.0)


def test_wrong_dims_of_a_dims_variable_and_dims_argument():
    with pm.Model(coords={"group": range(4), "effect": ["a", "b", "c"]}):
        z = pm.Normal("z", 0, 1, dims=("group", "effect"))
        with pytest.raises(ValueError, match="z has 3"):
            correlated_effects(np.zeros(2), np.ones(2), z, 2.0)
    with pm.Model(), pytest.raises(ValueError, match="dims as a pair"):
        correlated_effects(np.zeros(2), np.ones(2), np.zeros((3, 2)), 2.0, dims="group")


def test_outside_a_model():
    with pytest.raises(TypeError, match="inside"):
        correlated_effects(np.zeros(2), np.ones(2), np.zeros((3, 2)), 2.0)


def test_docstring_example_runs_and_is_exported():
    assert rethinking_utils.correlated_effects is models.correlated_effects
    assert "correlated_effects" in rethinking_utils.__all__
    result = doctest.testmod(models, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0
