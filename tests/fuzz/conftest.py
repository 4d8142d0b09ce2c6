"""The fuzz suite's settings and live server.

Hypothesis profiles: `ci` (2,000 examples a target, what scripts/test runs) and `dev` (100, the
default for a quick local run); HYPOTHESIS_PROFILE picks one. No deadline per example: a login
runs a real argon2 hash, and a loaded machine must not turn that into a failure; the whole
test's time is bounded by its example count and pytest-timeout.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from e2e.helpers import PASSWORD, RunningServer
from hypothesis import HealthCheck, settings

from cqrs_auth.domain.commands import CreateUserCommand
from cqrs_auth.domain.errors import InvalidCredentials, TooManyAttempts

from .harness import EXAMPLES, HASHES, Fuzzer

REGISTERED, UNKNOWN = "ada@example.org", "nobody@example.org"
LOCKED_REGISTERED, LOCKED_UNKNOWN = "locked@example.org", "locked-nobody@example.org"

common = {
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=2000, **common)
settings.register_profile("dev", max_examples=100, **common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def fuzz(make_app, database_url: str) -> Iterator[Fuzzer]:
    """A live server whose lockout never triggers on its own (LOGIN_MAX_FAILURES is huge, so
    every login with a well-formed email really hashes), with a registered user, and two emails
    (one registered, one not) that were locked beforehand by a server whose limit is 1."""
    kit = make_app(LOGIN_MAX_FAILURES=1_000_000)
    for username, email in (("ada", REGISTERED), ("locked", LOCKED_REGISTERED)):
        kit.command_bus.execute(CreateUserCommand(username, email, PASSWORD, PASSWORD))
    lock(make_app(LOGIN_MAX_FAILURES=1), LOCKED_REGISTERED, LOCKED_UNKNOWN)
    server = RunningServer(kit)
    fuzzer = Fuzzer(kit, server.url, database_url.split(":")[0].split("+")[0])
    yield fuzzer
    fuzzer.close()
    server.stop()


def lock(locker, *emails: str) -> None:
    for email in emails:
        with pytest.raises(InvalidCredentials):
            locker.local_strategy.validate(email, "a wrong password, once")
        with pytest.raises(TooManyAttempts):
            locker.local_strategy.validate(email, PASSWORD)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not EXAMPLES:
        return
    terminalreporter.section("fuzz examples (and argon2 hashes) per target and database")
    for (target, database), count in sorted(EXAMPLES.items()):
        hashes = HASHES[(target, database)]
        terminalreporter.write_line(f"{target:<28} {database:<8} {count:>6} ({hashes} hashes)")
