"""Poison events on a running `cqrs-auth serve`, on each database: an email freed by an
operator's DELETE and signed up again, a stored event whose payload an operator broke by hand
and one whose type no longer exists. A bystander's `me { activity }` stays current within
seconds, `cqrs-auth parked` lists the poison, `project --rebuild` exits 0, and the server's log
holds a line per parked event, not a traceback per tick."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import delete, insert, select

from cqrs_auth.adapters.clock import to_db, utcnow
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.tables import events, users

from .helpers import LOGIN
from .processes import PASSWORD, ServerProcess, sign_up_over_http

FAST = {"RELAY_INTERVAL_SECONDS": 0.3, "RELAY_LEASE_SECONDS": 2}
ACTIVITY = "{ me { activity { loginCount } } }"


class Served:
    """GraphQL over HTTP to one server."""

    def __init__(self, http: httpx.Client, url: str) -> None:
        self.http, self.url = http, url

    def run(self, query: str, variables: dict[str, Any] | None = None, token: str = "") -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"query": query, "variables": variables or {}}
        return self.http.post(self.url, json=body, headers=headers).json()

    def token(self, email: str) -> str:
        answer = self.run(LOGIN, {"email": email, "password": PASSWORD})
        return str(answer["data"]["login"]["Authorization"]).removeprefix("Bearer ")

    def login_count(self, token: str) -> int | None:
        activity = self.run(ACTIVITY, token=token)["data"]["me"]["activity"]
        return activity["loginCount"] if activity else None


def eventually(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def break_the_log_by_hand(engine: Any) -> list[str]:
    """Two rows an operator (or a deploy) left in the log: a copy of a login whose `userId` was
    renamed `user`, and an event of a type the code no longer has. Their ids."""
    with engine.begin() as connection:
        login = connection.execute(
            select(events.c.payload).where(events.c.type == "UserLoggedInEvent").limit(1)
        ).scalar_one()
        renamed = {"user": login["userId"], "email": login["email"]}
        rows = [("UserLoggedInEvent", renamed), ("UserRenamedEvent", {"username": "x"})]
        ids = []
        for event_type, payload in rows:
            ids.append(str(uuid.uuid4()))
            values = {"id": ids[-1], "type": event_type, "aggregateId": "by hand"}
            values |= {"payload": payload, "occurredAt": to_db(utcnow())}
            connection.execute(insert(events).values(values))
    return ids


def cqrs_auth(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cqrs_auth.cli", "--database-url", database_url, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def whole_log(server: ServerProcess) -> str:
    server.output.seek(0)
    return server.output.read().decode(errors="replace")


def test_poison_leaves_a_bystander_current_is_listed_and_logs_a_few_lines(database_url):
    server = ServerProcess(database_url, **FAST).start()
    engine = make_engine(database_url)
    try:
        server.wait_ready()
        with httpx.Client(timeout=30) as http:
            served = Served(http, server.url)
            assert sign_up_over_http(http, server.url, 1) == "created"  # the bystander
            bystander = served.token("user1@example.org")
            assert sign_up_over_http(http, server.url, 2) == "created"
            with engine.begin() as connection:  # the operator's DELETE, outside the kit
                connection.execute(delete(users).where(users.c.email == "user2@example.org"))
            assert sign_up_over_http(http, server.url, 2) == "created"  # the email, reused
            poison = break_the_log_by_hand(engine)
            for _ in range(2):
                served.token("user1@example.org")
            assert eventually(lambda: served.login_count(bystander) == 3)
            reused = served.token("user2@example.org")
            assert eventually(lambda: served.login_count(reused) == 1)
            time.sleep(3)  # ten relay ticks and more: nothing more may be logged

        listed = cqrs_auth(database_url, "parked")
        assert listed.returncode == 0, listed.stderr
        rows = [json.loads(line) for line in listed.stdout.splitlines()]
        broken, gone = poison  # a type the code no longer has: no rule of the read model needs
        assert sorted((row["id"], row["consumer"]) for row in rows) == sorted(  # it restored
            [(broken, "dispatcher"), (broken, "user_activity"), (gone, "dispatcher")]
        )
        rebuilt = cqrs_auth(database_url, "project", "--rebuild")
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "1 parked" in rebuilt.stdout
    finally:
        server.stop()
        engine.dispose()
    log = whole_log(server)
    assert "Traceback" not in log and "ERROR" not in log, log[-4000:]
    warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 3, warnings  # one per parked event and consumer
    assert all(" parked " in line for line in warnings)
