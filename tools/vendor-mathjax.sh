#!/usr/bin/env bash
# MathJax served with the book, so that the equations render with no network (a classroom offline, a built copy
# opened from disk). `make book` runs this before building: it fetches the pinned MathJax release from the npm
# registry (`npm pack`; npm's cache makes later runs work offline), checks the tarball against the pinned sha512,
# and unpacks what the browser loads into _build/vendor/mathjax. _config.yml's html_static_path copies that into the
# site's _static/, and mathjax_path points the pages at _static/mathjax/tex-mml-chtml.js (Sphinx's default
# component, otherwise loaded from a CDN). Idempotent: nothing to do when the pinned version is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=3.2.2
INTEGRITY="sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
DEST=_build/vendor/mathjax

if [ "$(cat "$DEST/.version" 2>/dev/null || true)" = "$VERSION" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is needed once to fetch MathJax $VERSION for the book (apt-get install npm, or install Node.js)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "setup: fetching MathJax $VERSION from the npm registry"
(cd "$tmp" && npm pack --silent --prefer-offline "mathjax@$VERSION" >/dev/null)
tarball="$tmp/mathjax-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "error: mathjax-$VERSION.tgz does not match its pinned checksum ($actual)" >&2
  exit 1
fi
tar xzf "$tarball" -C "$tmp"
es5="$tmp/package/es5"
rm -rf "$DEST"
mkdir -p "$DEST/output"
# The combined TeX+MathML input / CommonHTML output component, and what it loads on demand: TeX extensions
# (autoload), the fonts, the menu and accessibility parts. Not the other combined components or the SVG output.
cp "$es5/tex-mml-chtml.js" "$DEST/"
cp -r "$es5/input" "$es5/a11y" "$es5/ui" "$es5/sre" "$DEST/"
cp -r "$es5/output/chtml" "$es5/output/chtml.js" "$DEST/output/"
cp "$tmp/package/LICENSE" "$DEST/LICENSE"
echo "$VERSION" > "$DEST/.version"
echo "setup: MathJax $VERSION in $DEST ($(du -sh "$DEST" | cut -f1))"
