"""What the e2e tests share: a server in a thread, a client for either way in, and the
tutorial's three operations."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from cqrs_auth import App
from cqrs_auth.http.server import build_server

PASSWORD = "correct horse battery staple"


class RunningServer:
    """uvicorn serving a kit in a background thread; `url` is its /graphql endpoint."""

    def __init__(self, kit: App, **options: Any) -> None:
        self.kit = kit
        # IPPROTO_TCP named: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto
        # says TCP, and with Nagle on each answer with a body waits ~40 ms for a delayed ACK.
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.socket.bind(("127.0.0.1", 0))
        port = self.socket.getsockname()[1]
        self.address = ("127.0.0.1", port)
        self.url = f"http://127.0.0.1:{port}/graphql"
        # log_config=None: uvicorn's loggers propagate, so caplog sees the access log too
        self.server = build_server(kit, host="127.0.0.1", port=port, log_config=None, **options)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@dataclass
class Client:
    """One way to run GraphQL against a kit: in-process, or by POST over HTTP."""

    kit: App
    server: RunningServer | None = None
    http: httpx.Client | None = None

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        if self.server is None:
            return self.kit.graphql(query, variables, token=token)
        assert self.http is not None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.post(
            self.server.url, json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        return response.json()


SIGNUP = """mutation Signup($input: Signup!) {
  signup(input: $input) { username email }
}"""
LOGIN = """mutation Login($email: EmailAddress!, $password: String!) {
  login(username: $email, password: $password) { Authorization user expiresIn }
}"""
ME = "query Me { me { userId username email } }"


def signup(client: Client, username: str = "ada", email: str = "ada@example.org", **fields: str):
    values = {"username": username, "email": email, "password": PASSWORD}
    values |= {"passwordConfirm": values["password"]} | fields
    return client.execute(SIGNUP, {"input": values})


def login(client: Client, email: str = "ada@example.org", password: str = PASSWORD):
    return client.execute(LOGIN, {"email": email, "password": password})


def token_of(result: dict[str, Any]) -> str:
    authorization = result["data"]["login"]["Authorization"]
    assert authorization.startswith("Bearer ")
    return authorization.removeprefix("Bearer ")


def only_error(result: dict[str, Any]) -> dict[str, Any]:
    assert len(result.get("errors", [])) == 1, result
    return result["errors"][0]
