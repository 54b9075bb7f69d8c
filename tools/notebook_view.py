"""Binder's notebook view: the pages' prose as the book shows it, with the numbers of the image's own run.

JupyterLab renders Markdown, not MyST: opened there, a chapter would show ``{glue:text}`ve_n_homes```,
``{cite:p}`gelman2007``` and fenced ``{exercise}`` source. Binder's image is a throw-away copy of the repository, and
its ``postBuild`` executes every chapter once (the pre-warm, tools/prewarm.py). This tool writes what the book would
show into that copy's ``book/*.md`` - the sources in the repository stay MyST, and the book build is unchanged:

- glue roles -> the value glued by the page's run, formatted as myst-nb formats it (``{glue:text}`key:.2f```);
- citations -> author-year text from ``book/references.bib``, linked to the references page;
- ``{doc}`` -> a link to the page (its title, or the role's own text); ``{ref}``/``{numref}`` to an exercise ->
  "Exercise N" (linked when it is on another page);
- exercises, solutions and admonitions -> JupyterLab's coloured ``alert`` boxes, dropdown solutions -> ``<details>``;
  MyST targets and comments are dropped; ``{bibliography}`` -> the formatted list; the API page's autodoc ->
  ``help(...)`` pointers;
- one line at the top of every page with glued numbers says where they come from (seed and date of the run), and
  that re-running the cells recomputes the outputs but not the text.

A role or directive the tool does not know, or a glue key the page's run did not glue, is an error naming the page
and the text: never a silent gap in the view.

The values come from records, one JSON file per page in ``_build/notebook_view/`` (the seed, the code hash and every
glued value of one execution). tools/prewarm.py writes them while it pre-warms; this tool executes any page with glue
roles whose record is missing or whose code changed since (own_notebook, which the pre-warm does not run).

Usage (postBuild): ``python -m tools.notebook_view --in-place``; ``--out DIR`` writes the view into another folder
(``book/`` in it), so it can be looked at without touching the sources: ``python -m tools.notebook_view --out view``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tools import course

ROOT = course.ROOT
RECORDS = Path("_build") / "notebook_view"
GLUE_PREFIX = "application/papermill.record/"

ADMONITIONS = {
    "note": "info",
    "tip": "success",
    "hint": "success",
    "seealso": "info",
    "important": "warning",
    "attention": "warning",
    "caution": "warning",
    "warning": "warning",
    "danger": "danger",
    "error": "danger",
    "admonition": "info",
}
# Lines that a raw MyST role or directive leaves in JupyterLab's rendered text (tools/check_binder.py looks for them).
RAW_MYST = re.compile(
    r"\{(?:glue(?::[\w-]*)?|cite(?::\w+)?|doc|ref|numref|eq|math|download|term|abbr|exercise|solution(?:-start|-end)?|"
    r"bibliography|eval-rst|nb-exec-table|code-cell|figure|image|" + "|".join(ADMONITIONS) + r")\}"
)
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\s*(?P<info>.*)$")
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<argument>.*)$")
ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:.-]*)\}(?P<ticks>`+)(?P<content>.*?)(?P=ticks)", re.S)
TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
AUTODOC = re.compile(r"^\.\. auto(?:function|class|exception|method|data|module)::\s*(?P<name>\S+)")


# The view gives a page that is not a notebook (intro, references, API) jupytext's MyST front matter, so that
# JupyterLab opens it like the chapters, as a notebook of Markdown cells, without asking for a kernel.
NOTEBOOK_FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

"""


class ViewError(ValueError):
    """A page the view cannot render faithfully: the message names the page and the text."""


# ---------------------------------------------------------------------------------------------------------------
# Records of a page's run: the glued values.


def glued_values(notebook) -> dict[str, dict[str, str]]:
    """``{key: mime bundle}`` of every ``myst_nb.glue`` in an executed notebook (the last one of a key wins)."""
    values: dict[str, dict[str, str]] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = ((output.get("metadata") or {}).get("scrapbook") or {}).get("name")
            if name is None:
                continue
            data = output.get("data", {})
            values[name] = {mime.removeprefix(GLUE_PREFIX): value for mime, value in data.items()}
    return values


def code_hash(path: Path) -> str:
    from tools import robustness

    return robustness.code_hash(robustness.read_notebook(path))


def record_file(root: Path, page: Path) -> Path:
    return root / RECORDS / f"{page.stem}.json"


