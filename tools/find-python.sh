#!/usr/bin/env bash
# Print the path of a Python >= 3.12 to build the course's environment with, or fail saying how to get one.
# Override on any machine with: make test PYTHON=/path/to/python3.12
set -uo pipefail

# The real interpreter behind a command (not a pyenv shim), if it is Python >= 3.12.
real() { "$1" -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null; }

if [ -n "${PYTHON:-}" ]; then
  real "$PYTHON" && exit 0
  echo "error: PYTHON=$PYTHON is not a working Python >= 3.12" >&2
  exit 1
fi

# requirements.txt is pinned on 3.12: prefer it, then newer versions.
pyenv_root=$( (command -v pyenv >/dev/null && pyenv root) 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
candidates=(python3.12)
for dir in "$pyenv_root"/versions/3.12*; do candidates+=("$dir/bin/python3"); done
candidates+=(python3.13)
for dir in "$pyenv_root"/versions/3.13*; do candidates+=("$dir/bin/python3"); done
candidates+=(python3 python)

for c in "${candidates[@]}"; do
  if [ -x "$c" ] || command -v "$c" >/dev/null 2>&1; then
    real "$c" && exit 0
  fi
done

# A pyenv shim answers for an installed but unselected version when PYENV_VERSION names it.
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[2-9]' | sort -V); do
    PYENV_VERSION=$v real python3 && exit 0
  done
fi

echo "error: no Python >= 3.12 found. Install one (apt-get install python3.12, pyenv install 3.12," \
  "brew install python@3.12) or name it: make test PYTHON=/path/to/python3.12" >&2
exit 1
