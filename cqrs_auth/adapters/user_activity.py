"""The `user_activity` table: the rows of the read model, one statement per change.

Only the projector writes here (cqrs_auth/service/projection.py), and only the
GetUserActivityQuery handler reads. Rows are keyed by the account (userId). The login events
are keyed by normalised email and are stored for any email; an UPDATE by email changes the row
of the account that holds the email now, and nothing for an email without a row (no user). An
email an operator freed (a DELETE on users) can sign up again: the new account's row takes the
email over, and the old row keeps its userId with no email (NULL).

Each change is a statement built once (`Change`), with named bind parameters. Given a checkpoint
move (`CheckpointMove`, the projector's "this event is the very next one"), the rows object makes
that move before its first change, or, on MySQL/MariaDB, within it: one multi-table UPDATE that
moves the checkpoint and changes the row, or does neither.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Update,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from ..domain.activity import UserActivity
from .checkpoints import CheckpointMove, moving_checkpoint
from .clock import from_db, to_db
from .tables import user_activity as t


@dataclass(eq=False)
class Change:
    """An UPDATE of the row whose `key` column equals the parameter `key`; `moving` is the same
    change made together with a checkpoint move (MySQL/MariaDB)."""

    key: Column[Any]
    values: dict[str, Any]
    statement: Update = field(init=False)
    moving: Update = field(init=False)

    def __post_init__(self) -> None:
        row = self.key == bindparam("key")
        self.statement = update(t).where(row).values(self.values)
        self.moving = moving_checkpoint(
            row, {t.c[name]: value for name, value in self.values.items()}
        )


LOGGED_IN = Change(  # a success starts the failures again but leaves a lock, as the login does
    t.c.userId,
    {"loginCount": t.c.loginCount + 1, "lastLoginAt": bindparam("at"),
     "failedLoginsSinceLastSuccess": 0},
)  # fmt: skip
LOGIN_FAILED = Change(
    t.c.emailNormalised, {"failedLoginsSinceLastSuccess": t.c.failedLoginsSinceLastSuccess + 1}
)
LOCKED = Change(t.c.emailNormalised, {"lockedUntil": bindparam("at")})
RESET_REQUESTED = Change(t.c.emailNormalised, {"passwordResetRequestedAt": bindparam("at")})
PASSWORD_CHANGED = Change(  # a reset ends the failures and the lock, as the reset handler does
    t.c.userId,
    {"passwordChangedAt": bindparam("at"), "failedLoginsSinceLastSuccess": 0, "lockedUntil": None},
)
LOGGED_OUT = Change(t.c.userId, {"lastLoggedOutAt": bindparam("at")})
SIGN_UP = insert(t)
GIVE_UP_EMAIL = (
    update(t).where(t.c.emailNormalised == bindparam("email")).values(emailNormalised=None)
)
BY_ID = select(t).where(t.c.userId == bindparam("key"))
DELETED = delete(t).where(t.c.userId == bindparam("key"))


class UserActivityRows:
    def __init__(self, connection: Connection, move: CheckpointMove | None = None) -> None:
        """`move`: a checkpoint move to make before (or with) the first change."""
        self.connection = connection
        self.move = move

    def signed_up(self, user_id: str, email_normalised: str, at: datetime) -> None:
        values = {
            "userId": uuid.UUID(user_id).bytes,
            "emailNormalised": email_normalised,
            "signedUpAt": to_db(at),
            "loginCount": 0,
            "failedLoginsSinceLastSuccess": 0,
        }
        self.make_pending_move()
        try:
            self.connection.execute(SIGN_UP, values)
        except IntegrityError:  # a deleted account's row holds the email: take it over
            self.connection.execute(GIVE_UP_EMAIL, {"email": email_normalised})
            self.connection.execute(SIGN_UP, values)

    def logged_in(self, user_id: str, at: datetime) -> None:
        self._change(LOGGED_IN, uuid.UUID(user_id).bytes, at=to_db(at))

    def login_failed(self, email_normalised: str) -> None:
        self._change(LOGIN_FAILED, email_normalised)

    def locked(self, email_normalised: str, until: datetime) -> None:
        self._change(LOCKED, email_normalised, at=to_db(until))

    def reset_requested(self, email_normalised: str, at: datetime) -> None:
        self._change(RESET_REQUESTED, email_normalised, at=to_db(at))

    def password_changed(self, user_id: str, at: datetime) -> None:
        self._change(PASSWORD_CHANGED, uuid.UUID(user_id).bytes, at=to_db(at))

    def logged_out(self, user_id: str, at: datetime) -> None:
        self._change(LOGGED_OUT, uuid.UUID(user_id).bytes, at=to_db(at))

    def deleted(self, user_id: str) -> None:
        """The account was deleted (issue 21): its row goes, with the email it holds."""
        self.make_pending_move()
        self.connection.execute(DELETED, {"key": uuid.UUID(user_id).bytes})

    def get(self, user_id: str) -> UserActivity | None:
        try:
            key = uuid.UUID(user_id).bytes
        except ValueError:
            return None
        row = self.connection.execute(BY_ID, {"key": key}).first()
        return _to_activity(row) if row else None

    def count(self) -> int:
        return int(self.connection.execute(select(func.count()).select_from(t)).scalar_one())

    def delete_all(self) -> None:
        self.connection.execute(delete(t))

    def make_pending_move(self) -> None:
        """Make the checkpoint move if no change has made it yet (raises NotNext if the event
        is not the next one)."""
        move, self.move = self.move, None
        if move is not None:
            move.make(self.connection)

    def _change(self, change: Change, key: Any, **params: Any) -> None:
        values = {"key": key, **params}
        if self.move is not None and self.move.carries(self.connection):
            move, self.move = self.move, None
            move.make_with(self.connection, change.moving, values)
            return
        self.make_pending_move()
        self.connection.execute(change.statement, values)


def _maybe(moment: datetime | None) -> datetime | None:
    return from_db(moment) if moment else None


def _to_activity(row: Any) -> UserActivity:
    return UserActivity(
        signed_up_at=from_db(row.signedUpAt),
        login_count=row.loginCount,
        last_login_at=_maybe(row.lastLoginAt),
        failed_logins_since_last_success=row.failedLoginsSinceLastSuccess,
        locked_until=_maybe(row.lockedUntil),
        password_reset_requested_at=_maybe(row.passwordResetRequestedAt),
        password_changed_at=_maybe(row.passwordChangedAt),
        last_logged_out_at=_maybe(row.lastLoggedOutAt),
    )
