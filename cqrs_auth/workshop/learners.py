"""One database and one user per learner on a MySQL/MariaDB server, and their removal.

Each learner `<prefix>_NN` gets a database and a user of that name with a random password and
ALL PRIVILEGES on that database only (no GRANT OPTION, nothing on any other database, the
name's `_` escaped so that it matches no other: names.py), so no learner can read or wipe
another's tables or create a database; and at most `max_connections` connections at once, so
no learner can take the server's. Names are checked before anything is created; a name that
already exists is refused, never taken over. If creating fails half-way, what this run created
is removed again.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, text
from sqlalchemy.exc import DBAPIError

from .names import check_names, grant_target, learner_name, learner_url
from .registry import Created, Registry, WorkshopError

MAX_NUMBER = 999  # names are PREFIX_01 ... PREFIX_999
# per learner: a chapter's kit holds 2 connections, and chapter 5's `cqrs-auth serve` 2 per
# worker, one worker per core of the learner's machine (measured on MariaDB)
DEFAULT_MAX_CONNECTIONS = 50


@dataclass(frozen=True)
class Learner:
    number: int
    name: str  # the database's and the user's
    database_url: str


@dataclass(frozen=True)
class Account:
    """How each learner's user is made: the hosts it may connect from, its connection limit."""

    host: str = "%"
    max_connections: int = DEFAULT_MAX_CONNECTIONS


def provision(
    engine: Engine, admin_url: str, *, learners: int, prefix: str, account: Account = Account(),
    learner_host: str | None = None,
) -> list[Learner]:  # fmt: skip
    """Create `learners` more learners; numbering goes on after those provisioned before."""
    check_names(prefix, learners, account.host, account.max_connections)
    registry = Registry(engine, prefix)
    known = registry.entries() if registry.exists() else None
    first = max((c.learner for c in known or []), default=0) + 1
    if first + learners - 1 > MAX_NUMBER:
        raise WorkshopError(f"--learners: at most {MAX_NUMBER} per prefix; use another --prefix")
    names = [learner_name(prefix, number) for number in range(first, first + learners)]
    _refuse_existing(engine, names)
    if known is None:
        registry.create()
    made: list[Created] = []
    try:
        return [
            _create_learner(engine, registry, made, number, name, account, admin_url, learner_host)
            for number, name in enumerate(names, start=first)
        ]
    except DBAPIError as error:
        _remove(engine, registry, made, prefix)
        if known is None:
            registry.drop()
        raise WorkshopError(f"creating learners failed, nothing kept: {error.orig}") from error


def teardown(engine: Engine, *, prefix: str) -> list[Created]:
    """Drop every database and user recorded for `prefix`, then the record itself."""
    check_names(prefix, 1, "%")
    registry = Registry(engine, prefix)
    if not registry.exists():
        return []
    created = sorted(registry.entries(), key=_drop_order)
    _remove(engine, registry, created, prefix)
    registry.drop()
    return created


def _create_learner(
    engine: Engine, registry: Registry, made: list[Created], number: int, name: str,
    account: Account, admin_url: str, learner_host: str | None,
) -> Learner:  # fmt: skip
    password, user_host = secrets.token_urlsafe(18), account.host
    with engine.connect() as connection:
        connection.exec_driver_sql(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        made.append(Created("database", name, "", number))
        registry.record(made[-1])
        connection.execute(
            text(
                "CREATE USER :user@:host IDENTIFIED BY :password"
                f" WITH MAX_USER_CONNECTIONS {int(account.max_connections)}"
            ),
            {"user": name, "host": user_host, "password": password},
        )
        made.append(Created("user", name, user_host, number))
        registry.record(made[-1])
        connection.execute(
            text(f"GRANT ALL PRIVILEGES ON {grant_target(name)} TO :user@:host"),
            {"user": name, "host": user_host},
        )
    return Learner(number, name, learner_url(admin_url, name, password, learner_host))


def _refuse_existing(engine: Engine, names: list[str]) -> None:
    query = text(
        "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN :names"
        " UNION SELECT User FROM mysql.user WHERE User IN :names"
    ).bindparams(bindparam("names", expanding=True))
    with engine.connect() as connection:
        taken_names = sorted(set(connection.execute(query, {"names": names}).scalars()))
    if taken_names:
        raise WorkshopError(
            f"refusing: {', '.join(taken_names)} already exist(s) and this tool did not create"
            " them; choose another --prefix"
        )


def _remove(engine: Engine, registry: Registry, created: list[Created], prefix: str) -> None:
    """Drop users first (no new sessions as them), then databases; forget each once dropped.
    Only names of this prefix's shape are dropped, whatever the record says."""
    shape = re.compile(re.escape(prefix) + r"_\d{2,3}")
    if any(not shape.fullmatch(item.name) for item in created):
        raise WorkshopError(f"the record of {registry.database} holds names it should not")
    for item in sorted(created, key=_drop_order):
        with engine.connect() as connection:
            if item.kind == "user":
                connection.execute(
                    text("DROP USER IF EXISTS :user@:host"), {"user": item.name, "host": item.host}
                )
            else:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{item.name}`")
        registry.forget(item)


def _drop_order(item: Created) -> tuple[bool, int]:
    return item.kind != "user", item.learner
