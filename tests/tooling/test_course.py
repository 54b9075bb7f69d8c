"""tools/course.py, the one place that knows the course's structure, and what it makes true: adding a chapter is
one new file plus one line in _toc.yml."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pages import myst_page

from tools import course

ROOT = course.ROOT

CHAPTER = myst_page('```{code-cell} ipython3\nprint("hello")\n```\n', title="A new chapter")


@pytest.fixture
def copy(tmp_path):
    """The files that define the course's structure: _toc.yml and the pages it lists (a page being written next to
    them, not yet in the toc, is left out: these tests are about the copy's structure, not the working tree's)."""
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    for name in course.toc_docnames():
        source = course.source_file(ROOT, name)
        (tmp_path / source.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, tmp_path / source.relative_to(ROOT))
    return tmp_path


def test_toc_pages_and_chapters():
    names = course.toc_docnames()
    assert names[0] == "book/intro" and set(course.REFERENCE_PAGES) <= set(names)
    chapters = course.chapter_docnames()
    assert chapters and set(chapters) <= set(names)
    assert [p.stem for p in course.chapters()] == course.chapter_names() == [Path(c).name for c in chapters]
    assert all(course.is_notebook(p) for p in course.chapters())
    assert not course.is_notebook(ROOT / "book" / "api.md") and not course.is_notebook(ROOT / "README.md")


def test_a_chapter_added_to_the_toc_reaches_every_tool(copy):
    before = course.chapter_names(copy)
    (copy / "book" / "new_chapter.md").write_text(CHAPTER)
    toc = (copy / "_toc.yml").read_text()
    last = f"      - file: book/{before[-1]}\n"
    assert toc.count(last) == 1
    (copy / "_toc.yml").write_text(toc.replace(last, last + "      - file: book/new_chapter\n"))

    assert course.chapter_names(copy) == before + ["new_chapter"]  # benchmarks, robustness, check-binder
    assert copy / "book" / "new_chapter.md" in course.notebook_pages(copy)  # Binder files test, nbval, check-site
    assert course.structure_problems(copy) == []  # the toc test of tests/tooling/test_book_config.py


def test_a_chapter_file_without_its_toc_line_is_caught(copy):
    (copy / "book" / "orphan.md").write_text(CHAPTER)
    assert course.structure_problems(copy) == [
        "book/orphan is a notebook that _toc.yml does not list: it would be neither built nor read"
    ]


def test_a_toc_line_without_its_file_or_without_front_matter_is_caught(copy):
    toc = (copy / "_toc.yml").read_text()
    first = course.chapter_names(copy)[0]
    (copy / "_toc.yml").write_text(
        toc.replace(f"- file: book/{first}\n", f"- file: book/{first}\n      - file: book/gone\n")
    )
    # by hand, not with myst_page: the point is a page with no front matter, which is no notebook
    (copy / "book" / f"{first}.md").write_text("# A chapter without front matter\n")
    problems = course.structure_problems(copy)
    assert "_toc.yml lists book/gone, which has no .md or .ipynb file" in problems
    assert any(f"the chapter book/{first} is not a MyST notebook" in p for p in problems)


def test_an_empty_chapter_list_is_caught(copy):
    (copy / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: Reference\n    chapters:\n"
        "      - file: book/references\n      - file: book/api\n      - file: book/status\n"
    )
    assert "_toc.yml has no numbered part with chapters" in course.structure_problems(copy)


def test_the_intro_must_follow_the_toc_order(copy):
    names = course.chapter_names(copy)
    intro = copy / "book" / "intro.md"
    intro.write_text(f"{{doc}}`{names[1]}` then {{doc}}`{names[0]}`\n")
    assert any("the intro links the chapters in the order" in p for p in course.structure_problems(copy))


def test_pins():
    pins = course.pins()
    assert pins["pymc"] and pins["jupyter-book"] and "rethinking-utils" not in pins
    assert course.normalize("Jupyter_Book") == "jupyter-book"


def test_tools_import_from_anywhere_without_path_tricks(tmp_path):
    """A fresh interpreter in an unrelated folder imports tools.course and benchmarks: the editable install puts the
    repository root on sys.path (pyproject.toml's dev-mode-dirs), no file edits sys.path."""
    code = "import tools.course, benchmarks.run_benchmarks, tools.check_site; print(tools.course.ROOT)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(ROOT)
    sources = [
        *ROOT.glob("tools/*.py"),
        *ROOT.glob("benchmarks/*.py"),
        *ROOT.glob("tests/**/*.py"),
        ROOT / "book" / "conftest.py",
    ]
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in sources
        if p.name != "test_course.py"
        and re.search(r"sys\.path\.(insert|append)|spec_from_file_location", p.read_text())
    ]
    assert offenders == []
