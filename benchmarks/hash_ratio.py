"""A login and a signup over HTTP against their raw argon2 hash, on SQLite and on MariaDB.

    python benchmarks/hash_ratio.py [--mysql-url URL] [--rounds 40]

`cqrs-auth serve --workers 1` runs on a fresh SQLite file and on MariaDB (a throwaway one
unless `--mysql-url` is given), at the default argon2 parameters. One client sends requests one
at a time over a kept-alive connection (a raw socket: the client costs next to nothing), and in
turn, in this process, argon2 runs alone (passlib, the same parameters: a verify for a login, a
hash for a signup). hash / request is the share of the request that is its hash (target: at
least 0.9). Medians of `--rounds` pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from common import (
    LOGIN,
    PASSWORD,
    SIGNUP,
    RawClient,
    databases,
    free_port,
    load_average,
    print_table,
    signup_variables,
    timed_ms,
    wait_until_answering,
)

from cqrs_auth.auth.passwords import PasswordHasher
from cqrs_auth.settings import Settings


def serve(url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [sys.executable, "-m", "cqrs_auth.cli", "--database-url", url]
    command += ["serve", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_answering(f"http://127.0.0.1:{port}/graphql", server, 1)
    return server, port


def measure(url: str, rounds: int, hasher: PasswordHasher) -> dict[str, float]:
    server, port = serve(url)
    try:
        client = RawClient(port)
        body = json.dumps({"query": SIGNUP, "variables": signup_variables(0)}).encode()
        client.post(body)
        stored = hasher.context.hash(PASSWORD)
        login = json.dumps(
            {"query": LOGIN, "variables": {"e": "user0@example.org", "p": PASSWORD}}
        ).encode()
        signups = [
            json.dumps({"query": SIGNUP, "variables": signup_variables(n)}).encode()
            for n in range(1, rounds + 3)
        ]
        samples: dict[str, list[float]] = {"verify": [], "login": [], "hash": [], "signup": []}
        for number in range(rounds + 2):  # the first two pairs warm up
            samples["verify"].append(timed_ms(lambda: hasher.context.verify(PASSWORD, stored)))
            samples["login"].append(timed_ms(lambda: client.post(login)))
            samples["hash"].append(timed_ms(lambda: hasher.context.hash(PASSWORD)))
            samples["signup"].append(timed_ms(lambda: client.post(signups[number])))  # noqa: B023
        return {name: statistics.median(values[2:]) for name, values in samples.items()}
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mysql-url", help="default: a throwaway MariaDB (scripts/mariadb.sh)")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    hasher = PasswordHasher(
        memory_kib=settings.ARGON2_MEMORY_KIB, time_cost=settings.ARGON2_TIME_COST,
        concurrency=1, queue_size=0,
    )  # fmt: skip
    print(f"load average at the start: {load_average()}")
    rows = []
    with databases(args.mysql_url) as found:
        for name, url in found:
            ms = measure(url, args.rounds, hasher)
            for request, raw in (("login", "verify"), ("signup", "hash")):
                rows.append([name, request, f"{ms[raw]:.1f}", f"{ms[request]:.1f}",
                             f"{ms[raw] / ms[request]:.2f}"])  # fmt: skip
    hasher.close()
    print(
        f"argon2id m={settings.ARGON2_MEMORY_KIB} KiB t={settings.ARGON2_TIME_COST} p=1, "
        f"one client, medians of {args.rounds}"
    )
    print_table(["database", "request", "hash ms", "request ms", "hash / request (>= 0.9)"], rows)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
