"""The same transaction on a busy CPU, and right after the CPU was idle or hashing.

    python benchmarks/warmth.py [--mysql-url URL] [--rounds 100]

A login's reservation (the kit's own `_reserve`: one transaction of two statements) runs here in
process, on SQLite and on MariaDB, three ways in turn: right after the previous one (the code
and the CPU busy), after 20 ms of sleep (as after a client's think time), and after one argon2
verification at the default parameters (as a login's settlement runs after its hash). The
one-client figures of hash_ratio.py and breakdown.py are made of the two latter kinds: this
shows what that costs on the machine, apart from anything the kit does. Medians, ms.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from common import PASSWORD, load_average, on_each_database, print_table, timed_ms

from cqrs_auth import PerformLoginCommand, bootstrap
from cqrs_auth.service.login import PerformLoginHandler

WAYS = ["back to back", "after 20 ms of sleep", "after an argon2 verify"]


def measure(url: str, rounds: int) -> dict[str, float]:
    kit = bootstrap(url, LOGIN_MAX_FAILURES=10**9)
    try:
        handler = kit.command_bus._handlers[PerformLoginCommand]
        assert isinstance(handler, PerformLoginHandler)
        stored = kit.hasher.context.hash(PASSWORD)
        before: dict[str, Callable[[], object]] = {
            WAYS[0]: lambda: None,
            WAYS[1]: lambda: time.sleep(0.02),
            WAYS[2]: lambda: kit.hasher.context.verify(PASSWORD, stored),
        }
        samples: dict[str, list[float]] = {way: [] for way in WAYS}
        for number in range(rounds + 5):  # the first five rounds warm up
            for way in WAYS:
                before[way]()
                email = f"user{number % 50}@example.org"
                samples[way].append(timed_ms(lambda: handler.attempts._reserve(email)))  # noqa: B023
        return {way: statistics.median(values[5:]) for way, values in samples.items()}
    finally:
        kit.close()


def main() -> None:
    rounds, measured = on_each_database(__doc__, 100, measure)
    print(f"a login's reservation (one transaction), medians of {rounds}, ms")
    rows = [[way, *(f"{m[way]:.2f}" for m in measured.values())] for way in WAYS]
    print_table(["run", *measured], rows)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
