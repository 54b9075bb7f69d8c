"""A sampler-independent health report of an MCMC posterior.

PyMC 6 runs nutpie when it is installed and then prints no warning about
divergences or R-hat; the numbers exist only in the returned ``DataTree``.
:func:`sampling_report` reads them from PyMC's own NUTS and from nutpie alike
and says plainly what is wrong and what to try. A report is ``ok`` only when
every check could be computed and passed: non-finite draws, constant draws
and a single chain (no R-hat) are problems, never silently skipped.
"""

from __future__ import annotations

import math
import numbers
import textwrap
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import xarray as xr

    #: What :func:`sampling_report` reads: the xarray.DataTree that PyMC 6 and nutpie return (ArviZ 1 has no
    #: InferenceData class; an object of ArviZ 0.x's with the same groups is read the same way).
    Fit = xr.DataTree

#: Sample-stat names of the boolean "hit the maximum tree depth" flag, by sampler.
_TREEDEPTH_FLAGS = ("reached_max_treedepth", "maxdepth_reached")


@dataclass(frozen=True)
class SamplingReport:
    """What :func:`sampling_report` found. ``str(report)`` is the readable form.

    ``max_rhat`` is NaN when R-hat could not be computed (one chain, or no finite, varying draws); the
    ``*_at`` fields name the variable and coordinates; ``nonfinite_draws`` counts NaN and infinite values in
    the checked variables (``nonfinite_at`` says where), ``constant_at`` names variables whose draws never
    change (a problem), ``fixed_elements_at`` elements constant by construction inside a varying variable (the
    unit diagonal of a correlation matrix: left out of R-hat and ESS, not a problem), ``undefined_at`` other
    places where R-hat or ESS came out undefined.
    """

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
    nonfinite_draws: int = 0
    nonfinite_at: str = ""
    constant_at: str = ""
    undefined_at: str = ""
    fixed_elements_at: str = ""

    @property
    def problems(self) -> list[str]:
        """One sentence per problem found, each with what to try.

        Empty only when every check was computed and passed.
        """
        found = []
        if self.nonfinite_draws:
            found.append(
                f"{self.nonfinite_draws} {_plural(self.nonfinite_draws, 'draw')} not finite (NaN or infinite) in "
                f"{self.nonfinite_at}: summaries of these variables are wrong. Usually a Deterministic undefined for "
                "some draws (the log of a negative number, a division by zero); fix the expression, or leave the "
                "variable out with var_names."
            )
        if self.chains < 2:
            found.append(
                f"R-hat needs at least 2 chains; this fit has {self.chains}, so nothing shows whether the sampler "
                "found the whole posterior. Sample 4 chains (chains=4)."
            )
        if self.constant_at:
            found.append(
                f"the draws of {self.constant_at} are constant: R-hat and ESS are undefined. A stuck sampler (look at "
                "the trace), or a variable constant by construction - then leave it out with var_names."
            )
        if self.undefined_at:
            found.append(f"R-hat or ESS could not be computed for {self.undefined_at}; look at the trace plots.")
        if self.divergences > 0:
            found.append(
                f"{self.divergences} divergent transitions: the sampler could not follow the posterior's curvature "
                "somewhere, so the draws may miss part of it. Try a higher target_accept (0.95, 0.99); if "
                "divergences persist, reparameterize (a non-centered hierarchy) or use more informative priors."
            )
        if self._rhat_bad:
            found.append(
                f"R-hat {self.max_rhat:.3f} at {self.max_rhat_at} (> {self.rhat_limit}): the chains disagree. "
                "Look at trace and rank plots; run longer or fix the model before trusting the summaries."
            )
        if self._ess_bad:
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
    def _rhat_bad(self) -> bool:
        return math.isfinite(self.max_rhat) and self.max_rhat > self.rhat_limit

    @property
    def _ess_bad(self) -> bool:
        return min(self.min_ess_bulk, self.min_ess_tail) < self.ess_limit  # False for NaN: reported as undefined

    @property
    def ok(self) -> bool:
        """True only when every draw is finite, R-hat and ESS were computed and are within their limits, and
        there are no divergences and no saturated tree depth."""
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        """The numbers as a plain dict (for a table row).

        Returns
        -------
        dict
            One entry per field, plus ``ok``.
        """
        return asdict(self) | {"ok": self.ok}

    def __str__(self) -> str:
        def flag(bad: bool) -> str:
            return "PROBLEM" if bad else "ok"

        def number(value: float, fmt: str) -> str:
            return format(value, fmt) if math.isfinite(value) else "undefined"

        depth = "not recorded" if self.treedepth_share is None else f"{self.treedepth_share:.1%} of draws"
        if self.chains < 2:
            rhat = "needs at least 2 chains  PROBLEM"
        elif math.isfinite(self.max_rhat):
            rhat = f"{self.max_rhat:.3f} at {self.max_rhat_at}  {flag(self._rhat_bad)}"
        else:
            rhat = "undefined  PROBLEM"
        lines = [
            f"Sampling report: {self.chains} {_plural(self.chains, 'chain')} x {self.draws} draws",
            f"  non-finite draws      : {self.nonfinite_draws}"
            + (f" (in {self.nonfinite_at})" if self.nonfinite_draws else "")
            + f"  {flag(self.nonfinite_draws > 0)}",
            f"  divergent transitions : {self.divergences} ({self.divergence_share:.2%} of draws)"
            f"  {flag(self.divergences > 0)}",
            f"  largest R-hat         : {rhat}",
            f"  smallest bulk ESS     : {number(self.min_ess_bulk, '.0f')} at {self.min_ess_bulk_at or '-'}"
            f"  {flag(not self.min_ess_bulk >= self.ess_limit)}",
            f"  smallest tail ESS     : {number(self.min_ess_tail, '.0f')} at {self.min_ess_tail_at or '-'}"
            f"  {flag(not self.min_ess_tail >= self.ess_limit)}",
            f"  max tree depth reached: {depth}  {flag(bool(self.treedepth_share))}",
        ]
        if self.constant_at:
            lines.append(f"  constant draws        : {self.constant_at}  PROBLEM")
        if self.undefined_at:
            lines.append(f"  R-hat or ESS undefined: {self.undefined_at}  PROBLEM")
        if self.fixed_elements_at:
            lines.append(f"  constant elements     : {self.fixed_elements_at} (by construction; not checked)  ok")
        problems = self.problems
        if problems:
            lines.append("What is wrong and what to try:")
            lines += [f"  - {p}" for p in problems]
        else:
            lines.append("No problems found: every draw finite, no divergences, R-hat and ESS within limits.")
        return "\n".join(_fill(line) for line in lines)

    __repr__ = __str__


