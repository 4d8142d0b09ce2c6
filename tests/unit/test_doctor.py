"""`cqrs-auth doctor`'s checks of the machine: each failure comes with what to do."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cqrs_auth.doctor import ports
from cqrs_auth.doctor.checks import check_packages, check_python, check_settings
from cqrs_auth.doctor.ports import check_port, jupyter_version


def test_python_3_10_is_too_old_and_the_advice_names_3_11():
    check = check_python((3, 10, 14))
    assert not check.ok
    assert check.what == "Python 3.10.14 is too old"
    assert "3.11" in check.advice


def test_python_3_11_and_newer_pass():
    assert check_python((3, 11, 0)).ok
    assert check_python((3, 13, 1)).ok


def test_a_missing_course_package_is_named_with_how_to_install_it():
    kit, course = check_packages(("jupyterlab", "no_such_course_package"))
    assert kit.ok and kit.what.startswith("cqrs-auth ")
    assert not course.ok
    assert course.what == "missing: no_such_course_package"
    assert "bash scripts/start" in course.advice


def test_present_course_packages_are_listed_with_their_versions():
    _, course = check_packages(("pandas",))
    assert course.ok
    assert course.what.startswith("pandas 3.")


@pytest.fixture
def listening_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_a_port_something_listens_on_fails_and_the_advice_says_what_to_do(listening_port):
    check = check_port(listening_port)
    assert not check.ok
    assert check.what == f"port {listening_port} is in use"
    assert "choose another port" in check.advice


def test_the_advice_for_a_busy_port_3000_is_another_port_for_serve(monkeypatch, listening_port):
    monkeypatch.setitem(ports.PORT_ADVICE, listening_port, ports.PORT_ADVICE[3000])
    assert "cqrs-auth serve --port 3001" in check_port(listening_port).advice


def test_a_free_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert check_port(port).ok


def serving(answer: bytes, content_type: str = "application/json") -> Iterator[int]:
    """An HTTP server on a free port that answers every GET with `answer`; yields its port."""

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/api" else 404)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def jupyter_like_port() -> Iterator[int]:
    """What Jupyter Server answers at /api."""
    yield from serving(json.dumps({"version": "2.17.0"}).encode())


@pytest.fixture
def foreign_web_port() -> Iterator[int]:
    """Another web server: a page at /api, not Jupyter's JSON."""
    yield from serving(b"<html><body>my own app</body></html>", "text/html")


def test_jupyterlabs_port_held_by_a_jupyter_server_is_ok_and_says_so(
    monkeypatch, jupyter_like_port
):
    monkeypatch.setattr(ports, "JUPYTER_PORT", jupyter_like_port)
    check = check_port(jupyter_like_port)
    assert check.ok
    assert check.what == f"port {jupyter_like_port}: JupyterLab runs there (Jupyter Server 2.17.0)"


def test_jupyterlabs_port_held_by_another_web_server_fails(monkeypatch, foreign_web_port):
    monkeypatch.setattr(ports, "JUPYTER_PORT", foreign_web_port)
    assert jupyter_version(foreign_web_port) is None
    check = check_port(foreign_web_port)
    assert not check.ok
    assert check.what == f"port {foreign_web_port} is in use"


def test_jupyterlabs_port_held_by_a_listener_that_never_answers_fails_in_seconds(
    monkeypatch, listening_port
):
    monkeypatch.setattr(ports, "JUPYTER_PORT", listening_port)
    monkeypatch.setattr(ports, "ASK_SECONDS", 0.5)
    assert not check_port(listening_port).ok


def test_a_jupyter_server_on_another_port_than_jupyterlabs_still_fails(jupyter_like_port):
    """Port 3000 is `cqrs-auth serve`'s: a Jupyter there is in the way."""
    assert jupyter_version(jupyter_like_port) == "2.17.0"
    assert not check_port(jupyter_like_port).ok


def test_a_proxy_in_the_environment_does_not_answer_for_the_local_port(
    monkeypatch, jupyter_like_port
):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert jupyter_version(jupyter_like_port) == "2.17.0"


def test_production_without_a_jwt_secret_is_a_failed_settings_check(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("JWT_SECRET", raising=False)
    check, settings = check_settings()
    assert settings is None
    assert not check.ok
    assert "JWT_SECRET must be set in production" in check.what
    assert check.advice
