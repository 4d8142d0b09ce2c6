"""JWTs: HS256 with a pinned algorithm list and required claims; the JWT_SECRET rules."""

from __future__ import annotations

import logging
import time
import uuid

import jwt
import pytest
from pydantic import ValidationError as SettingsError

from cqrs_auth.auth import tokens as tokens_module
from cqrs_auth.auth.tokens import TokenService
from cqrs_auth.domain.errors import NotAuthenticated
from cqrs_auth.settings import DEV_JWT_SECRET, Settings

SECRET = "unit-test-secret-that-is-at-least-32-bytes"
USER_ID = str(uuid.uuid4())


def tokens() -> TokenService:
    return TokenService(SECRET, 3600)


def test_an_issued_token_is_hs256_with_sub_iat_and_exp_and_verifies_to_the_user_id():
    token = tokens().issue(USER_ID)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["sub"] == USER_ID and claims["exp"] - claims["iat"] == 3600
    assert tokens().verify(token) == USER_ID


def forged(claims: dict, key: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def now() -> int:
    return int(time.time())


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(
            jwt.encode({"sub": USER_ID, "iat": 1, "exp": 2**31}, None, algorithm="none"),
            id="alg none",
        ),
        pytest.param(
            forged(
                {"sub": USER_ID, "iat": 1, "exp": 2**31}, key="another-secret-also-32-bytes-long!!"
            ),
            id="wrong key",
        ),
        pytest.param(forged({"sub": USER_ID, "iat": 1, "exp": 1000}), id="expired"),
        pytest.param(forged({"sub": USER_ID, "iat": 1}), id="no exp"),
        pytest.param(forged({"sub": USER_ID, "exp": 2**31}), id="no iat"),
        pytest.param(forged({"iat": 1, "exp": 2**31}), id="no sub"),
        pytest.param(
            forged({"sub": USER_ID, "iat": 1, "exp": 2**31}, key=SECRET * 2, algorithm="HS512"),
            id="other algorithm",
        ),
        pytest.param("not.a.token", id="garbage"),
    ],
)
def test_a_token_that_is_not_a_valid_hs256_token_with_all_claims_is_refused(token):
    with pytest.raises(NotAuthenticated) as caught:
        tokens().verify(token)
    assert caught.value.extensions["code"] == "UNAUTHENTICATED"


def test_a_token_tampered_with_after_signing_is_refused():
    header, payload, signature = tokens().issue(USER_ID).split(".")
    other = tokens().issue(str(uuid.uuid4())).split(".")[1]
    with pytest.raises(NotAuthenticated):
        tokens().verify(f"{header}.{other}.{signature}")


def test_a_jwt_secret_shorter_than_32_bytes_is_refused():
    with pytest.raises(SettingsError, match="at least 32 bytes"):
        Settings(JWT_SECRET="x" * 31)
    assert Settings(JWT_SECRET="x" * 32).JWT_SECRET == "x" * 32


def test_the_short_secret_does_not_appear_in_the_settings_error():
    with pytest.raises(SettingsError) as caught:
        Settings(JWT_SECRET="a-short-secret-value")
    assert "a-short-secret-value" not in str(caught.value)


def test_no_jwt_secret_in_development_uses_the_dev_default_with_a_loud_warning(caplog, monkeypatch):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with caplog.at_level(logging.WARNING, logger="cqrs_auth.settings"):
        settings = Settings(JWT_SECRET="", ENVIRONMENT="development")
    assert settings.JWT_SECRET == DEV_JWT_SECRET
    assert any(
        r.levelno == logging.WARNING and "DEVELOPMENT" in r.getMessage() for r in caplog.records
    )


def test_no_jwt_secret_in_production_is_refused(monkeypatch):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(SettingsError, match="JWT_SECRET must be set in production"):
        Settings(JWT_SECRET="", ENVIRONMENT="production")


def test_the_secret_is_not_shown_in_the_settings_repr():
    assert SECRET not in repr(Settings(JWT_SECRET=SECRET))