#: Width of the printed report: it fits the code column of the course's book and a narrow notebook.
REPORT_WIDTH = 78


def _fill(line: str) -> str:
    """Wrap one report line at REPORT_WIDTH, continuing under its own text ("  - " items indent by 4)."""
    if len(line) <= REPORT_WIDTH:
        return line
    indent = len(line) - len(line.lstrip(" "))
    follow = " " * (indent + 2)
    return textwrap.fill(
        line, width=REPORT_WIDTH, subsequent_indent=follow, break_long_words=True, break_on_hyphens=False
    )


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _group(idata: Fit, name: str, caller: str = "sampling_report()") -> xr.Dataset:
    """A group of a fit (``posterior``, ``sample_stats``) as a Dataset; a clear error, naming ``caller``, without it."""
    try:
        group = idata[name]
    except (KeyError, TypeError, AttributeError, IndexError):
        group = getattr(idata, name, None)
    if group is None:
        raise ValueError(
            f"the result ({type(idata).__name__}) has no {name!r} group; {caller} needs the output of pm.sample() "
            "or nutpie.sample() (an xarray.DataTree), not a prior sample, a MAP estimate or the posterior alone"
        )
    return group.to_dataset() if hasattr(group, "to_dataset") else group


def _where(da: xr.DataArray, index: tuple[int, ...]) -> str:
    coords = [str(da[dim].values[i]) if dim in da.coords else str(i) for dim, i in zip(da.dims, index)]
    return f"{da.name}[{', '.join(coords)}]" if coords else str(da.name)


