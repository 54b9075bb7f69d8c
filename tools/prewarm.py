"""Execute the chapters once, so that their compiled models are cached before a reader runs them.

Binder's ``postBuild`` calls this while the image is built. What the chapters compile - PyTensor's C modules and
its numba cache, both under ``pytensor.config.base_compiledir`` (``~/.pytensor`` unless ``PYTENSOR_FLAGS`` moves
it) - is then part of the image, so a reader's first run of a chapter is a warm run (benchmarks/RESULTS.md
measures both). Numba keys its cache by CPU as well: where the machine that runs the image has another CPU than
the one that built it, the numba part is compiled again.

``COURSE_PREWARM`` picks the pages: unset or ``all`` - every chapter of ``_toc.yml``; ``none`` - nothing; else
chapter names (``multilevel_models radon``). A page that fails stops the build: an image whose chapters do not
run is not worth shipping. Usage: ``python -m tools.prewarm [names...]``.

Each run also leaves a record of what the page glued, and at which seed (``_build/notebook_view/<page>.json``):
tools/notebook_view.py then writes those values into the prose of the image's copy of the pages, so a reader sees
numbers, not ``{glue:text}`` roles.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from tools import course


class UsageError(ValueError):
    pass


def pages_to_warm(selection: str | None, root: Path = course.ROOT) -> list[Path]:
    """The chapters that ``selection`` (COURSE_PREWARM's value) names, in toc order."""
    chapters = course.chapters(root)
    words = (selection or "all").split()
    if words == ["all"]:
        return chapters
    if words == ["none"]:
        return []
    by_name = {path.stem: path for path in chapters}
    unknown = [word for word in words if word not in by_name]
    if unknown:
        raise UsageError(
            f"COURSE_PREWARM names {' '.join(unknown)}, which are not chapters of _toc.yml; use "
            f"'all', 'none' or some of: {' '.join(by_name)}"
        )
    return [path for path in chapters if path.stem in words]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        pages = pages_to_warm(" ".join(argv) if argv else os.environ.get("COURSE_PREWARM"))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    import pytensor

    from tools import notebook_view

    print(f"pre-warming {len(pages)} page(s); compile cache: {pytensor.config.base_compiledir}", flush=True)
    start = time.perf_counter()
    for page in pages:
        run = notebook_view.run_and_record(course.ROOT, page, timeout=1800)
        print(f"  {page.stem}: {run.seconds:.0f} s", flush=True)
    print(f"pre-warmed in {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
