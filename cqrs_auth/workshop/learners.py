"""One database and one user per learner on a MySQL/MariaDB server, and their removal.

Each learner `<prefix>_NN` gets a database and a user of that name with a random password and
ALL PRIVILEGES on that database only (no GRANT OPTION, nothing on any other database), so no
learner can read or wipe another's tables. Names are checked before anything is created; a
name that already exists is refused, never taken over. If creating fails half-way, what this
run created is removed again.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from .registry import Created, Registry, WorkshopError

PREFIX = re.compile(r"[a-z][a-z0-9_]{0,19}")
USER_HOST = re.compile(r"[A-Za-z0-9.%_:-]{1,255}")
MAX_LEARNERS = 500  # in one run
MAX_NUMBER = 999  # names are PREFIX_01 ... PREFIX_999


@dataclass(frozen=True)
class Learner:
    number: int
    name: str  # the database's and the user's
    database_url: str


def check_names(prefix: str, learners: int, user_host: str) -> None:
    if not PREFIX.fullmatch(prefix):
        raise WorkshopError("--prefix: a lower-case letter, then up to 19 of a-z, 0-9, _")
    if not 1 <= learners <= MAX_LEARNERS:
        raise WorkshopError(f"--learners: between 1 and {MAX_LEARNERS}")
    if not USER_HOST.fullmatch(user_host):
        raise WorkshopError("--user-host: a host name, an address or a pattern such as %")


def provision(
    engine: Engine, admin_url: str, *, learners: int, prefix: str, user_host: str = "%",
    learner_host: str | None = None,
) -> list[Learner]:  # fmt: skip
    """Create `learners` more learners; numbering goes on after those provisioned before."""
    check_names(prefix, learners, user_host)
    registry = Registry(engine, prefix)
    known = registry.entries() if registry.exists() else None
    first = max((c.learner for c in known or []), default=0) + 1
    if first + learners - 1 > MAX_NUMBER:
        raise WorkshopError(f"--learners: at most {MAX_NUMBER} per prefix; use another --prefix")
    names = [f"{prefix}_{number:02d}" for number in range(first, first + learners)]
    _refuse_existing(engine, names)
    if known is None:
        registry.create()
    made: list[Created] = []
    try:
        return [
            _create_learner(
                engine, registry, made, number, name, user_host, admin_url, learner_host
            )
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
    user_host: str, admin_url: str, learner_host: str | None,
) -> Learner:  # fmt: skip
    password = secrets.token_urlsafe(18)
    with engine.connect() as connection:
        connection.exec_driver_sql(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        made.append(Created("database", name, "", number))
        registry.record(made[-1])
        connection.execute(
            text("CREATE USER :user@:host IDENTIFIED BY :password"),
            {"user": name, "host": user_host, "password": password},
        )
        made.append(Created("user", name, user_host, number))
        registry.record(made[-1])
        connection.execute(
            text(f"GRANT ALL PRIVILEGES ON `{name}`.* TO :user@:host"),
            {"user": name, "host": user_host},
        )
    return Learner(number, name, learner_url(admin_url, name, password, learner_host))


def learner_url(admin_url: str, name: str, password: str, host: str | None) -> str:
    admin = make_url(admin_url)
    url = URL.create(
        "mysql+pymysql", username=name, password=password,
        host=host or admin.host, port=admin.port or 3306, database=name,
    )  # fmt: skip
    return url.render_as_string(hide_password=False)


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
