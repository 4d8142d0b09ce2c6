import base64
import json
import time

import jwt
import pytest

from .helpers import ME, login, only_error, signup, token_of


@pytest.fixture
def ada(client):
    signup(client, "ada", "ada@example.org")
    return token_of(login(client))


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "00000000-0000-4000-8000-000000000000"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _expired(token: str, secret: str) -> str:
    now = int(time.time())
    return jwt.encode(_claims(token) | {"iat": now - 7200, "exp": now - 3600}, secret, "HS256")


BAD_TOKENS = {
    "tampered": lambda token, _: _tampered(token),
    "alg none": lambda token, _: jwt.encode(_claims(token), key=None, algorithm="none"),
    "wrongly signed": lambda token, _: jwt.encode(
        _claims(token), "another-secret-of-at-least-32-bytes!!", algorithm="HS256"
    ),
    "expired": _expired,
    "garbage": lambda token, _: "not-a-jwt",
}


def test_me_with_a_good_token_is_the_user_with_a_hyphenated_uuid(client, ada):
    me = client.execute(ME, token=ada)["data"]["me"]
    assert me["username"] == "ada" and me["email"] == "ada@example.org"
    assert len(me["userId"]) == 36 and me["userId"].count("-") == 4


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_me_with_a_bad_token_is_unauthenticated(client, ada, kind):
    result = client.execute(ME, token=BAD_TOKENS[kind](ada, client.kit.settings.JWT_SECRET))
    assert result["data"] == {"me": None}
    error = only_error(result)
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["path"] == ["me"]


def test_me_without_a_token_is_unauthenticated(client):
    result = client.execute(ME)
    assert result["data"] == {"me": None}
    assert only_error(result)["extensions"] == {"code": "UNAUTHENTICATED"}
