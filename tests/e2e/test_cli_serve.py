import socket
import subprocess
import sys
import time

import httpx
import pytest

from .helpers import LOGIN, PASSWORD, SIGNUP


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(database_url):
    """`cqrs-auth serve` in a subprocess, on an empty database."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cqrs_auth.cli",
            "--database-url",
            database_url,
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield _wait_for_server(process, port)
    process.terminate()
    process.wait(timeout=10)


def _wait_for_server(process: subprocess.Popen, port: int) -> str:
    """The server's /graphql URL, once it answers; fails the test if it exits or hangs."""
    url = f"http://127.0.0.1:{port}/graphql"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, params={"query": "{ __typename }"})
            return url
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"cqrs-auth serve did not start:\n{process.communicate()[0]}")
            time.sleep(0.1)


def test_cqrs_auth_serve_applies_migrations_and_answers_signup_and_login(served):
    values = {"username": "ada", "email": "ada@example.org", "password": PASSWORD}
    signup = httpx.post(
        served,
        json={"query": SIGNUP, "variables": {"input": values | {"passwordConfirm": PASSWORD}}},
    )
    assert signup.json() == {"data": {"signup": {"username": "ada", "email": "ada@example.org"}}}
    variables = {"email": "ada@example.org", "password": PASSWORD}
    login = httpx.post(served, json={"query": LOGIN, "variables": variables})
    assert login.json()["data"]["login"]["user"] == "ada@example.org"
