"""Chapter 9's helpers: the password reset's secrets used by the cells, never shown.

A reset token is a secret for as long as it works, so no helper here prints one: the cells get
a token from the newest reset mail (`mailed_reset_token`) and pass it on; tables show a token's
hash masked, and mails show their link without the token (tables.mail_table).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import event, select, update

from ..adapters.clock import to_db, utcnow
from ..adapters.tables import password_reset_tokens, users
from ..bootstrap import App
from ..service.reset_mails import RESET_SUBJECT, token_from_link


def mailed_reset_token(app: App, email: str) -> str:
    """The token in the newest reset mail to `email`: to pass on, never to display."""
    mails = [m for m in app.mails() if m.recipient == email and m.subject == RESET_SUBJECT]
    tokens = [token for mail in mails if (token := token_from_link(mail.body))]
    if not tokens:
        raise LookupError(f"no reset mail with a link to {email}")
    return tokens[-1]


def _user_ids(app: App, emails: Sequence[str]) -> dict[bytes, str]:
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(users.c.userId, users.c.email).where(users.c.email.in_(emails))
        ).all()
    return {bytes(row.userId): row.email for row in rows}


def reset_tokens_table(app: App, emails: Sequence[str]) -> pd.DataFrame:
    """The `password_reset_tokens` rows of these users' accounts, the hash masked: the user's
    email stands in for the userId, the hash shows only its length."""
    owners = _user_ids(app, emails)
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(password_reset_tokens)
            .where(password_reset_tokens.c.userId.in_(list(owners)))
            .order_by(password_reset_tokens.c.createdAt)
        ).all()
    return pd.DataFrame(
        [
            {
                "user": owners[bytes(row.userId)],
                "tokenHash": f"({len(bytes(row.tokenHash))} bytes, masked)",
                "createdAt": row.createdAt,
                "expiresAt": row.expiresAt,
                "usedAt": row.usedAt,
            }
            for row in rows
        ],
        columns=["user", "tokenHash", "createdAt", "expiresAt", "usedAt"],
    ).astype(object)


def stored_reset_token(app: App, email: str) -> Any | None:
    """The `password_reset_tokens` row of the account of `email` (its tokenHash, createdAt,
    expiresAt, usedAt), or None: for asserts and checks, never to display."""
    query = (
        select(password_reset_tokens)
        .join(users, users.c.userId == password_reset_tokens.c.userId)
        .where(users.c.email == email)
    )
    with app.engine.connect() as connection:
        return connection.execute(query).first()


def expire_reset_token(app: App, email: str) -> None:
    """Move the expiry of that user's token a second into the past, as if its
    PASSWORD_RESET_TTL_SECONDS had gone by."""
    [user_id] = _user_ids(app, [email])
    past = to_db(utcnow() - timedelta(seconds=1))
    with app.engine.begin() as connection:
        connection.execute(
            update(password_reset_tokens)
            .where(password_reset_tokens.c.userId == user_id)
            .values(expiresAt=past)
        )


@contextmanager
def statements_sent(app: App) -> Iterator[list[str]]:
    """The SQL statements the app sends inside the block (their text, never their values);
    SQLite's `BEGIN IMMEDIATE`, which MySQL's driver sends implicitly, is left out."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement != "BEGIN IMMEDIATE":
            sent.append(statement)

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(app.engine, "before_cursor_execute", record)
