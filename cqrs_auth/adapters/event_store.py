"""The `events` table: the event log and the transactional outbox, with claims.

A process claims an undispatched event for a lease before it runs the event's handlers, so that
with several processes on one database each event is handled by one of them at a time: in the
INSERT that stores it (the process that raised it dispatches it right after commit), or in the
relay (`claim`, a conditional UPDATE). A claim whose lease has run out (its process died) can be
taken over.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

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


@dataclass(frozen=True)
class Lease:
    """Who claims events and for how long."""

    owner: str
    seconds: float

    @classmethod
    def new(cls, seconds: float) -> Lease:
        """A lease with a name of its own: host, process id and a random part (one per app)."""
        return cls(f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}", seconds)

    def until(self) -> datetime:
        return to_db(utcnow() + timedelta(seconds=self.seconds))


class EventStore:
    def __init__(self, connection: Connection, lease: Lease | None = None) -> None:
        self.connection = connection
        self.lease = lease

    def append(self, event: Event) -> None:
        """Store an event, claimed by this store's lease if it has one."""
        lease = self.lease
        claim = {"claimedBy": lease.owner, "claimedUntil": lease.until()} if lease else {}
        self.connection.execute(
            insert(events).values(
                id=event.event_id,
                type=event.type,
                aggregateId=event.aggregate_id,
                payload=event.payload(),
                occurredAt=to_db(event.occurred_at),
                **claim,
            )
        )

    def claim(self, lease: Lease, *, after_position: int, limit: int) -> list[StoredEvent]:
        """Claim up to `limit` undispatched events after `after_position` that nobody holds (or
        whose claim has run out), oldest first, and return them.

        A plain read finds candidates; a conditional UPDATE claims those still free (a process
        claiming the same rows at once waits on the row locks, then finds them taken); a read
        of the rows now holding this very claim tells which were won.
        """
        now, until = to_db(utcnow()), lease.until()
        free = and_(
            events.c.dispatchedAt.is_(None),
            or_(events.c.claimedUntil.is_(None), events.c.claimedUntil <= now),
        )
        candidates = list(
            self.connection.scalars(
                select(events.c.position)
                .where(free, events.c.position > after_position)
                .order_by(events.c.position)
                .limit(limit)
            )
        )
        if not candidates:
            return []
        mine = events.c.position.in_(candidates)
        self.connection.execute(
            update(events).where(mine, free).values(claimedBy=lease.owner, claimedUntil=until)
        )
        won = select(events).where(
            mine, events.c.claimedBy == lease.owner, events.c.claimedUntil == until
        )
        return [_stored(row) for row in self.connection.execute(won.order_by(events.c.position))]

    def mark_dispatched(self, event_id: str) -> None:
        self.connection.execute(
            update(events)
            .where(events.c.id == event_id)
            .values(dispatchedAt=to_db(utcnow()), claimedBy=None, claimedUntil=None)
        )

    def release(self, event_id: str, lease: Lease) -> None:
        """Give back a claim after a failed dispatch, so that the relay tries again soon."""
        self.connection.execute(
            update(events)
            .where(events.c.id == event_id, events.c.claimedBy == lease.owner)
            .values(claimedBy=None, claimedUntil=None)
        )

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
