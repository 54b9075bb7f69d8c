"""Open every page of the built book in headless Chromium and check what a reader would see.

Run after `make book` (or as `make check-site`). For each page that _toc.yml lists, it fails when:

- a cell's output is an error or a traceback (myst-nb renders these as ``.output.traceback``), unless the cell is
  tagged ``raises-exception`` (an error shown on purpose), or docutils left an error message in the page
  (``.system-message``, ``.problematic``);
- an image did not load (``naturalWidth == 0``) or points at a file that is not in the build;
- the page's source calls ``draw_causal_graph`` and the page shows no Graphviz SVG (an ``<svg>`` with Graphviz's
  ``<g class="graph">``, inline or as the ``.svg`` file that myst-nb writes for an ``image/svg+xml`` output), or a
  graph shows as its text repr;
- an internal link (``<a href>``, or a script, stylesheet or image the page loads) points at a file that does not
  exist, or at a ``#fragment`` that is not an id in the target page;
- a formula does not typeset (a TeX error), or a page with math has no working MathJax (the book serves its own
  copy, vendored by `make book`, so the page must typeset offline as it is; the check injects nothing);
- a code block, a cell output, a table or a formula overflows its column horizontally (its scroll width exceeds its
  client width: a reader would have to scroll it sideways), named by the block's first line. Folded (hide-input)
  cells are opened for this. The code column's width in characters is reported;
- the status page's execution table marks a chapter as failed, or the API page misses a name of
  ``rethinking_utils.__all__``;
- a page whose source has sphinx-exercise solutions shows a different number of solutions than it has exercises,
  or a solution whose body is visible before a click or still hidden after one (solutions start folded).

It saves a full-page screenshot of each page as _build/screenshots/<docname>.png. Chromium runs headless with its
networking features off; set CHROMIUM and CHROMEDRIVER to use binaries other than those on PATH.
Exit status: 0 when every page passes, 1 when any problem was found, 2 when the book is not built.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from tools.course import ROOT, public_names, source_file, strip_suffix, toc_docnames  # noqa: F401

# Console errors that are not a missing file: reported once at the end, not failures. Offline, every page logs
# that the CDN copies of MathJax and Thebe could not load; Sphinx 7 + sphinx-thebe declare THEBE_JS_URL twice.
CONSOLE_NOISE: set[str] = set()
COLUMNS: dict[str, int] = {}  # the code column's width in characters, per page
# Overflowing blocks, per page, when they are listed rather than failed (--overflow warn or CHECK_SITE_OVERFLOW=warn:
# a maintainer's survey of a build with many of them). By default (fail) a block wider than its column fails its page.
OVERFLOWS: dict[str, list[str]] = {}
OVERFLOW_MODE = {"mode": "fail"}
GRAPHVIZ_SVG = re.compile(r"<g\b[^>]*\bclass=\"graph\"")
DIGRAPH_REPR = re.compile(r"<graphviz\.(graphs\.)?(Di)?[Gg]raph object at 0x")

# The book serves its own MathJax 3 (make book vendors it into _static/mathjax): wait for it to typeset the page,
# and count the formulas and TeX errors. A page with math and no MathJax is a failure: offline, a reader would see
# raw TeX.
TYPESET_MATH = r"""
const done = arguments[arguments.length - 1];
const math = document.querySelectorAll(".math, span.math, div.math").length;
if (!math) { done({math: 0, typeset: 0, errors: [], engine: "none"}); return; }
const start = Date.now();
const wait = () => {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) {
    mj.startup.promise.then(() => done({
      math, typeset: document.querySelectorAll("mjx-container").length, engine: `MathJax ${mj.version || 3}`,
      errors: Array.from(document.querySelectorAll("mjx-merror")).map(
        (e) => e.getAttribute("data-mjx-error") || e.textContent),
    }));
  } else if (Date.now() - start > 20000) {
    done({math, typeset: 0, errors: [], engine: null});
  } else {
    setTimeout(wait, 100);
  }
};
wait();
"""

# Code blocks, outputs and tables that overflow their column (a reader must scroll them sideways), and the column's
# width in characters of the code font. Folded cells (hide-input) are opened first, so their code is measured too.
OVERFLOW_PROBE = r"""
const opened = [];
for (const d of document.querySelectorAll("details:not([open])")) { d.open = true; opened.push(d); }
const firstLine = (el) =>
  ((el.innerText || el.textContent || "").split("\n").find((l) => l.trim()) || "").trim().slice(0, 80);