def _extreme(dataset: xr.Dataset, pick: str) -> tuple[float, str]:
    """The largest or smallest finite value over all variables of a per-parameter dataset, and where."""
    best_value, best_at = (math.nan, "")
    for name, da in dataset.data_vars.items():
        values = np.asarray(da.values, dtype=float)
        if not np.isfinite(values).any():
            continue
        masked = np.where(np.isfinite(values), values, -np.inf if pick == "max" else np.inf)
        flat = int(np.argmax(masked) if pick == "max" else np.argmin(masked))
        value = float(values.ravel()[flat])
        if math.isnan(best_value) or (value > best_value if pick == "max" else value < best_value):
            best_value, best_at = value, _where(da.rename(name), np.unravel_index(flat, values.shape))
    return best_value, best_at


def _var_names(var_names: str | Iterable[str] | None, posterior: xr.Dataset) -> list[str]:
    if var_names is None:
        return list(posterior.data_vars)
    if isinstance(var_names, str):
        var_names = [var_names]  # one name, not its letters
    elif not isinstance(var_names, Iterable):
        raise TypeError(f"var_names must be a variable name or a list of them, got {var_names!r}")
    names = list(var_names)
    bad = [v for v in names if not isinstance(v, str)]
    if bad:
        raise TypeError(f"var_names must be strings, got {bad}")
    missing = [v for v in names if v not in posterior.data_vars]
    if missing:
        raise ValueError(f"var_names {missing} are not in the posterior; it has {list(posterior.data_vars)}")
    return names


def _is_number(value: object) -> bool:
    """A real number, numpy's included (np.float32(1.05)), but not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) and math.isfinite(value)


def _flag(da: xr.DataArray) -> np.ndarray:
    """A per-draw flag as booleans; NaN (padding of chains of unequal length) is not a flag raised."""
    values = np.asarray(da.values)
    if values.dtype.kind == "f":
        return values == 1
    return values.astype(bool)


def _same_draws(stats: xr.Dataset, posterior: xr.Dataset) -> xr.Dataset:
    """sample_stats over the posterior's chains and draws: after posterior.sel(chain=...), the dropped chains'
    divergences are not this posterior's."""
    for dim in ("chain", "draw"):
        if dim not in stats.dims or stats.sizes[dim] == posterior.sizes[dim]:
            continue
        if dim in stats.coords and dim in posterior.coords and np.isin(posterior[dim].values, stats[dim].values).all():
            stats = stats.sel({dim: posterior[dim].values})
        else:
            raise ValueError(
                f"sample_stats has {stats.sizes[dim]} {dim}s and the posterior {posterior.sizes[dim]}, and their "
                f"{dim} labels do not say which belong together; select the same {dim}s in both groups"
            )
    return stats


def _summarize(counts: dict[str, tuple[int, int]], unit: str) -> str:
    """'a (1 of 800 values), b' from {name: (count, total)} (a count of 1 of 1 is just the name)."""
    return ", ".join(name if total == 1 else f"{name} ({n} of {total} {unit})" for name, (n, total) in counts.items())


