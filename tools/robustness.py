"""How robust are the chapters' claims? Run chapters under many seeds and record what they compute.

``make robustness`` (``python -m tools.robustness``) executes each chapter (the pages of ``_toc.yml``'s numbered
parts, as ``tools.course`` lists them; each calls ``start_chapter(default_seed=...)``) at its default seed and at 8
other seeds, with ``COURSE_SEED``, ``COURSE_LEDGER`` and ``COURSE_CLAIMS=record`` set, so that every claim's outcome
(``check_claim``) and every glued number (``glue_number``, ``glue_time``) is written to a ledger and a failed claim
does not stop the chapter.

The results are merged, per chapter, into the committed file ``robustness/results.json``, keyed by a hash of the
chapter's code cells only (editing prose, comments or layout keeps them valid; editing code makes them stale). Each
run records its date, wall time, library versions, its ledger, and - when the chapter raised - the error. A run of a
(code hash, seed) that is already in the results (or in the local cache ``_build/robustness/``) is reused, so a
re-run only executes what is missing; runs that crashed are retried.

From the same results, ``book/robustness.md`` shows each glued number's median and range over the seeds and each
claim's pass count, and ``book/conftest.py`` checks, in the nbval run at the default seed, that every glued
number lies in its band (see :func:`band`).

Usage (through make; variables are optional)::

    make robustness                                   # every chapter, default seed + 8 others
    make robustness CHAPTERS="radon exploring_failure" SEEDS="1 2 3"
    make robustness CHAPTERS=radon JOBS=2             # two runs at a time (each samples on 2 cores)
    make robustness CHAPTERS=radon FORCE=1            # run again even what the results already hold
    ROBUSTNESS_CELL_TIMEOUT=7200 make robustness      # seconds a cell may take (default 3600)

Exit status: 0 when every run finished and every claim held; 1 when a claim failed or a chapter crashed (all is
recorded anyway); 2 for bad input (a bad SEEDS or CHAPTERS entry), before anything runs.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
import traceback
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "robustness" / "results.json"
CACHE = ROOT / "_build" / "robustness"
FORMAT = 1
# The seeds besides each chapter's default. Fixed, so that a re-run reuses what is recorded.
EXTRA_SEEDS = (11, 23, 37, 41, 53, 67, 79, 97)
SPARE_SEEDS = (101, 113, 127, 131)  # stand-ins when a chapter's default is one of EXTRA_SEEDS
VERSION_PACKAGES = ("pymc", "pytensor", "arviz", "arviz-stats", "nutpie", "numpy", "scipy", "pandas")
# Seconds per cell: generous, because on a loaded machine a simulation study can take many times its usual time and
# a run cut short by the clock says nothing about the claims; ROBUSTNESS_CELL_TIMEOUT overrides it.
CELL_TIMEOUT = int(os.environ.get("ROBUSTNESS_CELL_TIMEOUT", "3600"))
DEFAULT_SEED = re.compile(r"start_chapter\(\s*(?:default_seed\s*=\s*)?(\d+)")
# Band of a glued number: the range over the seeds, widened on each side by BAND_MARGIN times its width, plus a
# relative slack of BAND_RELATIVE (floating-point noise) - see band().
BAND_MARGIN = 0.5
BAND_RELATIVE = 1e-9
# The tag of the cell that ends every page by printing the versions it ran with: not part of the code hash.
VERSIONS_TAG = "versions"


class UsageError(Exception):
    """Bad input (SEEDS, CHAPTERS): reported before anything runs."""


# ---------------------------------------------------------------------------------------------------------------
# Chapters, seeds and code hashes.


def read_notebook(path: Path):
    import jupytext

    return jupytext.read(path)


def code_cells(notebook) -> list[str]:
    """The sources of the code cells that compute something: every code cell but the one tagged ``versions``.

    The ``versions`` cell (the last of every page) prints the library versions and the date the page ran with
    (``rethinking_utils.versions_line``). It glues nothing and states no claim, so it cannot change a claim or a
    number; left out of :func:`code_hash`, adding it (or editing it) does not make a page's results stale.
    """
    return [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and VERSIONS_TAG not in cell.get("metadata", {}).get("tags", [])
    ]


def normalized_code(source: str) -> str:
    """A code cell as Python reads it: parsed and unparsed, so that layout (``make format``), comments and a
    trailing ``;`` that only hides a cell's display do not count - they cannot change what the chapter computes.
    A cell Python cannot parse (an IPython magic) counts as its text."""
    try:
        return ast.unparse(ast.parse(source))
    except SyntaxError:
        return source.rstrip()


def code_hash(notebook) -> str:
    """A hash of the chapter's code cells (their normalized code, in order); prose, cell metadata, comments,
    layout and the ``versions`` cell (see :func:`code_cells`) do not count."""
    payload = json.dumps([normalized_code(source) for source in code_cells(notebook)]).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:16]


def default_seed(notebook) -> int | None:
    """The seed a chapter passes to start_chapter(default_seed=...), or None when it does not call it."""
    for source in code_cells(notebook):
        match = DEFAULT_SEED.search(source)
        if match:
            return int(match.group(1))
    return None


def rel(path: Path) -> str:
    """A path relative to the repository when it is inside it (as the results and messages name files)."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def chapter_name(path: Path) -> str:
    return path.stem