def write_record(root: Path, page: Path, notebook, seed: int | None, date: dt.date | None = None) -> Path:
    """Keep what one execution of ``page`` glued (``notebook``: the executed notebook), for the view."""
    record = {
        "page": page.relative_to(root).as_posix() if page.is_relative_to(root) else page.name,
        "code_hash": code_hash(page),
        "seed": seed,
        "date": (date or dt.date.today()).isoformat(),
        "glue": glued_values(notebook),
    }
    path = record_file(root, page)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_record(root: Path, page: Path) -> dict | None:
    """The page's record, or None when there is none or the page's code changed since it was made."""
    path = record_file(root, page)
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    return record if record.get("code_hash") == code_hash(page) else None


def records_from_book_cache(root: Path, cache_dir: Path | None = None) -> list[Path]:
    """Records from the executed pages that `make book` keeps (its jupyter-cache, ``_build/.jupyter_cache``), for
    every page with glue that has no record yet and whose code is the code the book executed. The book executes each
    page at its default seed. Returns the pages recorded; none without a cache. (`make check-binder` calls this, so
    that after `make book`, as in CI, the view runs no page again.)"""
    from tools import robustness

    cache_dir = cache_dir or root / "_build" / ".jupyter_cache"
    if not (cache_dir / "global.db").is_file():
        return []
    from jupyter_cache import get_cache

    cache = get_cache(cache_dir)
    wanted = {p.resolve(): p for p in pages(root) if uses_glue(p) and read_record(root, p) is None}
    recorded = []
    for entry in sorted(cache.list_cache_records(), key=lambda r: r.created, reverse=True):  # newest first
        page = wanted.get(Path(entry.uri).resolve())
        if page is None:
            continue
        notebook = cache.get_cache_bundle(entry.pk).nb
        if robustness.code_hash(notebook) != code_hash(page):
            continue
        write_record(root, page, notebook, robustness.default_seed(notebook), entry.created.date())
        recorded.append(page)
        del wanted[page.resolve()]
    return recorded


def seed_of(ledger: Path) -> int | None:
    """The seed start_chapter recorded in a COURSE_LEDGER file (None: the page called no start_chapter)."""
    if not ledger.is_file():
        return None
    from rethinking_utils.book import read_ledger

    seeds = [entry["value"] for entry in read_ledger(ledger) if entry.get("kind") == "seed"]
    return seeds[0] if seeds else None


def run_and_record(root: Path, page: Path, timeout: int = 1800):
    """Execute ``page`` in a fresh kernel (as the pre-warm does) and write its record. Returns the run's timing."""
    from benchmarks.execute import execute_chapter

    with tempfile.TemporaryDirectory(prefix="notebook-view-") as tmp:
        ledger = Path(tmp) / "ledger.jsonl"
        kept = {}
        run = execute_chapter(
            page,
            None,
            "notebook-view",
            timeout=timeout,
            extra_env={"COURSE_LEDGER": str(ledger)},
            on_executed=lambda notebook: kept.update(notebook=notebook),
        )
        write_record(root, page, kept["notebook"], seed_of(ledger))
    return run


# ---------------------------------------------------------------------------------------------------------------
# What the pages refer to: titles, exercises, the bibliography.


@dataclass
class Exercise:
    page: str  # docname, e.g. book/radon_exercises
    number: int
    title: str


@dataclass
class Book:
    """What a page's references resolve against: every page's title, every exercise label, the bibliography."""

    root: Path
    titles: dict[str, str] = field(default_factory=dict)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    bibliography: dict = field(default_factory=dict)  # key -> pybtex Entry


def page_title(text: str) -> str | None:
    in_code = False
    for line in strip_front_matter(text).splitlines():
        if FENCE.match(line):
            in_code = not in_code
        elif not in_code and line.startswith("# "):
            return line[2:].strip()
    return None


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :]
    return text


def read_book(root: Path = ROOT) -> Book:
    book = Book(root=root)
    for docname in course.toc_docnames(root / "_toc.yml"):
        path = course.source_file(root, docname)
        if path is None:
            continue
        text = path.read_text(encoding="utf-8")
        book.titles[docname] = page_title(text) or Path(docname).name
        number = 0
        lines = text.splitlines()
        for index, line in enumerate(lines):
            fence = FENCE.match(line)
            info = DIRECTIVE_INFO.match(fence.group("info")) if fence else None
            if not info or info.group("name") != "exercise":
                continue
            number += 1
            for option in lines[index + 1 :]:
                match = re.match(r"^:label:\s*(\S+)", option)
                if match:
                    book.exercises[match.group(1)] = Exercise(docname, number, info.group("argument").strip())
                if not option.startswith(":"):
                    break
    bib = root / "book" / "references.bib"
    if bib.is_file():
        from pybtex.database import parse_file

        book.bibliography = dict(parse_file(str(bib)).entries)
    return book


