"""One server process of `cqrs-auth serve`: the app factory uvicorn calls in each worker.

Every worker is a whole kit of its own: its engine and pool, its hash lane, its lease and its
outbox relay (the leases make several relays on one database safe), the janitor the relay runs
(expired lockout and reset-request rows, deleted in key order, so sweeps may overlap), the
thread that keeps the read model (service/follower.py: off the request path), its OTLP
exporter when OTEL_EXPORTER_OTLP_ENDPOINT is set. The relay and the read model's thread start
and stop with the app's lifespan, and stopping also writes the dispatch marks still owed and
sends the spans still queued. Migrations are not run here: `serve` applied them once before
starting the workers.

The exporter is set up before the kit starts: starting dispatches the events left undispatched
(the relay's own work: a reset request's event, one whose process died, or one stored by the
other worker while this one started), and with the exporter set up after, those dispatches made
no spans at all: the relay's spans that never arrived with two workers.

A worker started by uvicorn's supervisor asks Linux to send it SIGTERM when the supervisor dies,
so that even a supervisor killed with SIGKILL leaves no worker behind.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.applications import Starlette

from .. import telemetry
from ..auth.passwords import one_malloc_arena_per_thread
from ..bootstrap import App, bootstrap
from ..service.follower import ProjectionFollower
from ..service.janitor import Janitor
from ..service.relay import OutboxRelay
from .app import create_app, worker_threads

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

OTHER_THREADS = 8  # the event loop's, the outbox relay's, the projection's, and a margin
PR_SET_PDEATHSIG = 1  # prctl(2)


class DropQueryString(logging.Filter):
    """uvicorn's access log prints the request path with its query string; a GET can carry a
    GraphQL document there (with a password literal in it). Log the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def drop_query_strings_from_the_access_log() -> None:
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryString) for f in access_log.filters):
        access_log.addFilter(DropQueryString())


def create_worker_app() -> Starlette:
    """uvicorn's app factory for `cqrs-auth serve` (settings from the environment)."""
    tracing = telemetry.export_over_otlp() if telemetry.otlp_requested() else None
    return worker_app(bootstrap(MIGRATIONS_RUN=False), tracing)


def worker_app(kit: App, tracing: TracerProvider | None = None) -> Starlette:
    """The kit's ASGI app with what a server process runs beside it; `tracing`, the provider
    exporting its spans, is shut down (its queue sent) when the app stops."""
    if multiprocessing.parent_process() is not None:
        end_with_the_supervisor()
    settings = kit.settings
    threads = worker_threads(settings.HASH_CONCURRENCY, settings.HASH_QUEUE_SIZE)
    one_malloc_arena_per_thread(threads + settings.HASH_CONCURRENCY + OTHER_THREADS)
    drop_query_strings_from_the_access_log()
    janitor = Janitor(kit.engine, settings)
    relay = OutboxRelay(kit.dispatcher, settings.RELAY_INTERVAL_SECONDS, janitor)
    follower = ProjectionFollower.take_over(
        kit.event_bus, kit.projector, settings.RELAY_INTERVAL_SECONDS
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        follower.start()
        relay.start()
        try:
            yield
        finally:
            try:
                relay.stop()  # joins its thread: no relay span ends after the provider
                follower.stop()
                kit.close()
            finally:
                if tracing:
                    tracing.shutdown()  # sends the spans still queued

    return create_app(kit, lifespan=lifespan)


def end_with_the_supervisor() -> bool:
    """Have this process get SIGTERM when its parent dies (Linux only; False elsewhere)."""
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
