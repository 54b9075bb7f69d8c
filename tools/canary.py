"""The upgrade canary: run the course in .venv-canary (the newest allowed releases) and report what broke.

``make canary`` builds the environment (tools/canary.sh) and then runs ``python -m tools.canary`` inside it, which

1. runs the package tests (``tests/`` without ``tests/tooling``, which test this repository's tools, not the stack);
2. runs every page that ``make robustness`` runs (tools.robustness.seeded_pages) once, at its default seed, one page
   at a time, with claims recorded rather than raised (tools.robustness.execute), and compares its glued numbers
   with their bands from the committed robustness/results.json (tools.robustness.check_numbers);
3. writes canary/REPORT.md: the versions that differ from requirements.txt's pins, the failed tests, and per page
   its errors, failed claims and numbers outside their bands.

Nothing here fails a build: the exit status is 1 when something broke (0 otherwise), and the report says what.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tools import course, robustness

ROOT = course.ROOT
REPORT = ROOT / "canary" / "REPORT.md"
#: The distributions the report always names, whether or not they moved.
KEY_PACKAGES = ("pymc", "pytensor", "nutpie", "arviz", "numba", "numpy", "scipy", "pandas", "xarray", "myst-nb")


def installed_versions() -> dict[str, str]:
    """``{normalized name: version}`` of every distribution requirements.txt pins, as installed here."""
    found = {}
    for name in course.pins():
        try:
            found[name] = version(name.split("[", 1)[0])  # black[jupyter]: the distribution is black
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def run_tests(out=print) -> dict:
    """The package tests in this interpreter; the summary line and the ids of what failed."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "--ignore=tests/tooling", "-q", "-p", "no:cacheprovider", "-rfE"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    lines = proc.stdout.splitlines()
    failed = [line.split(" ", 1)[1] for line in lines if line.startswith(("FAILED ", "ERROR "))]
    summary = next((line.strip("= ") for line in reversed(lines) if re.search(r"\d+ (passed|failed|error)", line)), "")
    out(f"package tests: {summary or proc.stderr[-500:]}")
    return {
        "returncode": proc.returncode,
        "summary": summary or "no summary (see the error)",
        "failed": failed,
        "error": "" if summary else (proc.stderr or proc.stdout)[-1500:],
        "seconds": time.perf_counter() - started,
    }


