"""Password reset requests per email, counted for the rate limit.

Every email asked about is counted, whether or not an account has it, so the limit reveals
nothing. The count changes by one upsert statement inside the request's transaction: racing
requests for one email are serialised on its row and none is lost.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, case, select

from .clock import to_db
from .tables import password_reset_requests as t
from .upsert import upsert


class ResetRequests:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def count(self, email: str, now: datetime, window_cutoff: datetime) -> int:
        """Count one request for `email`; a window that started at or before `window_cutoff`
        starts again at 1. Returns the count in the current window, this request included."""
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
        query = select(t.c.requests).where(t.c.emailNormalised == email)
        return int(self.connection.execute(query).scalar_one())
