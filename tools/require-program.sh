#!/usr/bin/env bash
# require-program.sh PROGRAM DEBIAN_PACKAGES OTHER_WAYS
# Make sure PROGRAM is on PATH: install the Debian packages when we can (root, or sudo without a password,
# on Debian/Ubuntu); otherwise stop with one line saying how to install it.
set -euo pipefail
program=$1 packages=$2 other=${3:-}
command -v "$program" >/dev/null 2>&1 && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
  if [ "$sudo" != none ]; then
    echo "setup: '$program' is missing; installing Debian package(s) $packages"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $packages >/dev/null
    command -v "$program" >/dev/null 2>&1 && exit 0
  fi
fi
echo "error: '$program' is not installed; install it with: sudo apt-get install $packages${other:+ | $other}" >&2
exit 1
