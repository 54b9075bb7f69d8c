"""Open the chapters the way a Binder reader does, and check what JupyterLab shows.

Copies the repository into a fresh, throw-away home and runs the copy's `postBuild` there (as repo2docker runs it:
jupytext's viewer, the pre-warm, and the notebook view of tools/notebook_view.py, which rewrites the copy's
book/*.md), starts JupyterLab from .venv on 127.0.0.1 over that copy (with autosave off), and opens each page of
_toc.yml at `lab/tree/book/<page>.md` (the path of the book's launch buttons) in headless Chromium. The records of
the pages' runs (``_build/notebook_view/``) are kept in this checkout between runs and reused while a page's code
is unchanged, and made from `make book`'s execution cache when there is one, so that only a page neither has run is
executed again. For each page it fails when

- JupyterLab's rendered Markdown shows raw MyST: a role (``{glue:text}``, ``{cite:p}``, ``{doc}``, ``{ref}``,
  ``{numref}``, ...) or a fenced directive (``{exercise}``, ``{solution}``, ``{note}``, ...) - the message names the
  page, the cell and the text. Every cell is rendered (the notebook's windowing is off), and the text of code spans,
  code blocks and equations does not count.

and, for each chapter, when

- the chapter opens as text instead of a notebook, or its kernel is not Python 3;
- a check cell (a code cell tagged ``remove-cell``: glue and claims, hidden from the rendered book) lacks the
  ``jupyter: {source_hidden: true}`` metadata, or does not start with a comment that says what it checks;
- JupyterLab does not show every check cell collapsed, or shows a teaching cell collapsed. JupyterLab's own view of
  each cell (``cell.inputHidden``, read through the app object that ``--LabApp.expose_app_in_browser`` exposes) is
  compared with the notebook's tags, and in the page the first check cell shows JupyterLab's collapsed-input
  placeholder instead of its code.

Screenshots: ``_build/screenshots/binder_<page>.png`` (the notebook as it opens), ``binder_<chapter>_numbers.png``
(scrolled to the first paragraph with glued numbers) and
``binder_<chapter>_check.png`` (scrolled to the first check cell, collapsed). Run it with `make check-binder`, or
``python -m tools.check_binder book/radon.md`` for one chapter.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext

from tools import check_site, course, notebook_view

ROOT = course.ROOT
CHECK_TAG = "remove-cell"
PREWARM_DEFAULT = "multilevel_models"  # the chapter postBuild pre-warms here (COURSE_PREWARM overrides it)


def cached_files(home: Path) -> int:
    """How many compiled files (numba's .nbi/.nbc, PyTensor's C modules) the pre-warm left in ``home/.pytensor``."""
    return sum(1 for f in (home / ".pytensor").rglob("*") if f.suffix in {".nbi", ".nbc", ".so"})


WHAT_OPENED = """
if (document.querySelector('.jp-NotebookPanel .jp-Cell')) return 'notebook';
if (document.querySelector('.jp-FileEditor .cm-content')) return 'text editor';
return null;
"""
KERNEL = """
const status = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName, .jp-NotebookPanel .jp-KernelName');
return status ? status.textContent.trim() : null;
"""
# JupyterLab's own view of the open notebook: for each cell, its type and whether its input is collapsed.
CELLS = """
const app = window.jupyterapp;
if (!app) return null;
const panel = app.shell.currentWidget;
if (!panel || !panel.content || !panel.content.widgets) return null;
return panel.content.widgets.map((cell) => [cell.model.type, Boolean(cell.inputHidden)]);
"""
# Every Markdown cell as JupyterLab rendered it: its text without code, code blocks and equations, and the language
# classes of its code blocks (a raw ```{exercise} fence renders as a code block of "language-{exercise}").
# null until the page at path arguments[0] is the current document and every cell of it is rendered.
RENDERED_MARKDOWN = """
const app = window.jupyterapp;
const panel = app && app.shell.currentWidget;
if (!panel || !panel.content || !panel.content.widgets || !panel.context || panel.context.path !== arguments[0]) {
  return null;
}
if (!panel.context.isReady || !panel.content.widgets.length) return null;
const found = [];
for (const [index, cell] of panel.content.widgets.entries()) {
  if (cell.model.type !== 'markdown') continue;
  const source = cell.model.sharedModel.getSource();
  const out = cell.node.querySelector('.jp-RenderedMarkdown');
  if (source.trim() && (!out || !out.childElementCount)) return null;
  if (!out) continue;
  const copy = out.cloneNode(true);
  const langs = [...copy.querySelectorAll('pre code, pre')].map((el) => el.className).filter((c) => c.includes('{'));
  copy.querySelectorAll('code, pre, mjx-container, .MathJax, script, .jp-InputPrompt').forEach((el) => el.remove());
  found.push([index, copy.textContent, langs]);
}
return found;
"""
# Scroll to cell `index` (an index over all cells) and report what the page shows there.
SHOW_CELL = """
const [index, done] = [arguments[0], arguments[arguments.length - 1]];
const notebook = window.jupyterapp.shell.currentWidget.content;
const cell = notebook.widgets[index];
notebook.activeCellIndex = index;
Promise.resolve(notebook.scrollToItem ? notebook.scrollToItem(index, 'center') : notebook.scrollToCell(cell))
  .catch(() => null)
  .then(() => new Promise((r) => setTimeout(r, 500)))
  .then(() => { cell.node.scrollIntoView({block: 'center'}); return new Promise((r) => setTimeout(r, 800)); })
  .then(() => {
    const node = cell.node;
    const placeholder = node.querySelector('.jp-InputPlaceholder, .jp-Placeholder');
    const editor = node.querySelector('.jp-InputArea-editor');
    done({
      inDom: document.body.contains(node),
      placeholder: Boolean(placeholder && placeholder.offsetParent !== null),
      codeVisible: Boolean(editor && editor.offsetParent !== null),
    });
  });
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def expected_cells(path: Path) -> tuple[list[tuple[str, bool]], list[str]]:
    """What JupyterLab should show: ``[(cell type, collapsed)]`` for every cell, and the problems of the source
    (check cells without the collapsed metadata or without a first-line comment)."""
    notebook = jupytext.read(path)
    cells, problems = [], []
    for index, cell in enumerate(notebook.cells):
        is_check = cell.cell_type == "code" and CHECK_TAG in cell.metadata.get("tags", [])
        cells.append((cell.cell_type, is_check))
        if not is_check:
            continue
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if not (cell.metadata.get("jupyter") or {}).get("source_hidden"):
            problems.append(f"check cell {index} ({first[:60]!r}) has no `jupyter: {{source_hidden: true}}`")
        if not first.startswith("#"):
            problems.append(f"check cell {index} does not start with a comment saying what it checks: {first[:60]!r}")
    return cells, problems


