"""The ASGI app: GraphQL over HTTP at /graphql (Starlette), GraphiQL for browsers.

Status codes follow the GraphQL-over-HTTP spec: with `application/json` every well-formed
request gets 200; with `application/graphql-response+json` a response without `data` (a parse,
validation or variable error) gets 400. A mutation sent by GET gets 405.

The executor is synchronous (graphql-core's `execute_sync`, the same one the notebooks use), so
it runs in worker threads, never on the event loop. A CapacityLimiter bounds those threads. The
password hasher runs argon2 in its own lane (HASH_CONCURRENCY threads, HASH_QUEUE_SIZE waiting,
SERVER_BUSY beyond), so at most that many worker threads can be waiting for a hash: the limiter
has CHEAP_REQUEST_THREADS more, and a `me`, a locked login or a bad request never waits behind
a hash.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import anyio
from graphql import OperationType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..graphql import GraphQLExecutor
from .body import BodyTooLarge, read_limited_body
from .graphiql import graphiql_page, static_files
from .negotiation import GRAPHQL_RESPONSE_JSON, HTML, choose_media_type
from .params import BadRequest, GraphQLParams, from_json_body, from_query_string

if TYPE_CHECKING:
    from ..bootstrap import App


CHEAP_REQUEST_THREADS = 8


def worker_threads(hash_concurrency: int, hash_queue_size: int) -> int:
    """Room for every request the hash lane admits, plus threads only requests without a hash
    can use (a request refused by a full lane gives its thread back at once)."""
    return hash_concurrency + hash_queue_size + CHEAP_REQUEST_THREADS


class GraphQLEndpoint:
    def __init__(self, kit: App) -> None:
        self.executor = GraphQLExecutor(kit)
        self.max_body_bytes = kit.settings.MAX_BODY_BYTES
        settings = kit.settings
        threads = worker_threads(settings.HASH_CONCURRENCY, settings.HASH_QUEUE_SIZE)
        self.limiter = anyio.CapacityLimiter(threads)

    async def handle(self, request: Request) -> Response:
        is_get = request.method == "GET"
        media_type = choose_media_type(request.headers.get("accept"), allow_html=is_get)
        if media_type is None:
            return _errors("Acceptable: application/graphql-response+json, application/json.", 406)
        if media_type == HTML:
            return graphiql_page()
        try:
            params = await self._params(request)
        except BodyTooLarge as error:
            headers = {"Connection": "close"} if error.close_connection else None
            return _errors(str(error), 413, media_type, headers)
        except BadRequest as error:
            return _errors(error.message, error.status_code, media_type)
        token = request.headers.get("authorization")
        run = partial(self._run, params, token, queries_only=is_get)
        result = await anyio.to_thread.run_sync(run, limiter=self.limiter)
        if result is None:
            return _errors("Mutations are sent with POST.", 405, media_type, {"Allow": "POST"})
        status = 400 if media_type == GRAPHQL_RESPONSE_JSON and "data" not in result else 200
        return JSONResponse(result, status, media_type=media_type)

    async def _params(self, request: Request) -> GraphQLParams:
        if request.method == "GET":
            return from_query_string(request.query_params)
        body = await read_limited_body(request, self.max_body_bytes)
        return from_json_body(request.headers.get("content-type"), body)

    def _run(self, params: GraphQLParams, token: str | None, *, queries_only: bool) -> Any:
        if queries_only:
            operation = self.executor.operation_type(params.query, params.operation_name)
            if operation is not None and operation is not OperationType.QUERY:
                return None
        return self.executor.execute(
            params.query, params.variables, token=token, operation_name=params.operation_name
        )


def _errors(
    message: str,
    status: int,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message}]}, status, headers, media_type)


def create_app(kit: App) -> Starlette:
    """The ASGI app for a bootstrapped kit."""
    return Starlette(
        routes=[
            Route("/graphql", GraphQLEndpoint(kit).handle, methods=["GET", "POST"]),
            Route("/", lambda _: RedirectResponse("/graphql"), methods=["GET"]),
            static_files(),
        ]
    )
