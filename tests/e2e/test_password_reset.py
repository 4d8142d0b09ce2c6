"""Password reset through GraphQL, in-process and over HTTP, on every database."""

import logging

from cqrs_auth.service.reset_mails import token_from_link

from .helpers import PASSWORD, login, only_error, signup, token_of

NEW_PASSWORD = "a brand new passphrase for ada"
REQUEST = "mutation Request($email: EmailAddress!) { requestPasswordReset(email: $email) }"
RESET = """mutation Reset($token: String!, $password: String!, $confirm: String!) {
  resetPassword(token: $token, password: $password, passwordConfirm: $confirm)
}"""


def relay_and_read_the_token(client) -> str:
    """What the relay and the user do between the two mutations: dispatch, open the mail."""
    client.kit.dispatcher.dispatch_pending()
    [token] = [t for m in client.kit.mails() if (t := token_from_link(m.body))]
    return token


def reset(client, token: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    variables = {"token": token, "password": password, "confirm": confirm or password}
    return client.execute(RESET, variables)


def test_a_reset_through_graphql_lets_the_new_password_in_and_keeps_the_old_one_out(client):
    signup(client, "ada", "ada@example.org")
    assert client.execute(REQUEST, {"email": "Ada@Example.org"}) == {
        "data": {"requestPasswordReset": True}
    }
    token = relay_and_read_the_token(client)
    assert reset(client, token) == {"data": {"resetPassword": True}}
    assert token_of(login(client, password=NEW_PASSWORD))
    assert only_error(login(client))["extensions"] == {"code": "UNAUTHENTICATED"}


def test_a_used_token_is_bad_user_input_on_the_token_field(client):
    signup(client, "ada", "ada@example.org")
    client.execute(REQUEST, {"email": "ada@example.org"})
    token = relay_and_read_the_token(client)
    reset(client, token)
    result = reset(client, token, "yet another passphrase for ada")
    assert result["data"] is None
    error = only_error(result)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "token"}
    assert error["path"] == ["resetPassword"] and token not in error["message"]


def test_a_refused_new_password_names_its_field(client):
    signup(client, "ada", "ada@example.org")
    client.execute(REQUEST, {"email": "ada@example.org"})
    token = relay_and_read_the_token(client)
    short = only_error(reset(client, token, "too short"))
    unconfirmed = only_error(reset(client, token, NEW_PASSWORD, "not the same passphrase"))
    assert short["extensions"] == {"code": "BAD_USER_INPUT", "field": "password"}
    assert unconfirmed["extensions"] == {"code": "BAD_USER_INPUT", "field": "passwordConfirm"}


def test_an_email_without_an_account_gets_the_very_same_answer_and_no_mail(client):
    signup(client, "ada", "ada@example.org")
    mails_before = len(client.kit.mails())
    known = client.execute(REQUEST, {"email": "ada@example.org"})
    unknown = client.execute(REQUEST, {"email": "nobody@example.org"})
    assert known == unknown == {"data": {"requestPasswordReset": True}}
    client.kit.dispatcher.dispatch_pending()
    assert [m.recipient for m in client.kit.mails()[mails_before:]] == ["ada@example.org"]


def test_two_reset_fields_in_one_document_are_rejected_before_anything_runs(client):
    signup(client, "ada", "ada@example.org")
    events_before, hashes_before = len(client.kit.events()), client.kit.hasher.calls
    requests = client.execute(
        """mutation { a: requestPasswordReset(email: "ada@example.org")
                      b: requestPasswordReset(email: "ada@example.org") }"""
    )
    resets = client.execute(
        f"""mutation {{
          a: resetPassword(token: "x", password: "{PASSWORD}", passwordConfirm: "{PASSWORD}")
          b: resetPassword(token: "y", password: "{PASSWORD}", passwordConfirm: "{PASSWORD}")
        }}"""
    )
    assert "At most one 'requestPasswordReset' field" in only_error(requests)["message"]
    assert "At most one 'resetPassword' field" in only_error(resets)["message"]
    assert len(client.kit.events()) == events_before
    assert client.kit.hasher.calls == hashes_before


def test_no_reset_token_or_new_password_reaches_the_logs_either_way_in(client, caplog):
    caplog.set_level(logging.DEBUG)
    signup(client, "ada", "ada@example.org")
    client.execute(REQUEST, {"email": "ada@example.org"})
    token = relay_and_read_the_token(client)
    literal = f'mutation {{ resetPassword(token: "{token}", password: "x", passwordConfirm: "x") }}'
    assert only_error(client.execute(literal))["extensions"]["field"] == "password"
    reset(client, token)
    reset(client, token)  # used: refused
    logged = "\n".join(
        logging.Formatter().format(record)
        for record in caplog.records
        if not record.name.startswith(("httpx", "httpcore"))  # the test's own client
    )
    assert "BAD_USER_INPUT at resetPassword" in logged  # the refusals did reach the log
    assert token not in logged and NEW_PASSWORD not in logged
