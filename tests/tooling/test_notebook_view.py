"""tools/notebook_view.py: the MyST of a page rewritten as the Markdown JupyterLab renders, on a small book."""

from __future__ import annotations

import json

import jupytext
import pytest
from pages import FRONT_MATTER, myst_page

from tools import notebook_view

CHAPTER = myst_page(
    """
(chapter-start)=
% a MyST comment: not shown

There are {glue:text}`n_homes` homes, a share of {glue:text}`share:.1%`, in {glue:text}`county` county; sizes
{glue:}`sizes`, as {cite:p}`gelman2007,mcelreath2020` and {cite:t}`gelman2007` say. See {doc}`exercises`, the
{doc}`practice page <exercises>`, {ref}`ex-first`, {numref}`ex-first` and {ref}`the first one <ex-first>`;
$x^2$ inline and {math}`y_{i}` too. Roles in code are code: ``{glue:text}`n_homes` `` stays.

```{code-cell} ipython3
# {glue:text}`n_homes` in a code cell is code
x = 1
```

```{note}
A note with {glue:text}`n_homes:d` homes.
```

```python
{cite:p}`not-a-citation` in a plain code block stays
```
""",
    title="The chapter",
)
EXERCISES = myst_page(
    """
```{exercise} The first one
:label: ex-first

Try {glue:text}`k`.
```

```{exercise}
:label: ex-second

Another.
```

```{solution} ex-first
:label: sol-first
:class: dropdown

It is $\\sigma$.
```

````{solution-start} ex-second
:label: sol-second
:class: dropdown
````

```{code-cell} ipython3
y = 2
```

````{solution-end}
````

Back to {ref}`ex-first`.
""",
    title="Practice",
)
BIB = """@book{gelman2007, author = {Gelman, Andrew and Hill, Jennifer}, title = {Data Analysis}, year = {2007},
  publisher = {CUP}}
@book{mcelreath2020, author = {McElreath, Richard}, title = {Statistical Rethinking}, year = {2020},
  publisher = {CRC}}
@article{vehtari2021, author = {Vehtari, Aki}, title = {An improved $\\widehat{R}$}, journal = {BA}, year = {2021}}
"""
TOC = """format: jb-book
root: book/intro
parts:
  - caption: Chapters
    numbered: true
    chapters:
      - file: book/chapter
        sections:
          - file: book/exercises
  - caption: Reference
    chapters:
      - file: book/references
"""
GLUE = {
    "n_homes": {"text/plain": "919"},
    "share": {"text/plain": "0.4567"},
    "county": {"text/plain": "'Hennepin'"},
    "sizes": {"text/plain": "[117, 20, 2]"},
    "k": {"text/plain": "3.25"},
}


