"""compile_model / sample_compiled: one compilation, many fits with swapped data."""

import json

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


def test_timing_log_records_every_compile_and_fit(tmp_path, monkeypatch):
    """make bench splits a chapter's time by these records; unset, nothing is written anywhere."""
    from rethinking_utils.sampling import TIMING_LOG_ENV

    log = tmp_path / "timing.jsonl"
    monkeypatch.setenv(TIMING_LOG_ENV, str(log))
    with pm.Model() as model:
        pm.Normal("mu", 0, 1)
    fit = sample_compiled(compile_model(model), random_seed=5, draws=50, tune=50, chains=2)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["event"] for r in records] == ["compile", "sample"]
    assert records[0]["n_dim"] == 1 and records[0]["seconds"] > 0
    assert records[1] == {
        "event": "sample",
        "seconds": fit.attrs["sampling_seconds"],
        "draws": 50,
        "tune": 50,
        "chains": 2,
    }
    monkeypatch.delenv(TIMING_LOG_ENV)
    sample_compiled(compile_model(model), random_seed=5, draws=50, tune=50, chains=2)
    assert len(log.read_text().splitlines()) == 2


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


# --- issue 13: seeds, settings and data checked at the door ---------------------------------------------------

import sys  # noqa: E402


@pytest.fixture(scope="module")
def regression():
    """x and y must have the same length: the likelihood is y ~ Normal(b * x, 1) with shape x.shape."""
    with pm.Model() as model:
        x = pm.Data("x", np.array([1.0, 2.0, 3.0]))
        y = pm.Data("y", np.array([0.5, 1.5, 1.0]))
        b = pm.Normal("b", 0, 1)
        pm.Normal("obs", b * x, 1.0, observed=y, shape=x.shape)
    return compile_model(model)


@pytest.mark.parametrize("seed", [np.int64(5), np.uint32(5), 2**64 - 1, 0])
def test_numpy_and_large_integer_seeds_are_seeds(compiled, seed):
    idata = sample_compiled(compiled, random_seed=seed, draws=20, tune=20, chains=2)
    assert idata.posterior["mu"].shape == (2, 20)


@pytest.mark.parametrize("seed", [-1, 2**64, 2**70])
def test_seed_out_of_range_says_the_range(compiled, seed):
    with pytest.raises(ValueError, match=r"random_seed must be an integer in \[0, 2\*\*64 - 1\]"):
        sample_compiled(compiled, random_seed=seed)


@pytest.mark.parametrize("seed", [1.0, "1", True, None])
def test_seed_of_wrong_type(compiled, seed):
    with pytest.raises(TypeError, match="random_seed must be an integer"):
        sample_compiled(compiled, random_seed=seed)


@pytest.mark.parametrize("value", ["0.9", None, [0.9]])
def test_target_accept_of_wrong_type(compiled, value):
    with pytest.raises(TypeError, match=r"target_accept must be a number in \(0, 1\)"):
        sample_compiled(compiled, random_seed=1, target_accept=value)


def test_unknown_data_name_lists_the_models_data(compiled):
    with pytest.raises(ValueError, match=r"'nope'.*the model's pm.Data are \['prior_sd', 'y'\]"):
        sample_compiled(compiled, random_seed=1, data={"nope": 1.0})


def test_data_of_the_wrong_length_is_named_before_sampling(regression):
    with pytest.raises(ValueError, match=r"do not fit the model.*'y' \(shape \(5,\)\).*x: \(3,\), y: \(5,\)"):
        sample_compiled(regression, random_seed=1, data={"y": np.zeros(5)})
    idata = sample_compiled(regression, random_seed=1, draws=50, tune=50, data={"x": np.ones(5), "y": np.zeros(5)})
    assert idata.posterior["b"].shape == (4, 50)  # both changed together: fine


def test_data_of_the_wrong_rank(regression):
    with pytest.raises(ValueError, match=r"'y' must have 1 dimension\(s\).*got shape \(1, 3\)"):
        sample_compiled(regression, random_seed=1, data={"y": [[0.5, 1.5, 1.0]]})


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_data_with_nan_or_inf_is_named(regression, bad):
    with pytest.raises(ValueError, match=r"'y' holds 1 non-finite value"):
        sample_compiled(regression, random_seed=1, data={"y": [0.5, bad, 1.0]})


def test_data_not_numbers(regression):
    with pytest.raises(TypeError, match=r"'y' must be numbers"):
        sample_compiled(regression, random_seed=1, data={"y": ["a", "b", "c"]})


