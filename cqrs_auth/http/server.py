"""`cqrs-auth serve`: apply pending migrations once (as the tutorial's `migrationsRun: true` did),
then serve the kit with uvicorn in `workers` processes, each with its outbox relay (worker.py).

One worker is one process, as before; more are uvicorn's own supervisor and its worker
processes (spawned, each a whole kit; the supervisor restarts one that dies, and SIGINT or
SIGTERM stops them all). uvicorn's workers rather than gunicorn's: no other server to install
and configure, the same options in one process or many, and it runs on every platform.

The HTTP parser is named, not uvicorn's "auto": HTTP_PARSER, by default httptools, the faster of
uvicorn's two (it comes with uvicorn[standard]); h11 is the other choice. Both get the head's
time and size limits (protocol.py).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import uvicorn

from .. import telemetry
from ..bootstrap import App, bootstrap
from .app import create_app
from .protocol import protocol_options
from .worker import drop_query_strings_from_the_access_log

WORKER_APP = "cqrs_auth.http.worker:create_worker_app"


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_server(
    kit: App,
    *,
    host: str = "127.0.0.1",
    port: int = 3000,
    http: str = "h11",
    **uvicorn_options: Any,
) -> uvicorn.Server:
    """A server for one kit in this process (the tests run it in a thread); no relay."""
    options = protocol_options(http, kit.settings) | uvicorn_options
    config = uvicorn.Config(create_app(kit), host=host, port=port, lifespan="off", **options)
    drop_query_strings_from_the_access_log()
    return uvicorn.Server(config)


def serve(
    database_url: str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 3000,
    workers: int | None = None,
    app_factory: str = WORKER_APP,
) -> int:
    """Serve until SIGINT or SIGTERM. `app_factory` names the workers' app factory."""
    if telemetry.otlp_requested() and not telemetry.otlp_installed():
        print(f"cqrs-auth serve: {telemetry.OTLP_MISSING}", file=sys.stderr)
        return 2
    kit = bootstrap(database_url, start=False)
    try:
        if kit.settings.MIGRATIONS_RUN:
            kit.migrate()
    finally:
        kit.close()
    os.environ["DATABASE_URL"] = kit.settings.DATABASE_URL  # for the workers' settings
    count = workers or default_workers()
    print(f"GraphQL at http://{host}:{port}/graphql (open it in a browser for GraphiQL)")
    uvicorn.run(
        app_factory,
        factory=True,
        host=host,
        port=port,
        workers=count,
        lifespan="on",
        access_log=kit.settings.ACCESS_LOG,
        **protocol_options(kit.settings.HTTP_PARSER, kit.settings),
    )
    return 0
