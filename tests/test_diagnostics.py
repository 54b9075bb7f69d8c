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
    assert report.divergences == int(idata["sample_stats"]["diverging"].sum())
    assert report.divergences > 0 and "divergent transitions" in str(report)
    assert report.treedepth_share is not None
    assert (report.chains, report.draws) == (2, 300)

