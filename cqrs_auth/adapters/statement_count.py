"""Counting the statements a database runs, as the database counts them (for the tests and
benchmarks that bound the statements per request).

- MySQL/MariaDB: `SHOW GLOBAL STATUS`, `Questions` (every statement, COMMIT and ROLLBACK
  included) plus `Com_admin_commands` (pings, which `Questions` leaves out), read on a connection
  of its own, less the SHOW statements of the count itself. The count is the whole server's:
  nothing else may use the server while it counts.
- SQLite: every statement the library runs on the engine's connections (`sqlite3`'s trace
  callback): BEGIN IMMEDIATE, COMMIT and ROLLBACK included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pymysql
from sqlalchemy import Engine, event

STATUS = "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_admin_commands')"

Counter = Callable[[], int]


def statement_counter(engine: Engine) -> Counter:
    """A function that returns how many statements the database has run so far; only
    differences between two calls mean anything."""
    if engine.dialect.name == "sqlite":
        return _sqlite_counter(engine)
    return _mysql_counter(engine)


def _mysql_counter(engine: Engine) -> Counter:
    url = engine.url
    connection = pymysql.connect(
        host=url.host,
        port=url.port or 3306,
        user=url.username,
        password=url.password or "",
        autocommit=True,
    )
    reads = 0

    def count() -> int:
        nonlocal reads
        with connection.cursor() as cursor:
            cursor.execute(STATUS)
            total = sum(int(value) for _, value in cursor.fetchall())
        reads += 1
        return total - reads

    return count


def _sqlite_counter(engine: Engine) -> Counter:
    statements: list[str] = []

    @event.listens_for(engine, "checkout")
    def trace(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    return lambda: len(statements)


class StatementsInside:
    """Counts the statements run inside the calls of the functions it wraps (say, the read
    model's projector, to count its share of a request apart)."""

    def __init__(self, counter: Counter) -> None:
        self.counter, self.sent = counter, 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            before = self.counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.sent += self.counter() - before

        return counted
