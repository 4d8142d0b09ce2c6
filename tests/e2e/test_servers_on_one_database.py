"""`cqrs-auth serve` processes sharing one database: the relay delivers while they run, every
event once, even when a server is killed mid-run; and servers starting together on an empty
database all come up."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import reset_mysql  # tests/conftest.py
from sqlalchemy import func, select

from cqrs_auth import UserCreatedEvent
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.event_store import EventStore
from cqrs_auth.adapters.tables import events, mail_outbox, users
from cqrs_auth.adapters.tables import migrations as migrations_table

from .processes import ServerProcess, sign_up_over_http

FAST_RELAY = {"RELAY_INTERVAL_SECONDS": 0.3, "RELAY_LEASE_SECONDS": 2}


def undispatched(engine) -> int:
    with engine.connect() as connection:
        query = select(func.count()).where(events.c.dispatchedAt.is_(None))
        return int(connection.scalar(query))


def wait_until_all_dispatched(engine, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while undispatched(engine):
        assert time.monotonic() < deadline, f"{undispatched(engine)} event(s) still undispatched"
        time.sleep(0.1)


def mails_caused_by(engine, event_id: str) -> int:
    with engine.connect() as connection:
        query = select(func.count()).where(mail_outbox.c.causationId == event_id)
        return int(connection.scalar(query))


@pytest.mark.parametrize("workers", [1, 2])  # with two, each worker runs a relay
def test_an_event_left_undispatched_while_the_server_runs_is_delivered_in_seconds_once(
    database_url, workers
):
    server = ServerProcess(database_url, workers=workers, **FAST_RELAY).start()
    engine = make_engine(database_url)
    try:
        server.wait_ready()
        event = UserCreatedEvent(user_id=str(uuid.uuid4()), username="ada", email="a@example.org")
        with engine.begin() as connection:  # committed, as by a process that died at once
            EventStore(connection).append(event)
        wait_until_all_dispatched(engine, seconds=20)
        time.sleep(1)  # a few more relay runs: none may deliver it again
        assert mails_caused_by(engine, event.event_id) == 1
        assert undispatched(engine) == 0
    finally:
        server.stop()
        engine.dispose()


class SignupRun:
    """Signs users up over HTTP, spread over the servers; a signup whose server fails is sent
    again to the next one (a CONFLICT then means the first attempt had committed)."""

    def __init__(self, servers: list[ServerProcess]) -> None:
        self.servers, self.done, self.lock = servers, 0, threading.Lock()

    def sign_up(self, number: int) -> str:
        deadline = time.monotonic() + 120
        with httpx.Client(timeout=30) as http:
            for attempt in range(10**6):
                server = self.servers[(number + attempt) % len(self.servers)]
                try:
                    answer = sign_up_over_http(http, server.url, number)
                except httpx.TransportError:
                    answer = "no answer"
                if answer in ("created", "CONFLICT"):
                    with self.lock:
                        self.done += 1
                    return answer
                assert time.monotonic() < deadline, f"user{number}: {answer}"
                time.sleep(0.05)
        raise AssertionError("unreachable")


@pytest.mark.mysql
def test_two_servers_one_killed_and_restarted_mid_run_deliver_every_signup_exactly_once(
    mysql_url,
):
    reset_mysql(mysql_url)
    servers = [ServerProcess(mysql_url, **FAST_RELAY).start() for _ in range(2)]
    engine = make_engine(mysql_url)
    run = SignupRun(servers)
    try:
        for server in servers:
            server.wait_ready()

        def kill_and_restart_mid_run() -> None:
            while run.done < 80:
                time.sleep(0.01)
            servers[0].kill()
            time.sleep(0.5)
            servers[0].start().wait_ready()

        killer = threading.Thread(target=kill_and_restart_mid_run)
        killer.start()
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(run.sign_up, range(200)))
        killer.join(timeout=120)
        assert set(answers) <= {"created", "CONFLICT"} and len(answers) == 200
        wait_until_all_dispatched(engine)
        with engine.connect() as connection:
            user_ids = {
                str(uuid.UUID(bytes=bytes(u))) for u in connection.scalars(select(users.c.userId))
            }
            created = connection.execute(
                select(events.c.aggregateId, events.c.id).where(events.c.type == "UserCreatedEvent")
            ).all()
            mails = list(connection.scalars(select(mail_outbox.c.causationId)))
            welcomed = connection.scalar(
                select(func.count()).where(events.c.type == "WelcomeEmailSentEvent")
            )
        assert len(user_ids) == 200
        assert sorted(aggregate for aggregate, _ in created) == sorted(user_ids)
        assert sorted(mails) == sorted(event_id for _, event_id in created)
        assert welcomed == 200
    finally:
        for server in servers:
            server.stop()
        engine.dispose()


@pytest.mark.mysql
@pytest.mark.parametrize("round_", range(4))
def test_two_servers_started_together_on_an_empty_mariadb_both_come_up(mysql_url, round_):
    reset_mysql(mysql_url)
    servers = [ServerProcess(mysql_url) for _ in range(2)]
    for server in servers:
        server.start()
    engine = make_engine(mysql_url)
    try:
        for server in servers:
            server.wait_ready()
        with engine.connect() as connection:
            versions = list(connection.scalars(select(migrations_table.c.version)))
        assert len(versions) == len(set(versions)) >= 6
    finally:
        for server in servers:
            server.stop()
        engine.dispose()