def run_page(path: Path, results: dict, out=print) -> dict:
    """One page at its default seed; its run record plus what broke."""
    notebook = robustness.read_notebook(path)
    name = robustness.chapter_name(path)
    seed = robustness.default_seed(notebook)
    out(f"{name}: running at seed {seed}")
    run = robustness.execute(path, notebook, seed)
    claims = [e for e in run["ledger"] if e.get("kind") == "claim"]
    page = {
        "name": name,
        "seed": seed,
        "seconds": run["seconds"],
        "error": run["error"],
        "claims": len(claims),
        "failed_claims": [(c["key"], c.get("detail", "")) for c in robustness.failed_claims(run)],
        "out_of_band": [],
    }
    if not run["error"]:
        problems = robustness.check_numbers(
            name, results["chapters"].get(name), robustness.code_hash(notebook), run["ledger"]
        )
        page["out_of_band"] = [p.split(". If a deliberate change", 1)[0].removeprefix(f"{name}: ") for p in problems]
    out(
        f"{name}: {'CRASHED ' + run['error'][:200] if run['error'] else 'ok'} in {run['seconds']:.0f} s, "
        f"{len(page['failed_claims'])} failed claims, {len(page['out_of_band'])} numbers outside their bands"
    )
    return page


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def render_report(
    versions: dict[str, str],
    pins: dict[str, str],
    tests: dict,
    pages: list[dict],
    started: float,
    finished: float,
    pages_planned: int | None = None,
) -> str:
    """canary/REPORT.md as Markdown (pure: the tests call it with made-up runs). With ``pages_planned`` larger than
    the pages run so far, the report says that it is partial."""
    moved = {n: (pins[n], v) for n, v in versions.items() if n in pins and v != pins[n]}
    broke_pages = [p for p in pages if p["error"] or p["failed_claims"] or p["out_of_band"]]
    verdict = (
        "nothing broke"
        if not (tests["failed"] or tests["returncode"] or broke_pages)
        else (
            f"{len(tests['failed'])} package tests failed, "
            f"{len(broke_pages)} of {len(pages)} pages crashed, failed a claim or moved a number out of its band"
        )
    )
    when = dt.datetime.fromtimestamp(finished, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    minutes = (finished - started) / 60
    lines = [
        "# Upgrade canary",
        "",
        f"`make canary` on {when}, Python {platform.python_version()}: **{verdict}**. The whole run (environment, "
        f"package tests, {len(pages)} pages one at a time at their default seeds) took {minutes:.0f} minutes on "
        "this machine, under load. Regenerate with `nice -n 10 make canary`.",
        *(
            ["", f"**Partial report**: {len(pages)} of {pages_planned} pages have run so far."]
            if pages_planned and pages_planned > len(pages)
            else []
        ),
        "",
        "## Versions",
        "",
        f"{len(moved)} of the {len(pins)} pinned distributions have a newer release that the bounds allow. The stack:",
        "",
        "| distribution | pinned | canary |",
        "|---|---|---|",
    ]
    for name in KEY_PACKAGES:
        if name in pins:
            pinned, now = pins[name], versions.get(name, "missing")
            lines.append(f"| {name} | {pinned} | {'**' + now + '**' if now != pinned else now} |")
    others = [f"{n} {a} -> {b}" for n, (a, b) in sorted(moved.items()) if n not in KEY_PACKAGES]
    if others:
        lines += ["", "Also moved: " + ", ".join(others) + "."]
    lines += ["", "## Package tests", "", f"`pytest tests --ignore=tests/tooling`: {tests['summary']}."]
    if tests["failed"]:
        lines += [""] + [f"- {_md(f)}" for f in tests["failed"]]
    if tests.get("error"):
        lines += ["", "```", tests["error"].strip(), "```"]
    lines += [
        "",
        "## Pages",
        "",
        "Each page at its default seed with `COURSE_CLAIMS=record`; numbers compared with their bands in "
        "`robustness/results.json` (made with the pins).",
        "",
        "| page | result | claims failed | numbers outside their band | seconds |",
        "|---|---|---|---|---|",
    ]
    for p in pages:
        result = "crashed" if p["error"] else "ran to the end"
        lines.append(
            f"| {p['name']} | {result} | {len(p['failed_claims'])} of {p['claims']} | {len(p['out_of_band'])} "
            f"| {p['seconds']:.0f} |"
        )
    for p in broke_pages:
        lines += ["", f"### {p['name']}", ""]
        if p["error"]:
            lines.append(f"- **crashed**: {_md(p['error'])[:600]}")
        lines += [f"- claim `{key}` failed: {_md(detail)}" for key, detail in p["failed_claims"]]
        lines += [f"- {_md(problem)}" for problem in p["out_of_band"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--started", type=float, default=time.time(), help="when make canary started (epoch s)")
    parser.add_argument("--pages", default=os.environ.get("CHAPTERS", ""), help="page stems (default: all)")
    args = parser.parse_args(argv)
    if not sys.prefix.endswith(".venv-canary"):
        print(f"tools.canary: run it with .venv-canary/bin/python (make canary), not {sys.prefix}", file=sys.stderr)
        return 2
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    if not Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve()):
        print(
            f"tools.canary: the python3 kernel is {spec.resource_dir}, not .venv-canary's: the pages would run with "
            "other versions than the report names",
            file=sys.stderr,
        )
        return 2
    out = lambda text: print(text, flush=True)  # noqa: E731
    pages = robustness.find_chapters(args.pages.split() or None) if args.pages else robustness.seeded_pages()
    tests = run_tests(out)
    results = robustness.load_results()
    versions, pins = installed_versions(), course.pins()
    page_runs: list[dict] = []
    REPORT.parent.mkdir(exist_ok=True)
    for path in pages:  # the report is rewritten after each page: a run cut short still says what it found
        page_runs.append(run_page(path, results, out))
        partial = len(page_runs) < len(pages)
        report = render_report(versions, pins, tests, page_runs, args.started, time.time(), pages_planned=len(pages))
        REPORT.write_text(report, encoding="utf-8")
    out(f"canary: wrote {REPORT.relative_to(ROOT)}" + (" (partial)" if pages and partial else ""))
    broke = tests["returncode"] != 0 or any(p["error"] or p["failed_claims"] or p["out_of_band"] for p in page_runs)
    return 1 if broke else 0


if __name__ == "__main__":
    sys.exit(main())
