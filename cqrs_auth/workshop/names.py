"""The names `cqrs-auth workshop` gives, the checks on them, and the learners' URLs.

In a GRANT, MySQL and MariaDB read `_` and `%` in a database name as wildcards (as in LIKE):
`GRANT ALL ON ws_a_01.*` also covers another room's `wsxa_01`, and lets its learner create
databases such as `ws0a101` that no teardown knows of. `grant_target` escapes them, so a grant
means the one database it names.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url

from .registry import WorkshopError

PREFIX = re.compile(r"[a-z][a-z0-9_]{0,19}")  # `_` too: grant_target escapes it
USER_HOST = re.compile(r"[A-Za-z0-9.%_:-]{1,255}")
MAX_LEARNERS = 500  # in one run
MAX_CONNECTIONS_ALLOWED = 1000  # per learner


def check_names(prefix: str, learners: int, user_host: str, max_connections: int = 1) -> None:
    if not PREFIX.fullmatch(prefix):
        raise WorkshopError("--prefix: a lower-case letter, then up to 19 of a-z, 0-9, _")
    if not 1 <= learners <= MAX_LEARNERS:
        raise WorkshopError(f"--learners: between 1 and {MAX_LEARNERS}")
    if not USER_HOST.fullmatch(user_host):
        raise WorkshopError("--user-host: a host name, an address or a pattern such as %")
    if not 1 <= max_connections <= MAX_CONNECTIONS_ALLOWED:
        raise WorkshopError(f"--max-connections: between 1 and {MAX_CONNECTIONS_ALLOWED}")


def learner_name(prefix: str, number: int) -> str:
    return f"{prefix}_{number:02d}"


def grant_target(database: str) -> str:
    """The database as a GRANT's quoted name that matches it alone: `\\`, `_`, `%` escaped."""
    escaped = re.sub(r"([\\_%])", r"\\\1", database)
    return f"`{escaped}`.*"


def learner_url(admin_url: str, name: str, password: str, host: str | None) -> str:
    admin = make_url(admin_url)
    url = URL.create(
        "mysql+pymysql", username=name, password=password,
        host=host or admin.host, port=admin.port or 3306, database=name,
    )  # fmt: skip
    return url.render_as_string(hide_password=False)
