"""Execute one chapter in a fresh kernel and measure it: wall time, per-cell times, peak kernel memory.

The chapter is read from its MyST .md with jupytext and run by nbclient, as the book build does.
Compile caches are chosen by the caller: every cache the chapter can write (PyTensor's C modules, PyTensor's
numba cache, Numba's own) goes under one folder, empty for a cold run and the same again for a warm one.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import psutil
from nbclient import NotebookClient
from nbformat import NotebookNode


@dataclass
class ChapterRun:
    chapter: str
    cache: str
    seconds: float
    peak_rss_mb: float
    slowest_cells: list[tuple[int, float, str]] = field(default_factory=list)
    compile_seconds: float = 0.0  # in rethinking_utils.compile_model, all the chapter's models
    sampling_seconds: float = 0.0  # in nutpie's sampler, all the chapter's fits: the floor of any sampler path
    models: int = 0
    fits: int = 0


def _read_timing_log(path: Path) -> dict[str, float]:
    """Sum the records rethinking_utils wrote (TIMING_LOG_ENV): compile and sampling seconds, and their counts."""
    sums = {"compile_seconds": 0.0, "sampling_seconds": 0.0, "models": 0, "fits": 0}
    if path.exists():
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if record["event"] == "compile":
                sums["compile_seconds"] += record["seconds"]
                sums["models"] += 1
            elif record["event"] == "sample":
                sums["sampling_seconds"] += record["seconds"]
                sums["fits"] += 1
    return sums


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

    def __enter__(self) -> PeakMemory:
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


def execute_chapter(
    path: Path,
    cache_dir: Path | None,
    label: str,
    timeout: int = 900,
    extra_env: dict[str, str] | None = None,
    on_executed: Callable[[NotebookNode], None] | None = None,
) -> ChapterRun:
    """Run every code cell of the chapter at `path` with compile caches under `cache_dir` (None: wherever this
    process's environment puts them, as tools/prewarm.py wants). `extra_env` is added to the kernel's environment;
    `on_executed` is given the executed notebook (its outputs), as tools/prewarm.py keeps the glued values."""
    notebook = jupytext.read(path)
    env = (
        {"RETHINKING_UTILS_PROGRESS": "0"}
        | dict(os.environ)
        | (cache_env(cache_dir) if cache_dir is not None else {})
        | (extra_env or {})
    )
    env["MPLBACKEND"] = "Agg"
    from rethinking_utils.sampling import TIMING_LOG_ENV

    timing_log = Path(tempfile.mkdtemp(prefix="bench-timing-")) / "timing.jsonl"
    env[TIMING_LOG_ENV] = str(timing_log)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
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
    if on_executed is not None:
        on_executed(notebook)
    slowest = sorted(cell_seconds, key=lambda c: -c[1])[:5]
    timing = _read_timing_log(timing_log)
    timing_log.unlink(missing_ok=True)
    timing_log.parent.rmdir()
    return ChapterRun(path.stem, label, seconds, memory.peak / 2**20, slowest, **timing)
