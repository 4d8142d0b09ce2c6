"""What the trace spans cost a login when tracing is off, and when it is on.

    python benchmarks/tracing.py [--database-url URL] [--rounds N]

Side by side, in one run, on a fresh SQLite file by default:
- one `with span(...)` with no tracer provider set (the kit as deployed without OTLP), against
  a bare `nullcontext()`, and how many spans a login opens: the overhead per login;
- whole logins (the password verify replaced by a no-op, so the rest is visible) with the
  instrumentation as shipped and tracing off, and with it removed (the code as before),
  alternating round by round: the difference is the measured overhead, within the noise of the
  database;
- the same logins with tracing on (the course's in-memory recorder), for comparison.
A measurement to read, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from cqrs_auth import App, CreateUserCommand, bootstrap, tracing
from cqrs_auth.adapters.unit_of_work import UnitOfWork
from cqrs_auth.auth.local_strategy import LocalStrategy
from cqrs_auth.auth.passwords import PasswordHasher
from cqrs_auth.auth.tokens import TokenService
from cqrs_auth.service import buses
from cqrs_auth.service.dispatcher import EventDispatcher

PASSWORD = "correct horse battery staple"
TRACED = [
    (LocalStrategy, "validate"), (PasswordHasher, "hash"), (PasswordHasher, "verify_and_update"),
    (UnitOfWork, "commit"), (EventDispatcher, "dispatch"), (TokenService, "issue"),
    (TokenService, "verify"),
]  # fmt: skip


def once_us(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1e6


def side_by_side(login: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median login time as shipped (tracing off) and as before, alternating round by round so
    that both see the same machine load."""
    off, before = [], []
    for _ in range(rounds):
        off.append(once_us(login))
        with uninstrumented():
            before.append(once_us(login))
    return statistics.median(off), statistics.median(before)


@contextmanager
def uninstrumented() -> Iterator[None]:
    """The code as it was before tracing: decorators unwrapped, `span` a bare nullcontext."""
    saved = [(cls, name, cls.__dict__[name]) for cls, name in TRACED]
    for cls, name, method in saved:
        setattr(cls, name, method.__wrapped__)
    buses.span = lambda *_args, **_attributes: nullcontext()  # type: ignore[assignment]
    try:
        yield
    finally:
        for cls, name, method in saved:
            setattr(cls, name, method)
        buses.span = tracing.span


def make_app(url: str) -> tuple[App, Callable[[], object]]:
    os.environ.setdefault("JWT_SECRET", "a benchmark's own secret, 32 bytes long")
    app = bootstrap(url, LOGIN_MAX_FAILURES=10**6)
    app.command_bus.execute(CreateUserCommand("bench", "bench@example.org", PASSWORD, PASSWORD))
    stored = app.hasher.verify_and_update(PASSWORD, app.hasher.hash(PASSWORD))
    app.hasher.verify_and_update = lambda *_args: stored  # type: ignore[method-assign]
    return app, lambda: app.local_strategy.validate("bench@example.org", PASSWORD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    calls = 200_000
    off = timeit.timeit(lambda: tracing.span("CommandBus.execute", command="X"), number=calls)
    bare = timeit.timeit(nullcontext, number=calls)
    with tempfile.TemporaryDirectory() as folder:
        app, login = make_app(args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        login_off, login_before = side_by_side(login, args.rounds)
        from cqrs_auth.course import trace  # sets the SDK tracer provider: tracing is on now

        with trace() as recorded:
            login()
        login_on = statistics.median(once_us(login) for _ in range(args.rounds))
    spans, per_span = len(recorded.steps), (off - bare) / calls * 1e6
    print(f"spans per login: {spans}")
    print(f"one span, tracing off: {per_span:.2f} µs more than a bare nullcontext")
    print(f"  -> {spans * per_span:.1f} µs per login")
    print(f"login without its hash, as before tracing:   {login_before:8.0f} µs")
    print(f"login without its hash, tracing off:         {login_off:8.0f} µs "
          f"({login_off - login_before:+.0f} µs, within the database's noise)")  # fmt: skip
    print(f"login without its hash, tracing on (SDK):    {login_on:8.0f} µs")


if __name__ == "__main__":
    main()
