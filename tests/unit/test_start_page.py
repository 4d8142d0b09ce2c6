"""The course's start page (notebooks/src/00-start-here.nb): it lists every chapter with its
solved and exercise notebooks and the minutes WORKSHOP.md's plans give it; it is first in the
navigation and has no exercise version of its own."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from .test_exercises_are_current import load_script

ROOT = Path(__file__).resolve().parents[2]
START = ROOT / "notebooks" / "src" / "00-start-here.nb"
ROW = re.compile(
    r"^\| (\d+) \| \[[^]]+\]\(([^)]+)\) \| \[exercise\]\(([^)]+)\) \| (\S+) \| (\d+) \|"
)


def start_rows() -> dict[int, tuple[str, str, str, str]]:
    """Chapter number → (solved link, exercise link, 3-hour minutes, full-day minutes)."""
    rows = (ROW.match(line) for line in START.read_text().splitlines())
    return {int(m[1]): (m[2], m[3], m[4], m[5]) for m in rows if m}


def workshop_minutes(plan: str) -> dict[int, str]:
    """Chapter number → minutes, from one plan's table in WORKSHOP.md (`**3 hours**`, …)."""
    text = (ROOT / "WORKSHOP.md").read_text()
    table = text.split(plan, 1)[1].split("\n**", 1)[0].split("\n## ", 1)[0]
    row = re.compile(r"^\| [\d:]+ \| \[?(\d+) [^|]*\| (\d+) \|", re.MULTILINE)
    return {int(number): minutes for number, minutes in row.findall(table)}


def chapter_sources() -> list[Path]:
    sources = (ROOT / "notebooks" / "src").glob("[0-9][0-9]-*.nb")
    return sorted(source for source in sources if not source.name.startswith("00-"))


def test_the_start_page_lists_every_chapter_with_its_solved_and_exercise_notebooks():
    rows = start_rows()
    assert sorted(rows) == [int(source.name[:2]) for source in chapter_sources()]
    for source in chapter_sources():
        solved, exercise, _, _ = rows[int(source.name[:2])]
        assert solved == f"{source.stem}.ipynb"
        assert exercise == f"exercises/{source.stem}.ipynb"


@pytest.mark.parametrize(("plan", "column"), [("**3 hours**", 2), ("**Full day**", 3)])
def test_the_start_pages_minutes_are_those_of_the_workshops_plans(plan: str, column: int):
    planned = workshop_minutes(plan)
    shown = {number: row[column] for number, row in start_rows().items() if row[column] != "—"}
    assert len(planned) >= 7
    assert shown == planned


def test_the_start_page_comes_first_in_the_navigation_and_chapter_1_links_back_to_it():
    build = load_script("build_notebooks")
    sources = build.sources([])
    assert sources[0] == START
    assert build.navigation(START) == (
        "[Course](README.md) · **Start here** · [1 The database ›](01-the-database.ipynb)"
    )
    assert "[‹ Start here](00-start-here.ipynb)" in build.navigation(sources[1])


def test_the_start_page_has_no_exercise_version_and_exercises_link_up_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    make_exercises = load_script("make_exercises")
    build = load_script("build_notebooks")
    page, chapter = tmp_path / "00-start-here.ipynb", tmp_path / "01-the-database.ipynb"
    nbformat.write(build.parse(START), page)
    nbformat.write(build.parse(build.sources(["01"])[0]), chapter)
    monkeypatch.setattr(make_exercises, "NOTEBOOKS", tmp_path)
    assert make_exercises.chapters() == [chapter]
    first = make_exercises.exercise_of(chapter).cells[1].source.splitlines()[2]
    assert first.startswith("[Course](../README.md) · [‹ Start here](../00-start-here.ipynb) · ")
    assert first.endswith("[2 Commands and handlers ›](02-commands-and-handlers.ipynb)")