@pytest.fixture
def root(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text(TOC)
    # the intro by hand, without front matter: a page that is no notebook (the view must make it one)
    (tmp_path / "book" / "intro.md").write_text("# Intro\n\nRead {doc}`chapter` first.\n")
    (tmp_path / "book" / "chapter.md").write_text(CHAPTER)
    (tmp_path / "book" / "exercises.md").write_text(EXERCISES)
    (tmp_path / "book" / "references.md").write_text("# References\n\n```{bibliography}\n:all:\n```\n")
    (tmp_path / "book" / "references.bib").write_text(BIB)
    return tmp_path


def record(glue=GLUE, seed=1305):
    return {"glue": glue, "seed": seed, "date": "2026-12-07"}


def view(root, name, rec):
    return notebook_view.view_page(root / "book" / name, notebook_view.read_book(root), rec, root)


def test_every_role_becomes_text_as_the_book_shows_it(root):
    text = view(root, "chapter.md", record())
    assert "There are 919 homes, a share of 45.7%, in Hennepin county; sizes\n[117, 20, 2]," in text
    assert "([Gelman and Hill, 2007](references.md); [McElreath, 2020](references.md))" in text
    assert "[Gelman and Hill (2007)](references.md) say" in text
    assert "See [Practice](exercises.md), the\n[practice page](exercises.md)" in text
    assert "[Exercise 1](exercises.md), [Exercise 1](exercises.md) and [the first one](exercises.md)" in text
    assert "$x^2$ inline and $y_{i}$ too" in text
    assert "``{glue:text}`n_homes` `` stays" in text  # a code span is code
    assert "{cite:p}`not-a-citation` in a plain code block stays" in text
    assert '<div class="alert alert-info">\n\n**Note**\n\nA note with 919 homes.\n\n</div>' in text
    assert "(chapter-start)=" not in text and "a MyST comment" not in text


def test_code_cells_and_front_matter_are_unchanged(root):
    text = view(root, "chapter.md", record())
    assert text.startswith(FRONT_MATTER)
    before, after = jupytext.reads(CHAPTER, fmt="md:myst"), jupytext.reads(text, fmt="md:myst")
    code = [[c.source for c in nb.cells if c.cell_type == "code"] for nb in (before, after)]
    assert code[0] == code[1] == ["# {glue:text}`n_homes` in a code cell is code\nx = 1"]
    assert [c.cell_type for c in before.cells] == [c.cell_type for c in after.cells]


def test_the_page_says_where_its_numbers_come_from(root):
    text = view(root, "chapter.md", record(seed=42))
    lines = text.splitlines()
    title = lines.index("# The chapter")
    assert lines[title + 2].startswith("> *The numbers in this text come from a run of this page's code at seed 42")
    assert "running the cells recomputes the outputs below, not the numbers in the text" in lines[title + 2]
    assert "come from a run" not in view(root, "intro.md", None)  # no glue, no such line


def test_exercises_and_solutions_become_boxes(root):
    text = view(root, "exercises.md", record())
    assert '<div class="alert alert-info">\n\n**Exercise 1 (The first one)**\n\nTry 3.25.\n\n</div>' in text
    assert "**Exercise 2**\n\nAnother." in text
    assert (
        '<details class="alert alert-success">\n<summary><b>Solution to Exercise 1 (The first one)</b></summary>'
        "\n\nIt is $\\sigma$.\n\n</details>"
    ) in text
    assert "**Solution to Exercise 2**\n\nThe solution is in the cells below" in text
    assert "End of the solution to Exercise 2." in text
    assert "Back to Exercise 1." in text  # on its own page: no link
    assert "{" + "solution" not in text and "{exercise}" not in text


def test_a_page_that_is_not_a_notebook_opens_as_one(root):
    text = view(root, "intro.md", None)
    notebook = jupytext.reads(text, fmt="md:myst")
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert [c.cell_type for c in notebook.cells] == ["markdown"]
    assert "Read [The chapter](chapter.md) first." in notebook.cells[0].source


def test_the_bibliography_is_listed(root):
    text = view(root, "references.md", None)
    assert "- Andrew Gelman and Jennifer Hill\\. *Data Analysis*\\. CUP, 2007\\." in text  # pybtex escapes dots
    assert text.index("Gelman") < text.index("McElreath") < text.index("Vehtari")
    assert "An improved $\\widehat R$" in text  # LaTeX as written, not Markdown-escaped


def test_a_missing_glue_key_is_an_error_naming_page_and_key(root):
    glue = {k: v for k, v in GLUE.items() if k != "share"}
    with pytest.raises(notebook_view.ViewError, match=r"book/chapter\.md: \{glue:text\}`share:\.1%`.*'share'"):
        view(root, "chapter.md", record(glue=glue))


def test_a_page_with_glue_but_no_record_is_an_error(root):
    with pytest.raises(notebook_view.ViewError, match=r"book/chapter\.md: .*no record of a run"):
        view(root, "chapter.md", None)


@pytest.mark.parametrize(
    "markdown, message",
    [
        ("{unknown}`x`", r"does not know the role \{unknown\}"),
        ("```{mermaid}\ngraph\n```", r"does not know the directive \{mermaid\}"),
        ("{doc}`nowhere`", r"names no page of _toc.yml"),
        ("{ref}`no-label`", r"no exercise labelled 'no-label'"),
        ("{cite:p}`nobody2001`", r"nobody2001 not in book/references.bib"),
        ("```{note}\nnever closed", r"never closed"),
    ],
)
def test_what_the_view_cannot_render_is_an_error_naming_the_page(root, markdown, message):
    (root / "book" / "intro.md").write_text(f"# Intro\n\n{markdown}\n")
    with pytest.raises(notebook_view.ViewError, match=rf"book/intro\.md: .*{message}"):
        view(root, "intro.md", None)


def test_main_writes_the_view_and_refuses_a_missing_record(root, capsys):
    out = root / "view"
    assert notebook_view.main(["--root", str(root), "--out", str(out), "--no-run"]) == 1
    assert "chapter.md: no record of a run" in capsys.readouterr().err
    for page in ("chapter.md", "exercises.md"):
        path = notebook_view.record_file(root, root / "book" / page)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(record() | {"code_hash": notebook_view.code_hash(root / "book" / page), "page": page})
        )
    assert notebook_view.main(["--root", str(root), "--out", str(out), "--no-run"]) == 0
    assert "There are 919 homes" in (out / "book" / "chapter.md").read_text()
    assert "{glue:text}`n_homes`" in (root / "book" / "chapter.md").read_text()  # the source is untouched


