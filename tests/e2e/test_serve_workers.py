"""`cqrs-auth serve --workers 2`: two server processes under uvicorn's supervisor, on every
backend. Both answer requests; SIGTERM stops them all, writing what they owe; a supervisor
killed outright takes its workers with it; their relays run the janitor. (Their relays'
delivery: test_servers_on_one_database.py.)"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.login_failures import LoginFailures
from cqrs_auth.adapters.tables import events, login_failures

from .processes import PASSWORD, ServerProcess, sign_up_over_http
from .test_servers_on_one_database import undispatched

# marks stay unwritten while the test looks at who dispatched what (the relay runs rarely)
SLOW_RELAY = {"RELAY_INTERVAL_SECONDS": 300, "RELAY_LEASE_SECONDS": 600}


def workers_of(server: ServerProcess) -> set[int]:
    """The supervisor's worker processes (multiprocessing's resource tracker left out)."""
    assert server.process is not None
    found = set()
    for task in Path(f"/proc/{server.process.pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in command:
                found.add(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def wait_until_gone(pids: set[int], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids):
        assert time.monotonic() < deadline, f"still running: {[p for p in pids if alive(p)]}"
        time.sleep(0.1)


def sign_up_alone(url: str, number: int) -> str:
    with httpx.Client(timeout=60) as http:
        return sign_up_over_http(http, url, number)


def dispatchers(engine) -> set[int]:
    """The process ids in the claims of the events dispatched and not yet marked."""
    with engine.connect() as connection:
        owners = connection.scalars(
            select(events.c.claimedBy).where(events.c.claimedBy.is_not(None))
        )
        return {int(owner.split(":")[1]) for owner in owners}


def test_two_workers_both_answer_and_sigterm_stops_them_all_with_their_marks_written(
    database_url,
):
    server = ServerProcess(database_url, workers=2, **SLOW_RELAY).start()
    engine = make_engine(database_url)
    try:
        server.wait_ready()
        time.sleep(2)  # the second worker finishes starting
        workers = workers_of(server)
        assert len(workers) == 2
        with ThreadPoolExecutor(16) as pool:  # a connection each: the workers take turns
            created = list(pool.map(lambda n: sign_up_alone(server.url, n), range(32)))
        assert created == ["created"] * 32
        assert dispatchers(engine) == workers  # each worker dispatched events it stored
        assert undispatched(engine) > 0  # their marks are still owed
        assert server.process is not None
        server.process.terminate()
        assert server.process.wait(timeout=60) == 0
        wait_until_gone(workers)
        assert undispatched(engine) == 0  # each worker wrote its marks as it stopped
    finally:
        server.stop()
        engine.dispose()


def test_workers_end_when_their_supervisor_is_killed(database_url):
    server = ServerProcess(database_url, workers=2).start()
    workers: set[int] = set()
    try:
        server.wait_ready()
        time.sleep(2)
        workers = workers_of(server)
        assert len(workers) == 2
        server.kill()  # SIGKILL: the supervisor cannot stop them itself
        wait_until_gone(workers)
    finally:
        server.stop()
        for pid in filter(alive, workers):  # had the test failed: leave no orphan behind
            os.kill(pid, signal.SIGKILL)


def test_served_workers_run_the_janitor_on_their_relays_tick(database_url):
    server = ServerProcess(
        database_url, workers=2, RELAY_INTERVAL_SECONDS=0.2, JANITOR_INTERVAL_SECONDS=0.2
    ).start()
    engine = make_engine(database_url)
    try:
        server.wait_ready()
        long_ago = datetime(2000, 1, 1, tzinfo=UTC)
        with engine.begin() as connection:  # a lockout row whose window and lock ended long ago
            LoginFailures(connection).reserve(
                "ada@example.org", now=long_ago, window_cutoff=long_ago, max_attempts=5
            )
        deadline = time.monotonic() + 20
        while lockout_rows(engine):
            assert time.monotonic() < deadline, "no worker's janitor deleted the expired row"
            time.sleep(0.1)
    finally:
        server.stop()
        engine.dispose()


def lockout_rows(engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(login_failures)))


LOGIN_THEN_TOKEN = """mutation ($e: EmailAddress!, $p: String!) {
  login(username: $e, password: $p) { Authorization } }"""
ACTIVITY = "{ me { activity { loginCount } } }"


def test_served_workers_keep_the_read_model_off_the_request_path(database_url):
    """Each worker's projection thread applies the logins of both workers, within moments,
    and the relay's long tick plays no part in it."""
    server = ServerProcess(database_url, workers=2, **SLOW_RELAY).start()
    try:
        server.wait_ready()
        with httpx.Client(timeout=60) as http:
            assert sign_up_over_http(http, server.url, 1) == "created"
            variables = {"e": "user1@example.org", "p": PASSWORD}
            for _ in range(4):  # on new connections: both workers take some
                body = httpx.post(
                    server.url, json={"query": LOGIN_THEN_TOKEN, "variables": variables}
                ).json()
            headers = {"Authorization": body["data"]["login"]["Authorization"]}
            deadline, seen = time.monotonic() + 10, None
            while seen != 4:
                assert time.monotonic() < deadline, f"the read model shows {seen} logins of 4"
                answer = http.post(server.url, json={"query": ACTIVITY}, headers=headers).json()
                seen = answer["data"]["me"]["activity"]["loginCount"]
                time.sleep(0.05)
    finally:
        server.stop()
