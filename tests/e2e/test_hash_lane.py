"""Cheap requests never wait behind hashes: with every hash slot and the whole hash queue held
(a hasher that blocks until the test releases it), other requests still answer over real HTTP,
one more login is SERVER_BUSY, and the held logins finish once released."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from held_hashes import hold_hashes, wait_until  # tests/held_hashes.py
from sqlalchemy import select

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
