"""What a connection costs the server while its login waits for a SERVER_BUSY answer.

    python benchmarks/waiting.py [--connections 1000 4000]

`cqrs-auth serve` (one worker, SQLite) with a hash lane of one place and no queue, argon2 made
slow enough (ARGON2_TIME_COST=600, several seconds a hash) that one login holds the lane for
the whole run, and SERVER_BUSY answers paused 30 s. Then wrk opens `--connections`
connections, each sending one login that is refused and waits for its answer; after a few
seconds the server's resident memory is read again. The lane bounds argon2's memory under any
number of logins; this shows what each waiting connection adds beside it (Linux).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import threading
import time
from typing import Any

import httpx
from common import (
    LOGIN,
    PASSWORD,
    SIGNUP,
    KitServer,
    Wrk,
    load_average,
    post,
    print_table,
    signup_variables,
)
from memory import memory_kib

SLOW = {"ARGON2_TIME_COST": "600", "HASH_CONCURRENCY": "1", "HASH_QUEUE_SIZE": "0"}
PAUSED = {"SERVER_BUSY_PAUSE_SECONDS": "30", "SERVER_BUSY_MAX_PAUSE_SECONDS": "30"}
SETTLE_SECONDS = 4  # for wrk's connections to be opened and their logins refused


def measure(connections: int, wrk: Wrk, login: dict[str, Any]) -> tuple[int, int]:
    """The server's resident KiB with the lane held, then with `connections` logins waiting."""
    script = wrk.script("one-login", [login])
    with tempfile.TemporaryDirectory() as folder:
        env = {"DATABASE_URL": "", "ACCESS_LOG": "false"} | SLOW | PAUSED
        server = KitServer(f"sqlite:///{folder}/waiting.db", env=env)
        url = server.url
        try:
            with httpx.Client(timeout=600) as http:
                post(http, url, SIGNUP, signup_variables(0))
            holding = {"json": login, "timeout": 600}
            holder = threading.Thread(target=httpx.post, args=(url,), kwargs=holding, daemon=True)
            holder.start()
            time.sleep(1)  # the holder's login takes the lane's one place
            idle = memory_kib(server.process.pid)["VmRSS"]
            command = ["wrk", "-t1", f"-c{connections}", f"-d{SETTLE_SECONDS + 2}s"]
            command += ["--timeout", "60s", "-s", script, url]
            load = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            time.sleep(SETTLE_SECONDS)
            waiting = memory_kib(server.process.pid)["VmRSS"]
            load.kill()
            load.wait()
        finally:
            server.stop()
    return idle, waiting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, nargs="+", default=[1000, 4000])
    args = parser.parse_args()
    print(f"load average at the start: {load_average()}")
    wrk, rows = Wrk(), []
    login = {"query": LOGIN, "variables": {"e": "user0@example.org", "p": PASSWORD}}
    for connections in args.connections:
        idle, waiting = measure(connections, wrk, login)
        added = waiting - idle
        rows.append([connections, f"{idle / 1024:.1f}", f"{waiting / 1024:.1f}",
                     f"{added / 1024:.1f}", f"{added / connections:.1f}"])  # fmt: skip
    print("one worker, SQLite; each connection's login refused, its answer paused 30 s")
    print_table(["connections", "before MiB", "waiting MiB", "added MiB", "KiB each"], rows)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
