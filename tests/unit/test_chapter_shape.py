"""The chapters' shape, read from their sources (notebooks/src/*.nb): short prose, the tutorial's
TypeScript beside the Python, and every chapter opening with its goal and minutes and ending with
its questions and further reading."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

SOURCES = Path(__file__).resolve().parents[2] / "notebooks" / "src"
MARKER = re.compile(r"^%% (markdown|code)\b.*$", re.MULTILINE)
FOLD = re.compile(r"<details>.*?</details>", re.DOTALL)
MAX_WORDS = 450
WITH_TYPESCRIPT = ("02", "03", "04", "05", "07")
OPENED = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10")
ENDED = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10")


def chapter(number: str) -> Path:
    [source] = SOURCES.glob(f"{number}-*.nb")
    return source


def markdown_cells(source: Path) -> list[str]:
    parts = MARKER.split(source.read_text())
    # split() with one group: [before, kind, body, kind, body, ...]
    return [body for kind, body in zip(parts[1::2], parts[2::2], strict=True) if kind == "markdown"]


def unfolded_words(cell: str) -> int:
    return len(FOLD.sub(" ", cell).split())


def test_the_sources_are_found() -> None:
    assert len(list(SOURCES.glob("*.nb"))) >= 9
    assert markdown_cells(chapter("02"))[0].lstrip().startswith("# 2 · ")


@pytest.mark.parametrize("source", sorted(SOURCES.glob("*.nb")), ids=lambda path: path.stem)
def test_no_markdown_cell_holds_more_than_450_words_outside_its_folds(source: Path) -> None:
    long = [
        (unfolded_words(cell), cell.strip().splitlines()[0])
        for cell in markdown_cells(source)
        if unfolded_words(cell) > MAX_WORDS
    ]
    assert long == []


def test_words_in_folds_are_not_counted() -> None:
    cell = "one two <details><summary>three</summary>four five six</details> seven"
    assert unfolded_words(cell) == 3


@pytest.mark.parametrize("number", WITH_TYPESCRIPT)
def test_the_tutorials_typescript_stands_beside_the_python(number: str) -> None:
    cells = markdown_cells(chapter(number))
    with_ts = [cell for cell in cells if "```ts\n" in cell]
    assert len(with_ts) >= 2, "at least two steps with the tutorial's TypeScript"
    assert any("3logy/nestjs-graphql-passport" in cell for cell in cells)


@pytest.mark.parametrize("number", OPENED)
def test_a_chapter_opens_with_its_goal_and_minutes(number: str) -> None:
    opening = markdown_cells(chapter(number))[0]
    assert re.search(r"\*\*Goal:\*\*", opening)
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", opening)


@pytest.mark.parametrize("number", ENDED)
def test_a_chapter_ends_with_questions_answers_folded_and_further_reading(number: str) -> None:
    ending = "\n".join(markdown_cells(chapter(number))[-3:])
    questions = ending.index("## Questions")
    answers = ending.index("<details><summary>Answers</summary>", questions)
    further = ending.index("## Further", answers)
    assert re.search(r"^- .*\]\(https?://", ending[further:], re.MULTILINE), "a list of links"


def listing_lengths() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "listing_lengths", SOURCES.parents[1] / "scripts" / "listing_lengths.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source", sorted(SOURCES.glob("*.nb")), ids=lambda path: path.stem)
def test_no_listing_shows_more_than_45_lines_unfolded(source: Path) -> None:
    script = listing_lengths()
    shown = dict(script.listings(source))
    assert all(lines > 0 for lines in shown.values())
    assert {call: lines for call, lines in shown.items() if lines > script.LONGEST} == {}


def test_the_listing_count_reads_the_calls_a_chapter_makes() -> None:
    shown = dict(listing_lengths().listings(chapter("04")))
    assert shown["show_source(PerformLoginHandler, focus='execute')"] < 30
    assert len(shown) >= 2
