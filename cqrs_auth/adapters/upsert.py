"""Insert a row, or change the one already there, in one statement on every backend.

INSERT … ON DUPLICATE KEY UPDATE on MySQL/MariaDB, INSERT … ON CONFLICT DO UPDATE on SQLite:
one statement, so two writers racing on the same key cannot both insert, and neither reads a
value and writes it back. MySQL applies the assignments left to right, each later one seeing
the earlier results; SQLite's always see the old row. Put an assignment that reads a column
before the assignment that changes that column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, Executable, Table
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def upsert(
    connection: Connection,
    table: Table,
    values: dict[str, Any],
    *,
    key: Column[Any],
    assignments: list[tuple[str, Any]],
) -> None:
    """Insert `values`; if a row with the same `key` exists, apply `assignments` to it instead."""
    statement: Executable
    if connection.dialect.name == "sqlite":
        statement = (
            sqlite_insert(table)
            .values(values)
            .on_conflict_do_update(index_elements=[key], set_=dict(assignments))
        )
    else:
        statement = mysql_insert(table).values(values).on_duplicate_key_update(assignments)
    connection.execute(statement)
