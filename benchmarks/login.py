"""What a login costs, in-process: the argon2 hash against everything else.

    python benchmarks/login.py [--database-url URL] [--rounds N]

Runs on a fresh SQLite file by default. Prints the median of N rounds for: one argon2id
verification at the configured parameters; a whole successful login (lock check, user lookup,
verification, events, JWT); the same login with the verification replaced by a no-op (the
"rest"); a failed login; and a login refused by the lockout (no hash at all). Then the ratios.
A measurement to read, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cqrs_auth import CreateUserCommand, PerformLoginCommand, bootstrap
from cqrs_auth.domain.errors import InvalidCredentials, TooManyAttempts

PASSWORD = "correct horse battery staple"


def median_ms(action: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def expect(error: type[Exception], action: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            action()
        except error:
            return
        raise AssertionError(f"expected {error.__name__}")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = bootstrap(url, LOGIN_MAX_FAILURES=10**6)
        email = f"bench.{time.time_ns()}@example.org"
        app.command_bus.execute(
            CreateUserCommand(f"bench{time.time_ns()}", email, PASSWORD, PASSWORD)
        )
        with app.unit_of_work() as uow:
            user = uow.users.get_by_email(email)
        if user is None:
            raise SystemExit("the signup stored no user")
        stored_hash = user.password_hash
        settings, execute = app.settings, app.command_bus.execute
        login = PerformLoginCommand(email, PASSWORD)
        wrong = PerformLoginCommand(email, "not the password at all")

        results = {
            "argon2id verify": median_ms(
                lambda: app.hasher.verify_and_update(PASSWORD, stored_hash), args.rounds
            ),
            "login, success": median_ms(lambda: execute(login), args.rounds),
            "login, wrong password": median_ms(
                expect(InvalidCredentials, lambda: execute(wrong)), args.rounds
            ),
        }
        real_verify = app.hasher.verify_and_update
        app.hasher.verify_and_update = lambda password, stored: (True, None)  # type: ignore[method-assign,assignment]
        results["login without its hash"] = median_ms(lambda: execute(login), args.rounds)
        app.hasher.verify_and_update = real_verify  # type: ignore[method-assign]

        locked = bootstrap(url, LOGIN_MAX_FAILURES=1, start=False)
        intruder = PerformLoginCommand(f"locked.{time.time_ns()}@example.org", PASSWORD)
        expect(InvalidCredentials, lambda: locked.command_bus.execute(intruder))()
        results["login refused by the lockout"] = median_ms(
            expect(TooManyAttempts, lambda: locked.command_bus.execute(intruder)), args.rounds
        )
        locked.close()
        app.close()

    print(
        f"database: {url.split('@')[-1]}   argon2id m={settings.ARGON2_MEMORY_KIB} KiB, "
        f"t={settings.ARGON2_TIME_COST}, p=1   median of {args.rounds} rounds"
    )
    for name, ms in results.items():
        print(f"  {name:<30} {ms:8.2f} ms")
    hash_ms, rest_ms = results["argon2id verify"], results["login without its hash"]
    print(
        f"the hash is {hash_ms / results['login, success']:.0%} of a successful login; "
        f"one hash costs {hash_ms / rest_ms:.1f}x the rest of the login"
    )
    locked_share = results["login refused by the lockout"] / results["login, success"]
    print(f"a locked email costs {locked_share:.1%} of a login: no hash runs")


if __name__ == "__main__":
    main()
