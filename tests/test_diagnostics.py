"""sampling_report on hand-made posteriors (known answers) and on the real samplers."""

import arviz as az
import numpy as np
import pymc as pm
import pytest

from rethinking_utils import SamplingReport, sampling_report

RNG = np.random.default_rng(20261122)


def made_posterior(shift=0.0, divergent=0, depth_flag="maxdepth_reached", saturated=0):
    """Four chains of 500 draws; chain 0 shifted by `shift`; `divergent` divergences in chain 1."""
    a = RNG.normal(size=(4, 500, 3))
    a[0] += shift
    diverging = np.zeros((4, 500), dtype=bool)
    diverging[1, :divergent] = True
    flag = np.zeros((4, 500), dtype=bool)
    flag[2, :saturated] = True
    stats = {"diverging": diverging}
    if depth_flag:
        stats[depth_flag] = flag
    return az.from_dict(
        {"posterior": {"a": a, "sigma": np.abs(RNG.normal(size=(4, 500)))}, "sample_stats": stats},
        dims={"a": ["district"]},
        coords={"district": ["north", "south", "east"]},
    )


def test_healthy_posterior_is_ok():
    report = sampling_report(made_posterior())
    assert isinstance(report, SamplingReport) and report.ok and report.problems == []
    assert (report.chains, report.draws, report.divergences) == (4, 500, 0)
    assert report.max_rhat < 1.01 and report.min_ess_bulk > 1000 and report.treedepth_share == 0.0
    assert "No problems found" in str(report)


def test_counts_divergences_and_explains():
    report = sampling_report(made_posterior(divergent=7))
    assert report.divergences == 7 and isinstance(report.divergences, int)
    assert report.divergence_share == pytest.approx(7 / 2000)
    assert not report.ok
    text = str(report)
    assert "7 divergent transitions" in text and "target_accept" in text and "non-centered" in text


def test_locates_bad_rhat_and_low_ess():
    report = sampling_report(made_posterior(shift=4.0))
    assert report.max_rhat > 1.5 and report.max_rhat_at.startswith("a[")
    assert report.min_ess_bulk < 400 and report.min_ess_bulk_at.startswith("a[")
    assert "chains disagree" in str(report)
    only_sigma = sampling_report(made_posterior(shift=4.0), var_names=["sigma"])
    assert only_sigma.max_rhat < 1.01


@pytest.mark.parametrize("flag", ["maxdepth_reached", "reached_max_treedepth"])
def test_tree_depth_from_either_sampler(flag):
    report = sampling_report(made_posterior(depth_flag=flag, saturated=100))
    assert report.treedepth_share == pytest.approx(100 / 2000) and "maximum tree depth" in str(report)


def test_tree_depth_not_recorded():
    report = sampling_report(made_posterior(depth_flag=None))
    assert report.treedepth_share is None and "not recorded" in str(report)


def test_bad_input():
    with pytest.raises(ValueError, match="no 'posterior' group"):
        sampling_report({})
    no_stats = az.from_dict({"posterior": {"a": RNG.normal(size=(2, 50))}})
    with pytest.raises(ValueError, match="no 'sample_stats' group"):
        sampling_report(no_stats)
    with pytest.raises(ValueError, match=r"\['b'\] are not in the posterior"):
        sampling_report(made_posterior(), var_names=["b"])
    with pytest.raises(ValueError, match="rhat_limit"):
        sampling_report(made_posterior(), rhat_limit=0.5)


def funnel():
    """Neal's funnel, centered: NUTS cannot follow its neck, so it diverges."""
    with pm.Model() as model:
        v = pm.Normal("v", 0, 3)
        pm.Normal("x", 0, pm.math.exp(v / 2), shape=9)
    return model


@pytest.mark.parametrize("sampler", ["nutpie", "pymc"])
def test_real_samplers(sampler):
    with funnel():
        idata = pm.sample(
            draws=300, tune=300, chains=2, cores=1, random_seed=1, nuts_sampler=sampler, progressbar=False
        )
    report = sampling_report(idata)
    # The centred funnel is a known bad posterior (divergences, or R-hat and ESS far off: it depends on the sampler) ...
    assert not report.ok and "What is wrong" in str(report)
    assert report.treedepth_share is not None
    assert (report.chains, report.draws) == (2, 300)
    # ... and in the sampler's own result, the report counts exactly the flags that are set: set a known number.
    stats = idata["sample_stats"].to_dataset()
    known = np.zeros(stats["diverging"].shape, dtype=bool)
    known[1, [3, 50, 299]] = True
    idata["sample_stats"] = stats.assign(diverging=(stats["diverging"].dims, known))
    assert sampling_report(idata).divergences == 3


# --- issue 13: never "No problems found" for a broken posterior -----------------------------------------------

import re  # noqa: E402
import sys  # noqa: E402

