"""Run every MyST notebook page in book/ under nbval, straight from its .md file, and check its numbers.

nbval only collects .ipynb files; this hands it the notebook that jupytext reads from
the .md, so no converted copy is ever written or committed. One test item per code
cell: a chapter that raises fails the suite at the cell that raised. Chapters store no
outputs, so cells are executed and not compared.

After the cells of a chapter (a page that calls ``start_chapter``) comes one more item,
``<chapter>.md::numbers and claims``. The chapter's kernel runs with ``COURSE_LEDGER`` set
(a temporary file, unless you set one), so this item reads what the chapter glued and
checked, and fails

- when a claim failed (with ``COURSE_CLAIMS=record`` claims do not raise in their cell, so
  this is where a run at another seed reports every failed claim at once);
- at the chapter's default seed, when a glued number (``glue_number``; times are never
  checked) lies outside its band from ``robustness/results.json``: the range over the
  seeds of ``make robustness``, widened on each side by half its width
  (``tools.robustness.band``). The message names the number, its value and the band;
- at the default seed, when the results cannot say: the chapter has no results yet, or its
  code changed since they were made (they are keyed by a hash of the code cells). The
  message says to run ``make robustness CHAPTERS=<chapter>`` and commit the results: a
  chapter never passes without bands.

At another seed (``COURSE_SEED=7``) the bands do not apply (they are for the default seed)
and only the claims are checked. To work on a chapter without the bands, deselect the item:
``pytest book/radon.md -k "not numbers"``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from unittest import mock

import jupytext
import nbval.plugin
import pytest

from rethinking_utils.book import LEDGER_VARIABLE
from tools import robustness
from tools.course import is_notebook

CHECK_ITEM = "numbers and claims"

# No sampler progress bar in the pages' kernels (they inherit the environment): a bar would be a new output in
# every cell that fits a model. Readers' own sessions, where the variable is unset, show it.
os.environ.setdefault("RETHINKING_UTILS_PROGRESS", "0")


class MystNotebook(nbval.plugin.IPyNbFile):
    """nbval's notebook collector, reading the notebook through jupytext."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False  # nothing stored to compare against: execute only
        self.ledger: Path | None = None
        self.ledger_offset = 0
        self.failed_cells: list[str] = []

    def collect(self):
        notebook = jupytext.read(self.path)
        self.code_hash = robustness.code_hash(notebook)
        self.default_seed = robustness.default_seed(notebook)
        with mock.patch.object(nbval.plugin.nbformat, "read", lambda *a, **k: notebook):
            yield from super().collect()
        if self.default_seed is not None:
            yield ChapterCheck.from_parent(self, name=CHECK_ITEM)

    def setup(self):
        """Start the kernel with COURSE_LEDGER set (the kernel inherits the environment)."""
        given = os.environ.get(LEDGER_VARIABLE, "").strip()
        if given:
            self.ledger = Path(given)
            self.ledger_offset = self.ledger.stat().st_size if self.ledger.exists() else 0
        else:
            handle, name = tempfile.mkstemp(prefix=f"ledger-{self.path.stem}-", suffix=".jsonl")
            os.close(handle)
            self.ledger = Path(name)
        with mock.patch.dict(os.environ, {LEDGER_VARIABLE: str(self.ledger)}):
            super().setup()

    def teardown(self):
        super().teardown()
        if self.ledger is not None and not os.environ.get(LEDGER_VARIABLE, "").strip():
            self.ledger.unlink(missing_ok=True)

    def entries(self) -> list[dict]:
        """What this run of the chapter wrote to its ledger."""
        if self.ledger is None or not self.ledger.exists():
            return []
        with self.ledger.open("rb") as handle:
            handle.seek(self.ledger_offset)
            text = handle.read().decode("utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]


class ChapterCheck(pytest.Item):
    """After a chapter's cells: its claims held, and (at the default seed) its numbers lie in their bands."""

    def runtest(self):
        notebook: MystNotebook = self.parent
        if notebook.failed_cells:
            pytest.skip(f"a cell failed ({notebook.failed_cells[0]}), so the chapter did not run to its end")
        entries = notebook.entries()
        seeds = [e["value"] for e in entries if e.get("kind") == "seed"]
        if not seeds:
            raise ChapterCheckFailure(["the chapter recorded no seed: does its first cell call start_chapter?"])
        problems = [f"claim {e['key']!r} failed: {e.get('detail', '')}"
                    for e in entries if e.get("kind") == "claim" and not e.get("passed")]
        name = notebook.path.stem
        if seeds[-1] == notebook.default_seed:
            entry = robustness.load_results()["chapters"].get(name)
            problems += robustness.check_numbers(name, entry, notebook.code_hash, entries)
        if problems:
            raise ChapterCheckFailure(problems)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ChapterCheckFailure):
            return "\n".join(["The chapter's numbers and claims:"] + [f"- {p}" for p in excinfo.value.problems])
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.parent.path.name}::{CHECK_ITEM}"


class ChapterCheckFailure(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and isinstance(item.parent, MystNotebook) and not isinstance(item, ChapterCheck):
        item.parent.failed_cells.append(item.name)


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if is_notebook(file_path):
        return MystNotebook.from_parent(parent, path=file_path)
    return None
