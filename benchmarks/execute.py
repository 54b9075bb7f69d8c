"""Execute one chapter in a fresh kernel and measure it: wall time, per-cell times, peak kernel memory.

The chapter is read from its MyST .md with jupytext and run by nbclient, as the book build does.
Compile caches are chosen by the caller: every cache the chapter can write (PyTensor's C modules, PyTensor's
numba cache, Numba's own) goes under one folder, empty for a cold run and the same again for a warm one.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import psutil
from nbclient import NotebookClient


@dataclass
class ChapterRun:
    chapter: str
    cache: str
    seconds: float
    peak_rss_mb: float
    slowest_cells: list[tuple[int, float, str]] = field(default_factory=list)


class PeakMemory:
    """Poll a process tree's resident memory (kernel plus any sampler child processes) in a thread."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip() and not line.startswith(("#", "%"))]
    return (lines[0] if lines else "")[:70]


def cache_env(cache_dir: Path) -> dict[str, str]:
    """Environment variables that put every compile cache of a process under `cache_dir`.

    PyTensor keeps its numba cache in `base_compiledir/numba`, not in `compiledir`: setting only `compiledir`
    (as this benchmark did until 2026-11-29) left the numba cache in ~/.pytensor, warm for every "cold" run.
    """
    return {
        "PYTENSOR_FLAGS": f"base_compiledir={cache_dir / 'pytensor'}",
        "NUMBA_CACHE_DIR": str(cache_dir / "numba"),
    }


def execute_chapter(path: Path, cache_dir: Path | None, label: str, timeout: int = 900) -> ChapterRun:
    """Run every code cell of the chapter at `path` with compile caches under `cache_dir` (None: wherever this
    process's environment puts them, as tools/prewarm.py wants)."""
    notebook = jupytext.read(path)
    env = dict(os.environ) | (cache_env(cache_dir) if cache_dir is not None else {})
    env["MPLBACKEND"] = "Agg"
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    cell_seconds: list[tuple[int, float, str]] = []
    start = time.perf_counter()
    with client.setup_kernel(env=env):
        with PeakMemory(client.km.provisioner.process.pid) as memory:
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                cell_start = time.perf_counter()
                client.execute_cell(cell, index)
                cell_seconds.append((index, time.perf_counter() - cell_start, _first_line(cell.source)))
    seconds = time.perf_counter() - start
    slowest = sorted(cell_seconds, key=lambda c: -c[1])[:5]
    return ChapterRun(path.stem, label, seconds, memory.peak / 2**20, slowest)
