"""Reading a request body with a size limit and a time limit, without breaking the client's
connection.

A server that answers 413 before reading the body leaves the client writing into a socket that
is closed under it (it sees a reset, not the 413). So a body over the limit is read on and
thrown away, up to a hard cap, and then answered; only a body beyond the cap (or one that says
so in Content-Length) gets its answer at once, with `Connection: close`.

A body that does not arrive within BODY_TIMEOUT_SECONDS (a client sending a byte a second) is
answered 408 with `Connection: close`, so it cannot hold a connection and a task forever.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request

from .errors import CLOSE, HttpError

DISCARD_CAP_BYTES = 8 * 1024 * 1024


def discard_cap(limit: int) -> int:
    return max(DISCARD_CAP_BYTES, 16 * limit)


def too_large(limit: int, *, close_connection: bool) -> HttpError:
    headers = CLOSE if close_connection else None
    return HttpError(413, f"The request body is larger than {limit} bytes.", headers)


async def read_limited_body(request: Request, limit: int, timeout: float) -> bytes:
    """The body, if at most `limit` bytes and sent within `timeout` seconds; HttpError otherwise."""
    try:
        with anyio.fail_after(timeout):
            return await _read(request, limit)
    except TimeoutError:
        message = f"The request body did not arrive within {timeout:g} seconds."
        raise HttpError(408, message, CLOSE) from None


async def _read(request: Request, limit: int) -> bytes:
    cap = discard_cap(limit)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise too_large(limit, close_connection=True)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise too_large(limit, close_connection=True)
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise too_large(limit, close_connection=False)
    return b"".join(chunks)
