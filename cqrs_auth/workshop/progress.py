"""`cqrs-auth workshop progress`: who passed which exercise, who is stuck, who has not started.

It reads the `course_progress` table (cqrs_auth/progress.py) of every learner that provision
recorded for the prefix, with the admin's connection, and shows one row per learner: a table on
the terminal, one JSON object a line with `--json`, or a page for the projector with `--serve`
(progress_page.py). A teaching aid, not grading: a learner who runs a solved chapter passes its
checks too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, bindparam, column, select, table, text
from sqlalchemy.exc import DBAPIError

from ..adapters.db import make_engine
from ..progress import EXERCISES, Attempt, Exercise, Standing, course_progress, standings
from .registry import Registry, WorkshopError


@dataclass(frozen=True)
class LearnerProgress:
    name: str  # the learner's database and user, as provision named them
    standings: dict[str, Standing]  # by Exercise.key

    @property
    def last(self) -> datetime | None:
        return max((s.last for s in self.standings.values() if s.last), default=None)


def read_room(engine: Engine, prefix: str) -> list[LearnerProgress]:
    """Every provisioned learner of `prefix`, in their numbers' order, with their standings."""
    registry = Registry(engine, prefix)
    if not registry.exists():
        raise WorkshopError(f"nothing provisioned for prefix {prefix!r}")
    learners = sorted({(c.learner, c.name) for c in registry.entries() if c.kind == "database"})
    names = [name for _, name in learners]
    with engine.connect() as connection:
        started = _databases_with_progress(connection, names)
        return [
            LearnerProgress(name, standings(_attempts(connection, name) if name in started else []))
            for name in names
        ]


def _databases_with_progress(connection: Connection, names: list[str]) -> set[str]:
    if not names:
        return set()
    query = text(
        "SELECT TABLE_SCHEMA FROM information_schema.TABLES"
        " WHERE TABLE_NAME = :table AND TABLE_SCHEMA IN :names"
    ).bindparams(bindparam("names", expanding=True))
    return set(connection.execute(query, {"table": course_progress.name, "names": names}).scalars())


def _attempts(connection: Connection, database: str) -> list[Attempt]:
    names = ("chapter", "exercise", "verdict", "reason", "at")
    theirs = table(course_progress.name, column("id"), *map(column, names), schema=database)
    rows = connection.execute(select(*[theirs.c[n] for n in names]).order_by(theirs.c.id))
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def json_lines(room: list[LearnerProgress]) -> list[str]:
    """One object per learner and exercise, learners with nothing yet included."""
    return [
        json.dumps(
            {
                "learner": learner.name,
                "exercise": key,
                "status": standing.status,
                "attempts": standing.attempts,
                "last": _iso(standing.last),
            }
        )  # fmt: skip
        for learner in room
        for key, standing in learner.standings.items()
    ]


def _iso(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=UTC).isoformat() if moment else None


def short_names() -> dict[str, str]:
    """Column headings: `3b` for chapter 3's second exercise, `2` for chapter 2's only one."""
    by_chapter: dict[str, list[Exercise]] = {}
    for exercise in EXERCISES:
        by_chapter.setdefault(exercise.chapter, []).append(exercise)
    return {
        e.key: str(int(e.chapter)) + ("abcdefgh"[i] if len(group) > 1 else "")
        for group in by_chapter.values()
        for i, e in enumerate(group)
    }


def when(moment: datetime | None, now: datetime) -> str:
    """`21:04 UTC (3 min ago)`; "" when there was no attempt."""
    if moment is None:
        return ""
    minutes = int((now - moment).total_seconds() // 60)
    ago = "just now" if minutes < 1 else f"{minutes} min ago"
    if minutes >= 120:
        ago = f"{minutes // 60} h ago"
    return f"{moment:%H:%M} UTC ({ago})"


def text_table(room: list[LearnerProgress], now: datetime, colour: bool = False) -> list[str]:
    heads = short_names()
    keys = list(heads)
    rows = [["learner", *heads.values(), "last attempt"]]
    rows += [[x.name, *(x.standings[k].mark() for k in keys), when(x.last, now)] for x in room]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(_paint(c.ljust(w), colour) for c, w in zip(r, widths, strict=True)) for r in rows
    ]
    legend = "  ".join(f"{heads[e.key]} {e.key}" for e in EXERCISES)
    marks = "✓ passed: its check said Right   ✗ N tries: not yet   · none: not started"
    return [*(line.rstrip() for line in lines), "", legend, marks]


COLOURS = {"✓": "\033[32m", "✗": "\033[33m", "·": "\033[2m"}


def _paint(cell: str, colour: bool) -> str:
    code = COLOURS.get(cell[:1]) if colour else None
    return f"{code}{cell}\033[0m" if code else cell


def print_room(room: list[LearnerProgress], as_json: bool) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    lines = json_lines(room) if as_json else text_table(room, now, sys.stdout.isatty())
    print("\n".join(lines))


def cmd_progress(args: argparse.Namespace) -> int:
    from .progress_page import serve

    engine = make_engine(args.admin_url, pool_size=1)

    def read() -> list[LearnerProgress]:
        try:
            return read_room(engine, args.prefix)
        except DBAPIError as error:
            raise WorkshopError(f"cannot read the learners' progress: {error.orig}") from error

    try:
        if args.serve is not None:
            read()  # a wrong URL or prefix is said now, not on the page
            return serve(read, args.host, args.serve, args.refresh)
        print_room(read(), args.json)
        return 0
    finally:
        engine.dispose()
