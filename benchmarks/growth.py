"""A thousand users against a million: login and signup without the hash, on SQLite and MariaDB.

    python benchmarks/growth.py [--mysql-url URL] [--users 1000000] [--rounds 300]

Two databases of each kind, one seeded with 1,000 users and one with `--users` (rows written in
bulk, with a progress bar: users and their read-model rows). The kit without its hash
(benchmarks/nohash.py) serves each; one client sends, in turn to the small and the big one, a
login of a random seeded user and a signup of a new one (raw socket, one at a time). The ratio
big / small of the median times is the cost of growth (1.0: none).

MariaDB: a throwaway server (its admin user creates the second database), or `--mysql-url`
with `--mysql-admin-url` for a server of your own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from common import (
    LOGIN,
    PASSWORD,
    SIGNUP,
    RawClient,
    databases,
    load_average,
    no_hash_server,
    print_table,
    timed_ms,
)
from nohash import PREFIX
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from cqrs_auth import bootstrap
from cqrs_auth.adapters.tables import user_activity, users

BATCH = 5000


def rows(start: int, stop: int) -> Iterator[tuple[list[dict], list[dict]]]:
    """Users `start` .. `stop`, a batch at a time: their rows and their read-model rows."""
    now = datetime.now(UTC).replace(tzinfo=None)
    for first in range(start, stop, BATCH):
        people, activity = [], []
        for number in range(first, min(first + BATCH, stop)):
            key, email = uuid.uuid4().bytes, f"user{number}@example.org"
            people.append({"userId": key, "username": f"user{number}", "email": email,
                           "password": PREFIX + PASSWORD, "usernameNormalised": f"user{number}",
                           "emailNormalised": email, "createdAt": now})  # fmt: skip
            activity.append({"userId": key, "emailNormalised": email, "signedUpAt": now,
                             "loginCount": 0, "failedLoginsSinceLastSuccess": 0})  # fmt: skip
        yield people, activity


def seed(url: str, count: int, label: str) -> None:
    bootstrap(url).close()  # the tables
    engine = create_engine(url)
    done = 0
    for people, activity in rows(0, count):
        with engine.begin() as connection:
            connection.execute(insert(users), people)
            connection.execute(insert(user_activity), activity)
        done += len(people)
        bar = "#" * (40 * done // count)
        print(f"\r  seeding {label}: [{bar:<40}] {done:,}/{count:,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    engine.dispose()


def second_mysql_database(url: str, admin_url: str) -> str:
    """A database beside `url`'s on the same server, for the same user."""
    parts = make_url(url)
    name = f"{parts.database}_big"
    admin = create_engine(admin_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
        connection.execute(text(f"GRANT ALL ON `{name}`.* TO '{parts.username}'@'{parts.host}'"))
    admin.dispose()
    return parts.set(database=name).render_as_string(hide_password=False)


def measure(small_url: str, big_url: str, users: int, rounds: int) -> dict[str, float]:
    servers = {"small": no_hash_server(small_url), "big": no_hash_server(big_url)}
    try:
        clients = {size: RawClient(server.port) for size, server in servers.items()}
        sizes = {"small": 1000, "big": users}
        times: dict[str, list[float]] = {}
        for number in range(rounds):
            for size, client in clients.items():
                email = f"user{random.randrange(sizes[size])}@example.org"
                login = {"query": LOGIN, "variables": {"e": email, "p": PASSWORD}}
                new = {"username": f"new{number}", "email": f"new{number}@example.org"}
                new |= {"password": PASSWORD, "passwordConfirm": PASSWORD}
                signup = {"query": SIGNUP, "variables": {"i": new}}
                times.setdefault(f"login {size}", []).append(
                    timed_ms(lambda: client.post(json.dumps(login).encode()))  # noqa: B023
                )
                times.setdefault(f"signup {size}", []).append(
                    timed_ms(lambda: client.post(json.dumps(signup).encode()))  # noqa: B023
                )
        return {name: statistics.median(values) for name, values in times.items()}
    finally:
        for server in servers.values():
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mysql-url", help="default: a throwaway MariaDB (scripts/mariadb.sh)")
    parser.add_argument("--mysql-admin-url", help="with --mysql-url: a user that may create it")
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    print(f"load average at the start: {load_average()}")
    table = []
    with databases(args.mysql_url) as found:
        for name, url in found:
            if name == "SQLite":
                big = url.replace("bench.db", "big.db")
            else:
                big = second_mysql_database(url, args.mysql_admin_url or admin_url())
            seed(url, 1000, f"{name} 1,000")
            seed(big, args.users, f"{name} {args.users:,}")
            ms = measure(url, big, args.users, args.rounds)
            for request in ("login", "signup"):
                small, large = ms[f"{request} small"], ms[f"{request} big"]
                table.append(
                    [name, request, f"{small:.2f}", f"{large:.2f}", f"{large / small:.2f}"]
                )
    print(f"no hash, one client, medians of {args.rounds} rounds, interleaved")
    big_label = f"{args.users:,} users ms"
    print_table(["database", "request", "1,000 users ms", big_label, "ratio"], table)
    print(f"load average at the end: {load_average()}")


def admin_url() -> str:
    """The admin URL of the throwaway MariaDB of this run."""
    return Path(os.environ["CQRS_BENCH_MARIADB_DIR"], "admin-url").read_text().strip()


if __name__ == "__main__":
    main()
