"""Statements per request, counted by the database: signup, login, `me`, over HTTP.

    python benchmarks/statements.py [--mysql-url URL] [--rounds 5]

The kit's server runs in a thread of this script, on a fresh SQLite file and on MariaDB (a
throwaway server unless `--mysql-url` is given), with nothing else using the database. Each
request is counted by the database itself:

- MariaDB: `SHOW GLOBAL STATUS` before and after, `Questions` (every statement, COMMIT and
  ROLLBACK included) plus `Com_admin_commands` (pings, which `Questions` leaves out), less the
  SHOW statements of the count itself;
- SQLite: every statement the library runs (`sqlite3`'s trace callback: BEGIN IMMEDIATE, COMMIT
  and ROLLBACK included)
(cqrs_auth/adapters/statement_count.py).

The read model's projector runs during the request (the event is dispatched right after its
commit); its statements are counted the same way around each of its calls and shown apart. The
signup's saga (the welcome mail and its event) is part of the signup's count. Each figure is the
median of `--rounds` requests (min-max when they differ). The dispatched events' marks are not
part of any request: the relay writes them on its next run, all in one statement; the last row
counts that run for every event of the benchmark.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from typing import Any

import httpx
from common import (
    LOGIN,
    ME,
    PASSWORD,
    SIGNUP,
    ServerThread,
    databases,
    load_average,
    post,
    print_table,
    signup_variables,
    token_for,
)

from cqrs_auth import bootstrap
from cqrs_auth.adapters.statement_count import StatementsInside, statement_counter


def measure(url: str, rounds: int) -> dict[str, list[tuple[int, int]]]:
    """For each request: (statements without the projection, the projection's) per round."""
    kit = bootstrap(url, LOGIN_MAX_FAILURES=10**6)
    counter = statement_counter(kit.engine)
    projection = StatementsInside(counter)
    kit.projector.execute = projection.wrap(kit.projector.execute)  # type: ignore[method-assign]
    server = ServerThread(kit)
    counts: dict[str, list[tuple[int, int]]] = {}
    try:
        with httpx.Client(timeout=60) as http:
            user = {"e": "user0@example.org", "p": PASSWORD}
            requests: dict[str, Callable[[int], Any]] = {
                "signup": lambda n: post(http, server.url, SIGNUP, signup_variables(n)),
                "login": lambda n: post(http, server.url, LOGIN, user),
                "me": lambda n: post(http, server.url, ME, token=token),
            }
            requests["signup"](0)  # warm up: the pool's connections, the document cache
            token = token_for(http, server.url, user["e"])
            requests["me"](0)
            for number in range(1, rounds + 1):
                for name, request in requests.items():
                    before, projected = counter(), projection.sent
                    request(number)
                    inside = projection.sent - projected
                    total = counter() - before
                    counts.setdefault(name, []).append((total - inside, inside))
        before = counter()
        marked = kit.dispatcher.write_marks()
        counts[f"relay run: marks of {marked} events"] = [(counter() - before, 0)]
    finally:
        server.stop()
        kit.close()
    return counts


def spread(values: list[int]) -> str:
    low, high, middle = min(values), max(values), statistics.median(values)
    return f"{middle:g}" if low == high else f"{middle:g} ({low}-{high})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mysql-url", help="default: a throwaway MariaDB (scripts/mariadb.sh)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with databases(args.mysql_url) as found:
        for name, url in found:
            for request, rounds in measure(url, args.rounds).items():
                own, projected = [c[0] for c in rounds], [c[1] for c in rounds]
                totals = [a + b for a, b in rounds]
                rows.append([name, request, spread(own), spread(projected), spread(totals)])
    print(f"statements per request, counted by the database; load average {load_average()}")
    print_table(["database", "request", "request", "projection", "total"], rows)


if __name__ == "__main__":
    main()
