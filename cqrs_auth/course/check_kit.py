"""A kit of the check's own: every check that needs a kit runs the learner's CURRENT definitions
on a fresh one (`bootstrap()` on an empty SQLite file in a temporary folder), with buses of its
own, never on the chapter's `app`.

So a wrong answer tried before the right one, an answer cell run twice (or without the cells
above it), or an event class re-defined with other fields cannot change the next verdict; and
nothing a learner types reaches the chapter's event log, buses or read model.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..bootstrap import App, bootstrap
from ..domain.commands import CreateUserCommand
from ..domain.model import UserView
from .database import use_random_jwt_secret
from .exercises import NotYet, expect, kind, written
from .running import captured_logs

CHECK_PASSWORD = "a passphrase only the checks use"


@contextmanager
def check_kit(**overrides: Any) -> Iterator[App]:
    """A kit on an empty database of its own, closed and deleted after the block. What it logs
    (a learner's handler failing on its bus, say) is kept out of sight: the check says it in
    words."""
    use_random_jwt_secret()
    with tempfile.TemporaryDirectory(prefix="cqrs-auth-check-") as folder:
        kit = bootstrap(f"sqlite:///{Path(folder) / 'check.db'}", **overrides)
        try:
            with captured_logs():
                yield kit
        finally:
            kit.close()


def built(cls: Any, name: str, *args: Any) -> Any:
    """An instance of the learner's class `name`, made with `args`; or NotYet saying why not."""
    written(cls, name)
    expect(isinstance(cls, type), f"{name} is a {kind(cls)}; expected the class you wrote")
    try:
        return cls(*args)
    except TypeError as error:
        raise NotYet(f"making {name}(...) as the task says failed: {error}") from None


def new_check_email(prefix: str) -> str:
    """An email that no chapter uses, for a check's own user."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}@example.org"


def sign_up_check_user(kit: App, prefix: str) -> UserView:
    """Sign up a user of the check's own, whose password is CHECK_PASSWORD."""
    email = new_check_email(prefix)
    name = email.split("@")[0]
    command = CreateUserCommand(name, email, CHECK_PASSWORD, CHECK_PASSWORD)
    user: UserView = kit.command_bus.execute(command)
    return user
