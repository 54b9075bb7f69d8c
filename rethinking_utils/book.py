"""Run a chapter reproducibly: one seed from the environment, glued numbers, checked claims.

Every chapter of the course starts with :func:`start_chapter`, glues the numbers its prose
quotes with :func:`glue_number` (and wall times with :func:`glue_time`) and states each claim
of its prose with :func:`check_claim`. Readers can use the same three functions in their own
executable books.

Two environment variables drive the course's tooling; both are optional:

``COURSE_SEED``
    A non-negative integer that replaces the chapter's default seed (``make robustness`` runs
    every chapter under several of them).
``COURSE_LEDGER``
    A file path. When set, every glued number, glued time and claim is appended to it as one JSON
    line, so that a test or the robustness run can read what the chapter computed. When
    ``COURSE_CLAIMS=record`` is also set, a failed claim is recorded and the chapter goes on
    (so that one run reports every failed claim); otherwise a failed claim raises. A path that cannot be
    appended to (a missing folder, no permission) is an ``OSError`` that names the variable.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import numbers
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED_VARIABLE = "COURSE_SEED"
LEDGER_VARIABLE = "COURSE_LEDGER"
CLAIMS_VARIABLE = "COURSE_CLAIMS"

__all__ = [
    "Chapter",
    "check_claim",
    "course_seed",
    "glue_number",
    "glue_time",
    "start_chapter",
    "versions_line",
]


def course_seed(default: int) -> int:
    """The chapter's base seed: ``COURSE_SEED`` from the environment, else ``default``.

    Parameters
    ----------
    default : int
        The chapter's own seed, used when ``COURSE_SEED`` is unset or empty.

    Returns
    -------
    int
        A non-negative integer below 2**32.

    Raises
    ------
    ValueError
        If ``COURSE_SEED`` is set to anything but a non-negative integer below 2**32, or if
        ``default`` is not one.

    Examples
    --------
    >>> import os
    >>> course_seed(1305)  # COURSE_SEED unset: the chapter's own seed
    1305
    >>> os.environ["COURSE_SEED"] = "42"
    >>> course_seed(1305)
    42
    >>> del os.environ["COURSE_SEED"]
    """
    _check_seed(default, "default")
    raw = os.environ.get(SEED_VARIABLE, "").strip()
    if not raw:
        return default
    try:
        seed = int(raw, 10)
    except ValueError:
        raise ValueError(
            f"{SEED_VARIABLE}={raw!r} is not a non-negative integer; unset it or give one, e.g. {SEED_VARIABLE}=42"
        ) from None
    if not 0 <= seed < 2**32:
        raise ValueError(f"{SEED_VARIABLE}={raw!r} is out of range; give an integer from 0 to {2**32 - 1}")
    return seed


def _check_seed(value: object, name: str) -> None:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or not 0 <= int(value) < 2**32:
        raise ValueError(f"{name} must be an integer from 0 to {2**32 - 1}, got {value!r}")


@dataclass
class Chapter:
    """The running chapter: its base seed, a random generator derived from it, and its clock.

    Create it with :func:`start_chapter`. Draw simulated data from ``rng`` and give each sampler
    call its own ``next_seed()``: every random number of the chapter then follows from ``seed``.
    """

    seed: int
    rng: np.random.Generator = field(repr=False)
    started: float = field(default_factory=time.perf_counter, repr=False)
    _seeds: np.random.SeedSequence = field(default=None, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self._seeds is None:
            self._seeds = np.random.SeedSequence(self.seed)

    def next_seed(self) -> int:
        """A fresh sampler seed (int below 2**31), derived from the base seed in call order."""
        (child,) = self._seeds.spawn(1)
        return int(child.generate_state(1, dtype=np.uint32)[0] >> 1)

    def elapsed(self) -> float:
        """Seconds since :func:`start_chapter`."""
        return time.perf_counter() - self.started


def start_chapter(default_seed: int, *, ci_prob: float = 0.89) -> Chapter:
    """Set a chapter up: its seed (``COURSE_SEED`` or ``default_seed``), plot style, intervals.

    Applies the course's matplotlib style, sets ArviZ's default interval to an equal-tailed
    interval of ``ci_prob`` (89% as in *Statistical Rethinking*), turns off PyTensor's numba
    ``fastmath`` (with it, a model compiled afresh and one loaded from the on-disk cache round
    differently, so one seed gave different draws in two runs), and records the seed in the
    ledger when ``COURSE_LEDGER`` is set.

    Parameters
    ----------
    default_seed : int
        The chapter's own seed, used unless ``COURSE_SEED`` is set.
    ci_prob : float, default 0.89
        Probability mass of ArviZ's default credible interval.

    Returns
    -------
    Chapter
        With ``seed``, ``rng`` (a ``numpy.random.Generator`` seeded with it), ``next_seed()``
        for sampler calls and ``elapsed()``.

    Raises
    ------
    ValueError
        For a bad ``COURSE_SEED`` (the message names it and its value), a bad default seed or a
        ``ci_prob`` outside (0, 1).

    Examples
    --------
    >>> chapter = start_chapter(1305)
    >>> chapter.seed
    1305
    >>> first = chapter.next_seed()  # for one sampler call
    >>> first == start_chapter(1305).next_seed()  # reproducible
    True
    """
    seed = course_seed(default_seed)
    if isinstance(ci_prob, bool) or not isinstance(ci_prob, numbers.Real) or not 0 < ci_prob < 1:
        raise ValueError(f"ci_prob must be a probability strictly between 0 and 1, got {ci_prob!r}")
    import arviz as az
    import pytensor

    from rethinking_utils.plots import use_style

    use_style()
    pytensor.config.numba__fastmath = False  # same seed, same draws: cold or warm compile cache
    az.rcParams["stats.ci_prob"] = float(ci_prob)
    az.rcParams["stats.ci_kind"] = "eti"
    _record({"kind": "seed", "value": seed})
    return Chapter(seed=seed, rng=np.random.default_rng(seed))


def _plain_number(key: str, value: object) -> int | float:
    if not isinstance(key, str) or not key:
        raise ValueError(f"the glue key must be a non-empty string, got {key!r}")
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return int(value)  # any size: 10**30 is a number, not an object array
    if isinstance(value, (numbers.Real, decimal.Decimal)) and not isinstance(
        value, (float, np.floating, bool, np.bool_)
    ):
        value = float(value)  # Fraction, Decimal
    array = np.asarray(value)
    if array.ndim != 0 or array.dtype.kind not in "iufb":
        raise TypeError(f"glue {key!r}: needs one number, got {type(value).__name__} {value!r}")
    number = array.item()
    if isinstance(number, bool):
        number = int(number)
    if isinstance(number, float) and not np.isfinite(number):
        raise ValueError(f"glue {key!r}: the value is {number}; a number in the prose must be finite")
    return number


def glue_number(key: str, value: object) -> int | float:
    """Glue one number for the prose as a plain Python int or float, and record it.

    ``myst_nb.glue`` of a numpy scalar with a format spec (``{glue:text}`key:.2f```) warns
    under ``-W``; this casts first. With ``COURSE_LEDGER`` set the number is also recorded, so
    the robustness run and the number bands of the test suite can read it.

    Parameters
    ----------
    key : str
        The glue key the prose refers to.
    value : int, float, bool, Fraction, Decimal or a numpy scalar / 0-d array
        Must be finite; an integer of any size stays an exact ``int``.

    Returns
    -------
    int or float
        The plain number that was glued.

    Raises
    ------
    TypeError
        If ``value`` is not a single number.
    ValueError
        If it is NaN or infinite, or the key is empty.

    Examples
    --------
    >>> import numpy as np
    >>> glue_number("frogs_sigma_mean", np.float64(1.62))  # a plain float
    1.62
    >>> type(glue_number("frogs_tanks", np.int64(48)))
    <class 'int'>
    """
    number = _plain_number(key, value)
    _glue(key, number)
    _record({"kind": "number", "key": key, "value": number})
    return number


def glue_time(key: str, seconds: object) -> float:
    """Glue a wall time in seconds (rounded to 0.1 s) for the prose; never a claim, never banded.

    Times depend on the machine and its load, so the course reports them and never asserts
    them; the ledger marks them as times so that no test compares them.

    Parameters
    ----------
    key : str
        The glue key the prose refers to.
    seconds : number or timedelta
        Seconds (as :func:`glue_number` takes them), a ``datetime.timedelta`` / ``pandas.Timedelta`` or a
        ``numpy.timedelta64``.

    Returns
    -------
    float
        The glued time in seconds, rounded to 0.1 s.

    Raises
    ------
    TypeError, ValueError
        As :func:`glue_number`, and for a negative time.

    Examples
    --------
    >>> import datetime as dt
    >>> glue_time("frogs_fit_seconds", dt.timedelta(seconds=12.34))
    12.3
    """
    if isinstance(seconds, dt.timedelta):
        seconds = seconds.total_seconds()
    elif isinstance(seconds, np.timedelta64):
        seconds = seconds / np.timedelta64(1, "s")
    number = float(_plain_number(key, seconds))
    if number < 0:
        raise ValueError(f"glue_time {key!r}: a time cannot be negative, got {number}")
    number = round(number, 1)
    _glue(key, number)
    _record({"kind": "time", "key": key, "value": number})
    return number


def check_claim(key: str, holds: object, detail: str = "") -> bool:
    """State one claim of the prose as a check: raise ``AssertionError`` naming it when it fails.

    Parameters
    ----------
    key : str
        A short stable name of the claim (the robustness page counts passes per key).
    holds : bool
        Whether the claim holds (a numpy bool is fine; an array is refused - reduce it with
        ``.all()`` or ``.any()`` first, which says what is meant).
    detail : str, optional
        The numbers behind the verdict, shown when the claim fails.

    Returns
    -------
    bool
        Whether the claim held (only returned when it did, or when ``COURSE_CLAIMS=record``).

    Raises
    ------
    AssertionError
        When the claim fails, unless ``COURSE_CLAIMS=record`` (then it is recorded instead).
    TypeError
        If ``holds`` is not a single truth value.

    Examples
    --------
    >>> sigma_mean = 1.62
    >>> detail = f"sigma={sigma_mean:.2f}"
    >>> check_claim("frogs-sigma-positive", sigma_mean > 0, detail)
    True
    >>> check_claim("frogs-sigma-small", sigma_mean < 1, detail)
    Traceback (most recent call last):
    ...
    AssertionError: claim 'frogs-sigma-small' does not hold: sigma=1.62
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"the claim key must be a non-empty string, got {key!r}")
    array = np.asarray(holds)
    if array.ndim != 0 or array.dtype.kind != "b":
        raise TypeError(
            f"claim {key!r}: needs one True/False, got {type(holds).__name__}; reduce an array with .all() or .any()"
        )
    passed = bool(array)
    _record({"kind": "claim", "key": key, "passed": passed, "detail": str(detail)})
    if not passed and not _recording_claims():
        raise AssertionError(f"claim {key!r} does not hold: {detail}" if detail else f"claim {key!r} does not hold")
    return passed


