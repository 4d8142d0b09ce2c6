"""A login over GraphQL parses its email once: the scalar's parsed form reaches the handler."""

from __future__ import annotations

from cqrs_auth.domain import rules

from .helpers import PASSWORD, sign_up

LOGIN = "mutation ($e: EmailAddress!, $p: String!) { login(username: $e, password: $p) { user } }"


def test_a_graphql_login_parses_its_email_once(app, monkeypatch):
    sign_up(app)
    calls: list[str] = []
    real = rules.validate_email
    monkeypatch.setattr(
        rules, "validate_email", lambda text, **o: calls.append(text) or real(text, **o)
    )
    answer = app.graphql(LOGIN, {"e": "ADA@example.org", "p": PASSWORD})
    assert answer == {"data": {"login": {"user": "ada@example.org"}}}
    assert calls == ["ADA@example.org"]
