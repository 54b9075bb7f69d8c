"""A sampler-independent health report of an MCMC posterior.

PyMC 6 runs nutpie when it is installed and then prints no warning about
divergences or R-hat; the numbers exist only in the returned ``DataTree``.
:func:`sampling_report` reads them from PyMC's own NUTS and from nutpie alike
and says plainly what is wrong and what to try.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

#: Sample-stat names of the boolean "hit the maximum tree depth" flag, by sampler.
_TREEDEPTH_FLAGS = ("reached_max_treedepth", "maxdepth_reached")


@dataclass(frozen=True)
class SamplingReport:
    """What :func:`sampling_report` found. ``str(report)`` is the readable form."""

    chains: int
    draws: int
    divergences: int
    divergence_share: float
    max_rhat: float
    max_rhat_at: str
    min_ess_bulk: float
    min_ess_bulk_at: str
    min_ess_tail: float
    min_ess_tail_at: str
    treedepth_share: float | None
    rhat_limit: float = 1.01
    ess_limit: float = 400.0

    @property
    def problems(self) -> list[str]:
        """One sentence per problem found, each with what to try; empty when the fit looks healthy."""
        found = []
        if self.divergences > 0:
            found.append(
                f"{self.divergences} divergent transitions: the sampler could not follow the posterior's curvature "
                "somewhere, so the draws may miss part of it. Try a higher target_accept (0.95, 0.99); if "
                "divergences persist, reparameterize (a non-centered hierarchy) or use more informative priors."
            )
        if self.max_rhat > self.rhat_limit:
            found.append(
                f"R-hat {self.max_rhat:.3f} at {self.max_rhat_at} (> {self.rhat_limit}): the chains disagree. "
                "Look at trace and rank plots; run longer or fix the model before trusting the summaries."
            )
        if min(self.min_ess_bulk, self.min_ess_tail) < self.ess_limit:
            found.append(
                f"effective sample size as low as {min(self.min_ess_bulk, self.min_ess_tail):.0f} "
                f"(bulk at {self.min_ess_bulk_at}, tail at {self.min_ess_tail_at}; want >= {self.ess_limit:.0f}): "
                "the draws are strongly autocorrelated. Draw more, or reparameterize."
            )
        if self.treedepth_share:
            found.append(
                f"{self.treedepth_share:.1%} of draws hit the maximum tree depth: the sampler is taking many small "
                "steps, a sign of a long narrow posterior. Reparameterize or standardize predictors."
            )
        return found

    @property
    def ok(self) -> bool:
        """True when there are no divergences and R-hat and ESS are within their limits."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The numbers as a plain dict (for a table row)."""
        return asdict(self)

    def __str__(self) -> str:
        def flag(bad: bool) -> str:
            return "PROBLEM" if bad else "ok"

        depth = "not recorded" if self.treedepth_share is None else f"{self.treedepth_share:.1%} of draws"
        lines = [
            f"Sampling report: {self.chains} chains x {self.draws} draws",
            f"  divergent transitions : {self.divergences} ({self.divergence_share:.2%} of draws)"
            f"  {flag(self.divergences > 0)}",
            f"  largest R-hat         : {self.max_rhat:.3f} at {self.max_rhat_at}  {flag(self.max_rhat > self.rhat_limit)}",
            f"  smallest bulk ESS     : {self.min_ess_bulk:.0f} at {self.min_ess_bulk_at}"
            f"  {flag(self.min_ess_bulk < self.ess_limit)}",
            f"  smallest tail ESS     : {self.min_ess_tail:.0f} at {self.min_ess_tail_at}"
            f"  {flag(self.min_ess_tail < self.ess_limit)}",
            f"  max tree depth reached: {depth}  {flag(bool(self.treedepth_share))}",
        ]
        problems = self.problems
        if problems:
            lines.append("What is wrong and what to try:")
            lines += [f"  - {p}" for p in problems]
        else:
            lines.append("No problems found: no divergences, R-hat and ESS within limits.")
        return "\n".join(lines)

    __repr__ = __str__