def raw_myst(rel: str, rendered: list, limit: int = 8) -> list[str]:
    """The problems of one page's rendered Markdown: ``rendered`` is ``[(cell index, text, code classes)]`` as
    RENDERED_MARKDOWN returns it. Names the page, the cell and the raw text (with some of its context); after
    ``limit`` of them, only how many more there are."""
    problems = []
    for index, text, langs in rendered:
        for match in notebook_view.RAW_MYST.finditer(text):
            start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
            context = " ".join(text[start:end].split())
            problems.append(f"{rel}, Markdown cell {index}: raw MyST {match.group(0)!r} is shown: ...{context}...")
        for lang in langs:
            problems.append(f"{rel}, Markdown cell {index}: a raw directive fence is shown (code block {lang!r})")
    if len(problems) > limit:
        problems[limit:] = [f"{rel}: and {len(problems) - limit} more raw roles or directives"]
    return problems


def wait_rendered(driver, rel: str, timeout: float = 60) -> list | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = driver.execute_script(RENDERED_MARKDOWN, rel)
        if found is not None:
            return found
        time.sleep(0.5)
    return None


def screenshot(driver, path: Path) -> None:
    path.write_bytes(base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})["data"]))


def check_page(driver, port: int, token: str, served: Path, rel: str, shots: Path) -> list[str]:
    """Open a page that is not a chapter and check its rendered Markdown for raw MyST."""
    driver.get(f"http://127.0.0.1:{port}/lab/tree/{rel}?token={token}")
    rendered = wait_rendered(driver, rel, timeout=120)
    opened = "notebook" if rendered is not None else driver.execute_script(WHAT_OPENED)
    screenshot(driver, shots / f"binder_{Path(rel).stem}.png")
    print(f"{rel}: opened as {opened}; {len(rendered or [])} Markdown cells rendered")
    if rendered is None:
        return [f"{rel}: it did not open as a notebook with every Markdown cell rendered within 120 s ({opened})"]
    return raw_myst(rel, rendered)


