"""Creating the engine. The one place that decides how SQLAlchemy talks to the database."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from .pool import CAN_POLL, keep_sound
from .tables import metadata

SQLITE_BUSY_SECONDS = 30
READ_ONLY = "cqrs_read_only"  # an execution option: this connection only reads


def read_only(connection: Connection) -> Connection:
    """Mark a connection as one that only reads: on SQLite it then takes no write lock (no
    BEGIN IMMEDIATE); each of its statements reads in a transaction of its own."""
    return connection.execution_options(**{READ_ONLY: True})


def use_wal(dbapi_connection: sqlite3.Connection) -> None:
    """Put the database file in WAL mode (once set, the file keeps it).

    Switching needs the file to itself, and SQLite answers "database is locked" at once, without
    waiting, while another connection holds a lock: several processes opening a new file together
    meet this. So wait and try again, as long as a busy statement would wait.
    """
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def make_engine(
    url: str, *, echo: bool = False, pool_size: int = 5, for_reads: bool = False
) -> Engine:
    """An engine that never puts bound parameters (a password hash) into logs or errors.

    No statement of its own per request: no ping at checkout, no ROLLBACK after a COMMIT
    (see pool.py). SQLite: a file database is opened with a busy timeout, WAL and `BEGIN
    IMMEDIATE` for a connection that writes, so that concurrent writers queue for the write lock
    instead of failing with "database is locked".

    `for_reads` (MySQL/MariaDB): connections in autocommit mode, for queries that read one
    statement's worth. Each SELECT then reads the latest committed rows and ends by itself, so
    nothing is left to roll back: a `me` is one statement, not a SELECT and a ROLLBACK.
    """
    parsed = make_url(url)
    pooling: dict[str, Any] = {
        "hide_parameters": True,
        "pool_reset_on_return": None,
        "pool_size": pool_size,
    }
    if parsed.get_backend_name() != "sqlite":
        checks = CAN_POLL and parsed.get_driver_name() == "pymysql"
        if for_reads:
            pooling |= {"isolation_level": "AUTOCOMMIT", "skip_autocommit_rollback": True}
        # no from-linting: the projection's two-table UPDATE is a product of one row of each
        engine = create_engine(
            url, echo=echo, pool_pre_ping=not checks, enable_from_linting=False, **pooling
        )
        keep_sound(engine, check_liveness=checks)
        return engine
    engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **pooling)
    keep_sound(engine, check_liveness=False)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event emit BEGIN
        if parsed.database not in (None, "", ":memory:"):
            use_wal(dbapi_connection)
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        if not connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def drop_kit_tables(url: str) -> None:
    """Drop the kit's tables (and only those) from the database at `url`."""
    engine = make_engine(url)
    try:
        metadata.drop_all(engine, checkfirst=True)
    finally:
        engine.dispose()