def test_a_record_of_older_code_is_not_used(root):
    page = root / "book" / "chapter.md"
    path = notebook_view.record_file(root, page)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(record() | {"code_hash": "0" * 16}))
    assert notebook_view.read_record(root, page) is None


def test_a_run_records_what_the_page_glued_and_its_seed(root):
    """A real kernel runs a small page that glues as the chapters do (start_chapter, glue_number, myst_nb.glue)."""
    page = root / "book" / "chapter.md"
    page.write_text(
        myst_page(
            "```{code-cell} ipython3\nfrom myst_nb import glue\nfrom rethinking_utils import glue_number, "
            "start_chapter\n\nchapter = start_chapter(default_seed=77)\nglue_number('n_homes', 919)\n"
            "glue('county', 'Hennepin', display=False)\n```\n\nThere are {glue:text}`n_homes` homes in "
            "{glue:text}`county`.\n",
            title="Run",
        )
    )
    notebook_view.run_and_record(root, page, timeout=300)
    rec = notebook_view.read_record(root, page)
    assert rec["seed"] == 77 and rec["glue"]["n_homes"]["text/plain"] == "919"
    assert "There are 919 homes in Hennepin." in view(root, "chapter.md", rec)


def test_records_are_made_from_the_book_builds_execution_cache(root):
    """After `make book` (as in CI), the pages jupyter-cache executed give their glued values; a page whose code has
    changed since does not."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from nbclient import NotebookClient

    page = root / "book" / "chapter.md"
    page.write_text(
        myst_page(
            "```{code-cell} ipython3\nfrom myst_nb import glue\n\n# start_chapter(default_seed=5)"
            "\nglue('n_homes', 919, display=False)\n```\n\nThere are {glue:text}`n_homes` homes.\n",
            title="Run",
        )
    )
    notebook = jupytext.read(page)
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    cache = get_cache(root / "_build" / ".jupyter_cache")
    cache.cache_notebook_bundle(CacheBundleIn(notebook, str(page)), check_validity=False)

    assert notebook_view.records_from_book_cache(root) == [page]
    rec = notebook_view.read_record(root, page)
    assert rec["glue"]["n_homes"]["text/plain"] == "919" and rec["seed"] == 5
    assert notebook_view.records_from_book_cache(root) == []  # recorded already

    notebook_view.record_file(root, page).unlink()
    page.write_text(page.read_text().replace("919, display", "920, display"))
    assert notebook_view.records_from_book_cache(root) == []  # the book ran other code
