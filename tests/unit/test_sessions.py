"""Logout and changePassword on the bus with fakes (issue 18): which sessions end, what a wrong
current password costs, what bad input costs (nothing), and the events they leave."""

from __future__ import annotations

import pytest

from cqrs_auth.domain.commands import ChangePasswordCommand, LogoutCommand, PerformLoginCommand
from cqrs_auth.domain.errors import (
    NotAuthenticated,
    ServerBusy,
    TooManyAttempts,
    ValidationError,
)
from cqrs_auth.domain.events import PasswordChangedEvent, UserLoggedOutEvent
from cqrs_auth.domain.model import LoginResult, UserView
from cqrs_auth.domain.queries import GetUserQuery
from cqrs_auth.service.sessions import WRONG_CURRENT_PASSWORD

from .conftest import PASSWORD

EMAIL = "ada@example.org"
NEW = "a brand new passphrase for ada"
WRONG = "definitely not the password"


def log_in(kit, password: str = PASSWORD) -> str:
    return kit.command_bus.execute(PerformLoginCommand(EMAIL, password)).access_token


def me(kit, token: str) -> UserView | None:
    session = kit.tokens.claims(token)
    return kit.query_bus.execute(GetUserQuery(session.user_id, session))


def change(kit, token: str, current: str = PASSWORD, new: str = NEW, confirm: str | None = None):
    command = ChangePasswordCommand(token, current, new, new if confirm is None else confirm)
    return kit.command_bus.execute(command)


def refused(kit, token: str) -> bool:
    with pytest.raises(NotAuthenticated):
        me(kit, token)
    return True


@pytest.fixture
def ada(kit) -> UserView:
    return kit.sign_up()


def test_logout_ends_that_session_only_and_says_so_in_one_event(kit, ada):
    mine, other = log_in(kit), log_in(kit)
    assert kit.command_bus.execute(LogoutCommand(mine)) is True
    assert refused(kit, mine) and me(kit, other) == ada
    [event] = [e for e in kit.db.events if isinstance(e, UserLoggedOutEvent)]
    assert event.user_id == ada.user_id and event.aggregate_id == ada.user_id
    with pytest.raises(NotAuthenticated):
        kit.command_bus.execute(LogoutCommand(mine))
    assert kit.event_types().count("UserLoggedOutEvent") == 1
    assert kit.db.ended == {kit.tokens.claims(mine).session_id}


def test_logout_with_a_bad_token_ends_nothing(kit, ada):
    with pytest.raises(NotAuthenticated):
        kit.command_bus.execute(LogoutCommand(log_in(kit) + "x"))
    assert kit.db.ended == set() and "UserLoggedOutEvent" not in kit.event_types()


def test_me_without_a_session_reads_the_user_as_before(kit, ada):
    assert kit.query_bus.execute(GetUserQuery(ada.user_id)) == ada
    token = log_in(kit)
    kit.command_bus.execute(LogoutCommand(token))
    assert kit.query_bus.execute(GetUserQuery(ada.user_id)) == ada  # no session asked about


def test_change_password_ends_every_session_and_answers_a_fresh_one(kit, ada):
    first, second = log_in(kit), log_in(kit)
    before = kit.tokens.claims(first).version
    result = change(kit, first)
    assert isinstance(result, LoginResult) and result.user == ada
    assert result.expires_in == kit.tokens.expires_in
    assert kit.tokens.claims(result.access_token).version == before + 1
    assert refused(kit, first) and refused(kit, second)
    assert me(kit, result.access_token) == ada
    assert log_in(kit, NEW)
    [event] = [e for e in kit.db.events if isinstance(e, PasswordChangedEvent)]
    assert (event.user_id, event.email) == (ada.user_id, EMAIL)


def test_a_change_starts_the_failure_count_again_as_a_login_does(make_kit):
    kit = make_kit(LOGIN_MAX_FAILURES=3)
    kit.sign_up()
    token = log_in(kit)
    with pytest.raises(ValidationError):
        change(kit, token, current=WRONG)
    assert kit.db.failures[EMAIL].attempts == 1
    token = change(kit, token).access_token
    assert kit.db.failures[EMAIL].attempts == 0