def author_year(entry) -> tuple[str, str]:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(person.last_names) for person in people] or [entry.fields.get("title", "?")]
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return who, entry.fields.get("year", "n.d.")


def bibliography_markdown(book: Book) -> str:
    """The references, formatted by pybtex's plain style (sphinxcontrib-bibtex's default), as a Markdown list."""
    from pybtex.database import BibliographyData
    from pybtex.style.formatting.plain import Style

    data = BibliographyData(entries=book.bibliography)
    formatted = Style().format_bibliography(data)
    items = sorted(formatted, key=lambda item: author_year(book.bibliography[item.key]))
    lines = ("- " + " ".join(item.text.render_as("markdown").split("\n")) for item in items)
    # pybtex escapes Markdown's punctuation, also inside a title's $...$, where LaTeX needs it as it was
    return "\n".join(
        re.sub(r"\$[^$]+\$", lambda m: re.sub(r"\\([^A-Za-z0-9\s])", r"\1", m.group(0)), line) for line in lines
    )


# ---------------------------------------------------------------------------------------------------------------
# Rendering one page.


@dataclass
class Page:
    path: Path
    docname: str
    book: Book
    glue: dict[str, dict[str, str]] | None  # None: the page has no record (then a glue role is an error)
    open_solutions: list[Exercise] = field(default_factory=list)

    def fail(self, message: str) -> ViewError:
        return ViewError(f"{self.docname}.md: {message}")

    def link(self, docname: str) -> str:
        """A relative link from this page to ``docname``'s source, as JupyterLab opens it."""
        here = Path(self.docname).parent
        return Path(os.path.relpath(docname, here)).as_posix() + ".md"


def resolve_doc(page: Page, target: str) -> str:
    target = target.strip()
    if target.startswith("/"):
        docname = target.lstrip("/")
    else:
        docname = os.path.normpath((Path(page.docname).parent / target).as_posix())
    docname = course.strip_suffix(docname)
    if docname not in page.book.titles:
        raise page.fail(f"{{doc}}`{target}` names no page of _toc.yml")
    return docname


def render_role(page: Page, name: str, content: str) -> str:
    """The Markdown that stands for one role."""
    raw = f"{{{name}}}`{content}`"
    if name in ("glue", "glue:", "glue:any", "glue:text", "glue:md"):
        if name == "glue:text" and ":" in content:
            key, fmt = content.rsplit(":", 1)
        else:
            key, fmt = content, ("s" if name == "glue:text" else "")
        if "::" in key:
            raise page.fail(f"{raw}: glue from another page is not supported by the notebook view")
        if page.glue is None:
            raise page.fail(f"{raw}: the page has no record of a run to take glued values from")
        if key not in page.glue:
            raise page.fail(f"{raw}: the page's run glued no value {key!r}")
        bundle = page.glue[key]
        if name == "glue:md" or (name != "glue:text" and "text/markdown" in bundle):
            if "text/markdown" in bundle:
                return bundle["text/markdown"]
        if "text/plain" not in bundle:
            raise page.fail(f"{raw}: the value glued as {key!r} has no text/plain form")
        from myst_nb.core.variables import format_plain_text

        try:
            return format_plain_text(bundle["text/plain"], fmt)
        except (TypeError, ValueError) as err:
            raise page.fail(f"{raw}: cannot format {bundle['text/plain']!r} with {fmt!r}: {err}") from None
    if name.startswith("cite"):
        style = name.partition(":")[2] or "p"
        keys = [key.strip() for key in content.split(",") if key.strip()]
        missing = [key for key in keys if key not in page.book.bibliography]
        if missing:
            raise page.fail(f"{raw}: {', '.join(missing)} not in book/references.bib")
        refs = page.link("book/references")
        parts = []
        for key in keys:
            who, year = author_year(page.book.bibliography[key])
            parts.append(f"[{who} ({year})]({refs})" if style.startswith("t") else f"[{who}, {year}]({refs})")
        return "; ".join(parts) if style.startswith("t") else f"({'; '.join(parts)})"
    explicit = EXPLICIT.match(content)
    text, target = (explicit.group("text"), explicit.group("target")) if explicit else (None, content)
    if name == "doc":
        docname = resolve_doc(page, target)
        return f"[{text or page.book.titles[docname]}]({page.link(docname)})"
    if name in ("ref", "numref"):
        exercise = page.book.exercises.get(target.strip())
        if exercise is None:
            raise page.fail(f"{raw}: the notebook view knows no exercise labelled {target.strip()!r}")
        label = text or f"Exercise {exercise.number}"
        return label if exercise.page == page.docname else f"[{label}]({page.link(exercise.page)})"
    if name == "math":
        return f"${content}$"
    if name in ("term", "abbr"):
        return (text or content).split(" (")[0]
    raise page.fail(f"{raw}: the notebook view does not know the role {{{name}}}")


