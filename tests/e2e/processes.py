"""`cqrs-auth serve` as a separate process, for the tests that start, kill and restart servers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import httpx

from .helpers import SIGNUP

PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """One `cqrs-auth serve --workers N` on 127.0.0.1 (one process unless `workers` says
    otherwise); `settings` go to its environment."""

    def __init__(self, database_url: str, *, workers: int = 1, **settings: object) -> None:
        self.database_url, self.port, self.workers = database_url, free_port(), workers
        self.env = os.environ | {name: str(value) for name, value in settings.items()}
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        self.output = tempfile.TemporaryFile()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "cqrs_auth.cli", "--database-url", self.database_url]
        command += ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=self.output, stderr=subprocess.STDOUT
        )
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.answers():
            assert self.process and self.process.poll() is None, f"it died:\n{self.log()}"
            assert time.monotonic() < deadline, f"it did not come up:\n{self.log()}"
            time.sleep(0.1)

    def answers(self) -> bool:
        try:
            response = httpx.get(self.url, params={"query": "{ __typename }"}, timeout=5)
        except httpx.TransportError:
            return False
        return response.json() == {"data": {"__typename": "Query"}}

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as when a machine loses power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        self.output.seek(0)
        return self.output.read().decode(errors="replace")[-4000:]


def sign_up_over_http(http: httpx.Client, url: str, number: int) -> str:
    """Sign user `number` up; the answer's error code, or "created"."""
    values = {"username": f"user{number}", "email": f"user{number}@example.org"}
    values |= {"password": PASSWORD, "passwordConfirm": PASSWORD}
    body = http.post(url, json={"query": SIGNUP, "variables": {"input": values}}).json()
    errors = body.get("errors")
    return errors[0]["extensions"]["code"] if errors else "created"
