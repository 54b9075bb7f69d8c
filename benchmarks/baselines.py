"""The naive ways, timed in the same run as the course's path, each on the chapter's own code.

Each baseline runs the chapter's code cells in-process up to the cell that builds its models,
then times the course's path (compile once, swap data) and the naive way on the same models,
data, draws and seeds. Nothing here re-declares a chapter's model except the per-county radon
model, which the chapter deliberately does not write (that is the point of the chapter).
"""

from __future__ import annotations

import ast
import contextlib
import io
import logging
import time
from pathlib import Path
from typing import Any

import jupytext
import matplotlib

matplotlib.use("Agg")

BOOK = Path(__file__).resolve().parent.parent / "book"


def chapter_namespace(chapter: str, through: str) -> dict[str, Any]:
    """Execute the chapter's code cells in order, stopping after the first cell whose source contains `through`."""
    import matplotlib.pyplot as plt

    namespace: dict[str, Any] = {"__name__": f"chapter_{chapter}"}
    for cell in jupytext.read(BOOK / f"{chapter}.md").cells:
        if cell.cell_type != "code":
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(cell.source, f"{chapter}.md", "exec"), namespace)  # noqa: S102 - our own chapter
        plt.close("all")
        if through in cell.source:
            return namespace
    raise ValueError(f"no code cell of {chapter}.md contains {through!r}; update the benchmark's marker")


def chapter_constant(chapter: str, name: str) -> Any:
    """The value of a module-level constant `name = <literal>` in one of the chapter's code cells."""
    for cell in jupytext.read(BOOK / f"{chapter}.md").cells:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
                return ast.literal_eval(node.value)
    raise ValueError(f"{chapter}.md assigns no constant {name!r}; update the benchmark")


def _quiet_pymc() -> None:
    for name in ("pymc", "pymc.sampling.mcmc", "pymc.stats.convergence"):
        logging.getLogger(name).setLevel(logging.ERROR)


def frog_grid() -> dict:
    """20 fits over the sigma grid: compile once + swap sigma, against pm.Sample with PyMC's NUTS each time."""
    import numpy as np
    import pymc as pm

    from rethinking_utils import compile_model, sample_compiled

    ns = chapter_namespace("multilevel_models", "fixed_sigma_compiled = compile_model")
    model, grid, seeds = ns["fixed_sigma_model"], np.linspace(0.1, 5, 20), ns["SEEDS"]

    start = time.perf_counter()
    compiled = compile_model(model)
    for seed, s in zip(seeds, grid):
        sample_compiled(compiled, random_seed=int(seed), data={"sigma": np.asarray(s)}, tune=500, draws=1000)
    course = time.perf_counter() - start

    start = time.perf_counter()
    for seed, s in zip(seeds, grid):
        with model:
            pm.set_data({"sigma": np.asarray(s)})
            pm.sample(draws=1000, tune=500, chains=4, cores=2, random_seed=int(seed), nuts_sampler="pymc",
                      progressbar=False, compute_convergence_checks=False)
    naive = time.perf_counter() - start
    return {"name": "reed-frog sigma grid, 20 fits", "course_seconds": course, "naive_seconds": naive,
            "note": "all 20 fits measured; naive = pm.sample with PyMC's own NUTS, recompiling every fit"}


def radon_loop(n_counties: int = 10) -> dict:
    """One vectorized model of 85 regressions, against one PyMC model per county (measured on 10, x 8.5)."""
    import pymc as pm

    from rethinking_utils import compile_model, sample_compiled

    ns = chapter_namespace("radon", "idata_separate = sample_compiled")
    start = time.perf_counter()
    sample_compiled(compile_model(ns["separate"]), random_seed=int(ns["SEED_SEPARATE"]),
                    target_accept=ns["TARGET_ACCEPT_SEPARATE"])
    course = time.perf_counter() - start

    radon = ns["radon"]
    counties = sorted(radon["county"].unique())
    # counties spread over the size range, not just the first ten alphabetically
    step = len(counties) // n_counties
    chosen = counties[::step][:n_counties]
    start = time.perf_counter()
    for i, name in enumerate(chosen):
        homes = radon[radon["county"] == name]
        with pm.Model():  # the same priors as the chapter's vectorized model, one county at a time
            alpha = pm.Normal("alpha", 0, 5)
            beta = pm.Normal("beta", 0, 2)
            sigma = pm.LogNormal("sigma", 0, 0.5)
            pm.Normal("y", alpha + beta * homes["floor"].to_numpy(), sigma, observed=homes["log_radon"].to_numpy())
            pm.sample(random_seed=i, chains=4, cores=2, progressbar=False, compute_convergence_checks=False,
                      target_accept=ns["TARGET_ACCEPT_SEPARATE"])
    measured = time.perf_counter() - start
    naive = measured * len(counties) / n_counties
    return {"name": "radon separate regressions, 85 counties", "course_seconds": course, "naive_seconds": naive,
            "note": f"naive = one pm.sample model per county (PyMC's default sampler), measured on {n_counties} "
                    f"counties ({measured:.1f} s) and **extrapolated** to {len(counties)}"}


def confound_study(n_naive: int = 4) -> dict:
    """The simulation study: five models compiled once, against compiling each model for every data set.

    The course's path runs the whole study (every data set, the chapter's study settings). The naive way
    costs the same per data set (a compilation and a fit for each model), so it is measured on `n_naive`
    data sets and scaled to the study's count.
    """
    import pymc as pm

    from rethinking_utils import compile_model

    ns = chapter_namespace("random_confounds", "def fit(")
    models, settings = ns["MODELS"], chapter_constant("random_confounds", "STUDY")
    sims = [ns["simulate"](seed) for seed in ns["DATA_SEEDS"]]

    start = time.perf_counter()
    ns["COMPILED"] = {name: compile_model(model) for name, model in models.items()}
    for r, sim in enumerate(sims):
        for k, name in enumerate(models):
            ns["fit"](name, sim, ns["FIT_SEEDS"][r][k], **settings)
    course = time.perf_counter() - start

    draws = {"draws": 1000, "tune": 300, "chains": 4} | settings
    start = time.perf_counter()
    for r, sim in enumerate(sims[:n_naive]):
        for k, (name, model) in enumerate(models.items()):
            data = {key: v for key, v in ns["model_data"](sim).items() if key in ns["DATA_NAMES"][name]}
            with model:
                pm.set_data(data)
                pm.sample(**draws, cores=2, random_seed=int(ns["FIT_SEEDS"][r][k]),
                          target_accept=ns["TARGET_ACCEPT"][name], progressbar=False,
                          compute_convergence_checks=False)
    measured = time.perf_counter() - start
    naive = measured * len(sims) / n_naive
    return {"name": f"random-confounds study, 5 models x {len(sims)} data sets", "course_seconds": course,
            "naive_seconds": naive,
            "note": f"naive = pm.sample (nutpie, PyMC's default here) compiling each model for every data set, "
                    f"measured on {n_naive} data sets ({measured:.1f} s) and **extrapolated** to {len(sims)}; "
                    "the course's path measured in full"}


BASELINES = {"frog_grid": frog_grid, "radon_loop": radon_loop, "confound_study": confound_study}


def run_all(names: list[str] | None = None) -> list[dict]:
    _quiet_pymc()
    results = []
    for baseline in [BASELINES[n] for n in (names or BASELINES)]:
        result = baseline()
        ratio = result["naive_seconds"] / result["course_seconds"]
        print(f"{result['name']}: course {result['course_seconds']:.1f} s, naive {result['naive_seconds']:.1f} s "
              f"({ratio:.1f}x)", flush=True)
        results.append(result)
    return results
