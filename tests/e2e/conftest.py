"""e2e fixtures: the same tests run in-process (`kit.graphql`) and over real HTTP (uvicorn on a
free 127.0.0.1 port, in a thread), on every database the `database_url` fixture gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from cqrs_auth import App

from .helpers import Client, RunningServer


@pytest.fixture(params=["in_process", "http"])
def make_client(request: pytest.FixtureRequest, make_app: Callable[..., App]) -> Iterator:
    """`make_client(LOGIN_MAX_FAILURES=2)`: a kit with those settings and a client for it."""
    servers: list[RunningServer] = []
    http = httpx.Client(timeout=30)

    def make(**overrides: Any) -> Client:
        kit = make_app(**overrides)
        if request.param == "in_process":
            return Client(kit)
        servers.append(RunningServer(kit))
        return Client(kit, servers[-1], http)

    yield make
    http.close()
    for server in servers:
        server.stop()


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()


@pytest.fixture
def server(app: App) -> Iterator[RunningServer]:
    """A server alone, for the tests about HTTP itself."""
    running = RunningServer(app)
    yield running
    running.stop()
