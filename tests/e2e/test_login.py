import jwt

from .helpers import ME, PASSWORD, login, only_error, signup, token_of


def test_login_returns_a_bearer_token_for_the_user_that_lives_expires_in_seconds(client):
    signup(client, "ada", "ada@example.org")
    result = login(client, "Ada@Example.org")
    payload = result["data"]["login"]
    assert payload["user"] == "ada@example.org"
    token = token_of(result)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, client.kit.settings.JWT_SECRET, algorithms=["HS256"])
    assert payload["expiresIn"] == str(claims["exp"] - claims["iat"])
    assert int(payload["expiresIn"]) == client.kit.settings.JWT_EXPIRES_IN
    me = client.execute(ME, token=token)["data"]["me"]
    assert claims["sub"] == me["userId"]


def test_a_wrong_password_and_an_unknown_email_get_the_same_unauthenticated_error(client):
    signup(client, "ada", "ada@example.org")
    wrong_password = only_error(login(client, "ada@example.org", PASSWORD + "?"))
    unknown_email = only_error(login(client, "nobody@example.org", PASSWORD))
    for error in (wrong_password, unknown_email):
        assert error["extensions"] == {"code": "UNAUTHENTICATED"}
        assert error["path"] == ["login"]
    assert wrong_password["message"] == unknown_email["message"] == "Invalid email or password."


def test_an_email_is_locked_after_too_many_failures_and_the_error_says_when_to_retry(make_client):
    client = make_client(LOGIN_MAX_FAILURES=2, LOGIN_LOCK_SECONDS=600)
    signup(client, "ada", "ada@example.org")
    for _ in range(2):
        assert only_error(login(client, password="wrong " + PASSWORD))["extensions"]["code"] == (
            "UNAUTHENTICATED"
        )
    hashes_before = client.kit.hasher.calls
    error = only_error(login(client))  # the right password, but the email is locked
    assert error["extensions"]["code"] == "TOO_MANY_ATTEMPTS"
    assert 0 < error["extensions"]["retryAfter"] <= 600
    assert client.kit.hasher.calls == hashes_before  # no hash while locked


def test_an_invalid_email_as_login_name_is_a_request_error(client):
    result = login(client, "ada.example.org")
    assert "data" not in result
    assert only_error(result)["extensions"]["code"] == "BAD_USER_INPUT"
