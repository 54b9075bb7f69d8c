"""Every notebook page's code fits the rendered column: black-formatted at its width, no line wider (issue 19)."""

from __future__ import annotations

import pytest
from pages import myst_page

from tools import code_format
from tools.course import notebook_pages

WIDE = ("x = 1  # " + "a comment that black leaves alone because it never wraps comments " * 2).rstrip()

BODY = f"""
```{{code-cell}} ipython3
---
tags: [remove-cell]
---
# Check: a wide line below
{WIDE}
```

A very long line of prose is fine: it wraps, it is not code, and it is allowed to be as long as it wants to be here.

```{{code-cell}} ipython3
y = dict(a = 1)
```
"""
PAGE = myst_page(BODY, title="A page")


def test_the_column_is_black_s_line_length():
    assert code_format.line_length() == 78


def test_wide_lines_and_unformatted_cells_are_named(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    assert [(n, cell) for n, cell, _ in code_format.code_lines(page)] == [(19, 1), (20, 1), (26, 2)]
    found = code_format.problems(page)
    assert any("cell 2 ('y = dict(a = 1)') is not black-formatted" in p for p in found)
    assert any(f"page.md:20: code line of {len(WIDE)} characters" in p for p in found)
    assert len(found) == 2


@pytest.mark.parametrize("page", notebook_pages(), ids=lambda p: p.name)
def test_every_notebook_page_fits_the_column(page):
    found = code_format.problems(page)
    assert not found, "\n".join(found)


def test_make_format_formats_and_keeps_the_front_matter(tmp_path):
    page = tmp_path / "page.md"
    text = myst_page(BODY, title="A page", extra_front_matter="mystnb:\n  execution_mode: force\n")
    page.write_text(text, encoding="utf-8")
    assert code_format.main([str(page)]) == 1  # the wide comment is left to wrap by hand
    after = page.read_text(encoding="utf-8")
    assert "y = dict(a=1)" in after and WIDE in after
    assert code_format.front_matter(after) == code_format.front_matter(text)  # jupytext would drop mystnb


def test_a_trailing_semicolon_that_hides_a_display_is_kept(tmp_path):
    # A plotting cell ends in `;` so that the page does not show Text(...) under the figure: black in notebook mode
    # keeps it, and a page formatted that way passes the check.
    page = tmp_path / "page.md"
    page.write_text(PAGE.replace("y = dict(a = 1)", "fig.suptitle( 'A title' );"), encoding="utf-8")
    assert any("cell 2" in p for p in code_format.problems(page))
    code_format.format_page(page, 78)
    assert 'fig.suptitle("A title");' in page.read_text(encoding="utf-8")
    assert not [p for p in code_format.problems(page) if "cell 2" in p]


def test_a_cell_black_cannot_parse_is_named(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text(PAGE.replace("y = dict(a = 1)", "y = dict(a = "), encoding="utf-8")
    assert code_format.main([str(page), "--check"]) == 2
    assert "page.md: cell 2 is not valid Python" in capsys.readouterr().err