def seeded_pages(root: Path | None = None) -> list[Path]:
    """The pages make robustness runs, in toc order: every notebook page of _toc.yml that calls start_chapter, and
    every chapter (a page of a numbered part), whether or not it calls it (find_chapters refuses those that do not).
    """
    from tools.course import chapters as toc_chapters
    from tools.course import notebook_pages

    root = root or ROOT
    chapters = set(toc_chapters(root))
    return [p for p in notebook_pages(root) if p in chapters or default_seed(read_notebook(p)) is not None]


def find_chapters(names: list[str] | None, root: Path | None = None) -> list[Path]:
    """The pages to run: every chapter of _toc.yml and every other toc notebook that calls start_chapter (e.g. the
    "use it in your own notebook" page), or those ``names`` picks.

    ``names`` are stems (``radon``) or paths (``book/radon.md``). A name that is not such a page, or a chapter that
    does not call start_chapter(default_seed=...) (COURSE_SEED would not reach it), raises UsageError.
    """
    pages = seeded_pages(root)
    if names:
        by_name = {chapter_name(p): p for p in pages}
        chosen = []
        for name in names:
            stem = Path(name).stem
            if stem not in by_name:
                raise UsageError(
                    f"CHAPTERS entry {name!r} is not a chapter of _toc.yml (nor a toc notebook that "
                    f"calls start_chapter); these are: " + " ".join(by_name)
                )
            if by_name[stem] not in chosen:
                chosen.append(by_name[stem])
        pages = chosen
    unseeded = [chapter_name(p) for p in pages if default_seed(read_notebook(p)) is None]
    if unseeded:
        raise UsageError(
            f"chapter(s) {' '.join(unseeded)} do not call start_chapter(default_seed=...), so "
            "COURSE_SEED would not reach them"
        )
    return pages


def parse_seeds(text: str | None) -> list[int] | None:
    """SEEDS as integers (space- or comma-separated); None when unset or empty. A bad entry raises UsageError."""
    if text is None or not text.strip():
        return None
    seeds = []
    for entry in re.split(r"[\s,]+", text.strip()):
        if not re.fullmatch(r"\d+", entry) or not 0 <= int(entry) < 2**32:
            raise UsageError(
                f"SEEDS entry {entry!r} is not a seed: give non-negative integers below 2**32, "
                f'separated by spaces, e.g. SEEDS="1 2 3"'
            )
        if int(entry) not in seeds:
            seeds.append(int(entry))
    return seeds


def seeds_for(default: int, extra: list[int] | None) -> list[int]:
    """The chapter's default seed first, then the others (EXTRA_SEEDS unless SEEDS gave some)."""
    if extra is None:
        extra = [s for s in EXTRA_SEEDS if s != default]
        extra += [s for s in SPARE_SEEDS if s != default][: len(EXTRA_SEEDS) - len(extra)]
    return [default] + [s for s in extra if s != default]


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in VERSION_PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            pass
    return versions


# ---------------------------------------------------------------------------------------------------------------
# Results file: read, merge under a lock, write.


