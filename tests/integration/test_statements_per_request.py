"""Statements per request, counted by the database itself (adapters/statement_count.py): on
MariaDB its `Questions` and pings, COMMIT and ROLLBACK included; on SQLite every statement the
library runs, BEGIN IMMEDIATE included (one per writing transaction, where MySQL begins by
itself). The read model's projector runs inside the request here (in-process, as in the
notebooks) and is counted apart; a server runs it off the request path, on a thread of its own
(test_projection_follower.py: there a login sends only its own statements).

| request                            | MySQL/MariaDB | SQLite |
|------------------------------------|---------------|--------|
| login (reserve 3, settle 3)        | 6             | 8      |
| its projection                     | 2             | 4      |
| me (autocommit reads on MySQL)     | 1             | 1      |
| signup with its welcome mail       | 6 (at most 8) | 8      |
| its projection (2 events)          | 5             | 7      |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cqrs_auth import App
from cqrs_auth.adapters.statement_count import StatementsInside, statement_counter

from .helpers import PASSWORD, sign_up

LOGIN = "mutation ($e: EmailAddress!, $p: String!) { login(username: $e, password: $p) { user } }"
SIGNUP = "mutation ($i: Signup!) { signup(input: $i) { username } }"
ME = "{ me { username } }"
BOUNDS = {  # request: (MySQL/MariaDB, SQLite), each (request, its projection)
    "login": ((6, 2), (8, 4)),
    "me": ((1, 0), (1, 0)),
    "signup": ((8, 5), (8, 7)),
}


class Counted:
    def __init__(self, app: App) -> None:
        self.count = statement_counter(app.engine)
        self.projection = StatementsInside(self.count)
        app.projector.execute = self.projection.wrap(app.projector.execute)  # type: ignore[method-assign]

    def __call__(self, request: Callable[[], Any]) -> tuple[int, int]:
        """(statements without the projection's, the projection's) of one request."""
        before, projected = self.count(), self.projection.sent
        request()
        inside = self.projection.sent - projected
        return self.count() - before - inside, inside


@pytest.fixture
def counted(make_app):
    app = make_app(LOGIN_MAX_FAILURES=1000)
    sign_up(app)
    login = app.graphql(LOGIN, {"e": "ada@example.org", "p": PASSWORD})  # the pools warm up
    assert "errors" not in login
    token = app.local_strategy.validate("ada@example.org", PASSWORD).access_token
    assert "errors" not in app.graphql(ME, token=token)  # the queries' pool (MySQL) too
    return app, Counted(app)


def within_bounds(app: App, request: str, sent: tuple[int, int]) -> bool:
    """Whether the request and its projection each sent at most their bound."""
    mysql, sqlite = BOUNDS[request]
    own, projection = sqlite if app.engine.dialect.name == "sqlite" else mysql
    return sent[0] <= own and sent[1] <= projection


def ok(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    return result


def test_a_successful_login_stays_within_its_statements_and_its_projection_within_its_own(
    counted,
):
    app, count = counted
    sent = count(lambda: ok(app.graphql(LOGIN, {"e": "ada@example.org", "p": PASSWORD})))
    assert within_bounds(app, "login", sent), sent
    assert sent[1] > 0  # the projection ran, and was counted apart


def test_me_sends_one_statement(counted):
    app, count = counted
    token = app.local_strategy.validate("ada@example.org", PASSWORD).access_token
    sent = count(lambda: ok(app.graphql(ME, token=token)))
    assert within_bounds(app, "me", sent), sent


def test_a_signup_with_its_welcome_mail_stays_within_its_statements(counted):
    app, count = counted
    values = {"username": "bob", "email": "bob@example.org", "password": PASSWORD}
    signup = {"i": values | {"passwordConfirm": PASSWORD}}
    sent = count(lambda: ok(app.graphql(SIGNUP, signup)))
    assert within_bounds(app, "signup", sent), sent
    assert [mail.recipient for mail in app.mails()] == ["ada@example.org", "bob@example.org"]


def test_the_marks_of_many_dispatched_events_are_written_in_one_statement(counted):
    app, count = counted
    for number in range(5):
        sign_up(app, f"user{number}", f"user{number}@example.org")
    before = count.count()
    assert app.dispatcher.write_marks() >= 10  # each signup: its event and its mail's
    transaction = 3 if app.engine.dialect.name == "sqlite" else 2  # (BEGIN,) UPDATE, COMMIT
    assert count.count() - before == transaction