def _recording_claims() -> bool:
    return os.environ.get(CLAIMS_VARIABLE, "").strip().lower() == "record" and bool(
        os.environ.get(LEDGER_VARIABLE, "").strip()
    )


def _glue(key: str, number: int | float) -> None:
    from myst_nb import glue

    glue(key, number, display=False)


def _record(entry: dict) -> None:
    path = os.environ.get(LEDGER_VARIABLE, "").strip()
    if not path:
        return
    try:
        with Path(path).open("a", encoding="utf-8") as ledger:
            ledger.write(json.dumps(entry) + "\n")
    except OSError as err:
        raise OSError(
            f"{LEDGER_VARIABLE}={path!r}: cannot append to it ({err.strerror or err}); set {LEDGER_VARIABLE} to a "
            "writable file path (its folder must exist) or unset it"
        ) from err


def read_ledger(path: str | os.PathLike) -> list[dict]:
    """The entries a chapter run wrote to its ``COURSE_LEDGER`` file, in order.

    For the course's tooling (the robustness run, the number bands of the test suite), so not in the public API.
    """
    text = Path(path).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


#: What :func:`versions_line` names, in its order: (the name a reader knows, the distribution).
VERSIONS_PACKAGES = (("PyMC", "pymc"), ("PyTensor", "pytensor"), ("nutpie", "nutpie"), ("ArviZ", "arviz"))


