"""The book's configuration as readers meet it: buttons, execution, the API page, the table of contents (read through
tools.course, the one place that walks _toc.yml)."""

from __future__ import annotations

import re

import yaml

from tools import course

ROOT = course.ROOT
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def test_repository_url_is_in_one_place():
    url = CONFIG["repository"]["url"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert CONFIG["repository"]["branch"] == "main"
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert text.count("github.com") == 1, "the repository URL must appear once in _config.yml (repository.url)"


def test_launch_and_repository_buttons():
    assert CONFIG["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert CONFIG["launch_buttons"]["notebook_interface"] == "jupyterlab"
    for button in ["use_repository_button", "use_issues_button", "use_edit_page_button"]:
        assert CONFIG["html"][button] is True, button


def test_readme_binder_badge_agrees_with_the_config():
    """README's Binder link is built from the same repository URL and branch as the book's launch buttons."""
    owner_repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s\"]+", readme)
    assert links, "README.md has no Binder link"
    for link in links:
        assert link.startswith(f"https://mybinder.org/v2/gh/{owner_repo}/{CONFIG['repository']['branch']}"), link
        path = re.search(r"urlpath=lab/tree/([^&#]+)", link)
        assert path and (ROOT / path[1]).exists(), f"{link} opens a path that is not in the repository"


def test_execution_fails_the_build_on_errors():
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] == "cache" and execute["timeout"] > 0
    assert execute["allow_errors"] is False and execute["raise_on_error"] is True
    assert CONFIG["only_build_toc_files"] is True
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"-m tools\.build_book \. -W -n --keep-going --all", makefile)


def test_math_citations_and_api_extensions():
    assert {"amsmath", "dollarmath"} <= set(CONFIG["parse"]["myst_enable_extensions"])
    for bib in CONFIG["bibtex_bibfiles"]:
        assert (ROOT / bib).is_file(), bib
    assert {"sphinx.ext.autodoc", "sphinx.ext.napoleon"} <= set(CONFIG["sphinx"]["extra_extensions"])
    assert CONFIG["sphinx"]["config"]["napoleon_numpy_docstring"] is True


def test_toc_chapters_and_files_agree():
    """tools.course.structure_problems: every toc page exists, the numbered part has chapters and every chapter is a
    notebook, every notebook in book/ is in the toc, the reference pages are listed, the intro's links follow the
    toc's order. _toc.yml is the only chapter list, so there is no second list to compare it with."""
    assert course.chapter_names(), "_toc.yml lists no chapters"
    assert course.structure_problems() == []


def test_intro_maps_the_course():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    assert "{doc}`" + course.chapter_names()[0] + "`" in intro, "intro.md must link the first chapter with {doc}"
    for topic in ["## What you need to know first", "Binder", "make book", "make test", "MIT", "CC BY 4.0"]:
        assert topic in intro, f"intro.md does not mention {topic!r}"


def test_api_page_documents_every_public_name():
    missing, unknown = course.api_page_gaps()
    assert not missing, f"book/api.md does not document {missing}"
    assert not unknown, f"book/api.md documents names that are not public: {unknown}"


def test_status_page_shows_the_execution_table_and_versions():
    source = (ROOT / "book" / "status.md").read_text(encoding="utf-8")
    assert "{nb-exec-table}" in source
    for dist in ["pymc", "nutpie", "arviz", "pandas", "jupyter-book"]:
        assert f'"{dist}"' in source, dist
    assert "platform.python_version()" in source
