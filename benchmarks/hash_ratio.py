"""A login and a signup over HTTP against their raw argon2 hash, on SQLite and on MariaDB.

    python benchmarks/hash_ratio.py [--mysql-url URL] [--rounds 40] [--seconds 5] [--clients 8]

`cqrs-auth serve --workers 1` runs on a fresh SQLite file and on MariaDB (a throwaway one
unless `--mysql-url` is given), at the default argon2 parameters. Three tables:

1. **One client** (issue 11's figure). A client sends requests one at a time over a kept-alive
   connection (a raw socket: the client costs next to nothing), and in turn, in this process,
   argon2 runs alone (passlib, the same parameters: a verify for a login, a hash for a signup).
   hash / request is the share of the request that is its hash (target: at least 0.9). Medians
   of `--rounds` pairs.
2. **The cheapest answers, timed the same way**: in the same loop, after a raw verify of their
   own, the kit's `me` (one SELECT, no hash, no write) and, on MariaDB, the floor
   (`floor.py`: Starlette, one SELECT through PyMySQL, no GraphQL, no thread). Next to them the
   time hash / request >= 0.9 leaves a login besides its hash (a ninth of the hash). A request
   that follows 20 ms of argon2 finds this machine's caches cold (see the README), so these
   show how much of that ninth the stack spends before a login does anything of its own.
3. **Saturated**: `--clients` clients (wrk, 8 by default: the hash lane always has work
   waiting) for `--seconds` a run, against HASH_CONCURRENCY threads here running the raw hash
   for as long (the lane's threads, with nothing else to do), in turn, three rounds: logins
   (signups) per second over raw verifies (hashes) per second, the share of the machine's
   hashing capacity that reaches users. Not issue 11's one-client figure, but what "as fast as
   the hash allows" means for a server's capacity.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from common import (
    LOGIN,
    ME,
    PASSWORD,
    SIGNUP,
    BenchServer,
    KitServer,
    Load,
    RawClient,
    Wrk,
    databases,
    load_average,
    post,
    print_table,
    signup_variables,
    timed_ms,
    token_for,
)
from sqlalchemy import create_engine, text

from cqrs_auth.auth.passwords import PasswordHasher
from cqrs_auth.settings import Settings

SATURATION_USERS = 20  # the users the saturated logins take turns with
ROUNDS_SATURATED = 3


def one_client(
    server: KitServer, token: str, floor: RawClient | None, rounds: int, hasher: PasswordHasher
) -> dict[str, float]:
    """Medians (ms) of each request and of the raw hash that runs before it, in turn."""
    client = RawClient(server.port)
    reader = RawClient(server.port)
    reader.head += f"Authorization: Bearer {token}\r\n".encode()
    stored = hasher.context.hash(PASSWORD)
    login = json.dumps({"query": LOGIN, "variables": {"e": "user0@example.org", "p": PASSWORD}})
    signups = [
        json.dumps({"query": SIGNUP, "variables": signup_variables(n)}).encode()
        for n in range(SATURATION_USERS, SATURATION_USERS + rounds + 2)
    ]
    me = json.dumps({"query": ME}).encode()

    def verify() -> None:
        hasher.context.verify(PASSWORD, stored)

    samples: dict[str, list[float]] = {}

    def add(name: str, action: Callable[[], object]) -> None:
        samples.setdefault(name, []).append(timed_ms(action))

    for number in range(rounds + 2):  # the first two rounds warm up
        add("verify", verify)
        add("login", lambda: client.post(login.encode()))
        add("hash", lambda: hasher.context.hash(PASSWORD))
        add("signup", lambda: client.post(signups[number]))  # noqa: B023
        verify()
        add("me", lambda: reader.post(me))
        if floor:
            verify()
            add("floor", lambda: floor.post(b"{}"))
    return {name: statistics.median(values[2:]) for name, values in samples.items()}


def raw_per_second(work: Callable[[], object], threads: int, seconds: float) -> float:
    """How many times `threads` threads run `work` per second (argon2 releases the GIL)."""
    done = [0] * threads
    deadline = time.perf_counter() + seconds

    def loop(index: int) -> None:
        while time.perf_counter() < deadline:
            work()
            done[index] += 1

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / seconds


def signups_script(wrk: Wrk, prefix: str) -> str:
    """A wrk script whose every request signs a new user up (`<prefix><n>`)."""
    template = json.dumps({"query": SIGNUP, "variables": signup_variables(0)})
    lines = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        f"template = {json.dumps(template.replace('user0', 'NAME'))}",
        "n = 0",
        "request = function()",
        "  n = n + 1",
        f'  local body = string.gsub(template, "NAME", "{prefix}" .. n)',
        "  return wrk.format(nil, nil, nil, body)",
        "end",
    ]
    path = Path(wrk.folder) / f"signups-{prefix}.lua"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def saturated(
    server: KitServer, wrk: Wrk, hasher: PasswordHasher, threads: int, args: argparse.Namespace
) -> dict[str, float]:
    """Medians of requests/s with `args.clients` clients and raw hashes/s with `threads`
    threads, in turn."""
    clients, seconds = args.clients, args.seconds
    logins = wrk.script(
        "saturated-logins",
        [
            {"query": LOGIN, "variables": {"e": f"user{n}@example.org", "p": PASSWORD}}
            for n in range(SATURATION_USERS)
        ],
    )
    stored = hasher.context.hash(PASSWORD)
    rates: dict[str, list[float]] = {}
    for round_number in range(ROUNDS_SATURATED):
        signups = signups_script(wrk, f"round{round_number}x")
        runs: dict[str, Callable[[], float]] = {
            "verify": lambda: raw_per_second(
                lambda: hasher.context.verify(PASSWORD, stored), threads, seconds
            ),
            "login": lambda: checked(wrk.run(server.url, logins, clients, seconds)),
            "hash": lambda: raw_per_second(lambda: hasher.context.hash(PASSWORD), threads, seconds),
            "signup": lambda: checked(wrk.run(server.url, signups, clients, seconds)),  # noqa: B023
        }
        for name, run in runs.items():
            rates.setdefault(name, []).append(run())
    return {name: statistics.median(values) for name, values in rates.items()}


def checked(load: Load) -> float:
    if load.errors:
        raise SystemExit(f"{load.errors} requests failed")
    return load.per_second


def sign_up_users(url: str) -> str:
    """Sign SATURATION_USERS users up; user0's bearer token."""
    with httpx.Client(timeout=60) as http:
        for number in range(SATURATION_USERS):
            post(http, url, SIGNUP, signup_variables(number))
        return token_for(http, url, "user0@example.org")


