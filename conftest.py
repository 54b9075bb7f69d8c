"""The docstring examples of rethinking_utils run as tests (pyproject.toml: --doctest-modules): each example runs
without the course's environment variables (a COURSE_SEED set for the chapters would change what course_seed()
prints), and the figures an example draws are closed after it."""

import sys

import pytest
from _pytest.doctest import DoctestItem

COURSE_VARIABLES = ("COURSE_SEED", "COURSE_LEDGER", "COURSE_CLAIMS")


@pytest.fixture(autouse=True)
def _docstring_example_environment(request, monkeypatch):
    if not isinstance(request.node, DoctestItem):
        yield
        return
    for name in COURSE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RETHINKING_UTILS_PROGRESS", "0")
    yield
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close("all")