import xarray as xr  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def posterior_of(draws, **more):
    """A fit with the given (chain, draw) arrays as posterior variables and no divergences."""
    variables = {"a": draws, **more}
    chains, n = draws.shape[:2]
    return az.from_dict({"posterior": variables, "sample_stats": {"diverging": np.zeros((chains, n), dtype=bool)}})


def healthy(chains=4, draws=200):
    return RNG.normal(size=(chains, draws))


def assert_not_ok(report, *phrases):
    text = str(report)
    assert not report.ok and report.problems, text
    assert "No problems found" not in text and not re.search(r"\bnan\b", text), text  # no number printed as nan
    for phrase in phrases:
        assert phrase in text, (phrase, text)


def test_one_nan_draw_is_a_problem():
    draws = healthy()
    draws[2, 17] = np.nan
    report = sampling_report(posterior_of(draws))
    assert report.nonfinite_draws == 1
    assert_not_ok(report, "1 draw", "not finite", "a")


def test_a_nan_variable_next_to_a_healthy_one_is_named():
    report = sampling_report(posterior_of(healthy(), log_b=np.full((4, 200), np.nan)))
    assert report.nonfinite_draws == 800
    assert_not_ok(report, "log_b", "800 draws")


def test_infinite_draws_are_a_problem():
    draws = healthy()
    draws[1, :8] = np.inf  # 1% of 800
    assert_not_ok(sampling_report(posterior_of(draws)), "8 draws", "not finite")


def test_constant_draws_are_a_problem():
    report = sampling_report(posterior_of(np.full((4, 200), 2.5)))
    assert_not_ok(report, "constant", "R-hat and ESS are undefined", "stuck")


def test_constant_elements_of_a_varying_variable_are_noted_not_failed():
    """The unit diagonal of a correlation matrix never changes; its R-hat is undefined by construction."""
    corr = np.repeat(np.eye(2)[None, None], 4, axis=0).repeat(500, axis=1)
    corr[..., 0, 1] = corr[..., 1, 0] = np.tanh(RNG.normal(size=(4, 500)))
    report = sampling_report(posterior_of(healthy(draws=500), corr=corr))
    assert report.ok, report
    assert "corr (2 of 4 elements)" in str(report) and report.max_rhat < 1.01


def test_single_chain_says_rhat_needs_two():
    report = sampling_report(posterior_of(healthy(chains=1, draws=1000)))
    assert_not_ok(report, "R-hat needs at least 2 chains")
    assert report.chains == 1


def test_var_names_may_be_one_string():
    fit = posterior_of(healthy(), mu=healthy())
    assert sampling_report(fit, var_names="mu").to_dict() == sampling_report(fit, var_names=["mu"]).to_dict()
    with pytest.raises(ValueError, match=r"\['m'\]|\['mu_x'\]"):
        sampling_report(fit, var_names="mu_x")


def test_missing_chain_dimension_is_a_clear_error():
    fit = xr.DataTree.from_dict(
        {
            "posterior": xr.Dataset({"a": ("draw", RNG.normal(size=200))}),
            "sample_stats": xr.Dataset({"diverging": ("draw", np.zeros(200, dtype=bool))}),
        }
    )
    with pytest.raises(ValueError, match=r"no 'chain' dimension.*\(chain, draw"):
        sampling_report(fit)


def test_real_nutpie_fit_with_a_nan_deterministic():
    """log(mu) is NaN for the half of the draws where mu < 0: the report must say so."""
    with pm.Model():
        mu = pm.Normal("mu", 0, 1)
        pm.Deterministic("log_mu", pm.math.log(mu))
        idata = pm.sample(
            draws=300, tune=300, chains=2, cores=1, random_seed=3, nuts_sampler="nutpie", progressbar=False
        )
    report = sampling_report(idata)
    assert report.nonfinite_draws > 100
    assert_not_ok(report, "log_mu", "not finite")
    assert sampling_report(idata, var_names="mu").nonfinite_draws == 0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the oracle's own arviz calls on broken draws
@settings(max_examples=30, deadline=None)
@given(
    chains=st.integers(1, 4),
    draws=st.integers(4, 40),
    seed=st.integers(0, 2**32 - 1),
    broken=st.sampled_from(["none", "nan", "inf", "-inf", "constant", "stuck chain"]),
    divergent=st.integers(0, 2),
)
def test_a_report_is_ok_only_if_every_draw_is_finite_and_every_check_passed(chains, draws, seed, broken, divergent):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(chains, draws, 2))
    b = rng.normal(size=(chains, draws))
    if broken in ("nan", "inf", "-inf"):
        a[rng.integers(chains), rng.integers(draws), rng.integers(2)] = float(broken)
    elif broken == "constant":
        b[:] = 1.0
    elif broken == "stuck chain":
        b[0] = b[0, 0]
    diverging = np.zeros((chains, draws), dtype=bool)
    diverging.flat[:divergent] = True
    fit = az.from_dict({"posterior": {"a": a, "b": b}, "sample_stats": {"diverging": diverging}})
    rhat_limit, ess_limit = 10.0, 1.0  # loose, so that a healthy short fit can pass
    report = sampling_report(fit, rhat_limit=rhat_limit, ess_limit=ess_limit)

    # Every check, computed here independently of the report
    post = fit["posterior"].to_dataset()
    finite = all(np.isfinite(post[v].values).all() for v in post.data_vars)
    checks = [finite, chains >= 2, divergent == 0]
    if finite and chains >= 2:
        for method in ("rhat", "bulk", "tail"):
            values = az.rhat(post) if method == "rhat" else az.ess(post, method=method)
            for v in values.data_vars:
                x = values[v].values
                draws_v = post[v].values.reshape(chains * draws, -1)
                still = (draws_v == draws_v[:1]).all(axis=0).reshape(x.shape)
                if still.any() and not still.all():
                    x = x[~still]  # constant by construction inside a varying variable: not checked
                ok = (x <= rhat_limit) if method == "rhat" else (x >= ess_limit)
                checks.append(bool(np.isfinite(x).all() and ok.all()))
    assert report.ok == all(checks), (checks, str(report))
    text = str(report)
    assert ("No problems found" in text) == report.ok
    assert not re.search(r"\bnan\b", text)


