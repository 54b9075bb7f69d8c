"""`make book` must fail when a chapter raises: build a small book with the project's own _config.yml and
`make book`'s command, with enough pages that Sphinx reads (and executes) them two at a time, as in the course."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from tools import course

ROOT = course.ROOT

NOTEBOOK = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

# {title}

```{{code-cell}} python
{code}
```
"""


def test_a_cell_that_raises_fails_the_build(tmp_path):
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(ROOT / "book" / "references.bib", book / "references.bib")
    (book / "intro.md").write_text(NOTEBOOK.format(title="Fine", code="print(1 + 1)"))
    fine = [f"fine{i}" for i in range(5)]  # Sphinx reads in parallel only when more than five pages need it
    for name in fine:
        (book / f"{name}.md").write_text(NOTEBOOK.format(title=name, code="print(2 + 2)"))
    (book / "broken.md").write_text(NOTEBOOK.format(title="Broken", code="[1, 2, 3][10]"))
    chapters = "".join(f"  - file: book/{name}\n" for name in [*fine, "broken"])
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
    output = result.stdout + result.stderr
    assert result.returncode != 0, "a chapter that raises must fail the build\n" + output[-3000:]
    assert "broken.md" in output and "IndexError" in output, output[-3000:]
    assert "intro.md: WARNING" not in output, "the page that runs fine must not warn\n" + output[-3000:]
    assert "parallel" in output or "waiting for workers" in output, (
        "the pages were not read two at a time\n" + output[-3000:]
    )
