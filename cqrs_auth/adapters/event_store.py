"""The `events` table: the event log and the transactional outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ..domain.events import Event
from .clock import from_db, to_db, utcnow
from .tables import events


@dataclass(frozen=True)
class StoredEvent:
    position: int
    id: str
    type: str
    aggregate_id: str
    payload: dict[str, Any]
    occurred_at: datetime
    dispatched_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "id": self.id,
            "type": self.type,
            "aggregateId": self.aggregate_id,
            "occurredAt": self.occurred_at.isoformat(),
            "dispatchedAt": self.dispatched_at.isoformat() if self.dispatched_at else None,
            "payload": self.payload,
        }

    def to_event(self) -> Event:
        return Event.restore(self.type, self.id, self.occurred_at, self.payload)


class EventStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def append(self, event: Event) -> None:
        self.connection.execute(
            insert(events).values(
                id=event.event_id,
                type=event.type,
                aggregateId=event.aggregate_id,
                payload=event.payload(),
                occurredAt=to_db(event.occurred_at),
            )
        )

    def mark_dispatched(self, event_id: str) -> None:
        self.connection.execute(
            update(events).where(events.c.id == event_id).values(dispatchedAt=to_db(utcnow()))
        )

    def undispatched(self) -> list[StoredEvent]:
        query = select(events).where(events.c.dispatchedAt.is_(None)).order_by(events.c.position)
        return [_stored(row) for row in self.connection.execute(query)]

    def read(self, after_position: int = 0, limit: int | None = None) -> list[StoredEvent]:
        """The log, oldest first, from just after `after_position`."""
        query = select(events).where(events.c.position > after_position)
        query = query.order_by(events.c.position).limit(limit)
        return [_stored(row) for row in self.connection.execute(query)]


def _stored(row: Any) -> StoredEvent:
    return StoredEvent(
        position=row.position,
        id=row.id,
        type=row.type,
        aggregate_id=row.aggregateId,
        payload=row.payload,
        occurred_at=from_db(row.occurredAt),
        dispatched_at=from_db(row.dispatchedAt) if row.dispatchedAt else None,
    )