def test_missing_samplers_say_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "nutpie", None)  # import nutpie now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'rethinking-utils\[sampling\]'"):
        compile_model(pm.Model())
    with pytest.raises(ImportError, match=r"rethinking-utils\[sampling\]"):
        sample_compiled(object(), random_seed=1)


def test_the_sampling_extra_declares_what_the_messages_name():
    import tomllib
    from pathlib import Path

    extras = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    names = {req.split(">")[0].split("=")[0].split("<")[0].strip() for req in extras["sampling"]}
    assert {"pymc", "nutpie", "arviz"} <= names
    assert "arviz" in extras["diagnostics"][0]


def test_the_start_point_function_is_not_compiled_as_c(monkeypatch):
    """PyMC's FAST_COMPILE start-point function compiles scans with g++ (18 s cold for an LKJ prior)."""
    import pymc.initial_point
    import pytensor

    seen = []
    original = pymc.initial_point.make_initial_point_fn

    def spy(**kwargs):
        seen.append(pytensor.config.cxx)
        return original(**kwargs)

    monkeypatch.setattr(pymc.initial_point, "make_initial_point_fn", spy)
    before = pytensor.config.cxx
    with pm.Model() as model:
        pm.LKJCholeskyCov("chol", n=2, eta=2.0, sd_dist=pm.HalfNormal.dist(1.0, shape=2))
    compile_model(model)
    assert seen and set(seen) == {""}  # every start-point function, without g++
    assert pytensor.config.cxx == before  # the reader's setting is restored


def test_var_names_keeps_only_the_named_variables():
    """A Deterministic nobody reads is stored for every draw unless var_names leaves it out (memory)."""
    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 1)
        pm.Deterministic("big", mu + np.zeros(500))
        pm.Normal("obs", mu, 1.0, observed=[0.1, -0.2])
    idata = sample_compiled(compile_model(model, var_names=["mu"]), random_seed=3, draws=50, tune=50)
    assert set(idata.posterior.data_vars) == {"mu"}
    with pytest.raises(ValueError, match=r"\['nope'\].*it has \['big', 'mu'\]"):
        compile_model(model, var_names=["mu", "nope"])
    with pytest.raises(TypeError, match="wrap it in"):
        compile_model(model, var_names="mu")


# --- issue 28: readers' own models with new data: no silent wrong answer, no dead kernel ------------------------

GROUPS = ["north", "south", "east", "west", "centre"]


def _grouped_model():
    """The radon / reed-frog pattern: a group effect indexed by an integer pm.Data, and a Deterministic per row."""
    rng = np.random.default_rng(28)
    group = np.repeat(np.arange(5), 4)
    with pm.Model(coords={"group": GROUPS, "row": [f"r{i}" for i in range(20)]}) as model:
        g = pm.Data("g", group, dims="row")
        x = pm.Data("x", rng.normal(size=20), dims="row")
        y = pm.Data("y", rng.normal(size=20) + group, dims="row")
        z = pm.Normal("z", 0, 3, dims="group")
        b = pm.Normal("b", 0, 1)
        mu = pm.Deterministic("mu", z[g] + b * x, dims="row")
        pm.Normal("y_obs", mu, 1.0, observed=y, dims="row")
    return model


@pytest.fixture(scope="module")
def grouped():
    return compile_model(_grouped_model())


@pytest.fixture(scope="module")
def grouped_lean():
    """The same model storing only the parameters: the per-row Deterministic is left out."""
    return compile_model(_grouped_model(), var_names=["z", "b"])


def _rows(group):
    group = np.asarray(group)
    return {"g": group, "x": np.zeros(len(group)), "y": np.ones(len(group))}


@pytest.mark.parametrize("bad", [-1, 5, 10**9])
def test_group_index_out_of_range_is_refused_before_sampling(grouped_lean, bad):
    """-1 (pandas' code of an unseen category) silently fed the last group, 5 read garbage, 10**9 was a SIGSEGV."""
    group = np.repeat(np.arange(5), 4)
    group[3] = bad
    with pytest.raises(
        ValueError, match=rf"'g' holds {bad} at position 3.*'z'.*length 5.*fixed when the model is compiled.*0 to 4"
    ):
        sample_compiled(grouped_lean, random_seed=1, data=_rows(group))


