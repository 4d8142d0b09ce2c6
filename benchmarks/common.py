"""What the benchmark scripts share: a database to run on, a server in a thread, tables.

Each script runs on a fresh SQLite file and on MariaDB: the URL given with `--mysql-url`, or a
throwaway server that `scripts/mariadb.sh` starts (and stops) for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

from cqrs_auth.adapters.db import drop_kit_tables

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
SIGNUP = "mutation ($i: Signup!) { signup(input: $i) { username } }"
LOGIN = "mutation ($e: EmailAddress!, $p: String!) { login(username: $e, password: $p) { user } }"
TOKEN = LOGIN.replace("{ user }", "{ Authorization }")
ME = "{ me { username } }"
LOGIN_USERS = 200  # the users a benchmark's logins take turns with

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
    os.environ["CQRS_BENCH_MARIADB_DIR"] = folder  # where its PID is (its CPU is measured)
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", script, "stop", folder], capture_output=True, check=False)


@contextmanager
def databases(mysql_url: str | None, *, sqlite: bool = True) -> Iterator[list[tuple[str, str]]]:
    """(name, url) for a fresh SQLite file and a MariaDB database without the kit's tables."""
    with tempfile.TemporaryDirectory() as folder, mariadb(mysql_url) as url:
        drop_kit_tables(url)
        found = [("SQLite", f"sqlite:///{folder}/bench.db")] if sqlite else []
        yield [*found, ("MariaDB", url)]


T = TypeVar("T")