def first_glue_cell(path: Path) -> int | None:
    """The index of the first Markdown cell of a page's source that quotes a glued value."""
    cells = jupytext.read(path).cells
    return next((i for i, c in enumerate(cells) if c.cell_type == "markdown" and "{glue" in c.source), None)


def check_chapter(
    driver, port: int, token: str, served: Path, rel: str, shots: Path, numbers_cell: int | None = None
) -> list[str]:
    """Open ``rel`` (a path under ``served``, the copy JupyterLab serves) and compare what JupyterLab shows;
    ``numbers_cell``: a cell to show in a screenshot (``binder_<chapter>_numbers.png``), the first with numbers."""
    chapter = served / rel
    expected, problems = expected_cells(chapter)
    driver.get(f"http://127.0.0.1:{port}/lab/tree/{rel}?token={token}")
    opened = kernel = seen = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        opened = driver.execute_script(WHAT_OPENED)
        if opened == "text editor":
            break
        if opened == "notebook":
            kernel = driver.execute_script(KERNEL)
            seen = driver.execute_script(CELLS)
            if "Python" in (kernel or "") and seen and len(seen) == len(expected):
                break
        time.sleep(0.5)
    screenshot(driver, shots / f"binder_{chapter.stem}.png")
    checks = [i for i, (_, hidden) in enumerate(expected) if hidden]
    print(f"{rel}: opened as {opened}; kernel {kernel}; {len(expected)} cells, {len(checks)} check cells")
    if opened != "notebook":
        return problems + ["it does not open as a notebook (is jupytext the default viewer? see postBuild)"]
    if not kernel or "Python 3" not in kernel:
        problems.append(f"the notebook's kernel is {kernel!r}, not Python 3")
    if seen is None:
        return problems + ["JupyterLab's app object is not exposed (--LabApp.expose_app_in_browser)"]
    seen = [tuple(cell) for cell in seen]
    if [t for t, _ in seen] != [t for t, _ in expected]:
        return problems + [f"JupyterLab shows {len(seen)} cells, the notebook has {len(expected)}"]
    rendered = wait_rendered(driver, rel)
    if rendered is None:
        problems.append("JupyterLab did not render every Markdown cell within 60 s")
    else:
        problems += raw_myst(rel, rendered)
    for index, ((kind, want), (_, got)) in enumerate(zip(expected, seen)):
        if want and not got:
            problems.append(f"check cell {index} is shown expanded (JupyterLab did not honour source_hidden)")
        elif got and not want:
            problems.append(f"{kind} cell {index} is collapsed but is not a check cell")
    if not checks:
        problems.append("the chapter has no check cell (code cell tagged remove-cell) to show collapsed")
    else:
        shown = driver.execute_async_script(SHOW_CELL, checks[0])
        screenshot(driver, shots / f"binder_{chapter.stem}_check.png")
        if not (shown["inDom"] and shown["placeholder"] and not shown["codeVisible"]):
            problems.append(f"in the page, check cell {checks[0]} is not drawn collapsed: {shown}")
        else:
            print(f"  check cell {checks[0]} is drawn as JupyterLab's collapsed placeholder, its code hidden")
    if numbers_cell is not None:
        driver.execute_async_script(SHOW_CELL, numbers_cell)
        screenshot(driver, shots / f"binder_{chapter.stem}_numbers.png")
    return problems


COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "_build", "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info"
)