def test_a_wrong_current_password_is_a_failed_login_under_the_same_lockout(make_kit):
    kit = make_kit(LOGIN_MAX_FAILURES=3)
    ada = kit.sign_up()
    token = log_in(kit)
    for attempt in (1, 2, 3):
        with pytest.raises(ValidationError) as wrong:
            change(kit, token, current=WRONG)
        assert (wrong.value.field, wrong.value.message) == (
            "currentPassword",
            WRONG_CURRENT_PASSWORD,
        )
        assert kit.db.failures[EMAIL].attempts == attempt
    assert kit.event_types().count("UserLoginFailedEvent") == 3
    assert "AccountLockedEvent" in kit.event_types()
    hashes = kit.hasher.hashes
    with pytest.raises(TooManyAttempts):
        change(kit, token)  # the right one, refused while locked
    assert kit.hasher.hashes == hashes and me(kit, token) == ada
    assert "PasswordChangedEvent" not in kit.event_types()


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field"),
    [
        (PASSWORD, "short", "short", "password"),
        (PASSWORD, NEW, NEW + "!", "passwordConfirm"),
        (PASSWORD, "ada@example.org and more", "ada@example.org and more", "password"),
        ("x" * 129, NEW, NEW, "currentPassword"),
        (None, NEW, NEW, "currentPassword"),
        (PASSWORD, None, NEW, "password"),
        (PASSWORD, NEW, None, "passwordConfirm"),
    ],
)
def test_bad_input_names_its_field_and_costs_no_attempt_and_no_hash(
    kit, ada, current, new, confirm, field
):
    token = log_in(kit)
    calls = kit.hasher.calls
    with pytest.raises(ValidationError) as refusal:
        kit.command_bus.execute(ChangePasswordCommand(token, current, new, confirm))
    assert refusal.value.field == field
    assert kit.hasher.calls == calls and kit.db.failures[EMAIL].attempts == 0
    assert me(kit, token) == ada


def test_a_current_password_over_128_characters_is_refused_with_the_limit_in_words(kit, ada):
    token = log_in(kit)
    calls = kit.hasher.calls
    with pytest.raises(ValidationError) as refusal:
        change(kit, token, current="x" * 129)
    assert refusal.value.message == "A password has at most 128 characters."
    assert kit.hasher.calls == calls


def test_a_current_password_of_exactly_128_characters_is_checked(kit, ada):
    token = log_in(kit)
    with pytest.raises(ValidationError) as wrong:
        change(kit, token, current="x" * 128)
    assert wrong.value.message == WRONG_CURRENT_PASSWORD
    assert kit.db.failures[EMAIL].attempts == 1


def test_an_ended_session_cannot_change_the_password(kit, ada):
    token = log_in(kit)
    kit.command_bus.execute(LogoutCommand(token))
    calls = kit.hasher.calls
    with pytest.raises(NotAuthenticated):
        change(kit, token)
    assert kit.hasher.calls == calls and "PasswordChangedEvent" not in kit.event_types()


def test_a_change_that_another_change_overtook_is_refused_and_stores_nothing(kit, ada):
    token, other = log_in(kit), log_in(kit)
    real_hash = kit.hasher.hash

    def overtaken(password: str) -> str:
        kit.hasher.hash = real_hash
        change(kit, other, new="another passphrase for ada")  # wins while this one hashes
        return real_hash(password)

    kit.hasher.hash = overtaken
    with pytest.raises(NotAuthenticated):
        change(kit, token)
    assert kit.event_types().count("PasswordChangedEvent") == 1
    assert log_in(kit, "another passphrase for ada")


def test_a_busy_hash_lane_counts_no_attempt_for_the_current_password(kit, ada):
    token = log_in(kit)
    kit.hasher.busy = True
    with pytest.raises(ServerBusy):
        change(kit, token)
    assert kit.db.failures[EMAIL].attempts == 0 and me(kit, token) == ada
