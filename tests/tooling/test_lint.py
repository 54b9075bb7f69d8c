"""The package, tools, tests, benchmarks and data/build_data.py pass ruff (pyproject.toml's [tool.ruff]); the notebook
pages are black's (tests/tooling/test_code_format.py). `make format` fixes what can be fixed."""

import subprocess
import sys

from tools import course

ROOT = course.ROOT


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_pinned_and_configured():
    assert "ruff" in course.pins(), "requirements.txt does not pin ruff"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.ruff]" in pyproject and '"book"' in pyproject, (
        "pyproject.toml must configure ruff and leave book/ out"
    )


def test_ruff_check_finds_nothing():
    result = ruff("check", "--output-format", "concise", "--no-cache", ".")
    assert result.returncode == 0, (
        f"ruff check (run `make format`, then fix the rest by hand):\n{result.stdout}{result.stderr}"
    )


def test_ruff_format_changes_nothing():
    result = ruff("format", "--check", "--no-cache", ".")
    assert result.returncode == 0, (
        f"ruff format would change these files (run `make format`):\n{result.stdout}{result.stderr}"
    )
