"""The ASGI app: GraphQL over HTTP at /graphql (Starlette), GraphiQL for browsers.

Status codes follow the GraphQL-over-HTTP spec: with `application/json` every well-formed
request gets 200; with `application/graphql-response+json` a response without `data` (a parse,
validation or variable error) gets 400. A mutation sent by GET gets 405. Every refusal at the
HTTP level (400, 404, 405, 406, 408, 413, 415, 431, 500) has a GraphQL-style JSON body whose
error carries a code (errors.py).

The executor is synchronous (graphql-core's `execute_sync`, the same one the notebooks use), so
it runs in worker threads, never on the event loop, in a pool of a bounded number. The
password hasher runs argon2 in its own lane (HASH_CONCURRENCY threads, HASH_QUEUE_SIZE waiting,
SERVER_BUSY beyond), so at most that many worker threads can be waiting for a hash: the pool
has CHEAP_REQUEST_THREADS more, and a `me`, a locked login or a bad request never waits behind
a hash. (A thread pool of the standard library, not anyio's to_thread: half the cost of the
handover to a thread and back, 30 µs less per request.)

A SERVER_BUSY answer is sent after a pause, waited on the event loop (no thread is held): a
storm of clients that retry at once (a closed loop, a naive script) would otherwise spend on
refusals the CPU the hashes need. The pause is as long as the hash lane needs to work through
the requests ahead (the hashes running and queued, and the refusals already pausing in this
process), at least SERVER_BUSY_PAUSE_SECONDS and at most SERVER_BUSY_MAX_PAUSE_SECONDS. A light
overload is then answered after the shortest pause, and a storm is answered about as fast as the
lane frees places, so there is about one refusal for each login that runs. The answer's
`retryAfter` counts from its arrival, after the pause: by then the lane has worked through the
line that was ahead.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from functools import partial
from typing import TYPE_CHECKING, Any

import orjson
from graphql import OperationType
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..domain.errors import ServerBusy
from ..graphql import GraphQLExecutor
from ..settings import worker_threads
from .body import read_limited_body
from .errors import HttpError, error_response, internal_error, starlette_http_error
from .graphiql import graphiql_page, static_files
from .head_limit import HeadLimit
from .negotiation import GRAPHQL_RESPONSE_JSON, HTML, JSON, choose_media_type
from .params import GraphQLParams, from_json_body, from_query_string

if TYPE_CHECKING:
    from ..bootstrap import App


class GraphQLResponse(Response):
    """A GraphQL result as JSON, encoded by orjson (a tenth of the stdlib encoder's time)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class GraphQLEndpoint:
    def __init__(self, kit: App) -> None:
        self.executor = GraphQLExecutor(kit)
        self.max_body_bytes = kit.settings.MAX_BODY_BYTES
        settings = kit.settings
        threads = worker_threads(settings.HASH_CONCURRENCY, settings.HASH_QUEUE_SIZE)
        self.threads = ThreadPoolExecutor(threads, thread_name_prefix="request")
        self.max_json_depth = kit.settings.MAX_JSON_DEPTH
        self.body_timeout = kit.settings.BODY_TIMEOUT_SECONDS
        self.hasher = kit.hasher
        self.shortest_pause = settings.SERVER_BUSY_PAUSE_SECONDS
        self.longest_pause = settings.SERVER_BUSY_MAX_PAUSE_SECONDS
        self.pausing = 0  # SERVER_BUSY answers waiting now (only the event loop changes it)

    async def handle(self, request: Request) -> Response:
        is_get = request.method != "POST"  # GET, or HEAD (which Starlette adds to GET)
        media_type = choose_media_type(request.headers.get("accept"), allow_html=is_get)
        try:
            if media_type is None:
                raise HttpError(
                    406, "Acceptable: application/graphql-response+json, application/json."
                )
            if media_type == HTML:
                return graphiql_page()
            return await self._graphql(request, media_type)
        except HttpError as error:
            return error_response(error.status, error.message, media_type or JSON, error.headers)

    async def _graphql(self, request: Request, media_type: str) -> Response:
        params = await self._params(request)
        token = request.headers.get("authorization")
        run = partial(self._run, params, token, queries_only=request.method != "POST")
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.threads, contextvars.copy_context().run, run)
        if result is None:
            raise HttpError(405, "Mutations are sent with POST.", {"Allow": "POST"})
        if self.longest_pause and busy(result):
            await self._pause()
        status = 400 if media_type == GRAPHQL_RESPONSE_JSON and "data" not in result else 200
        return GraphQLResponse(result, status, media_type=media_type)

    async def _params(self, request: Request) -> GraphQLParams:
        if request.method != "POST":
            return from_query_string(request.query_params, self.max_json_depth)
        body = await read_limited_body(request, self.max_body_bytes, self.body_timeout)
        return from_json_body(request.headers.get("content-type"), body, self.max_json_depth)

    async def _pause(self) -> None:
        """Wait before a SERVER_BUSY answer, as long as the lane needs for those ahead."""
        lane_needs = self.hasher.seconds_to_clear(self.pausing)
        pause = busy_pause(lane_needs, self.shortest_pause, self.longest_pause)
        self.pausing += 1
        try:
            await asyncio.sleep(pause)
        finally:
            self.pausing -= 1

    def _run(self, params: GraphQLParams, token: str | None, *, queries_only: bool) -> Any:
        if queries_only:
            operation = self.executor.operation_type(params.query, params.operation_name)
            if operation is not None and operation is not OperationType.QUERY:
                return None
        return self.executor.execute(
            params.query, params.variables, token=token, operation_name=params.operation_name
        )


def busy(result: dict[str, Any]) -> bool:
    """Whether a GraphQL result refuses with SERVER_BUSY (the hash lane and its queue full)."""
    return any(
        error.get("extensions", {}).get("code") == ServerBusy.code
        for error in result.get("errors", ())
    )


def busy_pause(lane_needs: float, shortest: float, longest: float) -> float:
    """The pause before a SERVER_BUSY answer: the seconds the hash lane needs for the requests
    ahead, but not shorter than `shortest` nor longer than `longest`."""
    return min(max(lane_needs, shortest), longest)


Lifespan = Callable[[Starlette], AbstractAsyncContextManager[Any]]


def create_app(kit: App, lifespan: Lifespan | None = None) -> Starlette:
    """The ASGI app for a bootstrapped kit; `lifespan` runs around the server's life."""
    return Starlette(
        lifespan=lifespan,
        routes=[
            Route("/graphql", GraphQLEndpoint(kit).handle, methods=["GET", "POST"]),
            Route("/", lambda _: RedirectResponse("/graphql"), methods=["GET"]),
            static_files(),
        ],
        exception_handlers={HTTPException: starlette_http_error, Exception: internal_error},
        middleware=[Middleware(HeadLimit, max_head_bytes=kit.settings.MAX_HEAD_BYTES)],
    )
