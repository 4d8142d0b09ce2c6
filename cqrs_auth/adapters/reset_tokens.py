"""The `password_reset_tokens` table: one token per user, found by its hash, used once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, select, update

from .clock import to_db
from .tables import password_reset_tokens as t
from .upsert import upsert


class ResetTokens:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def replace(
        self, user_id: str, token_hash: bytes, created_at: datetime, expires_at: datetime
    ) -> None:
        """Store the user's new token; an earlier one, used or not, stops working."""
        values = {
            "userId": uuid.UUID(user_id).bytes,
            "tokenHash": token_hash,
            "createdAt": to_db(created_at),
            "expiresAt": to_db(expires_at),
            "usedAt": None,
        }
        assignments = [(name, value) for name, value in values.items() if name != "userId"]
        upsert(self.connection, t, values, key=t.c.userId, assignments=assignments)

    def user_of(self, token_hash: bytes, now: datetime) -> str | None:
        """The id of the user whose token this is, if it is unused and unexpired; else None."""
        query = select(t.c.userId).where(*_usable(token_hash, now))
        user_id = self.connection.execute(query).scalar_one_or_none()
        return str(uuid.UUID(bytes=bytes(user_id))) if user_id is not None else None

    def use(self, token_hash: bytes, now: datetime) -> bool:
        """Mark the token used if it still is usable. One statement: of two resets racing with
        one token, the database lets exactly one change the row; the other gets False."""
        statement = update(t).where(*_usable(token_hash, now)).values(usedAt=to_db(now))
        return self.connection.execute(statement).rowcount == 1


def _usable(token_hash: bytes, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (t.c.tokenHash == token_hash, t.c.usedAt.is_(None), t.c.expiresAt > to_db(now))