def test_group_index_in_range_samples(grouped_lean):
    fit = sample_compiled(grouped_lean, random_seed=1, draws=100, tune=100, data=_rows(np.arange(30) % 5))
    assert fit.posterior["z"].shape == (4, 100, 5)


def test_an_index_computed_from_data_is_checked_too():
    with pm.Model() as model:
        g = pm.Data("g", np.array([1, 2, 2, 1]))  # 1-based group numbers, shifted inside the model
        z = pm.Normal("z", 0, 1, shape=2)
        pm.Normal("y", z[g - 1], 1.0, observed=np.zeros(4), shape=g.shape)
    compiled = compile_model(model)
    with pytest.raises(ValueError, match=r"'g'.*'z'.*length 2"):
        sample_compiled(compiled, random_seed=1, data={"g": np.array([1, 2, 3, 1])})
    fit = sample_compiled(compiled, random_seed=1, draws=50, tune=50, data={"g": np.array([2, 2, 1, 1])})
    assert fit.posterior["z"].shape == (4, 50, 2)


def test_integer_data_beyond_the_models_dtype_are_refused():
    """pm.Data keeps uint8: 300 became 44 and -1 became 255 without a word."""
    with pm.Model() as model:
        n = pm.Data("n", np.array([10, 20, 30], dtype=np.uint8))
        k = pm.Data("k", np.array([3, 9, 20], dtype=np.uint8))
        p = pm.Beta("p", 1, 1)
        pm.Binomial("hits", n=n, p=p, observed=k, shape=n.shape)
    compiled = compile_model(model)
    with pytest.raises(ValueError, match=r"'n' holds 300.*uint8.*0 to 255"):
        sample_compiled(compiled, random_seed=1, data={"n": [10, 300, 30]})
    with pytest.raises(ValueError, match=r"'k' holds -1.*uint8"):
        sample_compiled(compiled, random_seed=1, data={"k": [3, -1, 20]})
    with pytest.raises(ValueError, match=r"'n' holds 300.0.*uint8"):
        sample_compiled(compiled, random_seed=1, data={"n": [10.0, 300.0, 30.0]})
    fit = sample_compiled(compiled, random_seed=1, draws=50, tune=50, data={"n": [10, 255, 30]})
    assert fit.posterior["p"].shape == (4, 50)


def test_a_deterministic_over_data_of_a_new_length_is_named_not_a_rust_panic(grouped):
    """Stored for every draw with its compile-time length, mu made nutpie panic (a BaseException)."""
    with pytest.raises(ValueError, match=r"Deterministic 'mu'.*\(20,\).*\(30,\).*var_names=.*'z', 'b'"):
        sample_compiled(grouped, random_seed=1, data=_rows(np.arange(30) % 5))
    fit = sample_compiled(grouped, random_seed=1, draws=50, tune=50, data=_rows(np.arange(20) % 5))
    assert fit.posterior["mu"].shape == (4, 50, 20)  # the same length is fine


def test_leaving_the_deterministic_out_lets_the_length_change(grouped_lean):
    fit = sample_compiled(grouped_lean, random_seed=2, draws=50, tune=50, data=_rows(np.arange(40) % 5))
    assert set(fit.posterior.data_vars) == {"z", "b"}


def test_new_coordinate_labels_with_new_data(grouped):
    """After data=, the posterior kept the first data set's labels: .sel() picked the wrong unit."""
    labels = ["a", "b", "c", "d", "e"]
    rows = [f"s{i}" for i in range(20)]
    fit = sample_compiled(
        grouped, random_seed=3, draws=50, tune=50, data=_rows(np.arange(20) % 5), coords={"group": labels, "row": rows}
    )
    assert fit.posterior["z"].coords["group"].values.tolist() == labels
    assert fit.posterior["mu"].coords["row"].values.tolist() == rows
    again = sample_compiled(grouped, random_seed=3, draws=50, tune=50)
    assert again.posterior["z"].coords["group"].values.tolist() == GROUPS  # the compiled model is unchanged


def test_coords_of_the_wrong_length_or_name(grouped):
    with pytest.raises(ValueError, match=r"coords\['group'\] has 3 labels.*5"):
        sample_compiled(grouped, random_seed=1, coords={"group": ["a", "b", "c"]})
    with pytest.raises(ValueError, match=r"coords \['county'\].*'group', 'row'"):
        sample_compiled(grouped, random_seed=1, coords={"county": ["a"]})
    with pytest.raises(ValueError, match=r"coords\['group'\] repeats"):
        sample_compiled(grouped, random_seed=1, coords={"group": ["a", "a", "b", "c", "d"]})


