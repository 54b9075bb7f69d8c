"""make robustness (tools/robustness.py) and the number bands the nbval run checks (book/conftest.py)."""

from __future__ import annotations

import json

import jupytext
import pytest
from pages import myst_page

from tools import robustness

CHAPTER = myst_page(
    """
Some prose.

```{code-cell} ipython3
from rethinking_utils import check_claim, glue_number, start_chapter

chapter = start_chapter(default_seed=1305)
```

```{code-cell} ipython3
x = chapter.rng.normal(size=50)
glue_number("tiny_mean", x.mean())
check_claim("tiny-finite", bool(abs(x.mean()) < 10), f"mean={x.mean():.3f}")
raise RuntimeError("boom")
```
""",
    title="Tiny",
)


def notebook(text: str = CHAPTER):
    return jupytext.reads(text, fmt="md:myst")


def ledger(seed: int, mean: float, n: int = 48, held: bool = True) -> list[dict]:
    return [
        {"kind": "seed", "value": seed},
        {"kind": "number", "key": "mean", "value": mean},
        {"kind": "number", "key": "tanks", "value": n},
        {"kind": "time", "key": "seconds", "value": 12.5 + seed},
        {"kind": "claim", "key": "positive", "passed": held, "detail": f"mean={mean}"},
    ]


@pytest.fixture
def entry() -> dict:
    runs = {}
    for seed, mean in [(1305, 1.0), (11, 0.8), (23, 1.2)]:
        runs[str(seed)] = {
            "seed": seed,
            "status": "ok",
            "date": "2026-11-29T14:00:00Z",
            "seconds": 30.0,
            "versions": {"pymc": "6.4.0"},
            "error": None,
            "ledger": ledger(seed, mean, held=seed != 23),
        }
    runs["37"] = {
        "seed": 37,
        "status": "crashed",
        "date": "2026-11-29T14:00:00Z",
        "seconds": 3.0,
        "versions": {"pymc": "6.4.0"},
        "error": "ValueError in cell 2: bad",
        "ledger": [],
    }
    return {"source": "book/tiny.md", "code_hash": "abc", "default_seed": 1305, "runs": runs}


def test_a_bad_seeds_entry_stops_before_anything_runs(capsys, monkeypatch):
    for bad in ["1 x", "1,-2", "3.5", str(2**32)]:
        with pytest.raises(robustness.UsageError, match="SEEDS entry"):
            robustness.parse_seeds(bad)
    monkeypatch.setattr(robustness, "execute", lambda *a, **k: pytest.fail("ran a chapter"))
    assert robustness.main(["--seeds", "1 two"]) == 2
    assert "'two' is not a seed" in capsys.readouterr().err
    assert robustness.main(["--chapters", "no_such_chapter", "--seeds", "1"]) == 2


def test_seeds_default_plus_eight_others():
    assert robustness.parse_seeds(" 3, 1 3 ") == [3, 1]
    assert robustness.parse_seeds("") is None
    assert robustness.seeds_for(5, [1, 5, 2]) == [5, 1, 2]
    seeds = robustness.seeds_for(robustness.EXTRA_SEEDS[0], None)
    assert len(seeds) == 9 and len(set(seeds)) == 9 and seeds[0] == robustness.EXTRA_SEEDS[0]


def test_the_code_hash_ignores_prose_and_finds_the_default_seed():
    base = notebook()
    assert robustness.default_seed(base) == 1305
    assert robustness.code_hash(notebook(CHAPTER.replace("Some prose.", "Other prose."))) == robustness.code_hash(base)
    assert robustness.code_hash(notebook(CHAPTER.replace("size=50", "size=51"))) != robustness.code_hash(base)


