"""Binder (repo2docker) builds the readers' environment from the repository root: these files must agree with the
pinned environment of requirements.txt, and every chapter must open through jupytext as a runnable notebook."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest
from packaging.specifiers import SpecifierSet

from tools import course

ROOT = course.ROOT


def apt_packages() -> list[str]:
    """apt.txt read as repo2docker reads it: one package a line, `#` starts a comment."""
    lines = (ROOT / "apt.txt").read_text(encoding="utf-8").splitlines()
    return [p for p in (line.partition("#")[0].strip() for line in lines) if p]


def test_runtime_is_the_python_the_pins_were_made_for():
    runtime = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)
    assert match, f"runtime.txt must be one line like 'python-3.12', got {runtime!r}"
    version = f"{match[1]}.{match[2]}"
    header = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()[0]
    stated = re.search(r"Python (\d+\.\d+)", header)
    assert stated, f"requirements.txt's first line should name the Python it pins for, got {header!r}"
    assert version == stated[1], (
        f"runtime.txt asks Binder for Python {version}; requirements.txt is pinned on {stated[1]}"
    )
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert SpecifierSet(requires).contains(f"{version}.0"), (
        f"Python {version} does not satisfy requires-python {requires}"
    )


def test_apt_installs_graphviz():
    assert "graphviz" in apt_packages(), "the DAG cells need Graphviz's `dot` program on Binder"


def test_requirements_are_exact_pins_with_jupytext_and_jupyterlab():
    pinned = course.pins()
    # jupytext reads the .md chapters as notebooks and ships JupyterLab's "Jupytext Notebook" viewer; jupyterlab is
    # pinned too, so that Binder runs the JupyterLab version this extension was built for, not repo2docker's default.
    for name in ["jupytext", "jupyterlab", "ipykernel", "pymc", "nutpie", "graphviz"]:
        assert name in pinned, f"requirements.txt does not pin {name}"


def test_requirements_install_the_package_itself():
    assert "-e ." in course.requirement_lines(), "requirements.txt must install rethinking_utils (`-e .`) for Binder"
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), (
        "a binder/ folder makes repo2docker ignore the root files (requirements.txt, runtime.txt, apt.txt, postBuild)"
    )


def test_installed_versions_match_the_pins():
    """The environment the tests run in is the one Binder gets (checks the packages Binder depends on)."""
    from importlib.metadata import version

    pinned = course.pins()
    for name in ["jupytext", "jupyterlab", "pymc", "jupyter-book"]:
        assert version(name) == pinned[name], f"{name} {version(name)} is installed but {pinned[name]} is pinned"


def test_post_build_makes_markdown_open_as_a_notebook(tmp_path):
    """Run postBuild as Binder would (a fresh home), then read the JupyterLab setting it wrote."""
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK), "postBuild must be executable"
    assert post_build.read_text(encoding="utf-8").startswith("#!"), "postBuild needs a shebang line"
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "COURSE_PREWARM": "none",  # make check-binder runs the pre-warm; here only the settings
        "COURSE_NOTEBOOK_VIEW": "off",  # it would rewrite this checkout's book/*.md (make check-binder runs it)
    }
    result = subprocess.run([str(post_build)], cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    assert "pre-warming 0 page(s)" in result.stdout
    overrides = json.loads((tmp_path / ".jupyter" / "labconfig" / "default_setting_overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook" and viewers["myst"] == "Jupytext Notebook"


def test_jupytext_ships_its_jupyterlab_extension():
    """The "Jupytext Notebook" viewer is jupytext's prebuilt JupyterLab extension, installed with the wheel."""
    extension = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-jupytext" / "package.json"
    assert extension.is_file(), f"{extension} is missing: reinstall jupytext"
    server_config = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "jupytext.json"
    assert json.loads(server_config.read_text())["ServerApp"]["jpserver_extensions"]["jupyterlab_jupytext"] is True


def binder_pages() -> list[str]:
    """Every chapter of _toc.yml (each must be a notebook), then the other toc pages that are notebooks (status)."""
    chapters = course.chapter_docnames()
    others = [p.relative_to(ROOT).with_suffix("").as_posix() for p in course.notebook_pages()]
    return chapters + [name for name in others if name not in chapters]


@pytest.mark.parametrize("docname", binder_pages(), ids=lambda name: name.removeprefix("book/"))
def test_chapter_opens_through_jupytext_with_the_binder_kernel(docname):
    """A chapter without jupytext front matter would open as plain Markdown on Binder and not be executed."""
    path = course.source_file(ROOT, docname)
    assert path is not None, f"_toc.yml lists {docname}, which has no source file"
    assert course.is_notebook(path), f"{path.name} has no jupytext front matter (format_name: myst) with a kernelspec"
    notebook = jupytext.read(path)
    nbformat.validate(notebook)
    kernelspec = notebook.metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", f"{path.name}: kernelspec name must be python3 (Binder's kernel)"
    assert kernelspec.get("language") == "python", f"{path.name}: kernelspec language must be python"
    assert notebook.metadata["jupytext"]["text_representation"]["format_name"] == "myst"
    assert any(cell.cell_type == "code" for cell in notebook.cells), f"{path.name} has no code cell"


def test_the_pre_warm_picks_chapters_by_name_and_refuses_unknown_ones():
    """COURSE_PREWARM: all (the default), none, or chapter names in toc order; a typo is an error, not a no-op."""
    from tools.prewarm import UsageError, pages_to_warm

    chapters = course.chapters()
    assert pages_to_warm(None) == chapters and pages_to_warm("all") == chapters
    assert pages_to_warm("none") == []
    last, first = chapters[-1].stem, chapters[0].stem
    assert pages_to_warm(f"{last} {first}") == [chapters[0], chapters[-1]]
    with pytest.raises(UsageError, match="radno.*not chapters of _toc.yml"):
        pages_to_warm("radno")
