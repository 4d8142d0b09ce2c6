"""`LoginFailures.peek` (what a login finding the hash lane full is answered from) refuses exactly
as `reserve` does in every state of an email's row, to the microsecond, on every backend, and
counts nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cqrs_auth.adapters.login_failures import LoginFailures

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=900)
MICRO = timedelta(microseconds=1)
LIMIT = 3
EMAIL = "ada@example.org"


def run(app, method: str, now: datetime, **options):
    with app.engine.begin() as connection:
        lockout = LoginFailures(connection)
        if method == "lock":
            return lockout.lock(EMAIL, now + WINDOW, now)
        return getattr(lockout, method)(
            EMAIL, now=now, window_cutoff=now - WINDOW, max_attempts=LIMIT
        )


STATES = {  # how many attempts first, whether to lock, and when to ask
    "no row": (0, False, T0),
    "room in the window": (LIMIT - 1, False, T0),
    "out of attempts": (LIMIT, False, T0 + timedelta(seconds=1)),
    "the window's last microsecond": (LIMIT, False, T0 + WINDOW - MICRO),
    "window ended": (LIMIT, False, T0 + WINDOW),
    "locked": (LIMIT, True, T0 + timedelta(seconds=1)),
    "the lock's last microsecond": (LIMIT, True, T0 + WINDOW - MICRO),
    "lock ended": (LIMIT, True, T0 + WINDOW),
}


@pytest.mark.parametrize("state", STATES)
def test_peek_answers_the_refusal_reserve_would_and_counts_nothing(app, state):
    attempts, lock, asked_at = STATES[state]
    for _ in range(attempts):
        run(app, "reserve", T0)
    if lock:
        run(app, "lock", T0)
    peeked = run(app, "peek", asked_at)
    assert run(app, "peek", asked_at) == peeked  # a look changes nothing
    reserved = run(app, "reserve", asked_at)
    assert peeked == (None if reserved.admitted else reserved)
