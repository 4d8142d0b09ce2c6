"""What the exercises' checks share: a wrong answer explained in words, and `check_answer()`.

A check raises `NotYet("what was expected, what happened")`. In a chapter (the solution) a
failing check stops the notebook like an assert; in an exercise notebook `check_answer()`
prints the explanation and lets the learner go on.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .running import error_summary


class NotYet(AssertionError):
    """An answer that is not right yet; the message says what was expected and what happened."""


def expect(condition: object, message: str) -> None:
    if not condition:
        raise NotYet(message)


def written(value: Any, name: str) -> Any:
    """The learner's answer, or NotYet if the placeholder is still there."""
    expect(value is not ..., f"`{name}` is still the placeholder `...`: write your answer there")
    return value


def kind(value: Any) -> str:
    return type(value).__name__


@contextmanager
def after_your_answer() -> Iterator[None]:
    """Used by the exercise notebooks around a cell that uses the answer above it."""
    try:
        yield
    except (NotImplementedError, NameError, AttributeError, TypeError, LookupError) as error:
        print(f"This cell uses your answer above, which is not ready yet ({kind(error)}).")
        print("Write it, run its check, then run this cell again.")


@contextmanager
def check_answer() -> Iterator[None]:
    """Used by the exercise notebooks: say whether the checks in the block hold."""
    try:
        yield
    except NotYet as wrong:
        print(f"✗ Not yet: {wrong}")
    except NotImplementedError:
        print("✗ Not yet: a function above still raises NotImplementedError: write its body")
    except Exception as error:  # noqa: BLE001 - any failure is an answer to report, not a crash
        where = traceback.extract_tb(error.__traceback__)[-1].line or ""
        print(f"✗ Not yet: {error_summary(error)}", file=sys.stdout)
        if where:
            print(f"  (failed at: {where})")
    else:
        print("✓ Right! On to the next step.")
