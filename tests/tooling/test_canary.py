"""make canary (tools/canary.sh, tools/canary.py): the report it writes, and that it stays out of the pinned venv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools import canary, course

ROOT = course.ROOT


def _page(name, **kw):
    return {
        "name": name,
        "seed": 1,
        "seconds": 12.3,
        "error": None,
        "claims": 5,
        "failed_claims": [],
        "out_of_band": [],
    } | kw


def test_report_names_what_broke_and_with_which_versions():
    pins = {"pymc": "6.4.0", "pytensor": "3.3.7", "numpy": "2.5.5", "zipp": "4.1.2"}
    versions = {"pymc": "6.5.0", "pytensor": "3.3.7", "numpy": "2.5.5", "zipp": "4.2.0"}
    tests = {
        "returncode": 1,
        "summary": "1 failed, 80 passed",
        "failed": ["tests/test_x.py::test_y - boom"],
        "error": "",
    }
    pages = [
        _page("radon", failed_claims=[("radon-floor", "floor -0.2")], out_of_band=["glued number 'x' = 3 is outside"]),
        _page("intro_page"),
        _page("broken", error="ValueError in cell 3 ('x = 1'): bad | pipe"),
    ]
    report = canary.render_report(versions, pins, tests, pages, started=0.0, finished=600.0)
    assert "2 of 4 pages" not in report  # counts broken pages, not pages
    assert "1 package tests failed, 2 of 3 pages" in report
    assert "| pymc | 6.4.0 | **6.5.0** |" in report and "| pytensor | 3.3.7 | 3.3.7 |" in report
    assert "zipp 4.1.2 -> 4.2.0" in report
    assert "claim `radon-floor` failed: floor -0.2" in report
    assert "bad \\| pipe" in report and "### intro_page" not in report
    assert "took 10 minutes" in report


def test_report_says_when_nothing_broke():
    tests = {"returncode": 0, "summary": "81 passed", "failed": [], "error": ""}
    report = canary.render_report({"pymc": "6.4.0"}, {"pymc": "6.4.0"}, tests, [_page("radon")], 0.0, 60.0)
    assert "**nothing broke**" in report and "0 of the 1 pinned" in report


def test_refuses_to_run_outside_the_canary_environment():
    proc = subprocess.run([sys.executable, "-m", "tools.canary"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and ".venv-canary" in proc.stderr


def test_canary_environment_is_not_committed_and_keeps_the_pins_alone():
    assert ".venv-canary/" in (ROOT / ".gitignore").read_text().splitlines()
    script = (ROOT / "tools" / "canary.sh").read_text()
    assert "requirements.txt" in script and ".venv-canary" in script and "base_compiledir" in script
    assert " .venv/" not in script and "-m pip install" in script
    assert Path(ROOT / "canary" / "constraints.txt").is_file()


def test_a_report_cut_short_says_it_is_partial():
    tests = {"returncode": 0, "summary": "81 passed", "failed": [], "error": ""}
    report = canary.render_report({}, {}, tests, [_page("radon")], 0.0, 60.0, pages_planned=3)
    assert "**Partial report**: 1 of 3 pages" in report
    assert "Partial" not in canary.render_report({}, {}, tests, [_page("radon")], 0.0, 60.0, pages_planned=1)


def test_installed_versions_look_up_a_pin_with_extras_by_its_distribution():
    versions = canary.installed_versions()
    assert all(v != "missing" for v in versions.values()), [n for n, v in versions.items() if v == "missing"]
