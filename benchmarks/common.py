"""What the benchmark scripts share: a database to run on, a server in a thread, tables.

Each script runs on a fresh SQLite file and on MariaDB: the URL given with `--mysql-url`, or a
throwaway server that `scripts/mariadb.sh` starts (and stops) for the run.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, inspect, text

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
SIGNUP = "mutation ($i: Signup!) { signup(input: $i) { username } }"
LOGIN = "mutation ($e: EmailAddress!, $p: String!) { login(username: $e, password: $p) { user } }"
TOKEN = LOGIN.replace("{ user }", "{ Authorization }")
ME = "{ me { username } }"

os.environ.setdefault("JWT_SECRET", secrets.token_urlsafe(32))


@contextmanager
def mariadb(url: str | None) -> Iterator[str]:
    """The MariaDB to run on: `url`, or a throwaway server for the run (scripts/mariadb.sh)."""
    if url:
        yield url
        return
    folder = tempfile.mkdtemp(prefix="cqrs-bench-mdb-")
    script = str(ROOT / "scripts" / "mariadb.sh")
    started = subprocess.run(
        ["bash", script, "start", folder], capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        raise SystemExit(f"could not start MariaDB:\n{started.stderr}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", script, "stop", folder], capture_output=True, check=False)


@contextmanager
def databases(mysql_url: str | None, *, sqlite: bool = True) -> Iterator[list[tuple[str, str]]]:
    """(name, url) for a fresh SQLite file and an emptied MariaDB database."""
    with tempfile.TemporaryDirectory() as folder, mariadb(mysql_url) as url:
        empty_mysql(url)
        found = [("SQLite", f"sqlite:///{folder}/bench.db")] if sqlite else []
        yield [*found, ("MariaDB", url)]


def empty_mysql(url: str) -> None:
    """Drop every table of the database, so the run starts empty."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        for table in inspect(connection).get_table_names():
            connection.execute(text(f"DROP TABLE `{table}`"))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerThread:
    """The kit's HTTP server (`build_server`, as `cqrs-auth serve` runs it) in a thread."""

    def __init__(self, kit: Any) -> None:
        from cqrs_auth.http.server import build_server

        port = free_port()
        self.url = f"http://127.0.0.1:{port}/graphql"
        self.server = build_server(kit, port=port, log_config=None, access_log=False)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def post(http: httpx.Client, url: str, query: str, variables: Any = None, token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"query": query, "variables": variables}
    answer = http.post(url, json=body, headers=headers).json()
    if answer.get("errors"):
        raise RuntimeError(answer["errors"][0]["extensions"]["code"])
    return answer["data"]


def token_for(http: httpx.Client, url: str, email: str) -> str:
    """A login's bearer token (without "Bearer ")."""
    data = post(http, url, TOKEN, {"e": email, "p": PASSWORD})
    return str(data["login"]["Authorization"]).removeprefix("Bearer ")


def signup_variables(number: int) -> dict[str, Any]:
    values = {"username": f"user{number}", "email": f"user{number}@example.org"}
    return {"i": values | {"password": PASSWORD, "passwordConfirm": PASSWORD}}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A Markdown table, so that benchmarks/README.md can hold it as printed."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("\n".join(lines))
