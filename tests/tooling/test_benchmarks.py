"""The benchmark harness measures a real kernel and renders what it measured (no timing targets here)."""

from pages import myst_page

from benchmarks.execute import execute_chapter
from benchmarks.report import render
from benchmarks.run_benchmarks import merge

CHAPTER = myst_page(
    """
```{code-cell} ipython3
import numpy as np
```

```{code-cell} ipython3
block = np.ones(50_000_000)  # 400 MB held by the kernel
```
"""
)


def test_execute_chapter_measures_time_memory_and_cells(tmp_path):
    path = tmp_path / "tiny.md"
    path.write_text(CHAPTER)
    run = execute_chapter(path, tmp_path / "cache", "cold")
    assert run.chapter == "tiny" and run.cache == "cold" and run.seconds > 0
    assert run.peak_rss_mb > 400  # the kernel really held the array
    assert [c[0] for c in sorted(run.slowest_cells)] == [0, 1]  # both code cells, by notebook index


def results(chapters):
    return {
        "machine": {
            "cores": 2,
            "cpu": "test cpu",
            "memory_gb": 24,
            "python": "3.12",
            "libraries": {"pymc": "6"},
            "load_average_at_start": (0.1, 0.2, 0.3),
        },
        "targets": {
            "total_cold_seconds": 180.0,
            "total_warm_seconds": 200.0,
            "peak_mb": 1536.0,
            "page_cold_seconds": 95.0,
            "page_warm_seconds": 85.0,
        },
        "chapters": chapters,
        "benchmark_seconds": 60.0,
    }


def chapter(name, cache, seconds, peak=500.0):
    return {
        "chapter": name,
        "cache": cache,
        "seconds": seconds,
        "peak_rss_mb": peak,
        "slowest_cells": [[3, seconds / 2, "fit = sample_compiled(...)"]],
    }


def test_render_totals_and_targets():
    text = render(
        results(
            [
                chapter("radon", "cold", 100.0),
                chapter("radon", "warm", 90.0, peak=2000.0),
                chapter("multilevel_models", "cold", 90.0),
                chapter("multilevel_models", "warm", 80.0),
            ]
        )
    )
    assert "| **total** | **190.0** | **170.0** |" in text
    assert "Whole course cold: 190.0 s against a target of 180 s: **missed** by 10 s (1.1x the target)" in text
    assert "Whole course warm: 170.0 s against a target of 200 s: met" in text
    assert "| radon | 100.0 | 90.0 | 2000 | **no** (memory, cold, warm) |" in text
    assert "| multilevel_models | 90.0 | 80.0 | 500 | yes |" in text


def test_merge_keeps_what_was_not_remeasured():
    old = results([chapter("radon", "cold", 1.0), chapter("radon", "warm", 1.0)])
    new = results([chapter("multilevel_models", "cold", 2.0), chapter("multilevel_models", "warm", 2.0)])
    merged = merge(old, new)
    assert [(r["chapter"], r["cache"]) for r in merged["chapters"]] == [
        ("multilevel_models", "cold"),
        ("multilevel_models", "warm"),
        ("radon", "cold"),
        ("radon", "warm"),
    ]
    assert merged["benchmark_seconds"] == 120.0  # an old file without runs counts as one undated run


def test_merge_counts_only_the_runs_whose_rows_are_shown():
    first = results([chapter("radon", "cold", 1.0), chapter("radon", "warm", 1.0)])
    first["runs"] = [{"date": "d1", "chapters": ["radon"], "seconds": 100.0}]
    second = results([chapter("multilevel_models", "cold", 2.0), chapter("multilevel_models", "warm", 2.0)])
    second["runs"] = [{"date": "d2", "chapters": ["multilevel_models"], "seconds": 30.0}]
    both = merge(first, second)
    assert [run["date"] for run in both["runs"]] == ["d1", "d2"] and both["benchmark_seconds"] == 130.0
    again = results([chapter("radon", "cold", 3.0), chapter("radon", "warm", 3.0)])
    again["runs"] = [{"date": "d3", "chapters": ["radon"], "seconds": 50.0}]
    last = merge(both, again)  # d1's rows are all replaced: its time no longer counts
    assert [run["date"] for run in last["runs"]] == ["d2", "d3"] and last["benchmark_seconds"] == 80.0
    text = render(last)
    assert "The rows come from 2 runs, 1.3 minutes in all:" in text and "- d3: 1 pages, 0.8 minutes" in text


def test_cache_env_puts_every_compile_cache_under_the_folder(tmp_path):
    """A cold run must not read ~/.pytensor: PyTensor's numba cache follows base_compiledir, not compiledir."""
    import os
    import subprocess
    import sys

    from benchmarks.execute import cache_env

    code = (
        "import pytensor, numba; from pytensor.link.numba import cache; "
        "print(cache.NUMBA_CACHE_PATH); print(pytensor.config.compiledir); print(numba.config.CACHE_DIR)"
    )
    env = dict(os.environ) | cache_env(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    paths = out.stdout.split()
    assert len(paths) == 3
    for path in paths:
        assert path.startswith(str(tmp_path)), f"{path} is outside the benchmark's cache folder {tmp_path}"


def test_render_splits_chapters_into_compiling_sampling_and_the_rest():
    run = chapter("radon", "cold", 100.0) | {"compile_seconds": 60.0, "sampling_seconds": 10.0, "models": 3, "fits": 5}
    warm = chapter("radon", "warm", 50.0) | {"compile_seconds": 20.0, "sampling_seconds": 10.0, "models": 3, "fits": 5}
    text = render(results([run, warm]))
    assert "| radon | cold | 100.0 | 3 | 60.0 | 5 | 10.0 | 30.0 | 10x |" in text
    assert "| **all** | warm | **50.0** | | 20.0 | | **10.0** | 20.0 | 5x |" in text
    assert "### The physical floor" not in render(
        results([chapter("radon", "cold", 1.0), chapter("radon", "warm", 1.0)])
    )
