"""Small helpers the integration tests share: signing up, logging in, reading the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from cqrs_auth import App, CreateUserCommand, PerformLoginCommand
from cqrs_auth.adapters.clock import to_db, utcnow
from cqrs_auth.adapters.tables import events, users
from cqrs_auth.domain.model import UserView

PASSWORD = "correct horse battery staple"
WRONG_PASSWORD = "definitely not the password"


def sign_up(
    app: App, username: str = "ada", email: str = "ada@example.org", password: str = PASSWORD
) -> UserView:
    return app.command_bus.execute(CreateUserCommand(username, email, password, password))


def log_in(app: App, email: str = "ada@example.org", password: str = PASSWORD) -> Any:
    return app.command_bus.execute(PerformLoginCommand(email, password))


def count(app: App, table: Any, *where: Any) -> int:
    with app.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table).where(*where)))


def event_types(app: App) -> list[str]:
    return [stored.type for stored in app.events()]


def undispatched_types(app: App) -> list[str]:
    return [stored.type for stored in app.events() if stored.dispatched_at is None]


def stored_hashes(app: App) -> list[str]:
    with app.engine.connect() as connection:
        return list(connection.scalars(select(users.c.password)))


def expire_claims(app: App) -> None:
    """Let every claim on an event run out, as time would after its process died."""
    with app.engine.begin() as connection:
        connection.execute(update(events).values(claimedUntil=to_db(utcnow())))
