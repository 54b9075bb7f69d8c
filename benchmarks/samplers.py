"""Sampler paths side by side: the same model, data, draws and seeds through every credible NUTS path.

Each measurement is a fresh Python process (``--worker``), so that it pays what a reader's new kernel pays: the
imports, building the model, compiling it, the first fit, then a refit with new data through the path's own way
of swapping data (the course's rule: compile once, swap data). Every compile cache the process can write
(PyTensor's C modules and numba cache, Numba's own, JAX's persistent compilation cache) lies under one folder
(:func:`benchmarks.execute.cache_env`): empty for the cold run, the same folder again for the warm runs.

Paths (``PATHS``):

- ``nutpie-numba``: the course's path (``rethinking_utils.compile_model`` / ``sample_compiled``).
- ``nutpie-jax``: nutpie with its JAX backend (log density and gradient in JAX).
- ``pymc-numba``: PyMC's own NUTS, PyTensor's numba backend (PyMC 6's default).
- ``pymc-c``: PyMC's own NUTS, PyTensor's C backend (``backend="c"``).
- ``numpyro``: ``pm.sample(nuts_sampler="numpyro")``, one XLA host device per chain, chains in parallel.
- ``blackjax``: ``pm.sample(nuts_sampler="blackjax")``, the same.

Usage: ``python -m benchmarks.samplers [--models ...] [--paths ...] [--repeats 3]``; ``make bench`` runs it and
puts the table in RESULTS.md. JAX, numpyro and blackjax come from ``benchmarks/requirements.txt``, which ``make
bench`` installs; they are not part of the course's environment.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_STARTED = time.perf_counter()  # before any heavy import: the worker's clock starts with the process

MODELS = ("reedfrogs", "radon", "radon-lkj")
PATHS = ("nutpie-numba", "nutpie-jax", "pymc-numba", "pymc-c", "numpyro", "blackjax")
REFERENCE = "nutpie-numba"
DRAWS = TUNE = 1000
CHAINS = 4
SEED = 20261130
POPULATION = {
    "reedfrogs": ["alpha_bar", "sigma"],
    "radon": ["mu_alpha", "sigma_alpha", "mu_beta", "sigma_beta", "sigma"],
    "radon-lkj": ["mu", "sigma_county", "rho", "sigma"],
}


# ---------------------------------------------------------------- worker: one model through one path, one process


def build(name: str):
    """The model (with pm.Data for what a refit swaps) and the new data for the refit, as the chapters write them."""
    import numpy as np
    import pymc as pm

    from rethinking_utils import load_data

    rng = np.random.default_rng(SEED)
    if name == "reedfrogs":  # the reed-frog chapter's multilevel model (48 tanks, binomial)
        frogs = load_data("reedfrogs")
        n = frogs["density"].to_numpy()
        with pm.Model(coords={"tank": np.arange(len(frogs))}) as model:
            survivors = pm.Data("survivors", frogs["surv"].to_numpy(), dims="tank")
            density = pm.Data("density", n, dims="tank")
            alpha_bar = pm.Normal("alpha_bar", 0, 1.5)
            sigma = pm.Exponential("sigma", 1)
            alpha = pm.Normal("alpha", alpha_bar, sigma, dims="tank")
            pm.Binomial("S", n=density, logit_p=alpha, observed=survivors, dims="tank")
        new = {"survivors": rng.binomial(n, 0.7)}  # simulated ponds, same tanks
        return model, new
    if name == "radon":  # the radon chapter's non-centered varying intercepts and slopes (919 homes, 85 counties)
        radon = load_data("radon")
        county = radon["county_code"].to_numpy()
        floor = radon["floor"].to_numpy().astype(float)
        y = radon["log_radon"].to_numpy()
        with pm.Model(coords={"county": np.arange(county.max() + 1), "home": np.arange(len(radon))}) as model:
            idx = pm.Data("county_idx", county, dims="home")
            x = pm.Data("floor", floor, dims="home")
            obs = pm.Data("log_radon", y, dims="home")
            mu_alpha = pm.Normal("mu_alpha", 0, 5)
            sigma_alpha = pm.HalfNormal("sigma_alpha", 1)
            mu_beta = pm.Normal("mu_beta", 0, 2)
            sigma_beta = pm.HalfNormal("sigma_beta", 1)
            z_alpha = pm.Normal("z_alpha", 0, 1, dims="county")
            z_beta = pm.Normal("z_beta", 0, 1, dims="county")
            alpha = mu_alpha + sigma_alpha * z_alpha
            beta = mu_beta + sigma_beta * z_beta
            sigma = pm.HalfNormal("sigma", 1)
            pm.Normal("y", alpha[idx] + beta[idx] * x, sigma, observed=obs, dims="home")
        new = {"log_radon": y + rng.normal(0, 0.3, len(y))}  # the same homes, noisier measurements
        return model, new
    if name == "radon-lkj":  # varying effects' correlated intercepts and floor slopes: LKJ, non-centered (Cholesky)
        radon = load_data("radon")
        county = radon["county_code"].to_numpy()
        y = radon["log_radon"].to_numpy()
        coords = {
            "county": np.arange(county.max() + 1),
            "home": np.arange(len(radon)),
            "effect": ["intercept", "floor"],
        }
        with pm.Model(coords=coords) as model:
            idx = pm.Data("county_idx", county, dims="home")
            x = pm.Data("floor", radon["floor"].to_numpy().astype(float), dims="home")
            obs = pm.Data("log_radon", y, dims="home")
            mu = pm.Normal("mu", 0, [5.0, 2.0], dims="effect")
            chol, corr, sds = pm.LKJCholeskyCov(
                "chol", n=2, eta=2.0, sd_dist=pm.HalfNormal.dist(1.0, shape=2), compute_corr=True, store_in_trace=False
            )
            pm.Deterministic("sigma_county", sds, dims="effect")
            pm.Deterministic("rho", corr[0, 1])
            z = pm.Normal("z", 0, 1, dims=("county", "effect"))
            ab = mu + z @ chol.T
            sigma = pm.HalfNormal("sigma", 1)
            pm.Normal("y", ab[idx, 0] + ab[idx, 1] * x, sigma, observed=obs, dims="home")
        new = {"log_radon": y + rng.normal(0, 0.3, len(y))}
        return model, new
    raise ValueError(f"unknown model {name!r}; one of {MODELS}")


def _pymc_fit(model, path: str, seed: int, data: dict | None):
    """One fit through PyMC's pm.sample on the given path; data swapped with pm.set_data (pm.sample recompiles)."""
    import pymc as pm

    kwargs: dict = {"draws": DRAWS, "tune": TUNE, "chains": CHAINS, "random_seed": seed, "progressbar": False}
    if path == "pymc-numba":
        kwargs |= {"cores": 2, "backend": "numba"}
    elif path == "pymc-c":
        kwargs |= {"cores": 2, "backend": "c"}
    else:
        # one XLA device per chain (XLA_FLAGS, set by run_one): parallel chains, the fastest of numpyro's three
        # chain methods here (reed frogs, cold: 12.3 s parallel, 20.0 s sequential, 20.1 s vectorized)
        kwargs |= {"nuts_sampler": path, "nuts_sampler_kwargs": {"chain_method": "parallel"}}
    with model:
        if data:
            pm.set_data(data)
        idata = pm.sample(**kwargs)
    return idata


