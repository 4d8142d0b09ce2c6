"""uvicorn's HTTP/1.1 protocol as the kit runs it: a time limit on a request's head, and the
protocol's own 400 (for bytes that are not HTTP) as the kit's JSON error.

uvicorn closes a keep-alive connection that stays silent, but a client that sends one byte of
its request line or headers every few seconds keeps the connection (and its memory) forever:
the slowloris attack. This mixin gives every request head HEADER_TIMEOUT_SECONDS to arrive whole,
counted from the moment the connection opens or the previous response was sent; a connection
whose head is late is closed. (The body has its own limit, BODY_TIMEOUT_SECONDS, in body.py.)

It works the same for uvicorn's two HTTP/1.1 protocols, h11 and httptools: both start a new
`cycle` when a request's head is complete, call `on_response_complete` when its answer is sent
and `send_400_response` for a request they cannot parse, and that is all it uses. The classes
are defined here, by name, so that uvicorn can hand them to its worker processes (pickled).
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .errors import error_body

if TYPE_CHECKING:
    _Protocol = H11Protocol
else:
    _Protocol = object

log = logging.getLogger("cqrs_auth.http")


class KitProtocol(_Protocol):
    _head_timer: asyncio.TimerHandle | None = None

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._wait_for_head()

    def on_response_complete(self) -> None:
        self._wait_for_head()  # before the next head, which a pipelining client has sent
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _wait_for_head(self) -> None:
        self._stop_waiting()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_late, self.cycle)

    def _stop_waiting(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self, cycle_before: object) -> None:
        """No new request cycle since the timer started: the head has not arrived whole."""
        if self.cycle is cycle_before and not self.transport.is_closing():
            log.info("closing a connection: no complete request head in %gs", self.header_timeout)
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        body = json.dumps(error_body(400, msg)).encode()
        head = "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
        head += f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        self.transport.write(head.encode() + body)
        self.transport.close()


class KitH11Protocol(KitProtocol, H11Protocol):
    pass


class KitHttpToolsProtocol(KitProtocol, HttpToolsProtocol):  # type: ignore[misc]  # typed as h11
    pass


PROTOCOLS = {"h11": KitH11Protocol, "httptools": KitHttpToolsProtocol}


def kit_protocol(http: str, header_timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's protocol named `http` ("h11", "httptools"), as the kit runs it, for uvicorn's
    `http` option: uvicorn calls it for each connection, and pickles it for its workers (a
    partial of a class defined by name; uvicorn's annotation says class, a callable is used)."""
    return cast("type[asyncio.Protocol]", partial(PROTOCOLS[http], header_timeout=header_timeout))
