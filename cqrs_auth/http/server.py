"""`cqrs-auth serve`: bootstrap the kit (which applies pending migrations, as the tutorial's
`migrationsRun: true` did) and serve it with uvicorn, with the outbox relay running beside it.

The HTTP parser is named, not uvicorn's "auto" (httptools when it happens to be installed, else
h11): h11 is what a plain install has and what the tests run; both get the head time limit.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import uvicorn

from .. import telemetry
from ..auth.passwords import one_malloc_arena_per_thread
from ..bootstrap import App, bootstrap
from ..service.janitor import Janitor
from ..service.relay import OutboxRelay
from .app import create_app, worker_threads
from .protocol import kit_protocol

OTHER_THREADS = 8  # the event loop's, the outbox relay's, and a margin


class DropQueryString(logging.Filter):
    """uvicorn's access log prints the request path with its query string; a GET can carry a
    GraphQL document there (with a password literal in it). Log the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def build_server(
    kit: App,
    *,
    host: str = "127.0.0.1",
    port: int = 3000,
    http: str = "h11",
    **uvicorn_options: Any,
) -> uvicorn.Server:
    protocol = kit_protocol(http, kit.settings.HEADER_TIMEOUT_SECONDS)
    config = uvicorn.Config(
        create_app(kit), host=host, port=port, lifespan="off", http=protocol, **uvicorn_options
    )
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryString) for f in access_log.filters):
        access_log.addFilter(DropQueryString())
    return uvicorn.Server(config)


def serve(database_url: str | None = None, *, host: str = "127.0.0.1", port: int = 3000) -> int:
    try:
        tracing = telemetry.export_over_otlp() if telemetry.otlp_requested() else None
    except telemetry.TelemetryUnavailable as error:
        print(f"cqrs-auth serve: {error}", file=sys.stderr)
        return 2
    kit = bootstrap(database_url)
    settings = kit.settings
    workers = worker_threads(settings.HASH_CONCURRENCY, settings.HASH_QUEUE_SIZE)
    one_malloc_arena_per_thread(workers + settings.HASH_CONCURRENCY + OTHER_THREADS)
    relay = OutboxRelay(
        kit.dispatcher, settings.RELAY_INTERVAL_SECONDS, Janitor(kit.engine, settings)
    )
    relay.start()
    try:
        print(f"GraphQL at http://{host}:{port}/graphql (open it in a browser for GraphiQL)")
        build_server(kit, host=host, port=port).run()
    finally:
        relay.stop()
        kit.close()
        if tracing:
            tracing.shutdown()  # sends the spans still queued
    return 0
