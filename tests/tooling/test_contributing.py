"""CONTRIBUTING.md's steps for adding a chapter are the real ones: each step it names is there, and each file, make
target and option it names exists. And the README's chapter list, one of those steps, follows _toc.yml."""

import re

import pytest

from tools import course

ROOT = course.ROOT
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    assert f"\n{heading}\n" in text, f"no {heading!r} section"
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


ADDING = section(GUIDE, "## Adding a chapter")


def main_chapters() -> list[str]:
    return [name for name in course.chapter_names() if not name.endswith("_exercises")]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", MAKEFILE, flags=re.MULTILINE))


@pytest.mark.parametrize(
    "step",
    [
        "book/<name>.md",
        "book/<name>_exercises.md",
        "start_chapter",
        "_toc.yml",
        "book/intro.md",
        "README.md",
        "remove-cell",
        "jupyter: source_hidden: true",
        "make check-binder",
        "make format",
        "make robustness",
        "robustness/results.json",
        "make bench",
        "benchmarks/RESULTS.md",
        "How long it takes",
    ],
)
def test_adding_a_chapter_names_every_step(step):
    assert step in ADDING, f"CONTRIBUTING.md's *Adding a chapter* does not name {step!r}"


def test_every_file_the_steps_name_exists():
    """The steps' paths (and every repository path with a folder anywhere in the guide)."""
    named = set(re.findall(r"`((?:book|robustness|benchmarks|tools|tests|data)/[\w./-]+)`", GUIDE))
    named |= set(re.findall(r"`([\w-]+\.(?:yml|md))`", ADDING))
    named = {path for path in named if "<" not in path}
    assert {"_toc.yml", "README.md", "book/intro.md", "robustness/results.json", "benchmarks/RESULTS.md"} <= named
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"CONTRIBUTING.md names files the repository does not have: {missing}"


def test_every_make_target_named_exists():
    named = set(re.findall(r"\bmake ([a-z][\w-]*)", GUIDE + README))
    assert {"book", "test", "robustness", "bench", "format", "check-binder", "data"} <= named
    missing = sorted(named - make_targets())
    assert not missing, f"CONTRIBUTING.md or README.md names make targets the Makefile lacks: {missing}"


def test_the_bench_options_named_exist():
    source = (ROOT / "benchmarks" / "run_benchmarks.py").read_text(encoding="utf-8")
    for option in set(re.findall(r"--[a-z][\w-]+", section(GUIDE, "## The benchmark") + ADDING)):
        assert f'"{option}"' in source, f"make bench has no option {option}"


def test_the_intro_links_every_chapter_and_its_exercises():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    missing = [name for name in course.chapter_names() if "{doc}`" + name + "`" not in intro]
    assert not missing, f"book/intro.md does not link {missing}"


def test_the_readme_lists_every_chapter_by_its_title():
    listed = re.findall(r"^\d+\. \*\*(.+?)\*\*", README, flags=re.MULTILINE)
    titles = []
    for name in main_chapters():
        text = (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
        titles.append(re.search(r"^# (.+)$", text.split("\n---\n", 1)[1], flags=re.MULTILINE)[1])
    assert len(listed) == len(titles), f"README.md lists {len(listed)} chapters, _toc.yml has {len(titles)}"
    for item, title in zip(listed, titles, strict=True):
        assert title.lower().startswith(item.lower()), f"README.md lists {item!r} where _toc.yml has {title!r}"


def test_the_check_cell_metadata_shown_is_what_check_binder_requires():
    example = section(GUIDE, "## A chapter's skeleton")
    assert "jupyter:\n     source_hidden: true\n   tags: [remove-cell]" in example
    assert "source_hidden" in (ROOT / "tools" / "check_binder.py").read_text(encoding="utf-8")


def test_the_readme_gives_readers_the_two_commands_and_points_maintainers_on():
    for text in ["make book", "make test", "PYTHON=", "3.12", "pip install .", "mybinder.org", "CONTRIBUTING.md"]:
        assert text in README, f"README.md does not mention {text!r}"
    assert len(README.split()) < 700, f"README.md has {len(README.split())} words; readers get two minutes"