def load_results(path: Path | None = None) -> dict:
    path = path or RESULTS
    if not path.is_file():
        return {"format": FORMAT, "chapters": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("chapters", {})
    return data


@contextlib.contextmanager
def locked(path: Path):
    """An exclusive lock, so that concurrent `make robustness` runs merge their results one at a time."""
    lock_file = CACHE / f"{path.name}.lock"  # in _build/, which git ignores
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def dump_results(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def merge_run(run: dict, chapter: dict, path: Path | None = None) -> None:
    """Add one run to the results file; runs of an older code hash of the chapter are dropped."""
    path = path or RESULTS
    with locked(path):
        data = load_results(path)
        entry = data["chapters"].get(chapter["name"])
        if entry is None or entry.get("code_hash") != chapter["code_hash"]:
            entry = {key: chapter[key] for key in ("source", "code_hash", "default_seed")} | {"runs": {}}
            data["chapters"][chapter["name"]] = entry
        entry["runs"][str(run["seed"])] = run
        data["format"] = FORMAT
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(dump_results(data), encoding="utf-8")
        tmp.replace(path)


def cache_file(name: str, code: str, seed: int) -> Path:
    return CACHE / f"{name}-{code}-{seed}.json"


def recorded_run(data: dict, chapter: dict, seed: int) -> dict | None:
    """A finished run of this chapter's code at this seed, from the results or the local cache."""
    entry = data["chapters"].get(chapter["name"], {})
    run = entry.get("runs", {}).get(str(seed)) if entry.get("code_hash") == chapter["code_hash"] else None
    if run is None:
        cached = cache_file(chapter["name"], chapter["code_hash"], seed)
        if cached.is_file():
            run = json.loads(cached.read_text(encoding="utf-8"))
    if run is not None and run.get("status") == "crashed":
        return None  # maybe the machine's fault (a timeout, memory): try again
    return run


# ---------------------------------------------------------------------------------------------------------------
# Running one chapter at one seed.


def first_line(source: str) -> str:
    return next((line.strip() for line in source.splitlines() if line.strip()), "")[:100]


def execute(path: Path, notebook, seed: int, timeout: int = CELL_TIMEOUT) -> dict:
    """Run a chapter (as read when the run started) at one seed; its ledger and any error, as a run record."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from rethinking_utils.book import read_ledger

    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))  # a private copy for this thread
    with tempfile.TemporaryDirectory(prefix="robustness-") as tmp:
        ledger = Path(tmp) / "ledger.jsonl"
        ledger.touch()
        env = {"RETHINKING_UTILS_PROGRESS": "0"} | dict(
            os.environ, COURSE_SEED=str(seed), COURSE_LEDGER=str(ledger), COURSE_CLAIMS="record"
        )  # no sampler progress bar in the recorded runs, unless asked for
        env.setdefault("MPLBACKEND", "Agg")
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name=notebook.metadata.get("kernelspec", {}).get("name", "python3"),
            resources={"metadata": {"path": str(path.parent)}},
            allow_errors=False,
        )
        started = time.perf_counter()
        error = None
        try:
            client.execute(env=env)
        except CellExecutionError as exc:
            cell = next(
                (
                    c
                    for c in notebook.cells
                    if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))
                ),
                None,
            )
            all_code = [c for c in notebook.cells if c.cell_type == "code"]
            where = f"cell {all_code.index(cell) + 1} ({first_line(cell.source)!r})" if cell else "a cell"
            error = f"{exc.ename} in {where}: {exc.evalue}"[:2000]
        except Exception as exc:  # a dead kernel, a timeout
            error = f"{type(exc).__name__}: {exc}"[:2000] or traceback.format_exc()[-2000:]
        seconds = time.perf_counter() - started
        entries = read_ledger(ledger)
    recorded = [e["value"] for e in entries if e.get("kind") == "seed"]
    if not error and recorded != [seed]:
        error = f"the ledger records seed(s) {recorded}, not {seed}: does the chapter call start_chapter once?"
    return {
        "seed": seed,
        "status": "crashed" if error else "ok",
        "error": error,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(seconds, 1),
        "versions": library_versions(),
        "ledger": entries,
    }


def failed_claims(run: dict) -> list[dict]:
    return [e for e in run.get("ledger", []) if e.get("kind") == "claim" and not e.get("passed")]


def describe(run: dict) -> str:
    if run["status"] == "crashed":
        return f"CRASHED after {run['seconds']:.0f} s: {run['error']}"
    failed = failed_claims(run)
    claims = sum(e.get("kind") == "claim" for e in run["ledger"])
    numbers = sum(e.get("kind") == "number" for e in run["ledger"])
    text = f"ok in {run['seconds']:.0f} s, {numbers} numbers, {claims - len(failed)}/{claims} claims held"
    for claim in failed:
        text += f"\n      FAILED claim {claim['key']!r}: {claim.get('detail', '')}"
    return text


# ---------------------------------------------------------------------------------------------------------------
# Summaries: what the page shows and what the nbval band check uses.


def numbers_of(run: dict, kind: str = "number") -> dict[str, float]:
    """The glued numbers (or times) of a run, by key (the last value when a key was glued twice)."""
    return {e["key"]: e["value"] for e in run.get("ledger", []) if e.get("kind") == kind}


def finished_runs(entry: dict) -> dict[int, dict]:
    return {int(seed): run for seed, run in entry.get("runs", {}).items() if run.get("status") == "ok"}


def band(values: list[float]) -> tuple[float, float]:
    """The band a glued number must lie in at the default seed: its range over the seeds, widened.

    Each side is widened by BAND_MARGIN (half) of the range's width, plus BAND_RELATIVE of the number's size for
    floating-point noise. A number that is the same at every seed (a count from the data, say) must stay exactly
    that; a posterior summary may move by half its spread over the seeds beyond what the seeds showed.
    """
    lo, hi = min(values), max(values)
    slack = BAND_MARGIN * (hi - lo) + BAND_RELATIVE * max(1.0, abs(lo), abs(hi))
    return lo - slack, hi + slack


def summarize(entry: dict) -> dict:
    """Per chapter: numbers (median, min, max, band, value at the default seed), claims, times, runs."""
    runs = finished_runs(entry)
    default = entry.get("default_seed")
    numbers: dict[str, dict] = {}
    times: dict[str, list[float]] = {}
    claims: dict[str, dict] = {}
    for seed, run in sorted(runs.items()):
        for key, value in numbers_of(run).items():
            numbers.setdefault(key, {"values": {}})["values"][seed] = value
        for key, value in numbers_of(run, "time").items():
            times.setdefault(key, []).append(value)
        outcome: dict[str, bool] = {}
        for e in run.get("ledger", []):
            if e.get("kind") == "claim":
                outcome[e["key"]] = outcome.get(e["key"], True) and bool(e.get("passed"))
        for key, passed in outcome.items():
            claim = claims.setdefault(key, {"passed": 0, "runs": 0, "failed_seeds": [], "details": {}})
            claim["runs"] += 1
            claim["passed"] += passed
            if not passed:
                claim["failed_seeds"].append(seed)
                claim["details"][seed] = next(
                    e.get("detail", "")
                    for e in run["ledger"]
                    if e.get("kind") == "claim" and e["key"] == key and not e.get("passed")
                )
    for key, info in numbers.items():
        values = list(info["values"].values())
        info.update(
            median=statistics.median(values),
            min=min(values),
            max=max(values),
            n=len(values),
            band=band(values),
            default=info["values"].get(default),
        )
    crashed = {int(s): r for s, r in entry.get("runs", {}).items() if r.get("status") != "ok"}
    return {"numbers": numbers, "claims": claims, "times": times, "runs": runs, "crashed": crashed}


def check_numbers(name: str, entry: dict | None, current_hash: str, ledger: list[dict]) -> list[str]:
    """Problems of one chapter's default-seed run against its bands (an empty list when all is well)."""
    rerun = f"run `make robustness CHAPTERS={name}` to record it at its seeds, then commit robustness/results.json"
    if entry is None or not finished_runs(entry):
        return [f"{name}: no robustness results, so its glued numbers have no bands; {rerun}"]
    if entry.get("code_hash") != current_hash:
        return [
            f"{name}: its code changed since the robustness results were made (code hash {current_hash}, "
            f"results for {entry.get('code_hash')}); {rerun}"
        ]
    summary = summarize(entry)
    if entry.get("default_seed") not in summary["runs"]:
        return [
            f"{name}: the robustness results hold no finished run at the default seed "
            f"{entry.get('default_seed')}; {rerun}"
        ]
    problems = []
    values = numbers_of({"ledger": ledger})
    for key, info in summary["numbers"].items():
        lo, hi = info["band"]
        if key not in values:
            problems.append(f"{name}: glued number {key!r} was not glued in this run (the results have it)")
        elif not lo <= values[key] <= hi:
            problems.append(
                f"{name}: glued number {key!r} = {values[key]!r} is outside its band [{lo:.6g}, {hi:.6g}] "
                f"(range over {info['n']} seeds {info['min']:.6g} to {info['max']:.6g}, "
                f"{info['default']!r} at the default seed). If a deliberate change moved it, {rerun}"
            )
    for key in sorted(set(values) - set(summary["numbers"])):
        problems.append(f"{name}: glued number {key!r} has no band in the results; {rerun}")
    return problems


# ---------------------------------------------------------------------------------------------------------------
# The page (book/robustness.md renders this; it reads the committed results and runs nothing).


def fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return "-" if value is None else str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e6):
        return str(int(value))
    return f"{value:.4g}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _versions_text(runs: dict[int, dict]) -> str:
    seen: dict[str, set[str]] = {}
    for run in runs.values():
        for package, number in run.get("versions", {}).items():
            seen.setdefault(package, set()).add(number)
    return ", ".join(f"{package} {' / '.join(sorted(numbers))}" for package, numbers in seen.items())


def render_chapter(
    name: str, entry: dict | None, current_hash: str | None, title: str | None = None, with_claims: bool = True
) -> str:
    heading = f"**{title or name}** (`book/{name}.md`)"
    if entry is None or not entry.get("runs"):
        return f"{heading}: no results yet; run `make robustness CHAPTERS={name}`.\n"
    summary = summarize(entry)
    runs, crashed = summary["runs"], summary["crashed"]
    all_runs = {**runs, **crashed}
    dates = sorted(r["date"][:10] for r in all_runs.values())
    default = entry.get("default_seed")
    lines = [heading, ""]
    order = sorted(all_runs, key=lambda s: (s != default, s))
    seeds = ", ".join(f"{s}" + (" (default)" if s == default else "") for s in order)
    when = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
    lines.append(
        f"{len(runs)} seeds ran to the end ({seeds}), {when}; {_versions_text(all_runs)}. "
        f"Code hash `{entry.get('code_hash')}`."
    )
    if current_hash is not None and current_hash != entry.get("code_hash"):
        lines.append(
            f"**The chapter's code has changed since** (now `{current_hash}`): these results describe an "
            f"earlier version; `make robustness CHAPTERS={name}` refreshes them."
        )
    lines.append("")
    for seed, run in sorted(crashed.items()):
        lines.append(f"- Seed {seed} **crashed**: {_cell(run.get('error'))}")
    if crashed:
        lines.append("")
    claims = summary["claims"] if with_claims else {}
    if claims:
        held = [key for key, c in claims.items() if not c["failed_seeds"]]
        failing = {key: c for key, c in claims.items() if c["failed_seeds"]}
        lines += [
            f"Claims: {len(held)} of {len(claims)} held at every seed"
            + (f"; {len(failing)} failed at some seed:" if failing else "."),
            "",
        ]
        if failing:
            lines += ["| claim | held at | failed at seeds (the first failure's numbers) |", "|---|---|---|"]
            for key, claim in failing.items():
                failed = claim["failed_seeds"]
                note = ", ".join(map(str, failed)) + f" ({_cell(claim['details'][failed[0]])})"
                lines.append(f"| `{key}` | {claim['passed']} of {claim['runs']} | {note} |")
            lines.append("")
        if held:
            lines += [
                ("Held at every seed: " if failing else "They are: ") + ", ".join(f"`{key}`" for key in held) + ".",
                "",
            ]
    numbers = summary["numbers"]
    if numbers:
        lines += ["| glued number | default seed | median | range over the seeds |", "|---|---|---|---|"]
        for key, info in numbers.items():
            spread = fmt(info["min"]) if info["min"] == info["max"] else f"{fmt(info['min'])} to {fmt(info['max'])}"
            lines.append(f"| `{key}` | {fmt(info['default'])} | {fmt(info['median'])} | {spread} |")
        lines.append("")
    if summary["times"]:
        times = "; ".join(
            f"`{key}` {fmt(statistics.median(v))} s (median of {len(v)})" for key, v in summary["times"].items()
        )
        lines += [f"Wall times, glued but never checked (they depend on the machine and its load): {times}.", ""]
    return "\n".join(lines) + "\n"


def page_title(notebook, name: str) -> str:
    """A page's ``#`` title (its file stem when it has none)."""
    return next(
        (
            line[2:].strip()
            for cell in notebook.cells
            if cell.cell_type == "markdown"
            for line in cell.source.splitlines()
            if line.startswith("# ")
        ),
        name,
    )


CLAIM_CALL = re.compile(r"check_claim\(\s*(?:#\s*([^\n]*?)\s*\n)?\s*(f?)([\"'])(.+?)\3")
HEADING_ANCHOR_DEPTH = 3  # _config.yml's myst_heading_anchors: the headings a link may point into


def _heading_parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    return MarkdownIt("commonmark").use(dollarmath_plugin).use(myst_role_plugin)


def _heading_text(parser, line: str) -> str:
    """A heading's text as MyST makes its anchor from it: its text and inline code, without math and roles."""
    tokens = parser.parse(line)
    inline = next((t for t in tokens if t.type == "inline"), None)
    return "".join(c.content for c in (inline.children or []) if c.type in ("text", "code_inline")) if inline else ""


def claim_places(notebook) -> dict[str, tuple[str, str, str]]:
    """``{claim key pattern: (section title, anchor, note)}``: the section (a ``##`` or ``###`` heading) whose check
    cell states each claim, with the anchor MyST gives that heading (``myst_heading_anchors``; slugs made unique per
    page as MyST makes them), and the comment the call carries on its first line (``check_claim(  # note``) when it
    has one. A key the cell builds with an f-string is a regex pattern (its ``{...}`` parts match
    anything); :func:`claim_place` looks a recorded key up."""
    from myst_parser.mdit_to_docutils.base import default_slugify

    parser = _heading_parser()
    places: dict[str, tuple[str, str, str]] = {}
    slugs: set[str] = set()
    current = ("", "")
    fence = None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                stripped = line.strip()
                marker = re.match(r"(`{3,}|~{3,}|:{3,})", stripped)
                if marker and (fence is None or stripped.startswith(fence)):
                    fence = None if fence else marker.group(1)
                    continue
                level = len(line) - len(line.lstrip("#"))
                if fence or not (1 <= level <= HEADING_ANCHOR_DEPTH and line[level : level + 1] == " "):
                    continue
                text = _heading_text(parser, line)
                slug = base = default_slugify(text)
                i = 1
                while slug in slugs:
                    slug, i = f"{base}-{i}", i + 1
                slugs.add(slug)
                if level >= 2:
                    current = (text.strip(), slug)
        elif cell.cell_type == "code":
            for note, is_f, _, key in CLAIM_CALL.findall(cell.source):
                pattern = (
                    "".join(".+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]*\})", key))
                    if is_f
                    else re.escape(key)
                )
                places.setdefault(pattern, (*current, note.strip()))
    return places


