"""scripts/chapter_minutes.py counts what a learner reads and writes, as its docstring says."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


SOURCE = """%% markdown
# 99 · A chapter

Read these five words here. <details><summary>Hint</summary>never counted at all</details>
%% code
app = fresh_app("99")
%% code tags=solution
answer = 6 * 7
%% code tags=check
check_answer(answer)
%% markdown
## Questions

1. Why?
2. And why not?

<details><summary>Answers</summary>

1. Because.
</details>
"""


def test_prose_outside_the_boxes_code_read_answers_and_questions_are_counted_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    minutes = load("chapter_minutes")
    build = load("build_notebooks")
    monkeypatch.setattr(build, "navigation", lambda source: "")
    source = tmp_path / "99-a-chapter.nb"
    source.write_text(SOURCE)
    chapter = minutes.measure(build, source, execute=False)
    assert chapter.prose_words == 5 + 5 + 2 + 6  # heading, sentence, "## Questions", questions
    assert chapter.code_words == 3  # the answer and its check are not reading
    assert chapter.answers == [5]
    assert chapter.questions == 2
    assert chapter.exercise_minutes() == [5 / minutes.WRITING_WPM + minutes.CHECK_MINUTES]
