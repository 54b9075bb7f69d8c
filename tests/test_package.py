"""rethinking_utils/__init__.py: the public API as readers import it.

The wheel is tested in tests/tooling/test_wheel.py.
"""

import re
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


def test_every_public_function_is_used_by_a_page():
    """A public helper that no notebook page (a chapter, its exercises, the own-notebook page) calls is either used
    or removed (#30); the classes are what the functions return or raise."""
    import jupytext

    from tools import course

    code = "\n".join(
        cell.source
        for page in course.notebook_pages()
        if page.stem not in ("status", "robustness")  # reports on the course, not pages that teach
        for cell in jupytext.read(page).cells
        if cell.cell_type == "code"
    )
    functions = [name for name in rethinking_utils.__all__ if not isinstance(getattr(rethinking_utils, name), type)]
    unused = [name for name in functions if not re.search(rf"\b{name}\(", code)]
    assert not unused, f"public functions no notebook page calls: {unused}; use them on a page or remove them"
