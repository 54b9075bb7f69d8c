"""Open a chapter the way a Binder reader does, and check that JupyterLab shows it as a notebook.

Runs `postBuild` in a fresh, throw-away home (as repo2docker runs it), starts JupyterLab from .venv on 127.0.0.1
over the repository, opens `lab/tree/book/<chapter>.md` (the path of the book's launch buttons) in headless Chromium
and waits for a notebook with the Python 3 kernel. Fails if the chapter opens as text, or the kernel is not Python 3.
Saves a screenshot as _build/screenshots/binder_<chapter>.png. Run it with `make check-binder`.
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_site  # noqa: E402  (the same headless Chromium set-up)

ROOT = Path(__file__).resolve().parent.parent

WHAT_OPENED = """
if (document.querySelector('.jp-NotebookPanel .jp-Cell')) return 'notebook';
if (document.querySelector('.jp-FileEditor .cm-content')) return 'text editor';
return null;
"""
KERNEL = """
const status = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName, .jp-NotebookPanel .jp-KernelName');
return status ? status.textContent.trim() : null;
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_chapter() -> str:
    for name in check_site.toc_docnames(ROOT / "_toc.yml"):
        source = check_site.source_file(ROOT, name)
        if source and source.suffix == ".md" and "kernelspec" in source.read_text(encoding="utf-8")[:2000]:
            return str(source.relative_to(ROOT))
    raise SystemExit("error: _toc.yml lists no MyST notebook")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", nargs="?", help="path of a chapter .md (default: the first notebook in _toc.yml)")
    args = parser.parse_args(argv)
    chapter = args.chapter or first_chapter()
    bin_dir = Path(sys.executable).parent
    shots = ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

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
        }
        print(f"postBuild (in a fresh home): {subprocess.run([str(ROOT / 'postBuild')], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()!r}")
        port, token = free_port(), "check-binder"
        command = [
            str(bin_dir / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
            f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",  # absolute: nothing written into the repo
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        log = home / "jupyterlab.log"
        with open(log, "w") as log_file:
            lab = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and lab.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                print(log.read_text()[-3000:])
                print("error: JupyterLab did not start", file=sys.stderr)
                return 1
            with tempfile.TemporaryDirectory(prefix="check-binder-profile-") as profile:
                driver = check_site.start_browser(Path(profile))
                try:
                    driver.get(f"http://127.0.0.1:{port}/lab/tree/{chapter}?token={token}")
                    opened = kernel = None
                    deadline = time.monotonic() + 90
                    while time.monotonic() < deadline and not (opened == "notebook" and "Python" in (kernel or "")):
                        opened = driver.execute_script(WHAT_OPENED)
                        kernel = driver.execute_script(KERNEL) if opened == "notebook" else None
                        if opened == "text editor":
                            break
                        time.sleep(0.5)
                    shot = shots / f"binder_{Path(chapter).stem}.png"
                    shot.write_bytes(base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})["data"]))
                finally:
                    driver.quit()
        finally:
            lab.terminate()
            try:
                lab.wait(timeout=30)
            except subprocess.TimeoutExpired:
                lab.kill()

    print(f"{chapter} opened in JupyterLab as: {opened}; kernel: {kernel}; screenshot {shot.relative_to(ROOT)}")
    if opened != "notebook":
        print("FAIL: the chapter does not open as a notebook (is jupytext the default viewer? see postBuild)")
        return 1
    if not kernel or "Python 3" not in kernel:
        print(f"FAIL: the notebook's kernel is {kernel!r}, not Python 3")
        return 1
    print("check-binder: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
