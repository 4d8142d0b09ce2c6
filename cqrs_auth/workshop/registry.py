"""What `cqrs-auth workshop provision` created, recorded on the server it created it on.

The record is a table in a database of its own, `<prefix>_workshop`, which only the admin can
read: learners get privileges on their own database only, so none of them can change what a
teardown will drop. Each database and each user is recorded right after it was created, never
before, so a teardown never drops a thing the tool did not make.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

TABLE = "provisioned"


class WorkshopError(Exception):
    """Provisioning or teardown refused or failed; the message says why."""


@dataclass(frozen=True)
class Created:
    kind: str  # "database" or "user"
    name: str
    host: str  # the user's host ('%'); "" for a database
    learner: int


class Registry:
    def __init__(self, engine: Engine, prefix: str) -> None:
        self.engine = engine
        self.database = f"{prefix}_workshop"

    def exists(self) -> bool:
        """Whether this prefix has a record; raises if a database of that name is not ours."""
        with self.engine.connect() as connection:
            if not _schema_exists(connection, self.database):
                return False
            ours = connection.execute(
                text(
                    "SELECT COUNT(*) FROM information_schema.TABLES"
                    " WHERE TABLE_SCHEMA = :db AND TABLE_NAME = :table"
                ),
                {"db": self.database, "table": TABLE},
            ).scalar_one()
        if not ours:
            raise WorkshopError(f"database {self.database} exists but was not made by this tool")
        return True

    def create(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE `{self.database}`")
            connection.exec_driver_sql(
                f"CREATE TABLE `{self.database}`.`{TABLE}` ("
                " kind VARCHAR(16) NOT NULL, name VARCHAR(64) NOT NULL,"
                " host VARCHAR(255) NOT NULL, learner INT NOT NULL,"
                " PRIMARY KEY (kind, name, host))"
            )

    def entries(self) -> list[Created]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                text(f"SELECT kind, name, host, learner FROM `{self.database}`.`{TABLE}`")
            ).all()
        return [Created(*row) for row in rows]

    def record(self, created: Created) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                text(f"INSERT INTO `{self.database}`.`{TABLE}` VALUES (:k, :n, :h, :l)"),
                {"k": created.kind, "n": created.name, "h": created.host, "l": created.learner},
            )

    def forget(self, created: Created) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    f"DELETE FROM `{self.database}`.`{TABLE}`"
                    " WHERE kind = :k AND name = :n AND host = :h"
                ),
                {"k": created.kind, "n": created.name, "h": created.host},
            )

    def drop(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP DATABASE `{self.database}`")


def _schema_exists(connection: Connection, name: str) -> bool:
    query = "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = :name"
    return bool(connection.execute(text(query), {"name": name}).scalar_one())
