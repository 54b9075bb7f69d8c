"""The parts of tools/check_binder.py that need no browser: which cells JupyterLab must show collapsed."""

import os

import pytest
from pages import myst_page

from tools import check_binder, check_site

HEAD = myst_page(
    """
```{code-cell} ipython3
x = 1
```
""",
    title="A chapter",
)
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


def test_raw_myst_in_the_rendered_text_is_a_problem_naming_page_cell_and_text():
    """What tools/check_binder.py reads from JupyterLab's rendered Markdown (code, code blocks and math left out)."""
    rendered = [
        (0, "There are 919 homes in 85 counties (Gelman and Hill, 2007).", []),
        (3, "There are {glue:text} homes, as {cite:p} says; see the {doc} and {numref}.", []),
        (5, "An exercise:", ["language-{exercise}"]),
    ]
    problems = check_binder.raw_myst("book/page.md", rendered)
    assert [p.split(":")[0] for p in problems] == ["book/page.md, Markdown cell 3"] * 4 + [
        "book/page.md, Markdown cell 5"
    ]
    assert "raw MyST '{glue:text}' is shown: ...There are {glue:text} homes" in problems[0]
    assert "'{cite:p}'" in problems[1] and "'{doc}'" in problems[2] and "'{numref}'" in problems[3]
    assert "a raw directive fence is shown (code block 'language-{exercise}')" in problems[4]
    assert check_binder.raw_myst("book/page.md", rendered[:1]) == []
    assert (
        check_binder.raw_myst("p.md", [(1, "{doc} " * 20, [])], limit=3)[-1]
        == "p.md: and 17 more raw roles or directives"
    )


PLANTED = myst_page(
    """
There are {glue:text}`n_homes` homes, and $\\mathrm{ref}_i$ in math and `{doc}` in code do not count.

```{exercise} A raw exercise
:label: ex-raw

Body.
```
""",
    title="A page",
)


@pytest.mark.skipif(
    not (check_site.shutil.which("chromium") or os.environ.get("CHROMIUM")), reason="needs headless Chromium"
)
def test_check_binder_fails_on_a_planted_raw_role_in_jupyterlab(tmp_path, capsys):
    """Real JupyterLab, real Chromium: a page whose prose still holds a role and a directive (no notebook view ran
    over it) fails, naming the page and the text; the same page as plain Markdown passes."""
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/page\n")
    (tmp_path / "book" / "page.md").write_text(PLANTED)
    post_build = tmp_path / "postBuild"  # Binder's set-up without the notebook view
    post_build.write_text("#!/usr/bin/env bash\nset -e\njupytext-config set-default-viewer markdown myst\n")
    post_build.chmod(0o755)
    env = {"COURSE_PREWARM": "none"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        assert check_binder.main(["--root", str(tmp_path)]) == 1
        out = capsys.readouterr().out
        assert "FAIL: book/page.md, Markdown cell 0: raw MyST '{glue:text}' is shown: ..." in out, out
        assert "There are {glue:text} homes, and in math and in code do not" in out  # no math, no code
        assert (
            "FAIL: book/page.md, Markdown cell 0: a raw directive fence is shown (code block 'language-{exercise}"
            in out
        )
        assert "0 of 1 pages ok" in out

        (tmp_path / "book" / "page.md").write_text(
            PLANTED.replace("{glue:text}`n_homes`", "919").split("```{exercise}")[0]
        )
        assert check_binder.main(["--root", str(tmp_path)]) == 0, capsys.readouterr().out
