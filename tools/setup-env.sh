#!/usr/bin/env bash
# Create or update .venv with the pinned environment, and make sure Graphviz's `dot` is installed.
# Idempotent: `make` runs it only when requirements.txt or pyproject.toml changed since the last run, or when
# PYTHON=... is given (`make setup PYTHON=/path/to/python3.12`; a different interpreter recreates .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/require-program.sh dot graphviz "brew install graphviz | conda install -c conda-forge graphviz"

python=$(bash tools/find-python.sh)
# .venv/.python records the interpreter that made .venv (its real path). PYTHON=/other/python names another:
# then .venv is made again with it, instead of silently keeping the old one. Without PYTHON, .venv is kept.
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
  echo "setup: .venv has an unusable or too old Python; recreating it"
  rm -rf .venv
fi
if [ -x .venv/bin/python ] && [ -n "${PYTHON:-}" ]; then
  # compared as real paths (symlinks resolved); a .venv from before this record names its base interpreter itself
  made_with=$(cat .venv/.python 2>/dev/null || .venv/bin/python -c 'import sys; print(sys._base_executable)')
  if [ "$(realpath "$made_with")" != "$(realpath "$python")" ]; then
    echo "setup: .venv was made with $made_with; PYTHON=$PYTHON is $python: recreating .venv with it"
    rm -rf .venv
  fi
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $python ($("$python" --version))"
  "$python" -m venv .venv
  echo "$python" > .venv/.python
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
touch .venv/.installed
echo "setup: .venv ready ($(.venv/bin/python --version))"
