"""`cqrs-auth serve` with OTEL_EXPORTER_OTLP_ENDPOINT exports its spans over OTLP/HTTP.

A tiny OTLP/HTTP receiver on 127.0.0.1 decodes what arrives with opentelemetry-proto, as Jaeger
or Tempo would; the server runs a signup, a login, a wrong login and `me`, then stops (which
flushes the spans still queued). With two workers, the relay's spans of both arrive: also those
of the events each worker dispatches as it starts (they were lost when the exporter was set up
after the start).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from cqrs_auth import UserCreatedEvent, bootstrap
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.event_store import EventStore

from .helpers import LOGIN, PASSWORD, SIGNUP
from .processes import ServerProcess
from .test_cli_serve import _free_port, _wait_for_server
from .test_serve_workers import workers_of
from .test_servers_on_one_database import wait_until_all_dispatched

ME = "query Me { me { username } }"


class Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes]

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/v1/traces":
            type(self).bodies.append(body)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200 if self.path == "/v1/traces" else 404)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[bytes]]]:
    handler = type("OneReceiver", (Receiver,), {"bodies": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.bodies
    finally:
        server.shutdown()
        server.server_close()


def run_requests(url: str) -> str:
    """Signup, login, a wrong login and `me`; returns the login's Authorization value."""
    values = {"username": "ada", "email": "ada@example.org", "password": PASSWORD}
    variables = {"input": values | {"passwordConfirm": PASSWORD}}
    assert "errors" not in httpx.post(url, json={"query": SIGNUP, "variables": variables}).json()
    login = {"email": "ada@example.org", "password": PASSWORD}
    token = httpx.post(url, json={"query": LOGIN, "variables": login}).json()
    authorization = token["data"]["login"]["Authorization"]
    wrong = httpx.post(url, json={"query": LOGIN, "variables": login | {"password": "wrong!"}})
    assert wrong.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    me = httpx.post(url, json={"query": ME}, headers={"Authorization": authorization})
    assert me.json() == {"data": {"me": {"username": "ada"}}}
    return authorization


def spans_of(bodies: list[bytes]) -> Iterator[tuple[dict[str, object], object]]:
    """Each span received, with its resource's attributes."""
    for body in bodies:
        for resource_spans in ExportTraceServiceRequest.FromString(body).resource_spans:
            resource = {a.key: a.value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    yield resource, span


def store_undispatched(engine, count: int, pause: float = 0.0) -> list[str]:
    """Commit `count` events nobody dispatches (as a process that died at once); their ids."""
    ids = []
    for _ in range(count):
        user_id = str(uuid.uuid4())
        event = UserCreatedEvent(user_id=user_id, username=user_id, email=f"{user_id}@example.org")
        with engine.begin() as connection:
            EventStore(connection).append(event)
        ids.append(event.event_id)
        time.sleep(pause)
    return ids


def test_with_two_workers_every_event_the_relays_dispatch_arrives_as_spans_from_both(
    database_url: str, receiver: tuple[str, list[bytes]]
):
    endpoint, bodies = receiver
    bootstrap(database_url).close()  # the tables
    engine = make_engine(database_url)
    left_before_start = store_undispatched(engine, 10)  # for the start of the first worker
    server = ServerProcess(
        database_url, workers=2, RELAY_INTERVAL_SECONDS=0.2, RELAY_LEASE_SECONDS=5,
        OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_BSP_SCHEDULE_DELAY=100, ACCESS_LOG="false",
    )  # fmt: skip
    try:
        server.start().wait_ready()
        time.sleep(2)  # the second worker finishes starting
        workers = workers_of(server)
        left_while_running = store_undispatched(engine, 30, pause=0.1)  # for either relay
        wait_until_all_dispatched(engine)
    finally:
        server.stop()
        engine.dispose()
    published: Counter[str] = Counter()
    senders: Counter[int] = Counter()
    for resource, span in spans_of(bodies):
        if span.name == "EventBus.publish":
            attributes = {a.key: a.value.string_value for a in span.attributes}
            published[attributes["cqrs.event_id"]] += 1
            senders[resource["process.pid"].int_value] += 1
    expected = left_before_start + left_while_running
    assert {event_id: published[event_id] for event_id in expected} == dict.fromkeys(expected, 1), (
        server.log()
    )
    assert set(senders) == workers and min(senders.values()) >= 1, senders


def test_serve_exports_the_spans_of_each_request_over_otlp_without_a_secret(
    database_url: str, receiver: tuple[str, list[bytes]]
):
    endpoint, bodies = receiver
    port = _free_port()
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    command = [sys.executable, "-m", "cqrs_auth.cli", "--database-url", database_url]
    command += ["serve", "--port", str(port)]
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.PIPE, text=True
    )
    try:
        url = _wait_for_server(process, port)
        authorization = run_requests(url)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    requests = [ExportTraceServiceRequest.FromString(body) for body in bodies]
    spans = [
        span
        for request in requests
        for resource_spans in request.resource_spans
        for scope_spans in resource_spans.scope_spans
        for span in scope_spans.spans
    ]
    names = {span.name for span in spans}
    assert {
        "resolver signup", "CommandBus.execute", "CreateUserHandler.execute",
        "PasswordHasher.hash", "UnitOfWork.commit", "EventBus.publish", "saga user_created",
        "local_auth_guard", "LocalStrategy.validate", "PasswordHasher.verify",
        "resolver me", "TokenService.verify", "QueryBus.execute",
    } <= names, output  # fmt: skip
    services = {
        attribute.value.string_value
        for request in requests
        for resource_spans in request.resource_spans
        for attribute in resource_spans.resource.attributes
        if attribute.key == "service.name"
    }
    assert services == {"cqrs-auth"}
    sent = b"".join(bodies)
    token = authorization.removeprefix("Bearer ").encode()
    for secret in (PASSWORD.encode(), b"$argon2", token, token.split(b".")[2], b"ada@example.org"):
        assert secret not in sent