def claim_place(places: dict[str, tuple[str, str, str]], key: str) -> tuple[str, str, str] | None:
    return next((place for pattern, place in places.items() if re.fullmatch(pattern, key)), None)


def claim_words(key: str, keys: list[str]) -> str:
    """A claim id in words: the page's common prefix (``radon-``, ``frogsx-``) dropped, hyphens as spaces."""
    parts = [k.split("-") for k in keys]
    common = 0
    if len(parts) > 1:
        while all(len(p) > common + 1 and p[common] == parts[0][common] for p in parts):
            common += 1
    words = " ".join(key.split("-")[common:]) or key
    return words[0].upper() + words[1:]


def page_summary(name: str, entry: dict | None) -> dict:
    """The page's row of the summary table: seeds run, claims, claims held at every seed, numbers, dates."""
    if entry is None or not entry.get("runs"):
        return {"name": name, "seeds": 0}
    summary = summarize(entry)
    claims = summary["claims"]
    dates = sorted(r["date"][:10] for r in {**summary["runs"], **summary["crashed"]}.values())
    return {
        "name": name,
        "seeds": len(summary["runs"]),
        "crashed": len(summary["crashed"]),
        "claims": len(claims),
        "held": sum(not c["failed_seeds"] for c in claims.values()),
        "numbers": len(summary["numbers"]),
        "dates": dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}",
    }