def copy_repository(root: Path, home: Path) -> Path:
    """The repository as Binder's image holds it, in the throw-away home, with this checkout's records of the pages'
    runs (reused by the notebook view while a page's code is unchanged)."""
    repo = home / "repo"
    shutil.copytree(root, repo, ignore=COPY_IGNORE, symlinks=True)
    records = root / notebook_view.RECORDS
    if records.is_dir():
        shutil.copytree(records, repo / notebook_view.RECORDS)
    return repo


def keep_records(root: Path, repo: Path) -> None:
    """Keep the records the copy's postBuild wrote, for the next run."""
    made = repo / notebook_view.RECORDS
    if made.is_dir():
        shutil.copytree(made, root / notebook_view.RECORDS, dirs_exist_ok=True)


def start_lab(home: Path, env: dict, port: int, token: str) -> subprocess.Popen:
    """JupyterLab over the copy of the repository in the throw-away home, autosave off (a notebook view can mark a
    document changed; nothing is saved by this check), and the notebook's windowing off, so that every cell is
    rendered and checked, not only those in view."""
    settings = home / "lab-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    tracker = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    bin_dir = Path(sys.executable).parent
    command = [
        str(bin_dir / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={home / 'repo'}",
        f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",  # absolute: nothing written into the repo
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: read each cell's collapsed state
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(home / "jupyterlab.log", "w")
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path, help="page .md files (default: every page of _toc.yml)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository to check (default: this checkout)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below (stop JupyterLab, Chromium)
    root = args.root.resolve()
    chapters = set(course.chapters(root))
    pages = [p.resolve() for p in args.pages] or notebook_view.pages(root)
    bin_dir = Path(sys.executable).parent
    shots = root / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    failures = 0

    with tempfile.TemporaryDirectory(prefix="check-binder-home-") as home_dir:
        home = Path(home_dir)
        env = {
            **os.environ,
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
            "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            # Pre-warming every chapter would take as long as the book; one chapter proves the mechanism.
            "COURSE_PREWARM": os.environ.get("COURSE_PREWARM", PREWARM_DEFAULT),
        }
        env.pop("PYTENSOR_FLAGS", None)  # Binder sets none: the cache must land in the (throw-away) home
        from_book = notebook_view.records_from_book_cache(root)
        if from_book:
            print(f"notebook view: glued values of {len(from_book)} page(s) taken from make book's execution cache")
        repo = copy_repository(root, home)
        post_build = subprocess.run([str(repo / "postBuild")], cwd=repo, env=env, capture_output=True, text=True)
        keep_records(root, repo)
        print(f"postBuild (in a fresh home): {post_build.stdout.strip()!r}")
        if post_build.returncode:
            print(post_build.stderr[-3000:])
            print(f"error: postBuild failed (exit status {post_build.returncode})", file=sys.stderr)
            return 1
        if env["COURSE_PREWARM"] != "none":
            cached = cached_files(home)
            print(f"pre-warm left {cached} compiled file(s) in the home's .pytensor")
            if not cached:
                print("  FAIL: postBuild ran the pre-warm but left no compile cache in ~/.pytensor")
                failures += 1
        port, token = free_port(), "check-binder"
        lab = start_lab(home, env, port, token)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and lab.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                print((home / "jupyterlab.log").read_text()[-3000:])
                print("error: JupyterLab did not start", file=sys.stderr)
                return 1
            with tempfile.TemporaryDirectory(prefix="check-binder-profile-") as profile:
                driver = check_site.start_browser(Path(profile))
                try:
                    for page in pages:
                        rel = page.relative_to(root).as_posix()
                        if page in chapters:
                            numbers = first_glue_cell(page)
                            problems = check_chapter(driver, port, token, repo, rel, shots, numbers)
                        else:
                            problems = check_page(driver, port, token, repo, rel, shots)
                        failures += bool(problems)
                        for problem in problems:
                            print(f"  FAIL: {problem}")
                finally:
                    driver.quit()
        finally:
            lab.terminate()
            try:
                lab.wait(timeout=30)
            except subprocess.TimeoutExpired:
                lab.kill()

    print(f"check-binder: {len(pages) - failures} of {len(pages)} pages ok; screenshots in {shots}/binder_*.png")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
