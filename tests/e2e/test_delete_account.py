"""deleteAccount (issue 21), in-process and over HTTP, on every database: the password deletes the
account (true), its tokens are refused from then on and its email logs in as nobody's; a wrong
password is BAD_USER_INPUT on `password` and counts toward the lockout; no token, no deletion;
two deleteAccount fields in one document are refused before either runs."""

from __future__ import annotations

from cqrs_auth.course.search import places_holding

from .helpers import ME, PASSWORD, login, only_error, signup, token_of

DELETE = "mutation Delete($password: String!) { deleteAccount(password: $password) }"


def delete(client, token: str | None, password: str = PASSWORD):
    return client.execute(DELETE, {"password": password}, token=token)


def test_the_password_deletes_the_account_and_every_token_of_it_is_refused(client):
    signup(client)
    mine, other = token_of(login(client)), token_of(login(client))
    assert delete(client, mine) == {"data": {"deleteAccount": True}}
    assert not places_holding(client.kit.engine, "ada")  # every row of every table
    assert client.execute(ME, token=other) == {"data": {"me": None}}
    assert only_error(delete(client, other))["extensions"] == {"code": "UNAUTHENTICATED"}
    nobody = only_error(login(client, email="nobody@example.org"))
    assert only_error(login(client))["extensions"] == nobody["extensions"]
    signup(client)
    assert token_of(login(client))


def test_a_wrong_password_is_bad_user_input_and_counts_toward_the_lockout(make_client):
    client = make_client(LOGIN_MAX_FAILURES=2)
    signup(client)
    token = token_of(login(client))
    error = only_error(delete(client, token, "not the password"))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "password"}
    only_error(delete(client, token, "not the password either"))
    locked = only_error(delete(client, token))
    assert locked["extensions"]["code"] == "TOO_MANY_ATTEMPTS"
    assert client.execute(ME, token=token)["data"]["me"]["username"] == "ada"


def test_without_a_token_nothing_is_deleted(client):
    signup(client)
    assert only_error(delete(client, None))["extensions"] == {"code": "UNAUTHENTICATED"}
    assert token_of(login(client))


def test_two_deletions_in_one_document_are_refused_before_either_runs(client):
    signup(client)
    token = token_of(login(client))
    twice = 'mutation { a: deleteAccount(password: "x") b: deleteAccount(password: "y") }'
    assert (
        only_error(client.execute(twice, token=token))["extensions"]["code"] == "ONCE_PER_REQUEST"
    )
    assert client.execute(ME, token=token)["data"]["me"]["username"] == "ada"
