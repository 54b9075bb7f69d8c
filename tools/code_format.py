"""Code that fits the book's column: black at the column's width, run through jupytext so the .md stays the source.

``make format`` (``python -m tools.code_format [FILES]``) formats the code cells of every notebook page of the toc
(or the given files) with black at ``line-length`` from pyproject.toml's ``[tool.black]`` (78: what the rendered
code column shows at 1280 px), cell by cell in black's notebook mode (as ``black`` formats an ``.ipynb``): a trailing
``;`` that keeps a plotting cell from displaying its last value (``Text(...)``) stays, as do IPython magics.
``python -m tools.code_format --check`` changes nothing and lists what is wrong; the test suite runs the same check
(tests/tooling/test_code_format.py): a cell black would change, and any code line - comments and strings too, which
black does not wrap - wider than the column, with its line number in the .md file.
"""

from __future__ import annotations

import argparse
import re
import sys
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", flags=re.DOTALL)


def front_matter(text: str) -> str:
    match = FRONT_MATTER.match(text)
    return match.group(0) if match else ""


def line_length(root: Path = ROOT) -> int:
    """The column's width in characters: [tool.black] line-length of pyproject.toml."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return int(config["tool"]["black"]["line-length"])


class UnparsableCell(Exception):
    """A code cell black cannot parse; the message names the page and the cell."""


def black_cell(source: str, width: int, where: str = "a code cell") -> str:
    """One code cell as black formats it in a notebook (it keeps a trailing ``;`` and leaves magics alone)."""
    import black

    try:
        return black.format_cell(source, fast=False, mode=black.Mode(line_length=width, is_ipynb=True))
    except black.NothingChanged:
        return source
    except (black.InvalidInput, tokenize.TokenError) as error:  # black's parser, or its notebook-mode tokenizer
        raise UnparsableCell(f"{where} is not valid Python, so black cannot format it ({error}); fix it") from None


def code_lines(path: Path) -> list[tuple[int, int, str]]:
    """(line number in the .md, code cell number from 1, text) for every code line of a MyST notebook."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    cell = 0
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        cell += 1
        fence = match.group(1)
        i += 1
        if i < len(lines) and lines[i].strip() == "---":  # the cell's YAML options
            i += 1
            while i < len(lines) and lines[i].strip() != "---":
                i += 1
            i += 1
        while i < len(lines) and lines[i].rstrip() != fence:
            found.append((i + 1, cell, lines[i]))
            i += 1
        i += 1
    return found


def unformatted_cells(path: Path, width: int) -> list[str]:
    """Code cells that `make format` would change: 'cell N (first line)'."""
    import jupytext

    sources = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
    changed = []
    for number, old in enumerate(sources, start=1):
        if old.rstrip() != black_cell(old, width, f"{path.name}: cell {number}").rstrip():
            first = next((line.strip() for line in old.splitlines() if line.strip()), "")
            changed.append(f"cell {number} ({first[:60]!r})")
    return changed


def problems(path: Path, width: int | None = None) -> list[str]:
    """What keeps a notebook's code from fitting the column: cells black would change, lines wider than it."""
    width = width or line_length()
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    found = [
        f"{name}: {cell} is not black-formatted at {width} columns; run `make format`"
        for cell in unformatted_cells(path, width)
    ]
    for number, _, text in code_lines(path):
        if len(text) > width:
            found.append(
                f"{name}:{number}: code line of {len(text)} characters (the column shows {width}): "
                f"{text.strip()[:60]!r}; wrap it by hand (black does not wrap comments and strings)"
            )
    return found


def pages(root: Path = ROOT) -> list[Path]:
    from tools.course import notebook_pages

    return notebook_pages(root)


def format_page(path: Path, width: int) -> None:
    """Black every code cell of a MyST notebook in place; the page is rewritten only when a cell changed."""
    import jupytext

    before = path.read_text(encoding="utf-8")
    notebook = jupytext.reads(before, fmt="md:myst")
    changed = False
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        new = black_cell(cell.source, width, f"{path.name}: cell {number}").rstrip("\n")
        changed |= new != cell.source.rstrip("\n")
        cell.source = new
    if changed:
        # jupytext rewrites the front matter (it stamps its version and drops keys it does not know, such as
        # mystnb): keep the page's own.
        after = jupytext.writes(notebook, fmt="md:myst")
        path.write_text(FRONT_MATTER.sub(lambda _: front_matter(before), after, count=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="notebook .md files (default: every notebook page)")
    parser.add_argument("--check", action="store_true", help="change nothing; list what is not formatted")
    args = parser.parse_args(argv)
    width = line_length()
    files = [f.resolve() for f in args.files] or pages()
    try:
        if not args.check:
            for path in files:
                format_page(path, width)
        found = [problem for path in files for problem in problems(path, width)]
    except UnparsableCell as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for problem in found:
        print(problem)
    print(
        f"{len(files)} notebooks, {len(found)} problems"
        + (" left (lines to wrap by hand)" if found and not args.check else "")
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