const blocks = [];
const seen = new Set();
for (const el of document.querySelectorAll(
  "article pre, article .cell_output .output, article table, article .pst-scrollable-table-container, article div.math"
)) {
  if (!el.offsetParent || seen.has(el)) continue;  // hidden (remove-input, ...)
  seen.add(el);
  const kind = el.closest(".cell_output") ? "output" : el.closest(".cell_input, .highlight") ? "code" :
               el.matches("div.math") ? "math" :
               el.matches("table, .pst-scrollable-table-container") ? "table" : "block";
  blocks.push({kind, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, first: firstLine(el)});
}
let column = null;
const pre = Array.from(document.querySelectorAll("article .cell_input pre, article div.highlight pre"))
  .find((p) => p.offsetParent);
if (pre) {
  const span = document.createElement("span");
  span.textContent = "x".repeat(200);
  span.style.whiteSpace = "pre";
  pre.appendChild(span);
  const charWidth = span.getBoundingClientRect().width / 200;
  span.remove();
  const style = getComputedStyle(pre);
  const inner = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  column = {chars: Math.floor(inner / charWidth + 1e-6), px: inner, charWidth};
}
for (const d of opened) d.open = false;
return {blocks, column};
"""


def code_width() -> int | str:
    try:
        from tools.code_format import line_length

        return line_length()
    except Exception:  # noqa: BLE001 - only for the report
        return "?"


def overflow_problems(blocks: list[dict]) -> list[str]:
    """The blocks that are wider than their column (scrollWidth > clientWidth, allowing a pixel of rounding)."""
    return [
        f"{b['kind']} overflows its column ({b['scrollWidth']} px of content in {b['clientWidth']} px): {b['first']!r}"
        for b in blocks
        if b["scrollWidth"] > b["clientWidth"] + 1
    ]


# Problems a reader would see, found in the live page. Returns plain data for Python to judge.
# Each solution of the page (sphinx-exercise's div.solution): is its body visible before and after a click on its
# title (sphinx-togglebutton folds an .admonition.dropdown and opens it on a click)?
SOLUTIONS_PROBE = r"""
const visible = (el) => Array.from(el.children)
  .filter((c) => !c.classList.contains("admonition-title"))
  .some((c) => c.getClientRects().length > 0 && c.offsetHeight > 0);
const solutions = Array.from(document.querySelectorAll("div.solution")).map((el) => {
  const before = visible(el);
  const title = el.querySelector(".admonition-title");
  if (title) title.click();
  return {id: el.id, before: before, after: visible(el)};
});
return {exercises: document.querySelectorAll("div.exercise").length, solutions: solutions};
"""

PAGE_PROBE = r"""
const text = (el) => (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 200);
const errors = [];
// A cell tagged raises-exception shows its error on purpose (a chapter may teach with one).
const meant = (el) => !!el.closest(".tag_raises-exception");
for (const el of document.querySelectorAll(".output.traceback, .output.error, .system-message, .problematic")) {
  if (meant(el)) continue;
  errors.push(`${el.className.split(" ").slice(0, 3).join(".")}: ${text(el)}`);
}
for (const el of document.querySelectorAll(".cell_output, .output")) {
  const t = el.textContent || "";
  if (t.includes("Traceback (most recent call last)") && !el.matches(".output.traceback") && !meant(el)
      && !el.querySelector(".output.traceback")) {
    errors.push(`traceback in a cell output: ${text(el)}`);
  }
}
const stderr = Array.from(document.querySelectorAll(".output.stderr")).map(text);
const images = Array.from(document.images).map((img) => ({
  src: img.currentSrc || img.src, complete: img.complete, width: img.naturalWidth,
  inOutput: !!img.closest(".cell_output, figure, .figure"),
}));
const links = Array.from(document.querySelectorAll("a[href]")).map((a) => a.href);
const resources = [
  ...Array.from(document.querySelectorAll("script[src]")).map((s) => s.src),
  ...Array.from(document.querySelectorAll("link[href][rel~='stylesheet'], link[href][rel~='icon']")).map((l) => l.href),
];
const inlineGraphs = document.querySelectorAll("svg g.graph").length;
const outputsText = Array.from(document.querySelectorAll(".cell_output")).map((el) => el.textContent || "").join("\n");
const ids = Array.from(document.querySelectorAll("[id]")).map((el) => el.id);
return {errors, stderr, images, links, resources, inlineGraphs, outputsText, ids,
        title: document.title, height: document.documentElement.scrollHeight};
