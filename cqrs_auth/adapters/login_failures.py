"""The lockout's per-email row: login attempts are reserved here, atomically, before any hash.

`reserve` is one upsert (INSERT … ON DUPLICATE KEY UPDATE on MySQL/MariaDB, INSERT … ON CONFLICT
DO UPDATE on SQLite) that counts the attempt only if the email is not locked and has room in its
window, and stamps the row with the attempt's random token; the SELECT after it reads the token
back (so it knows whether *this* request was admitted: MySQL's affected-row count cannot tell
under CLIENT_FOUND_ROWS) and, in the same statement, the user the email belongs to. The database
serialises concurrent upserts on the row, so however many requests race, at most
LOGIN_MAX_FAILURES are admitted in a window.

The statements are built once (the upsert once per dialect), with named bind parameters.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Executable,
    and_,
    bindparam,
    case,
    delete,
    exists,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..domain.model import User
from .clock import from_db, to_db
from .tables import login_failures as t
from .tables import users
from .users import USER, to_user


@dataclass(frozen=True)
class Reservation:
    admitted: bool
    attempt: int  # this attempt's number in the window (when admitted), else the count so far
    window_started_at: datetime
    locked_until: datetime | None
    user: User | None  # the account with this email, if any


class LoginFailures:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def reserve(
        self, email: str, *, now: datetime, window_cutoff: datetime, max_attempts: int
    ) -> Reservation:
        """Count one login attempt for `email` if it may run: not locked (no lock, or one that
        has ended) and fewer than `max_attempts` in a window that started after `window_cutoff`.
        A window that has ended, or a lock that has, starts a new count at 1."""
        token = secrets.token_hex(16)
        params = {"email": email, "token": token, "now": to_db(now)}
        params |= {"cutoff": to_db(window_cutoff), "max_attempts": max_attempts}
        self.connection.execute(reserve_statement(self.connection.dialect.name), params)
        row = self.connection.execute(RESERVATION, params).one()
        return Reservation(
            admitted=row.attemptToken == token,
            attempt=row.attempts,
            window_started_at=from_db(row.windowStartedAt),
            locked_until=from_db(row.lockedUntil) if row.lockedUntil else None,
            user=to_user(row),
        )

    def peek(
        self, email: str, *, now: datetime, window_cutoff: datetime, max_attempts: int
    ) -> Reservation | None:
        """The refusal `reserve` would answer now (None if it would admit the attempt), read
        without counting anything nor reading the user: the upsert's rule, in Python."""
        row = self.connection.execute(STATE, {"email": email}).first()
        if row is None:
            return None
        started = from_db(row.windowStartedAt)
        locked_until = from_db(row.lockedUntil) if row.lockedUntil else None
        if locked_until is None:
            refused = started > window_cutoff and row.attempts >= max_attempts
        else:
            refused = locked_until > now
        return Reservation(False, row.attempts, started, locked_until, None) if refused else None

    def release(self, email: str, reservation: Reservation) -> None:
        """Give back an admitted attempt that never ran (the hash lane was full)."""
        params = {"email": email, "started": to_db(reservation.window_started_at)}
        self.connection.execute(RELEASE, params)

    def lock(self, email: str, until: datetime, failed_at: datetime) -> bool:
        """Lock this email until `until`, for the failure at `failed_at` that reached the limit.

        Only if it is not locked already and that failure belongs to the current window: a
        re-dispatched event (or one delivered late) locks nothing. The count stays as it is.
        """
        params = {"email": email, "until": to_db(until), "failed_at": to_db(failed_at)}
        return self.connection.execute(LOCK, params).rowcount > 0

    def reset_attempts(self, email: str, user_id: str | None = None) -> bool:
        """After a successful login: the count starts again, but a lock stays where it is (a
        login admitted before a lock must not lift it). With `user_id`, only while that account
        exists (read in the same statement, so a deletion committing meanwhile is seen). False
        if nothing was reset: the email has no row (a password reset or a deletion removed it)
        or the account is gone."""
        if user_id is None:
            return bool(self.connection.execute(RESET, {"email": email}).rowcount)
        params = {"email": email, "key": uuid.UUID(user_id).bytes}
        return bool(self.connection.execute(RESET_IF_ACCOUNT, params).rowcount)

    def clear(self, email: str) -> None:
        """Forget the email's attempts and its lock (a password reset does this)."""
        self.connection.execute(CLEAR, {"email": email})


ROW = t.c.emailNormalised == bindparam("email")
RESERVATION = (
    select(t.c.attempts, t.c.windowStartedAt, t.c.lockedUntil, t.c.attemptToken, *USER)
    .outerjoin(users, users.c.emailNormalised == t.c.emailNormalised)
    .where(ROW)
)
STATE = select(t.c.attempts, t.c.windowStartedAt, t.c.lockedUntil).where(ROW)
RELEASE = (
    update(t)
    .where(ROW, t.c.windowStartedAt == bindparam("started"), t.c.attempts > 0)
    .values(attempts=t.c.attempts - 1)
)
LOCK = (
    update(t)
    .where(ROW, t.c.lockedUntil.is_(None), t.c.windowStartedAt <= bindparam("failed_at"))
    .values(lockedUntil=bindparam("until"))
)
RESET = update(t).where(ROW).values(attempts=0)
RESET_IF_ACCOUNT = RESET.where(exists().where(users.c.userId == bindparam("key")))
CLEAR = delete(t).where(ROW)


@cache
def reserve_statement(dialect: str) -> Executable:
    """The upsert that counts an attempt, for MySQL/MariaDB or SQLite."""
    token: BindParameter[str] = bindparam("token")
    now: BindParameter[datetime] = bindparam("now")
    restart = or_(t.c.windowStartedAt <= bindparam("cutoff"), t.c.lockedUntil.is_not(None))
    admitted = and_(
        or_(t.c.lockedUntil.is_(None), t.c.lockedUntil <= now),
        or_(restart, t.c.attempts < bindparam("max_attempts")),
    )
    # MySQL applies assignments left to right, each seeing the ones before; SQLite's all see
    # the old row. So on MySQL the token is set first and the others ask whether it is ours.
    mine = admitted if dialect == "sqlite" else t.c.attemptToken == token
    assignments: list[tuple[str, Any]] = [
        ("attemptToken", case((admitted, token), else_=t.c.attemptToken)),
        ("attempts", case((and_(mine, restart), 1), (mine, t.c.attempts + 1), else_=t.c.attempts)),
        ("windowStartedAt", case((and_(mine, restart), now), else_=t.c.windowStartedAt)),
        ("lockedUntil", case((mine, None), else_=t.c.lockedUntil)),
    ]
    values = {
        "emailNormalised": bindparam("email"),
        "attempts": 1,
        "windowStartedAt": now,
        "lockedUntil": None,
        "attemptToken": token,
    }
    if dialect == "sqlite":
        return (
            sqlite_insert(t)
            .values(values)
            .on_conflict_do_update(index_elements=[t.c.emailNormalised], set_=dict(assignments))
        )
    return mysql_insert(t).values(values).on_duplicate_key_update(assignments)
