"""rethinking_utils/__init__.py: the public API as readers import it.

The wheel is tested in tests/tooling/test_wheel.py.
"""

import subprocess
import sys

import rethinking_utils


def test_import_is_light():
    """`import rethinking_utils` pulls in neither pymc, pytensor, arviz nor matplotlib (fresh interpreter)."""
    code = (
        "import sys, rethinking_utils; "
        "print(sorted(m for m in ('pymc','pytensor','arviz','matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_api_is_documented():
    for name in rethinking_utils.__all__:
        obj = getattr(rethinking_utils, name)
        assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"
