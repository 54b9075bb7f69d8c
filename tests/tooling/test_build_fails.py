"""`make book` must fail when a chapter raises: build a two-page book with the project's own _config.yml."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

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
    (book / "broken.md").write_text(NOTEBOOK.format(title="Broken", code="[1, 2, 3][10]"))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: book/broken\n")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    flags = re.search(r"jupyter-book build \. (.*)", makefile)[1].split()
    jupyter_book = Path(sys.executable).parent / "jupyter-book"

    result = subprocess.run(
        [str(jupyter_book), "build", str(tmp_path), *flags], capture_output=True, text=True, timeout=600
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, "a chapter that raises must fail the build\n" + output[-3000:]
    assert "broken.md" in output and "IndexError" in output, output[-3000:]
    assert "intro.md: WARNING" not in output, "the page that runs fine must not warn\n" + output[-3000:]
