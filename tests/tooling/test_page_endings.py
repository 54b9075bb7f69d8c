"""Every page ends alike (CONTRIBUTING.md, "The skeleton of a chapter"), read from _toc.yml so that a new chapter is
held to it as soon as the toc lists it.

- A chapter (a page of a numbered part of the toc) ends with the sections "What we learned" and then "Next", its
  last two ``##`` headings. "Next" links ({doc}) the chapter's exercise pages (its sections in the toc) and the page
  that follows them in the toc (the next chapter, or after the last one the first page after the chapters), and
  quotes the page's wall time (the key it glues with ``glue_time(..., chapter.elapsed())``). After "Next" come only
  code cells: the check cell that glues that time, and the versions cell.
- An exercise page (a section of a chapter) links its chapter, and its last paragraph quotes its wall time.
- Every page that calls ``start_chapter`` ends with the versions cell: a code cell tagged ``versions`` and
  ``remove-input`` that prints ``versions_line()``; and every time it glues is quoted somewhere in its prose.
"""

from __future__ import annotations

import re

import jupytext
import pytest

from tools import course, robustness

ROOT = course.ROOT
ELAPSED = re.compile(r"glue_time\(\s*[\"'](\w+)[\"']\s*,\s*chapter\.elapsed\(\)\s*\)")
GLUE_TIME = re.compile(r"glue_time\(\s*[\"'](\w+)[\"']")
FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1\s*$", flags=re.DOTALL | re.MULTILINE)
DOC_LINK = re.compile(r"\{doc\}`(?:[^`<]*<)?([\w/.]+?)>?`")


def chapter_sections() -> dict[str, list[str]]:
    """``{chapter docname: [its section docnames]}`` for the numbered parts of _toc.yml, in order."""
    found = {}
    for part in course.load_toc().get("parts", []):
        if part.get("numbered"):
            for entry in part.get("chapters", []):
                found[course.strip_suffix(entry["file"])] = [
                    course.strip_suffix(s["file"]) for s in entry.get("sections", []) if "file" in s
                ]
    return found


CHAPTERS = chapter_sections()
EXERCISES = {section: chapter for chapter, sections in CHAPTERS.items() for section in sections}
SEEDED = [p.relative_to(ROOT).with_suffix("").as_posix() for p in robustness.seeded_pages()]


def notebook(docname: str):
    return jupytext.read(course.source_file(ROOT, docname))


def prose(cell) -> str:
    """A markdown cell without its fenced blocks (a ``## `` inside an example is no heading)."""
    return FENCE.sub("", cell.source)


def page_time_key(nb, docname: str) -> str:
    keys = [k for cell in nb.cells if cell.cell_type == "code" for k in ELAPSED.findall(cell.source)]
    assert len(keys) == 1, f"{docname}: glue the page's wall time once, glue_time(key, chapter.elapsed()); got {keys}"
    return keys[0]


def quotes(text: str, key: str) -> bool:
    return re.search(r"\{glue(?::text)?\}`" + re.escape(key) + r"(:[^`]*)?`", text) is not None


def next_page_after(chapter: str) -> str | None:
    """The toc's page after the chapter and its sections: the next chapter, or the first page after the chapters."""
    names = course.toc_docnames()
    last = CHAPTERS[chapter][-1] if CHAPTERS[chapter] else chapter
    index = names.index(last) + 1
    return names[index] if index < len(names) else None


def test_the_toc_has_chapters_with_exercise_pages():
    assert CHAPTERS, "_toc.yml has no numbered part"
    assert all(CHAPTERS.values()), f"a chapter without an exercise page: {CHAPTERS}"


