"""A request's head (request line and headers) is bounded by MAX_HEAD_BYTES with both of
uvicorn's parsers (h11, httptools), over real sockets: a head whose end has not come within the
limit gets a JSON 431 and its connection is closed, the rest never read, whether it is sent
whole or trickles in; ordinary heads, kept-alive and pipelined requests still work. Against
`cqrs-auth serve`, four 20 MB headers leave the worker's peak memory where it was."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cqrs_auth.settings import Settings

from .helpers import RunningServer
from .processes import ServerProcess

PARSERS = ["h11", "httptools"]
LIMIT = Settings.model_fields["MAX_HEAD_BYTES"].default
MIB = 1024 * 1024


def get(header_bytes: int) -> bytes:
    """A GET of `{ __typename }` whose X-Pad header holds `header_bytes` bytes."""
    line = b"GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: test\r\n"
    return line + b"X-Pad: " + b"a" * header_bytes + b"\r\n\r\n"


def answers(connection: socket.socket, count: int = 1) -> list[tuple[int, bytes]]:
    """Status and body of the next `count` responses (each with a content-length)."""
    data, found = b"", []
    while len(found) < count:
        if b"\r\n\r\n" in data:
            head, _, rest = data.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            if len(rest) >= length:
                found.append((int(head.split()[1]), rest[:length]))
                data = rest[length:]
                continue
        chunk = connection.recv(65536)
        assert chunk, f"closed after {found} and {data[:200]!r}"
        data += chunk
    return found


def until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    try:
        while chunk := connection.recv(65536):
            data += chunk
    except ConnectionResetError:  # the server closed with the rest of the head unread
        pass
    return data


def refusal(connection: socket.socket) -> tuple[int, dict, bool]:
    """Status and JSON body of the one answer before the server closed; closed = True."""
    data = until_closed(connection)
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"connection: close" in head.lower(), data[:300]
    return int(head.split()[1]), json.loads(body), True


def trickle(connection: socket.socket, data: bytes, piece: int, every: float) -> int:
    """Send `data` a piece at a time until the server closes; how many bytes went out."""
    sent = 0
    try:
        while sent < len(data):
            connection.sendall(data[sent : sent + piece])
            sent += piece
            time.sleep(every)
    except (BrokenPipeError, ConnectionResetError):
        pass
    return sent


def send_whole(connection: socket.socket, data: bytes) -> threading.Thread:
    """Send all of `data` from a thread (the server may stop reading): the thread."""

    def send() -> None:
        try:
            connection.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def assert_refused_as_too_large(connection: socket.socket) -> None:
    status, body, closed = refusal(connection)
    assert (status, closed) == (431, True)
    assert body["errors"][0]["extensions"] == {"code": "REQUEST_HEADER_FIELDS_TOO_LARGE"}
    assert body["errors"][0]["message"] == f"The request head is larger than {LIMIT} bytes."


@pytest.fixture(params=PARSERS)
def server(request, make_app):
    running = RunningServer(make_app(), http=request.param)
    yield running
    running.stop()


def connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=30)


def test_a_head_of_half_the_limit_is_answered_sent_whole_or_a_kilobyte_at_a_time(server):
    with connect(server.address) as connection:
        connection.sendall(get(LIMIT // 2))
        trickle(connection, get(LIMIT // 2), 1024, 0.002)
        assert [status for status, _ in answers(connection, 2)] == [200, 200]


def test_a_head_of_exactly_the_limit_is_answered_and_one_byte_more_is_refused_sent_whole(
    server,
):
    padding = LIMIT - len(get(0))
    assert len(get(padding)) == LIMIT
    with connect(server.address) as connection:
        connection.sendall(get(padding))
        assert [status for status, _ in answers(connection)] == [200]
        connection.sendall(get(padding + 1))
        assert_refused_as_too_large(connection)


def test_requests_on_one_connection_each_have_the_whole_limit(server):
    with connect(server.address) as connection:
        for _ in range(4):  # together four times the limit, kept alive, each in pieces
            trickle(connection, get(LIMIT * 3 // 4), 4096, 0.001)
            assert answers(connection) == [(200, b'{"data":{"__typename":"Query"}}')]
        connection.sendall(get(LIMIT * 3 // 4) * 3)  # pipelined, in one go
        assert [status for status, _ in answers(connection, 3)] == [200, 200, 200]


def test_a_head_past_the_limit_trickling_in_gets_431_and_the_connection_closes(server):
    with connect(server.address) as connection:
        sent = trickle(connection, get(20 * MIB), 1024, 0.001)
        assert_refused_as_too_large(connection)
    assert sent < 20 * MIB  # the server did not wait for the rest


def test_a_huge_head_pipelined_behind_a_small_request_is_refused_after_its_answer(server):
    with connect(server.address) as connection:
        thread = send_whole(connection, get(100) + get(4 * MIB))
        data = until_closed(connection)
        thread.join()
    first, _, refusal = data.partition(b'{"data":{"__typename":"Query"}}')
    assert first.startswith(b"HTTP/1.1 200 OK\r\n")
    assert refusal.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert b"connection: close" in refusal


def test_a_huge_request_line_is_refused_the_same_way(server):
    with connect(server.address) as connection:
        thread = send_whole(connection, b"GET /" + b"a" * (4 * MIB) + b" HTTP/1.1\r\n\r\n")
        assert_refused_as_too_large(connection)
        thread.join()


def memory(pid: int) -> dict[str, int]:
    """The process's peak resident memory (VmHWM) and resident memory now (VmRSS), in bytes."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in lines)
    return {name: int(fields[name].split()[0]) * 1024 for name in ("VmHWM", "VmRSS")}


