"""The course's execution budget: every chapter cold and warm.

Usage (from the repository root; `make bench` does this):

    .venv/bin/python -m benchmarks.run_benchmarks [--chapters NAME ...] [--merge]

Writes benchmarks/RESULTS.md and benchmarks/results.json. Targets (a benchmark, not a test; issue 26):
every page at most 150 s cold and 90 s warm with a kernel under 1.5 GB peak (Binder stops at 2 GB), the whole
course at most 900 s cold and 550 s warm on 2 cores.
Two side-by-side measurements answered their questions in 2026-11 and are no longer run: the naive ways
(pm.sample recompiling for every fit: 15x to 42x slower than compiling once) and the sampler paths (nutpie with
numba stays). Their last tables are records in benchmarks/findings.md; their harnesses are in the git history
(benchmarks/baselines.py, benchmarks/samplers.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from benchmarks.execute import execute_chapter
from tools import course

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHAPTERS = course.chapter_names()  # _toc.yml's chapters, in teaching order
TARGET_TOTAL_COLD_S = 900.0
TARGET_TOTAL_WARM_S = 550.0
TARGET_PAGE_COLD_S = 150.0
TARGET_PAGE_WARM_S = 90.0
TARGET_PEAK_MB = 1.5 * 1024
LIBRARIES = ["pymc", "pytensor", "nutpie", "numba", "arviz", "numpy", "pandas", "jupyter-book", "myst-nb"]


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": {name: metadata.version(name) for name in LIBRARIES},
        "load_average_at_start": os.getloadavg(),
    }


def run_chapters(names: list[str]) -> list[dict]:
    runs = []
    for name in names:
        cache = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        try:
            for label in ("cold", "warm"):  # warm: same (now filled) compile caches
                run = execute_chapter(course.source_file(ROOT, f"book/{name}"), cache, label)
                print(f"{name:20s} {label}: {run.seconds:6.1f} s, peak {run.peak_rss_mb:6.0f} MB", flush=True)
                runs.append(asdict(run))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return runs


def runs_of(results: dict) -> list[dict]:
    """The runs a results file records; one written before runs were recorded counts as one undated run."""
    if results.get("runs"):
        return results["runs"]
    chapters = sorted({r["chapter"] for r in results.get("chapters", [])})
    return [{"date": "undated", "chapters": chapters, "seconds": results.get("benchmark_seconds", 0.0)}]


def merge(old: dict, new: dict) -> dict:
    """New measurements replace old ones of the same chapter; the rest of the old are kept, and so is the record
    of each earlier run (``runs``: date, pages, minutes, load) that still has rows in the table. A run whose rows
    were all replaced is dropped, so the total time counts only the runs the table shows."""
    done = {run["chapter"] for run in new["chapters"]}
    kept = [r for r in old.get("chapters", []) if r["chapter"] not in done]
    new["chapters"] = kept + new["chapters"]
    order = {name: i for i, name in enumerate(CHAPTERS)}  # a chapter no longer in the toc sorts last
    new["chapters"].sort(key=lambda r: (order.get(r["chapter"], len(order)), r["chapter"], r["cache"] != "cold"))
    old_runs = runs_of(old)
    still_shown = {r["chapter"] for r in kept}
    new["runs"] = [run for run in old_runs if still_shown & set(run["chapters"])] + runs_of(new)
    new["benchmark_seconds"] = sum(run["seconds"] for run in new["runs"])
    new["merged"] = True
    return new


def write_results(results: dict) -> None:
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    from benchmarks.report import render

    (HERE / "RESULTS.md").write_text(render(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", nargs="*", default=CHAPTERS, choices=CHAPTERS)
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the entries of an earlier results.json that this run does not measure",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    results: dict = {
        "machine": machine(),
        "targets": {
            "total_cold_seconds": TARGET_TOTAL_COLD_S,
            "total_warm_seconds": TARGET_TOTAL_WARM_S,
            "page_cold_seconds": TARGET_PAGE_COLD_S,
            "page_warm_seconds": TARGET_PAGE_WARM_S,
            "peak_mb": TARGET_PEAK_MB,
        },
    }
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results["chapters"] = run_chapters(args.chapters)
    results["benchmark_seconds"] = time.perf_counter() - started
    results["runs"] = [
        {
            "date": date,
            "chapters": list(args.chapters),
            "seconds": results["benchmark_seconds"],
            "load_average_at_start": results["machine"]["load_average_at_start"],
        }
    ]
    if args.merge and (HERE / "results.json").exists():
        results = merge(json.loads((HERE / "results.json").read_text()), results)
    write_results(results)
    print(f"wrote {HERE / 'RESULTS.md'} and {HERE / 'results.json'}")


if __name__ == "__main__":
    main()