def relative_spreads(entry: dict) -> list[float]:
    """Each glued number's range over the seeds relative to its largest size over the seeds (between 0, the same
    at every seed, and 2, a number that changes sign)."""
    spreads = []
    for info in summarize(entry)["numbers"].values():
        scale = max(abs(info["min"]), abs(info["max"]))
        spreads.append((info["max"] - info["min"]) / scale if scale > 0 else 0.0)
    return spreads


def spread_figure(pages: list[tuple[str, dict | None]]):
    """A strip plot: per page, every glued number's range over the seeds relative to its size (log scale); numbers
    that are the same at every seed (counts from the data) are counted in the page's label."""
    import matplotlib.pyplot as plt
    import numpy as np

    rows = [(title, relative_spreads(entry)) for title, entry in pages if entry and finished_runs(entry)]
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(rows) + 1.3), layout="constrained")
    rng = np.random.default_rng(0)  # the jitter of the dots, not a result
    floor = 1e-4
    for i, (_, spreads) in enumerate(rows):
        moving = np.array([s for s in spreads if s > 0])
        jitter = rng.uniform(-0.2, 0.2, len(moving))
        ax.scatter(np.maximum(moving, floor), i + jitter, s=8, alpha=0.55, color="C0", linewidths=0)
    labels = [f"{title} ({sum(s == 0 for s in spreads)} of {len(spreads)} fixed)" for title, spreads in rows]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(floor / 1.5, 2.5)
    ax.axvline(0.1, color="0.5", lw=0.8, ls="--", label="10% of its size")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_xlabel("range over the seeds / largest |value| (one dot per glued number)")
    ax.set_title("How far each glued number moves with the seed")
    return fig


