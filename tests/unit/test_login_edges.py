"""The login's edges, pinned: the 128-character limit, the login's own clock for the failure and
the lock, the smallest wait, and what the events and the lock command say."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from cqrs_auth.domain.commands import LockAccountCommand, PerformLoginCommand
from cqrs_auth.domain.errors import InvalidCredentials, TooManyAttempts, ValidationError

EMAIL = "ada@example.org"
T0 = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)  # long ago: only the login's clock says "now"


def log_in(kit, password: str = "not the right password"):
    return kit.command_bus.execute(PerformLoginCommand(EMAIL, password))


def refusal(kit, password: str = "not the right password") -> Exception:
    with pytest.raises((InvalidCredentials, TooManyAttempts, ValidationError)) as caught:
        log_in(kit, password)
    return caught.value


def stop_the_clock(kit, at: datetime) -> None:
    kit.command_bus.handler_for(PerformLoginCommand).attempts.clock = lambda: at


def test_a_login_password_of_128_characters_is_checked_and_one_of_129_refused_in_words(kit):
    assert isinstance(refusal(kit, "x" * 128), InvalidCredentials) and kit.hasher.calls == 1
    error = refusal(kit, "x" * 129)
    assert (error.field, error.message) == ("password", "A password has at most 128 characters.")
    assert kit.hasher.calls == 1


def test_the_failure_and_the_lock_are_timed_by_the_logins_clock(make_kit):
    kit = make_kit(LOGIN_LOCK_SECONDS=300)
    stop_the_clock(kit, T0)
    for _ in range(5):
        refusal(kit)
    failures = [e for e in kit.db.events if e.type == "UserLoginFailedEvent"]
    assert {e.occurred_at for e in failures} == {T0}
    assert kit.db.failures[EMAIL].locked_until == T0 + timedelta(seconds=300)


def test_a_lock_with_less_than_a_second_left_asks_to_wait_one_second(kit):
    stop_the_clock(kit, T0)
    for _ in range(5):
        refusal(kit)
    row = kit.db.failures[EMAIL]
    kit.db.failures[EMAIL] = dataclasses.replace(row, locked_until=T0 + timedelta(seconds=0.3))
    assert refusal(kit).retry_after == 1


def test_a_login_event_names_the_user_and_the_email_they_logged_in_with(kit):
    user = kit.sign_up()
    log_in(kit, "correct horse battery staple")
    [logged_in] = [e for e in kit.db.events if e.type == "UserLoggedInEvent"]
    assert logged_in.payload() == {"userId": user.user_id, "email": EMAIL}


def test_the_welcome_mail_event_names_its_recipient(kit):
    user = kit.sign_up()
    [sent] = [e for e in kit.db.events if e.type == "WelcomeEmailSentEvent"]
    assert sent.payload() == {"userId": user.user_id, "email": EMAIL, "mailId": kit.db.mails[0].id}


def test_the_lock_command_that_writes_the_lock_answers_true_and_stores_its_event(make_kit):
    kit = make_kit(with_sagas=False, LOGIN_LOCK_SECONDS=60)
    stop_the_clock(kit, T0)
    for _ in range(5):
        refusal(kit)
    reached = kit.db.events[-1]
    assert kit.command_bus.execute(LockAccountCommand(EMAIL, 5, reached.event_id, T0)) is True
    assert kit.db.events[-1].payload() == {
        "email": EMAIL,
        "failures": 5,
        "lockedUntil": (T0 + timedelta(seconds=60)).isoformat(),
    }