def render_inline(page: Page, text: str) -> str:
    """Replace every role outside code spans."""
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "{":
            match = ROLE.match(text, index)
            if match:
                out.append(render_role(page, match.group("name"), match.group("content")))
                index = match.end()
                continue
        if char == "`":
            run = re.match(r"`+", text[index:]).group(0)
            end = re.compile(rf"(?<!`){run}(?!`)").search(text, index + len(run))
            if end:
                out.append(text[index : end.end()])
                index = end.end()
                continue
            out.append(run)
            index += len(run)
            continue
        out.append(char)
        index += 1
    return "".join(out)


def split_options(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """A directive's options (``:key: value`` lines or a ``---`` YAML block) and its body."""
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        import yaml

        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            options = {str(k): str(v) for k, v in (yaml.safe_load("\n".join(lines[1:end])) or {}).items()}
            return options, lines[end + 1 :]
    body_start = 0
    for body_start, line in enumerate(lines):
        match = re.match(r"^:([\w-]+):\s*(.*)$", line)
        if not match:
            break
        options[match.group(1)] = match.group(2).strip()
    else:
        body_start = len(lines)
    return options, lines[body_start:]


def box(kind: str, title: str, body: str, folded: bool = False) -> str:
    """A coloured box JupyterLab renders (its ``.alert`` styles), or a folded ``<details>`` one."""
    inner = f"**{title}**\n\n{body.strip()}".strip() if title else body.strip()
    if folded:
        return (
            f'<details class="alert alert-{kind}">\n<summary><b>{title}</b></summary>\n\n{body.strip()}\n\n</details>'
        )
    return f'<div class="alert alert-{kind}">\n\n{inner}\n\n</div>'


def render_directive(page: Page, name: str, argument: str, lines: list[str]) -> str:
    options, body_lines = split_options(lines)
    body = render_text(page, "\n".join(body_lines)) if body_lines else ""
    argument = render_inline(page, argument.strip())
    folded = "dropdown" in options.get("class", "").split()
    if name == "exercise":
        exercise = page.book.exercises.get(options.get("label", ""))
        number = exercise.number if exercise else ""
        title = f"Exercise {number}" + (f" ({argument})" if argument else "")
        return box("info", title, body)
    if name in ("solution", "solution-start"):
        target = argument.strip()
        exercise = page.book.exercises.get(target)
        if exercise is None:
            raise page.fail(f"{{{name}}} {target}: the notebook view knows no exercise labelled {target!r}")
        title = f"Solution to Exercise {exercise.number}" + (f" ({exercise.title})" if exercise.title else "")
        title = render_inline(page, title)
        if name == "solution":
            return box("success", title, body, folded=folded)
        page.open_solutions.append(exercise)
        return box("success", title, "The solution is in the cells below, down to the end of the solution.")
    if name == "solution-end":
        if not page.open_solutions:
            raise page.fail("{solution-end} without a {solution-start} before it")
        exercise = page.open_solutions.pop()
        return box("success", "", f"End of the solution to Exercise {exercise.number}.")
    if name in ADMONITIONS:
        title = argument if name == "admonition" else (argument or name.capitalize().replace("also", " also"))
        return box(ADMONITIONS[name], title, body, folded=folded)
    if name == "bibliography":
        return bibliography_markdown(page.book)
    if name == "math":
        return "$$\n" + "\n".join(body_lines).strip() + "\n$$"
    if name == "eval-rst":
        names = [m.group("name") for m in (AUTODOC.match(line) for line in body_lines) if m]
        if not names:
            raise page.fail("{eval-rst}: the notebook view renders only autodoc directives of it")
        helps = "\n".join(f"- `{n}`: run `help({n})` in a code cell" for n in names)
        return f"The book shows the documentation of these here; in a notebook, ask Python for it:\n\n{helps}"
    if name == "nb-exec-table":
        return "*The book's version of this page shows a table of when and how long each page was last executed.*"
    raise page.fail(f"the notebook view does not know the directive {{{name}}}")


def render_text(page: Page, text: str, keep_code_cells: bool = False) -> str:
    """Render MyST Markdown (outside front matter): directives, roles, targets and comments."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    prose: list[str] = []

    def flush() -> None:
        if prose:
            out.append(render_inline(page, "\n".join(prose)))
            prose.clear()

    while index < len(lines):
        line = lines[index]
        fence = FENCE.match(line)
        if fence:
            marker = fence.group("fence")
            closing = re.compile(rf"^{re.escape(marker[0])}{{{len(marker)},}}\s*$")
            end = next((i for i in range(index + 1, len(lines)) if closing.match(lines[i])), None)
            if end is None:
                raise page.fail(f"line {line!r} opens a fence that is never closed")
            info = DIRECTIVE_INFO.match(fence.group("info"))
            block = lines[index + 1 : end]
            flush()
            if info is None:  # a plain code block: verbatim
                out.append("\n".join(lines[index : end + 1]))
            elif info.group("name") == "code-cell" and keep_code_cells:
                out.append("\n".join(lines[index : end + 1]))
            else:
                out.append(render_directive(page, info.group("name"), info.group("argument"), block))
            index = end + 1
            continue
        if TARGET.match(line) or (line.startswith("%") and not line.startswith("%%")):
            index += 1  # a MyST target or comment: nothing to show
            continue
        prose.append(line)
        index += 1
    flush()
    return "\n".join(out)


def provenance_line(record: dict) -> str:
    seed = f"at seed {record['seed']}" if record.get("seed") is not None else "(it draws no random numbers)"
    return (
        f"> *The numbers in this text come from a run of this page's code {seed} on {record['date']}, when this copy "
        "was set up: running the cells recomputes the outputs below, not the numbers in the text.*"
    )


def view_page(path: Path, book: Book, record: dict | None, root: Path = ROOT) -> str:
    """The page at ``path`` as the notebook view shows it (the whole file: front matter and code cells unchanged)."""
    text = path.read_text(encoding="utf-8")
    docname = course.strip_suffix(path.resolve().relative_to(root.resolve()).as_posix())
    page = Page(path, docname, book, None if record is None else record["glue"])
    body = strip_front_matter(text)
    head = text[: len(text) - len(body)] if course.is_notebook(path) else NOTEBOOK_FRONT_MATTER
    rendered = render_text(page, body, keep_code_cells=True)
    if page.open_solutions:
        raise page.fail(f"{{solution-start}} {page.open_solutions[-1].title!r} is never ended")
    if record is not None:
        lines = rendered.split("\n")
        at = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
        lines[at + 1 : at + 1] = ["", provenance_line(record)]
        rendered = "\n".join(lines)
    return head + rendered


def uses_glue(path: Path) -> bool:
    return any(m.group("name").startswith("glue") for m in ROLE.finditer(path.read_text(encoding="utf-8")))


def pages(root: Path = ROOT) -> list[Path]:
    """Every page of the toc (a reader can open any of them in JupyterLab)."""
    found = (course.source_file(root, name) for name in course.toc_docnames(root / "_toc.yml"))
    return [p for p in found if p is not None and p.suffix == ".md"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--in-place", action="store_true", help="rewrite book/*.md (Binder's throw-away copy)")
    where.add_argument("--out", type=Path, help="write the view into OUT/book/ instead")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this checkout)")
    parser.add_argument("--no-run", action="store_true", help="fail on a missing record instead of running the page")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    book = read_book(root)
    views: dict[Path, str] = {}
    try:
        for path in pages(root):
            record = read_record(root, path) if uses_glue(path) else None
            if uses_glue(path) and record is None:
                if args.no_run:
                    raise ViewError(f"{path.name}: no record of a run with its current code in {RECORDS}")
                print(f"notebook view: running {path.name} for its glued values", flush=True)
                run_and_record(root, path)
                record = read_record(root, path)
            views[path] = view_page(path, book, record, root)
    except ViewError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path, text in views.items():
        target = path if args.in_place else args.out / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"notebook view: {len(views)} page(s) written {'in place' if args.in_place else f'to {args.out}'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