@pytest.fixture(params=PARSERS)
def served(request, tmp_path):
    """`cqrs-auth serve` (one process: the worker) with the parser."""
    database = f"sqlite:///{tmp_path / 'kit.db'}"
    server = ServerProcess(database, HTTP_PARSER=request.param, ACCESS_LOG="false").start()
    server.wait_ready()
    server.parser = request.param  # type: ignore[attr-defined]
    yield server
    server.stop()


def test_serve_runs_the_parser_http_parser_names(served):
    """A lower-case method: a token h11 passes on (Starlette: 405), which httptools refuses."""
    with connect(("127.0.0.1", served.port)) as connection:
        connection.sendall(b"get /graphql HTTP/1.1\r\nHost: test\r\n\r\n")
        status = answers(connection)[0][0]
    assert status == {"h11": 405, "httptools": 400}[served.parser]


def warm_up(address: tuple[str, int]) -> None:
    """Requests with ordinary and half-limit heads, so that the buffers they need exist."""
    for _ in range(5):
        with connect(address) as connection:
            connection.sendall(get(100) + get(LIMIT // 2))
            assert [status for status, _ in answers(connection, 2)] == [200, 200]


@pytest.mark.parametrize("sending", ["whole", "trickled"])
def test_four_20_mb_headers_are_refused_without_growing_the_workers_memory(served, sending):
    address = ("127.0.0.1", served.port)
    huge = get(20 * 1000 * 1000)
    warm_up(address)
    assert served.process is not None
    before = memory(served.process.pid)

    def send_one(_: int) -> None:
        with connect(address) as connection:
            if sending == "whole":
                thread = send_whole(connection, huge)
                assert_refused_as_too_large(connection)
                thread.join()
            else:
                assert trickle(connection, huge, 4096, 0.005) < len(huge)
                assert_refused_as_too_large(connection)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send_one, range(4)))
    after = memory(served.process.pid)
    assert after["VmHWM"] - before["VmHWM"] < 4 * MIB, (before, after)
    assert after["VmRSS"] - before["VmRSS"] < 4 * MIB, (before, after)
    assert served.answers()  # and it goes on serving
