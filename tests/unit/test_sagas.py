"""The users sagas: events in, commands out."""

from __future__ import annotations

import pytest

from cqrs_auth.domain.commands import LockAccountCommand, SendWelcomeEmailCommand
from cqrs_auth.domain.errors import InvalidCredentials
from cqrs_auth.domain.events import UserCreatedEvent, UserLoginFailedEvent
from cqrs_auth.service import sagas


def test_a_created_user_gets_a_welcome_email_command_caused_by_the_event():
    event = UserCreatedEvent(user_id="u-1", username="ada", email="ada@example.org")
    assert list(sagas.user_created(event)) == [
        SendWelcomeEmailCommand(
            user_id="u-1", username="ada", email="ada@example.org", causation_id=event.event_id
        )
    ]


def test_failures_below_the_limit_issue_no_command():
    lockout = sagas.login_failed(max_failures=3)
    assert list(lockout(UserLoginFailedEvent(email="a@example.org", failures=2))) == []


def test_failures_at_or_past_the_limit_issue_a_lock_command():
    lockout = sagas.login_failed(max_failures=3)
    for failures in (3, 4):
        event = UserLoginFailedEvent(email="a@example.org", failures=failures)
        assert list(lockout(event)) == [
            LockAccountCommand(
                email="a@example.org",
                failures=failures,
                causation_id=event.event_id,
                failed_at=event.occurred_at,
            )
        ]


def test_a_welcome_mail_is_queued_once_even_when_its_event_is_handled_twice(kit):
    kit.sign_up()
    created = kit.db.events[0]
    assert kit.event_bus.publish(created) is True
    assert len(kit.db.mails) == 1
    assert kit.event_types().count("WelcomeEmailSentEvent") == 1


def test_a_lock_event_handled_twice_locks_once(kit):
    kit.sign_up()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            kit.local_strategy.validate("ada@example.org", "the wrong password!!")
    failed = [e for e in kit.db.events if e.type == "UserLoginFailedEvent"][-1]
    kit.event_bus.publish(failed)
    assert kit.event_types().count("AccountLockedEvent") == 1
