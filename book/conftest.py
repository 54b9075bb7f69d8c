"""Run every MyST notebook chapter in book/ under nbval, straight from its .md file.

nbval only collects .ipynb files; this hands it the notebook that jupytext reads from
the .md, so no converted copy is ever written or committed. One test item per code
cell: a chapter that raises fails the suite at the cell that raised. Chapters store no
outputs, so cells are executed and not compared.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import jupytext
import nbval.plugin
import pytest


def is_notebook_chapter(path: Path) -> bool:
    """A MyST Markdown file with jupytext front matter and a kernelspec."""
    if path.suffix != ".md":
        return False
    head = path.read_text(encoding="utf-8")[:2000]
    return head.startswith("---") and "format_name: myst" in head and "kernelspec" in head


class MystNotebook(nbval.plugin.IPyNbFile):
    """nbval's notebook collector, reading the notebook through jupytext."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False  # nothing stored to compare against: execute only

    def collect(self):
        notebook = jupytext.read(self.path)
        with mock.patch.object(nbval.plugin.nbformat, "read", lambda *a, **k: notebook):
            yield from super().collect()


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if is_notebook_chapter(file_path):
        return MystNotebook.from_parent(parent, path=file_path)
    return None
