"""The read model of a user's account activity: what the `user_activity` projection holds.

It is built from events only (cqrs_auth/service/projection.py), never written by a command
handler, and it may lag the event log by a moment. All times are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class UserActivity:
    signed_up_at: datetime
    login_count: int
    last_login_at: datetime | None
    failed_logins_since_last_success: int
    locked_until: datetime | None  # the last lock's end; in the past once it is over
    password_reset_requested_at: datetime | None
    password_changed_at: datetime | None
    last_logged_out_at: datetime | None = None  # the last UserLoggedOutEvent (issue 18)
