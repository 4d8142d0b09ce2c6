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
against each other, and hash_ratio.py for the ratio. Last, the same two transactions run again
back to back, nothing between them: a login's run right after its client was idle or argon2
ran, and code that runs right after an idle or hashing CPU runs slower on this machine (see
benchmarks/README.md); the difference is that.
"""

from __future__ import annotations

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
    load_average,
    on_each_database,
    print_table,
    signup_variables,
)

from cqrs_auth import PerformLoginCommand, bootstrap
from cqrs_auth.service.follower import ProjectionFollower

WARM_UP = 5
REQUEST = "request over HTTP"


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
    timings.wrap(handler.attempts, "_reserve", "reservation (transaction)")
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
            timings.add(REQUEST, start)
        back_to_back(handler, rounds + WARM_UP, timings)
    finally:
        server.stop()
        follower.stop()
        kit.close()
    return timings


def back_to_back(handler: Any, rounds: int, timings: Timings) -> None:
    """The two transactions again, one right after the other with nothing between them: the
    same code on a CPU that has not just been idle or hashing (see the README)."""
    for _ in range(rounds):
        start = time.perf_counter()
        reservation = handler.attempts._reserve("user0@example.org")
        timings.add("reservation, back to back", start)
        start = time.perf_counter()
        handler._settle_success("user0@example.org", reservation.user, None)
        timings.add("settlement, back to back", start)


STEPS = [
    "raw argon2 verification",
    "reservation (transaction)",
    "hash on its lane",
    "settlement (transaction)",
    "login handler, all of it",
    REQUEST,
]
BACK_TO_BACK = ["reservation, back to back", "settlement, back to back"]


def main() -> None:
    rounds, measured = on_each_database(__doc__, 60, measure)
    print(f"one client, medians of {rounds} logins, ms")
    rows: list[list[object]] = []
    for step in STEPS:
        rows.append([step, *(f"{t.median(step):.2f}" for t in measured.values())])
    rest = [t.median(REQUEST) - t.median(STEPS[0]) for t in measured.values()]
    allowed = [t.median(STEPS[0]) / 9 for t in measured.values()]
    rows.append(["rest: request - raw hash", *(f"{r:.2f}" for r in rest)])
    rows.append(["rest allowed (hash / 9)", *(f"{a:.2f}" for a in allowed)])
    for step in BACK_TO_BACK:
        rows.append([step, *(f"{t.median(step):.2f}" for t in measured.values())])
    print_table(["step", *measured], rows)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
