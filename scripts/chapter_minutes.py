"""How long each chapter takes a learner: measured as a scripted learner, at stated paces.

For each chapter source in notebooks/src/ it counts what a learner reads and executes the
chapter as a learner would (every cell once, in order, with nbclient, on the SQLite default):

- prose: the words of the markdown cells, outside the collapsed <details> boxes (hints and
  answers are read only when needed), at READING_WPM words a minute;
- code: the words (whitespace-separated tokens) of the code cells a learner reads, at CODE_WPM
  (half the pace of prose); collapsed `check` and `test` cells and the answers are not counted;
- running: the measured wall time of executing the whole chapter;
- exercises: each answer (a `solution` cell) typed, thinking included, at WRITING_WPM words a
  minute, plus CHECK_MINUTES to run its check, read the verdict and fix once (a script cannot
  measure thinking: these two paces are the stated assumption);
- questions: QUESTION_MINUTES per question at the end of the chapter.

Usage: python scripts/chapter_minutes.py [NN ...] [--no-execute]
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READING_WPM = 200
CODE_WPM = 100
WRITING_WPM = 15
CHECK_MINUTES = 2
QUESTION_MINUTES = 1
DETAILS = re.compile(r"<details>.*?</details>", re.DOTALL)
QUESTION = re.compile(r"^\d+\. ", re.MULTILINE)


def build_module():  # type: ignore[no-untyped-def]
    """scripts/build_notebooks.py, which knows how a source becomes a notebook."""
    spec = importlib.util.spec_from_file_location("build", ROOT / "scripts/build_notebooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Chapter:
    name: str
    prose_words: int
    code_words: int
    answers: list[int]  # the words of each exercise's answer
    questions: int
    run_seconds: float

    def minutes(self) -> dict[str, float]:
        parts = {
            "prose": self.prose_words / READING_WPM,
            "code": self.code_words / CODE_WPM,
            "running": self.run_seconds / 60,
            "exercises": sum(self.exercise_minutes()),
            "questions": self.questions * QUESTION_MINUTES,
        }
        return parts | {"total": sum(parts.values())}

    def exercise_minutes(self) -> list[float]:
        return [words / WRITING_WPM + CHECK_MINUTES for words in self.answers]


def measure(build, source: Path, execute: bool) -> Chapter:  # type: ignore[no-untyped-def]
    notebook = build.parse(source)
    markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    shown = [
        c.source
        for c in notebook.cells
        if c.cell_type == "code"
        and not {"check", "test", "solution"} & set(c.metadata.get("tags", []))
    ]
    questions_part = "\n".join(markdown).split("## Questions", 1)[-1]
    started = time.perf_counter()
    if execute:
        build.execute(notebook)
    return Chapter(
        name=source.stem,
        prose_words=sum(len(DETAILS.sub("", text).split()) for text in markdown),
        code_words=sum(len(text.split()) for text in shown),
        answers=[
            len(c.source.split())
            for c in notebook.cells
            if "solution" in c.metadata.get("tags", [])
        ],
        questions=len(QUESTION.findall(DETAILS.sub("", questions_part))),
        run_seconds=time.perf_counter() - started if execute else 0.0,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="name prefixes, e.g. 03 09")
    parser.add_argument("--no-execute", action="store_true")
    args = parser.parse_args(argv)
    build = build_module()
    print(
        f"paces: prose {READING_WPM} words/min, code {CODE_WPM} words/min, "
        f"answers typed at {WRITING_WPM} words/min + {CHECK_MINUTES} min per check,"
        f" {QUESTION_MINUTES} min per question"
    )
    print(f"{'chapter':<28} words: prose code  run s  exercises questions | minutes: "
          "read run exercises questions = total")  # fmt: skip
    for source in build.sources(args.chapters):
        chapter = measure(build, source, not args.no_execute)
        m = chapter.minutes()
        print(
            f"{chapter.name:<28} {chapter.prose_words:>12} {chapter.code_words:>4}"
            f" {chapter.run_seconds:>6.1f} {len(chapter.answers):>10} {chapter.questions:>9} |"
            f" {m['prose'] + m['code']:>14.1f} {m['running']:>3.1f} {m['exercises']:>9.0f}"
            f" {m['questions']:>9.0f} = {m['total']:>5.0f}",
            flush=True,
        )
        each = ", ".join(f"{m:.0f}" for m in chapter.exercise_minutes())
        print(f"{'':<28} minutes per exercise: {each}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
