"""The HTTP/1.1 protocol, over real sockets, with both of uvicorn's parsers (h11, httptools).

Slow clients: a request head or body that trickles in is cut off after its time limit
(HEADER_TIMEOUT_SECONDS, BODY_TIMEOUT_SECONDS); a client that is merely waiting for a slow
answer, or keeps its connection alive between requests, is not. And bytes that are not HTTP get
a JSON 400 with a code, like every other refusal."""

import json
import socket
import time

import pytest

from cqrs_auth.domain.errors import InvalidCredentials

from .helpers import LOGIN, PASSWORD, RunningServer

LIMIT = 0.5
EARLY = 0.005  # uvloop rounds its timers to the millisecond, and the client starts its clock late
PARSERS = ["h11", "httptools"]


@pytest.fixture(params=PARSERS)
def slow_server(request, make_app):
    kit = make_app(HEADER_TIMEOUT_SECONDS=LIMIT, BODY_TIMEOUT_SECONDS=LIMIT)
    running = RunningServer(kit, http=request.param)
    yield running
    running.stop()


def connect(server: RunningServer) -> socket.socket:
    connection = socket.create_connection(server.address, timeout=10)
    connection.settimeout(10)
    return connection


def trickle_until_closed(connection: socket.socket, data: bytes, *, every: float) -> float:
    """Send `data` a byte at a time; the seconds until the server closed the connection."""
    started = time.monotonic()
    for byte in data:
        try:
            connection.sendall(bytes([byte]))
            connection.settimeout(every)
            if connection.recv(1024) == b"":
                return time.monotonic() - started
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - started
    raise AssertionError(f"still open after {time.monotonic() - started:.1f}s")


def read_response(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-cased names) and body of one HTTP/1.1 response with a length."""
    connection.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        assert chunk, f"closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    while len(body) < int(headers["content-length"]):
        body += connection.recv(65536)
    return int(status_line.split()[1]), headers, body


def request_bytes(body: bytes, **headers: str) -> bytes:
    lines = ["POST /graphql HTTP/1.1", "Host: test", "Content-Type: application/json"]
    lines += [f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_a_client_sending_its_headers_a_byte_at_a_time_is_disconnected_after_the_limit(
    slow_server,
):
    head = b"POST /graphql HTTP/1.1\r\nHost: test\r\nX-Slow: " + b"a" * 200
    with connect(slow_server) as connection:
        closed_after = trickle_until_closed(connection, head, every=0.05)
    assert LIMIT - EARLY <= closed_after < LIMIT + 5


def test_a_connection_that_never_sends_a_byte_is_closed_after_the_header_limit(slow_server):
    with connect(slow_server) as connection:
        started = time.monotonic()
        assert connection.recv(1024) == b""
        assert LIMIT - EARLY <= time.monotonic() - started < LIMIT + 5


def test_a_client_sending_its_body_a_byte_at_a_time_gets_408_and_the_connection_closes(
    slow_server,
):
    body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * 200}}).encode()
    message = request_bytes(body)
    with connect(slow_server) as connection:
        head_length = message.index(b"\r\n\r\n") + 4
        connection.sendall(message[:head_length])
        for byte in body[:5]:  # a few bytes, then silence: the limit counts the whole body
            connection.sendall(bytes([byte]))
            time.sleep(0.05)
        status, headers, response = read_response(connection)
        assert connection.recv(1024) == b""  # and then the server closes the connection
    assert status == 408
    assert headers["connection"] == "close"
    assert json.loads(response)["errors"][0]["extensions"] == {"code": "REQUEST_TIMEOUT"}


def test_a_normal_client_keeps_its_connection_across_requests_and_slow_answers(slow_server):
    def slow_validate(email: str, password: str):
        time.sleep(3 * LIMIT)  # the answer takes longer than either limit
        raise InvalidCredentials()

    slow_server.kit.local_strategy.validate = slow_validate
    login = {"query": LOGIN, "variables": {"email": "a@example.org", "password": PASSWORD}}
    with connect(slow_server) as connection:
        for body in (login, {"query": "{ __typename }"}):
            connection.sendall(request_bytes(json.dumps(body).encode()))
            status, headers, response = read_response(connection)
            assert status == 200 and "close" not in headers.get("connection", "")
            time.sleep(LIMIT / 3)  # a pause between requests, shorter than the limit
    assert json.loads(response) == {"data": {"__typename": "Query"}}


def test_bytes_that_are_not_http_get_a_json_400_with_a_code(slow_server):
    with connect(slow_server) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: test\r\nno colon here\r\n\r\n")
        status, headers, response = read_response(connection)
    assert status == 400 and headers["content-type"] == "application/json"
    assert json.loads(response) == {
        "errors": [
            {"message": "Invalid HTTP request received.", "extensions": {"code": "BAD_REQUEST"}}
        ]
    }
