"""The course's exercises, and the table where a learner's attempts at them are kept.

The course writes it (course/progress.py: each check records its attempt in the learner's own
database), the instructor reads it (workshop/progress.py: every provisioned learner's). The table
is not one of the kit's: the kit's migrations do not create it and a chapter's fresh start
(`drop_kit_tables`) does not drop it, so progress outlives the chapters' databases.
It holds the verdict and a short reason, never the learner's code or a secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

PASSED, FAILED = "passed", "failed"
Attempt = tuple[str, str, str, str, datetime]  # chapter, exercise, verdict, reason, at (UTC)


@dataclass(frozen=True)
class Exercise:
    chapter: str  # "03"
    name: str  # "accept-terms"
    title: str

    @property
    def key(self) -> str:
        return f"{self.chapter}/{self.name}"


# Every exercise with a check, in the course's order. cqrs_auth/course/__init__.py wraps each
# exercise's check with `recorded(chapter, name)`; a test holds the two lists together.
EXERCISES: tuple[Exercise, ...] = (
    Exercise("01", "events-sql", "the event log's SQL"),
    Exercise("01", "dispatched-column", "the column that says dispatched"),
    Exercise("02", "command-bus", "a command bus of your own"),
    Exercise("03", "accept-terms", "a command, its handler and its event"),
    Exercise("03", "idempotent-counter", "an idempotent event handler"),
    Exercise("03", "welcome-saga", "a saga that spares test users"),
    Exercise("04", "user-id-from-token", "the user id in a JWT"),
    Exercise("05", "me-username", "`me { username }` with a token"),
    Exercise("06", "form-signup", "a signup through the form"),
    Exercise("07", "email-conflict", "the error of a taken email"),
    Exercise("08", "logins-projector", "a read model of your own"),
    Exercise("09", "reset-mail", "the reset saga and its mail"),
    Exercise("09", "reset-handler", "the reset handler"),
    Exercise("10", "erase-login-failure", "the erasure of a failed login"),
)

progress_metadata = MetaData()
course_progress = Table(
    "course_progress",
    progress_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chapter", String(8), nullable=False),
    Column("exercise", String(64), nullable=False),
    Column("verdict", String(8), nullable=False),  # PASSED or FAILED
    Column("reason", String(255), nullable=False),  # why not yet; "" when passed
    Column("at", DateTime, nullable=False),  # UTC
)


@dataclass(frozen=True)
class Standing:
    """Where a learner stands on one exercise."""

    status: str  # "passed" | "trying" | "not started"
    attempts: int = 0
    last: datetime | None = None
    reason: str = ""  # what the last failed attempt was told

    def mark(self) -> str:
        """The status in a few characters, a word beside the mark."""
        if self.status == "passed":
            return "✓ passed"
        if self.status == "trying":
            return f"✗ {self.attempts} {'try' if self.attempts == 1 else 'tries'}"
        return "· none"


NOT_STARTED = Standing("not started")


def standings(rows: Iterable[Attempt]) -> dict[str, Standing]:
    """Each exercise's standing from its attempts (chapter, exercise, verdict, reason, at),
    oldest first. Passed once is passed; attempts count every try."""
    found: dict[str, Standing] = {}
    for chapter, exercise, verdict, reason, at in rows:
        key = f"{chapter}/{exercise}"
        before = found.get(key, NOT_STARTED)
        passed = verdict == PASSED or before.status == "passed"
        found[key] = Standing(
            "passed" if passed else "trying",
            before.attempts + 1,
            at,
            before.reason if verdict == PASSED else reason,
        )
    return {e.key: found.get(e.key, NOT_STARTED) for e in EXERCISES}