def _short_title(title: str) -> str:
    """A chapter's title before its colon (an exercise page keeps its whole title: "Exercises" alone says little)."""
    return title if title.startswith("Exercises") else title.split(":")[0].strip()


def render_summary(root: Path | None = None, results: dict | None = None) -> str:
    """The table at the top of book/robustness.md: one row per page, in the toc's order."""
    root = root or ROOT
    data = results if results is not None else load_results(root / "robustness" / "results.json")
    lines = [
        "| page | seeds run | claims held at every seed | glued numbers | runs made |",
        "|---|---|---|---|---|",
    ]
    for path in seeded_pages(root):
        notebook = read_notebook(path)
        name = chapter_name(path)
        row = page_summary(name, data["chapters"].get(name))
        link = f"{{doc}}`{_short_title(page_title(notebook, name))} <{name}>`"
        if not row["seeds"]:
            lines.append(f"| {link} | none yet | - | - | - |")
            continue
        stale = " (code changed since)" if data["chapters"][name].get("code_hash") != code_hash(notebook) else ""
        held = f"{row['held']} of {row['claims']}" + ("" if row["held"] == row["claims"] else " **(not all)**")
        seeds = f"{row['seeds']}" + (f" (+{row['crashed']} crashed)" if row["crashed"] else "")
        lines.append(f"| {link} | {seeds} | {held} | {row['numbers']} | {row['dates']}{stale} |")
    return "\n".join(lines) + "\n"


