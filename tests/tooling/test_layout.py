"""The repository's layout as CONTRIBUTING.md describes it, and tests/ mirroring the package."""

import re
import subprocess

from tools import course

ROOT = course.ROOT


def top_level_paths() -> set[str]:
    """First components of every file git tracks (dot-files included): what a fresh clone holds."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {line.split("/", 1)[0] for line in files.splitlines() if line}


def layout_table_paths() -> set[str]:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name.rstrip("/") for row in rows for name in re.findall(r"`([^`]+)`", row.split("|")[1])}


def test_layout_table_lists_every_top_level_path():
    tracked = top_level_paths()
    assert tracked, "git ls-files found nothing"
    missing = sorted(tracked - layout_table_paths())
    assert not missing, f"CONTRIBUTING.md's layout table does not list {missing}"


def test_layout_table_lists_nothing_that_is_gone():
    stale = sorted(p for p in layout_table_paths() if not (ROOT / p).exists())
    assert not stale, f"CONTRIBUTING.md's layout table lists {stale}, which the repository does not have"


def test_tests_mirror_the_package():
    """One test module per module of rethinking_utils (tests/test_<module>.py; __init__ is tests/test_package.py),
    and no unit-test module at the top of tests/ that belongs to no package module."""
    modules = {p.stem for p in (ROOT / "rethinking_utils").glob("*.py") if p.stem != "__init__"}
    tests = {p.stem.removeprefix("test_") for p in (ROOT / "tests").glob("test_*.py")}
    assert sorted(modules - tests) == [], f"package modules without a test module: {sorted(modules - tests)}"
    assert sorted(tests - modules - {"package"}) == [], (
        f"tests/ modules that mirror no package module (tooling tests go in tests/tooling/): "
        f"{sorted(tests - modules - {'package'})}"
    )
