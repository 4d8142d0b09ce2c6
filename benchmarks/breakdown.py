"""Where a real login's time goes, over HTTP, one client at a time, on SQLite and MariaDB.

    python benchmarks/breakdown.py [--mysql-url URL] [--rounds 60]

The kit's HTTP server runs in this process (a thread, as `ServerThread` runs it) with the read
model's follower thread, as `cqrs-auth serve` runs it, and argon2 at the default parameters. A
raw socket client sends one user's login at a time; before each, one argon2 verification runs
here, so that the hash and the login are measured side by side. The login handler's steps are
timed where they are called: the attempt's reservation (a transaction before the hash), the
hash on its lane (the handover included), the settlement (a transaction after it), the whole
handler, and the whole request as the client sees it. Medians, with the first five rounds left
out. The "rest" is what issue 11's hash / request >= 0.9 allows beside the hash: a ninth of it.
The client shares this process (and its GIL) with the server, so the request's total runs a
little higher here than in hash_ratio.py, whose client is a process of its own: read the steps
against each other, and hash_ratio.py for the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from common import (
    LOGIN,
    PASSWORD,
    SIGNUP,
    RawClient,
    ServerThread,
    databases,
    load_average,
    print_table,
    signup_variables,
)

from cqrs_auth import PerformLoginCommand, bootstrap
from cqrs_auth.service.follower import ProjectionFollower

WARM_UP = 5


class Timings:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)

    def wrap(self, owner: Any, method: str, step: str) -> None:
        """Time every call of `owner.method` as `step`."""
        call: Callable[..., Any] = getattr(owner, method)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.add(step, start)

        setattr(owner, method, timed)

    def add(self, step: str, start: float) -> None:
        self.samples[step].append((time.perf_counter() - start) * 1000)

    def median(self, step: str) -> float:
        return statistics.median(self.samples[step][WARM_UP:])


def measure(url: str, rounds: int) -> Timings:
    kit = bootstrap(url, LOGIN_MAX_FAILURES=10**9)
    follower = ProjectionFollower.take_over(kit.event_bus, kit.projector, 5)
    follower.start()
    timings = Timings()
    handler = kit.command_bus._handlers[PerformLoginCommand]
    timings.wrap(handler, "_reserve", "reservation (transaction)")
    timings.wrap(kit.hasher, "verify_and_update", "hash on its lane")
    timings.wrap(handler, "_settle_success", "settlement (transaction)")
    timings.wrap(handler, "execute", "login handler, all of it")
    server = ServerThread(kit)
    try:
        client = RawClient(int(server.url.rsplit(":", 1)[1].split("/")[0]))
        client.post(json.dumps({"query": SIGNUP, "variables": signup_variables(0)}).encode())
        variables = {"e": "user0@example.org", "p": PASSWORD}
        login = json.dumps({"query": LOGIN, "variables": variables}).encode()
        stored = kit.hasher.context.hash(PASSWORD)
        for _ in range(rounds + WARM_UP):
            start = time.perf_counter()
            kit.hasher.context.verify(PASSWORD, stored)
            timings.add("raw argon2 verification", start)
            start = time.perf_counter()
            client.post(login)
            timings.add("request over HTTP", start)
    finally:
        server.stop()
        follower.stop()
        kit.close()
    return timings


STEPS = [
    "raw argon2 verification",
    "reservation (transaction)",
    "hash on its lane",
    "settlement (transaction)",
    "login handler, all of it",
    "request over HTTP",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mysql-url", help="default: a throwaway MariaDB (scripts/mariadb.sh)")
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    print(f"load average at the start: {load_average()}")
    with databases(args.mysql_url) as found:
        measured = {name: measure(url, args.rounds) for name, url in found}
    print(f"one client, medians of {args.rounds} logins, ms")
    rows: list[list[object]] = []
    for step in STEPS:
        rows.append([step, *(f"{t.median(step):.2f}" for t in measured.values())])
    rest = [t.median(STEPS[-1]) - t.median(STEPS[0]) for t in measured.values()]
    allowed = [t.median(STEPS[0]) / 9 for t in measured.values()]
    rows.append(["rest: request - raw hash", *(f"{r:.2f}" for r in rest)])
    rows.append(["rest allowed (hash / 9)", *(f"{a:.2f}" for a in allowed)])
    print_table(["step", *measured], rows)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