"""


# ---------------------------------------------------------------------------------------------------------------
# The pages: which ones, and where their sources and HTML files are.


# toc_docnames, source_file and strip_suffix come from tools.course (the one place that walks _toc.yml).


# ---------------------------------------------------------------------------------------------------------------
# Files and links.


class _IdCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


_ID_CACHE: dict[Path, set[str]] = {}


def ids_in(html_file: Path) -> set[str]:
    """Every id (and <a name>) in an HTML file: the #fragments a link to it may use."""
    if html_file not in _ID_CACHE:
        parser = _IdCollector()
        parser.feed(html_file.read_text(encoding="utf-8", errors="replace"))
        _ID_CACHE[html_file] = parser.ids
    return _ID_CACHE[html_file]


def link_problem(url: str, html_dir: Path, page_ids: set[str] | None = None, page: Path | None = None) -> str | None:
    """Why an absolute link from a page is broken, or None when it is fine or not internal.

    Internal means a file:// URL inside the built site. ``page`` and ``page_ids`` (the live page's ids, which
    include those its scripts added) let a same-page ``#fragment`` be checked against what the reader has.
    """
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return None  # http(s), mailto, javascript: not ours to check offline
    target = Path(unquote(parsed.path))
    try:
        target.resolve().relative_to(html_dir.resolve())
    except ValueError:
        return f"{url}: points outside the built site"
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"{url}: no such file in the build"
    fragment = unquote(urldefrag(url).fragment)
    if not fragment or target.suffix != ".html":
        return None
    if page is not None and page_ids is not None and target.resolve() == page.resolve():
        known = page_ids | ids_in(target)
    else:
        known = ids_in(target)
    if fragment not in known:
        return f"{url}: no element with id {fragment!r} in {target.name}"
    return None


def is_graphviz_svg(path: Path) -> bool:
    """An .svg file written by Graphviz (it wraps the drawing in <g class="graph">)."""
    if path.suffix != ".svg" or not path.is_file():
        return False
    return bool(GRAPHVIZ_SVG.search(path.read_text(encoding="utf-8", errors="replace")))


def file_of(url: str) -> Path | None:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def calls_draw_causal_graph(source: Path | None) -> bool:
    return bool(source) and "draw_causal_graph(" in source.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# The browser.


def find_program(env: str, *names: str) -> str:
    path = os.environ.get(env) or next((shutil.which(n) for n in names if shutil.which(n)), None)
    if not path:
        raise SystemExit(
            f"error: {names[0]} not found; run `make check-site` (it installs it on Debian/Ubuntu) or set {env}=/path"
        )
    return path


def start_browser(profile: Path):
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager try to download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = find_program("CHROMIUM", "chromium", "chromium-browser", "google-chrome")
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=find_program("CHROMEDRIVER", "chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    return driver


def wait_for_images(driver, timeout: float = 15.0) -> None:
    """Make lazy images load, then wait until every image has finished (loaded or failed)."""
    driver.execute_script(
        "for (const img of document.images) { img.loading = 'eager'; }"
        "window.scrollTo(0, document.documentElement.scrollHeight); window.scrollTo(0, 0);"
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script("return Array.from(document.images).every((img) => img.complete)"):
            return
        time.sleep(0.2)


def screenshot(driver, path: Path, width: int = 1280) -> tuple[int, int]:
    """A full-page PNG through the DevTools protocol (Page.captureScreenshot with captureBeyondViewport).

    The viewport is first made as tall as the page, with CSS transitions off, and given time to settle: the theme
    animates its sidebars on a resize, and a capture taken mid-animation shows the page shifted sideways.
    """
    driver.execute_script(
        "const style = document.createElement('style');"
        "style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';"
        "document.head.appendChild(style); window.scrollTo(0, 0);"
    )
    height = int(driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]["height"])
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        time.sleep(0.5)
        height = int(driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]["height"])
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return width, height


