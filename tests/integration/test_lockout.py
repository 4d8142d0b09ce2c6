"""The lockout on every backend, with logins failing concurrently for one email."""

from __future__ import annotations

import threading

import pytest

from cqrs_auth.adapters.tables import login_failures
from cqrs_auth.domain.errors import InvalidCredentials, TooManyAttempts

from .helpers import PASSWORD, WRONG_PASSWORD, event_types, log_in, sign_up

EMAIL = "ada@example.org"


def fail_concurrently(app, attempts: int, *, together: bool) -> list[Exception]:
    """`attempts` wrong-password logins in threads; with `together`, all threads finish their
    hash and then record their failure at the same moment."""
    if together:
        barrier = threading.Barrier(attempts, timeout=60)
        real_verify = app.hasher.verify_and_update

        def verify_then_wait(password, stored_hash):
            outcome = real_verify(password, stored_hash)
            barrier.wait()
            return outcome

        app.hasher.verify_and_update = verify_then_wait
    errors: list[Exception] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            log_in(app, EMAIL, WRONG_PASSWORD)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if together:
        app.hasher.verify_and_update = real_verify
    return errors


def failure_count(app) -> int:
    with app.engine.connect() as connection:
        return connection.execute(login_failures.select()).one().failures


def failed_event_counts(app) -> list[int]:
    return sorted(e.payload["failures"] for e in app.events() if e.type == "UserLoginFailedEvent")


@pytest.mark.parametrize("known_email", [True, False], ids=["account", "no account"])
def test_concurrent_failures_are_counted_exactly(make_app, known_email):
    app = make_app(LOGIN_MAX_FAILURES=100, HASH_CONCURRENCY=4)
    if known_email:
        sign_up(app)
    errors = fail_concurrently(app, 12, together=True)
    assert [type(e) for e in errors] == [InvalidCredentials] * 12
    assert failure_count(app) == 12
    assert failed_event_counts(app) == list(range(1, 13))


def test_concurrent_failures_engage_the_lock_and_later_attempts_run_no_hash(make_app):
    app = make_app(LOGIN_MAX_FAILURES=5, HASH_CONCURRENCY=2)
    sign_up(app)
    errors = fail_concurrently(app, 12, together=False)
    kinds = {type(e) for e in errors}
    assert len(errors) == 12 and kinds <= {InvalidCredentials, TooManyAttempts}
    failures = sum(isinstance(e, InvalidCredentials) for e in errors)
    assert failures >= 5
    assert len(failed_event_counts(app)) == failures
    assert event_types(app).count("AccountLockedEvent") >= 1

    calls = app.hasher.calls
    for password in (WRONG_PASSWORD, PASSWORD):
        with pytest.raises(TooManyAttempts) as caught:
            log_in(app, EMAIL, password)
        assert 0 < caught.value.retry_after <= 900
    assert app.hasher.calls == calls


def test_a_locked_email_stays_locked_for_a_new_app_on_the_same_database(make_app):
    first = make_app(LOGIN_MAX_FAILURES=3)
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            log_in(first, EMAIL, WRONG_PASSWORD)
    second = make_app(LOGIN_MAX_FAILURES=3)
    with pytest.raises(TooManyAttempts):
        log_in(second, EMAIL, WRONG_PASSWORD)
    assert second.hasher.calls == 0


def test_a_successful_login_resets_the_count_in_the_database(make_app):
    app = make_app(LOGIN_MAX_FAILURES=3)
    sign_up(app)
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            log_in(app, EMAIL, WRONG_PASSWORD)
    log_in(app)
    with app.engine.connect() as connection:
        assert connection.execute(login_failures.select()).all() == []
    with pytest.raises(InvalidCredentials):
        log_in(app, EMAIL, WRONG_PASSWORD)
    assert "AccountLockedEvent" not in event_types(app)
