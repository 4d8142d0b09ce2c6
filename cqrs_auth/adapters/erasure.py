"""Forgetting a person (beyond the tutorial, issue 21): every row that names them, in one
transaction (the DeleteAccountCommand's).

The rows that belong to the account or its email are deleted: its reset token, the account
(only in the session version of the caller's token), the email's lockout row (a login that was
settling holds it, and the deletion waits; one that settles after finds it gone and is refused,
service/login.py), its reset requests, its ended sessions, and the mails to its address. The
order is the one in which a reset, a password change and a login lock these rows (reset token,
account, lockout row), so a deletion racing them waits; it does not deadlock.

The events stay, in place, with their personal fields (Event.personal) replaced by ERASED:
the events filed under the account's id, and those filed under its email (the login events) or
under the email's keyed hash (the reset requests). The log keeps its counts, positions and ids,
so the relay, the parked events and the read model's rebuild work as before. An event still
waiting for the relay is marked dispatched: what it asked for (a mail) concerns nobody now.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, delete, update

from ..domain.events import Event
from ..domain.model import User
from .clock import to_db, utcnow
from .event_store import EventStore, StoredEvent
from .tables import (
    ended_sessions,
    events,
    login_failures,
    mail_outbox,
    password_reset_requests,
    password_reset_tokens,
    users,
)

Eraser = Callable[[Any], Event]  # an event of one type -> the same event, erased

ACCOUNT = users.c.userId == bindparam("key")
DELETE_USER = delete(users).where(ACCOUNT, users.c.sessionVersion == bindparam("version"))
REWRITE = (
    update(events)
    .where(events.c.id == bindparam("event_id"))
    .values(
        payload=bindparam("new_payload"),
        aggregateId=bindparam("new_aggregate"),
        dispatchedAt=bindparam("dispatched"),
    )
)
MAILS = delete(mail_outbox).where(mail_outbox.c.recipient.in_(bindparam("to", expanding=True)))


def default_erasers() -> dict[str, Eraser]:
    """Each of the kit's event types and how it is erased: Event.erased, by its `personal`."""
    return {name: cls.erased for name, cls in Event.registry.items() if cls.personal}


class Erasure:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def delete_account(self, user: User, email: str, session_version: int) -> bool:
        """Delete the account's rows (`email`: its normalised email). False if the account is
        gone or its session version has moved on meanwhile (the caller rolls back)."""
        key = uuid.UUID(user.user_id).bytes
        self._delete_by_key(password_reset_tokens, key)
        deleted = self.connection.execute(DELETE_USER, {"key": key, "version": session_version})
        if deleted.rowcount != 1:
            return False
        for table in (login_failures, password_reset_requests):
            self.connection.execute(delete(table).where(table.c.emailNormalised == email))
        self._delete_by_key(ended_sessions, key)
        self.connection.execute(MAILS, {"to": sorted({user.email, email})})
        return True

    def erase_events(self, filed_under: list[str], erasers: Mapping[str, Eraser]) -> int:
        """Rewrite the events filed under any of `filed_under` (ids, emails, keys) by their
        type's eraser, in one statement; how many changed. Types without one stay as they are."""
        stored = EventStore(self.connection).filed_under(filed_under)
        rewrites = [r for s in stored if (r := _rewrite(s, erasers)) is not None]
        if rewrites:
            self.connection.execute(REWRITE, rewrites)
        return len(rewrites)

    def _delete_by_key(self, table: Any, key: bytes) -> None:
        self.connection.execute(delete(table).where(table.c.userId == key))


def _rewrite(stored: StoredEvent, erasers: Mapping[str, Eraser]) -> dict[str, Any] | None:
    """The REWRITE parameters that erase one stored event; None if it has nothing to erase."""
    eraser = erasers.get(stored.type)
    if eraser is None:
        return None
    erased = eraser(stored.to_event())
    payload, aggregate = erased.payload(), erased.aggregate_id
    if payload == stored.payload and aggregate == stored.aggregate_id:
        return None
    dispatched = stored.dispatched_at or utcnow()
    return {
        "event_id": stored.id,
        "new_payload": payload,
        "new_aggregate": aggregate,
        "dispatched": to_db(dispatched),
    }
