"""Cheap requests never wait behind hashes: with every hash slot and the whole hash queue held
(a hasher that blocks until the test releases it), other requests still answer over real HTTP,
one more login is SERVER_BUSY, and the held logins finish once released."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
from held_hashes import hold_hashes, wait_until  # tests/held_hashes.py
from sqlalchemy import select

from cqrs_auth import PerformLoginCommand
from cqrs_auth.adapters.tables import login_failures

from .helpers import ME, PASSWORD, Client, RunningServer, login, only_error, signup, token_of


def test_with_the_hash_lane_full_cheap_requests_answer_and_one_more_login_is_server_busy(make_app):
    kit = make_app(HASH_CONCURRENCY=1, HASH_QUEUE_SIZE=2, LOGIN_MAX_FAILURES=3)
    server = RunningServer(kit)
    # a request stuck behind the held hashes would time out long before the test releases them
    http = httpx.Client(timeout=20)
    client = Client(kit, server, http)
    held = None
    try:
        signup(client, "ada", "ada@example.org")
        token = token_of(login(client))
        for _ in range(3):
            login(client, "mallory@example.org", "a wrong guess, three times")
        held = hold_hashes(kit.hasher)
        with ThreadPoolExecutor(3) as pool:
            logins = [pool.submit(login, client) for _ in range(3)]
            wait_until(lambda: kit.hasher.pending == 3 and held.entered == 1, "a full lane")
            calls = kit.hasher.calls

            assert client.execute(ME, token=token)["data"]["me"]["username"] == "ada"
            locked = only_error(login(client, "mallory@example.org"))
            assert locked["extensions"]["code"] == "TOO_MANY_ATTEMPTS"
            invalid = client.execute("{ me { password } }")
            assert "data" not in invalid and "password" in only_error(invalid)["message"]
            short = only_error(signup(client, "bob", "bob@example.org", password="too short"))
            assert short["extensions"] == {"code": "BAD_USER_INPUT", "field": "password"}
            busy = only_error(login(client, "carol@example.org"))
            assert busy["extensions"] == {"code": "SERVER_BUSY", "retryAfter": 1}
            assert attempts(kit, "carol@example.org") is None  # refused before it was counted
            assert kit.hasher.calls == calls and held.entered == 1

            held.release()
            assert all(token_of(done.result(timeout=60)) for done in logins)
        assert kit.hasher.pending == 0 and kit.hasher.calls == calls + 2
        assert token_of(login(client, "ada@example.org", PASSWORD))
    finally:
        if held:
            held.release()
        http.close()
        server.stop()


def attempts(kit, email: str) -> int | None:
    query = select(login_failures.c.attempts).where(login_failures.c.emailNormalised == email)
    with kit.engine.connect() as connection:
        return connection.scalar(query)


def timed_login(client: Client) -> tuple[float, dict]:
    started = time.monotonic()
    answer = login(client)
    return time.monotonic() - started, answer


@contextmanager
def one_login_holding_the_lane(
    make_app, timeout: float, **settings
) -> Iterator[tuple[Client, str]]:
    """A served kit whose lane (one place, no queue) a login holds until the block ends: a
    client, and ada's bearer token."""
    kit = make_app(HASH_CONCURRENCY=1, HASH_QUEUE_SIZE=0, **settings)
    server = RunningServer(kit)
    http = httpx.Client(timeout=timeout)
    client = Client(kit, server, http)
    held = None
    try:
        signup(client, "ada", "ada@example.org")
        token = token_of(login(client))
        held = hold_hashes(kit.hasher)
        with ThreadPoolExecutor(1) as pool:
            holding = pool.submit(login, client)
            wait_until(lambda: held.entered == 1, "the lane's one slot taken")
            yield client, token
            held.release()
            assert token_of(holding.result(timeout=30))
    finally:
        if held:
            held.release()
        http.close()
        server.stop()


BUSY = 20  # more logins refused at once than the server has worker threads (1 + 0 + 8)


def test_server_busy_answers_wait_on_the_event_loop_holding_no_thread(make_app):
    """SERVER_BUSY_PAUSE_SECONDS: every refusal is answered after the pause, and while they all
    wait a `me` still answers (they hold no worker thread)."""
    pause = 3.0
    with one_login_holding_the_lane(make_app, 30, SERVER_BUSY_PAUSE_SECONDS=pause) as (
        client,
        token,
    ):
        handler = client.kit.command_bus._handlers[PerformLoginCommand]
        refusals = Counted(handler.attempts, "_refusal")
        with ThreadPoolExecutor(BUSY) as pool:
            started = time.monotonic()
            busy = [pool.submit(login, client) for _ in range(BUSY)]
            wait_until(lambda: refusals.calls == BUSY, "every refusal decided")
            me = client.execute(ME, token=token)
            assert me["data"]["me"]["username"] == "ada"
            assert not any(answer.done() for answer in busy)  # ...while they all still wait
            answers = [answer.result(timeout=30) for answer in busy]
        assert time.monotonic() - started >= pause
        assert {only_error(a)["extensions"]["code"] for a in answers} == {"SERVER_BUSY"}


def test_a_server_busy_answer_waits_as_long_as_the_lane_needs_for_those_ahead(make_app):
    """Each refusal waits for the hashes in the lane and the refusals already waiting, at the
    lane's pace (`hash_seconds` a hash, HASH_CONCURRENCY at once): here one second each."""
    pauses = {"SERVER_BUSY_PAUSE_SECONDS": 0.2, "SERVER_BUSY_MAX_PAUSE_SECONDS": 30}
    with one_login_holding_the_lane(make_app, 30, **pauses) as (client, _):
        client.kit.hasher.hash_seconds = 1.0
        with ThreadPoolExecutor(3) as pool:
            refused = [pool.submit(timed_login, client) for _ in range(3)]
            waits = sorted(answer.result(timeout=30) for answer in refused)
        for ahead, (waited, answer) in enumerate(waits, start=1):
            assert only_error(answer)["extensions"]["code"] == "SERVER_BUSY"
            assert waited >= ahead - 0.05  # the held hash, and those waiting before it
        assert waits[0][0] < 2.5  # not all as long as the longest line


def test_no_server_busy_answer_waits_longer_than_the_longest_pause(make_app):
    pauses = {"SERVER_BUSY_PAUSE_SECONDS": 0.2, "SERVER_BUSY_MAX_PAUSE_SECONDS": 1}
    # the lane's own pace would make it wait 100 s: the client would give up after 10
    with one_login_holding_the_lane(make_app, 10, **pauses) as (client, _):
        client.kit.hasher.hash_seconds = 100.0
        waited, answer = timed_login(client)
        assert only_error(answer)["extensions"]["code"] == "SERVER_BUSY"
        assert 1 - 0.05 <= waited < 5


class Counted:
    """Counts the calls of `owner.method` (thread-safe: CPython's += on an attribute under
    the GIL is not, so a lock)."""

    def __init__(self, owner: object, method: str) -> None:
        self.calls, self._lock = 0, threading.Lock()
        call = getattr(owner, method)

        def counted(*args: object, **kwargs: object) -> object:
            with self._lock:
                self.calls += 1
            return call(*args, **kwargs)

        setattr(owner, method, counted)