def on_each_database(
    doc: str, rounds: int, measure: Callable[[str, int], T]
) -> tuple[int, dict[str, T]]:
    """The command line of a script that measures `--rounds` rounds on SQLite and on MariaDB
    (`--mysql-url`, or a throwaway one): prints the load average at the start, and returns the
    rounds and `measure(url, rounds)` for each database, by name."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--mysql-url", help="default: a throwaway MariaDB (scripts/mariadb.sh)")
    parser.add_argument("--rounds", type=int, default=rounds)
    args = parser.parse_args()
    print(f"load average at the start: {load_average()}")
    with databases(args.mysql_url) as found:
        return args.rounds, {name: measure(url, args.rounds) for name, url in found}


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


def process_tree_ticks(pid: int) -> int:
    """CPU time (user + system, in clock ticks) of a process and its children, alive ones."""
    total = 0
    for member in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *children(int(child))]
    return found


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


class BenchServer:
    """A benchmark server script (nohash.py, floor.py) in a process of its own."""

    def __init__(
        self,
        script: str,
        database_url: str,
        workers: int = 1,
        *extra: str,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = port = free_port()
        self.url = f"http://127.0.0.1:{port}/graphql"
        command = [sys.executable, str(ROOT / "benchmarks" / script), "--database-url"]
        command += [database_url, "--port", str(port), "--workers", str(workers), *extra]
        environment = os.environ | {"RELAY_INTERVAL_SECONDS": "1"} | (env or {})
        self.process = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_answering(self.url, self.process, workers)

    def cpu_ms(self) -> float:
        """CPU time the server has used so far (all its processes and threads)."""
        return process_tree_ticks(self.process.pid) * TICK_MS

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


class KitServer:
    """`cqrs-auth serve` (the kit itself, with its hash) in a process of its own; `env`:
    settings for it."""

    def __init__(self, url: str, workers: int = 1, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        command = [sys.executable, "-m", "cqrs_auth.cli", "--database-url", url]
        command += ["serve", "--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(
            command,
            env=os.environ | (env or {}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_answering(self.url, self.process, workers)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def no_hash_server(
    database_url: str, workers: int = 1, env: dict[str, str] | None = None
) -> BenchServer:
    """The kit without its hash (benchmarks/nohash.py); `env`: settings for it."""
    return BenchServer("nohash.py", database_url, workers, env=env)


def wait_until_answering(url: str, process: subprocess.Popen[bytes], workers: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode})")
        try:
            if httpx.post(url, json={"query": "{ __typename }"}).is_success:
                time.sleep(3 if workers > 1 else 0)  # the other workers finish starting
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not answer")


@dataclass
class Load:
    requests: int
    per_second: float
    errors: int  # answers that were not 2xx, and socket errors


class Wrk:
    """wrk (Debian's package), a load generator written in C: little CPU per request."""

    def __init__(self) -> None:
        if not shutil.which("wrk"):
            raise SystemExit("wrk is needed: apt-get install wrk (Debian's package)")
        self.folder = tempfile.mkdtemp(prefix="cqrs-bench-wrk-")

    def script(self, name: str, bodies: Sequence[dict[str, Any]], token: str = "") -> str:
        """A wrk Lua script that POSTs the `bodies` in turn, one per request (and a bearer
        token)."""
        lines = ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"']
        if token:
            lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
        if len(bodies) == 1:
            lines.append(f"wrk.body = {json.dumps(json.dumps(bodies[0]))}")
        else:
            listed = ",\n".join(json.dumps(json.dumps(body)) for body in bodies)
            lines += [f"bodies = {{\n{listed}\n}}", "i = 0", "request = function()"]
            lines += ["  i = i % #bodies + 1", "  return wrk.format(nil, nil, nil, bodies[i])"]
            lines.append("end")
        path = f"{self.folder}/{name}.lua"
        Path(path).write_text("\n".join(lines) + "\n")
        return path

    def login_and_me(self, url: str, users: int = LOGIN_USERS) -> tuple[dict[str, str], str]:
        """Sign `users` users up on the server at `url`: a wrk script that logs them in one
        after the other, one for user0's `me`, and user0's token.

        Many users, not one: every login of one email waits for that email's lockout row (a
        row lock from the attempt's reservation to its commit), which no real load does."""
        with httpx.Client() as http:
            for number in range(users):
                post(http, url, SIGNUP, signup_variables(number))
            token = token_for(http, url, "user0@example.org")
        logins = [
            {"query": LOGIN, "variables": {"e": f"user{number}@example.org", "p": PASSWORD}}
            for number in range(users)
        ]
        scripts = {
            "login": self.script("login", logins),
            "me": self.script("me", [{"query": ME}], token),
        }
        return scripts, token

    def run(self, url: str, script: str, clients: int, seconds: float) -> Load:
        command = ["wrk", "-t1", f"-c{clients}", f"-d{round(seconds)}s", "-s", script, url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
        failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        broken = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
        )
        errors = int(failed.group(1)) if failed else 0
        errors += sum(int(n) for n in broken.groups()) if broken else 0
        return Load(requests, rate, errors)


class RawClient:
    """HTTP/1.1 POSTs over one kept-alive socket, with as little work as a client can do."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.head = (
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        )

    def post(self, body: bytes) -> bytes:
        self.sock.sendall(self.head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        data = b""
        while b"\r\n\r\n" not in data:
            data += self.sock.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        while len(rest) < length:
            rest += self.sock.recv(65536)
        if b'"errors"' in rest:
            raise SystemExit(f"the request failed: {rest[:300]!r}")
        return rest


def timed_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def wrk_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def mariadb_cpu_ms() -> Callable[[], float]:
    """The CPU of the throwaway MariaDB this run started (0 when it uses another)."""
    folder = os.environ.get("CQRS_BENCH_MARIADB_DIR")
    pid_file = Path(folder or "/nonexistent") / "mariadbd.pid"
    if not pid_file.exists():
        return lambda: 0.0
    pid = int(pid_file.read_text())
    return lambda: process_tree_ticks(pid) * TICK_MS


class Runs:
    """Loads a server with wrk and keeps each run's rate and CPU per request."""

    def __init__(self, wrk: Wrk, seconds: float) -> None:
        self.wrk, self.seconds, self.database = wrk, seconds, mariadb_cpu_ms()
        self.rates: dict[tuple[str, int], list[float]] = {}
        self.cpu: dict[tuple[str, int], list[tuple[float, float, float]]] = {}

    def run(self, name: str, server: BenchServer, script: str, clients: int) -> None:
        before = (server.cpu_ms(), self.database(), wrk_cpu_ms())
        load = self.wrk.run(server.url, script, clients, self.seconds)
        if load.errors:
            raise SystemExit(f"{name}: {load.errors} requests failed")
        after = (server.cpu_ms(), self.database(), wrk_cpu_ms())
        used = tuple((a - b) / load.requests for a, b in zip(after, before, strict=True))
        self.rates.setdefault((name, clients), []).append(load.per_second)
        self.cpu.setdefault((name, clients), []).append(used)  # type: ignore[arg-type]

    def rate(self, name: str, clients: int) -> float:
        return statistics.median(self.rates[name, clients])

    def cpu_ms(self, name: str, clients: int) -> str:
        return " / ".join(f"{part:.2f}" for part in self.cpu_parts(name, clients))

    def cpu_parts(self, name: str, clients: int) -> list[float]:
        """Median CPU ms per request of the server, MariaDB and wrk."""
        return [statistics.median(part) for part in zip(*self.cpu[name, clients], strict=True)]