def worker(model_name: str, path: str) -> dict:
    """Everything one fresh process does and how long each part took; printed as JSON by ``--worker``."""
    import_start = time.perf_counter()
    import numpy as np
    import pymc  # noqa: F401 - timed: a reader's kernel pays for it

    import rethinking_utils
    from rethinking_utils import sample_compiled

    t: dict[str, float] = {"startup": import_start - _STARTED, "import": time.perf_counter() - import_start}
    start = time.perf_counter()
    model, new = build(model_name)
    t["build"] = time.perf_counter() - start

    fits = []
    if path.startswith("nutpie"):
        import nutpie
        import pytensor

        start = time.perf_counter()
        if path == "nutpie-numba":
            compiled = rethinking_utils.compile_model(model)
        else:
            with pytensor.config.change_flags(cxx=""):
                compiled = nutpie.compile_pymc_model(model, backend="jax", gradient_backend="jax", freeze_model=False)
        t["compile"] = time.perf_counter() - start
        for data in (None, new):
            start = time.perf_counter()
            if path == "nutpie-numba":
                idata = sample_compiled(compiled, random_seed=SEED, data=data, draws=DRAWS, tune=TUNE, chains=CHAINS)
            else:
                fit_model = compiled.with_data(**data) if data else compiled
                idata = nutpie.sample(
                    fit_model, draws=DRAWS, tune=TUNE, chains=CHAINS, cores=2, seed=SEED, progress_bar=False
                )
            fits.append((time.perf_counter() - start, idata))
        # the timed fit is nutpie's sampling (and, at the refit, setting the data); for the JAX backend it also
        # includes JAX's compilation, which happens at the first call of the log density
        t["first_fit"], t["refit"] = fits[0][0], fits[1][0]
        t["sampling"] = fits[0][0]
    else:
        for data in (None, new):
            start = time.perf_counter()
            idata = _pymc_fit(model, path, SEED, data)
            fits.append((time.perf_counter() - start, idata))
        t["first_fit"], t["refit"] = fits[0][0], fits[1][0]
        # pm.sample compiles inside the call; it records its own sampling time (tuning and draws)
        t["sampling"] = float(fits[0][1].posterior.attrs.get("sampling_time", np.nan))
        t["compile"] = t["first_fit"] - t["sampling"]
    # JAX compiles inside the sampler's first step, so the moment of the first draw cannot be seen from outside on
    # every path: what is comparable is the time from process start to the first complete posterior
    compiled_apart = t["compile"] if path.startswith("nutpie") else 0.0  # pm.sample compiles inside first_fit
    t["to_first_posterior"] = t["startup"] + t["import"] + t["build"] + compiled_apart + t["first_fit"]
    t["total"] = time.perf_counter() - _STARTED
    idata = fits[0][1]
    report = rethinking_utils.sampling_report(idata)  # the course's own diagnostics, on every path alike
    return {
        "model": model_name,
        "path": path,
        "seconds": t,
        "estimates": _estimates(idata, POPULATION[model_name]),
        "divergences": report.divergences,
        "min_ess_bulk": report.min_ess_bulk,
        "libraries": _versions(),
    }


