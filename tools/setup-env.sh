#!/usr/bin/env bash
# Create or update .venv with the pinned environment, and make sure Graphviz's `dot` is installed.
# Idempotent: `make` runs it only when requirements.txt or pyproject.toml changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/require-program.sh dot graphviz "brew install graphviz | conda install -c conda-forge graphviz"

python=$(bash tools/find-python.sh)
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
  echo "setup: .venv has an unusable or too old Python; recreating it"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $python ($("$python" --version))"
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
touch .venv/.installed
echo "setup: .venv ready ($(.venv/bin/python --version))"
