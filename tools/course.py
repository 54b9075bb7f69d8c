"""The course's structure, read from the files that define it: the one place the tooling asks.

- Which pages and which chapters? ``_toc.yml`` is the only list: :func:`toc_docnames` walks it in order, and the
  chapters are the pages of its numbered parts (:func:`chapter_docnames`, :func:`chapters`).
- Is this file a notebook chapter? :func:`is_notebook` reads its front matter (jupytext, MyST, a kernelspec).
- Which versions are pinned? :func:`pins` reads ``requirements.txt``.
- Are all public names on the API page? :func:`api_page_gaps` compares ``rethinking_utils.__all__`` with the
  autodoc directives of ``book/api.md``.
- Does the structure hold together? :func:`structure_problems` lists what is wrong (a toc page that does not exist,
  a notebook in book/ that the toc does not list, a chapter that is not a notebook, ...).

The tests (tests/build/), tools/check_site.py, tools/check_binder.py, book/conftest.py, benchmarks/ and
book/status.md import this module as ``tools.course``. The repository root is importable because ``.venv`` installs
the package in editable mode (``-e .`` in requirements.txt), and pyproject.toml names the root in hatchling's
``dev-mode-dirs``: no file edits ``sys.path``. Every function takes the root as an argument (default: this
checkout), so the tests can point it at a copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = (".md", ".ipynb")
#: The pages of the Reference part that every book has (the toc may list more).
REFERENCE_PAGES = ("book/references", "book/api", "book/status")


# ---------------------------------------------------------------------------------------------------------------
# Pages and chapters: _toc.yml.


def load_toc(root: Path = ROOT) -> dict:
    """``_toc.yml`` as a dict (empty when the file is empty)."""
    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")) or {}


def strip_suffix(name: str) -> str:
    """``book/radon.md`` -> ``book/radon`` (the toc may name a file with or without its suffix)."""
    for suffix in SOURCE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _files(node) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _files(item)
    elif isinstance(node, dict):
        if "file" in node:
            yield node["file"]
        for key in ("chapters", "parts", "sections", "subtrees", "entries"):
            if key in node:
                yield from _files(node[key])


def toc_docnames(toc_file: Path | None = None) -> list[str]:
    """Every page of ``_toc.yml`` in reading order: the root first, then each ``file`` of parts, chapters, sections.

    Parameters
    ----------
    toc_file : Path, optional
        The toc to read (default: this checkout's ``_toc.yml``).
    """
    toc = yaml.safe_load((toc_file or ROOT / "_toc.yml").read_text(encoding="utf-8")) or {}
    names = [toc["root"]] if toc.get("root") else []
    names += list(_files({k: v for k, v in toc.items() if k != "root"}))
    return [strip_suffix(n) for n in names]


def chapter_docnames(root: Path = ROOT) -> list[str]:
    """The chapters, in teaching order: the pages of the toc's numbered parts (``numbered: true``)."""
    toc = load_toc(root)
    parts = toc.get("parts", [])
    return [strip_suffix(n) for part in parts if part.get("numbered") for n in _files(part.get("chapters", []))]


def source_file(root: Path, docname: str) -> Path | None:
    """The source of a docname (``.md`` or ``.ipynb``), or None when there is none."""
    for suffix in SOURCE_SUFFIXES:
        path = root / f"{docname}{suffix}"
        if path.is_file():
            return path
    return None


def chapters(root: Path = ROOT) -> list[Path]:
    """Source files of the chapters, in teaching order. A chapter the toc lists but that has no file is an error."""
    found = []
    for name in chapter_docnames(root):
        path = source_file(root, name)
        if path is None:
            raise FileNotFoundError(f"_toc.yml lists the chapter {name} but there is no {name}.md")
        found.append(path)
    return found


def chapter_names(root: Path = ROOT) -> list[str]:
    """The chapters' file stems in teaching order, e.g. ``["multilevel_models", "exploring_failure", ...]``."""
    return [Path(name).name for name in chapter_docnames(root)]


# ---------------------------------------------------------------------------------------------------------------
# Notebooks.


def front_matter(path: Path) -> dict:
    """The YAML front matter of a Markdown file (``---`` ... ``---`` at its top), or {} when it has none."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|$)", text, flags=re.DOTALL)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match[1])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def is_notebook(path: Path) -> bool:
    """True for a MyST Markdown notebook: a ``.md`` file whose front matter names jupytext's ``myst`` format and a
    kernelspec. This is what the book executes, nbval runs and Binder opens as a notebook."""
    path = Path(path)
    if path.suffix != ".md" or not path.is_file():
        return False
    meta = front_matter(path)
    fmt = ((meta.get("jupytext") or {}).get("text_representation") or {}).get("format_name")
    return fmt == "myst" and isinstance(meta.get("kernelspec"), dict)


def notebook_pages(root: Path = ROOT) -> list[Path]:
    """Sources of every page of the toc that is a notebook (chapters, and executed reference pages), in toc order."""
    paths = (source_file(root, n) for n in toc_docnames(root / "_toc.yml"))
    return [p for p in paths if p is not None and is_notebook(p)]


# ---------------------------------------------------------------------------------------------------------------
# Pins: requirements.txt.


def normalize(name: str) -> str:
    """A distribution name as pip compares it (PEP 503): ``Jupyter_Book`` -> ``jupyter-book``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(root: Path = ROOT) -> list[str]:
    """The non-empty, non-comment lines of requirements.txt."""
    lines = (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def pins(root: Path = ROOT) -> dict[str, str]:
    """``{normalized name: version}`` of requirements.txt's exact pins (``name==version``; ``-e .`` is skipped).

    Raises
    ------
    ValueError
        If a line is neither an exact pin nor ``-e``.
    """
    found = {}
    for line in requirement_lines(root):
        if line.startswith("-e"):
            continue
        name, sep, version = line.partition("==")
        if not (sep and version.strip()):
            raise ValueError(f"requirements.txt line {line!r} is not an exact pin (name==version)")
        found[normalize(name.strip())] = version.strip()
    return found


# ---------------------------------------------------------------------------------------------------------------
# The API page.


def public_names() -> list[str]:
    """``rethinking_utils.__all__``."""
    import rethinking_utils

    return list(rethinking_utils.__all__)


def api_page_names(root: Path = ROOT) -> set[str]:
    """Names that ``book/api.md`` documents with an autodoc directive (``.. autofunction:: rethinking_utils.X``)."""
    source = (root / "book" / "api.md").read_text(encoding="utf-8")
    return set(re.findall(r"\.\. auto(?:function|class|exception|data)::\s+rethinking_utils\.(\w+)", source))


def api_page_gaps(root: Path = ROOT) -> tuple[list[str], list[str]]:
    """``(public names the API page misses, names it documents that are not public)``; both empty when in step."""
    documented, public = api_page_names(root), set(public_names())
    return sorted(public - documented), sorted(documented - public)


# ---------------------------------------------------------------------------------------------------------------
# The whole structure.


def structure_problems(root: Path = ROOT) -> list[str]:
    """Everything that would make the toc, the chapters and the files disagree; [] when they agree.

    Checks that the toc has a numbered part with chapters and the reference pages, that every page it lists exists,
    that every chapter is a notebook, that every notebook in book/ is in the toc (``only_build_toc_files`` would
    skip it silently), and that the intro links the chapters it mentions in teaching order.
    """
    problems = []
    docnames = toc_docnames(root / "_toc.yml")
    for name in docnames:
        if source_file(root, name) is None:
            problems.append(f"_toc.yml lists {name}, which has no .md or .ipynb file")
    names = chapter_docnames(root)
    if not names:
        problems.append("_toc.yml has no numbered part with chapters")
    for page in REFERENCE_PAGES:
        if page not in docnames:
            problems.append(f"_toc.yml does not list {page}")
    for name in names:
        path = source_file(root, name)
        if path is not None and not is_notebook(path):
            problems.append(f"the chapter {name} is not a MyST notebook (jupytext front matter with a kernelspec)")
    listed = set(docnames)
    for path in sorted((root / "book").glob("*.md")):
        docname = path.relative_to(root).with_suffix("").as_posix()
        if is_notebook(path) and docname not in listed:
            problems.append(f"{docname} is a notebook that _toc.yml does not list: it would be neither built nor read")
    intro = source_file(root, docnames[0]) if docnames else None
    if intro is not None:
        text = intro.read_text(encoding="utf-8")
        stems = [Path(n).name for n in names]
        links = re.findall(r"\{doc\}`(?:[^`<]*<)?([\w/]+)>?`", text)
        mentioned = list(dict.fromkeys(m for m in links if m in stems))
        if mentioned != [s for s in stems if s in mentioned]:
            problems.append(f"the intro links the chapters in the order {mentioned}, not the toc's {stems}")
    return problems
