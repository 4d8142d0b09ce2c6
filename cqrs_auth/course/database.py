"""A kit of its own for each chapter, on an empty database.

- With `DATABASE_URL` unset (the default), each chapter gets its own SQLite file,
  `.data/<chapter>.db` beside the notebook, deleted first.
- With `DATABASE_URL` set (say, `mysql+pymysql://kit:kit-password@127.0.0.1:3306/cqrs_auth`),
  the chapter uses that database, which belongs to the kit: the kit's tables are DROPPED and
  created again.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import inspect, select

from ..adapters.db import drop_kit_tables
from ..adapters.tables import metadata
from ..bootstrap import App, bootstrap
from ..resources import sql_dir

DATA_DIR = Path(".data")


def use_random_jwt_secret() -> None:
    """Set JWT_SECRET to a random value for this Python process, unless one is set (an empty
    `JWT_SECRET=` counts as not set, as it does for the kit's settings).

    Without it the kit falls back to its development secret and logs a loud warning. A random
    secret per kernel is safer, and tokens made in one notebook are useless anywhere else.
    """
    if not os.environ.get("JWT_SECRET"):
        os.environ["JWT_SECRET"] = secrets.token_urlsafe(32)


def database_url_for(chapter: str) -> str:
    """DATABASE_URL if set; otherwise a new, empty SQLite file for this chapter."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    DATA_DIR.mkdir(exist_ok=True)
    path = DATA_DIR / f"{chapter}.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_app(chapter: str, *, start: bool = True, **overrides: Any) -> App:
    """A kit on an empty database of its own (see the module docstring). Migrated if `start`."""
    use_random_jwt_secret()
    url = database_url_for(chapter)
    if os.environ.get("DATABASE_URL"):
        drop_kit_tables(url)
    return bootstrap(url, start=start, **overrides)


def read_sql(filename: str) -> str:
    """The text of a migration in `sql/` (the MySQL dialect, the one learners read)."""
    return (sql_dir() / filename).read_text()


def kit_table_names(app: App) -> list[str]:
    """The kit's tables that exist in the database, sorted (a MySQL database may hold others)."""
    return sorted(set(inspect(app.engine).get_table_names()) & set(metadata.tables))


def table_columns(app: App) -> pd.DataFrame:
    """Each of the kit's tables and its columns, in order (names only: the types are written
    differently by each database)."""
    inspector = inspect(app.engine)
    rows = [
        {"table": name, "columns": ", ".join(c["name"] for c in inspector.get_columns(name))}
        for name in kit_table_names(app)
    ]
    return pd.DataFrame(rows, columns=["table", "columns"])


def row_counts(app: App) -> dict[str, int]:
    with app.engine.connect() as connection:
        return {
            table.name: len(connection.execute(select(table)).all())
            for table in metadata.sorted_tables
        }
