"""The `events` table: the event log and the transactional outbox, with claims.

A process claims an undispatched event for a lease before it runs the event's handlers, so that
with several processes on one database each event is handled by one of them at a time: in the
INSERT that stores it (the process that raised it dispatches it right after commit), or in the
relay (`claim`, a conditional UPDATE). A claim whose lease has run out (its process died) can be
taken over. Dispatched events are marked many at a time (`mark_dispatched`, one UPDATE).

The statements are built once, with named bind parameters, and only executed per call.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, or_, select, update

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


FREE = and_(
    events.c.dispatchedAt.is_(None),
    or_(events.c.claimedUntil.is_(None), events.c.claimedUntil <= bindparam("now")),
)
APPEND = insert(events)
CANDIDATES = (
    select(events.c.position)
    .where(FREE, events.c.position > bindparam("after"))
    .order_by(events.c.position)
    .limit(bindparam("limit"))
)
CHOSEN = events.c.position.in_(bindparam("positions", expanding=True))
CLAIM = (
    update(events)
    .where(CHOSEN, FREE)
    .values(claimedBy=bindparam("owner"), claimedUntil=bindparam("until"))
)
WON = (
    select(events)
    .where(
        CHOSEN,
        events.c.claimedBy == bindparam("owner"),
        events.c.claimedUntil == bindparam("until"),
    )
    .order_by(events.c.position)
)
MARK = (
    update(events)
    .where(events.c.id.in_(bindparam("ids", expanding=True)))
    .values(dispatchedAt=bindparam("at"), claimedBy=None, claimedUntil=None)
)
UNDISPATCH = (
    update(events)
    .where(events.c.id == bindparam("event_id"))
    .values(dispatchedAt=None, claimedBy=None, claimedUntil=None)
)
RELEASE = (
    update(events)
    .where(events.c.id == bindparam("event_id"), events.c.claimedBy == bindparam("owner"))
    .values(claimedBy=None, claimedUntil=None)
)


class EventStore:
    def __init__(self, connection: Connection, lease: Lease | None = None) -> None:
        self.connection = connection
        self.lease = lease

    def append(self, event: Event) -> None:
        """Store an event, claimed by this store's lease if it has one; one that needs no
        dispatch (Event.needs_dispatch) is stored as dispatched, by the same statement."""
        lease = self.lease
        claim = {"claimedBy": lease.owner, "claimedUntil": lease.until()} if lease else {}
        occurred_at = to_db(event.occurred_at)
        values = {
            "id": event.event_id,
            "type": event.type,
            "aggregateId": event.aggregate_id,
            "payload": event.payload(),
            "occurredAt": occurred_at,
            "dispatchedAt": None if event.needs_dispatch else occurred_at,
        }
        self.connection.execute(APPEND, values | claim)

    def claim(self, lease: Lease, *, after_position: int, limit: int) -> list[StoredEvent]:
        """Claim up to `limit` undispatched events after `after_position` that nobody holds (or
        whose claim has run out), oldest first, and return them.

        A plain read finds candidates; a conditional UPDATE claims those still free (a process
        claiming the same rows at once waits on the row locks, then finds them taken); a read
        of the rows now holding this very claim tells which were won.
        """
        now = to_db(utcnow())
        found = {"now": now, "after": after_position, "limit": limit}
        candidates = list(self.connection.scalars(CANDIDATES, found))
        if not candidates:
            return []
        claim = {"positions": candidates, "now": now, "owner": lease.owner, "until": lease.until()}
        self.connection.execute(CLAIM, claim)
        return [_stored(row) for row in self.connection.execute(WON, claim)]

    def mark_dispatched(self, event_ids: list[str]) -> None:
        """Mark these events dispatched, in one statement."""
        self.connection.execute(MARK, {"ids": event_ids, "at": to_db(utcnow())})

    def release(self, event_id: str, lease: Lease) -> None:
        """Give back a claim after a failed dispatch, so that the relay tries again soon."""
        self.connection.execute(RELEASE, {"event_id": event_id, "owner": lease.owner})

    def undispatch(self, event_id: str) -> None:
        """Hand an event to the relay again, as if it had never been dispatched (a parked
        event's retry: its consumers are idempotent by the event's id)."""
        self.connection.execute(UNDISPATCH, {"event_id": event_id})

    def get(self, event_id: str) -> StoredEvent | None:
        row = self.connection.execute(select(events).where(events.c.id == event_id)).first()
        return _stored(row) if row else None

    def filed_under(self, aggregate_ids: list[str]) -> list[StoredEvent]:
        """The events whose aggregateId is one of these, oldest first (sql/012's index)."""
        query = select(events).where(events.c.aggregateId.in_(aggregate_ids))
        return [_stored(row) for row in self.connection.execute(query.order_by(events.c.position))]

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
