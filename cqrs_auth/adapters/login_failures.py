"""Failed-login counts per email, kept atomic in the database.

Each change is one UPDATE (or the first INSERT) inside the login's transaction: the database
serialises concurrent failures on the row, so no increment is lost to a read-then-write race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .clock import from_db, to_db
from .tables import login_failures as t


@dataclass(frozen=True)
class FailureState:
    failures: int
    window_started_at: datetime
    locked_until: datetime | None


class LoginFailures:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def state(self, email: str) -> FailureState | None:
        row = self.connection.execute(select(t).where(t.c.emailNormalised == email)).first()
        if row is None:
            return None
        locked = from_db(row.lockedUntil) if row.lockedUntil else None
        return FailureState(row.failures, from_db(row.windowStartedAt), locked)

    def record_failure(self, email: str, now: datetime, window_cutoff: datetime) -> int:
        """Count one failure; a window older than `window_cutoff` starts again at 1.

        Returns the count in the current window.
        """
        if not self._increment(email, to_db(now), to_db(window_cutoff)):
            try:
                with self.connection.begin_nested():
                    self.connection.execute(
                        insert(t).values(
                            emailNormalised=email, failures=1, windowStartedAt=to_db(now)
                        )
                    )
            except IntegrityError:  # a concurrent first failure inserted the row: count on it
                self._increment(email, to_db(now), to_db(window_cutoff))
        query = select(t.c.failures).where(t.c.emailNormalised == email)
        return int(self.connection.execute(query).scalar_one())

    def _increment(self, email: str, now: datetime, cutoff: datetime) -> bool:
        expired = t.c.windowStartedAt <= cutoff
        # ordered_values: MySQL assigns left to right and later assignments see earlier ones;
        # `failures` is set first, so both assignments read the old `windowStartedAt`.
        statement = (
            update(t)
            .where(t.c.emailNormalised == email)
            .ordered_values(
                (t.c.failures, case((expired, 1), else_=t.c.failures + 1)),
                (t.c.windowStartedAt, case((expired, now), else_=t.c.windowStartedAt)),
            )
        )
        return self.connection.execute(statement).rowcount > 0

    def lock(self, email: str, until: datetime, max_failures: int) -> bool:
        """Lock the email and start a fresh count, if it is (still) at the limit.

        Returns False when there was nothing to lock: a re-dispatched event, or already locked.
        """
        statement = (
            update(t)
            .where(t.c.emailNormalised == email, t.c.failures >= max_failures)
            .values(lockedUntil=to_db(until), failures=0)
        )
        return self.connection.execute(statement).rowcount > 0

    def reset(self, email: str) -> None:
        self.connection.execute(delete(t).where(t.c.emailNormalised == email))