def test_the_code_hash_ignores_layout_comments_and_a_display_semicolon():
    # What cannot change a computed number keeps the results valid: make format's layout, a comment, and the `;`
    # that stops a plotting cell from printing its last value (e.g. Text(...) after fig.suptitle).
    base = robustness.code_hash(notebook())
    same = CHAPTER.replace("x.mean())\ncheck", "x.mean());  # the mean\ncheck").replace(
        "rng.normal(size=50)", "rng.normal(\n    size=50\n)"
    )
    assert same != CHAPTER
    assert robustness.code_hash(notebook(same)) == base
    assert robustness.code_hash(notebook(CHAPTER.replace('"tiny_mean"', '"tiny_means"'))) != base


def test_band_is_the_range_widened_by_half_its_width():
    assert robustness.band([1.0, 2.0, 3.0]) == pytest.approx((0.0, 4.0), abs=1e-5)
    lo, hi = robustness.band([48, 48])
    assert lo < 48 < hi and hi - lo < 1e-3  # the same at every seed: must stay exactly that


def test_a_shifted_number_fails_the_band_check_naming_key_value_and_band(entry):
    assert robustness.check_numbers("tiny", entry, "abc", ledger(1305, 1.0)) == []
    problems = robustness.check_numbers("tiny", entry, "abc", ledger(1305, 1.0 + 0.5))
    assert len(problems) == 1
    assert "'mean' = 1.5 is outside its band [0.6, 1.4]" in problems[0]
    assert "make robustness CHAPTERS=tiny" in problems[0]
    assert "'tanks' = 49" in robustness.check_numbers("tiny", entry, "abc", ledger(1305, 1.0, n=49))[0]


def test_no_results_or_changed_code_fails_with_what_to_run(entry):
    for problems in [
        robustness.check_numbers("tiny", None, "abc", ledger(1305, 1.0)),
        robustness.check_numbers("tiny", entry, "def", ledger(1305, 1.0)),
    ]:
        assert len(problems) == 1 and "make robustness CHAPTERS=tiny" in problems[0]
    assert "code changed" in robustness.check_numbers("tiny", entry, "def", [])[0]


def test_summary_and_page(entry):
    summary = robustness.summarize(entry)
    assert summary["numbers"]["mean"]["median"] == 1.0 and summary["numbers"]["mean"]["default"] == 1.0
    assert summary["claims"]["positive"] == {"passed": 2, "runs": 3, "failed_seeds": [23], "details": {23: "mean=1.2"}}
    assert set(summary["crashed"]) == {37} and "seconds" not in summary["numbers"]
    page = robustness.render_chapter("tiny", entry, "abc", "Tiny")
    assert "Claims: 0 of 1 held at every seed; 1 failed at some seed:" in page
    assert "| `positive` | 2 of 3 | 23 (mean=1.2) |" in page
    assert "| `mean` | 1 | 1 | 0.8 to 1.2 |" in page
    assert "Seed 37 **crashed**: ValueError in cell 2: bad" in page
    assert "`seconds`" in page.split("| glued number")[1].split("\n\n", 1)[1]  # times apart, after the table
    assert "code has changed" not in page and "code has changed" in robustness.render_chapter("tiny", entry, "x")


def test_merge_keeps_one_code_hash_per_chapter(tmp_path, monkeypatch):
    monkeypatch.setattr(robustness, "CACHE", tmp_path / "cache")
    results = tmp_path / "results.json"
    chapter = {"name": "tiny", "source": "book/tiny.md", "code_hash": "abc", "default_seed": 1305}
    robustness.merge_run({"seed": 1, "status": "ok"}, chapter, results)
    robustness.merge_run({"seed": 2, "status": "ok"}, chapter, results)
    assert set(json.loads(results.read_text())["chapters"]["tiny"]["runs"]) == {"1", "2"}
    robustness.merge_run({"seed": 2, "status": "ok"}, chapter | {"code_hash": "new"}, results)
    stored = json.loads(results.read_text())["chapters"]["tiny"]
    assert stored["code_hash"] == "new" and set(stored["runs"]) == {"2"}


