"""`jupyter-book build`, reading (and so executing) two pages at a time.

Jupyter Book 1 executes a page while Sphinx reads it, and its command line has no way to ask Sphinx for
parallel reading, although its own `build_sphinx` takes `jobs` and myst-nb, sphinx-exercise, sphinxcontrib-bibtex
and the book theme all declare themselves safe for it. Compiling a model is single-threaded, so on a 2-core
machine two pages at a time take about half the wall time. This passes the jobs through and changes nothing
else: every argument is `jupyter-book build`'s (`make book` passes `. -W -n --keep-going --all`).

BOOK_JOBS sets the number of pages read at once (default 2; 1 reads them one by one, as plain `jupyter-book build`).
Sphinx reads in parallel only when more than five pages need reading; a rebuild of a few pages is serial.
"""

from __future__ import annotations

import os
import sys

from jupyter_book import sphinx
from jupyter_book.cli.main import main

JOBS = int(os.environ.get("BOOK_JOBS") or 2)
_build_sphinx = sphinx.build_sphinx


def _build_sphinx_in_parallel(*args, **kwargs):
    kwargs["jobs"] = JOBS
    return _build_sphinx(*args, **kwargs)


if __name__ == "__main__":
    sphinx.build_sphinx = _build_sphinx_in_parallel  # jupyter-book's `build` imports it at call time
    sys.exit(main(["build", *sys.argv[1:]]))
