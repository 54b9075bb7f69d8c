"""The package as readers get it: a quick import, a wheel that carries the data and the style sheet."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import rethinking_utils

ROOT = Path(__file__).resolve().parent.parent


def test_import_is_light():
    """`import rethinking_utils` pulls in neither pymc, pytensor, arviz nor matplotlib (fresh interpreter)."""
    code = "import sys, rethinking_utils; print(sorted(m for m in ('pymc','pytensor','arviz','matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_api_is_documented():
    for name in rethinking_utils.__all__:
        obj = getattr(rethinking_utils, name)
        assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (path,) = out.glob("rethinking_utils-*.whl")
    return path


def test_wheel_carries_data_and_style(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ["reedfrogs.csv", "bangladesh.csv", "radon.csv", "README.md"]:
        assert f"rethinking_utils/_datasets/{expected}" in names
    assert "rethinking_utils/course.mplstyle" in names
    for expected in ["reedfrogs.csv", "bangladesh.csv", "radon.csv"]:
        assert zipfile.ZipFile(wheel).read(f"rethinking_utils/_datasets/{expected}") == (ROOT / "data" / expected).read_bytes()


def test_installed_wheel_loads_data_from_anywhere(wheel, tmp_path):
    """Installed non-editable (into a target folder, then imported from an unrelated directory)."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True)
    code = (
        "import rethinking_utils as ru; "
        "assert '_datasets' in str(ru.data._data_dir()), ru.data._data_dir(); "
        "print(len(ru.load_data('reedfrogs')), len(ru.load_data('radon')), ru.use_style().is_file())"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
        cwd=elsewhere, capture_output=True, text=True, check=True,
    ).stdout
    assert out.split() == ["48", "919", "True"]
