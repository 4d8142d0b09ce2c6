"""Sessions you can end (issue 18), in-process and over HTTP, on every database: logout,
changePassword and resetPassword each end the sessions they should (the old token is
UNAUTHENTICATED, the new one works), and a wrong current password counts toward the lockout."""

from __future__ import annotations

from .helpers import ME, PASSWORD, login, only_error, signup, token_of
from .test_password_reset import REQUEST, relay_and_read_the_token, reset

NEW_PASSWORD = "a brand new passphrase for ada"
LOGOUT = "mutation Logout { logout }"
CHANGE = """mutation Change($current: String!, $password: String!, $confirm: String!) {
  changePassword(currentPassword: $current, password: $password, passwordConfirm: $confirm) {
    Authorization user expiresIn
  }
}"""


def change(client, token: str, current: str = PASSWORD, password: str = NEW_PASSWORD):
    variables = {"current": current, "password": password, "confirm": password}
    return client.execute(CHANGE, variables, token=token)


def unauthenticated(client, token: str) -> bool:
    result = client.execute(ME, token=token)
    error = only_error(result)
    return result["data"] == {"me": None} and error["extensions"] == {"code": "UNAUTHENTICATED"}


def works(client, token: str) -> bool:
    return client.execute(ME, token=token)["data"]["me"]["username"] == "ada"


def test_logout_refuses_its_token_from_then_on_and_leaves_the_others(client):
    signup(client)
    mine, other = token_of(login(client)), token_of(login(client))
    assert works(client, mine)
    assert client.execute(LOGOUT, token=mine) == {"data": {"logout": True}}
    assert unauthenticated(client, mine) and works(client, other)
    again = client.execute(LOGOUT, token=mine)
    assert only_error(again)["extensions"] == {"code": "UNAUTHENTICATED"}


def test_logout_without_a_token_is_unauthenticated(client):
    result = client.execute(LOGOUT)
    assert result["data"] is None
    assert only_error(result)["extensions"] == {"code": "UNAUTHENTICATED"}


def test_change_password_refuses_every_earlier_token_and_answers_one_that_works(client):
    signup(client)
    first, second = token_of(login(client)), token_of(login(client))
    payload = change(client, first)["data"]["changePassword"]
    assert payload["user"] == "ada@example.org"
    assert payload["expiresIn"] == str(client.kit.settings.JWT_EXPIRES_IN)
    fresh = payload["Authorization"].removeprefix("Bearer ")
    assert unauthenticated(client, first) and unauthenticated(client, second)
    assert works(client, fresh)
    assert token_of(login(client, password=NEW_PASSWORD))
    assert only_error(login(client))["extensions"] == {"code": "UNAUTHENTICATED"}


def test_a_wrong_current_password_counts_toward_the_login_lockout(make_client):
    client = make_client(LOGIN_MAX_FAILURES=2)
    signup(client)
    token = token_of(login(client))
    wrong = only_error(change(client, token, current="definitely not the password"))
    assert wrong["extensions"] == {"code": "BAD_USER_INPUT", "field": "currentPassword"}
    assert only_error(login(client, password="still not the password"))["extensions"] == {
        "code": "UNAUTHENTICATED"
    }
    client.kit.dispatcher.dispatch_pending()  # the lockout saga (a server's relay would)
    locked = only_error(change(client, token))
    assert locked["extensions"]["code"] == "TOO_MANY_ATTEMPTS"
    assert works(client, token)  # nothing changed: the session is still open


def test_reset_password_refuses_every_token_issued_before_it(client):
    signup(client)
    token = token_of(login(client))
    client.execute(REQUEST, {"email": "ada@example.org"})
    assert reset(client, relay_and_read_the_token(client)) == {"data": {"resetPassword": True}}
    assert unauthenticated(client, token)
    assert works(client, token_of(login(client, password=NEW_PASSWORD)))


def test_two_change_password_fields_in_one_document_are_refused_before_any_hash(client):
    signup(client)
    token = token_of(login(client))
    arguments = f'password: "{NEW_PASSWORD}", passwordConfirm: "{NEW_PASSWORD}"'
    calls = client.kit.hasher.calls
    result = client.execute(
        f"""mutation {{
          a: changePassword(currentPassword: "guess one", {arguments}) {{ user }}
          b: changePassword(currentPassword: "guess two", {arguments}) {{ user }}
        }}""",
        token=token,
    )
    error = only_error(result)
    assert "At most one 'changePassword' field" in error["message"]
    assert error["extensions"] == {"code": "ONCE_PER_REQUEST"}
    assert client.kit.hasher.calls == calls and works(client, token)
