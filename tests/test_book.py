"""rethinking_utils.book: the seed from COURSE_SEED, glued plain numbers, claims that raise or are recorded."""

import numpy as np
import pytest

from rethinking_utils import book
from rethinking_utils.book import check_claim, course_seed, glue_number, glue_time, read_ledger, start_chapter


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (book.SEED_VARIABLE, book.LEDGER_VARIABLE, book.CLAIMS_VARIABLE):
        monkeypatch.delenv(name, raising=False)


def test_seed_defaults_and_overrides(monkeypatch):
    assert course_seed(1305) == 1305
    monkeypatch.setenv("COURSE_SEED", " 42 ")
    assert course_seed(1305) == 42


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5", "4294967296", "0x10"])
def test_bad_seed_names_variable_and_value(monkeypatch, raw):
    monkeypatch.setenv("COURSE_SEED", raw)
    with pytest.raises(ValueError, match=r"COURSE_SEED=.*" + raw.replace(".", r"\.")):
        course_seed(1305)


def test_chapter_seeds_are_reproducible_and_distinct():
    first, second = start_chapter(7), start_chapter(7)
    seeds = [first.next_seed() for _ in range(5)]
    assert seeds == [second.next_seed() for _ in range(5)]
    assert len(set(seeds)) == 5 and all(0 <= s < 2**31 for s in seeds)
    assert first.rng.integers(1000) == second.rng.integers(1000)
    assert start_chapter(8).next_seed() != start_chapter(7).next_seed()


def test_glue_number_casts_and_records(monkeypatch, tmp_path):
    ledger = tmp_path / "ledger.jsonl"
    monkeypatch.setenv("COURSE_LEDGER", str(ledger))
    assert type(glue_number("a", np.float32(1.5))) is float
    assert type(glue_number("b", np.int64(3))) is int
    assert glue_time("t", 12.345) == 12.3
    entries = read_ledger(ledger)
    assert [(e["kind"], e["key"], e["value"]) for e in entries] == [
        ("number", "a", 1.5),
        ("number", "b", 3),
        ("time", "t", 12.3),
    ]


@pytest.mark.parametrize("bad", [np.nan, np.inf, [1.0, 2.0], "1.0", None])
def test_glue_number_refuses_non_numbers(bad):
    with pytest.raises((TypeError, ValueError), match="glue 'k'"):
        glue_number("k", bad)


def test_claim_raises_with_key_and_detail():
    assert check_claim("fine", np.bool_(True)) is True
    with pytest.raises(AssertionError, match=r"claim 'broken' does not hold: x=3"):
        check_claim("broken", 1 > 2, "x=3")
    with pytest.raises(TypeError, match=r"\.all\(\)"):
        check_claim("array", np.array([True, False]))


def test_claims_recorded_without_raising_only_with_a_ledger(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CLAIMS", "record")
    with pytest.raises(AssertionError):  # no ledger: recording is impossible, so the claim still raises
        check_claim("broken", False)
    ledger = tmp_path / "ledger.jsonl"
    monkeypatch.setenv("COURSE_LEDGER", str(ledger))
    assert check_claim("broken", False, "why") is False
    assert read_ledger(ledger) == [{"kind": "claim", "key": "broken", "passed": False, "detail": "why"}]


def test_start_chapter_makes_compiled_models_reproducible():
    """fastmath lets a cached and a fresh compile round differently: start_chapter turns it off."""
    import pytensor

    pytensor.config.numba__fastmath = True
    start_chapter(1)
    assert pytensor.config.numba__fastmath is False


# --- issue 28 ---------------------------------------------------------------------------------------------------


def test_numbers_of_every_kind_are_glued(monkeypatch):
    """10**30, Fraction and Decimal were refused as 'not one number'; a timedelta was refused as a time."""
    import datetime as dt
    from decimal import Decimal
    from fractions import Fraction

    glued = {}
    monkeypatch.setattr(book, "_glue", lambda key, number: glued.__setitem__(key, number))
    assert glue_number("big", 10**30) == 10**30 and isinstance(glued["big"], int)
    assert glue_number("third", Fraction(1, 3)) == pytest.approx(1 / 3)
    assert glue_number("price", Decimal("2.50")) == 2.5
    assert glue_time("wait", dt.timedelta(minutes=1, seconds=3.04)) == 63.0
    assert glue_time("np_wait", np.timedelta64(1500, "ms")) == 1.5
    with pytest.raises(ValueError, match="finite"):
        glue_number("nan", Decimal("NaN"))


def test_an_unwritable_ledger_names_the_variable(monkeypatch, tmp_path):
    """A bare FileNotFoundError, even for a passing claim."""
    monkeypatch.setenv(book.LEDGER_VARIABLE, str(tmp_path / "missing-folder" / "ledger.jsonl"))
    with pytest.raises(OSError, match=r"COURSE_LEDGER=.*missing-folder.*writable"):
        check_claim("fine", True)


def test_versions_line_names_the_stack_and_the_date_within_the_column():
    import datetime as dt
    import platform
    from importlib.metadata import version

    text = book.versions_line(today=dt.date(2026, 12, 7))
    assert text.startswith("Ran on 2026-12-07 with Python " + platform.python_version())
    for name, dist in book.VERSIONS_PACKAGES:
        assert f"{name} {version(dist)}" in text.replace("\n", " ")
    assert all(len(line) <= 78 for line in text.splitlines())
    narrow = book.versions_line(width=40, today=dt.date(2026, 12, 7))
    assert all(len(line) <= 40 for line in narrow.splitlines()) and len(narrow.splitlines()) > 1
    # an item ("PyMC 6.4.0") is never split across lines
    assert narrow.replace("\n", " ") == text.replace("\n", " ")


def test_versions_line_names_a_missing_package_and_refuses_a_bad_width(monkeypatch):
    monkeypatch.setattr(book, "VERSIONS_PACKAGES", (("PyMC", "pymc"), ("Nothing", "no-such-distribution-here")))
    assert "Nothing (not installed)." in book.versions_line()
    for bad in (10, 39, "78", 78.0, True):
        with pytest.raises(ValueError, match="width"):
            book.versions_line(width=bad)