def render_claims(name: str, notebook, entry: dict) -> list[str]:
    """Each claim in words, linked to the section of the page that states it, with its pass count."""
    claims = summarize(entry)["claims"]
    places = claim_places(notebook)
    keys = list(claims)
    lines = ["| claim | stated in | held at |", "|---|---|---|"]
    for key, claim in claims.items():
        place = claim_place(places, key)
        where = f"[{_cell(place[0])}]({name}.md#{place[1]})" if place and place[1] else f"{{doc}}`{name}`"
        held = f"{claim['passed']} of {claim['runs']} seeds"
        if claim["failed_seeds"]:
            failed = claim["failed_seeds"]
            held = f"**{held}** (failed at {', '.join(map(str, failed))}: {_cell(claim['details'][failed[0]])})"
        words = claim_words(key, keys) + (f" ({place[2]})" if place and place[2] else "")
        lines.append(f"| {_cell(words)} <br> `{key}` | {where} | {held} |")
    return lines


def render_details(root: Path | None = None, results: dict | None = None) -> str:
    """Per page: a line of what ran, the claims that failed at some seed (shown), and two folded dropdowns: every
    claim in words with a link to where the page states it, and every glued number over the seeds."""
    root = root or ROOT
    data = results if results is not None else load_results(root / "robustness" / "results.json")
    blocks = []
    for path in seeded_pages(root):
        notebook = read_notebook(path)
        name = chapter_name(path)
        title = page_title(notebook, name)
        entry = data["chapters"].get(name)
        heading = f"**{{doc}}`{_short_title(title)} <{name}>`**"
        if default_seed(notebook) is None:
            blocks.append(f"{heading}: does not call `start_chapter` yet, so it cannot be run at other seeds.\n")
            continue
        if entry is None or not entry.get("runs"):
            blocks.append(f"{heading}: no results yet; run `make robustness CHAPTERS={name}`.\n")
            continue
        summary = summarize(entry)
        row = page_summary(name, entry)
        lines = [
            f"{heading}: {row['seeds']} seeds, {row['held']} of {row['claims']} claims held at every seed.",
            "",
        ]
        if entry.get("code_hash") != code_hash(notebook):
            lines += [
                f"The page's code has changed since these runs: `make robustness CHAPTERS={name}` refreshes them.",
                "",
            ]
        for seed, run in sorted(summary["crashed"].items()):
            lines += [f"- Seed {seed} **crashed**: {_cell(run.get('error'))}", ""]
        failing = {k: c for k, c in summary["claims"].items() if c["failed_seeds"]}
        if failing:
            keys = list(summary["claims"])
            lines += ["Failed at some seed:", ""]
            for key, claim in failing.items():
                lines.append(
                    f"- {_cell(claim_words(key, keys))} (`{key}`): held at {claim['passed']} of {claim['runs']}; "
                    f"failed at {', '.join(map(str, claim['failed_seeds']))}"
                )
            lines.append("")
        if summary["claims"]:
            lines += [f"````{{dropdown}} The {len(summary['claims'])} claims, in words, and where the page makes them"]
            lines += render_claims(name, notebook, entry) + ["````", ""]
        detail = render_chapter(name, entry, code_hash(notebook), title, with_claims=False).split("\n", 2)[2]
        lines += [
            f"````{{dropdown}} The {row['numbers']} glued numbers over the seeds, the seeds, versions and times",
            detail.rstrip(),
            "````",
            "",
        ]
        blocks.append("\n".join(lines))
    if not blocks:
        return "No chapter calls `start_chapter` yet, so there is nothing to show.\n"
    return "\n".join(blocks)


