"""The parts of tools/check_site.py that need no browser: which pages, and which links are broken."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tools import check_site, course

ROOT = course.ROOT


def test_toc_docnames_in_order(tmp_path):
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: Chapters\n    chapters:\n"
        "      - file: book/a.md\n        sections:\n          - file: book/a1\n      - file: book/b\n"
    )
    assert check_site.toc_docnames(toc) == ["book/intro", "book/a", "book/a1", "book/b"]


def test_the_real_toc_starts_at_the_intro():
    names = check_site.toc_docnames(ROOT / "_toc.yml")
    assert names[0] == "book/intro" and "book/api" in names and "book/status" in names


@pytest.fixture
def site(tmp_path):
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "book" / "a.html").write_text('<h1 id="top">A</h1><section id="sec-x"></section><a name="old"></a>')
    (html / "book" / "b.html").write_text("<p>B</p>")
    (html / "_images").mkdir()
    (html / "_images" / "dag.svg").write_text('<svg><g id="graph0" class="graph"><title>dag</title></g></svg>')
    (html / "_images" / "plot.svg").write_text('<svg><g id="figure_1"></g></svg>')
    return html


def test_internal_links(site):
    a = site / "book" / "a.html"
    ok = [
        a.as_uri(),
        a.as_uri() + "#sec-x",
        a.as_uri() + "#old",
        (site / "book" / "b.html").as_uri(),
        "https://example.org/missing",
        "mailto:someone@example.org",
    ]
    for url in ok:
        assert check_site.link_problem(url, site) is None, url
    assert "no such file" in check_site.link_problem((site / "book" / "c.html").as_uri(), site)
    assert "no element with id 'nope'" in check_site.link_problem(a.as_uri() + "#nope", site)
    assert "outside the built site" in check_site.link_problem(Path("/etc/hostname").as_uri(), site)


def test_same_page_fragment_may_come_from_the_live_page(site):
    a = site / "book" / "a.html"
    url = a.as_uri() + "#added-by-script"
    assert check_site.link_problem(url, site) is not None
    assert check_site.link_problem(url, site, page_ids={"added-by-script"}, page=a) is None


def test_graphviz_svg_is_told_from_other_svgs(site):
    assert check_site.is_graphviz_svg(site / "_images" / "dag.svg")
    assert not check_site.is_graphviz_svg(site / "_images" / "plot.svg")
    assert not check_site.is_graphviz_svg(site / "_images" / "missing.svg")


def test_a_graph_shown_as_its_repr_is_caught():
    assert check_site.DIGRAPH_REPR.search("<graphviz.graphs.Digraph object at 0x7f00>")
    assert not check_site.DIGRAPH_REPR.search("G -> X")


def test_overflowing_blocks_are_named_by_their_first_line():
    blocks = [
        {"kind": "code", "scrollWidth": 686, "clientWidth": 686, "first": "fits = True"},
        {"kind": "code", "scrollWidth": 687, "clientWidth": 686, "first": "rounding = 1"},  # a pixel of rounding
        {"kind": "output", "scrollWidth": 900, "clientWidth": 686, "first": "   sigma   elpd   se"},
    ]
    assert check_site.overflow_problems(blocks) == [
        "output overflows its column (900 px of content in 686 px): '   sigma   elpd   se'"
    ]


PAGE = """<!DOCTYPE html><html><head><title>Wide</title></head><body><article class="bd-article">
<div class="cell_input"><div class="highlight"><pre style="width: 40ch; overflow: auto">fits = 1
</pre></div></div>
<div class="cell_input"><div class="highlight"><pre style="width: 40ch; overflow: auto">{line}
second = 2
</pre></div></div></article></body></html>"""


@pytest.mark.skipif(
    not (check_site.shutil.which("chromium") or os.environ.get("CHROMIUM")), reason="needs headless Chromium"
)
def test_the_browser_check_fails_on_a_too_wide_code_block(tmp_path, capsys):
    """A real page in a real browser: a code line wider than its block fails the page, naming the line."""
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/wide\n")
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "index.html").write_text("<p>index</p>")
    line = "too_wide = " + "x" * 80
    (html / "book" / "wide.html").write_text(PAGE.format(line=line))
    args = ["--root", str(tmp_path), "--html", str(html), "--no-screenshots"]
    assert check_site.main(args) == 1  # by default a wide block fails its page ...
    out = capsys.readouterr().out
    assert check_site.main([*args, "--overflow", "warn"]) == 0  # ... and is only listed when asked
    assert "WARNING: 1 blocks wider than their column" in capsys.readouterr().out
    assert "FAIL book/wide" in out and "code overflows its column" in out and repr(line[:80]) in out
    assert "fits = 1" not in out and re.search(r"code column (39|40) characters", out)

    (html / "book" / "wide.html").write_text(PAGE.format(line="short = 1"))
    assert check_site.main(args) == 0


def test_solutions_must_start_folded_and_open_on_a_click():
    folded = {"id": "solution-a", "before": False, "after": True}
    assert check_site.solution_problems({"exercises": 1, "solutions": [folded]}) == []
    open_ = {"id": "solution-b", "before": True, "after": True}
    stuck = {"id": "solution-c", "before": False, "after": False}
    assert check_site.solution_problems({"exercises": 3, "solutions": [folded, open_, stuck]}) == [
        "solution solution-b is open before a click: give it `:class: dropdown`",
        "solution solution-c stays hidden after a click on its title",
    ]
    assert check_site.solution_problems({"exercises": 2, "solutions": [folded]}) == ["2 exercises but 1 solutions"]
