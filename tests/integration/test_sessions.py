"""Sessions you can end (issue 18), on SQLite and MariaDB, through GraphQL in-process: logout ends
the token's own session, changePassword and resetPassword end every session of the account, a
wrong current password counts toward the login's lockout, and each change is an event that the
read model shows."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from cqrs_auth import App
from cqrs_auth.adapters.tables import ended_sessions, users
from cqrs_auth.domain.errors import NotAuthenticated
from cqrs_auth.service.reset_mails import token_from_link

from .helpers import PASSWORD, WRONG_PASSWORD, count, event_types, log_in, sign_up

NEW_PASSWORD = "a brand new passphrase for ada"
ME = "{ me { username activity { lastLoggedOutAt passwordChangedAt loginCount } } }"
LOGOUT = "mutation { logout }"
CHANGE = """mutation ($c: String!, $p: String!, $q: String!) {
  changePassword(currentPassword: $c, password: $p, passwordConfirm: $q) { Authorization user }
}"""
RESET = """mutation ($t: String!, $p: String!) {
  resetPassword(token: $t, password: $p, passwordConfirm: $p)
}"""
REQUEST = "mutation ($e: EmailAddress!) { requestPasswordReset(email: $e) }"


def token_of(app: App, password: str = PASSWORD) -> str:
    return str(log_in(app, password=password).access_token)


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


def me(app: App, token: str) -> dict[str, Any]:
    return app.graphql(ME, token=token)


def refused(app: App, token: str) -> bool:
    answer = me(app, token)
    return codes(answer) == ["UNAUTHENTICATED"] and answer["data"] == {"me": None}


def change(app: App, token: str, current: str = PASSWORD, new: str = NEW_PASSWORD) -> dict:
    return app.graphql(CHANGE, {"c": current, "p": new, "q": new}, token=token)


@pytest.fixture
def app(make_app) -> App:
    app = make_app(LOGIN_MAX_FAILURES=3)
    sign_up(app)
    return app


def test_logout_ends_the_tokens_own_session_and_no_other(app):
    mine, other = token_of(app), token_of(app)
    assert me(app, mine)["data"]["me"]["username"] == "ada"  # verified (and remembered) first
    assert app.graphql(LOGOUT, token=mine) == {"data": {"logout": True}}
    assert refused(app, mine)
    assert me(app, other)["data"]["me"]["username"] == "ada"
    assert codes(app.graphql(LOGOUT, token=mine)) == ["UNAUTHENTICATED"]  # only once
    assert count(app, ended_sessions) == 1
    assert event_types(app).count("UserLoggedOutEvent") == 1


def test_me_shows_the_username_and_email_of_the_tokens_account(app):
    answer = app.graphql("{ me { username email } }", token=token_of(app))
    assert answer == {"data": {"me": {"username": "ada", "email": "ada@example.org"}}}


def test_logout_without_a_token_is_unauthenticated_and_ends_nothing(app):
    assert codes(app.graphql(LOGOUT)) == ["UNAUTHENTICATED"]
    assert codes(app.graphql(LOGOUT, token="not.a.jwt")) == ["UNAUTHENTICATED"]
    assert count(app, ended_sessions) == 0 and "UserLoggedOutEvent" not in event_types(app)


def test_the_read_model_shows_the_logout(app):
    mine, other = token_of(app), token_of(app)
    app.graphql(LOGOUT, token=mine)
    activity = me(app, other)["data"]["me"]["activity"]
    [logged_out] = [e for e in app.events() if e.type == "UserLoggedOutEvent"]
    assert activity["lastLoggedOutAt"] == logged_out.occurred_at.isoformat()


def test_change_password_ends_every_earlier_session_and_answers_a_working_token(app):
    first, second = token_of(app), token_of(app)
    answer = change(app, first)
    assert "errors" not in answer, answer
    fresh = answer["data"]["changePassword"]["Authorization"]
    assert refused(app, first) and refused(app, second)
    assert me(app, fresh)["data"]["me"]["username"] == "ada"
    assert codes(change(app, first, NEW_PASSWORD, "yet another passphrase for ada")) == [
        "UNAUTHENTICATED"
    ]
    assert log_in(app, password=NEW_PASSWORD).user.username == "ada"
    with pytest.raises(Exception, match="Invalid email or password"):
        log_in(app, password=PASSWORD)
    activity = me(app, fresh)["data"]["me"]["activity"]
    [changed] = [e for e in app.events() if e.type == "PasswordChangedEvent"]
    assert activity["passwordChangedAt"] == changed.occurred_at.isoformat()


def test_a_wrong_current_password_names_the_field_and_counts_toward_the_lockout(app):
    token = token_of(app)
    for _ in range(2):
        wrong = change(app, token, current=WRONG_PASSWORD)
        assert codes(wrong) == ["BAD_USER_INPUT"]
        assert wrong["errors"][0]["extensions"]["field"] == "currentPassword"
    with pytest.raises(Exception, match="Invalid email or password"):
        log_in(app, password=WRONG_PASSWORD)  # the third failure: the limit, the lock
    assert codes(change(app, token)) == ["TOO_MANY_ATTEMPTS"]  # even the right one, now
    assert event_types(app).count("UserLoginFailedEvent") == 3
    assert "AccountLockedEvent" in event_types(app)
    assert me(app, token)["data"]["me"]["username"] == "ada"  # nothing changed, session open


def test_a_new_password_that_breaks_the_signup_rules_is_refused_naming_the_field(app):
    token = token_of(app)
    short = change(app, token, new="short")
    assert codes(short) == ["BAD_USER_INPUT"] and short["errors"][0]["extensions"]["field"] == (
        "password"
    )
    mismatch = app.graphql(
        CHANGE, {"c": PASSWORD, "p": NEW_PASSWORD, "q": NEW_PASSWORD + "!"}, token=token
    )
    assert mismatch["errors"][0]["extensions"]["field"] == "passwordConfirm"
    assert me(app, token)["data"]["me"]["username"] == "ada"  # nothing ended
    assert "UserLoginFailedEvent" not in event_types(app)  # no attempt spent on bad input


def test_reset_password_ends_every_session_of_the_account(app):
    token = token_of(app)
    app.graphql(REQUEST, {"e": "ada@example.org"})
    app.dispatcher.dispatch_pending()
    link_token = token_from_link(app.mails()[-1].body)
    assert app.graphql(RESET, {"t": link_token, "p": NEW_PASSWORD}) == {
        "data": {"resetPassword": True}
    }
    assert refused(app, token)
    assert me(app, token_of(app, NEW_PASSWORD))["data"]["me"]["username"] == "ada"


def test_a_rehash_at_login_leaves_the_sessions_open(app):
    token = token_of(app)
    with app.engine.connect() as connection:
        version = connection.scalar(select(users.c.sessionVersion))
    token_of(app)
    with app.engine.connect() as connection:
        assert connection.scalar(select(users.c.sessionVersion)) == version
    assert me(app, token)["data"]["me"]["username"] == "ada"


def test_of_logouts_racing_with_one_token_exactly_one_ends_the_session(app):
    token = token_of(app)
    barrier = threading.Barrier(6, timeout=60)
    answers: list[dict[str, Any]] = []

    def log_out() -> None:
        barrier.wait()
        answers.append(app.graphql(LOGOUT, token=token))

    threads = [threading.Thread(target=log_out) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(str(answer.get("data")) for answer in answers).count("{'logout': True}") == 1
    assert sum(codes(answer) == ["UNAUTHENTICATED"] for answer in answers) == 5
    assert count(app, ended_sessions) == 1
    assert event_types(app).count("UserLoggedOutEvent") == 1


def test_a_token_for_no_account_reads_no_user_and_ends_nothing(app):
    for subject in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        token = app.tokens.issue(subject)
        assert app.graphql(ME, token=token) == {"data": {"me": None}}
        assert codes(app.graphql(LOGOUT, token=token)) == ["UNAUTHENTICATED"]
        assert codes(change(app, token)) == ["UNAUTHENTICATED"]
    assert count(app, ended_sessions) == 0


def test_a_logout_on_one_server_is_honoured_by_another_that_remembered_the_token(make_app):
    """Two processes on one database (two workers): each has its own verified-token cache."""
    first, second = make_app(), make_app()
    sign_up(first)
    token = token_of(first)
    assert me(second, token)["data"]["me"]["username"] == "ada"  # verified and remembered there
    assert first.graphql(LOGOUT, token=token) == {"data": {"logout": True}}
    assert refused(second, token)
    fresh = change(second, token_of(second))["data"]["changePassword"]["Authorization"]
    assert me(first, fresh)["data"]["me"]["username"] == "ada"


def test_a_session_ended_twice_in_one_transaction_is_refused_by_the_key(app):
    """The primary key decides when two logouts race past the check (MariaDB lets both read)."""
    session = app.tokens.claims(token_of(app))
    with app.unit_of_work() as uow:
        uow.sessions.end(session)
        with pytest.raises(NotAuthenticated):
            uow.sessions.end(session)
