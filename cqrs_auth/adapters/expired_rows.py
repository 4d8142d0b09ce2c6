"""Deleting rows that hold nothing any more, a bounded batch at a time.

`login_failures` and `password_reset_requests` keep a row for every email anyone ever tried,
and anyone can name millions of emails. A row whose window has ended (and whose lock has) tells
nothing that a missing row would not: the next attempt starts a new count either way. A reset
token that was used or has expired, a reset mail whose link was used, replaced or has
expired, and a logged-out
session whose token has expired can no longer be used: keeping them would only keep secrets
(issue 18).

A batch is two statements: SELECT at most `limit` keys of expired rows (in key order, so that two
processes sweeping at once lock rows in the same order), then DELETE those keys *while they are
still expired*: the condition is checked again, row by row, by the DELETE itself, so a row that a
login or a reset request renewed in between is kept. (MySQL refuses LIMIT in an IN subquery and
SQLite's DELETE … LIMIT is a compile-time option, hence two statements.)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, or_, select

from .clock import to_db
from .tables import (
    ended_sessions,
    login_failures,
    mail_outbox,
    password_reset_requests,
    password_reset_tokens,
    users,
)


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


def unusable_reset_tokens(now: datetime) -> ColumnElement[bool]:
    """Tokens used, or expired: `resetPassword` refuses them either way."""
    t = password_reset_tokens
    return or_(t.c.usedAt.is_not(None), t.c.expiresAt <= to_db(now))


def dead_reset_mails(now: datetime, ttl: timedelta, subject: str) -> ColumnElement[bool]:
    """Reset mails (by their `subject`) whose link can no longer be used: written at least `ttl`
    ago (their token, made just before the mail in its transaction, has expired), or with no
    unused token of their recipient made at or before them (theirs was used, or replaced by a
    newer request's, whose token is made after the older mail was written)."""
    m, t = mail_outbox, password_reset_tokens
    live_token = (
        select(t.c.userId)
        .join(users, users.c.userId == t.c.userId)
        .where(users.c.email == m.c.recipient, t.c.usedAt.is_(None))
        .where(t.c.createdAt <= m.c.createdAt)
    )
    expired = m.c.createdAt <= to_db(now - ttl)
    return and_(m.c.subject == subject, or_(expired, ~live_token.exists()))


def expired_ended_sessions(now: datetime) -> ColumnElement[bool]:
    """Logged-out sessions whose token has expired: its `exp` refuses it without the row."""
    return ended_sessions.c.expiresAt <= to_db(now)


def delete_expired(
    connection: Connection, table: Table, expired: ColumnElement[bool], limit: int
) -> int:
    """Delete at most `limit` rows of `table` that are `expired`; how many were deleted."""
    key = _key(table)
    keys = list(connection.scalars(select(key).where(expired).order_by(key).limit(limit)))
    return delete_if_still_expired(connection, table, keys, expired) if keys else 0


def delete_if_still_expired(
    connection: Connection, table: Table, keys: list[str], expired: ColumnElement[bool]
) -> int:
    """Delete the rows of these keys that are `expired` now, as the DELETE runs."""
    statement = delete(table).where(_key(table).in_(keys), expired)
    return connection.execute(statement).rowcount


def _key(table: Table) -> ColumnElement[Any]:
    """The table's one primary-key column."""
    [key] = table.primary_key.columns
    return key
