"""Helpers for the tests of what goes beyond the tutorial: the read model and password reset."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, select

from cqrs_auth import App
from cqrs_auth.adapters.tables import metadata, user_activity
from cqrs_auth.domain.commands import RequestPasswordResetCommand, ResetPasswordCommand
from cqrs_auth.domain.queries import GetUserActivityQuery
from cqrs_auth.service.reset_mails import RESET_SUBJECT, token_from_link

from .helpers import count

NEW_PASSWORD = "a brand new passphrase for ada"


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the block, in order; without SQLite's
    BEGIN IMMEDIATE, which the kit's engine sends where MySQL's driver begins implicitly."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement != "BEGIN IMMEDIATE":
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def rows_per_table(app: App) -> dict[str, int]:
    return {table.name: count(app, table) for table in metadata.sorted_tables}


def activity_rows(app: App) -> list[tuple[Any, ...]]:
    """Every row of the projection, in a stable order."""
    with app.engine.connect() as connection:
        query = select(user_activity).order_by(user_activity.c.userId)
        return [tuple(row) for row in connection.execute(query)]


def activity(app: App, user_id: str) -> Any:
    return app.query_bus.execute(GetUserActivityQuery(user_id))


def request_reset(app: App, email: str = "ada@example.org") -> bool:
    return app.command_bus.execute(RequestPasswordResetCommand(email))


def reset_password(app: App, token: str, password: str = NEW_PASSWORD) -> bool:
    return app.command_bus.execute(ResetPasswordCommand(token, password, password))


def reset_tokens_mailed(app: App, recipient: str = "ada@example.org") -> list[str]:
    """The tokens of the reset mails sent to `recipient`, oldest first."""
    mails = [m for m in app.mails() if m.recipient == recipient and m.subject == RESET_SUBJECT]
    return [token for mail in mails if (token := token_from_link(mail.body))]
