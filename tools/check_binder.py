"""Open the chapters the way a Binder reader does, and check what JupyterLab shows.

Runs `postBuild` in a fresh, throw-away home (as repo2docker runs it), starts JupyterLab from .venv on 127.0.0.1
over a throw-away copy of book/ (with autosave off: nothing is ever written into the repository), and opens each
chapter of _toc.yml at `lab/tree/book/<chapter>.md` (the path of the book's launch buttons) in headless Chromium.
For each chapter it fails when

- the chapter opens as text instead of a notebook, or its kernel is not Python 3;
- a check cell (a code cell tagged ``remove-cell``: glue and claims, hidden from the rendered book) lacks the
  ``jupyter: {source_hidden: true}`` metadata, or does not start with a comment that says what it checks;
- JupyterLab does not show every check cell collapsed, or shows a teaching cell collapsed. JupyterLab's own view of
  each cell (``cell.inputHidden``, read through the app object that ``--LabApp.expose_app_in_browser`` exposes) is
  compared with the notebook's tags, and in the page the first check cell shows JupyterLab's collapsed-input
  placeholder instead of its code.

Screenshots: ``_build/screenshots/binder_<chapter>.png`` (the notebook as it opens) and
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

from tools import check_site, course

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


def screenshot(driver, path: Path) -> None:
    path.write_bytes(base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})["data"]))


def check_chapter(driver, port: int, token: str, served: Path, rel: str, shots: Path) -> list[str]:
    """Open ``rel`` (a path under ``served``, the copy JupyterLab serves) and compare what JupyterLab shows."""
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
    return problems


def start_lab(home: Path, env: dict, port: int, token: str) -> subprocess.Popen:
    """JupyterLab over a copy of book/ in the throw-away home, autosave off (a notebook view can mark a document
    changed; the repository's chapters must never be saved by this check)."""
    shutil.copytree(ROOT / "book", home / "repo" / "book")
    settings = home / "lab-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
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
    parser.add_argument("chapters", nargs="*", type=Path, help="chapter .md files (default: every chapter in _toc.yml)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below (stop JupyterLab, Chromium)
    chapters = [p.resolve() for p in args.chapters] or course.chapters()
    bin_dir = Path(sys.executable).parent
    shots = ROOT / "_build" / "screenshots"
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
        post_build = subprocess.run(
            [str(ROOT / "postBuild")], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        print(f"postBuild (in a fresh home): {post_build.stdout.strip()!r}")
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
                    for chapter in chapters:
                        rel = chapter.relative_to(ROOT).as_posix()
                        problems = check_chapter(driver, port, token, home / "repo", rel, shots)
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

    print(
        f"check-binder: {len(chapters) - failures} of {len(chapters)} chapters ok; screenshots in "
        f"{shots.relative_to(ROOT)}/binder_*.png"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
