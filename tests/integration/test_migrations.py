"""The migrations: SQLite and MariaDB end with the same schema, a second run changes nothing,
and the Core table descriptions the repositories query with match what the SQL created."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import reset_mysql  # tests/conftest.py
from sqlalchemy import Engine, func, inspect, select

from cqrs_auth.adapters import migrations
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.tables import metadata
from cqrs_auth.adapters.tables import migrations as migrations_table
from cqrs_auth.resources import sql_dir


def schema_of(engine: Engine) -> dict[str, dict[str, object]]:
    """Tables with their columns (name: nullable), primary key, and indexes as (name, columns,
    unique), whether the backend reports a unique index as a constraint, an index or both."""
    inspector = inspect(engine)
    schema: dict[str, dict[str, object]] = {}
    for table in sorted(inspector.get_table_names()):
        indexes = {
            (u["name"], tuple(u["column_names"]), True)
            for u in inspector.get_unique_constraints(table)
        }
        indexes |= {
            (i["name"], tuple(i["column_names"]), bool(i["unique"]))
            for i in inspector.get_indexes(table)
        }
        schema[table] = {
            "columns": {c["name"]: c["nullable"] for c in inspector.get_columns(table)},
            "primary key": tuple(inspector.get_pk_constraint(table)["constrained_columns"]),
            "indexes": indexes,
        }
    return schema


def migrated(url: str) -> Engine:
    engine = make_engine(url)
    migrations.migrate(engine)
    return engine


def test_every_numbered_sql_file_has_a_sqlite_variant_and_each_dialect_reads_its_own():
    names = sorted(p.name for p in Path(sql_dir()).glob("[0-9][0-9][0-9]_*.sql"))
    mysql_files = [n for n in names if not n.endswith(".sqlite.sql")]
    assert [n.replace(".sql", ".sqlite.sql") for n in mysql_files] == [
        n for n in names if n.endswith(".sqlite.sql")
    ]
    found = migrations.available("sqlite")
    assert [m.version for m in found] == sorted(m.version for m in found)
    assert all(m.path.name.endswith(".sqlite.sql") for m in found)
    assert all(not m.path.name.endswith(".sqlite.sql") for m in migrations.available("mysql"))


@pytest.mark.mysql
def test_sqlite_and_mariadb_end_with_the_same_tables_columns_and_indexes(tmp_path, mysql_url):
    reset_mysql(mysql_url)
    sqlite = migrated(f"sqlite:///{tmp_path / 'kit.db'}")
    mariadb = migrated(mysql_url)
    try:
        on_sqlite, on_mariadb = schema_of(sqlite), schema_of(mariadb)
        assert set(on_sqlite) == {
            "custom_migration_table",
            "ended_sessions",
            "events",
            "login_failures",
            "mail_outbox",
            "parked_events",
            "password_reset_requests",
            "password_reset_tokens",
            "projection_checkpoints",
            "user_activity",
            "users",
        }
        assert on_sqlite == on_mariadb
    finally:
        sqlite.dispose()
        mariadb.dispose()


def test_migrating_twice_applies_nothing_and_changes_nothing(database_url):
    engine = make_engine(database_url)
    try:
        first = migrations.migrate(engine)
        schema_after_first = schema_of(engine)
        assert first == [m.version for m in migrations.available(engine.dialect.name)]
        assert migrations.migrate(engine) == []
        assert schema_of(engine) == schema_after_first
        with engine.connect() as connection:
            recorded = connection.scalar(select(func.count()).select_from(migrations_table))
        assert recorded == len(first)
    finally:
        engine.dispose()


def test_the_core_table_descriptions_match_the_migrated_tables(database_url):
    engine = migrated(database_url)
    try:
        on_database = schema_of(engine)
        for table in metadata.sorted_tables:
            described = {
                "columns": {c.name: c.nullable for c in table.columns},
                "primary key": tuple(c.name for c in table.primary_key.columns),
                "unique": {(c.name,) for c in table.columns if c.unique},
            }
            actual = on_database[table.name]
            assert actual["columns"] == described["columns"], table.name
            assert actual["primary key"] == described["primary key"], table.name
            unique = {columns for _, columns, is_unique in actual["indexes"] if is_unique}
            assert unique == described["unique"], table.name
    finally:
        engine.dispose()
