"""`jupyter-book build`, reading (and so executing) two pages at a time.

Jupyter Book 1 executes a page while Sphinx reads it, and its command line has no way to ask Sphinx for
parallel reading, although its own `build_sphinx` takes `jobs` and myst-nb, sphinx-exercise, sphinxcontrib-bibtex
and the book theme all declare themselves safe for it. Two extensions Jupyter Book always loads declare
nothing, so Sphinx would warn (an error under -W) and read serially. Both are safe, and are declared so here:
sphinx_multitoc_numbering only replaces how section numbers are assigned after every page has been read
(TocTreeCollector.assign_section_numbers, in the main process); sphinx_jupyterbook_latex's transforms change only
the page being read and keep nothing in the environment (its settings are made before reading starts).

Compiling a model is single-threaded, so on a 2-core
machine two pages at a time take about half the wall time. This passes the jobs through and changes nothing
else: every argument is `jupyter-book build`'s (`make book` passes `. -W -n --keep-going --all`).

BOOK_JOBS sets the number of pages read at once (default 2; 1 reads them one by one, as plain `jupyter-book build`).
Sphinx reads in parallel only when more than five pages need reading; a rebuild of a few pages is serial. Read in
parallel, a page whose cell raises fails the build naming the page (myst-nb's ExecutionError) but not the cell's
own error: `make test` (nbval) reports that cell by cell, and BOOK_JOBS=1 prints it here too.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import sphinx_jupyterbook_latex
import sphinx_multitoc_numbering
from jupyter_book import sphinx
from jupyter_book.cli.main import main
from jupyter_cache import get_cache

JOBS = int(os.environ.get("BOOK_JOBS") or 2)
_build_sphinx = sphinx.build_sphinx


def _build_sphinx_in_parallel(sourcedir, outputdir, *args, **kwargs):
    kwargs["jobs"] = JOBS
    # jupyter-cache creates its database at first use; two workers executing their first pages at once would both
    # create it ("table settings already exists"). Create it here, before Sphinx forks them, where myst-nb will
    # look for it (beside the html folder, as _config.yml sets no execute.cache).
    get_cache(Path(outputdir).parent.joinpath(".jupyter_cache").resolve()).db  # noqa: B018 - creates the database
    return _build_sphinx(sourcedir, outputdir, *args, **kwargs)


def _declared_safe(setup):
    """An extension's setup, returning the parallel-safety flags its own does not."""

    def declared(app):
        setup(app)
        return {"parallel_read_safe": True, "parallel_write_safe": True}

    return declared


if __name__ == "__main__":
    sphinx.build_sphinx = _build_sphinx_in_parallel  # jupyter-book's `build` imports it at call time
    for extension in (sphinx_multitoc_numbering, sphinx_jupyterbook_latex):
        extension.setup = _declared_safe(extension.setup)  # Sphinx calls the module's setup when it loads it
    sys.exit(main(["build", *sys.argv[1:]]))
