"""A time limit on a request's head, which uvicorn does not have.

uvicorn closes a keep-alive connection that stays silent, but a client that sends one byte of
its request line or headers every few seconds keeps the connection (and its memory) forever:
the slowloris attack. This mixin gives every request head HEADER_TIMEOUT_SECONDS to arrive whole,
counted from the moment the connection opens or the previous response was sent; a connection
whose head is late is closed. (The body has its own limit, BODY_TIMEOUT_SECONDS, in body.py.)

It works the same for uvicorn's two HTTP/1.1 protocols, h11 and httptools: both start a new
`cycle` when a request's head is complete and call `on_response_complete` when its answer is
sent, and that is all it watches.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from uvicorn.config import HTTP_PROTOCOLS
from uvicorn.importer import import_from_string

if TYPE_CHECKING:
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Protocol
else:
    _Protocol = object

log = logging.getLogger("cqrs_auth.http")


class HeaderTimeout(_Protocol):
    header_timeout: float
    _head_timer: asyncio.TimerHandle | None = None

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


def with_header_timeout(http: str, seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's protocol class named `http` ("h11", "httptools"), with the head time limit."""
    base = import_from_string(HTTP_PROTOCOLS[http])
    name = f"{base.__name__}WithHeaderTimeout"
    return type(name, (HeaderTimeout, base), {"header_timeout": seconds})