# ---------------------------------------------------------------------------------------------------------------
# One page.


def solution_problems(probe: dict) -> list[str]:
    """Problems of a page's exercises and solutions, from SOLUTIONS_PROBE's answer."""
    solutions = probe["solutions"]
    problems = []
    if len(solutions) != probe["exercises"]:
        problems.append(f"{probe['exercises']} exercises but {len(solutions)} solutions")
    for solution in solutions:
        if solution["before"]:
            problems.append(f"solution {solution['id']} is open before a click: give it `:class: dropdown`")
        elif not solution["after"]:
            problems.append(f"solution {solution['id']} stays hidden after a click on its title")
    return problems


def check_page(driver, docname: str, root: Path, html_dir: Path, shots: Path | None, api_names: list[str]) -> list[str]:
    page = html_dir / f"{docname}.html"
    source = source_file(root, docname)
    if not page.is_file():
        print(f"FAIL {docname}: {page} is missing")
        return [f"{page} is missing: the toc lists {docname}; run `make book`"]
    driver.get(page.as_uri())
    wait_for_images(driver)
    math = driver.execute_async_script(TYPESET_MATH)
    probe = driver.execute_script(PAGE_PROBE)
    problems = list(probe["errors"])
    problems += [f"math error ({math['engine']}): {error}" for error in math["errors"]]
    if math["math"] and not math["engine"]:
        problems.append(f"{math['math']} formulas are not typeset: the page's MathJax did not load (raw TeX)")
    folded = None
    if source is not None and "{solution" in source.read_text(encoding="utf-8"):
        folded = driver.execute_script(SOLUTIONS_PROBE)  # opens every solution: the overflow probe measures them
        problems += solution_problems(folded)
    layout = driver.execute_script(OVERFLOW_PROBE)
    overflows = overflow_problems(layout["blocks"])
    if OVERFLOW_MODE["mode"] == "fail":
        problems += overflows
    elif overflows:
        OVERFLOWS[docname] = overflows
    if layout["column"]:
        COLUMNS[docname] = layout["column"]["chars"]

    for img in probe["images"]:
        path = file_of(img["src"])
        if path is not None and not path.is_file():
            problems.append(f"image {img['src']} is not in the build")
        elif not img["complete"] or img["width"] == 0:
            problems.append(f"image {img['src']} did not load (naturalWidth 0)")

    output_images = [p for p in (file_of(i["src"]) for i in probe["images"] if i["inOutput"]) if p]
    graphs = probe["inlineGraphs"] + sum(is_graphviz_svg(p) for p in output_images)
    if calls_draw_causal_graph(source):
        if graphs == 0:
            problems.append("the source calls draw_causal_graph but the page shows no Graphviz SVG")
    if DIGRAPH_REPR.search(probe["outputsText"]):
        problems.append("a graph is shown as its text repr (<graphviz... object at 0x...>), not as a drawing")

    page_ids = set(probe["ids"])
    seen: set[str] = set()
    for url in probe["links"] + probe["resources"]:
        if url in seen:
            continue
        seen.add(url)
        problem = link_problem(url, html_dir, page_ids=page_ids, page=page)
        if problem:
            problems.append(f"broken link {problem}")

    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        if "ERR_FILE_NOT_FOUND" in message:
            problems.append(f"browser console: {message[:200]}")
        elif entry.get("level") == "SEVERE":
            CONSOLE_NOISE.add(re.sub(r"^\S+ \d+:\d+ ", "", message)[:200])

    if re.search(r"(^|/)status$", docname) and "❌" in driver.execute_script("return document.body.innerText"):
        problems.append("the execution table marks a chapter as failed (❌)")
    if re.search(r"(^|/)api$", docname):
        missing = [n for n in api_names if f"rethinking_utils.{n}" not in page_ids]
        if missing:
            problems.append(f"the API page documents no {missing}")

    notes = [f"{len(output_images)} output images", f"{graphs} Graphviz SVGs", f"{len(seen)} links"]
    if folded is not None:
        notes.append(f"{len(folded['solutions'])} solutions, folded until clicked")
    if math["math"]:
        notes.append(
            f"{math['math']} formulas" + (f" typeset by {math['engine']}" if math["engine"] else " NOT typeset")
        )
    if layout["column"]:
        notes.append(f"code column {layout['column']['chars']} characters")
    if probe["stderr"]:
        notes.append(f"{len(probe['stderr'])} stderr outputs (shown to readers; check they are meant)")
    if source is not None and source.stat().st_mtime > page.stat().st_mtime:
        notes.append("built before its source last changed: run `make book`")
    if shots is not None:
        shot = shots / f"{docname.replace('/', '_')}.png"
        width, height = screenshot(driver, shot)
        notes.append(f"screenshot {shot.relative_to(root) if shot.is_relative_to(root) else shot} ({width}x{height})")
    status = "FAIL" if problems else "ok"
    print(f"{status:4} {docname}: {probe['title']!r}; " + ", ".join(notes))
    for problem in problems:
        print(f"       - {problem}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's root (where _toc.yml is)")
    parser.add_argument("--html", type=Path, help="the built HTML (default: ROOT/_build/html)")
    parser.add_argument("--screenshots", type=Path, help="where to save screenshots (default: ROOT/_build/screenshots)")
    parser.add_argument("--no-screenshots", action="store_true")
    parser.add_argument(
        "--overflow",
        choices=["warn", "fail"],
        default=os.environ.get("CHECK_SITE_OVERFLOW", "fail"),
        help="what a block wider than its column does: fails its page (default) or is listed as a warning",
    )
    args = parser.parse_args(argv)
    OVERFLOW_MODE["mode"] = args.overflow
    OVERFLOWS.clear()
    root = args.root.resolve()
    html_dir = (args.html or root / "_build" / "html").resolve()
    shots = None if args.no_screenshots else (args.screenshots or root / "_build" / "screenshots").resolve()

    docnames = toc_docnames(root / "_toc.yml")
    if not (html_dir / "index.html").is_file():
        print(f"error: {html_dir} has no built book; run `make book` first", file=sys.stderr)
        return 2
    if shots is not None and shots.exists():
        for old in shots.glob("*.png"):  # no screenshot left over from a page that is gone
            if not old.name.startswith("binder_"):  # (those are make check-binder's)
                old.unlink()
    print(f"Checking {len(docnames)} pages of {html_dir} in headless Chromium")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="check-site-profile-") as profile:
        driver = start_browser(Path(profile))
        try:
            print(f"  {driver.capabilities.get('browserName')} {driver.capabilities.get('browserVersion')}")
            api_names = public_names()
            for docname in docnames:
                failures += bool(check_page(driver, docname, root, html_dir, shots, api_names))
        finally:
            driver.quit()
    if CONSOLE_NOISE:
        print("Browser console errors seen (not failures: toolchain or offline noise):")
        for message in sorted(CONSOLE_NOISE):
            print(f"  {message}")
    if OVERFLOWS:
        count = sum(len(found) for found in OVERFLOWS.values())
        print(
            f"WARNING: {count} blocks wider than their column on {len(OVERFLOWS)} pages (a reader scrolls them "
            "sideways; listed, not failed, because of --overflow warn):"
        )
        for docname, found in OVERFLOWS.items():
            for problem in found:
                print(f"  {docname}: {problem}")
    if COLUMNS:
        print(
            f"The code column shows {min(COLUMNS.values())} to {max(COLUMNS.values())} characters of a line "
            f"(at 1280 px); code is formatted at {code_width()}."
        )
    print(
        f"check-site: {len(docnames) - failures} of {len(docnames)} pages ok"
        + (f", {failures} with problems" if failures else "")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
