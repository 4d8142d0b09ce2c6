"""The doctor's database check: reachable, and migrated (or migrated at the next start).

Read only: a SQLite file that does not exist yet is not created, and no migration is applied.
The URL is shown with its password hidden.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from ..adapters import migrations
from ..adapters.tables import migrations as migrations_table
from .checks import Check

CONNECT_TIMEOUT_SECONDS = 5
MYSQL_ADVICE = {
    2003: "start the server (with compose: `docker compose up -d mysql`); check host and port",
    2005: "the host name does not resolve: check the URL's host",
    1045: "the user or password in the URL is wrong",
    1044: "this user may not use that database: check the database name in the URL",
    1049: "the database does not exist: create it, or fix its name in the URL",
}


def check_database(url: str, *, migrations_run: bool = True) -> Check:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return Check(False, "DATABASE_URL is not a database URL", "see README, Configuration")
    shown = f"database {parsed.render_as_string(hide_password=True)}"
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database or "")
        if not path.exists():
            if not path.resolve().parent.is_dir():
                return Check(False, f"{shown}: its folder does not exist", "create the folder")
            return Check(True, f"{shown}: no file yet, made and migrated at the first start")
    try:
        pending, unknown = _migration_state(url)
    except ModuleNotFoundError as error:
        advice = "use mysql+pymysql:// (the kit installs PyMySQL)"
        return Check(False, f"{shown}: no driver ({error.name})", advice)
    except DBAPIError as error:
        code, reason = _code_and_reason(error)
        advice = MYSQL_ADVICE.get(code or 0, "check the URL, and that the server runs")
        return Check(False, f"{shown}: cannot connect ({reason})", advice)
    return _migration_check(shown, pending, unknown, migrations_run)


def _migration_state(url: str) -> tuple[list[str], list[str]]:
    """The migrations the kit has that the database lacks, and the reverse."""
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    connect_args = {} if is_sqlite else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    engine = create_engine(url, hide_parameters=True, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            applied: set[str] = set()
            if inspect(connection).has_table(migrations_table.name):
                applied = set(connection.scalars(select(migrations_table.c.version)))
        known = {m.version for m in migrations.available(engine.dialect.name)}
    finally:
        engine.dispose()
    return sorted(known - applied), sorted(applied - known)


def _migration_check(
    shown: str, pending: list[str], unknown: list[str], migrations_run: bool
) -> Check:
    if unknown:
        advice = "a newer kit migrated it: update the kit (git pull), or use another database"
        lacking = ", ".join(unknown)
        return Check(False, f"{shown}: has migrations this kit lacks ({lacking})", advice)
    if pending and not migrations_run:
        advice = "run `cqrs-auth migrate` (MIGRATIONS_RUN=false: nothing applies them at start)"
        return Check(False, f"{shown}: {len(pending)} migration(s) pending", advice)
    if pending:
        return Check(True, f"{shown}: reachable; {len(pending)} migration(s) applied at start")
    return Check(True, f"{shown}: reachable and migrated")


def _code_and_reason(error: DBAPIError) -> tuple[int | None, str]:
    """PyMySQL's (code, message), or the driver's message alone (SQLite has no codes)."""
    args: tuple[object, ...] = getattr(error.orig, "args", ())
    if len(args) == 2 and isinstance(args[0], int):
        return args[0], str(args[1])
    return None, str(error.orig).splitlines()[0] if error.orig else type(error).__name__
