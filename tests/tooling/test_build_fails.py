"""`make book` must fail when a chapter raises: build a small book with the project's own _config.yml and
`make book`'s command, with enough pages that Sphinx reads (and executes) them two at a time, as in the course."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pages import myst_page

from tools import course

ROOT = course.ROOT


def notebook(title: str, code: str) -> str:
    """A page titled `title` with one code cell running `code`."""
    return myst_page(f"```{{code-cell}} python\n{code}\n```\n", title=title)


def build(tmp_path: Path, pages: dict[str, str]) -> tuple[int, str]:
    """Build a book of `pages` (name -> code) after an intro page with `make book`'s command and flags."""
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(ROOT / "book" / "references.bib", book / "references.bib")
    shutil.copytree(ROOT / "book" / "_static", book / "_static")  # html_static_path, as in the course
    (tmp_path / "_build" / "vendor").mkdir(parents=True)
    (book / "intro.md").write_text(notebook("Fine", "print(1 + 1)"))
    for name, code in pages.items():
        (book / f"{name}.md").write_text(notebook(name, code))
    chapters = "".join(f"  - file: book/{name}\n" for name in pages)
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n" + chapters)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    flags = re.search(r"-m tools\.build_book \. (.*)", makefile)[1].split()
    result = subprocess.run(
        [sys.executable, "-m", "tools.build_book", str(tmp_path), *flags],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=dict(os.environ, BOOK_JOBS="2"),
    )
    return result.returncode, result.stdout + result.stderr


# Sphinx reads in parallel only when more than five pages need it; each page its own code, as in the course
# (jupyter-cache keys executed notebooks by their code: two identical pages run at once would share a key)
FINE = {f"fine{i}": f"print({i} + 2)" for i in range(5)}


def test_a_fine_book_builds_two_pages_at_a_time_without_warnings(tmp_path):
    """Every extension the build loads must be safe for parallel reading: one that is not makes Sphinx warn
    (an error under -W) and read serially."""
    code, output = build(tmp_path, FINE)
    assert code == 0, "a book whose pages run fine must build under -W\n" + output[-3000:]
    # in parallel Sphinx reports each chunk of pages read as "first .. last"; serially, page by page
    assert re.search(r"book/\w+ \.\. book/\w+", output) and "serial read" not in output, (
        "the pages were not read two at a time\n" + output[-3000:]
    )


def test_a_cell_that_raises_fails_the_build(tmp_path):
    code, output = build(tmp_path, FINE | {"broken": "[1, 2, 3][10]"})
    assert code != 0, "a chapter that raises must fail the build\n" + output[-3000:]
    # read in parallel, the build names the page and myst-nb's ExecutionError; the cell's own error (IndexError)
    # is in nbval's report of the page (make test), or in the build's with BOOK_JOBS=1
    assert "broken.md" in output and ("IndexError" in output or "ExecutionError" in output), output[-3000:]
    assert "intro.md: WARNING" not in output, "the page that runs fine must not warn\n" + output[-3000:]
