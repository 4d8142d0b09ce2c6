"""The `user_activity` table: the rows of the read model, one statement per change.

Only the projector writes here (cqrs_auth/service/projection.py), and only the
GetUserActivityQuery handler reads. The login events are keyed by normalised email and are
stored for any email; an UPDATE by email changes nothing for an email without a row (no user).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, func, insert, select, update

from ..domain.activity import UserActivity
from .clock import from_db, to_db
from .tables import user_activity as t


class UserActivityRows:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def signed_up(self, user_id: str, email_normalised: str, at: datetime) -> None:
        values = {
            "userId": uuid.UUID(user_id).bytes,
            "emailNormalised": email_normalised,
            "signedUpAt": to_db(at),
            "loginCount": 0,
            "failedLoginsSinceLastSuccess": 0,
        }
        self.connection.execute(insert(t).values(values))

    def logged_in(self, user_id: str, at: datetime) -> None:
        """A success starts the failures again but leaves a lock, as the login handler does."""
        self._change(
            _by_id(user_id),
            loginCount=t.c.loginCount + 1,
            lastLoginAt=to_db(at),
            failedLoginsSinceLastSuccess=0,
        )

    def login_failed(self, email_normalised: str) -> None:
        failures = t.c.failedLoginsSinceLastSuccess + 1
        self._change(t.c.emailNormalised == email_normalised, failedLoginsSinceLastSuccess=failures)

    def locked(self, email_normalised: str, until: datetime) -> None:
        self._change(t.c.emailNormalised == email_normalised, lockedUntil=to_db(until))

    def reset_requested(self, email_normalised: str, at: datetime) -> None:
        self._change(t.c.emailNormalised == email_normalised, passwordResetRequestedAt=to_db(at))

    def password_changed(self, user_id: str, at: datetime) -> None:
        """A reset ends the failures and the lock, as the reset handler does."""
        self._change(
            _by_id(user_id),
            passwordChangedAt=to_db(at),
            failedLoginsSinceLastSuccess=0,
            lockedUntil=None,
        )

    def get(self, user_id: str) -> UserActivity | None:
        try:
            where = _by_id(user_id)
        except ValueError:
            return None
        row = self.connection.execute(select(t).where(where)).first()
        return _to_activity(row) if row else None

    def count(self) -> int:
        return int(self.connection.execute(select(func.count()).select_from(t)).scalar_one())

    def delete_all(self) -> None:
        self.connection.execute(delete(t))

    def _change(self, where: ColumnElement[bool], **values: Any) -> None:
        self.connection.execute(update(t).where(where).values(**values))


def _by_id(user_id: str) -> ColumnElement[bool]:
    return t.c.userId == uuid.UUID(user_id).bytes


def _maybe(moment: datetime | None) -> datetime | None:
    return from_db(moment) if moment else None


def _to_activity(row: Row[Any]) -> UserActivity:
    return UserActivity(
        signed_up_at=from_db(row.signedUpAt),
        login_count=row.loginCount,
        last_login_at=_maybe(row.lastLoginAt),
        failed_logins_since_last_success=row.failedLoginsSinceLastSuccess,
        locked_until=_maybe(row.lockedUntil),
        password_reset_requested_at=_maybe(row.passwordResetRequestedAt),
        password_changed_at=_maybe(row.passwordChangedAt),
    )
