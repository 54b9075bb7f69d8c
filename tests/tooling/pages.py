"""MyST notebook pages for the tooling tests: the jupytext front matter written once (issue 30).

A test that writes a small chapter to a temporary folder passes its body here instead of repeating the front
matter. A test that means to write a different or broken front matter (none, no kernelspec, ...) writes it by
hand, saying why. pytest puts this folder on sys.path when it imports a test module from it (no __init__.py, its
default "prepend" import mode), so the tests import it as `pages` (ruff files it with the third-party imports).
"""

from __future__ import annotations

# What `jupytext --to md:myst` writes, less the lines a fixture does not need (`formats`, `jupytext_version`):
# enough for jupytext, nbval, myst-nb and tools/course.py's is_notebook to take the page for a notebook.
FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---
"""

_KEYS = ("jupytext:", "kernelspec:")


def front_matter(extra: str = "") -> str:
    """The front matter, with `extra` (whole top-level YAML entries, e.g. ``"mystnb:\\n  execution_mode: force"``)
    added after the kernelspec."""
    if not extra:
        return FRONT_MATTER
    lines = extra.splitlines()
    if "---" in lines or any(line.startswith(_KEYS) for line in lines) or lines[0].startswith((" ", "\t")):
        raise ValueError(
            f"extra_front_matter must be new top-level YAML entries, without the fences, jupytext or kernelspec "
            f"(a test that needs another front matter writes it by hand): {extra!r}"
        )
    return FRONT_MATTER.removesuffix("---\n") + extra.rstrip("\n") + "\n---\n"


def myst_page(body: str, *, title: str | None = None, extra_front_matter: str = "") -> str:
    """A MyST notebook page: the front matter, a blank line, ``# title`` and a blank line when a title is given,
    then `body` (its leading blank lines dropped, the rest as written).

    >>> page = myst_page("```{code-cell} ipython3\\nx = 1\\n```\\n", title="A chapter")
    >>> print(page[page.index("kernelspec"):])
    kernelspec:
      display_name: Python 3 (ipykernel)
      language: python
      name: python3
    ---
    <BLANKLINE>
    # A chapter
    <BLANKLINE>
    ```{code-cell} ipython3
    x = 1
    ```
    <BLANKLINE>
    """
    if body.lstrip().startswith("---"):
        raise ValueError("the body starts with '---': myst_page writes the front matter itself, pass only the body")
    heading = f"# {title}\n\n" if title is not None else ""
    return front_matter(extra_front_matter) + "\n" + heading + body.lstrip("\n")
