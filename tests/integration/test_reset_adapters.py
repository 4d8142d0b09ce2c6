"""The password reset adapters on every backend, with the time passed in: the request counter's
window and a token's expiry at their exact edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cqrs_auth.adapters.reset_requests import ResetRequests
from cqrs_auth.adapters.reset_tokens import ResetTokens
from cqrs_auth.auth.reset_tokens import hash_reset_token

from .helpers import sign_up

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=3600)
TTL = timedelta(seconds=1800)
TICK = timedelta(microseconds=1)
ADA, BOB = "ada@example.org", "bob@example.org"
TOKEN_HASH = hash_reset_token("a token for these tests")


def requests(app, email: str, now: datetime) -> int:
    with app.engine.begin() as connection:
        return ResetRequests(connection).count(email, now, now - WINDOW)


def tokens(app, method: str, *args):
    with app.engine.begin() as connection:
        return getattr(ResetTokens(connection), method)(*args)


def test_requests_are_counted_per_email_within_their_window(app):
    assert [requests(app, ADA, T0 + timedelta(seconds=s)) for s in (0, 10, 20)] == [1, 2, 3]
    assert requests(app, BOB, T0 + timedelta(seconds=30)) == 1


def test_the_request_window_ends_exactly_window_seconds_after_it_started(app):
    requests(app, ADA, T0)
    assert requests(app, ADA, T0 + WINDOW - TICK) == 2
    assert requests(app, ADA, T0 + WINDOW) == 1  # a new window, from this request
    assert requests(app, ADA, T0 + 2 * WINDOW - TICK) == 2


def test_a_token_works_until_the_microsecond_before_it_expires_and_only_once(app):
    user = sign_up(app)
    tokens(app, "replace", user.user_id, TOKEN_HASH, T0, T0 + TTL)
    assert tokens(app, "user_of", TOKEN_HASH, T0 + TTL - TICK) == user.user_id
    assert tokens(app, "user_of", TOKEN_HASH, T0 + TTL) is None
    assert tokens(app, "use", TOKEN_HASH, T0 + TTL) is False
    assert tokens(app, "use", TOKEN_HASH, T0 + TTL - TICK) is True
    assert tokens(app, "use", TOKEN_HASH, T0) is False
    assert tokens(app, "user_of", TOKEN_HASH, T0) is None