def render_page(root: Path | None = None, results: dict | None = None) -> str:
    """Markdown for book/robustness.md without its figure: the summary table, then the details per page."""
    return render_summary(root, results) + "\n" + render_details(root, results)


def page_spread_figure(root: Path | None = None, results: dict | None = None):
    """The figure of book/robustness.md, from the committed results (see :func:`spread_figure`)."""
    root = root or ROOT
    data = results if results is not None else load_results(root / "robustness" / "results.json")
    pages = []
    for path in seeded_pages(root):
        name = chapter_name(path)
        title = page_title(read_notebook(path), name)
        label = "its exercises" if title.startswith("Exercises") else _short_title(title)
        if len(label) > 30:  # the figure's labels stay short: cut at a word
            label = label[:30].rsplit(" ", 1)[0] + "…"
        pages.append((label, data["chapters"].get(name)))
    return spread_figure(pages)


# ---------------------------------------------------------------------------------------------------------------
# The command.


def run(chapters: list[Path], extra: list[int] | None, jobs: int, force: bool, out=print) -> int:
    planned = []  # (chapter info, seed)
    data = load_results()
    for path in chapters:
        notebook = read_notebook(path)
        info = {
            "name": chapter_name(path),
            "source": rel(path),
            "path": path,
            "notebook": notebook,
            "code_hash": code_hash(notebook),
            "default_seed": default_seed(notebook),
        }
        seeds = seeds_for(info["default_seed"], extra)
        todo = []
        for seed in seeds:
            old = None if force else recorded_run(data, info, seed)
            if old is not None:
                out(f"{info['name']} seed {seed}: reused ({old['date']}) - {describe(old)}")
                merge_run(old, info)
            else:
                todo.append(seed)
        out(
            f"{info['name']} (code {info['code_hash']}, default seed {info['default_seed']}): "
            f"{len(todo)} of {len(seeds)} seeds to run" + (f": {todo}" if todo else "")
        )
        planned += [(info, seed) for seed in todo]

    status = 0
    lock = threading.Lock()

    def one(info, seed):
        out(f"{info['name']} seed {seed}: running")
        result = execute(info["path"], info["notebook"], seed)
        CACHE.mkdir(parents=True, exist_ok=True)
        cache_file(info["name"], info["code_hash"], seed).write_text(json.dumps(result), encoding="utf-8")
        merge_run(result, info)
        with lock:
            out(f"{info['name']} seed {seed}: {describe(result)}")
        return result

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for result in pool.map(lambda job: one(*job), planned):
            if result["status"] != "ok" or failed_claims(result):
                status = 1
    data = load_results()
    for path in chapters:
        entry = data["chapters"].get(chapter_name(path))
        if entry is None:
            continue
        summary = summarize(entry)
        bad = {k: c["failed_seeds"] for k, c in summary["claims"].items() if c["failed_seeds"]}
        if bad or summary["crashed"]:
            status = 1
        out(
            f"== {chapter_name(path)}: {len(summary['runs'])} finished runs, {len(summary['crashed'])} crashed, "
            f"{len(summary['numbers'])} numbers, {len(summary['claims'])} claims"
            + (f"; claims failing at some seed: {bad}" if bad else "; every claim held at every seed")
        )
    out(f"results: {rel(RESULTS)} (commit it; book/robustness.md shows it)")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chapters",
        default=os.environ.get("CHAPTERS", ""),
        help="chapter stems or paths (default: every chapter of _toc.yml)",
    )
    parser.add_argument(
        "--seeds",
        default=os.environ.get("SEEDS"),
        help=f"seeds besides each chapter's default (default: {' '.join(map(str, EXTRA_SEEDS))})",
    )
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS") or 1))
    parser.add_argument("--force", action="store_true", default=os.environ.get("FORCE", "") not in ("", "0"))
    args = parser.parse_args(argv)
    try:
        extra = parse_seeds(args.seeds)
        chapters = find_chapters(args.chapters.split() or None)
    except UsageError as exc:
        print(f"make robustness: {exc}; nothing was run", file=sys.stderr)
        return 2
    return run(chapters, extra, args.jobs, args.force, out=lambda text: print(text, flush=True))


if __name__ == "__main__":
    sys.exit(main())