def sampling_report(
    idata: Fit,
    var_names: str | Iterable[str] | None = None,
    rhat_limit: float = 1.01,
    ess_limit: float = 400.0,
) -> SamplingReport:
    """Check an MCMC posterior: finite draws, divergences, R-hat, effective sample size, tree-depth saturation.

    A report is ``ok`` only when every check could be computed and passed. Non-finite draws (NaN, inf), a
    single chain (R-hat needs at least 2), draws that never change and undefined diagnostics are problems,
    each named in the text with what to try.

    Parameters
    ----------
    idata : xarray.DataTree
        The result of ``pm.sample()`` (PyMC's NUTS or nutpie), ``nutpie.sample()`` or
        :func:`~rethinking_utils.sample_compiled`: a ``posterior`` group with dims ``(chain, draw, ...)`` and a
        ``sample_stats`` group with ``diverging``.
    var_names : str or list of str, optional
        Posterior variables to check (default: all), e.g. ``"mu"`` or ``["mu", "sigma"]``. Leave out a
        Deterministic that is constant or undefined by construction.
        Time grows with the number of elements checked, nearly all of it in ArviZ's ESS: about a minute for one
        variable of 20,000 elements. Pass the parameters (not a per-observation Deterministic) to make it quick.
    rhat_limit : float
        R-hat above this is a problem (default 1.01); numpy numbers are accepted.
    ess_limit : float
        Bulk or tail ESS below this is a problem (default 400); numpy numbers are accepted.

    Returns
    -------
    SamplingReport
        ``.ok``, ``.problems``, ``.divergences`` (int), ``.max_rhat``, ``.min_ess_bulk``, ``.min_ess_tail``,
        ``.treedepth_share``, ``.nonfinite_draws``, ...; displays as a readable text report.

    Raises
    ------
    ImportError
        If ArviZ is not installed (the message says what to install).
    ValueError
        If a group, the ``diverging`` flag or the ``chain``/``draw`` dimensions are missing, the posterior has no
        draws, ``sample_stats`` has chains or draws the posterior's labels cannot be matched to, ``var_names``
        names variables not in the posterior, or a limit is out of range.
    TypeError
        If ``idata`` is a plain dict (make it a DataTree with ``az.from_dict``), a checked variable is not numbers
        (text, objects; a boolean one is checked as 0/1), or ``var_names`` is not a name or a list of names.

    Examples
    --------
    Four chains of independent normal draws stand in for a sampler's, three of them flagged as divergent:

    >>> import arviz as az
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> diverging = np.zeros((4, 500), dtype=bool)
    >>> diverging[0, :3] = True
    >>> idata = az.from_dict(
    ...     {
    ...         "posterior": {"mu": rng.normal(size=(4, 500))},
    ...         "sample_stats": {"diverging": diverging},
    ...     }
    ... )
    >>> report = sampling_report(idata)
    >>> report.ok, report.divergences, report.max_rhat < 1.01
    (False, 3, True)
    >>> print(report.problems[0])
    3 divergent transitions: the sampler could not follow ...
    """
    try:
        import arviz as az
        import xarray as xr
    except ImportError as err:
        raise ImportError(
            "sampling_report() needs ArviZ, which is not installed: pip install 'rethinking-utils[diagnostics]'"
        ) from err

    if not _is_number(rhat_limit) or not rhat_limit >= 1:
        raise ValueError(f"rhat_limit must be a number >= 1, got {rhat_limit!r}")
    if not _is_number(ess_limit) or not ess_limit > 0:
        raise ValueError(f"ess_limit must be a positive number, got {ess_limit!r}")
    if isinstance(idata, dict) and "posterior" in idata:
        raise TypeError(
            f"sampling_report() takes a fit (an xarray.DataTree), got a plain {type(idata).__name__} with keys "
            f"{list(idata)[:5]}; turn a dict of arrays into one with az.from_dict(...) (import arviz as az)"
        )
    posterior = _group(idata, "posterior")
    stats = _group(idata, "sample_stats")
    if "diverging" not in stats:
        raise ValueError("sample_stats has no 'diverging' variable; was this posterior drawn with NUTS?")
    posterior = posterior[_var_names(var_names, posterior)]
    if not posterior.data_vars:
        raise ValueError("the posterior has no variables to check")
    for name, da in posterior.data_vars.items():
        if "chain" not in da.dims or "draw" not in da.dims:
            raise ValueError(
                f"posterior variable {name!r} has dims {da.dims} and no 'chain' dimension or no 'draw' dimension; "
                "sampling_report() needs draws shaped (chain, draw, ...), as pm.sample() returns them. For draws "
                "of a single chain, add the dimension: posterior.expand_dims('chain')"
            )
        if da.dtype.kind not in "biuf":
            raise TypeError(
                f"posterior variable {name!r} is not numbers ({da.dtype}): R-hat and ESS need numbers. Leave it out "
                f"with var_names=[...] (every variable but {name!r})"
            )
    posterior = posterior.transpose("chain", "draw", ...)
    # a boolean Deterministic (PyMC's own NUTS stores it as bool) is checked as 0/1; ArviZ cannot subtract booleans
    posterior = posterior.assign(
        {name: da.astype(float) for name, da in posterior.data_vars.items() if da.dtype == bool}
    )
    chains, draws = int(posterior.sizes["chain"]), int(posterior.sizes["draw"])
    if chains == 0 or draws == 0:
        raise ValueError(f"the posterior has no draws ({chains} chains x {draws} draws): sample with draws >= 1")
    stats = _same_draws(stats, posterior)

    diverging = _flag(stats["diverging"])
    depth_flag = next((stats[f] for f in _TREEDEPTH_FLAGS if f in stats), None)
    treedepth_share = None if depth_flag is None else float(_flag(depth_flag).mean())

    # Draw-level checks, per variable: non-finite values, and elements whose draws never change.
    nonfinite: dict[str, tuple[int, int]] = {}
    constant: dict[str, tuple[int, int]] = {}
    fixed: dict[str, tuple[int, int]] = {}
    still_masks: dict[str, xr.DataArray] = {}  # elements whose draws never change: their R-hat/ESS are undefined
    healthy = []
    for name, da in posterior.data_vars.items():
        values = np.asarray(da.values, dtype=float)
        bad = int((~np.isfinite(values)).sum())
        if bad:
            nonfinite[str(name)] = (bad, values.size)
            continue
        flat = values.reshape(chains * draws, -1)
        still = (flat == flat[:1]).all(axis=0) if flat.size else np.zeros(0, dtype=bool)
        if still.any():
            # A whole variable that never changes is a stuck sampler (or a constant Deterministic): a problem.
            # Some elements of a varying one (the unit diagonal of a correlation matrix) are constant by
            # construction: noted, and left out of R-hat and ESS.
            (constant if still.all() else fixed)[str(name)] = (int(still.sum()), still.size)
            still_masks[name] = xr.DataArray(still.reshape(values.shape[2:]), dims=da.dims[2:])
        healthy.append(name)

    # Diagnostics over the variables whose draws are finite; any undefined value left is a problem of its own.
    undefined: dict[str, tuple[int, int]] = {}
    checked = posterior[healthy]
    max_rhat, max_rhat_at = math.nan, ""
    min_bulk, min_bulk_at, min_tail, min_tail_at = math.nan, "", math.nan, ""
    if healthy:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # undefined values are reported below, by name
            results = {"bulk": az.ess(checked, method="bulk"), "tail": az.ess(checked, method="tail")}
            if chains >= 2:
                results["rhat"] = az.rhat(checked)
        for key, result in results.items():
            for name, mask in still_masks.items():
                result[name] = result[name].where(~mask)  # not a number to report, however arviz filled it in
            results[key] = result
            for name, da in result.data_vars.items():
                if name in still_masks:
                    da = da.where(~still_masks[name], 0.0)  # masked on purpose, not undefined
                n_bad = int((~np.isfinite(np.asarray(da.values, dtype=float))).sum())
                if n_bad:
                    undefined[str(name)] = (max(n_bad, undefined.get(str(name), (0, 0))[0]), int(da.size))
        if "rhat" in results:
            max_rhat, max_rhat_at = _extreme(results["rhat"], "max")
        min_bulk, min_bulk_at = _extreme(results["bulk"], "min")
        min_tail, min_tail_at = _extreme(results["tail"], "min")
    return SamplingReport(
        chains=chains,
        draws=draws,
        divergences=int(diverging.sum()),
        divergence_share=float(diverging.mean()) if diverging.size else 0.0,
        max_rhat=max_rhat,
        max_rhat_at=max_rhat_at,
        min_ess_bulk=min_bulk,
        min_ess_bulk_at=min_bulk_at,
        min_ess_tail=min_tail,
        min_ess_tail_at=min_tail_at,
        treedepth_share=treedepth_share,
        rhat_limit=float(rhat_limit),
        ess_limit=float(ess_limit),
        nonfinite_draws=sum(n for n, _ in nonfinite.values()),
        nonfinite_at=_summarize(nonfinite, "values"),
        constant_at=_summarize(constant, "elements"),
        fixed_elements_at=_summarize(fixed, "elements"),
        undefined_at=_summarize(undefined, "elements"),
    )