def _group(idata: Any, name: str) -> Any:
    try:
        group = idata[name]
    except (KeyError, TypeError, AttributeError):
        group = getattr(idata, name, None)
    if group is None:
        raise ValueError(
            f"the result has no {name!r} group; sampling_report() needs the output of pm.sample() or "
            "nutpie.sample() (an xarray.DataTree or arviz InferenceData), not a prior sample or a MAP estimate"
        )
    return group.to_dataset() if hasattr(group, "to_dataset") else group


def _extreme(dataset: Any, pick: str) -> tuple[float, str]:
    """The largest or smallest finite value over all variables of a per-parameter dataset, and where."""
    best_value, best_at = (np.nan, "-")
    for name, da in dataset.data_vars.items():
        values = np.asarray(da.values, dtype=float)
        if not np.isfinite(values).any():
            continue
        flat = np.nanargmax(values) if pick == "max" else np.nanargmin(values)
        value = float(values.ravel()[flat])
        if np.isnan(best_value) or (value > best_value if pick == "max" else value < best_value):
            index = np.unravel_index(flat, values.shape)
            coords = [str(da[dim].values[i]) if dim in da.coords else str(i) for dim, i in zip(da.dims, index)]
            best_value, best_at = value, f"{name}[{', '.join(coords)}]" if coords else str(name)
    return best_value, best_at


def sampling_report(
    idata: Any, var_names: list[str] | None = None, rhat_limit: float = 1.01, ess_limit: float = 400.0
) -> SamplingReport:
    """Check an MCMC posterior for divergences, R-hat, effective sample size and tree-depth saturation.

    Parameters
    ----------
    idata : xarray.DataTree or arviz.InferenceData
        The result of ``pm.sample()`` (PyMC's NUTS or nutpie) or ``nutpie.sample()``.
    var_names : list of str, optional
        Posterior variables to check for R-hat and ESS (default: all).
    rhat_limit, ess_limit : float
        Thresholds above (R-hat) or below (ESS) which a value is reported as a problem.

    Returns
    -------
    SamplingReport
        ``.divergences`` (int), ``.max_rhat``, ``.min_ess_bulk``, ``.min_ess_tail``, ``.treedepth_share``,
        ``.problems``, ``.ok``; displays as a readable text report.
    """
    import arviz as az

    if not (isinstance(rhat_limit, (int, float)) and rhat_limit >= 1):
        raise ValueError(f"rhat_limit must be a number >= 1, got {rhat_limit!r}")
    if not (isinstance(ess_limit, (int, float)) and ess_limit > 0):
        raise ValueError(f"ess_limit must be a positive number, got {ess_limit!r}")
    posterior = _group(idata, "posterior")
    stats = _group(idata, "sample_stats")
    if "diverging" not in stats:
        raise ValueError("sample_stats has no 'diverging' variable; was this posterior drawn with NUTS?")
    if var_names is not None:
        missing = [v for v in var_names if v not in posterior]
        if missing:
            raise ValueError(f"var_names {missing} are not in the posterior; it has {list(posterior.data_vars)}")
        posterior = posterior[var_names]
    if not posterior.data_vars:
        raise ValueError("the posterior has no variables to check")
    chains, draws = int(posterior.sizes["chain"]), int(posterior.sizes["draw"])

    diverging = np.asarray(stats["diverging"].values, dtype=bool)
    depth_flag = next((stats[f] for f in _TREEDEPTH_FLAGS if f in stats), None)
    treedepth_share = None if depth_flag is None else float(np.asarray(depth_flag.values, dtype=bool).mean())

    rhat = az.rhat(posterior)
    ess_bulk = az.ess(posterior, method="bulk")
    ess_tail = az.ess(posterior, method="tail")
    max_rhat, max_rhat_at = _extreme(rhat, "max")
    min_bulk, min_bulk_at = _extreme(ess_bulk, "min")
    min_tail, min_tail_at = _extreme(ess_tail, "min")
    return SamplingReport(
        chains=chains,
        draws=draws,
        divergences=int(diverging.sum()),
        divergence_share=float(diverging.mean()),
        max_rhat=max_rhat,
        max_rhat_at=max_rhat_at,
        min_ess_bulk=min_bulk,
        min_ess_bulk_at=min_bulk_at,
        min_ess_tail=min_tail,
        min_ess_tail_at=min_tail_at,
        treedepth_share=treedepth_share,
        rhat_limit=float(rhat_limit),
        ess_limit=float(ess_limit),
    )
