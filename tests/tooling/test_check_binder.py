"""The parts of tools/check_binder.py that need no browser: which cells JupyterLab must show collapsed."""

from tools import check_binder

HEAD = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

# A chapter

```{code-cell} ipython3
x = 1
```
"""
GOOD_CHECK = """
```{code-cell} ipython3
---
jupyter:
  source_hidden: true
tags: [remove-cell]
---
# Check: x is one (claims)
assert x == 1
```
"""


def test_check_cells_are_the_ones_to_show_collapsed(tmp_path):
    path = tmp_path / "chapter.md"
    path.write_text(HEAD + GOOD_CHECK)
    cells, problems = check_binder.expected_cells(path)
    assert [kind for kind, _ in cells] == ["markdown", "code", "code"]
    assert [hidden for _, hidden in cells] == [False, False, True]
    assert problems == []


def test_a_check_cell_without_the_metadata_or_the_comment_is_a_problem(tmp_path):
    path = tmp_path / "chapter.md"
    path.write_text(HEAD + "\n```{code-cell} ipython3\n:tags: [remove-cell]\nassert x == 1\n```\n")
    _, problems = check_binder.expected_cells(path)
    assert len(problems) == 2
    assert "has no `jupyter: {source_hidden: true}`" in problems[0]
    assert "does not start with a comment" in problems[1]


def test_every_chapter_has_collapsed_commented_check_cells():
    """What make check-binder then shows in JupyterLab; here from the sources, for every chapter of _toc.yml."""
    from tools import course

    problems = {p.name: check_binder.expected_cells(p)[1] for p in course.chapters()}
    assert {name: found for name, found in problems.items() if found} == {}
