"""The `parked_events` table: events a consumer could not apply, set aside (sql/010).

A row says that one consumer (the `user_activity` projection, an event handler or a saga by
name, or the dispatcher when the event could not even be read back into its class) gave up on
one event, with this error, at this time, so that the events after it could flow. Only failures
write here: the happy path never reads or writes this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select

from .clock import from_db, to_db
from .tables import events
from .tables import parked_events as t

ERROR_LENGTH = 1000  # the column's width

LISTED = (
    select(t, events.c.position)
    .select_from(t.outerjoin(events, events.c.id == t.c.eventId))
    .order_by(events.c.position, t.c.eventId, t.c.consumer)
)
ONE = delete(t).where(t.c.eventId == bindparam("event_id"), t.c.consumer == bindparam("consumer"))


@dataclass(frozen=True)
class ParkedEvent:
    event_id: str
    event_type: str
    consumer: str
    error: str
    parked_at: datetime
    position: int | None = None  # where the event is in the log (None: no longer there)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.event_id,
            "type": self.event_type,
            "position": self.position,
            "consumer": self.consumer,
            "error": self.error,
            "parkedAt": self.parked_at.isoformat(),
        }


class ParkedEvents:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def park(self, parked: ParkedEvent) -> None:
        """Set the event aside for its consumer (a row parked before is replaced)."""
        self.unpark(parked.event_id, parked.consumer)
        values = {
            "eventId": parked.event_id,
            "consumer": parked.consumer,
            "eventType": parked.event_type,
            "error": parked.error[:ERROR_LENGTH],
            "parkedAt": to_db(parked.parked_at),
        }
        self.connection.execute(insert(t), values)

    def listed(self, event_id: str | None = None) -> list[ParkedEvent]:
        """Every parked event (or those of one event), in log order."""
        query = LISTED if event_id is None else LISTED.where(t.c.eventId == event_id)
        return [_parked(row) for row in self.connection.execute(query)]

    def unpark(self, event_id: str, consumer: str) -> None:
        self.connection.execute(ONE, {"event_id": event_id, "consumer": consumer})

    def unpark_all(self, consumer: str) -> None:
        self.connection.execute(delete(t).where(t.c.consumer == consumer))


def _parked(row: Any) -> ParkedEvent:
    return ParkedEvent(
        event_id=row.eventId,
        event_type=row.eventType,
        consumer=row.consumer,
        error=row.error,
        parked_at=from_db(row.parkedAt),
        position=row.position,
    )