def test_missing_arviz_says_what_to_install(monkeypatch):
    fit = made_posterior()
    monkeypatch.setitem(sys.modules, "arviz", None)
    with pytest.raises(ImportError, match=r"pip install 'rethinking-utils\[diagnostics\]'"):
        sampling_report(fit)


def test_report_lines_fit_the_books_column():
    """Every printed line, problems included, fits the book's 78-character code column."""
    from rethinking_utils.diagnostics import REPORT_WIDTH

    posterior = {"a_very_long_name_of_a_county_offset": RNG.normal(size=(4, 500, 3)) + [[[4]], [[0]], [[0]], [[0]]]}
    diverging = np.zeros((4, 500), dtype=bool)
    diverging[1, :7] = True
    idata = az.from_dict({"posterior": posterior, "sample_stats": {"diverging": diverging}})
    text = str(sampling_report(idata))
    assert "What is wrong" in text and "divergent" in text
    assert max(len(line) for line in text.splitlines()) <= REPORT_WIDTH


# --- issue 28: silent results and crashes on readers' own posteriors -------------------------------------------


def _with(idata, group, **variables):
    """idata with variables (name=array over (chain, draw)) added to or replaced in a group."""
    import xarray as xr

    dataset = idata[group].to_dataset().assign({k: (("chain", "draw"), v) for k, v in variables.items()})
    idata[group] = xr.DataTree(dataset)
    return idata


def test_nan_padding_in_diverging_is_not_a_divergence():
    """Chains of unequal length padded with NaN: NaN as bool is True, so every pad counted as a divergence."""
    idata = made_posterior(divergent=2)
    diverging = idata["sample_stats"]["diverging"].values.astype(float)
    diverging[3, 450:] = np.nan
    report = sampling_report(_with(idata, "sample_stats", diverging=diverging))
    assert report.divergences == 2


def test_divergences_are_counted_over_the_posteriors_chains_only():
    """After posterior.sel(chain=...), sample_stats still holds the dropped chains and their divergences."""
    import xarray as xr

    idata = made_posterior(divergent=5)  # all five in chain 1
    idata["posterior"] = xr.DataTree(idata["posterior"].to_dataset().sel(chain=[0, 2, 3]))
    report = sampling_report(idata)
    assert report.chains == 3 and report.divergences == 0


def test_a_boolean_deterministic_is_checked_as_numbers():
    """PyMC's own NUTS stores a boolean Deterministic as bool; the report crashed inside ArviZ."""
    report = sampling_report(_with(made_posterior(), "posterior", positive=RNG.random((4, 500)) > 0.5))
    assert report.chains == 4 and np.isfinite(report.max_rhat)


def test_zero_draws_says_so():
    idata = az.from_dict({"posterior": {"a": np.zeros((4, 0))}, "sample_stats": {"diverging": np.zeros((4, 0), bool)}})
    with pytest.raises(ValueError, match="no draws"):
        sampling_report(idata)


def test_a_text_variable_is_named():
    idata = _with(made_posterior(), "posterior", label=np.full((4, 500), "x", dtype=object))
    with pytest.raises(TypeError, match=r"'label'.*not numbers.*var_names"):
        sampling_report(idata)


def test_a_plain_dict_points_to_az_from_dict():
    fit = {"posterior": {"a": RNG.normal(size=(4, 100))}, "sample_stats": {"diverging": np.zeros((4, 100), bool)}}
    with pytest.raises(TypeError, match=r"az\.from_dict"):
        sampling_report(fit)


@pytest.mark.parametrize("limit", [np.float32(1.05), np.float64(1.05), np.int64(2)])
def test_numpy_numbers_are_limits(limit):
    report = sampling_report(made_posterior(), rhat_limit=limit, ess_limit=np.int64(100))
    assert report.rhat_limit == pytest.approx(float(limit)) and report.ess_limit == 100.0
