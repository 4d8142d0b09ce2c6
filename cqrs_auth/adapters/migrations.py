"""A small migration step: apply the numbered SQL files in `sql/` in order, once each.

Like the tutorial's TypeORM `migrationsRun: true` with `migrationsTableName:
"custom_migration_table"`: what was applied is recorded in that table, so running the step
again changes nothing. `NNN_name.sql` is MySQL/MariaDB; `NNN_name.sqlite.sql` beside it, when
present, is the SQLite variant.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, insert, select

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


def applied(engine: Engine) -> list[str]:
    migrations.create(engine, checkfirst=True)
    with engine.connect() as connection:
        return list(connection.scalars(select(migrations.c.version).order_by(migrations.c.version)))


def migrate(engine: Engine) -> list[str]:
    """Apply the pending migrations in order; return the versions applied now.

    On MySQL/MariaDB each DDL statement commits by itself; the record of a migration is
    written only after all its statements ran.
    """
    done = set(applied(engine))
    newly_applied = []
    for migration in available(engine.dialect.name):
        if migration.version in done:
            continue
        with engine.begin() as connection:
            for statement in migration.statements():
                connection.exec_driver_sql(statement)
            connection.execute(
                insert(migrations).values(
                    version=migration.version, name=migration.name, appliedAt=to_db(utcnow())
                )
            )
        log.info("applied migration %s_%s", migration.version, migration.name)
        newly_applied.append(migration.version)
    return newly_applied
