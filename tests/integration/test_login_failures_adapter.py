"""The real lockout adapter on every backend, with the time passed in: the window, the lock and
their exact edges, and statements that touch one email only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cqrs_auth.adapters.clock import from_db
from cqrs_auth.adapters.login_failures import LoginFailures, Reservation
from cqrs_auth.adapters.tables import login_failures

from .helpers import sign_up

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=900)
LIMIT = 3
ADA, BOB = "ada@example.org", "bob@example.org"


class Lockout:
    """The adapter, each call in its own committed transaction, as the login handler uses it."""

    def __init__(self, app) -> None:
        self.app = app

    def _run(self, method: str, *args, **kwargs):
        with self.app.engine.begin() as connection:
            return getattr(LoginFailures(connection), method)(*args, **kwargs)

    def reserve(self, email: str, now: datetime) -> Reservation:
        return self._run("reserve", email, now=now, window_cutoff=now - WINDOW, max_attempts=LIMIT)

    def reserve_all(self, email: str, now: datetime, times: int = LIMIT) -> list[Reservation]:
        return [self.reserve(email, now) for _ in range(times)]

    def lock(self, email: str, until: datetime, failed_at: datetime = T0) -> bool:
        return self._run("lock", email, until, failed_at)

    def row(self, email: str):
        query = select(login_failures).where(login_failures.c.emailNormalised == email)
        with self.app.engine.connect() as connection:
            return connection.execute(query).one_or_none()

    def locked_until(self, email: str) -> datetime | None:
        value = self.row(email).lockedUntil
        return from_db(value) if value else None


@pytest.fixture
def lockout(app) -> Lockout:
    return Lockout(app)


def test_attempts_are_numbered_up_to_the_limit_and_then_refused(lockout):
    reservations = lockout.reserve_all(ADA, T0, LIMIT + 2)
    assert [(r.admitted, r.attempt) for r in reservations] == [
        (True, 1),
        (True, 2),
        (True, 3),
        (False, 3),
        (False, 3),
    ]
    assert lockout.row(ADA).attempts == LIMIT


def test_a_reservation_reads_the_account_of_the_email_in_the_same_statement(app, lockout):
    user = sign_up(app, "ada", ADA)
    assert lockout.reserve(ADA, T0).user.user_id == user.user_id
    assert lockout.reserve(BOB, T0).user is None


def test_the_window_ends_exactly_window_seconds_after_it_started(lockout):
    lockout.reserve_all(ADA, T0)
    assert not lockout.reserve(ADA, T0 + WINDOW - timedelta(microseconds=1)).admitted
    renewed = lockout.reserve(ADA, T0 + WINDOW)
    assert (renewed.admitted, renewed.attempt, renewed.window_started_at) == (True, 1, T0 + WINDOW)


def test_a_lock_refuses_until_its_last_microsecond_and_its_end_starts_a_new_count(lockout):
    lockout.reserve_all(ADA, T0)
    until = T0 + timedelta(hours=2)  # long after the window, so only the lock refuses
    assert lockout.lock(ADA, until) is True
    refused = lockout.reserve(ADA, until - timedelta(microseconds=1))
    assert (refused.admitted, refused.locked_until) == (False, until)
    after = lockout.reserve(ADA, until)
    assert (after.admitted, after.attempt, after.locked_until) == (True, 1, None)
    assert lockout.locked_until(ADA) is None and lockout.row(ADA).attempts == 1


def test_the_lock_statement_locks_only_the_email_it_names(lockout):
    lockout.reserve_all(ADA, T0)
    lockout.reserve_all(BOB, T0)
    assert lockout.lock(ADA, T0 + WINDOW) is True
    assert lockout.locked_until(ADA) == T0 + WINDOW
    assert lockout.locked_until(BOB) is None
    assert lockout.row(ADA).attempts == lockout.row(BOB).attempts == LIMIT


def test_a_second_lock_or_one_for_a_failure_before_the_window_changes_nothing(lockout):
    lockout.reserve_all(ADA, T0)
    assert lockout.lock(ADA, T0 + WINDOW) is True
    assert lockout.lock(ADA, T0 + 2 * WINDOW) is False
    assert lockout.locked_until(ADA) == T0 + WINDOW
    lockout.reserve_all(BOB, T0)
    assert lockout.lock(BOB, T0 + WINDOW, failed_at=T0 - timedelta(microseconds=1)) is False
    assert lockout.locked_until(BOB) is None


def test_a_reset_after_success_keeps_the_lock_and_clear_forgets_both(lockout):
    lockout.reserve_all(ADA, T0)
    lockout.reserve_all(BOB, T0)
    lockout.lock(ADA, T0 + WINDOW)
    lockout._run("reset_attempts", ADA)
    assert (lockout.row(ADA).attempts, lockout.locked_until(ADA)) == (0, T0 + WINDOW)
    assert not lockout.reserve(ADA, T0 + timedelta(seconds=1)).admitted
    lockout._run("clear", ADA)
    assert lockout.row(ADA) is None and lockout.row(BOB).attempts == LIMIT


def test_a_reset_says_whether_the_email_had_a_row_even_when_nothing_changes(lockout):
    """A login settles by resetting its row; no row means the account was deleted (or its
    password reset) meanwhile. A row already at 0 still counts as found (MySQL's found rows)."""
    lockout.reserve(ADA, T0)
    assert lockout._run("reset_attempts", ADA) is True
    assert lockout._run("reset_attempts", ADA) is True  # at 0 already: unchanged, still there
    assert lockout._run("reset_attempts", BOB) is False
    lockout._run("clear", ADA)
    assert lockout._run("reset_attempts", ADA) is False


def test_a_reset_for_an_account_resets_only_while_the_account_exists(app, lockout):
    user = sign_up(app, "ada", ADA)
    lockout.reserve(ADA, T0)
    assert lockout._run("reset_attempts", ADA, str(uuid.uuid4())) is False
    assert lockout.row(ADA).attempts == 1
    assert lockout._run("reset_attempts", ADA, user.user_id) is True
    assert lockout.row(ADA).attempts == 0


def test_release_gives_an_attempt_back_only_in_the_window_it_was_taken_in(lockout):
    first, *_, last = lockout.reserve_all(ADA, T0)
    lockout._run("release", ADA, last)
    assert lockout.row(ADA).attempts == LIMIT - 1
    renewed = lockout.reserve(ADA, T0 + WINDOW)
    lockout._run("release", ADA, first)  # taken in the old window: nothing to give back
    assert lockout.row(ADA).attempts == renewed.attempt == 1


def test_a_lock_that_ends_inside_the_window_starts_a_new_count_at_its_end(lockout):
    lockout.reserve_all(ADA, T0)
    until = T0 + timedelta(seconds=60)  # the window would run on until T0 + 900 s
    lockout.lock(ADA, until)
    assert not lockout.reserve(ADA, until - timedelta(microseconds=1)).admitted
    after = lockout.reserve(ADA, until)
    assert (after.admitted, after.attempt, after.window_started_at) == (True, 1, until)


def test_a_refused_attempt_changes_nothing_in_the_row(lockout):
    lockout.reserve_all(ADA, T0)
    at_the_limit = lockout.row(ADA)
    refused = lockout.reserve(ADA, T0 + timedelta(seconds=5))
    assert (refused.admitted, refused.attempt, refused.window_started_at) == (False, LIMIT, T0)
    assert lockout.row(ADA) == at_the_limit
    until = T0 + 2 * WINDOW
    lockout.lock(ADA, until)
    locked = lockout.row(ADA)
    refused = lockout.reserve(ADA, T0 + WINDOW)  # the window is over, the lock is not
    assert (refused.admitted, refused.attempt, refused.locked_until) == (False, LIMIT, until)
    assert lockout.row(ADA) == locked


def test_the_window_runs_from_its_first_attempt_not_from_the_latest(lockout):
    for seconds in (0, 100, 200):
        lockout.reserve(ADA, T0 + timedelta(seconds=seconds))
    assert not lockout.reserve(ADA, T0 + WINDOW - timedelta(microseconds=1)).admitted
    assert lockout.reserve(ADA, T0 + WINDOW).attempt == 1


def test_release_gives_back_one_attempt_of_its_own_email_only(lockout):
    [ada] = lockout.reserve_all(ADA, T0, 1)
    lockout.reserve_all(BOB, T0, 2)  # the same window start: only the email tells them apart
    lockout._run("release", ADA, ada)
    assert (lockout.row(ADA).attempts, lockout.row(BOB).attempts) == (0, 2)


def test_release_never_takes_the_count_below_zero(lockout):
    [ada] = lockout.reserve_all(ADA, T0, 1)
    lockout._run("reset_attempts", ADA)  # another login of the same email succeeded meanwhile
    lockout._run("release", ADA, ada)
    assert lockout.row(ADA).attempts == 0