def versions_line(width: int = 78, today: dt.date | None = None) -> str:
    """The versions a page ran with, and the date: the line that ends every page of the course.

    Like the watermark at the foot of PyMC's example gallery: Python, PyMC, PyTensor, nutpie and ArviZ, read
    from the installed distributions (nothing is imported), and today's date (UTC). Wrapped at ``width``
    characters, so that it fits the book's code column.

    Parameters
    ----------
    width : int, optional
        The longest line allowed (default 78, the book's code column); at least 40.
    today : datetime.date, optional
        The date to show (default: today, UTC).

    Returns
    -------
    str
        For example ``"Ran on 2026-12-07 with Python 3.12.1, PyMC 6.4.0, PyTensor 3.3.7, nutpie 0.16.11,"``
        and, on a second line, ``"ArviZ 1.3.0."``. A package that is not installed is named as such.

    Raises
    ------
    ValueError
        If ``width`` is below 40.

    Examples
    --------
    >>> line = versions_line(width=60)
    >>> line.startswith("Ran on ") and "PyMC" in line
    True
    >>> max(len(part) for part in line.splitlines()) <= 60
    True
    """
    import platform
    from importlib.metadata import PackageNotFoundError, version

    if isinstance(width, bool) or not isinstance(width, int) or width < 40:
        raise ValueError(f"versions_line: width must be an integer of at least 40 characters, got {width!r}")
    if today is None:
        today = dt.datetime.now(dt.UTC).date()
    parts = [f"Python {platform.python_version()}"]
    for name, dist in VERSIONS_PACKAGES:
        try:
            parts.append(f"{name} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    # each "name version" stays on one line: wrap between the items, never inside one
    items = [f"Ran on {today.isoformat()} with"] + [f"{part}," for part in parts[:-1]] + [f"{parts[-1]}."]
    lines = [items[0]]
    for item in items[1:]:
        if len(lines[-1]) + 1 + len(item) <= width:
            lines[-1] += " " + item
        else:
            lines.append(item)
    return "\n".join(lines)
