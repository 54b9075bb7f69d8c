#!/usr/bin/env bash
# Make sure headless Chromium and its matching ChromeDriver are installed, for `make check-site`.
# Debian's packages are `chromium` and `chromium-driver` (on Ubuntu they are snaps: install Chrome or Chromium and
# its chromedriver another way, then point at them with CHROMIUM=/path CHROMEDRIVER=/path).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  bash tools/require-program.sh chromium chromium "set CHROMIUM=/path/to/chrome"
fi
if [ -z "${CHROMEDRIVER:-}" ]; then
  bash tools/require-program.sh chromedriver chromium-driver "set CHROMEDRIVER=/path/to/chromedriver"
fi

# Optional, when we can install Debian packages: a colour emoji font for the screenshots. (MathJax comes with the
# built book: make book vendors it, so the check needs none of its own.)
optional=()
if command -v fc-list >/dev/null 2>&1 && ! fc-list 2>/dev/null | grep -qi emoji; then optional+=(fonts-noto-color-emoji); fi
if [ ${#optional[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "setup: installing ${optional[*]} for the browser check"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${optional[@]}"; } >/dev/null 2>&1 \
    || echo "setup: (could not install ${optional[*]}; the check goes on without them)"
fi
