"""Helpers the course notebooks import, so that no code is pasted between chapters.

Every chapter starts with `fresh_app("<chapter>")`: a kit of its own on an empty database.

- With `DATABASE_URL` unset (the default), each chapter gets its own SQLite file,
  `.data/<chapter>.db` beside the notebook, deleted first.
- With `DATABASE_URL` set (say, `mysql+pymysql://kit:kit-password@127.0.0.1:3306/cqrs_auth`),
  the chapter uses that database, which belongs to the kit: the kit's tables are DROPPED and
  created again.

The tables shown here never contain a password (the kit never stores one) and mask the hash's
salt and digest, so no output of the course shows a secret.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jwt
import pandas as pd
from sqlalchemy import inspect, select

from .adapters.db import make_engine
from .adapters.event_store import StoredEvent
from .adapters.tables import metadata
from .adapters.tables import users as users_table
from .bootstrap import App, bootstrap
from .domain.errors import KitError
from .resources import sql_dir

DATA_DIR = Path(".data")

# Show whole values: a UUID cut short by "..." could not be recognised by the sanitize file
# that nbval compares the outputs with (notebooks/sanitize.cfg).
pd.set_option("display.max_colwidth", None)


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


def drop_kit_tables(url: str) -> None:
    """Drop the kit's tables (and only those) from the database at `url`."""
    engine = make_engine(url)
    try:
        metadata.drop_all(engine, checkfirst=True)
    finally:
        engine.dispose()


def fresh_app(chapter: str, *, start: bool = True, **overrides: Any) -> App:
    """A kit on an empty database of its own (see the module docstring). Migrated if `start`."""
    use_random_jwt_secret()
    url = database_url_for(chapter)
    if os.environ.get("DATABASE_URL"):
        drop_kit_tables(url)
    return bootstrap(url, start=start, **overrides)


def using_sqlite(app: App) -> bool:
    return app.engine.dialect.name == "sqlite"


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


def mask_hash(password_hash: str) -> str:
    """Keep an argon2 hash's scheme and parameters; hide its salt and digest.

    `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<digest>` -> `$argon2id$v=19$m=19456,t=2,p=1$…$…`
    """
    parts = password_hash.split("$")
    if len(parts) < 3:
        return "…"
    return "$".join(parts[:-2] + ["…", "…"])


def stored_users(app: App) -> pd.DataFrame:
    """The `users` rows as stored: the raw 16-byte userId (shown as hex), the hash masked."""
    with app.engine.connect() as connection:
        rows = connection.execute(select(users_table).order_by(users_table.c.createdAt)).all()
    return pd.DataFrame(
        [
            {
                "userId (16 bytes, hex)": bytes(row.userId).hex(),
                "username": row.username,
                "email": row.email,
                "password (hash, masked)": mask_hash(row.password),
                "usernameNormalised": row.usernameNormalised,
                "emailNormalised": row.emailNormalised,
            }
            for row in rows
        ]
    )


def raw_password_column(app: App) -> list[str]:
    """The `password` column's values, for asserts only (never display them)."""
    with app.engine.connect() as connection:
        return list(connection.scalars(select(users_table.c.password)))


def event_rows(events: Sequence[StoredEvent]) -> list[dict[str, Any]]:
    return [
        {
            "position": e.position,
            "type": e.type,
            "aggregateId": e.aggregate_id,
            "payload": json.dumps(e.payload),
            "dispatched": e.dispatched_at is not None,
        }
        for e in events
    ]


def event_table(app: App, after_position: int = 0) -> pd.DataFrame:
    """The stored event log, oldest first, as a table."""
    return pd.DataFrame(
        event_rows(app.events(after_position)),
        columns=["position", "type", "aggregateId", "payload", "dispatched"],
    )


def event_types(app: App, after_position: int = 0) -> list[str]:
    return [e.type for e in app.events(after_position)]


def last_position(app: App) -> int:
    events = app.events()
    return events[-1].position if events else 0


def mail_table(app: App) -> pd.DataFrame:
    return pd.DataFrame(
        [{"to": m.recipient, "subject": m.subject, "body": m.body} for m in app.mails()],
        columns=["to", "subject", "body"],
    )


def decode_token(token: str) -> dict[str, Any]:
    """A JWT's header and claims, decoded WITHOUT checking the signature: to look, not to trust."""
    return {
        "header": jwt.get_unverified_header(token),
        "claims": jwt.decode(token, options={"verify_signature": False}),
    }


def error_summary(error: BaseException) -> str:
    if isinstance(error, KitError):
        return f"{type(error).__name__}: {error.message}  extensions={error.extensions}"
    return f"{type(error).__name__}: {error}"


def expect_error(call: Callable[[], Any]) -> KitError:
    """Run `call`, which should fail with one of the kit's errors; print and return the error."""
    try:
        call()
    except KitError as error:
        print(error_summary(error))
        return error
    raise AssertionError("expected a KitError, but the call succeeded")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: App, port: int | None = None) -> Iterator[str]:
    """Run `cqrs-auth serve` on the app's database in a child process; yield its /graphql URL.

    The child gets the database URL and JWT_SECRET through its environment (so tokens work in
    both), writes its output nowhere, and is stopped, by its own process, on leaving the block.
    """
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": app.engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "cqrs_auth.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("cqrs-auth serve did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.terminate()
        server.wait(timeout=10)


def post_graphql(
    url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """POST a GraphQL request as JSON, like any HTTP client would; return (status, body)."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = token if token.startswith("Bearer ") else f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class _Collect(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__()
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname} {record.name}: {record.getMessage()}")


@contextmanager
def captured_logs(name: str = "cqrs_auth", level: int = logging.INFO) -> Iterator[list[str]]:
    """Collect the log messages of logger `name` (without tracebacks) instead of printing them."""
    messages: list[str] = []
    logger = logging.getLogger(name)
    handler, saved = _Collect(messages), (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


@contextmanager
def check_answer() -> Iterator[None]:
    """Used by the exercise notebooks: say whether the checks in the block hold."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - any failure is an answer to report, not a crash
        where = traceback.extract_tb(error.__traceback__)[-1].line or ""
        print(f"✗ Not yet: {error_summary(error)}", file=sys.stdout)
        if where:
            print(f"  (failed at: {where})")
    else:
        print("✓ Right! On to the next step.")
