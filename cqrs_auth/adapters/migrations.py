"""A small migration step: apply the numbered SQL files in `sql/` in order, once each.

Like the tutorial's TypeORM `migrationsRun: true` with `migrationsTableName:
"custom_migration_table"`: what was applied is recorded in that table, so running the step
again changes nothing. `NNN_name.sql` is MySQL/MariaDB; `NNN_name.sqlite.sql` beside it, when
present, is the SQLite variant.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select

from ..resources import sql_dir
from .clock import to_db, utcnow
from .tables import migrations

log = logging.getLogger(__name__)

_FILE = re.compile(r"(?P<version>\d{3})_(?P<name>[a-z0-9_]+)\.sql")


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    def statements(self) -> list[str]:
        text = "\n".join(
            line
            for line in self.path.read_text().splitlines()
            if not line.lstrip().startswith("--")
        )
        return [statement.strip() for statement in text.split(";") if statement.strip()]


def available(dialect: str, folder: Path | None = None) -> list[Migration]:
    folder = folder or sql_dir()
    found = []
    for path in sorted(folder.glob("[0-9][0-9][0-9]_*.sql")):
        match = _FILE.fullmatch(path.name)
        if not match:
            continue  # a dialect variant such as 001_x.sqlite.sql
        variant = path.with_name(f"{path.stem}.{dialect}.sql")
        found.append(
            Migration(match["version"], match["name"], variant if variant.exists() else path)
        )
    return found


LOCK_TIMEOUT_SECONDS = 120


def migrate(engine: Engine) -> list[str]:
    """Apply the pending migrations in order; return the versions applied now.

    Safe when several processes start at once on an empty database: only one migrates at a time
    (see `_exclusively`), and each looks at what is applied only once it holds the lock.
    """
    newly_applied = []
    with _exclusively(engine) as connection:
        migrations.create(connection, checkfirst=True)
        done = set(connection.scalars(select(migrations.c.version)))
        for migration in available(engine.dialect.name):
            if migration.version in done:
                continue
            for statement in migration.statements():
                connection.exec_driver_sql(statement)
            connection.execute(
                insert(migrations).values(
                    version=migration.version, name=migration.name, appliedAt=to_db(utcnow())
                )
            )
            if engine.dialect.name != "sqlite":
                connection.commit()  # record it at once: MySQL's DDL has committed by itself
            log.info("applied migration %s_%s", migration.version, migration.name)
            newly_applied.append(migration.version)
    return newly_applied


@contextmanager
def _exclusively(engine: Engine) -> Iterator[Connection]:
    """A connection that only one process at a time gets.

    SQLite: one transaction begun with BEGIN IMMEDIATE (SQLite's write lock) and committed at
    the end; its DDL is transactional, so the whole run is all or nothing. MySQL/MariaDB: DDL
    commits by itself, so a named lock (GET_LOCK, one per database) held by this connection
    keeps a second process waiting until the first is done, and is released in any case.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            with connection.begin():
                yield connection
            return
        lock = "CONCAT('cqrs_auth.migrate:', DATABASE())"
        got = connection.exec_driver_sql(f"SELECT GET_LOCK({lock}, {LOCK_TIMEOUT_SECONDS})")
        if got.scalar() != 1:
            raise RuntimeError(
                f"another process held the migration lock for {LOCK_TIMEOUT_SECONDS} s"
            )
        try:
            yield connection
        finally:
            connection.rollback()
            connection.exec_driver_sql(f"SELECT RELEASE_LOCK({lock})")
