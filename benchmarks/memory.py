"""Memory under a login storm, per worker, and the throughput the storm leaves.

    python benchmarks/memory.py [--users 100] [--logins 500] [--workers 1] [--seconds 10]

`cqrs-auth serve --workers N` on a fresh SQLite file. Each worker's resident memory is read when
idle (started, no request yet); then `--users` sign up and `--logins` real logins (argon2 at the
default parameters) are sent all at once, each on a connection of its own. The bound the hash
lane promises, per worker: 1.25 x (idle + HASH_CONCURRENCY x ARGON2_MEMORY_KIB) (only the lane's
threads run argon2, each reusing one block; logins beyond the lane's queue are SERVER_BUSY at
once). Then the throughput: logins that succeed per second with 8 clients, and with `--logins`
clients (wrk, kept-alive connections, `--seconds` each, SERVER_BUSY answers not counted): a
storm may cost at most 10% of it. wrk is a closed loop: each client sends again as soon as it is
answered, so the storm's cost depends on how long a SERVER_BUSY answer waits (as long as the
lane needs for those ahead, between SERVER_BUSY_PAUSE_SECONDS and SERVER_BUSY_MAX_PAUSE_SECONDS,
taken from the environment as the server does). A measurement to read, not a test (Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx
from common import (
    LOGIN,
    PASSWORD,
    SIGNUP,
    KitServer,
    Wrk,
    children,
    load_average,
    print_table,
    signup_variables,
)

from cqrs_auth.settings import Settings

COUNT_SUCCESSES = """
ok = 0
threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if not string.find(body, '"errors"', 1, true) then ok = ok + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("ok") end
  io.write(string.format("succeeded: %d\\n", total))
end
"""


def memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def start_server(folder: str, workers: int) -> tuple[KitServer, list[int]]:
    """The kit on a fresh SQLite file, and the PIDs of its worker processes."""
    env = {"DATABASE_URL": "", "LOGIN_MAX_FAILURES": str(10**9)}
    server = KitServer(f"sqlite:///{folder}/memory.db", workers, env=env)
    if workers == 1:
        return server, [server.process.pid]
    spawned = [pid for pid in children(server.process.pid) if b"spawn_main" in cmdline(pid)]
    return server, spawned


def cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def answer(response: httpx.Response) -> str:
    errors = response.json().get("errors")
    return errors[0]["extensions"]["code"] if errors else "logged in"


def sign_up(url: str, users: int) -> None:
    with httpx.Client(timeout=60) as http:
        for number in range(users):
            body = {"query": SIGNUP, "variables": signup_variables(number)}
            assert answer(http.post(url, json=body)) == "logged in"


async def storm(url: str, bodies: list[dict[str, Any]]) -> collections.Counter[str]:
    """Send every body at once, each on a connection of its own; count the answers."""
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        responses = await asyncio.gather(*(http.post(url, json=body) for body in bodies))
    return collections.Counter(answer(response) for response in responses)


def logins(users: int, count: int) -> list[dict[str, Any]]:
    return [
        {"query": LOGIN, "variables": {"e": f"user{n % users}@example.org", "p": PASSWORD}}
        for n in range(count)
    ]


def logins_per_second(wrk: Wrk, url: str, users: int, clients: int, seconds: float) -> float:
    """Successful logins per second (SERVER_BUSY answers left out), the users in turn."""
    script = wrk.script("login", logins(users, users))
    Path(script).write_text(Path(script).read_text() + COUNT_SUCCESSES)
    command = ["wrk", "-t1", f"-c{clients}", f"-d{round(seconds)}s", "-s", script, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return int(re.search(r"succeeded: (\d+)", output).group(1)) / seconds  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--logins", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    argon2 = settings.HASH_CONCURRENCY * settings.ARGON2_MEMORY_KIB
    wrk = Wrk()
    print(f"load average at the start: {load_average()}")
    with tempfile.TemporaryDirectory() as folder:
        server, workers = start_server(folder, args.workers)
        url = server.url
        try:
            idle = {pid: memory_kib(pid)["VmRSS"] for pid in workers}
            sign_up(url, args.users)
            answers = asyncio.run(storm(url, logins(args.users, args.logins)))
            peak = {pid: memory_kib(pid)["VmHWM"] for pid in workers}
            steady = logins_per_second(wrk, url, args.users, 8, args.seconds)
            stormy = logins_per_second(wrk, url, args.users, args.logins, args.seconds)
        finally:
            server.stop()
    print(
        f"HASH_CONCURRENCY={settings.HASH_CONCURRENCY}  HASH_QUEUE_SIZE={settings.HASH_QUEUE_SIZE}"
        f"  argon2id m={settings.ARGON2_MEMORY_KIB} KiB   {args.logins} concurrent logins for "
        f"{args.users} users, {args.workers} worker(s), SQLite, "
        f"SERVER_BUSY_PAUSE_SECONDS={settings.SERVER_BUSY_PAUSE_SECONDS:g}, "
        f"SERVER_BUSY_MAX_PAUSE_SECONDS={settings.SERVER_BUSY_MAX_PAUSE_SECONDS:g}"
    )
    print("answers: " + ", ".join(f"{name} {count}" for name, count in answers.most_common()))
    rows = []
    for number, pid in enumerate(workers, 1):
        bound = 1.25 * (idle[pid] + argon2)
        rows.append([number, mib(idle[pid]), mib(idle[pid] + argon2), mib(bound), mib(peak[pid]),
                     f"{peak[pid] / (idle[pid] + argon2):.2f}"])  # fmt: skip
    headers = ["worker", "idle MiB", "idle + argon2 MiB", "bound (x1.25) MiB", "peak MiB"]
    print_table([*headers, "peak / (idle + argon2), at most 1.25"], rows)
    print_table(
        ["successful logins/s, 8 clients", f"{args.logins} clients", "ratio (at least 0.9)"],
        [[f"{steady:.1f}", f"{stormy:.1f}", f"{stormy / steady:.2f}"]],
    )
    print(f"load average at the end: {load_average()}")


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f}"


if __name__ == "__main__":
    main()
