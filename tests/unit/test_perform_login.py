"""PerformLoginHandler and the lockout saga, counted with a fake hasher (no timing)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from cqrs_auth.adapters.clock import utcnow
from cqrs_auth.domain.commands import PerformLoginCommand
from cqrs_auth.domain.errors import InvalidCredentials, TooManyAttempts, ValidationError
from cqrs_auth.domain.model import LoginResult

from .conftest import PASSWORD

EMAIL = "ada@example.org"


def log_in(kit, email=EMAIL, password=PASSWORD) -> LoginResult:
    return kit.command_bus.execute(PerformLoginCommand(email, password))


def failed_login(kit, email=EMAIL, password="not the right password") -> Exception:
    with pytest.raises((InvalidCredentials, TooManyAttempts)) as caught:
        log_in(kit, email, password)
    return caught.value


def test_a_correct_password_logs_in_with_a_token_for_the_user(kit):
    user = kit.sign_up()
    result = log_in(kit)
    assert result.user == user
    assert kit.tokens.verify(result.access_token) == user.user_id
    assert result.expires_in == 3600
    assert kit.event_types()[-1] == "UserLoggedInEvent"


def test_the_email_is_matched_case_insensitively(kit):
    kit.sign_up()
    assert log_in(kit, email="ADA@Example.org").user.email == EMAIL


def test_an_unknown_email_runs_exactly_one_dummy_verification_and_gets_the_wrong_password_error(
    kit,
):
    kit.sign_up()
    kit.hasher.hashes = 0
    wrong_password = failed_login(kit)
    assert (kit.hasher.verifications, kit.hasher.dummy_verifications) == (1, 0)

    unknown_email = failed_login(kit, email="nobody@example.org")
    assert (kit.hasher.verifications, kit.hasher.dummy_verifications) == (1, 1)
    assert kit.hasher.hashes == 0
    assert type(unknown_email) is type(wrong_password) is InvalidCredentials
    assert unknown_email.message == wrong_password.message
    assert unknown_email.extensions == wrong_password.extensions


def test_failures_for_an_unknown_email_are_recorded_as_events_like_any_other(kit):
    failed_login(kit, email="nobody@example.org")
    [event] = kit.db.events
    assert event.type == "UserLoginFailedEvent"
    assert event.payload() == {"email": "nobody@example.org", "failures": 1}


def test_the_fifth_failure_locks_the_email_and_stores_an_account_locked_event(kit):
    kit.sign_up()
    for _ in range(4):
        failed_login(kit)
    assert "AccountLockedEvent" not in kit.event_types()
    failed_login(kit)
    assert kit.event_types().count("AccountLockedEvent") == 1
    locked = next(e for e in kit.db.events if e.type == "AccountLockedEvent")
    assert locked.payload()["email"] == EMAIL and locked.payload()["failures"] == 5


def test_a_locked_email_runs_no_hash_at_all_and_reports_the_seconds_to_wait(kit):
    kit.sign_up()
    for _ in range(5):
        failed_login(kit)
    calls = kit.hasher.calls

    error = failed_login(kit, password=PASSWORD)  # even the right password
    assert isinstance(error, TooManyAttempts)
    assert kit.hasher.calls == calls
    assert 0 < error.retry_after <= kit.settings.LOGIN_LOCK_SECONDS
    assert error.extensions == {"code": "TOO_MANY_ATTEMPTS", "retryAfter": error.retry_after}


def test_an_unknown_email_is_locked_the_same_way_so_the_lock_reveals_nothing(kit):
    for _ in range(5):
        failed_login(kit, email="nobody@example.org")
    calls = kit.hasher.calls
    assert isinstance(failed_login(kit, email="nobody@example.org"), TooManyAttempts)
    assert kit.hasher.calls == calls


def test_an_email_at_the_limit_counts_as_locked_even_before_the_saga_has_locked_it(make_kit):
    kit = make_kit(with_sagas=False)  # no lockout saga: only the failure count is there
    for _ in range(5):
        failed_login(kit)
    calls = kit.hasher.calls
    error = failed_login(kit)
    assert isinstance(error, TooManyAttempts) and kit.hasher.calls == calls


def test_the_lock_ends_after_login_lock_seconds(kit):
    user = kit.sign_up()
    for _ in range(5):
        failed_login(kit)
    state = kit.db.failures[EMAIL]
    kit.db.failures[EMAIL] = dataclasses.replace(
        state, locked_until=utcnow() - timedelta(seconds=1)
    )
    assert log_in(kit).user == user


def test_failures_older_than_the_window_start_a_new_count(make_kit):
    kit = make_kit(LOGIN_MAX_FAILURES=3, LOGIN_FAILURE_WINDOW_SECONDS=60)
    for _ in range(2):
        failed_login(kit)
    state = kit.db.failures[EMAIL]
    kit.db.failures[EMAIL] = dataclasses.replace(
        state, window_started_at=utcnow() - timedelta(seconds=61)
    )
    failed_login(kit)
    assert kit.db.failures[EMAIL].attempts == 1
    assert "AccountLockedEvent" not in kit.event_types()


def test_a_successful_login_resets_the_failure_count(kit):
    kit.sign_up()
    for _ in range(4):
        failed_login(kit)
    log_in(kit)
    assert kit.db.failures[EMAIL].attempts == 0
    for _ in range(4):
        assert isinstance(failed_login(kit), InvalidCredentials)


def test_the_limit_follows_the_login_max_failures_setting(make_kit):
    kit = make_kit(LOGIN_MAX_FAILURES=2)
    kit.sign_up()
    failed_login(kit)
    assert isinstance(failed_login(kit), InvalidCredentials)
    assert isinstance(failed_login(kit), TooManyAttempts)


def test_an_outdated_hash_is_replaced_at_the_next_successful_login(kit):
    user = kit.sign_up()
    stored, username, email = kit.db.users[user.user_id]
    kit.db.users[user.user_id] = (
        dataclasses.replace(stored, password_hash="old" + stored.password_hash),
        username,
        email,
    )
    log_in(kit)
    assert kit.db.users[user.user_id][0].password_hash == stored.password_hash


def test_a_login_password_longer_than_128_characters_is_refused_before_any_hashing(kit):
    with pytest.raises(ValidationError) as caught:
        log_in(kit, password="x" * 129)
    assert caught.value.field == "password" and kit.hasher.calls == 0


def test_a_malformed_login_email_is_refused_naming_the_email_field(kit):
    with pytest.raises(ValidationError) as caught:
        log_in(kit, email="not-an-email")
    assert caught.value.field == "email" and kit.hasher.calls == 0


def test_the_local_strategy_validates_through_the_command_bus(kit):
    user = kit.sign_up()
    assert kit.local_strategy.validate(EMAIL, PASSWORD).user == user
    with pytest.raises(InvalidCredentials):
        kit.local_strategy.validate(EMAIL, "a wrong password altogether")


def test_a_password_typed_in_another_unicode_form_logs_in(kit):
    user = kit.sign_up(password="zq9!xkW2vLpmT4\ufb01")  # the ligature "fi"
    assert log_in(kit, password="zq9!xkW2vLpmT4fi").user == user