def test_a_token_verified_before_is_refused_once_it_has_expired(monkeypatch):
    tokens = TokenService(SECRET, expires_in=60)
    token = tokens.issue("user-1")
    assert tokens.verify(token) == "user-1"  # remembered from here on
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(NotAuthenticated):
        tokens.verify(token)


def test_a_refused_token_is_refused_again_and_a_good_one_is_decoded_once(monkeypatch):
    tokens = TokenService(SECRET, expires_in=60)
    token = tokens.issue("user-1")
    decoded = []
    real_decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: decoded.append(1) or real_decode(*a, **k))
    for _ in range(3):
        assert tokens.verify(token) == "user-1"
        with pytest.raises(NotAuthenticated):
            tokens.verify(token + "x")
    assert len(decoded) == 1 + 3  # the good token once, the bad one every time


def test_only_the_last_verified_tokens_are_remembered_so_the_memory_stays_bounded(monkeypatch):
    monkeypatch.setattr(tokens_module, "VERIFIED_TOKENS", 8)
    tokens = TokenService(SECRET, expires_in=60)
    issued = [tokens.issue(f"user-{n}") for n in range(9)]
    decoded = []
    real_decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: decoded.append(1) or real_decode(*a, **k))
    for token in issued[1:]:
        tokens.verify(token)
    assert tokens.verify(issued[-1]) == "user-8" and len(decoded) == 8  # remembered
    assert tokens.verify(issued[1]) == "user-1" and len(decoded) == 8
    tokens.verify(issued[0])  # a ninth: the least recently used one is forgotten
    assert tokens.verify(issued[2]) == "user-2" and len(decoded) == 10


def test_each_token_names_a_session_of_its_own_and_the_version_it_was_issued_under():
    service = tokens()
    first, second = service.issue(USER_ID, 7), service.issue(USER_ID, 7)
    one, two = service.claims(first), service.claims(second)
    assert (one.user_id, one.version) == (USER_ID, 7) and len(one.session_id) == 32
    assert one.session_id != two.session_id
    raw = jwt.decode(first, SECRET, algorithms=["HS256"])
    assert raw["jti"] == one.session_id and raw["sv"] == 7 and one.expires_at == raw["exp"]
    assert service.claims(service.issue(USER_ID)).version == 0


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"sub": USER_ID, "iat": 1, "exp": 2**31, "sv": 0}, id="no jti"),
        pytest.param({"sub": USER_ID, "iat": 1, "exp": 2**31, "jti": "a"}, id="no sv"),
        pytest.param({"sub": USER_ID, "iat": 1, "exp": 2**31, "jti": "a", "sv": "x"}, id="sv text"),
        pytest.param({"sub": USER_ID, "iat": 1, "exp": 2**31, "jti": "a", "sv": [1]}, id="sv list"),
    ],
)
def test_a_token_without_a_session_or_a_version_is_refused(claims):
    with pytest.raises(NotAuthenticated):
        tokens().claims(forged(claims))


def test_claims_refuse_a_remembered_token_once_it_has_expired(monkeypatch):
    service = TokenService(SECRET, expires_in=60)
    token = service.issue("user-1")
    assert service.claims(token).user_id == "user-1"
    exp = service.claims(token).expires_at
    monkeypatch.setattr(time, "time", lambda: exp)
    with pytest.raises(NotAuthenticated):
        service.claims(token)
    monkeypatch.setattr(time, "time", lambda: exp - 0.001)
    assert service.claims(token).user_id == "user-1"


def test_the_reset_window_may_not_outlast_the_reset_link():
    with pytest.raises(SettingsError, match="at least PASSWORD_RESET_WINDOW_SECONDS"):
        Settings(JWT_SECRET=SECRET, PASSWORD_RESET_TTL_SECONDS=1799)
    same = Settings(
        JWT_SECRET=SECRET, PASSWORD_RESET_TTL_SECONDS=600, PASSWORD_RESET_WINDOW_SECONDS=600
    )
    assert same.PASSWORD_RESET_TTL_SECONDS == same.PASSWORD_RESET_WINDOW_SECONDS == 600
    assert Settings(JWT_SECRET=SECRET).PASSWORD_RESET_WINDOW_SECONDS == 1800
