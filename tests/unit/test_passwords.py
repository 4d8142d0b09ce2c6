"""The real PasswordHasher: argon2id at or above the OWASP minimum, upgrades of old hashes."""

from __future__ import annotations

import ctypes
import platform
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from held_hashes import hold_hashes, wait_until  # tests/held_hashes.py
from passlib.hash import argon2, bcrypt

from cqrs_auth.auth.passwords import PasswordHasher, one_malloc_arena_per_thread
from cqrs_auth.domain.errors import ServerBusy

PASSWORD = "correct horse battery staple"


def at_once(call: Callable[..., object], *args: object) -> object:
    """What `call` returned or raised, run in a thread that must be done within 5 seconds (a
    call that waits for the lane instead of answering would hold the test until it is freed)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call(*args))
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=5)
    assert outcome, "it waited instead of answering at once"
    return outcome[0]


def owasp_minimum() -> PasswordHasher:
    return PasswordHasher(memory_kib=19456, time_cost=2, concurrency=2, queue_size=4)


def test_a_hash_is_argon2id_with_the_configured_parameters_and_never_the_password():
    hashed = owasp_minimum().hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in hashed


def test_the_right_password_verifies_without_an_upgrade_and_a_wrong_one_fails():
    hasher = owasp_minimum()
    hashed = hasher.hash(PASSWORD)
    assert hasher.verify_and_update(PASSWORD, hashed) == (True, None)
    assert hasher.verify_and_update("another password!", hashed) == (False, None)


def test_a_hash_with_older_argon2_parameters_is_upgraded_on_a_successful_verification():
    old = argon2.using(type="ID", memory_cost=8192, rounds=2, parallelism=1).hash(PASSWORD)
    ok, new_hash = owasp_minimum().verify_and_update(PASSWORD, old)
    assert ok and new_hash is not None
    assert new_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_legacy_bcrypt_hash_verifies_and_is_upgraded_to_argon2id():
    legacy = bcrypt.using(rounds=10).hash(PASSWORD)
    hasher = owasp_minimum()
    ok, new_hash = hasher.verify_and_update(PASSWORD, legacy)
    assert ok and new_hash is not None and new_hash.startswith("$argon2id$")
    assert hasher.verify_and_update(PASSWORD, new_hash) == (True, None)


def test_a_wrong_password_against_an_old_hash_gives_no_upgrade():
    legacy = bcrypt.using(rounds=10).hash(PASSWORD)
    assert owasp_minimum().verify_and_update("wrong password here", legacy) == (False, None)


def test_no_stored_hash_still_runs_one_counted_verification_and_fails():
    hasher = owasp_minimum()
    assert hasher.verify_and_update(PASSWORD, None) == (False, None)
    assert (hasher.calls, hasher.pending) == (1, 0)


def test_the_hasher_is_configured_without_a_warning_from_passlib():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a misspelt scheme or option only warns
        assert owasp_minimum().context.schemes() == ("argon2", "bcrypt")


def test_no_more_hashes_run_at_once_than_the_concurrency_bound():
    hasher = PasswordHasher(memory_kib=19456, time_cost=2, concurrency=2, queue_size=4)
    running, most, started = 0, 0, 0
    lock = threading.Lock()
    real_hash = hasher.context.hash

    def observed_hash(secret: str) -> str:
        nonlocal running, most, started
        with lock:
            started += 1
            running += 1
            most = max(most, running)
        try:
            return real_hash(secret)
        finally:
            with lock:
                running -= 1

    hasher.context.hash = observed_hash  # type: ignore[method-assign]
    threads = [threading.Thread(target=hasher.hash, args=(PASSWORD,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert started == 6
    assert 1 <= most <= 2
    assert hasher.concurrency == 2  # the bound it keeps is the one it tells (a pause reads it)


def test_a_full_hash_lane_refuses_at_once_running_nothing_and_the_held_hashes_finish():
    hasher = PasswordHasher(memory_kib=19456, time_cost=2, concurrency=1, queue_size=1)
    held = hold_hashes(hasher)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(hasher.hash(PASSWORD))) for _ in "ab"]
    for thread in threads:
        thread.start()
    wait_until(lambda: hasher.pending == 2 and held.entered == 1, "one hash running, one waiting")
    try:
        refused = at_once(hasher.verify_and_update, PASSWORD, None)
    finally:
        held.release()
    assert isinstance(refused, ServerBusy)
    assert refused.extensions == {"code": "SERVER_BUSY", "retryAfter": 1}
    for thread in threads:
        thread.join()
    assert len(results) == 2 and hasher.calls == 2 and hasher.pending == 0  # none for the refused
    assert hasher.verify_and_update(PASSWORD, results[0]) == (True, None)


def test_hashes_run_only_on_the_lanes_own_threads_whoever_asks():
    hasher = PasswordHasher(memory_kib=19456, time_cost=2, concurrency=2, queue_size=30)
    ran_on: set[str] = set()
    real = hasher.context.dummy_verify

    def recording() -> None:
        ran_on.add(threading.current_thread().name)
        real()

    hasher.context.dummy_verify = recording  # type: ignore[method-assign]
    with ThreadPoolExecutor(12) as callers:
        list(callers.map(lambda _: hasher.verify_and_update(PASSWORD, None), range(24)))
    assert hasher.calls == 24
    assert 1 <= len(ran_on) <= 2 and all(name.startswith("hash-lane") for name in ran_on)


def test_closing_the_hasher_returns_at_once_and_the_running_hash_still_finishes():
    hasher = PasswordHasher(memory_kib=19456, time_cost=2, concurrency=1, queue_size=0)
    held = hold_hashes(hasher)
    results: list[str] = []
    thread = threading.Thread(target=lambda: results.append(hasher.hash(PASSWORD)))
    thread.start()
    wait_until(lambda: held.entered == 1, "the hash to start")
    try:
        assert at_once(hasher.close) is None
    finally:
        held.release()
    thread.join()
    assert results[0].startswith("$argon2id$")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_on_glibc_every_thread_may_have_a_malloc_arena_of_its_own():
    assert one_malloc_arena_per_thread(64) is True


@pytest.mark.parametrize("missing", [OSError("no C library"), AttributeError("no mallopt")])
def test_without_glibcs_mallopt_the_arena_setting_says_it_did_nothing(monkeypatch, missing):
    def cdll(_name: object) -> object:
        raise missing

    monkeypatch.setattr(ctypes, "CDLL", cdll)
    assert one_malloc_arena_per_thread(64) is False


def test_the_lane_is_full_exactly_when_concurrency_plus_queue_size_hashes_are_in_it():
    hasher = PasswordHasher(memory_kib=19456, time_cost=2, concurrency=2, queue_size=1)
    held = hold_hashes(hasher)
    threads = []
    try:
        for count in range(1, 4):
            assert not hasher.full()
            threads.append(threading.Thread(target=hasher.hash, args=(PASSWORD,)))
            threads[-1].start()
            wait_until(lambda: hasher.pending == count, f"{count} hash(es) in the lane")  # noqa: B023
        assert hasher.full() and isinstance(at_once(hasher.hash, PASSWORD), ServerBusy)
    finally:
        held.release()
        for thread in threads:
            thread.join()
    assert not hasher.full()
    hasher.close()


def test_hash_seconds_follows_how_long_the_lanes_hashes_take():
    """The pause before a SERVER_BUSY answer reads it: the first hash sets it, each later one
    moves it a fifth of the way."""
    hasher = PasswordHasher(memory_kib=19456, time_cost=2, concurrency=1, queue_size=0)

    class Slow:
        def __init__(self, seconds: float) -> None:
            self.seconds = seconds

        def hash(self, _password: str) -> str:
            time.sleep(self.seconds)
            return "done"

    try:
        assert hasher.hash_seconds == 0
        hasher.context = Slow(0.2)  # type: ignore[assignment]
        hasher.hash(PASSWORD)
        assert 0.2 <= hasher.hash_seconds < 1.0
        first = hasher.hash_seconds
        hasher.context = Slow(0.0)  # type: ignore[assignment]
        hasher.hash(PASSWORD)
        assert hasher.hash_seconds == pytest.approx(first * 0.8, abs=0.01)
    finally:
        hasher.close()


def test_the_lane_needs_its_pace_for_each_hash_in_it_and_after_it_shared_by_its_threads():
    hasher = PasswordHasher(memory_kib=19456, time_cost=2, concurrency=2, queue_size=4)
    try:
        assert hasher.seconds_to_clear(5) == 0  # no hash yet: no pace known
        hasher.hash_seconds = 0.5
        assert hasher.seconds_to_clear() == 0  # nothing in the lane
        hasher.pending = 3  # as if three hashes were in it
        assert hasher.seconds_to_clear() == 0.75
        assert hasher.seconds_to_clear(1) == 1.0
    finally:
        hasher.pending = 0
        hasher.close()
