"""The lockout on every backend, raced by real threads: hashes are counted, never timed."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from cqrs_auth import bootstrap
from cqrs_auth.adapters import db
from cqrs_auth.adapters.clock import from_db, utcnow
from cqrs_auth.adapters.tables import login_failures
from cqrs_auth.domain.errors import InvalidCredentials, TooManyAttempts

from .helpers import PASSWORD, WRONG_PASSWORD, event_types, log_in, sign_up

EMAIL = "ada@example.org"


class GatedHasher:
    """Wraps an app's real hasher: records which password each verification was for, and holds
    the verifications `hold` selects until `release()`."""

    def __init__(self, app, hold: Callable[[str], bool]) -> None:
        self.real = app.hasher.verify_and_update
        self.hold, self.gate = hold, threading.Event()
        self.entered: list[str] = []
        self.lock = threading.Lock()
        app.hasher.verify_and_update = self.verify_and_update

    def verify_and_update(self, password: str, stored_hash: str | None) -> Any:
        with self.lock:
            self.entered.append(password)
        if self.hold(password):
            assert self.gate.wait(timeout=60), "the test never released the hasher"
        return self.real(password, stored_hash)

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while len(self.entered) < count:
            assert time.monotonic() < deadline, f"only {len(self.entered)} verifications began"
            time.sleep(0.005)

    def release(self) -> None:
        self.gate.set()


class Login(threading.Thread):
    """One login in a thread; `outcome` is its result or its error."""

    def __init__(self, app, password: str, barrier: threading.Barrier | None) -> None:
        super().__init__()
        self.app, self.password, self.barrier = app, password, barrier
        self.outcome: object = None

    def run(self) -> None:
        if self.barrier:
            self.barrier.wait(timeout=30)
        try:
            self.outcome = log_in(self.app, EMAIL, self.password)
        except (InvalidCredentials, TooManyAttempts) as error:
            self.outcome = error


def in_threads(app, passwords: list[str], *, start_together: bool = True) -> list[Login]:
    barrier = threading.Barrier(len(passwords)) if start_together else None
    threads = [Login(app, password, barrier) for password in passwords]
    for thread in threads:
        thread.start()
    return threads


def outcomes(threads: list[Login]) -> list[str]:
    for thread in threads:
        thread.join(timeout=60)
    return sorted(type(thread.outcome).__name__ for thread in threads)


def lock_of(app):
    with app.engine.connect() as connection:
        row = connection.execute(select(login_failures.c.lockedUntil)).one()
    return from_db(row.lockedUntil) if row.lockedUntil else None


def failure_numbers(app) -> list[int]:
    return sorted(e.payload["failures"] for e in app.events() if e.type == "UserLoginFailedEvent")


@pytest.mark.parametrize("known_email", [True, False], ids=["account", "no account"])
def test_fifty_concurrent_wrong_logins_run_exactly_login_max_failures_hashes(make_app, known_email):
    app = make_app(LOGIN_MAX_FAILURES=5, HASH_CONCURRENCY=4)
    if known_email:
        sign_up(app)
    calls = app.hasher.calls
    threads = in_threads(app, [WRONG_PASSWORD] * 50)
    assert outcomes(threads) == ["InvalidCredentials"] * 5 + ["TooManyAttempts"] * 45
    assert app.hasher.calls - calls == 5
    assert failure_numbers(app) == [1, 2, 3, 4, 5]
    assert event_types(app).count("AccountLockedEvent") == 1


def test_with_the_limit_admitted_and_still_hashing_the_right_password_is_refused_unhashed(make_app):
    app = make_app(LOGIN_MAX_FAILURES=5)
    sign_up(app)
    hasher = GatedHasher(app, hold=lambda password: password == WRONG_PASSWORD)
    held = in_threads(app, [WRONG_PASSWORD] * 5)
    hasher.wait_for(5)
    with pytest.raises(TooManyAttempts) as caught:
        log_in(app)
    assert caught.value.retry_after == app.settings.LOGIN_LOCK_SECONDS
    assert len(hasher.entered) == 5  # the right password was never hashed
    hasher.release()
    assert outcomes(held) == ["InvalidCredentials"] * 5
    assert lock_of(app) > utcnow()
    with pytest.raises(TooManyAttempts):
        log_in(app)
    assert hasher.entered == [WRONG_PASSWORD] * 5 and lock_of(app) > utcnow()


def test_a_success_admitted_before_the_lock_does_not_lift_the_lock_written_after_it(make_app):
    app = make_app(LOGIN_MAX_FAILURES=5)
    sign_up(app)
    hasher = GatedHasher(app, hold=lambda password: password == PASSWORD)
    [right] = in_threads(app, [PASSWORD], start_together=False)
    hasher.wait_for(1)
    wrong = in_threads(app, [WRONG_PASSWORD] * 5)
    assert outcomes(wrong) == ["InvalidCredentials"] * 4 + ["TooManyAttempts"]
    assert event_types(app).count("AccountLockedEvent") == 1
    hasher.release()
    assert outcomes([right]) == ["LoginResult"]
    assert lock_of(app) > utcnow()
    with pytest.raises(TooManyAttempts):
        log_in(app)


def test_wrong_guesses_racing_the_right_one_never_let_it_in_once_the_limit_is_reached(make_app):
    app = make_app(LOGIN_MAX_FAILURES=5, HASH_CONCURRENCY=2)
    sign_up(app)
    hasher = GatedHasher(app, hold=lambda _password: False)
    rounds = 12
    for _ in range(rounds):
        with app.unit_of_work() as uow:
            uow.login_failures.clear(EMAIL)
            uow.commit()
        first = in_threads(app, [WRONG_PASSWORD] * 5)
        wait_for_attempts(app, 5)  # all five reserved; their hashes and the lock are racing on
        time.sleep(random.uniform(0, 0.03))
        late = in_threads(app, [PASSWORD] + [WRONG_PASSWORD] * 3)
        assert outcomes(first) == ["InvalidCredentials"] * 5
        assert outcomes(late) == ["TooManyAttempts"] * 4
        assert lock_of(app) > utcnow()
    assert PASSWORD not in hasher.entered and len(hasher.entered) == 5 * rounds
    assert event_types(app).count("AccountLockedEvent") == rounds
    assert "UserLoggedInEvent" not in event_types(app)


def wait_for_attempts(app, count: int) -> None:
    deadline = time.monotonic() + 30
    query = select(login_failures.c.attempts).where(login_failures.c.emailNormalised == EMAIL)
    while True:
        with app.engine.connect() as connection:
            if connection.scalar(query) == count:
                return
        assert time.monotonic() < deadline
        time.sleep(0.002)


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
        assert connection.scalar(select(login_failures.c.attempts)) == 0
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            log_in(app, EMAIL, WRONG_PASSWORD)
    assert "AccountLockedEvent" not in event_types(app)


def test_with_the_lane_full_a_locked_email_is_refused_at_once_while_a_write_holds_sqlite(
    tmp_path, monkeypatch
):
    """With the hash lane full, a login is answered from one read through the app's units of work
    that only read: on SQLite they take no write lock, so a storm of logins for a locked email is
    refused at once while a long write holds the database, and queues behind no writer."""
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 1)  # how long a queued writer would wait
    app = bootstrap(f"sqlite:///{tmp_path / 'kit.db'}", LOGIN_MAX_FAILURES=2)
    try:
        sign_up(app)
        for _ in range(2):
            with pytest.raises(InvalidCredentials):
                log_in(app, password=WRONG_PASSWORD)
        app.hasher.full = lambda: True  # type: ignore[method-assign]
        with app.engine.begin() as writer:  # BEGIN IMMEDIATE: holds SQLite's write lock
            writer.execute(update(login_failures).values(attempts=login_failures.c.attempts))
            with pytest.raises(TooManyAttempts):
                log_in(app)
    finally:
        app.close()
