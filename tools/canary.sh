#!/usr/bin/env bash
# make canary: the course against the newest releases its declared bounds allow, not against the pins.
#
# Builds .venv-canary (gitignored) from scratch: every distribution that requirements.txt names, without its pin,
# plus the package with its [sampling] extra (pyproject.toml's bounds: pymc<7, nutpie<0.17, arviz<2, pandas<4) and
# canary/constraints.txt (bounds the project means to keep, e.g. Jupyter Book 1). Then tools/canary.py runs the
# package tests and every seeded page at its default seed, claims recorded, and writes canary/REPORT.md.
# Not part of CI or make test: a new release is news, not a failure of the course. PyTensor compiles into its own
# cache (_build/canary/pytensor), so the canary neither reuses nor disturbs the pinned environment's compiled models.
set -euo pipefail
cd "$(dirname "$0")/.."

python=$(bash tools/find-python.sh)
started=$(date +%s)
# CANARY_REUSE=1 keeps an existing .venv-canary (to re-run the pages after a run was cut short); by default the
# environment is made afresh, so that it holds the newest releases of today.
if [ "${CANARY_REUSE:-0}" = 1 ] && [ -x .venv-canary/bin/python ]; then
  echo "canary: reusing .venv-canary (CANARY_REUSE=1)"
else
  rm -rf .venv-canary
  echo "canary: creating .venv-canary with $python ($("$python" --version))"
  "$python" -m venv .venv-canary
  .venv-canary/bin/python -m pip install --quiet --upgrade pip
  # requirements.txt's names, pins stripped (extras kept: black[jupyter]); `-e .` comes back with its extra below
  mapfile -t names < <(grep -vE '^\s*(#|-e|$)' requirements.txt | sed -E 's/\s*[=<>!~;].*$//')
  echo "canary: installing the newest allowed releases of ${#names[@]} distributions"
  .venv-canary/bin/python -m pip install --quiet --upgrade -c canary/constraints.txt "${names[@]}" -e ".[sampling]"
  echo "canary: environment ready in $(( $(date +%s) - started )) s"
fi

export PYTENSOR_FLAGS="base_compiledir=$PWD/_build/canary/pytensor${PYTENSOR_FLAGS:+,$PYTENSOR_FLAGS}"
export RETHINKING_UTILS_PROGRESS=0 MPLBACKEND=Agg
.venv-canary/bin/python -m tools.canary --started "$started" "$@"
