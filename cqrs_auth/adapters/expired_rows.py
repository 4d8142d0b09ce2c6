"""Deleting rows of the per-email limits that hold nothing any more, a bounded batch at a time.

`login_failures` and `password_reset_requests` keep a row for every email anyone ever tried,
and anyone can name millions of emails. A row whose window has ended (and whose lock has) tells
nothing that a missing row would not: the next attempt starts a new count either way.

A batch is two statements: SELECT at most `limit` keys of expired rows (in key order, so that two
processes sweeping at once lock rows in the same order), then DELETE those keys *while they are
still expired*: the condition is checked again, row by row, by the DELETE itself, so a row that a
login or a reset request renewed in between is kept. (MySQL refuses LIMIT in an IN subquery and
SQLite's DELETE … LIMIT is a compile-time option, hence two statements.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, or_, select

from .clock import to_db
from .tables import login_failures, password_reset_requests


def ended_login_failures(now: datetime, window: timedelta, lock: timedelta) -> ColumnElement[bool]:
    """Rows whose window ended at least a lock period ago and that hold no lock still running.

    The lock period's grace: a failure admitted in the window's last moment may reach the limit
    and write its lock (from that failure, for `lock`) after the window ended; its row must be
    there for that. Past window + lock, such a lock would have ended too.
    """
    t = login_failures
    return and_(
        t.c.windowStartedAt <= to_db(now - window - lock),
        or_(t.c.lockedUntil.is_(None), t.c.lockedUntil <= to_db(now)),
    )


def ended_reset_requests(now: datetime, window: timedelta) -> ColumnElement[bool]:
    """Rows whose window has ended: the next request would count from 1 again anyway."""
    return password_reset_requests.c.windowStartedAt <= to_db(now - window)


def delete_expired(
    connection: Connection, table: Table, expired: ColumnElement[bool], limit: int
) -> int:
    """Delete at most `limit` rows of `table` that are `expired`; how many were deleted."""
    key = table.c.emailNormalised
    keys = list(connection.scalars(select(key).where(expired).order_by(key).limit(limit)))
    return delete_if_still_expired(connection, table, keys, expired) if keys else 0


def delete_if_still_expired(
    connection: Connection, table: Table, keys: list[str], expired: ColumnElement[bool]
) -> int:
    """Delete the rows of these keys that are `expired` now, as the DELETE runs."""
    statement = delete(table).where(table.c.emailNormalised.in_(keys), expired)
    return connection.execute(statement).rowcount
