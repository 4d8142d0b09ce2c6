"""The janitor on every backend, with the time passed in: expired rows of the lockout and of the
reset limit are deleted in bounded batches, and a running window or lock never is, to the
microsecond; the relay sweeps on its tick."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from cqrs_auth.adapters import expired_rows
from cqrs_auth.adapters.login_failures import LoginFailures
from cqrs_auth.adapters.reset_requests import ResetRequests
from cqrs_auth.adapters.tables import login_failures, password_reset_requests
from cqrs_auth.service.janitor import MAX_BATCHES_PER_SWEEP, Janitor
from cqrs_auth.service.relay import OutboxRelay

from .beyond_helpers import statements

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
ADA, BOB = "ada@example.org", "bob@example.org"


def seconds(app, name: str) -> timedelta:
    return timedelta(seconds=getattr(app.settings, name))


def attempt(app, email: str, now: datetime, times: int = 1) -> None:
    window = seconds(app, "LOGIN_FAILURE_WINDOW_SECONDS")
    for _ in range(times):
        with app.engine.begin() as connection:
            max_attempts = app.settings.LOGIN_MAX_FAILURES
            LoginFailures(connection).reserve(
                email, now=now, window_cutoff=now - window, max_attempts=max_attempts
            )


def request_reset(app, email: str, now: datetime) -> None:
    window = seconds(app, "PASSWORD_RESET_WINDOW_SECONDS")
    with app.engine.begin() as connection:
        ResetRequests(connection).count(email, now, now - window)


def emails(app, table) -> list[str]:
    with app.engine.connect() as connection:
        return list(connection.scalars(select(table.c.emailNormalised).order_by("emailNormalised")))


NOTHING = dict.fromkeys(
    [
        "login_failures",
        "password_reset_requests",
        "password_reset_tokens",
        "mail_outbox",
        "ended_sessions",
    ],
    0,
)


def sweep(app, now: datetime) -> dict[str, int]:
    return Janitor(app.engine, app.settings, clock=lambda: now).sweep()


def test_a_lockout_row_stays_a_lock_period_past_its_window_and_goes_then(app):
    attempt(app, ADA, T0)
    attempt(app, BOB, T0 + TICK)
    expires = T0 + seconds(app, "LOGIN_FAILURE_WINDOW_SECONDS") + seconds(app, "LOGIN_LOCK_SECONDS")
    assert sweep(app, expires - TICK) == NOTHING
    assert sweep(app, expires)["login_failures"] == 1
    assert emails(app, login_failures) == [BOB]


def test_a_running_lock_is_kept_however_old_its_window_until_the_microsecond_it_ends(app):
    attempt(app, ADA, T0, times=app.settings.LOGIN_MAX_FAILURES)
    until = T0 + timedelta(days=1)  # a lock far longer than the window and the lock period
    with app.engine.begin() as connection:
        assert LoginFailures(connection).lock(ADA, until, T0)
    assert sweep(app, until - TICK)["login_failures"] == 0
    assert emails(app, login_failures) == [ADA]
    assert sweep(app, until)["login_failures"] == 1


def test_a_reset_request_row_is_kept_while_its_window_runs_and_goes_when_it_ends(app):
    request_reset(app, ADA, T0)
    request_reset(app, BOB, T0 + TICK)
    window = seconds(app, "PASSWORD_RESET_WINDOW_SECONDS")
    assert sweep(app, T0 + window - TICK)["password_reset_requests"] == 0
    assert sweep(app, T0 + window) == NOTHING | {"password_reset_requests": 1}
    assert emails(app, password_reset_requests) == [BOB]


def test_expired_rows_go_in_batches_of_the_batch_size_and_fresh_ones_stay(make_app):
    app = make_app(JANITOR_BATCH_SIZE=3)
    old = [f"old{n}@example.org" for n in range(7)]
    for email in old:
        attempt(app, email, T0)
    fresh = T0 + timedelta(days=1)
    attempt(app, ADA, fresh)
    with statements(app.engine) as sent:
        deleted = sweep(app, fresh)
    assert deleted["login_failures"] == 7 and emails(app, login_failures) == [ADA]
    assert [s.split()[0] for s in sent if s.startswith(("SELECT", "DELETE"))] == [
        *["SELECT", "DELETE"] * 3,  # 3 + 3 + 1 rows of login_failures
        "SELECT",  # nothing in password_reset_requests
        *["SELECT"] * 3,  # nor in password_reset_tokens, mail_outbox, ended_sessions
    ]


def test_one_sweep_deletes_at_most_its_batches_and_the_next_one_goes_on(make_app):
    app = make_app(JANITOR_BATCH_SIZE=1)
    for n in range(MAX_BATCHES_PER_SWEEP + 3):
        request_reset(app, f"user{n}@example.org", T0)
    later = T0 + timedelta(days=1)
    assert sweep(app, later)["password_reset_requests"] == MAX_BATCHES_PER_SWEEP
    assert sweep(app, later)["password_reset_requests"] == 3


def test_the_delete_checks_again_that_each_row_is_still_expired(app):
    """A row that was expired when its key was selected, and that a login renewed before the
    DELETE ran, is kept: the DELETE itself holds the condition."""
    attempt(app, ADA, T0)
    attempt(app, BOB, T0 + timedelta(days=1))  # renewed: its window runs at `now`
    now = T0 + timedelta(days=1)
    expired = expired_rows.ended_login_failures(now, timedelta(hours=1), timedelta(hours=1))
    with app.engine.begin() as connection:
        deleted = expired_rows.delete_if_still_expired(
            connection, login_failures, [ADA, BOB], expired
        )
    assert deleted == 1 and emails(app, login_failures) == [BOB]


def run_relay(app, janitor: Janitor, seconds: float) -> None:
    relay = OutboxRelay(app.dispatcher, interval=0.02, janitor=janitor)
    relay.start()
    time.sleep(seconds)
    relay.stop()


def test_the_relay_deletes_expired_rows_on_its_tick(app):
    attempt(app, ADA, T0)
    request_reset(app, BOB, T0)
    run_relay(app, Janitor(app.engine, app.settings, clock=lambda: T0 + timedelta(days=1)), 0.3)
    assert emails(app, login_failures) == emails(app, password_reset_requests) == []


def test_the_relay_sweeps_once_per_janitor_interval_and_logs_a_sweep_that_fails(app, caplog):
    sweeps: list[float] = []

    def failing() -> dict[str, int]:
        sweeps.append(time.monotonic())
        raise RuntimeError("the database went away")

    janitor = Janitor(app.engine, app.settings)
    janitor.sweep = failing  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING):
        run_relay(app, janitor, 0.5)
    assert len(sweeps) == 1  # due at the first tick, then not for JANITOR_INTERVAL_SECONDS (60)
    assert "the outbox relay could not delete expired rows" in caplog.text
    assert app.settings.JANITOR_INTERVAL_SECONDS == 60


def test_the_janitor_sweeps_when_due_and_not_again_before_its_interval_has_passed(make_app):
    app = make_app(JANITOR_INTERVAL_SECONDS=0.2)
    janitor = Janitor(app.engine, app.settings)
    sweeps: list[float] = []
    janitor.sweep = lambda: sweeps.append(time.monotonic()) or {}  # type: ignore[method-assign]
    janitor.sweep_if_due()
    janitor.sweep_if_due()
    assert len(sweeps) == 1
    time.sleep(0.25)
    janitor.sweep_if_due()
    assert len(sweeps) == 2 and sweeps[1] - sweeps[0] >= 0.2
