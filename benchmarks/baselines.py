"""The naive ways, timed in the same run as the course's path, each on the chapter's own models.

Each baseline names what it takes from a chapter (``USES``): the models, data and functions it needs, and the
literal constants it reads. It runs the chapter's code cells in-process only until every needed name exists
(:func:`chapter_namespace`), then times the course's path (compile once, swap data) and the naive way on the same
models, data, draws and seeds; the seeds are the benchmark's own. Nothing here re-declares a chapter's model except
the per-county radon model, which the chapter deliberately does not write (that is the point of the chapter).
``tests/tooling/test_benchmarks.py`` checks, without running anything, that every chapter still defines what its
baselines use, so a renamed variable fails ``make test`` with its name instead of ``make bench`` 15 minutes in.
"""

from __future__ import annotations

import ast
import contextlib
import io
import logging
import time
from dataclasses import dataclass
from typing import Any

import jupytext
import matplotlib

from tools import course

matplotlib.use("Agg")

BENCH_SEED = 20261129  # the baselines' own seeds: the course's and the naive path share them


@dataclass(frozen=True)
class Uses:
    """What a baseline takes from a chapter: names its code cells define, and literal constants it reads."""

    chapter: str
    names: tuple[str, ...]
    constants: tuple[str, ...] = ()


def chapter_source(chapter: str):
    """The chapter's notebook (read through jupytext from the file that _toc.yml lists)."""
    path = course.source_file(course.ROOT, f"book/{chapter}")
    if path is None:
        raise FileNotFoundError(f"no chapter book/{chapter}.md")
    return jupytext.read(path)


def defined_names(chapter: str) -> set[str]:
    """Names the chapter's code cells bind at their top level (assignments, defs, classes, imports, with ... as)."""
    names: set[str] = set()
    for cell in chapter_source(chapter).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return names


def chapter_namespace(chapter: str, needs: tuple[str, ...]) -> dict[str, Any]:
    """Execute the chapter's code cells in order until every name in ``needs`` is defined; return the namespace."""
    import matplotlib.pyplot as plt

    namespace: dict[str, Any] = {"__name__": f"chapter_{chapter}"}
    for cell in chapter_source(chapter).cells:
        if cell.cell_type != "code":
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(cell.source, f"{chapter}.md", "exec"), namespace)  # noqa: S102 - our own chapter
        plt.close("all")
        if all(name in namespace for name in needs):
            return namespace
    missing = [name for name in needs if name not in namespace]
    raise ValueError(f"{chapter}.md ran to its end without defining {missing}; update the benchmark's USES")


def chapter_constant(chapter: str, name: str) -> Any:
    """The value of a module-level constant `name = <literal>` in one of the chapter's code cells."""
    for cell in chapter_source(chapter).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
                return ast.literal_eval(node.value)
    raise ValueError(f"{chapter}.md assigns no constant {name!r}; update the benchmark's USES")


def _seeds(n: int) -> list[int]:
    import numpy as np

    return [int(s) for s in np.random.default_rng(BENCH_SEED).integers(1, 2**31 - 1, size=n)]


def _quiet_pymc() -> None:
    for name in ("pymc", "pymc.sampling.mcmc", "pymc.stats.convergence"):
        logging.getLogger(name).setLevel(logging.ERROR)


def frog_grid() -> dict:
    """20 fits over the sigma grid: compile once + swap sigma, against pm.Sample with PyMC's NUTS each time."""
    import numpy as np
    import pymc as pm

    from rethinking_utils import compile_model, sample_compiled

    uses = USES["frog_grid"]
    ns = chapter_namespace(uses.chapter, uses.names)
    model, grid, seeds = ns["fixed_sigma_model"], np.linspace(0.1, 5, 20), _seeds(20)

    start = time.perf_counter()
    compiled = compile_model(model)
    for seed, s in zip(seeds, grid):
        sample_compiled(compiled, random_seed=int(seed), data={"sigma": np.asarray(s)}, tune=500, draws=1000)
    course_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for seed, s in zip(seeds, grid):
        with model:
            pm.set_data({"sigma": np.asarray(s)})
            pm.sample(
                draws=1000,
                tune=500,
                chains=4,
                cores=2,
                random_seed=int(seed),
                nuts_sampler="pymc",
                progressbar=False,
                compute_convergence_checks=False,
            )
    naive = time.perf_counter() - start
    return {
        "name": "reed-frog sigma grid, 20 fits",
        "course_seconds": course_seconds,
        "naive_seconds": naive,
        "note": "all 20 fits measured; naive = pm.sample with PyMC's own NUTS, recompiling every fit",
    }


