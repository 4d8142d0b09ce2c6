"""Reading a request body with a size limit, without breaking the client's connection.

A server that answers 413 before reading the body leaves the client writing into a socket that
is closed under it (it sees a reset, not the 413). So a body over the limit is read on and
thrown away, up to a hard cap, and then answered; only a body beyond the cap (or one that says
so in Content-Length) gets its answer at once, with `Connection: close`.
"""

from __future__ import annotations

from starlette.requests import Request

DISCARD_CAP_BYTES = 8 * 1024 * 1024


class BodyTooLarge(Exception):
    def __init__(self, limit: int, *, close_connection: bool) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")
        self.limit = limit
        self.close_connection = close_connection


def discard_cap(limit: int) -> int:
    return max(DISCARD_CAP_BYTES, 16 * limit)


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The body, if at most `limit` bytes; BodyTooLarge otherwise."""
    cap = discard_cap(limit)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge(limit, close_connection=True)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge(limit, close_connection=True)
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise BodyTooLarge(limit, close_connection=False)
    return b"".join(chunks)