@pytest.mark.parametrize("docname", list(CHAPTERS))
def test_chapter_ends_with_what_we_learned_then_next(docname):
    nb = notebook(docname)
    headings = [
        (i, line[3:].strip())
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown"
        for line in prose(cell).splitlines()
        if line.startswith("## ")
    ]
    titles = [title for _, title in headings]
    assert titles[-2:] == ["What we learned", "Next"], (
        f"{docname}: its last two sections must be '## What we learned' and '## Next'; its sections are {titles}"
    )
    start = headings[-1][0]
    tail = nb.cells[start:]
    after = [c for c in tail[1:] if c.cell_type == "markdown"]
    next_text = prose(tail[0]) + "".join(prose(c) for c in after)
    later = [i for i, c in enumerate(tail) if c.cell_type == "code"]
    assert all(c.cell_type == "code" for c in tail[later[0] :]) if later else True, (
        f"{docname}: after '## Next' and its prose come only code cells (the time check, the versions cell)"
    )
    links = set(DOC_LINK.findall(next_text))
    stems = {name.rsplit("/", 1)[-1] for name in links}
    wanted = [s.rsplit("/", 1)[-1] for s in CHAPTERS[docname]]
    following = next_page_after(docname)
    if following is not None:
        wanted.append(following.rsplit("/", 1)[-1])
    missing = [w for w in wanted if w not in stems]
    assert not missing, f"{docname}: its 'Next' section must link ({{doc}}) {wanted}; it does not link {missing}"
    key = page_time_key(nb, docname)
    assert quotes(next_text, key), f"{docname}: its 'Next' section must quote the page's wall time {{glue:text}}`{key}`"
    for cell in tail:
        if cell.cell_type == "code":
            tags = cell.metadata.get("tags", [])
            assert "remove-cell" in tags or robustness.VERSIONS_TAG in tags, (
                f"{docname}: a teaching code cell after '## Next': {cell.source[:80]!r}"
            )


@pytest.mark.parametrize("docname", list(EXERCISES))
def test_exercise_page_links_its_chapter_and_ends_with_its_time(docname):
    nb = notebook(docname)
    chapter = EXERCISES[docname].rsplit("/", 1)[-1]
    text = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert chapter in DOC_LINK.findall(text), f"{docname}: an exercise page links its chapter {{doc}}`{chapter}`"
    key = page_time_key(nb, docname)
    last = [c for c in nb.cells if c.cell_type == "markdown"][-1]
    assert quotes(last.source, key), (
        f"{docname}: its last paragraph must quote the page's wall time ({{glue:text}}`{key}`): {last.source[:200]!r}"
    )


@pytest.mark.parametrize("docname", SEEDED)
def test_page_ends_with_the_versions_cell(docname):
    nb = notebook(docname)
    tagged = [c for c in nb.cells if robustness.VERSIONS_TAG in c.metadata.get("tags", [])]
    last = nb.cells[-1]
    assert len(tagged) == 1 and last is tagged[0], f"{docname}: its last cell, and only it, is tagged 'versions'"
    assert last.cell_type == "code" and "remove-input" in last.metadata["tags"], last.metadata
    assert "versions_line()" in last.source and "glue" not in last.source and "check_claim" not in last.source
    assert last.source.lstrip().startswith("#"), (
        f"{docname}: the versions cell starts with a comment saying what it does"
    )


@pytest.mark.parametrize("docname", SEEDED)
def test_every_glued_time_is_quoted(docname):
    nb = notebook(docname)
    keys = {k for c in nb.cells if c.cell_type == "code" for k in GLUE_TIME.findall(c.source)}
    text = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    orphans = sorted(k for k in keys if not quotes(text, k))
    assert not orphans, f"{docname}: glued times that no sentence quotes (quote them, or stop gluing them): {orphans}"


def test_versions_cell_is_left_out_of_the_code_hash():
    nb = notebook(SEEDED[0])
    before = robustness.code_hash(nb)
    nb.cells[-1].source += "\nprint('and more')"
    assert robustness.code_hash(nb) == before
    nb.cells[-1].metadata["tags"] = ["remove-input"]
    assert robustness.code_hash(nb) != before
