"""Each exercise check records its attempt where the learner works; the learner sees them.

- With `DATABASE_URL` set (a provisioned database on the room's MySQL), attempts go into that
  database's `course_progress` table, where the instructor's `cqrs-auth workshop progress`
  reads them.
- With it unset (the SQLite default, one file per chapter), into one file shared by every
  chapter: `.data/progress.db` in the course's folder (`notebooks/`; exercise notebooks run in
  `notebooks/exercises/`, and write to their parent's).

Recording never breaks a check: a database that cannot be written to is skipped silently. An
attempt holds the verdict and the first line of the "Not yet" (long tokens cut out), never the
learner's code. A check run on the placeholder `...` or a stub that raises
NotImplementedError is not an attempt yet and is not recorded.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pandas as pd
from sqlalchemy import select

from ..adapters.db import make_engine
from ..progress import EXERCISES, FAILED, PASSED, Standing, course_progress, standings
from .exercises import NotYet

P = ParamSpec("P")
R = TypeVar("R")
REASON_LENGTH = 160
SECRET_LIKE = re.compile(r"(?=\S*[A-Z])(?=\S*[a-z])(?=\S*\d)\S{20,}")  # JWTs, hashes, tokens
log = logging.getLogger(__name__)


def progress_url() -> str:
    """Where attempts go: DATABASE_URL, or the course folder's `.data/progress.db`."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    here = Path.cwd()
    course = here.parent if here.name == "exercises" else here
    (course / ".data").mkdir(exist_ok=True)
    return f"sqlite:///{course / '.data' / 'progress.db'}"


def short_reason(error: BaseException) -> str:
    """A NotYet's first line, long secret-like words cut out; another error's type name."""
    if not isinstance(error, NotYet):
        return type(error).__name__
    first = (str(error).splitlines() or [""])[0]
    first = SECRET_LIKE.sub("[…]", first)
    return first if len(first) <= REASON_LENGTH else first[: REASON_LENGTH - 1] + "…"


def record(chapter: str, exercise: str, verdict: str, reason: str = "") -> bool:
    """Store one attempt; False (and nothing said to the learner) if it cannot be stored."""
    try:
        engine = make_engine(progress_url(), pool_size=1)
        try:
            course_progress.create(engine, checkfirst=True)
            with engine.begin() as connection:
                connection.execute(
                    course_progress.insert(),
                    {"chapter": chapter, "exercise": exercise, "verdict": verdict,
                     "reason": reason, "at": datetime.now(UTC).replace(tzinfo=None)},
                )  # fmt: skip
        finally:
            engine.dispose()
    except Exception as error:  # noqa: BLE001 - progress is a courtesy, never the learner's problem
        log.debug("progress not recorded: %s", type(error).__name__)
        return False
    return True


def recorded(chapter: str, exercise: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The check, recording each attempt at `chapter`/`exercise` (one of EXERCISES)."""
    if f"{chapter}/{exercise}" not in {e.key for e in EXERCISES}:
        raise ValueError(f"{chapter}/{exercise} is not in cqrs_auth.progress.EXERCISES")

    def wrap(check: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(check)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = check(*args, **kwargs)
            except Exception as error:
                if not _unanswered(error, [*args, *kwargs.values()]):
                    record(chapter, exercise, FAILED, short_reason(error))
                raise
            record(chapter, exercise, PASSED)
            return result

        checked.__exercise__ = f"{chapter}/{exercise}"  # type: ignore[attr-defined]
        return checked

    return wrap


def _unanswered(error: Exception, answers: list[Any]) -> bool:
    return isinstance(error, NotImplementedError) or any(a is ... for a in answers)


def my_progress() -> pd.DataFrame:
    """This learner's exercises, one row each: done, tried (how often), or not started."""
    try:
        engine = make_engine(progress_url(), pool_size=1)
        try:
            with engine.connect() as connection:
                query = select(*[course_progress.c[n] for n in _COLUMNS])
                rows = connection.execute(query.order_by(course_progress.c.id)).all()
        finally:
            engine.dispose()
    except Exception:  # noqa: BLE001 - no table yet (nothing tried) or no database: nothing shown
        rows = []
    found = standings((r[0], r[1], r[2], r[3], r[4]) for r in rows)
    return pd.DataFrame([_row(e.chapter, e.title, found[e.key]) for e in EXERCISES]).set_index(
        ["chapter", "exercise"]
    )


_COLUMNS = ("chapter", "exercise", "verdict", "reason", "at")
_WORDS = {"passed": "✓ done", "not started": "· not started"}


def _row(chapter: str, title: str, standing: Standing) -> dict[str, str]:
    words = _WORDS.get(standing.status, f"✗ not yet ({standing.mark()[2:]})")
    last = f"{standing.last:%Y-%m-%d %H:%M} UTC" if standing.last else ""
    return {"chapter": chapter, "exercise": title, "progress": words, "last try": last,
            "the check said": "" if standing.status == "passed" else standing.reason}  # fmt: skip
