"""Shared fixtures: a fresh database per test, on SQLite and (when one is there) MariaDB/MySQL.

MySQL tests read TEST_MYSQL_URL (scripts/test starts a throwaway MariaDB and sets it). When it
is unset they skip with a visible reason, and under REQUIRE_MYSQL=1 (CI) such a skip fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text, update

from cqrs_auth import App, bootstrap
from cqrs_auth.adapters.clock import to_db, utcnow
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.tables import events

TEST_SECRET = "test-secret-that-is-at-least-32-bytes-long!"
REQUIRE_MYSQL = os.environ.get("REQUIRE_MYSQL") == "1"
MYSQL_SKIP_REASON = "TEST_MYSQL_URL is not set and no MariaDB was started (see scripts/mariadb.sh)"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("JWT_SECRET", TEST_SECRET)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under mutmut (scripts/mutation), unit tests first: a mutant then dies at the first and
    cheapest failure, before an integration test that would wait out a timeout for it."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        items.sort(key=lambda item: not item.nodeid.startswith("tests/unit/"))


def expire_claims(app: App) -> None:
    """Let every claim on an event run out, as time does after the process that claimed them
    died (or, in a test, after its dispatch was switched off): the relay may then take them."""
    with app.engine.begin() as connection:
        connection.execute(update(events).values(claimedUntil=to_db(utcnow())))


def reset_mysql(url: str) -> None:
    """Drop every table of the kit's test database, so each test starts empty."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        for table in inspect(connection).get_table_names():
            connection.execute(text(f"DROP TABLE `{table}`"))
    engine.dispose()


@pytest.fixture(scope="session")
def mysql_url() -> str:
    url = os.environ.get("TEST_MYSQL_URL")
    if not url:
        if REQUIRE_MYSQL:
            pytest.fail(f"REQUIRE_MYSQL=1, so this cannot skip: {MYSQL_SKIP_REASON}")
        pytest.skip(MYSQL_SKIP_REASON)
    return url


@pytest.fixture(params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database: a new SQLite file, or the MariaDB test database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kit.db'}"
    url = request.getfixturevalue("mysql_url")
    reset_mysql(url)
    return url


def wrong_answer(check: Callable[..., object], *args: object) -> str:
    """What an exercise's check says about a wrong answer (it must refuse it in words)."""
    from cqrs_auth.course import NotYet

    with pytest.raises(NotYet) as refused:
        check(*args)
    return str(refused.value)


@pytest.fixture
def make_app(database_url: str) -> Iterator:
    """Build apps on the test database (`make_app(LOGIN_MAX_FAILURES=3)`); disposed after."""
    apps: list[App] = []

    def make(**overrides: object) -> App:
        app = bootstrap(database_url, **overrides)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


@pytest.fixture
def app(make_app) -> App:  # type: ignore[no-untyped-def]
    return make_app()
