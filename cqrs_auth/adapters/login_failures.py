"""Failed-login counts per email, kept atomic in the database.

Each change is one statement inside the login's transaction: the database
serialises concurrent failures on the row, so no increment is lost to a read-then-write race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Executable, case, delete, select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

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

        One upsert statement (INSERT … ON DUPLICATE KEY UPDATE on MySQL/MariaDB, INSERT … ON
        CONFLICT DO UPDATE on SQLite), so the first failures of an email can race too.
        Returns the count in the current window.
        """
        now, cutoff = to_db(now), to_db(window_cutoff)
        expired = t.c.windowStartedAt <= cutoff
        # MySQL applies assignments left to right, later ones seeing earlier results: `failures`
        # comes first, so both read the old `windowStartedAt`, as SQLite's always do.
        assignments = [
            ("failures", case((expired, 1), else_=t.c.failures + 1)),
            ("windowStartedAt", case((expired, now), else_=t.c.windowStartedAt)),
        ]
        values = {"emailNormalised": email, "failures": 1, "windowStartedAt": now}
        statement: Executable
        if self.connection.dialect.name == "sqlite":
            statement = (
                sqlite_insert(t)
                .values(values)
                .on_conflict_do_update(index_elements=[t.c.emailNormalised], set_=dict(assignments))
            )
        else:
            statement = mysql_insert(t).values(values).on_duplicate_key_update(assignments)
        self.connection.execute(statement)
        query = select(t.c.failures).where(t.c.emailNormalised == email)
        return int(self.connection.execute(query).scalar_one())

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

    clear = reset  # forget the failures and the lock (the name password reset uses)
