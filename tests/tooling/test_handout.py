"""tools/handout.py: exercise pages without their solutions, for instructors to hand out."""

from __future__ import annotations

import re

import nbformat
import pytest

from tools import handout


def test_every_exercise_page_of_the_toc_gets_a_handout():
    pages = handout.exercise_pages()
    assert pages, "the toc lists no *_exercises page"
    assert all(page.stem.endswith("_exercises") for page in pages)


@pytest.mark.parametrize("page", handout.exercise_pages(), ids=lambda p: p.stem)
def test_a_handout_keeps_every_exercise_and_no_solution(page):
    source = page.read_text(encoding="utf-8")
    exercises = set(re.findall(r"^:label: (\S+-ex-\S+)$", source, re.MULTILINE))
    assert exercises, f"{page.name} has no exercise labels"
    notebook = handout.without_solutions(page)
    nbformat.validate(notebook)
    text = "\n".join(cell.source for cell in notebook.cells)
    assert set(re.findall(r"^:label: (\S+-ex-\S+)$", text, re.MULTILINE)) == exercises
    assert "-sol-" not in text and "{solution" not in text and "## Solutions" not in text
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert any("start_chapter" in cell.source for cell in code), "the set-up cell (data, seed) must stay"
    checks = [cell for cell in code if "remove-cell" in cell.metadata.get("tags", [])]
    assert not checks, "a check cell (glue and claims of a solution) is in the handout"


def test_a_page_without_solutions_is_refused_by_name(tmp_path):
    page = tmp_path / "notes.md"
    page.write_text("# Notes\n\nNo exercises here.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="notes.md has no '## Solutions' heading"):
        handout.without_solutions(page)


def test_the_command_writes_one_notebook_per_page(tmp_path, monkeypatch):
    monkeypatch.setattr(handout, "OUT", tmp_path)
    page = handout.exercise_pages()[0]
    assert handout.main([str(page)]) == 0
    written = nbformat.read(tmp_path / f"{page.stem}.ipynb", as_version=4)
    assert "without its solutions" in written.cells[0].source
