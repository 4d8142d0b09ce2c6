import json
import logging

import httpx

from .helpers import LOGIN, ME, PASSWORD, only_error, signup

SECRET = "Very-Secret-Passphrase-4-Logs"


def _boom(*_args):
    raise RuntimeError("SELECT password_hash FROM users WHERE ...")


def test_an_unexpected_error_is_a_generic_internal_server_error(client, monkeypatch):
    monkeypatch.setattr(client.kit.query_bus, "execute", _boom)
    token = client.kit.tokens.issue("00000000-0000-4000-8000-000000000000")
    result = client.execute(ME, token=token)
    error = only_error(result)
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "SELECT" not in json.dumps(result) and "Traceback" not in json.dumps(result)


def test_the_debug_setting_adds_the_exception_to_an_internal_error(make_client, monkeypatch):
    client = make_client(DEBUG=True)
    monkeypatch.setattr(client.kit.query_bus, "execute", _boom)
    token = client.kit.tokens.issue("00000000-0000-4000-8000-000000000000")
    exception = only_error(client.execute(ME, token=token))["extensions"]["exception"]
    assert exception["type"] == "RuntimeError"
    assert "SELECT password_hash" in exception["message"]
    assert any("Traceback" in line for line in exception["stacktrace"])


def test_no_password_reaches_the_logs_whatever_the_request(client, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    fields = f'password: "{SECRET}", passwordConfirm: "{SECRET}"'
    client.execute(
        f'mutation {{ signup(input: {{username: "ada", email: "ada@example.org", {fields}}})'
        " { username } }"
    )
    client.execute(
        f'mutation {{ login(username: "ada@example.org", password: "{SECRET}x") {{ user }} }}'
    )
    client.execute(
        f'mutation {{ login(username: "ada@example.org", password: {SECRET}) {{ user }} }}'
    )
    client.execute(LOGIN, {"email": "ada@example.org", "password": [SECRET]})
    client.execute(LOGIN, {"email": "not an email", "password": SECRET})
    monkeypatch.setattr(client.kit.local_strategy, "validate", _boom)
    client.execute(LOGIN, {"email": "ada@example.org", "password": SECRET})
    if client.server is not None:
        query = f'mutation {{ login(username: "a@example.org", password: "{SECRET}") {{ user }} }}'
        assert httpx.get(client.server.url, params={"query": query}).status_code == 405
    # Everything the kit and its server logged; httpx's own log is the test's client speaking.
    formatter = logging.Formatter()
    logged = "\n".join(
        formatter.format(record)
        for record in caplog.records
        if not record.name.startswith(("httpx", "httpcore"))
    )
    assert "unexpected RuntimeError at login" in logged  # the errors did reach the log
    assert SECRET.lower() not in logged.lower()


def test_a_user_can_sign_up_log_in_and_ask_who_they_are_in_one_session(client):
    signup(client, "ada", "ada@example.org")
    authorization = client.execute(LOGIN, {"email": "ada@example.org", "password": PASSWORD})[
        "data"
    ]["login"]["Authorization"]
    me = client.execute(ME, token=authorization.removeprefix("Bearer "))
    assert me["data"]["me"]["email"] == "ada@example.org"
