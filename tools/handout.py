"""Exercise pages without their solutions: notebooks an instructor can hand out.

The book shows every solution folded, and sphinx-exercise's own ``hide_solutions`` switch stops the build on
solutions that hold code cells (README, *Exercises and solutions*). So the handout is made from the source
instead: each exercise page (``book/*_exercises.md``) up to its ``## Solutions`` heading - the exercises, the
set-up cell that loads the data - written as ``_build/handouts/<page>.ipynb``, a notebook without outputs that a
student opens in Jupyter and answers below each exercise. Usage: ``make handout`` (every exercise page of the toc)
or ``python -m tools.handout book/radon_exercises.md``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import nbformat

from tools import course

SOLUTIONS_HEADING = re.compile(r"^## Solutions\s*$", re.MULTILINE)
OUT = course.ROOT / "_build" / "handouts"


def exercise_pages(root: Path = course.ROOT) -> list[Path]:
    """The exercise pages of the toc, in its order."""
    return [path for path in course.chapters(root) if path.stem.endswith("_exercises")]


def without_solutions(page: Path) -> nbformat.NotebookNode:
    """The notebook of ``page`` cut at its ``## Solutions`` heading, with a first cell saying what it is."""
    notebook = jupytext.read(page)
    kept = []
    for cell in notebook.cells:
        match = SOLUTIONS_HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        if match:
            before = cell.source[: match.start()].rstrip()
            if before:
                cell.source = before
                kept.append(cell)
            break
        kept.append(cell)
    else:
        raise ValueError(f"{page} has no '## Solutions' heading: is it an exercise page?")
    note = nbformat.v4.new_markdown_cell(
        f"*Handout made from `{page.name}` without its solutions (`make handout`). The worked, checked solutions "
        "are in the book.*"
    )
    notebook.cells = [note, *kept]
    notebook.metadata.pop("jupytext", None)  # a plain .ipynb, not paired with the .md
    return notebook


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    pages = [Path(arg).resolve() for arg in argv] or exercise_pages()
    OUT.mkdir(parents=True, exist_ok=True)
    for page in pages:
        try:
            notebook = without_solutions(page)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        target = OUT / f"{page.stem}.ipynb"
        nbformat.write(notebook, target)
        print(f"{target}: {sum(c.cell_type == 'code' for c in notebook.cells)} code cell(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