def floor_server(url: str) -> BenchServer:
    """floor.py on the kit's MariaDB database, answering user0's row."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            key = connection.execute(
                text("SELECT userId FROM users WHERE username = 'user0'")
            ).scalar_one()
    finally:
        engine.dispose()
    return BenchServer("floor.py", url, 1, "--user-id", str(uuid.UUID(bytes=key)))


def measure(
    name: str, url: str, args: argparse.Namespace, hasher: PasswordHasher, wrk: Wrk, threads: int
) -> tuple[dict[str, float], dict[str, float]]:
    """The one-client medians (ms) and the saturated rates (per second) on one database."""
    server = KitServer(url)
    floor = None
    try:
        token = sign_up_users(server.url)
        floor = floor_server(url) if name == "MariaDB" else None
        floor_client = RawClient(floor.port) if floor else None
        ms = one_client(server, token, floor_client, args.rounds, hasher)
        return ms, saturated(server, wrk, hasher, threads, args)
    finally:
        server.stop()
        if floor:
            floor.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mysql-url", help="default: a throwaway MariaDB (scripts/mariadb.sh)")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5, help="each saturated run")
    parser.add_argument("--clients", type=int, default=8, help="the saturated runs' clients")
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    threads = settings.HASH_CONCURRENCY
    hasher = PasswordHasher(
        memory_kib=settings.ARGON2_MEMORY_KIB, time_cost=settings.ARGON2_TIME_COST,
        concurrency=1, queue_size=0,
    )  # fmt: skip
    wrk = Wrk()
    print(f"load average at the start: {load_average()}")
    ratios, cheapest, capacity = [], [], []
    with databases(args.mysql_url) as found:
        for name, url in found:
            ms, rate = measure(name, url, args, hasher, wrk, threads)
            for request, raw in (("login", "verify"), ("signup", "hash")):
                ratios.append([name, request, f"{ms[raw]:.1f}", f"{ms[request]:.1f}",
                               f"{ms[raw] / ms[request]:.2f}"])  # fmt: skip
                capacity.append([name, request, f"{rate[raw]:.1f}", f"{rate[request]:.1f}",
                                 f"{rate[request] / rate[raw]:.2f}"])  # fmt: skip
            floor_ms = f"{ms['floor']:.2f}" if "floor" in ms else "-"
            cheapest.append([name, f"{ms['verify'] / 9:.2f}", f"{ms['login'] - ms['verify']:.2f}",
                             f"{ms['me']:.2f}", floor_ms])  # fmt: skip
    hasher.close()
    print(
        f"argon2id m={settings.ARGON2_MEMORY_KIB} KiB t={settings.ARGON2_TIME_COST} p=1, "
        f"one client, medians of {args.rounds}"
    )
    print_table(["database", "request", "hash ms", "request ms", "hash / request (>= 0.9)"], ratios)
    print("the same client, ms: what 0.9 leaves a login besides its hash, and the cheapest answers")
    print_table(["database", "0.9 leaves", "login spends", "me after a hash",
                 "floor after a hash"], cheapest)  # fmt: skip
    print(f"saturated: {args.clients} clients (wrk) against {threads} threads of raw argon2 "
          f"(HASH_CONCURRENCY), medians of {ROUNDS_SATURATED} rounds of "
          f"{args.seconds:g} s each")  # fmt: skip
    print_table(
        ["database", "request", "raw hashes/s", "requests/s", "requests / hashes"], capacity
    )
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
