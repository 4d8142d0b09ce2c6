"""Password reset requests per email, counted for the rate limit.

Every email asked about is counted, whether or not an account has it, so the limit reveals
nothing. The count changes by one upsert statement inside the request's transaction: racing
requests for one email are serialised on its row and none is lost. The SELECT that reads the
count back also says whether an account has the email (an outer join, as the login's
reservation reads its user): the same two statements with or without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, case, select

from .clock import to_db
from .tables import password_reset_requests as t
from .tables import users
from .upsert import upsert

COUNTED = (
    select(t.c.requests, users.c.userId)
    .outerjoin(users, users.c.emailNormalised == t.c.emailNormalised)
    .where(t.c.emailNormalised == bindparam("email"))
)


@dataclass(frozen=True)
class Counted:
    requests: int  # in the current window, this request included
    has_account: bool  # whether an account has the email


class ResetRequests:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def count(self, email: str, now: datetime, window_cutoff: datetime) -> int:
        """Count one request for `email`; a window that started at or before `window_cutoff`
        starts again at 1. Returns the count in the current window, this request included."""
        return self.count_and_find(email, now, window_cutoff).requests

    def count_and_find(self, email: str, now: datetime, window_cutoff: datetime) -> Counted:
        """`count`, and whether an account has the email, in the same two statements."""
        now, cutoff = to_db(now), to_db(window_cutoff)
        expired = t.c.windowStartedAt <= cutoff
        upsert(
            self.connection,
            t,
            {"emailNormalised": email, "requests": 1, "windowStartedAt": now},
            key=t.c.emailNormalised,
            assignments=[  # `requests` first: both must read the old windowStartedAt
                ("requests", case((expired, 1), else_=t.c.requests + 1)),
                ("windowStartedAt", case((expired, now), else_=t.c.windowStartedAt)),
            ],
        )
        row = self.connection.execute(COUNTED, {"email": email}).one()
        return Counted(int(row.requests), row.userId is not None)
