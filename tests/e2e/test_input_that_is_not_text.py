"""Strings that are not text (a lone UTF-16 surrogate, which JSON can carry as "\\ud800"), in
process and in a real HTTP body: a clear BAD_USER_INPUT naming the field, before any hash, the
same for a registered and an unknown email."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cqrs_auth.adapters.tables import events, login_failures, users

from .helpers import LOGIN, PASSWORD, SIGNUP, Client, only_error, signup


def send(client: Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Like Client.execute, but the HTTP body is encoded by hand: json.dumps escapes a lone
    surrogate as \\ud800 (an HTTP client that encodes to UTF-8 first cannot send it)."""
    if client.server is None:
        return client.kit.graphql(query, variables)
    assert client.http is not None
    body = json.dumps({"query": query, "variables": variables}).encode("ascii")
    response = client.http.post(
        client.server.url, content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def rows(client: Client) -> tuple[int, int, int]:
    with client.kit.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            len(connection.execute(table.select()).all())
            for table in (users, events, login_failures)
        )


def test_a_password_that_is_not_text_gets_the_same_answer_for_a_registered_and_an_unknown_email(
    client,
):
    signup(client, "ada", "ada@example.org")
    before, hashes = rows(client), client.kit.hasher.calls
    answers = [
        only_error(send(client, LOGIN, {"email": email, "password": PASSWORD + "\ud800"}))
        for email in ("ada@example.org", "nobody@example.org")
    ]
    for error in answers:
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "password"}
        assert error["path"] == ["login"]
    assert answers[0] == answers[1]
    assert client.kit.hasher.calls == hashes and rows(client) == before


def test_an_email_variable_that_is_not_text_is_a_request_error_naming_the_email(client):
    result = send(client, LOGIN, {"email": "ada\ud800@example.org", "password": PASSWORD})
    assert "data" not in result
    assert only_error(result)["extensions"] == {"code": "BAD_USER_INPUT", "field": "email"}
    assert client.kit.hasher.calls == 0


@pytest.mark.parametrize("field", ["username", "email", "password", "passwordConfirm"])
def test_a_signup_field_that_is_not_text_is_refused_naming_it_and_nothing_is_written(client, field):
    values = {
        "username": "ada",
        "email": "ada@example.org",
        "password": PASSWORD,
        "passwordConfirm": PASSWORD,
    }
    values[field] += "\ud800"
    error = only_error(send(client, SIGNUP, {"input": values}))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert client.kit.hasher.calls == 0 and rows(client) == (0, 0, 0)
