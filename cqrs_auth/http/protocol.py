"""uvicorn's HTTP/1.1 protocol as the kit runs it: a time limit and a size limit on a request's
head, and the protocol's own 400 (for bytes that are not HTTP) as the kit's JSON error.

uvicorn closes a keep-alive connection that stays silent, but a client that sends one byte of
its request line or headers every few seconds keeps the connection (and its memory) forever:
the slowloris attack. This mixin gives every request head HEADER_TIMEOUT_SECONDS to arrive whole,
counted from the moment the connection opens or the previous response was sent; a connection
whose head is late is closed. (The body has its own limit, BODY_TIMEOUT_SECONDS, in body.py.)

It works the same for uvicorn's two HTTP/1.1 protocols, h11 and httptools: both start a new
`cycle` when a request's head is complete, call `on_response_complete` when its answer is sent
and `send_400_response` for a request they cannot parse, and that is all it uses. The classes
are defined here, by name, so that uvicorn can hand them to its worker processes (pickled).

A head whose end has not come within MAX_HEAD_BYTES is answered 431 and its connection closed,
the rest unread (httptools alone read a 20 MB header whole). h11 keeps that bound itself
(`protocol_options`); `KitHttpToolsProtocol` counts. Both check after each read of the socket:
a head holds at most MAX_HEAD_BYTES and one read (256 KiB at most) in memory. (A head that came
whole in one read is measured by head_limit.py, for both parsers.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .errors import error_body
from .head_limit import HEAD_TOO_LARGE, head_too_large_message

if TYPE_CHECKING:
    from ..settings import Settings

    _Protocol = H11Protocol
else:
    _Protocol = object

log = logging.getLogger("cqrs_auth.http")


class KitProtocol(_Protocol):
    _head_timer: asyncio.TimerHandle | None = None
    _head_refused = False  # a head past the limit waits for the answer before it

    def __init__(
        self, *args: Any, header_timeout: float, max_head_bytes: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.max_head_bytes = max_head_bytes

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._wait_for_head()

    def on_response_complete(self) -> None:
        if self._head_refused:
            self.refuse_the_head()  # now that the answer before it is sent
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
        """uvicorn calls this while it handles the parser's error; h11's error for a head past
        its bound says 431 (`error_status_hint`)."""
        if getattr(sys.exc_info()[1], "error_status_hint", 400) == HEAD_TOO_LARGE:
            self.refuse_the_head()
        else:
            self.refuse(400, msg)

    def refuse_the_head(self) -> None:
        """Answer 431 and close; behind a pipelined request still being answered, stop reading
        and answer once that answer is sent (answers go out in the order of the requests)."""
        if self.cycle is not None and not self.cycle.response_complete:
            self._head_refused = True
            self.flow.pause_reading()
            return
        log.info("closing a connection: a request head larger than %d bytes", self.max_head_bytes)
        self.refuse(HEAD_TOO_LARGE, head_too_large_message(self.max_head_bytes))

    def refuse(self, status: int, message: str) -> None:
        """Answer with the kit's JSON error and close the connection."""
        body = json.dumps(error_body(status, message)).encode()
        reason = HTTPStatus(status).phrase
        head = f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        head += f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        self.transport.write(head.encode() + body)
        self.transport.close()


class KitH11Protocol(KitProtocol, H11Protocol):
    pass


class KitHttpToolsProtocol(KitProtocol, HttpToolsProtocol):  # type: ignore[misc]  # typed as h11
    """Counts the bytes fed from the end of a message (or the connection's start) to the end of
    the next head. A read in which a message ends and a pipelined one begins is not counted
    (short by less than a read); a head that begins a read is counted from its first byte."""

    _in_head = True
    _head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        too_large = self._in_head and self._head_bytes > self.max_head_bytes
        if too_large and not self.transport.is_closing():
            self.refuse_the_head()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True  # what comes next begins the next request


PROTOCOLS = {"h11": KitH11Protocol, "httptools": KitHttpToolsProtocol}


def kit_protocol(http: str, header_timeout: float, max_head_bytes: int) -> type[asyncio.Protocol]:
    """uvicorn's protocol named `http` ("h11", "httptools"), as the kit runs it, for uvicorn's
    `http` option: uvicorn calls it for each connection, and pickles it for its workers (a
    partial of a class defined by name; uvicorn's annotation says class, a callable is used)."""
    protocol = partial(
        PROTOCOLS[http], header_timeout=header_timeout, max_head_bytes=max_head_bytes
    )
    return cast("type[asyncio.Protocol]", protocol)


def protocol_options(http: str, settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the kit's HTTP/1.1 with the parser `http`: the protocol, and h11's
    own bound on an incomplete head (h11 refuses past it; httptools is bounded by the class)."""
    return {
        "http": kit_protocol(http, settings.HEADER_TIMEOUT_SECONDS, settings.MAX_HEAD_BYTES),
        "h11_max_incomplete_event_size": settings.MAX_HEAD_BYTES,
    }
