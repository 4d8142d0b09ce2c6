"""The lockout's rules with fakes: attempts are reserved before the hash, a lock is written once
for the attempt that reaches the limit, and nothing admitted earlier can lift it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from cqrs_auth.adapters.clock import utcnow
from cqrs_auth.domain.commands import LockAccountCommand, PerformLoginCommand
from cqrs_auth.domain.errors import InvalidCredentials, ServerBusy, TooManyAttempts

from .conftest import PASSWORD

EMAIL = "ada@example.org"
WRONG = "not the right password"


def attempt(kit, password=WRONG, email=EMAIL) -> Exception | None:
    try:
        kit.command_bus.execute(PerformLoginCommand(email, password))
    except (InvalidCredentials, TooManyAttempts, ServerBusy) as error:
        return error
    return None


def locked_until(kit):
    return kit.db.failures[EMAIL].locked_until


def move_lock(kit, seconds_from_now: float) -> None:
    until = utcnow() + timedelta(seconds=seconds_from_now)
    kit.db.failures[EMAIL] = dataclasses.replace(kit.db.failures[EMAIL], locked_until=until)


def test_a_login_admitted_before_the_lock_succeeds_but_cannot_lift_the_lock(kit):
    kit.sign_up()
    wrong_guesses = []
    kit.hasher.before_verify = lambda: wrong_guesses.extend(attempt(kit) for _ in range(5))
    assert attempt(kit, PASSWORD) is None  # admitted as attempt 1, verified after the others
    assert [type(e) for e in wrong_guesses] == [InvalidCredentials] * 4 + [TooManyAttempts]
    assert kit.event_types().count("AccountLockedEvent") == 1
    assert locked_until(kit) > utcnow()
    calls = kit.hasher.calls
    assert isinstance(attempt(kit, PASSWORD), TooManyAttempts)
    assert kit.hasher.calls == calls


def test_writing_the_lock_keeps_the_count(kit):
    kit.sign_up()
    for _ in range(5):
        attempt(kit)
    assert kit.db.failures[EMAIL].attempts == 5 and locked_until(kit) is not None


def test_at_the_limit_before_the_lock_is_written_the_wait_is_a_whole_lock_period(make_kit):
    kit = make_kit(with_sagas=False, LOGIN_LOCK_SECONDS=123)
    for _ in range(5):
        attempt(kit)
    error = attempt(kit, PASSWORD)
    assert isinstance(error, TooManyAttempts) and error.retry_after == 123
    assert locked_until(kit) is None


def test_while_locked_the_wait_is_the_seconds_left_rounded_up(kit):
    for _ in range(5):
        attempt(kit)
    row = kit.db.failures[EMAIL]
    kit.db.failures[EMAIL] = dataclasses.replace(
        row, locked_until=utcnow() + timedelta(seconds=9.2)
    )
    assert attempt(kit).retry_after == 10


def test_a_lock_that_has_ended_gives_a_whole_new_count_of_attempts(kit):
    for _ in range(5):
        attempt(kit)
    move_lock(kit, -1)
    errors = [attempt(kit) for _ in range(6)]
    assert [type(e) for e in errors] == [InvalidCredentials] * 5 + [TooManyAttempts]
    assert kit.event_types().count("AccountLockedEvent") == 2


def test_a_lock_command_delivered_again_or_late_locks_nothing_and_stores_nothing(kit):
    for _ in range(5):
        attempt(kit)
    reached = [e for e in kit.db.events if e.type == "UserLoginFailedEvent"][-1]
    command = LockAccountCommand(EMAIL, 5, reached.event_id, reached.occurred_at)
    assert kit.command_bus.execute(command) is False  # already locked
    kit.db.failures[EMAIL] = dataclasses.replace(
        kit.db.failures[EMAIL], locked_until=None, window_started_at=utcnow()
    )
    assert kit.command_bus.execute(command) is False  # a newer window began after it
    assert kit.event_types().count("AccountLockedEvent") == 1


def test_the_lock_lasts_login_lock_seconds_from_the_failure_that_reached_the_limit(make_kit):
    kit = make_kit(LOGIN_LOCK_SECONDS=300)
    for _ in range(5):
        attempt(kit)
    reached = [e for e in kit.db.events if e.type == "UserLoginFailedEvent"][-1]
    assert locked_until(kit) == reached.occurred_at + timedelta(seconds=300)


def test_a_login_refused_by_a_full_hash_lane_counts_no_attempt(kit):
    kit.sign_up()
    attempt(kit)
    kit.hasher.busy = True
    for _ in range(10):
        assert isinstance(attempt(kit, PASSWORD), ServerBusy)
    assert kit.db.failures[EMAIL].attempts == 1
    assert kit.event_types().count("UserLoginFailedEvent") == 1
    kit.hasher.busy = False
    assert attempt(kit, PASSWORD) is None


def test_a_login_that_finds_the_lane_full_only_after_its_reservation_gives_its_attempt_back(kit):
    kit.sign_up()
    attempt(kit)
    kit.hasher.busy = kit.hasher.fills_late = True
    for _ in range(10):
        assert isinstance(attempt(kit, PASSWORD), ServerBusy)
    assert kit.db.failures[EMAIL].attempts == 1
    kit.hasher.busy = False
    assert attempt(kit, PASSWORD) is None


@pytest.mark.parametrize("with_sagas", [True, False], ids=["locked", "out of attempts"])
def test_with_the_lane_full_a_refused_email_is_told_too_many_attempts_as_without(
    make_kit, with_sagas
):
    kit = make_kit(with_sagas=with_sagas, LOGIN_MAX_FAILURES=2, LOGIN_LOCK_SECONDS=300)
    for _ in range(2):
        attempt(kit)
    told = attempt(kit, PASSWORD)
    kit.hasher.busy = True
    refused = attempt(kit, PASSWORD)
    assert isinstance(refused, TooManyAttempts) and kit.hasher.calls == 2
    assert refused.retry_after == told.retry_after and kit.db.failures[EMAIL].attempts == 2
    assert isinstance(attempt(kit, PASSWORD, email="someone.else@example.org"), ServerBusy)


def test_a_refused_login_and_a_busy_login_store_no_event(make_kit):
    kit = make_kit(with_sagas=False, LOGIN_MAX_FAILURES=1)
    attempt(kit)
    events = list(kit.db.events)
    assert isinstance(attempt(kit), TooManyAttempts)
    kit.hasher.busy = True
    kit.db.failures.clear()
    assert isinstance(attempt(kit), ServerBusy)
    assert kit.db.events == events


def test_a_signup_refused_by_a_full_hash_lane_stores_nothing(kit):
    kit.hasher.busy = True
    with pytest.raises(ServerBusy) as caught:
        kit.sign_up()
    assert caught.value.extensions == {"code": "SERVER_BUSY", "retryAfter": 1}
    assert kit.db.users == {} and kit.db.events == []
