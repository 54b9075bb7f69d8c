"""One naming scheme (CONTRIBUTING.md, "Naming: one prefix per page"): every page that calls ``start_chapter`` has one
prefix P, the table in CONTRIBUTING.md says which, and the page uses it for all its glue keys (``P_``), claim ids
(``P-``) and exercise and solution labels (``P-ex-``, ``P-sol-``).

The names are read from the page (the literal start of every key or id its code passes, every key its prose quotes)
and from its recorded robustness run at the default seed, which holds the keys and ids built at run time.
"""

from __future__ import annotations

import re

import jupytext
import pytest

from tools import course, robustness

ROOT = course.ROOT
ROW = re.compile(r"^\|\s*`(\w+)`\s*\|\s*`(\w+)`\s*\|\s*$", flags=re.MULTILINE)
# the literal start of the first argument: glue_number("bd_x", ...), check_claim(f"ve-{name}-healthy", ...)
GLUE_CALL = re.compile(r"\bglue(?:_number|_time)?\(\s*f?[\"']([^\"'{]*)")
CLAIM_CALL = re.compile(r"\bcheck_claim\(\s*f?[\"']([^\"'{]*)")
GLUE_QUOTE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")
LABEL = re.compile(r"^:label:\s*(\S+)", flags=re.MULTILINE)
PAGES = [robustness.chapter_name(p) for p in robustness.seeded_pages()]


def prefixes() -> dict[str, str]:
    """``{page: prefix}`` from the table in CONTRIBUTING.md."""
    table = dict(ROW.findall((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")))
    table.pop("page", None)
    return table


def recorded_names(page: str) -> tuple[list[str], list[str]]:
    """Glue keys and claim ids of the page's recorded run at its default seed (none if not recorded)."""
    entry = robustness.load_results()["chapters"].get(page)
    if entry is None:
        return [], []
    run = entry["runs"].get(str(entry["default_seed"]), {})
    ledger = run.get("ledger", [])
    keys = [e["key"] for e in ledger if e.get("kind") in ("number", "time") and "key" in e]
    claims = [e["key"] for e in ledger if e.get("kind") == "claim"]
    return keys, claims


def test_every_seeded_page_has_one_prefix_of_its_own():
    table = prefixes()
    assert table, "CONTRIBUTING.md has no prefix table (| `page` | `prefix` |)"
    missing = [p for p in PAGES if p not in table]
    assert not missing, f"pages without a prefix in CONTRIBUTING.md's table: {missing}"
    unknown = [p for p in table if p not in PAGES]
    assert not unknown, f"CONTRIBUTING.md's prefix table names pages that do not exist (or do not seed): {unknown}"
    shared = {v for v in table.values() if list(table.values()).count(v) > 1}
    assert not shared, f"two pages share a prefix: {shared}"


def test_an_exercise_page_takes_its_chapters_prefix_with_an_x():
    table = prefixes()
    for page, prefix in table.items():
        if page.endswith("_exercises"):
            chapter = page.removesuffix("_exercises")
            assert prefix == table.get(chapter, "?") + "x", f"{page}: prefix {prefix!r}, its chapter's + 'x' expected"


@pytest.mark.parametrize("page", PAGES)
def test_page_uses_its_prefix_for_every_name(page):
    prefix = prefixes().get(page)
    if prefix is None:
        pytest.fail(f"{page} has no row in CONTRIBUTING.md's prefix table")
    notebook = jupytext.read(ROOT / "book" / f"{page}.md")
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    recorded_keys, recorded_claims = recorded_names(page)
    keys = set(GLUE_CALL.findall(code)) | set(GLUE_QUOTE.findall(prose)) | set(recorded_keys)
    claims = set(CLAIM_CALL.findall(code)) | set(recorded_claims)
    keys.discard("")  # an f-string that starts with a field: the recorded run holds what it became
    claims.discard("")
    assert keys and claims, f"{page}: found no glue keys or no claims; is the page seeded?"
    bad_keys = sorted(k for k in keys if not k.startswith(prefix + "_"))
    bad_claims = sorted(c for c in claims if not c.startswith(prefix + "-"))
    assert not bad_keys, f"{page}: glue keys must start with {prefix}_ : {bad_keys}"
    assert not bad_claims, f"{page}: claim ids must start with {prefix}- : {bad_claims}"
    labels = LABEL.findall(prose)
    bad_labels = [x for x in labels if not x.startswith((f"{prefix}-ex-", f"{prefix}-sol-"))]
    assert not bad_labels, f"{page}: exercise labels must start with {prefix}-ex- or {prefix}-sol-: {bad_labels}"


def test_the_scheme_catches_a_foreign_name():
    """The patterns find what a page would get wrong: a claim without the prefix, a quoted key of another page."""
    code = 'glue_number("bd_sigma", 1.0)\ncheck_claim(\n    "sigma-small", True, "")\ncheck_claim(f"bd-{x}-ok", True)'
    assert GLUE_CALL.findall(code) == ["bd_sigma"]
    assert CLAIM_CALL.findall(code) == ["sigma-small", "bd-"]
    assert GLUE_QUOTE.findall("as {glue:text}`ve_rho:.2f` and {glue}`bd_n`") == ["ve_rho", "bd_n"]
