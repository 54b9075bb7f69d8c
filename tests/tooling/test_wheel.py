"""The wheel readers install: it carries the data sets with their registry and the style sheet, and needs no
checkout (no file outside the package, no path relative to the working directory)."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rethinking_utils.data import registry

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rethinking_utils"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (path,) = out.glob("rethinking_utils-*.whl")
    return path


def test_wheel_carries_the_registry_its_files_and_the_style(wheel):
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    assert "rethinking_utils/datasets/registry.toml" in names
    assert "rethinking_utils/course.mplstyle" in names
    for entry in registry().values():
        member = f"rethinking_utils/datasets/{entry['file']}"
        assert archive.read(member) == (PACKAGE / "datasets" / entry["file"]).read_bytes(), member
    assert not any(n.startswith(("tools/", "tests/", "data/", "book/")) for n in names), "the wheel is the package only"


def test_installed_wheel_loads_and_verifies_data_from_anywhere(wheel, tmp_path):
    """Installed non-editable (into a target folder, then imported from an unrelated directory; it comes first on
    PYTHONPATH, ahead of the checkout that the editable install puts on sys.path)."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    code = (
        "import rethinking_utils as ru; "
        f"assert ru.__file__.startswith({str(target)!r}), ru.__file__; "
        "print(len(ru.load_data('reedfrogs')), len(ru.load_data('trolley')), len(ru.list_datasets()), "
        "ru.use_style().is_file())"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(target)},
    )
    assert out.stdout.split() == ["48", "9930", "5", "True"], out.stdout + out.stderr
