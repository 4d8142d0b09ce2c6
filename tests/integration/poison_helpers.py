"""What the poison-event tests share: an operator's hand on the event log, and what it parked."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, insert, select, update

from cqrs_auth import App
from cqrs_auth.adapters.clock import to_db, utcnow
from cqrs_auth.adapters.tables import events, users


def stored_of(app: App, event_type: str) -> list[Any]:
    return [stored for stored in app.events() if stored.type == event_type]


def edit_payload(app: App, event_id: str, **changes: Any) -> None:
    """An operator's UPDATE of a stored event's payload: a key set to a value, or to None to
    remove it (as a deploy that renamed a field leaves the old rows)."""
    with app.engine.begin() as connection:
        payload = dict(connection.scalar(select(events.c.payload).where(events.c.id == event_id)))
        for key, value in changes.items():
            payload.pop(key, None) if value is None else payload.__setitem__(key, value)
        connection.execute(update(events).where(events.c.id == event_id).values(payload=payload))


def store_raw(app: App, event_type: str, payload: dict[str, Any]) -> str:
    """A row written into the log by hand, undispatched: its type need not exist."""
    event_id = str(uuid.uuid4())
    row = {"id": event_id, "type": event_type, "aggregateId": "by hand", "payload": payload}
    with app.engine.begin() as connection:
        connection.execute(insert(events).values(row | {"occurredAt": to_db(utcnow())}))
    return event_id


def delete_account(app: App, email: str) -> None:
    """An operator's DELETE FROM users, outside the kit: no event says so."""
    with app.engine.begin() as connection:
        connection.execute(delete(users).where(users.c.emailNormalised == email))


def parked(app: App) -> list[tuple[str, str]]:
    """(event type, consumer) of each parked row, in log order."""
    return [(row.event_type, row.consumer) for row in app.parked()]


def parking_lines(records: list[Any]) -> list[str]:
    return [r.getMessage() for r in records if " parked " in r.getMessage()]