def test_the_committed_results_match_the_chapters_they_describe():
    """Every chapter of the results is a chapter of the toc, and every run was recorded at a seed it asked for."""
    data = robustness.load_results()
    names = {path.stem for path in robustness.seeded_pages()}
    for name, entry in data["chapters"].items():
        assert name in names, f"robustness/results.json has results for {name}, which make robustness does not run"
        for seed, run in entry["runs"].items():
            seeds = [e["value"] for e in run["ledger"] if e.get("kind") == "seed"]
            assert run["status"] != "ok" or seeds == [int(seed)], (name, seed, seeds)


def test_a_chapter_that_raises_is_recorded_as_crashed_with_its_error(tmp_path):
    """One real run (a kernel): claims before the error are kept, the error names the cell."""
    path = tmp_path / "tiny.md"
    path.write_text(CHAPTER, encoding="utf-8")
    run = robustness.execute(path, notebook(), seed=7, timeout=300)
    assert run["status"] == "crashed" and run["seed"] == 7
    assert "RuntimeError in cell 2" in run["error"] and "boom" in run["error"]
    kinds = [e["kind"] for e in run["ledger"]]
    assert kinds == ["seed", "number", "claim"] and run["ledger"][0]["value"] == 7
    assert run["versions"]["pymc"] and run["date"].endswith("Z")


CLAIMS_PAGE = myst_page(
    """
## The data: $\\sigma$ and `floor`

```python
## not a heading, in a fence
```

```{code-cell} ipython3
check_claim("tiny-first", True, "")
```

## The data: $\\sigma$ and `floor`

```{code-cell} ipython3
for name in ["a", "b"]:
    check_claim(  # the note says what it means
        f"tiny-{name}-second",
        True,
    )
```
""",
    title="Tiny: a page",
)


def test_claims_are_placed_in_their_section_with_myst_anchors_and_worded(tmp_path):
    path = tmp_path / "tiny.md"
    path.write_text(CLAIMS_PAGE, encoding="utf-8")
    places = robustness.claim_places(jupytext.read(path))
    # MyST's anchor: text and inline code, no math; a repeated heading gets "-1"
    assert robustness.claim_place(places, "tiny-first") == ("The data:  and floor", "the-data--and-floor", "")
    assert robustness.claim_place(places, "tiny-b-second") == (
        "The data:  and floor",
        "the-data--and-floor-1",
        "the note says what it means",
    )
    assert robustness.claim_place(places, "other") is None
    keys = ["tiny-first", "tiny-a-second"]
    assert robustness.claim_words("tiny-a-second", keys) == "A second"
    assert robustness.claim_words("tiny-first", ["tiny-first"]) == "Tiny first"


def test_the_page_summarizes_links_and_folds(entry):
    results = {"format": 1, "chapters": {}}
    summary = robustness.render_summary(results=results)
    assert summary.startswith("| page | seeds run | claims held at every seed |")
    names = [p.stem for p in robustness.seeded_pages()]
    assert all(f"<{name}>`" in summary for name in names) and "none yet" in summary
    details = robustness.render_details(results={"format": 1, "chapters": {names[0]: entry}})
    assert "0 of 1 claims held at every seed" in details and "Failed at some seed:" in details
    assert details.count("````{dropdown}") == 2 and "| `mean` | 1 | 1 | 0.8 to 1.2 |" in details
    assert "held at 2 of 3; failed at 23" in details


def test_spreads_are_relative_and_the_figure_has_a_row_per_page(entry):
    assert robustness.relative_spreads(entry) == pytest.approx([0.4 / 1.2, 0.0], abs=1e-9)
    import matplotlib

    matplotlib.use("Agg")
    fig = robustness.spread_figure([("Tiny", entry), ("Nothing yet", None)])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Tiny (1 of 2 fixed)"]
    assert ax.get_title() and ax.get_xlabel()
