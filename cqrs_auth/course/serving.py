"""`cqrs-auth serve` in the background, and an HTTP client for it, as `curl` would call it;
other `cqrs-auth` commands run on a chapter's database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..bootstrap import App


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(server: subprocess.Popen[bytes], port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("cqrs-auth serve did not start") from None
            time.sleep(0.1)


def _environment(app: App) -> dict[str, str]:
    """This process's environment, with the app's database URL (password included)."""
    return {**os.environ, "DATABASE_URL": app.engine.url.render_as_string(hide_password=False)}


def cqrs_auth_command(app: App, *arguments: str) -> str:
    """Run `cqrs-auth <arguments>` on the app's database, as in a terminal; return what it
    printed (the database URL is passed in the environment, so it is never printed)."""
    command = [sys.executable, "-m", "cqrs_auth.cli", *arguments]
    done = subprocess.run(
        command, env=_environment(app), capture_output=True, text=True, timeout=120, check=False
    )
    return (done.stdout + done.stderr).strip()


@contextmanager
def serving(app: App, port: int | None = None) -> Iterator[str]:
    """Run `cqrs-auth serve` on the app's database in a child process; yield its /graphql URL.

    The child gets the database URL and JWT_SECRET through its environment (so tokens work in
    both), writes its output nowhere, and is stopped, by its own process, on leaving the block.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "cqrs_auth.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=_environment(app), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for(server, port)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.terminate()
        server.wait(timeout=10)


def post_graphql(
    url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """POST a GraphQL request as JSON, like any HTTP client would; return (status, body)."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = token if token.startswith("Bearer ") else f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
