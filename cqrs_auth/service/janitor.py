"""The janitor: deletes the lockout's and the reset limit's rows that have expired, so that the
tables cannot grow without end however many emails are named; and (issue 18) what can no longer
be used but would keep a secret: used or expired reset tokens, reset mails whose link was used,
replaced or expired, logged-out sessions whose token expired. The outbox relay calls it on its
periodic tick; it sweeps every JANITOR_INTERVAL_SECONDS, in batches of JANITOR_BATCH_SIZE rows,
each batch a short transaction of its own. A row is never deleted while its window or its lock
runs (see adapters/expired_rows.py for when a row has expired)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, Table

from ..adapters import expired_rows
from ..adapters.clock import utcnow
from ..adapters.tables import (
    ended_sessions,
    login_failures,
    mail_outbox,
    password_reset_requests,
    password_reset_tokens,
)
from ..settings import Settings
from .reset_mails import RESET_SUBJECT

MAX_BATCHES_PER_SWEEP = 20  # so one tick of the relay stays short; the rest waits for the next


class Janitor:
    def __init__(
        self, engine: Engine, settings: Settings, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock
        self._next_sweep = 0.0  # time.monotonic() of the next sweep that is due

    def sweep_if_due(self) -> None:
        """Sweep when JANITOR_INTERVAL_SECONDS have passed since the last sweep (or never ran)."""
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + self.settings.JANITOR_INTERVAL_SECONDS
            self.sweep()

    def sweep(self) -> dict[str, int]:
        """Delete what has expired by the clock's now; the rows deleted, per table."""
        now, s = self.clock(), self.settings
        lockout = expired_rows.ended_login_failures(
            now,
            timedelta(seconds=s.LOGIN_FAILURE_WINDOW_SECONDS),
            timedelta(seconds=s.LOGIN_LOCK_SECONDS),
        )
        requests = expired_rows.ended_reset_requests(
            now, timedelta(seconds=s.PASSWORD_RESET_WINDOW_SECONDS)
        )
        ttl = timedelta(seconds=s.PASSWORD_RESET_TTL_SECONDS)
        return {
            "login_failures": self._delete(login_failures, lockout),
            "password_reset_requests": self._delete(password_reset_requests, requests),
            **self._sweep_secrets(now, ttl),
        }

    def _sweep_secrets(self, now: datetime, ttl: timedelta) -> dict[str, int]:
        tokens = expired_rows.unusable_reset_tokens(now)
        mails = expired_rows.dead_reset_mails(now, ttl, RESET_SUBJECT)
        sessions = expired_rows.expired_ended_sessions(now)
        return {
            "password_reset_tokens": self._delete(password_reset_tokens, tokens),
            "mail_outbox": self._delete(mail_outbox, mails),
            "ended_sessions": self._delete(ended_sessions, sessions),
        }

    def _delete(self, table: Table, expired: ColumnElement[bool]) -> int:
        total, size = 0, self.settings.JANITOR_BATCH_SIZE
        for _ in range(MAX_BATCHES_PER_SWEEP):
            with self.engine.begin() as connection:
                deleted = expired_rows.delete_expired(connection, table, expired, size)
            total += deleted
            if deleted < size:
                break
        return total