def _estimates(idata, names: list[str]) -> dict[str, list[float]]:
    """Posterior mean and its Monte Carlo standard error for each population parameter."""
    import arviz as az
    import numpy as np

    out = {}
    for name in names:
        draws = np.asarray(idata.posterior[name])
        flat = draws.reshape(draws.shape[0], draws.shape[1], -1)  # chain, draw, element
        for i in range(flat.shape[-1]):
            key = name if flat.shape[-1] == 1 else f"{name}[{i}]"
            out[key] = [float(flat[..., i].mean()), float(np.asarray(az.mcse(flat[..., i], method="mean")))]
    return out


def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for name in ("pymc", "pytensor", "nutpie", "numba", "jax", "numpyro", "blackjax"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


# ---------------------------------------------------------------- driver: fresh processes, cold then warm


def run_one(model: str, path: str, cache_dir: Path, timeout: int = 900) -> dict:
    """One fresh process for one model on one path, with every compile cache under ``cache_dir``."""
    from benchmarks.execute import PeakMemory, cache_env

    env = dict(os.environ) | cache_env(cache_dir) | {"XLA_FLAGS": f"--xla_force_host_platform_device_count={CHAINS}"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.samplers", "--worker", model, path],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    # polled over the process tree (the worker and PyMC's chain processes), as for the chapters: the worker's own
    # ru_maxrss is no good here, Linux carries the parent's high-water mark into a forked child
    with PeakMemory(proc.pid) as memory:
        stdout, stderr = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        lines = stderr.strip().splitlines() or ["no output"]
        errors = [
            line for line in lines if line and not line.startswith(" ") and ("Error" in line or "Exception" in line)
        ]
        return {"model": model, "path": path, "error": (errors or lines)[-1][:300]}
    run = json.loads(stdout.strip().splitlines()[-1])
    run["seconds"]["process"] = time.perf_counter() - start  # the whole process, interpreter start to exit
    run["peak_rss_mb"] = memory.peak / 2**20
    return run


def agreement(run: dict, reference: dict) -> float:
    """Largest |difference of posterior means| / combined Monte Carlo standard error over the population parameters."""
    worst = 0.0
    for name, (mean, mcse) in run["estimates"].items():
        ref_mean, ref_mcse = reference["estimates"][name]
        worst = max(worst, abs(mean - ref_mean) / (mcse**2 + ref_mcse**2) ** 0.5)
    return worst


def run_all(models=MODELS, paths=PATHS, repeats: int = 3) -> list[dict]:
    """Per model and path: one cold run (empty caches), then ``repeats`` warm runs (the same caches); the warm
    figure is the minimum, as in the issue's table. Agreement is measured against the course's path, cold run."""
    rows = []
    for model in models:
        reference = None
        for path in paths:
            cache = Path(tempfile.mkdtemp(prefix=f"samplers-{model}-{path}-"))
            try:
                cold = run_one(model, path, cache)
                warm = [run_one(model, path, cache) for _ in range(repeats)]
            finally:
                shutil.rmtree(cache, ignore_errors=True)
            row = {"model": model, "path": path, "cold": cold, "warm": warm}
            if "error" in cold:
                print(f"{model:10s} {path:13s} failed: {cold['error']}", flush=True)
            else:
                if path == REFERENCE:
                    reference = cold
                row["agreement_z"] = agreement(cold, reference) if reference else None
                best = min((w for w in warm if "error" not in w), key=lambda w: w["seconds"]["total"], default=None)
                row["best_warm"] = best
                print(
                    f"{model:10s} {path:13s} cold {cold['seconds']['total']:5.1f} s, warm "
                    f"{best['seconds']['total'] if best else float('nan'):5.1f} s, "
                    f"refit {cold['seconds']['refit']:5.1f} s, "
                    f"sampling {cold['seconds']['sampling']:4.1f} s",
                    flush=True,
                )
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", nargs=2, metavar=("MODEL", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--models", nargs="*", default=list(MODELS), choices=MODELS)
    parser.add_argument("--paths", nargs="*", default=list(PATHS), choices=PATHS)
    parser.add_argument("--repeats", type=int, default=3, help="warm runs per model and path (the minimum is kept)")
    parser.add_argument("--out", type=Path, default=None, help="write the rows as JSON here")
    args = parser.parse_args()
    if args.worker:
        import logging
        import warnings

        logging.disable(logging.WARNING)
        warnings.simplefilter("ignore")
        print(json.dumps(worker(*args.worker)))
        return
    rows = run_all(args.models, args.paths, args.repeats)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