def test_progress_bar_follows_the_argument_the_environment_and_the_session(compiled, monkeypatch):
    """Shown where a person watches; RETHINKING_UTILS_PROGRESS=0 (the book build, nbval) hides it everywhere."""
    import nutpie

    from rethinking_utils.sampling import PROGRESS_ENV

    seen = []
    original = nutpie.sample

    def spy(*args, **kwargs):
        seen.append(kwargs["progress_bar"])
        return original(*args, **kwargs)

    monkeypatch.setattr(nutpie, "sample", spy)
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    import types

    kernel = types.ModuleType("IPython")
    kernel.get_ipython = lambda: None  # no IPython shell in this process (another test may have made one)
    monkeypatch.setitem(sys.modules, "IPython", kernel)
    monkeypatch.delattr(sys, "ps1", raising=False)
    fit = lambda **kw: sample_compiled(compiled, random_seed=1, draws=10, tune=10, chains=2, **kw)  # noqa: E731
    fit()  # a script (pytest): nobody watches
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)
    fit()  # an interactive session
    monkeypatch.setenv(PROGRESS_ENV, "0")
    fit()  # the book build
    fit(progress_bar=True)  # the argument wins
    monkeypatch.setenv(PROGRESS_ENV, "1")
    monkeypatch.delattr(sys, "ps1")
    fit()
    monkeypatch.delenv(PROGRESS_ENV)
    ZMQInteractiveShell = type("ZMQInteractiveShell", (), {})  # noqa: N806 - the class name is what is detected
    kernel.get_ipython = lambda: ZMQInteractiveShell()  # a Jupyter kernel's shell (a reader on Binder, the book build)
    from rethinking_utils.sampling import _show_progress

    assert _show_progress(None) is True
    kernel.get_ipython = lambda: None  # IPython imported by a library in a script: nobody watches
    assert _show_progress(None) is False
    kernel.get_ipython = lambda: type("InteractiveShell", (), {})()  # a shell a library made in a script
    assert _show_progress(None) is False
    assert seen == [False, True, False, True, True]
    monkeypatch.setenv(PROGRESS_ENV, "maybe")
    with pytest.raises(ValueError, match=r"RETHINKING_UTILS_PROGRESS='maybe'.*0.*1"):
        fit()
    with pytest.raises(TypeError, match="progress_bar must be True, False or None"):
        fit(progress_bar="yes")


def test_tune_zero_says_why_it_is_refused(compiled):
    """The docstring said "as in pm.sample", which accepts tune=0; nutpie panics on it (Rust assertion)."""
    with pytest.raises(ValueError, match=r"tune must be a positive integer: nutpie cannot sample without a warm-up"):
        sample_compiled(compiled, random_seed=1, draws=20, tune=0, chains=2)
    idata = sample_compiled(compiled, random_seed=1, draws=20, tune=1, chains=2)
    assert idata.posterior["mu"].shape == (2, 20)


def test_a_discrete_free_variable_says_what_to_do_instead():
    """compile_model failed with a PyTensor type-conversion error that named neither nutpie nor the variable."""
    with pm.Model() as model:
        k = pm.Poisson("k", 3.0)
        pm.Normal("y", k, 1.0, observed=[2.0, 3.0])
    with pytest.raises(ValueError, match=r"discrete.*\['k'\].*nutpie samples continuous.*pm\.sample"):
        compile_model(model)


def test_observed_data_outside_the_support_names_the_variable():
    """Without data=, nutpie said only "All initialization points failed", with a Rust backtrace."""
    with pm.Model() as model:
        p = pm.Beta("p", 1, 1)
        pm.Binomial("hits", n=5, p=p, observed=[2, 7, 1])  # 7 hits out of 5
    compiled = compile_model(model)
    with pytest.raises(ValueError, match=r"'hits'.*not finite.*support"):
        sample_compiled(compiled, random_seed=1, draws=20, tune=20)


def test_an_index_out_of_range_is_caught_even_when_the_other_data_do_not_fit(grouped):
    """Only g passed, longer than x and y: the Deterministic cannot be evaluated, the index must still be checked."""
    with pytest.raises(ValueError, match=r"'g' holds 1000000000 at position 29"):
        sample_compiled(grouped, random_seed=1, data={"g": np.append(np.arange(29) % 5, 10**9)})