def radon_loop(n_counties: int = 10) -> dict:
    """One vectorized model of 85 regressions, against one PyMC model per county (measured on 10, x 8.5)."""
    import pymc as pm

    from rethinking_utils import compile_model, sample_compiled

    uses = USES["radon_loop"]
    ns = chapter_namespace(uses.chapter, uses.names)
    start = time.perf_counter()
    sample_compiled(compile_model(ns["separate"]), random_seed=_seeds(1)[0])
    course_seconds = time.perf_counter() - start

    radon = ns["radon"]
    counties = sorted(radon["county"].unique())
    # counties spread over the size range, not just the first ten alphabetically
    step = len(counties) // n_counties
    chosen = counties[::step][:n_counties]
    start = time.perf_counter()
    for i, name in enumerate(chosen):
        homes = radon[radon["county"] == name]
        with pm.Model():  # the chapter's priors, one county at a time (each county gets its own noise scale)
            alpha = pm.Normal("alpha", 0, 5)
            beta = pm.Normal("beta", 0, 2)
            sigma = pm.HalfNormal("sigma", 1)
            pm.Normal("y", alpha + beta * homes["floor"].to_numpy(), sigma, observed=homes["log_radon"].to_numpy())
            pm.sample(random_seed=i, chains=4, cores=2, progressbar=False, compute_convergence_checks=False)
    measured = time.perf_counter() - start
    naive = measured * len(counties) / n_counties
    return {
        "name": "radon separate regressions, 85 counties",
        "course_seconds": course_seconds,
        "naive_seconds": naive,
        "note": f"naive = one pm.sample model per county (PyMC's default sampler), measured on {n_counties} "
        f"counties ({measured:.1f} s) and **extrapolated** to {len(counties)}",
    }


def confound_study(n_naive: int = 4) -> dict:
    """The simulation study: five models compiled once, against compiling each model for every data set.

    The course's path runs the whole study (every data set, the chapter's study settings). The naive way
    costs the same per data set (a compilation and a fit for each model), so it is measured on `n_naive`
    data sets and scaled to the study's count.
    """
    import pymc as pm

    from rethinking_utils import compile_model, sample_compiled

    uses = USES["confound_study"]
    ns = chapter_namespace(uses.chapter, uses.names)
    models, target_accept = ns["MODELS"], ns["TARGET_ACCEPT"]
    settings = chapter_constant(uses.chapter, "STUDY")
    n_sets = chapter_constant(uses.chapter, "N_REPLICATES")
    sims = [ns["simulate"](seed) for seed in _seeds(n_sets)]
    fit_seeds = [_seeds(n_sets * len(models))[r * len(models) : (r + 1) * len(models)] for r in range(n_sets)]
    data_names = {name: {v.name for v in model.data_vars} for name, model in models.items()}

    def data_for(name, sim):
        return {key: v for key, v in ns["model_data"](sim).items() if key in data_names[name]}

    start = time.perf_counter()
    compiled = {name: compile_model(model) for name, model in models.items()}
    for r, sim in enumerate(sims):
        for k, name in enumerate(models):
            sample_compiled(
                compiled[name],
                random_seed=fit_seeds[r][k],
                data=data_for(name, sim),
                target_accept=target_accept[name],
                **settings,
            )
    course_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for r, sim in enumerate(sims[:n_naive]):
        for k, (name, model) in enumerate(models.items()):
            with model:
                pm.set_data(data_for(name, sim))
                pm.sample(
                    **settings,
                    cores=2,
                    random_seed=fit_seeds[r][k],
                    target_accept=target_accept[name],
                    progressbar=False,
                    compute_convergence_checks=False,
                )
    measured = time.perf_counter() - start
    naive = measured * len(sims) / n_naive
    return {
        "name": f"random-confounds study, {len(models)} models x {len(sims)} data sets",
        "course_seconds": course_seconds,
        "naive_seconds": naive,
        "note": f"naive = pm.sample (nutpie, PyMC's default here) compiling each model for every data set, "
        f"measured on {n_naive} data sets ({measured:.1f} s) and **extrapolated** to {len(sims)}; "
        "the course's path measured in full",
    }


BASELINES = {"frog_grid": frog_grid, "radon_loop": radon_loop, "confound_study": confound_study}
USES = {
    "frog_grid": Uses("multilevel_models", ("fixed_sigma_model",)),
    "radon_loop": Uses("radon", ("separate", "radon")),
    "confound_study": Uses(
        "random_confounds", ("MODELS", "TARGET_ACCEPT", "simulate", "model_data"), ("STUDY", "N_REPLICATES")
    ),
}


def run_all(names: list[str] | None = None) -> list[dict]:
    _quiet_pymc()
    results = []
    for baseline in [BASELINES[n] for n in (names or BASELINES)]:
        result = baseline()
        ratio = result["naive_seconds"] / result["course_seconds"]
        print(
            f"{result['name']}: course {result['course_seconds']:.1f} s, naive {result['naive_seconds']:.1f} s "
            f"({ratio:.1f}x)",
            flush=True,
        )
        results.append(result)
    return results
